/* submit.h: submitting GEOS-Chem Classic runs to AWS Batch exactly once.
 *
 * One engine for both faces: `gcrunner submit` and the wizard's Submit
 * call gcr_submit_start(); `gcrunner submit --reconcile`, the start of
 * `gcrunner submit` and the TUI's start call gcr_submit_reconcile_all().
 * The Batch backend (gcr_backend_batch, backend.h) is built on the same
 * functions.
 *
 * The steps of a submission, each written to the journal (journal.h)
 * BEFORE the next one acts:
 *
 *   identity   STS GetCallerIdentity, when no user id is configured
 *   budget     Users GetItem (quotaLimit/quotaUsed) and the local budget
 *   intent     journal: spec (spec.yaml text), estimate, plan, record
 *   record     Simulations PutItem, status SUBMITTING, if it does not exist
 *   upload     the run bundle to s3://BUCKET/USER/configurations/SIM/
 *   jobdef     an ACTIVE revision of geos-chem-classic-ARCH that matches, or
 *              a new one
 *   submitting journal: "about to send SubmitJob"
 *   SubmitJob  jobName = the simulation id; sent once (throttling retried)
 *   submitted  journal: the job id
 *   recorded   Simulations UpdateItem jobId, status SUBMITTED
 *   quota      Users UpdateItem ADD quotaUsed (once per simulation)
 *
 * A lost SubmitJob answer (timeout, dropped connection, 5xx) is never
 * answered with a blind resubmit: the job is looked up by its unique name
 * (ListJobs, JOB_NAME filter, all statuses) after the listing has had
 * time to settle (batch.reconcile_settle_seconds).  Only when no job of
 * that name exists, and only while holding the simulation's lock, is it
 * sent again.  A program killed at any step leaves a journal from which
 * the next start finishes the submission the same way.  When DynamoDB
 * cannot be reached the journal keeps the record (record_pending) and the
 * next start writes it.
 *
 * Journal events of a Batch submission (fields merge into the state):
 *   intent        target "batch", spec_yaml, spec (summary), estimate,
 *                 plan {region,user_id,bucket,queue,job_definition,image,
 *                 job_role_arn,log_group,table_users,table_simulations,
 *                 input_bucket,arch,instance_type,vcpus,memory_mib,
 *                 timeout_s,...}, item (the Simulations item), over_budget,
 *                 budget_note, quota_tracked, record_pending true
 *   record        record_pending false (the record exists)
 *   record_pending record_pending true, record_error
 *   uploaded      bundle_uri
 *   jobdef        job_definition_arn
 *   submitting    submitting_at (epoch seconds)
 *   outcome_unknown  unknown_reason
 *   submitted     job_id, job_arn, reconciled (found by name)
 *   record_synced record_pending false, record_status "SUBMITTED"
 *   quota_charged quota_pending false
 *   failed        closed true, error: nothing was submitted
 *   abandoned     closed true, error: the intent was too old to resume
 *   cancel_requested  cancel_reason
 */
#ifndef GCR_SUBMIT_H
#define GCR_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>
#include <uv.h>

#include "backend.h"
#include "error.h"

/* The Batch backend (backend.h). */
extern const struct gcr_backend_ops gcr_backend_batch;

/* Test hook, for the kill-at-each-step test only: when the environment
 * variable of this name equals a step's name ("intent", "record",
 * "upload-1", "uploaded", "jobdef", "submitting", "answered", "submitted",
 * "recorded"), the process kills itself with SIGKILL right there. */
#define GCR_SUBMIT_TEST_KILL_ENV "GCRUNNER_TEST_KILL_AT"

/* What a submission ended with.  Valid during the done callback. */
struct gcr_submit_outcome {
	enum gcr_status status;
	struct gcr_error err;            /* when status != GCR_OK */
	char sim_id[64];
	char job_id[128];                /* "" when no job is known */
	char instance_type[32];
	char bundle_uri[1024];           /* s3://BUCKET/USER/configurations/SIM/ */
	char results_uri[1024];          /* s3://BUCKET/USER/results/JOBID/ */
	double cost_usd, cost_high_usd;  /* central and upper estimate */
	long timeout_s;                  /* the job's attemptDurationSeconds */
	bool dry_run;
	json_t *requests;                /* dry run: [{method,url,headers,body}], borrowed */
	bool over_budget;                /* the run goes over the budget or quota */
	bool needs_confirmation;         /* ... and it was not allowed: nothing was sent */
	char budget_note[512];           /* translated: which limit, by how much */
	bool record_pending;             /* DynamoDB not written yet; the next start does */
	bool reconciled;                 /* the job was found by its name, not by an answer */
	bool resubmitted;                /* reconcile found no job and submitted it */
	bool skipped;                    /* reconcile: another process is on it */
	bool abandoned;                  /* reconcile: too old to resume, closed */
	json_t *warnings;                /* array of translated strings, borrowed */
};

