/* check_runs.c: the dashboard model's pure parts -- GEOS-Chem log lines to
 * simulated time and progress, time and money (price x nodes x elapsed,
 * over every attempt), the plain explanations of waiting reasons, and the
 * model read from a real journal (order, lookup by id and prefix, JSON,
 * run ends journaled exactly once across restarts). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "journal.h"
#include "paths.h"
#include "runs/runs.h"
#include "runs/runs_internal.h"

/* ---- log lines ------------------------------------------------------------------- */

START_TEST(classic_date_lines)
{
	int ymd = 0, hm = -1;

	ck_assert(gcr_progress_parse_line("---> DATE: 2019/07/01  UTC: 00:00  X-HRS:      0.000000",
					  &ymd, &hm));
	ck_assert_int_eq(ymd, 20190701);
	ck_assert_int_eq(hm, 0);
	ck_assert(gcr_progress_parse_line("     ---> DATE: 2019/07/14  UTC: 06:20  X-HRS:    318.333",
					  &ymd, &hm));
	ck_assert_int_eq(ymd, 20190714);
	ck_assert_int_eq(hm, 620);
	/* Older versions wrote GMT. */
	ck_assert(gcr_progress_parse_line("---> DATE: 2005/01/31  GMT: 23:00  X-HRS:  743.000", &ymd,
					  &hm));
	ck_assert_int_eq(ymd, 20050131);
	ck_assert_int_eq(hm, 2300);
}
END_TEST

START_TEST(gchp_date_lines)
{
	int ymd = 0, hm = -1;

	ck_assert(gcr_progress_parse_line(" AGCM Date: 2019/07/01  Time: 00:10:00  Throughput(days/day)"
					  "[Avg Tot Run]:     12.1     11.9     12.4  TimeRemaining(Est) "
					  "010:02:03", &ymd, &hm));
	ck_assert_int_eq(ymd, 20190701);
	ck_assert_int_eq(hm, 10);
	ck_assert(gcr_progress_parse_line(" AGCM Date: 2007/08/01  Time: 01:00:00  2.7%Memory Committed",
					  &ymd, &hm));
	ck_assert_int_eq(ymd, 20070801);
	ck_assert_int_eq(hm, 100);
}
END_TEST

START_TEST(lines_without_a_date)
{
	int ymd = 7, hm = 7;
	static const char *const bad[] = {
		"", "===> Simulation start time     : 20190701 000000",
		"---> DATE: 2019/13/01  UTC: 00:00", "---> DATE: 2019/07/01  XYZ: 00:00",
		"---> DATE: 19/07/01  UTC: 00:00", " AGCM Date: 2019/07/01  Tim: 00:10:00",
		"AGCM Date: 2019-07-01  Time: 00:10:00", "---> DATE: 2019/07/01  UTC: 0",
		"E N D   O F   G E O S -- C H E M",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!gcr_progress_parse_line(bad[i], &ymd, &hm), "accepted '%s'", bad[i]);
	ck_assert(!gcr_progress_parse_line(NULL, &ymd, &hm));
	ck_assert_int_eq(ymd, 7);
}
END_TEST

START_TEST(fraction_of_the_period)
{
	struct gcr_spec s;

	gcr_spec_init(&s);
	s.start_date = 20190701;
	s.end_date = 20190801;
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190701, 0), 0, 1e-9);
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190716, 1200), 15.5 / 31, 1e-9);
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190801, 0), 1, 1e-9);
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190901, 0), 1, 1e-9);
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190601, 0), 0, 1e-9);
	/* A period given as days. */
	s.end_date = 0;
	s.days = 7;
	ck_assert_double_eq_tol(gcr_progress_fraction(&s, 20190704, 1200), 3.5 / 7, 1e-9);
}
END_TEST

