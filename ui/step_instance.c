/* step_instance.c: the instance type (every type with its estimate), spot or
 * on-demand, and for GCHP the nodes and MPI ranks per node. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"
#include "ui/text.h"

enum { F_INSTANCE = 1, F_PRICING, F_NODES, F_CORES };

/* What the highlighted type is and what the estimate says about it. */
static void option_detail(const struct wizard *w, const struct gcr_estimate_option *o,
			  char *buf, size_t len)
{
	char a[32], b[32], c[32], note[256];
	size_t used;

	wiz_format_hours(o->wall_hours_low, a, sizeof a);
	wiz_format_hours(o->wall_hours_high, b, sizeof b);
	wiz_format_usd(o->cost_per_sim_day_usd, c, sizeof c);
	snprintf(buf, len, _("%d cores, %.0f GiB, %s. %s to %s; %s per simulated day; needs %.0f GiB per node. "),
		 o->instance ? o->instance->cores : o->cores_per_node,
		 o->instance ? o->instance->memory_gib : o->memory_gib, gcr_arch_id(o->arch),
		 a, b, c, o->memory_need_gib);
	for (int i = 0; i < o->nnotes; i++) {
		gcr_estimate_note_text(&o->notes[i], &w->est, note, sizeof note);
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", note, i + 1 < o->nnotes ? " " : "");
	}
}

static void instance_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *list = ui_form_add_field(f, UI_FIELD_CHOICE, F_INSTANCE, _("Instance type"));
	struct ui_field *pricing = ui_form_add_field(f, UI_FIELD_CHOICE, F_PRICING, _("Pricing"));
	const struct gcr_estimate_pick *pick = w->spec.spot ? &w->est.spot_pick : &w->est.ondemand;
	struct ui_item *it;
	char buf[64];
	struct gcr_spec p;

	wizard_partial_spec(w, WIZ_INSTANCE, &p);
	it = ui_field_add_item(list, "", _("the cheapest that fits"));
	it->checked = !w->spec.instance_type[0];
	if (w->est_ok && pick->cheapest >= 0) {
		const struct gcr_estimate_option *o = &w->est.options[pick->cheapest];
		snprintf(it->badge, sizeof it->badge, _("now %s"), o->instance_type);
		snprintf(it->detail, sizeof it->detail,
			 _("Prices change; gcrunner picks the cheapest type that fits when you submit. Now: %s."),
			 o->instance_type);
	}
	if (!w->est_ok) {
		ui_text_copy(list->note, sizeof list->note, w->est_error);
		list->note_role = UI_ROLE_WARNING;
	}
	for (size_t k = 0; w->est_ok && k < w->norder; k++) {
		const struct gcr_estimate_option *o = &w->est.options[w->order[k]];
		char t[32], c[32];

		it = ui_field_add_item(list, o->instance_type, o->instance_type);
		wiz_format_hours(o->wall_hours, t, sizeof t);
		wiz_format_usd(w->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd, c, sizeof c);
		snprintf(it->badge, sizeof it->badge, "%8s %6s", c, t);
		it->checked = strcmp(o->instance_type, w->spec.instance_type) == 0;
		if (!gcr_catalog_instance_allowed(w->cat, &p, o->instance_type, it->reason, sizeof it->reason))
			continue;
		if (!o->offered)
			snprintf(it->reason, sizeof it->reason, _("not offered in %s"), w->est.region);
		else if (o->memory_fit == GCR_FIT_NO)
			snprintf(it->reason, sizeof it->reason,
				 _("the run needs %.0f GiB of memory per node; it has %.0f GiB"),
				 o->memory_need_gib, o->memory_gib);
		else
			option_detail(w, o, it->detail, sizeof it->detail);
	}

	it = ui_field_add_item(pricing, "spot", _("spot"));
	it->checked = w->spec.spot;
	snprintf(it->detail, sizeof it->detail, "%s",
		 w->spec.model == GCR_MODEL_GCHP ?
		 _("Much cheaper, but AWS may take a node back at two minutes' notice, which stops an "
		   "MPI run; checkpoints let it resume.") :
		 _("Much cheaper; AWS may take the machine back at two minutes' notice, and the job "
		   "then starts again."));
	it = ui_field_add_item(pricing, "ondemand", _("on-demand"));
	it->checked = !w->spec.spot;
	snprintf(it->detail, sizeof it->detail, "%s", _("The full price; never interrupted."));

	if (w->spec.model == GCR_MODEL_GCHP) {
		struct ui_field *nodes = ui_form_add_field(f, UI_FIELD_NUMBER, F_NODES, _("Compute nodes"));
		struct ui_field *cores = ui_form_add_field(f, UI_FIELD_NUMBER, F_CORES,
							   _("MPI ranks per node (0: every physical core)"));
		const struct gcr_estimate_option *cur = wizard_current_option(w);

		nodes->min = 1;
		nodes->max = GCR_ESTIMATE_MAX_NODES;
		snprintf(buf, sizeof buf, "%d", w->spec.nodes);
		ui_field_set_text(f, nodes, buf);
		cores->min = 0;
		cores->max = 512;
		snprintf(buf, sizeof buf, "%d", w->spec.cores_per_node);
		ui_field_set_text(f, cores, buf);
		if (cur)
			snprintf(cores->note, sizeof cores->note,
				 _("Now %d nodes x %d ranks = %d cores (a multiple of 6, as GCHP needs)."),
				 cur->nodes, cur->cores_per_node, cur->cores);
	}
	step_nav_buttons(f);
}

