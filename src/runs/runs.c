/* runs.c: the dashboard's model (runs.h) -- runs from the journal and the
 * Simulations table joined by simulation id, kept current by a refresh
 * cycle on libuv timers:
 *
 *   table     Query the Simulations table by userId (first cycle and on
 *             gcr_runs_refresh_now), adding runs made on other machines;
 *   describe  unfinished runs with a job id, per backend, 100 ids per call,
 *             at most opt.max_in_flight calls at once;
 *   progress  for running runs, the next pages of the model's log (the
 *             simulated date reached), bounded the same way;
 *   ends      runs seen final for the first time: journal, Simulations,
 *             Benchmarks and the local measurements (runend.c);
 *
 * then the next cycle is timed: active_interval_s while something runs or
 * starts, queued_interval_s while runs only wait, nothing when all are
 * final; trouble doubles the interval up to max_backoff_s.  A poll never
 * starts while the previous one is still out ("blockable" pollers). */
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
#include "paths.h"
#include "runs/runs_internal.h"
#include "settings.h"

#define CHUNK_IDS 100
#define PROGRESS_PAGES_PER_CYCLE 5
#define PROGRESS_RUNS_PER_CYCLE 20

struct runs_chunk {
	const struct gcr_backend_ops *ops;
	const char *cluster;            /* pooled: one chunk per cluster */
	size_t n;
	struct run_entry *e[CHUNK_IDS];
	const char *ids[CHUNK_IDS];
};

struct once_waiter {
	gcr_backend_done_cb done;
	void *data;
	struct once_waiter *next;
};

enum { PHASE_IDLE, PHASE_TABLE, PHASE_DESCRIBE, PHASE_PROGRESS, PHASE_ENDS };

static void cycle_next(struct gcr_runs *runs);
static void schedule(struct gcr_runs *runs);

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size ? size : 1);

	if (!p)
		abort();
	return p;
}

int64_t runs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void runs_set_str(char **dst, const char *src)
{
	if (src && *dst && strcmp(src, *dst) == 0)
		return;
	free(*dst);
	*dst = src && *src ? strdup(src) : NULL;
}

/* ---- string tables ------------------------------------------------------------- */

static size_t str_hash(const char *k)
{
	size_t h = 2166136261u;          /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

/* The slot holding k, or the empty one where it belongs. */
static void **strtab_slot(const struct runs_strtab *t, const char *k)
{
	size_t i = str_hash(k) & (t->cap - 1);

	while (t->slot[i] && strcmp(t->key(t->slot[i]), k) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

static void *strtab_get(const struct runs_strtab *t, const char *k)
{
	return t->cap ? *strtab_slot(t, k) : NULL;
}

/* Adds item, in place of the one with its key if any. */
static void strtab_put(struct runs_strtab *t, void *item)
{
	void **slot;

	if ((t->n + 1) * 4 > t->cap * 3) {
		struct runs_strtab old = *t;
		t->cap = old.cap ? old.cap * 2 : 64;
		t->slot = xcalloc(t->cap, sizeof *t->slot);
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i])
				*strtab_slot(t, t->key(old.slot[i])) = old.slot[i];
		free(old.slot);
	}
	slot = strtab_slot(t, t->key(item));
	if (!*slot)
		t->n++;
	*slot = item;
}

static const char *pool_key(const void *item)
{
	return item;
}

static const char *entry_key(const void *item)
{
	return ((const struct run_entry *)item)->sim_id;
}

void runs_set_shared(struct gcr_runs *runs, const char **dst, const char *src)
{
	char *s;

	if (!src || !*src) {
		*dst = NULL;
		return;
	}
	if (!(s = strtab_get(&runs->pool, src))) {
		if (!(s = strdup(src)))
			abort();
		strtab_put(&runs->pool, s);
	}
	*dst = s;
}

const char *runs_results_uri(const struct run_entry *e, char *buf, size_t size)
{
	if (e->results_uri)
		return e->results_uri;
	if (!e->results_bucket || !e->job_id || !e->user_id)
		return NULL;
	snprintf(buf, size, "s3://%s/%s/results/%s/", e->results_bucket, e->user_id, e->job_id);
	return buf;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void runs_trouble(struct gcr_runs *runs, const char *what, const char *detail)
{
	char buf[GCR_ERROR_MESSAGE_MAX + 512];

	if (detail && *detail)
		snprintf(buf, sizeof buf, "%s: %s", what, detail);
	else
		snprintf(buf, sizeof buf, "%s", what);
	/* Cut at a character boundary of UTF-8 text. */
	size_t n = strlen(buf), max = sizeof runs->health.trouble - 1;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(runs->health.trouble, buf, n);
	runs->health.trouble[n] = '\0';
}

/* ---- references ------------------------------------------------------------------ */

static void entry_free(struct run_entry *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->job_id);
	free(e->results_uri);
	free(e->reason);
	free(e->log_stream);
	free(e->progress_token);
	free(e->attempts);
	free(e->pub);
	free(e);
}

static void runs_destroy(struct gcr_runs *runs)
{
	for (size_t i = 0; i < runs->n; i++)
		entry_free(runs->v[i]);
	free(runs->v);
	free(runs->by_sim.slot);
	for (size_t i = 0; i < runs->pool.cap; i++)
		free(runs->pool.slot[i]);
	free(runs->pool.slot);
	free(runs->chunks);
	while (runs->waiters) {
		struct once_waiter *w = runs->waiters;
		runs->waiters = w->next;
		free(w);
	}
	free(runs);
}

void runs_ref(struct gcr_runs *runs)
{
	runs->refs++;
}

bool runs_unref(struct gcr_runs *runs)
{
	if (--runs->refs == 0) {
		runs_destroy(runs);
		return false;
	}
	return !runs->dead;
}

/* ---- entries ---------------------------------------------------------------------- */

static void release_pub(struct gcr_runs *runs)
{
	for (size_t i = 0; i < runs->n; i++) {
		free(runs->v[i]->pub);
		runs->v[i]->pub = NULL;
	}
}

void runs_notify(struct gcr_runs *runs)
{
	release_pub(runs);
	if (runs->changed && !runs->dead)
		runs->changed(runs->listener_data);
}

static struct run_entry *find_sim(const struct gcr_runs *runs, const char *sim)
{
	return strtab_get(&runs->by_sim, sim);
}

struct run_entry *runs_entry_find(const struct gcr_runs *runs, const char *id, bool *ambiguous)
{
	struct run_entry *hit = NULL;
	size_t len;

	if (ambiguous)
		*ambiguous = false;
	if (!id || !*id)
		return NULL;
	len = strlen(id);
	for (size_t i = 0; i < runs->n; i++) {
		struct run_entry *e = runs->v[i];
		if (strcmp(e->sim_id, id) == 0 || (e->job_id && strcmp(e->job_id, id) == 0))
			return e;
	}
	for (size_t i = 0; i < runs->n; i++) {
		struct run_entry *e = runs->v[i];
		if (strncmp(e->sim_id, id, len) == 0 || (e->job_id && strncmp(e->job_id, id, len) == 0)) {
			if (hit && hit != e) {
				if (ambiguous)
					*ambiguous = true;
				return NULL;
			}
			hit = e;
		}
	}
	return hit;
}

static struct run_entry *entry_add(struct gcr_runs *runs, const char *sim)
{
	size_t len = strnlen(sim ? sim : "", SIM_ID_MAX);
	struct run_entry *e = xcalloc(1, sizeof *e + len + 1);

	memcpy(e->sim_id, sim ? sim : "", len);
	e->exit_code = -1;
	e->progress = -1;
	e->actual_cost = -1;
	e->nodes = 1;
	if (runs->n == runs->cap) {
		runs->cap = runs->cap ? runs->cap * 2 : 64;
		runs->v = realloc(runs->v, runs->cap * sizeof *runs->v);
		if (!runs->v)
			abort();
	}
	runs->v[runs->n++] = e;
	strtab_put(&runs->by_sim, e);
	return e;
}

/* Epoch ms of a UTC time written as fmt's six fields (year, month, day,
 * hour, minute, second); 0 when t does not match. */
static int64_t utc_ms(const char *t, const char *fmt)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec;

	if (!t || sscanf(t, fmt, &y, &mo, &d, &h, &mi, &sec) != 6)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm) * 1000;
}

