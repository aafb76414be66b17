/* check_pcluster_watch.c: the ParallelCluster cluster's running cost, the
 * runs active on it (a real journal file), and the watcher on a real libuv
 * loop through the `pcluster` command path -- a small stand-in script
 * written here (NOT ParallelCluster: it prints describe-cluster's JSON for
 * the status in a file, or pcluster's "does not exist" message), so the
 * watcher's ticks, its speed while in progress, one describe in flight,
 * errors retried and stopping from the callback are checked without AWS.
 * The API path of the same calls is tested by tests/scripts/pcluster-life.sh
 * and tests/tui/dashboard-cluster.sh against the AWS test server. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "catalog.h"
#include "error.h"
#include "journal.h"
#include "paths.h"
#include "settings.h"
#include "slurm/pcluster_life.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/gcr-pcwatch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static void write_text(const char *name, const char *text)
{
	char *p = gcr_strdup_printf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static int count_lines(const char *name)
{
	char *p = gcr_strdup_printf("%s/%s", tmpdir, name), line[256];
	FILE *f = fopen(p, "r");
	int n = 0;

	free(p);
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		n++;
	fclose(f);
	return n;
}

/* ---- the running cost --------------------------------------------------------------------- */

static struct gcr_settings *settings_with(const char *head, const char *fsx)
{
	struct gcr_settings *s = gcr_settings_new();
	struct gcr_error err;

	if (head)
		ck_assert_int_eq(gcr_settings_set(s, "pcluster.head_node_type", head, &err), GCR_OK);
	if (fsx)
		ck_assert_int_eq(gcr_settings_set(s, "pcluster.fsx_gib", fsx, &err), GCR_OK);
	return s;
}

START_TEST(running_cost_is_head_node_plus_fsx)
{
	struct gcr_catalog *cat;
	struct gcr_error err;
	struct gcr_price_info p;
	struct gcr_pcluster_cost c;
	struct gcr_pcluster_info info;
	struct gcr_settings *s = settings_with("c5.4xlarge", "1200");
	double fsx = 1200 * 0.140 / 730.0;

	ck_assert_int_eq(gcr_catalog_load(NULL, &cat, &err), GCR_OK);
	ck_assert(gcr_catalog_price(cat, "c5.4xlarge", "us-east-1", 0, &p));
	ck_assert_double_eq_tol(gcr_pcluster_running_cost(cat, s, NULL, "us-east-1", &c),
				p.ondemand_usd_hour + fsx, 1e-9);
	ck_assert_str_eq(c.head_type, "c5.4xlarge");
	ck_assert(!c.head_derived);
	ck_assert_double_eq_tol(c.fsx_hour, fsx, 1e-12);

	/* The described head node wins over the setting; a type the catalog
	 * lacks is priced from its family, by vCPUs. */
	memset(&info, 0, sizeof info);
	strcpy(info.head_instance_type, "c5.2xlarge");
	gcr_pcluster_running_cost(cat, s, &info, "us-east-1", &c);
	ck_assert_str_eq(c.head_type, "c5.2xlarge");
	if (!gcr_catalog_price(cat, "c5.2xlarge", "us-east-1", 0, &p)) {
		ck_assert(c.head_derived);
		ck_assert(c.head_hour > 0);
	}
	/* Unknown: no type, an unknown family, no catalog. */
	gcr_settings_free(s);
	s = settings_with(NULL, NULL);
	ck_assert_double_eq(gcr_pcluster_running_cost(cat, s, NULL, "us-east-1", &c), -1);
	ck_assert_double_eq(c.fsx_hour, 0);
	strcpy(info.head_instance_type, "zz9.large");
	ck_assert_double_eq(gcr_pcluster_running_cost(cat, s, &info, "us-east-1", &c), -1);
	ck_assert_double_eq(gcr_pcluster_running_cost(NULL, s, &info, "us-east-1", &c), -1);
	gcr_settings_free(s);
	gcr_catalog_free(cat);
}
END_TEST

/* ---- active runs -------------------------------------------------------------------------- */

struct counted {
	int calls;
	enum gcr_status st;
	size_t active;
};

static void on_count(enum gcr_status st, size_t active, const char *why, void *data)
{
	struct counted *c = data;

	c->calls++;
	c->st = st;
	c->active = active;
	ck_assert(st == GCR_OK ? why == NULL : why != NULL);
}

