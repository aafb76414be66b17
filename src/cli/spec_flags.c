/* spec_flags.c: the choice flags shared by estimate, export and submit
 * (see spec_flags.h): collected while getopt_long runs, applied after the
 * --spec file, each value checked against the catalog. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/spec_flags.h"
#include "i18n.h"

void gcr_spec_flags_init(struct gcr_spec_flags *f)
{
	memset(f, 0, sizeof *f);
	f->spot = -1;
}

bool gcr_spec_flags_take(struct gcr_spec_flags *f, int c, const char *arg)
{
	switch (c) {
	case GCR_FLAG_MODEL: f->model = arg; return true;
	case GCR_FLAG_SIM: f->sim = arg; return true;
	case GCR_FLAG_OPTION: f->option = arg; return true;
	case GCR_FLAG_MET: f->met = arg; return true;
	case GCR_FLAG_SCENARIO: f->scenario = arg; return true;
	case GCR_FLAG_GRID: f->grid = arg; return true;
	case GCR_FLAG_DOMAIN: f->domain = arg; return true;
	case GCR_FLAG_LEVELS: f->levels = arg; return true;
	case GCR_FLAG_START: f->start = arg; return true;
	case GCR_FLAG_END: f->end = arg; return true;
	case GCR_FLAG_DAYS: f->days = arg; return true;
	case GCR_FLAG_NODES: f->nodes = arg; return true;
	case GCR_FLAG_CORES_PER_NODE: f->cores_per_node = arg; return true;
	case GCR_FLAG_REGION: f->region = arg; return true;
	case GCR_FLAG_SPEC: f->spec_file = arg; return true;
	case GCR_FLAG_SPOT: f->spot = 1; return true;
	case GCR_FLAG_ON_DEMAND: f->spot = 0; return true;
	case GCR_FLAG_INSTANCE:
		if (f->ninstances < GCR_SPEC_FLAGS_MAX_INSTANCES)
			f->instances[f->ninstances++] = arg;
		else
			f->too_many_instances = true;
		return true;
	default:
		return false;
	}
}

static enum gcr_status bad(struct gcr_error *err, const char *flag, const char *value,
			   const char *allowed)
{
	return gcr_error_set(err, GCR_ERR_USAGE, _("%s: '%s' is not allowed (allowed: %s)"), flag,
			     value, allowed);
}

static bool positive_int(const char *s, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > max)
		return false;
	*out = (int)v;
	return true;
}

static void copy_id(char *dst, const char *src)
{
	snprintf(dst, GCR_ID_MAX, "%s", src);
}

enum gcr_status gcr_spec_flags_apply(const struct gcr_spec_flags *f, const struct gcr_catalog *cat,
				     const char *default_region, struct gcr_spec *spec,
				     struct gcr_error *err)
{
	char list[1024];
	struct gcr_spec any;
	enum gcr_status st;

	gcr_spec_init(&any);   /* value checks: exists at all, whatever else is chosen */
	if (f->spec_file && (st = gcr_spec_load(spec, f->spec_file, err)) != GCR_OK)
		return st;
	if (f->too_many_instances)
		return gcr_error_set(err, GCR_ERR_USAGE, _("--instance: at most %d types"),
				     GCR_SPEC_FLAGS_MAX_INSTANCES);
	if (f->model) {
		if (!gcr_model_from_id(f->model, &spec->model) || spec->model == GCR_MODEL_NONE)
			return bad(err, "--model", f->model, "classic, gchp");
		any.model = spec->model;
	}
	if (f->sim) {
		if (!gcr_catalog_find_simulation(cat, f->sim))
			return bad(err, "--sim", f->sim,
				   gcr_catalog_allowed_list(cat, &any, "simulation", list, sizeof list));
		copy_id(spec->simulation, f->sim);
		if (!f->option)
			spec->option[0] = '\0';  /* the new simulation's default */
	}
	if (f->option) {
		/* Without --sim the default simulation (full chemistry) applies. */
		const char *simid = *spec->simulation ? spec->simulation : "fullchem";
		const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, simid);
		struct gcr_spec s = any;
		copy_id(s.simulation, simid);
		if (!sim)
			return gcr_error_set(err, GCR_ERR_USAGE, _("--option: choose --sim first"));
		if (!gcr_simulation_find_option(sim, f->option))
			return bad(err, "--option", f->option,
				   sim->noptions ? gcr_catalog_allowed_list(cat, &s, "option", list, sizeof list)
						 : _("none: this simulation has no options"));
		copy_id(spec->option, f->option);
	}
	if (f->met) {
		if (!gcr_catalog_find_met(cat, f->met))
			return bad(err, "--met", f->met, gcr_catalog_allowed_list(cat, &any, "met", list, sizeof list));
		copy_id(spec->met, f->met);
	}
	if (f->scenario) {
		struct gcr_spec s;
		gcr_spec_init(&s);
		if (!gcr_catalog_scenario_allowed(cat, &s, f->scenario, NULL, 0))
			return bad(err, "--scenario", f->scenario,
				   gcr_catalog_allowed_list(cat, &s, "scenario", list, sizeof list));
		copy_id(spec->scenario, f->scenario);
	}
	if (f->grid) {
		if (!gcr_catalog_find_grid(cat, f->grid))
			return bad(err, "--grid", f->grid, gcr_catalog_allowed_list(cat, &any, "grid", list, sizeof list));
		copy_id(spec->grid, f->grid);
	}
	if (f->domain) {
		struct gcr_spec s;
		gcr_spec_init(&s);
		if (!gcr_catalog_domain_allowed(cat, &s, f->domain, NULL, 0))
			return bad(err, "--domain", f->domain, "global, AS, EU, NA, SA, AF, ME, OC, RU");
		copy_id(spec->domain, f->domain);
	}
	if (f->levels && !positive_int(f->levels, 200, &spec->levels))
		return bad(err, "--levels", f->levels, "72, 47, 40");
	if (f->levels && !gcr_catalog_levels_allowed(cat, &any, spec->levels, NULL, 0))
		return bad(err, "--levels", f->levels, "72, 47, 40");
	if (f->start && !gcr_date_parse(f->start, &spec->start_date))
		return bad(err, "--start", f->start, _("a date YYYY-MM-DD"));
	if (f->end && !gcr_date_parse(f->end, &spec->end_date))
		return bad(err, "--end", f->end, _("a date YYYY-MM-DD"));
	if (f->days) {
		if (!positive_int(f->days, 366 * 200, &spec->days))
			return bad(err, "--days", f->days, _("a whole number of days, 1 or more"));
		if (f->end)
			return gcr_error_set(err, GCR_ERR_USAGE, _("--days and --end exclude each other"));
		spec->end_date = 0;   /* start + days */
	} else if (f->start && !f->end && spec->end_date && spec->end_date <= spec->start_date) {
		spec->end_date = 0;
	}
	if (f->start && !f->end && !f->days && spec->days > 0)
		spec->end_date = 0;
	if (f->nodes && !positive_int(f->nodes, 100000, &spec->nodes))
		return bad(err, "--nodes", f->nodes, _("a whole number, 1 or more"));
	if (f->cores_per_node && !positive_int(f->cores_per_node, 100000, &spec->cores_per_node))
		return bad(err, "--cores-per-node", f->cores_per_node, _("a whole number, 1 or more"));
	if (f->spot >= 0)
		spec->spot = f->spot == 1;
	if (f->region) {
		bool known = false;
		for (size_t i = 0; i < gcr_catalog_nregions(cat); i++)
			known = known || strcmp(gcr_catalog_region(cat, i), f->region) == 0;
		if (!known) {
			list[0] = '\0';
			for (size_t i = 0; i < gcr_catalog_nregions(cat); i++) {
				if (i)
					strncat(list, ", ", sizeof list - strlen(list) - 1);
				strncat(list, gcr_catalog_region(cat, i), sizeof list - strlen(list) - 1);
			}
			return bad(err, "--region", f->region, list);
		}
		copy_id(spec->region, f->region);
	} else if (!*spec->region && default_region && *default_region) {
		copy_id(spec->region, default_region);
	}
	for (size_t i = 0; i < f->ninstances; i++)
		if (!gcr_catalog_find_instance(cat, f->instances[i]))
			return bad(err, "--instance", f->instances[i],
				   gcr_catalog_allowed_list(cat, &any, "instance", list, sizeof list));
	if (f->ninstances)
		copy_id(spec->instance_type, f->instances[0]);
	return GCR_OK;
}

