/* submit.c: the submission engine -- one state machine for a new
 * submission and for finishing one a killed program left in the journal
 * (see submit.h for the steps and the journal events). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/batch.h"
#include "aws/retry.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "bundle/bundle.h"
#include "catalog.h"
#include "estimate.h"
#include "i18n.h"
#include "journal.h"
#include "log.h"
#include "paths.h"
#include "settings.h"
#include "submit/submit.h"
#include "submit/submit_internal.h"

/* SubmitJob sends in one process before giving the entry to the next start. */
#define MAX_SUBMIT_SENDS 3
/* Throttled (or never connected) SubmitJob calls retried here. */
#define MAX_THROTTLE_RETRIES 6

struct gcr_submit;
typedef void (*step_fn)(struct gcr_submit *s);

struct gcr_submit {
	struct gcr_backend_env env;
	struct gcr_aws *aws_once;         /* max_attempts 1: SubmitJob is retried here */
	gcr_backend_progress_cb progress;
	void *progress_data;
	gcr_submit_done_cb done;
	void *data;

	struct gcr_spec spec;
	struct submit_plan plan;
	struct submit_budget budget;
	struct gcr_bundle *bundle;
	json_t *item;                     /* the Simulations item */
	json_t *intent_extra;             /* estimate summary for the journal */
	char jobdef_arn[512];
	char submitted_at[32];
	bool dry_run, allow_over_budget, resume;
	bool user_from_sts;
	bool record_created;
	bool record_pending;
	bool quota_pending;
	bool submitting_seen;
	double submitting_at;             /* epoch seconds of the last "submitting" */
	double first_at;                  /* epoch seconds of the intent */
	int sends, unknown_sends, throttle_retries;
	bool first_look;                  /* resuming: the look before the other steps */
	bool ddb_down;                    /* a DynamoDB call could not connect: skip the rest */
	double settle_s, resume_max_h;
	size_t upload_i;
	uint64_t upload_done, upload_total;
	int lock_fd;
	char *lock_path;

	uv_timer_t *timer;
	step_fn next;                     /* run by the timer */
	bool busy;                        /* a callback is outstanding */
	bool cancelled, finished;
	bool closed;                      /* the journal entry was closed */
	struct gcr_submit_outcome out;
};

/* ---- small helpers -------------------------------------------------------------------- */

