/* pcluster_life.h: an AWS ParallelCluster cluster's life -- create,
 * describe, delete -- through the ParallelCluster API when its URL is
 * configured (API Gateway with IAM auth: SigV4 as execute-api, GET|POST
 * /v3/clusters, GET|DELETE /v3/clusters/NAME, ?region=), otherwise through
 * the user's own `pcluster` command (run with uv_spawn as an argv vector;
 * its JSON output parsed).  Both answer in the API's JSON shapes, read
 * here into struct gcr_pcluster_info.
 *
 * Settings (the pcluster section of config.yaml):
 *   pcluster.api_url    the API's invoke URL (https://ID.execute-api.R.amazonaws.com/prod)
 *   pcluster.region     the cluster's region (else the AWS client's)
 *   pcluster.program    the pcluster command (default "pcluster" from PATH)
 *   pcluster.name       the cluster gcrunner uses (saved by create/status)
 *   pcluster.head_node_instance_id  saved once the cluster is CREATE_COMPLETE
 *   pcluster.head_node_type, pcluster.fsx_gib   for the running cost
 *   pcluster.poll_seconds  how often create/delete progress is asked (30) */
#ifndef GCR_PCLUSTER_LIFE_H
#define GCR_PCLUSTER_LIFE_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "error.h"

struct gcr_aws;
struct gcr_catalog;
struct gcr_journal;
struct gcr_settings;

struct gcr_pcluster_info {
	char name[64];
	char region[32];
	char status[40];           /* clusterStatus: CREATE_IN_PROGRESS, CREATE_COMPLETE, ... */
	char stack_status[48];     /* CloudFormation's */
	char fleet_status[32];     /* computeFleetStatus */
	char version[24];          /* ParallelCluster's */
	char head_instance_id[32]; /* "" until the head node runs */
	char head_instance_type[32];
	char head_state[24];
	char head_private_ip[48];
	time_t created;            /* 0: not known */
	char failure[512];         /* failures[].failureReason, joined */
};

/* How to reach ParallelCluster. */
struct gcr_pcluster_client {
	uv_loop_t *loop;
	struct gcr_aws *aws;       /* API: signs the calls (borrowed) */
	char api_url[512];         /* "": use the pcluster command */
	char region[32];
	char program[256];         /* the pcluster command */
};

/* Fills c from the settings (api_url, region, program); aws may be NULL for
 * the command path.  The API without aws is GCR_ERR_AUTH. */
enum gcr_status gcr_pcluster_client_init(struct gcr_pcluster_client *c, uv_loop_t *loop,
					 struct gcr_aws *aws, const struct gcr_settings *s,
					 const char *region, struct gcr_error *err);

/* "API https://..." or "pcluster command": for messages. */
const char *gcr_pcluster_client_describe(const struct gcr_pcluster_client *c);

/* info is NULL on failure; a cluster that does not exist is
 * GCR_ERR_NOT_FOUND (describe, delete). */
typedef void (*gcr_pcluster_cb)(enum gcr_status st, const struct gcr_error *err,
				const struct gcr_pcluster_info *info, void *data);

/* DescribeCluster. */
void gcr_pcluster_describe(const struct gcr_pcluster_client *c, const char *name,
			   gcr_pcluster_cb cb, void *data);
/* CreateCluster with the configuration's YAML text.  An existing name is
 * GCR_ERR_CONFLICT. */
void gcr_pcluster_create(const struct gcr_pcluster_client *c, const char *name,
			 const char *config_yaml, gcr_pcluster_cb cb, void *data);
/* DeleteCluster. */
void gcr_pcluster_delete(const struct gcr_pcluster_client *c, const char *name,
			 gcr_pcluster_cb cb, void *data);

/* Reads an API answer (DescribeCluster's object, or {"cluster": summary})
 * into info.  Exposed for tests. */
void gcr_pcluster_info_from_json(json_t *j, struct gcr_pcluster_info *info);

/* A cluster name ParallelCluster accepts: a letter, then letters, digits
 * and '-', 5 to 60 characters in all (the API's pattern). */
enum gcr_status gcr_pcluster_check_name(const char *name, struct gcr_error *err);

/* Whether a clusterStatus is still changing (..._IN_PROGRESS). */
bool gcr_pcluster_status_in_progress(const char *status);

/* CREATE_COMPLETE or UPDATE_COMPLETE: a cluster that takes jobs. */
bool gcr_pcluster_status_ready(const char *status);

/* ---- what a cluster that stays up costs, and who uses it ---------------------------------- */

/* FSx for Lustre SCRATCH_2 in us-east-1, per GiB-month (aws.md's region),
 * and the hours AWS bills a month as. */
