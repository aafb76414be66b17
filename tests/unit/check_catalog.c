/* check_catalog.c: the catalogs load and every validity rule of
 * geoschem.md section 2 holds; YAML errors name file, line and field;
 * prices (snapshot, derived, live, cache file); spec files and the choice
 * flags; the user's measurements file. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli/spec_flags.h"
#include "estimate.h"
#include "paths.h"
#include "spec.h"
#include "estimator_fixture.h"

static char tmpdir[64];
static struct gcr_catalog *cat;

static void setup(void)
{
	cat = fixture_open(tmpdir, "catalog");
}

static void teardown(void)
{
	fixture_close(tmpdir, cat);
	cat = NULL;
}

static struct gcr_spec sp(enum gcr_model model, const char *sim, const char *met, const char *grid)
{
	struct gcr_spec s;
	gcr_spec_init(&s);
	s.model = model;
	snprintf(s.simulation, sizeof s.simulation, "%s", sim ? sim : "");
	snprintf(s.met, sizeof s.met, "%s", met ? met : "");
	snprintf(s.grid, sizeof s.grid, "%s", grid ? grid : "");
	return s;
}

START_TEST(loads_every_choice_of_createrundir)
{
	static const char *const sims[] = { "fullchem", "aerosol", "carbon", "Hg", "POPs", "tagO3",
					    "TransportTracers", "metals" };
	static const char *const grids[] = { "4x5", "2x2.5", "0.5x0.625", "0.25x0.3125", "0.125x0.15625",
					     "C24", "C48", "C90", "C180", "C360", "C720" };
	static const char *const fullchem_opts[] = { "standard", "benchmark", "complexSOA", "complexSOA_SVPOA",
						     "marinePOA", "aciduptake", "TOMAS15", "TOMAS40", "APM", "RRTMG" };
	const struct gcr_simulation *s;

	ck_assert_uint_eq(gcr_catalog_nsimulations(cat), 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(gcr_catalog_find_simulation(cat, sims[i]));
	for (size_t i = 0; i < sizeof grids / sizeof grids[0]; i++)
		ck_assert_msg(gcr_catalog_find_grid(cat, grids[i]), "grid %s", grids[i]);
	s = gcr_catalog_find_simulation(cat, "fullchem");
	for (size_t i = 0; i < sizeof fullchem_opts / sizeof fullchem_opts[0]; i++)
		ck_assert_msg(gcr_simulation_find_option(s, fullchem_opts[i]), "%s", fullchem_opts[i]);
	s = gcr_catalog_find_simulation(cat, "POPs");
	ck_assert_ptr_nonnull(gcr_simulation_find_option(s, "BaP"));
	ck_assert_ptr_nonnull(gcr_simulation_find_option(s, "PHE"));
	ck_assert_ptr_nonnull(gcr_simulation_find_option(s, "PYR"));
	s = gcr_catalog_find_simulation(cat, "carbon");
	ck_assert_ptr_nonnull(gcr_simulation_find_option(s, "CH4"));
	ck_assert_ptr_nonnull(gcr_simulation_find_option(s, "OCS"));
	ck_assert_uint_eq(gcr_catalog_nmets(cat), 4);
	ck_assert_uint_eq(gcr_catalog_find_met(cat, "gcap2")->nscenarios, 9);
	ck_assert_int_eq(gcr_catalog_find_met(cat, "geosfp")->no_span_date, 20200601);
	/* Default timesteps (transport/chemistry). */
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "4x5")->chemistry_timestep_s, 1200);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "0.25x0.3125")->transport_timestep_s, 300);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "0.125x0.15625")->transport_timestep_s, 150);
	ck_assert_int_eq(gcr_simulation_find_option(gcr_catalog_find_simulation(cat, "fullchem"),
						    "TOMAS15")->chemistry_timestep_s, 3600);
	/* Cubed-sphere cells and GCHP's core caps. */
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "C180")->columns, 194400);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "C24")->max_cores, 216);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "C48")->max_cores, 864);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "C180")->max_cores, 12150);
	ck_assert_int_eq(gcr_catalog_find_grid(cat, "C360")->max_cores, 48600);
	/* A nested domain's columns from its published box: NA at 0.5. */
	ck_assert_int_eq(gcr_grid_find_domain(gcr_catalog_find_grid(cat, "0.5x0.625"), "NA")->columns,
			 161 * 121);
}
END_TEST

