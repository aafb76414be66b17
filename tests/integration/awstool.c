/* awstool.c: a thin command-line driver of gcrunner's AWS clients, for the
 * integration tests against the local test bed (tests/integration/ shell tests).
 * Each subcommand makes the calls with the real engine code on one libuv
 * loop and prints what came back as JSON, so a shell test can compare it
 * with what the AWS CLI sees.  Not installed.
 *
 *   awstool register-def NAME IMAGE             RegisterJobDefinition (container)
 *   awstool submit NAME QUEUE DEFINITION        SubmitJob
 *   awstool describe ID...                      DescribeJobs
 *   awstool list QUEUE [STATUS]                 ListJobs (all pages)
 *   awstool logs GROUP STREAM                   GetLogEvents from the head
 *   awstool caller                              STS GetCallerIdentity
 *   awstool spot TYPE...                        DescribeSpotPriceHistory, latest per zone
 *   awstool price TYPE REGION                   Pricing GetProducts on-demand USD
 *   awstool s3-mb BUCKET                        CreateBucket
 *   awstool s3-put BUCKET KEY FILE [THRESHOLD PART]   PutObject (multipart above THRESHOLD)
 *   awstool s3-get BUCKET KEY DEST              GetObject to a file
 *   awstool s3-ls BUCKET [PREFIX]               ListObjectsV2
 *   awstool s3-head BUCKET KEY                  HeadObject
 *   awstool ddb-create TABLE                    CreateTable (pk: S)
 *   awstool ddb-put TABLE PK TEXT [--if-absent] PutItem {pk, text}
 *   awstool ddb-get TABLE PK                    GetItem
 *   awstool many N                              N DescribeJobs at once
 *
 * AWSTOOL_RANDOM=X fixes the backoff's random factor (so a test knows the
 * delays: X * 1 s, X * 2 s, ...); AWSTOOL_TIMEOUT_MS sets the per-attempt
 * timeout.
 *
 * Exit 0 on success, 1 on an error (printed as {"error": ..., "code": ...,
 * "http_status": ..., "attempts": ..., "outcome_unknown": ...}). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "aws/batch.h"
#include "aws/client.h"
#include "aws/dynamodb.h"
#include "aws/ec2.h"
#include "aws/logs.h"
#include "aws/pricing.h"
#include "aws/s3.h"
#include "aws/sts.h"

static uv_loop_t loop;
static struct gcr_aws *aws;
static int done;
static int exit_status;

static void print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	fputc('\n', stdout);
	json_decref(j);
}

static void fail(const struct gcr_error *err, const struct gcr_aws_error_info *info)
{
	json_t *o = json_pack("{s:s, s:i}", "error", err ? err->message : "?",
			      "status", err ? (int)err->code : -1);

	if (info) {
		json_object_set_new(o, "code", json_string(info->code));
		json_object_set_new(o, "http_status", json_integer(info->http_status));
		json_object_set_new(o, "attempts", json_integer(info->attempts));
		json_object_set_new(o, "outcome_unknown", json_boolean(info->outcome_unknown));
		json_object_set_new(o, "request_id", json_string(info->request_id));
	}
	print_json(o);
	exit_status = 1;
}

static void on_json(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_incref(answer));
	else
		fail(err, info);
	done = 1;
}

static void on_submit(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, const char *job_id,
		      const char *job_arn, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:s, s:s, s:i}", "jobId", job_id, "jobArn", job_arn ? job_arn : "",
				     "attempts", info->attempts));
	else
		fail(err, info);
	done = 1;
}

static void on_jobs(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *jobs, void *data)
{
	(void)data;
	if (st == GCR_OK) {
		json_t *out = json_array();
		size_t i;
		json_t *j;
		json_array_foreach(jobs, i, j) {
			struct gcr_batch_job b;
			if (!gcr_batch_job_read(j, &b))
				continue;
			json_array_append_new(out, json_pack(
				"{s:s, s:s?, s:s?, s:s?, s:s?, s:s}", "jobId", b.job_id,
				"jobName", b.job_name, "status", b.status,
				"statusReason", b.status_reason, "logStream", b.log_stream,
				"logGroup", b.log_group));
		}
		print_json(out);
	} else {
		fail(err, info);
	}
	done = 1;
}

static void on_logs(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_logs_page *page, void *data)
{
	(void)data;
	if (st == GCR_OK) {
		json_t *out = json_array();
		for (size_t i = 0; i < page->n; i++)
			json_array_append_new(out, json_string(page->events[i].message));
		print_json(json_pack("{s:o, s:s?}", "messages", out, "next",
				     page->next_forward_token));
	} else {
		fail(err, NULL);
	}
	done = 1;
}

static void on_caller(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_sts_identity *id, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:s, s:s, s:s}", "account", id->account, "arn", id->arn,
				     "user_id", id->user_id));
	else
		fail(err, NULL);
	done = 1;
}

static void on_spot(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_ec2_spot_price *items, size_t n, void *data)
{
	(void)data;
	if (st == GCR_OK) {
		struct gcr_ec2_spot_price *copy = malloc((n ? n : 1) * sizeof *copy);
		json_t *out = json_array();
		memcpy(copy, items, n * sizeof *copy);
		n = gcr_ec2_spot_latest_per_zone(copy, n);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:I}", "type",
							     copy[i].instance_type, "zone", copy[i].zone,
							     "price", copy[i].price, "timestamp",
							     (json_int_t)copy[i].timestamp));
		free(copy);
		print_json(out);
	} else {
		fail(err, NULL);
	}
	done = 1;
}

static void on_products(enum gcr_status st, const struct gcr_error *err, json_t *products,
			void *data)
{
	(void)data;
	if (st == GCR_OK) {
		double usd = -1;
		size_t i;
		json_t *p;
		json_array_foreach(products, i, p)
			if (gcr_pricing_on_demand_usd(p, &usd))
				break;
		print_json(json_pack("{s:i, s:o}", "products", (int)json_array_size(products), "usd",
				     usd >= 0 ? json_real(usd) : json_null()));
	} else {
		fail(err, NULL);
	}
	done = 1;
}

static void on_s3_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:b}", "ok", 1));
	else
		fail(err, NULL);
	done = 1;
}

static uint64_t last_progress;
static int progress_calls;

static void on_progress(uint64_t sent, uint64_t total, void *data)
{
	(void)total;
	(void)data;
	if (sent < last_progress) {
		fprintf(stderr, "awstool: progress went backwards (%llu < %llu)\n",
			(unsigned long long)sent, (unsigned long long)last_progress);
		exit_status = 1;
	}
	last_progress = sent;
	progress_calls++;
}

static void on_put(enum gcr_status st, const struct gcr_error *err, const char *etag, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:s, s:I, s:b}", "etag", etag ? etag : "", "progress_bytes",
				     (json_int_t)last_progress, "progress_called", progress_calls > 0));
	else
		fail(err, NULL);
	done = 1;
}

static void on_get(enum gcr_status st, const struct gcr_error *err, uint64_t bytes, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:I}", "bytes", (json_int_t)bytes));
	else
		fail(err, NULL);
	done = 1;
}

static void on_list(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_s3_object *objs, size_t n, void *data)
{
	(void)data;
	if (st == GCR_OK) {
		json_t *out = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(out, json_pack("{s:s, s:I}", "key", objs[i].key, "size",
							     (json_int_t)objs[i].size));
		print_json(out);
	} else {
		fail(err, NULL);
	}
	done = 1;
}

static void on_head(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_s3_head *head, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(json_pack("{s:I, s:s?}", "size", (json_int_t)head->size, "etag",
				     head->etag));
	else
		fail(err, NULL);
	done = 1;
}

static void on_item(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	(void)data;
	if (st == GCR_OK)
		print_json(item ? json_incref(item) : json_null());
	else
		fail(err, NULL);
	done = 1;
}

static int many_left, many_ok;
static void on_many(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	(void)err;
	(void)info;
	(void)answer;
	(void)data;
	many_ok += st == GCR_OK;
	if (--many_left == 0) {
		print_json(json_pack("{s:i}", "ok", many_ok));
		done = 1;
	}
}

static double fixed_random;

static double fixed(void *data)
{
	(void)data;
	return fixed_random;
}

static int usage(void)
{
	fputs("usage: awstool COMMAND ARGS... (see the comment in awstool.c)\n", stderr);
	return 2;
}

static int start(int argc, char **argv)
{
	const char *cmd = argv[1];

#define NEED(n) do { if (argc < (n)) return usage(); } while (0)
	if (strcmp(cmd, "register-def") == 0) {
		NEED(4);
		json_t *in = json_pack("{s:s, s:s, s:{s:s, s:[s, s], s:[{s:s, s:s}, {s:s, s:s}]}}",
				       "jobDefinitionName", argv[2], "type", "container",
				       "containerProperties", "image", argv[3],
				       "command", "/bin/run", "Ref::spec",
				       "resourceRequirements", "type", "VCPU", "value", "2",
				       "type", "MEMORY", "value", "2048");
		gcr_batch_register_job_definition(aws, in, on_json, NULL);
		json_decref(in);
	} else if (strcmp(cmd, "submit") == 0) {
		NEED(5);
		json_t *in = json_pack("{s:s, s:s, s:s}", "jobName", argv[2], "jobQueue", argv[3],
				       "jobDefinition", argv[4]);
		gcr_batch_submit_job(aws, in, on_submit, NULL);
		json_decref(in);
	} else if (strcmp(cmd, "describe") == 0) {
		NEED(3);
		gcr_batch_describe_jobs(aws, (const char *const *)argv + 2, (size_t)argc - 2, on_jobs,
					NULL);
	} else if (strcmp(cmd, "list") == 0) {
		NEED(3);
		struct gcr_batch_list_input in = { .job_queue = argv[2],
						   .job_status = argc > 3 ? argv[3] : NULL };
		gcr_batch_list_jobs(aws, &in, on_jobs, NULL);
	} else if (strcmp(cmd, "logs") == 0) {
		NEED(4);
		struct gcr_logs_get_input in = { .group = argv[2], .stream = argv[3],
						 .start_from_head = 1 };
		gcr_logs_get_log_events(aws, &in, on_logs, NULL);
	} else if (strcmp(cmd, "caller") == 0) {
		gcr_sts_get_caller_identity(aws, NULL, on_caller, NULL);
	} else if (strcmp(cmd, "spot") == 0) {
		NEED(3);
		struct gcr_ec2_spot_query q = { .instance_types = (const char *const *)argv + 2,
						.n_types = (size_t)argc - 2 };
		gcr_ec2_describe_spot_price_history(aws, &q, on_spot, NULL);
	} else if (strcmp(cmd, "price") == 0) {
		NEED(4);
		json_t *f = gcr_pricing_linux_filters(argv[2], argv[3]);
		gcr_pricing_get_products(aws, "AmazonEC2", f, 0, on_products, NULL);
		json_decref(f);
	} else if (strcmp(cmd, "s3-mb") == 0) {
		NEED(3);
		gcr_s3_create_bucket(aws, argv[2], NULL, on_s3_done, NULL);
	} else if (strcmp(cmd, "s3-put") == 0) {
		NEED(5);
		struct gcr_s3_put_input in = { .bucket = argv[2], .key = argv[3], .path = argv[4],
					       .content_type = "application/x-netcdf",
					       .progress = on_progress };
		if (argc > 6) {
			in.multipart_threshold = strtoull(argv[5], NULL, 10);
			in.part_size = strtoull(argv[6], NULL, 10);
		}
		gcr_s3_put_object(aws, &in, on_put, NULL);
	} else if (strcmp(cmd, "s3-get") == 0) {
		NEED(5);
		gcr_s3_get_object(aws, argv[2], argv[3], argv[4], NULL, NULL, on_get, NULL);
	} else if (strcmp(cmd, "s3-ls") == 0) {
		NEED(3);
		gcr_s3_list_objects(aws, argv[2], argc > 3 ? argv[3] : NULL, 0, on_list, NULL);
	} else if (strcmp(cmd, "s3-head") == 0) {
		NEED(4);
		gcr_s3_head_object(aws, argv[2], argv[3], on_head, NULL);
	} else if (strcmp(cmd, "ddb-create") == 0) {
		NEED(3);
		json_t *in = json_pack("{s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s}",
				       "TableName", argv[2],
				       "AttributeDefinitions", "AttributeName", "pk", "AttributeType", "S",
				       "KeySchema", "AttributeName", "pk", "KeyType", "HASH",
				       "BillingMode", "PAY_PER_REQUEST");
		gcr_ddb_create_table(aws, in, on_json, NULL);
		json_decref(in);
	} else if (strcmp(cmd, "ddb-put") == 0) {
		NEED(5);
		json_t *item = json_object();
		int if_absent = argc > 5 && strcmp(argv[5], "--if-absent") == 0;
		json_object_set_new(item, "pk", gcr_ddb_s(argv[3]));
		json_object_set_new(item, "text", gcr_ddb_s(argv[4]));
		gcr_ddb_put_item(aws, argv[2], item, if_absent ? "attribute_not_exists(pk)" : NULL,
				 NULL, NULL, on_json, NULL);
		json_decref(item);
	} else if (strcmp(cmd, "ddb-get") == 0) {
		NEED(4);
		json_t *key = json_pack("{s:o}", "pk", gcr_ddb_s(argv[3]));
		gcr_ddb_get_item(aws, argv[2], key, 1, on_item, NULL);
		json_decref(key);
	} else if (strcmp(cmd, "many") == 0) {
		NEED(3);
		json_t *in = json_pack("{s:[s]}", "jobs", "no-such-job");
		many_left = atoi(argv[2]);
		for (int i = 0, n = many_left; i < n; i++)
			gcr_aws_json_call(aws, "batch", "DescribeJobs", in, NULL, on_many, NULL);
		json_decref(in);
	} else {
		return usage();
	}
#undef NEED
	return 0;
}

int main(int argc, char **argv)
{
	struct gcr_aws_options opts = { 0 };
	struct gcr_error err;
	int st;

	if (argc < 2)
		return usage();
	uv_loop_init(&loop);
	opts.loop = &loop;
	opts.attempt_timeout_ms = getenv("AWSTOOL_TIMEOUT_MS") ? atol(getenv("AWSTOOL_TIMEOUT_MS")) : 0;
	if (getenv("AWSTOOL_RANDOM")) {
		fixed_random = strtod(getenv("AWSTOOL_RANDOM"), NULL);
		opts.random = fixed;
	}
	aws = gcr_aws_new(&opts, &err);
	if (!aws) {
		fail(&err, NULL);
		return 1;
	}
	st = start(argc, argv);
	if (st == 0)
		gcr_aws_run_until(&loop, &done);
	gcr_aws_free(aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return st ? st : exit_status;
}
