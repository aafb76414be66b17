/* catalog.c: loading the catalogs (data/simulations.yaml,
 * data/instances.yaml, data/benchmarks.yaml) with libyaml, checking them,
 * and the accessors.  Validity rules are in catalog_rules.c, prices in
 * catalog_prices.c, the user's measurements in measure.c. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog_internal.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "yamlread.h"

#define MAX_SIMS 16
#define MAX_METS 8
#define MAX_GRIDS 24
#define MAX_MET_GRIDS 48
#define MAX_INSTANCES 96

const char *gcr_arch_id(enum gcr_arch a)
{
	return a == GCR_ARCH_ARM64 ? "arm64" : "x86_64";
}

/* ---- small parsing helpers ----------------------------------------------- */

/* Reads an optional key: returns GCR_OK and leaves the value alone when absent. */
#define OPT_STR(y, map, key, buf, err) \
	do { yaml_node_t *v_ = gcr_yread_get(y, map, key); \
	     if (v_ && (st = gcr_yread_str(y, v_, key, buf, sizeof(buf), err)) != GCR_OK) return st; } while (0)
#define OPT_DOUBLE(y, map, key, lo, hi, out, err) \
	do { yaml_node_t *v_ = gcr_yread_get(y, map, key); \
	     if (v_ && (st = gcr_yread_double(y, v_, key, lo, hi, out, err)) != GCR_OK) return st; } while (0)
#define OPT_BOOL(y, map, key, out, err) \
	do { yaml_node_t *v_ = gcr_yread_get(y, map, key); \
	     if (v_ && (st = gcr_yread_bool(y, v_, key, out, err)) != GCR_OK) return st; } while (0)
#define OPT_INT(y, map, key, lo, hi, out, err) \
	do { yaml_node_t *v_ = gcr_yread_get(y, map, key); long l_; \
	     if (v_) { if ((st = gcr_yread_int(y, v_, key, lo, hi, &l_, err)) != GCR_OK) return st; *(out) = (int)l_; } } while (0)

static enum gcr_status req_str(struct gcr_yread *y, yaml_node_t *map, const char *key,
			       char *buf, size_t len, struct gcr_error *err)
{
	yaml_node_t *v = gcr_yread_get(y, map, key);

	if (!v)
		return gcr_yread_error(y, map, key, err, _("missing (required)"));
	if (gcr_yread_str(y, v, key, buf, len, err) != GCR_OK)
		return err->code;
	if (!*buf)
		return gcr_yread_error(y, v, key, err, _("must not be empty"));
	return GCR_OK;
}

/* models: [classic, gchp] */
static enum gcr_status read_models(struct gcr_yread *y, yaml_node_t *map, bool *classic,
				   bool *gchp, struct gcr_error *err)
{
	yaml_node_t *v = gcr_yread_get(y, map, "models");

	*classic = *gchp = false;
	if (!v)
		return gcr_yread_error(y, map, "models", err, _("missing (required)"));
	if (!gcr_yread_is_seq(v))
		return gcr_yread_error(y, v, "models", err, _("expected a list such as [classic, gchp]"));
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = gcr_yread_node(y, *it);
		const char *s = gcr_yread_text(n);
		if (s && strcmp(s, "classic") == 0)
			*classic = true;
		else if (s && strcmp(s, "gchp") == 0)
			*gchp = true;
		else
			return gcr_yread_error(y, n, "models", err,
					       _("'%s' is not a model (allowed: classic, gchp)"), s ? s : "");
	}
	return GCR_OK;
}

/* A list of scalars into fixed id slots. */
static enum gcr_status read_id_list(struct gcr_yread *y, yaml_node_t *v, const char *field,
				    char (*ids)[GCR_ID_MAX], size_t max, size_t *n,
				    struct gcr_error *err)
{
	enum gcr_status st;

	*n = 0;
	if (!gcr_yread_is_seq(v))
		return gcr_yread_error(y, v, field, err, _("expected a list"));
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		if (*n >= max)
			return gcr_yread_error(y, v, field, err, _("too many entries (at most %zu)"), max);
		st = gcr_yread_str(y, gcr_yread_node(y, *it), field, ids[*n], GCR_ID_MAX, err);
		if (st != GCR_OK)
			return st;
		(*n)++;
	}
	return GCR_OK;
}

/* [a, b] pair of numbers */
static enum gcr_status read_pair(struct gcr_yread *y, yaml_node_t *v, const char *field,
				 double lo, double hi, double out[2], struct gcr_error *err)
{
	size_t i = 0;
	enum gcr_status st;

	if (!gcr_yread_is_seq(v) || v->data.sequence.items.top - v->data.sequence.items.start != 2)
		return gcr_yread_error(y, v, field, err, _("expected a pair [a, b]"));
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		st = gcr_yread_double(y, gcr_yread_node(y, *it), field, lo, hi, &out[i++], err);
		if (st != GCR_OK)
			return st;
	}
	return GCR_OK;
}

static yaml_node_t *req_seq(struct gcr_yread *y, yaml_node_t *map, const char *key,
			    struct gcr_error *err)
{
	yaml_node_t *v = gcr_yread_get(y, map, key);

	if (!v) {
		gcr_yread_error(y, map, key, err, _("missing (required)"));
		return NULL;
	}
	if (!gcr_yread_is_seq(v)) {
		gcr_yread_error(y, v, key, err, _("expected a list"));
		return NULL;
	}
	return v;
}

#define FOR_ITEMS(y, seq, node) \
	for (yaml_node_item_t *it_ = (seq)->data.sequence.items.start; it_ < (seq)->data.sequence.items.top; it_++) \
		for (yaml_node_t *node = gcr_yread_node(y, *it_), *once_ = node; once_; once_ = NULL)

/* ---- simulations.yaml ---------------------------------------------------- */

static enum gcr_status read_option(struct gcr_yread *y, yaml_node_t *m, struct gcr_sim_option *o,
				   struct gcr_error *err)
{
	static const char *const keys[] = { "id", "label", "models", "cost_factor", "memory_factor",
					    "extra_species", "coarse_timesteps", NULL };
	yaml_node_t *v;
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("option"), keys, err)) != GCR_OK)
		return st;
	memset(o, 0, sizeof *o);
	o->cost_factor = o->memory_factor = 1.0;
	if ((st = req_str(y, m, "id", o->id, sizeof o->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "label", o->label, sizeof o->label, err)) != GCR_OK ||
	    (st = read_models(y, m, &o->classic, &o->gchp, err)) != GCR_OK)
		return st;
	OPT_DOUBLE(y, m, "cost_factor", 0.01, 100, &o->cost_factor, err);
	OPT_DOUBLE(y, m, "memory_factor", 0.01, 100, &o->memory_factor, err);
	OPT_INT(y, m, "extra_species", -1000, 5000, &o->extra_species, err);
	if ((v = gcr_yread_get(y, m, "coarse_timesteps"))) {
		double ts[2];
		if ((st = read_pair(y, v, "coarse_timesteps", 1, 86400, ts, err)) != GCR_OK)
			return st;
		o->transport_timestep_s = (int)ts[0];
		o->chemistry_timestep_s = (int)ts[1];
	}
	return GCR_OK;
}

