/* credentials.c: the credentials value type (copy, wipe, describe, redact).
 * The provider chain is in credchain.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/credentials.h"
#include "i18n.h"

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();   /* as gcr_strdup_printf: nothing sensible to do */
	return d;
}

enum gcr_status gcr_aws_credentials_set(struct gcr_aws_credentials *c,
					const char *access_key_id,
					const char *secret_access_key,
					const char *session_token,
					time_t expiration,
					enum gcr_aws_credential_source source,
					const char *source_description,
					struct gcr_error *err)
{
	memset(c, 0, sizeof *c);
	if (!access_key_id || !*access_key_id)
		return gcr_error_set(err, GCR_ERR_INVALID, _("the access key id is empty"));
	if (!secret_access_key || !*secret_access_key)
		return gcr_error_set(err, GCR_ERR_INVALID, _("the secret access key is empty"));
	c->access_key_id = dup_or_null(access_key_id);
	c->secret_access_key = dup_or_null(secret_access_key);
	c->session_token = session_token && *session_token ? dup_or_null(session_token) : NULL;
	c->expiration = expiration;
	c->source = source;
	c->source_description = dup_or_null(source_description);
	return GCR_OK;
}

void gcr_aws_credentials_copy(struct gcr_aws_credentials *dst,
			      const struct gcr_aws_credentials *src)
{
	dst->access_key_id = dup_or_null(src->access_key_id);
	dst->secret_access_key = dup_or_null(src->secret_access_key);
	dst->session_token = dup_or_null(src->session_token);
	dst->expiration = src->expiration;
	dst->source = src->source;
	dst->source_description = dup_or_null(src->source_description);
}

void gcr_aws_credentials_clear(struct gcr_aws_credentials *c)
{
	if (!c)
		return;
	free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	free(c->source_description);
	memset(c, 0, sizeof *c);
}

const char *gcr_aws_credential_source_token(enum gcr_aws_credential_source s)
{
	switch (s) {
	case GCR_AWS_SOURCE_NONE: return "none";
	case GCR_AWS_SOURCE_ENVIRONMENT: return "environment";
	case GCR_AWS_SOURCE_ASSUME_ROLE: return "assume-role";
	case GCR_AWS_SOURCE_WEB_IDENTITY: return "web-identity";
	case GCR_AWS_SOURCE_SSO: return "sso";
	case GCR_AWS_SOURCE_CREDENTIALS_FILE: return "shared-credentials-file";
	case GCR_AWS_SOURCE_PROCESS: return "credential-process";
	case GCR_AWS_SOURCE_CONFIG_FILE: return "config-file";
	case GCR_AWS_SOURCE_CONTAINER: return "container";
	case GCR_AWS_SOURCE_INSTANCE_ROLE: return "instance-role";
	case GCR_AWS_SOURCE_STATIC: return "static";
	}
	return "none";
}

const char *gcr_credentials_describe_source(const struct gcr_aws_credentials *c)
{
	if (!c)
		return _("no credentials");
	if (c->source_description && *c->source_description)
		return c->source_description;
	switch (c->source) {
	case GCR_AWS_SOURCE_ENVIRONMENT: return _("environment");
	case GCR_AWS_SOURCE_CONTAINER: return _("container");
	case GCR_AWS_SOURCE_STATIC: return _("set by the program");
	default: return gcr_aws_credential_source_token(c->source);
	}
}

const char *gcr_aws_redact_key_id(const char *id, char out[GCR_AWS_REDACTED_MAX])
{
	static const char ellipsis[] = "\xe2\x80\xa6";   /* U+2026 */
	size_t n = id ? strlen(id) : 0;

	if (n > 8) {
		snprintf(out, GCR_AWS_REDACTED_MAX, "%.4s%s%s", id, ellipsis, id + n - 4);
	} else {
		/* Short ids (none are real): show almost nothing. */
		snprintf(out, GCR_AWS_REDACTED_MAX, "%s%s", ellipsis, n > 4 ? id + n - 2 : "");
	}
	return out;
}
