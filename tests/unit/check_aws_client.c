/* check_aws_client.c: the AWS call life cycle against a real local server
 * (tests/unit/http_fixture.py in its AWS mode, which answers with planned
 * faults): signing, retries with backoff, the retry quota, deadlines,
 * cancel, "outcome unknown" for non-idempotent calls (never sent twice),
 * the query protocol, and 1,000 concurrent calls on one loop.
 *
 * The backoff's randomness is fixed through gcr_aws_options.random, so the
 * delays are known; the tests check lower bounds only (a uv timer never
 * fires early), never how fast anything ran. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "aws/batch.h"
#include "aws/client.h"
#include "aws/sts.h"
#include "aws_fixture.h"
#include "paths.h"

static struct aws_fixture fixture;
#define port (fixture.port)
static uv_loop_t loop;
static struct gcr_aws *aws;
static struct gcr_http *raw;    /* for talking to the fixture's control paths */
static double fixed_random = 0.0;
static char tmpdir[64];

static double test_random(void *data)
{
	(void)data;
	return fixed_random;
}


static void setup(void)
{
	struct gcr_error err;
	struct gcr_aws_options opts = { 0 };
	char *url, *cfg;

	aws_fixture_start(&fixture);
	strcpy(tmpdir, "/tmp/gcr-awsc.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	cfg = gcr_strdup_printf("%s/config", tmpdir);
	setenv("AWS_CONFIG_FILE", cfg, 1);
	free(cfg);
	cfg = gcr_strdup_printf("%s/credentials", tmpdir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cfg, 1);
	free(cfg);
	url = gcr_strdup_printf("http://127.0.0.1:%d", port);
	setenv("AWS_ENDPOINT_URL", url, 1);
	free(url);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDFIXTURE000000000", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "fixture-secret-never-shown", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_MAX_ATTEMPTS");
	unsetenv("AWS_ENDPOINT_URL_BATCH");
	unsetenv("AWS_ENDPOINT_URL_STS");

	uv_loop_init(&loop);
	fixed_random = 0.0;
	opts.loop = &loop;
	opts.random = test_random;
	opts.attempt_timeout_ms = 3000;
	aws = gcr_aws_new(&opts, &err);
	ck_assert_msg(aws != NULL, "gcr_aws_new: %s", err.message);
	raw = gcr_http_new(&loop, NULL, &err);
	ck_assert_ptr_nonnull(raw);
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);

	gcr_aws_free(aws);
	gcr_http_close(raw, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	aws_fixture_stop(&fixture);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* ---- talking to the fixture's control paths ---------------------------------------- */

struct raw_result {
	int done;
	char *body;
};

static void on_raw(struct gcr_http_response *resp, void *data)
{
	struct raw_result *r = data;

	r->done = 1;
	r->body = resp->body;
	resp->body = NULL;
}

static char *control(const char *method, const char *path, const char *body)
{
	struct gcr_http_request_spec spec = { .method = method, .body = body,
					      .body_len = body ? strlen(body) : 0 };
	struct raw_result r = { 0 };
	struct gcr_error err;
	char *url = gcr_strdup_printf("http://127.0.0.1:%d%s", port, path);

	spec.url = url;
	ck_assert_ptr_nonnull(gcr_http_send(raw, &spec, on_raw, &r, &err));
	while (!r.done)
		uv_run(&loop, UV_RUN_ONCE);
	free(url);
	return r.body;
}

static void plan(const char *json)
{
	free(control("POST", "/__plan", json));
}

static int calls_of(const char *op)
{
	char *body = control("GET", "/__calls", NULL);
	json_t *j = json_loads(body, 0, NULL);
	int n = (int)json_integer_value(json_object_get(j, op));

	json_decref(j);
	free(body);
	return n;
}

/* ---- one JSON call, waited for ------------------------------------------------------ */

struct outcome {
	int done;
	enum gcr_status st;
	struct gcr_error err;
	struct gcr_aws_error_info info;
	json_t *answer;
	uint64_t ended_ms;
};

static void on_json(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct outcome *o = data;

	o->done++;
	o->st = st;
	if (err)
		o->err = *err;
	if (info)
		o->info = *info;
	o->answer = json_incref(answer);
	o->ended_ms = uv_now(&loop);
}

static void wait_for(struct outcome *o)
{
	while (!o->done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(o->done, 1);
}

static void describe_one(struct outcome *o, const struct gcr_aws_call_options *opts)
{
	json_t *in = json_pack("{s:[s]}", "jobs", "job-x");

	memset(o, 0, sizeof *o);
	gcr_aws_json_call(aws, "batch", "DescribeJobs", in, opts, on_json, o);
	json_decref(in);
	ck_assert_int_eq(o->done, 0);   /* never inside the call */
	wait_for(o);
}

START_TEST(signed_rest_json_call)
{
	struct outcome o;
	char *last;
	json_t *j, *h;

	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_OK);
	ck_assert_int_eq(o.info.attempts, 1);
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(json_object_get(o.answer, "jobs"), 0), "jobId")), "job-x");
	json_decref(o.answer);
	last = control("GET", "/__last", NULL);
	j = json_loads(last, 0, NULL);
	h = json_object_get(j, "headers");
	ck_assert_str_eq(json_string_value(json_object_get(j, "path")), "/v1/describejobs");
	ck_assert(strncmp(json_string_value(json_object_get(h, "authorization")),
			  "AWS4-HMAC-SHA256 Credential=AKIDFIXTURE000000000/", 49) == 0);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(h, "authorization")),
				     "/us-east-1/batch/aws4_request"));
	ck_assert_ptr_nonnull(json_object_get(h, "x-amz-date"));
	ck_assert_str_eq(json_string_value(json_object_get(h, "content-type")), "application/json");
	ck_assert_ptr_null(strstr(last, "fixture-secret"));
	json_decref(j);
	free(last);
	ck_assert_int_eq(gcr_aws_retry_quota(aws)->available, 500);
}
END_TEST

