/* check_bundle.c: run bundles -- geoschem_config.yml read back with libyaml,
 * HISTORY.rc collections and frequency, HEMCO settings, GCHP settings and
 * decompositions, the ParallelCluster YAML and its validator, and writing a
 * bundle to a folder. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "bundle/bundle.h"
#include "bundle/bundle_internal.h"
#include "bundle/gchp.h"
#include "bundle/pcluster.h"
#include "bundle/yaml_out.h"
#include "paths.h"
#include "spec.h"

/* ---- helpers ---- */

static void set(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v);
}

#define SET(field, v) set((field), sizeof(field), (v))

static struct gcr_spec classic(const char *sim, const char *option, const char *met,
			       const char *grid, const char *domain)
{
	struct gcr_spec s;

	memset(&s, 0, sizeof s);
	s.model = GCR_MODEL_CLASSIC;
	s.target = GCR_TARGET_BATCH;
	SET(s.simulation, sim);
	SET(s.option, option);
	SET(s.met, met);
	SET(s.grid, grid);
	SET(s.domain, domain);
	s.nodes = 1;
	return s;
}

static struct gcr_spec gchp(const char *grid, const char *instance, int nodes, bool spot)
{
	struct gcr_spec s;

	memset(&s, 0, sizeof s);
	s.model = GCR_MODEL_GCHP;
	s.target = GCR_TARGET_PCLUSTER;
	SET(s.simulation, "fullchem");
	SET(s.met, "merra2");
	SET(s.grid, grid);
	SET(s.instance_type, instance);
	s.nodes = nodes;
	s.spot = spot;
	return s;
}

/* A parsed YAML document and path lookups like "grid.longitude.range[1]". */
struct ydoc {
	yaml_document_t doc;
	bool loaded;
};

static void ydoc_load(struct ydoc *d, const char *text)
{
	yaml_parser_t p;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	d->loaded = yaml_parser_load(&p, &d->doc);
	ck_assert_msg(d->loaded, "YAML does not parse: %s (line %zu)",
		      p.problem ? p.problem : "?", p.problem_mark.line + 1);
	ck_assert_ptr_nonnull(yaml_document_get_root_node(&d->doc));
	yaml_parser_delete(&p);
}

static void ydoc_free(struct ydoc *d)
{
	if (d->loaded)
		yaml_document_delete(&d->doc);
}

static yaml_node_t *ynode(struct ydoc *d, const char *path)
{
	yaml_node_t *n = yaml_document_get_root_node(&d->doc);
	char buf[256], *save = NULL, *tok;

	set(buf, sizeof buf, path);
	for (tok = strtok_r(buf, ".", &save); tok && n; tok = strtok_r(NULL, ".", &save)) {
		char *br = strchr(tok, '[');
		long idx = -1;
		yaml_node_t *next = NULL;

		if (br) {
			idx = strtol(br + 1, NULL, 10);
			*br = '\0';
		}
		if (n->type != YAML_MAPPING_NODE)
			return NULL;
		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
		     pr < n->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&d->doc, pr->key);
			if (k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, tok) == 0)
				next = yaml_document_get_node(&d->doc, pr->value);
		}
		n = next;
		if (n && idx >= 0) {
			if (n->type != YAML_SEQUENCE_NODE ||
			    idx >= n->data.sequence.items.top - n->data.sequence.items.start)
				return NULL;
			n = yaml_document_get_node(&d->doc, n->data.sequence.items.start[idx]);
		}
	}
	return n;
}

static const char *ystr(struct ydoc *d, const char *path)
{
	yaml_node_t *n = ynode(d, path);
	ck_assert_msg(n && n->type == YAML_SCALAR_NODE, "no scalar at %s", path);
	return (const char *)n->data.scalar.value;
}

static yaml_scalar_style_t ystyle(struct ydoc *d, const char *path)
{
	yaml_node_t *n = ynode(d, path);
	ck_assert_ptr_nonnull(n);
	return n->data.scalar.style;
}

static long ylen(struct ydoc *d, const char *path)
{
	yaml_node_t *n = ynode(d, path);
	ck_assert_msg(n && n->type == YAML_SEQUENCE_NODE, "no list at %s", path);
	return n->data.sequence.items.top - n->data.sequence.items.start;
}

static bool yhas(struct ydoc *d, const char *path)
{
	return ynode(d, path) != NULL;
}

/* Generates one file of a spec through the internal generators. */
static char *config_of(const struct gcr_spec *s)
{
	struct gcr_rundir r;
	struct gcr_error err;
	char *text;

	ck_assert_msg(gcr_rundir_resolve(&r, s, NULL, &err) == GCR_OK, "%s", err.message);
	text = gcr_bundle_geoschem_config(&r, &err);
	ck_assert_msg(text, "%s", err.message);
	return text;
}

static char *history_of(const struct gcr_spec *s, struct gcr_error *err)
{
	struct gcr_rundir r;

	ck_assert(gcr_rundir_resolve(&r, s, NULL, err) == GCR_OK);
	return gcr_bundle_history_rc(&r, err);
}

static char *hemco_of(const struct gcr_spec *s)
{
	struct gcr_rundir r;
	struct gcr_error err;
	char *text;

	ck_assert(gcr_rundir_resolve(&r, s, NULL, &err) == GCR_OK);
	text = gcr_bundle_hemco_settings(&r, &err);
	ck_assert_ptr_nonnull(text);
	return text;
}

static bool species_listed(struct ydoc *d, const char *name)
{
	long n = ylen(d, "operations.transport.transported_species");
	char path[96];

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof path, "operations.transport.transported_species[%ld]", i);
		if (strcmp(ystr(d, path), name) == 0)
			return true;
	}
	return false;
}

/* ---- geoschem_config.yml ---- */

