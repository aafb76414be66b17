/* credentials.h: AWS credentials and the SDKs' credential provider chain.
 *
 * The chain, in the AWS SDKs' order (see doc/gcrunner.1, ENVIRONMENT):
 *   1. environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN) -- skipped when a profile is named with --profile;
 *   then for the selected profile (--profile, AWS_PROFILE, "default"):
 *   2. assume-role (role_arn + source_profile or credential_source), STS;
 *   3. web identity (web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE
 *      + role_arn / AWS_ROLE_ARN), STS AssumeRoleWithWebIdentity;
 *   4. SSO (sso_session or sso_start_url, sso_account_id, sso_role_name)
 *      with the token cached in ~/.aws/sso/cache; for sso_session profiles
 *      a token with less than 15 minutes left is first renewed with its
 *      refresh token (SSO OIDC CreateToken, at most once a minute) and
 *      written back, as botocore's SSOTokenProvider does;
 *   5. the shared credentials file;
 *   6. credential_process (spawned with uv_spawn, never blocking);
 *   7. static keys in the config file;
 *   8. container credentials (AWS_CONTAINER_CREDENTIALS_{RELATIVE,FULL}_URI);
 *   9. EC2 instance metadata, IMDSv2 (unless AWS_EC2_METADATA_DISABLED).
 * The first source that is configured decides: if it fails, the chain
 * reports that failure instead of silently trying the next one (as the SDKs
 * do).  Everything runs on the caller's libuv loop; nothing blocks.
 *
 * Secrets: the secret key and the session token are never printed, logged
 * or put into an error message; they are wiped from memory when freed.
 * Use gcr_aws_redact_key_id() to show which key is in use. */
#ifndef GCR_AWS_CREDENTIALS_H
#define GCR_AWS_CREDENTIALS_H

#include <stddef.h>
#include <time.h>
#include <uv.h>

#include "error.h"

struct gcr_http;
struct gcr_aws_config;

/* Where a set of credentials came from (stable tokens for JSON output:
 * gcr_aws_credential_source_token()). */
enum gcr_aws_credential_source {
	GCR_AWS_SOURCE_NONE = 0,
	GCR_AWS_SOURCE_ENVIRONMENT,        /* "environment" */
	GCR_AWS_SOURCE_ASSUME_ROLE,        /* "assume-role" */
	GCR_AWS_SOURCE_WEB_IDENTITY,       /* "web-identity" */
	GCR_AWS_SOURCE_SSO,                /* "sso" */
	GCR_AWS_SOURCE_CREDENTIALS_FILE,   /* "shared-credentials-file" */
	GCR_AWS_SOURCE_PROCESS,            /* "credential-process" */
	GCR_AWS_SOURCE_CONFIG_FILE,        /* "config-file" */
	GCR_AWS_SOURCE_CONTAINER,          /* "container" */
	GCR_AWS_SOURCE_INSTANCE_ROLE,      /* "instance-role" */
	GCR_AWS_SOURCE_STATIC,             /* "static": set by a program or test */
};

/* One set of credentials.  All strings are owned (gcr_aws_credentials_clear
 * wipes and frees them). */
struct gcr_aws_credentials {
	char *access_key_id;
	char *secret_access_key;   /* SECRET: never print or log */
	char *session_token;       /* SECRET; NULL for long-term keys */
	time_t expiration;         /* 0: does not expire */
	enum gcr_aws_credential_source source;
	/* Non-secret, translated description of the source, e.g.
	 * "profile dev in /home/u/.aws/credentials", "credential_process of
	 * profile dev", "SSO session my-sso", "assume-role arn:aws:iam::1:role/x
	 * via profile base", "container", "instance role NAME". */
	char *source_description;
};

/* Fills c with copies of the given strings (session_token and description
 * may be NULL).  Returns GCR_ERR_INVALID for an empty key id or secret. */
enum gcr_status gcr_aws_credentials_set(struct gcr_aws_credentials *c,
					const char *access_key_id,
					const char *secret_access_key,
					const char *session_token,
					time_t expiration,
					enum gcr_aws_credential_source source,
					const char *source_description,
					struct gcr_error *err);

/* Deep copy; dst is overwritten (clear it first if it held something). */
void gcr_aws_credentials_copy(struct gcr_aws_credentials *dst,
			      const struct gcr_aws_credentials *src);