START_TEST(json_protocol_target_header)
{
	struct outcome o = { 0 };
	json_t *in = json_pack("{s:s, s:s}", "logGroupName", "/aws/batch/job",
			       "logStreamName", "s");
	char *last;
	json_t *j;

	gcr_aws_json_call(aws, "logs", "GetLogEvents", in, NULL, on_json, &o);
	json_decref(in);
	wait_for(&o);
	ck_assert_int_eq(o.st, GCR_OK);
	json_decref(o.answer);
	last = control("GET", "/__last", NULL);
	j = json_loads(last, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "headers"),
							   "x-amz-target")),
			 "Logs_20140328.GetLogEvents");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "headers"),
							   "content-type")),
			 "application/x-amz-json-1.1");
	json_decref(j);
	free(last);
}
END_TEST

START_TEST(throttled_then_retried_with_backoff)
{
	struct outcome o;
	uint64_t start;

	fixed_random = 0.1;   /* delays 100 ms, then 200 ms */
	plan("[{\"status\":429,\"code\":\"TooManyRequestsException\"},"
	     " {\"status\":503,\"code\":\"ServiceUnavailable\"}, {}]");
	uv_update_time(&loop);
	start = uv_now(&loop);
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_OK);
	ck_assert_int_eq(o.info.attempts, 3);
	ck_assert_uint_ge(o.ended_ms - start, 300);   /* both backoffs were waited */
	ck_assert_int_eq(calls_of("describejobs"), 3);
	/* two retries cost 10; the success refunds the last retry's 5 */
	ck_assert_int_eq(gcr_aws_retry_quota(aws)->available, 495);
	json_decref(o.answer);
}
END_TEST

START_TEST(gives_up_after_three_attempts)
{
	struct outcome o;

	plan("[{\"status\":500,\"code\":\"ServerException\"},"
	     " {\"status\":500,\"code\":\"ServerException\"},"
	     " {\"status\":500,\"code\":\"ServerException\"}, {}]");
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_ERR_REMOTE);
	ck_assert_int_eq(o.info.attempts, 3);
	ck_assert_int_eq(o.info.http_status, 500);
	ck_assert_str_eq(o.info.code, "ServerException");
	ck_assert_str_eq(o.info.request_id, "req-describejobs-3");
	ck_assert_str_eq(o.err.message,
			 "Batch DescribeJobs: ServerException: planned ServerException "
			 "(HTTP 500, request id req-describejobs-3)");
	ck_assert_int_eq(calls_of("describejobs"), 3);
	ck_assert_int_eq(gcr_aws_retry_quota(aws)->available, 490);
	ck_assert_ptr_null(o.answer);
}
END_TEST

START_TEST(client_errors_are_not_retried)
{
	struct outcome o;

	plan("[{\"status\":400,\"code\":\"ClientException\"}]");
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_ERR_REMOTE);
	ck_assert_int_eq(o.info.attempts, 1);
	ck_assert_str_eq(o.info.code, "ClientException");
	plan("[{\"status\":403,\"code\":\"UnrecognizedClientException\"}]");
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_ERR_AUTH);
	ck_assert_int_eq(calls_of("describejobs"), 2);
}
END_TEST