START_TEST(instances_and_price_blocks)
{
	static const char *const types[] = {
		"c7g.4xlarge", "c7g.8xlarge", "c7g.12xlarge", "c7g.16xlarge", "c8g.8xlarge", "c8g.12xlarge",
		"c8g.16xlarge", "c8g.24xlarge", "c8g.48xlarge", "hpc7g.4xlarge", "hpc7g.8xlarge",
		"hpc7g.16xlarge", "c5.4xlarge", "c5.9xlarge", "c5.12xlarge", "c5.18xlarge", "c5.24xlarge",
		"c6i.8xlarge", "c6i.12xlarge", "c6i.16xlarge", "c6i.24xlarge", "c6i.32xlarge", "c6a.8xlarge",
		"c6a.12xlarge", "c6a.16xlarge", "c6a.24xlarge", "c6a.32xlarge", "c6a.48xlarge",
		"c5n.18xlarge", "c7i.16xlarge", "c7a.24xlarge", "hpc6a.48xlarge" };
	static const char *const regions[] = { "us-east-1", "us-east-2", "us-west-2", "eu-west-1" };
	struct gcr_price_info pi;
	const struct gcr_instance_type *it;

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		ck_assert_msg(gcr_catalog_find_instance(cat, types[i]), "%s", types[i]);
	ck_assert_uint_eq(gcr_catalog_nregions(cat), 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(gcr_catalog_region(cat, i), regions[i]);
	it = gcr_catalog_find_instance(cat, "c5.9xlarge");
	ck_assert_int_eq(it->vcpus, 36);
	ck_assert_int_eq(it->cores, 18);
	ck_assert(gcr_catalog_find_instance(cat, "c7a.24xlarge")->cores == 96);  /* no SMT */
	ck_assert(gcr_catalog_find_instance(cat, "c5n.18xlarge")->efa);
	ck_assert(!gcr_catalog_find_instance(cat, "c5.18xlarge")->efa);
	/* Every type has a dated, sourced price in us-east-1 or is marked. */
	for (size_t i = 0; i < gcr_catalog_ninstances(cat); i++) {
		it = gcr_catalog_instance(cat, i);
		ck_assert_msg(gcr_catalog_price(cat, it->id, "us-east-1", 0, &pi), "%s", it->id);
		ck_assert(*pi.source && *pi.date);
	}
	ck_assert(gcr_catalog_price(cat, "c5.4xlarge", NULL, 0, &pi));
	ck_assert_double_eq_tol(pi.ondemand_usd_hour, 0.68, 1e-9);
	ck_assert(pi.spot_estimated);
	ck_assert_double_eq_tol(pi.spot_usd_hour, 0.68 * 0.4, 1e-9);
	ck_assert(!pi.derived);
	ck_assert(gcr_catalog_price(cat, "c5.4xlarge", "eu-west-1", 0, &pi));
	ck_assert(pi.derived);
	ck_assert(strstr(pi.source, "derived"));
	ck_assert_double_eq_tol(pi.ondemand_usd_hour, 0.68 * 1.13, 1e-9);
	/* Known non-offers are marked; no spot market for HPC types. */
	ck_assert(gcr_catalog_price(cat, "hpc6a.48xlarge", "us-east-1", 0, &pi));
	ck_assert(!pi.offered);
	ck_assert(gcr_catalog_price(cat, "hpc6a.48xlarge", "us-east-2", 0, &pi));
	ck_assert(pi.offered && !pi.spot_available);
	ck_assert_double_eq_tol(pi.spot_usd_hour, 2.88, 1e-9);
	/* Not derived where the offering is unknown. */
	ck_assert(!gcr_catalog_price(cat, "hpc7g.16xlarge", "eu-west-1", 0, &pi));
}
END_TEST

START_TEST(met_grid_rules)
{
	char why[512];
	struct gcr_spec s;

	/* GEOS-IT offers 0.5x0.625 only for TransportTracers. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosit", NULL);
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "0.5x0.625", why, sizeof why));
	ck_assert_msg(strstr(why, "TransportTracers"), "%s", why);
	s = sp(GCR_MODEL_CLASSIC, "TransportTracers", "geosit", NULL);
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "0.5x0.625", why, sizeof why));
	s = sp(GCR_MODEL_CLASSIC, NULL, "geosit", "0.5x0.625");
	ck_assert(!gcr_catalog_simulation_allowed(cat, &s, "fullchem", why, sizeof why));
	ck_assert(gcr_catalog_simulation_allowed(cat, &s, "TransportTracers", why, sizeof why));
	/* MERRA-2: no 0.25 or 0.125; GEOS-FP: all five; GCAP 2.0: not 0.125. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", NULL);
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "0.5x0.625", NULL, 0));
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "0.25x0.3125", why, sizeof why));
	ck_assert_msg(strstr(why, "4x5") && strstr(why, "0.5x0.625"), "%s", why);
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "0.125x0.15625", NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosfp", NULL);
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "0.25x0.3125", NULL, 0));
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "0.125x0.15625", NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "gcap2", NULL);
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "0.25x0.3125", NULL, 0));
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "0.125x0.15625", NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosit", NULL);
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "0.25x0.3125", NULL, 0));
	/* The reverse question: which met for a chosen grid. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", NULL, "0.25x0.3125");
	ck_assert(!gcr_catalog_met_allowed(cat, &s, "merra2", why, sizeof why));
	ck_assert(gcr_catalog_met_allowed(cat, &s, "geosfp", NULL, 0));
	/* Lat-lon grids are Classic's, cubed-sphere GCHP's. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", NULL);
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "C24", why, sizeof why));
	s = sp(GCR_MODEL_GCHP, "fullchem", "merra2", NULL);
	ck_assert(gcr_catalog_grid_allowed(cat, &s, "C720", NULL, 0));
	ck_assert(!gcr_catalog_grid_allowed(cat, &s, "4x5", NULL, 0));
}
END_TEST

START_TEST(domain_rules)
{
	char why[512];
	struct gcr_spec s;

	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", "0.5x0.625");
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "global", NULL, 0));
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "AS", NULL, 0));
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "EU", NULL, 0));
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "NA", NULL, 0));
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "SA", why, sizeof why));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosfp", "0.25x0.3125");
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "RU", NULL, 0));
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "OC", NULL, 0));
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "ME", NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosfp", "0.125x0.15625");
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "AF", NULL, 0));
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "ME", NULL, 0));
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "RU", NULL, 0));
	/* GEOS-IT: global only, no nested domains. */
	s = sp(GCR_MODEL_CLASSIC, "TransportTracers", "geosit", "0.5x0.625");
	ck_assert(gcr_catalog_domain_allowed(cat, &s, "global", NULL, 0));
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "NA", why, sizeof why));
	ck_assert_msg(strstr(why, "GEOS-IT"), "%s", why);
	/* Coarse grids and GCHP: global only. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", "4x5");
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "NA", NULL, 0));
	s = sp(GCR_MODEL_GCHP, "fullchem", "merra2", "C90");
	ck_assert(!gcr_catalog_domain_allowed(cat, &s, "EU", NULL, 0));
}
END_TEST

START_TEST(model_sim_option_levels_scenario_rules)
{
	char why[512];
	struct gcr_spec s = sp(GCR_MODEL_GCHP, NULL, NULL, NULL);

	/* GCHP's subset of simulations. */
	ck_assert(gcr_catalog_simulation_allowed(cat, &s, "fullchem", NULL, 0));
	ck_assert(gcr_catalog_simulation_allowed(cat, &s, "TransportTracers", NULL, 0));
	ck_assert(gcr_catalog_simulation_allowed(cat, &s, "carbon", NULL, 0));
	ck_assert(gcr_catalog_simulation_allowed(cat, &s, "tagO3", NULL, 0));
	ck_assert(!gcr_catalog_simulation_allowed(cat, &s, "Hg", why, sizeof why));
	ck_assert_msg(strstr(why, "fullchem"), "%s", why);
	ck_assert(!gcr_catalog_simulation_allowed(cat, &s, "aerosol", NULL, 0));
	ck_assert(!gcr_catalog_met_allowed(cat, &s, "gcap2", NULL, 0));
	ck_assert(!gcr_catalog_levels_allowed(cat, &s, 47, why, sizeof why));
	ck_assert(gcr_catalog_levels_allowed(cat, &s, 72, NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "Hg", NULL, NULL);
	ck_assert(!gcr_catalog_model_allowed(cat, &s, GCR_MODEL_GCHP, NULL, 0));
	ck_assert(gcr_catalog_model_allowed(cat, &s, GCR_MODEL_CLASSIC, NULL, 0));
	/* Options belong to their simulation. */
	s = sp(GCR_MODEL_CLASSIC, "POPs", NULL, NULL);
	ck_assert(gcr_catalog_option_allowed(cat, &s, "PYR", NULL, 0));
	ck_assert(!gcr_catalog_option_allowed(cat, &s, "CH4", why, sizeof why));
	ck_assert_msg(strstr(why, "BaP"), "%s", why);
	s = sp(GCR_MODEL_CLASSIC, "TransportTracers", NULL, NULL);
	ck_assert(!gcr_catalog_option_allowed(cat, &s, "standard", NULL, 0));
	/* Levels per met: 72/47 for GMAO, 40 for GCAP 2.0. */
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", NULL);
	ck_assert(gcr_catalog_levels_allowed(cat, &s, 47, NULL, 0));
	ck_assert(!gcr_catalog_levels_allowed(cat, &s, 40, NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "gcap2", NULL);
	ck_assert(gcr_catalog_levels_allowed(cat, &s, 40, NULL, 0));
	ck_assert(!gcr_catalog_levels_allowed(cat, &s, 72, why, sizeof why));
	ck_assert(gcr_catalog_scenario_allowed(cat, &s, "SSP245", NULL, 0));
	ck_assert(!gcr_catalog_scenario_allowed(cat, &s, "SSP999", NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", NULL);
	ck_assert(!gcr_catalog_scenario_allowed(cat, &s, "SSP245", why, sizeof why));
}
END_TEST

START_TEST(period_and_instance_rules)
{
	char why[512];
	struct gcr_spec s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosfp", "4x5");

	ck_assert(!gcr_catalog_period_allowed(cat, &s, 20200515, 20200615, why, sizeof why));
	ck_assert_msg(strstr(why, "2020-06-01"), "%s", why);
	ck_assert(gcr_catalog_period_allowed(cat, &s, 20200501, 20200601, NULL, 0));  /* end exclusive */
	ck_assert(gcr_catalog_period_allowed(cat, &s, 20200601, 20200701, NULL, 0));
	ck_assert(!gcr_catalog_period_allowed(cat, &s, 20200701, 20200701, NULL, 0));
	ck_assert(!gcr_catalog_period_allowed(cat, &s, 20200230, 20200301, NULL, 0));
	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", "4x5");
	ck_assert(gcr_catalog_period_allowed(cat, &s, 20200515, 20200615, NULL, 0));
	ck_assert(!gcr_catalog_instance_allowed(cat, &s, "hpc6a.48xlarge", why, sizeof why));
	ck_assert_msg(strstr(why, "us-east-1"), "%s", why);
	strcpy(s.region, "us-east-2");
	ck_assert(gcr_catalog_instance_allowed(cat, &s, "hpc6a.48xlarge", NULL, 0));
	ck_assert(!gcr_catalog_instance_allowed(cat, &s, "m5.large", why, sizeof why));
	ck_assert_msg(strstr(why, "c5.4xlarge"), "%s", why);
}
END_TEST

START_TEST(gchp_core_rules)
{
	char why[512];
	int nx, ny;

	ck_assert(gcr_catalog_gchp_cores_allowed(cat, "C24", 96, &nx, &ny, NULL, 0));
	ck_assert_int_eq(nx * ny, 96);
	ck_assert_int_eq(ny % 6, 0);
	ck_assert(24 / nx >= 4 && 6 * 24 / ny >= 4);
	ck_assert(!gcr_catalog_gchp_cores_allowed(cat, "C24", 100, NULL, NULL, why, sizeof why));
	ck_assert_msg(strstr(why, "6"), "%s", why);
	ck_assert(gcr_catalog_gchp_cores_allowed(cat, "C24", 216, NULL, NULL, NULL, 0));
	ck_assert(!gcr_catalog_gchp_cores_allowed(cat, "C24", 222, NULL, NULL, why, sizeof why));
	ck_assert_msg(strstr(why, "216"), "%s", why);
	/* Divisible by 6 and under the cap, but no NX x NY fits: 42 = 7 x 6 needs NX 7 > 24/4. */
	ck_assert(!gcr_catalog_gchp_cores_allowed(cat, "C24", 42, NULL, NULL, why, sizeof why));
	ck_assert_msg(strstr(why, "NX"), "%s", why);
	ck_assert(!gcr_catalog_gchp_cores_allowed(cat, "4x5", 48, NULL, NULL, NULL, 0));
	for (int cores = 6; cores <= 12150; cores += 6) {
		if (gcr_gchp_decomposition(180, cores, &nx, &ny)) {
			ck_assert_int_eq(nx * ny, cores);
			ck_assert(ny % 6 == 0 && 4 * nx <= 180 && 4 * ny <= 6 * 180);
		}
	}
}
END_TEST

START_TEST(spec_defaults_and_validation)
{
	struct gcr_error err;
	struct gcr_spec s;

	gcr_spec_init(&s);
	gcr_spec_apply_defaults(&s, cat);
	ck_assert_int_eq(s.model, GCR_MODEL_CLASSIC);
	ck_assert_str_eq(s.simulation, "fullchem");
	ck_assert_str_eq(s.option, "standard");
	ck_assert_str_eq(s.grid, "4x5");
	ck_assert_int_eq(s.levels, 72);
	ck_assert_int_eq(s.start_date, 20190701);
	ck_assert_int_eq(s.end_date, 20190801);
	ck_assert_int_eq(gcr_spec_simulated_days(&s), 31);
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_OK);

	s = sp(GCR_MODEL_CLASSIC, "TransportTracers", "merra2", NULL);
	gcr_spec_apply_defaults(&s, cat);
	ck_assert_int_eq(s.start_date, 20190101);
	s.spinup_days = 10;
	ck_assert_int_eq(gcr_spec_simulated_days(&s), 41);

	s = sp(GCR_MODEL_GCHP, NULL, NULL, NULL);
	gcr_spec_apply_defaults(&s, cat);
	ck_assert_str_eq(s.grid, "C24");
	ck_assert_int_eq(s.target, GCR_TARGET_PCLUSTER);
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_OK);

	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosit", "0.5x0.625");
	gcr_spec_apply_defaults(&s, cat);
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "only for TransportTracers"), "%s", err.message);

	s = sp(GCR_MODEL_CLASSIC, "fullchem", "geosfp", "4x5");
	s.start_date = 20200501;
	s.days = 60;
	gcr_spec_apply_defaults(&s, cat);
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_ERR_INVALID);

	s = sp(GCR_MODEL_GCHP, "fullchem", "merra2", "C24");
	gcr_spec_apply_defaults(&s, cat);
	s.nodes = 2;
	s.cores_per_node = 50;   /* 100 cores */
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "divisible by 6"), "%s", err.message);
	s.target = GCR_TARGET_BATCH;
	s.cores_per_node = 48;
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_ERR_INVALID);

	s = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", "4x5");
	gcr_spec_apply_defaults(&s, cat);
	s.nodes = 2;
	ck_assert_int_eq(gcr_spec_validate(&s, cat, &err), GCR_ERR_INVALID);
}
END_TEST

