/* check_submit_batch.c: the Batch backend's dashboard calls against the
 * AWS test server and s3rver (tests/testbed/) -- refresh in batches of 100
 * with plain explanations, cancel (CancelJob while waiting, TerminateJob
 * once running), logs from the job's own log group, results under
 * <userId>/results/<jobId>/.  Jobs are made with the engine's own job
 * definition and SubmitJob bodies (plan.c, jobdef.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/batch.h"
#include "aws/client.h"
#include "aws/s3.h"
#include "backend.h"
#include "journal.h"
#include "paths.h"
#include "settings.h"
#include "submit/submit.h"
#include "submit/submit_internal.h"

static char tmpdir[64], bed[128];
static uv_loop_t loop;
static struct gcr_backend_env env;
static struct submit_plan plan;
static char jobdef_arn[512];

/* ---- the test bed ------------------------------------------------------------------- */

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;

	ck_assert_int_eq(gcr_read_file(path, &text, &len, NULL), GCR_OK);
	return text;
}

/* Runs tbctl METHOD PATH [BODY]; returns the JSON answer (caller decrefs). */
static json_t *tb(const char *method, const char *path, const char *body)
{
	char *cmd = gcr_strdup_printf("/usr/bin/python3 '%s/tests/testbed/tbctl' %s '%s' '%s'",
				      getenv("top_srcdir"), method, path, body ? body : "");
	FILE *p = popen(cmd, "r");
	json_error_t jerr;
	json_t *doc;

	ck_assert_ptr_nonnull(p);
	doc = json_loadf(p, 0, &jerr);
	ck_assert_int_eq(pclose(p), 0);
	free(cmd);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static long tb_count(const char *operation)
{
	char *path = gcr_strdup_printf("requests?service=batch&operation=%s", operation);
	json_t *doc = tb("GET", path, NULL);
	long n = (long)json_integer_value(json_object_get(doc, "count"));

	json_decref(doc);
	free(path);
	return n;
}

static void tb_do(const char *method, const char *path, const char *body)
{
	json_decref(tb(method, path, body));
}

static void wait_for(const int *done)
{
	while (!*done && uv_run(&loop, UV_RUN_ONCE))
		;
	ck_assert(*done);
}

/* ---- making jobs --------------------------------------------------------------------- */

struct jobdef_wait {
	int done;
	enum gcr_status st;
};

static void on_jobdef(enum gcr_status st, const struct gcr_error *err, const char *arn,
		      bool registered, void *data)
{
	struct jobdef_wait *w = data;

	(void)err;
	(void)registered;
	w->st = st;
	if (arn)
		snprintf(jobdef_arn, sizeof jobdef_arn, "%s", arn);
	w->done = 1;
}

struct submit_wait {
	int done;
	enum gcr_status st;
	char job_id[128];
};

static void on_submitted(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, const char *job_id,
			 const char *job_arn, void *data)
{
	struct submit_wait *w = data;

	(void)err;
	(void)info;
	(void)job_arn;
	w->st = st;
	if (job_id)
		snprintf(w->job_id, sizeof w->job_id, "%s", job_id);
	w->done = 1;
}

/* A job as the engine submits it, with a test-server outcome in its
 * environment (TESTBED_RUNTIME=..., TESTBED_STUCK_REASON=...). */
static void submit_job(const char *name, const char *env_name, const char *env_value,
		       char job_id[128])
{
	struct submit_wait w = { 0 };
	struct submit_plan p = plan;
	json_t *in;

	snprintf(p.sim_id, sizeof p.sim_id, "%s", name);
	in = submit_job_input(&p, jobdef_arn);
	json_array_append_new(json_object_get(json_object_get(in, "containerOverrides"),
					      "environment"),
			      json_pack("{s:s, s:s}", "name", env_name, "value", env_value));
	gcr_batch_submit_job(env.aws, in, on_submitted, &w);
	json_decref(in);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
	snprintf(job_id, 128, "%s", w.job_id);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void bed_up(void)
{
	const char *src = getenv("top_srcdir");
	char *cmd, *path, *text, *line, *save;
	struct gcr_aws_options o = { .loop = &loop };
	struct gcr_error err;
	struct jobdef_wait w = { 0 };

	strcpy(tmpdir, "/tmp/gcr-subbatch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("HOME", tmpdir, 1);
	path = gcr_strdup_printf("%s/state", tmpdir);
	setenv("XDG_STATE_HOME", path, 1);
	free(path);
	snprintf(bed, sizeof bed, "%s/bed", tmpdir);
	cmd = gcr_strdup_printf("'%s/tests/testbed/testbed.sh' start '%s' aws s3 >/dev/null", src, bed);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	path = gcr_strdup_printf("%s/env", bed);
	text = slurp(path);
	/* Lines "NAME=value; export NAME" (values may be quoted). */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *semi, *v;
		if (line[0] == '#' || !eq || strncmp(line, "unset", 5) == 0)
			continue;
		*eq = '\0';
		v = eq + 1;
		semi = strstr(v, "; export");
		if (semi)
			*semi = '\0';
		if (*v == '\'' && strlen(v) >= 2) {
			v++;
			v[strlen(v) - 1] = '\0';
		}
		setenv(line, v, 1);
	}
	unsetenv("AWS_PROFILE");
	free(text);
	free(path);

	uv_loop_init(&loop);
	memset(&env, 0, sizeof env);
	env.loop = &loop;
	env.aws = gcr_aws_new(&o, &err);
	ck_assert_ptr_nonnull(env.aws);
	env.settings = gcr_settings_new();
	gcr_settings_set(env.settings, "s3.bucket", "gcr-results", NULL);
	gcr_settings_set(env.settings, "s3.user_prefix", "alice", NULL);

	memset(&plan, 0, sizeof plan);
	strcpy(plan.region, "us-east-1");
	strcpy(plan.user_id, "alice");
	strcpy(plan.bucket, "gcr-results");
	strcpy(plan.queue, "gcrunner-x86_64");
	strcpy(plan.job_definition, "geos-chem-classic-x86_64");
	strcpy(plan.image, "geos-chem:x86_64-latest");
	strcpy(plan.job_role_arn, "arn:aws:iam::111122223333:role/gcrunner-BatchJobRole");
	strcpy(plan.log_group, "/gcrunner/batch");
	strcpy(plan.project, "gcrunner");
	strcpy(plan.arch, "x86_64");
	strcpy(plan.instance_type, "c5.4xlarge");
	plan.vcpus = 16;
	plan.memory_mib = submit_memory_mib(32);
	plan.timeout_s = 7200;
	submit_jobdef_ensure(env.aws, &plan, on_jobdef, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
}

static void bed_down(void)
{
	char *cmd = gcr_strdup_printf("'%s/tests/testbed/testbed.sh' stop '%s' >/dev/null",
				      getenv("top_srcdir"), bed);

	gcr_aws_free(env.aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	gcr_settings_free(env.settings);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* ---- refresh ------------------------------------------------------------------------------ */

struct status_wait {
	int done;
	enum gcr_status st;
	struct gcr_run_status *s;
	size_t n;
};

static void on_status(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_run_status *statuses, size_t n, void *data)
{
	struct status_wait *w = data;

	(void)err;
	w->st = st;
	w->n = n;
	w->s = calloc(n + 1, sizeof *w->s);
	if (n)
		memcpy(w->s, statuses, n * sizeof *statuses);
	w->done = 1;
}

static struct gcr_run_status refresh_one(const char *job_id)
{
	struct status_wait w = { 0 };
	const char *ids[1] = { job_id };
	struct gcr_run_status out;

	gcr_backend_batch.refresh(&env, ids, 1, on_status, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
	ck_assert_int_eq(w.n, 1);
	out = w.s[0];
	free(w.s);
	return out;
}

START_TEST(backend_is_linked)
{
	const struct gcr_backend_ops *ops = gcr_backend_for(GCR_TARGET_BATCH);

	ck_assert_ptr_nonnull(ops);
	ck_assert_str_eq(ops->name, "batch");
	ck_assert_ptr_eq(ops, gcr_submit_backend);
}
END_TEST

START_TEST(refresh_batches_by_100)
{
	json_t *made = tb("POST", "batch/jobs", "{\"count\":150,\"finished\":50,\"failed\":10,"
			  "\"running\":40,\"jobQueue\":\"gcrunner-x86_64\",\"returnIds\":true}");
	json_t *ids = json_object_get(made, "jobIds");
	const char **list = calloc(json_array_size(ids), sizeof *list);
	struct status_wait w = { 0 };
	int by[GCR_RUN_CANCELLED + 1] = { 0 };
	long before = tb_count("DescribeJobs");
	size_t i;
	json_t *v;

	json_array_foreach(ids, i, v)
		list[i] = json_string_value(v);
	ck_assert_int_eq(json_array_size(ids), 150);
	gcr_backend_batch.refresh(&env, list, 150, on_status, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
	ck_assert_int_eq(w.n, 150);
	ck_assert_int_eq(tb_count("DescribeJobs") - before, 2);
	for (i = 0; i < w.n; i++) {
		by[w.s[i].state]++;
		if (w.s[i].state == GCR_RUN_SUCCEEDED) {
			ck_assert_int_eq(w.s[i].exit_code, 0);
			ck_assert_int_eq(w.s[i].nattempts, 1);
			ck_assert_int_gt(w.s[i].stopped_ms, w.s[i].started_ms);
			ck_assert_ptr_nonnull(strstr(w.s[i].log_stream, "/default/"));
		}
	}
	ck_assert_int_eq(by[GCR_RUN_SUCCEEDED], 40);
	ck_assert_int_eq(by[GCR_RUN_FAILED], 10);
	ck_assert_int_eq(by[GCR_RUN_RUNNING], 40);
	ck_assert_int_eq(by[GCR_RUN_QUEUED], 60);
	free(w.s);
	free(list);
	json_decref(made);
}
END_TEST

START_TEST(refresh_explains_a_stuck_job)
{
	char id[128];
	struct gcr_run_status st;

	submit_job("stuck-1", "TESTBED_STUCK_REASON", "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", id);
	tb_do("POST", "clock", "{\"advance\": 5}");
	st = refresh_one(id);
	ck_assert_int_eq(st.state, GCR_RUN_QUEUED);
	ck_assert_str_eq(st.native_state, "RUNNABLE");
	ck_assert_str_eq(st.reason, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY");
	ck_assert_ptr_nonnull(strstr(st.explanation, "capacity"));
	ck_assert_str_eq(st.log_group, "/gcrunner/batch");
}
END_TEST

/* ---- logs -------------------------------------------------------------------------------- */

struct logs_wait {
	int done;
	enum gcr_status st;
	json_t *lines;
	char next[1024];
};

static void on_logs(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_log_page *page, void *data)
{
	struct logs_wait *w = data;

	(void)err;
	w->st = st;
	if (page) {
		w->lines = json_incref(page->lines);
		snprintf(w->next, sizeof w->next, "%s", page->next);
	}
	w->done = 1;
}

START_TEST(logs_come_from_the_jobs_log_group)
{
	char id[128];
	struct gcr_run_status st;
	struct logs_wait w = { 0 }, w2 = { 0 }, w0 = { 0 };
	json_t *line;
	size_t i;
	bool end = false;

	submit_job("logs-1", "TESTBED_RUNTIME", "5", id);
	/* Before it runs there is no stream. */
	st = refresh_one(id);
	gcr_backend_batch.logs(&env, &st, NULL, on_logs, &w0);
	ck_assert(w0.done);
	ck_assert_int_eq(w0.st, GCR_ERR_NOT_FOUND);

	tb_do("POST", "clock", "{\"advance\": 30}");
	st = refresh_one(id);
	ck_assert_int_eq(st.state, GCR_RUN_SUCCEEDED);
	ck_assert_str_eq(st.log_group, "/gcrunner/batch");
	ck_assert_ptr_nonnull(strstr(st.log_stream, "geos-chem-classic-x86_64/default/"));
	gcr_backend_batch.logs(&env, &st, NULL, on_logs, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
	ck_assert_int_gt(json_array_size(w.lines), 0);
	json_array_foreach(w.lines, i, line) {
		ck_assert(json_is_integer(json_object_get(line, "t")));
		end = end || strstr(json_string_value(json_object_get(line, "m")), "E N D");
	}
	ck_assert(end);
	/* At the end, the same token comes back with nothing new. */
	gcr_backend_batch.logs(&env, &st, w.next, on_logs, &w2);
	wait_for(&w2.done);
	ck_assert_int_eq(w2.st, GCR_OK);
	ck_assert_int_eq(json_array_size(w2.lines), 0);
	ck_assert_str_eq(w2.next, w.next);
	json_decref(w.lines);
	json_decref(w2.lines);
}
END_TEST

/* ---- cancel ------------------------------------------------------------------------------ */

struct done_wait {
	int done;
	enum gcr_status st;
};

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct done_wait *w = data;

	(void)err;
	w->st = st;
	w->done = 1;
}

static enum gcr_status cancel(const char *sim, const char *id)
{
	struct done_wait w = { 0 };

	gcr_backend_batch.cancel(&env, sim, id, "test", on_done, &w);
	wait_for(&w.done);
	return w.st;
}

START_TEST(cancel_before_and_after_start)
{
	char waiting[128], running[128];
	long c0, t0;
	struct gcr_run_status st;
	struct gcr_journal *j;
	char *path = gcr_strdup_printf("%s/journal.jsonl", tmpdir);

	ck_assert_int_eq(gcr_journal_open(path, &j, NULL), GCR_OK);
	env.journal = j;
	submit_job("cancel-waiting", "TESTBED_STUCK_REASON", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
		   waiting);
	submit_job("cancel-running", "TESTBED_RUNTIME", "1000", running);
	tb_do("POST", "clock", "{\"advance\": 10}");
	ck_assert_int_eq(refresh_one(running).state, GCR_RUN_RUNNING);

	c0 = tb_count("CancelJob");
	t0 = tb_count("TerminateJob");
	ck_assert_int_eq(cancel("cancel-waiting", waiting), GCR_OK);
	ck_assert_int_eq(tb_count("CancelJob") - c0, 1);
	ck_assert_int_eq(tb_count("TerminateJob") - t0, 0);
	st = refresh_one(waiting);
	ck_assert_int_eq(st.state, GCR_RUN_CANCELLED);
	ck_assert_str_eq(json_string_value(json_object_get(gcr_journal_get(j, "cancel-waiting"),
							   "cancel_reason")), "test");

	ck_assert_int_eq(cancel(NULL, running), GCR_OK);
	ck_assert_int_eq(tb_count("CancelJob") - c0, 1);
	ck_assert_int_eq(tb_count("TerminateJob") - t0, 1);
	tb_do("POST", "clock", "{\"advance\": 2}");
	st = refresh_one(running);
	ck_assert_int_eq(st.state, GCR_RUN_CANCELLED);

	/* A finished job: nothing to do, no call. */
	ck_assert_int_eq(cancel(NULL, running), GCR_OK);
	ck_assert_int_eq(tb_count("TerminateJob") - t0, 1);
	ck_assert_int_eq(cancel(NULL, "00000000-0000-0000-0000-000000000000"), GCR_ERR_NOT_FOUND);
	env.journal = NULL;
	gcr_journal_close(j);
	free(path);
}
END_TEST

/* ---- results ----------------------------------------------------------------------------- */

struct put_wait {
	int done;
	enum gcr_status st;
};

static void on_put(enum gcr_status st, const struct gcr_error *err, const char *etag, void *data)
{
	struct put_wait *w = data;

	(void)err;
	(void)etag;
	w->st = st;
	w->done = 1;
}

static void on_bucket(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct put_wait *w = data;

	(void)err;
	w->st = st;
	w->done = 1;
}

static void put(const char *bucket, const char *key, const char *text)
{
	struct put_wait w = { 0 };
	struct gcr_s3_put_input in = { .bucket = bucket, .key = key, .data = text,
				       .len = strlen(text) };

	gcr_s3_put_object(env.aws, &in, on_put, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
}

struct results_wait {
	int done;
	enum gcr_status st;
	struct gcr_result_file *files;
	size_t n;
	char location[1024];
};

static void on_results(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_result_file *files, size_t n, const char *location,
		       void *data)
{
	struct results_wait *w = data;

	(void)err;
	w->st = st;
	w->n = n;
	w->files = calloc(n + 1, sizeof *files);
	if (n)
		memcpy(w->files, files, n * sizeof *files);
	snprintf(w->location, sizeof w->location, "%s", location ? location : "");
	w->done = 1;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct gcr_result_file *)a)->key,
		      ((const struct gcr_result_file *)b)->key);
}

START_TEST(results_are_listed_under_user_results_job)
{
	struct put_wait b = { 0 };
	struct results_wait w = { 0 }, w2 = { 0 }, w3 = { 0 };
	struct gcr_journal *j;
	char *path = gcr_strdup_printf("%s/journal2.jsonl", tmpdir);
	json_t *f;

	gcr_s3_create_bucket(env.aws, "gcr-results", NULL, on_bucket, &b);
	wait_for(&b.done);
	ck_assert_int_eq(b.st, GCR_OK);
	put("gcr-results", "alice/results/job-7/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4",
	    "netcdf");
	put("gcr-results", "alice/results/job-7/GC.log", "log text");
	put("gcr-results", "alice/results/job-7/Restarts/GEOSChem.Restart.20190708_0000z.nc4", "r");
	put("gcr-results", "alice/results/job-70/GC.log", "another job");
	put("gcr-results", "bob/results/job-7/GC.log", "another user");

	gcr_backend_batch.results(&env, NULL, "job-7", on_results, &w);
	wait_for(&w.done);
	ck_assert_int_eq(w.st, GCR_OK);
	ck_assert_int_eq(w.n, 3);
	ck_assert_str_eq(w.location, "s3://gcr-results/alice/results/job-7/");
	qsort(w.files, w.n, sizeof *w.files, by_key);
	ck_assert_str_eq(w.files[0].key, "GC.log");
	ck_assert_int_eq(w.files[0].size, 8);
	ck_assert_str_eq(w.files[1].key, "OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4");
	free(w.files);

	/* The journal's plan says where a run's results are, before the settings. */
	ck_assert_int_eq(gcr_journal_open(path, &j, NULL), GCR_OK);
	f = json_pack("{s:s, s:{s:s, s:s}}", "target", "batch", "plan", "bucket", "gcr-results",
		      "user_id", "bob");
	ck_assert_int_eq(gcr_journal_append(j, "sim-bob", "intent", f, NULL), GCR_OK);
	json_decref(f);
	env.journal = j;
	gcr_backend_batch.results(&env, "sim-bob", "job-7", on_results, &w2);
	wait_for(&w2.done);
	ck_assert_int_eq(w2.n, 1);
	ck_assert_str_eq(w2.location, "s3://gcr-results/bob/results/job-7/");
	free(w2.files);
	env.journal = NULL;
	gcr_journal_close(j);
	free(path);

	gcr_backend_batch.results(&env, NULL, "", on_results, &w3);
	ck_assert(w3.done);
	ck_assert_int_eq(w3.st, GCR_ERR_NOT_FOUND);
	free(w3.files);
}
END_TEST

static Suite *batch_suite(void)
{
	Suite *s = suite_create("submit-batch");
	TCase *tc = tcase_create("testbed");

	tcase_add_unchecked_fixture(tc, bed_up, bed_down);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, backend_is_linked);
	tcase_add_test(tc, refresh_batches_by_100);
	tcase_add_test(tc, refresh_explains_a_stuck_job);
	tcase_add_test(tc, logs_come_from_the_jobs_log_group);
	tcase_add_test(tc, cancel_before_and_after_start);
	tcase_add_test(tc, results_are_listed_under_user_results_job);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *modules = getenv("TESTBED_NODE_MODULES");
	char *s3rver;
	SRunner *sr;
	int failed;

	if (!getenv("top_srcdir")) {
		fprintf(stderr, "run through make check (top_srcdir)\n");
		return 99;
	}
	s3rver = modules ? gcr_strdup_printf("%s/s3rver", modules)
			 : gcr_strdup_printf("%s/tests/testbed/node_modules/s3rver",
					     getenv("top_srcdir"));
	if (access(s3rver, F_OK) != 0 || system("command -v node >/dev/null 2>&1") != 0) {
		printf("SKIP: needs node and 'npm ci' in tests/testbed\n");
		free(s3rver);
		return 77;
	}
	free(s3rver);
	/* One bed for all tests: no fork, so the fixture's state is shared. */
	sr = srunner_create(batch_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