void submit_kill_point(const char *step)
{
	const char *at = getenv(GCR_SUBMIT_TEST_KILL_ENV);

	if (at && strcmp(at, step) == 0)
		raise(SIGKILL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void submit_rfc3339_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double parse_rfc3339(const char *text)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!text || !strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 0;
	return (double)timegm(&tm);
}

static void warn(struct gcr_submit *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct gcr_submit *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(s->out.warnings, json_string(buf));
	gcr_log_debug("%s: %s", s->plan.sim_id, buf);
}

static void progress(struct gcr_submit *s, const char *what, uint64_t done, uint64_t total)
{
	if (s->progress && !s->cancelled && !s->dry_run)
		s->progress(what, done, total, s->progress_data);
}

/* Appends a journal event; the journal is the truth, so a failure to write
 * it stops the submission. */
static enum gcr_status journal(struct gcr_submit *s, const char *event, json_t *fields,
			       struct gcr_error *err)
{
	enum gcr_status st = gcr_journal_append(s->env.journal, s->plan.sim_id, event, fields, err);

	json_decref(fields);
	return st;
}

/* ---- lifetime ------------------------------------------------------------------------- */

static void on_timer_closed(uv_handle_t *h)
{
	struct gcr_submit *s = h->data;

	free(h);
	if (s->aws_once)
		gcr_aws_free(s->aws_once);
	gcr_bundle_free(s->bundle);
	json_decref(s->item);
	json_decref(s->intent_extra);
	json_decref(s->out.requests);
	json_decref(s->out.warnings);
	free(s->lock_path);
	free(s);
}

void submit_sim_unlock(int *fd, const char *path, bool settled)
{
	if (*fd < 0)
		return;
	/* A settled entry needs no lock any more: nobody submits it again. */
	if (settled && path)
		unlink(path);
	flock(*fd, LOCK_UN);
	close(*fd);
	*fd = -1;
}

static void release_lock(struct gcr_submit *s, bool settled)
{
	submit_sim_unlock(&s->lock_fd, s->lock_path, settled);
}

/* Reports once, then frees the engine after the loop has closed its timer
 * (also when an outstanding callback of a cancelled submission arrives). */
static void finish(struct gcr_submit *s, enum gcr_status st, const struct gcr_error *err)
{
	if (s->finished)
		return;
	s->finished = true;
	s->out.status = st;
	if (st != GCR_OK && err)
		s->out.err = *err;
	else if (st != GCR_OK)
		gcr_error_set(&s->out.err, st, _("the submission failed"));
	s->out.record_pending = s->record_pending;
	release_lock(s, *s->out.job_id || s->closed);
	uv_timer_stop(s->timer);
	if (!s->cancelled)
		s->done(&s->out, s->data);
	if (!s->busy)
		uv_close((uv_handle_t *)s->timer, on_timer_closed);
}

/* At the start of every callback: false when the submission was cancelled
 * meanwhile (then it is freed here). */
static bool arrive(struct gcr_submit *s)
{
	s->busy = false;
	if (s->cancelled) {
		if (!uv_is_closing((uv_handle_t *)s->timer))
			uv_close((uv_handle_t *)s->timer, on_timer_closed);
		return false;
	}
	return true;
}

static void on_timer(uv_timer_t *t)
{
	struct gcr_submit *s = t->data;
	step_fn fn = s->next;

	s->next = NULL;
	if (fn && !s->finished)
		fn(s);
}

static void later(struct gcr_submit *s, step_fn fn, uint64_t ms)
{
	s->next = fn;
	uv_timer_start(s->timer, on_timer, ms, 0);
}

static void fail_later_step(struct gcr_submit *s)
{
	finish(s, s->out.err.code, &s->out.err);
}

static struct gcr_submit *alloc_submit(const struct gcr_backend_env *env,
				       gcr_backend_progress_cb prog, gcr_submit_done_cb done,
				       void *data)
{
	struct gcr_submit *s = calloc(1, sizeof *s);

	if (!s)
		abort();
	s->env = *env;
	s->progress = prog;
	s->progress_data = data;
	s->done = done;
	s->data = data;
	s->lock_fd = -1;
	s->out.warnings = json_array();
	s->settle_s = gcr_settings_get_number(env->settings, "batch.reconcile_settle_seconds",
					      SUBMIT_DEFAULT_SETTLE_S);
	s->resume_max_h = gcr_settings_get_number(env->settings, "batch.resume_max_hours",
						  SUBMIT_DEFAULT_RESUME_MAX_H);
	s->timer = calloc(1, sizeof *s->timer);
	if (!s->timer)
		abort();
	uv_timer_init(env->loop, s->timer);
	s->timer->data = s;
	return s;
}

/* Fails on the loop, so done never runs before the start function returned. */
static struct gcr_submit *fail_soon(struct gcr_submit *s, const struct gcr_error *err)
{
	s->out.err = *err;
	later(s, fail_later_step, 0);
	return s;
}

void gcr_submit_cancel(struct gcr_submit *s)
{
	struct gcr_error err;

	if (!s || s->finished)
		return;
	gcr_error_set(&err, GCR_ERR_CANCELLED,
		      _("submission stopped; the next start of gcrunner finishes or settles it"));
	finish(s, GCR_ERR_CANCELLED, &err);
	/* From here on nothing is reported; an outstanding callback frees. */
	s->cancelled = true;
}

/* The per-simulation lock: whoever holds it is the only one who may send
 * this simulation's SubmitJob (or sbatch).  Non-blocking; released by the
 * kernel when the process dies. */
enum gcr_status submit_sim_lock(const char *sim_id, int *fd, char **path, bool *busy,
				struct gcr_error *err)
{
	char *dir = gcr_dir(GCR_DIR_STATE), *locks;
	enum gcr_status st;

	*busy = false;
	if (!dir)
		return gcr_error_set(err, GCR_ERR_IO,
				     _("cannot find a state directory: set HOME or XDG_STATE_HOME"));
	locks = gcr_strdup_printf("%s/locks", dir);
	free(dir);
	st = gcr_mkdir_p(locks, 0700, err);
	if (st != GCR_OK) {
		free(locks);
		return st;
	}
	free(*path);
	*path = gcr_strdup_printf("%s/%s.lock", locks, sim_id);
	free(locks);
	*fd = open(*path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return gcr_error_set(err, GCR_ERR_IO, _("cannot open the lock %s: %s"), *path,
				     strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(*fd);
		*fd = -1;
		if (e == EWOULDBLOCK) {
			*busy = true;
			return GCR_OK;
		}
		return gcr_error_set(err, GCR_ERR_IO, _("cannot lock %s: %s"), *path, strerror(e));
	}
	return GCR_OK;
}

static enum gcr_status take_lock(struct gcr_submit *s, bool *busy, struct gcr_error *err)
{
	return submit_sim_lock(s->plan.sim_id, &s->lock_fd, &s->lock_path, busy, err);
}

/* ---- steps, in order ---------------------------------------------------------------------- */

static void step_identity(struct gcr_submit *s);
static void step_budget(struct gcr_submit *s);
static void step_intent(struct gcr_submit *s);
static void step_record(struct gcr_submit *s);
static void step_upload(struct gcr_submit *s);
static void step_jobdef(struct gcr_submit *s);
static void step_check(struct gcr_submit *s);
static void step_submit(struct gcr_submit *s);
static void step_record_job(struct gcr_submit *s);
static void step_quota(struct gcr_submit *s);
static void resume_continue(struct gcr_submit *s);

static void fill_locations(struct gcr_submit *s)
{
	snprintf(s->out.bundle_uri, sizeof s->out.bundle_uri, "s3://%s/%s/configurations/%s/",
		 s->plan.bucket, s->plan.user_id, s->plan.sim_id);
	if (*s->out.job_id)
		snprintf(s->out.results_uri, sizeof s->out.results_uri, "s3://%s/%s/results/%s/",
			 s->plan.bucket, s->plan.user_id, s->out.job_id);
}

/* Nothing reached Batch and nothing will: close the entry (journal, and
 * the record if there is one), then report err. */
static void on_record_closed(enum gcr_status st, const struct gcr_error *err, json_t *item,
			     void *data)
{
	struct gcr_submit *s = data;

	(void)item;
	if (!arrive(s))
		return;
	if (st != GCR_OK)
		warn(s, _("could not mark the record as failed: %s"), err->message);
	finish(s, s->out.err.code, &s->out.err);
}

static void close_entry(struct gcr_submit *s, const char *event, const char *record_status,
			const struct gcr_error *err)
{
	struct gcr_error jerr = { 0 };

	s->out.err = *err;
	if (journal(s, event, json_pack("{s:b, s:s}", "closed", 1, "error", err->message),
		    &jerr) != GCR_OK)
		warn(s, "%s", jerr.message);
	else
		s->closed = true;
	if (!s->record_created || s->ddb_down) {
		finish(s, err->code, err);
		return;
	}
	s->busy = true;
	submit_record_close(s->env.aws, &s->plan, record_status, err->message, on_record_closed, s);
}

static void fail_definite(struct gcr_submit *s, const struct gcr_error *err)
{
	close_entry(s, "failed", "SUBMIT_FAILED", err);
}

/* A DynamoDB failure: the journal keeps what was to be written. */
static void ddb_failed(struct gcr_submit *s, const struct gcr_error *err)
{
	if (err->code == GCR_ERR_NETWORK && !s->ddb_down) {
		s->ddb_down = true;
		warn(s, _("DynamoDB could not be reached (%s): the journal keeps the record and the "
			  "next start of gcrunner writes it"), err->message);
	} else if (err->code != GCR_ERR_NETWORK) {
		warn(s, _("the DynamoDB record was not written (%s): the journal keeps it and the "
			  "next start of gcrunner writes it"), err->message);
	}
}

/* After a write of the Simulations record: journals that it is written
 * (ok_event, ok_fields: taken) or that it is pending.  False when the
 * journal could not be written (the submission has finished then). */
static bool journal_record_result(struct gcr_submit *s, enum gcr_status st,
				  const struct gcr_error *err, const char *ok_event,
				  json_t *ok_fields)
{
	struct gcr_error jerr = { 0 };
	enum gcr_status jst;

	if (st == GCR_OK) {
		s->record_created = true;
		s->record_pending = false;
		jst = journal(s, ok_event, ok_fields, &jerr);
	} else {
		json_decref(ok_fields);
		s->record_pending = true;
		ddb_failed(s, err);
		jst = journal(s, "record_pending", json_pack("{s:b, s:s}", "record_pending", 1,
							     "record_error", err->message), &jerr);
	}
	if (jst != GCR_OK) {
		finish(s, jst, &jerr);
		return false;
	}
	return true;
}

/* -- identity -- */

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct gcr_submit *s = data;
	char *user;

	if (!arrive(s))
		return;
	if (st != GCR_OK) {
		struct gcr_error e = *err;
		gcr_error_prefix(&e, _("cannot find out who you are (set aws.user_id to skip this)"));
		finish(s, e.code, &e);
		return;
	}
	user = submit_user_id_from_identity(id->account, id->arn);
	snprintf(s->plan.user_id, sizeof s->plan.user_id, "%s", user);
	free(user);
	step_budget(s);
}

static void step_identity(struct gcr_submit *s)
{
	if (*s->plan.user_id) {
		step_budget(s);
		return;
	}
	s->user_from_sts = true;
	if (s->dry_run) {
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "sts",
				"GetCallerIdentity", NULL,
				_("no user id is configured (aws.user_id, s3.user_prefix): the user "
				  "id is ACCOUNT-NAME from this answer; USER stands for it below"));
		snprintf(s->plan.user_id, sizeof s->plan.user_id, "USER");
		step_budget(s);
		return;
	}
	progress(s, _("finding out who you are (STS)"), 0, 0);
	s->busy = true;
	gcr_sts_get_caller_identity(s->env.aws, NULL, on_identity, s);
}

/* -- budget and quota -- */