/* "gcr-20261127T210000Z-..." -> the submission time. */
static int64_t sim_id_time_ms(const char *sim)
{
	return utc_ms(sim, "gcr-%4d%2d%2dT%2d%2d%2dZ");
}

static int64_t rfc3339_ms(const char *t)
{
	return utc_ms(t, "%4d-%2d-%2dT%2d:%2d:%2d");
}

static int cmp_newest(const void *a, const void *b)
{
	const struct run_entry *x = *(struct run_entry *const *)a, *y = *(struct run_entry *const *)b;

	if (x->created_ms != y->created_ms)
		return x->created_ms > y->created_ms ? -1 : 1;
	return strcmp(y->sim_id, x->sim_id);
}

static void sort_runs(struct gcr_runs *runs)
{
	if (runs->n > 1)
		qsort(runs->v, runs->n, sizeof *runs->v, cmp_newest);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static double jnum(json_t *o, const char *k, double def)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : def;
}

static void summary_of(struct gcr_runs *runs, struct run_entry *e, json_t *spec)
{
	char buf[128];
	const char *model = jstr(spec, "model");

	snprintf(buf, sizeof buf, "%s %s %s", model && strcmp(model, "gchp") == 0 ? "GCHP" : "Classic",
		 jstr(spec, "simulation") ? jstr(spec, "simulation") : "?",
		 jstr(spec, "grid") ? jstr(spec, "grid") : "?");
	runs_set_shared(runs, &e->summary, buf);
}

/* The spec summary the submit engine journals, as a struct gcr_spec. */
static void spec_from_summary(json_t *s, struct gcr_spec *spec)
{
	int ymd;

	gcr_spec_init(spec);
	if (!s)
		return;
	gcr_model_from_id(jstr(s, "model") ? jstr(s, "model") : "", &spec->model);
	copy(spec->simulation, sizeof spec->simulation, jstr(s, "simulation"));
	copy(spec->option, sizeof spec->option, jstr(s, "option"));
	copy(spec->met, sizeof spec->met, jstr(s, "met"));
	copy(spec->grid, sizeof spec->grid, jstr(s, "grid"));
	copy(spec->domain, sizeof spec->domain, jstr(s, "domain"));
	copy(spec->instance_type, sizeof spec->instance_type, jstr(s, "instance_type"));
	copy(spec->name, sizeof spec->name, jstr(s, "name"));
	copy(spec->region, sizeof spec->region, jstr(s, "region"));
	spec->levels = (int)jnum(s, "levels", 0);
	spec->spot = json_is_true(json_object_get(s, "spot"));
	if (jstr(s, "start") && gcr_date_parse(jstr(s, "start"), &ymd))
		spec->start_date = ymd;
	if (jstr(s, "end") && gcr_date_parse(jstr(s, "end"), &ymd))
		spec->end_date = ymd;
	spec->nodes = (int)jnum(s, "nodes", 1);
}

void runs_spec_from_journal(json_t *state, struct gcr_spec *spec)
{
	spec_from_summary(json_object_get(state, "spec"), spec);
}

