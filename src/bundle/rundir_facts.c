/* rundir_facts.c: the decisions GEOS-Chem's createRunDir.sh makes, as data.
 *
 * Grid names, nested-domain boxes, timesteps, the switches each simulation
 * option turns on, and the default periods that match the shipped restart
 * files all come from run/GCClassic/createRunDir.sh and run/shared/settings/
 * of GEOS-Chem 14.x (see GCR_BUNDLE_TEMPLATE_VERSION).  gcr_rundir_resolve
 * applies them to a spec once, so every generator sees the same answers. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bundle/bundle_internal.h"
#include "i18n.h"
#include "paths.h"
#include "yamlread.h"

struct ll_grid {
	const char *id;         /* spec id */
	const char *res_long;   /* geoschem_config.yml grid.resolution */
	const char *dir;        /* GEOS_<dir> input folder */
	bool fine;              /* nested domains possible */
};

static const struct ll_grid ll_grids[] = {
	{ "4x5", "4.0x5.0", "4x5", false },
	{ "2x2.5", "2.0x2.5", "2x2.5", false },
	{ "0.5x0.625", "0.5x0.625", "0.5x0.625", true },
	{ "0.25x0.3125", "0.25x0.3125", "0.25x0.3125", true },
	{ "0.125x0.15625", "0.125x0.15625", "0.125x0.15625", true },
};

struct met {
	const char *id;
	const char *met_field;  /* geoschem_config.yml simulation.met_field */
	const char *dir;        /* GEOS_<grid>/<dir> */
};

static const struct met mets[] = {
	{ "merra2", "MERRA2", "MERRA2" },
	{ "geosfp", "GEOSFP", "GEOS_FP" },
	{ "geosit", "GEOSIT", "GEOS_IT" },
	{ "gcap2", "ModelE2.1", "GCAP2" },
};

/* Nested boxes fixed in createRunDir.sh ([lon], [lat]); 0.125 uses the 0.25
 * boxes.  Other domains have no box in the templates gcrunner follows. */
struct box {
	const char *grid;
	const char *domain;
	double lon[2], lat[2];
};

static const struct box boxes[] = {
	{ "0.5x0.625", "AS", { 60.0, 150.0 }, { -11.0, 55.0 } },
	{ "0.5x0.625", "EU", { -30.0, 50.0 }, { 30.0, 70.0 } },
	{ "0.5x0.625", "NA", { -140.0, -40.0 }, { 10.0, 70.0 } },
	{ "0.25x0.3125", "AS", { 70.0, 140.0 }, { 15.0, 55.0 } },
	{ "0.25x0.3125", "EU", { -15.0, 40.0 }, { 32.75, 61.25 } },
	{ "0.25x0.3125", "NA", { -130.0, -60.0 }, { 9.75, 60.0 } },
	{ "0.125x0.15625", "AS", { 70.0, 140.0 }, { 15.0, 55.0 } },
	{ "0.125x0.15625", "EU", { -15.0, 40.0 }, { 32.75, 61.25 } },
	{ "0.125x0.15625", "NA", { -130.0, -60.0 }, { 9.75, 60.0 } },
};

/* Option ids as the wizard and spec files may spell them -> GEOS-Chem's. */
struct option_name {
	const char *sim;
	const char *id;
	const char *gc;
};

static const struct option_name options[] = {
	{ "fullchem", "standard", "none" },
	{ "fullchem", "benchmark", "benchmark" },
	{ "fullchem", "complexSOA", "complexSOA" },
	{ "fullchem", "complexSOA_SVPOA", "complexSOA_SVPOA" },
	{ "fullchem", "complexSOA-SVPOA", "complexSOA_SVPOA" },
	{ "fullchem", "marinePOA", "marinePOA" },
	{ "fullchem", "aciduptake", "aciduptake" },
	{ "fullchem", "TOMAS15", "TOMAS15" },
	{ "fullchem", "TOMAS40", "TOMAS40" },
	{ "fullchem", "APM", "APM" },
	{ "fullchem", "RRTMG", "RRTMG" },
	{ "carbon", "all", "none" },
	{ "carbon", "CH4", "CH4" },
	{ "carbon", "CO2", "CO2" },
	{ "carbon", "CO", "CO" },
	{ "carbon", "OCS", "OCS" },
	{ "POPs", "BaP", "BaP" },
	{ "POPs", "PHE", "PHE" },
	{ "POPs", "PYR", "PYR" },
};