static void decide_budget(struct gcr_submit *s)
{
	struct gcr_error err;

	submit_budget_decide(&s->budget, s->plan.cost_high_usd);
	s->out.over_budget = s->budget.over;
	snprintf(s->out.budget_note, sizeof s->out.budget_note, "%s", s->budget.note);
	if (s->budget.over && !s->allow_over_budget && !s->dry_run) {
		s->out.needs_confirmation = true;
		gcr_error_set(&err, GCR_ERR_CANCELLED, _("not submitted: %s"), s->budget.note);
		finish(s, err.code, &err);
		return;
	}
	if (s->budget.over && s->dry_run && !s->allow_over_budget)
		warn(s, _("over budget: %s; the submission needs a confirmation"), s->budget.note);
	step_intent(s);
}

static void on_user(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	struct gcr_submit *s = data;

	if (!arrive(s))
		return;
	if (st != GCR_OK) {
		ddb_failed(s, err);
		warn(s, _("your quota could not be checked: %s"), err->message);
	} else if (item) {
		double used = 0;
		s->budget.quota_tracked = true;
		if (submit_ddb_get_number(item, "quotaLimit", &s->budget.quota_limit)) {
			s->budget.quota_known = true;
			submit_ddb_get_number(item, "quotaUsed", &used);
			s->budget.quota_used = used;
		}
	}
	decide_budget(s);
}

static void step_budget(struct gcr_submit *s)
{
	double limit = gcr_settings_get_number(s->env.settings, "budget.limit_usd", -1);

	if (limit >= 0) {
		s->budget.budget_known = true;
		s->budget.budget_limit = limit;
		s->budget.budget_used = submit_budget_used_this_month(s->env.journal, s->plan.sim_id);
	}
	if (s->dry_run) {
		json_t *in = submit_users_get_input(&s->plan);
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "dynamodb", "GetItem",
				in, _("reads quotaLimit and quotaUsed"));
		json_decref(in);
		decide_budget(s);
		return;
	}
	progress(s, _("checking your budget and quota"), 0, 0);
	s->busy = true;
	submit_users_get(s->env.aws, &s->plan, on_user, s);
}

/* -- intent -- */

json_t *gcr_submit_spec_summary(const struct gcr_spec *sp)
{
	char a[16], b[16];

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:s, s:s, s:i}",
			 "model", gcr_model_id(sp->model), "simulation", sp->simulation,
			 "option", sp->option, "met", sp->met, "grid", sp->grid,
			 "domain", sp->domain, "levels", sp->levels,
			 "start", gcr_date_format(sp->start_date, a, sizeof a),
			 "end", gcr_date_format(sp->end_date, b, sizeof b),
			 "instance_type", sp->instance_type, "spot", sp->spot,
			 "name", sp->name, "region", sp->region,
			 "nodes", sp->nodes > 0 ? sp->nodes : 1);
}

static void step_intent(struct gcr_submit *s)
{
	struct gcr_error err = { 0 };
	const struct gcr_bundle_file *spec_file = gcr_bundle_find(s->bundle, "spec.yaml");
	json_t *fields;
	bool busy;

	fill_locations(s);
	s->item = submit_record_item(&s->plan, &s->spec, s->budget.over, s->budget.note);
	if (s->dry_run) {
		step_record(s);
		return;
	}
	if (take_lock(s, &busy, &err) != GCR_OK || busy) {
		if (busy)
			gcr_error_set(&err, GCR_ERR_CONFLICT, _("simulation %s is being submitted by "
								"another gcrunner"), s->plan.sim_id);
		finish(s, err.code, &err);
		return;
	}
	fields = json_pack("{s:s, s:s, s:o, s:O, s:o, s:O, s:b, s:s, s:b, s:b, s:b}",
			   "target", "batch", "spec_yaml", spec_file ? spec_file->content : "",
			   "spec", gcr_submit_spec_summary(&s->spec), "estimate", s->intent_extra,
			   "plan", submit_plan_to_json(&s->plan), "item", s->item,
			   "over_budget", s->budget.over, "budget_note", s->budget.note,
			   "quota_tracked", s->budget.quota_tracked, "record_pending", 1,
			   "quota_pending", 1);
	if (journal(s, "intent", fields, &err) != GCR_OK) {
		finish(s, err.code, &err);
		return;
	}
	s->record_pending = true;
	s->quota_pending = true;
	submit_kill_point("intent");
	step_record(s);
}

/* -- record -- */

static void on_record(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	struct gcr_submit *s = data;

	(void)item;
	if (!arrive(s))
		return;
	if (!journal_record_result(s, st, err, "record",
				   json_pack("{s:b}", "record_pending", 0)))
		return;
	submit_kill_point("record");
	step_upload(s);
}

static void step_record(struct gcr_submit *s)
{
	if (s->dry_run) {
		json_t *in = submit_record_put_input(&s->plan, s->item);
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "dynamodb", "PutItem",
				in, NULL);
		json_decref(in);
		step_upload(s);
		return;
	}
	if (s->record_created) {
		step_upload(s);
		return;
	}
	if (s->ddb_down) {
		s->record_pending = true;
		step_upload(s);
		return;
	}
	progress(s, _("recording the simulation (DynamoDB)"), 0, 0);
	s->busy = true;
	submit_record_create(s->env.aws, &s->plan, s->item, on_record, s);
}

/* -- upload -- */

static void upload_next(struct gcr_submit *s);

static void on_upload_progress(uint64_t done, uint64_t total, void *data)
{
	struct gcr_submit *s = data;

	(void)total;
	progress(s, _("uploading the run bundle"), s->upload_done + done, s->upload_total);
}

static void on_uploaded(enum gcr_status st, const struct gcr_error *err, const char *etag,
			void *data)
{
	struct gcr_submit *s = data;

	(void)etag;
	if (!arrive(s))
		return;
	if (st != GCR_OK) {
		struct gcr_error e = *err;
		gcr_error_prefix(&e, _("cannot upload %s"), s->bundle->files[s->upload_i].path);
		fail_definite(s, &e);
		return;
	}
	s->upload_done += s->bundle->files[s->upload_i].len;
	progress(s, _("uploading the run bundle"), s->upload_done, s->upload_total);
	s->upload_i++;
	if (s->upload_i == 1)
		submit_kill_point("upload-1");
	upload_next(s);
}

static void upload_next(struct gcr_submit *s)
{
	char *prefix = submit_config_prefix(&s->plan), *key;
	struct gcr_s3_put_input in = { 0 };
	const struct gcr_bundle_file *f;

	if (s->upload_i >= s->bundle->nfiles) {
		struct gcr_error err = { 0 };
		free(prefix);
		if (!s->dry_run) {
			if (journal(s, "uploaded", json_pack("{s:s}", "bundle_uri", s->out.bundle_uri),
				    &err) != GCR_OK) {
				finish(s, err.code, &err);
				return;
			}
			submit_kill_point("uploaded");
		}
		step_jobdef(s);
		return;
	}
	f = &s->bundle->files[s->upload_i];
	key = gcr_strdup_printf("%s%s", prefix, f->path);
	free(prefix);
	if (s->dry_run) {
		submit_dry_put(s->out.requests, s->env.aws, s->plan.region, s->plan.bucket, key,
			       f->content, f->len, "text/plain; charset=utf-8");
		free(key);
		s->upload_i++;
		upload_next(s);
		return;
	}
	in.bucket = s->plan.bucket;
	in.key = key;
	in.data = f->content;
	in.len = f->len;
	in.content_type = "text/plain; charset=utf-8";
	in.progress = on_upload_progress;
	in.progress_data = s;
	s->busy = true;
	gcr_s3_put_object(s->env.aws, &in, on_uploaded, s);
	free(key);
}