/* Fills e from the merged journal state of its simulation. */
static void entry_from_journal(struct gcr_runs *runs, struct run_entry *e, json_t *st)
{
	json_t *spec = json_object_get(st, "spec"), *plan = json_object_get(st, "plan");
	json_t *est = json_object_get(st, "estimate");
	const char *s;
	struct gcr_spec sp;

	e->from_journal = true;
	if ((s = jstr(st, "target")))
		gcr_target_from_id(s, &e->target);
	if (e->target == GCR_TARGET_NONE)
		e->target = GCR_TARGET_BATCH;
	spec_from_summary(spec, &sp);
	if (spec) {
		summary_of(runs, e, spec);
		e->start_ymd = sp.start_date;
		e->end_ymd = sp.end_date;
		if (!e->config_type) {
			char ct[256];
			gcr_configuration_type(&sp, ct, sizeof ct);
			runs_set_shared(runs, &e->config_type, ct);
		}
	}
	runs_set_str(&e->name, *sp.name ? sp.name : jstr(st, "name"));
	runs_set_shared(runs, &e->instance_type, jstr(plan, "instance_type") ? jstr(plan, "instance_type")
				       : jstr(est, "instance_type") ? jstr(est, "instance_type")
				       : sp.instance_type);
	runs_set_shared(runs, &e->region, jstr(plan, "region") ? jstr(plan, "region") : sp.region);
	if (!e->instance_type)
		runs_set_shared(runs, &e->instance_type, jstr(st, "instance_type"));
	runs_set_shared(runs, &e->user_id, jstr(plan, "user_id") ? jstr(plan, "user_id") : jstr(st, "user_id"));
	runs_set_shared(runs, &e->table, jstr(plan, "table_simulations") ? jstr(plan, "table_simulations")
							: jstr(st, "table_simulations"));
	if (!e->config_type)
		runs_set_shared(runs, &e->config_type, jstr(st, "configuration_type"));
	e->spot = json_is_true(json_object_get(plan, "spot")) || json_is_true(json_object_get(est, "spot")) ||
		  sp.spot;
	e->nodes = (int)jnum(st, "nodes", sp.nodes > 0 ? sp.nodes : 1);
	e->cost_estimate = jnum(est, "cost_usd", jnum(plan, "cost_usd", 0));
	e->cost_high = jnum(est, "cost_high_usd", jnum(plan, "cost_high_usd", 0));
	e->record_pending = json_is_true(json_object_get(st, "record_pending"));
	e->closed = json_is_true(json_object_get(st, "closed"));
	runs_set_str(&e->job_id, jstr(st, "job_id"));
	if (!e->created_ms)
		e->created_ms = sim_id_time_ms(e->sim_id);
	if (!e->created_ms)
		e->created_ms = rfc3339_ms(jstr(st, "first_at"));
	if (e->job_id && jstr(plan, "bucket") && jstr(plan, "user_id") && !e->results_uri &&
	    !e->results_bucket)
		/* user_id is the plan's: the results are derived, not stored. */
		runs_set_shared(runs, &e->results_bucket, jstr(plan, "bucket"));
	if ((s = jstr(st, "results_uri")))
		runs_set_str(&e->results_uri, s);
	if (json_is_object(json_object_get(st, "cluster"))) {
		char *cluster = json_dumps(json_object_get(st, "cluster"), JSON_COMPACT | JSON_SORT_KEYS);
		runs_set_shared(runs, &e->cluster, cluster);
		free(cluster);
	}
	if ((s = jstr(st, "log_group")) && !e->log_group)
		runs_set_shared(runs, &e->log_group, s);
	if ((s = jstr(st, "log_stream")) && !e->log_stream)
		runs_set_str(&e->log_stream, s);
	/* A run that ended before: its end as journaled (runend.c). */
	if ((s = jstr(st, "end_state"))) {
		for (int k = GCR_RUN_SUCCEEDED; k <= GCR_RUN_CANCELLED; k++)
			if (strcmp(s, gcr_run_state_id(k)) == 0)
				e->state = k;
		e->ended_journaled = true;
		e->started_ms = (int64_t)jnum(st, "started_ms", 0);
		e->stopped_ms = (int64_t)jnum(st, "stopped_ms", 0);
		e->exit_code = (int)jnum(st, "exit_code", -1);
		e->actual_cost = jnum(st, "actual_cost", -1);
		e->price = jnum(st, "price_per_node_hour", 0);
		e->progress = jnum(st, "progress", -1);
		e->max_rss_bytes = (int64_t)jnum(st, "max_rss_bytes", 0);
		e->cpu_efficiency = (float)jnum(st, "cpu_efficiency", 0);
		runs_set_shared(runs, &e->native_state, jstr(st, "native_state"));
		runs_set_str(&e->reason, jstr(st, "end_reason"));
		e->end_record_pending = json_is_true(json_object_get(st, "end_record_pending"));
		e->benchmark_pending = json_is_true(json_object_get(st, "benchmark_pending"));
	} else if (e->closed && !e->job_id) {
		e->state = GCR_RUN_FAILED;
		runs_set_str(&e->reason, jstr(st, "error"));
		runs_set_shared(runs, &e->native_state, jstr(st, "last_event"));
	} else if (!e->job_id) {
		e->state = GCR_RUN_INTENT;
		runs_set_shared(runs, &e->explanation,
			     _("the submission was interrupted before a job existed; gcrunner submit "
			       "--reconcile finishes it"));
	} else if (e->state == GCR_RUN_UNKNOWN || e->state == GCR_RUN_INTENT) {
		e->state = GCR_RUN_QUEUED;    /* last known: submitted; the refresh tells */
		runs_set_shared(runs, &e->native_state, "SUBMITTED");
	}
	if (jstr(st, "cancel_reason") && !gcr_run_state_is_final(e->state))
		runs_set_shared(runs, &e->explanation, _("cancel requested; waiting for the service to stop "
						"the job"));
}

static void load_journal(struct gcr_runs *runs)
{
	struct gcr_journal *j = runs->env.journal;
	bool added = false;
	size_t n;

	if (!j)
		return;
	n = gcr_journal_count(j);
	for (size_t i = 0; i < n; i++) {
		const char *sim = gcr_journal_sim_at(j, i);
		json_t *st;
		struct run_entry *e;
		const char *job;

		e = find_sim(runs, sim);
		if (e && (e->job_id || e->closed))
			continue;
		st = gcr_journal_get(j, sim);
		if (!st || !json_object_get(st, "target") ||
		    json_is_true(json_object_get(st, "dry_run")))
			continue;
		if (!e) {
			e = entry_add(runs, sim);
			entry_from_journal(runs, e, st);
			added = true;
			continue;
		}
		/* An intent known already: take what another process learned since
		 * (its job id, or that it was closed). */
		job = jstr(st, "job_id");
		if ((job && !e->job_id) || json_is_true(json_object_get(st, "closed"))) {
			entry_from_journal(runs, e, st);
			runs->changed_now = true;
		}
	}
	if (added) {
		runs->changed_now = true;
		sort_runs(runs);
	}
}

/* ---- status ---------------------------------------------------------------------- */

struct gcr_backend_env runs_env_for(const struct gcr_runs *runs, const struct run_entry *e)
{
	struct gcr_backend_env env = runs->env;

	env.cluster_json = e ? e->cluster : NULL;
	return env;
}

void runs_entry_status(const struct run_entry *e, struct gcr_run_status *out)
{
	memset(out, 0, sizeof *out);
	copy(out->job_id, sizeof out->job_id, e->job_id);
	out->state = e->state;
	copy(out->native_state, sizeof out->native_state, e->native_state);
	copy(out->reason, sizeof out->reason, e->reason);
	copy(out->explanation, sizeof out->explanation, e->explanation);
	out->created_ms = e->created_ms;
	out->started_ms = e->started_ms;
	out->stopped_ms = e->stopped_ms;
	out->exit_code = e->exit_code;
	out->nattempts = e->nattempts < 10 ? e->nattempts : 10;
	for (int i = 0; i < out->nattempts; i++)
		out->attempts[i] = e->attempts[i];
	copy(out->log_group, sizeof out->log_group, e->log_group);
	copy(out->log_stream, sizeof out->log_stream, e->log_stream);
	out->max_rss_bytes = e->max_rss_bytes;
	out->cpu_efficiency = e->cpu_efficiency;
}

