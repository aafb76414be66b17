/* wizard.c: the step table, the step stack, keeping the spec consistent,
 * re-estimating, and the wizard's screen layout (see wizard.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"
#include "i18n.h"
#include "log.h"
#include "ui/draw.h"
#include "ui/submit_flow.h"
#include "ui/text.h"
#include "ui/wizard.h"

extern const struct screen_ops step_welcome, step_model, step_simulation, step_met,
	step_grid, step_levels, step_period, step_output, step_target, step_instance,
	step_review;

/* The steps, in the order Next walks them. */
static const struct screen_ops *const steps[] = {
	&step_welcome,
	&step_model,
	&step_simulation,
	&step_met,
	&step_grid,
	&step_levels,
	&step_period,
	&step_output,
	&step_target,
	&step_instance,
	&step_review,
};

#define NSTEPS (sizeof steps / sizeof steps[0])

const struct screen_ops *const *wizard_steps(size_t *count)
{
	*count = NSTEPS;
	return steps;
}

int wizard_step_index(const char *id)
{
	for (size_t i = 0; i < NSTEPS; i++)
		if (strcmp(steps[i]->id, id) == 0)
			return (int)i;
	return -1;
}

void wizard_message(struct wizard *w, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->message, sizeof w->message, fmt, ap);
	va_end(ap);
	w->message_role = role;
}

const char *wiz_model_label(enum gcr_model m)
{
	switch (m) {
	case GCR_MODEL_CLASSIC: return _("GEOS-Chem Classic");
	case GCR_MODEL_GCHP: return _("GCHP");
	case GCR_MODEL_NONE: break;
	}
	return _("not chosen");
}

const char *wiz_target_label(enum gcr_target t)
{
	switch (t) {
	case GCR_TARGET_BATCH: return _("AWS Batch");
	case GCR_TARGET_PCLUSTER: return _("AWS ParallelCluster");
	case GCR_TARGET_SLURM: return _("a Slurm cluster");
	case GCR_TARGET_NONE: break;
	}
	return _("not chosen");
}

/* ---- life cycle ------------------------------------------------------- */

void wizard_init(struct wizard *w, struct gcr_catalog *cat, struct gcr_settings *settings,
		 time_t now)
{
	memset(w, 0, sizeof *w);
	w->cat = cat;
	w->settings = settings;
	w->now = now ? now : time(NULL);
	gcr_spec_init(&w->spec);
	gcr_estimate_result_init(&w->est);
	gcr_estimate_result_init(&w->sweep);
	w->current = -1;
	snprintf(w->save_path, sizeof w->save_path, "%s", "gcrunner-spec.yaml");
	ui_form_init(&w->form);
	wizard_push(w, 0);
}

void wizard_free(struct wizard *w)
{
	wiz_submit_free(w);
	ui_form_free(&w->form);
	gcr_estimate_result_free(&w->est);
	gcr_estimate_result_free(&w->sweep);
	free(w->order);
	w->order = NULL;
}

void wizard_set_on_submitted(struct wizard *w, void (*cb)(void *data, const char *sim_id),
			     void *data)
{
	w->on_submitted = cb;
	w->on_submitted_data = data;
}

/* ---- the step stack ------------------------------------------------------ */

const struct screen_ops *wizard_current(const struct wizard *w)
{
	return steps[w->stack[w->depth - 1]];
}

void wizard_rebuild(struct wizard *w)
{
	ui_form_begin(&w->form);
	wizard_current(w)->build(w, &w->form);
	ui_form_end(&w->form);
}

static void show_step(struct wizard *w)
{
	ui_form_free(&w->form);
	wizard_rebuild(w);
	w->message[0] = '\0';
	w->panel_full = false;
	gcr_log_debug("step %s", wizard_current(w)->id);
}

void wizard_push(struct wizard *w, int step)
{
	if (step < 0 || step >= (int)NSTEPS)
		return;
	if (w->depth == WIZ_MAX_DEPTH) {
		/* Only by jumping back and forth from the review: forget the
		 * oldest entries rather than refuse. */
		memmove(w->stack, w->stack + 1, (WIZ_MAX_DEPTH - 1) * sizeof w->stack[0]);
		w->depth--;
	}
	w->stack[w->depth++] = step;
	show_step(w);
}

bool wizard_pop(struct wizard *w)
{
	if (w->depth <= 1)
		return false;
	w->depth--;
	show_step(w);
	return true;
}

