/* check_submit.c: the submission engine's parts that need no network --
 * sizes and timeouts, the user id, the plan kept in the journal, the
 * request bodies, job definition matching, the budget, what needs
 * reconciling -- and the engine on a real loop refusing bad specs and
 * missing configuration before any request, doing a dry run, and being
 * cancelled.  The network paths are tested against the test bed by
 * tests/scripts/submit-*.sh. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/dynamodb.h"
#include "catalog.h"
#include "journal.h"
#include "paths.h"
#include "settings.h"
#include "submit/submit.h"
#include "submit/submit_internal.h"

static char tmpdir[64];

static void setup(void)
{
	char *p;

	strcpy(tmpdir, "/tmp/gcr-submit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	/* Nothing of the user's: state, cache and config in the temp dir. */
	setenv("HOME", tmpdir, 1);
	p = gcr_strdup_printf("%s/state", tmpdir);
	setenv("XDG_STATE_HOME", p, 1);
	free(p);
	p = gcr_strdup_printf("%s/cache", tmpdir);
	setenv("XDG_CACHE_HOME", p, 1);
	free(p);
	p = gcr_strdup_printf("%s/config", tmpdir);
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	unsetenv("GCRUNNER_CONFIG");
	unsetenv(GCR_SUBMIT_TEST_KILL_ENV);
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static void sample_plan(struct submit_plan *p)
{
	memset(p, 0, sizeof *p);
	strcpy(p->sim_id, "gcr-20260701T120000Z-0a1b2c3d");
	strcpy(p->region, "us-east-1");
	strcpy(p->user_id, "111122223333-alice");
	strcpy(p->bucket, "gcr-bucket");
	strcpy(p->queue, "gcrunner-arm64");
	strcpy(p->job_definition, "geos-chem-classic-arm64");
	strcpy(p->image, "111122223333.dkr.ecr.us-east-1.amazonaws.com/geos-chem:arm64-latest");
	strcpy(p->job_role_arn, "arn:aws:iam::111122223333:role/gcrunner-BatchJobRole");
	strcpy(p->log_group, "/gcrunner/batch");
	strcpy(p->table_users, "Users");
	strcpy(p->table_simulations, "Simulations");
	strcpy(p->project, "gcrunner");
	strcpy(p->arch, "arm64");
	strcpy(p->instance_type, "c7g.16xlarge");
	strcpy(p->created_at, "2026-07-01T12:00:00Z");
	p->physical_cores = 64;
	p->vcpus = 64;
	p->efa = true;
	p->memory_mib = submit_memory_mib(128);
	p->timeout_s = submit_timeout_s(10);
	p->spot = true;
	p->cost_usd = 12.5;
	p->cost_low_usd = 9.25;
	p->cost_high_usd = 17.75;
	p->wall_hours = 7.5;
	p->wall_hours_high = 10;
}

static struct gcr_settings *full_settings(void)
{
	struct gcr_settings *cfg = gcr_settings_new();
	static const char *const kv[][2] = {
		{ "aws.region", "us-east-1" },
		{ "s3.bucket", "gcr-bucket" },
		{ "s3.user_prefix", "alice" },
		{ "batch.queue.arm64", "gcrunner-arm64" },
		{ "batch.queue.x86_64", "gcrunner-x86_64" },
		{ "batch.image.arm64", "img:arm64" },
		{ "batch.image.x86_64", "img:x86_64" },
		{ "batch.job_role_arn", "arn:aws:iam::1:role/r" },
	};

	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		ck_assert_int_eq(gcr_settings_set(cfg, kv[i][0], kv[i][1], NULL), GCR_OK);
	return cfg;
}

/* ---- sizes, timeout, user id ------------------------------------------------------------ */