void runs_apply_status(struct gcr_runs *runs, struct run_entry *e, const struct gcr_run_status *st)
{
	bool was_final = gcr_run_state_is_final(e->state) && e->ended_journaled;

	if (st->state == GCR_RUN_UNKNOWN) {
		/* The last known state stays (the job may be seen again: sacct
		 * back, say); why it is not current is said. */
		if (*st->explanation && (!e->explanation || strcmp(e->explanation, st->explanation) != 0)) {
			runs_set_shared(runs, &e->explanation, st->explanation);
			runs->changed_now = true;
		}
		return;
	}
	if (e->state != st->state || !e->native_state ||
	    strcmp(e->native_state, st->native_state) != 0 ||
	    (e->reason ? strcmp(e->reason, st->reason) != 0 : *st->reason != '\0') ||
	    e->nattempts != st->nattempts || e->started_ms != st->started_ms)
		runs->changed_now = true;
	e->state = st->state;
	runs_set_shared(runs, &e->native_state, st->native_state);
	runs_set_str(&e->reason, st->reason);
	runs_set_shared(runs, &e->explanation, st->explanation);
	if (st->created_ms)
		e->created_ms = e->created_ms ? e->created_ms : st->created_ms;
	e->started_ms = st->started_ms;
	e->stopped_ms = st->stopped_ms;
	e->exit_code = st->exit_code;
	if (*st->log_group)
		runs_set_shared(runs, &e->log_group, st->log_group);
	if (*st->log_stream && (!e->log_stream || strcmp(e->log_stream, st->log_stream) != 0)) {
		runs_set_str(&e->log_stream, st->log_stream);
		runs_set_str(&e->progress_token, NULL);   /* a new attempt's stream */
	}
	if (e->nattempts != st->nattempts) {
		/* Reallocated only when their number changes (not every refresh). */
		free(e->attempts);
		e->attempts = NULL;
		e->nattempts = st->nattempts;
		if (st->nattempts > 0)
			e->attempts = xcalloc((size_t)st->nattempts, sizeof *e->attempts);
	}
	if (st->nattempts > 0)
		memcpy(e->attempts, st->attempts, (size_t)st->nattempts * sizeof *e->attempts);
	if (e->state == GCR_RUN_SUCCEEDED)
		e->progress = 1;
	/* Usage comes with an end (Slurm); a later status without it does
	 * not forget it. */
	if (st->max_rss_bytes > 0)
		e->max_rss_bytes = st->max_rss_bytes;
	if (st->cpu_efficiency > 0)
		e->cpu_efficiency = (float)st->cpu_efficiency;
	if (gcr_run_state_is_final(e->state) && !was_final)
		runs_end_seen(runs, e);
}

/* ---- the Simulations table ----------------------------------------------------------- */

static const char *user_id_of(const struct gcr_runs *runs)
{
	const char *u = NULL;

	if (runs->env.settings) {
		u = gcr_settings_get(runs->env.settings, "aws.user_id");
		if (!u || !*u)
			u = gcr_settings_get(runs->env.settings, "s3.user_prefix");
	}
	for (size_t i = 0; (!u || !*u) && i < runs->n; i++)
		u = runs->v[i]->user_id;
	return u && *u ? u : NULL;
}

static const char *sim_table(const struct gcr_runs *runs)
{
	const char *t = runs->env.settings
			? gcr_settings_get(runs->env.settings, "dynamodb.table.simulations") : NULL;

	return t && *t ? t : "Simulations";
}

static enum gcr_run_state state_from_record(const char *status)
{
	static const struct {
		const char *s;
		enum gcr_run_state st;
	} map[] = {
		{ "SUBMITTING", GCR_RUN_INTENT }, { "SUBMITTED", GCR_RUN_QUEUED },
		{ "PENDING", GCR_RUN_QUEUED }, { "RUNNABLE", GCR_RUN_QUEUED },
		{ "STARTING", GCR_RUN_STARTING }, { "RUNNING", GCR_RUN_RUNNING },
		{ "SUCCEEDED", GCR_RUN_SUCCEEDED }, { "COMPLETED", GCR_RUN_SUCCEEDED },
		{ "FAILED", GCR_RUN_FAILED }, { "SUBMIT_FAILED", GCR_RUN_FAILED },
		{ "CANCELLED", GCR_RUN_CANCELLED },
	};

	for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].s, status) == 0)
			return map[i].st;
	return GCR_RUN_UNKNOWN;
}

static double ddb_num(json_t *item, const char *name, double def)
{
	const char *n = json_string_value(json_object_get(json_object_get(item, name), "N"));

	return n ? strtod(n, NULL) : def;
}

static void merge_item(struct gcr_runs *runs, json_t *item)
{
	const char *sim = gcr_ddb_get_s(item, "simulationId");
	struct run_entry *e;
	const char *s;

	if (!sim || !*sim)
		return;
	e = find_sim(runs, sim);
	if (e) {
		/* The journal wins where both know a field. */
		e->from_table = true;
		if (!e->job_id && (s = gcr_ddb_get_s(item, "jobId")) && !e->closed) {
			runs_set_str(&e->job_id, s);
			if (e->state == GCR_RUN_INTENT)
				e->state = GCR_RUN_QUEUED;
		}
		if (!e->results_uri && !e->results_bucket)
			runs_set_str(&e->results_uri, gcr_ddb_get_s(item, "resultLocation"));
		return;
	}
	e = entry_add(runs, sim);
	runs->changed_now = true;
	e->from_table = true;
	e->target = GCR_TARGET_BATCH;
	if ((s = gcr_ddb_get_s(item, "target")))
		gcr_target_from_id(s, &e->target);
	runs_set_str(&e->name, gcr_ddb_get_s(item, "name"));
	runs_set_str(&e->job_id, gcr_ddb_get_s(item, "jobId"));
	runs_set_shared(runs, &e->instance_type, gcr_ddb_get_s(item, "instanceType"));
	runs_set_shared(runs, &e->region, gcr_ddb_get_s(item, "region"));
	runs_set_shared(runs, &e->config_type, gcr_ddb_get_s(item, "configurationType"));
	runs_set_str(&e->results_uri, gcr_ddb_get_s(item, "resultLocation"));
	runs_set_shared(runs, &e->user_id, gcr_ddb_get_s(item, "userId"));
	runs_set_shared(runs, &e->table, sim_table(runs));
	if (e->config_type) {
		/* "classic/fullchem/standard/merra2/4x5/global/72L" */
		char model[32] = "", simn[64] = "", grid[32] = "", buf[128];
		sscanf(e->config_type, "%31[^/]/%63[^/]/%*[^/]/%*[^/]/%31[^/]", model, simn, grid);
		snprintf(buf, sizeof buf, "%s %s %s", strcmp(model, "gchp") == 0 ? "GCHP" : "Classic",
			 simn, grid);
		runs_set_shared(runs, &e->summary, buf);
	}
	e->spot = json_is_true(json_object_get(json_object_get(item, "spot"), "BOOL"));
	e->cost_estimate = ddb_num(item, "costEstimate", 0);
	e->cost_high = ddb_num(item, "costEstimateHigh", 0);
	e->created_ms = rfc3339_ms(gcr_ddb_get_s(item, "createdAt"));
	if (!e->created_ms)
		e->created_ms = sim_id_time_ms(sim);
	e->state = state_from_record(gcr_ddb_get_s(item, "status"));
	runs_set_shared(runs, &e->native_state, gcr_ddb_get_s(item, "status"));
	if (gcr_run_state_is_final(e->state)) {
		/* Ended elsewhere: its record is complete; nothing to push. */
		e->ended_journaled = true;
		e->started_ms = rfc3339_ms(gcr_ddb_get_s(item, "startedAt"));
		e->stopped_ms = rfc3339_ms(gcr_ddb_get_s(item, "completedAt"));
		e->actual_cost = ddb_num(item, "actualCost", -1);
		if (e->state == GCR_RUN_SUCCEEDED)
			e->progress = 1;
	} else if (!e->job_id) {
		e->state = GCR_RUN_INTENT;
	}
}

