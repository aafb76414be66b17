/* records.c: a submission's DynamoDB records -- the Simulations item
 * (created with a conditional put, then given its job id) and the Users
 * quota -- and the local budget.  Every write here may run again after a
 * lost answer or a restart without changing the outcome: conditions turn a
 * repeated write into a no-op. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "submit/submit_internal.h"

struct ddb_ctx {
	struct gcr_aws *aws;
	struct submit_plan plan;
	json_t *item;                 /* own reference or NULL */
	char job_id[128];
	char submitted_at[32];
	int phase;
	submit_ddb_cb cb;
	void *data;
};

static struct ddb_ctx *ctx_new(struct gcr_aws *aws, const struct submit_plan *plan,
			       json_t *item, submit_ddb_cb cb, void *data)
{
	struct ddb_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->aws = aws;
	c->plan = *plan;
	c->item = item ? json_incref(item) : NULL;
	c->cb = cb;
	c->data = data;
	return c;
}

static void finish(struct ddb_ctx *c, enum gcr_status st, const struct gcr_error *err,
		   json_t *item)
{
	c->cb(st, err, item, c->data);
	json_decref(c->item);
	free(c);
}

static void call(struct ddb_ctx *c, const char *operation, json_t *input, gcr_aws_json_cb cb)
{
	gcr_aws_json_call(c->aws, "dynamodb", operation, input, NULL, cb, c);
	json_decref(input);
}

/* ---- Simulations: create --------------------------------------------------------- */

/* For writes whose condition failing means "done already": the record
 * exists (the id is new and random, so it is our own earlier put), the
 * record is no longer SUBMITTING, the simulation was charged already or
 * the user has no Users item. */
static void on_written(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	(void)info;
	(void)answer;
	if (st == GCR_ERR_CONFLICT)
		st = GCR_OK;
	finish(data, st, st == GCR_OK ? NULL : err, NULL);
}

void submit_record_create(struct gcr_aws *aws, const struct submit_plan *plan, json_t *item,
			  submit_ddb_cb cb, void *data)
{
	struct ddb_ctx *c = ctx_new(aws, plan, item, cb, data);

	call(c, "PutItem", submit_record_put_input(plan, item), on_written);
}

/* ---- Simulations: the job id ------------------------------------------------------ */

static json_t *item_with_job(const struct ddb_ctx *c)
{
	json_t *item = json_deep_copy(c->item);
	char *results = *c->plan.result_location
			? gcr_strdup_printf("%s", c->plan.result_location)
			: gcr_strdup_printf("s3://%s/%s/results/%s/", c->plan.bucket,
					    c->plan.user_id, c->job_id);

	json_object_set_new(item, "jobId", json_pack("{s:s}", "S", c->job_id));
	json_object_set_new(item, "status", json_pack("{s:s}", "S", "SUBMITTED"));
	json_object_set_new(item, "submittedAt", json_pack("{s:s}", "S", c->submitted_at));
	json_object_set_new(item, "resultLocation", json_pack("{s:s}", "S", results));
	free(results);
	return item;
}

static void on_submitted_step(enum gcr_status st, const struct gcr_error *err,
			      const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct ddb_ctx *c = data;
	json_t *item;

	(void)info;
	(void)answer;
	if (st != GCR_ERR_CONFLICT || c->phase == 2) {
		/* Phase 2's conflict: the record exists and moved on. */
		finish(c, st == GCR_ERR_CONFLICT ? GCR_OK : st, st == GCR_OK ||
		       st == GCR_ERR_CONFLICT ? NULL : err, NULL);
		return;
	}
	/* The update's condition failed: the record is missing, or it is no
	 * longer SUBMITTING.  Write it whole unless it exists. */
	if (!c->item) {
		finish(c, GCR_OK, NULL, NULL);
		return;
	}
	c->phase = 2;
	item = item_with_job(c);
	call(c, "PutItem", submit_record_put_input(&c->plan, item), on_submitted_step);
	json_decref(item);
}

void submit_record_submitted(struct gcr_aws *aws, const struct submit_plan *plan, json_t *item,
			     const char *job_id, const char *submitted_at, submit_ddb_cb cb,
			     void *data)
{
	struct ddb_ctx *c = ctx_new(aws, plan, item, cb, data);

	snprintf(c->job_id, sizeof c->job_id, "%s", job_id);
	snprintf(c->submitted_at, sizeof c->submitted_at, "%s", submitted_at);
	c->phase = 1;
	call(c, "UpdateItem", submit_record_update_input(plan, job_id, submitted_at),
	     on_submitted_step);
}