START_TEST(memory_leaves_room_for_the_agent)
{
	/* 7 % or at least 2 GiB stays with ECS and the system, in 128 MiB steps. */
	ck_assert_int_eq(submit_memory_mib(8), 6144);
	ck_assert_int_eq(submit_memory_mib(32), 30464);
	ck_assert_int_eq(submit_memory_mib(128), 121856);
	ck_assert_int_eq(submit_memory_mib(128) % 128, 0);
	ck_assert_int_lt(submit_memory_mib(384), 384 * 1024);
	ck_assert_int_ge(submit_memory_mib(0.5), 512);
}
END_TEST

START_TEST(timeout_is_upper_bound_with_margin)
{
	ck_assert_int_eq(submit_timeout_s(2), 2 * 3600 * 3 / 2 + 3600);
	ck_assert_int_eq(submit_timeout_s(10.1), (long)ceil(10.1 * 1.5 * 3600) + 3600);
	ck_assert_int_eq(submit_timeout_s(0), 3600);
	ck_assert_int_ge(submit_timeout_s(0.01), 3600);
	ck_assert_int_gt(submit_timeout_s(100), submit_timeout_s(99));
}
END_TEST

START_TEST(user_id_from_identity)
{
	struct { const char *account, *arn, *want; } cases[] = {
		{ "111122223333", "arn:aws:iam::111122223333:user/gcrunner-tester",
		  "111122223333-gcrunner-tester" },
		{ "1", "arn:aws:iam::1:user/team/alice", "1-alice" },
		{ "1", "arn:aws:sts::1:assumed-role/GeosChemRole/bob@example.org",
		  "1-GeosChemRole" },
		{ "1", "arn:aws:iam::1:root", "1-root" },
		{ "1", "arn:aws:iam::1:user/a+b=c,d", "1-a-b-c-d" },
		{ "", NULL, "aws-user" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *u = submit_user_id_from_identity(cases[i].account, cases[i].arn);
		ck_assert_str_eq(u, cases[i].want);
		free(u);
	}
}
END_TEST

/* ---- the plan in the journal -------------------------------------------------------------- */

START_TEST(plan_round_trips_through_json)
{
	struct submit_plan a, b;
	struct gcr_error err;
	json_t *j;

	sample_plan(&a);
	j = submit_plan_to_json(&a);
	ck_assert_int_eq(submit_plan_from_json(j, &b, &err), GCR_OK);
	ck_assert_str_eq(b.sim_id, a.sim_id);
	ck_assert_str_eq(b.image, a.image);
	ck_assert_str_eq(b.created_at, a.created_at);
	ck_assert_int_eq(b.vcpus, 64);
	ck_assert_int_eq(b.memory_mib, a.memory_mib);
	ck_assert_int_eq(b.timeout_s, a.timeout_s);
	ck_assert(b.spot && b.efa);
	ck_assert_double_eq_tol(b.cost_high_usd, 17.75, 1e-9);
	ck_assert_double_eq_tol(b.wall_hours_high, 10, 1e-9);
	json_object_del(j, "queue");
	ck_assert_int_eq(submit_plan_from_json(j, &b, &err), GCR_ERR_INVALID);
	json_decref(j);
	ck_assert_int_eq(submit_plan_from_json(NULL, &b, &err), GCR_ERR_INVALID);
}
END_TEST

/* ---- configuration ---------------------------------------------------------------------- */

START_TEST(configuration_keys_and_defaults)
{
	struct gcr_settings *cfg = full_settings();
	struct submit_plan p;
	struct gcr_error err;

	memset(&p, 0, sizeof p);
	strcpy(p.arch, "x86_64");
	ck_assert_int_eq(submit_plan_configure(&p, cfg, "/cfg.yaml", &err), GCR_OK);
	ck_assert_str_eq(p.queue, "gcrunner-x86_64");
	ck_assert_str_eq(p.image, "img:x86_64");
	ck_assert_str_eq(p.job_definition, "geos-chem-classic-x86_64");
	ck_assert_str_eq(p.log_group, "/aws/batch/job");
	ck_assert_str_eq(p.table_users, "Users");
	ck_assert_str_eq(p.table_simulations, "Simulations");
	ck_assert_str_eq(p.user_id, "alice");
	ck_assert_str_eq(p.project, "gcrunner");

	/* aws.user_id wins over setup's prefix; tables and groups from settings. */
	gcr_settings_set(cfg, "aws.user_id", "bob", NULL);
	gcr_settings_set(cfg, "dynamodb.table.simulations", "gcrunner-Simulations", NULL);
	gcr_settings_set(cfg, "batch.log_group", "/gcrunner/batch", NULL);
	memset(&p, 0, sizeof p);
	strcpy(p.arch, "arm64");
	ck_assert_int_eq(submit_plan_configure(&p, cfg, "/cfg.yaml", &err), GCR_OK);
	ck_assert_str_eq(p.user_id, "bob");
	ck_assert_str_eq(p.table_simulations, "gcrunner-Simulations");
	ck_assert_str_eq(p.log_group, "/gcrunner/batch");

	gcr_settings_set(cfg, "batch.job_definition.arm64", "bad name!", NULL);
	memset(&p, 0, sizeof p);
	strcpy(p.arch, "arm64");
	ck_assert_int_eq(submit_plan_configure(&p, cfg, "/cfg.yaml", &err), GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "batch.job_definition.arm64"));

	gcr_settings_set(cfg, "batch.image.arm64", NULL, NULL);
	gcr_settings_set(cfg, "batch.job_definition.arm64", NULL, NULL);
	memset(&p, 0, sizeof p);
	strcpy(p.arch, "arm64");
	ck_assert_int_eq(submit_plan_configure(&p, cfg, "/cfg.yaml", &err), GCR_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "batch.image.arm64"));
	ck_assert_ptr_nonnull(strstr(err.message, "gcrunner setup"));
	ck_assert_ptr_nonnull(strstr(err.message, "/cfg.yaml"));
	gcr_settings_free(cfg);

	cfg = gcr_settings_new();
	memset(&p, 0, sizeof p);
	strcpy(p.arch, "arm64");
	ck_assert_int_eq(submit_plan_configure(&p, cfg, NULL, &err), GCR_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "s3.bucket"));
	gcr_settings_free(cfg);
}
END_TEST