START_TEST(empty_quota_means_no_retry)
{
	struct outcome o;

	gcr_aws_retry_quota(aws)->available = 4;
	plan("[{\"status\":429,\"code\":\"TooManyRequestsException\"}, {}]");
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_ERR_REMOTE);
	ck_assert_int_eq(o.info.attempts, 1);
	ck_assert_int_eq(gcr_aws_retry_quota(aws)->available, 4);
	/* the next success refunds one token */
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_OK);
	ck_assert_int_eq(gcr_aws_retry_quota(aws)->available, 5);
	json_decref(o.answer);
}
END_TEST

START_TEST(deadline_stops_retries)
{
	struct gcr_aws_call_options opts = { .deadline_ms = 200 };
	struct outcome o;

	fixed_random = 0.9;   /* a 900 ms wait would pass the deadline */
	plan("[{\"status\":503,\"code\":\"ServiceUnavailable\"}, {}]");
	describe_one(&o, &opts);
	ck_assert_int_eq(o.st, GCR_ERR_REMOTE);
	ck_assert_int_eq(o.info.attempts, 1);
	ck_assert_int_eq(calls_of("describejobs"), 1);
}
END_TEST

START_TEST(dropped_connection_retried_for_reads)
{
	struct outcome o;

	plan("[{\"drop\":true}, {}]");
	describe_one(&o, NULL);
	ck_assert_int_eq(o.st, GCR_OK);
	ck_assert_int_eq(o.info.attempts, 2);
	ck_assert_int_eq(calls_of("describejobs"), 2);
	json_decref(o.answer);
}
END_TEST

struct submitted {
	int done;
	enum gcr_status st;
	struct gcr_error err;
	struct gcr_aws_error_info info;
	char job_id[64];
};

static void on_submit(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, const char *job_id,
		      const char *job_arn, void *data)
{
	struct submitted *s = data;

	(void)job_arn;
	s->done++;
	s->st = st;
	if (err)
		s->err = *err;
	s->info = *info;
	snprintf(s->job_id, sizeof s->job_id, "%s", job_id ? job_id : "");
}

static void submit(struct submitted *s)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "jobName", "gc-run-1", "jobQueue", "q",
			       "jobDefinition", "d");

	memset(s, 0, sizeof *s);
	gcr_batch_submit_job(aws, in, on_submit, s);
	json_decref(in);
	while (!s->done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(s->done, 1);
}

START_TEST(submit_never_repeated_after_drop_or_timeout)
{
	struct submitted s;
	struct gcr_aws *short_aws;
	struct gcr_aws_options opts = { .loop = &loop, .random = test_random,
					.attempt_timeout_ms = 300 };
	struct gcr_error err;

	/* A connection cut after the server read the request.  (Plans hold
	 * only what is consumed: a leftover step would hit the next call.) */
	plan("[{\"drop\":true}]");
	submit(&s);
	ck_assert_msg(s.info.outcome_unknown, "st %d failure %d attempts %d: %s", s.st,
		      s.info.failure, s.info.attempts, s.err.message);
	ck_assert_int_eq(s.st, GCR_ERR_NETWORK);
	ck_assert_int_eq(s.info.attempts, 1);
	ck_assert_ptr_nonnull(strstr(s.err.message, "outcome unknown"));
	ck_assert_int_eq(calls_of("submitjob"), 1);

	/* No answer in time. */
	short_aws = gcr_aws_new(&opts, &err);
	ck_assert_ptr_nonnull(short_aws);
	{
		struct gcr_aws *saved = aws;
		aws = short_aws;
		plan("[{\"slow_ms\":1500}]");
		submit(&s);
		aws = saved;
	}
	ck_assert_msg(s.info.outcome_unknown, "st %d failure %d attempts %d: %s", s.st,
		      s.info.failure, s.info.attempts, s.err.message);
	ck_assert_int_eq(s.info.failure, GCR_HTTP_TIMEOUT);
	ck_assert_int_eq(calls_of("submitjob"), 2);
	gcr_aws_free(short_aws);

	/* A throttled SubmitJob was refused, so it is sent again. */
	plan("[{\"status\":429,\"code\":\"TooManyRequestsException\"}, {}]");
	submit(&s);
	ck_assert_int_eq(s.st, GCR_OK);
	ck_assert_int_eq(s.info.attempts, 2);
	ck_assert_str_eq(s.job_id, "job-4");
	ck_assert_int_eq(calls_of("submitjob"), 4);
}
END_TEST