static void on_table(enum gcr_status st, const struct gcr_error *err,
		     const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct gcr_runs *runs = data;
	json_t *item;
	size_t i;

	(void)info;
	runs->in_flight--;
	if (!runs_unref(runs))
		return;
	if (st == GCR_OK) {
		json_array_foreach(json_object_get(answer, "Items"), i, item)
			merge_item(runs, item);
		sort_runs(runs);
		runs->table_done_once = true;
	} else if (err) {
		/* The journal still shows every run of this machine. */
		runs_trouble(runs, _("the Simulations table could not be read"), err->message);
		runs->cycle_error = true;
	}
	cycle_next(runs);
}

static bool start_table(struct gcr_runs *runs)
{
	const char *user = user_id_of(runs);
	json_t *in;

	if (!runs->table_wanted || runs->opt.no_table || !runs->env.aws || !user)
		return false;
	runs->table_wanted = false;
	in = json_pack("{s:s, s:s, s:{s:s}, s:{s:{s:s}}}", "TableName", sim_table(runs),
		       "KeyConditionExpression", "#u = :u", "ExpressionAttributeNames", "#u", "userId",
		       "ExpressionAttributeValues", ":u", "S", user);
	runs_ref(runs);
	runs->in_flight++;
	runs->cycle_calls++;
	gcr_ddb_query_all(runs->env.aws, in, 100, on_table, runs);
	json_decref(in);
	return true;
}

/* ---- describe ---------------------------------------------------------------------- */

struct chunk_call {
	struct gcr_runs *runs;
	struct runs_chunk *chunk;
};

static void pump_describe(struct gcr_runs *runs);

static void on_described(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_run_status *statuses, size_t n, void *data)
{
	struct chunk_call *c = data;
	struct gcr_runs *runs = c->runs;
	struct runs_chunk *ch = c->chunk;

	free(c);
	runs->in_flight--;
	if (!runs_unref(runs))
		return;
	runs->chunks_done++;
	if (st == GCR_OK) {
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < ch->n; k++)
				if (ch->e[k]->job_id && strcmp(ch->e[k]->job_id, statuses[i].job_id) == 0) {
					runs_apply_status(runs, ch->e[k], &statuses[i]);
					break;
				}
	} else {
		runs->cycle_error = true;
		runs_trouble(runs, _("could not refresh job states; trying again later"),
			     err ? err->message : NULL);
	}
	pump_describe(runs);
}

static void pump_describe(struct gcr_runs *runs)
{
	size_t limit = (size_t)runs->opt.max_in_flight;

	while (runs->next_chunk < runs->nchunks && runs->in_flight < limit) {
		struct chunk_call *c = xcalloc(1, sizeof *c);
		struct gcr_backend_env env;
		c->runs = runs;
		c->chunk = &runs->chunks[runs->next_chunk++];
		runs->in_flight++;
		runs->cycle_calls++;
		runs_ref(runs);
		env = runs_env_for(runs, c->chunk->e[0]);
		c->chunk->ops->refresh(&env, c->chunk->ids, c->chunk->n, on_described, c);
		if (runs->dead)
			return;
	}
	if (runs->chunks_done == runs->nchunks && runs->phase == PHASE_DESCRIBE)
		cycle_next(runs);
}

static bool wants_refresh(const struct run_entry *e)
{
	return e->job_id && !gcr_run_state_is_final(e->state);
}

static void start_describe(struct gcr_runs *runs)
{
	size_t cap = 0;

	free(runs->chunks);
	runs->chunks = NULL;
	runs->nchunks = runs->next_chunk = runs->chunks_done = 0;
	for (size_t i = 0; i < runs->n; i++) {
		struct run_entry *e = runs->v[i];
		const struct gcr_backend_ops *ops;
		struct runs_chunk *ch = NULL;

		if (!wants_refresh(e))
			continue;
		/* Offline (no AWS client): Batch and ParallelCluster runs keep
		 * their journaled state; a Slurm cluster needs no AWS. */
		if (!runs->env.aws && e->target != GCR_TARGET_SLURM)
			continue;
		ops = gcr_backend_for(e->target);
		if (!ops || !ops->refresh) {
			runs_set_shared(runs, &e->explanation,
				     _("gcrunner cannot follow jobs of this target yet; the state "
				       "shown is the last one recorded"));
			continue;
		}
		/* The open chunk of this backend, else a new one. */
		for (size_t k = runs->nchunks; k > 0; k--)
			if (runs->chunks[k - 1].ops == ops && runs->chunks[k - 1].cluster == e->cluster &&
			    runs->chunks[k - 1].n < CHUNK_IDS) {
				ch = &runs->chunks[k - 1];
				break;
			}
		if (!ch) {
			if (runs->nchunks == cap) {
				cap = cap ? cap * 2 : 16;
				runs->chunks = realloc(runs->chunks, cap * sizeof *runs->chunks);
				if (!runs->chunks)
					abort();
			}
			ch = &runs->chunks[runs->nchunks++];
			ch->ops = ops;
			ch->cluster = e->cluster;
			ch->n = 0;
		}
		ch->e[ch->n] = e;
		ch->ids[ch->n++] = e->job_id;
	}
	if (!runs->env.aws)
		runs->health.offline = true;
	pump_describe(runs);
}

/* ---- progress from the log --------------------------------------------------------- */

struct progress_call {
	struct gcr_runs *runs;
	struct run_entry *e;
	int pages;
};

static void pump_progress(struct gcr_runs *runs);
static void progress_page(struct progress_call *c);

