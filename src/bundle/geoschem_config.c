/* geoschem_config.c: geoschem_config.yml, emitted with libyaml's emitter.
 *
 * The sections and keys follow run/GCClassic/geoschem_config.yml.templates
 * and run/GCHP/geoschem_config.yml.templates of GEOS-Chem 14.x: simulation,
 * grid and timesteps (Classic only; GCHP takes them from its .rc files),
 * operations, then the simulation's own options (aerosols, CH4/CO/CO2, Hg,
 * POPs) and extra_diagnostics.  Only sections relevant to the simulation are
 * present, as in the templates. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"
#include "bundle/yaml_out.h"
#include "i18n.h"
#include "paths.h"

static bool is_sim(const struct gcr_rundir *r, const char *sim)
{
	return strcmp(r->sim, sim) == 0;
}

/* CHEM_INPUTS as the model sees it: GCHP run directories link it as ChemDir. */
static char *chem_inputs(const struct gcr_rundir *r, const char *sub)
{
	if (r->gchp)
		return gcr_strdup_printf("./ChemDir/%s", sub);
	return gcr_strdup_printf("%s/CHEM_INPUTS/%s", r->data_root, sub);
}

static void date_pair(struct gcr_yout *y, const char *key, int date)
{
	char d[16];

	snprintf(d, sizeof d, "%08d", date);
	/* GEOS-Chem's own form: [YYYYMMDD, hhmmss]. */
	const char *pair[] = { d, "000000" };
	gcr_yout_kflow_plain(y, key, pair, 2);
}

static void range(struct gcr_yout *y, const char *key, const double v[2])
{
	gcr_yout_kseq(y, key, true);
	gcr_yout_double(y, v[0]);
	gcr_yout_double(y, v[1]);
	gcr_yout_seq_end(y);
}

static void simulation_section(struct gcr_yout *y, const struct gcr_rundir *r)
{
	gcr_yout_kmap(y, "simulation");
	gcr_yout_kstr(y, "name", r->sim);
	if (!r->gchp) {
		date_pair(y, "start_date", r->start_date);
		date_pair(y, "end_date", r->end_date);
		gcr_yout_kstr(y, "root_data_dir", r->data_root);
	}
	gcr_yout_kstr(y, "met_field", r->met_field);
	if (r->gchp)
		gcr_yout_kstr(y, "chem_inputs_dir", "./ChemDir/");
	gcr_yout_kstr(y, "species_database_file", "./species_database.yml");
	if (!is_sim(r, "tagO3") && !is_sim(r, "metals") && !is_sim(r, "TransportTracers"))
		gcr_yout_kstr(y, "species_metadata_output_file",
			      "OutputDir/geoschem_species_metadata.yml");
	gcr_yout_kmap(y, "verbose");
	gcr_yout_kbool(y, "activate", false);
	gcr_yout_kstr(y, "on_cores", "root");
	gcr_yout_map_end(y);
	if (!r->gchp)
		gcr_yout_kbool(y, "use_gcclassic_timers", r->timers);
	gcr_yout_map_end(y);
}

static void grid_section(struct gcr_yout *y, const struct gcr_rundir *r)
{
	static const char *const buffer_nested[] = { "3", "3", "3", "3" };
	static const char *const buffer_global[] = { "0", "0", "0", "0" };

	gcr_yout_kmap(y, "grid");
	gcr_yout_kstr(y, "resolution", r->res_long);
	gcr_yout_kint(y, "number_of_levels", r->levels);
	gcr_yout_kmap(y, "longitude");
	range(y, "range", r->lon);
	gcr_yout_kbool(y, "center_at_180", r->center_180);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "latitude");
	range(y, "range", r->lat);
	gcr_yout_kbool(y, "half_size_polar_boxes", r->half_polar);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "nested_grid_simulation");
	gcr_yout_kbool(y, "activate", r->nested);
	gcr_yout_kflow_plain(y, "buffer_zone_NSEW", r->nested ? buffer_nested : buffer_global, 4);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
}