static enum gcr_status read_simulation(struct gcr_yread *y, yaml_node_t *m, struct gcr_simulation *s,
				       struct gcr_error *err)
{
	static const char *const keys[] = { "id", "label", "models", "advected_species",
					    "chemistry_cost", "emissions_memory_gib", "default_period",
					    "default_option", "options", NULL };
	yaml_node_t *v;
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("simulation"), keys, err)) != GCR_OK)
		return st;
	memset(s, 0, sizeof *s);
	s->chemistry_cost = 1.0;
	if ((st = req_str(y, m, "id", s->id, sizeof s->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "label", s->label, sizeof s->label, err)) != GCR_OK ||
	    (st = read_models(y, m, &s->classic, &s->gchp, err)) != GCR_OK)
		return st;
	OPT_INT(y, m, "advected_species", 1, 5000, &s->advected_species, err);
	if (s->advected_species == 0)
		return gcr_yread_error(y, m, "advected_species", err, _("missing (required)"));
	OPT_DOUBLE(y, m, "chemistry_cost", 0, 100, &s->chemistry_cost, err);
	OPT_DOUBLE(y, m, "emissions_memory_gib", 0, 1000, &s->emissions_memory_gib, err);
	if (!(v = gcr_yread_get(y, m, "default_period")))
		return gcr_yread_error(y, m, "default_period", err, _("missing (required)"));
	if (!gcr_yread_is_seq(v) || v->data.sequence.items.top - v->data.sequence.items.start != 2)
		return gcr_yread_error(y, v, "default_period", err, _("expected [start, end] dates"));
	if ((st = gcr_yread_date(y, gcr_yread_node(y, v->data.sequence.items.start[0]), "default_period",
				 &s->default_start, err)) != GCR_OK ||
	    (st = gcr_yread_date(y, gcr_yread_node(y, v->data.sequence.items.start[1]), "default_period",
				 &s->default_end, err)) != GCR_OK)
		return st;
	if (s->default_end <= s->default_start)
		return gcr_yread_error(y, v, "default_period", err, _("the end must be after the start"));
	OPT_STR(y, m, "default_option", s->default_option, err);
	if ((v = gcr_yread_get(y, m, "options"))) {
		if (!gcr_yread_is_seq(v))
			return gcr_yread_error(y, v, "options", err, _("expected a list"));
		FOR_ITEMS(y, v, on) {
			if (s->noptions >= GCR_CATALOG_MAX_OPTIONS)
				return gcr_yread_error(y, on, "options", err, _("too many options"));
			if ((st = read_option(y, on, &s->options[s->noptions], err)) != GCR_OK)
				return st;
			for (size_t i = 0; i < s->noptions; i++)
				if (strcmp(s->options[i].id, s->options[s->noptions].id) == 0)
					return gcr_yread_error(y, on, "id", err, _("duplicate option '%s'"),
							       s->options[i].id);
			s->noptions++;
		}
	}
	if (*s->default_option && !gcr_simulation_find_option(s, s->default_option))
		return gcr_yread_error(y, m, "default_option", err,
				       _("'%s' is not one of the simulation's options"), s->default_option);
	return GCR_OK;
}

static enum gcr_status read_met(struct gcr_yread *y, yaml_node_t *m, struct gcr_met *t,
				struct gcr_error *err)
{
	static const char *const keys[] = { "id", "label", "models", "levels", "no_span_date",
					    "scenarios", "gchp_grid", "gchp_gb_per_day",
					    "volume_basis", NULL };
	yaml_node_t *v;
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("met"), keys, err)) != GCR_OK)
		return st;
	memset(t, 0, sizeof *t);
	if ((st = req_str(y, m, "id", t->id, sizeof t->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "label", t->label, sizeof t->label, err)) != GCR_OK ||
	    (st = read_models(y, m, &t->classic, &t->gchp, err)) != GCR_OK)
		return st;
	if (!(v = gcr_yread_get(y, m, "levels")) || !gcr_yread_is_seq(v))
		return gcr_yread_error(y, v ? v : m, "levels", err, _("expected a list of level counts"));
	FOR_ITEMS(y, v, ln) {
		long l;
		if (t->nlevels >= GCR_CATALOG_MAX_LEVELS)
			return gcr_yread_error(y, ln, "levels", err, _("too many entries"));
		if ((st = gcr_yread_int(y, ln, "levels", 1, 200, &l, err)) != GCR_OK)
			return st;
		t->levels[t->nlevels++] = (int)l;
	}
	if (t->nlevels == 0)
		return gcr_yread_error(y, v, "levels", err, _("must not be empty"));
	t->default_levels = t->levels[0];
	if ((v = gcr_yread_get(y, m, "no_span_date")) &&
	    (st = gcr_yread_date(y, v, "no_span_date", &t->no_span_date, err)) != GCR_OK)
		return st;
	if ((v = gcr_yread_get(y, m, "scenarios")) &&
	    (st = read_id_list(y, v, "scenarios", t->scenarios, GCR_CATALOG_MAX_SCENARIOS,
			       &t->nscenarios, err)) != GCR_OK)
		return st;
	OPT_STR(y, m, "gchp_grid", t->gchp_grid, err);
	OPT_DOUBLE(y, m, "gchp_gb_per_day", 0, 1e5, &t->gchp_gb_per_day, err);
	OPT_STR(y, m, "volume_basis", t->volume_basis, err);
	if (t->gchp && t->gchp_gb_per_day <= 0)
		return gcr_yread_error(y, m, "gchp_gb_per_day", err, _("required for a met GCHP can use"));
	return GCR_OK;
}

static long box_columns(double lo0, double lo1, double dl)
{
	return lround((lo1 - lo0) / dl) + 1;
}

static enum gcr_status read_grid(struct gcr_yread *y, yaml_node_t *m, struct gcr_grid *g,
				 struct gcr_error *err)
{
	static const char *const keys[] = { "id", "label", "model", "dlat", "dlon", "columns",
					    "timesteps", "cs_res", "domains", NULL };
	static const char *const dkeys[] = { "id", "label", "lon", "lat", "columns", NULL };
	char model[GCR_ID_MAX];
	yaml_node_t *v;
	enum gcr_status st;
	long cols = 0;