START_TEST(active_runs_count_unended_pcluster_runs_of_that_cluster)
{
	struct gcr_journal *j;
	struct gcr_error err;
	char *path;

	make_tmpdir();
	path = gcr_strdup_printf("%s/journal.jsonl", tmpdir);
	write_text("journal.jsonl",
		   "{\"seq\":1,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"a\",\"event\":\"intent\","
		   "\"target\":\"pcluster\",\"cluster_name\":\"gchp-one\"}\n"
		   "{\"seq\":2,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"b\",\"event\":\"intent\","
		   "\"target\":\"pcluster\",\"cluster_name\":\"gchp-two\"}\n"
		   "{\"seq\":3,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"c\",\"event\":\"intent\","
		   "\"target\":\"pcluster\",\"cluster_name\":\"gchp-one\"}\n"
		   "{\"seq\":4,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"c\",\"event\":\"ended\","
		   "\"end_state\":\"succeeded\"}\n"
		   "{\"seq\":5,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"d\",\"event\":\"intent\","
		   "\"target\":\"batch\"}\n"
		   "{\"seq\":6,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"e\",\"event\":\"intent\","
		   "\"target\":\"pcluster\",\"cluster_name\":\"gchp-one\"}\n"
		   "{\"seq\":7,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"e\",\"event\":\"closed\","
		   "\"closed\":true}\n"
		   "{\"seq\":8,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"f\",\"event\":\"intent\","
		   "\"target\":\"pcluster\"}\n");
	ck_assert_msg(gcr_journal_open(path, &j, &err) == GCR_OK, "%s", err.message);
	/* a, and f (no cluster name: it may be on any) */
	ck_assert_uint_eq(gcr_pcluster_active_runs(j, "gchp-one"), 2);
	ck_assert_uint_eq(gcr_pcluster_active_runs(j, "gchp-two"), 2);
	ck_assert_uint_eq(gcr_pcluster_active_runs(j, "gchp-three"), 1);
	ck_assert_uint_eq(gcr_pcluster_active_runs(NULL, "gchp-one"), 0);
	/* In the thread pool, from a journal of its own: the same count; a
	 * cancelled count calls nobody. */
	{
		uv_loop_t loop;
		struct counted a = { 0 }, b = { 0 }, bad = { 0 };
		uv_loop_init(&loop);
		ck_assert_ptr_nonnull(gcr_pcluster_active_runs_async(&loop, path, "gchp-one", on_count, &a));
		gcr_pcluster_active_runs_cancel(gcr_pcluster_active_runs_async(&loop, path, "gchp-one",
									       on_count, &b));
		gcr_pcluster_active_runs_async(&loop, "/nonexistent/dir/journal.jsonl", "gchp-one",
					       on_count, &bad);
		ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
		ck_assert_int_eq(a.calls, 1);
		ck_assert_int_eq(a.st, GCR_OK);
		ck_assert_uint_eq(a.active, 2);
		ck_assert_int_eq(b.calls, 0);
		ck_assert_int_eq(bad.calls, 1);
		ck_assert_int_ne(bad.st, GCR_OK);
		ck_assert_int_eq(uv_loop_close(&loop), 0);
	}
	gcr_journal_close(j);
	free(path);
	remove_tmpdir();
}
END_TEST

START_TEST(forget_head_only_of_the_saved_cluster)
{
	struct gcr_settings *s = gcr_settings_new(), *back;
	struct gcr_error err;
	char *path;

	make_tmpdir();
	path = gcr_strdup_printf("%s/config.yaml", tmpdir);
	ck_assert_int_eq(gcr_settings_set(s, "pcluster.name", "gchp-one", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "pcluster.head_node_instance_id", "i-0abc", &err), GCR_OK);
	ck_assert_int_eq(gcr_pcluster_forget_head(s, path, "gchp-two", &err), GCR_OK);
	ck_assert_str_eq(gcr_settings_get(s, "pcluster.head_node_instance_id"), "i-0abc");
	ck_assert_int_eq(gcr_pcluster_forget_head(s, path, "gchp-one", &err), GCR_OK);
	ck_assert_str_eq(gcr_settings_get(s, "pcluster.head_node_instance_id"), "");
	ck_assert_msg(gcr_settings_load(path, &back, &err) == GCR_OK, "%s", err.message);
	ck_assert_str_eq(gcr_settings_get(back, "pcluster.name"), "gchp-one");
	ck_assert_str_eq(gcr_settings_get_or(back, "pcluster.head_node_instance_id", ""), "");
	gcr_settings_free(back);
	gcr_settings_free(s);
	free(path);
	remove_tmpdir();
}
END_TEST

/* ---- the watcher ---------------------------------------------------------------------------- */