static void timesteps_section(struct gcr_yout *y, const struct gcr_rundir *r)
{
	gcr_yout_kmap(y, "timesteps");
	gcr_yout_kint(y, "transport_timestep_in_s", r->transport_ts);
	gcr_yout_kint(y, "chemistry_timestep_in_s", r->chemistry_ts);
	if (is_sim(r, "fullchem"))
		gcr_yout_kint(y, "radiation_timestep_in_s", 10800);
	gcr_yout_map_end(y);
}

static void activate_only(struct gcr_yout *y, const char *key)
{
	gcr_yout_kmap(y, key);
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_map_end(y);
}

static void fullchem_chemistry(struct gcr_yout *y)
{
	gcr_yout_kmap(y, "chemistry");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kmap(y, "linear_chemistry_aloft");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kbool(y, "use_linoz_for_O3", true);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "active_strat_H2O");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kbool(y, "use_static_bnd_cond", true);
	gcr_yout_map_end(y);
	gcr_yout_kdouble(y, "gamma_HO2", 0.2);
	gcr_yout_kmap(y, "autoreduce_solver");
	gcr_yout_kbool(y, "activate", false);
	gcr_yout_kmap(y, "use_target_threshold");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kdouble(y, "oh_tuning_factor", 0.00005);
	gcr_yout_kdouble(y, "no2_tuning_factor", 0.0001);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "use_absolute_threshold");
	gcr_yout_kbool(y, "scale_by_pressure", true);
	gcr_yout_kdouble(y, "absolute_threshold", 100.0);
	gcr_yout_map_end(y);
	gcr_yout_kbool(y, "keep_halogens_active", false);
	gcr_yout_kbool(y, "append_in_internal_timestep", false);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
}

static void overhead_o3(struct gcr_yout *y, bool online)
{
	gcr_yout_kmap(y, "overhead_O3");
	gcr_yout_kbool(y, "use_online_O3_from_model", online);
	gcr_yout_kbool(y, "use_column_O3_from_met", true);
	gcr_yout_kbool(y, "use_TOMS_SBUV_O3", false);
	gcr_yout_map_end(y);
}

static void photolysis(struct gcr_yout *y, const struct gcr_rundir *r)
{
	char *dir;

	if (is_sim(r, "fullchem")) {
		gcr_yout_kmap(y, "photolysis");
		gcr_yout_kbool(y, "activate", true);
		/* Cloud levels: the 34 lowest of the GMAO grids (RUNDIR_PHOT_CLD_NLEV). */
		gcr_yout_kint(y, "num_levs_with_cloud", 34);
		gcr_yout_kmap(y, "input_directories");
		dir = chem_inputs(r, "FAST_JX/v2024-05/");
		gcr_yout_kstr(y, "fastjx_input_dir", dir);
		free(dir);
		dir = chem_inputs(r, "CLOUD_J/v2023-05/");
		gcr_yout_kstr(y, "cloudj_input_dir", dir);
		free(dir);
		gcr_yout_map_end(y);
		overhead_o3(y, r->online_o3);
		gcr_yout_kmap(y, "photolyze_nitrate_aerosol");
		gcr_yout_kbool(y, "activate", true);
		gcr_yout_kdouble(y, "NITs_Jscale", 100.0);
		gcr_yout_kdouble(y, "NIT_Jscale", 100.0);
		gcr_yout_kdouble(y, "percent_channel_A_HONO", 66.667);
		gcr_yout_kdouble(y, "percent_channel_B_NO2", 33.333);
		gcr_yout_map_end(y);
		gcr_yout_map_end(y);
	} else if (is_sim(r, "Hg")) {
		gcr_yout_kmap(y, "photolysis");
		dir = chem_inputs(r, "FAST_JX/v2024-05-Hg/");
		gcr_yout_kstr(y, "input_dir", dir);
		free(dir);
		overhead_o3(y, true);
		gcr_yout_map_end(y);
	} else if (is_sim(r, "aerosol")) {
		gcr_yout_kmap(y, "photolysis");
		overhead_o3(y, false);
		gcr_yout_map_end(y);
	}
}