	if ((st = gcr_yread_keys(y, m, _("grid"), keys, err)) != GCR_OK)
		return st;
	memset(g, 0, sizeof *g);
	if ((st = req_str(y, m, "id", g->id, sizeof g->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "label", g->label, sizeof g->label, err)) != GCR_OK ||
	    (st = req_str(y, m, "model", model, sizeof model, err)) != GCR_OK)
		return st;
	if (!gcr_model_from_id(model, &g->model) || g->model == GCR_MODEL_NONE)
		return gcr_yread_error(y, gcr_yread_get(y, m, "model"), "model", err,
				       _("'%s' is not a model (allowed: classic, gchp)"), model);
	if (!(v = gcr_yread_get(y, m, "timesteps")))
		return gcr_yread_error(y, m, "timesteps", err, _("missing (required)"));
	{
		double ts[2];
		if ((st = read_pair(y, v, "timesteps", 1, 86400, ts, err)) != GCR_OK)
			return st;
		g->transport_timestep_s = (int)ts[0];
		g->chemistry_timestep_s = (int)ts[1];
	}
	if (g->model == GCR_MODEL_GCHP) {
		OPT_INT(y, m, "cs_res", 0, 100000, &g->cs_res, err);
		if (g->cs_res < 12 || g->cs_res % 2)
			return gcr_yread_error(y, m, "cs_res", err,
					       _("a cubed-sphere grid needs an even cs_res of 12 or more"));
		g->columns = 6L * g->cs_res * g->cs_res;
		g->max_cores = gcr_gchp_max_cores(g->cs_res);
		return GCR_OK;
	}
	OPT_DOUBLE(y, m, "dlat", 0.001, 90, &g->dlat, err);
	OPT_DOUBLE(y, m, "dlon", 0.001, 180, &g->dlon, err);
	if (g->dlat <= 0 || g->dlon <= 0)
		return gcr_yread_error(y, m, "dlat", err, _("a lat-lon grid needs dlat and dlon"));
	if ((v = gcr_yread_get(y, m, "columns")) &&
	    (st = gcr_yread_int(y, v, "columns", 1, 100000000, &cols, err)) != GCR_OK)
		return st;
	g->columns = cols;
	if (g->columns <= 0)
		return gcr_yread_error(y, m, "columns", err, _("missing (required)"));
	if ((v = gcr_yread_get(y, m, "domains"))) {
		if (!gcr_yread_is_seq(v))
			return gcr_yread_error(y, v, "domains", err, _("expected a list"));
		FOR_ITEMS(y, v, dn) {
			struct gcr_domain *d = &g->domains[g->ndomains];
			yaml_node_t *lon, *lat, *dc;
			if (g->ndomains >= GCR_CATALOG_MAX_DOMAINS)
				return gcr_yread_error(y, dn, "domains", err, _("too many domains"));
			if ((st = gcr_yread_keys(y, dn, _("domain"), dkeys, err)) != GCR_OK ||
			    (st = req_str(y, dn, "id", d->id, sizeof d->id, err)) != GCR_OK ||
			    (st = req_str(y, dn, "label", d->label, sizeof d->label, err)) != GCR_OK)
				return st;
			lon = gcr_yread_get(y, dn, "lon");
			lat = gcr_yread_get(y, dn, "lat");
			dc = gcr_yread_get(y, dn, "columns");
			if (strcmp(d->id, "global") == 0) {
				d->columns = g->columns;
				d->lon_min = -180; d->lon_max = 180; d->lat_min = -90; d->lat_max = 90;
				d->box_known = true;
			} else if (lon && lat) {
				double a[2], b[2];
				if ((st = read_pair(y, lon, "lon", -180, 360, a, err)) != GCR_OK ||
				    (st = read_pair(y, lat, "lat", -90, 90, b, err)) != GCR_OK)
					return st;
				if (a[1] <= a[0] || b[1] <= b[0])
					return gcr_yread_error(y, lon, "lon", err, _("the box is empty"));
				d->lon_min = a[0]; d->lon_max = a[1]; d->lat_min = b[0]; d->lat_max = b[1];
				d->box_known = true;
				d->columns = box_columns(a[0], a[1], g->dlon) * box_columns(b[0], b[1], g->dlat);
			} else if (dc) {
				long c;
				if ((st = gcr_yread_int(y, dc, "columns", 1, 100000000, &c, err)) != GCR_OK)
					return st;
				d->columns = c;
			} else {
				return gcr_yread_error(y, dn, d->id, err,
						       _("a nested domain needs lon and lat, or columns"));
			}
			g->ndomains++;
		}
	}
	return GCR_OK;
}

static const struct gcr_grid *find_grid(const struct gcr_catalog *cat, const char *id);

static enum gcr_status read_met_grid(struct gcr_catalog *cat, struct gcr_yread *y, yaml_node_t *m,
				     struct gcr_met_grid *mg, struct gcr_error *err)
{
	static const char *const keys[] = { "met", "grid", "gb_per_year", "volume_derived", "basis",
					    "domains", "only_simulations", NULL };
	const struct gcr_grid *g;
	yaml_node_t *v;
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("met_grids entry"), keys, err)) != GCR_OK)
		return st;
	memset(mg, 0, sizeof *mg);
	if ((st = req_str(y, m, "met", mg->met, sizeof mg->met, err)) != GCR_OK ||
	    (st = req_str(y, m, "grid", mg->grid, sizeof mg->grid, err)) != GCR_OK)
		return st;
	if (!gcr_catalog_find_met(cat, mg->met))
		return gcr_yread_error(y, gcr_yread_get(y, m, "met"), "met", err, _("unknown met '%s'"), mg->met);
	if (!(g = find_grid(cat, mg->grid)) || g->model != GCR_MODEL_CLASSIC)
		return gcr_yread_error(y, gcr_yread_get(y, m, "grid"), "grid", err,
				       _("unknown GEOS-Chem Classic grid '%s'"), mg->grid);
	OPT_DOUBLE(y, m, "gb_per_year", 0, 1e7, &mg->gb_per_year, err);
	OPT_BOOL(y, m, "volume_derived", &mg->volume_derived, err);
	OPT_STR(y, m, "basis", mg->basis, err);
	if ((v = gcr_yread_get(y, m, "only_simulations")) &&
	    (st = read_id_list(y, v, "only_simulations", mg->only_simulations, GCR_CATALOG_MAX_ONLY,
			       &mg->nonly, err)) != GCR_OK)
		return st;
	for (size_t i = 0; i < mg->nonly; i++)
		if (!gcr_catalog_find_simulation(cat, mg->only_simulations[i]))
			return gcr_yread_error(y, v, "only_simulations", err, _("unknown simulation '%s'"),
					       mg->only_simulations[i]);
	if ((v = gcr_yread_get(y, m, "domains"))) {
		if (!gcr_yread_is_map(v))
			return gcr_yread_error(y, v, "domains", err, _("expected a mapping domain: GB per year"));
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *kn = gcr_yread_node(y, p->key);
			const char *id = gcr_yread_text(kn);
			if (mg->ndomains >= GCR_CATALOG_MAX_DOMAINS)
				return gcr_yread_error(y, kn, "domains", err, _("too many domains"));
			if (!id || !gcr_grid_find_domain(g, id))
				return gcr_yread_error(y, kn, "domains", err,
						       _("grid %s has no domain '%s'"), g->id, id ? id : "");
			snprintf(mg->domains[mg->ndomains], GCR_ID_MAX, "%s", id);
			if ((st = gcr_yread_double(y, gcr_yread_node(y, p->value), id, 0, 1e7,
						   &mg->domain_gb_per_year[mg->ndomains], err)) != GCR_OK)
				return st;
			mg->ndomains++;
		}
	} else {
		snprintf(mg->domains[0], GCR_ID_MAX, "global");
		mg->domain_gb_per_year[0] = mg->gb_per_year;
		mg->ndomains = 1;
	}
	return GCR_OK;
}

