/* http.h: non-blocking HTTP on the program's libuv loop (libcurl multi).
 *
 * One struct gcr_http per loop drives every transfer with
 * curl_multi_socket_action: a uv_poll_t per socket and one non-repeating
 * uv_timer_t, as in curl's multi-uv example (with the timer's data set).
 * Connections are reused between requests; TLS peers are always verified
 * (CA bundle from the options, else AWS_CA_BUNDLE, else the system's);
 * proxies come from the standard environment variables (libcurl reads them).
 *
 * Every call returns at once; the answer arrives in a callback on the loop.
 * No function here blocks.  Transport failures are translated into
 * enum gcr_http_failure and a message: callers never see a CURLcode. */
#ifndef GCR_AWS_HTTP_H
#define GCR_AWS_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "error.h"

struct gcr_http;
struct gcr_http_request;

/* One header, in order; names compare case-insensitively. */
struct gcr_http_header {
	char *name;
	char *value;
};

/* A growable list of headers (the request's or the response's).
 * Owns its strings. */
struct gcr_http_headers {
	struct gcr_http_header *items;
	size_t count;
	size_t cap;
};

void gcr_http_headers_init(struct gcr_http_headers *h);
/* Appends a copy of name and value. */
void gcr_http_headers_add(struct gcr_http_headers *h, const char *name,
			  const char *value);
/* Replaces every header called name (case-insensitive) by one with value. */
void gcr_http_headers_set(struct gcr_http_headers *h, const char *name,
			  const char *value);
void gcr_http_headers_remove(struct gcr_http_headers *h, const char *name);
/* The first value for name (case-insensitive), or NULL.  Borrowed. */
const char *gcr_http_headers_get(const struct gcr_http_headers *h, const char *name);
void gcr_http_headers_copy(struct gcr_http_headers *dst,
			   const struct gcr_http_headers *src);
void gcr_http_headers_clear(struct gcr_http_headers *h);

/* Why a transfer produced no HTTP answer.  The split matters for retries:
 * NOT_SENT means the server cannot have acted on the request, so even a
 * non-idempotent call may be repeated; the others mean it may have. */
enum gcr_http_failure {
	GCR_HTTP_OK = 0,            /* an HTTP answer arrived (any status) */
	GCR_HTTP_NOT_SENT,          /* DNS, refused connect, TLS handshake, connect timeout */
	GCR_HTTP_TIMEOUT,           /* deadline hit after the request was sent */
	GCR_HTTP_DROPPED,           /* connection closed or reset, nothing (complete) came back */
	GCR_HTTP_TRUNCATED,         /* an answer began but its body was cut short */
	GCR_HTTP_TLS,               /* the peer's certificate did not verify */
	GCR_HTTP_LOCAL,             /* a local file could not be read or written */
	GCR_HTTP_CANCELLED,         /* gcr_http_cancel or gcr_http_close */
	GCR_HTTP_OTHER,
};

struct gcr_http_response {
	enum gcr_http_failure failure;
	char failure_message[256];  /* human text when failure != OK; no secrets */
	long status;                /* HTTP status, 0 when failure != OK */
	struct gcr_http_headers headers;
	char *body;                 /* NUL-terminated; empty when streamed to a file */
	size_t body_len;
	uint64_t bytes_received;    /* body bytes, also when streamed to a file */
	double total_seconds;
};

/* Progress: bytes done and expected (expected 0 when unknown). */
typedef void (*gcr_http_progress_cb)(uint64_t up_done, uint64_t up_total,
				     uint64_t down_done, uint64_t down_total,
				     void *data);

/* The completion callback.  resp is owned by the library and valid only
 * during the call (take what you need, or steal body and set it to NULL). */
typedef void (*gcr_http_done_cb)(struct gcr_http_response *resp, void *data);

struct gcr_http_request_spec {
	const char *method;        /* "GET", "POST", "PUT", "HEAD", "DELETE" */
	const char *url;           /* absolute http:// or https:// URL */
	const struct gcr_http_headers *headers;  /* copied; may be NULL */

	/* Request body: either memory (copied) ... */
	const void *body;
	size_t body_len;
	/* ... or a byte range of a local file (read while sending). */
	const char *upload_path;
	uint64_t upload_offset;
	uint64_t upload_length;

	/* Stream the answer's body to this file (created 0600, truncated)
	 * instead of memory; only for 2xx answers, other bodies stay in memory
	 * so their error can be parsed. */
	const char *download_path;

	long timeout_ms;           /* whole transfer; 0: the client's default */
	long connect_timeout_ms;   /* 0: the client's default */
	/* Never send this request on a connection that was used before.  A
	 * reused connection that the server closed makes libcurl resend the
	 * request silently; for a call that must not run twice that resend
	 * is not allowed (see gcr_aws_op.idempotent). */
	int fresh_connection;

	gcr_http_progress_cb progress;
	void *progress_data;
};

struct gcr_http_options {
	long connect_timeout_ms;   /* default 10 000 */
	long timeout_ms;           /* default 60 000 per transfer */
	const char *ca_bundle;     /* PEM file; NULL: AWS_CA_BUNDLE, else system */
	/* Open connections, and transfers handed to libcurl at once (the rest
	 * wait in order, so one loop pass never walks thousands); default 64. */
	long max_connections;
	long max_host_connections; /* per host; default 0 (no limit besides total) */
};

/* Creates the client on loop.  opts may be NULL for the defaults.
 * Returns NULL and fills err when libcurl cannot start. */
struct gcr_http *gcr_http_new(uv_loop_t *loop, const struct gcr_http_options *opts,
			      struct gcr_error *err);

uv_loop_t *gcr_http_loop(struct gcr_http *http);

/* Starts a transfer.  cb runs exactly once, later, on the loop (never from
 * inside this call).  Returns a handle usable with gcr_http_cancel until cb
 * has run, or NULL with err filled (then cb never runs). */
struct gcr_http_request *gcr_http_send(struct gcr_http *http,
				       const struct gcr_http_request_spec *spec,
				       gcr_http_done_cb cb, void *data,
				       struct gcr_error *err);

/* Stops a transfer; its callback runs (before this returns) with failure
 * GCR_HTTP_CANCELLED.  Do not call from inside that request's own callback. */
void gcr_http_cancel(struct gcr_http_request *req);

/* Number of transfers started and not yet completed. */
size_t gcr_http_active(const struct gcr_http *http);

/* Cancels every transfer (their callbacks run with GCR_HTTP_CANCELLED),
 * closes the libuv handles and frees the client once they are closed; keep
 * running the loop until then.  closed (may be NULL) runs after the free. */
void gcr_http_close(struct gcr_http *http, void (*closed)(void *data), void *data);

/* Translates a failed response into a gcr_error (GCR_ERR_NETWORK,
 * GCR_ERR_CANCELLED, GCR_ERR_IO) naming what was being done. */
enum gcr_status gcr_http_failure_to_error(const struct gcr_http_response *resp,
					  const char *what, struct gcr_error *err);

#endif
