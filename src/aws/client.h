/* client.h: one AWS call, from request to typed answer, on the libuv loop.
 *
 * struct gcr_aws ties together the HTTP client (http.h), the credential
 * chain (credentials.h), endpoint resolution (endpoint.h), the SigV4
 * signer (sigv4.h) and the standard retry mode (retry.h).  A call
 *   resolves the endpoint -> gets credentials -> signs -> sends ->
 *   sorts the outcome -> (waits full-jitter backoff on a uv timer, re-signs,
 *   sends again) -> calls back once.
 * Errors arrive as struct gcr_error plus struct gcr_aws_error_info (service,
 * operation, AWS error code, message, request id, HTTP status, attempts);
 * callers never see a CURLcode.
 *
 * Non-idempotent calls (gcr_aws_request.idempotent = 0, e.g. Batch
 * SubmitJob, SSM SendCommand) are sent on a fresh connection (so libcurl
 * cannot resend them on its own) and are never repeated after a timeout, a
 * dropped connection or a cut answer: the call ends with
 * info->outcome_unknown set and a message saying so.  Throttling and 5xx
 * answers, and connections that never reached the server, are retried. */
#ifndef GCR_AWS_CLIENT_H
#define GCR_AWS_CLIENT_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <uv.h>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/protocol.h"
#include "aws/retry.h"
#include "error.h"

struct gcr_aws;
struct gcr_aws_call;
struct gcr_aws_config;

struct gcr_aws_options {
	uv_loop_t *loop;                 /* required */
	/* Shared HTTP client; NULL: the client makes (and closes) its own. */
	struct gcr_http *http;
	/* Parsed ~/.aws files, borrowed; NULL: loaded here (and owned). */
	const struct gcr_aws_config *config;
	const char *profile;             /* --profile, or NULL */
	const char *region;              /* --region, or NULL */
	/* The credential chain, borrowed; NULL: one is made from the options
	 * above (and owned), unless no_credential_chain is set, in which case
	 * every request must pass .credentials or .anonymous (what the
	 * credential providers themselves use for STS). */
	struct gcr_aws_credential_provider *credentials;
	int no_credential_chain;
	/* Total attempts per call; 0: AWS_MAX_ATTEMPTS, the profile's
	 * max_attempts, else 3. */
	int max_attempts;
	long attempt_timeout_ms;         /* per attempt; 0: 60 000 */
	/* Random numbers in [0,1) for the backoff; NULL: a generator seeded
	 * from the clock.  Tests fix it. */
	double (*random)(void *data);
	void *random_data;
};

/* Creates the client.  Fails (NULL, err) when the config files are
 * malformed or libcurl cannot start.  A missing region is not an error
 * here: calls that need one fail with a message saying how to set it. */
struct gcr_aws *gcr_aws_new(const struct gcr_aws_options *opts, struct gcr_error *err);

/* Cancels every call (callbacks run with GCR_ERR_CANCELLED), frees the
 * client; handles it owns close later on the loop, so keep running it. */
void gcr_aws_free(struct gcr_aws *aws);

uv_loop_t *gcr_aws_client_loop(struct gcr_aws *aws);
struct gcr_http *gcr_aws_client_http(struct gcr_aws *aws);
/* The region calls use (NULL when none is configured).  Borrowed. */
const char *gcr_aws_client_region(struct gcr_aws *aws);
/* The profile in use ("default" when none is named).  Borrowed. */
const char *gcr_aws_client_profile(struct gcr_aws *aws);
const struct gcr_aws_config *gcr_aws_client_config(struct gcr_aws *aws);
/* NULL with no_credential_chain. */
struct gcr_aws_credential_provider *gcr_aws_client_credentials(struct gcr_aws *aws);
/* Where calls to service go (region NULL: the client's); out is filled as
 * by gcr_aws_endpoint_resolve (free with gcr_aws_endpoint_clear).  S3 uses
 * out->origin to choose path-style addressing for overridden endpoints. */
struct gcr_aws_endpoint;
enum gcr_status gcr_aws_client_endpoint(struct gcr_aws *aws, const char *service,
					const char *region, struct gcr_aws_endpoint *out,
					struct gcr_error *err);
/* The retry quota shared by all calls of this client (tests read it). */
struct gcr_retry_quota *gcr_aws_retry_quota(struct gcr_aws *aws);
/* Calls started and not yet called back. */
size_t gcr_aws_active(const struct gcr_aws *aws);

/* The wire protocol and its constants for a service short name ("batch",
 * "logs", "pricing", "ssm", "dynamodb", "ec2", "sts", "s3", "execute-api");
 * returns 0 for an unknown one. */
struct gcr_aws_protocol_info {
	enum gcr_aws_protocol protocol;
	const char *target_prefix;   /* json: "Logs_20140328", else NULL */
	const char *json_version;    /* json: "1.0" / "1.1", else NULL */
	const char *api_version;     /* query: "2016-11-15", else NULL */
	const char *display_name;    /* "Batch", "CloudWatch Logs", for messages */
};
int gcr_aws_protocol_lookup(const char *service, struct gcr_aws_protocol_info *out);

/* ---- the generic call ------------------------------------------------------ */

struct gcr_aws_request {
	const char *service;         /* short name, see gcr_aws_protocol_lookup */
	const char *operation;       /* "SubmitJob": X-Amz-Target, messages, log */
	const char *method;          /* NULL: "POST" */
	const char *path;            /* encoded, after the endpoint's base; NULL: "/" */
	const char *query;           /* encoded query string without '?', or NULL */
	const struct gcr_http_headers *headers;  /* extra headers (copied) */

