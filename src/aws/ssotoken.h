/* ssotoken.h: what the SSO sign-in (src/setup/sso_login.c) and the
 * credential chain (credchain.c) share about IAM Identity Center tokens:
 *
 *   - where the AWS CLI caches a token: ~/.aws/sso/cache/<sha1 of the
 *     sso-session name, or of the start URL for legacy profiles>.json;
 *   - writing that file (directory 0700, file 0600, atomically);
 *   - one unsigned JSON call to SSO OIDC or the SSO portal (bearer token),
 *     on the libuv loop, with the service's error read from the answer.
 *
 * The cache file holds secrets (accessToken, refreshToken, clientSecret):
 * nothing here logs or prints its content. */
#ifndef GCR_AWS_SSOTOKEN_H
#define GCR_AWS_SSOTOKEN_H

#include <jansson.h>

#include "aws/awsconfig.h"
#include "aws/http.h"
#include "aws/protocol.h"
#include "error.h"

/* The cache file of a session name or start URL, under $HOME (caller frees). */
char *gcr_sso_cache_path(const char *key);

/* Writes doc to path as the AWS CLI does (indented JSON), creating the
 * directory 0700; the file is replaced atomically with mode 0600. */
enum gcr_status gcr_sso_cache_write(const char *path, json_t *doc, struct gcr_error *err);

/* The answer of a call, borrowed for the callback:
 *   st GCR_OK          answer is the parsed 2xx JSON body;
 *   st GCR_ERR_CANCELLED  the request was cancelled (nothing else set);
 *   otherwise          err says what failed; info holds the service's error
 *                      code and message when it answered one (info->code
 *                      empty for transport failures and non-JSON answers). */
struct gcr_sso_answer {
	enum gcr_status st;
	const struct gcr_error *err;
	const struct gcr_aws_error_info *info;
	long http_status;           /* 0 when no answer came */
	json_t *answer;
};
typedef void (*gcr_sso_call_cb)(const struct gcr_sso_answer *a, void *data);

/* Sends METHOD path to the service "sso-oidc" or "sso" in sso_region (the
 * endpoint from cfg/profile when given, AWS_ENDPOINT_URL_SSO_OIDC /
 * AWS_ENDPOINT_URL_SSO, else AWS's), with body as JSON (taken over; may be
 * NULL) and, for the portal, the bearer token.  cb runs once, later, on
 * the loop.  Returns the request (for gcr_http_cancel until cb has run), or
 * NULL with err filled and cb never run. */
struct gcr_http_request *gcr_sso_call(struct gcr_http *http, const struct gcr_aws_config *cfg,
				      const char *profile, const char *service,
				      const char *sso_region, const char *method, const char *path,
				      json_t *body, const char *bearer_token, long timeout_ms,
				      gcr_sso_call_cb cb, void *data, struct gcr_error *err);

#endif
