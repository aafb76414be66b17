/* spec.c: the simulation spec -- defaults, validation against the catalog,
 * dates, and the YAML spec file (read with libyaml's document API, written
 * with libyaml's emitter through yaml_out). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/yaml_out.h"
#include "catalog.h"
#include "i18n.h"
#include "paths.h"
#include "spec.h"
#include "yamlread.h"

void gcr_spec_init(struct gcr_spec *spec)
{
	memset(spec, 0, sizeof *spec);
}

const char *gcr_model_id(enum gcr_model m)
{
	switch (m) {
	case GCR_MODEL_CLASSIC: return "classic";
	case GCR_MODEL_GCHP: return "gchp";
	default: return "";
	}
}

const char *gcr_target_id(enum gcr_target t)
{
	switch (t) {
	case GCR_TARGET_BATCH: return "batch";
	case GCR_TARGET_PCLUSTER: return "pcluster";
	case GCR_TARGET_SLURM: return "slurm";
	default: return "";
	}
}

bool gcr_model_from_id(const char *id, enum gcr_model *out)
{
	for (enum gcr_model m = GCR_MODEL_NONE; m <= GCR_MODEL_GCHP; m++)
		if (strcmp(id, gcr_model_id(m)) == 0) {
			*out = m;
			return true;
		}
	return false;
}

bool gcr_target_from_id(const char *id, enum gcr_target *out)
{
	for (enum gcr_target t = GCR_TARGET_NONE; t <= GCR_TARGET_SLURM; t++)
		if (strcmp(id, gcr_target_id(t)) == 0) {
			*out = t;
			return true;
		}
	return false;
}

/* ---- Dates: days from civil (H. Hinnant's algorithm) -------------------- */

static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int civil_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	return (int)((y + (m <= 2)) * 10000 + m * 100 + d);
}

bool gcr_date_valid(int ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

	if (ymd <= 0 || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return civil_from_days(days_from_civil(y, m, d)) == ymd;
}

bool gcr_date_parse(const char *s, int *ymd)
{
	int y, m, d, n = 0;

	if (!s)
		return false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && (size_t)n == strlen(s) && n == 10) {
		/* fine */
	} else if (strlen(s) == 8 && sscanf(s, "%4d%2d%2d%n", &y, &m, &d, &n) == 3 && n == 8) {
		/* fine */
	} else {
		return false;
	}
	if (!gcr_date_valid(y * 10000 + m * 100 + d))
		return false;
	*ymd = y * 10000 + m * 100 + d;
	return true;
}

char *gcr_date_format(int ymd, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
	return buf;
}

int gcr_date_add_days(int ymd, int days)
{
	return civil_from_days(days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100) + days);
}

int gcr_date_diff_days(int a, int b)
{
	return (int)(days_from_civil(b / 10000, b / 100 % 100, b % 100) -
		     days_from_civil(a / 10000, a / 100 % 100, a % 100));
}

int gcr_spec_simulated_days(const struct gcr_spec *spec)
{
	int days = spec->days;

	if (spec->start_date && spec->end_date)
		days = gcr_date_diff_days(spec->start_date, spec->end_date);
	if (days < 0)
		days = 0;
	return days + (spec->spinup_days > 0 ? spec->spinup_days : 0);
}

/* ---- Defaults ------------------------------------------------------------ */

static void set_id(char *dst, const char *src)
{
	snprintf(dst, GCR_ID_MAX, "%s", src);
}

