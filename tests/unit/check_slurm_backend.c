/* check_slurm_backend.c: the Slurm backend (gcr_backend_slurm, through
 * gcr_backend_for) -- Slurm states and pending reasons in the dashboard's
 * words (always), and, against the REAL single-node Slurm of
 * tests/testbed/slurm (tests/scripts/slurm-submit.sh runs this program with
 * the test bed's variables; without them those cases skip): submit a tiny
 * job script exactly once, refresh it to its end, read its log by byte
 * offset, list its results, cancel a running job, and ask for a job Slurm
 * does not know.  GCR_TEST_TRANSPORT=ssh|local chooses the transport. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "backend.h"
#include "catalog.h"
#include "journal.h"
#include "settings.h"
#include "slurm/pcluster_life.h"
#include "slurm/slurm.h"
#include "slurm/slurm_backend.h"

/* ---- states and reasons (no cluster needed) ------------------------------------------ */

START_TEST(t_state_map)
{
	static const struct {
		const char *slurm;
		enum gcr_run_state want;
	} cases[] = {
		{ "PENDING", GCR_RUN_QUEUED }, { "CONFIGURING", GCR_RUN_STARTING },
		{ "RUNNING", GCR_RUN_RUNNING }, { "COMPLETING", GCR_RUN_RUNNING },
		{ "COMPLETED", GCR_RUN_SUCCEEDED }, { "FAILED", GCR_RUN_FAILED },
		{ "CANCELLED", GCR_RUN_CANCELLED }, { "CANCELLED by 1000", GCR_RUN_CANCELLED },
		{ "TIMEOUT", GCR_RUN_FAILED }, { "NODE_FAIL", GCR_RUN_FAILED },
		{ "PREEMPTED", GCR_RUN_FAILED }, { "OUT_OF_MEMORY", GCR_RUN_FAILED },
		{ "REQUEUED", GCR_RUN_QUEUED }, { "SOMETHING_NEW", GCR_RUN_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(gcr_slurm_run_state(gcr_slurm_parse_state(cases[i].slurm)) ==
			      cases[i].want, "%s -> %s", cases[i].slurm,
			      gcr_run_state_id(gcr_slurm_run_state(gcr_slurm_parse_state(cases[i].slurm))));
}
END_TEST

START_TEST(t_explain)
{
	const char *reasons[] = { "Resources", "Priority", "ReqNodeNotAvail, UnavailableNodes:x",
				  "PartitionConfig", "PartitionTimeLimit", "AssocGrpCpuLimit",
				  "Dependency", "JobHeldUser" };
	const char *seen[8];

	for (size_t i = 0; i < 8; i++) {
		seen[i] = gcr_slurm_explain(GCR_SLURM_PENDING, reasons[i], false);
		ck_assert_msg(seen[i] && *seen[i], "%s has an explanation", reasons[i]);
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(strcmp(seen[i], seen[k]) != 0, "%s and %s differ", reasons[i],
				      reasons[k]);
	}
	/* A reason that means "never": says so. */
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_PENDING, "PartitionConfig", false),
				     "never"));
	/* ParallelCluster's words: nodes are EC2 instances being started. */
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_PENDING, "Resources", true), "EC2"));
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_CONFIGURING, "None", true),
				     "booting"));
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_PREEMPTED, "", true), "spot"));
	/* Unknown reasons still say it waits; final states say what happened. */
	ck_assert_str_eq(gcr_slurm_explain(GCR_SLURM_PENDING, "SomeNewReason", false),
			 gcr_slurm_explain(GCR_SLURM_PENDING, "None", false));
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_TIMEOUT, "", false), "time limit"));
	ck_assert_ptr_nonnull(strstr(gcr_slurm_explain(GCR_SLURM_OUT_OF_MEMORY, "", false),
				     "memory"));
}
END_TEST