unsigned wizard_next(struct wizard *w)
{
	const struct screen_ops *cur = wizard_current(w);
	char why[WIZ_MESSAGE_MAX];
	int idx = w->stack[w->depth - 1];

	why[0] = '\0';
	if (idx + 1 >= (int)NSTEPS)
		return UI_HANDLED;   /* the review is the end: it has no Next */
	if (cur->ready && !cur->ready(w, why, sizeof why)) {
		wizard_message(w, UI_ROLE_ERROR, "%s", why);
		return UI_HANDLED | UI_REDRAW;
	}
	wizard_push(w, idx + 1);
	return UI_HANDLED | UI_REDRAW;
}

/* ---- keeping the spec consistent ---------------------------------------- */

void wizard_partial_spec(const struct wizard *w, enum wiz_choice upto, struct gcr_spec *out)
{
	const struct gcr_spec *s = &w->spec;

	gcr_spec_init(out);
	snprintf(out->name, sizeof out->name, "%s", s->name);
	snprintf(out->region, sizeof out->region, "%s", s->region);
	out->spot = s->spot;
	if (upto > WIZ_MODEL)
		out->model = s->model;
	if (upto > WIZ_SIMULATION)
		memcpy(out->simulation, s->simulation, sizeof out->simulation);
	if (upto > WIZ_OPTION)
		memcpy(out->option, s->option, sizeof out->option);
	if (upto > WIZ_MET)
		memcpy(out->met, s->met, sizeof out->met);
	if (upto > WIZ_SCENARIO)
		memcpy(out->scenario, s->scenario, sizeof out->scenario);
	if (upto > WIZ_GRID)
		memcpy(out->grid, s->grid, sizeof out->grid);
	if (upto > WIZ_DOMAIN)
		memcpy(out->domain, s->domain, sizeof out->domain);
	if (upto > WIZ_LEVELS)
		out->levels = s->levels;
	if (upto > WIZ_PERIOD) {
		out->start_date = s->start_date;
		out->end_date = s->end_date;
		out->days = s->days;
		out->spinup_days = s->spinup_days;
	}
	if (upto > WIZ_OUTPUT) {
		memcpy(out->collections, s->collections, sizeof out->collections);
		out->ncollections = s->ncollections;
		memcpy(out->output_frequency, s->output_frequency, sizeof out->output_frequency);
		memcpy(out->restart, s->restart, sizeof out->restart);
	}
	if (upto > WIZ_TARGET)
		out->target = s->target;
	if (upto > WIZ_INSTANCE) {
		memcpy(out->instance_type, s->instance_type, sizeof out->instance_type);
		out->nodes = s->nodes;
		out->cores_per_node = s->cores_per_node;
	}
}

/* Every chosen collection is one the simulation writes (the run-bundle
 * generator's rule, which the output step shows). */
static bool collections_offered(const struct wizard *w, const struct gcr_spec *s, char *why,
				size_t len)
{
	struct gcr_bundle_collection c[GCR_BUNDLE_MAX_COLLECTIONS];
	size_t n = gcr_bundle_collections(s, c, GCR_BUNDLE_MAX_COLLECTIONS);

	for (int i = 0; i < s->ncollections; i++)
		for (size_t k = 0; k < n && k < GCR_BUNDLE_MAX_COLLECTIONS; k++)
			if (!c[k].offered && strcmp(c[k].name, s->collections[i]) == 0) {
				const struct gcr_simulation *sim =
					gcr_catalog_find_simulation(w->cat, s->simulation);
				snprintf(why, len, _("the %s simulation does not write the %s collection"),
					 sim ? _(sim->label) : s->simulation, s->collections[i]);
				return false;
			}
	return true;
}

bool wizard_target_allowed(const struct wizard *w, const struct gcr_spec *s, enum gcr_target t,
			   char *why, size_t len)
{
	struct gcr_spec trial = *s, baseline;
	struct gcr_error err;

	/* The catalog has no query for targets; the spec's validation holds
	 * the rule (GCHP is not for AWS Batch).  Blame the target only when
	 * the same spec with the model's default target is valid. */
	trial.instance_type[0] = '\0';
	trial.target = GCR_TARGET_NONE;
	gcr_spec_apply_defaults(&trial, w->cat);
	baseline = trial;
	trial.target = t;
	if (gcr_spec_validate(&trial, w->cat, &err) == GCR_OK ||
	    gcr_spec_validate(&baseline, w->cat, NULL) != GCR_OK)
		return true;
	ui_text_copy(why, len, err.message);
	return false;
}