START_TEST(progress_keeps_the_furthest_date)
{
	struct run_entry e;

	memset(&e, 0, sizeof e);
	e.progress = -1;
	e.start_ymd = 20190701;
	e.end_ymd = 20190711;
	ck_assert(runs_progress_feed(&e, "---> DATE: 2019/07/06  UTC: 00:00  X-HRS: 120.0"));
	ck_assert_double_eq_tol(e.progress, 0.5, 1e-9);
	/* A spot reclaim: the next attempt's log starts over. */
	ck_assert(!runs_progress_feed(&e, "---> DATE: 2019/07/01  UTC: 01:00  X-HRS: 1.0"));
	ck_assert_double_eq_tol(e.progress, 0.5, 1e-9);
	ck_assert(!runs_progress_feed(&e, "     - INITIALIZATION COMPLETE -"));
	ck_assert(runs_progress_feed(&e, "---> DATE: 2019/07/08  UTC: 12:00  X-HRS: 180.0"));
	ck_assert_double_eq_tol(e.progress, 0.75, 1e-9);
}
END_TEST

/* ---- time and money ---------------------------------------------------------------- */

START_TEST(cost_is_price_nodes_elapsed_over_attempts)
{
	struct run_entry e;
	struct gcr_run_attempt a[2];
	int64_t t0 = 1700000000000;

	memset(&e, 0, sizeof e);
	memset(a, 0, sizeof a);
	e.price = 2.0;
	e.nodes = 2;
	e.state = GCR_RUN_RUNNING;
	e.started_ms = t0;
	/* A reclaimed spot attempt of 1 h, then 30 min of the running one. */
	a[0].started_ms = t0;
	a[0].stopped_ms = t0 + 3600 * 1000;
	a[1].started_ms = t0 + 3700 * 1000;
	e.attempts = a;
	e.nattempts = 2;
	ck_assert_double_eq_tol(runs_cost_so_far(&e, t0 + 5500 * 1000), 2.0 * 2 * 1.5, 1e-9);
	/* Without attempts: the job's own start to now. */
	e.nattempts = 0;
	ck_assert_double_eq_tol(runs_cost_so_far(&e, t0 + 1800 * 1000), 2.0 * 2 * 0.5, 1e-9);
	ck_assert_int_eq(runs_elapsed_s(&e, t0 + 1800 * 1000), 1800);
	/* ETA from progress: half done in 30 min -> 30 min left. */
	e.progress = 0.5;
	ck_assert_int_eq(runs_eta_s(&e, t0 + 1800 * 1000), 1800);
	e.progress = -1;
	ck_assert_int_eq(runs_eta_s(&e, t0 + 1800 * 1000), -1);
	/* Ended: elapsed stops at the stop time; no price, no cost. */
	e.state = GCR_RUN_SUCCEEDED;
	e.stopped_ms = t0 + 600 * 1000;
	ck_assert_int_eq(runs_elapsed_s(&e, t0 + 99999 * 1000), 600);
	ck_assert_int_eq(runs_eta_s(&e, t0), 0);
	e.price = 0;
	ck_assert_double_eq(runs_cost_so_far(&e, t0 + 600 * 1000), 0);
}
END_TEST

/* ---- explanations ------------------------------------------------------------------ */

START_TEST(waiting_reasons_explained)
{
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - "
					 "Service cannot fulfill the capacity requested"),
			 "no free capacity"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
					 " - CE(s) associated with the job queue cannot meet"),
			 "maximum vCPUs"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
			 "wait forever"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS"),
			 "service role"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "MISCONFIGURATION:SOMETHING_NEW"),
			 "misconfigured"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", "VcpuLimitExceeded: You have requested more "
					 "vCPU capacity than your current vCPU limit"), "quota"));
	ck_assert(strstr(gcr_run_explain("RUNNING", "Host EC2 (instance i-0abc) terminated."),
			 "reclaimed"));
	ck_assert(strstr(gcr_run_explain("FAILED", "Job attempt duration exceeded timeout"),
			 "time limit"));
	ck_assert(strstr(gcr_run_explain("RUNNABLE", NULL), "waiting for an instance"));
	ck_assert_str_eq(gcr_run_explain("SUCCEEDED", "Essential container in task exited"), "");
	ck_assert_str_eq(gcr_run_explain(NULL, NULL), "");
}
END_TEST