static void step_upload(struct gcr_submit *s)
{
	s->upload_i = 0;
	s->upload_done = 0;
	s->upload_total = 0;
	for (size_t i = 0; i < s->bundle->nfiles; i++)
		s->upload_total += s->bundle->files[i].len;
	progress(s, _("uploading the run bundle"), 0, s->upload_total);
	upload_next(s);
}

/* -- job definition -- */

static void on_jobdef(enum gcr_status st, const struct gcr_error *err, const char *arn,
		      bool registered, void *data)
{
	struct gcr_submit *s = data;
	struct gcr_error jerr = { 0 };

	if (!arrive(s))
		return;
	if (st != GCR_OK) {
		struct gcr_error e = *err;
		gcr_error_prefix(&e, _("cannot set up the job definition %s"),
				 s->plan.job_definition);
		fail_definite(s, &e);
		return;
	}
	snprintf(s->jobdef_arn, sizeof s->jobdef_arn, "%s", arn);
	if (journal(s, "jobdef", json_pack("{s:s, s:b}", "job_definition_arn", arn,
					   "job_definition_registered", registered),
		    &jerr) != GCR_OK) {
		finish(s, jerr.code, &jerr);
		return;
	}
	submit_kill_point("jobdef");
	step_check(s);
}

static void step_jobdef(struct gcr_submit *s)
{
	if (s->dry_run) {
		json_t *d = json_pack("{s:s, s:s}", "jobDefinitionName", s->plan.job_definition,
				      "status", "ACTIVE");
		json_t *r = submit_jobdef_input(&s->plan);
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "batch",
				"DescribeJobDefinitions", d, NULL);
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "batch",
				"RegisterJobDefinition", r,
				_("only when no ACTIVE revision has this container"));
		json_decref(d);
		json_decref(r);
		step_submit(s);
		return;
	}
	progress(s, _("checking the job definition"), 0, 0);
	s->busy = true;
	submit_jobdef_ensure(s->env.aws, &s->plan, on_jobdef, s);
}

/* -- finding the job by name -- */

static void adopt_job(struct gcr_submit *s, const char *job_id, const char *job_arn,
		      bool reconciled);

static void on_listed(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, json_t *jobs, void *data)
{
	struct gcr_submit *s = data;
	json_t *j, *found = NULL;
	size_t i, n = 0;
	double waited;

	(void)info;
	if (!arrive(s))
		return;
	if (st != GCR_OK) {
		struct gcr_error e = *err;
		gcr_error_prefix(&e, _("cannot look for the job %s (the next start of gcrunner "
				       "looks again)"), s->plan.sim_id);
		finish(s, e.code, &e);
		return;
	}
	json_array_foreach(jobs, i, j) {
		struct gcr_batch_job job;
		if (!gcr_batch_job_read(j, &job) || !job.job_name ||
		    strcmp(job.job_name, s->plan.sim_id) != 0)
			continue;
		n++;
		/* The oldest is the one the journal meant. */
		if (!found || json_integer_value(json_object_get(j, "createdAt")) <
			      json_integer_value(json_object_get(found, "createdAt")))
			found = j;
	}
	if (found) {
		if (n > 1)
			warn(s, _("%zu jobs are named %s; the oldest is recorded"), n, s->plan.sim_id);
		adopt_job(s, json_string_value(json_object_get(found, "jobId")),
			  json_string_value(json_object_get(found, "jobArn")), true);
		return;
	}
	if (s->first_look) {
		/* Resuming: not there yet, so the steps before SubmitJob follow. */
		s->first_look = false;
		resume_continue(s);
		return;
	}
	/* Not listed.  If SubmitJob may have been sent, give the listing time
	 * to show it before deciding that it was not. */
	waited = now_s() - s->submitting_at;
	if (s->submitting_seen && waited < s->settle_s) {
		progress(s, _("waiting for Batch to list the job"), 0, 0);
		later(s, step_check, (uint64_t)((s->settle_s - waited) * 1000.0) + 1);
		return;
	}
	if (s->resume && s->submitting_seen && now_s() - s->first_at > s->resume_max_h * 3600.0) {
		struct gcr_error e;
		s->out.abandoned = true;
		gcr_error_set(&e, GCR_ERR_CANCELLED,
			      _("no job named %s exists and the submission is older than %.0f "
				"hours (batch.resume_max_hours): it is closed, not sent again"),
			      s->plan.sim_id, s->resume_max_h);
		close_entry(s, "abandoned", "SUBMIT_ABANDONED", &e);
		return;
	}
	step_submit(s);
}

/* ListJobs with the JOB_NAME filter: every status, newest first. */
static void list_jobs_by_name(struct gcr_submit *s)
{
	struct gcr_batch_list_input in = {
		.job_queue = s->plan.queue,
		.filter_name = "JOB_NAME",
		.filter_value = s->plan.sim_id,
	};

	progress(s, _("looking for the job by its name"), 0, 0);
	s->busy = true;
	gcr_batch_list_jobs(s->env.aws, &in, on_listed, s);
}

static void step_check(struct gcr_submit *s)
{
	/* A new simulation id cannot have a job yet. */
	if (!s->resume && !s->submitting_seen) {
		step_submit(s);
		return;
	}
	list_jobs_by_name(s);
}

/* -- SubmitJob -- */

static void send_submit(struct gcr_submit *s);

static void on_submit_answer(enum gcr_status st, const struct gcr_error *err,
			     const struct gcr_aws_error_info *info, const char *job_id,
			     const char *job_arn, void *data)
{
	struct gcr_submit *s = data;
	enum gcr_retry_kind kind;
	struct gcr_error jerr = { 0 };

	if (!arrive(s))
		return;
	submit_kill_point("answered");
	if (st == GCR_OK && job_id) {
		adopt_job(s, job_id, job_arn, false);
		return;
	}
	kind = info ? gcr_retry_classify(info->failure, info->http_status, info->code)
		    : GCR_RETRY_KIND_FATAL;
	if (st == GCR_ERR_CANCELLED) {
		finish(s, st, err);
		return;
	}
	if ((kind == GCR_RETRY_KIND_THROTTLING || kind == GCR_RETRY_KIND_CONNECTION) &&
	    s->throttle_retries < MAX_THROTTLE_RETRIES) {
		/* Refused before it acted: safe to send again after a pause. */
		uint64_t ms = gcr_retry_backoff_ms(++s->throttle_retries,
						   (double)rand() / ((double)RAND_MAX + 1.0),
						   GCR_RETRY_MAX_BACKOFF_MS);
		progress(s, _("Batch is busy; submitting again shortly"), 0, 0);
		later(s, send_submit, ms < 200 ? 200 : ms);
		return;
	}
	if (kind == GCR_RETRY_KIND_FATAL || kind == GCR_RETRY_KIND_THROTTLING ||
	    kind == GCR_RETRY_KIND_CONNECTION) {
		struct gcr_error e = *err;
		if (s->unknown_sends == 0) {
			/* Batch refused it; nothing was submitted. */
			fail_definite(s, &e);
			return;
		}
		gcr_error_prefix(&e, _("the job may exist from an earlier attempt; the next start "
				       "of gcrunner looks for it"));
		finish(s, e.code, &e);
		return;
	}
	/* Timed out, dropped, or a server error: Batch may have created it. */
	s->unknown_sends++;
	if (journal(s, "outcome_unknown", json_pack("{s:s}", "unknown_reason", err->message),
		    &jerr) != GCR_OK) {
		finish(s, jerr.code, &jerr);
		return;
	}
	warn(s, _("the answer to SubmitJob was lost (%s); looking for the job by its name"),
	     err->message);
	if (s->sends >= MAX_SUBMIT_SENDS) {
		struct gcr_error e;
		gcr_error_set(&e, GCR_ERR_NETWORK,
			      _("could not confirm the submission of %s after %d attempts; the "
				"next start of gcrunner looks for the job and finishes it"),
			      s->plan.sim_id, s->sends);
		finish(s, e.code, &e);
		return;
	}
	step_check(s);
}

