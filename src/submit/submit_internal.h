/* submit_internal.h: what the files of src/submit/ share -- the plan of a
 * submission (everything resolved from the settings, the spec and the
 * estimate, and kept in the journal so a resumed submission sends the same
 * requests), the request builders, the DynamoDB records and the job
 * definition lookup. */
#ifndef GCR_SUBMIT_INTERNAL_H
#define GCR_SUBMIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "aws/client.h"
#include "error.h"
#include "spec.h"

struct gcr_settings;
struct gcr_catalog;

/* Defaults of the configuration keys (doc/gcrunner.1, CONFIGURATION). */
#define SUBMIT_DEFAULT_LOG_GROUP "/aws/batch/job"
#define SUBMIT_DEFAULT_USERS_TABLE "Users"
#define SUBMIT_DEFAULT_SIMULATIONS_TABLE "Simulations"
#define SUBMIT_DEFAULT_PROJECT "gcrunner"
#define SUBMIT_DEFAULT_SETTLE_S 60.0   /* the AWS client's attempt timeout */
#define SUBMIT_DEFAULT_RESUME_MAX_H 24.0
#define SUBMIT_CONFIG_FILE "gcrunner-run.sh"

/* The job's timeout: this factor times the estimate's upper wall time, plus
 * a fixed allowance for start-up and the input download, at least 1 hour. */
#define SUBMIT_TIMEOUT_FACTOR 1.5
#define SUBMIT_TIMEOUT_EXTRA_S 3600
#define SUBMIT_TIMEOUT_MIN_S 3600

/* Everything the requests of one submission are made of. */
struct submit_plan {
	char sim_id[64];
	char region[64];
	char user_id[256];            /* "" until known (STS) */
	char bucket[256];
	char queue[256];
	char job_definition[129];     /* the name, e.g. geos-chem-classic-arm64 */
	char image[512];
	char job_role_arn[512];
	char log_group[512];
	char table_users[256];
	char table_simulations[256];
	char input_bucket[512];       /* data.input_bucket, "" = the bundle's default */
	char project[128];
	char arch[16];                /* arm64 | x86_64 */
	char instance_type[GCR_ID_MAX];
	int physical_cores;
	int vcpus;
	bool efa;
	long memory_mib;
	long timeout_s;
	bool spot;
	double cost_usd, cost_low_usd, cost_high_usd;
	double wall_hours, wall_hours_high;
	char created_at[32];          /* RFC 3339, the record's createdAt */
	/* The record's resultLocation; "" = s3://BUCKET/USER/results/JOBID/
	 * (Batch).  Slurm runs: where the run directory is on the cluster. */
	char result_location[1024];
};

/* ---- plan.c ----------------------------------------------------------------- */

/* Reads the configuration keys for arch into plan (region, user id, bucket,
 * queue, image, role, log group, tables, input bucket, project).  A missing
 * required key is GCR_ERR_NOT_FOUND with a message naming the key, the file
 * and `gcrunner setup`. */
enum gcr_status submit_plan_configure(struct submit_plan *plan,
				      const struct gcr_settings *cfg,
				      const char *settings_path, struct gcr_error *err);

/* The memory a job may ask for on an instance with memory_gib: what is left
 * after the ECS agent's and the system's share (7 %, at least 2 GiB),
 * rounded down to 128 MiB. */
long submit_memory_mib(double memory_gib);
/* attemptDurationSeconds for an upper wall-time estimate. */
long submit_timeout_s(double wall_hours_high);
/* The S3 user prefix for an STS identity: "<account>-<user or role name>",
 * with anything but [A-Za-z0-9._-] turned into '-' (caller frees). */
char *submit_user_id_from_identity(const char *account, const char *arn);

json_t *submit_plan_to_json(const struct submit_plan *plan);
/* Reads what submit_plan_to_json wrote; GCR_ERR_INVALID if a field is missing. */
enum gcr_status submit_plan_from_json(json_t *j, struct submit_plan *plan,
				      struct gcr_error *err);

/* Key prefixes (caller frees): "USER/configurations/SIM/", "USER/results/". */
char *submit_config_prefix(const struct submit_plan *plan);
char *submit_results_prefix(const struct submit_plan *plan);

/* The requests (new references). */
json_t *submit_jobdef_input(const struct submit_plan *plan);
json_t *submit_job_input(const struct submit_plan *plan, const char *job_definition_arn);
/* The Simulations item as first written (status SUBMITTING). */
json_t *submit_record_item(const struct submit_plan *plan, const struct gcr_spec *spec,
			   bool over_budget, const char *budget_note);
json_t *submit_record_put_input(const struct submit_plan *plan, json_t *item);
json_t *submit_record_update_input(const struct submit_plan *plan, const char *job_id,
				   const char *status);
json_t *submit_users_get_input(const struct submit_plan *plan);
json_t *submit_quota_charge_input(const struct submit_plan *plan);