static const char *const simulations[] = {
	"fullchem", "aerosol", "carbon", "Hg", "POPs", "tagO3",
	"TransportTracers", "metals", NULL,
};

const char *gcr_rundir_template_version(const struct gcr_rundir *r)
{
	return r->gchp ? GCR_BUNDLE_GCHP_TEMPLATE_VERSION : GCR_BUNDLE_TEMPLATE_VERSION;
}

int gcr_rundir_cs_res(const char *grid)
{
	char *end;
	long n;

	if (!grid || (grid[0] != 'C' && grid[0] != 'c') || !isdigit((unsigned char)grid[1]))
		return 0;
	n = strtol(grid + 1, &end, 10);
	if (*end || n <= 0 || n > 100000)
		return 0;
	return (int)n;
}

const char *gcr_rundir_history_frequency(const char *freq)
{
	if (!freq || !*freq || strcasecmp(freq, "monthly") == 0)
		return "00000100 000000";
	if (strcasecmp(freq, "daily") == 0)
		return "00000001 000000";
	if (strcasecmp(freq, "hourly") == 0)
		return "00000000 010000";
	if (strcasecmp(freq, "end") == 0)
		return "End";
	return NULL;
}

const char *gcr_rundir_history_duration(const char *freq)
{
	if (freq && strcasecmp(freq, "hourly") == 0)
		return "00000001 000000";
	return gcr_rundir_history_frequency(freq);
}

/* Civil-date arithmetic on YYYYMMDD through timegm, which normalises days. */
static int add_days(int yyyymmdd, int days)
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = yyyymmdd / 10000 - 1900;
	tm.tm_mon = yyyymmdd / 100 % 100 - 1;
	tm.tm_mday = yyyymmdd % 100 + days;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int add_month(int yyyymmdd)
{
	int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;

	if (++m > 12) {
		m = 1;
		y++;
	}
	return y * 10000 + m * 100 + d;
}

/* createRunDir.sh's start dates: they match the shipped restart files. */
static int default_start(const char *sim, const char *grid_id, bool gcap2,
			 const char *scenario)
{
	if (gcap2)
		return (!scenario || !*scenario || strncasecmp(scenario, "hist", 4) == 0)
		       ? 20050701 : 20900701;
	if (grid_id && strcmp(grid_id, "0.125x0.15625") == 0)
		return 20230101;
	if (strcmp(sim, "Hg") == 0 || strcmp(sim, "carbon") == 0 ||
	    strcmp(sim, "TransportTracers") == 0)
		return 20190101;
	if (strcmp(sim, "metals") == 0)
		return 20110101;
	return 20190701;
}

static const char *find_sim(const char *id)
{
	for (size_t i = 0; simulations[i]; i++)
		if (strcasecmp(simulations[i], id) == 0)
			return simulations[i];
	return NULL;
}

static const char *allowed_options(const char *sim, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		if (strcmp(options[i].sim, sim) != 0 || strchr(options[i].id, '-'))
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? ", " : "", options[i].id);
	}
	return buf;
}

static enum gcr_status resolve_sim(struct gcr_rundir *r, const struct gcr_spec *s,
				   struct gcr_error *err)
{
	const char *opt = s->option;
	char allowed[256];

