/* retry.c: the standard retry mode's arithmetic (see retry.h). */
#include "config.h"

#include <string.h>

#include "aws/retry.h"

void gcr_retry_quota_init(struct gcr_retry_quota *q, int capacity)
{
	q->capacity = capacity > 0 ? capacity : GCR_RETRY_QUOTA_CAPACITY;
	q->available = q->capacity;
}

int gcr_retry_quota_acquire(struct gcr_retry_quota *q, int after_timeout)
{
	int cost = after_timeout ? GCR_RETRY_TIMEOUT_COST : GCR_RETRY_COST;

	if (q->available < cost)
		return 0;
	q->available -= cost;
	return cost;
}

void gcr_retry_quota_success(struct gcr_retry_quota *q, int last_retry_cost)
{
	q->available += last_retry_cost > 0 ? last_retry_cost : GCR_RETRY_NO_RETRY_INCREMENT;
	if (q->available > q->capacity)
		q->available = q->capacity;
}

static int in_list(const char *code, const char *const *list)
{
	if (!code || !*code)
		return 0;
	for (size_t i = 0; list[i]; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

int gcr_retry_is_throttling_code(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "EC2ThrottledException", NULL,
	};
	return in_list(code, codes);
}

int gcr_retry_is_transient_code(const char *code)
{
	static const char *const codes[] = {
		"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
		"InternalError", "InternalFailure", "ServiceUnavailable", NULL,
	};
	return in_list(code, codes);
}

enum gcr_retry_kind gcr_retry_classify(enum gcr_http_failure failure,
				       long http_status, const char *error_code)
{
	switch (failure) {
	case GCR_HTTP_OK:
		break;
	case GCR_HTTP_NOT_SENT:
		return GCR_RETRY_KIND_CONNECTION;
	case GCR_HTTP_TIMEOUT:
		return GCR_RETRY_KIND_TIMEOUT;
	case GCR_HTTP_DROPPED:
	case GCR_HTTP_TRUNCATED:
		return GCR_RETRY_KIND_DROPPED;
	default:
		return GCR_RETRY_KIND_FATAL;  /* TLS, local files, cancel */
	}
	if (http_status >= 200 && http_status < 400)
		return GCR_RETRY_KIND_NONE;
	if (http_status == 429 || gcr_retry_is_throttling_code(error_code))
		return GCR_RETRY_KIND_THROTTLING;
	if (http_status == 500 || http_status == 502 || http_status == 503 ||
	    http_status == 504 || gcr_retry_is_transient_code(error_code))
		return GCR_RETRY_KIND_TRANSIENT;
	return GCR_RETRY_KIND_FATAL;
}

uint64_t gcr_retry_backoff_ms(int retry, double random01, uint64_t max_backoff_ms)
{
	uint64_t cap = max_backoff_ms ? max_backoff_ms : GCR_RETRY_MAX_BACKOFF_MS;
	uint64_t base = 1000;

	if (random01 < 0)
		random01 = 0;
	if (random01 >= 1)
		random01 = 0.999999;
	for (int i = 1; i < retry && base < cap; i++)
		base *= 2;
	if (base > cap)
		base = cap;
	return (uint64_t)(random01 * (double)base);
}

int gcr_retry_outcome_unknown(enum gcr_retry_kind kind, int idempotent)
{
	return !idempotent &&
	       (kind == GCR_RETRY_KIND_TIMEOUT || kind == GCR_RETRY_KIND_DROPPED);
}

struct gcr_retry_decision gcr_retry_decide(const struct gcr_retry_policy *policy,
					   struct gcr_retry_quota *q,
					   int attempts_made, enum gcr_retry_kind kind,
					   int idempotent, uint64_t ms_left,
					   double random01)
{
	struct gcr_retry_decision d = { .verdict = GCR_RETRY_NO_NOT_RETRYABLE };
	int max_attempts = policy && policy->max_attempts > 0
		? policy->max_attempts : GCR_RETRY_DEFAULT_ATTEMPTS;
	uint64_t cap = policy && policy->max_backoff_ms
		? policy->max_backoff_ms : GCR_RETRY_MAX_BACKOFF_MS;

	if (kind == GCR_RETRY_KIND_NONE || kind == GCR_RETRY_KIND_FATAL)
		return d;
	if (gcr_retry_outcome_unknown(kind, idempotent)) {
		d.verdict = GCR_RETRY_NO_UNSAFE;
		return d;
	}
	if (attempts_made >= max_attempts) {
		d.verdict = GCR_RETRY_NO_ATTEMPTS;
		return d;
	}
	d.delay_ms = gcr_retry_backoff_ms(attempts_made, random01, cap);
	if (d.delay_ms >= ms_left) {
		d.verdict = GCR_RETRY_NO_DEADLINE;
		d.delay_ms = 0;
		return d;
	}
	d.cost = gcr_retry_quota_acquire(q, kind == GCR_RETRY_KIND_TIMEOUT);
	if (d.cost == 0) {
		d.verdict = GCR_RETRY_NO_QUOTA;
		d.delay_ms = 0;
		return d;
	}
	d.verdict = GCR_RETRY_YES;
	return d;
}
