/* runs.h: the dashboard's model -- every simulation the user has, joined
 * with its live job state, kept current in the background on the libuv
 * loop.  One engine for both faces: the TUI's dashboard screen and
 * `gcrunner jobs/logs/cancel/results` read and act through this API only;
 * they never call a backend or AWS directly.
 *
 * Where runs come from: the local journal (journal.h: every submission,
 * also ones whose DynamoDB record is pending) and, when AWS is reachable,
 * the user's items in the Simulations table (runs submitted from another
 * machine).  They are joined by simulation id; the journal wins where both
 * know a field, the live job state (backend refresh) wins over both.
 *
 * Background refresh (libuv timers; nothing here blocks):
 *   - only unfinished runs with a job id are asked about, grouped per
 *     backend, through gcr_backend_ops.refresh (Batch: DescribeJobs, 100
 *     ids per call); at most options.max_in_flight calls at once;
 *   - every options.active_interval_s while something runs or starts,
 *     every options.queued_interval_s while runs only wait, not at all
 *     when every run is final (the timer stops; a submit or
 *     gcr_runs_refresh_now restarts it);
 *   - throttling or connection trouble doubles the interval up to
 *     options.max_backoff_s and is reported in gcr_runs_health; the first
 *     good answer resets it.
 *
 * When a run is seen to end (final state, first time), the model:
 *   updates its Simulations record (status, startedAt, completedAt,
 *   actualCost, resultLocation) -- journaled first ("ended"), pushed to
 *   DynamoDB when reachable, retried on later refreshes otherwise;
 *   on success adds the measured throughput to the Benchmarks table and to
 *   the local measurements (gcr_measurement_add) so estimates learn;
 *   calls the ended listener once (the UI rings the bell / OSC 9/777).
 *
 * Ownership: gcr_runs_new/gcr_runs_free; every struct gcr_run pointer
 * returned is borrowed and valid until the next change notification. */
#ifndef GCR_RUNS_H
#define GCR_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "error.h"
#include "spec.h"

struct gcr_runs;

/* One simulation as the dashboard shows it. */
struct gcr_run {
	char sim_id[64];
	char name[128];                  /* the user's name for it, or the sim id */
	char summary[128];               /* "Classic fullchem 4x5", "GCHP fullchem C180" */
	struct gcr_spec spec;            /* parsed from the journal's spec_yaml when known */
	enum gcr_target target;
	char instance_type[32];
	int nodes;                       /* 1 for Batch */
	bool spot;
	struct gcr_run_status status;    /* live; status.state GCR_RUN_INTENT before a job id */
	bool from_journal, from_table;   /* where the run is known from */
	bool record_pending;             /* DynamoDB record not written yet */
	/* Progress from the model's log: the simulated date reached ÷ period. */
	double progress;                 /* 0..1; < 0 = not known yet */
	char sim_time_reached[24];       /* "2019-07-14 06:00", "" = not known */
	int64_t elapsed_s;               /* since the job started (or until it stopped) */
	int64_t eta_s;                   /* < 0 = not known */
	/* Money: price (spot or on-demand of instance_type in the region) x
	 * nodes x elapsed.  The estimate is what the user accepted. */
	double price_per_node_hour_usd;  /* 0 = not known */
	double cost_so_far_usd;
	/* It ran but no price is known for it (a Slurm cluster of one's own, a
	 * type the catalog lacks): cost_so_far_usd is 0 and means "unknown". */
	bool cost_unknown;
	double cost_estimate_usd, cost_high_usd;
	char results_uri[1024];          /* s3://BUCKET/USER/results/JOBID/ or a cluster path */
	int64_t created_ms;              /* for sorting: submission time */
};

struct gcr_runs_options {
	int active_interval_s;           /* 0 = 10: while something runs or starts */
	int queued_interval_s;           /* 0 = 30: while runs only wait */
	int max_backoff_s;               /* 0 = 300 */
	int max_in_flight;               /* 0 = 4 backend calls at once */
	bool no_table;                   /* do not read the Simulations table */
	bool no_progress;                /* do not read logs for progress (jobs --json) */
};

/* The state of the background refresh, for the status line. */
struct gcr_runs_health {
	int64_t last_refresh_ms;         /* epoch ms of the last complete refresh; 0 = none */
	int64_t next_refresh_ms;         /* 0 = idle (nothing active) */
	int interval_s;                  /* the current interval, backoff included */
	bool offline;                    /* no AWS client / credentials: journal only */
	char trouble[256];               /* translated, "" = none; never a secret */
	size_t in_flight;                /* backend calls now running */
	size_t last_refresh_calls;       /* backend calls the last refresh sent */
};

/* Called on the loop after the set of runs or any run changed. */
typedef void (*gcr_runs_changed_cb)(void *data);
/* Called once per run the first time it is seen final. */
typedef void (*gcr_runs_ended_cb)(const struct gcr_run *run, void *data);

/* Builds the model from env (borrowed; must outlive it; env->aws may be
 * NULL: offline, the journal only).  Reads the journal now; the table and
 * live states arrive with the first refresh.  Caller frees. */
enum gcr_status gcr_runs_new(const struct gcr_backend_env *env,
			     const struct gcr_runs_options *opt,
			     struct gcr_runs **out, struct gcr_error *err);
/* Stops the timers and frees; callbacks of calls still in flight are
 * swallowed (the handles close on the loop). */
void gcr_runs_free(struct gcr_runs *runs);

void gcr_runs_set_listeners(struct gcr_runs *runs, gcr_runs_changed_cb changed,
			    gcr_runs_ended_cb ended, void *data);

