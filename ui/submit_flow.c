/* submit_flow.c: the review's Submit and the settling of unfinished
 * submissions at start, on the submission engine (submit_flow.h). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "backend.h"
#include "i18n.h"
#include "journal.h"
#include "log.h"
#include "slurm/slurm_backend.h"
#include "submit/submit.h"
#include "ui/draw.h"
#include "ui/live_prices.h"
#include "ui/session.h"
#include "ui/submit_flow.h"
#include "ui/text.h"
#include "ui/wizard.h"

#define MAX_LINES 8

enum phase {
	PHASE_IDLE,
	PHASE_RUNNING,     /* the engine works on it */
	PHASE_ASKING,      /* over budget: the question is open */
	PHASE_DONE,
	PHASE_FAILED,
};

/* What a backend other than Batch reports to: that call cannot be
 * cancelled, so when the program ends first the ticket is cut loose from
 * the state and only frees itself when the answer comes. */
struct ticket {
	struct wiz_submit *flow;
};

struct wiz_submit {
	struct wizard *w;

	/* The submission. */
	enum phase phase;
	struct gcr_submit *handle;          /* Batch, while the engine runs */
	struct ticket *ticket;              /* other backends, while they run */
	struct gcr_submit_request req;      /* what was sent (for the over-budget retry) */
	char sim_id[64];
	bool quit_after_stop;
	bool closing;                       /* the program ends: no repaints */
	char budget_note[512];              /* over budget: which limit, by how much */
	char what[160];                     /* the step the engine is on */
	uint64_t done, total;
	int step;
	/* The plan last submitted successfully: not sent twice. */
	bool submitted;
	struct gcr_spec submitted_spec;
	/* The review's lines: progress or outcome. */
	char lines[MAX_LINES][UI_NOTE_MAX];
	enum ui_role roles[MAX_LINES];
	int nlines;

	/* The settling at start. */
	json_t *pending;                    /* [{sim, target}], in journal order */
	size_t next;
	struct gcr_submit *settling;        /* a Batch entry being settled */
	struct ticket *settle_ticket;       /* a cluster entry (backend.h) */
	int found, finished, records, cluster, skipped, failed;
	size_t waiting;                     /* Batch entries left for lack of credentials */
	char first_error[GCR_ERROR_MESSAGE_MAX + 80];
	char last_sim[64], last_job[128];
};

static struct wiz_submit *flow_of(struct wizard *w)
{
	if (!w->submit) {
		w->submit = calloc(1, sizeof *w->submit);
		if (!w->submit)
			abort();   /* a few kilobytes */
		w->submit->w = w;
	}
	return w->submit;
}

/* Repaints, with the review's buttons rebuilt (Submit and Back are
 * disabled while a submission runs). */
static void redraw(struct wiz_submit *f)
{
	if (f->closing || !f->w->app)
		return;
	if (strcmp(wizard_current(f->w)->id, "review") == 0)
		wizard_rebuild(f->w);
	ui_app_request_redraw(f->w->app);
}

