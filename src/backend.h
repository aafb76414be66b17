/* backend.h: one interface for the places a run can go -- AWS Batch,
 * AWS ParallelCluster and any Slurm cluster -- in the style of htop's
 * classes: each backend is a `const struct gcr_backend_ops` (batch, slurm,
 * pcluster) and everything above it (submit command, wizard, dashboard,
 * `gcrunner jobs/logs/cancel/results`) calls through this table only.
 *
 * Every operation is asynchronous on the program's libuv loop and reports
 * once through its callback; none blocks.  The journal (journal.h) is the
 * local truth: submit() writes the intent before acting and the job id right
 * after; reconcile() settles a journal entry whose outcome is unknown (the
 * program died, or the answer was lost) by looking the job up by its unique
 * name (= the simulation id) instead of submitting again.
 *
 * Implementations may extend these structs compatibly (add fields at the
 * end); callers zero-initialise them. */
#ifndef GCR_BACKEND_H
#define GCR_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "error.h"
#include "spec.h"

struct gcr_aws;
struct gcr_catalog;
struct gcr_journal;
struct gcr_settings;

/* What backends need from the program; all borrowed, any may be NULL when
 * not available (no AWS credentials, no configuration): an operation that
 * needs a missing part fails with a message saying how to set it up. */
struct gcr_backend_env {
	uv_loop_t *loop;
	struct gcr_aws *aws;
	struct gcr_settings *settings;
	struct gcr_journal *journal;
	const struct gcr_catalog *catalog;
	/* Slurm/ParallelCluster: the cluster settings the run was submitted
	 * with (its journal entry's "cluster" object as compact JSON), so a run
	 * stays reachable after the settings name another cluster; NULL: the
	 * entry's own when the call names a simulation, else the settings'. */
	const char *cluster_json;
};

/* Where a run is, in words every backend maps onto. */
enum gcr_run_state {
	GCR_RUN_UNKNOWN = 0,
	GCR_RUN_INTENT,      /* journal says we meant to submit; no job id yet */
	GCR_RUN_QUEUED,      /* SUBMITTED/PENDING/RUNNABLE; Slurm PENDING */
	GCR_RUN_STARTING,    /* STARTING; Slurm CONFIGURING (nodes booting) */
	GCR_RUN_RUNNING,
	GCR_RUN_SUCCEEDED,
	GCR_RUN_FAILED,
	GCR_RUN_CANCELLED,
};

bool gcr_run_state_is_final(enum gcr_run_state s);
const char *gcr_run_state_id(enum gcr_run_state s);   /* "queued", ... */
const char *gcr_run_state_label(enum gcr_run_state s); /* translated */

/* One attempt (Batch retries a spot interruption as a new attempt). */
struct gcr_run_attempt {
	int64_t started_ms, stopped_ms;   /* epoch ms; 0 = not known */
	int exit_code;                    /* -1 = not known */
	char reason[256];                 /* status reason of the attempt */
	char log_stream[256];
};

/* The live state of one job as the backend saw it. */
struct gcr_run_status {
	char job_id[128];
	enum gcr_run_state state;
	char native_state[48];            /* RUNNABLE, PENDING, "CANCELLED by 0" */
	char reason[512];                 /* the service's own words (statusReason) */
	char explanation[512];            /* plain, translated: why it waits, what to do */
	int64_t created_ms, started_ms, stopped_ms;
	int exit_code;                    /* -1 = not known */
	int nattempts;
	struct gcr_run_attempt attempts[10];
	char log_group[256];              /* Batch: from the job's log configuration */
	char log_stream[256];             /* Batch: container.logStreamName */
	char output_path[512];            /* Slurm: the job's output file */
	/* Slurm/ParallelCluster, for an ended job once accounting (sacct)
	 * has its record; Batch reports neither. */
	int64_t max_rss_bytes;            /* largest resident memory of a step; 0 = not known */
	double cpu_efficiency;            /* CPU time used / allocated, 0..1; <= 0 = not known */
};

/* A page of log lines.  lines: array of strings; next: the token to pass
 * next time (Logs' nextForwardToken, or a byte offset for Slurm files); at
 * the end of what exists now, next equals the token passed in. */
struct gcr_log_page {
	json_t *lines;                    /* array of {"t": ms, "m": text} */
	char next[1024];
};

/* One result file. */
struct gcr_result_file {
	char key[1024];                   /* path under the run's result location */
	uint64_t size;
};

typedef void (*gcr_backend_submit_cb)(enum gcr_status st, const struct gcr_error *err,
				      const char *sim_id, const char *job_id, void *data);
typedef void (*gcr_backend_status_cb)(enum gcr_status st, const struct gcr_error *err,
				      const struct gcr_run_status *statuses, size_t n,
				      void *data);
typedef void (*gcr_backend_done_cb)(enum gcr_status st, const struct gcr_error *err,
				    void *data);
typedef void (*gcr_backend_logs_cb)(enum gcr_status st, const struct gcr_error *err,
				    const struct gcr_log_page *page, void *data);
typedef void (*gcr_backend_results_cb)(enum gcr_status st, const struct gcr_error *err,
				       const struct gcr_result_file *files, size_t n,
				       const char *location, void *data);
/* Human progress for long steps ("uploading 3 of 7 files", bytes). */
typedef void (*gcr_backend_progress_cb)(const char *what, uint64_t done, uint64_t total,
					void *data);

struct gcr_submit_request {
	struct gcr_spec spec;
	const char *sim_id;               /* from gcr_simulation_id_new */
	double cost_estimate_usd;         /* for the record and budget check */
	double cost_high_usd;             /* the estimate's upper bound */
	double wall_hours_high;           /* for the job's timeout */
	bool dry_run;                     /* print/return the requests, send nothing */
	bool allow_over_budget;           /* the user confirmed going over */
	gcr_backend_progress_cb progress;
	void *progress_data;
};

struct gcr_backend_ops {
	const char *name;                 /* "batch", "slurm", "pcluster" */
	/* Exactly once: journal intent, act, journal the job id. */
	void (*submit)(struct gcr_backend_env *env, const struct gcr_submit_request *req,
		       gcr_backend_submit_cb cb, void *data);
	/* For a journal entry with an intent but no job id: find the job by
	 * name; records it (or marks the intent abandoned) in the journal. */
	void (*reconcile)(struct gcr_backend_env *env, const char *sim_id,
			  gcr_backend_submit_cb cb, void *data);
	/* Live state of many jobs (the backend batches: Batch 100 per call). */
	void (*refresh)(struct gcr_backend_env *env, const char *const *job_ids, size_t n,
			gcr_backend_status_cb cb, void *data);
	/* Cancel before it runs, terminate after. */
	void (*cancel)(struct gcr_backend_env *env, const char *sim_id, const char *job_id,
		       const char *reason, gcr_backend_done_cb cb, void *data);
	/* One page of the job's log from token (NULL or "" = from the start). */
	void (*logs)(struct gcr_backend_env *env, const struct gcr_run_status *job,
		     const char *token, gcr_backend_logs_cb cb, void *data);
	/* The run's result files. */
	void (*results)(struct gcr_backend_env *env, const char *sim_id, const char *job_id,
			gcr_backend_results_cb cb, void *data);
};

/* The backend for a target (batch, pcluster, slurm), or NULL when that
 * backend is not built in yet. */
const struct gcr_backend_ops *gcr_backend_for(enum gcr_target target);

#endif
