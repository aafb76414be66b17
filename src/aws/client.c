/* client.c: the AWS call life cycle (see client.h).
 *
 * A call is a small state machine driven by callbacks on the loop:
 *   START -> (WAIT_CREDS) -> SENDING -> done
 *                               \-> BACKOFF (uv timer) -> START again
 * Each call owns one uv_timer_t, used for the backoff and for reporting an
 * error found before anything was sent (callbacks never run inside
 * gcr_aws_send); the call is freed in that timer's close callback. */
#include "config.h"

#include <curl/curl.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"

enum call_state {
	CALL_START,
	CALL_WAIT_CREDS,
	CALL_SENDING,
	CALL_BACKOFF,
	CALL_FAILING,     /* an error before sending; reported from the timer */
	CALL_DONE,
};

struct gcr_aws {
	uv_loop_t *loop;
	struct gcr_http *http;
	int owns_http;
	struct gcr_aws_config *own_config;
	const struct gcr_aws_config *config;
	char *profile;
	char *region;
	struct gcr_aws_credential_provider *creds;
	int owns_creds;
	struct gcr_retry_policy policy;
	struct gcr_retry_quota quota;
	long attempt_timeout_ms;
	double (*random)(void *data);
	void *random_data;
	uint64_t rng;
	struct gcr_aws_call *calls;
	size_t active;
};

struct gcr_aws_call {
	struct gcr_aws *aws;          /* NULL once orphaned by gcr_aws_free */
	enum call_state state;
	struct gcr_aws_protocol_info proto;
	char *service, *operation, *method;
	char *url;                    /* full URL as sent */
	char *host;                   /* Host header value */
	char *path, *query;           /* as sent and signed */
	char *signing_region;
	const char *signing_name;     /* static, from endpoint.c */
	struct gcr_http_headers base_headers;
	char *body;
	size_t body_len;
	char *upload_path;
	uint64_t upload_offset, upload_length;
	char *download_path;
	int unsigned_payload;
	int idempotent;
	long attempt_timeout_ms;
	uint64_t deadline;            /* loop time in ms; 0: none */
	struct gcr_aws_credentials override;
	int has_override, anonymous;
	gcr_http_progress_cb progress;
	void *progress_data;

	uv_timer_t timer;             /* freed only in its close callback */
	struct gcr_http_request *http_req;
	int awaiting_creds;           /* a credentials callback is still due */
	int reported;                 /* cb has run; only cleanup is left */
	int attempts;
	int last_retry_cost;
	int refreshed_creds;

	enum gcr_status status;
	struct gcr_error err;
	struct gcr_aws_error_info info;
	long http_status;
	struct gcr_http_headers resp_headers;
	char *resp_body;
	size_t resp_len;
	uint64_t bytes_received;

	gcr_aws_done_cb cb;
	void *data;
	struct gcr_aws_call *prev, *next;
};

/* ---- services ----------------------------------------------------------------- */

static const struct {
	const char *service;
	struct gcr_aws_protocol_info info;
} protocols[] = {
	{ "batch", { GCR_AWS_PROTO_REST_JSON, NULL, NULL, NULL, "Batch" } },
	{ "logs", { GCR_AWS_PROTO_JSON, "Logs_20140328", "1.1", NULL, "CloudWatch Logs" } },
	{ "pricing", { GCR_AWS_PROTO_JSON, "AWSPriceListService", "1.1", NULL, "Pricing" } },
	{ "ssm", { GCR_AWS_PROTO_JSON, "AmazonSSM", "1.1", NULL, "SSM" } },
	{ "dynamodb", { GCR_AWS_PROTO_JSON, "DynamoDB_20120810", "1.0", NULL, "DynamoDB" } },
	{ "ec2", { GCR_AWS_PROTO_EC2, NULL, NULL, "2016-11-15", "EC2" } },
	{ "sts", { GCR_AWS_PROTO_QUERY, NULL, NULL, "2011-06-15", "STS" } },
	{ "iam", { GCR_AWS_PROTO_QUERY, NULL, NULL, "2010-05-08", "IAM" } },
	{ "service-quotas", { GCR_AWS_PROTO_JSON, "ServiceQuotasV20190624", "1.1", NULL, "Service Quotas" } },
	{ "s3", { GCR_AWS_PROTO_REST_XML, NULL, NULL, NULL, "S3" } },
	{ "execute-api", { GCR_AWS_PROTO_REST_JSON, NULL, NULL, NULL, "ParallelCluster API" } },
};