static void rrtmg(struct gcr_yout *y, const struct gcr_rundir *r)
{
	gcr_yout_kmap(y, "rrtmg_rad_transfer_model");
	if (is_sim(r, "fullchem"))
		gcr_yout_kbool(y, "activate", r->rrtmg);
	gcr_yout_kseq(y, "aod_wavelengths_in_nm", false);
	gcr_yout_int(y, 550);
	gcr_yout_seq_end(y);
	if (is_sim(r, "fullchem")) {
		gcr_yout_kbool(y, "longwave_fluxes", r->rrtmg);
		gcr_yout_kbool(y, "shortwave_fluxes", r->rrtmg);
		gcr_yout_kbool(y, "clear_sky_flux", r->rrtmg);
		gcr_yout_kbool(y, "all_sky_flux", r->rrtmg);
		gcr_yout_kbool(y, "fixed_dyn_heating", false);
		gcr_yout_kbool(y, "seasonal_fdh", false);
		gcr_yout_kbool(y, "read_dyn_heating", false);
		gcr_yout_kdouble(y, "co2_ppmv", 390.0);
	}
	gcr_yout_map_end(y);
}

/* TransportTracers' passive species (long name, g/mol, lifetime s). */
static void passive_species(struct gcr_yout *y)
{
	static const struct {
		const char *name, *long_name, *mw, *lifetime;
	} passive[] = {
		{ "SF6", "Sulfur_hexafluoride", "146.0", "-1" },
		{ "CH3I", "Methyl_iodide", "142.0", "4.32e5" },
		{ "CO_25", "Anthropogenic_CO_with_25day_lifetime", "28.0", "2.16e6" },
		{ "CO_50", "Anthropogenic_CO_with_50day_lifetime", "28.0", "4.32e6" },
		{ "e90", "Globally_emitted_tracer_with_90day_lifetime_and_100ppbv_maintained_mixing_ratio",
		  "1.0", "7.776e6" },
		{ "e90_n", "Northern_hemisphere_emitted_tracer_with_90day_lifetime_and_100ppbv_maintained_mixing_ratio",
		  "1.0", "7.776e6" },
		{ "e90_s", "Southern_hemisphere_emitted_tracer_with_90day_lifetime_and_100ppbv_maintained_mixing_ratio",
		  "1.0", "7.776e6" },
	};

	gcr_yout_kmap(y, "passive_species");
	for (size_t i = 0; i < sizeof passive / sizeof passive[0]; i++) {
		gcr_yout_kmap(y, passive[i].name);
		gcr_yout_kstr(y, "long_name", passive[i].long_name);
		gcr_yout_kplain(y, "mol_wt_in_g", passive[i].mw);
		gcr_yout_kplain(y, "lifetime_in_s", passive[i].lifetime);
		gcr_yout_kplain(y, "default_bkg_conc_in_vv", "1.0e-20");
		gcr_yout_map_end(y);
	}
	gcr_yout_map_end(y);
}

static void transport(struct gcr_yout *y, const struct gcr_rundir *r,
		      char **species, size_t nspecies)
{
	static const char *const iord[] = { "3", "3", "7" };

	gcr_yout_kmap(y, "transport");
	if (r->gchp) {
		gcr_yout_kbool(y, "activate", true);
	} else {
		gcr_yout_kmap(y, "gcclassic_tpcore");
		gcr_yout_kbool(y, "activate", true);
		gcr_yout_kbool(y, "fill_negative_values", true);
		gcr_yout_kflow_plain(y, "iord_jord_kord", iord, 3);
		gcr_yout_map_end(y);
	}
	gcr_yout_kstr_list(y, "transported_species", (const char *const *)species, nspecies);
	if (is_sim(r, "TransportTracers"))
		passive_species(y);
	gcr_yout_map_end(y);
}