void gcr_spec_flags_print_help(FILE *out)
{
	fputs(_("Simulation choices (a --spec file first, then these override it):\n"
		"      --spec FILE          read a YAML spec file\n"
		"      --model MODEL        classic or gchp\n"
		"      --sim SIM            fullchem, aerosol, carbon, Hg, POPs, tagO3,\n"
		"                           TransportTracers, metals\n"
		"      --option OPT         the simulation's option (e.g. benchmark, TOMAS15, CH4)\n"
		"      --met MET            merra2, geosfp, geosit or gcap2\n"
		"      --scenario NAME      GCAP 2.0 scenario (historical, SSP245, ...)\n"
		"      --grid GRID          4x5, 2x2.5, 0.5x0.625, 0.25x0.3125, 0.125x0.15625,\n"
		"                           or C24 ... C720 for GCHP\n"
		"      --domain DOMAIN      global, or a nested domain (AS, EU, NA, ...)\n"
		"      --levels N           72, 47 or 40 (GCAP 2.0)\n"
		"      --start YYYY-MM-DD   first simulated day\n"
		"      --end YYYY-MM-DD     end (exclusive), or\n"
		"      --days N             length of the run in simulated days\n"
		"      --instance TYPE      EC2 instance type (repeatable)\n"
		"      --nodes N            GCHP compute nodes\n"
		"      --cores-per-node N   GCHP ranks (Classic: OpenMP threads) per node\n"
		"      --spot, --on-demand  pricing\n"
		"      --region REGION      AWS region for prices (default us-east-1)\n"),
	      out);
}
