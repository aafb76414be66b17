/* catalog_rules.c: which choices are valid together (geoschem.md section 2:
 * createRunDir.sh's menus and setCommonRunSettings.sh's core rules).  Each
 * query takes the spec as chosen so far; unchosen fields constrain nothing. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog_internal.h"
#include "i18n.h"

static bool deny(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool deny(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The allowed ids for a message, built only when a message is wanted
 * (gcr_catalog_allowed_list itself asks the queries with why = NULL). */
#define LIST(spec_, what_) (why ? gcr_catalog_allowed_list(cat, spec_, what_, list, sizeof list) : "")

static bool offers(bool classic, bool gchp, enum gcr_model m)
{
	return m == GCR_MODEL_NONE || (m == GCR_MODEL_CLASSIC && classic) || (m == GCR_MODEL_GCHP && gchp);
}

static const char *model_name(enum gcr_model m)
{
	return m == GCR_MODEL_GCHP ? "GCHP" : "GEOS-Chem Classic";
}

bool gcr_catalog_model_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			       enum gcr_model model, char *why, size_t whylen)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, spec->simulation);
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, spec->grid);
	char list[256];

	if (model != GCR_MODEL_CLASSIC && model != GCR_MODEL_GCHP)
		return deny(why, whylen, _("the model must be classic or gchp"));
	if (sim && !offers(sim->classic, sim->gchp, model)) {
		struct gcr_spec s;
		gcr_spec_init(&s);
		s.model = model;
		return deny(why, whylen, _("%s does not offer the %s simulation (it offers: %s)"),
			    model_name(model), sim->id,
			    LIST(&s, "simulation"));
	}
	if (met && !offers(met->classic, met->gchp, model))
		return deny(why, whylen, _("%s cannot use %s meteorology"), model_name(model), met->label);
	if (grid && grid->model != model)
		return deny(why, whylen, _("grid %s belongs to %s, not %s"), grid->id,
			    model_name(grid->model), model_name(model));
	if (model == GCR_MODEL_GCHP && spec->levels && spec->levels != 72)
		return deny(why, whylen, _("GCHP runs with 72 levels only"));
	return true;
}

static bool met_grid_allows_sim(const struct gcr_met_grid *mg, const char *sim)
{
	if (!mg->nonly || !sim || !*sim)
		return true;
	for (size_t i = 0; i < mg->nonly; i++)
		if (strcmp(mg->only_simulations[i], sim) == 0)
			return true;
	return false;
}

static const char *only_list(const struct gcr_met_grid *mg, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < mg->nonly; i++) {
		if (i)
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, mg->only_simulations[i], len - strlen(buf) - 1);
	}
	return buf;
}

bool gcr_catalog_simulation_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				    const char *simid, char *why, size_t whylen)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, simid);
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	char list[256];

	if (!sim) {
		return deny(why, whylen, _("'%s' is not a simulation (allowed: %s)"), simid ? simid : "",
			    LIST(spec, "simulation"));
	}
	if (!offers(sim->classic, sim->gchp, spec->model)) {
		struct gcr_spec s;
		gcr_spec_init(&s);
		s.model = spec->model;
		return deny(why, whylen, _("%s does not offer the %s simulation (it offers: %s)"),
			    model_name(spec->model), sim->id,
			    LIST(&s, "simulation"));
	}
	if (met && *spec->grid) {
		const struct gcr_met_grid *mg = gcr_catalog_met_grid(cat, spec->met, spec->grid);
		if (mg && !met_grid_allows_sim(mg, sim->id))
			return deny(why, whylen, _("%s offers %s only for %s"), met->label, spec->grid,
				    only_list(mg, list, sizeof list));
	}
	return true;
}

bool gcr_catalog_option_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				const char *optid, char *why, size_t whylen)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, spec->simulation);
	const struct gcr_sim_option *opt;
	char list[256];

	if (!sim)
		return deny(why, whylen, _("choose a simulation before its option"));
	if (!sim->noptions)
		return deny(why, whylen, _("the %s simulation has no options"), sim->id);
	opt = gcr_simulation_find_option(sim, optid);
	if (!opt || !offers(opt->classic, opt->gchp, spec->model))
		return deny(why, whylen, _("'%s' is not an option of %s%s%s (allowed: %s)"),
			    optid ? optid : "", sim->id,
			    spec->model != GCR_MODEL_NONE ? _(" in ") : "",
			    spec->model != GCR_MODEL_NONE ? model_name(spec->model) : "",
			    LIST(spec, "option"));
	return true;
}

static bool met_has_levels(const struct gcr_met *met, int levels)
{
	for (size_t i = 0; i < met->nlevels; i++)
		if (met->levels[i] == levels)
			return true;
	return false;
}

