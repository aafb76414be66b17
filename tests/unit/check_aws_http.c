/* check_aws_http.c: the libuv-driven HTTP client against a real local
 * server (tests/unit/http_fixture.py): methods and bodies, uploads from a
 * file range, downloads to a file, connection reuse, timeouts, dropped and
 * truncated answers sorted correctly, cancel, close with transfers pending,
 * and many concurrent transfers on one loop. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "aws/http.h"
#include "aws_fixture.h"
#include "paths.h"

static struct aws_fixture fixture;
#define port (fixture.port)
static uv_loop_t loop;
static struct gcr_http *http;
static char tmpdir[64];


static void setup(void)
{
	struct gcr_error err;
	struct gcr_http_options opts = { .timeout_ms = 5000 };

	aws_fixture_start(&fixture);
	uv_loop_init(&loop);
	http = gcr_http_new(&loop, &opts, &err);
	ck_assert_ptr_nonnull(http);
	strcpy(tmpdir, "/tmp/gcr-http.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);

	if (http)
		gcr_http_close(http, NULL, NULL);
	http = NULL;
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	aws_fixture_stop(&fixture);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *url(const char *path)
{
	return gcr_strdup_printf("http://127.0.0.1:%d%s", port, path);
}

/* One finished transfer, copied out of the callback. */
struct result {
	int done;
	enum gcr_http_failure failure;
	long status;
	char *body;
	size_t body_len;
	uint64_t bytes_received;
	char request_id[64];
	uint64_t last_up, last_down;
};

static void on_done(struct gcr_http_response *resp, void *data)
{
	struct result *r = data;
	const char *rid = gcr_http_headers_get(&resp->headers, "X-Amzn-RequestId");

	r->done++;
	r->failure = resp->failure;
	r->status = resp->status;
	r->body = resp->body;
	r->body_len = resp->body_len;
	r->bytes_received = resp->bytes_received;
	resp->body = NULL;  /* stolen */
	snprintf(r->request_id, sizeof r->request_id, "%s", rid ? rid : "");
}

static void on_progress(uint64_t up_done, uint64_t up_total, uint64_t down_done,
			uint64_t down_total, void *data)
{
	struct result *r = data;

	(void)up_total;
	(void)down_total;
	r->last_up = up_done;
	r->last_down = down_done;
}

static void run_one(struct gcr_http_request_spec *spec, struct result *r)
{
	struct gcr_error err;

	memset(r, 0, sizeof *r);
	ck_assert_ptr_nonnull(gcr_http_send(http, spec, on_done, r, &err));
	ck_assert_int_eq(r->done, 0);  /* never called from inside send */
	while (!r->done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(r->done, 1);
}

static json_t *body_json(const struct result *r)
{
	json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
	ck_assert_ptr_nonnull(j);
	return j;
}

START_TEST(get_and_post_bodies_and_headers)
{
	struct gcr_http_headers h;
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct result r;
	json_t *j;
	char *u = url("/echo/get");

	spec.url = u;
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.request_id, "fixture-1");  /* headers are read */
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "method")), "GET");
	json_decref(j);
	free(r.body);

	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "Content-Type", "application/x-amz-json-1.1");
	gcr_http_headers_add(&h, "X-Amz-Target", "Logs_20140328.GetLogEvents");
	spec.method = "POST";
	spec.headers = &h;
	spec.body = "{\"a\":1}";
	spec.body_len = 7;
	run_one(&spec, &r);
	ck_assert_int_eq(r.status, 200);
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "method")), "POST");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "body_len")), 7);
	json_t *hj = json_object_get(j, "headers");
	ck_assert_str_eq(json_string_value(json_object_get(hj, "x-amz-target")),
			 "Logs_20140328.GetLogEvents");
	ck_assert_str_eq(json_string_value(json_object_get(hj, "content-type")),
			 "application/x-amz-json-1.1");
	ck_assert_ptr_null(json_object_get(hj, "expect"));
	json_decref(j);
	free(r.body);
	gcr_http_headers_clear(&h);

	/* A POST without a Content-Type gets none (not curl's form type). */
	spec.headers = NULL;
	run_one(&spec, &r);
	j = body_json(&r);
	ck_assert_ptr_null(json_object_get(json_object_get(j, "headers"), "content-type"));
	json_decref(j);
	free(r.body);

	/* DELETE and HEAD keep their method. */
	spec.method = "DELETE";
	spec.body = NULL;
	spec.body_len = 0;
	run_one(&spec, &r);
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "method")), "DELETE");
	json_decref(j);
	free(r.body);
	spec.method = "HEAD";
	run_one(&spec, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_len, 0);
	free(r.body);
	free(u);
}
END_TEST