/* Is the spec's value for choice c still allowed after the choices before
 * it?  Unset values are. */
static bool choice_valid(const struct wizard *w, enum wiz_choice c, char *why, size_t len)
{
	const struct gcr_spec *s = &w->spec;
	struct gcr_spec p;

	wizard_partial_spec(w, c, &p);
	why[0] = '\0';
	switch (c) {
	case WIZ_MODEL:
		return true;
	case WIZ_SIMULATION:
		return !s->simulation[0] || gcr_catalog_simulation_allowed(w->cat, &p, s->simulation, why, len);
	case WIZ_OPTION:
		return !s->option[0] || gcr_catalog_option_allowed(w->cat, &p, s->option, why, len);
	case WIZ_MET:
		return !s->met[0] || gcr_catalog_met_allowed(w->cat, &p, s->met, why, len);
	case WIZ_SCENARIO:
		return !s->scenario[0] || gcr_catalog_scenario_allowed(w->cat, &p, s->scenario, why, len);
	case WIZ_GRID:
		return !s->grid[0] || gcr_catalog_grid_allowed(w->cat, &p, s->grid, why, len);
	case WIZ_DOMAIN:
		return !s->domain[0] || gcr_catalog_domain_allowed(w->cat, &p, s->domain, why, len);
	case WIZ_LEVELS:
		return !s->levels || gcr_catalog_levels_allowed(w->cat, &p, s->levels, why, len);
	case WIZ_PERIOD:
		return !s->start_date ||
		       gcr_catalog_period_allowed(w->cat, &p, s->start_date,
						  s->end_date ? s->end_date : wiz_add_days(s->start_date, s->days),
						  why, len);
	case WIZ_OUTPUT:
		return collections_offered(w, s, why, len);
	case WIZ_TARGET:
		return !s->target || wizard_target_allowed(w, &p, s->target, why, len);
	case WIZ_INSTANCE:
		return !s->instance_type[0] ||
		       gcr_catalog_instance_allowed(w->cat, &p, s->instance_type, why, len);
	case WIZ_NCHOICES:
		break;
	}
	return true;
}

static const char *choice_name(enum wiz_choice c)
{
	switch (c) {
	case WIZ_MODEL: return _("Model");
	case WIZ_SIMULATION: return _("Simulation");
	case WIZ_OPTION: return _("Simulation option");
	case WIZ_MET: return _("Meteorology");
	case WIZ_SCENARIO: return _("Scenario");
	case WIZ_GRID: return _("Grid");
	case WIZ_DOMAIN: return _("Domain");
	case WIZ_LEVELS: return _("Levels");
	case WIZ_PERIOD: return _("Period");
	case WIZ_OUTPUT: return _("Output");
	case WIZ_TARGET: return _("Compute target");
	case WIZ_INSTANCE: return _("Instance type");
	case WIZ_NCHOICES: break;
	}
	return "";
}

static void clear_choice(struct gcr_spec *s, enum wiz_choice c)
{
	switch (c) {
	case WIZ_MODEL:
		s->model = GCR_MODEL_NONE;
		break;
	case WIZ_SIMULATION:
		s->simulation[0] = '\0';
		break;
	case WIZ_OPTION:
		s->option[0] = '\0';
		break;
	case WIZ_MET:
		s->met[0] = '\0';
		break;
	case WIZ_SCENARIO:
		s->scenario[0] = '\0';
		break;
	case WIZ_GRID:
		s->grid[0] = '\0';
		break;
	case WIZ_DOMAIN:
		s->domain[0] = '\0';
		break;
	case WIZ_LEVELS:
		s->levels = 0;
		break;
	case WIZ_PERIOD:
		s->start_date = s->end_date = s->days = 0;
		break;
	case WIZ_OUTPUT:
		s->ncollections = 0;
		s->output_frequency[0] = '\0';
		s->restart[0] = '\0';
		break;
	case WIZ_TARGET:
		s->target = GCR_TARGET_NONE;
		break;
	case WIZ_INSTANCE:
		s->instance_type[0] = '\0';
		s->nodes = 0;
		s->cores_per_node = 0;
		break;
	case WIZ_NCHOICES:
		break;
	}
}