static bool met_grid_has_domain(const struct gcr_met_grid *mg, const char *domain)
{
	for (size_t i = 0; i < mg->ndomains; i++)
		if (strcmp(mg->domains[i], domain) == 0)
			return true;
	return false;
}

static bool is_global(const char *domain)
{
	return !domain || !*domain || strcmp(domain, "global") == 0;
}

bool gcr_catalog_met_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			     const char *metid, char *why, size_t whylen)
{
	const struct gcr_met *met = gcr_catalog_find_met(cat, metid);
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, spec->grid);
	char list[256];

	if (!met)
		return deny(why, whylen, _("'%s' is not a meteorology (allowed: %s)"), metid ? metid : "",
			    LIST(spec, "met"));
	if (!offers(met->classic, met->gchp, spec->model))
		return deny(why, whylen, _("%s cannot use %s meteorology"), model_name(spec->model),
			    met->label);
	if (spec->levels && !met_has_levels(met, spec->levels))
		return deny(why, whylen, _("%s offers %d levels only"), met->label, met->levels[0]);
	if (grid && grid->model == GCR_MODEL_CLASSIC) {
		const struct gcr_met_grid *mg = gcr_catalog_met_grid(cat, met->id, grid->id);
		struct gcr_spec s = *spec;
		if (!mg) {
			snprintf(s.met, sizeof s.met, "%s", met->id);
			s.grid[0] = '\0';
			return deny(why, whylen, _("%s does not offer the %s grid (it offers: %s)"),
				    met->label, grid->id,
				    LIST(&s, "grid"));
		}
		if (!met_grid_allows_sim(mg, spec->simulation))
			return deny(why, whylen, _("%s offers %s only for %s"), met->label, grid->id,
				    only_list(mg, list, sizeof list));
		if (!is_global(spec->domain) && !met_grid_has_domain(mg, spec->domain))
			return deny(why, whylen, _("%s has no %s nested domain at %s"), met->label,
				    spec->domain, grid->id);
	}
	return true;
}

bool gcr_catalog_scenario_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				  const char *scenario, char *why, size_t whylen)
{
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	char list[256];

	if (met && !met->nscenarios)
		return deny(why, whylen, _("scenarios exist only for GCAP 2.0, not %s"), met->label);
	for (size_t i = 0; i < cat->nmets; i++) {
		const struct gcr_met *m = &cat->mets[i];
		if (met && m != met)
			continue;
		for (size_t j = 0; j < m->nscenarios; j++)
			if (scenario && strcmp(m->scenarios[j], scenario) == 0)
				return true;
	}
	return deny(why, whylen, _("'%s' is not a GCAP 2.0 scenario (allowed: %s)"),
		    scenario ? scenario : "",
		    LIST(spec, "scenario"));
}

bool gcr_catalog_grid_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			      const char *gridid, char *why, size_t whylen)
{
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, gridid);
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	char list[256];

	if (!grid)
		return deny(why, whylen, _("'%s' is not a grid (allowed: %s)"), gridid ? gridid : "",
			    LIST(spec, "grid"));
	if (spec->model != GCR_MODEL_NONE && grid->model != spec->model) {
		return deny(why, whylen, _("grid %s belongs to %s; %s grids are: %s"), grid->id,
			    model_name(grid->model), model_name(spec->model),
			    LIST(spec, "grid"));
	}
	if (grid->model == GCR_MODEL_CLASSIC && met) {
		const struct gcr_met_grid *mg = gcr_catalog_met_grid(cat, met->id, grid->id);
		if (!mg) {
			struct gcr_spec s = *spec;
			s.grid[0] = '\0';
			s.simulation[0] = '\0';
			return deny(why, whylen, _("%s does not offer the %s grid (it offers: %s)"),
				    met->label, grid->id,
				    LIST(&s, "grid"));
		}
		if (!met_grid_allows_sim(mg, spec->simulation))
			return deny(why, whylen, _("%s offers %s only for %s"), met->label, grid->id,
				    only_list(mg, list, sizeof list));
	}
	if (!is_global(spec->domain) && !gcr_grid_find_domain(grid, spec->domain))
		return deny(why, whylen, _("grid %s has no %s nested domain"), grid->id, spec->domain);
	return true;
}

