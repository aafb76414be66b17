/* runend.c: what happens once when a run is seen to end -- exactly once,
 * also across restarts and lost answers:
 *
 *   1. journal "ended" (state, times, exit code, actual cost, log stream,
 *      and a Slurm run's memory use and CPU efficiency when sacct had them),
 *      fsync'd before anything else; a later start reads the end from it
 *      and never journals it again;
 *   2. Simulations UpdateItem (status, startedAt, completedAt, actualCost,
 *      resultLocation) -- setting the same values twice changes nothing;
 *      journal "end_synced";
 *   3. for a run that succeeded: Benchmarks PutItem of its measured
 *      throughput, conditional on not holding this run's figures already,
 *      and gcr_measurement_add, skipped when the measurements already name
 *      this run ("user-run:<id>"); journal "benchmark_recorded".
 * A step that fails stays pending in the journal and is tried again on the
 * next refresh (or the next start). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/dynamodb.h"
#include "catalog.h"
#include "i18n.h"
#include "journal.h"
#include "log.h"
#include "runs/runs_internal.h"
#include "settings.h"

static void journal_event(struct gcr_runs *runs, struct run_entry *e, const char *event,
			  json_t *fields)
{
	struct gcr_error err = { 0 };

	if (runs->env.journal &&
	    gcr_journal_append(runs->env.journal, e->sim_id, event, fields, &err) != GCR_OK)
		runs_trouble(runs, err.message, NULL);
	json_decref(fields);
}

static void set_if(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, json_string(value));
}

/* Another gcrunner (a second terminal, a `logs --follow`) may see the same
 * end at the same time: under the journal's lock, the first one writes it
 * and the others take it from the journal. */
static bool ended_by_other(struct gcr_runs *runs, struct run_entry *e)
{
	json_t *st = gcr_journal_get(runs->env.journal, e->sim_id);

	if (!json_is_string(json_object_get(st, "end_state")))
		return false;
	e->ended_journaled = true;
	e->actual_cost = json_number_value(json_object_get(st, "actual_cost"));
	e->end_record_pending = json_is_true(json_object_get(st, "end_record_pending"));
	e->benchmark_pending = json_is_true(json_object_get(st, "benchmark_pending"));
	e->max_rss_bytes = (int64_t)json_number_value(json_object_get(st, "max_rss_bytes"));
	e->cpu_efficiency = (float)json_number_value(json_object_get(st, "cpu_efficiency"));
	e->notify_end = true;
	return true;
}

void runs_end_seen(struct gcr_runs *runs, struct run_entry *e)
{
	struct gcr_error err = { 0 };
	bool locked;
	json_t *f;
	char uri[2048];

	if (e->ended_journaled)
		return;
	locked = runs->env.journal && gcr_journal_lock(runs->env.journal, &err) == GCR_OK;
	if (locked && ended_by_other(runs, e)) {
		gcr_journal_unlock(runs->env.journal);
		return;
	}
	runs_money(runs, e);
	e->actual_cost = runs_cost_so_far(e, runs_now_ms());
	e->ended_journaled = true;
	e->end_record_pending = true;
	e->benchmark_pending = e->state == GCR_RUN_SUCCEEDED;
	e->notify_end = true;
	/* Only what a later start cannot learn otherwise: the journal keeps
	 * every run's merged state in memory. */
	f = json_pack("{s:s, s:I, s:I, s:i, s:f, s:f, s:b, s:b}",
		      "end_state", gcr_run_state_id(e->state),
		      "started_ms", (json_int_t)e->started_ms, "stopped_ms", (json_int_t)e->stopped_ms,
		      "exit_code", e->exit_code, "actual_cost", e->actual_cost,
		      "price_per_node_hour", e->price,
		      "end_record_pending", 1, "benchmark_pending", e->benchmark_pending);
	if (e->progress >= 0)
		json_object_set_new(f, "progress", json_real(e->progress));
	if (e->max_rss_bytes > 0)
		json_object_set_new(f, "max_rss_bytes", json_integer((json_int_t)e->max_rss_bytes));
	if (e->cpu_efficiency > 0)
		json_object_set_new(f, "cpu_efficiency", json_real(e->cpu_efficiency));
	set_if(f, "native_state", e->native_state);
	set_if(f, "end_reason", e->reason);
	set_if(f, "log_group", e->log_group);
	set_if(f, "log_stream", e->log_stream);
	if (!e->from_journal) {
		/* A run known from the table only: what a later start needs to
		 * show it from the journal. */
		json_object_set_new(f, "target", json_string(gcr_target_id(e->target)));
		set_if(f, "results_uri", runs_results_uri(e, uri, sizeof uri));
		set_if(f, "user_id", e->user_id);
		set_if(f, "table_simulations", e->table);
		set_if(f, "job_id", e->job_id);
		set_if(f, "name", e->name);
		set_if(f, "configuration_type", e->config_type);
		set_if(f, "instance_type", e->instance_type);
	}
	journal_event(runs, e, "ended", f);
	if (locked)
		gcr_journal_unlock(runs->env.journal);
}

