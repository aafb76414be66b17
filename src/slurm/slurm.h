/* slurm.h: Slurm's commands on top of a transport -- submit, look up,
 * cancel, and follow a job's output -- with results in plain C structs.
 *
 * Every command uses an explicit output format so that Slurm 22.05 to 24.x
 * answer alike: `sbatch --parsable`, `squeue -h -o '<fields>'` with '|'
 * between fields and the job name last (so a '|' in a name cannot shift
 * the other fields), `sacct -X -P -n -o JobID,JobName,State,ExitCode,Start,
 * End,Elapsed` (name read between the first field and the last five).
 * States are read by their leading word, so "CANCELLED by 1000" and
 * "CANCELLED+" are CANCELLED and a state a newer Slurm invents is UNKNOWN
 * with its text kept.
 *
 * For the exactly-once path: a submission is (1) the caller writes its
 * intent to the journal, (2) gcr_slurm_submit() with job name = the
 * simulationId, (3) the caller records the job id.  After a crash between
 * (1) and (3), gcr_slurm_find_by_name() finds the job that was submitted (or
 * none), so the caller adopts it instead of submitting again.  Names must
 * therefore be unique; gcr_slurm_check_job_name() says which are allowed. */
#ifndef GCR_SLURM_H
#define GCR_SLURM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"
#include "slurm/transport.h"

#define GCR_SLURM_ID_MAX 48
#define GCR_SLURM_NAME_MAX 256
#define GCR_SLURM_STATE_MAX 64

enum gcr_slurm_state {
	GCR_SLURM_UNKNOWN = 0,   /* a state this program does not know (state_raw has it) */
	GCR_SLURM_PENDING,
	GCR_SLURM_CONFIGURING,   /* nodes booting (cloud nodes on ParallelCluster) */
	GCR_SLURM_RUNNING,
	GCR_SLURM_COMPLETING,
	GCR_SLURM_SUSPENDED,
	GCR_SLURM_REQUEUED,      /* also REQUEUE_HOLD, REQUEUE_FED */
	GCR_SLURM_RESIZING,
	GCR_SLURM_STOPPED,
	GCR_SLURM_SIGNALING,
	GCR_SLURM_STAGE_OUT,
	/* Final states: */
	GCR_SLURM_COMPLETED,
	GCR_SLURM_FAILED,
	GCR_SLURM_CANCELLED,
	GCR_SLURM_TIMEOUT,
	GCR_SLURM_NODE_FAIL,
	GCR_SLURM_OUT_OF_MEMORY,
	GCR_SLURM_BOOT_FAIL,
	GCR_SLURM_DEADLINE,
	GCR_SLURM_PREEMPTED,
	GCR_SLURM_REVOKED,
	GCR_SLURM_SPECIAL_EXIT,
};

/* One job as squeue or sacct showed it.  Fields Slurm did not give are
 * empty strings, 0 times, -1 numbers. */
struct gcr_slurm_job {
	char id[GCR_SLURM_ID_MAX];          /* "1234", "1234_7" (array task), "1234+0" (het) */
	char name[GCR_SLURM_NAME_MAX];
	enum gcr_slurm_state state;
	char state_raw[GCR_SLURM_STATE_MAX];/* as printed: "CANCELLED by 0", "RUNNING" */
	char reason[128];                   /* squeue's %r: "Priority", "None", "NonZeroExitCode" */
	char partition[64];
	int nodes;                          /* -1: not known */
	long elapsed_s;                     /* run time so far, or in total; -1: not known */
	long time_limit_s;                  /* -1: not known; 0: UNLIMITED */
	time_t start;                       /* 0: not started / not known */
	time_t end;                         /* 0: not ended / not known */
	int exit_code;                      /* -1: not known */
	int exit_signal;                    /* -1: not known */
	bool from_accounting;               /* came from sacct (else squeue) */
	/* Usage (gcr_slurm_sacct_usage only), for an ended job whose record
	 * accounting has completed: */
	long long max_rss_bytes;            /* largest MaxRSS of its steps; 0: not known */
	double cpu_efficiency;              /* TotalCPU / CPUTimeRAW, 0..1; <= 0: not known */
};

struct gcr_slurm_job_list {
	struct gcr_slurm_job *jobs;
	size_t count;
	bool accounting;     /* sacct answered (false: accounting off or not asked) */
};

void gcr_slurm_job_list_free(struct gcr_slurm_job_list *list);

/* --- States and values --- */

enum gcr_slurm_state gcr_slurm_parse_state(const char *text);
/* "RUNNING", ...; "UNKNOWN" for GCR_SLURM_UNKNOWN. Not translated (Slurm's words). */
const char *gcr_slurm_state_name(enum gcr_slurm_state s);
/* True for states after which the job never runs again. */
bool gcr_slurm_state_is_final(enum gcr_slurm_state s);