	/* Before 14.7, CH4, CO2 and tagged CO were simulations of their own;
	 * 14.7 made them single-species options of Carbon. */
	if (strcasecmp(s->simulation, "CH4") == 0 || strcasecmp(s->simulation, "CO2") == 0 ||
	    strcasecmp(s->simulation, "tagCO") == 0) {
		r->sim = "carbon";
		r->option = strcasecmp(s->simulation, "CH4") == 0 ? "CH4"
			    : strcasecmp(s->simulation, "CO2") == 0 ? "CO2" : "CO";
		return GCR_OK;
	}
	r->sim = find_sim(s->simulation);
	if (!r->sim)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("unknown simulation '%s' (allowed: fullchem, aerosol, carbon, "
				       "Hg, POPs, tagO3, TransportTracers, metals)"),
				     s->simulation);
	if (!*opt || strcasecmp(opt, "none") == 0 || strcasecmp(opt, "default") == 0) {
		r->option = strcmp(r->sim, "POPs") == 0 ? "BaP" : "none";
		return GCR_OK;
	}
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		if (strcmp(options[i].sim, r->sim) == 0 && strcasecmp(options[i].id, opt) == 0) {
			r->option = options[i].gc;
			return GCR_OK;
		}
	}
	allowed_options(r->sim, allowed, sizeof allowed);
	if (!*allowed)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("simulation %s has no option '%s'"), r->sim, opt);
	return gcr_error_set(err, GCR_ERR_INVALID,
			     _("simulation %s has no option '%s' (allowed: %s)"),
			     r->sim, opt, allowed);
}

const char *gcr_rundir_simulation(const struct gcr_spec *s)
{
	struct gcr_rundir r;
	struct gcr_error err;

	memset(&r, 0, sizeof r);
	resolve_sim(&r, s, &err);   /* the simulation is known before the option is checked */
	return r.sim;
}

static void derive_switches(struct gcr_rundir *r)
{
	const char *o = r->option;

	r->benchmark = strcmp(o, "benchmark") == 0;
	r->complex_soa = r->benchmark || strncmp(o, "complexSOA", 10) == 0 || strcmp(o, "APM") == 0;
	r->svpoa = strcmp(o, "complexSOA_SVPOA") == 0;
	r->acid_uptake = strcmp(o, "aciduptake") == 0;
	r->marine_poa = strcmp(o, "marinePOA") == 0;
	r->rrtmg = strcmp(o, "RRTMG") == 0;
	r->tomas = strncmp(o, "TOMAS", 5) == 0;
	r->apm = strcmp(o, "APM") == 0;
	/* TOMAS runs without non-local PBL mixing and online O3 (createRunDir.sh). */
	r->nlpbl = !r->tomas;
	r->online_o3 = !r->tomas;
	r->timers = r->benchmark;
	r->carbon_species = NULL;
	if (strcmp(r->sim, "carbon") == 0 && strcmp(o, "none") != 0)
		r->carbon_species = o;
}

static enum gcr_status resolve_grid(struct gcr_rundir *r, const struct gcr_spec *s,
				    struct gcr_error *err)
{
	const struct ll_grid *g = NULL;
	const char *domain = *s->domain ? s->domain : "global";