/* Under the journal lock: nobody recorded a job meanwhile, then the
 * "submitting" line, fsync'd, before the request leaves. */
static void send_submit(struct gcr_submit *s)
{
	struct gcr_error err = { 0 };
	json_t *state, *input;
	const char *job_id;
	enum gcr_status st;

	st = gcr_journal_lock(s->env.journal, &err);
	if (st != GCR_OK) {
		finish(s, st, &err);
		return;
	}
	state = gcr_journal_get(s->env.journal, s->plan.sim_id);
	job_id = json_string_value(json_object_get(state, "job_id"));
	if (job_id && *job_id) {
		char id[128];
		snprintf(id, sizeof id, "%s", job_id);
		gcr_journal_unlock(s->env.journal);
		adopt_job(s, id, NULL, true);
		return;
	}
	s->submitting_at = now_s();
	st = journal(s, "submitting", json_pack("{s:I}", "submitting_at",
						(json_int_t)s->submitting_at), &err);
	gcr_journal_unlock(s->env.journal);
	if (st != GCR_OK) {
		finish(s, st, &err);
		return;
	}
	s->submitting_seen = true;
	submit_kill_point("submitting");
	s->sends++;
	input = submit_job_input(&s->plan, s->jobdef_arn);
	progress(s, _("submitting the job to AWS Batch"), 0, 0);
	s->busy = true;
	gcr_batch_submit_job(s->aws_once ? s->aws_once : s->env.aws, input, on_submit_answer, s);
	json_decref(input);
}

static void step_submit(struct gcr_submit *s)
{
	if (s->dry_run) {
		json_t *in = submit_job_input(&s->plan, NULL);
		json_t *up = submit_record_update_input(&s->plan, "JOB-ID", s->plan.created_at);
		json_t *q = submit_quota_charge_input(&s->plan);
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "batch", "SubmitJob", in,
				_("jobDefinition: the matching or new revision's ARN"));
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "dynamodb", "UpdateItem",
				up, _("JOB-ID: the answer's jobId; :t the time of the answer"));
		submit_dry_json(s->out.requests, s->env.aws, s->plan.region, "dynamodb", "UpdateItem",
				q, NULL);
		json_decref(in);
		json_decref(up);
		json_decref(q);
		finish(s, GCR_OK, NULL);
		return;
	}
	send_submit(s);
}

/* -- the job id, then the records -- */

static void adopt_job(struct gcr_submit *s, const char *job_id, const char *job_arn,
		      bool reconciled)
{
	struct gcr_error err = { 0 };
	json_t *fields;

	snprintf(s->out.job_id, sizeof s->out.job_id, "%s", job_id ? job_id : "");
	s->out.reconciled = reconciled;
	s->out.resubmitted = s->resume && !reconciled;
	submit_rfc3339_now(s->submitted_at);
	/* record_pending: the record still has to get the job id. */
	fields = json_pack("{s:s, s:b, s:s, s:b}", "job_id", s->out.job_id, "reconciled",
			   reconciled, "submitted_at", s->submitted_at, "record_pending", 1);
	if (job_arn)
		json_object_set_new(fields, "job_arn", json_string(job_arn));
	if (journal(s, "submitted", fields, &err) != GCR_OK) {
		gcr_error_prefix(&err, _("job %s was submitted but the journal could not record it"),
				 s->out.job_id);
		finish(s, err.code, &err);
		return;
	}
	fill_locations(s);
	submit_kill_point("submitted");
	step_record_job(s);
}

static void on_record_job(enum gcr_status st, const struct gcr_error *err, json_t *item,
			  void *data)
{
	struct gcr_submit *s = data;

	(void)item;
	if (!arrive(s))
		return;
	if (!journal_record_result(s, st, err, "record_synced",
				   json_pack("{s:b, s:s}", "record_pending", 0,
					     "record_status", "SUBMITTED")))
		return;
	submit_kill_point("recorded");
	step_quota(s);
}

static void step_record_job(struct gcr_submit *s)
{
	if (s->ddb_down) {
		s->record_pending = true;
		step_quota(s);
		return;
	}
	progress(s, _("recording the job (DynamoDB)"), 0, 0);
	s->busy = true;
	submit_record_submitted(s->env.aws, &s->plan, s->item, s->out.job_id,
				*s->submitted_at ? s->submitted_at : s->plan.created_at,
				on_record_job, s);
}

static void on_quota(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	struct gcr_submit *s = data;
	struct gcr_error jerr = { 0 };

	(void)item;
	if (!arrive(s))
		return;
	if (st == GCR_OK) {
		s->quota_pending = false;
		if (journal(s, "quota_charged", json_pack("{s:b}", "quota_pending", 0), &jerr) !=
		    GCR_OK)
			warn(s, "%s", jerr.message);
	} else {
		ddb_failed(s, err);
	}
	finish(s, GCR_OK, NULL);
}

static void step_quota(struct gcr_submit *s)
{
	if (!s->quota_pending || s->ddb_down) {
		finish(s, GCR_OK, NULL);
		return;
	}
	s->busy = true;
	submit_quota_charge(s->env.aws, &s->plan, on_quota, s);
}

/* ---- a new submission ---------------------------------------------------------------- */

/* Chooses the instance, estimates, reads the configuration, builds the
 * bundle: everything that needs no network, so a bad spec or a missing key
 * fails before anything is sent. */
static enum gcr_status prepare(struct gcr_submit *s, const struct gcr_submit_request *req,
			       struct gcr_error *err)
{
	const struct gcr_catalog *cat = s->env.catalog;
	const struct gcr_instance_type *it;
	const struct gcr_estimate_option *o;
	struct gcr_estimate_result res;
	struct gcr_estimate_request er = { 0 };
	struct gcr_bundle_options bo = { 0 };
	const char *types[1];
	const char *region;
	char *settings_path;
	enum gcr_status st;
	int pick;