/* Checks a GCHP layout with the catalog's core rules before using it. */
static bool gchp_layout_ok(struct wizard *w, int nodes, int cores_per_node, char *why, size_t len)
{
	/* 0 ranks per node: the estimator takes the physical cores, rounded
	 * down to a valid total for each node count, so any count works. */
	if (cores_per_node <= 0)
		return true;
	return gcr_catalog_gchp_cores_allowed(w->cat, w->spec.grid, nodes * cores_per_node, NULL, NULL,
					      why, len);
}

static unsigned instance_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	struct ui_field *fld = &f->fields[r->field];
	const struct ui_item *it;
	long n;

	switch (fld->tag) {
	case F_INSTANCE:
		return step_apply_id(w, f, r, F_INSTANCE, w->spec.instance_type, WIZ_INSTANCE);
	case F_PRICING:
		it = step_checked(f, F_PRICING);
		if (!it || (strcmp(it->id, "spot") == 0) == w->spec.spot)
			return 0;
		w->spec.spot = strcmp(it->id, "spot") == 0;
		wizard_changed(w, WIZ_INSTANCE);
		return UI_CHANGED | UI_REDRAW;
	case F_NODES:
	case F_CORES:
		if (r->what != UI_FORM_EDITED)
			return 0;
		if (!ui_field_number(fld, &n)) {
			snprintf(fld->error, sizeof fld->error, _("Write a number from %ld to %ld."),
				 fld->min, fld->max);
			return UI_REDRAW;
		}
		if (!gchp_layout_ok(w, fld->tag == F_NODES ? (int)n : w->spec.nodes,
				    fld->tag == F_CORES ? (int)n : w->spec.cores_per_node,
				    fld->error, sizeof fld->error))
			return UI_REDRAW;
		fld->error[0] = '\0';
		if (fld->tag == F_NODES)
			w->spec.nodes = (int)n;
		else
			w->spec.cores_per_node = (int)n;
		wizard_changed(w, WIZ_INSTANCE);
		return UI_CHANGED | UI_REDRAW;
	default:
		return 0;
	}
}

static bool instance_ready(struct wizard *w, char *why, size_t len)
{
	const struct gcr_estimate_option *cur = wizard_current_option(w);

	if (!step_fields_ok(w, why, len))
		return false;
	if (!w->est_ok) {
		snprintf(why, len, "%s", w->est_error[0] ? w->est_error : _("There is no estimate for this run."));
		return false;
	}
	if (!cur) {
		snprintf(why, len, "%s", _("No instance type fits this run; go back and make it smaller."));
		return false;
	}
	return true;
}

const struct screen_ops step_instance = {
	.id = "instance",
	.title = N_("Instance and pricing"),
	.help = N_("The machine type the run uses, with each type's estimated time and cost for "
		   "this run; types without enough memory cannot be chosen. Spot capacity costs far "
		   "less but can be interrupted. For GCHP also the number of nodes and MPI ranks per "
		   "node: more nodes finish sooner but cost more per simulated day past a point."),
	.build = instance_build,
	.apply = instance_apply,
	.ready = instance_ready,
};
