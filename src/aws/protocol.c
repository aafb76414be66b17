/* protocol.c: AWS error shapes, form encoding and XML helpers (see protocol.h). */
#include "config.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"
#include "i18n.h"
#include "paths.h"

static void copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "prefix#Code:extra" -> "Code" (the header and __type forms). */
static void set_code(struct gcr_aws_error_info *out, const char *raw)
{
	const char *start = raw, *hash = strchr(raw, '#'), *end;

	if (hash)
		start = hash + 1;
	end = strchr(start, ':');
	copy_text(out->code, sizeof out->code, start, end ? (size_t)(end - start) : strlen(start));
}

static void parse_json_error(const char *body, size_t len, struct gcr_aws_error_info *out)
{
	json_t *root = json_loadb(body, len, 0, NULL);
	const char *keys_code[] = { "__type", "code", "Code", NULL };
	const char *keys_msg[] = { "message", "Message", "errorMessage", NULL };

	if (!json_is_object(root)) {
		json_decref(root);
		return;
	}
	for (size_t i = 0; !out->code[0] && keys_code[i]; i++) {
		const char *v = json_string_value(json_object_get(root, keys_code[i]));
		if (v && *v)
			set_code(out, v);
	}
	for (size_t i = 0; !out->message[0] && keys_msg[i]; i++) {
		const char *v = json_string_value(json_object_get(root, keys_msg[i]));
		if (v)
			copy_text(out->message, sizeof out->message, v, strlen(v));
	}
	json_decref(root);
}

static void parse_xml_error(enum gcr_aws_protocol proto, const char *body, size_t len,
			    struct gcr_aws_error_info *out)
{
	xmlDocPtr doc = gcr_xml_parse(body, len, NULL);
	xmlNodePtr root, error;

	if (!doc)
		return;
	root = xmlDocGetRootElement(doc);
	/* <ErrorResponse><Error> (query), <Response><Errors><Error> (EC2),
	 * <Error> at the root (S3): find the first Error element anywhere. */
	(void)proto;
	error = root && xmlStrcmp(root->name, BAD_CAST "Error") == 0 ? root : gcr_xml_find(root, "Error");
	if (error) {
		if (!out->code[0])
			gcr_xml_text_buf(error, "Code", out->code, sizeof out->code);
		if (!out->message[0])
			gcr_xml_text_buf(error, "Message", out->message, sizeof out->message);
		if (!out->request_id[0])
			gcr_xml_text_buf(error, "RequestId", out->request_id, sizeof out->request_id);
	}
	if (!out->request_id[0] && root) {
		if (!gcr_xml_text_buf(root, "RequestId", out->request_id, sizeof out->request_id))
			gcr_xml_text_buf(root, "RequestID", out->request_id, sizeof out->request_id);
	}
	xmlFreeDoc(doc);
}

/* A code for answers without a body (S3 HEAD, a proxy's bare 503). */
static const char *code_for_status(long status)
{
	switch (status) {
	case 301: return "PermanentRedirect";
	case 400: return "BadRequest";
	case 403: return "Forbidden";
	case 404: return "NotFound";
	case 409: return "Conflict";
	case 412: return "PreconditionFailed";
	case 429: return "TooManyRequestsException";
	case 500: return "InternalError";
	case 503: return "ServiceUnavailable";
	default: return "";
	}
}

void gcr_aws_parse_error(enum gcr_aws_protocol proto, long http_status,
			 const struct gcr_http_headers *headers,
			 const char *body, size_t body_len,
			 struct gcr_aws_error_info *out)
{
	const char *v;

	out->http_status = http_status;
	if (headers) {
		if ((v = gcr_http_headers_get(headers, "x-amzn-RequestId")) ||
		    (v = gcr_http_headers_get(headers, "x-amz-request-id")))
			copy_text(out->request_id, sizeof out->request_id, v, strlen(v));
		if ((proto == GCR_AWS_PROTO_JSON || proto == GCR_AWS_PROTO_REST_JSON) &&
		    (v = gcr_http_headers_get(headers, "x-amzn-ErrorType")) && *v)
			set_code(out, v);
	}
	if (body && body_len) {
		switch (proto) {
		case GCR_AWS_PROTO_JSON:
		case GCR_AWS_PROTO_REST_JSON:
			parse_json_error(body, body_len, out);
			break;
		default:
			parse_xml_error(proto, body, body_len, out);
			break;
		}
	}
	if (!out->code[0]) {
		v = code_for_status(http_status);
		copy_text(out->code, sizeof out->code, v, strlen(v));
	}
}

