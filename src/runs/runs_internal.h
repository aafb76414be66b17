/* runs_internal.h: what the files of src/runs/ share -- the compact entry
 * kept per run (a struct gcr_run is ~11 KB; 10,000 of them would not fit the
 * dashboard's memory budget, so a gcr_run is only built when asked for),
 * the model itself, and the helpers for money, progress and run ends. */
#ifndef GCR_RUNS_INTERNAL_H
#define GCR_RUNS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "runs/runs.h"

/* One run, compactly.  Owned strings (NULL = not known) are those that
 * differ per run; the shared ones point into the model's string pool
 * (runs_set_shared), one copy per distinct value for all runs: with 10,000
 * runs the same handful of instance types, regions, states and texts would
 * otherwise be 10,000 copies each (issue 7's memory budget). */
struct run_entry {
	char *name, *job_id, *results_uri, *reason, *log_stream;
	char *progress_token;           /* next log page for progress */
	const char *summary, *instance_type, *region;   /* shared */
	const char *config_type;        /* Benchmarks' configurationType; shared */
	const char *user_id, *table;    /* where its Simulations record is; shared */
	const char *native_state, *explanation, *log_group;     /* shared */
	/* Without results_uri, the results are under s3://results_bucket/
	 * user_id/results/job_id/ (runs_results_uri); shared. */
	const char *results_bucket;
	/* Slurm/ParallelCluster: the cluster it was submitted to (the journal's
	 * "cluster" object as compact JSON, for gcr_backend_env.cluster_json);
	 * shared. */
	const char *cluster;
	struct gcr_run_attempt *attempts;
	struct gcr_run *pub;            /* built for gcr_runs_at/find; freed on change */
	int64_t created_ms, started_ms, stopped_ms;
	int64_t max_rss_bytes;          /* Slurm: memory use when ended; 0 = not known */
	double progress;                /* 0..1, < 0 = not known */
	double price;                   /* USD per node-hour, 0 = not known */
	double cost_estimate, cost_high;
	double actual_cost;             /* when ended; < 0 = not computed */
	float cpu_efficiency;           /* Slurm: 0..1 when ended; <= 0 = not known */
	int nattempts;
	enum gcr_target target;
	enum gcr_run_state state;
	int nodes;
	int exit_code;
	int start_ymd, end_ymd;         /* the simulated period, 0 = not known */
	int reached_ymd, reached_hhmm;
	bool spot : 1;
	bool from_journal : 1, from_table : 1, record_pending : 1, closed : 1;
	/* Run end, exactly once (journal "ended", then DynamoDB). */
	bool ended_journaled : 1;       /* the journal has its "ended" event */
	bool end_record_pending : 1;    /* Simulations UpdateItem not done yet */
	bool benchmark_pending : 1;     /* Benchmarks PutItem + measurement not done */
	bool notify_end : 1;            /* call the ended listener this cycle */
	bool progress_busy : 1;         /* a log read for progress is running */
	/* Allocated to fit (at most SIM_ID_MAX bytes); last, so that an entry
	 * takes no more than its id needs. */
	char sim_id[];
};

#define SIM_ID_MAX 63

/* An open-addressing table of pointers found by a string key (the model's
 * sim id index and its string pool); see runs.c. */
struct runs_strtab {
	void **slot;
	size_t cap, n;
	const char *(*key)(const void *item);
};

struct runs_chunk;
struct gcr_log_follow;