static void fill_defaults(struct wizard *w)
{
	gcr_spec_apply_defaults(&w->spec, w->cat);
	if (!w->spec.target)
		w->spec.target = w->spec.model == GCR_MODEL_GCHP ? GCR_TARGET_PCLUSTER : GCR_TARGET_BATCH;
}

void wizard_changed(struct wizard *w, enum wiz_choice changed)
{
	char why[512], first_note[WIZ_MESSAGE_MAX] = "";
	int dropped = 0;

	w->explicit_choice[changed] = true;
	/* Defaults follow the change. */
	for (int c = changed + 1; c < WIZ_NCHOICES; c++)
		if (!w->explicit_choice[c])
			clear_choice(&w->spec, c);
	/* The user's own later choices stay while they are valid.  Validity
	 * is checked against the choices before; those may come back as
	 * defaults in the next pass, so repeat until nothing more drops. */
	for (int pass = 0; pass < WIZ_NCHOICES; pass++) {
		bool cleared = false;

		for (int c = changed + 1; c < WIZ_NCHOICES; c++) {
			if (!w->explicit_choice[c] || choice_valid(w, c, why, sizeof why))
				continue;
			if (!dropped++)
				snprintf(first_note, sizeof first_note,
					 _("%s changed back to the default: %s"), choice_name(c), why);
			clear_choice(&w->spec, c);
			w->explicit_choice[c] = false;
			cleared = true;
		}
		fill_defaults(w);
		if (!cleared)
			break;
	}
	/* A default may itself be ruled out by an earlier choice: leave it
	 * unset then, and the step asks. */
	for (int c = changed + 1; c < WIZ_NCHOICES; c++)
		if (!choice_valid(w, c, why, sizeof why))
			clear_choice(&w->spec, c);
	if (dropped)
		wizard_message(w, UI_ROLE_WARNING, "%s", first_note);
	w->dirty = true;
	wizard_reestimate(w);
	wizard_rebuild(w);
}

void wizard_set_model(struct wizard *w, enum gcr_model model)
{
	char name[GCR_NAME_MAX];

	if (w->spec.model == model)
		return;
	snprintf(name, sizeof name, "%s", w->spec.name);
	gcr_spec_init(&w->spec);
	snprintf(w->spec.name, sizeof w->spec.name, "%s", name);
	memset(w->explicit_choice, 0, sizeof w->explicit_choice);
	w->spec.model = model;
	/* Spot for Classic (a Batch job restarts cleanly); on-demand for GCHP,
	 * whose MPI jobs lose every node when one is reclaimed. */
	w->spec.spot = model == GCR_MODEL_CLASSIC;
	wizard_changed(w, WIZ_MODEL);
}

/* ---- estimates ------------------------------------------------------------ */

void wizard_reestimate(struct wizard *w)
{
	struct gcr_spec s = w->spec;
	struct gcr_estimate_request req;
	struct gcr_error err;

	w->est_ok = false;
	w->current = -1;
	w->est_error[0] = '\0';
	w->norder = 0;
	if (s.model == GCR_MODEL_NONE)
		return;
	gcr_spec_apply_defaults(&s, w->cat);
	if (gcr_spec_validate(&s, w->cat, &err) != GCR_OK) {
		snprintf(w->est_error, sizeof w->est_error, "%s", err.message);
		return;
	}
	/* Every instance type, so the table compares; the chosen one is
	 * highlighted rather than estimated alone. */
	s.instance_type[0] = '\0';
	memset(&req, 0, sizeof req);
	req.now = w->now;
	if (gcr_estimate(w->cat, &s, &req, &w->est, &err) != GCR_OK) {
		snprintf(w->est_error, sizeof w->est_error, "%s", err.message);
		return;
	}
	w->sweep.noptions = 0;
	if (s.model == GCR_MODEL_GCHP) {
		/* The chart shows every node count; the table the chosen one. */
		req.nodes_min = 1;
		req.nodes_max = GCR_ESTIMATE_MAX_NODES;
		if (gcr_estimate(w->cat, &s, &req, &w->sweep, &err) != GCR_OK)
			w->sweep.noptions = 0;
	}
	w->est_ok = true;
	w->estimates_run++;
	wiz_panel_sort(w);
}