int gcr_aws_protocol_lookup(const char *service, struct gcr_aws_protocol_info *out)
{
	for (size_t i = 0; service && i < sizeof protocols / sizeof protocols[0]; i++) {
		if (strcmp(protocols[i].service, service) == 0) {
			*out = protocols[i].info;
			return 1;
		}
	}
	return 0;
}

/* ---- the client ----------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *copy = strdup(s);
	if (!copy)
		abort();
	return copy;
}

/* xorshift64*: enough for jitter; seeded from the clock and pid. */
static double default_random(void *data)
{
	uint64_t *s = data;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int configured_max_attempts(const struct gcr_aws_config *cfg, const char *profile)
{
	const char *v = getenv("AWS_MAX_ATTEMPTS");
	int n;

	if ((!v || !*v) && cfg)
		v = gcr_aws_config_get(cfg, profile, "max_attempts");
	if (!v || !*v)
		return GCR_RETRY_DEFAULT_ATTEMPTS;
	n = atoi(v);
	return n >= 1 && n <= 20 ? n : GCR_RETRY_DEFAULT_ATTEMPTS;
}

struct gcr_aws *gcr_aws_new(const struct gcr_aws_options *opts, struct gcr_error *err)
{
	struct gcr_aws *aws = calloc(1, sizeof *aws);

	if (!aws) {
		gcr_error_set(err, GCR_ERR_NOMEM, "%s", _("out of memory"));
		return NULL;
	}
	aws->loop = opts->loop;
	if (opts->config) {
		aws->config = opts->config;
	} else {
		aws->own_config = gcr_aws_config_load(err);
		if (!aws->own_config) {
			free(aws);
			return NULL;
		}
		aws->config = aws->own_config;
	}
	aws->profile = dup_or_null(gcr_aws_profile_name(opts->profile));
	aws->region = gcr_aws_region(aws->config, aws->profile, opts->region);
	if (opts->http) {
		aws->http = opts->http;
	} else {
		char *ca = gcr_aws_ca_bundle(aws->config, aws->profile);
		struct gcr_http_options hopts = { .ca_bundle = ca };
		aws->http = gcr_http_new(aws->loop, &hopts, err);
		free(ca);
		if (!aws->http)
			goto fail;
		aws->owns_http = 1;
	}
	if (opts->credentials) {
		aws->creds = opts->credentials;
	} else if (!opts->no_credential_chain) {
		struct gcr_aws_credentials_options copts = {
			.loop = aws->loop,
			.http = aws->http,
			.config = aws->config,
			.profile = opts->profile,
			.region = aws->region,
		};
		aws->creds = gcr_aws_credential_provider_new(&copts, err);
		if (!aws->creds)
			goto fail;
		aws->owns_creds = 1;
	}
	aws->policy.max_attempts = opts->max_attempts > 0
		? opts->max_attempts : configured_max_attempts(aws->config, aws->profile);
	aws->policy.max_backoff_ms = GCR_RETRY_MAX_BACKOFF_MS;
	gcr_retry_quota_init(&aws->quota, GCR_RETRY_QUOTA_CAPACITY);
	aws->attempt_timeout_ms = opts->attempt_timeout_ms > 0 ? opts->attempt_timeout_ms : 60000;
	if (opts->random) {
		aws->random = opts->random;
		aws->random_data = opts->random_data;
	} else {
		aws->rng = uv_hrtime() ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ULL;
		aws->random = default_random;
		aws->random_data = &aws->rng;
	}
	return aws;
fail:
	if (aws->owns_http)
		gcr_http_close(aws->http, NULL, NULL);
	gcr_aws_config_free(aws->own_config);
	free(aws->profile);
	free(aws->region);
	free(aws);
	return NULL;
}

uv_loop_t *gcr_aws_client_loop(struct gcr_aws *aws) { return aws->loop; }
struct gcr_http *gcr_aws_client_http(struct gcr_aws *aws) { return aws->http; }
const char *gcr_aws_client_region(struct gcr_aws *aws) { return aws->region; }
const char *gcr_aws_client_profile(struct gcr_aws *aws) { return aws->profile; }
const struct gcr_aws_config *gcr_aws_client_config(struct gcr_aws *aws) { return aws->config; }
struct gcr_aws_credential_provider *gcr_aws_client_credentials(struct gcr_aws *aws) { return aws->creds; }
struct gcr_retry_quota *gcr_aws_retry_quota(struct gcr_aws *aws) { return &aws->quota; }
size_t gcr_aws_active(const struct gcr_aws *aws) { return aws->active; }

enum gcr_status gcr_aws_client_endpoint(struct gcr_aws *aws, const char *service,
					const char *region, struct gcr_aws_endpoint *out,
					struct gcr_error *err)
{
	return gcr_aws_endpoint_resolve(aws->config, aws->profile, service,
					region ? region : aws->region, out, err);
}

/* ---- call life ---------------------------------------------------------------- */

static void start_attempt(struct gcr_aws_call *call);

static void on_call_closed(uv_handle_t *handle)
{
	struct gcr_aws_call *call = handle->data;

	free(call);
}

static void release_call(struct gcr_aws_call *call)
{
	gcr_aws_credentials_clear(&call->override);
	uv_close((uv_handle_t *)&call->timer, on_call_closed);
}

static void free_call_data(struct gcr_aws_call *call)
{
	free(call->service);
	free(call->operation);
	free(call->method);
	free(call->url);
	free(call->host);
	free(call->path);
	free(call->query);
	free(call->signing_region);
	gcr_http_headers_clear(&call->base_headers);
	free(call->body);
	free(call->upload_path);
	free(call->download_path);
	gcr_http_headers_clear(&call->resp_headers);
	free(call->resp_body);
}

static void unlink_call(struct gcr_aws_call *call)
{
	struct gcr_aws *aws = call->aws;

	if (!aws)
		return;
	if (call->prev)
		call->prev->next = call->next;
	else
		aws->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
	aws->active--;
}

/* Reports the outcome once, then frees (or waits for a credentials
 * callback that is still due). */
static void finish(struct gcr_aws_call *call)
{
	struct gcr_aws_response resp = { 0 };

	call->state = CALL_DONE;
	call->info.attempts = call->attempts;
	if (call->status != GCR_OK && !call->err.message[0])
		call->status = gcr_aws_error_to_gcr(&call->info, &call->err);
	resp.status = call->http_status;
	resp.headers = &call->resp_headers;
	resp.body = call->resp_body;
	resp.body_len = call->resp_len;
	resp.bytes_received = call->bytes_received;
	resp.attempts = call->attempts;
	if (call->status == GCR_OK)
		gcr_log_debug("%s %s: HTTP %ld after %d attempt(s)", call->service,
			      call->operation, call->http_status, call->attempts);
	else
		gcr_log_debug("%s %s failed: %s", call->service, call->operation,
			      call->err.message);
	unlink_call(call);
	call->aws = NULL;
	call->reported = 1;
	call->cb(call->status, call->status == GCR_OK ? NULL : &call->err, &call->info,
		 &resp, call->data);
	call->resp_body = resp.body;  /* NULL if the callback stole it */
	free_call_data(call);
	if (!call->awaiting_creds)
		release_call(call);
}

static void on_timer(uv_timer_t *timer)
{
	struct gcr_aws_call *call = timer->data;

	if (call->state == CALL_BACKOFF)
		start_attempt(call);
	else if (call->state == CALL_FAILING)
		finish(call);
}

static void fail_later_set(struct gcr_aws_call *call, const struct gcr_error *err)
{
	call->status = err->code;
	call->err = *err;
	call->state = CALL_FAILING;
	uv_timer_start(&call->timer, on_timer, 0, 0);
}

static uint64_t ms_left(struct gcr_aws_call *call)
{
	uint64_t now;

	if (!call->deadline)
		return UINT64_MAX;
	now = uv_now(call->aws->loop);
	return call->deadline > now ? call->deadline - now : 0;
}

static int is_expired_credentials(const char *code)
{
	return strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
	       strcmp(code, "RequestExpired") == 0;
}

static void on_http_done(struct gcr_http_response *resp, void *data)
{
	struct gcr_aws_call *call = data;
	struct gcr_aws *aws = call->aws;
	enum gcr_retry_kind kind;
	struct gcr_retry_decision d;

	call->http_req = NULL;
	call->http_status = resp->status;
	call->bytes_received = resp->bytes_received;
	gcr_http_headers_clear(&call->resp_headers);
	call->resp_headers = resp->headers;
	gcr_http_headers_init(&resp->headers);
	free(call->resp_body);
	call->resp_body = resp->body;
	call->resp_len = resp->body_len;
	resp->body = NULL;

	memset(call->info.code, 0, sizeof call->info.code);
	call->info.message[0] = call->info.request_id[0] = '\0';
	call->info.failure = resp->failure;
	call->info.http_status = resp->status;
	if (resp->failure != GCR_HTTP_OK) {
		snprintf(call->info.message, sizeof call->info.message, "%s", resp->failure_message);
	} else if (resp->status >= 300) {
		gcr_aws_parse_error(call->proto.protocol, resp->status, &call->resp_headers,
				    call->resp_body, call->resp_len, &call->info);
	} else {
		const char *rid = gcr_http_headers_get(&call->resp_headers, "x-amzn-RequestId");
		if (!rid)
			rid = gcr_http_headers_get(&call->resp_headers, "x-amz-request-id");
		if (rid)
			snprintf(call->info.request_id, sizeof call->info.request_id, "%s", rid);
	}

	kind = gcr_retry_classify(resp->failure, resp->status, call->info.code);
	if (kind == GCR_RETRY_KIND_NONE) {
		gcr_retry_quota_success(&aws->quota, call->last_retry_cost);
		call->status = GCR_OK;
		finish(call);
		return;
	}
	call->status = GCR_ERR_REMOTE;  /* the real code comes from the info */
	if (resp->failure == GCR_HTTP_CANCELLED || !aws) {
		finish(call);
		return;
	}
	/* Credentials that expired between fetch and use: fetch again once. */
	if (resp->failure == GCR_HTTP_OK && is_expired_credentials(call->info.code) &&
	    aws->creds && !call->has_override && !call->refreshed_creds) {
		call->refreshed_creds = 1;
		gcr_aws_credentials_invalidate(aws->creds);
		start_attempt(call);
		return;
	}
	d = gcr_retry_decide(&aws->policy, &aws->quota, call->attempts, kind,
			     call->idempotent, ms_left(call), aws->random(aws->random_data));
	if (d.verdict == GCR_RETRY_YES) {
		call->last_retry_cost = d.cost;
		call->state = CALL_BACKOFF;
		gcr_log_debug("%s %s attempt %d: %s %s; retry in %llu ms (quota %d)",
			      call->service, call->operation, call->attempts,
			      call->info.code[0] ? call->info.code : "transport",
			      call->info.message, (unsigned long long)d.delay_ms,
			      aws->quota.available);
		uv_timer_start(&call->timer, on_timer, d.delay_ms, 0);
		return;
	}
	call->info.outcome_unknown = d.verdict == GCR_RETRY_NO_UNSAFE;
	if (d.verdict == GCR_RETRY_NO_QUOTA)
		gcr_log_debug("%s %s: retry quota exhausted", call->service, call->operation);
	finish(call);
}

/* Builds the header list, signs it and hands the request to HTTP. */
static void send_signed(struct gcr_aws_call *call, const struct gcr_aws_credentials *creds)
{
	struct gcr_aws *aws = call->aws;
	struct gcr_http_headers headers;
	struct gcr_http_request_spec spec = { 0 };
	struct gcr_error err;
	long timeout = call->attempt_timeout_ms;
	uint64_t left = ms_left(call);

	if (left == 0) {
		gcr_error_set(&err, GCR_ERR_CANCELLED, _("%s %s: the deadline passed"),
			      call->proto.display_name, call->operation);
		fail_later_set(call, &err);
		return;
	}
	if (left != UINT64_MAX && (uint64_t)timeout > left)
		timeout = (long)left;

	gcr_http_headers_init(&headers);
	gcr_http_headers_copy(&headers, &call->base_headers);
	gcr_http_headers_set(&headers, "Host", call->host);
	if (creds) {
		struct gcr_sigv4_header *sh = calloc(headers.count, sizeof *sh);
		struct gcr_sigv4_result res;
		struct gcr_sigv4_request sreq = {
			.method = call->method,
			.path = call->path,
			.query = call->query,
			.headers = sh,
			.header_count = headers.count,
			.payload = call->body,
			.payload_len = call->body_len,
			.payload_hash = call->upload_path || call->unsigned_payload
				? GCR_SIGV4_UNSIGNED_PAYLOAD : NULL,
			.region = call->signing_region,
			.service = call->signing_name,
			.when = time(NULL),
			.flags = strcmp(call->service, "s3") == 0 ? GCR_SIGV4_S3 : 0,
		};
		if (!sh)
			abort();
		for (size_t i = 0; i < headers.count; i++) {
			sh[i].name = headers.items[i].name;
			sh[i].value = headers.items[i].value;
		}
		if (gcr_sigv4_sign(&sreq, creds, &res, &err) != GCR_OK) {
			free(sh);
			gcr_http_headers_clear(&headers);
			gcr_error_prefix(&err, "%s %s", call->proto.display_name, call->operation);
			fail_later_set(call, &err);
			return;
		}
		free(sh);
		gcr_sigv4_apply(&res, &headers);
		gcr_sigv4_result_free(&res);
	}

	spec.method = call->method;
	spec.url = call->url;
	spec.headers = &headers;
	spec.body = call->body;
	spec.body_len = call->body_len;
	spec.upload_path = call->upload_path;
	spec.upload_offset = call->upload_offset;
	spec.upload_length = call->upload_length;
	spec.download_path = call->download_path;
	spec.timeout_ms = timeout;
	spec.connect_timeout_ms = timeout < 10000 ? timeout : 0;
	spec.fresh_connection = !call->idempotent;
	spec.progress = call->progress;
	spec.progress_data = call->progress_data;

	call->attempts++;
	call->state = CALL_SENDING;
	gcr_log_debug("%s %s attempt %d: %s %s", call->service, call->operation,
		      call->attempts, call->method, call->path);
	call->http_req = gcr_http_send(aws->http, &spec, on_http_done, call, &err);
	gcr_http_headers_clear(&headers);
	if (!call->http_req)
		fail_later_set(call, &err);
}

static void on_creds(enum gcr_status st, const struct gcr_aws_credentials *creds,
		     const struct gcr_error *err, void *data)
{
	struct gcr_aws_call *call = data;

	call->awaiting_creds = 0;
	if (call->reported) {   /* cancelled or orphaned meanwhile */
		release_call(call);
		return;
	}
	if (st != GCR_OK) {
		call->status = st;
		call->err = *err;
		if (st != GCR_ERR_CANCELLED && st != GCR_ERR_AUTH)
			call->status = GCR_ERR_AUTH;
		finish(call);
		return;
	}
	send_signed(call, creds);
}

static void start_attempt(struct gcr_aws_call *call)
{
	struct gcr_aws *aws = call->aws;
	const struct gcr_aws_credentials *cached;

	call->state = CALL_START;
	if (call->anonymous) {
		send_signed(call, NULL);
		return;
	}
	if (call->has_override) {
		send_signed(call, &call->override);
		return;
	}
	if (!aws->creds) {
		struct gcr_error err;
		gcr_error_set(&err, GCR_ERR_AUTH, _("%s %s: no credentials to sign with"),
			      call->proto.display_name, call->operation);
		fail_later_set(call, &err);
		return;
	}
	cached = gcr_aws_credentials_cached(aws->creds);
	if (cached) {
		send_signed(call, cached);
		return;
	}
	call->state = CALL_WAIT_CREDS;
	call->awaiting_creds = 1;
	gcr_aws_credentials_get(aws->creds, on_creds, call);
}

/* Splits the endpoint URL and joins the request path to its base path. */
static enum gcr_status build_target(struct gcr_aws_call *call, const char *endpoint_url,
				    const char *req_path, const char *req_query,
				    struct gcr_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *base = NULL;
	enum gcr_status st = GCR_OK;
	const char *p = req_path && *req_path ? req_path : "/";
	size_t blen;

	if (!u)
		abort();
	if (curl_url_set(u, CURLUPART_URL, endpoint_url, CURLU_PATH_AS_IS) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &base, 0) != CURLUE_OK) {
		st = gcr_error_set(err, GCR_ERR_INVALID, _("%s: endpoint '%s' is not a valid URL"),
				   call->proto.display_name, endpoint_url);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	call->host = port ? gcr_strdup_printf("%s:%s", host, port) : dup_or_null(host);
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	call->path = gcr_strdup_printf("%.*s%s%s", (int)blen, base, p[0] == '/' ? "" : "/", p);
	call->query = req_query && *req_query ? dup_or_null(req_query) : NULL;
	call->url = gcr_strdup_printf("%s://%s%s%s%s", scheme, call->host, call->path,
				      call->query ? "?" : "", call->query ? call->query : "");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(base);
	curl_url_cleanup(u);
	return st;
}

static enum gcr_status prepare(struct gcr_aws_call *call, const struct gcr_aws_request *req,
			       struct gcr_error *err)
{
	struct gcr_aws *aws = call->aws;
	struct gcr_aws_endpoint ep = { 0 };
	const char *region = req->region ? req->region : aws->region;
	enum gcr_status st;

	if (!gcr_aws_protocol_lookup(req->service, &call->proto))
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("unknown AWS service '%s'"),
				     req->service ? req->service : "");
	if (req->endpoint_url) {
		const struct gcr_aws_service_info *si = gcr_aws_service_lookup(req->service);
		if (!region)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("%s: no AWS region is set (use --region, AWS_REGION or "
					       "the profile's region)"), call->proto.display_name);
		call->signing_region = dup_or_null(region);
		call->signing_name = si ? si->signing_name : req->service;
		return build_target(call, req->endpoint_url, req->path, req->query, err);
	}
	st = gcr_aws_endpoint_resolve(aws->config, aws->profile, req->service, region, &ep, err);
	if (st != GCR_OK)
		return st;
	if (!ep.signing_region && !region) {
		gcr_aws_endpoint_clear(&ep);
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%s: no AWS region is set (use --region, AWS_REGION or the "
				       "profile's region)"), call->proto.display_name);
	}
	call->signing_region = dup_or_null(ep.signing_region ? ep.signing_region : region);
	call->signing_name = ep.signing_name;
	st = build_target(call, ep.url, req->path, req->query, err);
	gcr_aws_endpoint_clear(&ep);
	return st;
}