START_TEST(config_fullchem_4x5_merra2)
{
	struct gcr_spec s = classic("fullchem", "standard", "merra2", "4x5", "");
	char *text = config_of(&s);
	struct ydoc d;

	ck_assert(strncmp(text, "###", 3) == 0);
	ck_assert_ptr_nonnull(strstr(text, "\n---"));
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.name"), "fullchem");
	ck_assert_str_eq(ystr(&d, "simulation.start_date[0]"), "20190701");
	ck_assert_str_eq(ystr(&d, "simulation.start_date[1]"), "000000");
	ck_assert_str_eq(ystr(&d, "simulation.end_date[0]"), "20190801");
	ck_assert_str_eq(ystr(&d, "simulation.met_field"), "MERRA2");
	ck_assert_str_eq(ystr(&d, "simulation.root_data_dir"), "/scratch/ExtData");
	ck_assert_str_eq(ystr(&d, "simulation.use_gcclassic_timers"), "false");
	ck_assert_str_eq(ystr(&d, "grid.resolution"), "4.0x5.0");
	ck_assert_str_eq(ystr(&d, "grid.number_of_levels"), "72");
	ck_assert_str_eq(ystr(&d, "grid.longitude.range[0]"), "-180.0");
	ck_assert_str_eq(ystr(&d, "grid.longitude.range[1]"), "180.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.range[0]"), "-90.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.half_size_polar_boxes"), "true");
	ck_assert_str_eq(ystr(&d, "grid.nested_grid_simulation.activate"), "false");
	ck_assert_str_eq(ystr(&d, "grid.nested_grid_simulation.buffer_zone_NSEW[0]"), "0");
	ck_assert_str_eq(ystr(&d, "timesteps.transport_timestep_in_s"), "600");
	ck_assert_str_eq(ystr(&d, "timesteps.chemistry_timestep_in_s"), "1200");
	ck_assert_str_eq(ystr(&d, "timesteps.radiation_timestep_in_s"), "10800");
	ck_assert_str_eq(ystr(&d, "operations.chemistry.activate"), "true");
	ck_assert_str_eq(ystr(&d, "operations.pbl_mixing.use_non_local_pbl"), "true");
	ck_assert_str_eq(ystr(&d, "operations.transport.gcclassic_tpcore.iord_jord_kord[2]"), "7");
	ck_assert_str_eq(ystr(&d, "aerosols.complex_SOA.activate"), "false");
	ck_assert_str_eq(ystr(&d, "operations.rrtmg_rad_transfer_model.activate"), "false");
	ck_assert_int_gt(ylen(&d, "operations.transport.transported_species"), 200);
	/* 'NO' must stay a string for YAML 1.1 readers, as in the templates. */
	ck_assert(species_listed(&d, "NO"));
	{
		long n = ylen(&d, "operations.transport.transported_species");
		char path[96];
		for (long i = 0; i < n; i++) {
			snprintf(path, sizeof path, "operations.transport.transported_species[%ld]", i);
			if (strcmp(ystr(&d, path), "NO") == 0)
				ck_assert_int_ne(ystyle(&d, path), YAML_PLAIN_SCALAR_STYLE);
		}
	}
	ck_assert(!yhas(&d, "Hg_simulation_options"));
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_nested_na_geosfp)
{
	struct gcr_spec s = classic("fullchem", "", "geosfp", "0.5x0.625", "NA");
	char *text, *hemco;
	struct ydoc d;

	s.levels = 47;
	s.start_date = 20190101;
	s.days = 10;
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.met_field"), "GEOSFP");
	ck_assert_str_eq(ystr(&d, "simulation.start_date[0]"), "20190101");
	ck_assert_str_eq(ystr(&d, "simulation.end_date[0]"), "20190111");
	ck_assert_str_eq(ystr(&d, "grid.resolution"), "0.5x0.625");
	ck_assert_str_eq(ystr(&d, "grid.number_of_levels"), "47");
	ck_assert_str_eq(ystr(&d, "grid.longitude.range[0]"), "-140.0");
	ck_assert_str_eq(ystr(&d, "grid.longitude.range[1]"), "-40.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.range[0]"), "10.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.range[1]"), "70.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.half_size_polar_boxes"), "false");
	ck_assert_str_eq(ystr(&d, "grid.nested_grid_simulation.activate"), "true");
	ck_assert_int_eq(ylen(&d, "grid.nested_grid_simulation.buffer_zone_NSEW"), 4);
	ck_assert_str_eq(ystr(&d, "grid.nested_grid_simulation.buffer_zone_NSEW[3]"), "3");
	ck_assert_str_eq(ystr(&d, "timesteps.transport_timestep_in_s"), "300");
	ck_assert_str_eq(ystr(&d, "timesteps.chemistry_timestep_in_s"), "600");
	ydoc_free(&d);
	free(text);

	hemco = hemco_of(&s);
	ck_assert_ptr_nonnull(strstr(hemco, "METDIR:                      /scratch/ExtData/GEOS_0.5x0.625/GEOS_FP\n"));
	ck_assert_ptr_nonnull(strstr(hemco, "--> GC_BCs                 :       true\n"));
	free(hemco);

	/* The 0.25 North America box differs from the 0.5 one. */
	s = classic("fullchem", "", "geosfp", "0.25x0.3125", "NA");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "grid.longitude.range[0]"), "-130.0");
	ck_assert_str_eq(ystr(&d, "grid.latitude.range[0]"), "9.75");
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_hg)
{
	struct gcr_spec s = classic("Hg", "", "merra2", "2x2.5", "");
	char *text = config_of(&s);
	struct ydoc d;

	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.name"), "Hg");
	ck_assert_str_eq(ystr(&d, "simulation.start_date[0]"), "20190101");
	ck_assert_str_eq(ystr(&d, "grid.resolution"), "2.0x2.5");
	ck_assert_str_eq(ystr(&d, "operations.transport.transported_species[0]"), "Hg0");
	ck_assert_int_eq(ylen(&d, "operations.transport.transported_species"), 25);
	ck_assert_str_eq(ystr(&d, "Hg_simulation_options.sources.use_arctic_river_Hg"), "true");
	ck_assert(yhas(&d, "operations.photolysis.input_dir"));
	ck_assert(!yhas(&d, "aerosols"));
	ck_assert(!yhas(&d, "timesteps.radiation_timestep_in_s"));
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_carbon_ch4)
{
	struct gcr_spec s = classic("carbon", "CH4", "merra2", "4x5", "");
	char *text = config_of(&s), *hemco;
	struct ydoc d;

	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.name"), "carbon");
	ck_assert_int_eq(ylen(&d, "operations.transport.transported_species"), 1);
	ck_assert_str_eq(ystr(&d, "operations.transport.transported_species[0]"), "CH4");
	ck_assert_str_eq(ystr(&d, "CH4_simulation_options.use_observational_operators.GOSAT"), "false");
	ck_assert_str_eq(ystr(&d, "CO_simulation_options.use_archived_PCO_from_CH4"), "false");
	ck_assert(!yhas(&d, "operations.dry_deposition"));
	ck_assert(!yhas(&d, "operations.wet_deposition"));
	ydoc_free(&d);
	free(text);
	hemco = hemco_of(&s);
	ck_assert_ptr_nonnull(strstr(hemco, "--> USE_CH4_DATA           :       true"));
	ck_assert_ptr_nonnull(strstr(hemco, "--> USE_CO_DATA            :       false"));
	ck_assert_ptr_nonnull(strstr(hemco, "--> USE_CO2_DATA           :       false"));
	free(hemco);

	/* Before 14.7, CH4 was a simulation of its own: same result. */
	s = classic("CH4", "", "merra2", "4x5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.name"), "carbon");
	ck_assert_int_eq(ylen(&d, "operations.transport.transported_species"), 1);
	ydoc_free(&d);
	free(text);

	/* CO alone turns on the archived production from CH4. */
	s = classic("carbon", "CO", "merra2", "4x5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "CO_simulation_options.use_archived_PCO_from_CH4"), "true");
	ydoc_free(&d);
	free(text);

	/* All four species without an option. */
	s = classic("carbon", "", "merra2", "4x5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_int_eq(ylen(&d, "operations.transport.transported_species"), 4);
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_tomas_timesteps)
{
	static const struct { const char *grid; const char *t, *c; } cases[] = {
		{ "4x5", "1800", "3600" },
		{ "2x2.5", "1800", "3600" },
		{ "0.5x0.625", "300", "600" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gcr_spec s = classic("fullchem", "TOMAS15", "merra2", cases[i].grid,
					    strcmp(cases[i].grid, "0.5x0.625") ? "" : "global");
		char *text = config_of(&s), *hemco;
		struct ydoc d;

		ydoc_load(&d, text);
		ck_assert_str_eq(ystr(&d, "timesteps.transport_timestep_in_s"), cases[i].t);
		ck_assert_str_eq(ystr(&d, "timesteps.chemistry_timestep_in_s"), cases[i].c);
		ck_assert_str_eq(ystr(&d, "operations.pbl_mixing.use_non_local_pbl"), "false");
		ck_assert_str_eq(ystr(&d, "operations.photolysis.overhead_O3.use_online_O3_from_model"),
				 "false");
		ydoc_free(&d);
		free(text);
		hemco = hemco_of(&s);
		ck_assert_ptr_nonnull(strstr(hemco, "130     TOMAS_Jeagle           : on"));
		ck_assert_ptr_nonnull(strstr(hemco, "--> OFFLINE_DUST           :       false"));
		free(hemco);
	}
}
END_TEST

START_TEST(config_other_grids_and_options)
{
	struct gcr_spec s = classic("fullchem", "complexSOA_SVPOA", "geosfp", "0.125x0.15625", "AS");
	char *text = config_of(&s);
	struct ydoc d;

	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "timesteps.transport_timestep_in_s"), "150");
	ck_assert_str_eq(ystr(&d, "timesteps.chemistry_timestep_in_s"), "300");
	ck_assert_str_eq(ystr(&d, "simulation.start_date[0]"), "20230101");
	ck_assert_str_eq(ystr(&d, "aerosols.complex_SOA.activate"), "true");
	ck_assert_str_eq(ystr(&d, "aerosols.complex_SOA.semivolatile_POA"), "true");
	ydoc_free(&d);
	free(text);

	s = classic("POPs", "PHE", "merra2", "4x5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "POPs_simulation_options.POP_type"), "PHE");
	ck_assert_str_eq(ystr(&d, "operations.transport.transported_species[0]"), "POPG_PHE");
	ydoc_free(&d);
	free(text);

	s = classic("TransportTracers", "", "geosit", "2x2.5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.met_field"), "GEOSIT");
	ck_assert_str_eq(ystr(&d, "operations.transport.passive_species.SF6.mol_wt_in_g"), "146.0");
	ydoc_free(&d);
	free(text);

	s = classic("fullchem", "benchmark", "merra2", "4x5", "");
	text = config_of(&s);
	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.use_gcclassic_timers"), "true");
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_gchp_layout)
{
	struct gcr_spec s = gchp("C90", "c5n.18xlarge", 2, false);
	char *text = config_of(&s);
	struct ydoc d;

	ydoc_load(&d, text);
	ck_assert_str_eq(ystr(&d, "simulation.name"), "fullchem");
	ck_assert_str_eq(ystr(&d, "simulation.chem_inputs_dir"), "./ChemDir/");
	/* GCHP takes grid, period and timesteps from its .rc files. */
	ck_assert(!yhas(&d, "grid"));
	ck_assert(!yhas(&d, "timesteps"));
	ck_assert(!yhas(&d, "simulation.start_date"));
	ck_assert_str_eq(ystr(&d, "operations.transport.activate"), "true");
	ck_assert(!yhas(&d, "operations.transport.gcclassic_tpcore"));
	ck_assert_str_eq(ystr(&d, "operations.photolysis.input_directories.fastjx_input_dir"),
			 "./ChemDir/FAST_JX/v2024-05/");
	ck_assert(!yhas(&d, "extra_diagnostics.planeflight"));
	ydoc_free(&d);
	free(text);
}
END_TEST

