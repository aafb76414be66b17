/* logs.c: CloudWatch Logs GetLogEvents and FilterLogEvents (see logs.h). */
#include "config.h"

#include <stdlib.h>

#include "aws/logs.h"
#include "i18n.h"

struct logs_ctx {
	gcr_logs_page_cb cb;
	void *data;
};

enum gcr_status gcr_logs_parse_page(json_t *answer, struct gcr_logs_page *page,
				    struct gcr_error *err)
{
	json_t *events = json_object_get(answer, "events"), *ev;
	struct gcr_logs_event *out;
	size_t i, n = 0;

	if (events && !json_is_array(events))
		return gcr_error_set(err, GCR_ERR_REMOTE, "%s",
				     _("CloudWatch Logs GetLogEvents: 'events' is not a list"));
	out = calloc(json_array_size(events) + 1, sizeof *out);
	if (!out)
		abort();
	json_array_foreach(events, i, ev) {
		const char *msg = json_string_value(json_object_get(ev, "message"));
		out[n].timestamp = json_integer_value(json_object_get(ev, "timestamp"));
		out[n].ingestion_time = json_integer_value(json_object_get(ev, "ingestionTime"));
		out[n].message = msg ? msg : "";
		n++;
	}
	page->events = out;
	page->n = n;
	page->next_forward_token = json_string_value(json_object_get(answer, "nextForwardToken"));
	page->next_backward_token = json_string_value(json_object_get(answer, "nextBackwardToken"));
	return GCR_OK;
}

static void on_events(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct logs_ctx *c = data;
	struct gcr_logs_page page = { 0 };
	struct gcr_error perr;

	(void)info;
	if (st == GCR_OK && gcr_logs_parse_page(answer, &page, &perr) != GCR_OK) {
		st = perr.code;
		err = &perr;
	}
	c->cb(st, err, st == GCR_OK ? &page : NULL, c->data);
	free((void *)page.events);
	free(c);
}

struct gcr_aws_call *gcr_logs_get_log_events(struct gcr_aws *aws,
					     const struct gcr_logs_get_input *in,
					     gcr_logs_page_cb cb, void *data)
{
	struct logs_ctx *c = calloc(1, sizeof *c);
	json_t *input = json_object();
	struct gcr_aws_call *call;

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	json_object_set_new(input, "logGroupName", json_string(in->group ? in->group : ""));
	json_object_set_new(input, "logStreamName", json_string(in->stream ? in->stream : ""));
	json_object_set_new(input, "startFromHead", json_boolean(in->start_from_head));
	if (in->next_token)
		json_object_set_new(input, "nextToken", json_string(in->next_token));
	if (in->limit > 0)
		json_object_set_new(input, "limit", json_integer(in->limit));
	if (in->start_time)
		json_object_set_new(input, "startTime", json_integer(in->start_time));
	if (in->end_time)
		json_object_set_new(input, "endTime", json_integer(in->end_time));
	call = gcr_aws_json_call(aws, "logs", "GetLogEvents", input, NULL, on_events, c);
	json_decref(input);
	return call;
}

struct gcr_aws_call *gcr_logs_filter_log_events(struct gcr_aws *aws, json_t *input,
						gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "logs", "FilterLogEvents", input, NULL, cb, data);
}