static int code_is(const char *code, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

enum gcr_status gcr_aws_error_to_gcr(const struct gcr_aws_error_info *info,
				     struct gcr_error *err)
{
	static const char *const auth[] = {
		"AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
		"InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
		"SignatureDoesNotMatch", "InvalidSignatureException",
		"IncompleteSignature", "MissingAuthenticationToken",
		"AuthFailure", "UnauthorizedOperation", "InvalidAccessKeyId",
		"Forbidden", "MissingAuthenticationTokenException", NULL,
	};
	static const char *const not_found[] = {
		"ResourceNotFoundException", "NoSuchKey", "NoSuchBucket", "NotFound",
		"InvalidInstanceID.NotFound", "InvocationDoesNotExist", NULL,
	};
	static const char *const conflict[] = {
		"ConditionalCheckFailedException", "BucketAlreadyOwnedByYou",
		"BucketAlreadyExists", "ResourceInUseException", "PreconditionFailed",
		"ConflictException", "Conflict", NULL,
	};
	enum gcr_status code;
	char where[128], request[192] = "";

	snprintf(where, sizeof where, "%s%s%s", info->service,
		 info->operation[0] ? " " : "", info->operation);
	if (info->request_id[0])
		snprintf(request, sizeof request, _(", request id %s"), info->request_id);

	if (info->failure != GCR_HTTP_OK) {
		if (info->failure == GCR_HTTP_CANCELLED)
			return gcr_error_set(err, GCR_ERR_CANCELLED, _("%s: cancelled"), where);
		if (info->failure == GCR_HTTP_LOCAL)
			return gcr_error_set(err, GCR_ERR_IO, "%s: %s", where, info->message);
		if (info->outcome_unknown)
			return gcr_error_set(err, GCR_ERR_NETWORK,
					     _("%s: outcome unknown: the request was sent but %s; "
					       "it may or may not have taken effect, and was not "
					       "repeated"), where, info->message);
		return gcr_error_set(err, GCR_ERR_NETWORK,
				     P_("%s: %s (after %d attempt)", "%s: %s (after %d attempts)",
					info->attempts > 0 ? info->attempts : 1),
				     where, info->message, info->attempts > 0 ? info->attempts : 1);
	}
	if (code_is(info->code, auth) || info->http_status == 401)
		code = GCR_ERR_AUTH;
	else if (code_is(info->code, not_found) || info->http_status == 404)
		code = GCR_ERR_NOT_FOUND;
	else if (code_is(info->code, conflict))
		code = GCR_ERR_CONFLICT;
	else
		code = GCR_ERR_REMOTE;
	return gcr_error_set(err, code, _("%s: %s%s%s (HTTP %ld%s)"), where,
			     info->code[0] ? info->code : _("error"),
			     info->message[0] ? ": " : "", info->message,
			     info->http_status, request);
}

/* ---- form parameters ------------------------------------------------------ */

void gcr_aws_params_init(struct gcr_aws_params *p)
{
	p->items = NULL;
	p->count = p->cap = 0;
}

void gcr_aws_params_add(struct gcr_aws_params *p, const char *name, const char *value)
{
	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = realloc(p->items, p->cap * sizeof *p->items);
		if (!p->items)
			abort();
	}
	p->items[p->count].name = strdup(name);
	p->items[p->count].value = strdup(value ? value : "");
	if (!p->items[p->count].name || !p->items[p->count].value)
		abort();
	p->count++;
}

void gcr_aws_params_addf(struct gcr_aws_params *p, const char *name, const char *fmt, ...)
{
	char *value;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		abort();
	va_end(ap);
	gcr_aws_params_add(p, name, value);
	free(value);
}

void gcr_aws_params_clear(struct gcr_aws_params *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->items[i].name);
		free(p->items[i].value);
	}
	free(p->items);
	gcr_aws_params_init(p);
}