/* ---- the model over a journal -------------------------------------------------------- */

static char dir[64];
static char *jpath;
static struct gcr_journal *journal;
static struct gcr_catalog *catalog;
static uv_loop_t loop;

static void journal_fixture(void)
{
	struct gcr_error err;
	json_t *f;

	/* Oldest first: a finished run, a running one, an interrupted intent,
	 * a submission that failed before any job existed. */
	f = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:s, s:s},"
		      " s:{s:s, s:s, s:s, s:s, s:s}, s:{s:f, s:f}}",
		      "target", "batch", "spec", "model", "classic", "simulation", "fullchem",
		      "option", "standard", "met", "merra2", "grid", "4x5", "domain", "global",
		      "levels", 72, "start", "2019-07-01", "end", "2019-07-08",
		      "instance_type", "c5.4xlarge", "spot", 0, "name", "week of July",
		      "region", "us-east-1", "plan", "region", "us-east-1", "instance_type",
		      "c5.4xlarge", "user_id", "u1", "bucket", "b1", "table_simulations", "Simulations",
		      "estimate", "cost_usd", 1.5, "cost_high_usd", 3.0);
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260101T000000Z-aaaa0001", "intent", f, &err),
			 GCR_OK);
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260102T000000Z-bbbb0002", "intent", f, &err),
			 GCR_OK);
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260103T000000Z-cccc0003", "intent", f, &err),
			 GCR_OK);
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260104T000000Z-dddd0004", "intent", f, &err),
			 GCR_OK);
	json_decref(f);
	f = json_pack("{s:s}", "job_id", "11111111-0000-0000-0000-000000000001");
	gcr_journal_append(journal, "gcr-20260101T000000Z-aaaa0001", "submitted", f, &err);
	json_decref(f);
	f = json_pack("{s:s, s:I, s:I, s:i, s:f, s:f, s:b, s:b}", "end_state", "succeeded",
		      "started_ms", (json_int_t)1767225600000, "stopped_ms", (json_int_t)1767229200000,
		      "exit_code", 0, "actual_cost", 0.68, "progress", 1.0, "end_record_pending", 0,
		      "benchmark_pending", 0);
	gcr_journal_append(journal, "gcr-20260101T000000Z-aaaa0001", "ended", f, &err);
	json_decref(f);
	f = json_pack("{s:s}", "job_id", "22222222-0000-0000-0000-000000000002");
	gcr_journal_append(journal, "gcr-20260102T000000Z-bbbb0002", "submitted", f, &err);
	json_decref(f);
	f = json_pack("{s:b, s:s}", "closed", 1, "error", "the bundle could not be uploaded");
	gcr_journal_append(journal, "gcr-20260104T000000Z-dddd0004", "failed", f, &err);
	json_decref(f);
}

static void model_setup(void)
{
	struct gcr_error err;
	char *home;

	strcpy(dir, "/tmp/gcr-runs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	home = gcr_strdup_printf("%s/state", dir);
	setenv("XDG_STATE_HOME", home, 1);
	free(home);
	jpath = gcr_strdup_printf("%s/journal.jsonl", dir);
	ck_assert_int_eq(gcr_journal_open(jpath, &journal, &err), GCR_OK);
	ck_assert_int_eq(gcr_catalog_load(GCR_SOURCE_DATADIR, &catalog, &err), GCR_OK);
	uv_loop_init(&loop);
	journal_fixture();
}

static void model_teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", dir);

	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	gcr_journal_close(journal);
	gcr_catalog_free(catalog);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(jpath);
}

static struct gcr_runs *model(void)
{
	struct gcr_backend_env env = { .loop = &loop, .journal = journal, .catalog = catalog };
	struct gcr_runs *runs;
	struct gcr_error err;