START_TEST(interval_is_faster_while_in_progress)
{
	ck_assert_double_eq(gcr_pcluster_watch_interval_s(30, false), 30);
	ck_assert_double_eq(gcr_pcluster_watch_interval_s(30, true), GCR_PCLUSTER_WATCH_BUSY_S);
	ck_assert_double_eq(gcr_pcluster_watch_interval_s(2, true), 2);
	ck_assert_double_eq(gcr_pcluster_watch_interval_s(0, false), 30);
	ck_assert_double_eq(gcr_pcluster_watch_interval_s(0.001, true), 0.05);
	ck_assert(gcr_pcluster_status_in_progress("CREATE_IN_PROGRESS"));
	ck_assert(!gcr_pcluster_status_in_progress("CREATE_COMPLETE"));
	ck_assert(gcr_pcluster_status_ready("UPDATE_COMPLETE"));
	ck_assert(!gcr_pcluster_status_ready("DELETE_IN_PROGRESS"));
}
END_TEST

/* The stand-in: prints a describe-cluster answer for the status in
 * $dir/status (GONE: pcluster's message and exit 1), logs each call, and
 * notes any call that overlaps another. */
static void write_standin(void)
{
	char *script = gcr_strdup_printf(
		"#!/bin/sh\n"
		"d='%s'\n"
		"[ -e \"$d/busy\" ] && echo overlap >>\"$d/overlaps\"\n"
		": >\"$d/busy\"\n"
		"echo \"$*\" >>\"$d/calls\"\n"
		"sleep 0.05\n"
		"st=$(cat \"$d/status\")\n"
		"rm -f \"$d/busy\"\n"
		"if [ \"$st\" = GONE ]; then\n"
		"  echo \"{\\\"message\\\": \\\"Cluster '$3' does not exist\\\"}\"; exit 1\n"
		"fi\n"
		"echo \"{\\\"clusterName\\\": \\\"$3\\\", \\\"region\\\": \\\"$5\\\", "
		"\\\"clusterStatus\\\": \\\"$st\\\", "
		"\\\"headNode\\\": {\\\"instanceType\\\": \\\"c5.4xlarge\\\"}}\"\n",
		tmpdir);
	char *path = gcr_strdup_printf("%s/pcluster", tmpdir);

	write_text("pcluster", script);
	ck_assert_int_eq(chmod(path, 0755), 0);
	write_text("status", "CREATE_IN_PROGRESS\n");
	free(path);
	free(script);
}

struct seen {
	struct gcr_pcluster_watch *w;
	uv_loop_t *loop;
	int answers, in_progress, complete, not_found, errors;
	char last_error[GCR_ERROR_MESSAGE_MAX];
	int stop_after;               /* stop from the callback at this answer (0: never) */
	int now_at;                   /* ask "now" three times at this answer */
	char last_name[64], last_type[32];
};

static void on_seen(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_pcluster_info *info, void *data)
{
	struct seen *s = data;

	s->answers++;
	if (st == GCR_OK) {
		snprintf(s->last_name, sizeof s->last_name, "%s", info->name);
		snprintf(s->last_type, sizeof s->last_type, "%s", info->head_instance_type);
		if (gcr_pcluster_status_in_progress(info->status))
			s->in_progress++;
		else if (gcr_pcluster_status_ready(info->status))
			s->complete++;
	} else if (st == GCR_ERR_NOT_FOUND) {
		s->not_found++;
	} else {
		s->errors++;
		snprintf(s->last_error, sizeof s->last_error, "%s", err ? err->message : "");
	}
	if (s->now_at && s->answers == s->now_at) {
		gcr_pcluster_watch_now(s->w);
		gcr_pcluster_watch_now(s->w);
		gcr_pcluster_watch_now(s->w);
	}
	if (s->stop_after && s->answers == s->stop_after) {
		gcr_pcluster_watch_stop(s->w);
		s->w = NULL;
	}
}

static void client_for(struct gcr_pcluster_client *c, uv_loop_t *loop, const char *program)
{
	struct gcr_settings *set = gcr_settings_new();
	struct gcr_error err;

	ck_assert_int_eq(gcr_settings_set(set, "pcluster.program", program, &err), GCR_OK);
	ck_assert_msg(gcr_pcluster_client_init(c, loop, NULL, set, "us-east-1", &err) == GCR_OK,
		      "%s", err.message);
	gcr_settings_free(set);
}

