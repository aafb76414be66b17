/* logfollow.c: a run's log, read from the start and followed -- CloudWatch
 * GetLogEvents through the backend, sending nextForwardToken each time, in
 * the log group the job's own log configuration names.  While following,
 * an empty page means "caught up": wait 2 s (doubling up to 60 s while the
 * service throttles), and look at the job's state every few polls so the
 * follower stops once the job is final and its log drained.  Every line
 * also feeds the run's progress. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "runs/runs_internal.h"

#define FOLLOW_POLL_MS 2000
#define FOLLOW_MAX_BACKOFF_MS 60000
#define FOLLOW_DESCRIBE_EVERY 3

struct gcr_log_follow {
	struct gcr_runs *runs;
	struct run_entry *e;
	bool follow;
	gcr_log_lines_cb lines;
	gcr_backend_done_cb done;
	void *data;
	char token[1024];
	bool stopped;          /* gcr_log_follow_stop was called */
	bool quiet;            /* finished or the model is gone: no more callbacks */
	bool busy;             /* a call is out */
	bool at_end_told;
	bool final_before;     /* the job was final when this read started */
	int delay_ms;
	int idle_polls;
	uv_timer_t timer;
	struct gcr_error start_error;
	struct gcr_log_follow *next;
};

static void step(struct gcr_log_follow *f);

static void on_closed(uv_handle_t *h)
{
	struct gcr_log_follow *f = h->data;

	runs_unref(f->runs);
	free(f);
}