struct gcr_aws_call *gcr_aws_send(struct gcr_aws *aws, const struct gcr_aws_request *req,
				  gcr_aws_done_cb cb, void *data)
{
	struct gcr_aws_call *call = calloc(1, sizeof *call);
	struct gcr_error err;

	if (!call)
		abort();
	call->aws = aws;
	call->cb = cb;
	call->data = data;
	call->service = dup_or_null(req->service ? req->service : "");
	call->operation = dup_or_null(req->operation ? req->operation : "");
	call->method = dup_or_null(req->method ? req->method : "POST");
	gcr_http_headers_init(&call->base_headers);
	gcr_http_headers_init(&call->resp_headers);
	gcr_http_headers_copy(&call->base_headers, req->headers);
	if (req->body_len) {
		call->body = malloc(req->body_len);
		if (!call->body)
			abort();
		memcpy(call->body, req->body, req->body_len);
		call->body_len = req->body_len;
	}
	call->upload_path = dup_or_null(req->upload_path);
	call->upload_offset = req->upload_offset;
	call->upload_length = req->upload_length;
	call->download_path = dup_or_null(req->download_path);
	call->unsigned_payload = req->unsigned_payload;
	call->idempotent = req->idempotent;
	call->attempt_timeout_ms = req->attempt_timeout_ms > 0 ? req->attempt_timeout_ms
							       : aws->attempt_timeout_ms;
	call->deadline = req->deadline_ms > 0 ? uv_now(aws->loop) + (uint64_t)req->deadline_ms : 0;
	if (req->credentials) {
		gcr_aws_credentials_copy(&call->override, req->credentials);
		call->has_override = 1;
	}
	call->anonymous = req->anonymous;
	call->progress = req->progress;
	call->progress_data = req->progress_data;
	snprintf(call->info.service, sizeof call->info.service, "%s", call->service);
	snprintf(call->info.operation, sizeof call->info.operation, "%s", call->operation);

	uv_timer_init(aws->loop, &call->timer);
	call->timer.data = call;
	call->next = aws->calls;
	if (call->next)
		call->next->prev = call;
	aws->calls = call;
	aws->active++;

	if (prepare(call, req, &err) != GCR_OK) {
		fail_later_set(call, &err);
		return call;
	}
	snprintf(call->info.service, sizeof call->info.service, "%s",
		 call->proto.display_name);
	start_attempt(call);
	return call;
}

