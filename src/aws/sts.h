/* sts.h: AWS STS (query protocol): who am I, and assuming a role.
 *
 * GetCallerIdentity answers the account, ARN and user id of the
 * credentials in use (`gcrunner whoami`).  AssumeRole turns source
 * credentials into temporary ones; the credential chain's assume-role
 * provider calls it with the source profile's credentials. */
#ifndef GCR_AWS_STS_H
#define GCR_AWS_STS_H

#include "aws/client.h"
#include "aws/credentials.h"

struct gcr_sts_identity {
	char account[32];
	char arn[512];
	char user_id[256];
};

/* identity is borrowed for the callback; NULL on failure. */
typedef void (*gcr_sts_identity_cb)(enum gcr_status st, const struct gcr_error *err,
				    const struct gcr_sts_identity *identity, void *data);

struct gcr_aws_call *gcr_sts_get_caller_identity(struct gcr_aws *aws,
						 const struct gcr_aws_call_options *opts,
						 gcr_sts_identity_cb cb, void *data);

struct gcr_sts_assume_role_input {
	const char *role_arn;            /* required */
	const char *session_name;        /* required: 2-64 of [\w+=,.@-] */
	int duration_seconds;            /* 0: the service's default (3600) */
	const char *external_id;         /* or NULL */
	const char *mfa_serial;          /* or NULL (then token_code too) */
	const char *token_code;
	/* Sign with these (the source profile's); NULL: the client's chain. */
	const struct gcr_aws_credentials *source;
	const char *region;              /* or NULL: the client's */
	/* Copied into the result's source_description (never a secret). */
	const char *description;
};

/* creds (source GCR_AWS_SOURCE_ASSUME_ROLE, expiration set) is borrowed for
 * the callback: copy it with gcr_aws_credentials_copy. */
typedef void (*gcr_sts_credentials_cb)(enum gcr_status st, const struct gcr_error *err,
				       const struct gcr_aws_credentials *creds, void *data);

struct gcr_aws_call *gcr_sts_assume_role(struct gcr_aws *aws,
					 const struct gcr_sts_assume_role_input *in,
					 gcr_sts_credentials_cb cb, void *data);

/* Reads the <Credentials> element of an AssumeRole* answer (exposed for
 * tests and the web-identity provider).  Returns GCR_ERR_REMOTE when an
 * element is missing. */
enum gcr_status gcr_sts_parse_credentials(xmlDocPtr doc, const char *description,
					  struct gcr_aws_credentials *out,
					  struct gcr_error *err);

#endif