typedef void (*gcr_submit_done_cb)(const struct gcr_submit_outcome *out, void *data);

struct gcr_submit;

/* Starts submitting req->spec (a Classic spec; defaults are applied and it
 * is validated again here, so a bad spec fails before anything is sent).
 * req->sim_id NULL: a new id.  req->cost_* 0: estimated here from
 * env->catalog for the spec's instance type (the cheapest recommended one
 * when the spec names none).  req->dry_run: nothing is sent or written;
 * out->requests lists what would be.  progress (may be NULL; falls back to
 * req->progress) and done get data.  done runs exactly once, later, on
 * env->loop.  env is copied; what it points to must outlive the call.
 * Returns a handle for gcr_submit_cancel, valid until done has run. */
struct gcr_submit *gcr_submit_start(const struct gcr_backend_env *env,
				    const struct gcr_submit_request *req,
				    gcr_backend_progress_cb progress,
				    gcr_submit_done_cb done, void *data);

/* Stops a submission: done runs (before this returns) with
 * GCR_ERR_CANCELLED, and nothing else is reported.  What the journal holds
 * is finished by the next start's reconcile (as after a kill). */
void gcr_submit_cancel(struct gcr_submit *s);

/* Settles one journal entry (the backend's reconcile): finds the job of an
 * intent without a job id by name, finishes the submission when there is
 * none, writes pending DynamoDB records.  done as for gcr_submit_start. */
struct gcr_submit *gcr_submit_reconcile(const struct gcr_backend_env *env, const char *sim_id,
					gcr_backend_progress_cb progress,
					gcr_submit_done_cb done, void *data);

/* Whether a journal state (gcr_journal_get) needs reconciling: a Batch
 * intent without a job id that is not closed, or a record or quota charge
 * that did not reach DynamoDB. */
bool gcr_submit_needs_reconcile(json_t *state);
/* How many entries of the journal need it (for a status line). */
size_t gcr_submit_pending_count(struct gcr_journal *journal);

/* Reconciles every entry that needs it, one after the other.  each (may
 * be NULL) is called per entry; done once at the end with the first hard
 * error (entries another process holds are skipped, not errors). */
void gcr_submit_reconcile_all(const struct gcr_backend_env *env,
			      gcr_submit_done_cb each, gcr_backend_done_cb done, void *data);

/* For a backend's submit and reconcile ops built on a submission engine
 * (Batch, Slurm, ParallelCluster): gcr_submit_backend_adapter(cb, data)
 * is the data to pass with gcr_submit_outcome_to_backend as the engine's
 * done callback; it reports the outcome to cb once and frees itself. */
void *gcr_submit_backend_adapter(gcr_backend_submit_cb cb, void *data);
void gcr_submit_outcome_to_backend(const struct gcr_submit_outcome *out, void *adapter);

/* The choices of a spec as the journal's intent keeps them ("spec": model,
 * simulation, grid, period, instance type, nodes, ...), for the dashboard's
 * summary, progress and resubmit.  New reference. */
json_t *gcr_submit_spec_summary(const struct gcr_spec *sp);

/* Prints a dry run's requests for people: "METHOD URL", the headers, the
 * body, and a "# note" line where the body or a value is decided later. */
void gcr_submit_print_requests(FILE *out, json_t *requests);

/* ---- the environment for the command line ------------------------------------- */

/* Everything a command needs to talk to Batch: the settings (config.yaml),
 * the journal, the catalog, a loop and (after gcr_submit_env_connect) an
 * AWS client. */
struct gcr_submit_env {
	uv_loop_t loop;
	struct gcr_backend_env env;      /* points into this struct */
	char *settings_path;
};

/* Loads the settings, the catalog and the journal.  Caller frees with
 * gcr_submit_env_close; on failure *out is NULL. */
enum gcr_status gcr_submit_env_open(struct gcr_submit_env **out, struct gcr_error *err);

/* Makes the AWS client.  The region is, in order: region (--region or the
 * spec's), the settings' aws.region, the AWS configuration's; the profile:
 * profile, the settings' aws.profile, the AWS configuration's default. */
enum gcr_status gcr_submit_env_connect(struct gcr_submit_env *e, const char *profile,
				       const char *region, struct gcr_error *err);

/* Runs the loop until *done. */
void gcr_submit_env_run(struct gcr_submit_env *e, const int *done);

/* Frees the client (letting its handles close on the loop), the journal,
 * the settings and the catalog. */
void gcr_submit_env_close(struct gcr_submit_env *e);

/* Linking the engine links the Batch backend (backend.c only refers to it
 * weakly, so a static library would leave it out otherwise). */
extern const struct gcr_backend_ops *const gcr_submit_backend;

#endif