static enum gcr_status load_simulations(struct gcr_catalog *cat, const char *path,
					struct gcr_error *err)
{
	static const char *const keys[] = { "version", "simulations", "mets", "grids", "met_grids",
					    "other_inputs_gb", "s3_usd_per_gb_month", NULL };
	struct gcr_yread yr, *y = &yr;
	yaml_node_t *root, *seq;
	enum gcr_status st;

	if ((st = gcr_yread_file(y, path, err)) != GCR_OK)
		return st;
	root = gcr_yread_root(y);
	if ((st = gcr_yread_keys(y, root, "simulations.yaml", keys, err)) != GCR_OK)
		goto out;
	{
		yaml_node_t *v = gcr_yread_get(y, root, "version");
		if (v && (st = gcr_yread_str(y, v, "version", cat->version, sizeof cat->version, err)) != GCR_OK)
			goto out;
	}
	cat->sims = calloc(MAX_SIMS, sizeof *cat->sims);
	cat->mets = calloc(MAX_METS, sizeof *cat->mets);
	cat->grids = calloc(MAX_GRIDS, sizeof *cat->grids);
	cat->met_grids = calloc(MAX_MET_GRIDS, sizeof *cat->met_grids);
	if (!cat->sims || !cat->mets || !cat->grids || !cat->met_grids) {
		st = gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		goto out;
	}
#define READ_LIST(key, max, arr, n, fn, ...) \
	if (!(seq = req_seq(y, root, key, err))) { st = err->code; goto out; } \
	FOR_ITEMS(y, seq, node) { \
		if (cat->n >= max) { st = gcr_yread_error(y, node, key, err, _("too many entries")); goto out; } \
		if ((st = fn(__VA_ARGS__ y, node, &cat->arr[cat->n], err)) != GCR_OK) goto out; \
		for (size_t i_ = 0; i_ < cat->n; i_++) \
			if (strcmp(cat->arr[i_].id, cat->arr[cat->n].id) == 0) { \
				st = gcr_yread_error(y, node, "id", err, _("duplicate id '%s'"), cat->arr[i_].id); \
				goto out; } \
		cat->n++; \
	}
	READ_LIST("simulations", MAX_SIMS, sims, nsims, read_simulation)
	READ_LIST("mets", MAX_METS, mets, nmets, read_met)
	READ_LIST("grids", MAX_GRIDS, grids, ngrids, read_grid)
#undef READ_LIST
	if (!(seq = req_seq(y, root, "met_grids", err))) {
		st = err->code;
		goto out;
	}
	FOR_ITEMS(y, seq, node) {
		if (cat->nmet_grids >= MAX_MET_GRIDS) {
			st = gcr_yread_error(y, node, "met_grids", err, _("too many entries"));
			goto out;
		}
		if ((st = read_met_grid(cat, y, node, &cat->met_grids[cat->nmet_grids], err)) != GCR_OK)
			goto out;
		cat->nmet_grids++;
	}
	cat->other_inputs_gb = 100;
	cat->s3_usd_per_gb_month = 0.023;
	{
		yaml_node_t *v;
		if ((v = gcr_yread_get(y, root, "other_inputs_gb")) &&
		    (st = gcr_yread_double(y, v, "other_inputs_gb", 0, 1e6, &cat->other_inputs_gb, err)) != GCR_OK)
			goto out;
		if ((v = gcr_yread_get(y, root, "s3_usd_per_gb_month")) &&
		    (st = gcr_yread_double(y, v, "s3_usd_per_gb_month", 0, 10, &cat->s3_usd_per_gb_month, err)) != GCR_OK)
			goto out;
	}
	/* Cross-checks: GCHP mets name a grid we know or a lat-lon resolution. */
	for (size_t i = 0; i < cat->nsims; i++)
		if (!cat->sims[i].classic && !cat->sims[i].gchp) {
			st = gcr_error_set(err, GCR_ERR_INVALID, _("%s: simulation %s: no model offers it"),
					   path, cat->sims[i].id);
			goto out;
		}
out:
	gcr_yread_free(y);
	return st;
}

/* ---- instances.yaml ------------------------------------------------------ */

static enum gcr_status read_family(struct gcr_yread *y, yaml_node_t *m, struct gcr_cpu_family *f,
				   struct gcr_error *err)
{
	static const char *const keys[] = { "id", "label", "arch", "speed_prior", "sd", "basis",
					    "disputed", "no_container_image", "published_slowdown", NULL };
	char arch[GCR_ID_MAX];
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("family"), keys, err)) != GCR_OK)
		return st;
	memset(f, 0, sizeof *f);
	if ((st = req_str(y, m, "id", f->id, sizeof f->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "label", f->label, sizeof f->label, err)) != GCR_OK ||
	    (st = req_str(y, m, "arch", arch, sizeof arch, err)) != GCR_OK)
		return st;
	if (strcmp(arch, "x86_64") == 0)
		f->arch = GCR_ARCH_X86_64;
	else if (strcmp(arch, "arm64") == 0)
		f->arch = GCR_ARCH_ARM64;
	else
		return gcr_yread_error(y, gcr_yread_get(y, m, "arch"), "arch", err,
				       _("'%s' is not an architecture (allowed: x86_64, arm64)"), arch);
	f->speed_prior = 1.0;
	f->published_slowdown = 1.0;
	OPT_DOUBLE(y, m, "speed_prior", 0.01, 100, &f->speed_prior, err);
	OPT_DOUBLE(y, m, "sd", 0, 5, &f->speed_prior_sd, err);
	OPT_STR(y, m, "basis", f->basis, err);
	OPT_BOOL(y, m, "disputed", &f->disputed, err);
	OPT_BOOL(y, m, "no_container_image", &f->no_container_image, err);
	OPT_DOUBLE(y, m, "published_slowdown", 1, 1000, &f->published_slowdown, err);
	return GCR_OK;
}

