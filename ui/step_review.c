/* step_review.c: the whole plan, the files that would be generated,
 * saving the spec, and Submit (through the submission engine, the same as
 * `gcrunner submit`: submit_flow.c), with its progress and outcome above
 * the form. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "ui/bundle_jobs.h"
#include "i18n.h"
#include "ui/steps.h"
#include "ui/submit_flow.h"
#include "ui/text.h"

enum { F_PLAN = 1, F_FILES, F_NAME, F_PATH };

/* Adds "Key    value" with the keys padded to one width (display columns). */
static void plan_line(struct ui_field *fld, const char *step_id, int keyw, const char *key,
		      const char *value)
{
	char label[GCR_ERROR_MESSAGE_MAX + 256];
	int pad = keyw - ui_text_width(key);

	snprintf(label, sizeof label, "%s%*s  %s", key, pad > 0 ? pad : 0, "", value);
	ui_field_add_item(fld, step_id, label);
}

static const char *sim_text(const struct wizard *w, char *buf, size_t len)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(w->cat, w->spec.simulation);
	const struct gcr_sim_option *o = sim ? gcr_simulation_find_option(sim, w->spec.option) : NULL;

	snprintf(buf, len, "%s%s%s%s", sim ? _(sim->label) : w->spec.simulation,
		 o ? " (" : "", o ? _(o->label) : "", o ? ")" : "");
	return buf;
}

/* Where results go: the user's prefix in the bucket `gcrunner setup` made
 * (product design: /{userId}/results/{jobId}/), or the cluster. */
static const char *output_place(const struct wizard *w, char *buf, size_t len)
{
	const char *bucket = w->settings ? gcr_settings_get(w->settings, "s3.bucket") : NULL;
	const char *prefix = w->settings ? gcr_settings_get(w->settings, "s3.user_prefix") : NULL;

	if (w->spec.target == GCR_TARGET_SLURM)
		return _("the run directory on the cluster (slurm.run_root)");
	if (!bucket)
		return _("your results bucket in S3 (created by 'gcrunner setup')");
	snprintf(buf, len, "s3://%s/%s%sresults/<run id>/", bucket, prefix ? prefix : "",
		 prefix && *prefix && prefix[strlen(prefix) - 1] != '/' ? "/" : "");
	return buf;
}