void gcr_aws_cancel(struct gcr_aws_call *call)
{
	switch (call->state) {
	case CALL_SENDING:
		if (call->http_req) {
			gcr_http_cancel(call->http_req);  /* on_http_done finishes */
			return;
		}
		break;
	case CALL_BACKOFF:
	case CALL_FAILING:
	case CALL_START:
		uv_timer_stop(&call->timer);
		break;
	case CALL_WAIT_CREDS:
		break;   /* on_creds releases it later */
	case CALL_DONE:
		return;
	}
	call->status = GCR_ERR_CANCELLED;
	call->info.failure = GCR_HTTP_CANCELLED;
	gcr_error_set(&call->err, GCR_ERR_CANCELLED, _("%s %s: cancelled"),
		      call->proto.display_name ? call->proto.display_name : call->service,
		      call->operation);
	finish(call);
}

void gcr_aws_free(struct gcr_aws *aws)
{
	if (!aws)
		return;
	while (aws->calls)
		gcr_aws_cancel(aws->calls);
	if (aws->owns_creds)
		gcr_aws_credential_provider_free(aws->creds);
	if (aws->owns_http)
		gcr_http_close(aws->http, NULL, NULL);
	gcr_aws_config_free(aws->own_config);
	free(aws->profile);
	free(aws->region);
	free(aws);
}