	ck_assert_int_eq(gcr_runs_new(&env, NULL, &runs, &err), GCR_OK);
	return runs;
}

START_TEST(journal_runs_newest_first)
{
	struct gcr_runs *runs = model();
	const struct gcr_run *r;

	ck_assert_uint_eq(gcr_runs_count(runs), 4);
	r = gcr_runs_at(runs, 0);
	ck_assert_str_eq(r->sim_id, "gcr-20260104T000000Z-dddd0004");
	ck_assert_int_eq(r->status.state, GCR_RUN_FAILED);
	ck_assert_str_eq(r->status.reason, "the bundle could not be uploaded");
	r = gcr_runs_at(runs, 1);
	ck_assert_int_eq(r->status.state, GCR_RUN_INTENT);
	ck_assert(strstr(r->status.explanation, "--reconcile"));
	r = gcr_runs_at(runs, 2);
	ck_assert_int_eq(r->status.state, GCR_RUN_QUEUED);
	ck_assert_str_eq(r->status.job_id, "22222222-0000-0000-0000-000000000002");
	ck_assert_str_eq(r->name, "week of July");
	ck_assert_str_eq(r->summary, "Classic fullchem 4x5");
	ck_assert_str_eq(r->results_uri, "s3://b1/u1/results/22222222-0000-0000-0000-000000000002/");
	ck_assert_double_eq_tol(r->cost_estimate_usd, 1.5, 1e-9);
	ck_assert_int_eq(r->spec.start_date, 20190701);
	/* The catalog's on-demand price of c5.4xlarge in us-east-1. */
	ck_assert_double_eq_tol(r->price_per_node_hour_usd, 0.68, 1e-6);
	r = gcr_runs_at(runs, 3);
	ck_assert_int_eq(r->status.state, GCR_RUN_SUCCEEDED);
	ck_assert_int_eq(r->elapsed_s, 3600);
	ck_assert_double_eq_tol(r->cost_so_far_usd, 0.68, 1e-9);
	ck_assert_double_eq_tol(r->progress, 1.0, 1e-9);
	ck_assert_ptr_null(gcr_runs_at(runs, 4));
	gcr_runs_free(runs);
}
END_TEST

START_TEST(find_by_id_job_and_prefix)
{
	struct gcr_runs *runs = model();

	ck_assert_str_eq(gcr_runs_find(runs, "gcr-20260102T000000Z-bbbb0002")->sim_id,
			 "gcr-20260102T000000Z-bbbb0002");
	ck_assert_str_eq(gcr_runs_find(runs, "11111111-0000-0000-0000-000000000001")->sim_id,
			 "gcr-20260101T000000Z-aaaa0001");
	ck_assert_str_eq(gcr_runs_find(runs, "gcr-20260103")->sim_id,
			 "gcr-20260103T000000Z-cccc0003");
	ck_assert_str_eq(gcr_runs_find(runs, "2222")->sim_id, "gcr-20260102T000000Z-bbbb0002");
	ck_assert_ptr_null(gcr_runs_find(runs, "gcr-2026"));
	ck_assert(gcr_runs_find_ambiguous(runs, "gcr-2026"));
	ck_assert_ptr_null(gcr_runs_find(runs, "nosuch"));
	ck_assert(!gcr_runs_find_ambiguous(runs, "nosuch"));
	ck_assert_ptr_null(gcr_runs_find(runs, ""));
	gcr_runs_free(runs);
}
END_TEST

