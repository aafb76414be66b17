/* jobdef.c: the job definition a submission runs -- an ACTIVE revision of
 * geos-chem-classic-<arch> whose container (image, vCPUs, memory, command,
 * volumes, mount points, log configuration, job role) is what the plan
 * asks for, or a new revision when none is.  Any matching revision is
 * used, not only the newest, so switching between instance sizes never
 * piles up revisions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/batch.h"
#include "i18n.h"
#include "submit/submit_internal.h"

struct jobdef_ctx {
	struct gcr_aws *aws;
	struct submit_plan plan;
	submit_jobdef_cb cb;
	void *data;
	bool looked_again;            /* after a lost RegisterJobDefinition answer */
};

static void describe(struct jobdef_ctx *c);

static void finish(struct jobdef_ctx *c, enum gcr_status st, const struct gcr_error *err,
		   const char *arn, bool registered)
{
	c->cb(st, err, arn, registered, c->data);
	free(c);
}

static void on_registered(enum gcr_status st, const struct gcr_error *err,
			  const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct jobdef_ctx *c = data;
	const char *arn = json_string_value(json_object_get(answer, "jobDefinitionArn"));

	if (st == GCR_OK && arn) {
		finish(c, GCR_OK, NULL, arn, true);
		return;
	}
	if (st != GCR_OK && info && info->outcome_unknown && !c->looked_again) {
		/* It may have been registered: look before registering again. */
		c->looked_again = true;
		describe(c);
		return;
	}
	if (st == GCR_OK) {
		struct gcr_error e;
		gcr_error_set(&e, GCR_ERR_REMOTE,
			      _("Batch RegisterJobDefinition: the answer has no jobDefinitionArn"));
		finish(c, e.code, &e, NULL, false);
		return;
	}
	finish(c, st, err, NULL, false);
}

static void on_described(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct jobdef_ctx *c = data;
	json_t *d, *best = NULL, *input;
	size_t i;

	(void)info;
	if (st != GCR_OK) {
		finish(c, st, err, NULL, false);
		return;
	}
	json_array_foreach(json_object_get(answer, "jobDefinitions"), i, d) {
		if (!submit_jobdef_matches(d, &c->plan))
			continue;
		if (!best || json_integer_value(json_object_get(d, "revision")) >
			     json_integer_value(json_object_get(best, "revision")))
			best = d;
	}
	if (best) {
		finish(c, GCR_OK, NULL, json_string_value(json_object_get(best, "jobDefinitionArn")),
		       false);
		return;
	}
	input = submit_jobdef_input(&c->plan);
	gcr_batch_register_job_definition(c->aws, input, on_registered, c);
	json_decref(input);
}

static void describe(struct jobdef_ctx *c)
{
	json_t *input = json_pack("{s:s, s:s}", "jobDefinitionName", c->plan.job_definition,
				  "status", "ACTIVE");

	gcr_aws_json_paginate(c->aws, "batch", "DescribeJobDefinitions", input, "nextToken",
			      "nextToken", "jobDefinitions", 0, NULL, on_described, c);
	json_decref(input);
}

void submit_jobdef_ensure(struct gcr_aws *aws, const struct submit_plan *plan,
			  submit_jobdef_cb cb, void *data)
{
	struct jobdef_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->aws = aws;
	c->plan = *plan;
	c->cb = cb;
	c->data = data;
	describe(c);
}