/* ---- request bodies ---------------------------------------------------------------------- */

START_TEST(submit_job_input_has_what_the_design_asks)
{
	struct submit_plan p;
	json_t *in, *eoe, *tags, *over;
	char want[64];

	sample_plan(&p);
	in = submit_job_input(&p, "arn:aws:batch:us-east-1:1:job-definition/geos-chem-classic-arm64:3");
	ck_assert_str_eq(json_string_value(json_object_get(in, "jobName")), p.sim_id);
	ck_assert_str_eq(json_string_value(json_object_get(in, "jobQueue")), "gcrunner-arm64");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(in, "jobDefinition")), ":3"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(in, "parameters"),
							   "inputPath")),
			 "s3://gcr-bucket/111122223333-alice/configurations/"
			 "gcr-20260701T120000Z-0a1b2c3d/");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(in, "parameters"),
							   "outputPath")),
			 "s3://gcr-bucket/111122223333-alice/results/");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(in, "parameters"),
							   "configFile")), "gcrunner-run.sh");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(in, "retryStrategy"),
							    "attempts")), 3);
	eoe = json_object_get(json_object_get(in, "retryStrategy"), "evaluateOnExit");
	ck_assert_int_eq(json_array_size(eoe), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(eoe, 0), "onStatusReason")),
			 "Host EC2*");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(eoe, 0), "action")), "RETRY");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(eoe, 1), "onReason")), "*");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(eoe, 1), "action")), "EXIT");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(in, "timeout"),
							    "attemptDurationSeconds")),
			 p.timeout_s);
	tags = json_object_get(in, "tags");
	ck_assert_str_eq(json_string_value(json_object_get(tags, "simulationId")), p.sim_id);
	ck_assert_str_eq(json_string_value(json_object_get(tags, "user")), p.user_id);
	ck_assert_str_eq(json_string_value(json_object_get(tags, "project")), "gcrunner");
	ck_assert_str_eq(json_string_value(json_object_get(tags, "estimate")),
			 "12.50 USD up to 17.75 USD");
	ck_assert(json_is_true(json_object_get(in, "propagateTags")));
	over = json_object_get(in, "containerOverrides");
	/* instanceType applies to multi-node jobs only: the queue decides. */
	ck_assert_ptr_null(json_object_get(over, "instanceType"));
	snprintf(want, sizeof want, "%ld", p.memory_mib);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(over, "resourceRequirements"), 1), "value")), want);
	json_decref(in);

	in = submit_job_input(&p, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(in, "jobDefinition")),
			 "geos-chem-classic-arm64");
	json_decref(in);
}
END_TEST