#define GCR_PCLUSTER_FSX_USD_GIB_MONTH 0.140
#define GCR_PCLUSTER_HOURS_PER_MONTH 730.0

struct gcr_pcluster_cost {
	char head_type[32];        /* the head node's instance type ("" unknown) */
	double head_hour;          /* its on-demand price; -1 unknown */
	bool head_derived;         /* scaled from a type of its family the catalog lists */
	double fsx_gib;            /* pcluster.fsx_gib; 0 unknown */
	double fsx_hour;           /* 0 when no FSx size is known */
	double total_hour;         /* head + FSx; -1 when the head's price is unknown */
};

/* The hourly cost of a cluster that stays up with no job: the head node
 * (info's type, else pcluster.head_node_type) at its on-demand price in
 * region, plus FSx for Lustre when pcluster.fsx_gib is known.  Compute
 * nodes scale to 0 and cost nothing while idle.  info and cat may be NULL. */
double gcr_pcluster_running_cost(const struct gcr_catalog *cat, const struct gcr_settings *s,
				 const struct gcr_pcluster_info *info, const char *region,
				 struct gcr_pcluster_cost *out);

/* gcrunner runs on cluster_name (target pcluster, cluster_name that name or
 * none) that have not ended by the journal: no "closed", no "end_state"
 * (the dashboard journals a run's end; until then it counts as active). */
size_t gcr_pcluster_active_runs(const struct gcr_journal *j, const char *cluster_name);

/* The same count in the thread pool, from a journal of its own opened at
 * journal_path (NULL: the default one): a journal of 10,000 runs takes
 * hundreds of milliseconds to read through, which the loop must not wait
 * for.  cb runs on the loop with the count (GCR_OK) or the error (its
 * message).  The handle is valid until cb ran or
 * gcr_pcluster_active_runs_cancel (then no cb; the work ends on its own). */
struct gcr_pcluster_count;
typedef void (*gcr_pcluster_count_cb)(enum gcr_status st, size_t active, const char *why,
				      void *data);
struct gcr_pcluster_count *gcr_pcluster_active_runs_async(uv_loop_t *loop,
							  const char *journal_path,
							  const char *cluster_name,
							  gcr_pcluster_count_cb cb, void *data);
void gcr_pcluster_active_runs_cancel(struct gcr_pcluster_count *c);

/* Forgets the head node of the saved cluster (pcluster.name == name) and
 * saves the settings to path, so nothing is submitted to a cluster being
 * deleted.  GCR_OK when name is not the saved cluster. */
enum gcr_status gcr_pcluster_forget_head(struct gcr_settings *s, const char *path,
					 const char *name, struct gcr_error *err);

/* ---- a watcher: the cluster's status kept current on the loop ------------------------------- */

/* How often a watcher asks while a status is ..._IN_PROGRESS (at most;
 * pcluster.poll_seconds when that is shorter). */
#define GCR_PCLUSTER_WATCH_BUSY_S 10.0

struct gcr_pcluster_watch;

/* Each answer of DescribeCluster: info on GCR_OK; GCR_ERR_NOT_FOUND when the
 * cluster does not exist (any more); another status with err otherwise
 * (tried again at the next tick). */
typedef void (*gcr_pcluster_watch_cb)(enum gcr_status st, const struct gcr_error *err,
				      const struct gcr_pcluster_info *info, void *data);

/* Describes name at once, then every every_s seconds (every
 * min(every_s, GCR_PCLUSTER_WATCH_BUSY_S) while the last status was
 * ..._IN_PROGRESS).  One describe in flight at a time; nothing blocks the
 * loop.  c is copied (its aws stays borrowed and must outlive the watcher,
 * or be freed first: its calls then end as cancelled).  Stop with
 * gcr_pcluster_watch_stop. */
struct gcr_pcluster_watch *gcr_pcluster_watch_start(const struct gcr_pcluster_client *c,
						    const char *name, double every_s,
						    gcr_pcluster_watch_cb cb, void *data);
/* The pause before the next describe: every_s (30 when not > 0), at most
 * GCR_PCLUSTER_WATCH_BUSY_S while in progress, never under 0.05 s. */
double gcr_pcluster_watch_interval_s(double every_s, bool in_progress);
/* Asks again now (after a delete was sent), or as soon as the describe in
 * flight has answered. */
void gcr_pcluster_watch_now(struct gcr_pcluster_watch *w);
/* No callback after this; the watcher frees itself once its timer closed
 * and its describe (if any) answered.  Safe from the callback; NULL ok. */
void gcr_pcluster_watch_stop(struct gcr_pcluster_watch *w);

#endif