START_TEST(t_needs_reconcile)
{
	json_t *a = json_pack("{s:s}", "target", "slurm");
	json_t *b = json_pack("{s:s, s:s}", "target", "slurm", "job_id", "12");
	json_t *c = json_pack("{s:s, s:s, s:b}", "target", "pcluster", "job_id", "12",
			      "record_pending", 1);
	json_t *d = json_pack("{s:s, s:b}", "target", "slurm", "closed", 1);
	json_t *e = json_pack("{s:s}", "target", "batch");

	ck_assert(gcr_cluster_submit_needs_reconcile(a));
	ck_assert(!gcr_cluster_submit_needs_reconcile(b));
	ck_assert(gcr_cluster_submit_needs_reconcile(c));
	ck_assert(!gcr_cluster_submit_needs_reconcile(d));
	ck_assert(!gcr_cluster_submit_needs_reconcile(e));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
	json_decref(e);
}
END_TEST

START_TEST(t_pcluster_info)
{
	/* DescribeCluster's answer as the ParallelCluster 3 API reference shows it. */
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s},"
			      " s:[{s:s, s:s}]}",
			      "clusterName", "gchp-c180", "region", "us-east-2", "version", "3.12.0",
			      "clusterStatus", "CREATE_FAILED", "cloudFormationStackStatus",
			      "ROLLBACK_COMPLETE", "computeFleetStatus", "UNKNOWN", "creationTime",
			      "2026-01-02T03:04:05.000Z", "headNode", "instanceId", "i-0abc",
			      "instanceType", "c5.2xlarge", "launchTime", "2026-01-02T03:05:00.000Z",
			      "privateIpAddress", "10.0.0.5", "state", "running", "failures",
			      "failureCode", "HeadNodeBootstrapFailure", "failureReason", "timed out");
	json_t *c = json_pack("{s:{s:s, s:s, s:s, s:s}}", "cluster", "clusterName", "x-1234",
			      "region", "us-east-1", "clusterStatus", "DELETE_IN_PROGRESS",
			      "cloudformationStackStatus", "DELETE_IN_PROGRESS");
	struct gcr_pcluster_info i;
	struct gcr_error err;

	gcr_pcluster_info_from_json(d, &i);
	ck_assert_str_eq(i.name, "gchp-c180");
	ck_assert_str_eq(i.status, "CREATE_FAILED");
	ck_assert_str_eq(i.stack_status, "ROLLBACK_COMPLETE");
	ck_assert_str_eq(i.head_instance_id, "i-0abc");
	ck_assert_str_eq(i.head_instance_type, "c5.2xlarge");
	ck_assert_str_eq(i.failure, "timed out");
	ck_assert_int_eq(i.created, 1767323045);
	/* Create and delete answer {"cluster": summary}, spelled cloudformation... */
	gcr_pcluster_info_from_json(c, &i);
	ck_assert_str_eq(i.name, "x-1234");
	ck_assert_str_eq(i.stack_status, "DELETE_IN_PROGRESS");
	ck_assert(gcr_pcluster_status_in_progress(i.status));
	ck_assert(!gcr_pcluster_status_in_progress("CREATE_COMPLETE"));
	ck_assert_int_eq(gcr_pcluster_check_name("gchp-c180", &err), GCR_OK);
	ck_assert_int_eq(gcr_pcluster_check_name("9gchp", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_pcluster_check_name("gc_hp", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_pcluster_check_name("abcd", &err), GCR_ERR_INVALID);
	json_decref(d);
	json_decref(c);
}
END_TEST

START_TEST(t_backends_linked)
{
	ck_assert_ptr_eq(gcr_backend_for(GCR_TARGET_SLURM), &gcr_backend_slurm);
	ck_assert_ptr_eq(gcr_backend_for(GCR_TARGET_PCLUSTER), &gcr_backend_pcluster);
	ck_assert_str_eq(gcr_backend_for(GCR_TARGET_SLURM)->name, "slurm");
}
END_TEST

/* ---- against the test bed ------------------------------------------------------------ */

static uv_loop_t loop;
static struct gcr_backend_env env;
static struct gcr_settings *settings;
static struct gcr_catalog *catalog;
static struct gcr_journal *journal;
static char tmp[512];
static const struct gcr_backend_ops *ops;

static bool have_bed(void)
{
	return getenv("GCR_TESTBED_DIR") && getenv("GCR_TESTBED_JOBS");
}

static void set(const char *key, const char *value)
{
	struct gcr_error err;

	ck_assert_msg(gcr_settings_set(settings, key, value, &err) == GCR_OK, "%s", err.message);
}

static void bed_setup(void)
{
	const char *tr = getenv("GCR_TEST_TRANSPORT");
	struct gcr_error err;
	char path[600];

	if (!have_bed())
		return;
	snprintf(tmp, sizeof tmp, "%s/backend-%s-%d", getenv("GCR_TESTBED_JOBS"),
		 tr ? tr : "local", (int)getpid());
	ck_assert_int_eq(mkdir(tmp, 0777), 0);
	uv_loop_init(&loop);
	settings = gcr_settings_new();
	set("slurm.transport", tr && strcmp(tr, "ssh") == 0 ? "ssh" : "local");
	set("slurm.host", getenv("GCR_TESTBED_SSH_HOST"));
	set("slurm.ssh_config", getenv("GCR_TESTBED_SSH_CONFIG"));
	set("slurm.partition", getenv("GCR_TESTBED_PARTITION"));
	snprintf(path, sizeof path, "%s/runs", tmp);
	set("slurm.run_root", path);
	ck_assert_int_eq(gcr_catalog_load(NULL, &catalog, &err), GCR_OK);
	snprintf(path, sizeof path, "%s/journal.jsonl", tmp);
	ck_assert_msg(gcr_journal_open(path, &journal, &err) == GCR_OK, "%s", err.message);
	env.loop = &loop;
	env.settings = settings;
	env.catalog = catalog;
	env.journal = journal;
	ops = gcr_backend_for(GCR_TARGET_SLURM);
}

static void bed_teardown(void)
{
	if (!have_bed())
		return;
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	gcr_journal_close(journal);
	gcr_catalog_free(catalog);
	gcr_settings_free(settings);
}

static void on_tick(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

static void sleep_on_loop(unsigned ms)
{
	uv_timer_t timer;
	bool fired = false;

	uv_timer_init(&loop, &timer);
	timer.data = &fired;
	uv_timer_start(&timer, on_tick, ms, 0);
	while (!fired)
		uv_run(&loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
}

struct answer {
	bool done;
	enum gcr_status st;
	char message[GCR_ERROR_MESSAGE_MAX];
	char sim[64], job[128];
	struct gcr_run_status status;
	json_t *lines;
	char next[1024];
	char files[4096];
	char location[1024];
};

static void wait_for(struct answer *a)
{
	while (!a->done)
		uv_run(&loop, UV_RUN_ONCE);
}

static void keep_error(struct answer *a, enum gcr_status st, const struct gcr_error *err)
{
	a->st = st;
	if (err)
		snprintf(a->message, sizeof a->message, "%s", err->message);
	a->done = true;
}

static void on_submit(enum gcr_status st, const struct gcr_error *err, const char *sim,
		      const char *job, void *data)
{
	struct answer *a = data;

	snprintf(a->sim, sizeof a->sim, "%s", sim ? sim : "");
	snprintf(a->job, sizeof a->job, "%s", job ? job : "");
	keep_error(a, st, err);
}

static void on_status(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_run_status *s, size_t n, void *data)
{
	struct answer *a = data;

	if (st == GCR_OK && n == 1)
		a->status = s[0];
	keep_error(a, st, err);
}

static void on_logs(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_log_page *page, void *data)
{
	struct answer *a = data;

	if (page) {
		a->lines = json_incref(page->lines);
		snprintf(a->next, sizeof a->next, "%s", page->next);
	}
	keep_error(a, st, err);
}

static void on_results(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_result_file *files, size_t n, const char *location,
		       void *data)
{
	struct answer *a = data;
	size_t used = 0;

	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(a->files + used, sizeof a->files - used, "%s %llu\n",
					 files[i].key, (unsigned long long)files[i].size);
	snprintf(a->location, sizeof a->location, "%s", location ? location : "");
	keep_error(a, st, err);
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	keep_error(data, st, err);
}

/* Submits SCRIPT (the test hook replaces the bundle's batch script). */
static void submit(const char *script, struct answer *a)
{
	struct gcr_submit_request req;
	char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/job-%d.sh", tmp, rand());
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(script, f);
	fclose(f);
	setenv(GCR_SLURM_TEST_SCRIPT_ENV, path, 1);
	memset(&req, 0, sizeof req);
	gcr_spec_init(&req.spec);
	req.spec.model = GCR_MODEL_CLASSIC;
	snprintf(req.spec.simulation, sizeof req.spec.simulation, "TransportTracers");
	req.spec.days = 1;
	req.spec.target = GCR_TARGET_SLURM;
	memset(a, 0, sizeof *a);
	ops->submit(&env, &req, on_submit, a);
	wait_for(a);
	unsetenv(GCR_SLURM_TEST_SCRIPT_ENV);
	ck_assert_msg(a->st == GCR_OK, "submit: %s", a->message);
	ck_assert_msg(*a->job, "a job id came back");
}

static void refresh(const char *job, struct answer *a)
{
	const char *ids[1] = { job };

	memset(a, 0, sizeof *a);
	ops->refresh(&env, ids, 1, on_status, a);
	wait_for(a);
	ck_assert_msg(a->st == GCR_OK, "refresh: %s", a->message);
}

/* Refreshes until the job is in a final state (at most ~30 s). */
static void refresh_until_final(const char *job, struct answer *a)
{
	for (int i = 0; i < 150; i++) {
		refresh(job, a);
		if (gcr_run_state_is_final(a->status.state))
			return;
		sleep_on_loop(200);
	}
	ck_abort_msg("job %s did not end: %s", job, a->status.native_state);
}

static void logs(const struct gcr_run_status *job, const char *token, struct answer *a)
{
	memset(a, 0, sizeof *a);
	ops->logs(&env, job, token, on_logs, a);
	wait_for(a);
	ck_assert_msg(a->st == GCR_OK, "logs: %s", a->message);
}

static bool lines_have(json_t *lines, const char *text)
{
	json_t *l;
	size_t i;

	json_array_foreach(lines, i, l)
		if (strstr(json_string_value(json_object_get(l, "m")), text))
			return true;
	return false;
}

START_TEST(t_submit_refresh_logs_results)
{
	struct answer a, s, l, r;
	json_t *st;
	char token[1024];

	if (!have_bed())
		return;
	submit("#!/bin/sh\necho \"tiny job $SLURM_JOB_ID\"\nprintf 'bad \\377 byte\\n'\nmkdir -p OutputDir\n"
	       "printf 12345 > OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4\n"
	       "echo done\n", &a);
	/* The journal knows the job, its target and its output file. */
	st = gcr_journal_get(journal, a.sim);
	ck_assert_str_eq(json_string_value(json_object_get(st, "target")), "slurm");
	ck_assert_str_eq(json_string_value(json_object_get(st, "job_id")), a.job);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(st, "output_path")),
				     "gcrunner-"));
	ck_assert_ptr_nonnull(json_object_get(st, "cluster"));

	refresh_until_final(a.job, &s);
	ck_assert_str_eq(s.status.job_id, a.job);
	ck_assert_msg(s.status.state == GCR_RUN_SUCCEEDED, "state %s (%s)",
		      gcr_run_state_id(s.status.state), s.status.native_state);
	ck_assert_str_eq(s.status.output_path, json_string_value(json_object_get(st, "output_path")));

	ck_assert_str_eq(s.status.log_stream, s.status.output_path);
	{
		/* As the dashboard passes it: log_stream only. */
		struct gcr_run_status only = s.status;
		only.output_path[0] = '\0';
		logs(&only, "", &l);
		ck_assert_msg(lines_have(l.lines, "tiny job"), "log_stream alone finds the file");
		json_decref(l.lines);
	}
	logs(&s.status, "", &l);
	ck_assert_msg(lines_have(l.lines, "tiny job"), "the log has the job's first line");
	ck_assert_msg(lines_have(l.lines, "done"), "and its last");
	ck_assert_msg(lines_have(l.lines, "bad ? byte"), "a line that is not UTF-8 is kept");
	ck_assert_int_gt(atoll(l.next), 0);
	snprintf(token, sizeof token, "%s", l.next);
	json_decref(l.lines);
	/* From the token: nothing new, and the same token back. */
	logs(&s.status, token, &l);
	ck_assert_int_eq(json_array_size(l.lines), 0);
	ck_assert_str_eq(l.next, token);
	json_decref(l.lines);

	memset(&r, 0, sizeof r);
	ops->results(&env, a.sim, a.job, on_results, &r);
	wait_for(&r);
	ck_assert_msg(r.st == GCR_OK, "results: %s", r.message);
	ck_assert_msg(strstr(r.files, "OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4 5\n"),
		      "results list the output file with its size: %s", r.files);
	ck_assert_ptr_nonnull(strstr(r.location, a.sim));
}
END_TEST

