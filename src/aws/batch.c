/* batch.c: AWS Batch calls (see batch.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/batch.h"
#include "i18n.h"

#define BATCH_MAX_IDS_PER_DESCRIBE 100
#define BATCH_DEFAULT_LOG_GROUP "/aws/batch/job"

static const char *str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int gcr_batch_job_read(json_t *job, struct gcr_batch_job *out)
{
	json_t *container = json_object_get(job, "container");
	json_t *code = json_object_get(container, "exitCode");
	json_t *logconf = json_object_get(container, "logConfiguration");
	const char *group = str(json_object_get(logconf, "options"), "awslogs-group");

	memset(out, 0, sizeof *out);
	out->job_id = str(job, "jobId");
	if (!out->job_id)
		return 0;
	out->job_name = str(job, "jobName");
	out->job_arn = str(job, "jobArn");
	out->job_queue = str(job, "jobQueue");
	out->job_definition = str(job, "jobDefinition");
	out->status = str(job, "status");
	out->status_reason = str(job, "statusReason");
	out->created_at = json_integer_value(json_object_get(job, "createdAt"));
	out->started_at = json_integer_value(json_object_get(job, "startedAt"));
	out->stopped_at = json_integer_value(json_object_get(job, "stoppedAt"));
	if (json_is_integer(code)) {
		out->has_exit_code = 1;
		out->exit_code = (int)json_integer_value(code);
	}
	out->log_stream = str(container, "logStreamName");
	out->log_group = group ? group : BATCH_DEFAULT_LOG_GROUP;
	out->attempts = (int)json_array_size(json_object_get(job, "attempts"));
	out->is_cancelled = json_is_true(json_object_get(job, "isCancelled"));
	out->is_terminated = json_is_true(json_object_get(job, "isTerminated"));
	return 1;
}

/* ---- SubmitJob ---------------------------------------------------------------- */

struct submit_ctx {
	gcr_batch_submit_cb cb;
	void *data;
};

static void on_submitted(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct submit_ctx *c = data;
	const char *id = NULL, *arn = NULL;
	struct gcr_error perr;

	if (st == GCR_OK) {
		id = str(answer, "jobId");
		arn = str(answer, "jobArn");
		if (!id) {
			st = gcr_error_set(&perr, GCR_ERR_REMOTE, "%s",
					   _("Batch SubmitJob: the answer has no jobId"));
			err = &perr;
		}
	}
	c->cb(st, err, info, id, arn, c->data);
	free(c);
}

struct gcr_aws_call *gcr_batch_submit_job(struct gcr_aws *aws, json_t *input,
					  gcr_batch_submit_cb cb, void *data)
{
	struct gcr_aws_call_options opts = { .not_idempotent = 1 };
	struct submit_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	return gcr_aws_json_call(aws, "batch", "SubmitJob", input, &opts, on_submitted, c);
}

/* ---- DescribeJobs in chunks of 100 ------------------------------------------- */

struct describe_ctx {
	size_t pending;
	json_t *jobs;
	enum gcr_status st;
	struct gcr_error err;
	struct gcr_aws_error_info info;
	gcr_batch_jobs_cb cb;
	void *data;
};

static void on_described(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct describe_ctx *c = data;

	if (st == GCR_OK) {
		json_t *jobs = json_object_get(answer, "jobs");
		if (json_is_array(jobs))
			json_array_extend(c->jobs, jobs);
		if (c->st == GCR_OK)
			c->info = *info;
	} else if (c->st == GCR_OK) {
		c->st = st;
		c->err = *err;
		c->info = *info;
	}
	if (--c->pending > 0)
		return;
	c->cb(c->st, c->st == GCR_OK ? NULL : &c->err, &c->info,
	      c->st == GCR_OK ? c->jobs : NULL, c->data);
	json_decref(c->jobs);
	free(c);
}

void gcr_batch_describe_jobs(struct gcr_aws *aws, const char *const *ids, size_t n,
			     gcr_batch_jobs_cb cb, void *data)
{
	struct describe_ctx *c = calloc(1, sizeof *c);
	size_t chunks = (n + BATCH_MAX_IDS_PER_DESCRIBE - 1) / BATCH_MAX_IDS_PER_DESCRIBE;

	if (!c)
		abort();
	c->jobs = json_array();
	c->cb = cb;
	c->data = data;
	if (chunks == 0)
		chunks = 1;  /* no ids: one call, so the callback still runs later */
	c->pending = chunks;
	for (size_t k = 0; k < chunks; k++) {
		json_t *list = json_array();
		json_t *input;
		for (size_t i = k * BATCH_MAX_IDS_PER_DESCRIBE;
		     i < n && i < (k + 1) * BATCH_MAX_IDS_PER_DESCRIBE; i++)
			json_array_append_new(list, json_string(ids[i]));
		input = json_pack("{s:o}", "jobs", list);
		gcr_aws_json_call(aws, "batch", "DescribeJobs", input, NULL, on_described, c);
		json_decref(input);
	}
}