START_TEST(record_item_has_the_design_attributes)
{
	struct submit_plan p;
	struct gcr_spec spec;
	json_t *item, *put, *up;
	double v;

	sample_plan(&p);
	gcr_spec_init(&spec);
	spec.model = GCR_MODEL_CLASSIC;
	strcpy(spec.simulation, "fullchem");
	strcpy(spec.option, "standard");
	strcpy(spec.met, "merra2");
	strcpy(spec.grid, "4x5");
	strcpy(spec.domain, "global");
	spec.levels = 72;
	item = submit_record_item(&p, &spec, false, NULL);
	ck_assert_str_eq(gcr_ddb_get_s(item, "userId"), p.user_id);
	ck_assert_str_eq(gcr_ddb_get_s(item, "simulationId"), p.sim_id);
	ck_assert_str_eq(gcr_ddb_get_s(item, "name"), p.sim_id);
	ck_assert_ptr_null(json_object_get(item, "description"));
	ck_assert_str_eq(gcr_ddb_get_s(item, "status"), "SUBMITTING");
	ck_assert_str_eq(gcr_ddb_get_s(item, "createdAt"), "2026-07-01T12:00:00Z");
	ck_assert_str_eq(gcr_ddb_get_s(item, "configurationType"),
			 "classic/fullchem/standard/merra2/4x5/global/72L");
	ck_assert_str_eq(gcr_ddb_get_s(item, "instanceType"), "c7g.16xlarge");
	ck_assert(submit_ddb_get_number(item, "costEstimate", &v));
	ck_assert_double_eq_tol(v, 12.5, 1e-9);
	ck_assert_ptr_null(json_object_get(item, "overBudget"));
	put = submit_record_put_input(&p, item);
	ck_assert_str_eq(json_string_value(json_object_get(put, "ConditionExpression")),
			 "attribute_not_exists(simulationId)");
	ck_assert_str_eq(json_string_value(json_object_get(put, "TableName")), "Simulations");
	json_decref(put);
	json_decref(item);

	strcpy(spec.name, "July");
	strcpy(spec.description, "a test");
	item = submit_record_item(&p, &spec, true, "over by $3");
	ck_assert_str_eq(gcr_ddb_get_s(item, "name"), "July");
	ck_assert_str_eq(gcr_ddb_get_s(item, "description"), "a test");
	ck_assert(json_is_true(json_object_get(json_object_get(item, "overBudget"), "BOOL")));
	ck_assert_str_eq(gcr_ddb_get_s(item, "budgetNote"), "over by $3");
	json_decref(item);

	up = submit_record_update_input(&p, "job-1", "2026-07-01T12:00:05Z");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(up, "ConditionExpression")),
				     "attribute_exists(simulationId)"));
	ck_assert_str_eq(gcr_ddb_get_s(json_object_get(up, "ExpressionAttributeValues"), ":r"),
			 "s3://gcr-bucket/111122223333-alice/results/job-1/");
	json_decref(up);
}
END_TEST

