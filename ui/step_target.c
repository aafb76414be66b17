/* step_target.c: where the run goes -- AWS Batch, AWS ParallelCluster or a
 * Slurm cluster -- with targets not set up yet shown with how to set them up. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_TARGET = 1 };

static const struct {
	enum gcr_target target;
	const char *detail;
} targets[] = {
	{ GCR_TARGET_BATCH,
	  N_("A container job on one machine that AWS starts for the run and stops after it; "
	     "spot capacity by default. The GEOS-Chem team runs its Classic benchmarks this way.") },
	{ GCR_TARGET_PCLUSTER,
	  N_("A Slurm cluster on AWS with fast networking (EFA) and a shared Lustre file system; "
	     "compute nodes start for the run and stop after it.") },
	{ GCR_TARGET_SLURM,
	  N_("A Slurm cluster you already use, at your institution or elsewhere, reached with ssh.") },
};

static void target_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *fld = ui_form_add_field(f, UI_FIELD_CHOICE, F_TARGET,
						 _("Where should the run go?"));
	bool any_missing = false;

	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		struct wiz_target_status st;
		struct ui_item *it = ui_field_add_item(fld, gcr_target_id(targets[i].target),
						       wiz_target_label(targets[i].target));

		wizard_target_status(w, targets[i].target, &st);
		wizard_target_allowed(w, &w->spec, targets[i].target, it->reason, sizeof it->reason);
		it->checked = w->spec.target == targets[i].target;
		snprintf(it->badge, sizeof it->badge, "%s", st.configured ? _("set up") : _("not set up yet"));
		if (st.configured)
			snprintf(it->detail, sizeof it->detail, "%s", _(targets[i].detail));
		else
			snprintf(it->detail, sizeof it->detail, "%s %s", _(targets[i].detail), st.how);
		if (!st.configured && !it->reason[0])
			any_missing = true;
	}
	if (any_missing)
		snprintf(fld->note, sizeof fld->note, "%s",
			 _("You can plan and save a spec now and set the target up later; only "
			   "submitting needs it."));
	step_nav_buttons(f);
}

static unsigned target_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	const struct ui_item *it = step_checked(f, F_TARGET);

	(void)r;
	if (!it)
		return 0;
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(it->id, gcr_target_id(targets[i].target)) == 0 &&
		    w->spec.target != targets[i].target) {
			w->spec.target = targets[i].target;
			wizard_changed(w, WIZ_TARGET);
			return UI_CHANGED | UI_REDRAW;
		}
	return 0;
}

static bool target_ready(struct wizard *w, char *why, size_t len)
{
	if (w->spec.target != GCR_TARGET_NONE)
		return true;
	snprintf(why, len, "%s", _("Choose where the run should go."));
	return false;
}

const struct screen_ops step_target = {
	.id = "target",
	.title = N_("Compute target"),
	.help = N_("Where the run will be submitted. AWS Batch suits GEOS-Chem Classic (one "
		   "machine); GCHP needs a cluster: AWS ParallelCluster or your own Slurm cluster. "
		   "Targets that are not set up yet can still be planned for."),
	.build = target_build,
	.apply = target_apply,
	.ready = target_ready,
};
