/* dynamodb.h: DynamoDB (json 1.0): the table that records gcrunner's runs.
 *
 * Items use DynamoDB's attribute-value JSON ({"S": "..."}, {"N": "12"},
 * {"M": {...}}, ...); gcr_ddb_s/gcr_ddb_n build the common ones.  A failed
 * condition (ConditionalCheckFailedException) is GCR_ERR_CONFLICT. */
#ifndef GCR_AWS_DYNAMODB_H
#define GCR_AWS_DYNAMODB_H

#include <stdint.h>

#include "aws/client.h"

/* New references: {"S": s} and {"N": "<n>"}. */
json_t *gcr_ddb_s(const char *s);
json_t *gcr_ddb_n(int64_t n);
/* The string in an item's attribute ({"S": ...}), or NULL.  Borrowed. */
const char *gcr_ddb_get_s(json_t *item, const char *name);
/* The number in {"N": ...}; returns 1 when present and whole. */
int gcr_ddb_get_n(json_t *item, const char *name, int64_t *out);

/* PutItem.  item borrowed.  condition (e.g. "attribute_not_exists(pk)"),
 * names (#n -> name) and values (:v -> attribute value) may be NULL.
 * cb's answer is the model's PutItemOutput. */
struct gcr_aws_call *gcr_ddb_put_item(struct gcr_aws *aws, const char *table, json_t *item,
				      const char *condition, json_t *names, json_t *values,
				      gcr_aws_json_cb cb, void *data);

/* item: the item, borrowed for the callback; NULL when there is none (st is
 * still GCR_OK then). */
typedef void (*gcr_ddb_item_cb)(enum gcr_status st, const struct gcr_error *err,
				json_t *item, void *data);

/* GetItem by key (borrowed), strongly consistent if asked. */
struct gcr_aws_call *gcr_ddb_get_item(struct gcr_aws *aws, const char *table, json_t *key,
				      int consistent, gcr_ddb_item_cb cb, void *data);

/* The model's JSON in and out (input borrowed).  UpdateItem is treated as
 * not idempotent (ADD and list appends are not): give it a condition if it
 * must not apply twice, and reconcile after an "outcome unknown" error. */
struct gcr_aws_call *gcr_ddb_update_item(struct gcr_aws *aws, json_t *input,
					 gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_ddb_query(struct gcr_aws *aws, json_t *input,
				   gcr_aws_json_cb cb, void *data);
/* Query through every page (LastEvaluatedKey); the answer's Items holds all. */
void gcr_ddb_query_all(struct gcr_aws *aws, json_t *input, int max_pages,
		       gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_ddb_create_table(struct gcr_aws *aws, json_t *input,
					  gcr_aws_json_cb cb, void *data);
struct gcr_aws_call *gcr_ddb_describe_table(struct gcr_aws *aws, const char *table,
					    gcr_aws_json_cb cb, void *data);

#endif