START_TEST(ddb_numbers_are_plain)
{
	struct { double v; const char *want; } cases[] = {
		{ 12.34, "12.34" }, { 3.0, "3" }, { 0.00001, "0" }, { 0.5, "0.5" },
		{ 1234.56789, "1234.5679" }, { NAN, "0" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *n = submit_ddb_number(cases[i].v);
		ck_assert_str_eq(json_string_value(json_object_get(n, "N")), cases[i].want);
		json_decref(n);
	}
}
END_TEST

/* ---- job definitions --------------------------------------------------------------------- */

static json_t *as_described(const struct submit_plan *p)
{
	json_t *in = submit_jobdef_input(p);
	json_t *d = json_pack("{s:s, s:s, s:i, s:s, s:O}", "jobDefinitionName", p->job_definition,
			      "jobDefinitionArn", "arn:x:1", "revision", 1, "status", "ACTIVE",
			      "containerProperties", json_object_get(in, "containerProperties"));

	json_object_set_new(d, "type", json_string("container"));
	json_decref(in);
	return d;
}

START_TEST(jobdef_match_compares_the_container)
{
	struct submit_plan p, q;
	json_t *d, *props, *mp;

	sample_plan(&p);
	d = as_described(&p);
	ck_assert(submit_jobdef_matches(d, &p));

	/* What AWS adds to its answers does not count as a difference. */
	props = json_object_get(d, "containerProperties");
	mp = json_array_get(json_object_get(props, "mountPoints"), 0);
	json_object_set_new(mp, "readOnly", json_false());
	json_object_set_new(json_object_get(json_object_get(props, "logConfiguration"), "options"),
			    "awslogs-stream-prefix", json_string("x"));
	json_object_set_new(props, "ulimits", json_array());
	ck_assert(submit_jobdef_matches(d, &p));

	q = p;
	strcpy(q.image, "other:image");
	ck_assert(!submit_jobdef_matches(d, &q));
	q = p;
	q.vcpus = 32;
	ck_assert(!submit_jobdef_matches(d, &q));
	q = p;
	q.memory_mib -= 128;
	ck_assert(!submit_jobdef_matches(d, &q));
	q = p;
	strcpy(q.log_group, "/aws/batch/job");
	ck_assert(!submit_jobdef_matches(d, &q));
	q = p;
	strcpy(q.job_role_arn, "arn:aws:iam::1:role/other");
	ck_assert(!submit_jobdef_matches(d, &q));

	/* The old vcpus/memory fields count like resourceRequirements. */
	json_object_del(props, "resourceRequirements");
	json_object_set_new(props, "vcpus", json_integer(p.vcpus));
	json_object_set_new(props, "memory", json_integer(p.memory_mib));
	ck_assert(submit_jobdef_matches(d, &p));

	json_object_set_new(props, "command", json_pack("[s]", "/bin/true"));
	ck_assert(!submit_jobdef_matches(d, &p));
	json_decref(d);

	d = as_described(&p);
	json_object_set_new(d, "status", json_string("INACTIVE"));
	ck_assert(!submit_jobdef_matches(d, &p));
	json_decref(d);

	d = as_described(&p);
	json_array_clear(json_object_get(json_object_get(d, "containerProperties"), "volumes"));
	ck_assert(!submit_jobdef_matches(d, &p));
	json_decref(d);
}
END_TEST

/* ---- budget and reconcile ------------------------------------------------------------------- */

START_TEST(budget_decides_on_the_upper_cost)
{
	struct submit_budget b;

	memset(&b, 0, sizeof b);
	submit_budget_decide(&b, 1000);
	ck_assert(!b.over);

	b.quota_known = true;
	b.quota_limit = 100;
	b.quota_used = 80;
	submit_budget_decide(&b, 20);
	ck_assert(!b.over);
	submit_budget_decide(&b, 20.01);
	ck_assert(b.over);
	ck_assert_ptr_nonnull(strstr(b.note, "$100.00"));
	ck_assert_ptr_nonnull(strstr(b.note, "Users"));

	memset(&b, 0, sizeof b);
	b.budget_known = true;
	b.budget_limit = 50;
	b.budget_used = 45;
	submit_budget_decide(&b, 6);
	ck_assert(b.over);
	ck_assert_ptr_nonnull(strstr(b.note, "budget.limit_usd"));
	ck_assert_ptr_nonnull(strstr(b.note, "$1.00 over"));

	b.quota_known = true;
	b.quota_limit = 1;
	submit_budget_decide(&b, 6);
	ck_assert_ptr_nonnull(strstr(b.note, "quota"));
	ck_assert_ptr_nonnull(strstr(b.note, "; "));
	ck_assert_ptr_nonnull(strstr(b.note, "budget.limit_usd"));
}
END_TEST

static void add(struct gcr_journal *j, const char *sim, const char *event, const char *json)
{
	json_t *f = json_loads(json, 0, NULL);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gcr_journal_append(j, sim, event, f, NULL), GCR_OK);
	json_decref(f);
}