static int region_index(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->nregions; i++)
		if (strcmp(cat->regions[i].id, id) == 0)
			return (int)i;
	return -1;
}

static enum gcr_status read_region(struct gcr_catalog *cat, struct gcr_yread *y, yaml_node_t *m,
				   struct gcr_region_block *r, struct gcr_error *err)
{
	static const char *const keys[] = { "id", "date", "source", "from", "multiplier", NULL };
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("region"), keys, err)) != GCR_OK)
		return st;
	memset(r, 0, sizeof *r);
	r->multiplier = 1.0;
	if ((st = req_str(y, m, "id", r->id, sizeof r->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "date", r->date, sizeof r->date, err)) != GCR_OK ||
	    (st = req_str(y, m, "source", r->source, sizeof r->source, err)) != GCR_OK)
		return st;
	OPT_STR(y, m, "from", r->from, err);
	OPT_DOUBLE(y, m, "multiplier", 0.1, 10, &r->multiplier, err);
	if (*r->from && region_index(cat, r->from) < 0)
		return gcr_yread_error(y, gcr_yread_get(y, m, "from"), "from", err,
				       _("'%s' is not a region listed before this one"), r->from);
	return GCR_OK;
}

static enum gcr_status read_instance(struct gcr_catalog *cat, struct gcr_yread *y, yaml_node_t *m,
				     struct gcr_instance_type *it, struct gcr_error *err)
{
	static const char *const keys[] = { "id", "family", "vcpus", "cores", "memory_gib",
					    "network_gbps", "efa", "spot_discount", "spot", "derive",
					    "not_offered", "ondemand", "price_source", NULL };
	char not_offered[GCR_CATALOG_MAX_REGIONS][GCR_ID_MAX];
	size_t nnot = 0;
	char price_source[GCR_TEXT_MAX] = "";
	bool derive = true;
	yaml_node_t *v, *od;
	enum gcr_status st;
	int fi;

	if ((st = gcr_yread_keys(y, m, _("instance"), keys, err)) != GCR_OK)
		return st;
	memset(it, 0, sizeof *it);
	if ((st = req_str(y, m, "id", it->id, sizeof it->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "family", it->family, sizeof it->family, err)) != GCR_OK)
		return st;
	if ((fi = gcr_catalog_family_index(cat, it->family)) < 0)
		return gcr_yread_error(y, gcr_yread_get(y, m, "family"), "family", err,
				       _("unknown family '%s'"), it->family);
	it->arch = cat->families[fi].arch;
	OPT_INT(y, m, "vcpus", 1, 100000, &it->vcpus, err);
	OPT_INT(y, m, "cores", 1, 100000, &it->cores, err);
	if (it->vcpus == 0 || it->cores == 0 || it->cores > it->vcpus)
		return gcr_yread_error(y, m, it->id, err,
				       _("vcpus and cores are required, with cores <= vcpus"));
	OPT_DOUBLE(y, m, "memory_gib", 0.5, 1e6, &it->memory_gib, err);
	if (it->memory_gib <= 0)
		return gcr_yread_error(y, m, "memory_gib", err, _("missing (required)"));
	OPT_DOUBLE(y, m, "network_gbps", 0, 10000, &it->network_gbps, err);
	OPT_BOOL(y, m, "efa", &it->efa, err);
	it->spot_available = true;
	OPT_BOOL(y, m, "spot", &it->spot_available, err);
	it->spot_discount = 0.6;
	OPT_DOUBLE(y, m, "spot_discount", 0, 0.95, &it->spot_discount, err);
	OPT_BOOL(y, m, "derive", &derive, err);
	OPT_STR(y, m, "price_source", price_source, err);
	if ((v = gcr_yread_get(y, m, "not_offered")) &&
	    (st = read_id_list(y, v, "not_offered", not_offered, GCR_CATALOG_MAX_REGIONS, &nnot, err)) != GCR_OK)
		return st;
	for (size_t i = 0; i < nnot; i++)
		if (region_index(cat, not_offered[i]) < 0)
			return gcr_yread_error(y, v, "not_offered", err, _("unknown region '%s'"), not_offered[i]);
	if (!(od = gcr_yread_get(y, m, "ondemand")) || !gcr_yread_is_map(od))
		return gcr_yread_error(y, od ? od : m, "ondemand", err,
				       _("expected a mapping region: USD per hour"));
	for (yaml_node_pair_t *p = od->data.mapping.pairs.start; p < od->data.mapping.pairs.top; p++) {
		const char *rid = gcr_yread_text(gcr_yread_node(y, p->key));
		if (!rid || region_index(cat, rid) < 0)
			return gcr_yread_error(y, gcr_yread_node(y, p->key), "ondemand", err,
					       _("unknown region '%s'"), rid ? rid : "");
	}

	/* One price slot per catalog region, in the regions' order. */
	for (size_t r = 0; r < cat->nregions; r++) {
		const struct gcr_region_block *rb = &cat->regions[r];
		struct gcr_price *pr = &it->prices[r];
		yaml_node_t *pv = gcr_yread_get(y, od, rb->id);
		bool no = false;

		snprintf(it->regions[r], GCR_ID_MAX, "%s", rb->id);
		pr->ondemand_usd_hour = pr->spot_usd_hour = -1;
		snprintf(pr->date, sizeof pr->date, "%s", rb->date);
		for (size_t i = 0; i < nnot; i++)
			no = no || strcmp(not_offered[i], rb->id) == 0;
		if (no) {
			pr->known = true;
			pr->offered = false;
			snprintf(pr->source, sizeof pr->source, "%s", *price_source ? price_source : rb->source);
		} else if (pv) {
			if ((st = gcr_yread_double(y, pv, rb->id, 0.0001, 1000, &pr->ondemand_usd_hour, err)) != GCR_OK)
				return st;
			pr->known = pr->offered = true;
			snprintf(pr->source, sizeof pr->source, "%s", *price_source ? price_source : rb->source);
		} else if (*rb->from && derive) {
			int b = region_index(cat, rb->from);
			const struct gcr_price *base = &it->prices[b];
			if (base->known && base->offered && base->ondemand_usd_hour > 0) {
				pr->known = pr->offered = pr->derived = true;
				pr->ondemand_usd_hour = base->ondemand_usd_hour * rb->multiplier;
				snprintf(pr->source, sizeof pr->source, "%s", rb->source);
			}
		}
	}
	it->nregions = cat->nregions;
	return GCR_OK;
}

static enum gcr_status load_instances(struct gcr_catalog *cat, const char *path,
				      struct gcr_error *err)
{
	static const char *const keys[] = { "families", "regions", "instances", NULL };
	struct gcr_yread yr, *y = &yr;
	yaml_node_t *root, *seq;
	enum gcr_status st;

