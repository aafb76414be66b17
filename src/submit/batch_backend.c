/* batch_backend.c: the AWS Batch backend (backend.h) -- submit and
 * reconcile through the submission engine (submit.c), and the calls the
 * dashboard makes: DescribeJobs in batches of 100, CancelJob before a job
 * starts and TerminateJob after, GetLogEvents from the job's own log group,
 * and ListObjectsV2 under <userId>/results/<jobId>/. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/batch.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "runs/runs.h"
#include "settings.h"
#include "submit/submit.h"
#include "submit/submit_internal.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

/* ---- submit and reconcile -------------------------------------------------------------- */

struct submit_adapter {
	gcr_backend_submit_cb cb;
	void *data;
};

void gcr_submit_outcome_to_backend(const struct gcr_submit_outcome *out, void *adapter)
{
	struct submit_adapter *a = adapter;

	a->cb(out->status, out->status == GCR_OK ? NULL : &out->err, out->sim_id,
	      *out->job_id ? out->job_id : NULL, a->data);
	free(a);
}

void *gcr_submit_backend_adapter(gcr_backend_submit_cb cb, void *data)
{
	struct submit_adapter *a = xcalloc(1, sizeof *a);

	a->cb = cb;
	a->data = data;
	return a;
}

static void batch_submit(struct gcr_backend_env *env, const struct gcr_submit_request *req,
			 gcr_backend_submit_cb cb, void *data)
{
	gcr_submit_start(env, req, NULL, gcr_submit_outcome_to_backend,
	                 gcr_submit_backend_adapter(cb, data));
}

static void batch_reconcile(struct gcr_backend_env *env, const char *sim_id,
			    gcr_backend_submit_cb cb, void *data)
{
	gcr_submit_reconcile(env, sim_id, NULL, gcr_submit_outcome_to_backend,
	                     gcr_submit_backend_adapter(cb, data));
}

/* ---- refresh -------------------------------------------------------------------------- */

static enum gcr_run_state state_of(const char *status, bool cancelled)
{
	static const struct {
		const char *status;
		enum gcr_run_state state;
	} map[] = {
		{ "SUBMITTED", GCR_RUN_QUEUED }, { "PENDING", GCR_RUN_QUEUED },
		{ "RUNNABLE", GCR_RUN_QUEUED }, { "STARTING", GCR_RUN_STARTING },
		{ "RUNNING", GCR_RUN_RUNNING }, { "SUCCEEDED", GCR_RUN_SUCCEEDED },
		{ "FAILED", GCR_RUN_FAILED },
	};

	for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].status, status) == 0)
			return cancelled && map[i].state == GCR_RUN_FAILED ? GCR_RUN_CANCELLED
									  : map[i].state;
	return GCR_RUN_UNKNOWN;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void read_status(json_t *j, struct gcr_run_status *st)
{
	struct gcr_batch_job job;
	json_t *a;
	size_t i;

	memset(st, 0, sizeof *st);
	st->exit_code = -1;
	if (!gcr_batch_job_read(j, &job))
		return;
	copy(st->job_id, sizeof st->job_id, job.job_id);
	st->state = state_of(job.status, job.is_cancelled || job.is_terminated);
	copy(st->native_state, sizeof st->native_state, job.status);
	copy(st->reason, sizeof st->reason, job.status_reason);
	copy(st->explanation, sizeof st->explanation,
	     gcr_run_explain(job.status, job.status_reason));
	st->created_ms = job.created_at;
	st->started_ms = job.started_at;
	st->stopped_ms = job.stopped_at;
	if (job.has_exit_code)
		st->exit_code = job.exit_code;
	copy(st->log_group, sizeof st->log_group, job.log_group);
	copy(st->log_stream, sizeof st->log_stream, job.log_stream);
	json_array_foreach(json_object_get(j, "attempts"), i, a) {
		struct gcr_run_attempt *at;
		json_t *c = json_object_get(a, "container");
		json_t *code = json_object_get(c, "exitCode");
		const char *why = json_string_value(json_object_get(a, "statusReason"));

		if (st->nattempts >= (int)(sizeof st->attempts / sizeof st->attempts[0]))
			break;
		at = &st->attempts[st->nattempts++];
		at->started_ms = json_integer_value(json_object_get(a, "startedAt"));
		at->stopped_ms = json_integer_value(json_object_get(a, "stoppedAt"));
		at->exit_code = json_is_integer(code) ? (int)json_integer_value(code) : -1;
		copy(at->reason, sizeof at->reason,
		     why ? why : json_string_value(json_object_get(c, "reason")));
		copy(at->log_stream, sizeof at->log_stream,
		     json_string_value(json_object_get(c, "logStreamName")));
	}
	/* Before the job's own stream is set, the last attempt's may be. */
	if (!*st->log_stream && st->nattempts)
		copy(st->log_stream, sizeof st->log_stream,
		     st->attempts[st->nattempts - 1].log_stream);
}

