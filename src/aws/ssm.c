/* ssm.c: SSM SendCommand and GetCommandInvocation (see ssm.h). */
#include "config.h"

#include <stdlib.h>

#include "aws/ssm.h"
#include "i18n.h"

struct ssm_ctx {
	gcr_ssm_command_cb command_cb;
	gcr_ssm_invocation_cb invocation_cb;
	void *data;
};

static struct ssm_ctx *ctx_new(void *data)
{
	struct ssm_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->data = data;
	return c;
}

static void on_sent(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct ssm_ctx *c = data;
	const char *id = NULL;
	struct gcr_error perr;

	(void)info;
	if (st == GCR_OK) {
		id = json_string_value(json_object_get(json_object_get(answer, "Command"),
						       "CommandId"));
		if (!id) {
			st = gcr_error_set(&perr, GCR_ERR_REMOTE, "%s",
					   _("SSM SendCommand: the answer has no CommandId"));
			err = &perr;
		}
	}
	c->command_cb(st, err, id, c->data);
	free(c);
}

struct gcr_aws_call *gcr_ssm_send_command(struct gcr_aws *aws, const char *instance_id,
					  const char *const *commands, size_t n,
					  const char *comment, int timeout_seconds,
					  gcr_ssm_command_cb cb, void *data)
{
	struct gcr_aws_call_options opts = { .not_idempotent = 1 };
	struct ssm_ctx *c = ctx_new(data);
	json_t *input = json_object(), *lines = json_array();
	struct gcr_aws_call *call;

	c->command_cb = cb;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(lines, json_string(commands[i]));
	json_object_set_new(input, "DocumentName", json_string("AWS-RunShellScript"));
	json_object_set_new(input, "InstanceIds", json_pack("[s]", instance_id ? instance_id : ""));
	json_object_set_new(input, "Parameters", json_pack("{s:o}", "commands", lines));
	if (comment)
		json_object_set_new(input, "Comment", json_string(comment));
	if (timeout_seconds > 0)
		json_object_set_new(input, "TimeoutSeconds", json_integer(timeout_seconds));
	call = gcr_aws_json_call(aws, "ssm", "SendCommand", input, &opts, on_sent, c);
	json_decref(input);
	return call;
}

static const char *str_or_empty(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static void on_invocation(enum gcr_status st, const struct gcr_error *err,
			  const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct ssm_ctx *c = data;
	struct gcr_ssm_invocation inv = { 0 };

	(void)info;
	if (st == GCR_OK) {
		json_t *code = json_object_get(answer, "ResponseCode");
		inv.status = str_or_empty(answer, "Status");
		inv.status_details = str_or_empty(answer, "StatusDetails");
		inv.standard_output = str_or_empty(answer, "StandardOutputContent");
		inv.standard_error = str_or_empty(answer, "StandardErrorContent");
		inv.response_code = json_is_integer(code) ? (int)json_integer_value(code) : -1;
	}
	c->invocation_cb(st, err, st == GCR_OK ? &inv : NULL, c->data);
	free(c);
}

struct gcr_aws_call *gcr_ssm_get_command_invocation(struct gcr_aws *aws,
						    const char *command_id,
						    const char *instance_id,
						    gcr_ssm_invocation_cb cb, void *data)
{
	struct ssm_ctx *c = ctx_new(data);
	json_t *input = json_pack("{s:s, s:s}", "CommandId", command_id ? command_id : "",
				  "InstanceId", instance_id ? instance_id : "");
	struct gcr_aws_call *call;

	c->invocation_cb = cb;
	call = gcr_aws_json_call(aws, "ssm", "GetCommandInvocation", input, NULL,
				 on_invocation, c);
	json_decref(input);
	return call;
}