void gcr_spec_apply_defaults(struct gcr_spec *spec, const struct gcr_catalog *cat)
{
	const struct gcr_simulation *sim;
	const struct gcr_met *met;
	const struct gcr_grid *grid;
	bool defaulted_start = false;

	if (spec->model == GCR_MODEL_NONE)
		spec->model = GCR_MODEL_CLASSIC;
	if (!*spec->simulation)
		set_id(spec->simulation, "fullchem");
	sim = gcr_catalog_find_simulation(cat, spec->simulation);
	if (!*spec->option && sim && *sim->default_option)
		set_id(spec->option, sim->default_option);
	if (!*spec->met)
		set_id(spec->met, "merra2");
	met = gcr_catalog_find_met(cat, spec->met);
	if (!*spec->scenario && met && met->nscenarios)
		set_id(spec->scenario, met->scenarios[0]);
	if (!*spec->grid)
		set_id(spec->grid, spec->model == GCR_MODEL_GCHP ? "C24" : "4x5");
	grid = gcr_catalog_find_grid(cat, spec->grid);
	if (!*spec->domain)
		set_id(spec->domain, "global");
	if (spec->levels == 0)
		spec->levels = spec->model == GCR_MODEL_GCHP ? 72 : (met ? met->default_levels : 72);

	if (spec->start_date == 0) {
		/* The shipped restarts: 0.125 runs start 2023-01 (geoschem.md 2.7). */
		if (grid && grid->dlat > 0 && grid->dlat < 0.2)
			spec->start_date = 20230101;
		else
			spec->start_date = sim ? sim->default_start : 20190701;
		defaulted_start = true;
	}
	if (spec->end_date == 0) {
		if (spec->days > 0)
			spec->end_date = gcr_date_add_days(spec->start_date, spec->days);
		else if (defaulted_start && sim && sim->default_end > sim->default_start &&
			 !(grid && grid->dlat > 0 && grid->dlat < 0.2))
			spec->end_date = sim->default_end;
		else
			spec->end_date = gcr_date_add_days(spec->start_date, 31);
	}
	if (gcr_date_valid(spec->start_date) && gcr_date_valid(spec->end_date))
		spec->days = gcr_date_diff_days(spec->start_date, spec->end_date);
	if (!*spec->restart)
		set_id(spec->restart, "default");
	if (spec->target == GCR_TARGET_NONE)
		spec->target = spec->model == GCR_MODEL_GCHP ? GCR_TARGET_PCLUSTER : GCR_TARGET_BATCH;
	if (spec->nodes <= 0)
		spec->nodes = spec->model == GCR_MODEL_GCHP ? 2 : 1;
}

/* ---- Validation ---------------------------------------------------------- */

enum gcr_status gcr_spec_validate(const struct gcr_spec *spec, const struct gcr_catalog *cat,
				  struct gcr_error *err)
{
	char why[GCR_ERROR_MESSAGE_MAX - 64];
	struct gcr_spec partial;

	if (spec->model == GCR_MODEL_NONE)
		return gcr_error_set(err, GCR_ERR_INVALID, _("no model chosen (allowed: classic, gchp)"));
	/* Check each choice against the ones before it, in the wizard's order,
	 * so the message names the first choice that breaks a rule. */
	gcr_spec_init(&partial);
	partial.model = spec->model;
	if (!gcr_catalog_simulation_allowed(cat, &partial, spec->simulation, why, sizeof why))
		goto invalid;
	set_id(partial.simulation, spec->simulation);
	if (*spec->option && !gcr_catalog_option_allowed(cat, &partial, spec->option, why, sizeof why))
		goto invalid;
	set_id(partial.option, spec->option);
	if (!gcr_catalog_met_allowed(cat, &partial, spec->met, why, sizeof why))
		goto invalid;
	set_id(partial.met, spec->met);
	if (*spec->scenario && !gcr_catalog_scenario_allowed(cat, &partial, spec->scenario, why, sizeof why))
		goto invalid;
	set_id(partial.scenario, spec->scenario);
	if (!gcr_catalog_grid_allowed(cat, &partial, spec->grid, why, sizeof why))
		goto invalid;
	set_id(partial.grid, spec->grid);
	if (*spec->domain && !gcr_catalog_domain_allowed(cat, &partial, spec->domain, why, sizeof why))
		goto invalid;
	set_id(partial.domain, spec->domain);
	if (spec->levels && !gcr_catalog_levels_allowed(cat, &partial, spec->levels, why, sizeof why))
		goto invalid;
	partial.levels = spec->levels;
	if (!gcr_catalog_period_allowed(cat, &partial, spec->start_date, spec->end_date, why, sizeof why))
		goto invalid;
	if (spec->spinup_days < 0) {
		snprintf(why, sizeof why, _("spin-up days must be 0 or more"));
		goto invalid;
	}
	if (spec->nodes < 0 || spec->cores_per_node < 0) {
		snprintf(why, sizeof why, _("nodes and cores per node must be positive"));
		goto invalid;
	}
	if (spec->model == GCR_MODEL_CLASSIC && spec->nodes > 1) {
		snprintf(why, sizeof why,
			 _("GEOS-Chem Classic runs on one node (OpenMP only); use GCHP for more nodes"));
		goto invalid;
	}
	if (spec->model == GCR_MODEL_CLASSIC && spec->target == GCR_TARGET_NONE) {
		/* fine: chosen later */
	} else if (spec->model == GCR_MODEL_GCHP && spec->target == GCR_TARGET_BATCH) {
		snprintf(why, sizeof why,
			 _("GCHP needs MPI across nodes: choose ParallelCluster or Slurm, not AWS Batch"));
		goto invalid;
	}
	set_id(partial.region, spec->region);
	if (*spec->instance_type) {
		const struct gcr_instance_type *it;
		if (!gcr_catalog_instance_allowed(cat, &partial, spec->instance_type, why, sizeof why))
			goto invalid;
		it = gcr_catalog_find_instance(cat, spec->instance_type);
		if (spec->model == GCR_MODEL_GCHP && it) {
			int cpn = spec->cores_per_node > 0 ? spec->cores_per_node : it->cores;
			int nodes = spec->nodes > 0 ? spec->nodes : 1;
			if (cpn > it->cores) {
				snprintf(why, sizeof why,
					 _("%d cores per node is more than the %d physical cores of %s"),
					 cpn, it->cores, it->id);
				goto invalid;
			}
			/* With cores per node left to the default, the estimator
			 * rounds down to a valid count; only an explicit choice
			 * must satisfy GCHP's rules as given. */
			if (spec->cores_per_node > 0 &&
			    !gcr_catalog_gchp_cores_allowed(cat, spec->grid, nodes * cpn, NULL, NULL,
							    why, sizeof why))
				goto invalid;
		}
	} else if (spec->model == GCR_MODEL_GCHP && spec->cores_per_node > 0) {
		int nodes = spec->nodes > 0 ? spec->nodes : 1;
		if (!gcr_catalog_gchp_cores_allowed(cat, spec->grid, nodes * spec->cores_per_node,
						    NULL, NULL, why, sizeof why))
			goto invalid;
	}
	return GCR_OK;
invalid:
	return gcr_error_set(err, GCR_ERR_INVALID, "%s", why);
}