static void on_progress_page(enum gcr_status st, const struct gcr_error *err,
			     const struct gcr_log_page *page, void *data)
{
	struct progress_call *c = data;
	struct gcr_runs *runs = c->runs;
	struct run_entry *e = c->e;
	bool more = false;

	(void)err;
	runs->in_flight--;
	if (!runs_unref(runs)) {
		free(c);
		return;
	}
	if (st == GCR_OK && page) {
		json_t *line;
		size_t i;
		json_array_foreach(page->lines, i, line)
			if (runs_progress_feed(e, jstr(line, "m")))
				runs->changed_now = true;
		more = json_array_size(page->lines) > 0 && *page->next &&
		       (!e->progress_token || strcmp(page->next, e->progress_token) != 0);
		runs_set_str(&e->progress_token, page->next);
	}
	if (more && ++c->pages < PROGRESS_PAGES_PER_CYCLE) {
		progress_page(c);
		return;
	}
	e->progress_busy = false;
	free(c);
	pump_progress(runs);
}

static void progress_page(struct progress_call *c)
{
	struct gcr_run_status st;
	const struct gcr_backend_ops *ops = gcr_backend_for(c->e->target);
	struct gcr_backend_env env;

	runs_entry_status(c->e, &st);
	c->runs->in_flight++;
	c->runs->cycle_calls++;
	runs_ref(c->runs);
	env = runs_env_for(c->runs, c->e);
	ops->logs(&env, &st, c->e->progress_token, on_progress_page, c);
}

static bool wants_progress(const struct run_entry *e)
{
	const struct gcr_backend_ops *ops;

	if (e->progress_busy || !e->log_stream || e->start_ymd == 0)
		return false;
	if (e->state != GCR_RUN_RUNNING &&
	    !(e->state == GCR_RUN_FAILED && e->notify_end && e->progress < 0))
		return false;
	ops = gcr_backend_for(e->target);
	return ops && ops->logs;
}

/* CloudWatch Logs allows about 25 GetLogEvents a second per account: a
 * cycle reads the logs of at most PROGRESS_RUNS_PER_CYCLE running runs,
 * taking up the next ones where the last cycle stopped. */
static void pump_progress(struct gcr_runs *runs)
{
	size_t limit = (size_t)runs->opt.max_in_flight;

	while (runs->progress_seen < runs->n && runs->progress_started < PROGRESS_RUNS_PER_CYCLE &&
	       runs->in_flight < limit) {
		struct run_entry *e;
		struct progress_call *c;

		if (runs->progress_next >= runs->n)
			runs->progress_next = 0;
		e = runs->v[runs->progress_next++];
		runs->progress_seen++;
		if (!wants_progress(e))
			continue;
		c = xcalloc(1, sizeof *c);
		c->runs = runs;
		c->e = e;
		e->progress_busy = true;
		runs->progress_started++;
		progress_page(c);
		if (runs->dead)
			return;
	}
	if ((runs->progress_seen >= runs->n || runs->progress_started >= PROGRESS_RUNS_PER_CYCLE) &&
	    runs->in_flight == 0 && runs->phase == PHASE_PROGRESS)
		cycle_next(runs);
}

/* ---- run ends ----------------------------------------------------------------------- */

static void push_next_end(struct gcr_runs *runs);

static void on_end_pushed(void *data)
{
	struct gcr_runs *runs = data;

	runs->in_flight--;
	if (!runs_unref(runs))
		return;
	push_next_end(runs);
}

static void push_next_end(struct gcr_runs *runs)
{
	while (runs->end_next < runs->n) {
		struct run_entry *e = runs->v[runs->end_next++];
		if (!runs_end_pending(e) || !runs->env.aws)
			continue;
		runs->in_flight++;
		runs_ref(runs);
		runs_end_push(runs, e, on_end_pushed, runs);
		return;
	}
	if (runs->phase == PHASE_ENDS)
		cycle_next(runs);
}

/* ---- the cycle ------------------------------------------------------------------------- */

static bool any_state(const struct gcr_runs *runs, bool active)
{
	for (size_t i = 0; i < runs->n; i++) {
		const struct run_entry *e = runs->v[i];
		if (!wants_refresh(e) || !gcr_backend_for(e->target))
			continue;
		if (!active || e->state == GCR_RUN_STARTING || e->state == GCR_RUN_RUNNING ||
		    e->state == GCR_RUN_UNKNOWN)
			return true;
	}
	return false;
}

static void cycle_finish(struct gcr_runs *runs)
{
	struct gcr_error err = { 0 };
	struct once_waiter *w;
	int base;

	runs->cycling = false;
	runs->phase = PHASE_IDLE;
	runs->health.last_refresh_calls = runs->cycle_calls;
	runs->health.last_refresh_ms = runs_now_ms();
	base = any_state(runs, true) ? runs->opt.active_interval_s
	       : any_state(runs, false) ? runs->opt.queued_interval_s : 0;
	if (runs->cycle_error) {
		int cur = runs->interval_s > 0 ? runs->interval_s : (base ? base : runs->opt.active_interval_s);
		runs->interval_s = cur * 2 > runs->opt.max_backoff_s ? runs->opt.max_backoff_s : cur * 2;
	} else {
		runs->interval_s = base;
		runs->health.trouble[0] = '\0';
	}
	runs->health.interval_s = runs->interval_s;
	/* The ended listener, once per run. */
	for (size_t i = 0; i < runs->n && !runs->dead; i++) {
		struct run_entry *e = runs->v[i];
		if (!e->notify_end)
			continue;
		e->notify_end = false;
		/* A struct built before this refresh would still say "running". */
		free(e->pub);
		e->pub = NULL;
		if (runs->ended)
			runs->ended(gcr_runs_find(runs, e->sim_id), runs->listener_data);
	}
	if (runs->changed_now && !runs->dead) {
		runs->changed_now = false;
		runs_notify(runs);
	}
	if (runs->cycle_error)
		gcr_error_set(&err, GCR_ERR_REMOTE, "%s", *runs->health.trouble ? runs->health.trouble
									 : _("the refresh failed"));
	runs_ref(runs);
	while ((w = runs->waiters) && !runs->dead) {
		runs->waiters = w->next;
		w->done(err.code, err.code ? &err : NULL, w->data);
		free(w);
	}
	if (!runs_unref(runs))
		return;
	schedule(runs);
}