START_TEST(dates)
{
	int d;
	char buf[16];

	ck_assert(gcr_date_parse("2019-07-01", &d));
	ck_assert_int_eq(d, 20190701);
	ck_assert(gcr_date_parse("20240229", &d));
	ck_assert(!gcr_date_parse("2023-02-29", &d));
	ck_assert(!gcr_date_parse("2019-7-1", &d));
	ck_assert(!gcr_date_parse("2019-07-01x", &d));
	ck_assert_int_eq(gcr_date_add_days(20191231, 1), 20200101);
	ck_assert_int_eq(gcr_date_add_days(20200101, 366), 20210101);
	ck_assert_int_eq(gcr_date_diff_days(20190701, 20190801), 31);
	ck_assert_str_eq(gcr_date_format(20200601, buf, sizeof buf), "2020-06-01");
}
END_TEST

static char *write_tmp(const char *name, const char *text)
{
	char *path = gcr_strdup_printf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(spec_file_round_trip_and_errors)
{
	struct gcr_spec a, b;
	struct gcr_error err;
	char *path = gcr_strdup_printf("%s/spec.yaml", tmpdir), *bad;

	a = sp(GCR_MODEL_GCHP, "fullchem", "geosfp", "C180");
	strcpy(a.name, "ozone: yes");   /* needs quoting in YAML */
	strcpy(a.option, "benchmark");
	a.start_date = 20190101;
	a.end_date = 20190301;
	a.nodes = 4;
	a.cores_per_node = 36;
	a.spot = true;
	a.ncollections = 2;
	strcpy(a.collections[0], "SpeciesConc");
	strcpy(a.collections[1], "AerosolMass");
	strcpy(a.instance_type, "c5n.18xlarge");
	strcpy(a.region, "us-east-2");
	a.target = GCR_TARGET_PCLUSTER;
	ck_assert_int_eq(gcr_spec_save(&a, path, &err), GCR_OK);
	gcr_spec_init(&b);
	ck_assert_msg(gcr_spec_load(&b, path, &err) == GCR_OK, "%s", err.message);
	ck_assert_mem_eq(&a, &b, sizeof a);
	free(path);

	bad = write_tmp("bad1.yaml", "model: gchp\nsimulation: fullchem\ncolour: blue\n");
	gcr_spec_init(&b);
	ck_assert_int_eq(gcr_spec_load(&b, bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "bad1.yaml:3") && strstr(err.message, "colour"), "%s", err.message);
	free(bad);
	bad = write_tmp("bad2.yaml", "model: gchp\n\nstart: 2019-13-01\n");
	ck_assert_int_eq(gcr_spec_load(&b, bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "bad2.yaml:3") && strstr(err.message, "start"), "%s", err.message);
	free(bad);
	bad = write_tmp("bad3.yaml", "model: wrf\n");
	ck_assert_int_eq(gcr_spec_load(&b, bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, ":1") && strstr(err.message, "classic, gchp"), "%s", err.message);
	free(bad);
	bad = write_tmp("bad4.yaml", "nodes: [1, 2\n");
	ck_assert_int_eq(gcr_spec_load(&b, bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "not valid YAML"), "%s", err.message);
	free(bad);
	bad = gcr_strdup_printf("%s/missing.yaml", tmpdir);
	ck_assert_int_eq(gcr_spec_load(&b, bad, &err), GCR_ERR_NOT_FOUND);
	free(bad);
}
END_TEST

/* Copies data/ to tmpdir/data with one file's text replaced. */
static char *data_with(const char *name, const char *from, const char *to)
{
	char *dir = gcr_strdup_printf("%s/data", tmpdir);
	char *cmd = gcr_strdup_printf("mkdir -p '%s' && cp '%s'/*.yaml '%s'/", dir, GCR_SOURCE_DATADIR, dir);
	char *path = gcr_strdup_printf("%s/%s", dir, name), *text, *hit, *out;
	struct gcr_error err;
	size_t len;

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert_int_eq(gcr_read_file(path, &text, &len, &err), GCR_OK);
	ck_assert_ptr_nonnull(hit = strstr(text, from));
	*hit = '\0';
	out = gcr_strdup_printf("%s%s%s", text, to, hit + strlen(from));
	ck_assert_int_eq(gcr_write_file_atomic(path, out, strlen(out), 0644, &err), GCR_OK);
	free(text);
	free(out);
	free(path);
	return dir;
}

START_TEST(catalog_errors_name_file_line_and_field)
{
	struct gcr_catalog *bad = NULL;
	struct gcr_error err;
	char *dir;

	dir = data_with("instances.yaml", "vcpus: 36, cores: 18,", "vcpus: 36, cores: 18, colour: red,");
	ck_assert_int_eq(gcr_catalog_load(dir, &bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "instances.yaml:") && strstr(err.message, "colour"), "%s", err.message);
	ck_assert_ptr_null(bad);
	free(dir);
	dir = data_with("instances.yaml", "memory_gib: 72,", "memory_gib: lots,");
	ck_assert_int_eq(gcr_catalog_load(dir, &bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "memory_gib") && strstr(err.message, "lots"), "%s", err.message);
	free(dir);
	dir = data_with("simulations.yaml", "default_period: [2019-07-01, 2019-08-01]\n    default_option: standard",
			"default_period: [2019-07-01, 2019-08-01]\n    default_option: extreme");
	ck_assert_int_eq(gcr_catalog_load(dir, &bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "simulations.yaml:") && strstr(err.message, "default_option"),
		      "%s", err.message);
	free(dir);
	dir = data_with("benchmarks.yaml", "use: disputed }", "use: maybe }");
	ck_assert_int_eq(gcr_catalog_load(dir, &bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "benchmarks.yaml:") && strstr(err.message, "fit, disputed, excluded"),
		      "%s", err.message);
	free(dir);
	dir = data_with("simulations.yaml", "{ met: geosit, grid: 4x5, gb_per_year: 26 }",
			"{ met: geosit, grid: 3x3, gb_per_year: 26 }");
	ck_assert_int_eq(gcr_catalog_load(dir, &bad, &err), GCR_ERR_INVALID);
	ck_assert_msg(strstr(err.message, "3x3"), "%s", err.message);
	free(dir);
}
END_TEST

START_TEST(live_prices_and_cache_file)
{
	struct gcr_price_info pi;
	struct gcr_error err;
	struct gcr_catalog *again;
	char *path = gcr_strdup_printf("%s/cache/gcrunner/prices.json", tmpdir);
	char *dir = gcr_strdup_printf("%s/cache/gcrunner", tmpdir);
	time_t now = time(NULL);
	bool applied;

	ck_assert_int_eq(gcr_catalog_set_price(cat, "c6i.16xlarge", "eu-west-1", true, 3.1, 1.2,
					       "test GetProducts", now - 3600, &err), GCR_OK);
	ck_assert(gcr_catalog_price(cat, "c6i.16xlarge", "eu-west-1", now, &pi));
	ck_assert(pi.live && !pi.derived && !pi.spot_estimated);
	ck_assert_double_eq_tol(pi.ondemand_usd_hour, 3.1, 1e-9);
	ck_assert_double_eq_tol(pi.age_hours, 1.0, 0.01);
	ck_assert_str_eq(pi.source, "test GetProducts");
	ck_assert_int_eq(gcr_catalog_set_price(cat, "m5.large", "us-east-1", true, 0.1, -1, "x", now, &err),
			 GCR_ERR_NOT_FOUND);
	/* A new region is added. */
	ck_assert_int_eq(gcr_catalog_set_price(cat, "c5.4xlarge", "ap-south-1", true, 0.7, -1, "x", now, &err),
			 GCR_OK);
	ck_assert(gcr_catalog_price(cat, "c5.4xlarge", "ap-south-1", now, &pi) && pi.spot_estimated);

	/* The cache: written by save, read by a fresh load (the default path). */
	ck_assert_int_eq(gcr_mkdir_p(dir, 0700, &err), GCR_OK);
	ck_assert_int_eq(gcr_catalog_save_prices(cat, path, &err), GCR_OK);
	ck_assert_int_eq(gcr_catalog_load(GCR_SOURCE_DATADIR, &again, &err), GCR_OK);
	ck_assert(gcr_catalog_price(again, "c6i.16xlarge", "eu-west-1", now, &pi));
	ck_assert(pi.live);
	ck_assert_double_eq_tol(pi.spot_usd_hour, 1.2, 1e-9);
	/* ...but not when it is older than a day. */
	ck_assert_int_eq(gcr_catalog_load_prices(again, path, now + 2 * GCR_PRICES_MAX_AGE, GCR_PRICES_MAX_AGE,
						 &applied, &err), GCR_OK);
	ck_assert(!applied);
	gcr_catalog_free(again);
	{
		char *stale = write_tmp("stale.json",
					"{\"version\": 1, \"fetched_at\": \"2020-01-01T00:00:00Z\", \"prices\": "
					"[{\"instance_type\": \"c5.4xlarge\", \"region\": \"us-east-1\", "
					"\"ondemand_usd_per_hour\": 9.99}]}");
		char *broken = write_tmp("broken.json", "{\"version\": 1, \"prices\": 3}");
		ck_assert_int_eq(gcr_catalog_load_prices(cat, stale, now, GCR_PRICES_MAX_AGE, &applied, &err), GCR_OK);
		ck_assert(!applied);
		ck_assert(gcr_catalog_price(cat, "c5.4xlarge", "us-east-1", now, &pi));
		ck_assert_double_eq_tol(pi.ondemand_usd_hour, 0.68, 1e-9);
		ck_assert_int_eq(gcr_catalog_load_prices(cat, broken, now, GCR_PRICES_MAX_AGE, &applied, &err),
				 GCR_ERR_INVALID);
		free(stale);
		free(broken);
	}
	free(path);
	free(dir);
}
END_TEST

START_TEST(spec_flags_apply_and_errors)
{
	static const struct option longopts[] = { GCR_SPEC_FLAG_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct gcr_spec_flags f;
	struct gcr_spec s;
	struct gcr_error err;
	char *file = write_tmp("flags.yaml", "model: classic\nsimulation: Hg\nmet: geosfp\ngrid: 2x2.5\ndays: 10\n");
	char *argv[] = { "estimate", "--spec", file, "--sim", "TransportTracers", "--instance", "c5.4xlarge",
			 "--instance", "c6i.8xlarge", "--spot", "--region", "eu-west-1", NULL };
	int argc = 12, c;

	gcr_spec_flags_init(&f);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1)
		ck_assert(gcr_spec_flags_take(&f, c, optarg));
	gcr_spec_init(&s);
	ck_assert_msg(gcr_spec_flags_apply(&f, cat, NULL, &s, &err) == GCR_OK, "%s", err.message);
	ck_assert_str_eq(s.simulation, "TransportTracers");   /* the flag overrides the file */
	ck_assert_str_eq(s.met, "geosfp");                    /* the file's value stays */
	ck_assert_int_eq(s.days, 10);
	ck_assert(s.spot);
	ck_assert_str_eq(s.region, "eu-west-1");
	ck_assert_uint_eq(f.ninstances, 2);
	ck_assert_str_eq(s.instance_type, "c5.4xlarge");

	gcr_spec_flags_init(&f);
	ck_assert(gcr_spec_flags_take(&f, GCR_FLAG_MET, "era5"));
	gcr_spec_init(&s);
	ck_assert_int_eq(gcr_spec_flags_apply(&f, cat, NULL, &s, &err), GCR_ERR_USAGE);
	ck_assert_msg(strstr(err.message, "--met") && strstr(err.message, "merra2, geosfp, geosit, gcap2"),
		      "%s", err.message);
	gcr_spec_flags_init(&f);
	ck_assert(gcr_spec_flags_take(&f, GCR_FLAG_LEVELS, "50"));
	ck_assert_int_eq(gcr_spec_flags_apply(&f, cat, NULL, &s, &err), GCR_ERR_USAGE);
	ck_assert_msg(strstr(err.message, "--levels"), "%s", err.message);
	gcr_spec_flags_init(&f);
	ck_assert(gcr_spec_flags_take(&f, GCR_FLAG_START, "2019-02-30"));
	ck_assert_int_eq(gcr_spec_flags_apply(&f, cat, NULL, &s, &err), GCR_ERR_USAGE);
	gcr_spec_flags_init(&f);
	ck_assert(gcr_spec_flags_take(&f, GCR_FLAG_INSTANCE, "t2.micro"));
	ck_assert_int_eq(gcr_spec_flags_apply(&f, cat, NULL, &s, &err), GCR_ERR_USAGE);
	ck_assert_msg(strstr(err.message, "--instance"), "%s", err.message);
	gcr_spec_flags_init(&f);
	ck_assert(gcr_spec_flags_take(&f, GCR_FLAG_NODES, "0"));
	ck_assert_int_eq(gcr_spec_flags_apply(&f, cat, NULL, &s, &err), GCR_ERR_USAGE);
	ck_assert(!gcr_spec_flags_take(&f, 'j', NULL));
	free(file);
}
END_TEST

START_TEST(measurements_file)
{
	struct gcr_measurement m;
	struct gcr_catalog *again;
	struct gcr_error err;
	size_t n0 = gcr_catalog_nbenchmarks(cat);
	const struct gcr_benchmark *b;

	memset(&m, 0, sizeof m);
	m.spec = sp(GCR_MODEL_CLASSIC, "fullchem", "merra2", "2x2.5");
	gcr_spec_apply_defaults(&m.spec, cat);
	strcpy(m.instance_type, "c6i.16xlarge");
	m.throughput_days_per_day = 42.5;
	m.cost_per_sim_day = 1.5;
	m.memory_usage_gib = 33;
	m.cpu_efficiency = 0.8;
	m.timestamp = 1780000000;
	strcpy(m.data_source, "user-run:test-1");
	ck_assert_msg(gcr_measurement_add(cat, &m, NULL, &err) == GCR_OK, "%s", err.message);
	m.throughput_days_per_day = 40;
	ck_assert_int_eq(gcr_measurement_add(cat, &m, NULL, &err), GCR_OK);
	ck_assert_uint_eq(gcr_catalog_nbenchmarks(cat), n0 + 2);
	/* A fresh load reads them back from the state directory. */
	ck_assert_msg(gcr_catalog_load(GCR_SOURCE_DATADIR, &again, &err) == GCR_OK, "%s", err.message);
	ck_assert_uint_eq(gcr_catalog_nbenchmarks(again), n0 + 2);
	b = gcr_catalog_benchmark(again, n0);
	ck_assert(b->user);
	ck_assert_double_eq(b->weight, GCR_USER_MEASUREMENT_WEIGHT);
	ck_assert_str_eq(b->configuration_type, "classic/fullchem/standard/merra2/2x2.5/global/72L");
	ck_assert_str_eq(b->data_source, "user-run:test-1");
	ck_assert_double_eq_tol(b->throughput_days_per_day, 42.5, 1e-9);
	ck_assert_double_eq_tol(b->cpu_efficiency, 0.8, 1e-9);
	ck_assert_int_eq(b->threads_per_node, 64);
	ck_assert_int_eq((long)b->timestamp, 1780000000);
	gcr_catalog_free(again);
	strcpy(m.instance_type, "z9.huge");
	ck_assert_int_eq(gcr_measurement_add(cat, &m, NULL, &err), GCR_ERR_NOT_FOUND);
}
END_TEST

START_TEST(every_label_is_translatable)
{
	for (size_t i = 0; i < gcr_catalog_nsimulations(cat); i++) {
		const struct gcr_simulation *sim = gcr_catalog_simulation(cat, i);
		ck_assert_msg(gcr_catalog_label_listed(sim->label), "add N_(\"%s\") to catalog_strings.c", sim->label);
		for (size_t k = 0; k < sim->noptions; k++)
			ck_assert_msg(gcr_catalog_label_listed(sim->options[k].label), "%s", sim->options[k].label);
	}
	for (size_t i = 0; i < gcr_catalog_nmets(cat); i++)
		ck_assert_msg(gcr_catalog_label_listed(gcr_catalog_met(cat, i)->label), "%s", gcr_catalog_met(cat, i)->label);
	for (size_t i = 0; i < gcr_catalog_ngrids(cat); i++) {
		const struct gcr_grid *g = gcr_catalog_grid(cat, i);
		ck_assert_msg(gcr_catalog_label_listed(g->label), "%s", g->label);
		for (size_t k = 0; k < g->ndomains; k++)
			ck_assert_msg(gcr_catalog_label_listed(g->domains[k].label), "%s", g->domains[k].label);
	}
	for (size_t i = 0; i < gcr_catalog_nfamilies(cat); i++)
		ck_assert_msg(gcr_catalog_label_listed(gcr_catalog_family(cat, i)->label), "%s",
			      gcr_catalog_family(cat, i)->label);
	ck_assert(!gcr_catalog_label_listed("Not a label"));
}
END_TEST

static Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_every_choice_of_createrundir);
	tcase_add_test(tc, instances_and_price_blocks);
	tcase_add_test(tc, met_grid_rules);
	tcase_add_test(tc, domain_rules);
	tcase_add_test(tc, model_sim_option_levels_scenario_rules);
	tcase_add_test(tc, period_and_instance_rules);
	tcase_add_test(tc, gchp_core_rules);
	tcase_add_test(tc, spec_defaults_and_validation);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, spec_file_round_trip_and_errors);
	tcase_add_test(tc, catalog_errors_name_file_line_and_field);
	tcase_add_test(tc, live_prices_and_cache_file);
	tcase_add_test(tc, spec_flags_apply_and_errors);
	tcase_add_test(tc, measurements_file);
	tcase_add_test(tc, every_label_is_translatable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(catalog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