/* ---- JSON and query conveniences ---------------------------------------------- */

struct wrap {
	gcr_aws_json_cb json_cb;
	gcr_aws_xml_cb xml_cb;
	void *data;
};

static void on_json_done(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info,
			 struct gcr_aws_response *resp, void *data)
{
	struct wrap *w = data;
	json_t *answer = NULL;
	struct gcr_error perr;

	if (st == GCR_OK) {
		json_error_t jerr;
		if (resp->body_len == 0)
			answer = json_object();
		else
			answer = json_loadb(resp->body, resp->body_len, 0, &jerr);
		if (!json_is_object(answer)) {
			json_decref(answer);
			answer = NULL;
			st = gcr_error_set(&perr, GCR_ERR_REMOTE, _("%s %s: the answer is not a JSON object"),
					   info->service, info->operation);
			err = &perr;
		}
	}
	w->json_cb(st, err, info, answer, w->data);
	json_decref(answer);
	free(w);
}

static void fill_from_options(struct gcr_aws_request *req, const struct gcr_aws_call_options *o)
{
	req->idempotent = !(o && o->not_idempotent);
	if (!o)
		return;
	req->attempt_timeout_ms = o->attempt_timeout_ms;
	req->deadline_ms = o->deadline_ms;
	req->region = o->region;
	req->credentials = o->credentials;
	req->endpoint_url = o->endpoint_url;
}

