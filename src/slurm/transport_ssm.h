/* transport_ssm.h: the SSM Run Command transport (see transport_ssm.c) --
 * Slurm commands on a ParallelCluster head node through AWS Systems
 * Manager, with the AWS client of src/aws/. */
#ifndef GCR_TRANSPORT_SSM_H
#define GCR_TRANSPORT_SSM_H

#include <stdbool.h>

#include "slurm/transport.h"

struct gcr_aws;

struct gcr_ssm_options {
	struct gcr_aws *aws;        /* required; borrowed, must outlive the transport */
	const char *instance_id;    /* the head node: i-... (or mi-... for a managed instance) */
	const char *user;           /* commands run as `runuser -l USER`; NULL/"": as root */
	unsigned poll_ms;           /* first GetCommandInvocation interval after the first
				       answer; 0: 1000 (it grows to 5 s for long commands) */
};

enum gcr_status gcr_transport_ssm_new(uv_loop_t *loop, const struct gcr_ssm_options *opts,
				      struct gcr_transport **out, struct gcr_error *err);

/* The one AWS-RunShellScript line that runs req as user (for tests and
 * --dry-run).  Caller frees. */
char *gcr_transport_ssm_script(const char *user, const struct gcr_run_request *req);

/* i-<8 or 17 hex digits>, or mi-<...> for a managed instance. */
bool gcr_ssm_instance_id_valid(const char *id);

#endif