/* Starts the background refresh (the first one right away). */
void gcr_runs_start(struct gcr_runs *runs);
/* Refreshes now (a key press, or after a submit), keeping backoff. */
void gcr_runs_refresh_now(struct gcr_runs *runs);
/* One refresh, then done(data) -- for `gcrunner jobs` without --watch. */
void gcr_runs_refresh_once(struct gcr_runs *runs, gcr_backend_done_cb done, void *data);

/* Runs, newest first.  Borrowed. */
size_t gcr_runs_count(const struct gcr_runs *runs);
const struct gcr_run *gcr_runs_at(const struct gcr_runs *runs, size_t i);
/* By simulation id, job id, or a unique prefix of either; NULL otherwise. */
const struct gcr_run *gcr_runs_find(const struct gcr_runs *runs, const char *id);
void gcr_runs_health(const struct gcr_runs *runs, struct gcr_runs_health *out);

/* A run as JSON (for `jobs --json`); caller owns the reference. */
json_t *gcr_run_to_json(const struct gcr_run *run);

/* ---- actions -------------------------------------------------------------- */

/* What cancelling would cost: the money already spent (for the question). */
double gcr_runs_spent_usd(const struct gcr_run *run);

/* Cancels (before it runs) or terminates (after) the run's job; journaled
 * ("cancel_requested") first.  done once, on the loop. */
void gcr_runs_cancel(struct gcr_runs *runs, const char *sim_id, const char *reason,
		     gcr_backend_done_cb done, void *data);

/* Lists the run's result files (sizes) under its result location. */
void gcr_runs_results(struct gcr_runs *runs, const char *sim_id,
		      gcr_backend_results_cb done, void *data);

/* Downloads every result file into dir (created), each written atomically
 * (a .part file renamed when complete); progress(bytes done, total). */
void gcr_runs_download(struct gcr_runs *runs, const char *sim_id, const char *dir,
		       gcr_backend_progress_cb progress, gcr_backend_done_cb done,
		       void *data);

/* The spec of a run, for "resubmit": a new simulation from the same
 * choices goes through gcr_submit_start like any other.  false when the
 * run's spec is not known (a table-only run without spec). */
bool gcr_runs_spec(const struct gcr_runs *runs, const char *sim_id, struct gcr_spec *out);

/* ---- logs ------------------------------------------------------------------- */

struct gcr_log_follow;

/* Called with each new page of lines (array of {"t": ms, "m": text},
 * borrowed); at_end when the follower has caught up with what exists. */
typedef void (*gcr_log_lines_cb)(json_t *lines, bool at_end, void *data);

/* Reads the run's log from the start and, when follow, keeps polling for
 * new lines (every 2 s while the job runs, stopping when it is final and
 * drained; backing off on throttling).  Lines also feed the run's
 * progress.  error(data) reports a failure once (then the follower stops).
 * Caller stops with gcr_log_follow_stop (safe from inside a callback). */
struct gcr_log_follow *gcr_log_follow_start(struct gcr_runs *runs, const char *sim_id,
					    bool follow, gcr_log_lines_cb lines,
					    gcr_backend_done_cb done, void *data);
void gcr_log_follow_stop(struct gcr_log_follow *f);

/* ---- progress, exported for tests ------------------------------------------ */

/* Recognises the simulated time in a GEOS-Chem log line (Classic's
 * "---> DATE: 2019/07/01  UTC: 00:00" and GCHP's "AGCM Date: 2019/07/01
 * Time: 06:00:00").  Fills yyyymmdd and hhmm; false when the line has none. */
bool gcr_progress_parse_line(const char *line, int *yyyymmdd, int *hhmm);

/* Fraction of the spec's period covered at that simulated time (0..1). */
double gcr_progress_fraction(const struct gcr_spec *spec, int yyyymmdd, int hhmm);

/* ---- added by the engine (issue 7) -------------------------------------------------- */

/* Run i as JSON without keeping its struct gcr_run (gcr_runs_at keeps one
 * per run until the next change; `jobs --json` of 10,000 runs would hold
 * them all).  Caller owns the reference; NULL out of range. */
json_t *gcr_runs_json_at(const struct gcr_runs *runs, size_t i);

/* Run i built into *out (the caller's), keeping nothing in the model: for
 * walking every run (`gcrunner jobs`) without gcr_runs_at's ~11 KB kept
 * per run -- 10,000 runs held 110 MB that way.  false out of range. */
bool gcr_runs_copy_at(const struct gcr_runs *runs, size_t i, struct gcr_run *out);

/* Why a job waits or ended, in plain translated words, from the
 * service's state (RUNNABLE ...) and status reason
 * (CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY, MISCONFIGURATION:*, vCPU quota,
 * spot reclaim, time limit ...); "" when there is nothing to explain.
 * Backends fill gcr_run_status.explanation with it. */
const char *gcr_run_explain(const char *native_state, const char *reason);

/* True when id is a prefix of more than one run (gcr_runs_find gave NULL). */
bool gcr_runs_find_ambiguous(const struct gcr_runs *runs, const char *id);

/* ---- added by the dashboard's list ------------------------------------------------------ */

/* gcr_runs_copy_at without reading the spec back from the journal (the
 * list needs no spec; out->spec is left empty unless gcr_runs_at built
 * the run already): about 10 times faster.  false out of range. */
bool gcr_runs_copy_list_at(const struct gcr_runs *runs, size_t i, struct gcr_run *out);

#endif