struct status_ctx {
	gcr_backend_status_cb cb;
	void *data;
};

static void on_described(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, json_t *jobs, void *data)
{
	struct status_ctx *c = data;
	struct gcr_run_status *out = NULL;
	size_t n = 0, i;
	json_t *j;

	(void)info;
	if (st == GCR_OK) {
		out = xcalloc(json_array_size(jobs) + 1, sizeof *out);
		json_array_foreach(jobs, i, j) {
			read_status(j, &out[n]);
			if (*out[n].job_id)
				n++;
		}
	}
	c->cb(st, st == GCR_OK ? NULL : err, out, n, c->data);
	free(out);
	free(c);
}

static void batch_refresh(struct gcr_backend_env *env, const char *const *job_ids, size_t n,
			  gcr_backend_status_cb cb, void *data)
{
	struct status_ctx *c = xcalloc(1, sizeof *c);

	c->cb = cb;
	c->data = data;
	gcr_batch_describe_jobs(env->aws, job_ids, n, on_described, c);
}

/* ---- cancel --------------------------------------------------------------------------- */

struct cancel_ctx {
	struct gcr_aws *aws;
	char job_id[128];
	char reason[256];
	int phase;                  /* 0 describe, 1 cancelled -> describe, 2 done */
	gcr_backend_done_cb cb;
	void *data;
};

static void cancel_describe(struct cancel_ctx *c);

static void cancel_finish(struct cancel_ctx *c, enum gcr_status st, const struct gcr_error *err)
{
	c->cb(st, st == GCR_OK ? NULL : err, c->data);
	free(c);
}

static void on_cancel_call(enum gcr_status st, const struct gcr_error *err,
			   const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct cancel_ctx *c = data;

	(void)info;
	(void)answer;
	if (st != GCR_OK || c->phase == 2) {
		cancel_finish(c, st, err);
		return;
	}
	/* CancelJob does nothing to a job that started meanwhile: look again. */
	c->phase = 1;
	cancel_describe(c);
}

static void on_cancel_described(enum gcr_status st, const struct gcr_error *err,
				const struct gcr_aws_error_info *info, json_t *jobs, void *data)
{
	struct cancel_ctx *c = data;
	struct gcr_batch_job job;
	const char *s;

	(void)info;
	if (st != GCR_OK) {
		cancel_finish(c, st, err);
		return;
	}
	if (!gcr_batch_job_read(json_array_get(jobs, 0), &job)) {
		struct gcr_error e;
		gcr_error_set(&e, GCR_ERR_NOT_FOUND, _("AWS Batch knows no job %s"), c->job_id);
		cancel_finish(c, e.code, &e);
		return;
	}
	s = job.status ? job.status : "";
	if (strcmp(s, "SUCCEEDED") == 0 || strcmp(s, "FAILED") == 0) {
		cancel_finish(c, GCR_OK, NULL);
		return;
	}
	if (c->phase == 0 && (strcmp(s, "SUBMITTED") == 0 || strcmp(s, "PENDING") == 0 ||
			      strcmp(s, "RUNNABLE") == 0)) {
		gcr_batch_cancel_job(c->aws, c->job_id, c->reason, on_cancel_call, c);
		return;
	}
	if (c->phase == 1 && strcmp(s, "STARTING") != 0 && strcmp(s, "RUNNING") != 0) {
		/* Cancelled (or being cancelled) while still waiting. */
		cancel_finish(c, GCR_OK, NULL);
		return;
	}
	c->phase = 2;
	gcr_batch_terminate_job(c->aws, c->job_id, c->reason, on_cancel_call, c);
}

static void cancel_describe(struct cancel_ctx *c)
{
	const char *ids[1] = { c->job_id };

	gcr_batch_describe_jobs(c->aws, ids, 1, on_cancel_described, c);
}

static void batch_cancel(struct gcr_backend_env *env, const char *sim_id, const char *job_id,
			 const char *reason, gcr_backend_done_cb cb, void *data)
{
	struct cancel_ctx *c = xcalloc(1, sizeof *c);

	c->aws = env->aws;
	c->cb = cb;
	c->data = data;
	copy(c->job_id, sizeof c->job_id, job_id);
	copy(c->reason, sizeof c->reason, reason && *reason ? reason : "cancelled with gcrunner");
	if (env->journal && sim_id && *sim_id) {
		struct gcr_error err = { 0 };
		json_t *f = json_pack("{s:s}", "cancel_reason", c->reason);
		gcr_journal_append(env->journal, sim_id, "cancel_requested", f, &err);
		json_decref(f);
	}
	cancel_describe(c);
}

