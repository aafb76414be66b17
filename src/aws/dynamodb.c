/* dynamodb.c: DynamoDB calls (see dynamodb.h). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aws/dynamodb.h"

json_t *gcr_ddb_s(const char *s)
{
	return json_pack("{s:s}", "S", s ? s : "");
}

json_t *gcr_ddb_n(int64_t n)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, n);
	return json_pack("{s:s}", "N", buf);
}

const char *gcr_ddb_get_s(json_t *item, const char *name)
{
	return json_string_value(json_object_get(json_object_get(item, name), "S"));
}

int gcr_ddb_get_n(json_t *item, const char *name, int64_t *out)
{
	const char *s = json_string_value(json_object_get(json_object_get(item, name), "N"));
	char *end;
	long long v;

	if (!s || !*s)
		return 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return 0;
	*out = v;
	return 1;
}

struct gcr_aws_call *gcr_ddb_put_item(struct gcr_aws *aws, const char *table, json_t *item,
				      const char *condition, json_t *names, json_t *values,
				      gcr_aws_json_cb cb, void *data)
{
	json_t *input = json_pack("{s:s, s:O}", "TableName", table ? table : "", "Item", item);
	struct gcr_aws_call *call;

	if (condition)
		json_object_set_new(input, "ConditionExpression", json_string(condition));
	if (names)
		json_object_set(input, "ExpressionAttributeNames", names);
	if (values)
		json_object_set(input, "ExpressionAttributeValues", values);
	call = gcr_aws_json_call(aws, "dynamodb", "PutItem", input, NULL, cb, data);
	json_decref(input);
	return call;
}

struct item_ctx {
	gcr_ddb_item_cb cb;
	void *data;
};

static void on_item(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct item_ctx *c = data;
	json_t *item = json_object_get(answer, "Item");

	(void)info;
	c->cb(st, err, json_is_object(item) ? item : NULL, c->data);
	free(c);
}

struct gcr_aws_call *gcr_ddb_get_item(struct gcr_aws *aws, const char *table, json_t *key,
				      int consistent, gcr_ddb_item_cb cb, void *data)
{
	struct item_ctx *c = calloc(1, sizeof *c);
	json_t *input = json_pack("{s:s, s:O, s:b}", "TableName", table ? table : "", "Key", key,
				  "ConsistentRead", consistent);
	struct gcr_aws_call *call;

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	call = gcr_aws_json_call(aws, "dynamodb", "GetItem", input, NULL, on_item, c);
	json_decref(input);
	return call;
}

struct gcr_aws_call *gcr_ddb_update_item(struct gcr_aws *aws, json_t *input,
					 gcr_aws_json_cb cb, void *data)
{
	struct gcr_aws_call_options opts = { .not_idempotent = 1 };

	return gcr_aws_json_call(aws, "dynamodb", "UpdateItem", input, &opts, cb, data);
}

struct gcr_aws_call *gcr_ddb_query(struct gcr_aws *aws, json_t *input,
				   gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "dynamodb", "Query", input, NULL, cb, data);
}

void gcr_ddb_query_all(struct gcr_aws *aws, json_t *input, int max_pages,
		       gcr_aws_json_cb cb, void *data)
{
	gcr_aws_json_paginate(aws, "dynamodb", "Query", input, "ExclusiveStartKey",
			      "LastEvaluatedKey", "Items", max_pages, NULL, cb, data);
}

struct gcr_aws_call *gcr_ddb_create_table(struct gcr_aws *aws, json_t *input,
					  gcr_aws_json_cb cb, void *data)
{
	return gcr_aws_json_call(aws, "dynamodb", "CreateTable", input, NULL, cb, data);
}

struct gcr_aws_call *gcr_ddb_describe_table(struct gcr_aws *aws, const char *table,
					    gcr_aws_json_cb cb, void *data)
{
	json_t *input = json_pack("{s:s}", "TableName", table ? table : "");
	struct gcr_aws_call *call = gcr_aws_json_call(aws, "dynamodb", "DescribeTable", input,
						      NULL, cb, data);

	json_decref(input);
	return call;
}