START_TEST(headers_list_operations)
{
	struct gcr_http_headers h, copy;

	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "A", "1");
	gcr_http_headers_add(&h, "b", "2");
	gcr_http_headers_add(&h, "a", "3");
	ck_assert_str_eq(gcr_http_headers_get(&h, "a"), "1");
	gcr_http_headers_set(&h, "A", "4");
	ck_assert_uint_eq(h.count, 2);
	ck_assert_str_eq(gcr_http_headers_get(&h, "a"), "4");
	gcr_http_headers_init(&copy);
	gcr_http_headers_copy(&copy, &h);
	gcr_http_headers_remove(&h, "B");
	ck_assert_ptr_null(gcr_http_headers_get(&h, "b"));
	ck_assert_str_eq(gcr_http_headers_get(&copy, "b"), "2");
	gcr_http_headers_clear(&h);
	gcr_http_headers_clear(&copy);
	ck_assert_uint_eq(h.count, 0);
}
END_TEST

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[32];

	SHA256(data, len, md);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

START_TEST(upload_file_range_with_progress)
{
	char *path = gcr_strdup_printf("%s/upload.bin", tmpdir);
	unsigned char *data = malloc(300000);
	char want[65];
	struct gcr_http_request_spec spec = { .method = "PUT" };
	struct result r;
	json_t *j;
	FILE *f;

	for (size_t i = 0; i < 300000; i++)
		data[i] = (unsigned char)(i * 7);
	f = fopen(path, "wb");
	fwrite(data, 1, 300000, f);
	fclose(f);
	sha256_hex(data + 1000, 200000, want);

	spec.url = url("/echo/put");
	spec.upload_path = path;
	spec.upload_offset = 1000;
	spec.upload_length = 200000;
	spec.progress = on_progress;
	memset(&r, 0, sizeof r);
	spec.progress_data = &r;
	{
		struct gcr_error err;
		ck_assert_ptr_nonnull(gcr_http_send(http, &spec, on_done, &r, &err));
		while (!r.done)
			uv_run(&loop, UV_RUN_ONCE);
	}
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.last_up, 200000);
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "method")), "PUT");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "body_len")), 200000);
	ck_assert_str_eq(json_string_value(json_object_get(j, "body_sha256")), want);
	json_decref(j);
	free(r.body);
	free((char *)spec.url);
	free(path);
	free(data);
}
END_TEST

START_TEST(download_to_file_and_errors_stay_in_memory)
{
	char *path = gcr_strdup_printf("%s/down.bin", tmpdir);
	struct gcr_http_request_spec spec = { .method = "GET", .download_path = path };
	struct result r;
	struct stat st;
	unsigned char buf[600];
	FILE *f;

	spec.url = url("/bytes/1000000");
	run_one(&spec, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_uint_eq(r.bytes_received, 1000000);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1000000);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	f = fopen(path, "rb");
	ck_assert_int_eq(fread(buf, 1, sizeof buf, f), sizeof buf);
	fclose(f);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(buf[300], 300 % 256);
	free(r.body);
	free((char *)spec.url);
	unlink(path);

	/* An error answer is kept in memory for parsing; no file is made. */
	spec.url = url("/status/404");
	run_one(&spec, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_nonnull(strstr(r.body, "Code404"));
	ck_assert_int_ne(stat(path, &st), 0);
	free(r.body);
	free((char *)spec.url);

	/* A download into a directory that does not exist is a local failure. */
	free(path);
	path = gcr_strdup_printf("%s/missing/dir/x", tmpdir);
	spec.download_path = path;
	spec.url = url("/bytes/10");
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_LOCAL);
	ck_assert_int_eq(r.status, 0);
	free(r.body);
	free((char *)spec.url);
	free(path);
}
END_TEST

START_TEST(connection_is_reused)
{
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct result r;
	json_t *j;
	json_int_t first, second;

	spec.url = url("/echo/a");
	run_one(&spec, &r);
	j = body_json(&r);
	first = json_integer_value(json_object_get(j, "peer_port"));
	json_decref(j);
	free(r.body);
	run_one(&spec, &r);
	j = body_json(&r);
	second = json_integer_value(json_object_get(j, "peer_port"));
	json_decref(j);
	free(r.body);
	ck_assert_int_eq(first, second);

	/* fresh_connection refuses the cached connection. */
	spec.fresh_connection = 1;
	run_one(&spec, &r);
	j = body_json(&r);
	ck_assert_int_ne(json_integer_value(json_object_get(j, "peer_port")), first);
	json_decref(j);
	free(r.body);
	free((char *)spec.url);
}
END_TEST

START_TEST(failures_are_sorted)
{
	struct gcr_http_request_spec spec = { .method = "POST", .body = "x", .body_len = 1 };
	struct result r;
	struct gcr_error err;

	spec.url = url("/slow/3000");
	spec.timeout_ms = 300;
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_TIMEOUT);
	ck_assert_int_eq(r.status, 0);
	free(r.body);
	free((char *)spec.url);
	spec.timeout_ms = 0;

	spec.url = url("/drop");
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_DROPPED);
	free(r.body);
	free((char *)spec.url);

	spec.url = url("/truncate");
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_TRUNCATED);
	free(r.body);
	free((char *)spec.url);

	/* Nothing listens on port 1: the request was never sent. */
	spec.url = "http://127.0.0.1:1/echo";
	run_one(&spec, &r);
	ck_assert_int_eq(r.failure, GCR_HTTP_NOT_SENT);
	free(r.body);

	/* Only http and https. */
	spec.url = "file:///etc/passwd";
	run_one(&spec, &r);
	ck_assert_int_ne(r.failure, GCR_HTTP_OK);
	{
		struct gcr_http_response fake = { .failure = GCR_HTTP_TIMEOUT };
		strcpy(fake.failure_message, "no answer in time");
		ck_assert_int_eq(gcr_http_failure_to_error(&fake, "Batch SubmitJob", &err),
				 GCR_ERR_NETWORK);
		ck_assert_str_eq(err.message, "Batch SubmitJob: no answer in time");
	}
	free(r.body);
}
END_TEST

