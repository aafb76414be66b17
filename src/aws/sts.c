/* sts.c: STS GetCallerIdentity and AssumeRole (see sts.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/sts.h"
#include "i18n.h"

struct sts_ctx {
	gcr_sts_identity_cb identity_cb;
	gcr_sts_credentials_cb creds_cb;
	char *description;
	void *data;
};

static struct sts_ctx *ctx_new(void *data)
{
	struct sts_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->data = data;
	return c;
}

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_aws_error_info *info, xmlDocPtr doc, void *data)
{
	struct sts_ctx *c = data;
	struct gcr_sts_identity id = { 0 };
	struct gcr_error perr;
	xmlNodePtr result;

	(void)info;
	if (st == GCR_OK) {
		result = gcr_xml_find(xmlDocGetRootElement(doc), "GetCallerIdentityResult");
		if (!result || !gcr_xml_text_buf(result, "Account", id.account, sizeof id.account) ||
		    !gcr_xml_text_buf(result, "Arn", id.arn, sizeof id.arn)) {
			st = gcr_error_set(&perr, GCR_ERR_REMOTE, "%s",
					   _("STS GetCallerIdentity: the answer has no account or ARN"));
			err = &perr;
		} else {
			gcr_xml_text_buf(result, "UserId", id.user_id, sizeof id.user_id);
		}
	}
	c->identity_cb(st, err, st == GCR_OK ? &id : NULL, c->data);
	free(c);
}

struct gcr_aws_call *gcr_sts_get_caller_identity(struct gcr_aws *aws,
						 const struct gcr_aws_call_options *opts,
						 gcr_sts_identity_cb cb, void *data)
{
	struct sts_ctx *c = ctx_new(data);

	c->identity_cb = cb;
	return gcr_aws_query_call(aws, "sts", "GetCallerIdentity", NULL, opts, on_identity, c);
}

enum gcr_status gcr_sts_parse_credentials(xmlDocPtr doc, const char *description,
					  struct gcr_aws_credentials *out,
					  struct gcr_error *err)
{
	xmlNodePtr node = gcr_xml_find(xmlDocGetRootElement(doc), "Credentials");
	char *key = gcr_xml_text(node, "AccessKeyId");
	char *secret = gcr_xml_text(node, "SecretAccessKey");
	char *token = gcr_xml_text(node, "SessionToken");
	char *expiration = gcr_xml_text(node, "Expiration");
	time_t expires = 0;
	enum gcr_status st;

	if (!key || !secret || !token || !expiration || !gcr_aws_time_parse(expiration, &expires))
		st = gcr_error_set(err, GCR_ERR_REMOTE, "%s",
				   _("STS: the answer lacks credentials or their expiration"));
	else
		st = gcr_aws_credentials_set(out, key, secret, token, expires,
					     GCR_AWS_SOURCE_ASSUME_ROLE, description, err);
	free(key);
	if (secret) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	free(expiration);
	return st;
}

static void on_assume_role(enum gcr_status st, const struct gcr_error *err,
			   const struct gcr_aws_error_info *info, xmlDocPtr doc, void *data)
{
	struct sts_ctx *c = data;
	struct gcr_aws_credentials creds = { 0 };
	struct gcr_error perr;

	(void)info;
	if (st == GCR_OK) {
		st = gcr_sts_parse_credentials(doc, c->description, &creds, &perr);
		if (st != GCR_OK)
			err = &perr;
	}
	c->creds_cb(st, err, st == GCR_OK ? &creds : NULL, c->data);
	gcr_aws_credentials_clear(&creds);
	free(c->description);
	free(c);
}

struct gcr_aws_call *gcr_sts_assume_role(struct gcr_aws *aws,
					 const struct gcr_sts_assume_role_input *in,
					 gcr_sts_credentials_cb cb, void *data)
{
	struct gcr_aws_call_options opts = {
		.credentials = in->source,
		.region = in->region,
	};
	struct gcr_aws_params params;
	struct sts_ctx *c = ctx_new(data);
	struct gcr_aws_call *call;

	c->creds_cb = cb;
	c->description = in->description ? strdup(in->description) : NULL;
	gcr_aws_params_init(&params);
	gcr_aws_params_add(&params, "RoleArn", in->role_arn ? in->role_arn : "");
	gcr_aws_params_add(&params, "RoleSessionName", in->session_name ? in->session_name : "");
	if (in->duration_seconds > 0)
		gcr_aws_params_addf(&params, "DurationSeconds", "%d", in->duration_seconds);
	if (in->external_id)
		gcr_aws_params_add(&params, "ExternalId", in->external_id);
	if (in->mfa_serial) {
		gcr_aws_params_add(&params, "SerialNumber", in->mfa_serial);
		gcr_aws_params_add(&params, "TokenCode", in->token_code ? in->token_code : "");
	}
	call = gcr_aws_query_call(aws, "sts", "AssumeRole", &params, &opts, on_assume_role, c);
	gcr_aws_params_clear(&params);
	return call;
}