struct gcr_aws_call *gcr_aws_rest_json_call(struct gcr_aws *aws, const char *service,
					    const char *operation, const char *method,
					    const char *path, const char *query,
					    json_t *input,
					    const struct gcr_aws_call_options *opts,
					    gcr_aws_json_cb cb, void *data)
{
	struct gcr_aws_request req = {
		.service = service, .operation = operation, .method = method,
		.path = path, .query = query,
	};
	struct gcr_http_headers headers;
	struct wrap *w = calloc(1, sizeof *w);
	struct gcr_aws_call *call;
	char *body = NULL;

	if (!w)
		abort();
	w->json_cb = cb;
	w->data = data;
	gcr_http_headers_init(&headers);
	if (input) {
		body = json_dumps(input, JSON_COMPACT);
		if (!body)
			abort();
		gcr_http_headers_add(&headers, "Content-Type", "application/json");
		req.body = body;
		req.body_len = strlen(body);
	}
	req.headers = &headers;
	fill_from_options(&req, opts);
	call = gcr_aws_send(aws, &req, on_json_done, w);
	free(body);
	gcr_http_headers_clear(&headers);
	return call;
}

struct gcr_aws_call *gcr_aws_json_call(struct gcr_aws *aws, const char *service,
				       const char *operation, json_t *input,
				       const struct gcr_aws_call_options *opts,
				       gcr_aws_json_cb cb, void *data)
{
	struct gcr_aws_protocol_info proto = { 0 };
	struct gcr_aws_request req = { .service = service, .operation = operation, .method = "POST" };
	struct gcr_http_headers headers;
	struct gcr_aws_call *call;
	struct wrap *w;
	json_t *empty = NULL;
	char *body, *target = NULL, *ctype = NULL, *path = NULL;

	gcr_aws_protocol_lookup(service, &proto);
	if (proto.protocol == GCR_AWS_PROTO_REST_JSON) {
		path = gcr_strdup_printf("/v1/%s", operation);
		for (char *c = path; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!input)
			input = empty = json_object();
		call = gcr_aws_rest_json_call(aws, service, operation, "POST", path, NULL,
					      input, opts, cb, data);
		free(path);
		json_decref(empty);
		return call;
	}
	w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->json_cb = cb;
	w->data = data;
	if (!input)
		input = empty = json_object();
	body = json_dumps(input, JSON_COMPACT);
	if (!body)
		abort();
	gcr_http_headers_init(&headers);
	if (proto.target_prefix) {
		target = gcr_strdup_printf("%s.%s", proto.target_prefix, operation);
		ctype = gcr_strdup_printf("application/x-amz-json-%s", proto.json_version);
		gcr_http_headers_add(&headers, "X-Amz-Target", target);
		gcr_http_headers_add(&headers, "Content-Type", ctype);
	}
	req.headers = &headers;
	req.body = body;
	req.body_len = strlen(body);
	fill_from_options(&req, opts);
	call = gcr_aws_send(aws, &req, on_json_done, w);
	free(body);
	free(target);
	free(ctype);
	gcr_http_headers_clear(&headers);
	json_decref(empty);
	return call;
}