START_TEST(journal_budget_and_reconcile_needs)
{
	struct gcr_journal *j;
	char *path = gcr_strdup_printf("%s/journal.jsonl", tmpdir);

	ck_assert_int_eq(gcr_journal_open(path, &j, NULL), GCR_OK);
	add(j, "a", "intent", "{\"target\":\"batch\",\"plan\":{\"cost_usd\":10.5},"
	    "\"record_pending\":true,\"quota_pending\":true}");
	add(j, "b", "intent", "{\"target\":\"batch\",\"plan\":{\"cost_usd\":2}}");
	add(j, "c", "intent", "{\"target\":\"batch\",\"plan\":{\"cost_usd\":100}}");
	add(j, "c", "failed", "{\"closed\":true,\"error\":\"x\"}");
	add(j, "d", "intent", "{\"target\":\"slurm\",\"plan\":{\"cost_usd\":7}}");
	add(j, "b", "submitted", "{\"job_id\":\"j-b\",\"record_pending\":true}");
	add(j, "b", "record_synced", "{\"record_pending\":false}");

	ck_assert_double_eq_tol(submit_budget_used_this_month(j, NULL), 12.5, 1e-9);
	ck_assert_double_eq_tol(submit_budget_used_this_month(j, "a"), 2, 1e-9);

	ck_assert(gcr_submit_needs_reconcile(gcr_journal_get(j, "a")));     /* no job id */
	ck_assert(!gcr_submit_needs_reconcile(gcr_journal_get(j, "b")));    /* settled */
	ck_assert(!gcr_submit_needs_reconcile(gcr_journal_get(j, "c")));    /* closed */
	ck_assert(!gcr_submit_needs_reconcile(gcr_journal_get(j, "d")));    /* not Batch */
	ck_assert_int_eq(gcr_submit_pending_count(j), 1);
	add(j, "b", "record_pending", "{\"record_pending\":true}");
	ck_assert(gcr_submit_needs_reconcile(gcr_journal_get(j, "b")));     /* record to sync */
	add(j, "a", "submitted", "{\"job_id\":\"j-a\",\"record_pending\":false,"
	    "\"quota_pending\":false}");
	ck_assert(!gcr_submit_needs_reconcile(gcr_journal_get(j, "a")));
	ck_assert_int_eq(gcr_submit_pending_count(j), 1);
	gcr_journal_close(j);
	free(path);
}
END_TEST

/* ---- the engine on a real loop, with no request sent ------------------------------------------- */

struct engine_run {
	int done, calls;
	bool done_before_return;
	bool returned;
	struct gcr_submit_outcome out;
	json_t *requests;
};