void wizard_prices_updated(struct wizard *w, const char *what)
{
	wizard_reestimate(w);
	/* Steps that show prices (the instance list) rebuild; the user's
	 * cursor and focus stay where they were. */
	wizard_rebuild(w);
	if (what && *what && !w->message[0])
		wizard_message(w, UI_ROLE_MESSAGE, "%s", what);
	if (w->app)
		ui_app_request_redraw(w->app);
}

const struct gcr_estimate_option *wizard_current_option(const struct wizard *w)
{
	if (!w->est_ok || w->current < 0 || (size_t)w->current >= w->est.noptions)
		return NULL;
	return &w->est.options[w->current];
}

/* ---- configuration -------------------------------------------------------- */

void wizard_target_status(const struct wizard *w, enum gcr_target t,
			  struct wiz_target_status *out)
{
	/* The keys `gcrunner setup` (AWS Batch) and `gcrunner cluster set`
	 * (Slurm; ParallelCluster's head node through SSM) write, and the
	 * ParallelCluster network settings a cluster configuration needs. */
	static const char *const batch_keys[] = { "batch.queue.arm64", "batch.queue.x86_64", NULL };
	static const char *const pcluster_keys[] = { "pcluster.subnet_id", "slurm.ssm_instance_id", NULL };
	static const char *const slurm_keys[] = { "slurm.host", "slurm.ssm_instance_id", NULL };
	const char *const *keys = NULL;
	const char *transport = w->settings ? gcr_settings_get(w->settings, "slurm.transport") : NULL;

	memset(out, 0, sizeof *out);
	switch (t) {
	case GCR_TARGET_BATCH:
		keys = batch_keys;
		snprintf(out->how, sizeof out->how, "%s",
			 _("Not set up yet: 'gcrunner setup' creates the Batch queues, bucket and roles."));
		break;
	case GCR_TARGET_PCLUSTER:
		keys = pcluster_keys;
		snprintf(out->how, sizeof out->how, "%s",
			 _("Not set up yet: 'gcrunner setup' for the AWS side, then the pcluster settings "
			   "(subnet_id, key_name) in the configuration file."));
		break;
	case GCR_TARGET_SLURM:
		keys = slurm_keys;
		snprintf(out->how, sizeof out->how, "%s",
			 _("Not set up yet: 'gcrunner cluster set --host USER@HOST' (then 'gcrunner cluster test')."));
		if (transport && strcmp(transport, "local") == 0) {
			out->configured = true;
			out->how[0] = '\0';
		}
		break;
	case GCR_TARGET_NONE:
		return;
	}
	for (size_t i = 0; w->settings && keys[i]; i++)
		if (gcr_settings_get(w->settings, keys[i])) {
			out->configured = true;
			out->how[0] = '\0';
		}
}

bool wizard_save(struct wizard *w, const char *path)
{
	struct gcr_spec s = w->spec;
	struct gcr_error err;

	gcr_spec_apply_defaults(&s, w->cat);
	if (gcr_spec_save(&s, path, &err) != GCR_OK) {
		wizard_message(w, UI_ROLE_ERROR, _("Could not save the spec: %s"), err.message);
		return false;
	}
	snprintf(w->saved_path, sizeof w->saved_path, "%s", path);
	w->dirty = false;
	wizard_message(w, UI_ROLE_MESSAGE, _("Spec saved to %s (use it with: gcrunner estimate --spec %s)"),
		       path, path);
	return true;
}

/* ---- events --------------------------------------------------------------- */

static unsigned form_result(struct wizard *w, const struct ui_form_result *res)
{
	const struct screen_ops *step = wizard_current(w);
	unsigned r = 0;

	switch (res->what) {
	case UI_FORM_PICKED:
	case UI_FORM_TOGGLED:
	case UI_FORM_EDITED:
		w->message[0] = '\0';
		if (step->apply)
			r |= step->apply(w, &w->form, res);
		return r | UI_REDRAW;
	case UI_FORM_SUBMIT: {
		int depth = w->depth;
		if (step->apply)
			r |= step->apply(w, &w->form, res);
		if (w->depth != depth || wizard_current(w) != step)
			return r | UI_REDRAW;   /* apply moved on already */
		if (ui_form_focus_is_last_field(&w->form) || w->form.nfields == 0)
			return r | wizard_next(w);
		ui_form_focus_step(&w->form, 1);
		return r | UI_REDRAW;
	}
	case UI_FORM_BUTTON:
		switch (res->button) {
		case UI_BUTTON_BACK:
			wizard_pop(w);
			return UI_HANDLED | UI_REDRAW;
		case UI_BUTTON_NEXT:
		case UI_BUTTON_START:
			return wizard_next(w);
		default:
			if (step->apply)
				r |= step->apply(w, &w->form, res);
			return r | UI_REDRAW;
		}
	case UI_FORM_REFUSED: {
		const struct ui_field *fld = &w->form.fields[res->field];
		if (res->item >= 0 && res->item < fld->nitems)
			wizard_message(w, UI_ROLE_REASON, _("%s cannot be chosen: %s"),
				       fld->items[res->item].label, fld->items[res->item].reason);
		return UI_REDRAW;
	}
	case UI_FORM_MOVED:
	case UI_FORM_NOTHING:
		break;
	}
	return r;
}