struct pager {
	struct gcr_aws *aws;
	char *service, *operation, *input_token, *output_token, *result_key;
	json_t *input;
	json_t *items;
	json_t *last_token;
	int pages, max_pages;
	struct gcr_aws_call_options opts;
	int has_opts;
	gcr_aws_json_cb cb;
	void *data;
};

static void pager_free(struct pager *p)
{
	free(p->service);
	free(p->operation);
	free(p->input_token);
	free(p->output_token);
	free(p->result_key);
	json_decref(p->last_token);
	json_decref(p->input);
	json_decref(p->items);
	free(p);
}

static void on_page(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct pager *p = data;
	json_t *page_items, *token;

	if (st != GCR_OK) {
		p->cb(st, err, info, NULL, p->data);
		pager_free(p);
		return;
	}
	page_items = json_object_get(answer, p->result_key);
	if (json_is_array(page_items))
		json_array_extend(p->items, page_items);
	/* Tokens are strings, or maps (DynamoDB's LastEvaluatedKey). */
	token = json_object_get(answer, p->output_token);
	p->pages++;
	if (token && !json_is_null(token) && !(json_is_string(token) && !*json_string_value(token)) &&
	    p->pages < p->max_pages && !(p->last_token && json_equal(p->last_token, token))) {
		json_decref(p->last_token);
		p->last_token = json_incref(token);
		json_object_set(p->input, p->input_token, token);
		gcr_aws_json_call(p->aws, p->service, p->operation, p->input,
				  p->has_opts ? &p->opts : NULL, on_page, p);
		return;
	}
	json_object_set(answer, p->result_key, p->items);
	p->cb(GCR_OK, NULL, info, answer, p->data);
	pager_free(p);
}