/* A new loop and a client whose pcluster command is the stand-in. */
static void standin_client(struct gcr_pcluster_client *c, uv_loop_t *loop)
{
	char *program;

	make_tmpdir();
	write_standin();
	program = gcr_strdup_printf("%s/pcluster", tmpdir);
	uv_loop_init(loop);
	client_for(c, loop, program);
	free(program);
}

/* Runs the loop until cond or about 10 s. */
#define RUN_UNTIL(loop, cond) \
	for (int spins_ = 0; !(cond) && spins_ < 2000; spins_++) { \
		uv_run((loop), UV_RUN_NOWAIT); \
		usleep(5000); \
	}

START_TEST(watcher_follows_the_status_until_gone)
{
	uv_loop_t loop;
	struct gcr_pcluster_client c;
	struct seen s = { 0 };

	standin_client(&c, &loop);
	s.w = gcr_pcluster_watch_start(&c, "gchp-watch", 0.05, on_seen, &s);
	RUN_UNTIL(&loop, s.in_progress >= 2);
	ck_assert_int_ge(s.in_progress, 2);
	ck_assert_str_eq(s.last_name, "gchp-watch");
	write_text("status", "CREATE_COMPLETE\n");
	RUN_UNTIL(&loop, s.complete >= 1);
	ck_assert_int_ge(s.complete, 1);
	ck_assert_str_eq(s.last_type, "c5.4xlarge");
	/* "Now" asked three times while answering: one more describe, never two at once. */
	s.now_at = s.answers + 1;
	RUN_UNTIL(&loop, s.answers >= s.now_at + 3);
	write_text("status", "GONE\n");
	RUN_UNTIL(&loop, s.not_found >= 2);
	ck_assert_int_ge(s.not_found, 2);
	ck_assert_int_eq(s.errors, 0);
	ck_assert_int_eq(count_lines("overlaps"), 0);
	/* The argv the command gets: describe-cluster -n NAME -r REGION. */
	{
		char *p = gcr_strdup_printf("%s/calls", tmpdir), line[256];
		FILE *f = fopen(p, "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
		ck_assert_str_eq(line, "describe-cluster -n gchp-watch -r us-east-1\n");
		fclose(f);
		free(p);
	}
	gcr_pcluster_watch_stop(s.w);
	/* Stopped: it frees itself, and the loop has nothing left. */
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	{
		int answers = s.answers;
		ck_assert_int_eq(uv_run(&loop, UV_RUN_NOWAIT), 0);
		ck_assert_int_eq(s.answers, answers);
	}
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	remove_tmpdir();
}
END_TEST

START_TEST(watcher_stops_from_its_callback_and_in_flight)
{
	uv_loop_t loop;
	struct gcr_pcluster_client c;
	struct seen s = { 0 }, t = { 0 };

	standin_client(&c, &loop);
	/* From the callback, at the second answer. */
	s.stop_after = 2;
	s.w = gcr_pcluster_watch_start(&c, "gchp-watch", 0.05, on_seen, &s);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(s.answers, 2);
	/* While a describe is in flight: its answer is swallowed. */
	t.w = gcr_pcluster_watch_start(&c, "gchp-watch", 0.05, on_seen, &t);
	RUN_UNTIL(&loop, count_lines("calls") >= 3);
	gcr_pcluster_watch_stop(t.w);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(t.answers, 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	remove_tmpdir();
}
END_TEST

START_TEST(watcher_retries_after_errors)
{
	uv_loop_t loop;
	struct gcr_pcluster_client c;
	struct seen s = { 0 };

	uv_loop_init(&loop);
	client_for(&c, &loop, "/nonexistent/pcluster");
	s.w = gcr_pcluster_watch_start(&c, "gchp-watch", 0.05, on_seen, &s);
	RUN_UNTIL(&loop, s.errors >= 3);
	ck_assert_int_ge(s.errors, 3);
	ck_assert_msg(strstr(s.last_error, "cannot run /nonexistent/pcluster") != NULL, "%s",
		      s.last_error);
	gcr_pcluster_watch_stop(s.w);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

static Suite *pcluster_watch_suite(void)
{
	Suite *s = suite_create("pcluster_watch");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, running_cost_is_head_node_plus_fsx);
	tcase_add_test(tc, active_runs_count_unended_pcluster_runs_of_that_cluster);
	tcase_add_test(tc, forget_head_only_of_the_saved_cluster);
	tcase_add_test(tc, interval_is_faster_while_in_progress);
	tcase_add_test(tc, watcher_follows_the_status_until_gone);
	tcase_add_test(tc, watcher_stops_from_its_callback_and_in_flight);
	tcase_add_test(tc, watcher_retries_after_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcluster_watch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