	if (!cat)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("submitting needs the catalog"));
	if (!s->env.aws)
		return gcr_error_set(err, GCR_ERR_AUTH,
				     _("AWS is not available: set up credentials (gcrunner setup)"));
	s->spec = req->spec;
	if (s->spec.target == GCR_TARGET_NONE)
		s->spec.target = GCR_TARGET_BATCH;
	if (s->spec.target != GCR_TARGET_BATCH)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("this spec runs on %s; AWS Batch submissions need target "
				       "batch"), gcr_target_id(s->spec.target));
	if (s->spec.model == GCR_MODEL_NONE)
		s->spec.model = GCR_MODEL_CLASSIC;
	if (s->spec.model != GCR_MODEL_CLASSIC)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("AWS Batch runs GEOS-Chem Classic; GCHP runs go to "
				       "ParallelCluster or Slurm (target pcluster or slurm)"));
	region = gcr_aws_client_region(s->env.aws);
	if (!region || !*region)
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("no AWS region is set: use --region, or set aws.region "
				       "(gcrunner setup) or AWS_REGION"));
	{
		/* The queues, bucket and tables live where setup made them. */
		const char *home = gcr_settings_get(s->env.settings, "aws.region");
		if (home && *home && strcmp(home, region) != 0)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("gcrunner is set up in %s (aws.region) but would "
					       "submit to %s; use --region %s, or run gcrunner "
					       "setup in %s"), home, region, home, region);
	}
	if (*s->spec.region && strcmp(s->spec.region, region) != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the spec asks for region %s but gcrunner submits to %s; use "
				       "--region %s or change the spec"), s->spec.region, region,
				     region);
	snprintf(s->spec.region, sizeof s->spec.region, "%s", region);
	if (*s->spec.instance_type && !gcr_catalog_find_instance(cat, s->spec.instance_type))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("unknown instance type '%s' (gcrunner estimate lists them)"),
				     s->spec.instance_type);
	gcr_spec_apply_defaults(&s->spec, cat);
	s->spec.nodes = 1;
	st = gcr_spec_validate(&s->spec, cat, err);
	if (st != GCR_OK) {
		gcr_error_prefix(err, _("invalid spec"));
		return st;
	}

	/* The instance and its estimate. */
	gcr_estimate_result_init(&res);
	if (*s->spec.instance_type) {
		types[0] = s->spec.instance_type;
		er.instance_types = types;
		er.ninstance_types = 1;
	}
	st = gcr_estimate(cat, &s->spec, &er, &res, err);
	if (st != GCR_OK) {
		gcr_estimate_result_free(&res);
		return st;
	}
	pick = *s->spec.instance_type ? (res.noptions ? 0 : -1)
	       : s->spec.spot ? res.spot_pick.cheapest : res.ondemand.cheapest;
	if (pick < 0) {
		gcr_estimate_result_free(&res);
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("no instance type is offered in %s with enough memory for "
				       "this run"), region);
	}
	o = &res.options[pick];
	if (!o->offered) {
		st = gcr_error_set(err, GCR_ERR_INVALID, _("%s is not offered (or not priced) in %s"),
				   o->instance_type, region);
	} else if (o->memory_fit == GCR_FIT_NO) {
		st = gcr_error_set(err, GCR_ERR_INVALID,
				   _("this run needs about %.0f GiB of memory and %s has %.0f GiB: "
				     "choose a larger instance type"), o->memory_need_gib,
				   o->instance_type, o->memory_gib);
	}
	if (st != GCR_OK) {
		gcr_estimate_result_free(&res);
		return st;
	}
	it = o->instance;
	snprintf(s->spec.instance_type, sizeof s->spec.instance_type, "%s", o->instance_type);
	snprintf(s->plan.instance_type, sizeof s->plan.instance_type, "%s", o->instance_type);
	snprintf(s->plan.arch, sizeof s->plan.arch, "%s", gcr_arch_id(o->arch));
	snprintf(s->plan.region, sizeof s->plan.region, "%s", region);
	s->plan.vcpus = it ? it->vcpus : o->threads_per_node;
	s->plan.physical_cores = it ? it->cores : o->cores_per_node;
	s->plan.efa = it && it->efa;
	s->plan.memory_mib = submit_memory_mib(it ? it->memory_gib : o->memory_gib);
	s->plan.spot = s->spec.spot;
	if (req->cost_high_usd > 0) {
		s->plan.cost_usd = req->cost_estimate_usd;
		s->plan.cost_low_usd = req->cost_estimate_usd;
		s->plan.cost_high_usd = req->cost_high_usd;
		s->plan.wall_hours = o->wall_hours;
		s->plan.wall_hours_high = req->wall_hours_high > 0 ? req->wall_hours_high
								  : o->wall_hours_high;
	} else {
		s->plan.cost_usd = s->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd;
		s->plan.cost_low_usd = o->cost_low_usd;
		s->plan.cost_high_usd = o->cost_high_usd;
		s->plan.wall_hours = o->wall_hours;
		s->plan.wall_hours_high = o->wall_hours_high;
	}
	s->plan.timeout_s = submit_timeout_s(s->plan.wall_hours_high);
	s->intent_extra = json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:s}",
				    "instance_type", o->instance_type, "cost_usd", s->plan.cost_usd,
				    "cost_low_usd", s->plan.cost_low_usd,
				    "cost_high_usd", s->plan.cost_high_usd,
				    "wall_hours", s->plan.wall_hours,
				    "wall_hours_high", s->plan.wall_hours_high,
				    "memory_need_gib", o->memory_need_gib, "spot", s->plan.spot,
				    "confidence", gcr_confidence_id(o->confidence));
	gcr_estimate_result_free(&res);

	/* The simulation id is the job's name: Batch's rules apply. */
	if (req->sim_id && *req->sim_id) {
		size_t n = strlen(req->sim_id);
		bool ok = n < sizeof s->plan.sim_id && n <= 128 &&
			  ((req->sim_id[0] >= 'a' && req->sim_id[0] <= 'z') ||
			   (req->sim_id[0] >= 'A' && req->sim_id[0] <= 'Z') ||
			   (req->sim_id[0] >= '0' && req->sim_id[0] <= '9'));
		for (const char *c = req->sim_id; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9') || *c == '-' || *c == '_';
		if (!ok)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("'%s' is not a valid simulation id (letters, digits, "
					       "'-' and '_', at most 128)"), req->sim_id);
		snprintf(s->plan.sim_id, sizeof s->plan.sim_id, "%s", req->sim_id);
	} else {
		st = gcr_simulation_id_new(s->plan.sim_id, err);
		if (st != GCR_OK)
			return st;
	}
	snprintf(s->out.sim_id, sizeof s->out.sim_id, "%s", s->plan.sim_id);
	snprintf(s->out.instance_type, sizeof s->out.instance_type, "%s", s->plan.instance_type);
	s->out.cost_usd = s->plan.cost_usd;
	s->out.cost_high_usd = s->plan.cost_high_usd;
	s->out.timeout_s = s->plan.timeout_s;

	settings_path = gcr_config_path();
	st = submit_plan_configure(&s->plan, s->env.settings, settings_path, err);
	free(settings_path);
	if (st != GCR_OK)
		return st;
	submit_rfc3339_now(s->plan.created_at);
	if (!s->dry_run && !s->env.journal)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("submitting needs the journal"));

	bo.simulation_id = s->plan.sim_id;
	bo.input_bucket = *s->plan.input_bucket ? s->plan.input_bucket : NULL;
	bo.physical_cores = s->plan.physical_cores;
	bo.vcpus = s->plan.vcpus;
	bo.efa = s->plan.efa;
	bo.arch = s->plan.arch;
	st = gcr_bundle_build(&s->spec, &bo, &s->bundle, err);
	if (st != GCR_OK)
		gcr_error_prefix(err, _("cannot make the run bundle"));
	return st;
}