START_TEST(config_rejects_what_cannot_be_expressed)
{
	struct gcr_rundir r;
	struct gcr_error err;
	struct gcr_spec s;

	s = classic("fullchem", "", "merra2", "C180", "");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "4x5"));
	s = gchp("4x5", "c5n.18xlarge", 2, false);
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "cubed-sphere"));
	s = gchp("C48", "c5n.18xlarge", 2, false);
	SET(s.simulation, "Hg");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "TransportTracers"));
	s = classic("fullchem", "nosuchoption", "merra2", "4x5", "");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "TOMAS15"));
	s = classic("fullchem", "", "geosfp", "0.25x0.3125", "SA");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "SA"));
	s = classic("fullchem", "", "merra2", "4x5", "NA");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	s = classic("fullchem", "", "merra2", "4x5", "");
	s.levels = 30;
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	s = classic("fullchem", "", "merra2", "4x5", "");
	SET(s.output_frequency, "weekly");
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, NULL, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "monthly"));
}
END_TEST

/* ---- HISTORY.rc ---- */

/* The names in the COLLECTIONS list, in order, joined by spaces. */
static void collections_of(const char *history, char *out, size_t size)
{
	const char *p = strstr(history, "COLLECTIONS:");
	const char *end;

	ck_assert_ptr_nonnull(p);
	end = strstr(p, "\n::");
	ck_assert_ptr_nonnull(end);
	out[0] = '\0';
	while ((p = strchr(p, '\'')) && p < end) {
		const char *q = strchr(p + 1, '\'');
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%.*s", used ? " " : "", (int)(q - p - 1), p + 1);
		p = q + 1;
	}
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

START_TEST(history_exactly_the_chosen_collections)
{
	struct gcr_spec s = classic("fullchem", "", "merra2", "4x5", "");
	struct gcr_error err;
	char names[512], *h;

	SET(s.collections[0], "SpeciesConc");
	SET(s.collections[1], "AerosolMass");
	SET(s.collections[2], "StateMet");
	SET(s.collections[3], "SpeciesConc");   /* a duplicate is written once */
	s.ncollections = 4;
	SET(s.output_frequency, "daily");
	h = history_of(&s, &err);
	ck_assert_msg(h, "%s", err.message);
	collections_of(h, names, sizeof names);
	ck_assert_str_eq(names, "Restart SpeciesConc AerosolMass StateMet");
	ck_assert_int_eq(count(h, ".frequency:"), 4);
	ck_assert_int_eq(count(h, "00000001 000000"), 6);  /* 3 x frequency + 3 x duration */
	ck_assert_ptr_nonnull(strstr(h, "  Restart.frequency:          'End',"));
	ck_assert_ptr_nonnull(strstr(h, "  SpeciesConc.fields:         'SpeciesConcVV_?ALL?',"));
	ck_assert_ptr_null(strstr(h, "Metrics"));
	/* One "::" after the list and one per collection block. */
	ck_assert_int_eq(count(h, "\n::\n"), 5);
	free(h);
}
END_TEST

START_TEST(history_frequencies_and_defaults)
{
	struct gcr_spec s = classic("fullchem", "", "merra2", "4x5", "");
	struct gcr_error err;
	char names[512], *h;

	h = history_of(&s, &err);   /* no collections: createRunDir.sh's defaults */
	collections_of(h, names, sizeof names);
	ck_assert_str_eq(names, "Restart SpeciesConc Metrics");
	ck_assert_ptr_nonnull(strstr(h, "SpeciesConc.frequency:      00000100 000000"));
	free(h);

	SET(s.output_frequency, "hourly");
	h = history_of(&s, &err);
	ck_assert_ptr_nonnull(strstr(h, "SpeciesConc.frequency:      00000000 010000"));
	ck_assert_ptr_nonnull(strstr(h, "SpeciesConc.duration:       00000001 000000"));
	free(h);

	SET(s.output_frequency, "end");
	h = history_of(&s, &err);
	ck_assert_ptr_nonnull(strstr(h, "SpeciesConc.frequency:      End"));
	free(h);

	/* Boundary conditions keep their fixed 3-hourly timing. */
	SET(s.output_frequency, "monthly");
	SET(s.collections[0], "BoundaryConditions");
	s.ncollections = 1;
	h = history_of(&s, &err);
	ck_assert_ptr_nonnull(strstr(h, "BoundaryConditions.frequency: 00000000 030000"));
	free(h);
}
END_TEST

/* What gcr_bundle_collections offers is exactly what HISTORY.rc accepts. */
START_TEST(collections_offered_are_the_ones_history_accepts)
{
	static const char *const sims[] = { "fullchem", "aerosol", "carbon", "Hg", "POPs",
					     "tagO3", "TransportTracers", "metals", "CH4" };
	struct gcr_bundle_collection c[GCR_BUNDLE_MAX_COLLECTIONS];

	for (size_t k = 0; k < sizeof sims / sizeof sims[0]; k++) {
		struct gcr_spec s = classic(sims[k], "", "merra2", "4x5", "");
		size_t n = gcr_bundle_collections(&s, c, GCR_BUNDLE_MAX_COLLECTIONS), offered = 0;

		ck_assert_uint_ge(n, 20);
		ck_assert_uint_le(n, GCR_BUNDLE_MAX_COLLECTIONS);
		ck_assert_str_eq(c[0].name, "SpeciesConc");
		for (size_t i = 0; i < n; i++) {
			struct gcr_error err;
			char *h;

			ck_assert_ptr_nonnull(c[i].text);
			s.ncollections = 1;
			SET(s.collections[0], c[i].name);
			h = history_of(&s, &err);
			ck_assert_msg((h != NULL) == c[i].offered, "%s %s: offered %d, HISTORY.rc %s",
				      sims[k], c[i].name, c[i].offered, h ? "made" : err.message);
			free(h);
			offered += c[i].offered;
		}
		ck_assert_uint_gt(offered, 0);
	}
	/* RadioNuclide is TransportTracers' only. */
	{
		struct gcr_spec s = classic("fullchem", "", "merra2", "4x5", "");
		size_t n = gcr_bundle_collections(&s, c, GCR_BUNDLE_MAX_COLLECTIONS);
		for (size_t i = 0; i < n; i++)
			if (strcmp(c[i].name, "RadioNuclide") == 0)
				ck_assert(!c[i].offered);
	}
}
END_TEST

START_TEST(history_rejects_unknown_collections)
{
	struct gcr_spec s = classic("Hg", "", "merra2", "4x5", "");
	struct gcr_error err;

	SET(s.collections[0], "NoSuchThing");
	s.ncollections = 1;
	ck_assert_ptr_null(history_of(&s, &err));
	ck_assert_int_eq(err.code, GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "NoSuchThing"));
	ck_assert_ptr_nonnull(strstr(err.message, "SpeciesConc"));
	/* AerosolMass exists, but not for Hg. */
	SET(s.collections[0], "AerosolMass");
	ck_assert_ptr_null(history_of(&s, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "Hg"));
}
END_TEST