START_TEST(run_as_json)
{
	struct gcr_runs *runs = model();
	json_t *j = gcr_runs_json_at(runs, 3);
	json_t *k;

	ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "succeeded");
	ck_assert_str_eq(json_string_value(json_object_get(j, "jobId")),
			 "11111111-0000-0000-0000-000000000001");
	ck_assert_str_eq(json_string_value(json_object_get(j, "startedAt")), "2026-01-01T00:00:00Z");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "elapsedSeconds")), 3600);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "exitCode")), 0);
	ck_assert(json_is_null(json_object_get(j, "etaSeconds")) ||
		  json_integer_value(json_object_get(j, "etaSeconds")) == 0);
	/* The same through gcr_runs_at + gcr_run_to_json. */
	k = gcr_run_to_json(gcr_runs_at(runs, 3));
	ck_assert(json_equal(j, k));
	json_decref(j);
	json_decref(k);
	ck_assert_ptr_null(gcr_runs_json_at(runs, 9));
	gcr_runs_free(runs);
}
END_TEST

static size_t count_events(const char *event)
{
	FILE *f = fopen(jpath, "r");
	char line[8192], pat[64];
	size_t n = 0;

	ck_assert_ptr_nonnull(f);
	snprintf(pat, sizeof pat, "\"event\":\"%s\"", event);
	while (fgets(line, sizeof line, f))
		if (strstr(line, pat))
			n++;
	fclose(f);
	return n;
}

START_TEST(run_end_journaled_once)
{
	struct gcr_runs *runs = model();
	struct gcr_run_status st;
	struct run_entry *e = runs_entry_find(runs, "gcr-20260102T000000Z-bbbb0002", NULL);
	struct gcr_error err;
	const struct gcr_run *r;

	ck_assert_ptr_nonnull(e);
	memset(&st, 0, sizeof st);
	snprintf(st.job_id, sizeof st.job_id, "%s", e->job_id);
	st.state = GCR_RUN_SUCCEEDED;
	snprintf(st.native_state, sizeof st.native_state, "SUCCEEDED");
	st.started_ms = 1767312000000;
	st.stopped_ms = st.started_ms + 7200 * 1000;
	st.exit_code = 0;
	snprintf(st.log_stream, sizeof st.log_stream, "geos-chem-classic-x86_64/default/abc");
	ck_assert_uint_eq(count_events("ended"), 1);
	runs_apply_status(runs, e, &st);
	runs_apply_status(runs, e, &st);
	ck_assert_uint_eq(count_events("ended"), 2);
	ck_assert(e->end_record_pending);
	ck_assert(e->benchmark_pending);
	/* 2 h of c5.4xlarge on demand. */
	ck_assert_double_eq_tol(e->actual_cost, 2 * 0.68, 1e-6);
	gcr_runs_free(runs);

	/* A restart reads the end from the journal, pushes still pending, and
	 * never journals it again. */
	gcr_journal_close(journal);
	ck_assert_int_eq(gcr_journal_open(jpath, &journal, &err), GCR_OK);
	runs = model();
	e = runs_entry_find(runs, "gcr-20260102T000000Z-bbbb0002", NULL);
	ck_assert(e->ended_journaled);
	ck_assert(e->end_record_pending && e->benchmark_pending);
	runs_apply_status(runs, e, &st);
	ck_assert_uint_eq(count_events("ended"), 2);
	r = gcr_runs_find(runs, "bbbb");
	ck_assert_ptr_null(r);           /* a prefix of the sim id's start only */
	r = gcr_runs_find(runs, "gcr-20260102");
	ck_assert_int_eq(r->status.state, GCR_RUN_SUCCEEDED);
	ck_assert_str_eq(r->status.log_stream, "geos-chem-classic-x86_64/default/abc");
	ck_assert_double_eq_tol(r->cost_so_far_usd, 2 * 0.68, 1e-6);
	gcr_runs_free(runs);
}
END_TEST