static struct gcr_aws *single_attempt_client(struct gcr_aws *aws)
{
	struct gcr_aws_options o = { 0 };
	struct gcr_error err;

	o.loop = gcr_aws_client_loop(aws);
	o.http = gcr_aws_client_http(aws);
	o.config = gcr_aws_client_config(aws);
	o.profile = gcr_aws_client_profile(aws);
	o.region = gcr_aws_client_region(aws);
	o.credentials = gcr_aws_client_credentials(aws);
	o.max_attempts = 1;
	return gcr_aws_new(&o, &err);
}

struct gcr_submit *gcr_submit_start(const struct gcr_backend_env *env,
				    const struct gcr_submit_request *req,
				    gcr_backend_progress_cb prog, gcr_submit_done_cb done,
				    void *data)
{
	struct gcr_submit *s;
	struct gcr_error err = { 0 };

	s = alloc_submit(env, prog, done, data);
	if (!prog && req->progress) {
		/* The request's own progress callback, with its own data. */
		s->progress = req->progress;
		s->progress_data = req->progress_data;
	}
	s->dry_run = req->dry_run;
	s->allow_over_budget = req->allow_over_budget;
	s->out.dry_run = req->dry_run;
	if (s->dry_run)
		s->out.requests = json_array();
	if (prepare(s, req, &err) != GCR_OK)
		return fail_soon(s, &err);
	if (!s->dry_run && s->env.aws)
		s->aws_once = single_attempt_client(s->env.aws);
	later(s, step_identity, 0);
	return s;
}

/* ---- finishing what the journal holds ----------------------------------------------------- */

bool gcr_submit_needs_reconcile(json_t *state)
{
	const char *target = json_string_value(json_object_get(state, "target"));
	const char *job = json_string_value(json_object_get(state, "job_id"));

	if (!target || strcmp(target, "batch") != 0 || json_is_true(json_object_get(state, "closed")))
		return false;
	return !job || !*job || json_is_true(json_object_get(state, "record_pending")) ||
	       json_is_true(json_object_get(state, "quota_pending"));
}

size_t gcr_submit_pending_count(struct gcr_journal *journal)
{
	size_t n = 0;

	if (!journal)
		return 0;
	gcr_journal_refresh(journal, NULL);
	for (size_t i = 0; i < gcr_journal_count(journal); i++)
		if (gcr_submit_needs_reconcile(gcr_journal_get(journal, gcr_journal_sim_at(journal, i))))
			n++;
	return n;
}

/* The spec is kept as spec.yaml text; the spec module reads it back. */
static enum gcr_status spec_from_yaml(const char *text, struct gcr_spec *spec,
				      struct gcr_error *err)
{
	char *dir = gcr_dir(GCR_DIR_STATE);
	char *path;
	enum gcr_status st;
	int fd;
	size_t len = strlen(text);

	if (!dir)
		return gcr_error_set(err, GCR_ERR_IO, _("cannot find a state directory"));
	st = gcr_mkdir_p(dir, 0700, err);
	path = gcr_strdup_printf("%s/spec-XXXXXX", dir);
	free(dir);
	if (st != GCR_OK) {
		free(path);
		return st;
	}
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		free(path);
		return st;
	}
	close(fd);
	gcr_spec_init(spec);
	st = gcr_spec_load(spec, path, err);
	unlink(path);
	free(path);
	return st;
}

static void resume_continue(struct gcr_submit *s)
{
	if (!s->submitting_seen && now_s() - s->first_at > s->resume_max_h * 3600.0) {
		struct gcr_error e;
		s->out.abandoned = true;
		gcr_error_set(&e, GCR_ERR_CANCELLED,
			      _("the submission of %s was interrupted more than %.0f hours ago "
				"(batch.resume_max_hours): it is closed, not sent"),
			      s->plan.sim_id, s->resume_max_h);
		close_entry(s, "abandoned", "SUBMIT_ABANDONED", &e);
		return;
	}
	if (s->record_pending && !s->record_created)
		step_record(s);
	else
		step_upload(s);
}

static void resume_begin(struct gcr_submit *s)
{
	struct gcr_error err = { 0 };
	struct gcr_bundle_options bo = { 0 };
	json_t *state;
	const char *job, *yaml;
	bool busy;

	if (!s->env.journal || !s->env.aws) {
		gcr_error_set(&err, GCR_ERR_INTERNAL, _("reconciling needs the journal and AWS"));
		finish(s, err.code, &err);
		return;
	}
	gcr_journal_refresh(s->env.journal, NULL);
	state = gcr_journal_get(s->env.journal, s->plan.sim_id);
	if (!state) {
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("the journal has no simulation %s"),
			      s->plan.sim_id);
		finish(s, err.code, &err);
		return;
	}
	if (!gcr_submit_needs_reconcile(state)) {
		job = json_string_value(json_object_get(state, "job_id"));
		snprintf(s->out.job_id, sizeof s->out.job_id, "%s", job ? job : "");
		finish(s, GCR_OK, NULL);
		return;
	}
	if (submit_plan_from_json(json_object_get(state, "plan"), &s->plan, &err) != GCR_OK) {
		finish(s, err.code, &err);
		return;
	}
	snprintf(s->out.instance_type, sizeof s->out.instance_type, "%s", s->plan.instance_type);
	s->out.cost_usd = s->plan.cost_usd;
	s->out.cost_high_usd = s->plan.cost_high_usd;
	s->out.timeout_s = s->plan.timeout_s;
	if (take_lock(s, &busy, &err) != GCR_OK) {
		finish(s, err.code, &err);
		return;
	}
	if (busy) {
		s->out.skipped = true;
		finish(s, GCR_OK, NULL);
		return;
	}
	/* Re-read under the lock: the holder may have just finished. */
	gcr_journal_refresh(s->env.journal, NULL);
	state = gcr_journal_get(s->env.journal, s->plan.sim_id);
	s->item = json_incref(json_object_get(state, "item"));
	s->record_pending = json_is_true(json_object_get(state, "record_pending"));
	s->record_created = !s->record_pending && json_object_get(state, "record_pending") != NULL;
	s->quota_pending = json_is_true(json_object_get(state, "quota_pending"));
	s->first_at = parse_rfc3339(json_string_value(json_object_get(state, "first_at")));
	fill_locations(s);
	job = json_string_value(json_object_get(state, "job_id"));
	if (job && *job) {
		snprintf(s->out.job_id, sizeof s->out.job_id, "%s", job);
		snprintf(s->submitted_at, sizeof s->submitted_at, "%s",
			 json_string_value(json_object_get(state, "submitted_at"))
			 ? json_string_value(json_object_get(state, "submitted_at")) : "");
		fill_locations(s);
		if (s->record_pending)
			step_record_job(s);
		else
			step_quota(s);
		return;
	}
	if (json_is_string(json_object_get(state, "job_definition_arn")))
		snprintf(s->jobdef_arn, sizeof s->jobdef_arn, "%s",
			 json_string_value(json_object_get(state, "job_definition_arn")));
	yaml = json_string_value(json_object_get(state, "spec_yaml"));
	if (!yaml || spec_from_yaml(yaml, &s->spec, &err) != GCR_OK) {
		if (!yaml)
			gcr_error_set(&err, GCR_ERR_INVALID, _("the journal has no spec for %s"),
				      s->plan.sim_id);
		finish(s, err.code, &err);
		return;
	}
	bo.simulation_id = s->plan.sim_id;
	bo.input_bucket = *s->plan.input_bucket ? s->plan.input_bucket : NULL;
	bo.physical_cores = s->plan.physical_cores;
	bo.vcpus = s->plan.vcpus;
	bo.efa = s->plan.efa;
	bo.arch = s->plan.arch;
	if (gcr_bundle_build(&s->spec, &bo, &s->bundle, &err) != GCR_OK) {
		finish(s, err.code, &err);
		return;
	}
	s->aws_once = single_attempt_client(s->env.aws);
	s->submitting_seen = json_is_number(json_object_get(state, "submitting_at"));
	s->submitting_at = s->submitting_seen
			   ? json_number_value(json_object_get(state, "submitting_at")) : 0;
	if (s->submitting_seen) {
		/* SubmitJob may have been sent before the program died. */
		s->first_look = true;
		list_jobs_by_name(s);
		return;
	}
	resume_continue(s);
}