/* ---- GCHP settings ---- */

START_TEST(gchp_decompositions_are_valid)
{
	static const int grids[] = { 24, 48, 90, 180, 360 };
	static const int limits[] = { 216, 864, 0, 0, 0 };

	for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++) {
		int ok = 0, largest = 0;
		for (int cores = 6; cores <= 3000; cores += 6) {
			int nx = 0, ny = 0;
			struct gcr_error err;
			if (gcr_gchp_decompose(grids[g], cores, &nx, &ny, &err) != GCR_OK) {
				ck_assert_int_eq(err.code, GCR_ERR_INVALID);
				continue;
			}
			ok++;
			largest = cores;
			ck_assert_int_eq(nx * ny, cores);
			ck_assert_int_eq(ny % 6, 0);
			ck_assert_int_ge(grids[g] / nx, 4);
			ck_assert_int_ge(grids[g] * 6 / ny, 4);
			ck_assert(gcr_gchp_decomposition_valid(grids[g], cores, nx, ny));
		}
		ck_assert_int_gt(ok, 0);
		if (limits[g])
			ck_assert_int_eq(largest, limits[g]);
	}
	/* GCHP's own examples: 96 cores -> 4 x 24, 144 -> 6 x 24. */
	{
		int nx, ny;
		ck_assert_int_eq(gcr_gchp_decompose(48, 96, &nx, &ny, NULL), GCR_OK);
		ck_assert_int_eq(nx, 4);
		ck_assert_int_eq(ny, 24);
		ck_assert_int_eq(gcr_gchp_decompose(48, 144, &nx, &ny, NULL), GCR_OK);
		ck_assert_int_eq(nx, 6);
		ck_assert_int_eq(ny, 24);
	}
	ck_assert(!gcr_gchp_decomposition_valid(48, 768, 16, 48)); /* 48/16 = 3 < 4 */
	ck_assert(!gcr_gchp_decomposition_valid(48, 100, 10, 10)); /* NY not a multiple of 6 */
	ck_assert_int_eq(gcr_gchp_decompose(24, 100, &(int){0}, &(int){0}, NULL), GCR_ERR_INVALID);
}
END_TEST

START_TEST(gchp_settings_for_grids_and_core_counts)
{
	static const struct {
		const char *grid;
		int nodes, physical, cores_per_node;
		int total, cs, chem, transport;
	} ok[] = {
		{ "C24", 2, 0, 48, 96, 24, 1200, 600 },
		{ "C48", 1, 36, 0, 36, 48, 1200, 600 },
		{ "C90", 4, 36, 0, 144, 90, 1200, 600 },
		{ "C180", 8, 36, 0, 288, 180, 600, 300 },
		{ "C360", 16, 64, 0, 1024 - 1024 % 6, 360, 600, 300 },
	};
	struct gcr_gchp_settings g;
	struct gcr_error err;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct gcr_spec s = gchp(ok[i].grid, "c5n.18xlarge", ok[i].nodes, false);
		s.cores_per_node = ok[i].cores_per_node;
		ck_assert_msg(gcr_gchp_settings_from_spec(&s, ok[i].physical, &g, &err) == GCR_OK,
			      "%s: %s", ok[i].grid, err.message);
		ck_assert_int_eq(g.total_cores % 6, 0);
		ck_assert_int_eq(g.total_cores, g.num_nodes * g.cores_per_node);
		ck_assert_int_eq(g.cs_res, ok[i].cs);
		ck_assert_int_eq(g.chemistry_timestep, ok[i].chem);
		ck_assert_int_eq(g.transport_timestep, ok[i].transport);
		ck_assert(gcr_gchp_decomposition_valid(g.cs_res, g.total_cores, g.nx, g.ny));
		ck_assert_int_eq(gcr_gchp_settings_check(&g, &err), GCR_OK);
		ck_assert_str_eq(g.run_duration, "00000100 000000");
		ck_assert(!g.midrun_checkpoint);
	}
	/* 16 nodes x 64 physical cores: lowered to 63 per node (1008 = 6 x 168). */
	{
		struct gcr_spec s = gchp("C360", "c7g.16xlarge", 16, false);
		ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 64, &g, &err), GCR_OK);
		ck_assert_int_eq(g.cores_per_node, 63);
		ck_assert(g.output_server);
	}
}
END_TEST