START_TEST(cancel_runs_callback_once)
{
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct gcr_http_request *req;
	struct result r;
	struct gcr_error err;

	memset(&r, 0, sizeof r);
	spec.url = url("/slow/2000");
	req = gcr_http_send(http, &spec, on_done, &r, &err);
	ck_assert_ptr_nonnull(req);
	uv_run(&loop, UV_RUN_NOWAIT);
	ck_assert_uint_eq(gcr_http_active(http), 1);
	gcr_http_cancel(req);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.failure, GCR_HTTP_CANCELLED);
	ck_assert_uint_eq(gcr_http_active(http), 0);
	free(r.body);
	free((char *)spec.url);
}
END_TEST

static int closed_flag;
static void on_closed(void *data)
{
	(void)data;
	closed_flag++;
}

START_TEST(close_with_transfers_pending)
{
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct result r[5];
	struct gcr_error err;

	memset(r, 0, sizeof r);
	spec.url = url("/slow/1000");
	for (int i = 0; i < 5; i++)
		ck_assert_ptr_nonnull(gcr_http_send(http, &spec, on_done, &r[i], &err));
	for (int i = 0; i < 3; i++)
		uv_run(&loop, UV_RUN_NOWAIT);
	closed_flag = 0;
	gcr_http_close(http, on_closed, NULL);
	http = NULL;
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(r[i].done, 1);
		ck_assert_int_eq(r[i].failure, GCR_HTTP_CANCELLED);
		free(r[i].body);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(closed_flag, 1);
	free((char *)spec.url);
}
END_TEST

/* With room for 2 transfers, the rest wait in order; a queued one can be
 * cancelled, and the others still complete. */
START_TEST(queued_transfers_wait_their_turn)
{
	struct gcr_http_options opts = { .max_connections = 2 };
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct gcr_http_request *reqs[5];
	struct result r[5];
	struct gcr_error err;
	struct gcr_http *small;

	small = gcr_http_new(&loop, &opts, &err);
	ck_assert_ptr_nonnull(small);
	memset(r, 0, sizeof r);
	spec.url = url("/slow/200");
	for (int i = 0; i < 5; i++) {
		reqs[i] = gcr_http_send(small, &spec, on_done, &r[i], &err);
		ck_assert_ptr_nonnull(reqs[i]);
	}
	ck_assert_uint_eq(gcr_http_active(small), 5);
	gcr_http_cancel(reqs[4]);   /* still queued */
	ck_assert_int_eq(r[4].done, 1);
	ck_assert_int_eq(r[4].failure, GCR_HTTP_CANCELLED);
	while (gcr_http_active(small))
		uv_run(&loop, UV_RUN_ONCE);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(r[i].done, 1);
		ck_assert_int_eq(r[i].status, 200);
		free(r[i].body);
	}
	free(r[4].body);
	gcr_http_close(small, NULL, NULL);
	free((char *)spec.url);
}
END_TEST

#define MANY 500
START_TEST(many_concurrent_transfers)
{
	struct gcr_http_request_spec spec = { .method = "GET" };
	struct result *r = calloc(MANY, sizeof *r);
	struct gcr_error err;
	int ok = 0;

	spec.url = url("/echo/many");
	for (int i = 0; i < MANY; i++)
		ck_assert_ptr_nonnull(gcr_http_send(http, &spec, on_done, &r[i], &err));
	ck_assert_uint_eq(gcr_http_active(http), MANY);
	while (gcr_http_active(http))
		uv_run(&loop, UV_RUN_ONCE);
	for (int i = 0; i < MANY; i++) {
		ck_assert_int_eq(r[i].done, 1);
		ok += r[i].status == 200;
		free(r[i].body);
	}
	ck_assert_int_eq(ok, MANY);
	free(r);
	free((char *)spec.url);
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("aws_http");
	TCase *tc = tcase_create("fixture");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, get_and_post_bodies_and_headers);
	tcase_add_test(tc, headers_list_operations);
	tcase_add_test(tc, upload_file_range_with_progress);
	tcase_add_test(tc, download_to_file_and_errors_stay_in_memory);
	tcase_add_test(tc, connection_is_reused);
	tcase_add_test(tc, failures_are_sorted);
	tcase_add_test(tc, cancel_runs_callback_once);
	tcase_add_test(tc, close_with_transfers_pending);
	tcase_add_test(tc, queued_transfers_wait_their_turn);
	tcase_add_test(tc, many_concurrent_transfers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