/* "[D-]HH:MM:SS", "MM:SS", "M:SS", "SS", "UNLIMITED" (0), "INFINITE" (0).
 * Returns -1 for "", "N/A", "INVALID", "NOT_SET", "Partition_Limit" etc. */
long gcr_slurm_parse_duration(const char *text);
/* "2024-05-01T12:00:00" as local time (Slurm prints the cluster's local
 * time); 0 for "N/A", "Unknown", "None", "NONE", "". */
time_t gcr_slurm_parse_time(const char *text);

/* --- Parsers of the commands' output (exposed for tests) --- */

/* The squeue format gcrunner asks for (for gcr_slurm_parse_squeue). */
extern const char gcr_slurm_squeue_format[];
/* The sacct fields (for gcr_slurm_parse_sacct). */
extern const char gcr_slurm_sacct_fields[];

/* Lines of `squeue -h -o gcr_slurm_squeue_format`.  Lines that do not have
 * the fields are skipped; *skipped (may be NULL) counts them. */
enum gcr_status gcr_slurm_parse_squeue(const char *text, struct gcr_slurm_job_list *out,
				       size_t *skipped, struct gcr_error *err);
/* Lines of `sacct -X -P -n -o gcr_slurm_sacct_fields`. */
enum gcr_status gcr_slurm_parse_sacct(const char *text, struct gcr_slurm_job_list *out,
				      size_t *skipped, struct gcr_error *err);
/* The fields of the usage query (for gcr_slurm_parse_sacct_usage). */
extern const char gcr_slurm_usage_fields[];
/* Lines of `sacct -P -n -o gcr_slurm_usage_fields` (WITHOUT -X: MaxRSS is
 * only on the step rows, "1234.batch", "1234.0"; TotalCPU and CPUTimeRAW of
 * the whole job on the allocation row "1234").  One job per allocation row,
 * with its state and usage; usage only for a job whose allocation row is
 * final and whose figures are plausible (MaxRSS > 0; TotalCPU and CPUTimeRAW
 * > 0), so a record slurmdbd has not completed yet gives "not known", never
 * a made-up 0. */
enum gcr_status gcr_slurm_parse_sacct_usage(const char *text, struct gcr_slurm_job_list *out,
					    size_t *skipped, struct gcr_error *err);
/* "5324K", "1.5M", "2G", "812" (bytes) -> bytes; -1 when not a size. */
long long gcr_slurm_parse_size(const char *text);
/* TotalCPU's "[DD-[HH:]]MM:SS[.mmm]" -> seconds; -1 when not a time. */
double gcr_slurm_parse_cpu_time(const char *text);
/* `sbatch --parsable`: "1234" or "1234;cluster". */
enum gcr_status gcr_slurm_parse_sbatch(const char *text, char id[GCR_SLURM_ID_MAX],
				       struct gcr_error *err);
/* "7:0" -> 7, 0; squeue's raw wait status "1792" -> 7, 0. */
bool gcr_slurm_parse_exit_code(const char *text, int *code, int *signal);
/* ExitCode=, JobState= out of `scontrol show job -o ID` (one line). */
bool gcr_slurm_parse_scontrol_exit(const char *text, int *code, int *signal);

/* Slurm's "cmd: error: ..." lines out of stderr, joined with "; ", into buf
 * (the last line when there are none). */
void gcr_slurm_error_text(const char *err, size_t len, char *buf, size_t size);

/* --- Submitting --- */

/* A job name gcrunner can find again: 1-200 bytes, no ',' (squeue -n and
 * sacct --name split lists at commas), no control characters. */
enum gcr_status gcr_slurm_check_job_name(const char *name, struct gcr_error *err);

struct gcr_slurm_submit {
	const char *job_name;        /* required: the simulationId */
	const char *script;          /* the batch script, sent on sbatch's stdin ... */
	size_t script_len;           /* 0: strlen(script) */
	const char *script_path;     /* ... or a script already on the cluster */
	const char *workdir;         /* where sbatch runs (the job's working directory), and
					--chdir when absolute; NULL: login directory */
	const char *partition;       /* NULL or "": the cluster's default */
	const char *account;
	int nodes;                   /* 0: not given */
	int ntasks_per_node;         /* 0: not given */
	int time_limit_minutes;      /* 0: not given */
	const char *output_path;     /* --output, may hold %j; NULL: slurm-%j.out in workdir */
	const char *const *extra_args; /* more sbatch options, one per element; NULL-terminated */
};

/* Builds sbatch's argv for req (caller frees with gcr_argv_free). */
char **gcr_slurm_sbatch_argv(const struct gcr_slurm_submit *req);

