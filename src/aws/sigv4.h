/* sigv4.h: AWS Signature Version 4 request signing (OpenSSL EVP).
 *
 * The signer canonicalises a request, hashes it and produces the headers to
 * add: Authorization, X-Amz-Date, X-Amz-Security-Token (when the credentials
 * carry a session token) and, for S3, x-amz-content-sha256.  It passes the
 * official SigV4 test suite (tests/unit/check_sigv4.c).
 *
 * Rules, as the AWS SDKs apply them:
 *  - path: the path exactly as sent on the wire (already percent-encoded).
 *    For every service but S3 it is normalised (dot segments and repeated
 *    slashes removed) and URI-encoded once more (so "%20" is signed as
 *    "%2520"); for S3 it is signed as sent.
 *  - query: the raw query string (after '?'); each key and value is decoded
 *    and re-encoded with RFC 3986's unreserved set, then the pairs are
 *    sorted by key, then value.  Build queries with gcr_aws_uri_encode()
 *    so what is sent is what is signed.
 *  - headers: every header given is signed except User-Agent, Expect and
 *    X-Amzn-Trace-Id; names are lower-cased, values trimmed with inner runs
 *    of white space collapsed, repeated names joined with commas.  A Host
 *    header is required.  Authorization, X-Amz-Date, X-Amz-Security-Token
 *    and (for S3) x-amz-content-sha256 in the input are ignored: the signer
 *    makes its own.  Do not pass Content-Length (libcurl adds it).
 *
 * Speed: no allocation on the usual path; the derived signing key is cached
 * per thread for (secret, date, region, service), as the SDKs do. */
#ifndef GCR_AWS_SIGV4_H
#define GCR_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "aws/credentials.h"
#include "error.h"

struct gcr_http_headers;

/* One request header; borrowed strings. */
struct gcr_sigv4_header {
	const char *name;
	const char *value;
};

enum {
	/* S3 rules: path signed as sent, x-amz-content-sha256 sent and signed. */
	GCR_SIGV4_S3 = 1u << 0,
	/* Add X-Amz-Security-Token after signing instead of signing it (a few
	 * old services want that; the test suite's post-sts-header-after). */
	GCR_SIGV4_TOKEN_UNSIGNED = 1u << 1,
	/* Also return the canonical request and the string to sign (tests,
	 * debugging a SignatureDoesNotMatch).  Allocates. */
	GCR_SIGV4_WANT_DEBUG = 1u << 2,
};

/* "UNSIGNED-PAYLOAD": for payload_hash when the body is not hashed (S3
 * streaming uploads over HTTPS). */
#define GCR_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

struct gcr_sigv4_request {
	const char *method;        /* "GET", "POST", ... */
	const char *path;          /* as sent; NULL or "" means "/" */
	const char *query;         /* raw query without '?', or NULL */
	const struct gcr_sigv4_header *headers;  /* must include Host */
	size_t header_count;
	/* The body, hashed here ... */
	const void *payload;
	size_t payload_len;
	/* ... unless this is set: 64 lower-case hex digits of its SHA-256, or
	 * GCR_SIGV4_UNSIGNED_PAYLOAD. */
	const char *payload_hash;
	const char *region;        /* e.g. "us-east-1" */
	const char *service;       /* signing name, e.g. "batch", "s3" */
	time_t when;               /* signing time (UTC seconds) */
	unsigned flags;            /* GCR_SIGV4_* */
};

#define GCR_SIGV4_AUTHORIZATION_MAX 2048

/* The headers to add.  Plain arrays, so signing allocates nothing. */
struct gcr_sigv4_result {
	char authorization[GCR_SIGV4_AUTHORIZATION_MAX];
	char amz_date[17];            /* "20150830T123600Z" */
	char content_sha256[65];      /* S3 only (hash or UNSIGNED-PAYLOAD), else "" */
	const char *security_token;   /* borrowed from the credentials, or NULL */
	/* With GCR_SIGV4_WANT_DEBUG only (else NULL); freed by
	 * gcr_sigv4_result_free. */
	char *canonical_request;
	char *string_to_sign;
};

/* Signs req with creds into out (which needs no initialisation).  Fails
 * with GCR_ERR_INVALID for a missing Host header, method, region, service
 * or credentials, or a malformed payload_hash; GCR_ERR_INTERNAL if OpenSSL
 * fails.  The error never contains a secret. */
enum gcr_status gcr_sigv4_sign(const struct gcr_sigv4_request *req,
			       const struct gcr_aws_credentials *creds,
			       struct gcr_sigv4_result *out,
			       struct gcr_error *err);

/* Frees the debug strings (safe on any signed result, also twice). */
void gcr_sigv4_result_free(struct gcr_sigv4_result *out);

/* Sets the result's headers on an HTTP header list (replacing any earlier
 * Authorization, X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256,
 * e.g. when a request is signed again for a retry). */
void gcr_sigv4_apply(const struct gcr_sigv4_result *res,
		     struct gcr_http_headers *headers);

/* Lower-case hex SHA-256 of data into out (65 bytes with the NUL). */
void gcr_sha256_hex(const void *data, size_t len, char out[65]);

/* RFC 3986 encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX
 * (upper-case hex); '/' is kept when keep_slash is non-zero (S3 keys in
 * paths).  Returns a new string (caller frees). */
char *gcr_aws_uri_encode(const char *s, size_t len, int keep_slash);

#endif