START_TEST(cancel_during_backoff)
{
	struct outcome o = { 0 };
	json_t *in = json_pack("{s:[s]}", "jobs", "a");
	struct gcr_aws_call *call;

	fixed_random = 0.99;   /* a long backoff to cancel in */
	plan("[{\"status\":503,\"code\":\"ServiceUnavailable\"}]");
	call = gcr_aws_json_call(aws, "batch", "DescribeJobs", in, NULL, on_json, &o);
	json_decref(in);
	while (calls_of("describejobs") < 1 || gcr_aws_active(aws) == 0)
		uv_run(&loop, UV_RUN_NOWAIT);
	/* the first answer arrives, then the call waits ~1 s */
	for (int i = 0; i < 50 && !o.done; i++)
		uv_run(&loop, UV_RUN_NOWAIT), usleep(2000);
	ck_assert_int_eq(o.done, 0);
	gcr_aws_cancel(call);
	ck_assert_int_eq(o.done, 1);
	ck_assert_int_eq(o.st, GCR_ERR_CANCELLED);
	ck_assert_uint_eq(gcr_aws_active(aws), 0);
}
END_TEST

struct ident {
	int done;
	enum gcr_status st;
	struct gcr_sts_identity id;
};

static void on_ident(enum gcr_status st, const struct gcr_error *err,
		     const struct gcr_sts_identity *id, void *data)
{
	struct ident *r = data;

	(void)err;
	r->done = 1;
	r->st = st;
	if (id)
		r->id = *id;
}

START_TEST(query_protocol_sts)
{
	struct ident r = { 0 };
	char *last;
	json_t *j;

	gcr_sts_get_caller_identity(aws, NULL, on_ident, &r);
	while (!r.done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(r.st, GCR_OK);
	ck_assert_str_eq(r.id.account, "123456789012");
	ck_assert_str_eq(r.id.arn, "arn:aws:iam::123456789012:user/fixture");
	ck_assert_str_eq(r.id.user_id, "AIDAFIXTURE");
	last = control("GET", "/__last", NULL);
	j = json_loads(last, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "body")),
			 "Action=GetCallerIdentity&Version=2011-06-15");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(j, "headers"),
									"authorization")),
				     "/us-east-1/sts/aws4_request"));
	json_decref(j);
	free(last);

	/* a query-protocol error */
	plan("[{\"status\":403,\"code\":\"InvalidClientTokenId\"}]");
	memset(&r, 0, sizeof r);
	gcr_sts_get_caller_identity(aws, NULL, on_ident, &r);
	while (!r.done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(r.st, GCR_ERR_AUTH);
}
END_TEST

static int many_done, many_ok;
static void on_many(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	(void)err;
	(void)info;
	(void)answer;
	(void)data;
	many_done++;
	many_ok += st == GCR_OK;
}

START_TEST(thousand_concurrent_calls)
{
	json_t *in = json_pack("{s:[s]}", "jobs", "j");

	many_done = many_ok = 0;
	for (int i = 0; i < 1000; i++)
		gcr_aws_json_call(aws, "batch", "DescribeJobs", in, NULL, on_many, NULL);
	json_decref(in);
	ck_assert_uint_eq(gcr_aws_active(aws), 1000);
	while (many_done < 1000)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(many_ok, 1000);
	ck_assert_int_eq(calls_of("describejobs"), 1000);
}
END_TEST

START_TEST(invalid_requests_fail_later)
{
	struct outcome o = { 0 };

	gcr_aws_json_call(aws, "nosuchservice", "X", NULL, NULL, on_json, &o);
	ck_assert_int_eq(o.done, 0);
	wait_for(&o);
	ck_assert_int_ne(o.st, GCR_OK);
}
END_TEST

static Suite *client_suite(void)
{
	Suite *s = suite_create("aws_client");
	TCase *tc = tcase_create("fixture");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, signed_rest_json_call);
	tcase_add_test(tc, json_protocol_target_header);
	tcase_add_test(tc, throttled_then_retried_with_backoff);
	tcase_add_test(tc, gives_up_after_three_attempts);
	tcase_add_test(tc, client_errors_are_not_retried);
	tcase_add_test(tc, empty_quota_means_no_retry);
	tcase_add_test(tc, deadline_stops_retries);
	tcase_add_test(tc, dropped_connection_retried_for_reads);
	tcase_add_test(tc, submit_never_repeated_after_drop_or_timeout);
	tcase_add_test(tc, cancel_during_backoff);
	tcase_add_test(tc, query_protocol_sts);
	tcase_add_test(tc, thousand_concurrent_calls);
	tcase_add_test(tc, invalid_requests_fail_later);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(client_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
