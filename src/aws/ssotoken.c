/* ssotoken.c: the SSO token cache file and SSO OIDC / portal calls (see
 * ssotoken.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aws/endpoint.h"
#include "aws/ssotoken.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"

char *gcr_sso_cache_path(const char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *home = getenv("HOME");

	EVP_Digest(key, strlen(key), md, &len, EVP_sha1(), NULL);
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return gcr_strdup_printf("%s/.aws/sso/cache/%s.json", home ? home : "", hex);
}

enum gcr_status gcr_sso_cache_write(const char *path, json_t *doc, struct gcr_error *err)
{
	char *text = json_dumps(doc, JSON_INDENT(2));
	char *dir = gcr_strdup_printf("%s", path), *slash = strrchr(dir, '/');
	enum gcr_status st = GCR_OK;

	if (!text)
		abort();
	if (slash) {
		*slash = '\0';
		st = gcr_mkdir_p(dir, 0700, err);
	}
	if (st == GCR_OK)
		st = gcr_write_file_atomic(path, text, strlen(text), 0600, err);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	free(dir);
	return st;
}

struct call {
	gcr_sso_call_cb cb;
	void *data;
};

static void on_http(struct gcr_http_response *resp, void *data)
{
	struct call *c = data;
	struct gcr_aws_error_info info;
	struct gcr_error err;
	struct gcr_sso_answer a = { .info = &info, .err = &err };

	memset(&info, 0, sizeof info);
	memset(&err, 0, sizeof err);
	a.http_status = resp->failure == GCR_HTTP_OK ? resp->status : 0;
	if (resp->failure == GCR_HTTP_CANCELLED) {
		a.st = gcr_error_set(&err, GCR_ERR_CANCELLED, "%s", _("cancelled"));
	} else if (resp->failure != GCR_HTTP_OK) {
		a.st = gcr_http_failure_to_error(resp, _("SSO"), &err);
	} else if (resp->status >= 200 && resp->status < 300) {
		a.answer = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, NULL);
		a.st = a.answer ? GCR_OK
				: gcr_error_set(&err, GCR_ERR_REMOTE, "%s",
						_("SSO: the answer is not JSON"));
	} else {
		gcr_aws_parse_error(GCR_AWS_PROTO_REST_JSON, resp->status, &resp->headers, resp->body,
				    resp->body_len, &info);
		a.st = gcr_aws_error_to_gcr(&info, &err);
		if (a.st == GCR_OK)
			a.st = gcr_error_set(&err, GCR_ERR_REMOTE, _("SSO answered HTTP %ld"),
					     resp->status);
	}
	if (a.st == GCR_OK)
		a.err = NULL;
	c->cb(&a, c->data);
	json_decref(a.answer);
	free(c);
}

struct gcr_http_request *gcr_sso_call(struct gcr_http *http, const struct gcr_aws_config *cfg,
				      const char *profile, const char *service,
				      const char *sso_region, const char *method, const char *path,
				      json_t *body, const char *bearer_token, long timeout_ms,
				      gcr_sso_call_cb cb, void *data, struct gcr_error *err)
{
	struct gcr_aws_endpoint ep;
	struct gcr_http_headers headers;
	struct gcr_http_request_spec spec = { .method = method };
	struct gcr_http_request *req = NULL;
	char *url, *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct call *c;

	json_decref(body);
	if (gcr_aws_endpoint_resolve(cfg, profile, service, sso_region, &ep, err) != GCR_OK)
		goto out;
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	url = gcr_strdup_printf("%s%s", ep.url, path);
	gcr_aws_endpoint_clear(&ep);
	gcr_http_headers_init(&headers);
	if (text)
		gcr_http_headers_add(&headers, "Content-Type", "application/json");
	if (bearer_token)
		gcr_http_headers_add(&headers, "x-amz-sso_bearer_token", bearer_token);
	spec.url = url;
	spec.headers = &headers;
	spec.body = text;
	spec.body_len = text ? strlen(text) : 0;
	spec.timeout_ms = timeout_ms;
	spec.connect_timeout_ms = timeout_ms;
	gcr_log_debug("SSO %s %s %s", service, method, path);
	req = gcr_http_send(http, &spec, on_http, c, err);
	if (!req)
		free(c);
	gcr_http_headers_clear(&headers);
	free(url);
out:
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	return req;
}