/* A DynamoDB number attribute from a double ({"N": "12.34"}). */
json_t *submit_ddb_number(double v);
/* A number attribute as a double; returns false when absent. */
bool submit_ddb_get_number(json_t *item, const char *name, double *out);

/* Whether an ACTIVE job definition (DescribeJobDefinitions item) is what
 * plan would register: image, vCPUs, memory, command, volumes, mount
 * points, log configuration and job role. */
bool submit_jobdef_matches(json_t *have, const struct submit_plan *plan);

/* ---- dry run: the requests as they would be sent ------------------------------ */

/* Appends {method, url, headers, body} for a JSON call (service short
 * name, operation, input borrowed) to list.  aws resolves the URL. */
void submit_dry_json(json_t *list, struct gcr_aws *aws, const char *region,
		     const char *service, const char *operation, json_t *input,
		     const char *note);
/* The same for an S3 PutObject of a bundle file. */
void submit_dry_put(json_t *list, struct gcr_aws *aws, const char *region, const char *bucket,
		    const char *key, const char *content, size_t len, const char *content_type);
/* (declared in submit.h) */
void gcr_submit_print_requests(FILE *out, json_t *list);

/* ---- jobdef.c ------------------------------------------------------------------ */

/* arn: the matching or new revision's ARN (borrowed for the callback). */
typedef void (*submit_jobdef_cb)(enum gcr_status st, const struct gcr_error *err,
				 const char *arn, bool registered, void *data);
/* Looks up the ACTIVE revisions of plan->job_definition; uses one that
 * matches, else registers a new revision (after an unknown outcome it looks
 * again before registering twice). */
void submit_jobdef_ensure(struct gcr_aws *aws, const struct submit_plan *plan,
			  submit_jobdef_cb cb, void *data);

/* ---- the Users table and the local budget ------------------------------------- */

struct submit_budget {
	bool quota_known;             /* a Users item with quotaLimit exists */
	bool quota_tracked;           /* a Users item exists: charge it */
	double quota_limit, quota_used;
	bool budget_known;            /* budget.limit_usd is set */
	double budget_limit, budget_used;  /* this month, from the journal */
	bool over;
	char note[512];
};

/* ---- submit.c: the per-simulation lock (Batch and the cluster backends) ------- */

/* Takes STATE/locks/SIM.lock (flock, non-blocking): *busy when another
 * process holds it.  *path (freed and replaced) and *fd are the caller's. */
enum gcr_status submit_sim_lock(const char *sim_id, int *fd, char **path, bool *busy,
				struct gcr_error *err);
/* Releases it (unlinks the file when the entry is settled); *fd becomes -1. */
void submit_sim_unlock(int *fd, const char *path, bool settled);
/* The kill-at-a-step test hook (GCR_SUBMIT_TEST_KILL_ENV). */
void submit_kill_point(const char *step);
/* Now as RFC 3339 UTC ("2026-01-02T03:04:05Z"), the records' timestamps. */
void submit_rfc3339_now(char out[32]);

/* ---- records.c: DynamoDB --------------------------------------------------------- */

/* st GCR_OK or the call's error; item: GetItem's item (NULL when none). */
typedef void (*submit_ddb_cb)(enum gcr_status st, const struct gcr_error *err, json_t *item,
			      void *data);

/* Creates the Simulations record; one that exists already (our own earlier
 * attempt) counts as created. */
void submit_record_create(struct gcr_aws *aws, const struct submit_plan *plan, json_t *item,
			  submit_ddb_cb cb, void *data);
/* Records the job id and status SUBMITTED: UpdateItem; when the record is
 * missing (its creation never reached DynamoDB), PutItem of item with the
 * job; a record that has moved on (RUNNING ...) is left as it is. */
void submit_record_submitted(struct gcr_aws *aws, const struct submit_plan *plan, json_t *item,
			     const char *job_id, const char *submitted_at, submit_ddb_cb cb,
			     void *data);
/* Closes a record still SUBMITTING with status (SUBMIT_FAILED, ...). */
void submit_record_close(struct gcr_aws *aws, const struct submit_plan *plan, const char *status,
			 const char *reason, submit_ddb_cb cb, void *data);
/* The user's Users item (NULL when there is none). */
void submit_users_get(struct gcr_aws *aws, const struct submit_plan *plan, submit_ddb_cb cb,
		      void *data);
/* Adds the central estimate to quotaUsed, once per simulation. */
void submit_quota_charge(struct gcr_aws *aws, const struct submit_plan *plan, submit_ddb_cb cb,
			 void *data);

struct gcr_journal;
/* The central estimates of this month's (UTC) Batch submissions in the
 * journal that were not closed, except `except` (may be NULL). */
double submit_budget_used_this_month(struct gcr_journal *j, const char *except);
/* Fills over/note from the figures and the run's upper cost. */
void submit_budget_decide(struct submit_budget *b, double cost_high_usd);

#endif