/* Wipes the secrets and frees every string; leaves c zeroed. */
void gcr_aws_credentials_clear(struct gcr_aws_credentials *c);

/* The description above ("environment", "profile NAME in FILE", ...);
 * never NULL, never a secret.  For `gcrunner whoami`. */
const char *gcr_credentials_describe_source(const struct gcr_aws_credentials *c);

/* A stable untranslated token for the source kind, e.g. "environment",
 * "sso", "credential-process" (for --json output). */
const char *gcr_aws_credential_source_token(enum gcr_aws_credential_source s);

/* Shows an access key id without revealing it: the first four and the last
 * four characters, e.g. "AKIA…WXYZ"; ids of 8 characters or less become
 * "…" plus at most their last two.  out must hold GCR_AWS_REDACTED_MAX. */
#define GCR_AWS_REDACTED_MAX 24
const char *gcr_aws_redact_key_id(const char *access_key_id,
				  char out[GCR_AWS_REDACTED_MAX]);

/* --- The provider chain ------------------------------------------------ */

struct gcr_aws_credential_provider;

struct gcr_aws_credentials_options {
	uv_loop_t *loop;        /* required: processes and timers run on it */
	/* For STS, SSO, container and IMDS calls (shared, borrowed).  NULL:
	 * the provider makes its own when one of those sources needs it. */
	struct gcr_http *http;
	/* Parsed ~/.aws files; borrowed, must outlive the provider.  NULL:
	 * the provider loads them itself (gcr_aws_config_load). */
	const struct gcr_aws_config *config;
	const char *profile;    /* --profile NAME (skips the environment), or NULL */
	const char *region;     /* --region, for STS/SSO calls; NULL: resolved */
	/* Refresh this many seconds before expiry; 0 means 300 (5 minutes). */
	int refresh_margin_seconds;
	/* Kill a credential_process after this long; 0 means 60 s. */
	int process_timeout_seconds;
};

/* Creates a provider.  Nothing is resolved until the first get.  Returns
 * NULL with err filled when the config files cannot be read or parsed. */
struct gcr_aws_credential_provider *
gcr_aws_credential_provider_new(const struct gcr_aws_credentials_options *opts,
				struct gcr_error *err);

/* Cancels anything in flight (pending callbacks run with GCR_ERR_CANCELLED
 * before this returns), kills a running credential_process and wipes the
 * cached credentials.  Handles still closing are freed by the loop later:
 * keep running it until it has no more work. */
void gcr_aws_credential_provider_free(struct gcr_aws_credential_provider *p);

/* The outcome of a get.  creds is borrowed, valid only during the callback
 * (copy it with gcr_aws_credentials_copy to keep it); NULL unless st is
 * GCR_OK.  err is filled unless st is GCR_OK. */
typedef void (*gcr_aws_credentials_cb)(enum gcr_status st,
				       const struct gcr_aws_credentials *creds,
				       const struct gcr_error *err, void *data);

/* Usable credentials now, without any I/O: the cached ones when they do not
 * expire within the refresh margin, else NULL.  Borrowed until the next
 * call into the provider.  The fast path for signing many requests. */
const struct gcr_aws_credentials *
gcr_aws_credentials_cached(struct gcr_aws_credential_provider *p);

/* Gets credentials: resolves the chain the first time, refreshes them when
 * they expire within the margin (keeping the old ones if a refresh fails
 * while they are still valid).  Concurrent gets share one resolution.  cb
 * runs exactly once, later, on the loop -- never inside this call. */
void gcr_aws_credentials_get(struct gcr_aws_credential_provider *p,
			     gcr_aws_credentials_cb cb, void *data);

/* Forgets the cached credentials (e.g. after an ExpiredToken answer), so the
 * next get resolves again. */
void gcr_aws_credentials_invalidate(struct gcr_aws_credential_provider *p);

/* Splits a credential_process command line into words as botocore does
 * (POSIX shlex: quotes and backslashes; no shell runs it).  NULL for an
 * unterminated quote.  Caller frees each word and the array.  Exposed for
 * tests. */
char **gcr_aws_split_command(const char *cmd);

/* The profile the provider uses (explicit, AWS_PROFILE, or "default"). */
const char *gcr_aws_credential_provider_profile(const struct gcr_aws_credential_provider *p);

#endif