	if (r->gchp) {
		r->cs_res = gcr_rundir_cs_res(s->grid);
		if (!r->cs_res)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("GCHP needs a cubed-sphere grid such as C24, C48, C90, "
					       "C180, C360 or C720, not '%s'"), s->grid);
		/* GCHP's setCommonRunSettings.sh: 1200/600 s below C180, 600/300 s from C180. */
		r->chemistry_ts = r->cs_res < 180 ? 1200 : 600;
		r->transport_ts = r->cs_res < 180 ? 600 : 300;
		r->levels = 72;
		return GCR_OK;
	}
	for (size_t i = 0; i < sizeof ll_grids / sizeof ll_grids[0]; i++)
		if (strcmp(ll_grids[i].id, s->grid) == 0)
			g = &ll_grids[i];
	if (!g)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("GEOS-Chem Classic has no grid '%s' (allowed: 4x5, 2x2.5, "
				       "0.5x0.625, 0.25x0.3125, 0.125x0.15625)"), s->grid);
	r->res_long = g->res_long;
	r->grid_dir = g->dir;
	r->nested = strcasecmp(domain, "global") != 0;
	if (r->nested) {
		const struct box *b = NULL;
		if (!g->fine)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("nested domain %s needs a fine grid (0.5x0.625 or finer), "
					       "not %s"), domain, s->grid);
		for (size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++)
			if (strcmp(boxes[i].grid, g->id) == 0 && strcasecmp(boxes[i].domain, domain) == 0)
				b = &boxes[i];
		if (!b)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("no domain box for %s at %s in the GEOS-Chem %s templates "
					       "(known: AS, EU, NA, or global); export a global run and "
					       "set grid.longitude/latitude ranges by hand"),
					     domain, s->grid, GCR_BUNDLE_TEMPLATE_VERSION);
		memcpy(r->lon, b->lon, sizeof r->lon);
		memcpy(r->lat, b->lat, sizeof r->lat);
		r->half_polar = false;
	} else {
		r->lon[0] = -180.0;
		r->lon[1] = 180.0;
		r->lat[0] = -90.0;
		r->lat[1] = 90.0;
		/* GCAP 2.0 has half-sized polar boxes only at 4x5. */
		r->half_polar = !r->gcap2 || strcmp(g->id, "4x5") == 0;
	}
	/* GISS native 2x2.5 has the date line at an edge; everything else centres it. */
	r->center_180 = !(r->gcap2 && strcmp(g->id, "2x2.5") == 0);
	if (strcmp(g->id, "0.125x0.15625") == 0) {
		r->transport_ts = 150;
		r->chemistry_ts = 300;
	} else if (g->fine) {
		r->transport_ts = 300;
		r->chemistry_ts = 600;
	} else if (r->tomas) {
		r->transport_ts = 1800;
		r->chemistry_ts = 3600;
	} else {
		r->transport_ts = 600;
		r->chemistry_ts = 1200;
	}
	r->levels = s->levels > 0 ? s->levels : (r->gcap2 ? 40 : 72);
	if (r->levels != 72 && r->levels != 47 && r->levels != 40)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%d levels is not a GEOS-Chem vertical grid (allowed: 72, 47; "
				       "40 for GCAP 2.0)"), r->levels);
	return GCR_OK;
}

enum gcr_status gcr_rundir_resolve(struct gcr_rundir *r, const struct gcr_spec *s,
				   const struct gcr_bundle_options *opts,
				   struct gcr_error *err)
{
	static const struct gcr_bundle_options no_opts;
	const struct met *m = NULL;
	enum gcr_status st;