START_TEST(gchp_settings_rejects_invalid)
{
	struct gcr_gchp_settings g;
	struct gcr_error err;
	struct gcr_spec s;

	s = gchp("C24", "c5n.18xlarge", 2, false);
	s.cores_per_node = 35;   /* 70 cores: not divisible by 6 */
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 36, &g, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "6"));
	s = gchp("C24", "c5n.18xlarge", 8, false);
	s.cores_per_node = 36;   /* 288 cores: more than C24 allows */
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 36, &g, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "216"));
	s = gchp("C48", "", 2, false);  /* cores per node unknown */
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 0, &g, &err), GCR_ERR_INVALID);

	memset(&g, 0, sizeof g);
	g.num_nodes = 2;
	g.cores_per_node = 48;
	g.total_cores = 96;
	g.cs_res = 48;
	g.nx = 16;   /* 48/16 = 3 cells per core side: FV3 refuses */
	g.ny = 6;
	g.chemistry_timestep = 1200;
	g.transport_timestep = 600;
	ck_assert_int_eq(gcr_gchp_settings_check(&g, &err), GCR_ERR_INVALID);
	g.nx = 4;
	g.ny = 24;
	ck_assert_int_eq(gcr_gchp_settings_check(&g, &err), GCR_OK);
	g.total_cores = 90;
	ck_assert_int_eq(gcr_gchp_settings_check(&g, &err), GCR_ERR_INVALID);
}
END_TEST

START_TEST(gchp_values_and_spot_checkpoints)
{
	struct gcr_gchp_settings g;
	struct gcr_error err;
	struct gcr_spec s = gchp("C180", "c5n.18xlarge", 8, true);
	char *v;

	s.start_date = 20190701;
	s.days = 45;             /* to 2019-08-15: one month and 14 days */
	SET(s.collections[0], "SpeciesConc");
	SET(s.collections[1], "Budget");
	s.ncollections = 2;
	SET(s.output_frequency, "daily");
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 36, &g, &err), GCR_OK);
	ck_assert(g.midrun_checkpoint);
	ck_assert_str_eq(g.run_duration, "00000114 000000");
	v = gcr_gchp_settings_values(&g);
	ck_assert_ptr_nonnull(strstr(v, "\nTOTAL_CORES=288\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nNUM_NODES=8\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nNUM_CORES_PER_NODE=36\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nCS_RES=180\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nNX=8\nNY=36\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nMidrun_Checkpoint=ON\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nCheckpoint_Freq=\"240000\"\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nDiag_Collections=(SpeciesConc Budget)\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nDiag_Frequency=\"240000\"\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nRun_Duration=\"00000114 000000\"\n"));
	free(v);

	s.spot = false;
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 36, &g, &err), GCR_OK);
	v = gcr_gchp_settings_values(&g);
	ck_assert_ptr_nonnull(strstr(v, "\nMidrun_Checkpoint=OFF\n"));
	free(v);
}
END_TEST

/* ---- ParallelCluster ---- */

static char *cluster_yaml(const struct gcr_spec *s, bool efa, struct gcr_pcluster_config *pc)
{
	struct gcr_bundle_options o = { 0 };
	struct gcr_error err;
	size_t len;
	char *y;

	o.efa = efa;
	o.subnet_id = "subnet-0a1b2c3d4e5f60718";
	o.key_name = "research-key";
	o.input_volume_gb = 900;
	ck_assert_msg(gcr_pcluster_config_from_spec(s, &o, pc, &err) == GCR_OK, "%s", err.message);
	y = gcr_pcluster_yaml(pc, &len, &err);
	ck_assert_ptr_nonnull(y);
	ck_assert_msg(gcr_pcluster_validate(y, len, &err) == GCR_OK, "%s", err.message);
	return y;
}

START_TEST(pcluster_efa_spot_and_read_back)
{
	struct gcr_spec s = gchp("C180", "c5n.18xlarge", 8, true);
	struct gcr_pcluster_config pc;
	char *y = cluster_yaml(&s, true, &pc);
	struct ydoc d;

	ydoc_load(&d, y);
	ck_assert_str_eq(ystr(&d, "Region"), "us-east-1");
	ck_assert_str_eq(ystr(&d, "Image.Os"), "ubuntu2204");
	ck_assert_str_eq(ystr(&d, "HeadNode.InstanceType"), "c5.2xlarge");
	ck_assert_str_eq(ystr(&d, "HeadNode.Networking.SubnetId"), "subnet-0a1b2c3d4e5f60718");
	ck_assert_str_eq(ystr(&d, "HeadNode.Ssh.KeyName"), "research-key");
	ck_assert_str_eq(ystr(&d, "Scheduling.Scheduler"), "slurm");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].Name"), "compute");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].CapacityType"), "SPOT");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].Name"), "c5n-18xlarge");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].InstanceType"),
			 "c5n.18xlarge");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].MinCount"), "0");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount"), "8");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].Efa.Enabled"), "true");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0]."
			      "DisableSimultaneousMultithreading"), "true");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].Networking.PlacementGroup.Enabled"), "true");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].Networking.SubnetIds[0]"),
			 "subnet-0a1b2c3d4e5f60718");
	ck_assert_str_eq(ystr(&d, "SharedStorage[0].StorageType"), "FsxLustre");
	ck_assert_str_eq(ystr(&d, "SharedStorage[0].MountDir"), "/fsx");
	ck_assert_str_eq(ystr(&d, "SharedStorage[0].FsxLustreSettings.DeploymentType"), "SCRATCH_2");
	ck_assert_str_eq(ystr(&d, "SharedStorage[0].FsxLustreSettings.StorageCapacity"), "1200");
	ck_assert_str_eq(ystr(&d, "SharedStorage[0].FsxLustreSettings.ImportPath"), "s3://geos-chem");
	ydoc_free(&d);
	free(y);
}
END_TEST