static void add_plan(struct wizard *w, struct ui_field *fld)
{
	const struct gcr_spec *s = &w->spec;
	const struct gcr_estimate_option *cur = wizard_current_option(w);
	const struct gcr_met *met = gcr_catalog_find_met(w->cat, s->met);
	const struct gcr_grid *grid = gcr_catalog_find_grid(w->cat, s->grid);
	const struct gcr_domain *dom = grid ? gcr_grid_find_domain(grid, s->domain) : NULL;
	struct wiz_target_status ts;
	const char *keys[] = { _("Model"), _("Simulation"), _("Meteorology"), _("Grid"), _("Period"),
			       _("Output"), _("Target"), _("Instance"), _("Time"), _("Cost"),
			       _("Input data"), _("Results go to") };
	char v[UI_LABEL_MAX], a[32], b[32], c[32], d[32];
	int keyw = 0;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (ui_text_width(keys[i]) > keyw)
			keyw = ui_text_width(keys[i]);

	plan_line(fld, "model", keyw, keys[0], wiz_model_label(s->model));
	plan_line(fld, "simulation", keyw, keys[1], sim_text(w, v, sizeof v));
	snprintf(v, sizeof v, "%s%s%s", met ? _(met->label) : s->met, s->scenario[0] ? ", " : "", s->scenario);
	plan_line(fld, "met", keyw, keys[2], v);
	snprintf(v, sizeof v, _("%s, %s, %d levels"), s->grid,
		 dom ? _(dom->label) : strcmp(s->domain, "global") == 0 ? _("global") : s->domain,
		 s->levels);
	plan_line(fld, "grid", keyw, keys[3], v);
	wiz_format_date(s->start_date, a, sizeof a);
	wiz_format_date(s->end_date ? s->end_date : wiz_add_days(s->start_date, s->days), b, sizeof b);
	if (s->spinup_days > 0)
		snprintf(v, sizeof v, _("%s to %s, %d simulated days with %d spin-up"), a, b,
			 gcr_spec_simulated_days(s), s->spinup_days);
	else
		snprintf(v, sizeof v, _("%s to %s, %d simulated days"), a, b, gcr_spec_simulated_days(s));
	plan_line(fld, "period", keyw, keys[4], v);
	if (s->ncollections > 0) {
		snprintf(v, sizeof v, "%s:", s->output_frequency[0] ? s->output_frequency : "monthly");
		for (int i = 0; i < s->ncollections; i++)
			snprintf(v + strlen(v), sizeof v - strlen(v), " %s", s->collections[i]);
	} else {
		snprintf(v, sizeof v, _("%s: the default collections"),
			 s->output_frequency[0] ? s->output_frequency : "monthly");
	}
	snprintf(v + strlen(v), sizeof v - strlen(v), _("; restart: %s"), s->restart);
	plan_line(fld, "output", keyw, keys[5], v);
	wizard_target_status(w, s->target, &ts);
	snprintf(v, sizeof v, "%s (%s)", wiz_target_label(s->target),
		 ts.configured ? _("set up") : _("not set up yet"));
	plan_line(fld, "target", keyw, keys[6], v);
	if (cur) {
		if (s->model == GCR_MODEL_GCHP)
			snprintf(v, sizeof v, _("%s%s, %d nodes x %d ranks, %s"), cur->instance_type,
				 s->instance_type[0] ? "" : _(" (cheapest now)"), cur->nodes,
				 cur->cores_per_node, s->spot ? _("spot") : _("on-demand"));
		else
			snprintf(v, sizeof v, _("%s%s, %d cores, %s"), cur->instance_type,
				 s->instance_type[0] ? "" : _(" (cheapest now)"), cur->cores,
				 s->spot ? _("spot") : _("on-demand"));
		plan_line(fld, "instance", keyw, keys[7], v);
		wiz_format_hours(cur->wall_hours, a, sizeof a);
		wiz_format_hours(cur->wall_hours_low, b, sizeof b);
		wiz_format_hours(cur->wall_hours_high, c, sizeof c);
		snprintf(v, sizeof v, _("%s (%s to %s), confidence %s"), a, b, c,
			 cur->confidence == GCR_CONF_HIGH ? _("high") :
			 cur->confidence == GCR_CONF_MEDIUM ? _("medium") : _("low"));
		plan_line(fld, "instance", keyw, keys[8], v);
		wiz_format_usd(s->spot ? cur->cost_spot_usd : cur->cost_ondemand_usd, a, sizeof a);
		wiz_format_usd(cur->cost_low_usd, b, sizeof b);
		wiz_format_usd(cur->cost_high_usd, c, sizeof c);
		wiz_format_usd(s->spot ? cur->cost_ondemand_usd : cur->cost_spot_usd, d, sizeof d);
		snprintf(v, sizeof v, _("%s %s (%s to %s); %s %s"), a, s->spot ? _("spot") : _("on-demand"),
			 b, c, d, s->spot ? _("on-demand") : _("spot"));
		plan_line(fld, "instance", keyw, keys[9], v);
	} else {
		plan_line(fld, "instance", keyw, keys[7],
			  w->est_ok ? _("no instance type fits") : w->est_error);
	}
	if (w->est_ok) {
		wiz_format_usd(w->est.input_storage_usd_month, a, sizeof a);
		snprintf(v, sizeof v, _("%.0f GiB (meteorology %.0f GiB%s); storing it costs %s a month"),
			 w->est.input_data_gib, w->est.met_data_gib,
			 w->est.met_volume_derived ? _(", derived") : "", a);
		plan_line(fld, "grid", keyw, keys[10], v);
	}
	plan_line(fld, "target", keyw, keys[11], output_place(w, v, sizeof v));
}

/* The files the plan would generate, worked out in the background (a
 * bundle build is too slow for the loop thread; bundle_jobs.h) and kept
 * while the plan stays the same.  One wizard per process. */