	if ((st = gcr_yread_file(y, path, err)) != GCR_OK)
		return st;
	root = gcr_yread_root(y);
	if ((st = gcr_yread_keys(y, root, "instances.yaml", keys, err)) != GCR_OK)
		goto out;
	if (!(seq = req_seq(y, root, "families", err))) {
		st = err->code;
		goto out;
	}
	FOR_ITEMS(y, seq, node) {
		if (cat->nfamilies >= GCR_CATALOG_MAX_FAMILIES) {
			st = gcr_yread_error(y, node, "families", err, _("too many entries"));
			goto out;
		}
		if ((st = read_family(y, node, &cat->families[cat->nfamilies], err)) != GCR_OK)
			goto out;
		if (gcr_catalog_family_index(cat, cat->families[cat->nfamilies].id) >= 0) {
			st = gcr_yread_error(y, node, "id", err, _("duplicate id '%s'"),
					     cat->families[cat->nfamilies].id);
			goto out;
		}
		cat->nfamilies++;
	}
	if (gcr_catalog_family_index(cat, "skylake") < 0) {
		st = gcr_error_set(err, GCR_ERR_INVALID,
				   _("%s: families: the reference family 'skylake' is missing"), path);
		goto out;
	}
	if (!(seq = req_seq(y, root, "regions", err))) {
		st = err->code;
		goto out;
	}
	FOR_ITEMS(y, seq, node) {
		if (cat->nregions >= GCR_CATALOG_MAX_REGIONS) {
			st = gcr_yread_error(y, node, "regions", err, _("too many entries"));
			goto out;
		}
		if ((st = read_region(cat, y, node, &cat->regions[cat->nregions], err)) != GCR_OK)
			goto out;
		cat->nregions++;
	}
	if (!(seq = req_seq(y, root, "instances", err))) {
		st = err->code;
		goto out;
	}
	cat->instances = calloc(MAX_INSTANCES, sizeof *cat->instances);
	if (!cat->instances) {
		st = gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	FOR_ITEMS(y, seq, node) {
		if (cat->ninstances >= MAX_INSTANCES) {
			st = gcr_yread_error(y, node, "instances", err, _("too many entries"));
			goto out;
		}
		if ((st = read_instance(cat, y, node, &cat->instances[cat->ninstances], err)) != GCR_OK)
			goto out;
		if (gcr_catalog_find_instance(cat, cat->instances[cat->ninstances].id)) {
			st = gcr_yread_error(y, node, "id", err, _("duplicate id '%s'"),
					     cat->instances[cat->ninstances].id);
			goto out;
		}
		cat->ninstances++;
	}
out:
	gcr_yread_free(y);
	return st;
}

/* ---- benchmarks.yaml and measurements.yaml --------------------------------- */

void gcr_catalog_append_benchmark(struct gcr_catalog *cat, const struct gcr_benchmark *b)
{
	if (cat->nbenchmarks == cat->bench_cap) {
		size_t cap = cat->bench_cap ? cat->bench_cap * 2 : 64;
		struct gcr_benchmark *nb = realloc(cat->benchmarks, cap * sizeof *nb);
		struct gcr_bench_fit *nf = realloc(cat->bench_fit, cap * sizeof *nf);
		if (!nb || !nf)
			abort();
		cat->benchmarks = nb;
		cat->bench_fit = nf;
		cat->bench_cap = cap;
	}
	cat->benchmarks[cat->nbenchmarks] = *b;
	memset(&cat->bench_fit[cat->nbenchmarks], 0, sizeof cat->bench_fit[0]);
	cat->nbenchmarks++;
}

static enum gcr_status parse_timestamp(struct gcr_yread *y, yaml_node_t *v, time_t *out,
				       struct gcr_error *err)
{
	const char *s = gcr_yread_text(v);
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof tm);
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || (*end && strcmp(end, "Z") != 0))
		return gcr_yread_error(y, v, "timestamp", err,
				       _("expected a UTC time YYYY-MM-DDTHH:MM:SSZ, got '%s'"), s ? s : "");
	*out = timegm(&tm);
	return GCR_OK;
}