struct gcr_submit *gcr_submit_reconcile(const struct gcr_backend_env *env, const char *sim_id,
					gcr_backend_progress_cb prog, gcr_submit_done_cb done,
					void *data)
{
	struct gcr_submit *s = alloc_submit(env, prog, done, data);

	s->resume = true;
	snprintf(s->plan.sim_id, sizeof s->plan.sim_id, "%s", sim_id ? sim_id : "");
	snprintf(s->out.sim_id, sizeof s->out.sim_id, "%s", s->plan.sim_id);
	later(s, resume_begin, 0);
	return s;
}

/* ---- all of them -------------------------------------------------------------------------- */

struct reconcile_all {
	struct gcr_backend_env env;
	gcr_submit_done_cb each;
	gcr_backend_done_cb done;
	void *data;
	json_t *sims;
	size_t next;
	enum gcr_status st;
	struct gcr_error err;
};

static void reconcile_next(struct reconcile_all *r);

static void on_one_reconciled(const struct gcr_submit_outcome *out, void *data)
{
	struct reconcile_all *r = data;

	if (r->each)
		r->each(out, r->data);
	if (out->status != GCR_OK && !out->abandoned && r->st == GCR_OK) {
		r->st = out->status;
		r->err = out->err;
	}
	reconcile_next(r);
}

static void reconcile_next(struct reconcile_all *r)
{
	if (r->next < json_array_size(r->sims)) {
		const char *sim = json_string_value(json_array_get(r->sims, r->next++));
		gcr_submit_reconcile(&r->env, sim, NULL, on_one_reconciled, r);
		return;
	}
	r->done(r->st, r->st == GCR_OK ? NULL : &r->err, r->data);
	json_decref(r->sims);
	free(r);
}

static void on_reconcile_all_start(uv_timer_t *t)
{
	struct reconcile_all *r = t->data;

	uv_close((uv_handle_t *)t, (uv_close_cb)free);
	reconcile_next(r);
}

void gcr_submit_reconcile_all(const struct gcr_backend_env *env, gcr_submit_done_cb each,
			      gcr_backend_done_cb done, void *data)
{
	struct reconcile_all *r = calloc(1, sizeof *r);
	uv_timer_t *t = calloc(1, sizeof *t);

	if (!r || !t)
		abort();
	r->env = *env;
	r->each = each;
	r->done = done;
	r->data = data;
	r->sims = json_array();
	if (env->journal) {
		gcr_journal_refresh(env->journal, NULL);
		for (size_t i = 0; i < gcr_journal_count(env->journal); i++) {
			const char *sim = gcr_journal_sim_at(env->journal, i);
			if (gcr_submit_needs_reconcile(gcr_journal_get(env->journal, sim)))
				json_array_append_new(r->sims, json_string(sim));
		}
	}
	/* Start on the loop, so done never runs before this returns. */
	uv_timer_init(env->loop, t);
	t->data = r;
	uv_timer_start(t, on_reconcile_all_start, 0, 0);
}

/* ---- the command line's environment ---------------------------------------------------- */

const struct gcr_backend_ops *const gcr_submit_backend = &gcr_backend_batch;

enum gcr_status gcr_submit_env_open(struct gcr_submit_env **out, struct gcr_error *err)
{
	struct gcr_submit_env *e = calloc(1, sizeof *e);
	struct gcr_settings *cfg = NULL;
	struct gcr_catalog *cat = NULL;
	struct gcr_journal *j = NULL;
	enum gcr_status st;

	*out = NULL;
	if (!e)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	uv_loop_init(&e->loop);
	e->env.loop = &e->loop;
	e->settings_path = gcr_config_path();
	if (e->settings_path) {
		st = gcr_settings_load(e->settings_path, &cfg, err);
	} else {
		cfg = gcr_settings_new();
		st = GCR_OK;
	}
	if (st == GCR_OK) {
		e->env.settings = cfg;
		st = gcr_catalog_load(NULL, &cat, err);
	}
	if (st == GCR_OK) {
		e->env.catalog = cat;
		st = gcr_journal_open(NULL, &j, err);
	}
	if (st != GCR_OK) {
		gcr_submit_env_close(e);
		return st;
	}
	e->env.journal = j;
	*out = e;
	return GCR_OK;
}

enum gcr_status gcr_submit_env_connect(struct gcr_submit_env *e, const char *profile,
				       const char *region, struct gcr_error *err)
{
	struct gcr_aws_options o = { .loop = &e->loop };
	const char *p = gcr_settings_get(e->env.settings, "aws.profile");
	const char *r = gcr_settings_get(e->env.settings, "aws.region");

	if (e->env.aws)
		return GCR_OK;
	o.profile = profile && *profile ? profile : p && *p ? p : NULL;
	o.region = region && *region ? region : r && *r ? r : NULL;
	e->env.aws = gcr_aws_new(&o, err);
	return e->env.aws ? GCR_OK : err->code ? err->code : GCR_ERR_INTERNAL;
}

void gcr_submit_env_run(struct gcr_submit_env *e, const int *done)
{
	gcr_aws_run_until(&e->loop, done);
}

void gcr_submit_env_close(struct gcr_submit_env *e)
{
	if (!e)
		return;
	if (e->env.aws)
		gcr_aws_free(e->env.aws);
	/* Let handles (ours and the client's) close. */
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_loop_close(&e->loop);
	if (e->env.journal)
		gcr_journal_close(e->env.journal);
	if (e->env.settings)
		gcr_settings_free(e->env.settings);
	if (e->env.catalog)
		gcr_catalog_free((struct gcr_catalog *)e->env.catalog);
	free(e->settings_path);
	free(e);
}