START_TEST(pcluster_no_efa_on_demand_graviton)
{
	struct gcr_spec s = gchp("C90", "c7g.16xlarge", 3, false);
	struct gcr_pcluster_config pc;
	char *y = cluster_yaml(&s, false, &pc);
	struct ydoc d;

	ydoc_load(&d, y);
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].CapacityType"), "ONDEMAND");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].Efa.Enabled"), "false");
	ck_assert_str_eq(ystr(&d, "Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount"), "3");
	/* The head node shares the compute nodes' architecture. */
	ck_assert_str_eq(ystr(&d, "HeadNode.InstanceType"), "c7g.2xlarge");
	ydoc_free(&d);
	free(y);
}
END_TEST

START_TEST(pcluster_fsx_capacity)
{
	ck_assert_int_eq(gcr_pcluster_fsx_capacity(0), 1200);
	ck_assert_int_eq(gcr_pcluster_fsx_capacity(1000), 1200);
	ck_assert_int_eq(gcr_pcluster_fsx_capacity(1200), 2400);   /* 1117 GiB + 10 % */
	ck_assert_int_eq(gcr_pcluster_fsx_capacity(5000), 7200);
	for (double gb = 0; gb < 30000; gb += 777) {
		int c = gcr_pcluster_fsx_capacity(gb);
		ck_assert(c == 1200 || c % 2400 == 0);
		ck_assert(c * 1073741824.0 >= gb * 1e9);
	}
}
END_TEST

START_TEST(pcluster_name_rules)
{
	ck_assert(gcr_pcluster_subnet_id_valid("subnet-0123456789abcdef0"));
	ck_assert(gcr_pcluster_subnet_id_valid("subnet-12345678"));
	ck_assert(!gcr_pcluster_subnet_id_valid("subnet-0123456789ABCDEF0"));
	ck_assert(!gcr_pcluster_subnet_id_valid("subnet-123"));
	ck_assert(!gcr_pcluster_subnet_id_valid("sg-12345678"));
	ck_assert(!gcr_pcluster_subnet_id_valid(NULL));
	ck_assert(gcr_pcluster_key_name_valid("my-key-pair"));
	ck_assert(gcr_pcluster_key_name_valid("Lab key 2"));
	ck_assert(!gcr_pcluster_key_name_valid(""));
	ck_assert(!gcr_pcluster_key_name_valid("tab\tkey"));
	ck_assert(!gcr_pcluster_key_name_valid(" lead"));
	ck_assert(gcr_pcluster_resource_name_valid("compute"));
	ck_assert(gcr_pcluster_resource_name_valid("c5n-18xlarge"));
	ck_assert(!gcr_pcluster_resource_name_valid("Compute"));
	ck_assert(!gcr_pcluster_resource_name_valid("1queue"));
	ck_assert(!gcr_pcluster_resource_name_valid("a_b"));
	ck_assert(!gcr_pcluster_resource_name_valid("abcdefghijklmnopqrstuvwxyz"));
	ck_assert(gcr_pcluster_cluster_name_valid("gchp-run-1"));
	ck_assert(!gcr_pcluster_cluster_name_valid("1gchp"));
	ck_assert(gcr_pcluster_os_valid("alinux2023"));
	ck_assert(!gcr_pcluster_os_valid("centos7"));

	{
		struct gcr_spec s = gchp("C48", "c5n.18xlarge", 2, false);
		struct gcr_bundle_options o = { 0 };
		struct gcr_pcluster_config pc;
		struct gcr_error err;
		o.subnet_id = "subnet-XX";
		ck_assert_int_eq(gcr_pcluster_config_from_spec(&s, &o, &pc, &err), GCR_ERR_INVALID);
		ck_assert_ptr_nonnull(strstr(err.message, "subnet-XX"));
		o.subnet_id = NULL;
		o.key_name = "bad\nkey";
		ck_assert_int_eq(gcr_pcluster_config_from_spec(&s, &o, &pc, &err), GCR_ERR_INVALID);
		o.key_name = NULL;
		ck_assert_int_eq(gcr_pcluster_config_from_spec(&s, &o, &pc, &err), GCR_OK);
		ck_assert(pc.placeholders);
	}
}
END_TEST

/* Replaces the first `from` in text by `to` (a new string). */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	ck_assert_msg(at, "'%s' not in the YAML", from);
	return gcr_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

START_TEST(pcluster_validator_rejects)
{
	static const struct { const char *from, *to, *expect; } cases[] = {
		{ "SubnetId: subnet-0a1b2c3d4e5f60718", "SubnetId: subnet-XYZ", "subnet" },
		{ "Name: compute", "Name: Compute_Queue", "queue name" },
		{ "MinCount: 0", "MinCount: 12", "MinCount" },
		{ "MaxCount: 8", "MaxCount: eight", "whole number" },
		{ "StorageCapacity: 1200", "StorageCapacity: 1000", "StorageCapacity" },
		{ "DeploymentType: SCRATCH_2", "DeploymentType: SCRATCH_9", "DeploymentType" },
		{ "CapacityType: SPOT", "CapacityType: CHEAP", "CapacityType" },
		{ "Os: ubuntu2204", "Os: windows", "Os" },
		{ "Scheduler: slurm", "Scheduler: awsbatch", "slurm" },
		{ "Enabled: true", "Enabled: maybe", "true or false" },
		{ "ImportPath: s3://geos-chem", "ImportPath: /data", "s3://" },
		{ "MountDir: /fsx", "MountDir: fsx", "MountDir" },
		{ "Region: us-east-1", "Regoin: us-east-1", "Regoin" },
		{ "KeyName: research-key", "KeyNam: research-key", "KeyName" },
		{ "HeadNode:", "HeadNodes:", "HeadNode" },
	};
	struct gcr_spec s = gchp("C180", "c5n.18xlarge", 8, true);
	struct gcr_pcluster_config pc;
	char *y = cluster_yaml(&s, true, &pc);
	struct gcr_error err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bad = edit(y, cases[i].from, cases[i].to);
		ck_assert_msg(gcr_pcluster_validate(bad, strlen(bad), &err) == GCR_ERR_INVALID,
			      "accepted: %s", cases[i].to);
		ck_assert_msg(strstr(err.message, cases[i].expect),
			      "case %zu: '%s' not in '%s'", i, cases[i].expect, err.message);
		ck_assert_ptr_nonnull(strstr(err.message, "line"));
		free(bad);
	}
	ck_assert_int_eq(gcr_pcluster_validate("Region: [unclosed", 17, &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_pcluster_validate("- a\n- b\n", 8, &err), GCR_ERR_INVALID);
	free(y);
}
END_TEST

/* ---- scripts and small files ---- */

