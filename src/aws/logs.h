/* logs.h: CloudWatch Logs (json 1.1): reading a job's log stream.
 *
 * To follow a stream: start from the head, keep sending nextForwardToken;
 * at the end the same token comes back -- then wait before asking again. */
#ifndef GCR_AWS_LOGS_H
#define GCR_AWS_LOGS_H

#include <stdint.h>

#include "aws/client.h"

struct gcr_logs_event {
	int64_t timestamp;        /* ms since the epoch */
	int64_t ingestion_time;
	const char *message;      /* borrowed */
};

struct gcr_logs_page {
	const struct gcr_logs_event *events;
	size_t n;
	const char *next_forward_token;   /* borrowed; may be NULL */
	const char *next_backward_token;
};

/* page is borrowed for the callback; NULL on failure. */
typedef void (*gcr_logs_page_cb)(enum gcr_status st, const struct gcr_error *err,
				 const struct gcr_logs_page *page, void *data);

struct gcr_logs_get_input {
	const char *group;        /* required */
	const char *stream;       /* required */
	int start_from_head;
	const char *next_token;   /* NULL: from the head (or tail) */
	int limit;                /* 0: the service's (up to 10 000) */
	int64_t start_time, end_time;  /* ms; 0: unbounded */
};

struct gcr_aws_call *gcr_logs_get_log_events(struct gcr_aws *aws,
					     const struct gcr_logs_get_input *in,
					     gcr_logs_page_cb cb, void *data);

/* FilterLogEvents, one page: input as in the model (logGroupName,
 * logStreamNames, filterPattern, startTime, nextToken, ...), borrowed. */
struct gcr_aws_call *gcr_logs_filter_log_events(struct gcr_aws *aws, json_t *input,
						gcr_aws_json_cb cb, void *data);

/* Reads a GetLogEvents answer into page (events allocated, strings
 * borrowed from answer; free page->events). */
enum gcr_status gcr_logs_parse_page(json_t *answer, struct gcr_logs_page *page,
				    struct gcr_error *err);

#endif