static void on_done(const struct gcr_submit_outcome *out, void *data)
{
	struct engine_run *r = data;

	r->calls++;
	r->done = 1;
	r->done_before_return = !r->returned;
	r->out = *out;
	r->requests = json_incref(out->requests);
	r->out.requests = r->out.warnings = NULL;
}

struct engine_env {
	uv_loop_t loop;
	struct gcr_backend_env env;
	struct gcr_catalog *cat;
	struct gcr_settings *cfg;
};

static void engine_open(struct engine_env *e, struct gcr_settings *cfg)
{
	struct gcr_aws_options o = { .region = "us-east-1" };
	struct gcr_error err;

	/* No endpoint overrides: requests would go to AWS, so none may be sent. */
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_BATCH");
	memset(e, 0, sizeof *e);
	uv_loop_init(&e->loop);
	o.loop = &e->loop;
	ck_assert_int_eq(gcr_catalog_load(NULL, &e->cat, &err), GCR_OK);
	e->cfg = cfg;
	e->env.loop = &e->loop;
	e->env.catalog = e->cat;
	e->env.settings = cfg;
	e->env.aws = gcr_aws_new(&o, &err);
	ck_assert_ptr_nonnull(e->env.aws);
}

static void engine_close(struct engine_env *e)
{
	gcr_aws_free(e->env.aws);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&e->loop), 0);
	gcr_catalog_free(e->cat);
	gcr_settings_free(e->cfg);
}

static void classic_spec(struct gcr_spec *spec)
{
	gcr_spec_init(spec);
	spec->model = GCR_MODEL_CLASSIC;
	strcpy(spec->simulation, "fullchem");
	spec->days = 7;
	strcpy(spec->instance_type, "c5.4xlarge");
}

static void run_engine(struct engine_env *e, const struct gcr_submit_request *req,
		       struct engine_run *r)
{
	memset(r, 0, sizeof *r);
	gcr_submit_start(&e->env, req, NULL, on_done, r);
	r->returned = true;
	while (!r->done && uv_run(&e->loop, UV_RUN_ONCE))
		;
	ck_assert_int_eq(r->calls, 1);
	ck_assert(!r->done_before_return);
	ck_assert_int_eq(gcr_aws_active(e->env.aws), 0);
}

START_TEST(engine_refuses_before_sending)
{
	struct engine_env e;
	struct gcr_submit_request req;
	struct engine_run r;

	engine_open(&e, full_settings());
	memset(&req, 0, sizeof req);

	classic_spec(&req.spec);
	strcpy(req.spec.simulation, "nosuch");
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(r.out.err.message, "invalid spec"));

	classic_spec(&req.spec);
	req.spec.model = GCR_MODEL_GCHP;
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(r.out.err.message, "GEOS-Chem Classic"));

	classic_spec(&req.spec);
	req.spec.target = GCR_TARGET_SLURM;
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);

	classic_spec(&req.spec);
	strcpy(req.spec.region, "eu-west-1");
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(r.out.err.message, "us-east-1"));

	/* Set up in one region, submitting to another. */
	classic_spec(&req.spec);
	gcr_settings_set(e.cfg, "aws.region", "us-west-2", NULL);
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(r.out.err.message, "aws.region"));
	gcr_settings_set(e.cfg, "aws.region", "us-east-1", NULL);

	classic_spec(&req.spec);
	req.sim_id = "bad id!";
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INVALID);
	req.sim_id = NULL;

	/* No journal and not a dry run: refused too. */
	classic_spec(&req.spec);
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_INTERNAL);

	/* Missing configuration names the key. */
	req.dry_run = true;
	gcr_settings_set(e.cfg, "s3.bucket", NULL, NULL);
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(r.out.err.message, "s3.bucket"));
	json_decref(r.requests);
	engine_close(&e);
}
END_TEST