/* ---- YAML spec files ------------------------------------------------------ */

static const char *const spec_keys[] = {
	"name", "description", "model", "simulation", "option", "met", "scenario", "grid",
	"domain", "levels", "start", "end", "days", "spinup_days", "collections",
	"output_frequency", "restart", "target", "instance_type", "nodes", "cores_per_node",
	"spot", "region", NULL,
};

static enum gcr_status load_field(struct gcr_spec *spec, struct gcr_yread *y, const char *key,
				  yaml_node_t *v, struct gcr_error *err)
{
	long n;
	enum gcr_status st = GCR_OK;

#define STR(k, f) if (strcmp(key, k) == 0) return gcr_yread_str(y, v, key, spec->f, sizeof spec->f, err)
	STR("name", name);
	STR("description", description);
	STR("simulation", simulation);
	STR("option", option);
	STR("met", met);
	STR("scenario", scenario);
	STR("grid", grid);
	STR("domain", domain);
	STR("output_frequency", output_frequency);
	STR("restart", restart);
	STR("instance_type", instance_type);
	STR("region", region);
#undef STR
#define INT(k, f, lo, hi) \
	if (strcmp(key, k) == 0) { \
		if ((st = gcr_yread_int(y, v, key, lo, hi, &n, err)) == GCR_OK) \
			spec->f = (int)n; \
		return st; \
	}
	INT("levels", levels, 1, 200);
	INT("days", days, 0, 366 * 200);
	INT("spinup_days", spinup_days, 0, 366 * 50);
	INT("nodes", nodes, 0, 100000);
	INT("cores_per_node", cores_per_node, 0, 100000);
#undef INT
	if (strcmp(key, "start") == 0)
		return gcr_yread_date(y, v, key, &spec->start_date, err);
	if (strcmp(key, "end") == 0)
		return gcr_yread_date(y, v, key, &spec->end_date, err);
	if (strcmp(key, "spot") == 0)
		return gcr_yread_bool(y, v, key, &spec->spot, err);
	if (strcmp(key, "model") == 0) {
		const char *s = gcr_yread_text(v);
		if (!s || !gcr_model_from_id(s, &spec->model))
			return gcr_yread_error(y, v, key, err, _("'%s' is not a model (allowed: classic, gchp)"),
					       s ? s : "");
		return GCR_OK;
	}
	if (strcmp(key, "target") == 0) {
		const char *s = gcr_yread_text(v);
		if (!s || !gcr_target_from_id(s, &spec->target))
			return gcr_yread_error(y, v, key, err,
					       _("'%s' is not a target (allowed: batch, pcluster, slurm)"),
					       s ? s : "");
		return GCR_OK;
	}
	if (strcmp(key, "collections") == 0) {
		if (!gcr_yread_is_seq(v))
			return gcr_yread_error(y, v, key, err, _("expected a list of collection names"));
		spec->ncollections = 0;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			if (spec->ncollections >= GCR_MAX_COLLECTIONS)
				return gcr_yread_error(y, v, key, err, _("at most %d collections"),
						       GCR_MAX_COLLECTIONS);
			st = gcr_yread_str(y, gcr_yread_node(y, *it), key,
					   spec->collections[spec->ncollections], GCR_ID_MAX, err);
			if (st != GCR_OK)
				return st;
			spec->ncollections++;
		}
		return GCR_OK;
	}
	return gcr_yread_error(y, v, key, err, _("unknown key"));
}