static unsigned wiz_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct wizard *w = data;
	const struct screen_ops *step = wizard_current(w);
	struct ui_form_result res;
	unsigned r;

	w->app = app;
	if (ev->kind == UI_EV_CLICK && ev->hit.kind >= WIZ_HIT_PANEL_ROW)
		return wiz_panel_event(w, ev);
	if (w->panel_full && w->spec.model != GCR_MODEL_NONE) {
		r = wiz_panel_event(w, ev);
		if (r & UI_HANDLED)
			return r;
	}
	if (step->key) {
		r = step->key(w, app, ev);
		if (r & UI_HANDLED)
			return r;
	}
	r = ui_form_event(&w->form, ev, &res);
	if (res.what != UI_FORM_NOTHING)
		r |= form_result(w, &res) | UI_HANDLED;
	if (r & UI_HANDLED)
		return r;
	if (ev->kind != UI_EV_KEY)
		return 0;
	switch (ev->action) {
	case UI_ACT_BACK:
		if (wizard_pop(w))
			return UI_HANDLED | UI_REDRAW;
		return UI_HANDLED;
	case UI_ACT_ESTIMATES:
	case UI_ACT_SORT:
		if (w->spec.model == GCR_MODEL_NONE) {
			wizard_message(w, UI_ROLE_HINT, "%s",
				       _("Estimates appear once the model is chosen."));
			return UI_HANDLED | UI_REDRAW;
		}
		return wiz_panel_event(w, ev);
	case UI_ACT_SAVE:
	case UI_ACT_SUBMIT:
		wizard_message(w, UI_ROLE_HINT, "%s",
			       _("Saving and submitting are on the review step, at the end."));
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

/* ---- drawing -------------------------------------------------------------- */

/* The bottom line: the most used keys, named from the action table. */
static void draw_status(struct wizard *w, int y, int cols)
{
	static const struct { enum ui_action act; const char *label; } hints[] = {
		{ UI_ACT_DOWN, N_("move") },
		{ UI_ACT_SELECT, N_("choose") },
		{ UI_ACT_NEXT_FIELD, N_("field") },
		{ UI_ACT_BACK, N_("back") },
		{ UI_ACT_HELP, N_("help") },
		{ UI_ACT_QUIT, N_("quit") },
		{ UI_ACT_ESTIMATES, N_("estimates") },
	};
	int x = 0;

	ui_draw_fill(y, 0, cols, UI_ROLE_STATUS);
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		const struct ui_action_info *a = ui_action_info(hints[i].act);
		char key[32];
		size_t n;

		if (hints[i].act == UI_ACT_ESTIMATES && w->spec.model == GCR_MODEL_NONE)
			continue;
		/* The first key name of the action, e.g. "Enter", "F1". */
		n = strcspn(a->keys, " ");
		snprintf(key, sizeof key, "%.*s", (int)n, a->keys);
		if (hints[i].act == UI_ACT_DOWN)
			snprintf(key, sizeof key, "%s", ui_theme_is_utf8() ? "↑↓" : "Up/Dn");
		if (x + ui_text_width(key) + ui_text_width(_(hints[i].label)) + 2 > cols)
			break;
		x += ui_draw_text(y, x + 1, cols - x - 1, UI_ROLE_KEY, key) + 1;
		x += ui_draw_text(y, x + 1, cols - x - 1, UI_ROLE_STATUS, _(hints[i].label)) + 2;
	}
}