static void operations_section(struct gcr_yout *y, const struct gcr_rundir *r,
			       char **species, size_t nspecies)
{
	bool fullchem = is_sim(r, "fullchem");

	gcr_yout_kmap(y, "operations");
	if (fullchem)
		fullchem_chemistry(y);
	else if (!is_sim(r, "metals"))
		activate_only(y, "chemistry");
	activate_only(y, "convection");
	if (!is_sim(r, "carbon")) {
		gcr_yout_kmap(y, "dry_deposition");
		gcr_yout_kbool(y, "activate", true);
		if (fullchem) {
			gcr_yout_kmap(y, "CO2_effect");
			gcr_yout_kbool(y, "activate", false);
			gcr_yout_kdouble(y, "CO2_level", 600.0);
			gcr_yout_kdouble(y, "reference_CO2_level", 380.0);
			gcr_yout_map_end(y);
		}
		if (!is_sim(r, "TransportTracers"))
			gcr_yout_kint(y, "diag_alt_above_sfc_in_m", 10);
		gcr_yout_map_end(y);
	}
	gcr_yout_kmap(y, "pbl_mixing");
	gcr_yout_kbool(y, "activate", true);
	/* POPs runs without non-local mixing in its template. */
	gcr_yout_kbool(y, "use_non_local_pbl", is_sim(r, "POPs") ? false : r->nlpbl);
	gcr_yout_map_end(y);
	photolysis(y, r);
	if (fullchem || is_sim(r, "aerosol"))
		rrtmg(y, r);
	transport(y, r, species, nspecies);
	if (!is_sim(r, "carbon") && !is_sim(r, "tagO3"))
		activate_only(y, "wet_deposition");
	gcr_yout_map_end(y);
}

static void aerosols_section(struct gcr_yout *y, const struct gcr_rundir *r)
{
	static const char *const sala[] = { "0.01", "0.5" };
	static const char *const salc[] = { "0.5", "8.0" };
	bool fullchem = is_sim(r, "fullchem");
	char *dir;

	gcr_yout_kmap(y, "aerosols");
	gcr_yout_kmap(y, "optics");
	dir = chem_inputs(r, "Aerosol_Optics/v2025-03/");
	gcr_yout_kstr(y, "input_dir", dir);
	free(dir);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "carbon");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kbool(y, "brown_carbon", false);
	gcr_yout_kmap(y, "enhance_black_carbon_absorption");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kdouble(y, "hydrophilic", 1.5);
	gcr_yout_kdouble(y, "hydrophobic", 1.0);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	if (fullchem) {
		gcr_yout_kmap(y, "complex_SOA");
		gcr_yout_kbool(y, "activate", r->complex_soa);
		gcr_yout_kbool(y, "semivolatile_POA", r->svpoa);
		gcr_yout_map_end(y);
	}
	gcr_yout_kmap(y, "dust");
	gcr_yout_kbool(y, "activate", true);
	if (fullchem)
		gcr_yout_kbool(y, "acid_uptake_on_dust", r->acid_uptake);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "sea_salt");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kflow_plain(y, "SALA_radius_bin_in_um", sala, 2);
	gcr_yout_kflow_plain(y, "SALC_radius_bin_in_um", salc, 2);
	if (fullchem)
		gcr_yout_kbool(y, "marine_organic_aerosols", r->marine_poa);
	gcr_yout_map_end(y);
	if (fullchem) {
		gcr_yout_kmap(y, "stratosphere");
		gcr_yout_kbool(y, "settle_strat_aerosol", true);
		gcr_yout_kmap(y, "polar_strat_clouds");
		gcr_yout_kbool(y, "activate", true);
		gcr_yout_kbool(y, "het_chem", true);
		gcr_yout_map_end(y);
		gcr_yout_kbool(y, "allow_homogeneous_NAT", false);
		gcr_yout_kdouble(y, "NAT_supercooling_req_in_K", 3.0);
		gcr_yout_kdouble(y, "supersat_factor_req_for_ice_nucl", 1.2);
		gcr_yout_kbool(y, "calc_strat_aod", true);
		gcr_yout_map_end(y);
	}
	gcr_yout_kmap(y, "sulfate");
	gcr_yout_kbool(y, "activate", true);
	gcr_yout_kbool(y, "metal_cat_SO2_oxidation", true);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
}