static enum gcr_status read_benchmark(struct gcr_catalog *cat, struct gcr_yread *y, yaml_node_t *m,
				      bool user, struct gcr_benchmark *b, struct gcr_error *err)
{
	static const char *const keys[] = {
		"id", "citation", "version", "model", "simulation", "option", "met", "grid", "domain",
		"levels", "instance_type", "hardware", "family", "network", "nodes", "cores_per_node",
		"threads_per_node", "simulated_days", "wall_seconds", "throughput_days_per_day",
		"input_seconds", "input_seconds_per_day", "memory_gib", "node_memory_gib",
		"out_of_memory", "group", "relative", "weight", "use", "note", "configuration_type",
		"cost_per_sim_day", "cpu_efficiency", "timestamp", "data_source", NULL };
	const struct gcr_instance_type *it;
	char model[GCR_ID_MAX], use[GCR_ID_MAX] = "fit";
	double input_total = 0, input_day = 0;
	yaml_node_t *v;
	enum gcr_status st;

	if ((st = gcr_yread_keys(y, m, _("benchmark"), keys, err)) != GCR_OK)
		return st;
	memset(b, 0, sizeof *b);
	b->line = gcr_yread_line(m);
	b->user = user;
	b->weight = user ? GCR_USER_MEASUREMENT_WEIGHT : 1.0;
	b->nodes = 1;
	if ((st = req_str(y, m, "id", b->id, sizeof b->id, err)) != GCR_OK ||
	    (st = req_str(y, m, "model", model, sizeof model, err)) != GCR_OK ||
	    (st = req_str(y, m, "simulation", b->simulation, sizeof b->simulation, err)) != GCR_OK)
		return st;
	if (!gcr_model_from_id(model, &b->model) || b->model == GCR_MODEL_NONE)
		return gcr_yread_error(y, gcr_yread_get(y, m, "model"), "model", err,
				       _("'%s' is not a model (allowed: classic, gchp)"), model);
	OPT_STR(y, m, "citation", b->citation, err);
	OPT_STR(y, m, "version", b->version, err);
	OPT_STR(y, m, "option", b->option, err);
	OPT_STR(y, m, "met", b->met, err);
	OPT_STR(y, m, "grid", b->grid, err);
	OPT_STR(y, m, "domain", b->domain, err);
	OPT_INT(y, m, "levels", 1, 200, &b->levels, err);
	OPT_STR(y, m, "instance_type", b->instance_type, err);
	OPT_STR(y, m, "hardware", b->hardware, err);
	OPT_STR(y, m, "family", b->family, err);
	OPT_STR(y, m, "network", b->network, err);
	OPT_INT(y, m, "nodes", 1, 1000000, &b->nodes, err);
	OPT_INT(y, m, "cores_per_node", 1, 1000000, &b->cores_per_node, err);
	OPT_INT(y, m, "threads_per_node", 1, 1000000, &b->threads_per_node, err);
	OPT_INT(y, m, "simulated_days", 1, 1000000, &b->simulated_days, err);
	OPT_DOUBLE(y, m, "wall_seconds", 1, 1e10, &b->wall_seconds, err);
	OPT_DOUBLE(y, m, "throughput_days_per_day", 1e-6, 1e9, &b->throughput_days_per_day, err);
	OPT_DOUBLE(y, m, "input_seconds", 0, 1e10, &input_total, err);
	OPT_DOUBLE(y, m, "input_seconds_per_day", 0, 1e8, &input_day, err);
	OPT_DOUBLE(y, m, "memory_gib", 0, 1e6, &b->memory_gib, err);
	OPT_DOUBLE(y, m, "node_memory_gib", 0, 1e6, &b->node_memory_gib, err);
	OPT_BOOL(y, m, "out_of_memory", &b->out_of_memory, err);
	OPT_STR(y, m, "group", b->group, err);
	OPT_BOOL(y, m, "relative", &b->relative, err);
	OPT_DOUBLE(y, m, "weight", 0, 100, &b->weight, err);
	OPT_STR(y, m, "use", use, err);
	OPT_STR(y, m, "note", b->note, err);
	OPT_STR(y, m, "configuration_type", b->configuration_type, err);
	OPT_DOUBLE(y, m, "cost_per_sim_day", 0, 1e9, &b->cost_per_sim_day, err);
	OPT_DOUBLE(y, m, "cpu_efficiency", 0, 1, &b->cpu_efficiency, err);
	OPT_STR(y, m, "data_source", b->data_source, err);
	if ((v = gcr_yread_get(y, m, "timestamp")) && (st = parse_timestamp(y, v, &b->timestamp, err)) != GCR_OK)
		return st;
	if (!*b->data_source)
		snprintf(b->data_source, sizeof b->data_source, "%s", user ? "user-run" : "published");

	if (strcmp(use, "fit") == 0)
		b->use = GCR_BENCH_FIT;
	else if (strcmp(use, "disputed") == 0)
		b->use = GCR_BENCH_DISPUTED;
	else if (strcmp(use, "excluded") == 0)
		b->use = GCR_BENCH_EXCLUDED;
	else
		return gcr_yread_error(y, gcr_yread_get(y, m, "use"), "use", err,
				       _("'%s' is not allowed (allowed: fit, disputed, excluded)"), use);

	it = *b->instance_type ? gcr_catalog_find_instance(cat, b->instance_type) : NULL;
	if (!*b->family) {
		if (!it)
			return gcr_yread_error(y, m, "family", err,
					       _("needed when instance_type is not a catalog type"));
		snprintf(b->family, sizeof b->family, "%s", it->family);
	}
	if (gcr_catalog_family_index(cat, b->family) < 0)
		return gcr_yread_error(y, gcr_yread_get(y, m, "family"), "family", err,
				       _("unknown family '%s'"), b->family);
	if (b->cores_per_node == 0) {
		if (!it)
			return gcr_yread_error(y, m, "cores_per_node", err, _("missing (required)"));
		b->cores_per_node = it->cores;
	}
	if (b->threads_per_node == 0)
		b->threads_per_node = (b->model == GCR_MODEL_CLASSIC && it) ? it->vcpus : b->cores_per_node;
	if (!*b->network && b->nodes > 1)
		snprintf(b->network, sizeof b->network, "%s", it && it->efa ? "efa" : "tcp");
	if (b->node_memory_gib == 0 && it)
		b->node_memory_gib = it->memory_gib;
	if (b->levels == 0)
		b->levels = b->model == GCR_MODEL_GCHP ? 72 :
			(gcr_catalog_find_met(cat, b->met) ? gcr_catalog_find_met(cat, b->met)->default_levels : 72);
	if (b->wall_seconds > 0) {
		if (b->simulated_days == 0)
			return gcr_yread_error(y, m, "simulated_days", err, _("needed with wall_seconds"));
		b->throughput_days_per_day = b->simulated_days * 86400.0 / b->wall_seconds;
	}
	if (input_total > 0 && b->simulated_days > 0)
		b->input_seconds_per_day = input_total / b->simulated_days;
	else if (input_day > 0)
		b->input_seconds_per_day = input_day;
	if (b->throughput_days_per_day <= 0 && b->memory_gib <= 0 && !b->out_of_memory)
		return gcr_yread_error(y, m, b->id, err,
				       _("a record needs a result: wall_seconds, throughput_days_per_day, "
					 "memory_gib or out_of_memory"));
	if (b->relative && !*b->group)
		return gcr_yread_error(y, m, "group", err, _("a relative record needs a group"));
	if (!*b->configuration_type) {
		struct gcr_spec s;
		gcr_spec_init(&s);
		s.model = b->model;
		snprintf(s.simulation, sizeof s.simulation, "%s", b->simulation);
		snprintf(s.option, sizeof s.option, "%s", b->option);
		snprintf(s.met, sizeof s.met, "%s", b->met);
		snprintf(s.grid, sizeof s.grid, "%s", b->grid);
		snprintf(s.domain, sizeof s.domain, "%s", b->domain);
		s.levels = b->levels;
		gcr_configuration_type(&s, b->configuration_type, sizeof b->configuration_type);
	}
	return GCR_OK;
}

enum gcr_status gcr_catalog_read_benchmarks(struct gcr_catalog *cat, struct gcr_yread *y,
					    const char *listkey, bool user, struct gcr_error *err)
{
	const char *const keys[] = { listkey, NULL };
	yaml_node_t *root = gcr_yread_root(y), *seq;
	enum gcr_status st;

	if (!root)
		return GCR_OK;  /* an empty file */
	if ((st = gcr_yread_keys(y, root, listkey, keys, err)) != GCR_OK)
		return st;
	if (!(seq = gcr_yread_get(y, root, listkey)))
		return GCR_OK;
	if (!gcr_yread_is_seq(seq))
		return gcr_yread_error(y, seq, listkey, err, _("expected a list"));
	FOR_ITEMS(y, seq, node) {
		struct gcr_benchmark b;
		if ((st = read_benchmark(cat, y, node, user, &b, err)) != GCR_OK)
			return st;
		gcr_catalog_append_benchmark(cat, &b);
	}
	return GCR_OK;
}

/* ---- loading ------------------------------------------------------------- */

static char *data_path(const char *dir, const char *name)
{
	return gcr_strdup_printf("%s/%s", dir, name);
}