struct gcr_runs {
	struct gcr_backend_env env;     /* copy; what it points to is borrowed */
	struct gcr_runs_options opt;
	struct run_entry **v;           /* newest first */
	size_t n, cap;
	int refs;                       /* owner + calls in flight + timer + followers */
	bool dead;                      /* gcr_runs_free was called */
	bool started;                   /* background refresh on */
	bool timer_open;
	uv_timer_t timer;
	gcr_runs_changed_cb changed;
	gcr_runs_ended_cb ended;
	void *listener_data;
	/* The refresh cycle. */
	bool cycling;                   /* a refresh is running */
	bool again;                     /* refresh_now during a cycle */
	bool table_wanted;              /* query the Simulations table this cycle */
	bool table_done_once;
	bool cycle_error;
	int phase;
	struct runs_chunk *chunks;
	size_t nchunks, next_chunk, chunks_done;
	size_t end_next;                /* runs whose end records are pushed */
	size_t progress_next;           /* round robin over cycles */
	size_t progress_seen, progress_started;   /* this cycle */
	size_t in_flight;
	size_t cycle_calls;
	bool changed_now;               /* something changed this cycle */
	struct runs_strtab by_sim;      /* sim id -> entry */
	struct runs_strtab pool;        /* the shared strings of the entries */
	struct gcr_runs_health health;
	int interval_s;
	/* Callers of gcr_runs_refresh_once waiting for the cycle's end. */
	struct once_waiter *waiters;
	struct gcr_log_follow *followers;
};

/* ---- runs.c ---------------------------------------------------------------------- */
struct run_entry *runs_entry_find(const struct gcr_runs *runs, const char *id, bool *ambiguous);
void runs_set_str(char **dst, const char *src);
/* Points *dst at the pool's copy of src (NULL when src is NULL or ""); the
 * copy lives as long as the model. */
void runs_set_shared(struct gcr_runs *runs, const char **dst, const char *src);
/* Where e's results are (NULL = not known); may be written into buf. */
const char *runs_results_uri(const struct run_entry *e, char *buf, size_t size);
/* Copies a backend status into e (journals the end when final). */
void runs_apply_status(struct gcr_runs *runs, struct run_entry *e,
		       const struct gcr_run_status *st);
/* The backend environment for a call about e: the model's, pointed at the
 * cluster e was submitted to.  Valid while the model lives. */
struct gcr_backend_env runs_env_for(const struct gcr_runs *runs, const struct run_entry *e);
/* The status of e as a backend would give it (for logs/cancel). */
void runs_entry_status(const struct run_entry *e, struct gcr_run_status *out);
void runs_ref(struct gcr_runs *runs);
/* The spec summary a journal state holds (model NONE when there is none). */
void runs_spec_from_journal(json_t *state, struct gcr_spec *spec);
/* Drops a reference; returns false when runs is dead (callbacks stop there). */
bool runs_unref(struct gcr_runs *runs);
void runs_notify(struct gcr_runs *runs);
/* Sets health.trouble to "what: detail" (cut to fit). */
void runs_trouble(struct gcr_runs *runs, const char *what, const char *detail);
int64_t runs_now_ms(void);

/* ---- progress.c ---------------------------------------------------------------------- */
/* Elapsed, ETA, price and cost of e at now_ms (fills the gcr_run fields). */
void runs_money(const struct gcr_runs *runs, struct run_entry *e);
double runs_cost_so_far(const struct run_entry *e, int64_t now_ms);
int64_t runs_elapsed_s(const struct run_entry *e, int64_t now_ms);
int64_t runs_eta_s(const struct run_entry *e, int64_t now_ms);
/* Feeds one log line to e's progress; true when the progress moved. */
bool runs_progress_feed(struct run_entry *e, const char *line);
double runs_fraction(int start_ymd, int end_ymd, int ymd, int hhmm);

/* ---- runend.c ------------------------------------------------------------------------ */
/* The run was seen final: journal "ended" (once), mark the pushes pending. */
void runs_end_seen(struct gcr_runs *runs, struct run_entry *e);
/* Pushes e's pending end records (Simulations, Benchmarks, measurement);
 * done(data) when finished (errors are noted in health.trouble). */
void runs_end_push(struct gcr_runs *runs, struct run_entry *e, void (*done)(void *), void *data);
bool runs_end_pending(const struct run_entry *e);

/* ---- logfollow.c --------------------------------------------------------------------- */
void runs_followers_stop_all(struct gcr_runs *runs);

#endif