/* ---- logs ----------------------------------------------------------------------------- */

struct logs_ctx {
	char token[1024];
	gcr_backend_logs_cb cb;
	void *data;
};

static void on_log_page(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_logs_page *page, void *data)
{
	struct logs_ctx *c = data;
	struct gcr_log_page out;

	memset(&out, 0, sizeof out);
	if (st == GCR_OK) {
		out.lines = json_array();
		for (size_t i = 0; i < page->n; i++)
			json_array_append_new(out.lines,
					      json_pack("{s:I, s:s}", "t",
							(json_int_t)page->events[i].timestamp, "m",
							page->events[i].message ? page->events[i].message
										: ""));
		copy(out.next, sizeof out.next,
		     page->next_forward_token ? page->next_forward_token : c->token);
	}
	c->cb(st, st == GCR_OK ? NULL : err, st == GCR_OK ? &out : NULL, c->data);
	json_decref(out.lines);
	free(c);
}

static void batch_logs(struct gcr_backend_env *env, const struct gcr_run_status *job,
		       const char *token, gcr_backend_logs_cb cb, void *data)
{
	struct gcr_logs_get_input in = { 0 };
	struct logs_ctx *c;

	if (!job || !*job->log_stream) {
		struct gcr_error e;
		gcr_error_set(&e, GCR_ERR_NOT_FOUND,
			      _("no log yet: the job has not started a container"));
		cb(e.code, &e, NULL, data);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->data = data;
	copy(c->token, sizeof c->token, token);
	in.group = *job->log_group ? job->log_group : SUBMIT_DEFAULT_LOG_GROUP;
	in.stream = job->log_stream;
	in.start_from_head = 1;
	in.next_token = token && *token ? token : NULL;
	gcr_logs_get_log_events(env->aws, &in, on_log_page, c);
}

/* ---- results -------------------------------------------------------------------------- */

struct results_ctx {
	char location[1024];
	size_t prefix_len;
	gcr_backend_results_cb cb;
	void *data;
};

static void on_listed_objects(enum gcr_status st, const struct gcr_error *err,
			      const struct gcr_s3_object *objects, size_t n, void *data)
{
	struct results_ctx *c = data;
	struct gcr_result_file *files = NULL;

	if (st == GCR_OK) {
		files = xcalloc(n + 1, sizeof *files);
		for (size_t i = 0; i < n; i++) {
			const char *k = objects[i].key ? objects[i].key : "";
			copy(files[i].key, sizeof files[i].key,
			     strlen(k) >= c->prefix_len ? k + c->prefix_len : k);
			files[i].size = objects[i].size;
		}
	}
	c->cb(st, st == GCR_OK ? NULL : err, files, st == GCR_OK ? n : 0, c->location, c->data);
	free(files);
	free(c);
}

static void batch_results(struct gcr_backend_env *env, const char *sim_id, const char *job_id,
			  gcr_backend_results_cb cb, void *data)
{
	json_t *plan = NULL;
	const char *bucket = NULL, *user = NULL;
	struct results_ctx *c;
	char *prefix;

	if (env->journal && sim_id)
		plan = json_object_get(gcr_journal_get(env->journal, sim_id), "plan");
	bucket = json_string_value(json_object_get(plan, "bucket"));
	user = json_string_value(json_object_get(plan, "user_id"));
	if (!bucket && env->settings)
		bucket = gcr_settings_get(env->settings, "s3.bucket");
	if (!user && env->settings) {
		user = gcr_settings_get(env->settings, "aws.user_id");
		if (!user || !*user)
			user = gcr_settings_get(env->settings, "s3.user_prefix");
	}
	if (!bucket || !*bucket || !user || !*user || !job_id || !*job_id) {
		struct gcr_error e;
		gcr_error_set(&e, GCR_ERR_NOT_FOUND,
			      _("where the results are is not known: the journal has no such run "
				"and s3.bucket / s3.user_prefix are not set (gcrunner setup)"));
		cb(e.code, &e, NULL, 0, NULL, data);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->data = data;
	prefix = gcr_strdup_printf("%s/results/%s/", user, job_id);
	c->prefix_len = strlen(prefix);
	snprintf(c->location, sizeof c->location, "s3://%s/%s", bucket, prefix);
	gcr_s3_list_objects(env->aws, bucket, prefix, 0, on_listed_objects, c);
	free(prefix);
}

const struct gcr_backend_ops gcr_backend_batch = {
	.name = "batch",
	.submit = batch_submit,
	.reconcile = batch_reconcile,
	.refresh = batch_refresh,
	.cancel = batch_cancel,
	.logs = batch_logs,
	.results = batch_results,
};