START_TEST(t_log_follow_by_offset)
{
	struct answer a, s, l;
	char token[1024];
	char flag[700], script[1600];

	if (!have_bed())
		return;
	/* The job writes its first line, then waits for the test to read it. */
	snprintf(flag, sizeof flag, "%s/go-%d", tmp, rand());
	snprintf(script, sizeof script,
		 "#!/bin/sh\necho first line\ni=0\nwhile [ ! -e '%s' ] && [ $i -lt 300 ]; do "
		 "sleep 0.1; i=$((i+1)); done\necho second line\n", flag);
	submit(script, &a);
	for (int i = 0; i < 150; i++) {
		refresh(a.job, &s);
		logs(&s.status, "", &l);
		if (json_array_size(l.lines) > 0)
			break;
		json_decref(l.lines);
		l.lines = NULL;
		sleep_on_loop(200);
	}
	ck_assert_msg(lines_have(l.lines, "first line"), "the first line is read while it runs");
	ck_assert(!lines_have(l.lines, "second line"));
	snprintf(token, sizeof token, "%s", l.next);
	json_decref(l.lines);
	ck_assert_int_eq(atoll(token), (long long)strlen("first line\n"));
	fclose(fopen(flag, "w"));
	refresh_until_final(a.job, &s);
	logs(&s.status, token, &l);
	ck_assert_msg(lines_have(l.lines, "second line"), "the rest comes from the offset");
	ck_assert_msg(!lines_have(l.lines, "first line"), "nothing is read twice");
	json_decref(l.lines);
}
END_TEST