START_TEST(scripts_carry_the_aws_environment)
{
	struct gcr_spec s = gchp("C180", "c5n.18xlarge", 8, true);
	struct gcr_bundle_options o = { 0 };
	struct gcr_gchp_settings g;
	struct gcr_rundir r;
	struct gcr_error err;
	char *sb, *line;

	SET(s.name, "run; rm -rf / $(x)");
	o.simulation_id = s.name;
	o.slurm_modules = "openmpi/4.1 libfabric-aws";
	ck_assert_int_eq(gcr_rundir_resolve(&r, &s, &o, &err), GCR_OK);
	ck_assert_int_eq(gcr_gchp_settings_from_spec(&s, 36, &g, &err), GCR_OK);
	sb = gcr_bundle_sbatch(&r, &g);
	ck_assert_ptr_nonnull(strstr(sb, "export FI_EFA_ENABLE_SHM_TRANSFER=0\n"));
	ck_assert_ptr_nonnull(strstr(sb, "export OMPI_MCA_mtl_ofi_provider_exclude=shm\n"));
	ck_assert_ptr_nonnull(strstr(sb, "export OMPI_MCA_btl_tcp_if_exclude=\"lo,docker0,virbr0\"\n"));
	ck_assert_ptr_nonnull(strstr(sb, "WRITE_RESTART_BY_OSERVER: YES"));
	ck_assert_ptr_nonnull(strstr(sb, "#SBATCH --nodes=8\n#SBATCH --ntasks-per-node=36\n"));
	ck_assert_ptr_nonnull(strstr(sb, "module load 'openmpi/4.1' 'libfabric-aws'\n"));
	ck_assert_ptr_nonnull(strstr(sb, "echo \"20190701 000000\" > cap_restart"));
	/* The user's name reaches the #SBATCH line only as harmless characters. */
	line = strstr(sb, "#SBATCH --job-name=");
	ck_assert_ptr_nonnull(line);
	line += strlen("#SBATCH --job-name=");
	ck_assert_uint_eq(strcspn(line, ";$() \n"), strcspn(line, "\n"));
	ck_assert_ptr_null(strstr(sb, "rm -rf /"));
	free(sb);

	{
		struct gcr_spec c = classic("fullchem", "", "merra2", "4x5", "");
		char *rs, *cfg;
		o.output_uri = "s3://bucket/it's here";
		ck_assert_int_eq(gcr_rundir_resolve(&r, &c, &o, &err), GCR_OK);
		rs = gcr_bundle_run_script(&r);
		ck_assert(strncmp(rs, "#!/bin/bash\n", 12) == 0);
		ck_assert_ptr_nonnull(strstr(rs, "'s3://bucket/it'\\''s here'"));
		ck_assert_ptr_nonnull(strstr(rs, "download_data.py log.dryrun geoschem+aws"));
		/* createRunDir.sh's answers: fullchem, standard, MERRA-2, 4x5, 72 levels. */
		ck_assert_ptr_nonnull(strstr(rs, "printf '%s\\n' 1 1 1 1 1 \"$RUN_PARENT\" n n"));
		free(rs);
		cfg = gcr_bundle_gcconfig(&r);
		ck_assert_ptr_nonnull(strstr(cfg, "export GC_DATA_ROOT='/scratch/ExtData'\n"));
		ck_assert_ptr_nonnull(strstr(cfg, "export GC_USER_REGISTERED=true\n"));
		free(cfg);
	}
}
END_TEST

START_TEST(yaml_quoting)
{
	ck_assert(gcr_yaml_needs_quotes("NO"));
	ck_assert(gcr_yaml_needs_quotes("on"));
	ck_assert(gcr_yaml_needs_quotes("1e5"));
	ck_assert(gcr_yaml_needs_quotes("12:30"));
	ck_assert(gcr_yaml_needs_quotes(""));
	ck_assert(!gcr_yaml_needs_quotes("ACET"));
	ck_assert(!gcr_yaml_needs_quotes("c5n.18xlarge"));
	ck_assert(!gcr_yaml_needs_quotes("252.31d-3"));
}
END_TEST

/* ---- whole bundles and writing them ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/gcr-bundle.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(bundle_classic_and_gchp_files)
{
	struct gcr_spec c = classic("fullchem", "", "merra2", "4x5", "");
	struct gcr_spec h = gchp("C180", "c5n.18xlarge", 8, true);
	struct gcr_bundle_options o = { 0 };
	struct gcr_bundle *b;
	struct gcr_error err;
	static const char *const classic_files[] = {
		"spec.yaml", "geoschem_config.yml", "HISTORY.rc", "HEMCO_Config.settings",
		"geoschem-config", "gcrunner-run.sh", "MANIFEST",
	};
	static const char *const gchp_files[] = {
		"spec.yaml", "geoschem_config.yml", "HEMCO_Config.settings", "geoschem-config",
		"setCommonRunSettings.values", "gcrunner.sbatch", "cluster-config.yaml", "MANIFEST",
	};

	ck_assert_msg(gcr_bundle_build(&c, NULL, &b, &err) == GCR_OK, "%s", err.message);
	ck_assert_uint_eq(b->nfiles, sizeof classic_files / sizeof classic_files[0]);
	for (size_t i = 0; i < b->nfiles; i++)
		ck_assert_ptr_nonnull(gcr_bundle_find(b, classic_files[i]));
	ck_assert_int_eq(gcr_bundle_find(b, "gcrunner-run.sh")->mode, 0755);
	ck_assert_int_eq(gcr_bundle_find(b, "HISTORY.rc")->mode, 0644);
	ck_assert_ptr_nonnull(strstr(gcr_bundle_find(b, "MANIFEST")->content, "HISTORY.rc"));
	gcr_bundle_free(b);

	o.physical_cores = 36;
	o.efa = true;
	ck_assert_msg(gcr_bundle_build(&h, &o, &b, &err) == GCR_OK, "%s", err.message);
	ck_assert_uint_eq(b->nfiles, sizeof gchp_files / sizeof gchp_files[0]);
	for (size_t i = 0; i < b->nfiles; i++)
		ck_assert_ptr_nonnull(gcr_bundle_find(b, gchp_files[i]));
	ck_assert_ptr_null(gcr_bundle_find(b, "HISTORY.rc"));
	ck_assert_ptr_nonnull(strstr(gcr_bundle_find(b, "MANIFEST")->content, "subnet-0123456789abcdef0"));
	ck_assert_ptr_nonnull(strstr(gcr_bundle_find(b, "geoschem-config")->content, "'/fsx'"));
	gcr_bundle_free(b);

	/* GCHP on any Slurm cluster: no cluster configuration. */
	h.target = GCR_TARGET_SLURM;
	ck_assert_int_eq(gcr_bundle_build(&h, &o, &b, &err), GCR_OK);
	ck_assert_ptr_null(gcr_bundle_find(b, "cluster-config.yaml"));
	gcr_bundle_free(b);

	/* Classic on Slurm adds a batch script. */
	c.target = GCR_TARGET_SLURM;
	ck_assert_int_eq(gcr_bundle_build(&c, NULL, &b, &err), GCR_OK);
	ck_assert_ptr_nonnull(gcr_bundle_find(b, "gcrunner.sbatch"));
	gcr_bundle_free(b);
}
END_TEST

/* spec.yaml is gcr_spec_to_yaml's text, made in memory (no temporary
 * file: TMPDIR points nowhere), and reads back as the same choices. */