#define MAX_FILES 24
static struct {
	struct gcr_spec spec;               /* the plan the list is for */
	struct gcr_bundle_options opts;
	bool known, asking, building;
	size_t n;
	char path[MAX_FILES][128];
	char what[MAX_FILES][UI_LABEL_MAX];
	char error[GCR_ERROR_MESSAGE_MAX];
} files;

/* The spec and options the bundle is built from: the chosen (or now
 * cheapest) instance type's cores and network. */
static void bundle_inputs(struct wizard *w, struct gcr_spec *s, struct gcr_bundle_options *opts)
{
	const struct gcr_estimate_option *cur = wizard_current_option(w);

	*s = w->spec;
	memset(opts, 0, sizeof *opts);
	if (cur && cur->instance) {
		opts->physical_cores = cur->instance->cores;
		opts->vcpus = cur->instance->vcpus;
		opts->efa = cur->instance->efa;
		if (!s->instance_type[0])
			snprintf(s->instance_type, sizeof s->instance_type, "%s", cur->instance_type);
		if (s->model == GCR_MODEL_GCHP && s->cores_per_node == 0)
			s->cores_per_node = cur->cores_per_node;
	}
	if (w->est_ok)
		opts->input_volume_gb = w->est.input_data_gib * 1.073741824;
	gcr_spec_apply_defaults(s, w->cat);
}

static void files_done(struct wizard *w, const struct wiz_bundle_job *job)
{
	const struct gcr_bundle *b = job->bundles[0];

	files.asking = false;
	files.spec = job->specs[0];
	files.opts = job->opts;
	files.known = true;
	files.n = 0;
	files.error[0] = '\0';
	if (!b)
		ui_text_copy(files.error, sizeof files.error, job->errors[0].message);
	for (size_t i = 0; b && i < b->nfiles && files.n < MAX_FILES; i++, files.n++) {
		ui_text_copy(files.path[files.n], sizeof files.path[0], b->files[i].path);
		ui_text_copy(files.what[files.n], sizeof files.what[0],
			     b->files[i].what ? _(b->files[i].what) : "");
	}
	if (!files.building && strcmp(wizard_current(w)->id, "review") == 0)
		wizard_rebuild(w);
}

static void add_files(struct wizard *w, struct ui_field *fld)
{
	struct gcr_bundle_options opts;
	struct gcr_spec s;

	bundle_inputs(w, &s, &opts);
	if (!files.known || memcmp(&s, &files.spec, sizeof s) != 0 ||
	    memcmp(&opts, &files.opts, sizeof opts) != 0) {
		files.known = false;
		if (!files.asking) {
			struct wiz_bundle_job *job = wiz_bundle_job_new(w, 1, files_done);
			job->specs[0] = s;
			job->opts = opts;
			files.asking = true;
			files.building = true;
			wiz_bundle_job_start(job);   /* may answer at once (no app) */
			files.building = false;
		}
	}
	if (!files.known || memcmp(&s, &files.spec, sizeof s) != 0) {
		ui_field_add_item(fld, "", _("(working out the files...)"));
		return;
	}
	if (files.error[0]) {
		struct ui_item *it = ui_field_add_item(fld, "", files.error);
		ui_text_copy(it->detail, sizeof it->detail, files.error);
		return;
	}
	for (size_t i = 0; i < files.n; i++) {
		struct ui_item *it = ui_field_add_item(fld, "", files.path[i]);
		snprintf(it->badge, sizeof it->badge, "%s", files.what[i]);
		snprintf(it->detail, sizeof it->detail, "%s: %s", files.path[i], files.what[i]);
	}
}

