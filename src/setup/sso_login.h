/* sso_login.h: signing in with AWS IAM Identity Center (SSO), the OAuth
 * device authorization flow the AWS CLI's `aws sso login` uses:
 *
 *   SSO OIDC RegisterClient -> StartDeviceAuthorization -> (the user opens
 *   the verification URL and confirms the code) -> CreateToken, polled on a
 *   uv timer every `interval` seconds (+5 s after a SlowDownException)
 *   until the user approves, declines or the code expires.
 *
 * The token is cached where the AWS CLI keeps it, so both tools share the
 * login: ~/.aws/sso/cache/<sha1 of the session name>.json (mode 0600), and
 * the profile is written to ~/.aws/config as
 *   [sso-session NAME] sso_start_url, sso_region, sso_registration_scopes
 *   [profile P]        sso_session, sso_account_id, sso_role_name, region
 * after which the credential chain (credentials.h, source "sso") gets role
 * credentials from the SSO portal by itself.  OIDC and portal calls are
 * unsigned (bearer token); endpoints honour AWS_ENDPOINT_URL_SSO_OIDC and
 * AWS_ENDPOINT_URL_SSO.  Tokens and client secrets are never logged. */
#ifndef GCR_SETUP_SSO_LOGIN_H
#define GCR_SETUP_SSO_LOGIN_H

#include <jansson.h>
#include <uv.h>

#include "aws/ssotoken.h"       /* gcr_sso_cache_path: where the token is cached */
#include "error.h"

struct gcr_sso_login_options {
	const char *start_url;      /* https://d-xxxx.awsapps.com/start */
	const char *sso_region;     /* where Identity Center runs */
	const char *session_name;   /* [sso-session NAME], the cache key */
	const char *profile;        /* profile to write */
	const char *region;         /* the profile's region, or NULL */
	int interactive;            /* CLI helper only: may prompt on stdin */
};

struct gcr_sso_login;

/* What the user must do: open verification_uri_complete (or the URI and
 * type user_code) within expires_in seconds.  Borrowed for the call. */
struct gcr_sso_device_prompt {
	const char *user_code;
	const char *verification_uri;
	const char *verification_uri_complete;
	int expires_in;
	int interval;
};
typedef void (*gcr_sso_prompt_cb)(const struct gcr_sso_device_prompt *p, void *data);
typedef void (*gcr_sso_done_cb)(enum gcr_status st, const struct gcr_error *err, void *data);

/* Starts the device flow on loop; prompt runs once the code is known, done
 * once the token is cached (or the flow failed).  The options' strings are
 * copied. */
struct gcr_sso_login *gcr_sso_login_start(uv_loop_t *loop, const struct gcr_sso_login_options *o,
					  gcr_sso_prompt_cb prompt, gcr_sso_done_cb done,
					  void *data, struct gcr_error *err);

/* After done(GCR_OK): the SSO portal's lists (answer borrowed for the
 * callback): ListAccounts -> {"accountList":[{accountId, accountName}]},
 * ListAccountRoles -> {"roleList":[{roleName, accountId}]}. */
typedef void (*gcr_sso_json_cb)(enum gcr_status st, const struct gcr_error *err, json_t *answer,
				void *data);
void gcr_sso_list_accounts(struct gcr_sso_login *l, gcr_sso_json_cb cb, void *data);
void gcr_sso_list_roles(struct gcr_sso_login *l, const char *account_id, gcr_sso_json_cb cb,
			void *data);

/* Writes the [sso-session] and [profile] sections (other sections kept). */
enum gcr_status gcr_sso_write_profile(struct gcr_sso_login *l, const char *account_id,
				      const char *role_name, struct gcr_error *err);

/* Cancels what is in flight and frees (keep running the loop to close). */
void gcr_sso_login_free(struct gcr_sso_login *l);

/* The whole flow for the command line on its own loop: prints the URL and
 * code, waits, lets the user pick the account and role (the only one is
 * taken without asking), writes the profile. */
enum gcr_status gcr_sso_login_cli(const struct gcr_sso_login_options *o, struct gcr_error *err);

#endif