START_TEST(bundle_spec_yaml_in_memory_round_trip)
{
	struct gcr_spec c = classic("fullchem", "", "merra2", "4x5", ""), back;
	struct gcr_bundle *b;
	struct gcr_error err;
	char dir[] = "/tmp/check_bundle.XXXXXX", path[64];
	const struct gcr_bundle_file *f;
	char *text;
	size_t len = 0;
	FILE *fp;

	SET(c.name, "week: of 'July'");
	c.days = 7;
	SET(c.instance_type, "c5.4xlarge");
	c.spot = true;
	c.ncollections = 2;
	SET(c.collections[0], "SpeciesConc");
	SET(c.collections[1], "Budget");
	setenv("TMPDIR", "/nonexistent/gcrunner-test", 1);
	ck_assert_msg(gcr_bundle_build(&c, NULL, &b, &err) == GCR_OK, "%s", err.message);
	unsetenv("TMPDIR");
	f = gcr_bundle_find(b, "spec.yaml");
	ck_assert_ptr_nonnull(f);
	text = gcr_spec_to_yaml(&c, &len, &err);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, f->len);
	ck_assert_str_eq(text, f->content);
	free(text);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/spec.yaml", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fwrite(f->content, 1, f->len, fp);
	fclose(fp);
	gcr_spec_init(&back);
	ck_assert_msg(gcr_spec_load(&back, path, &err) == GCR_OK, "%s", err.message);
	ck_assert_str_eq(back.name, c.name);
	ck_assert_str_eq(back.simulation, "fullchem");
	ck_assert_str_eq(back.grid, "4x5");
	ck_assert_int_eq(back.days, 7);
	ck_assert_str_eq(back.instance_type, "c5.4xlarge");
	ck_assert(back.spot);
	ck_assert_int_eq(back.ncollections, 2);
	ck_assert_str_eq(back.collections[1], "Budget");
	unlink(path);
	rmdir(dir);
	gcr_bundle_free(b);
}
END_TEST

/* On AWS Batch the run script copies results under the job's own id. */
START_TEST(run_script_results_under_the_job_id)
{
	struct gcr_spec c = classic("fullchem", "", "merra2", "4x5", "");
	struct gcr_bundle *b;
	struct gcr_error err;
	const char *script;

	ck_assert_msg(gcr_bundle_build(&c, NULL, &b, &err) == GCR_OK, "%s", err.message);
	script = gcr_bundle_find(b, "gcrunner-run.sh")->content;
	ck_assert_ptr_nonnull(strstr(script, "OUTPUT_URI=${OUTPUT_URI%/}/$AWS_BATCH_JOB_ID"));
	/* Decided before anything is copied. */
	ck_assert(strstr(script, "$AWS_BATCH_JOB_ID") < strstr(script, "aws s3 cp"));
	gcr_bundle_free(b);
}
END_TEST

START_TEST(bundle_write_dir_atomic_and_refusals)
{
	struct gcr_spec c = classic("Hg", "", "merra2", "4x5", "");
	struct gcr_bundle *b;
	struct gcr_error err;
	struct stat st;
	char *out, *file, *blocker;

	make_tmpdir();
	ck_assert_int_eq(gcr_bundle_build(&c, NULL, &b, &err), GCR_OK);
	out = gcr_strdup_printf("%s/out", tmpdir);
	ck_assert_msg(gcr_bundle_write_dir(b, out, false, &err) == GCR_OK, "%s", err.message);
	ck_assert_int_eq(entries(out), (int)b->nfiles);
	file = gcr_strdup_printf("%s/gcrunner-run.sh", out);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0755);
	free(file);
	/* Only the bundle, no temporary folder left next to it. */
	ck_assert_int_eq(entries(tmpdir), 1);

	/* Not empty: refused without --force, files untouched. */
	ck_assert_int_eq(gcr_bundle_write_dir(b, out, false, &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "--force"));
	/* With force: replaced in place, other files stay. */
	file = gcr_strdup_printf("%s/notes.txt", out);
	ck_assert_int_eq(gcr_write_file_atomic(file, "mine", 4, 0644, &err), GCR_OK);
	ck_assert_int_eq(gcr_bundle_write_dir(b, out, true, &err), GCR_OK);
	ck_assert_int_eq(entries(out), (int)b->nfiles + 1);
	ck_assert_int_eq(entries(tmpdir), 1);
	free(file);

	/* An existing empty folder is fine. */
	free(out);
	out = gcr_strdup_printf("%s/empty/", tmpdir);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	ck_assert_int_eq(gcr_bundle_write_dir(b, out, false, &err), GCR_OK);
	ck_assert_int_eq(entries(out), (int)b->nfiles);

	/* A file in the way: an error and nothing half-written. */
	blocker = gcr_strdup_printf("%s/blocker", tmpdir);
	ck_assert_int_eq(gcr_write_file_atomic(blocker, "x", 1, 0644, &err), GCR_OK);
	ck_assert_int_ne(gcr_bundle_write_dir(b, blocker, false, &err), GCR_OK);
	ck_assert_int_eq(entries(tmpdir), 3);
	free(blocker);
	/* An unwritable parent: an error and no leftovers. */
	ck_assert_int_ne(gcr_bundle_write_dir(b, "/proc/gcrunner-bundle", false, &err), GCR_OK);

	free(out);
	gcr_bundle_free(b);
	remove_tmpdir();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("geoschem_config");
	tcase_add_test(tc, config_fullchem_4x5_merra2);
	tcase_add_test(tc, config_nested_na_geosfp);
	tcase_add_test(tc, config_hg);
	tcase_add_test(tc, config_carbon_ch4);
	tcase_add_test(tc, config_tomas_timesteps);
	tcase_add_test(tc, config_other_grids_and_options);
	tcase_add_test(tc, config_gchp_layout);
	tcase_add_test(tc, config_rejects_what_cannot_be_expressed);
	suite_add_tcase(s, tc);

	tc = tcase_create("history");
	tcase_add_test(tc, history_exactly_the_chosen_collections);
	tcase_add_test(tc, history_frequencies_and_defaults);
	tcase_add_test(tc, history_rejects_unknown_collections);
	tcase_add_test(tc, collections_offered_are_the_ones_history_accepts);
	suite_add_tcase(s, tc);

	tc = tcase_create("gchp");
	tcase_add_test(tc, gchp_decompositions_are_valid);
	tcase_add_test(tc, gchp_settings_for_grids_and_core_counts);
	tcase_add_test(tc, gchp_settings_rejects_invalid);
	tcase_add_test(tc, gchp_values_and_spot_checkpoints);
	suite_add_tcase(s, tc);

	tc = tcase_create("pcluster");
	tcase_add_test(tc, pcluster_efa_spot_and_read_back);
	tcase_add_test(tc, pcluster_no_efa_on_demand_graviton);
	tcase_add_test(tc, pcluster_fsx_capacity);
	tcase_add_test(tc, pcluster_name_rules);
	tcase_add_test(tc, pcluster_validator_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, scripts_carry_the_aws_environment);
	tcase_add_test(tc, yaml_quoting);
	tcase_add_test(tc, bundle_classic_and_gchp_files);
	tcase_add_test(tc, bundle_write_dir_atomic_and_refusals);
	tcase_add_test(tc, bundle_spec_yaml_in_memory_round_trip);
	tcase_add_test(tc, run_script_results_under_the_job_id);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
