/* step_model.c: GEOS-Chem Classic (one machine) or GCHP (many). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_MODEL = 1 };

static const struct {
	enum gcr_model model;
	const char *badge;
	const char *detail;
} models[] = {
	{ GCR_MODEL_CLASSIC, N_("one machine"),
	  N_("OpenMP threads on one machine; latitude-longitude grids from 4x5 down to nested "
	     "0.125 degree regions. Runs as an AWS Batch job or on one cluster node. Right for "
	     "most studies, and for a first run.") },
	{ GCR_MODEL_GCHP, N_("many machines"),
	  N_("MPI across many machines; cubed-sphere grids from C24 to C720. Runs on AWS "
	     "ParallelCluster or a Slurm cluster. For high resolution and long runs.") },
};

static void model_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *fld = ui_form_add_field(f, UI_FIELD_CHOICE, F_MODEL,
						 _("Which GEOS-Chem?"));
	struct gcr_spec none;

	gcr_spec_init(&none);
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		struct ui_item *it = ui_field_add_item(fld, gcr_model_id(models[i].model),
						       wiz_model_label(models[i].model));
		snprintf(it->badge, sizeof it->badge, "%s", _(models[i].badge));
		snprintf(it->detail, sizeof it->detail, "%s", _(models[i].detail));
		gcr_catalog_model_allowed(w->cat, &none, models[i].model, it->reason, sizeof it->reason);
		it->checked = w->spec.model == models[i].model;
	}
	snprintf(fld->note, sizeof fld->note, "%s",
		 _("Changing the model later starts the other choices again from their defaults."));
	step_nav_buttons(f);
}

static unsigned model_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	const struct ui_item *it = step_checked(f, F_MODEL);

	(void)r;
	if (!it)
		return 0;
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
		if (strcmp(it->id, gcr_model_id(models[i].model)) == 0 && w->spec.model != models[i].model) {
			wizard_set_model(w, models[i].model);
			return UI_CHANGED | UI_REDRAW;
		}
	return 0;
}

static bool model_ready(struct wizard *w, char *why, size_t len)
{
	if (w->spec.model != GCR_MODEL_NONE)
		return true;
	snprintf(why, len, "%s", _("Choose GEOS-Chem Classic or GCHP first (Up/Down, then Enter)."));
	return false;
}

const struct screen_ops step_model = {
	.id = "model",
	.title = N_("Model"),
	.help = N_("GEOS-Chem comes in two forms. Classic runs on one machine with OpenMP and "
		   "suits most studies. GCHP spreads one run over many machines with MPI and "
		   "suits high resolutions. Estimates appear as soon as you choose."),
	.build = model_build,
	.apply = model_apply,
	.ready = model_ready,
};