/* ---- ListJobs ------------------------------------------------------------------- */

struct list_ctx {
	gcr_batch_jobs_cb cb;
	void *data;
};

static void on_listed(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct list_ctx *c = data;

	c->cb(st, err, info, st == GCR_OK ? json_object_get(answer, "jobSummaryList") : NULL,
	      c->data);
	free(c);
}

void gcr_batch_list_jobs(struct gcr_aws *aws, const struct gcr_batch_list_input *in,
			 gcr_batch_jobs_cb cb, void *data)
{
	struct list_ctx *c = calloc(1, sizeof *c);
	json_t *input = json_object();

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	if (in->job_queue)
		json_object_set_new(input, "jobQueue", json_string(in->job_queue));
	if (in->array_job_id)
		json_object_set_new(input, "arrayJobId", json_string(in->array_job_id));
	if (in->job_status)
		json_object_set_new(input, "jobStatus", json_string(in->job_status));
	if (in->filter_name && in->filter_value)
		json_object_set_new(input, "filters",
				    json_pack("[{s:s, s:[s]}]", "name", in->filter_name,
					      "values", in->filter_value));
	if (in->max_results > 0)
		json_object_set_new(input, "maxResults", json_integer(in->max_results));
	gcr_aws_json_paginate(aws, "batch", "ListJobs", input, "nextToken", "nextToken",
			      "jobSummaryList", in->max_pages, NULL, on_listed, c);
	json_decref(input);
}

/* ---- the rest: the model's JSON ----------------------------------------------- */

static struct gcr_aws_call *job_reason_call(struct gcr_aws *aws, const char *op,
					    const char *job_id, const char *reason,
					    gcr_aws_json_cb cb, void *data)
{
	json_t *input = json_pack("{s:s, s:s}", "jobId", job_id ? job_id : "",
				  "reason", reason ? reason : "");
	struct gcr_aws_call *call = gcr_aws_json_call(aws, "batch", op, input, NULL, cb, data);

	json_decref(input);
	return call;
}

struct gcr_aws_call *gcr_batch_terminate_job(struct gcr_aws *aws, const char *job_id,
					     const char *reason, gcr_aws_json_cb cb, void *data)
{
	return job_reason_call(aws, "TerminateJob", job_id, reason, cb, data);
}

struct gcr_aws_call *gcr_batch_cancel_job(struct gcr_aws *aws, const char *job_id,
					  const char *reason, gcr_aws_json_cb cb, void *data)
{
	return job_reason_call(aws, "CancelJob", job_id, reason, cb, data);
}

struct gcr_aws_call *gcr_batch_describe_job_queues(struct gcr_aws *aws, json_t *input,
						   gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "batch", "DescribeJobQueues", input, NULL, cb, data);
}

struct gcr_aws_call *gcr_batch_describe_compute_environments(struct gcr_aws *aws,
							     json_t *input,
							     gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "batch", "DescribeComputeEnvironments", input, NULL,
				 cb, data);
}

struct gcr_aws_call *gcr_batch_describe_job_definitions(struct gcr_aws *aws, json_t *input,
							gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "batch", "DescribeJobDefinitions", input, NULL, cb, data);
}

struct gcr_aws_call *gcr_batch_register_job_definition(struct gcr_aws *aws, json_t *input,
						       gcr_aws_json_cb cb, void *data)
{
	struct gcr_aws_call_options opts = { .not_idempotent = 1 };

	return gcr_aws_json_call(aws, "batch", "RegisterJobDefinition", input, &opts, cb, data);
}

/* Creating twice fails the second time with ClientException "already
 * exists", so a repeat does no harm. */
struct gcr_aws_call *gcr_batch_create_compute_environment(struct gcr_aws *aws, json_t *input,
							  gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "batch", "CreateComputeEnvironment", input, NULL, cb, data);
}

struct gcr_aws_call *gcr_batch_create_job_queue(struct gcr_aws *aws, json_t *input,
						gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "batch", "CreateJobQueue", input, NULL, cb, data);
}