static void review_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *plan = ui_form_add_field(f, UI_FIELD_VIEW, F_PLAN,
						  _("Your run (Enter on a line to change it)"));
	struct ui_field *file_list = ui_form_add_field(f, UI_FIELD_VIEW, F_FILES,
						       _("Files that would be generated"));
	struct ui_field *name = ui_form_add_field(f, UI_FIELD_TEXT, F_NAME, _("Run name (optional)"));
	struct ui_field *path = ui_form_add_field(f, UI_FIELD_TEXT, F_PATH, _("Save the spec as"));

	add_plan(w, plan);
	add_files(w, file_list);
	name->width = 30;
	ui_field_set_text(f, name, w->spec.name);
	path->width = 40;
	ui_field_set_text(f, path, w->save_path);
	if (w->saved_path[0] && !w->dirty)
		snprintf(path->note, sizeof path->note, _("Saved. Estimate it again with: gcrunner estimate --spec %s"),
			 w->saved_path);
	ui_form_add_button(f, UI_BUTTON_BACK, _("Back"));
	ui_form_add_button(f, UI_BUTTON_SAVE, _("Save spec"));
	ui_form_add_button(f, UI_BUTTON_SUBMIT, wiz_submit_busy(w) ? _("Submitting...") : _("Submit"));
	/* One submission at a time: no Submit, and no leaving, while it runs. */
	if (wiz_submit_busy(w)) {
		f->buttons[0].disabled = true;
		f->buttons[f->nbuttons - 1].disabled = true;
	}
}

static int review_draw(struct wizard *w, struct ui_app *app, int y, int x, int h, int width)
{
	(void)app;
	return wiz_submit_draw(w, y, x, h, width);
}

static unsigned save(struct wizard *w)
{
	wizard_save(w, w->save_path);
	wizard_rebuild(w);
	return UI_HANDLED | UI_REDRAW;
}


static unsigned review_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	struct ui_field *fld;

	if (r->what == UI_FORM_BUTTON)
		return r->button == UI_BUTTON_SAVE ? save(w) : r->button == UI_BUTTON_SUBMIT ? wiz_submit(w) : 0;
	fld = &f->fields[r->field];
	switch (fld->tag) {
	case F_PLAN:
		if (r->what == UI_FORM_SUBMIT && wiz_submit_busy(w)) {
			wizard_message(w, UI_ROLE_HINT, "%s",
				       _("The plan cannot change while it is being submitted."));
			return UI_HANDLED | UI_REDRAW;
		}
		if (r->what == UI_FORM_SUBMIT && r->item >= 0 && fld->items[r->item].id[0]) {
			/* Go and change it; Esc comes back here. */
			wizard_push(w, wizard_step_index(fld->items[r->item].id));
			return UI_HANDLED | UI_REDRAW;
		}
		return 0;
	case F_NAME:
		if (r->what == UI_FORM_EDITED) {
			snprintf(w->spec.name, sizeof w->spec.name, "%s", fld->text);
			w->dirty = true;
		}
		return r->what == UI_FORM_SUBMIT ? save(w) : UI_REDRAW;
	case F_PATH:
		if (r->what == UI_FORM_EDITED)
			snprintf(w->save_path, sizeof w->save_path, "%s", fld->text);
		return r->what == UI_FORM_SUBMIT ? save(w) : UI_REDRAW;
	default:
		return 0;
	}
}

static unsigned review_key(struct wizard *w, struct ui_app *app, const struct ui_event *ev)
{
	const struct ui_field *fld = ui_form_focused_field(&w->form);

	(void)app;
	if (ev->kind != UI_EV_KEY)
		return 0;
	/* Leaving while a submission runs asks first (and stops it cleanly). */
	if (ev->action == UI_ACT_BACK && wiz_submit_busy(w))
		return wiz_submit_ask_stop(w, false);
	/* In a text field, w, S and q are letters. */
	if (fld && fld->kind == UI_FIELD_TEXT)
		return 0;
	if (ev->action == UI_ACT_QUIT && wiz_submit_busy(w))
		return wiz_submit_ask_stop(w, true);
	if (ev->action == UI_ACT_SAVE)
		return save(w);
	if (ev->action == UI_ACT_SUBMIT)
		return wiz_submit(w);
	return 0;
}

const struct screen_ops step_review = {
	.id = "review",
	.title = N_("Review"),
	.help = N_("The whole plan: choices, machine, time and cost ranges, data volume and where "
		   "results go, and the files gcrunner would generate for the run. Save the spec to "
		   "estimate it again or submit it later; Enter on a line of the plan goes back to "
		   "change it. Submit sends the run (exactly once, as gcrunner submit does) and "
		   "shows its progress, then the job and where the results will be; a run over "
		   "your budget is only sent after you confirm it."),
	.build = review_build,
	.draw = review_draw,
	.apply = review_apply,
	.key = review_key,
};