typedef void (*gcr_slurm_submit_cb)(const char *job_id, const struct gcr_error *err,
				    void *data);

/* Runs sbatch.  cb gets the job id, or an error whose message is Slurm's
 * own ("sbatch: error: invalid partition specified: x").  A transport
 * failure AFTER sending (timeout, broken connection) is GCR_ERR_NETWORK or
 * GCR_ERR_CANCELLED: the job may exist -- reconcile with find_by_name. */
enum gcr_status gcr_slurm_submit(struct gcr_transport *t, const struct gcr_slurm_submit *req,
				 gcr_slurm_submit_cb cb, void *data, struct gcr_error *err);

/* --- Looking up --- */

/* cb gets the jobs (owned by the caller: free with gcr_slurm_job_list_free). */
typedef void (*gcr_slurm_jobs_cb)(struct gcr_slurm_job_list *jobs,
				  const struct gcr_error *err, void *data);

/* squeue for these job ids (all states Slurm still holds, MinJobAge).
 * Unknown ids are simply missing from the list. */
enum gcr_status gcr_slurm_squeue(struct gcr_transport *t, const char *const *ids, size_t nids,
				 gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err);

/* sacct for these ids; accounting off gives an empty list with
 * accounting=false, not an error. */
enum gcr_status gcr_slurm_sacct(struct gcr_transport *t, const char *const *ids, size_t nids,
				gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err);

/* The memory use and CPU efficiency of ended jobs (sacct without -X, see
 * gcr_slurm_parse_sacct_usage); jobs without plausible figures yet have
 * them 0 (not known).  Accounting off: an empty list, not an error. */
enum gcr_status gcr_slurm_sacct_usage(struct gcr_transport *t, const char *const *ids,
				      size_t nids, gcr_slurm_jobs_cb cb, void *data,
				      struct gcr_error *err);

/* One job, the best that is known: squeue; for a failed job also its exit
 * code (scontrol); sacct when squeue no longer has it.  A job nobody knows
 * is GCR_ERR_NOT_FOUND. */
enum gcr_status gcr_slurm_job_status(struct gcr_transport *t, const char *id,
				     gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err);

/* Jobs called name, by this user: `squeue --me -n NAME -t all`, then
 * `sacct --name NAME -S since` (since 0: 30 days ago).  Merged by job id,
 * newest first.  Empty list: no such job (then submitting is safe, provided
 * accounting is on or the intent is younger than MinJobAge). */
enum gcr_status gcr_slurm_find_by_name(struct gcr_transport *t, const char *name, time_t since,
				       gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err);

/* --- Cancelling --- */

/* scancel ID.  Cancelling a job that already ended is not an error. */
enum gcr_status gcr_slurm_cancel(struct gcr_transport *t, const char *id,
				 gcr_done_cb cb, void *data, struct gcr_error *err);

/* --- Following the output file --- */

/* A chunk of new output.  data/len: the bytes after the previous offset (may
 * be 0 bytes); offset: where the next chunk starts (store it to resume);
 * restarted: the file got shorter (rewritten), the chunk starts at 0 again.
 * err->code != GCR_OK: this poll failed (the follower keeps polling);
 * GCR_ERR_NOT_FOUND means the file does not exist yet (job pending). */
typedef void (*gcr_slurm_output_cb)(const char *data, size_t len, long long offset,
				    bool restarted, const struct gcr_error *err, void *user);

/* One read of path from offset, at most max bytes (0: 256 KiB; less over
 * SSM): for a log page (backend logs() with the offset as token).  cb runs
 * once. */
enum gcr_status gcr_slurm_read_output(struct gcr_transport *t, const char *path, long long offset,
				      size_t max, gcr_slurm_output_cb cb, void *data,
				      struct gcr_error *err);

struct gcr_slurm_follow;

/* Polls path on the cluster every interval_ms (0: 5000), from offset,
 * at most max_chunk bytes per poll (0: 256 KiB).  A poll starts only when the
 * previous one has answered; nothing blocks.  Free with gcr_slurm_follow_stop. */
enum gcr_status gcr_slurm_follow_start(struct gcr_transport *t, const char *path,
				       long long offset, unsigned interval_ms, size_t max_chunk,
				       gcr_slurm_output_cb cb, void *data,
				       struct gcr_slurm_follow **out, struct gcr_error *err);
/* One more poll now (e.g. once the job has ended, to get the tail). */
void gcr_slurm_follow_poll_now(struct gcr_slurm_follow *f);
long long gcr_slurm_follow_offset(const struct gcr_slurm_follow *f);
/* Stops polling; no callback runs afterwards.  Frees f (once libuv is done).
 * Stop followers before closing their transport. */
void gcr_slurm_follow_stop(struct gcr_slurm_follow *f);

#endif