/* RFC 3986 (unreserved A-Z a-z 0-9 - _ . ~), as the form body is signed. */
static char *form_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 1), *o = out;

	if (!out)
		abort();
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' ||
		    *c == '~') {
			*o++ = (char)*c;
		} else {
			*o++ = '%';
			*o++ = hex[*c >> 4];
			*o++ = hex[*c & 15];
		}
	}
	*o = '\0';
	return out;
}

char *gcr_aws_params_form(const char *action, const char *version,
			  const struct gcr_aws_params *p)
{
	size_t cap = 256, len = 0;
	char *out = malloc(cap);

	if (!out)
		abort();
	out[0] = '\0';
	for (size_t i = 0; i < (p ? p->count : 0) + 2; i++) {
		const char *name, *value;
		if (i == 0) {
			name = "Action";
			value = action;
		} else if (i == 1) {
			name = "Version";
			value = version;
		} else {
			name = p->items[i - 2].name;
			value = p->items[i - 2].value;
		}
		char *en = form_encode(name), *ev = form_encode(value);
		size_t need = len + strlen(en) + strlen(ev) + 3;
		if (need > cap) {
			while (cap < need)
				cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		len += (size_t)sprintf(out + len, "%s%s=%s", len ? "&" : "", en, ev);
		free(en);
		free(ev);
	}
	return out;
}

/* ---- times --------------------------------------------------------------------- */

int gcr_aws_time_parse(const char *text, time_t *out)
{
	struct tm tm;
	const char *rest;
	long offset = 0;

	if (!text)
		return 0;
	memset(&tm, 0, sizeof tm);
	rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return 0;
	if (*rest == '.') {  /* fractions of a second are dropped */
		rest++;
		while (*rest >= '0' && *rest <= '9')
			rest++;
	}
	if (*rest == 'Z' || *rest == 'z') {
		rest++;
	} else if ((*rest == '+' || *rest == '-') && strlen(rest) == 6 && rest[3] == ':') {
		int h = atoi(rest + 1), m = atoi(rest + 4);
		offset = (h * 3600L + m * 60L) * (*rest == '-' ? -1 : 1);
		rest += 6;
	}
	if (*rest != '\0')
		return 0;
	*out = timegm(&tm) - offset;
	return 1;
}

void gcr_aws_time_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- XML --------------------------------------------------------------------- */

xmlDocPtr gcr_xml_parse(const char *body, size_t len, struct gcr_error *err)
{
	xmlDocPtr doc;

	if (len > (size_t)0x7fffffff) {
		gcr_error_set(err, GCR_ERR_REMOTE, "%s", _("the XML answer is too large"));
		return NULL;
	}
	doc = xmlReadMemory(body, (int)len, "answer.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		if (doc)
			xmlFreeDoc(doc);
		gcr_error_set(err, GCR_ERR_REMOTE, "%s", _("the answer is not valid XML"));
		return NULL;
	}
	return doc;
}

xmlNodePtr gcr_xml_child(xmlNodePtr node, const char *name)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0)
			return c;
	return NULL;
}

xmlNodePtr gcr_xml_next_same(xmlNodePtr node)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->next; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, node->name) == 0)
			return c;
	return NULL;
}

xmlNodePtr gcr_xml_find(xmlNodePtr node, const char *name)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(c->name, BAD_CAST name) == 0)
			return c;
		xmlNodePtr found = gcr_xml_find(c, name);
		if (found)
			return found;
	}
	return NULL;
}

char *gcr_xml_text(xmlNodePtr node, const char *name)
{
	xmlNodePtr target = name ? gcr_xml_child(node, name) : node;
	xmlChar *content;
	char *copy;

	if (!target)
		return NULL;
	content = xmlNodeGetContent(target);
	copy = strdup(content ? (const char *)content : "");
	xmlFree(content);
	if (!copy)
		abort();
	return copy;
}

int gcr_xml_text_buf(xmlNodePtr node, const char *name, char *buf, size_t size)
{
	char *text = gcr_xml_text(node, name);

	if (!text)
		return 0;
	copy_text(buf, size, text, strlen(text));
	free(text);
	return 1;
}
