/* step_grid.c: the horizontal grid and, for fine Classic grids, the nested
 * domain. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_GRID = 1, F_DOMAIN };

static void grid_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *grids = ui_form_add_field(f, UI_FIELD_CHOICE, F_GRID, _("Grid"));
	struct ui_field *doms = ui_form_add_field(f, UI_FIELD_CHOICE, F_DOMAIN, _("Region (nested domain)"));
	const struct gcr_grid *chosen = gcr_catalog_find_grid(w->cat, w->spec.grid);
	struct gcr_spec p;

	wizard_partial_spec(w, WIZ_GRID, &p);
	for (size_t i = 0; i < gcr_catalog_ngrids(w->cat); i++) {
		const struct gcr_grid *g = gcr_catalog_grid(w->cat, i);
		struct ui_item *it;

		if (g->model != w->spec.model)
			continue;   /* the other model's grids are not a choice here */
		/* The label when it names the grid ("C24 (~4x5)"), else the id
		 * with the label beside it ("4x5", "4° x 5°"). */
		if (strncmp(_(g->label), g->id, strlen(g->id)) == 0) {
			it = ui_field_add_item(grids, g->id, _(g->label));
		} else {
			it = ui_field_add_item(grids, g->id, g->id);
			snprintf(it->badge, sizeof it->badge, "%s", _(g->label));
		}
		gcr_catalog_grid_allowed(w->cat, &p, g->id, it->reason, sizeof it->reason);
		it->checked = strcmp(g->id, w->spec.grid) == 0;
		if (g->cs_res)
			snprintf(it->detail, sizeof it->detail,
				 _("%ld cells per level; chemistry every %d s, transport every %d s; at most %d cores."),
				 g->columns, g->chemistry_timestep_s, g->transport_timestep_s, g->max_cores);
		else if (g->nested_only)
			snprintf(it->detail, sizeof it->detail,
				 _("A nested regional run: it needs boundary conditions from a global run. "
				   "Chemistry every %d s, transport every %d s."),
				 g->chemistry_timestep_s, g->transport_timestep_s);
		else
			snprintf(it->detail, sizeof it->detail,
				 _("%ld columns; chemistry every %d s, transport every %d s."),
				 g->columns, g->chemistry_timestep_s, g->transport_timestep_s);
	}

	wizard_partial_spec(w, WIZ_DOMAIN, &p);
	doms->hidden = !chosen || chosen->ndomains == 0;
	for (size_t i = 0; chosen && i < chosen->ndomains; i++) {
		const struct gcr_domain *d = &chosen->domains[i];
		struct ui_item *it = ui_field_add_item(doms, d->id, _(d->label));

		gcr_catalog_domain_allowed(w->cat, &p, d->id, it->reason, sizeof it->reason);
		it->checked = strcmp(d->id, w->spec.domain) == 0;
		if (strcmp(d->id, "global") != 0)
			snprintf(it->detail, sizeof it->detail,
				 _("Longitude %.2f to %.2f, latitude %.2f to %.2f; %ld columns."),
				 d->lon_min, d->lon_max, d->lat_min, d->lat_max, d->columns);
	}
	step_nav_buttons(f);
}

static unsigned grid_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	return step_apply_id(w, f, r, F_GRID, w->spec.grid, WIZ_GRID) |
	       step_apply_id(w, f, r, F_DOMAIN, w->spec.domain, WIZ_DOMAIN);
}

static bool grid_ready(struct wizard *w, char *why, size_t len)
{
	const struct gcr_grid *g = gcr_catalog_find_grid(w->cat, w->spec.grid);

	if (!g) {
		snprintf(why, len, "%s", _("Choose a grid first."));
		return false;
	}
	if (g->nested_only && !w->spec.domain[0]) {
		snprintf(why, len, "%s", _("This grid needs a region: choose one below the grid (Tab)."));
		return false;
	}
	return true;
}

const struct screen_ops step_grid = {
	.id = "grid",
	.title = N_("Grid"),
	.help = N_("The horizontal resolution. Each step finer has about four times the columns "
		   "and a shorter timestep, so it costs many times more. Fine Classic grids run "
		   "over one region (a nested domain) and need boundary conditions from a global "
		   "run. GCHP uses cubed-sphere grids: C24 is about 4x5, C90 about 1 degree."),
	.build = grid_build,
	.apply = grid_apply,
	.ready = grid_ready,
};