bool runs_end_pending(const struct run_entry *e)
{
	return e->ended_journaled && (e->end_record_pending || e->benchmark_pending);
}

/* ---- pushing --------------------------------------------------------------------- */

struct end_push {
	struct gcr_runs *runs;
	struct run_entry *e;
	void (*done)(void *);
	void *data;
};

static void push_benchmark(struct end_push *p);

static const char *setting_or(const struct gcr_runs *runs, const char *key, const char *def)
{
	const char *v = runs->env.settings ? gcr_settings_get(runs->env.settings, key) : NULL;

	return v && *v ? v : def;
}

static const char *user_of(const struct gcr_runs *runs, const struct run_entry *e)
{
	const char *u = e->user_id;

	if (!u || !*u)
		u = setting_or(runs, "aws.user_id", NULL);
	if (!u || !*u)
		u = setting_or(runs, "s3.user_prefix", NULL);
	return u;
}

static json_t *ddb_num(double v)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.6g", v);
	return json_pack("{s:s}", "N", buf);
}

static json_t *ddb_null(void)
{
	return json_pack("{s:b}", "NULL", 1);
}

static json_t *ddb_time(int64_t ms)
{
	char buf[32];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s}", "S", buf);
}

static void push_finish(struct end_push *p)
{
	p->done(p->data);
	free(p);
}

static void trouble(struct gcr_runs *runs, const char *what, const struct gcr_error *err)
{
	runs_trouble(runs, what, err ? err->message : NULL);
	gcr_log_debug("runs: %s: %s", what, err ? err->message : "");
}

static void on_sim_updated(enum gcr_status st, const struct gcr_error *err,
			   const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct end_push *p = data;

	(void)info;
	(void)answer;
	if (p->runs->dead) {
		push_finish(p);
		return;
	}
	if (st == GCR_OK) {
		p->e->end_record_pending = false;
		journal_event(p->runs, p->e, "end_synced", json_pack("{s:b}", "end_record_pending", 0));
	} else {
		/* A missing record (its creation is still pending) is written by
		 * gcrunner submit --reconcile first; tried again later. */
		trouble(p->runs, _("the run's Simulations record could not be updated"), err);
	}
	push_benchmark(p);
}

