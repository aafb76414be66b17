/* batch.h: AWS Batch (rest-json, POST /v1/<operation>).
 *
 * Typed helpers for what gcrunner does most (SubmitJob, DescribeJobs,
 * ListJobs with paging, reading a JobDetail); the set-up operations take
 * and give the model's JSON (jansson) as they are used rarely and their
 * shapes are large.  Requests follow botocore's batch 2016-08-10 model. */
#ifndef GCR_AWS_BATCH_H
#define GCR_AWS_BATCH_H

#include <stdint.h>

#include "aws/client.h"

/* The fields of a JobDetail gcrunner reads; strings borrowed from the JSON. */
struct gcr_batch_job {
	const char *job_id;
	const char *job_name;
	const char *job_arn;
	const char *job_queue;
	const char *job_definition;
	const char *status;          /* SUBMITTED ... SUCCEEDED | FAILED */
	const char *status_reason;   /* may be NULL */
	int64_t created_at, started_at, stopped_at;   /* ms; 0 when not yet */
	int has_exit_code;
	int exit_code;
	const char *log_stream;      /* container.logStreamName, NULL until it runs */
	const char *log_group;       /* logConfiguration awslogs-group or /aws/batch/job */
	int attempts;                /* len(attempts[]) */
	int is_cancelled, is_terminated;
};

/* Reads a JobDetail (or JobSummary) object.  Returns 0 when it has no jobId. */
int gcr_batch_job_read(json_t *job, struct gcr_batch_job *out);

/* job_id and job_arn are borrowed for the callback (NULL on failure).
 * info tells whether the outcome is unknown (then reconcile with ListJobs
 * by job name). */
typedef void (*gcr_batch_submit_cb)(enum gcr_status st, const struct gcr_error *err,
				    const struct gcr_aws_error_info *info,
				    const char *job_id, const char *job_arn, void *data);

/* SubmitJob.  input is the model's request (jobName, jobQueue and
 * jobDefinition required; parameters, containerOverrides, retryStrategy,
 * timeout, tags, propagateTags), borrowed.  Never repeated after a timeout
 * or a dropped connection. */
struct gcr_aws_call *gcr_batch_submit_job(struct gcr_aws *aws, json_t *input,
					  gcr_batch_submit_cb cb, void *data);

/* jobs: the JobDetail array, borrowed for the callback, in no set order.
 * Ids the service does not know are simply absent.  info describes the
 * (first) failed call, or the last call on success. */
typedef void (*gcr_batch_jobs_cb)(enum gcr_status st, const struct gcr_error *err,
				  const struct gcr_aws_error_info *info, json_t *jobs,
				  void *data);

/* DescribeJobs for any number of ids: split into calls of at most 100 (the
 * service's limit), sent at once, joined.  The first error wins. */
void gcr_batch_describe_jobs(struct gcr_aws *aws, const char *const *ids, size_t n,
			     gcr_batch_jobs_cb cb, void *data);

struct gcr_batch_list_input {
	const char *job_queue;        /* or array_job_id */
	const char *array_job_id;
	const char *job_status;       /* NULL: only RUNNING (the service's default) */
	/* One filter at most: JOB_NAME (trailing '*' allowed), JOB_DEFINITION,
	 * BEFORE_CREATED_AT, AFTER_CREATED_AT (epoch ms as text). */
	const char *filter_name;
	const char *filter_value;
	int max_results;              /* per page; 0: the service's */
	int max_pages;                /* 0: 100 */
};

/* ListJobs through every page; cb's jobs is the JobSummary array. */
void gcr_batch_list_jobs(struct gcr_aws *aws, const struct gcr_batch_list_input *in,
			 gcr_batch_jobs_cb cb, void *data);

/* TerminateJob and CancelJob (jobId and reason required). */
struct gcr_aws_call *gcr_batch_terminate_job(struct gcr_aws *aws, const char *job_id,
					     const char *reason, gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_batch_cancel_job(struct gcr_aws *aws, const char *job_id,
					  const char *reason, gcr_aws_json_cb cb, void *data);

/* The model's JSON in and out (input borrowed; NULL: {}). */
struct gcr_aws_call *gcr_batch_describe_job_queues(struct gcr_aws *aws, json_t *input,
						   gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_batch_describe_compute_environments(struct gcr_aws *aws,
							     json_t *input,
							     gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_batch_describe_job_definitions(struct gcr_aws *aws, json_t *input,
							gcr_aws_json_cb cb, void *data);
/* Each registration makes a new revision: not idempotent. */
struct gcr_aws_call *gcr_batch_register_job_definition(struct gcr_aws *aws, json_t *input,
						       gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_batch_create_compute_environment(struct gcr_aws *aws, json_t *input,
							  gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_batch_create_job_queue(struct gcr_aws *aws, json_t *input,
						gcr_aws_json_cb cb, void *data);

#endif