START_TEST(t_cancel)
{
	struct answer a, s, c;
	json_t *st;

	if (!have_bed())
		return;
	submit("#!/bin/sh\necho waiting\nsleep 120\n", &a);
	memset(&c, 0, sizeof c);
	ops->cancel(&env, a.sim, a.job, "test", on_done, &c);
	wait_for(&c);
	ck_assert_msg(c.st == GCR_OK, "cancel: %s", c.message);
	refresh_until_final(a.job, &s);
	ck_assert_msg(s.status.state == GCR_RUN_CANCELLED, "state %s",
		      gcr_run_state_id(s.status.state));
	st = gcr_journal_get(journal, a.sim);
	ck_assert_str_eq(json_string_value(json_object_get(st, "cancel_reason")), "test");
}
END_TEST

START_TEST(t_unknown_job)
{
	struct answer s;

	if (!have_bed())
		return;
	refresh("987654", &s);
	ck_assert_str_eq(s.status.job_id, "987654");
	ck_assert_int_eq(s.status.state, GCR_RUN_UNKNOWN);
	/* With the bed's accounting (slurmdbd) sacct was asked too. */
	if (getenv("GCR_TESTBED_ACCOUNTING") && strcmp(getenv("GCR_TESTBED_ACCOUNTING"), "1") == 0)
		ck_assert_ptr_nonnull(strstr(s.status.explanation, "nor Slurm's accounting knows"));
	else
		ck_assert_ptr_nonnull(strstr(s.status.explanation, "no longer lists"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("slurm_backend");
	TCase *unit = tcase_create("states");
	TCase *live = tcase_create("live");

	tcase_add_test(unit, t_state_map);
	tcase_add_test(unit, t_explain);
	tcase_add_test(unit, t_needs_reconcile);
	tcase_add_test(unit, t_backends_linked);
	tcase_add_test(unit, t_pcluster_info);
	suite_add_tcase(s, unit);
	tcase_add_checked_fixture(live, bed_setup, bed_teardown);
	tcase_set_timeout(live, 90);
	tcase_add_test(live, t_submit_refresh_logs_results);
	tcase_add_test(live, t_log_follow_by_offset);
	tcase_add_test(live, t_cancel);
	tcase_add_test(live, t_unknown_job);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srand((unsigned)getpid());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
