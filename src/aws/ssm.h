/* ssm.h: SSM Run Command (json 1.1): run a shell command on an instance
 * (the ParallelCluster head node) without SSH, then read its output. */
#ifndef GCR_AWS_SSM_H
#define GCR_AWS_SSM_H

#include "aws/client.h"

/* command_id is borrowed for the callback; NULL on failure. */
typedef void (*gcr_ssm_command_cb)(enum gcr_status st, const struct gcr_error *err,
				   const char *command_id, void *data);

/* SendCommand with AWS-RunShellScript: runs the lines of commands on one
 * instance.  Not idempotent: never repeated after a timeout (an "outcome
 * unknown" error comes back instead). */
struct gcr_aws_call *gcr_ssm_send_command(struct gcr_aws *aws, const char *instance_id,
					  const char *const *commands, size_t n,
					  const char *comment, int timeout_seconds,
					  gcr_ssm_command_cb cb, void *data);

struct gcr_ssm_invocation {
	const char *status;          /* Pending, InProgress, Success, Failed, ... */
	const char *status_details;
	const char *standard_output; /* up to 24 000 characters (SSM's limit) */
	const char *standard_error;
	int response_code;           /* exit status; -1 while running */
};

/* inv is borrowed for the callback.  Right after SendCommand the service
 * may answer InvocationDoesNotExist (GCR_ERR_NOT_FOUND): ask again later. */
typedef void (*gcr_ssm_invocation_cb)(enum gcr_status st, const struct gcr_error *err,
				      const struct gcr_ssm_invocation *inv, void *data);

struct gcr_aws_call *gcr_ssm_get_command_invocation(struct gcr_aws *aws,
						    const char *command_id,
						    const char *instance_id,
						    gcr_ssm_invocation_cb cb, void *data);

#endif