	const void *body;            /* copied */
	size_t body_len;
	/* or a range of a local file, signed as UNSIGNED-PAYLOAD (S3 parts) */
	const char *upload_path;
	uint64_t upload_offset, upload_length;
	/* Stream a 2xx answer's body to this file (S3 GetObject). */
	const char *download_path;
	/* S3 only: sign the body as UNSIGNED-PAYLOAD instead of hashing it
	 * (large uploads; hashing megabytes would hold up the loop).  File
	 * uploads are always sent this way. */
	int unsigned_payload;

	int idempotent;              /* 1: may run twice harmlessly (reads, puts) */
	long attempt_timeout_ms;     /* 0: the client's */
	long deadline_ms;            /* whole call with retries; 0: none */
	const char *region;          /* override (NULL: the client's) */
	/* Sign with these instead of the chain's (borrowed until called back;
	 * STS AssumeRole from a source profile). */
	const struct gcr_aws_credentials *credentials;
	int anonymous;               /* do not sign (AssumeRoleWithWebIdentity) */
	/* Endpoint override for this call (e.g. the ParallelCluster API's
	 * invoke URL); NULL: resolved from the service name. */
	const char *endpoint_url;

	gcr_http_progress_cb progress;
	void *progress_data;
};

/* The answer of a call that succeeded (2xx/3xx), or the last failed attempt
 * (headers and body may still help).  Owned by the library, valid during
 * the callback; steal body by setting it to NULL. */
struct gcr_aws_response {
	long status;
	const struct gcr_http_headers *headers;
	char *body;
	size_t body_len;
	uint64_t bytes_received;
	int attempts;
};

/* st is GCR_OK, or the error's code; err and info are filled on failure
 * (info also on success: attempts, request id).  resp is never NULL. */
typedef void (*gcr_aws_done_cb)(enum gcr_status st, const struct gcr_error *err,
				const struct gcr_aws_error_info *info,
				struct gcr_aws_response *resp, void *data);

/* Starts a call.  cb runs exactly once, later, on the loop, also when the
 * request is invalid.  Returns a handle for gcr_aws_cancel, valid until cb
 * has run. */
struct gcr_aws_call *gcr_aws_send(struct gcr_aws *aws, const struct gcr_aws_request *req,
				  gcr_aws_done_cb cb, void *data);

/* Stops a call; its callback runs with GCR_ERR_CANCELLED (before this
 * returns, or when a pending credential fetch ends).  Not from inside the
 * call's own callback. */
void gcr_aws_cancel(struct gcr_aws_call *call);

/* ---- JSON services (json 1.0/1.1 and rest-json) ---------------------------- */

/* Options shared by the convenience calls; NULL means the defaults
 * (idempotent, the client's timeouts and region). */
struct gcr_aws_call_options {
	int not_idempotent;          /* e.g. SubmitJob, SendCommand */
	long attempt_timeout_ms;
	long deadline_ms;
	const char *region;
	const struct gcr_aws_credentials *credentials;
	const char *endpoint_url;
};

/* answer: the parsed JSON object, borrowed for the callback (json_incref to
 * keep); NULL on failure.  An empty 2xx body gives an empty object. */
typedef void (*gcr_aws_json_cb)(enum gcr_status st, const struct gcr_error *err,
				const struct gcr_aws_error_info *info, json_t *answer,
				void *data);

/* json 1.0/1.1 services: POST / with X-Amz-Target <prefix>.<operation>.
 * rest-json Batch: POST /v1/<operation lower-cased>.  input is borrowed
 * (NULL: {}). */
struct gcr_aws_call *gcr_aws_json_call(struct gcr_aws *aws, const char *service,
				       const char *operation, json_t *input,
				       const struct gcr_aws_call_options *opts,
				       gcr_aws_json_cb cb, void *data);

/* rest-json with an explicit method and path (ParallelCluster API as
 * execute-api).  path and query encoded; input NULL: no body. */
struct gcr_aws_call *gcr_aws_rest_json_call(struct gcr_aws *aws, const char *service,
					    const char *operation, const char *method,
					    const char *path, const char *query,
					    json_t *input,
					    const struct gcr_aws_call_options *opts,
					    gcr_aws_json_cb cb, void *data);

/* Pages through a JSON operation: sends input (borrowed) again and again
 * with the previous answer's output_token copied into input_token, until
 * no token comes back (or the same one, or max_pages; 0 means 100).  The
 * arrays under result_key are joined: cb receives the last page's answer
 * with result_key holding every item.  Runs to the end or the first error.
 * The strings in opts must stay valid until cb has run. */
void gcr_aws_json_paginate(struct gcr_aws *aws, const char *service, const char *operation,
			   json_t *input, const char *input_token,
			   const char *output_token, const char *result_key,
			   int max_pages, const struct gcr_aws_call_options *opts,
			   gcr_aws_json_cb cb, void *data);

/* ---- query services (EC2, STS) --------------------------------------------- */

/* doc: the parsed XML answer, borrowed for the callback; NULL on failure. */
typedef void (*gcr_aws_xml_cb)(enum gcr_status st, const struct gcr_error *err,
			       const struct gcr_aws_error_info *info, xmlDocPtr doc,
			       void *data);

/* Form POST "Action=<action>&Version=<service's>&<params>". */
struct gcr_aws_call *gcr_aws_query_call(struct gcr_aws *aws, const char *service,
					const char *action,
					const struct gcr_aws_params *params,
					const struct gcr_aws_call_options *opts,
					gcr_aws_xml_cb cb, void *data);

/* ---- running the loop from the command line ------------------------------------ */

/* Runs the loop until *done is non-zero (or nothing is left to run). */
void gcr_aws_run_until(uv_loop_t *loop, const int *done);

#endif
