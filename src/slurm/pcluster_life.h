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

#endif
