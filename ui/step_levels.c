/* step_levels.c: the number of vertical levels the meteorology offers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_LEVELS = 1 };

static void levels_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *fld = ui_form_add_field(f, UI_FIELD_CHOICE, F_LEVELS, _("Vertical levels"));
	const struct gcr_met *m = gcr_catalog_find_met(w->cat, w->spec.met);
	struct gcr_spec p;

	wizard_partial_spec(w, WIZ_LEVELS, &p);
	for (size_t i = 0; m && i < m->nlevels; i++) {
		char id[16], label[64];
		struct ui_item *it;

		snprintf(id, sizeof id, "%d", m->levels[i]);
		snprintf(label, sizeof label, _("%d levels"), m->levels[i]);
		it = ui_field_add_item(fld, id, label);
		gcr_catalog_levels_allowed(w->cat, &p, m->levels[i], it->reason, sizeof it->reason);
		it->checked = w->spec.levels == m->levels[i];
		if (m->levels[i] == m->default_levels)
			snprintf(it->badge, sizeof it->badge, "%s", _("native"));
		if (m->levels[i] == 47)
			snprintf(it->detail, sizeof it->detail, "%s",
				 _("The stratosphere lumped into fewer levels: about a third less work."));
		else if (m->levels[i] == 72)
			snprintf(it->detail, sizeof it->detail, "%s",
				 _("All of the meteorology's levels, up to 0.01 hPa."));
	}
	if (m && m->nlevels == 1)
		snprintf(fld->note, sizeof fld->note, "%s",
			 _("This meteorology (or model) has only this choice."));
	step_nav_buttons(f);
}

static unsigned levels_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	const struct ui_item *it = step_checked(f, F_LEVELS);
	int levels;

	(void)r;
	if (!it)
		return 0;
	levels = atoi(it->id);
	if (levels == w->spec.levels)
		return 0;
	w->spec.levels = levels;
	wizard_changed(w, WIZ_LEVELS);
	return UI_CHANGED | UI_REDRAW;
}

static bool levels_ready(struct wizard *w, char *why, size_t len)
{
	if (w->spec.levels > 0)
		return true;
	snprintf(why, len, "%s", _("Choose the number of levels."));
	return false;
}

const struct screen_ops step_levels = {
	.id = "levels",
	.title = N_("Levels"),
	.help = N_("How many vertical levels. 72 is the native grid of MERRA-2, GEOS-FP and "
		   "GEOS-IT; 47 lumps the stratosphere and is faster. GCAP 2.0 has 40; GCHP "
		   "always uses 72."),
	.build = levels_build,
	.apply = levels_apply,
	.ready = levels_ready,
};