static void push_record(struct end_push *p)
{
	struct run_entry *e = p->e;
	const char *user = user_of(p->runs, e);
	const char *table = e->table ? e->table
				     : setting_or(p->runs, "dynamodb.table.simulations", "Simulations");
	const char *status = e->state == GCR_RUN_SUCCEEDED ? "SUCCEEDED"
			     : e->state == GCR_RUN_CANCELLED ? "CANCELLED" : "FAILED";
	const char *results;
	json_t *values, *in;
	char expr[256], uri[2048];

	if (!e->end_record_pending || !user) {
		push_benchmark(p);
		return;
	}
	values = json_pack("{s:{s:s}, s:o}", ":s", "S", status, ":cost", ddb_num(e->actual_cost));
	snprintf(expr, sizeof expr, "SET #s = :s, actualCost = :cost");
	if (e->started_ms > 0) {
		json_object_set_new(values, ":a", ddb_time(e->started_ms));
		strcat(expr, ", startedAt = :a");
	}
	if (e->stopped_ms > 0) {
		json_object_set_new(values, ":c", ddb_time(e->stopped_ms));
		strcat(expr, ", completedAt = :c");
	}
	if ((results = runs_results_uri(e, uri, sizeof uri))) {
		json_object_set_new(values, ":r", json_pack("{s:s}", "S", results));
		strcat(expr, ", resultLocation = :r");
	}
	if (e->exit_code >= 0) {
		json_object_set_new(values, ":x", ddb_num(e->exit_code));
		strcat(expr, ", exitCode = :x");
	}
	in = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:s, s:s, s:{s:s}, s:o}", "TableName", table,
		       "Key", "userId", "S", user, "simulationId", "S", e->sim_id,
		       "UpdateExpression", expr, "ConditionExpression", "attribute_exists(simulationId)",
		       "ExpressionAttributeNames", "#s", "status", "ExpressionAttributeValues", values);
	gcr_ddb_update_item(p->runs->env.aws, in, on_sim_updated, p);
	json_decref(in);
}

/* The measurement of a run that succeeded; false when it cannot be made
 * (period or times not known). */
static bool measurement_of(struct gcr_runs *runs, struct run_entry *e, struct gcr_measurement *m,
			   int *days_out)
{
	json_t *st = runs->env.journal ? gcr_journal_get(runs->env.journal, e->sim_id) : NULL;
	int64_t a = e->started_ms, b = e->stopped_ms;
	int days;

	memset(m, 0, sizeof *m);
	if (e->nattempts > 0) {
		/* The attempt that finished the run is the one measured. */
		a = e->attempts[e->nattempts - 1].started_ms;
		b = e->attempts[e->nattempts - 1].stopped_ms;
	}
	days = e->start_ymd && e->end_ymd ? gcr_date_diff_days(e->start_ymd, e->end_ymd) : 0;
	if (days <= 0 || a <= 0 || b <= a)
		return false;
	runs_spec_from_journal(st, &m->spec);
	snprintf(m->instance_type, sizeof m->instance_type, "%s",
		 e->instance_type ? e->instance_type : "");
	m->throughput_days_per_day = days / ((double)(b - a) / 1000.0 / 86400.0);
	m->cost_per_sim_day = e->actual_cost > 0 ? e->actual_cost / days : 0;
	m->timestamp = (time_t)(b / 1000);
	snprintf(m->data_source, sizeof m->data_source, "user-run:%s", e->sim_id);
	*days_out = days;
	return true;
}

static bool measurement_known(const struct gcr_catalog *cat, const char *source)
{
	size_t n = cat ? gcr_catalog_nbenchmarks(cat) : 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(gcr_catalog_benchmark(cat, i)->data_source, source) == 0)
			return true;
	return false;
}