enum gcr_status gcr_catalog_load(const char *datadir, struct gcr_catalog **out,
				 struct gcr_error *err)
{
	struct gcr_catalog *cat = calloc(1, sizeof *cat);
	char *dir = datadir ? NULL : gcr_dir(GCR_DIR_DATA);
	const char *d = datadir ? datadir : dir;
	enum gcr_status st = GCR_OK;
	char *path = NULL;

	*out = NULL;
	if (!cat) {
		free(dir);
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	}
	if (!d) {
		free(cat);
		return gcr_error_set(err, GCR_ERR_IO, _("cannot find the data directory"));
	}
	snprintf(cat->datadir, sizeof cat->datadir, "%s", d);

	path = data_path(d, "simulations.yaml");
	st = load_simulations(cat, path, err);
	free(path);
	if (st == GCR_OK) {
		path = data_path(d, "instances.yaml");
		st = load_instances(cat, path, err);
		free(path);
	}
	if (st == GCR_OK) {
		struct gcr_yread y;
		path = data_path(d, "benchmarks.yaml");
		st = gcr_yread_file(&y, path, err);
		if (st == GCR_OK) {
			st = gcr_catalog_read_benchmarks(cat, &y, "benchmarks", false, err);
			gcr_yread_free(&y);
		}
		free(path);
	}
	if (st == GCR_OK) {
		/* The user's files: a broken one is reported, the catalog still
		 * loads without it (estimates must not stop working). */
		char *mpath = gcr_path(GCR_DIR_STATE, GCR_MEASUREMENTS_NAME);
		char *ppath = gcr_path(GCR_DIR_CACHE, GCR_PRICES_CACHE_NAME);
		struct gcr_error uerr;
		bool applied;
		if (mpath && gcr_catalog_load_measurements(cat, mpath, &uerr) != GCR_OK)
			gcr_log_debug("catalog: ignoring measurements: %s", uerr.message);
		if (ppath && gcr_catalog_load_prices(cat, ppath, time(NULL), GCR_PRICES_MAX_AGE,
						     &applied, &uerr) != GCR_OK)
			gcr_log_debug("catalog: ignoring the price cache: %s", uerr.message);
		free(mpath);
		free(ppath);
		st = gcr_estimate_calibrate(cat, err);
	}
	free(dir);
	if (st != GCR_OK) {
		gcr_catalog_free(cat);
		return st;
	}
	*out = cat;
	return GCR_OK;
}

void gcr_catalog_free(struct gcr_catalog *cat)
{
	if (!cat)
		return;
	free(cat->sims);
	free(cat->mets);
	free(cat->grids);
	free(cat->met_grids);
	free(cat->instances);
	free(cat->benchmarks);
	free(cat->bench_fit);
	free(cat);
}

/* ---- accessors ------------------------------------------------------------- */

size_t gcr_catalog_nsimulations(const struct gcr_catalog *cat) { return cat->nsims; }
const struct gcr_simulation *gcr_catalog_simulation(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->nsims ? &cat->sims[i] : NULL;
}
size_t gcr_catalog_nmets(const struct gcr_catalog *cat) { return cat->nmets; }
const struct gcr_met *gcr_catalog_met(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->nmets ? &cat->mets[i] : NULL;
}
size_t gcr_catalog_ngrids(const struct gcr_catalog *cat) { return cat->ngrids; }
const struct gcr_grid *gcr_catalog_grid(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->ngrids ? &cat->grids[i] : NULL;
}
size_t gcr_catalog_nfamilies(const struct gcr_catalog *cat) { return cat->nfamilies; }
const struct gcr_cpu_family *gcr_catalog_family(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->nfamilies ? &cat->families[i] : NULL;
}
size_t gcr_catalog_ninstances(const struct gcr_catalog *cat) { return cat->ninstances; }
const struct gcr_instance_type *gcr_catalog_instance(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->ninstances ? &cat->instances[i] : NULL;
}
size_t gcr_catalog_nregions(const struct gcr_catalog *cat) { return cat->nregions; }
const char *gcr_catalog_region(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->nregions ? cat->regions[i].id : NULL;
}
size_t gcr_catalog_nbenchmarks(const struct gcr_catalog *cat) { return cat->nbenchmarks; }
const struct gcr_benchmark *gcr_catalog_benchmark(const struct gcr_catalog *cat, size_t i)
{
	return i < cat->nbenchmarks ? &cat->benchmarks[i] : NULL;
}

const struct gcr_simulation *gcr_catalog_find_simulation(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; id && i < cat->nsims; i++)
		if (strcmp(cat->sims[i].id, id) == 0)
			return &cat->sims[i];
	return NULL;
}

const struct gcr_sim_option *gcr_simulation_find_option(const struct gcr_simulation *sim, const char *id)
{
	for (size_t i = 0; sim && id && i < sim->noptions; i++)
		if (strcmp(sim->options[i].id, id) == 0)
			return &sim->options[i];
	return NULL;
}

const struct gcr_met *gcr_catalog_find_met(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; id && i < cat->nmets; i++)
		if (strcmp(cat->mets[i].id, id) == 0)
			return &cat->mets[i];
	return NULL;
}

static const struct gcr_grid *find_grid(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; id && i < cat->ngrids; i++)
		if (strcmp(cat->grids[i].id, id) == 0)
			return &cat->grids[i];
	return NULL;
}

const struct gcr_grid *gcr_catalog_find_grid(const struct gcr_catalog *cat, const char *id)
{
	return find_grid(cat, id);
}

const struct gcr_domain *gcr_grid_find_domain(const struct gcr_grid *grid, const char *id)
{
	for (size_t i = 0; grid && id && i < grid->ndomains; i++)
		if (strcmp(grid->domains[i].id, id) == 0)
			return &grid->domains[i];
	return NULL;
}

const struct gcr_met_grid *gcr_catalog_met_grid(const struct gcr_catalog *cat, const char *met,
						const char *grid)
{
	for (size_t i = 0; met && grid && i < cat->nmet_grids; i++)
		if (strcmp(cat->met_grids[i].met, met) == 0 && strcmp(cat->met_grids[i].grid, grid) == 0)
			return &cat->met_grids[i];
	return NULL;
}

int gcr_catalog_family_index(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; id && i < cat->nfamilies; i++)
		if (strcmp(cat->families[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct gcr_cpu_family *gcr_catalog_find_family(const struct gcr_catalog *cat, const char *id)
{
	int i = gcr_catalog_family_index(cat, id);
	return i < 0 ? NULL : &cat->families[i];
}

const struct gcr_instance_type *gcr_catalog_find_instance(const struct gcr_catalog *cat, const char *id)
{
	for (size_t i = 0; id && i < cat->ninstances; i++)
		if (strcmp(cat->instances[i].id, id) == 0)
			return &cat->instances[i];
	return NULL;
}