bool gcr_catalog_domain_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				const char *domain, char *why, size_t whylen)
{
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, spec->grid);
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	char list[256];

	if (!domain || !*domain)
		return deny(why, whylen, _("the domain is empty"));
	if (grid && (grid->model == GCR_MODEL_GCHP || grid->ndomains == 0)) {
		if (is_global(domain))
			return true;
		return deny(why, whylen, _("nested domains exist only at 0.5x0.625, 0.25x0.3125 and "
					   "0.125x0.15625; %s is global"), grid->id);
	}
	if (grid) {
		const struct gcr_met_grid *mg = met ? gcr_catalog_met_grid(cat, met->id, grid->id) : NULL;
		if (!gcr_grid_find_domain(grid, domain))
			return deny(why, whylen, _("grid %s has no '%s' domain (allowed: %s)"), grid->id,
				    domain, LIST(spec, "domain"));
		if (mg && !met_grid_has_domain(mg, domain)) {
			if (mg->ndomains == 1 && is_global(mg->domains[0]))
				return deny(why, whylen, _("%s has no nested domains at %s (global only)"),
					    met->label, grid->id);
			return deny(why, whylen, _("%s has no %s domain at %s (allowed: %s)"), met->label,
				    domain, grid->id,
				    LIST(spec, "domain"));
		}
		return true;
	}
	if (is_global(domain))
		return true;
	for (size_t i = 0; i < cat->ngrids; i++)
		if (gcr_grid_find_domain(&cat->grids[i], domain))
			return true;
	return deny(why, whylen, _("'%s' is not a domain (allowed: %s)"), domain,
		    LIST(spec, "domain"));
}

bool gcr_catalog_levels_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				int levels, char *why, size_t whylen)
{
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);

	if (spec->model == GCR_MODEL_GCHP && levels != 72)
		return deny(why, whylen, _("GCHP runs with 72 levels only"));
	if (met) {
		if (met_has_levels(met, levels))
			return true;
		if (met->nlevels == 1)
			return deny(why, whylen, _("%s offers %d levels only"), met->label, met->levels[0]);
		return deny(why, whylen, _("%s offers %d or %d levels"), met->label, met->levels[0],
			    met->levels[1]);
	}
	for (size_t i = 0; i < cat->nmets; i++)
		if (met_has_levels(&cat->mets[i], levels))
			return true;
	return deny(why, whylen, _("%d levels: allowed are 72, 47 (reduced) or 40 (GCAP 2.0)"), levels);
}

bool gcr_catalog_period_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				int start, int end, char *why, size_t whylen)
{
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	char a[16], b[16];

	if (!gcr_date_valid(start))
		return deny(why, whylen, _("the start date is not a valid date (YYYY-MM-DD)"));
	if (!gcr_date_valid(end))
		return deny(why, whylen, _("the end date is not a valid date (YYYY-MM-DD)"));
	if (end <= start)
		return deny(why, whylen, _("the end date %s must be after the start date %s"),
			    gcr_date_format(end, a, sizeof a), gcr_date_format(start, b, sizeof b));
	if (met && met->no_span_date && start < met->no_span_date && end > met->no_span_date)
		return deny(why, whylen,
			    _("%s runs must not span %s (its convection scheme changed then): end by "
			      "that date or start on it"),
			    met->label, gcr_date_format(met->no_span_date, a, sizeof a));
	return true;
}

bool gcr_catalog_instance_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				  const char *type, char *why, size_t whylen)
{
	const struct gcr_instance_type *it = gcr_catalog_find_instance(cat, type);
	const char *region = *spec->region ? spec->region : GCR_DEFAULT_REGION;
	struct gcr_price_info pi;

	if (!it) {
		char list[1024];
		return deny(why, whylen, _("'%s' is not an instance type gcrunner knows (allowed: %s)"),
			    type ? type : "", LIST(spec, "instance"));
	}
	if (gcr_catalog_price(cat, type, region, 0, &pi) && !pi.offered)
		return deny(why, whylen, _("%s is not offered in %s"), type, region);
	return true;
}

/* ---- GCHP cores ----------------------------------------------------------- */

bool gcr_gchp_decomposition_valid(int cs_res, int cores, int nx, int ny)
{
	if (cs_res <= 0 || cores <= 0 || nx <= 0 || ny <= 0)
		return false;
	if ((long)nx * ny != cores || ny % 6 != 0)
		return false;
	/* FV3 needs at least 4 cells per core region along each side. */
	return 4 * nx <= cs_res && 4 * ny <= 6 * cs_res;
}

bool gcr_gchp_decomposition(int cs_res, int cores, int *nx, int *ny)
{
	int best_nx = 0, best_ny = 0;
	double best = 1e30;

	int ymin, ymax;

	if (cs_res <= 0 || cores <= 0 || cores % 6)
		return false;
	/* NX = cores/NY <= cs_res/4 and NY <= 6 cs_res/4 bound the search, so
	 * it stays short even for thousands of cores (the estimator asks this
	 * for every node count). */
	ymin = (4 * cores + cs_res - 1) / cs_res;
	ymin = ymin < 6 ? 6 : (ymin + 5) / 6 * 6;
	ymax = 6 * cs_res / 4 < cores ? 6 * cs_res / 4 : cores;
	for (int y = ymin; y <= ymax; y += 6) {
		int x;
		double off;
		if (cores % y)
			continue;
		x = cores / y;
		if (!gcr_gchp_decomposition_valid(cs_res, cores, x, y))
			continue;
		/* Square subdomains: NX close to NY/6 (cells per face side). */
		off = x > y / 6 ? (double)x / (y / 6.0) : (y / 6.0) / x;
		if (off < best) {
			best = off;
			best_nx = x;
			best_ny = y;
		}
	}
	if (!best_nx)
		return false;
	if (nx)
		*nx = best_nx;
	if (ny)
		*ny = best_ny;
	return true;
}