START_TEST(spec_for_resubmit)
{
	struct gcr_spec sp, got;
	struct gcr_error err;
	struct gcr_runs *runs;
	char *spath = gcr_strdup_printf("%s/spec.yaml", dir), *text;
	FILE *f;
	long len;
	json_t *fields;

	/* A journal entry with the spec file's text, as the submit engine
	 * writes it. */
	gcr_spec_init(&sp);
	sp.model = GCR_MODEL_CLASSIC;
	snprintf(sp.simulation, sizeof sp.simulation, "aerosol");
	snprintf(sp.met, sizeof sp.met, "merra2");
	snprintf(sp.grid, sizeof sp.grid, "2x2.5");
	sp.start_date = 20190101;
	sp.end_date = 20190201;
	sp.target = GCR_TARGET_BATCH;
	snprintf(sp.instance_type, sizeof sp.instance_type, "c5.9xlarge");
	ck_assert_int_eq(gcr_spec_save(&sp, spath, &err), GCR_OK);
	f = fopen(spath, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	fields = json_pack("{s:s, s:s}", "target", "batch", "spec_yaml", text);
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260105T000000Z-eeee0005", "intent", fields,
					    &err), GCR_OK);
	json_decref(fields);
	free(text);
	free(spath);

	runs = model();
	ck_assert(gcr_runs_spec(runs, "gcr-20260105", &got));
	ck_assert_int_eq(got.model, GCR_MODEL_CLASSIC);
	ck_assert_str_eq(got.simulation, "aerosol");
	ck_assert_str_eq(got.grid, "2x2.5");
	ck_assert_int_eq(got.start_date, 20190101);
	ck_assert_int_eq(got.end_date, 20190201);
	ck_assert_str_eq(got.instance_type, "c5.9xlarge");
	/* Without the text: the journal's summary of the choices. */
	ck_assert(gcr_runs_spec(runs, "gcr-20260102T000000Z-bbbb0002", &got));
	ck_assert_str_eq(got.simulation, "fullchem");
	ck_assert_int_eq(got.end_date, 20190708);
	ck_assert(!gcr_runs_spec(runs, "nosuch", &got));
	gcr_runs_free(runs);
}
END_TEST

static void on_refreshed(enum gcr_status st, const struct gcr_error *err, void *data)
{
	ck_assert_int_eq(st, GCR_OK);
	ck_assert_ptr_null(err);
	*(int *)data += 1;
}

static void on_ended(const struct gcr_run *run, void *data)
{
	(void)run;
	*(int *)data += 100;
}

START_TEST(offline_refresh_sends_nothing)
{
	struct gcr_runs *runs = model();
	struct gcr_runs_health h;
	int calls = 0;

	gcr_runs_set_listeners(runs, NULL, on_ended, &calls);
	gcr_runs_refresh_once(runs, on_refreshed, &calls);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(calls, 1);     /* done once; no run newly ended */
	gcr_runs_health(runs, &h);
	ck_assert(h.offline);
	ck_assert_uint_eq(h.last_refresh_calls, 0);
	ck_assert_int_gt(h.last_refresh_ms, 0);
	ck_assert_str_eq(h.trouble, "");
	ck_assert_uint_eq(h.in_flight, 0);
	gcr_runs_free(runs);
}
END_TEST

/* The model keeps one copy of the strings runs share (the pool), finds
 * runs by sim id through its own index, and derives the journal's
 * results location instead of storing it (issue 7's memory budget). */
START_TEST(runs_share_strings_and_derive_results)
{
	struct gcr_runs *runs = model();
	struct run_entry *a = runs_entry_find(runs, "gcr-20260101T000000Z-aaaa0001", NULL);
	struct run_entry *b = runs_entry_find(runs, "gcr-20260102T000000Z-bbbb0002", NULL);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(a->instance_type, "c5.4xlarge");
	ck_assert_ptr_eq(a->instance_type, b->instance_type);
	ck_assert_ptr_eq(a->region, b->region);
	ck_assert_ptr_eq(a->user_id, b->user_id);
	ck_assert_ptr_eq(a->table, b->table);
	ck_assert_ptr_eq(a->config_type, b->config_type);
	ck_assert_ptr_eq(a->summary, b->summary);
	ck_assert_ptr_null(b->results_uri);
	/* gcr_runs_copy_at builds into the caller's struct and keeps nothing. */
	{
		struct gcr_run *r = malloc(sizeof *r);
		ck_assert(gcr_runs_copy_at(runs, 2, r));
		ck_assert_str_eq(r->sim_id, b->sim_id);
		ck_assert_str_eq(r->results_uri,
				 "s3://b1/u1/results/22222222-0000-0000-0000-000000000002/");
		ck_assert_ptr_null(b->pub);
		ck_assert(!gcr_runs_copy_at(runs, 4, r));
		free(r);
	}
	ck_assert_str_eq(gcr_runs_find(runs, b->sim_id)->results_uri,
			 "s3://b1/u1/results/22222222-0000-0000-0000-000000000002/");
	ck_assert_ptr_nonnull(b->pub);
	gcr_runs_free(runs);
}
END_TEST