static void carbon_options(struct gcr_yout *y, const struct gcr_rundir *r)
{
	static const char *const zero4[] = { "0.0", "0.0", "0.0", "0.0" };
	const char *only = r->carbon_species;
	/* singleCarbonSpecies.sh turns on the archived production terms of the
	 * species whose sources are no longer simulated. */
	bool co_only = only && strcmp(only, "CO") == 0;
	bool co2_only = only && strcmp(only, "CO2") == 0;

	gcr_yout_kmap(y, "CH4_simulation_options");
	gcr_yout_kmap(y, "use_observational_operators");
	gcr_yout_kbool(y, "AIRS", false);
	gcr_yout_kbool(y, "GOSAT", false);
	gcr_yout_kbool(y, "TCCON", false);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "analytical_inversion");
	gcr_yout_kbool(y, "perturb_CH4_boundary_conditions", false);
	gcr_yout_kflow_plain(y, "CH4_boundary_condition_ppb_increase_NSEW", zero4, 4);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);

	gcr_yout_kmap(y, "CO_simulation_options");
	gcr_yout_kbool(y, "use_archived_PCO_from_CH4", co_only);
	gcr_yout_kbool(y, "use_archived_PCO_from_NMVOC", true);
	gcr_yout_map_end(y);

	gcr_yout_kmap(y, "CO2_simulation_options");
	gcr_yout_kmap(y, "sources");
	gcr_yout_kbool(y, "use_archived_PCO2_from_CO", co2_only);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "tagged_species");
	gcr_yout_kbool(y, "tag_bio_and_ocean_CO2", false);
	gcr_yout_kbool(y, "tag_land_fossil_fuel_CO2", false);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
}

static void hg_options(struct gcr_yout *y)
{
	gcr_yout_kmap(y, "Hg_simulation_options");
	gcr_yout_kmap(y, "sources");
	gcr_yout_kbool(y, "use_dynamic_ocean_Hg", false);
	gcr_yout_kbool(y, "use_preindustrial_Hg", false);
	gcr_yout_kbool(y, "use_arctic_river_Hg", true);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "chemistry");
	gcr_yout_kbool(y, "tie_HgIIaq_reduction_to_UVB", true);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "GTMM_soil_model");
	gcr_yout_kbool(y, "activate", false);
	gcr_yout_kstr(y, "restart_file", "N/A");
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
}

/* run/shared/settings/POPs_<type>.txt; values keep Fortran's d exponents. */
static void pops_options(struct gcr_yout *y, const char *type)
{
	static const struct {
		const char *type, *xmw, *koa, *kbc, *k_oh, *k_o3a, *k_o3b, *hstar, *del_h, *del_hw;
	} pops[] = {
		{ "BaP", "252.31d-3", "3.02d11", "7.94d13", "50d-12", "0d0", "2.8d15",
		  "3.10d-5", "-110d3", "43d0" },
		{ "PHE", "178.23d-3", "4.37d7", "1.0d10", "2.7d-11", "0d0", "2.15d15",
		  "1.74d-3", "-74d3", "47d0" },
		{ "PYR", "202.25d-3", "7.24d8", "1.0d11", "50d-12", "0d0", "3.0d15",
		  "5.37d-4", "-87d3", "43d0" },
	};

	for (size_t i = 0; i < sizeof pops / sizeof pops[0]; i++) {
		if (strcmp(pops[i].type, type) != 0)
			continue;
		gcr_yout_kmap(y, "POPs_simulation_options");
		gcr_yout_kstr(y, "POP_type", type);
		gcr_yout_kbool(y, "chemistry_processing", true);
		gcr_yout_kstr(y, "POP_XMW", pops[i].xmw);
		gcr_yout_kstr(y, "POP_KOA", pops[i].koa);
		gcr_yout_kstr(y, "POP_KBC", pops[i].kbc);
		gcr_yout_kstr(y, "POP_K_POPG_OH", pops[i].k_oh);
		gcr_yout_kstr(y, "POP_K_POPP_O3A", pops[i].k_o3a);
		gcr_yout_kstr(y, "POP_K_POPP_O3B", pops[i].k_o3b);
		gcr_yout_kstr(y, "POP_HSTAR", pops[i].hstar);
		gcr_yout_kstr(y, "POP_DEL_H", pops[i].del_h);
		gcr_yout_kstr(y, "POP_DEL_Hw", pops[i].del_hw);
		gcr_yout_map_end(y);
	}
}