static void maybe_free(struct gcr_log_follow *f)
{
	struct gcr_log_follow **p;

	if (!f->stopped || f->busy)
		return;
	for (p = &f->runs->followers; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	uv_timer_stop(&f->timer);
	uv_close((uv_handle_t *)&f->timer, on_closed);
}

static void finish(struct gcr_log_follow *f, enum gcr_status st, const struct gcr_error *err)
{
	if (f->quiet)
		return;
	f->quiet = true;
	uv_timer_stop(&f->timer);
	if (f->done)
		f->done(st, st == GCR_OK ? NULL : err, f->data);
}

static void on_timer(uv_timer_t *t)
{
	step(t->data);
}

static void later(struct gcr_log_follow *f, int ms)
{
	if (!f->quiet && !f->stopped)
		uv_timer_start(&f->timer, on_timer, (uint64_t)ms, 0);
}

static bool throttled(const struct gcr_error *err)
{
	return err && (strstr(err->message, "Throttl") || strstr(err->message, "TooManyRequests") ||
		       strstr(err->message, "Rate exceeded"));
}

static void on_described(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_run_status *statuses, size_t n, void *data)
{
	struct gcr_log_follow *f = data;

	f->busy = false;
	runs_unref(f->runs);
	if (f->stopped || f->quiet) {
		maybe_free(f);
		return;
	}
	if (st == GCR_OK && n > 0) {
		runs_apply_status(f->runs, f->e, &statuses[0]);
	} else if (st != GCR_OK && !throttled(err)) {
		finish(f, st, err);
		return;
	}
	if (!f->e->log_stream) {
		struct gcr_error e;
		if (gcr_run_state_is_final(f->e->state)) {
			gcr_error_set(&e, GCR_ERR_NOT_FOUND, _("%s ended without writing a log"),
				      f->e->sim_id);
			finish(f, e.code, &e);
		} else if (!f->follow) {
			gcr_error_set(&e, GCR_ERR_NOT_FOUND, _("no log yet: %s has not started (%s)"),
				      f->e->sim_id, gcr_run_state_label(f->e->state));
			finish(f, e.code, &e);
		} else {
			later(f, FOLLOW_POLL_MS * 2);
		}
		return;
	}
	later(f, 0);
}

static void describe(struct gcr_log_follow *f)
{
	const struct gcr_backend_ops *ops = gcr_backend_for(f->e->target);
	const char *ids[1] = { f->e->job_id };
	struct gcr_backend_env env = runs_env_for(f->runs, f->e);

	f->busy = true;
	runs_ref(f->runs);
	ops->refresh(&env, ids, 1, on_described, f);
}

static void on_page(enum gcr_status st, const struct gcr_error *err, const struct gcr_log_page *page,
		    void *data)
{
	struct gcr_log_follow *f = data;
	bool at_end, moved = false;
	size_t n;

	f->busy = false;
	runs_unref(f->runs);
	if (f->stopped || f->quiet) {
		maybe_free(f);
		return;
	}
	if (st != GCR_OK || !page) {
		if (f->follow && throttled(err)) {
			f->delay_ms = f->delay_ms * 2 > FOLLOW_MAX_BACKOFF_MS ? FOLLOW_MAX_BACKOFF_MS
									   : f->delay_ms * 2;
			later(f, f->delay_ms);
			return;
		}
		finish(f, st != GCR_OK ? st : GCR_ERR_INTERNAL, err);
		return;
	}
	f->delay_ms = FOLLOW_POLL_MS;
	n = json_array_size(page->lines);
	for (size_t i = 0; i < n; i++) {
		const char *m = json_string_value(json_object_get(json_array_get(page->lines, i), "m"));
		if (runs_progress_feed(f->e, m))
			moved = true;
	}
	/* The run's progress moved: tell the screen now unless a refresh
	 * cycle (which notifies at its end) is running. */
	if (moved && !f->runs->cycling)
		runs_notify(f->runs);
	else if (moved)
		f->runs->changed_now = true;
	at_end = n == 0 || strcmp(page->next, f->token) == 0;
	snprintf(f->token, sizeof f->token, "%s", page->next);
	if (n > 0 || (at_end && !f->at_end_told)) {
		f->at_end_told = at_end;
		if (f->lines)
			f->lines(page->lines, at_end, f->data);
		if (f->stopped || f->quiet) {
			maybe_free(f);
			return;
		}
	}
	if (!at_end) {
		later(f, 0);
		return;
	}
	if (!f->follow || f->final_before) {
		finish(f, GCR_OK, NULL);
		return;
	}
	if (++f->idle_polls % FOLLOW_DESCRIBE_EVERY == 0 || gcr_run_state_is_final(f->e->state)) {
		/* The model may not be refreshing (the command line): look. */
		describe(f);
		return;
	}
	later(f, f->delay_ms);
}

static void step(struct gcr_log_follow *f)
{
	const struct gcr_backend_ops *ops;
	struct gcr_run_status st;
	struct gcr_backend_env env;

	if (f->stopped || f->quiet || f->busy)
		return;
	if (f->start_error.code != GCR_OK) {
		finish(f, f->start_error.code, &f->start_error);
		return;
	}
	if (!f->e->log_stream) {
		describe(f);
		return;
	}
	ops = gcr_backend_for(f->e->target);
	f->final_before = gcr_run_state_is_final(f->e->state);
	runs_entry_status(f->e, &st);
	f->busy = true;
	runs_ref(f->runs);
	env = runs_env_for(f->runs, f->e);
	ops->logs(&env, &st, f->token, on_page, f);
}

struct gcr_log_follow *gcr_log_follow_start(struct gcr_runs *runs, const char *sim_id, bool follow,
					    gcr_log_lines_cb lines, gcr_backend_done_cb done,
					    void *data)
{
	struct gcr_log_follow *f = calloc(1, sizeof *f);
	bool ambiguous;
	struct gcr_error err = { 0 };
	const struct gcr_backend_ops *ops;

	if (!f)
		abort();
	f->runs = runs;
	f->follow = follow;
	f->lines = lines;
	f->done = done;
	f->data = data;
	f->delay_ms = FOLLOW_POLL_MS;
	uv_timer_init(runs->env.loop, &f->timer);
	f->timer.data = f;
	runs_ref(runs);
	f->next = runs->followers;
	runs->followers = f;
	f->e = runs_entry_find(runs, sim_id, &ambiguous);
	ops = f->e ? gcr_backend_for(f->e->target) : NULL;
	if (!f->e)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND,
			      ambiguous ? _("'%s' matches more than one run; give more of the id")
					: _("no run '%s' (ids look like gcr-20261127T210000Z-1a2b3c4d, "
					    "or give a job id or a unique prefix; gcrunner jobs lists "
					    "them)"), sim_id);
	else if (!f->e->job_id)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("%s has no job, so no log"), f->e->sim_id);
	else if (!ops || !ops->logs || !ops->refresh)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("gcrunner cannot read logs of target %s yet"),
			      gcr_target_id(f->e->target));
	else if (!runs->env.aws && f->e->target != GCR_TARGET_SLURM)
		gcr_error_set(&err, GCR_ERR_AUTH, _("no AWS client: check the AWS configuration "
						    "(gcrunner whoami)"));
	f->start_error = err;      /* reported on the loop, as every outcome */
	later(f, 0);
	return f;
}

void gcr_log_follow_stop(struct gcr_log_follow *f)
{
	if (!f || f->stopped)
		return;
	f->stopped = true;
	f->quiet = true;
	maybe_free(f);
}

void runs_followers_stop_all(struct gcr_runs *runs)
{
	for (struct gcr_log_follow *f = runs->followers; f; f = f->next) {
		f->quiet = true;
		uv_timer_stop(&f->timer);
	}
}