static void cycle_next(struct gcr_runs *runs)
{
	if (runs->dead)
		return;
	switch (runs->phase) {
	case PHASE_TABLE:
		runs->phase = PHASE_DESCRIBE;
		start_describe(runs);
		return;
	case PHASE_DESCRIBE:
		if (runs->in_flight > 0)
			return;
		runs->phase = PHASE_PROGRESS;
		runs->progress_seen = runs->opt.no_progress || !runs->env.aws ? runs->n : 0;
		runs->progress_started = 0;
		pump_progress(runs);
		return;
	case PHASE_PROGRESS:
		runs->phase = PHASE_ENDS;
		runs->end_next = 0;
		push_next_end(runs);
		return;
	case PHASE_ENDS:
		cycle_finish(runs);
		return;
	default:
		return;
	}
}

static void cycle_start(struct gcr_runs *runs)
{
	if (runs->cycling || runs->dead)
		return;
	runs->cycling = true;
	runs->cycle_error = false;
	runs->cycle_calls = 0;
	runs->health.offline = !runs->env.aws;
	runs->health.next_refresh_ms = 0;
	if (runs->env.journal && gcr_journal_refresh(runs->env.journal, NULL) == GCR_OK)
		load_journal(runs);
	runs->phase = PHASE_TABLE;
	if (!start_table(runs))
		cycle_next(runs);
}

static void on_timer(uv_timer_t *t)
{
	cycle_start(t->data);
}

static void schedule(struct gcr_runs *runs)
{
	if (runs->dead || !runs->timer_open)
		return;
	if (runs->again) {
		runs->again = false;
		runs->health.next_refresh_ms = runs_now_ms();
		uv_timer_start(&runs->timer, on_timer, 0, 0);
		return;
	}
	if (!runs->started || runs->interval_s <= 0) {
		uv_timer_stop(&runs->timer);
		runs->health.next_refresh_ms = 0;
		return;
	}
	runs->health.next_refresh_ms = runs_now_ms() + (int64_t)runs->interval_s * 1000;
	uv_timer_start(&runs->timer, on_timer, (uint64_t)runs->interval_s * 1000, 0);
}

/* ---- the API ----------------------------------------------------------------------------- */

enum gcr_status gcr_runs_new(const struct gcr_backend_env *env, const struct gcr_runs_options *opt,
			     struct gcr_runs **out, struct gcr_error *err)
{
	struct gcr_runs *runs;

	*out = NULL;
	if (!env || !env->loop)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("the runs model needs a loop"));
	runs = xcalloc(1, sizeof *runs);
	runs->env = *env;
	if (opt)
		runs->opt = *opt;
	if (runs->opt.active_interval_s <= 0)
		runs->opt.active_interval_s = 10;
	if (runs->opt.queued_interval_s <= 0)
		runs->opt.queued_interval_s = 30;
	if (runs->opt.max_backoff_s <= 0)
		runs->opt.max_backoff_s = 300;
	if (runs->opt.max_in_flight <= 0)
		runs->opt.max_in_flight = 4;
	runs->refs = 1;
	runs->by_sim.key = entry_key;
	runs->pool.key = pool_key;
	runs->table_wanted = true;
	runs->health.offline = !env->aws;
	uv_timer_init(env->loop, &runs->timer);
	runs->timer.data = runs;
	runs->timer_open = true;
	runs_ref(runs);          /* the timer's, dropped when it has closed */
	load_journal(runs);
	runs->changed_now = false;
	*out = runs;
	return GCR_OK;
}

static void on_timer_closed(uv_handle_t *h)
{
	runs_unref(h->data);
}

void gcr_runs_free(struct gcr_runs *runs)
{
	if (!runs)
		return;
	runs->dead = true;
	runs_followers_stop_all(runs);
	if (runs->timer_open) {
		runs->timer_open = false;
		uv_timer_stop(&runs->timer);
		uv_close((uv_handle_t *)&runs->timer, on_timer_closed);
	}
	runs_unref(runs);
}

void gcr_runs_set_listeners(struct gcr_runs *runs, gcr_runs_changed_cb changed,
			    gcr_runs_ended_cb ended, void *data)
{
	runs->changed = changed;
	runs->ended = ended;
	runs->listener_data = data;
}

void gcr_runs_start(struct gcr_runs *runs)
{
	runs->started = true;
	if (runs->cycling)
		return;
	cycle_start(runs);
}

void gcr_runs_refresh_now(struct gcr_runs *runs)
{
	runs->table_wanted = true;
	if (runs->cycling) {
		runs->again = true;
		return;
	}
	uv_timer_stop(&runs->timer);
	cycle_start(runs);
}

void gcr_runs_refresh_once(struct gcr_runs *runs, gcr_backend_done_cb done, void *data)
{
	struct once_waiter *w = xcalloc(1, sizeof *w), **p = &runs->waiters;

	w->done = done;
	w->data = data;
	while (*p)
		p = &(*p)->next;
	*p = w;
	if (!runs->cycling) {
		uv_timer_stop(&runs->timer);
		cycle_start(runs);
	}
}

size_t gcr_runs_count(const struct gcr_runs *runs)
{
	return runs->n;
}

/* Builds the public view of e into r (about 11 KB: on demand only).
 * with_spec: also the spec, which needs the journal's state of the run
 * (parsed again from the file for a run that is not in memory). */
static void materialize(const struct gcr_runs *runs, struct run_entry *e, struct gcr_run *r,
			bool with_spec)
{
	int64_t now = runs_now_ms();
	json_t *st = with_spec && runs->env.journal ? gcr_journal_get(runs->env.journal, e->sim_id)
						    : NULL;
	char uri[sizeof r->results_uri];

	memset(r, 0, sizeof *r);
	copy(r->sim_id, sizeof r->sim_id, e->sim_id);
	copy(r->name, sizeof r->name, e->name ? e->name : e->sim_id);
	copy(r->summary, sizeof r->summary, e->summary);
	spec_from_summary(json_object_get(st, "spec"), &r->spec);
	r->target = e->target;
	r->spec.target = e->target;
	copy(r->instance_type, sizeof r->instance_type, e->instance_type);
	r->nodes = e->nodes > 0 ? e->nodes : 1;
	r->spot = e->spot;
	runs_entry_status(e, &r->status);
	r->from_journal = e->from_journal;
	r->from_table = e->from_table;
	r->record_pending = e->record_pending;
	r->progress = e->progress;
	if (e->reached_ymd) {
		char d[16];
		snprintf(r->sim_time_reached, sizeof r->sim_time_reached, "%s %02d:%02d",
			 gcr_date_format(e->reached_ymd, d, sizeof d), e->reached_hhmm / 100,
			 e->reached_hhmm % 100);
	}
	runs_money(runs, e);
	r->elapsed_s = runs_elapsed_s(e, now);
	r->eta_s = runs_eta_s(e, now);
	r->price_per_node_hour_usd = e->price;
	r->cost_so_far_usd = e->actual_cost >= 0 ? e->actual_cost : runs_cost_so_far(e, now);
	r->cost_unknown = r->cost_so_far_usd <= 0 && e->price <= 0 &&
			  (e->started_ms > 0 || e->state == GCR_RUN_STARTING || e->state == GCR_RUN_RUNNING);
	r->cost_estimate_usd = e->cost_estimate;
	r->cost_high_usd = e->cost_high;
	copy(r->results_uri, sizeof r->results_uri, runs_results_uri(e, uri, sizeof uri));
	r->created_ms = e->created_ms;
}

