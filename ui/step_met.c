/* step_met.c: the meteorology (MERRA-2, GEOS-FP, GEOS-IT, GCAP 2.0) and,
 * for GCAP 2.0, the climate scenario. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_MET = 1, F_SCENARIO };

static void met_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *mets = ui_form_add_field(f, UI_FIELD_CHOICE, F_MET, _("Meteorology"));
	struct ui_field *scen = ui_form_add_field(f, UI_FIELD_CHOICE, F_SCENARIO, _("Scenario"));
	const struct gcr_met *chosen = gcr_catalog_find_met(w->cat, w->spec.met);
	struct gcr_spec p;

	wizard_partial_spec(w, WIZ_MET, &p);
	for (size_t i = 0; i < gcr_catalog_nmets(w->cat); i++) {
		const struct gcr_met *m = gcr_catalog_met(w->cat, i);
		struct ui_item *it = ui_field_add_item(mets, m->id, _(m->label));
		char levels[64] = "";

		gcr_catalog_met_allowed(w->cat, &p, m->id, it->reason, sizeof it->reason);
		it->checked = strcmp(m->id, w->spec.met) == 0;
		for (size_t k = 0; k < m->nlevels; k++)
			snprintf(levels + strlen(levels), sizeof levels - strlen(levels), "%s%d",
				 k ? "/" : "", m->levels[k]);
		snprintf(it->badge, sizeof it->badge, _("%s levels"), levels);
		if (m->no_span_date) {
			char date[16];
			wiz_format_date(m->no_span_date, date, sizeof date);
			snprintf(it->detail, sizeof it->detail,
				 _("Its convection scheme changed on %s: a run must not span that date."), date);
		} else if (m->nscenarios) {
			snprintf(it->detail, sizeof it->detail, "%s",
				 _("Climate model meteorology (GISS ModelE2.1): choose a historical or future scenario."));
		}
	}
	if (chosen && chosen->no_span_date) {
		char date[16];
		wiz_format_date(chosen->no_span_date, date, sizeof date);
		snprintf(mets->note, sizeof mets->note,
			 _("GEOS-FP changed its convection scheme on %s; the period step keeps your run on one side."),
			 date);
		mets->note_role = UI_ROLE_WARNING;
	}

	wizard_partial_spec(w, WIZ_SCENARIO, &p);
	scen->hidden = !chosen || chosen->nscenarios == 0;
	for (size_t i = 0; chosen && i < chosen->nscenarios; i++) {
		struct ui_item *it = ui_field_add_item(scen, chosen->scenarios[i], chosen->scenarios[i]);
		gcr_catalog_scenario_allowed(w->cat, &p, chosen->scenarios[i], it->reason, sizeof it->reason);
		it->checked = strcmp(chosen->scenarios[i], w->spec.scenario) == 0;
	}
	step_nav_buttons(f);
}

static unsigned met_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	return step_apply_id(w, f, r, F_MET, w->spec.met, WIZ_MET) |
	       step_apply_id(w, f, r, F_SCENARIO, w->spec.scenario, WIZ_SCENARIO);
}

static bool met_ready(struct wizard *w, char *why, size_t len)
{
	const struct gcr_met *m = gcr_catalog_find_met(w->cat, w->spec.met);

	if (!m) {
		snprintf(why, len, "%s", _("Choose the meteorology first."));
		return false;
	}
	if (m->nscenarios && !w->spec.scenario[0]) {
		snprintf(why, len, "%s", _("Choose a scenario for GCAP 2.0."));
		return false;
	}
	return true;
}

const struct screen_ops step_met = {
	.id = "met",
	.title = N_("Meteorology"),
	.help = N_("The meteorological fields that drive transport. MERRA-2 is the usual choice; "
		   "GEOS-FP offers the finest grids; GEOS-IT is the newest reanalysis; GCAP 2.0 is "
		   "climate-model meteorology for past and future scenarios. The choice decides "
		   "which grids and levels are offered next."),
	.build = met_build,
	.apply = met_apply,
	.ready = met_ready,
};