static void extra_diagnostics(struct gcr_yout *y, const struct gcr_rundir *r,
			      char **species, size_t nspecies)
{
	gcr_yout_kmap(y, "extra_diagnostics");
	gcr_yout_kmap(y, "obspack");
	gcr_yout_kbool(y, "activate", false);
	gcr_yout_kbool(y, "quiet_logfile_output", false);
	gcr_yout_kstr(y, "input_file", "./obspack_input.YYYYMMDD.nc");
	gcr_yout_kstr(y, "output_file", "./OutputDir/GEOSChem.ObsPack.YYYYMMDD_hhmmz.nc4");
	gcr_yout_kstr_list(y, "output_species", (const char *const *)species,
			   nspecies < 3 ? nspecies : 3);
	gcr_yout_map_end(y);
	if (!r->gchp) {
		gcr_yout_kmap(y, "planeflight");
		gcr_yout_kbool(y, "activate", false);
		gcr_yout_kstr(y, "flight_track_file", "Planeflight.dat.YYYYMMDD");
		gcr_yout_kstr(y, "output_file", "./OutputDir/plane.log.YYYYMMDD");
		gcr_yout_map_end(y);
	}
	gcr_yout_map_end(y);
}

char *gcr_bundle_geoschem_config(const struct gcr_rundir *r, struct gcr_error *err)
{
	struct gcr_yout *y;
	char **species = NULL;
	size_t nspecies = 0, len;
	char *body, *text;

	if (gcr_rundir_species(r, &species, &nspecies, err) != GCR_OK)
		return NULL;
	y = gcr_yout_new(true);
	gcr_yout_map_start(y);
	simulation_section(y, r);
	if (!r->gchp) {
		grid_section(y, r);
		timesteps_section(y, r);
	}
	operations_section(y, r, species, nspecies);
	if (is_sim(r, "fullchem") || is_sim(r, "aerosol"))
		aerosols_section(y, r);
	else if (is_sim(r, "carbon"))
		carbon_options(y, r);
	else if (is_sim(r, "Hg"))
		hg_options(y);
	else if (is_sim(r, "POPs"))
		pops_options(y, r->option);
	extra_diagnostics(y, r, species, nspecies);
	gcr_yout_map_end(y);
	gcr_rundir_free_list(species, nspecies);
	body = gcr_yout_finish(y, &len, err);
	if (!body)
		return NULL;
	/* A comment cannot be an emitter event; it goes before the document. */
	text = gcr_strdup_printf(
		"### geoschem_config.yml: GEOS-Chem runtime configuration, %s simulation%s%s.\n"
		"### Generated by gcrunner from spec.yaml, following the structure of the\n"
		"### GEOS-Chem %s run-directory templates.\n",
		r->sim, strcmp(r->option, "none") ? ", option " : "",
		strcmp(r->option, "none") ? r->option : "", gcr_rundir_template_version(r));
	char *joined = gcr_strdup_printf("%s%s", text, body);
	free(text);
	free(body);
	return joined;
}