static void draw_title(struct wizard *w, int cols)
{
	size_t nsteps;
	char right[256];
	int idx = w->stack[w->depth - 1];

	wizard_steps(&nsteps);
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	ui_draw_text(0, 1, cols / 2, UI_ROLE_TITLE, _("gcrunner: new GEOS-Chem run"));
	snprintf(right, sizeof right, _("Step %d of %d: %s"), idx + 1, (int)nsteps,
		 _(wizard_current(w)->title));
	ui_draw_text_right(0, cols - 1, cols / 2 - 2, UI_ROLE_TITLE, right);
}

static void draw_step(struct wizard *w, struct ui_app *app, int y, int x, int h, int width)
{
	const struct screen_ops *step = wizard_current(w);
	int used = 0;

	if (h <= 0)
		return;
	/* The step's name is in the title bar: the body starts with the step. */
	if (step->draw && h > 0) {
		used = step->draw(w, app, y, x, h, width);
		if (used > 0 && w->form.nfields + w->form.nbuttons > 0)
			used++;
	}
	if (h - used > 0)
		ui_form_draw(&w->form, app, y + used, x, h - used, width);
}

static void wiz_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct wizard *w = data;
	bool estimates = w->spec.model != GCR_MODEL_NONE;
	int body_y = 1, body_h = rows - 3;

	w->app = app;
	draw_title(w, cols);
	if (w->message[0])
		ui_draw_text_cut(rows - 2, 1, cols - 2, w->message_role, w->message);
	draw_status(w, rows - 1, cols);

	if (estimates && w->panel_full) {
		wiz_panel_draw(w, app, body_y, 1, body_h, cols - 2);
		return;
	}
	/* The review's plan holds time and cost already: it gets the width. */
	if (estimates && strcmp(wizard_current(w)->id, "review") == 0) {
		draw_step(w, app, body_y + 1, 2, body_h - 1, cols - 4);
		return;
	}
	if (estimates && cols >= 110 && rows >= 28) {
		/* Side by side: the step at the left, the panel at the right. */
		int left = cols * 42 / 100;
		if (left > 64)
			left = 64;
		draw_step(w, app, body_y + 1, 2, body_h - 1, left - 3);
		for (int r = body_y; r < body_y + body_h; r++)
			ui_draw_text(r, left, 1, UI_ROLE_BORDER, ui_glyphs()->vline);
		wiz_panel_draw(w, app, body_y + 1, left + 2, body_h - 1, cols - left - 3);
		return;
	}
	if (estimates && body_h >= 26) {
		/* Tall but narrow: the step above, the panel below it. */
		int want = ui_form_wanted_rows(&w->form, cols - 4) + 1;
		int step_h = want < body_h / 2 ? want : body_h / 2;
		if (step_h < 10)
			step_h = 10;
		draw_step(w, app, body_y + 1, 2, step_h, cols - 4);
		ui_draw_hline(body_y + step_h + 1, 0, cols, UI_ROLE_BORDER);
		wiz_panel_draw(w, app, body_y + step_h + 2, 1, body_h - step_h - 2, cols - 2);
		return;
	}
	if (estimates) {
		int sh = body_h >= 20 ? 4 : body_h >= 16 ? 3 : 2;
		draw_step(w, app, body_y + 1, 2, body_h - sh - 1, cols - 4);
		wiz_panel_draw_summary(w, app, body_y + body_h - sh, 0, sh, cols);
		return;
	}
	draw_step(w, app, body_y + 1, 2, body_h - 1, cols - 4);
}

static void wiz_help(void *data, const char **title, const char **text)
{
	static char buf[2048];
	struct wizard *w = data;
	const struct screen_ops *step = wizard_current(w);

	*title = _(step->title);
	if (w->spec.model == GCR_MODEL_NONE) {
		*text = _(step->help);
		return;
	}
	/* Once there are estimates, how to read them. */
	snprintf(buf, sizeof buf, "%s\n\n%s", _(step->help),
		 _("Estimates: one row per instance type with the run's wall time, its cost at spot "
		   "and on-demand prices, the cost per simulated day, whether it fits in memory, and "
		   "how sure the estimate is. The chart plots cost against time: a diamond marks the "
		   "Pareto front (no other option is both faster and cheaper), the dot your choice."));
	*text = buf;
}

static bool wiz_unsaved(void *data)
{
	struct wizard *w = data;
	return w->dirty && w->spec.model != GCR_MODEL_NONE;
}

const struct ui_view_ops wizard_view_ops = {
	.event = wiz_event,
	.draw = wiz_draw,
	.help = wiz_help,
	.unsaved = wiz_unsaved,
};