int gcr_gchp_max_cores(int cs_res)
{
	int nx = cs_res / 4, ny = (6 * cs_res / 4) / 6 * 6;
	return nx > 0 && ny > 0 ? nx * ny : 0;
}

bool gcr_catalog_gchp_cores_allowed(const struct gcr_catalog *cat, const char *gridid,
				    int total, int *nx, int *ny, char *why, size_t whylen)
{
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, gridid);

	if (!grid || grid->model != GCR_MODEL_GCHP)
		return deny(why, whylen, _("'%s' is not a GCHP cubed-sphere grid"), gridid ? gridid : "");
	if (total <= 0 || total % 6)
		return deny(why, whylen, _("GCHP needs a total core count divisible by 6 (got %d)"), total);
	if (total > grid->max_cores)
		return deny(why, whylen, _("%s allows at most %d cores (got %d)"), grid->id,
			    grid->max_cores, total);
	if (!gcr_gchp_decomposition(grid->cs_res, total, nx, ny))
		return deny(why, whylen,
			    _("%d cores have no valid NX x NY decomposition for %s (NY a multiple of 6, "
			      "%d/NX >= 4, %d/NY >= 4)"),
			    total, grid->id, grid->cs_res, 6 * grid->cs_res);
	return true;
}

/* ---- lists for messages ----------------------------------------------------- */

static void add(char *buf, size_t len, const char *id)
{
	if (*buf)
		strncat(buf, ", ", len - strlen(buf) - 1);
	strncat(buf, id, len - strlen(buf) - 1);
}

const char *gcr_catalog_allowed_list(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				     const char *what, char *buf, size_t len)
{
	buf[0] = '\0';
	if (strcmp(what, "model") == 0) {
		if (gcr_catalog_model_allowed(cat, spec, GCR_MODEL_CLASSIC, NULL, 0))
			add(buf, len, "classic");
		if (gcr_catalog_model_allowed(cat, spec, GCR_MODEL_GCHP, NULL, 0))
			add(buf, len, "gchp");
	} else if (strcmp(what, "simulation") == 0) {
		for (size_t i = 0; i < cat->nsims; i++)
			if (offers(cat->sims[i].classic, cat->sims[i].gchp, spec->model))
				add(buf, len, cat->sims[i].id);
	} else if (strcmp(what, "option") == 0) {
		const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, spec->simulation);
		for (size_t i = 0; sim && i < sim->noptions; i++)
			if (offers(sim->options[i].classic, sim->options[i].gchp, spec->model))
				add(buf, len, sim->options[i].id);
	} else if (strcmp(what, "met") == 0) {
		for (size_t i = 0; i < cat->nmets; i++)
			if (offers(cat->mets[i].classic, cat->mets[i].gchp, spec->model))
				add(buf, len, cat->mets[i].id);
	} else if (strcmp(what, "scenario") == 0) {
		for (size_t i = 0; i < cat->nmets; i++)
			for (size_t j = 0; j < cat->mets[i].nscenarios; j++)
				add(buf, len, cat->mets[i].scenarios[j]);
	} else if (strcmp(what, "grid") == 0) {
		for (size_t i = 0; i < cat->ngrids; i++) {
			const struct gcr_grid *g = &cat->grids[i];
			struct gcr_spec s = *spec;
			s.domain[0] = '\0';
			if (gcr_catalog_grid_allowed(cat, &s, g->id, NULL, 0))
				add(buf, len, g->id);
		}
	} else if (strcmp(what, "domain") == 0) {
		const struct gcr_grid *g = gcr_catalog_find_grid(cat, spec->grid);
		for (size_t i = 0; g && i < g->ndomains; i++)
			if (gcr_catalog_domain_allowed(cat, spec, g->domains[i].id, NULL, 0))
				add(buf, len, g->domains[i].id);
		if (!*buf)
			add(buf, len, "global");
	} else if (strcmp(what, "levels") == 0) {
		static const char *const lv[] = { "72", "47", "40" };
		for (size_t i = 0; i < 3; i++)
			if (gcr_catalog_levels_allowed(cat, spec, (int)(72 - (i == 1) * 25 - (i == 2) * 32),
						       NULL, 0))
				add(buf, len, lv[i]);
	} else if (strcmp(what, "instance") == 0) {
		for (size_t i = 0; i < cat->ninstances; i++)
			add(buf, len, cat->instances[i].id);
	}
	return buf;
}