static void add_line(struct wiz_submit *f, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_line(struct wiz_submit *f, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	if (f->nlines == MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(f->lines[f->nlines], sizeof f->lines[0], fmt, ap);
	va_end(ap);
	f->roles[f->nlines++] = role;
}

/* "12.3 KiB": a byte count, compact. */
static void format_bytes(uint64_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, _("%" PRIu64 " bytes"), n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, _("%.1f KiB"), n / 1024.0);
	else
		snprintf(buf, len, _("%.1f MiB"), n / (1024.0 * 1024.0));
}

/* The progress line, in the review and the message line. */
static void show_progress(struct wiz_submit *f)
{
	char a[32], b[32], text[UI_NOTE_MAX];

	if (f->total > 0) {
		format_bytes(f->done, a, sizeof a);
		format_bytes(f->total, b, sizeof b);
		snprintf(text, sizeof text, _("Submitting %s, step %d: %s, %s of %s"), f->sim_id,
			 f->step, f->what, a, b);
	} else if (f->what[0]) {
		snprintf(text, sizeof text, _("Submitting %s, step %d: %s"), f->sim_id, f->step,
			 f->what);
	} else {
		snprintf(text, sizeof text, "%s", _("Submitting: preparing the run bundle"));
	}
	f->nlines = 0;
	add_line(f, UI_ROLE_MESSAGE, "%s", text);
	add_line(f, UI_ROLE_HINT, "%s", _("Esc or q stops it (after a question); the next start "
					  "of gcrunner then finishes or settles it."));
	wizard_message(f->w, UI_ROLE_MESSAGE, "%s", text);
	redraw(f);
}

static void on_progress(const char *what, uint64_t done, uint64_t total, void *data)
{
	struct wiz_submit *f = data;

	if (strcmp(what, f->what) != 0) {
		snprintf(f->what, sizeof f->what, "%s", what);
		f->step++;
	}
	f->done = done;
	f->total = total;
	show_progress(f);
}

/* Progress of another backend: through the ticket, which outlives the
 * state when the program ends first. */
static void on_backend_progress(const char *what, uint64_t done, uint64_t total, void *data)
{
	struct ticket *t = data;

	if (t->flow && !t->flow->closing)
		on_progress(what, done, total, t->flow);
}

/* The spec and request the review's plan stands for: the chosen (or now
 * cheapest) instance type and the estimate the user saw. */
static bool make_request(struct wizard *w, struct gcr_submit_request *req)
{
	const struct gcr_estimate_option *cur = wizard_current_option(w);

	memset(req, 0, sizeof *req);
	req->spec = w->spec;
	if (!cur) {
		wizard_message(w, UI_ROLE_ERROR, "%s",
			       _("Nothing to submit: no instance type fits this plan."));
		return false;
	}
	if (!req->spec.instance_type[0])
		snprintf(req->spec.instance_type, sizeof req->spec.instance_type, "%s",
			 cur->instance_type);
	if (req->spec.model == GCR_MODEL_GCHP && req->spec.cores_per_node == 0)
		req->spec.cores_per_node = cur->cores_per_node;
	gcr_spec_apply_defaults(&req->spec, w->cat);
	req->cost_estimate_usd = req->spec.spot ? cur->cost_spot_usd : cur->cost_ondemand_usd;
	req->cost_high_usd = cur->cost_high_usd;
	req->wall_hours_high = cur->wall_hours_high;
	return true;
}

static void succeeded(struct wiz_submit *f, const char *job_id)
{
	struct wizard *w = f->w;

	f->phase = PHASE_DONE;
	f->submitted = true;
	f->submitted_spec = w->spec;
	gcr_log_debug("submitted %s as job %s", f->sim_id, job_id);
	if (w->on_submitted)
		w->on_submitted(w->on_submitted_data, f->sim_id);
}

/* The Batch engine's outcome. */
static void on_done(const struct gcr_submit_outcome *out, void *data);

static void start_batch(struct wiz_submit *f, struct gcr_backend_env *env)
{
	f->phase = PHASE_RUNNING;
	f->what[0] = '\0';
	f->step = 0;
	f->done = f->total = 0;
	show_progress(f);
	f->handle = gcr_submit_start(env, &f->req, on_progress, on_done, f);
}

static void on_budget_answer(void *data, bool yes)
{
	struct wiz_submit *f = data;
	struct gcr_error err;
	struct gcr_backend_env *env;

	if (f->phase != PHASE_ASKING)
		return;
	if (!yes) {
		f->phase = PHASE_FAILED;
		f->nlines = 0;
		add_line(f, UI_ROLE_WARNING, _("Not submitted: over budget: %s"), f->budget_note);
		wizard_message(f->w, UI_ROLE_WARNING, "%s",
			       _("Not submitted: the run would go over your budget."));
		redraw(f);
		return;
	}
	env = ui_session_env(f->w->session, true, &err);
	if (!env) {
		f->phase = PHASE_FAILED;
		wizard_message(f->w, UI_ROLE_ERROR, _("Not submitted: %s"), err.message);
		redraw(f);
		return;
	}
	/* The same simulation, now with the user's confirmation (recorded). */
	f->req.sim_id = f->sim_id;
	f->req.allow_over_budget = true;
	start_batch(f, env);
}

static void on_done(const struct gcr_submit_outcome *out, void *data)
{
	struct wiz_submit *f = data;
	struct wizard *w = f->w;
	json_t *warning;
	size_t i;

	f->handle = NULL;
	snprintf(f->sim_id, sizeof f->sim_id, "%s", out->sim_id);
	f->nlines = 0;
	if (out->status == GCR_ERR_CANCELLED && out->needs_confirmation && w->app) {
		char question[512];
		f->phase = PHASE_ASKING;
		snprintf(f->budget_note, sizeof f->budget_note, "%s", out->budget_note);
		snprintf(question, sizeof question,
			 _("Over budget: %s. Submit %s anyway? (Going over is recorded.)"),
			 out->budget_note, out->sim_id);
		add_line(f, UI_ROLE_WARNING, _("%s is over budget: %s"), out->sim_id,
			 out->budget_note);
		wizard_message(w, UI_ROLE_WARNING, "%s",
			       _("The run would go over your budget: confirm or keep it."));
		ui_app_ask(w->app, question, _("Submit anyway (y)"), _("Do not submit (n)"),
			   on_budget_answer, f);
		redraw(f);
		return;
	}
	if (out->status != GCR_OK) {
		f->phase = PHASE_FAILED;
		add_line(f, UI_ROLE_ERROR, _("Not submitted: %s"), out->err.message);
		wizard_message(w, UI_ROLE_ERROR, _("Not submitted: %s"), out->err.message);
		json_array_foreach(out->warnings, i, warning)
			add_line(f, UI_ROLE_WARNING, _("Warning: %s"), json_string_value(warning));
		redraw(f);
		return;
	}
	add_line(f, UI_ROLE_GOOD, _("Submitted: simulation %s is AWS Batch job %s%s."), out->sim_id,
		 out->job_id, out->reconciled ? _(" (found by its name after a lost answer)") : "");
	add_line(f, UI_ROLE_NORMAL, _("Results will be under %s"), out->results_uri);
	add_line(f, UI_ROLE_HINT, _("Run bundle: %s"), out->bundle_uri);
	if (out->over_budget)
		add_line(f, UI_ROLE_WARNING, _("Over budget, confirmed: %s"), out->budget_note);
	if (out->record_pending)
		add_line(f, UI_ROLE_WARNING, "%s",
			 _("The DynamoDB record is pending: the journal holds it and the next start "
			   "of gcrunner writes it."));
	json_array_foreach(out->warnings, i, warning)
		add_line(f, UI_ROLE_WARNING, _("Warning: %s"), json_string_value(warning));
	wizard_message(w, UI_ROLE_MESSAGE, _("Submitted %s as job %s."), out->sim_id, out->job_id);
	succeeded(f, out->job_id);
	redraw(f);
}

/* Another backend's answer (Slurm, ParallelCluster: backend.h). */
static void on_backend_done(enum gcr_status st, const struct gcr_error *err, const char *sim_id,
			    const char *job_id, void *data)
{
	struct ticket *t = data;
	struct wiz_submit *f = t->flow;
	struct wizard *w;

	free(t);
	if (!f)
		return;   /* the program ended meanwhile */
	w = f->w;
	f->ticket = NULL;
	f->nlines = 0;
	if (sim_id)
		snprintf(f->sim_id, sizeof f->sim_id, "%s", sim_id);
	if (st != GCR_OK) {
		f->phase = PHASE_FAILED;
		add_line(f, UI_ROLE_ERROR, _("Not submitted: %s"),
			 err ? err->message : _("the submission failed"));
		wizard_message(w, UI_ROLE_ERROR, "%s", f->lines[0]);
		redraw(f);
		return;
	}
	add_line(f, UI_ROLE_GOOD, _("Submitted: simulation %s is %s job %s."), f->sim_id,
		 wiz_target_label(f->req.spec.target), job_id ? job_id : "?");
	wizard_message(w, UI_ROLE_MESSAGE, _("Submitted %s as job %s."), f->sim_id,
		       job_id ? job_id : "?");
	succeeded(f, job_id ? job_id : "");
	redraw(f);
}

unsigned wiz_submit(struct wizard *w)
{
	struct wiz_submit *f = flow_of(w);
	const struct gcr_backend_ops *ops = gcr_backend_for(w->spec.target);
	struct gcr_backend_env *env;
	struct gcr_error err;
	char why[WIZ_MESSAGE_MAX];

	if (wiz_submit_busy(w)) {
		wizard_message(w, UI_ROLE_HINT, _("%s is being submitted already; wait for it, or "
						  "press Esc to stop it."), f->sim_id[0] ? f->sim_id : _("The run"));
		return UI_HANDLED | UI_REDRAW;
	}
	if (f->submitted && memcmp(&f->submitted_spec, &w->spec, sizeof w->spec) == 0) {
		wizard_message(w, UI_ROLE_HINT, _("This plan was submitted as %s; change the plan to "
						  "submit another run."), f->sim_id);
		return UI_HANDLED | UI_REDRAW;
	}
	if (!wizard_target_allowed(w, &w->spec, w->spec.target, why, sizeof why)) {
		wizard_message(w, UI_ROLE_ERROR, _("Not submitted: %s"), why);
		return UI_HANDLED | UI_REDRAW;
	}
	if (w->spec.target != GCR_TARGET_BATCH && !ops) {
		f->nlines = 0;
		add_line(f, UI_ROLE_WARNING, _("Submitting to %s from here comes with the "
					       "ParallelCluster/Slurm support."),
			 wiz_target_label(w->spec.target));
		add_line(f, UI_ROLE_HINT, "%s",
			 _("Until then: save the spec (w), write the run directory with 'gcrunner "
			   "export --spec FILE DIR' and submit it there; AWS Batch runs go with "
			   "'gcrunner submit --spec FILE'."));
		wizard_message(w, UI_ROLE_HINT, _("Submitting to %s comes with the ParallelCluster/"
						  "Slurm support: use gcrunner export for now."),
			       wiz_target_label(w->spec.target));
		return UI_HANDLED | UI_REDRAW;
	}
	if (!make_request(w, &f->req))
		return UI_HANDLED | UI_REDRAW;
	env = w->session ? ui_session_env(w->session, true, &err) : NULL;
	if (!env) {
		if (!w->session)
			gcr_error_set(&err, GCR_ERR_INTERNAL, "%s", _("no engine environment"));
		wizard_message(w, UI_ROLE_ERROR, _("Not submitted: %s"), err.message);
		return UI_HANDLED | UI_REDRAW;
	}
	f->sim_id[0] = '\0';
	f->quit_after_stop = false;
	if (w->spec.target == GCR_TARGET_BATCH) {
		start_batch(f, env);
	} else {
		/* Not cancellable: see struct ticket. */
		f->phase = PHASE_RUNNING;
		f->what[0] = '\0';
		f->step = 0;
		f->done = f->total = 0;
		f->ticket = calloc(1, sizeof *f->ticket);
		if (!f->ticket)
			abort();
		f->ticket->flow = f;
		f->req.progress = on_backend_progress;
		f->req.progress_data = f->ticket;
		show_progress(f);
		ops->submit(env, &f->req, on_backend_done, f->ticket);
	}
	redraw(f);
	return UI_HANDLED | UI_REDRAW;
}

bool wiz_submit_busy(const struct wizard *w)
{
	return w->submit && (w->submit->phase == PHASE_RUNNING || w->submit->phase == PHASE_ASKING);
}

bool wiz_submit_was_submitted(const struct wizard *w, const char **sim_id)
{
	bool yes = w->submit && w->submit->submitted &&
		   memcmp(&w->submit->submitted_spec, &w->spec, sizeof w->spec) == 0;

	if (yes && sim_id)
		*sim_id = w->submit->sim_id;
	return yes;
}

/* Stops the running submission (the engine's done runs at once, with
 * "cancelled"). */
static void stop(struct wiz_submit *f)
{
	if (f->handle) {
		struct gcr_submit *h = f->handle;
		f->handle = NULL;
		gcr_submit_cancel(h);
	}
	if (f->ticket) {
		f->ticket->flow = NULL;
		f->ticket = NULL;
	}
	if (f->phase == PHASE_RUNNING || f->phase == PHASE_ASKING)
		f->phase = PHASE_FAILED;
}

static void on_stop_answer(void *data, bool yes)
{
	struct wiz_submit *f = data;
	struct wizard *w = f->w;

	if (!yes) {
		f->quit_after_stop = false;
		return;
	}
	if (f->phase == PHASE_RUNNING && f->ticket) {
		wizard_message(w, UI_ROLE_WARNING, "%s",
			       _("This target's submission cannot be stopped from here; it goes on."));
		if (f->quit_after_stop && w->app)
			ui_app_quit(w->app, 0);
		return;
	}
	stop(f);
	f->nlines = 0;
	add_line(f, UI_ROLE_WARNING, _("Stopped. If %s got as far as the journal, the next start "
				       "of gcrunner finishes or settles it (never twice)."),
		 f->sim_id[0] ? f->sim_id : _("the run"));
	wizard_message(w, UI_ROLE_WARNING, "%s", _("Submission stopped."));
	if (f->quit_after_stop && w->app)
		ui_app_quit(w->app, 0);
	redraw(f);
}

unsigned wiz_submit_ask_stop(struct wizard *w, bool quit)
{
	struct wiz_submit *f = flow_of(w);

	if (!wiz_submit_busy(w) || !w->app)
		return 0;
	if (f->phase == PHASE_ASKING)
		return UI_HANDLED;   /* the budget question is open and answers first */
	f->quit_after_stop = quit;
	ui_app_ask(w->app, quit ? _("A submission is running. Stop it and quit?")
				: _("A submission is running. Stop it?"),
		   quit ? _("Stop and quit (y)") : _("Stop (y)"), _("Let it run (n)"),
		   on_stop_answer, f);
	return UI_HANDLED | UI_REDRAW;
}

int wiz_submit_draw(struct wizard *w, int y, int x, int h, int width)
{
	struct wiz_submit *f = w->submit;
	int used = 0;

	if (!f || f->phase == PHASE_IDLE || f->nlines == 0)
		return 0;
	if (!wiz_submit_busy(w) && f->phase == PHASE_DONE && !wiz_submit_was_submitted(w, NULL))
		return 0;   /* the plan changed since: old news */
	for (int i = 0; i < f->nlines && used < h; i++)
		used += ui_draw_wrapped(y + used, x, h - used, width, f->roles[i], f->lines[i]);
	return used;
}

/* ---- settling at start ------------------------------------------------------------------ */

static void settle_next(struct wiz_submit *f);

static void wait_note(struct wizard *w, size_t n)
{
	wizard_message(w, UI_ROLE_HINT,
		       P_("%zu unfinished submission waits for AWS credentials "
			  "(then: gcrunner submit --reconcile).",
			  "%zu unfinished submissions wait for AWS credentials "
			  "(then: gcrunner submit --reconcile).", n), n);
}

static void settle_report(struct wiz_submit *f)
{
	struct wizard *w = f->w;
	int settled = f->found + f->finished + f->records + f->cluster;

	if (f->failed > 0)
		wizard_message(w, UI_ROLE_WARNING,
			       P_("%d unfinished submission could not be settled: %s "
					"(gcrunner submit --reconcile tries again)",
					"%d unfinished submissions could not be settled: %s "
					"(gcrunner submit --reconcile tries again)", f->failed),
			       f->failed, f->first_error);
	else if (settled == 1 && f->found == 1)
		wizard_message(w, UI_ROLE_MESSAGE,
			       _("Settled an interrupted submission: %s had been submitted as job %s."),
			       f->last_sim, f->last_job);
	else if (settled == 1 && f->finished == 1)
		wizard_message(w, UI_ROLE_MESSAGE,
			       _("Finished an interrupted submission: %s is job %s."), f->last_sim,
			       f->last_job);
	else if (settled == 1 && f->cluster == 1)
		wizard_message(w, UI_ROLE_MESSAGE,
			       _("Settled an interrupted submission: %s is job %s."), f->last_sim,
			       f->last_job);
	else if (settled > 0)
		wizard_message(w, UI_ROLE_MESSAGE,
			       _("Settled %d unfinished submissions: %d found by name, %d finished, "
				 "%d records written, %d on clusters."), settled, f->found, f->finished,
			       f->records, f->cluster);
	else if (f->skipped > 0)
		wizard_message(w, UI_ROLE_HINT, "%s",
			       _("Unfinished submissions are being settled by another gcrunner."));
	else if (f->waiting > 0)
		wait_note(w, f->waiting);
	redraw(f);
}

static void on_settled_one(const struct gcr_submit_outcome *out, void *data)
{
	struct wiz_submit *f = data;

	f->settling = NULL;
	if (out->skipped) {
		f->skipped++;
	} else if (out->status != GCR_OK && !out->abandoned) {
		if (f->failed++ == 0)
			snprintf(f->first_error, sizeof f->first_error, "%s: %s", out->sim_id,
				 out->err.message);
	} else if (out->status == GCR_OK) {
		snprintf(f->last_sim, sizeof f->last_sim, "%s", out->sim_id);
		snprintf(f->last_job, sizeof f->last_job, "%s", out->job_id);
		if (out->reconciled)
			f->found++;
		else if (out->resubmitted)
			f->finished++;
		else
			f->records++;
	}
	gcr_log_debug("settled %s: status %d, job %s", out->sim_id, (int)out->status, out->job_id);
	if (out->status == GCR_ERR_CANCELLED)
		return;   /* stopped: the program ends */
	settle_next(f);
}

/* A cluster entry's answer (Slurm, ParallelCluster). */
static void on_cluster_settled(enum gcr_status st, const struct gcr_error *err,
			       const char *sim_id, const char *job_id, void *data)
{
	struct ticket *t = data;
	struct wiz_submit *f = t->flow;

	free(t);
	if (!f)
		return;   /* the program ended meanwhile */
	f->settle_ticket = NULL;
	if (st == GCR_OK) {
		f->cluster++;
		snprintf(f->last_sim, sizeof f->last_sim, "%s", sim_id ? sim_id : "");
		snprintf(f->last_job, sizeof f->last_job, "%s", job_id ? job_id : "?");
	} else if (f->failed++ == 0) {
		snprintf(f->first_error, sizeof f->first_error, "%s: %s", sim_id ? sim_id : "",
			 err ? err->message : _("the submission failed"));
	}
	gcr_log_debug("settled %s: status %d, job %s", sim_id ? sim_id : "", (int)st,
		      job_id ? job_id : "");
	settle_next(f);
}

/* Settles a cluster entry through its backend; false when there is none. */
static bool settle_cluster(struct wiz_submit *f, const char *sim, const char *target)
{
	enum gcr_target t;
	const struct gcr_backend_ops *ops;
	struct gcr_backend_env *env;
	struct gcr_error err;

	if (!target || !gcr_target_from_id(target, &t) || !(ops = gcr_backend_for(t)) ||
	    !ops->reconcile)
		return false;
	/* A Slurm cluster over ssh needs no AWS; ParallelCluster's SSM does. */
	env = ui_aws_credentials_likely() ? ui_session_env(f->w->session, true, &err) : NULL;
	if (!env)
		env = ui_session_env(f->w->session, false, &err);
	if (!env)
		return false;
	f->settle_ticket = calloc(1, sizeof *f->settle_ticket);
	if (!f->settle_ticket)
		abort();
	f->settle_ticket->flow = f;
	ops->reconcile(env, sim, on_cluster_settled, f->settle_ticket);
	return true;
}

/* One entry after the other (gcr_submit_reconcile_all does the same for
 * Batch, but cannot be stopped when the program ends; these can). */
static void settle_next(struct wiz_submit *f)
{
	struct gcr_error err;
	struct gcr_backend_env *env;
	json_t *entry;
	const char *sim, *target;

	if (!f->pending)
		return;
	if (f->next >= json_array_size(f->pending)) {
		json_decref(f->pending);
		f->pending = NULL;
		settle_report(f);
		return;
	}
	entry = json_array_get(f->pending, f->next++);
	sim = json_string_value(json_object_get(entry, "sim"));
	target = json_string_value(json_object_get(entry, "target"));
	if (target && strcmp(target, "batch") != 0) {
		if (!settle_cluster(f, sim, target))
			settle_next(f);   /* that backend is not built in */
		return;
	}
	env = ui_session_env(f->w->session, true, &err);
	if (!env) {
		json_decref(f->pending);
		f->pending = NULL;
		wizard_message(f->w, UI_ROLE_WARNING, _("Unfinished submissions not settled: %s"),
			       err.message);
		redraw(f);
		return;
	}
	f->settling = gcr_submit_reconcile(env, sim, NULL, on_settled_one, f);
}

void wiz_submit_settle_at_start(struct wizard *w)
{
	struct wiz_submit *f;
	struct gcr_backend_env *env;
	struct gcr_error err;
	bool credentials = ui_aws_credentials_likely();
	size_t batch = 0, n;
	json_t *pending;

	if (!w->session || !w->app)
		return;
	env = ui_session_env(w->session, false, &err);
	if (!env || !env->journal)
		return;
	/* Batch entries (the count refreshes the journal), then cluster ones. */
	batch = gcr_submit_pending_count(env->journal);
	pending = json_array();
	for (size_t i = 0; i < gcr_journal_count(env->journal); i++) {
		const char *sim = gcr_journal_sim_at(env->journal, i);
		json_t *state = gcr_journal_get(env->journal, sim);
		bool is_batch = gcr_submit_needs_reconcile(state);

		if ((is_batch && credentials) || gcr_cluster_submit_needs_reconcile(state))
			json_array_append_new(pending, json_pack("{s:s, s:s?}", "sim", sim, "target",
						json_string_value(json_object_get(state, "target"))));
	}
	n = json_array_size(pending);
	if (n == 0) {
		json_decref(pending);
		if (batch > 0)
			wait_note(w, batch);
		return;
	}
	f = flow_of(w);
	f->pending = pending;
	f->next = 0;
	f->waiting = credentials ? 0 : batch;
	wizard_message(w, UI_ROLE_HINT,
		       P_("Settling %zu unfinished submission in the background...",
			  "Settling %zu unfinished submissions in the background...", n), n);
	gcr_log_debug("settling %zu unfinished submissions", n);
	settle_next(f);
}

void wiz_submit_free(struct wizard *w)
{
	struct wiz_submit *f = w->submit;

	if (!f)
		return;
	f->closing = true;   /* the app is gone: no repaints */
	stop(f);
	if (f->settle_ticket) {
		f->settle_ticket->flow = NULL;
		f->settle_ticket = NULL;
	}
	if (f->settling) {
		struct gcr_submit *h = f->settling;
		json_decref(f->pending);
		f->pending = NULL;
		f->settling = NULL;
		gcr_submit_cancel(h);
	}
	json_decref(f->pending);
	free(f);
	w->submit = NULL;
}