/* ---- Simulations: closing a submission that never ran ----------------------------- */

void submit_record_close(struct gcr_aws *aws, const struct submit_plan *plan, const char *status,
			 const char *reason, submit_ddb_cb cb, void *data)
{
	struct ddb_ctx *c = ctx_new(aws, plan, NULL, cb, data);
	json_t *input = json_pack(
		"{s:s, s:{s:{s:s}, s:{s:s}}, s:s, s:s, s:{s:s}, s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
		"TableName", plan->table_simulations,
		"Key", "userId", "S", plan->user_id, "simulationId", "S", plan->sim_id,
		"UpdateExpression", "SET #s = :s, failureReason = :r",
		"ConditionExpression", "attribute_exists(simulationId) AND #s = :submitting",
		"ExpressionAttributeNames", "#s", "status",
		"ExpressionAttributeValues", ":s", "S", status, ":r", "S",
		reason && *reason ? reason : "-", ":submitting", "S", "SUBMITTING");

	call(c, "UpdateItem", input, on_written);
}

/* ---- Users ------------------------------------------------------------------------ */

static void on_user(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	json_t *item = json_object_get(answer, "Item");

	(void)info;
	finish(data, st, err, st == GCR_OK && json_is_object(item) ? item : NULL);
}

void submit_users_get(struct gcr_aws *aws, const struct submit_plan *plan, submit_ddb_cb cb,
		      void *data)
{
	struct ddb_ctx *c = ctx_new(aws, plan, NULL, cb, data);

	call(c, "GetItem", submit_users_get_input(plan), on_user);
}

void submit_quota_charge(struct gcr_aws *aws, const struct submit_plan *plan, submit_ddb_cb cb,
			 void *data)
{
	struct ddb_ctx *c = ctx_new(aws, plan, NULL, cb, data);

	call(c, "UpdateItem", submit_quota_charge_input(plan), on_written);
}

/* ---- the local budget ---------------------------------------------------------------- */

double submit_budget_used_this_month(struct gcr_journal *j, const char *except)
{
	char month[8];
	struct tm tm;
	time_t now = time(NULL);
	double used = 0;

	gmtime_r(&now, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	for (size_t i = 0; j && i < gcr_journal_count(j); i++) {
		const char *sim = gcr_journal_sim_at(j, i);
		json_t *s = gcr_journal_get(j, sim);
		const char *target = json_string_value(json_object_get(s, "target"));
		const char *first = json_string_value(json_object_get(s, "first_at"));
		json_t *cost = json_object_get(json_object_get(s, "plan"), "cost_usd");

		if (!target || strcmp(target, "batch") != 0 || json_is_true(json_object_get(s, "closed")))
			continue;
		if (except && strcmp(sim, except) == 0)
			continue;
		if (!first || strncmp(first, month, 7) != 0 || !json_is_number(cost))
			continue;
		used += json_number_value(cost);
	}
	return used;
}

void submit_budget_decide(struct submit_budget *b, double cost_high_usd)
{
	size_t n = 0;

	b->over = false;
	b->note[0] = '\0';
	if (b->quota_known && b->quota_used + cost_high_usd > b->quota_limit) {
		b->over = true;
		n += (size_t)snprintf(b->note + n, sizeof b->note - n,
				      _("the run may cost up to $%.2f; with $%.2f of your quota of "
					"$%.2f used (Users table), that is $%.2f over"),
				      cost_high_usd, b->quota_used, b->quota_limit,
				      b->quota_used + cost_high_usd - b->quota_limit);
	}
	if (n < sizeof b->note && b->budget_known &&
	    b->budget_used + cost_high_usd > b->budget_limit) {
		b->over = true;
		snprintf(b->note + n, sizeof b->note - n,
			 _("%sthe run may cost up to $%.2f; with $%.2f estimated for this month's "
			   "runs, that is $%.2f over your budget of $%.2f (budget.limit_usd)"),
			 n ? "; " : "", cost_high_usd, b->budget_used,
			 b->budget_used + cost_high_usd - b->budget_limit, b->budget_limit);
	}
}