START_TEST(engine_dry_run_lists_the_requests)
{
	struct engine_env e;
	struct gcr_submit_request req;
	struct engine_run r;
	json_t *x;
	size_t i, puts = 0;
	const char *submit_body = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	engine_open(&e, full_settings());
	memset(&req, 0, sizeof req);
	classic_spec(&req.spec);
	req.dry_run = true;
	req.sim_id = "gcr-test-dry-run";
	run_engine(&e, &req, &r);
	ck_assert_int_eq(r.out.status, GCR_OK);
	ck_assert(r.out.dry_run);
	ck_assert_str_eq(r.out.instance_type, "c5.4xlarge");
	ck_assert_str_eq(r.out.sim_id, "gcr-test-dry-run");
	ck_assert_str_eq(r.out.job_id, "");
	ck_assert_str_eq(r.out.bundle_uri, "s3://gcr-bucket/alice/configurations/gcr-test-dry-run/");
	json_array_foreach(r.requests, i, x) {
		const char *url = json_string_value(json_object_get(x, "url"));
		if (strcmp(json_string_value(json_object_get(x, "method")), "PUT") == 0) {
			ck_assert_ptr_nonnull(strstr(url, "https://gcr-bucket.s3.us-east-1.amazonaws.com/"
						     "alice/configurations/gcr-test-dry-run/"));
			puts++;
		}
		if (strcmp(url, "https://batch.us-east-1.amazonaws.com/v1/submitjob") == 0)
			submit_body = json_string_value(json_object_get(x, "body"));
	}
	ck_assert_int_ge(puts, 6);
	ck_assert_ptr_nonnull(submit_body);
	ck_assert_ptr_nonnull(strstr(submit_body, "\"jobName\":\"gcr-test-dry-run\""));
	ck_assert_ptr_nonnull(strstr(submit_body, "\"jobQueue\":\"gcrunner-x86_64\""));

	f = open_memstream(&text, &len);
	gcr_submit_print_requests(f, r.requests);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "POST https://batch.us-east-1.amazonaws.com/v1/submitjob\n"));
	ck_assert_ptr_nonnull(strstr(text, "X-Amz-Target: DynamoDB_20120810.PutItem\n"));
	ck_assert_ptr_null(strstr(text, "Authorization"));
	free(text);
	json_decref(r.requests);
	engine_close(&e);
}
END_TEST

START_TEST(engine_cancel_reports_once)
{
	struct engine_env e;
	struct gcr_submit_request req;
	struct engine_run r;
	struct gcr_submit *s;

	engine_open(&e, full_settings());
	memset(&req, 0, sizeof req);
	classic_spec(&req.spec);
	req.dry_run = true;
	memset(&r, 0, sizeof r);
	s = gcr_submit_start(&e.env, &req, NULL, on_done, &r);
	ck_assert_int_eq(r.calls, 0);
	gcr_submit_cancel(s);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.out.status, GCR_ERR_CANCELLED);
	uv_run(&e.loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(r.calls, 1);
	json_decref(r.requests);
	engine_close(&e);
}
END_TEST

static Suite *submit_suite(void)
{
	Suite *s = suite_create("submit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, memory_leaves_room_for_the_agent);
	tcase_add_test(tc, timeout_is_upper_bound_with_margin);
	tcase_add_test(tc, user_id_from_identity);
	tcase_add_test(tc, plan_round_trips_through_json);
	tcase_add_test(tc, configuration_keys_and_defaults);
	tcase_add_test(tc, submit_job_input_has_what_the_design_asks);
	tcase_add_test(tc, record_item_has_the_design_attributes);
	tcase_add_test(tc, ddb_numbers_are_plain);
	tcase_add_test(tc, jobdef_match_compares_the_container);
	tcase_add_test(tc, budget_decides_on_the_upper_cost);
	tcase_add_test(tc, journal_budget_and_reconcile_needs);
	tcase_add_test(tc, engine_refuses_before_sending);
	tcase_add_test(tc, engine_dry_run_lists_the_requests);
	tcase_add_test(tc, engine_cancel_reports_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(submit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