static const struct gcr_run *pub_of(const struct gcr_runs *runs, struct run_entry *e)
{
	if (!e)
		return NULL;
	if (!e->pub) {
		e->pub = xcalloc(1, sizeof *e->pub);
		materialize(runs, e, e->pub, true);
	}
	return e->pub;
}

const struct gcr_run *gcr_runs_at(const struct gcr_runs *runs, size_t i)
{
	return i < runs->n ? pub_of(runs, runs->v[i]) : NULL;
}

const struct gcr_run *gcr_runs_find(const struct gcr_runs *runs, const char *id)
{
	return pub_of(runs, runs_entry_find(runs, id, NULL));
}

bool gcr_runs_find_ambiguous(const struct gcr_runs *runs, const char *id)
{
	bool amb;

	return !runs_entry_find(runs, id, &amb) && amb;
}

void gcr_runs_health(const struct gcr_runs *runs, struct gcr_runs_health *out)
{
	*out = runs->health;
	out->in_flight = runs->in_flight;
	out->interval_s = runs->interval_s;
}

static json_t *ms_time(int64_t ms)
{
	char buf[32];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0)
		return json_null();
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *num_or_null(double v, bool known)
{
	return known ? json_real(v) : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *gcr_run_to_json(const struct gcr_run *r)
{
	const struct gcr_run_status *s = &r->status;
	json_t *attempts = json_array();
	json_t *j;

	for (int i = 0; i < s->nattempts; i++) {
		const struct gcr_run_attempt *a = &s->attempts[i];
		json_array_append_new(attempts,
			json_pack("{s:o, s:o, s:o, s:o, s:o}", "startedAt", ms_time(a->started_ms),
				  "stoppedAt", ms_time(a->stopped_ms), "exitCode",
				  a->exit_code >= 0 ? json_integer(a->exit_code) : json_null(),
				  "reason", str_or_null(a->reason), "logStream",
				  str_or_null(a->log_stream)));
	}
	j = json_pack("{s:s, s:s, s:o, s:s, s:o, s:i, s:b, s:s, s:o, s:o, s:o, s:o,"
		      " s:o, s:o, s:o, s:o}",
		      "simulationId", r->sim_id, "name", r->name, "summary", str_or_null(r->summary),
		      "target", gcr_target_id(r->target), "instanceType", str_or_null(r->instance_type),
		      "nodes", r->nodes, "spot", r->spot, "status", gcr_run_state_id(s->state),
		      "nativeStatus", str_or_null(s->native_state), "reason", str_or_null(s->reason),
		      "explanation", str_or_null(s->explanation), "jobId", str_or_null(s->job_id),
		      "createdAt", ms_time(r->created_ms), "startedAt", ms_time(s->started_ms),
		      "stoppedAt", ms_time(s->stopped_ms),
		      "exitCode", s->exit_code >= 0 ? json_integer(s->exit_code) : json_null());
	json_object_set_new(j, "progress", num_or_null(r->progress, r->progress >= 0));
	json_object_set_new(j, "simTimeReached", str_or_null(r->sim_time_reached));
	json_object_set_new(j, "elapsedSeconds", json_integer(r->elapsed_s));
	json_object_set_new(j, "etaSeconds", r->eta_s >= 0 ? json_integer(r->eta_s) : json_null());
	json_object_set_new(j, "pricePerNodeHour",
			    num_or_null(r->price_per_node_hour_usd, r->price_per_node_hour_usd > 0));
	json_object_set_new(j, "costSoFar", num_or_null(r->cost_so_far_usd, !r->cost_unknown));
	json_object_set_new(j, "costEstimate", num_or_null(r->cost_estimate_usd, r->cost_estimate_usd > 0));
	json_object_set_new(j, "costHigh", num_or_null(r->cost_high_usd, r->cost_high_usd > 0));
	json_object_set_new(j, "memoryUsageBytes", s->max_rss_bytes > 0
			    ? json_integer((json_int_t)s->max_rss_bytes) : json_null());
	json_object_set_new(j, "cpuEfficiency", num_or_null(s->cpu_efficiency, s->cpu_efficiency > 0));
	json_object_set_new(j, "resultLocation", str_or_null(r->results_uri));
	json_object_set_new(j, "logGroup", str_or_null(s->log_group));
	json_object_set_new(j, "logStream", str_or_null(s->log_stream));
	json_object_set_new(j, "recordPending", json_boolean(r->record_pending));
	json_object_set_new(j, "fromJournal", json_boolean(r->from_journal));
	json_object_set_new(j, "fromTable", json_boolean(r->from_table));
	json_object_set_new(j, "attempts", attempts);
	return j;
}

bool gcr_runs_copy_at(const struct gcr_runs *runs, size_t i, struct gcr_run *out)
{
	if (i >= runs->n)
		return false;
	/* What gcr_runs_at shows, when it was built since the last change. */
	if (runs->v[i]->pub)
		*out = *runs->v[i]->pub;
	else
		materialize(runs, runs->v[i], out, true);
	return true;
}

json_t *gcr_runs_json_at(const struct gcr_runs *runs, size_t i)
{
	struct gcr_run *r;
	json_t *j;

	if (i >= runs->n)
		return NULL;
	if (runs->v[i]->pub)
		return gcr_run_to_json(runs->v[i]->pub);
	r = xcalloc(1, sizeof *r);
	gcr_runs_copy_at(runs, i, r);
	j = gcr_run_to_json(r);
	free(r);
	return j;
}

double gcr_runs_spent_usd(const struct gcr_run *run)
{
	return run ? run->cost_so_far_usd : 0;
}

/* Added for the dashboard's list (ui/screen_dashboard.c): gcr_runs_copy_at
 * without the spec, which is the one field read back from the journal
 * file (a pread and a JSON parse per run, ~20 us: 10,000 runs took 200 ms). */
bool gcr_runs_copy_list_at(const struct gcr_runs *runs, size_t i, struct gcr_run *out)
{
	if (i >= runs->n)
		return false;
	if (runs->v[i]->pub)
		*out = *runs->v[i]->pub;
	else
		materialize(runs, runs->v[i], out, false);
	return true;
}