void gcr_aws_json_paginate(struct gcr_aws *aws, const char *service, const char *operation,
			   json_t *input, const char *input_token,
			   const char *output_token, const char *result_key,
			   int max_pages, const struct gcr_aws_call_options *opts,
			   gcr_aws_json_cb cb, void *data)
{
	struct pager *p = calloc(1, sizeof *p);

	if (!p)
		abort();
	p->aws = aws;
	p->service = dup_or_null(service);
	p->operation = dup_or_null(operation);
	p->input_token = dup_or_null(input_token);
	p->output_token = dup_or_null(output_token);
	p->result_key = dup_or_null(result_key);
	p->input = input ? json_deep_copy(input) : json_object();
	p->items = json_array();
	p->max_pages = max_pages > 0 ? max_pages : 100;
	if (opts) {
		p->opts = *opts;  /* its strings must outlive the paging (documented) */
		p->has_opts = 1;
	}
	p->cb = cb;
	p->data = data;
	gcr_aws_json_call(aws, service, operation, p->input, opts, on_page, p);
}

static void on_xml_done(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_aws_error_info *info,
			struct gcr_aws_response *resp, void *data)
{
	struct wrap *w = data;
	xmlDocPtr doc = NULL;
	struct gcr_error perr;

	if (st == GCR_OK) {
		doc = gcr_xml_parse(resp->body, resp->body_len, &perr);
		if (!doc) {
			st = perr.code;
			gcr_error_prefix(&perr, "%s %s", info->service, info->operation);
			err = &perr;
		}
	}
	w->xml_cb(st, err, info, doc, w->data);
	if (doc)
		xmlFreeDoc(doc);
	free(w);
}

struct gcr_aws_call *gcr_aws_query_call(struct gcr_aws *aws, const char *service,
					const char *action,
					const struct gcr_aws_params *params,
					const struct gcr_aws_call_options *opts,
					gcr_aws_xml_cb cb, void *data)
{
	struct gcr_aws_protocol_info proto = { 0 };
	struct gcr_aws_request req = { .service = service, .operation = action, .method = "POST" };
	struct gcr_http_headers headers;
	struct gcr_aws_call *call;
	struct wrap *w = calloc(1, sizeof *w);
	char *body;

	if (!w)
		abort();
	w->xml_cb = cb;
	w->data = data;
	gcr_aws_protocol_lookup(service, &proto);
	body = gcr_aws_params_form(action, proto.api_version ? proto.api_version : "", params);
	gcr_http_headers_init(&headers);
	gcr_http_headers_add(&headers, "Content-Type",
			     "application/x-www-form-urlencoded; charset=utf-8");
	req.headers = &headers;
	req.body = body;
	req.body_len = strlen(body);
	fill_from_options(&req, opts);
	call = gcr_aws_send(aws, &req, on_xml_done, w);
	free(body);
	gcr_http_headers_clear(&headers);
	return call;
}

void gcr_aws_run_until(uv_loop_t *loop, const int *done)
{
	while (!*done && uv_run(loop, UV_RUN_ONCE))
		;
}