enum gcr_status gcr_spec_load(struct gcr_spec *spec, const char *path, struct gcr_error *err)
{
	struct gcr_yread y;
	yaml_node_t *root;
	enum gcr_status st;

	st = gcr_yread_file(&y, path, err);
	if (st == GCR_ERR_NOT_FOUND || st == GCR_ERR_IO) {
		gcr_error_prefix(err, _("spec file"));
		return st;
	}
	if (st != GCR_OK)
		return st;
	root = gcr_yread_root(&y);
	if (!root) {
		gcr_yread_free(&y);
		return gcr_error_set(err, GCR_ERR_INVALID, _("%s: the spec file is empty"), path);
	}
	st = gcr_yread_keys(&y, root, _("spec"), spec_keys, err);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     st == GCR_OK && p < root->data.mapping.pairs.top; p++) {
		const char *key = gcr_yread_text(gcr_yread_node(&y, p->key));
		st = load_field(spec, &y, key, gcr_yread_node(&y, p->value), err);
	}
	gcr_yread_free(&y);
	return st;
}

char *gcr_spec_to_yaml(const struct gcr_spec *spec, size_t *len, struct gcr_error *err)
{
	struct gcr_yout *y = gcr_yout_new(false);
	char date[16];
	size_t ignored;

	gcr_yout_map_start(y);
	if (*spec->name)
		gcr_yout_kstr(y, "name", spec->name);
	if (*spec->description)
		gcr_yout_kstr(y, "description", spec->description);
	if (spec->model != GCR_MODEL_NONE)
		gcr_yout_kstr(y, "model", gcr_model_id(spec->model));
#define KSTR(k, f) if (*spec->f) gcr_yout_kstr(y, k, spec->f)
	KSTR("simulation", simulation);
	KSTR("option", option);
	KSTR("met", met);
	KSTR("scenario", scenario);
	KSTR("grid", grid);
	KSTR("domain", domain);
	if (spec->levels)
		gcr_yout_kint(y, "levels", spec->levels);
	if (spec->start_date)
		gcr_yout_kplain(y, "start", gcr_date_format(spec->start_date, date, sizeof date));
	if (spec->end_date)
		gcr_yout_kplain(y, "end", gcr_date_format(spec->end_date, date, sizeof date));
	if (spec->days)
		gcr_yout_kint(y, "days", spec->days);
	if (spec->spinup_days)
		gcr_yout_kint(y, "spinup_days", spec->spinup_days);
	if (spec->ncollections > 0) {
		const char *items[GCR_MAX_COLLECTIONS];
		for (int i = 0; i < spec->ncollections && i < GCR_MAX_COLLECTIONS; i++)
			items[i] = spec->collections[i];
		gcr_yout_kstr_list(y, "collections", items, (size_t)spec->ncollections);
	}
	KSTR("output_frequency", output_frequency);
	KSTR("restart", restart);
	if (spec->target != GCR_TARGET_NONE)
		gcr_yout_kstr(y, "target", gcr_target_id(spec->target));
	KSTR("instance_type", instance_type);
	if (spec->nodes)
		gcr_yout_kint(y, "nodes", spec->nodes);
	if (spec->cores_per_node)
		gcr_yout_kint(y, "cores_per_node", spec->cores_per_node);
	gcr_yout_kbool(y, "spot", spec->spot);
	KSTR("region", region);
#undef KSTR
	gcr_yout_map_end(y);
	return gcr_yout_finish(y, len ? len : &ignored, err);
}

enum gcr_status gcr_spec_save(const struct gcr_spec *spec, const char *path, struct gcr_error *err)
{
	size_t len;
	char *text = gcr_spec_to_yaml(spec, &len, err);
	enum gcr_status st;

	if (!text)
		return err ? err->code : GCR_ERR_INTERNAL;
	st = gcr_write_file_atomic(path, text, len, 0644, err);
	free(text);
	return st;
}