static void on_benchmark_put(enum gcr_status st, const struct gcr_error *err,
			     const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct end_push *p = data;
	struct gcr_measurement m;
	struct gcr_error lerr = { 0 };
	json_t *st_j;
	bool locked;
	int days;

	(void)info;
	(void)answer;
	if (p->runs->dead) {
		push_finish(p);
		return;
	}
	if (st == GCR_ERR_CONFLICT)
		st = GCR_OK;      /* this run's figures are there already */
	if (st != GCR_OK) {
		trouble(p->runs, _("the run's throughput could not be added to the Benchmarks table"),
			err);
		push_finish(p);
		return;
	}
	/* Under the journal's lock: another gcrunner may be finishing the same
	 * run's figures right now. */
	locked = p->runs->env.journal && gcr_journal_lock(p->runs->env.journal, &lerr) == GCR_OK;
	st_j = locked ? gcr_journal_get(p->runs->env.journal, p->e->sim_id) : NULL;
	if (locked && json_is_false(json_object_get(st_j, "benchmark_pending"))) {
		p->e->benchmark_pending = false;
		gcr_journal_unlock(p->runs->env.journal);
		push_finish(p);
		return;
	}
	if (measurement_of(p->runs, p->e, &m, &days) && m.spec.model != GCR_MODEL_NONE &&
	    !measurement_known(p->runs->env.catalog, m.data_source) &&
	    gcr_measurement_add((struct gcr_catalog *)p->runs->env.catalog, &m, NULL, &lerr) != GCR_OK) {
		trouble(p->runs, _("the run's measurement could not be saved"), &lerr);
	} else {
		p->e->benchmark_pending = false;
		journal_event(p->runs, p->e, "benchmark_recorded",
			      json_pack("{s:b}", "benchmark_pending", 0));
	}
	if (locked)
		gcr_journal_unlock(p->runs->env.journal);
	push_finish(p);
}

static void push_benchmark(struct end_push *p)
{
	struct run_entry *e = p->e;
	struct gcr_measurement m;
	json_t *item, *values;
	int days;

	if (!e->benchmark_pending) {
		push_finish(p);
		return;
	}
	if (!e->config_type || !e->instance_type || !measurement_of(p->runs, e, &m, &days)) {
		/* Nothing to measure from (no period or times): not pending. */
		e->benchmark_pending = false;
		journal_event(p->runs, e, "benchmark_recorded",
			      json_pack("{s:b, s:s}", "benchmark_pending", 0, "benchmark_note",
					"period or run times not known"));
		push_finish(p);
		return;
	}
	/* Slurm's accounting measures both; Batch reports neither, and null
	 * says "not measured" honestly. */
	item = json_pack("{s:{s:s}, s:{s:s}, s:o, s:o, s:o, s:o, s:o, s:{s:s}, s:{s:s},"
			 " s:o, s:o, s:{s:b}}",
			 "configurationType", "S", e->config_type,
			 "instanceType", "S", e->instance_type,
			 "throughputDaysPerDay", ddb_num(m.throughput_days_per_day),
			 "costPerSimDay", ddb_num(m.cost_per_sim_day),
			 "memoryUsage", e->max_rss_bytes > 0 ? gcr_ddb_n(e->max_rss_bytes) : ddb_null(),
			 "cpuEfficiency", e->cpu_efficiency > 0 ? ddb_num(e->cpu_efficiency) : ddb_null(),
			 "timestamp", ddb_time((int64_t)m.timestamp * 1000),
			 "dataSource", "S", m.data_source, "simulationId", "S", e->sim_id,
			 "simulatedDays", ddb_num(days), "nodes", ddb_num(e->nodes > 0 ? e->nodes : 1),
			 "spot", "BOOL", e->spot);
	values = json_pack("{s:{s:s}}", ":ds", "S", m.data_source);
	gcr_ddb_put_item(p->runs->env.aws, setting_or(p->runs, "dynamodb.table.benchmarks", "Benchmarks"),
			 item, "attribute_not_exists(dataSource) OR dataSource <> :ds", NULL, values,
			 on_benchmark_put, p);
	json_decref(item);
	json_decref(values);
}

void runs_end_push(struct gcr_runs *runs, struct run_entry *e, void (*done)(void *), void *data)
{
	struct end_push *p = calloc(1, sizeof *p);

	if (!p)
		abort();
	p->runs = runs;
	p->e = e;
	p->done = done;
	p->data = data;
	push_record(p);
}
