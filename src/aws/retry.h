/* retry.h: the AWS SDKs' "standard" retry mode, as pure arithmetic.
 *
 * No clock, no randomness, no I/O here: the AWS client (client.c) asks
 * gcr_retry_decide what to do after a failed attempt and waits on a uv
 * timer itself.  That keeps the policy testable with exact numbers.
 *
 * The rules (aws.md, "Retries"): 3 attempts in all; delay before retry n is
 * random(0,1) * min(2^(n-1), 20) seconds; a retry quota token bucket of 500
 * where a retry costs 5 (10 after a timeout), no tokens means no retry, a
 * success without retry returns 1 token, a success after retries returns
 * the last retry's cost. */
#ifndef GCR_AWS_RETRY_H
#define GCR_AWS_RETRY_H

#include <stdint.h>

#include "aws/http.h"

#define GCR_RETRY_DEFAULT_ATTEMPTS 3
#define GCR_RETRY_MAX_BACKOFF_MS 20000
#define GCR_RETRY_QUOTA_CAPACITY 500
#define GCR_RETRY_COST 5
#define GCR_RETRY_TIMEOUT_COST 10
#define GCR_RETRY_NO_RETRY_INCREMENT 1

/* The retry quota shared by every call of one client. */
struct gcr_retry_quota {
	int available;
	int capacity;
};

void gcr_retry_quota_init(struct gcr_retry_quota *q, int capacity);
/* Takes the cost of a retry; returns the cost taken, or 0 when the bucket
 * has too few tokens (then do not retry). */
int gcr_retry_quota_acquire(struct gcr_retry_quota *q, int after_timeout);
/* After a successful attempt: last_retry_cost is what the last
 * gcr_retry_quota_acquire of this call returned, 0 if it never retried. */
void gcr_retry_quota_success(struct gcr_retry_quota *q, int last_retry_cost);

/* What kind of failure an attempt ended with. */
enum gcr_retry_kind {
	GCR_RETRY_KIND_NONE,        /* a success (2xx/3xx) */
	GCR_RETRY_KIND_THROTTLING,  /* 429 or a throttling error code */
	GCR_RETRY_KIND_TRANSIENT,   /* 500/502/503/504, transient codes */
	GCR_RETRY_KIND_CONNECTION,  /* the request never reached the server */
	GCR_RETRY_KIND_TIMEOUT,     /* sent, but no answer in time */
	GCR_RETRY_KIND_DROPPED,     /* sent, then connection lost or answer cut */
	GCR_RETRY_KIND_FATAL,       /* anything else: the caller's error */
};

/* True for the SDKs' throttling and transient error codes. */
int gcr_retry_is_throttling_code(const char *code);
int gcr_retry_is_transient_code(const char *code);

/* Sorts an attempt's outcome.  error_code may be NULL. */
enum gcr_retry_kind gcr_retry_classify(enum gcr_http_failure failure,
				       long http_status, const char *error_code);

/* Full-jitter backoff before retry number `retry` (1 for the first retry):
 * random01 in [0,1) times min(2^(retry-1) s, max_backoff_ms). */
uint64_t gcr_retry_backoff_ms(int retry, double random01, uint64_t max_backoff_ms);

struct gcr_retry_policy {
	int max_attempts;            /* total attempts, >= 1; default 3 */
	uint64_t max_backoff_ms;     /* default 20 000 */
};

/* Why no retry happens. */
enum gcr_retry_verdict {
	GCR_RETRY_YES,
	GCR_RETRY_NO_NOT_RETRYABLE,
	GCR_RETRY_NO_ATTEMPTS,       /* max_attempts used up */
	GCR_RETRY_NO_QUOTA,          /* token bucket empty */
	GCR_RETRY_NO_DEADLINE,       /* the wait would pass the call's deadline */
	GCR_RETRY_NO_UNSAFE,         /* non-idempotent and the server may have acted */
};

struct gcr_retry_decision {
	enum gcr_retry_verdict verdict;
	uint64_t delay_ms;           /* when YES */
	int cost;                    /* tokens taken when YES */
};

/* Decides after attempt number `attempts_made` (1 after the first) failed
 * with kind.  idempotent: the operation may run twice harmlessly.
 * ms_left: time to the overall deadline (UINT64_MAX for none).
 * random01 comes from the caller, so tests can fix it.  Takes tokens from
 * q only when the answer is YES. */
struct gcr_retry_decision gcr_retry_decide(const struct gcr_retry_policy *policy,
					   struct gcr_retry_quota *q,
					   int attempts_made, enum gcr_retry_kind kind,
					   int idempotent, uint64_t ms_left,
					   double random01);

/* "Outcome unknown": a non-idempotent request was sent and then timed out or
 * lost its connection, so it may or may not have taken effect. */
int gcr_retry_outcome_unknown(enum gcr_retry_kind kind, int idempotent);

#endif