	memset(r, 0, sizeof *r);
	r->spec = s;
	r->opts = opts ? opts : &no_opts;
	r->gchp = s->model == GCR_MODEL_GCHP;
	if (s->model == GCR_MODEL_NONE)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("no model chosen (allowed: classic, gchp)"));
	st = resolve_sim(r, s, err);
	if (st != GCR_OK)
		return st;
	derive_switches(r);
	for (size_t i = 0; i < sizeof mets / sizeof mets[0]; i++)
		if (strcasecmp(mets[i].id, s->met) == 0)
			m = &mets[i];
	if (!m)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("unknown meteorology '%s' (allowed: merra2, geosfp, geosit, gcap2)"),
				     s->met);
	r->met_field = m->met_field;
	r->met_dir = m->dir;
	r->gcap2 = strcmp(m->id, "gcap2") == 0;
	/* GCHP's createRunDir.sh offers fewer simulations and no GCAP 2.0. */
	if (r->gchp && strcmp(r->sim, "fullchem") != 0 && strcmp(r->sim, "TransportTracers") != 0 &&
	    strcmp(r->sim, "carbon") != 0 && strcmp(r->sim, "tagO3") != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("GCHP has no %s simulation (allowed: fullchem, TransportTracers, "
				       "carbon, tagO3)"), r->sim);
	if (r->gchp && r->gcap2)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("GCHP cannot use GCAP 2.0 meteorology (allowed: merra2, geosfp, "
				       "geosit)"));
	st = resolve_grid(r, s, err);
	if (st != GCR_OK)
		return st;

	r->start_date = s->start_date > 0 ? s->start_date
			: default_start(r->sim, r->gchp ? NULL : s->grid, r->gcap2, s->scenario);
	if (s->end_date > 0)
		r->end_date = s->end_date;
	else if (s->days > 0)
		r->end_date = add_days(r->start_date, s->days);
	else
		r->end_date = add_month(r->start_date);
	if (r->end_date <= r->start_date)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the run ends (%d) before it starts (%d)"),
				     r->end_date, r->start_date);

	r->frequency = *s->output_frequency ? s->output_frequency : "monthly";
	if (!gcr_rundir_history_frequency(r->frequency))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("unknown output frequency '%s' (allowed: hourly, daily, "
				       "monthly, end)"), r->frequency);
	if (r->opts->data_root && *r->opts->data_root)
		r->data_root = r->opts->data_root;
	else
		r->data_root = (r->gchp || s->target == GCR_TARGET_PCLUSTER) ? "/fsx"
							: "/scratch/ExtData";
	return GCR_OK;
}

size_t gcr_rundir_default_collections(const struct gcr_rundir *r,
				      const char **out, size_t max)
{
	size_t n = 0;

	/* createRunDir.sh's HISTORY.rc enables SpeciesConc everywhere and Metrics
	 * for full chemistry (and CH4, now carbon with CH4). */
	if (n < max)
		out[n++] = "SpeciesConc";
	if ((strcmp(r->sim, "fullchem") == 0 ||
	     (r->carbon_species && strcmp(r->carbon_species, "CH4") == 0)) && n < max)
		out[n++] = "Metrics";
	return n;
}

/* ---- species lists from data/templates/species.yaml ---- */

static char *substitute(const char *name, const char *pop)
{
	const char *at = strstr(name, "{POP}");

	if (!at)
		return strdup(name);
	return gcr_strdup_printf("%.*s%s%s", (int)(at - name), name, pop, at + 5);
}

void gcr_rundir_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

enum gcr_status gcr_rundir_species(const struct gcr_rundir *r, char ***out,
				   size_t *n, struct gcr_error *err)
{
	char *path = gcr_path(GCR_DIR_DATA, "templates/species.yaml");
	struct gcr_yread y;
	yaml_node_t *list;
	enum gcr_status st;
	char **items;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (!path)
		return gcr_error_set(err, GCR_ERR_IO, _("cannot find the data directory"));
	st = gcr_yread_file(&y, path, err);
	if (st != GCR_OK) {
		gcr_yread_free(&y);
		free(path);
		return st;
	}
	list = gcr_yread_get(&y, gcr_yread_get(&y, gcr_yread_root(&y), "transported_species"),
			     r->sim);
	if (!gcr_yread_is_seq(list)) {
		st = gcr_error_set(err, GCR_ERR_INVALID, _("%s has no species list for %s"),
				   path, r->sim);
		gcr_yread_free(&y);
		free(path);
		return st;
	}
	items = calloc((size_t)(list->data.sequence.items.top - list->data.sequence.items.start) + 1,
		       sizeof *items);
	if (!items)
		abort();
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		const char *name = gcr_yread_text(gcr_yread_node(&y, *it));
		/* A single-species carbon run keeps only that species
		 * (run/shared/singleCarbonSpecies.sh). */
		if (!name || (r->carbon_species && strcmp(name, r->carbon_species) != 0))
			continue;
		items[count] = substitute(name, r->option);
		if (!items[count])
			abort();
		count++;
	}
	*out = items;
	*n = count;
	gcr_yread_free(&y);
	free(path);
	return GCR_OK;
}