START_TEST(many_runs_found_by_sim_id_on_refresh)
{
	struct gcr_runs *runs;
	struct gcr_error err;
	char sim[64];
	json_t *f = json_pack("{s:s, s:{s:s, s:s}}", "target", "batch", "plan", "user_id", "u1",
			      "bucket", "b1");
	int calls = 0;

	/* More intents than the index's first size: it grows while loading. */
	for (int i = 0; i < 300; i++) {
		snprintf(sim, sizeof sim, "gcr-20260201T0000%02dZ-%08x", i % 60, (unsigned)i);
		ck_assert_int_eq(gcr_journal_append(journal, sim, "intent", f, &err), GCR_OK);
	}
	json_decref(f);
	runs = model();
	ck_assert_uint_eq(gcr_runs_count(runs), 304);
	ck_assert_int_eq(gcr_runs_find(runs, "gcr-20260201T000030Z-00000096")->status.state,
			 GCR_RUN_INTENT);
	/* Another process submits one of them: the refresh finds its entry
	 * (no second one) and takes the job id. */
	f = json_pack("{s:s}", "job_id", "33333333-0000-0000-0000-000000000150");
	ck_assert_int_eq(gcr_journal_append(journal, "gcr-20260201T000030Z-00000096", "submitted",
					    f, &err), GCR_OK);
	json_decref(f);
	gcr_runs_refresh_once(runs, on_refreshed, &calls);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(calls, 1);
	ck_assert_uint_eq(gcr_runs_count(runs), 304);
	ck_assert_str_eq(gcr_runs_find(runs, "gcr-20260201T000030Z-00000096")->status.job_id,
			 "33333333-0000-0000-0000-000000000150");
	ck_assert_str_eq(gcr_runs_find(runs, "gcr-20260201T000030Z-00000096")->results_uri,
			 "s3://b1/u1/results/33333333-0000-0000-0000-000000000150/");
	gcr_runs_free(runs);
}
END_TEST

static Suite *runs_suite(void)
{
	Suite *s = suite_create("runs");
	TCase *t = tcase_create("progress");
	TCase *m = tcase_create("model");

	tcase_add_test(t, classic_date_lines);
	tcase_add_test(t, gchp_date_lines);
	tcase_add_test(t, lines_without_a_date);
	tcase_add_test(t, fraction_of_the_period);
	tcase_add_test(t, progress_keeps_the_furthest_date);
	tcase_add_test(t, cost_is_price_nodes_elapsed_over_attempts);
	tcase_add_test(t, waiting_reasons_explained);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(m, model_setup, model_teardown);
	tcase_add_test(m, journal_runs_newest_first);
	tcase_add_test(m, find_by_id_job_and_prefix);
	tcase_add_test(m, run_as_json);
	tcase_add_test(m, run_end_journaled_once);
	tcase_add_test(m, spec_for_resubmit);
	tcase_add_test(m, offline_refresh_sends_nothing);
	tcase_add_test(m, runs_share_strings_and_derive_results);
	tcase_add_test(m, many_runs_found_by_sim_id_on_refresh);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(runs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
