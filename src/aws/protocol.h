/* protocol.h: the AWS wire protocols' shared pieces.
 *
 * Four protocols carry gcrunner's calls: json (1.0/1.1, X-Amz-Target),
 * rest-json (Batch, API Gateway), query (EC2, STS: form POST, XML answers)
 * and rest-xml (S3).  This file holds what they share: the error shapes,
 * form encoding for query calls, and small libxml2 helpers for reading the
 * XML answers (a real XML parser; nothing scans strings). */
#ifndef GCR_AWS_PROTOCOL_H
#define GCR_AWS_PROTOCOL_H

#include <stddef.h>
#include <time.h>
#include <libxml/tree.h>

#include "aws/http.h"
#include "error.h"

enum gcr_aws_protocol {
	GCR_AWS_PROTO_JSON,       /* POST /, X-Amz-Target, application/x-amz-json-1.x */
	GCR_AWS_PROTO_REST_JSON,  /* method + path, JSON bodies */
	GCR_AWS_PROTO_QUERY,      /* form POST, <ErrorResponse><Error> answers (STS) */
	GCR_AWS_PROTO_EC2,        /* form POST, <Response><Errors><Error> answers */
	GCR_AWS_PROTO_REST_XML,   /* S3: method + path, <Error> answers */
};

/* Everything known about a failed AWS call.  Never holds a secret: the
 * message is the service's own text, the rest are identifiers. */
struct gcr_aws_error_info {
	char service[32];          /* "batch", "s3", ... */
	char operation[64];        /* "SubmitJob" */
	char code[128];            /* "ClientException"; empty for transport failures */
	char message[512];
	char request_id[128];
	long http_status;          /* 0 when no answer came */
	enum gcr_http_failure failure;
	int outcome_unknown;       /* a non-idempotent call may or may not have acted */
	int attempts;              /* how many times it was sent */
};

/* Reads the error code, message and request id from an error answer,
 * per protocol (aws.md "Error code location").  Fills what it finds; when
 * the body says nothing (e.g. S3 HEAD), the code comes from the status. */
void gcr_aws_parse_error(enum gcr_aws_protocol proto, long http_status,
			 const struct gcr_http_headers *headers,
			 const char *body, size_t body_len,
			 struct gcr_aws_error_info *out);

/* Turns an error into a gcr_error with a readable message:
 * "<Service> <Operation>: <code>: <message> (HTTP 400, request id X)".
 * The gcr_status depends on the code: AUTH for credential and permission
 * errors, NOT_FOUND, CONFLICT (conditional checks, existing resources),
 * NETWORK for transport, REMOTE for the rest. */
enum gcr_status gcr_aws_error_to_gcr(const struct gcr_aws_error_info *info,
				     struct gcr_error *err);

/* ---- query protocol: form parameters ----------------------------------- */

struct gcr_aws_param {
	char *name;
	char *value;
};

/* An ordered list of name=value form parameters (owns its strings). */
struct gcr_aws_params {
	struct gcr_aws_param *items;
	size_t count, cap;
};

void gcr_aws_params_init(struct gcr_aws_params *p);
void gcr_aws_params_add(struct gcr_aws_params *p, const char *name, const char *value);
void gcr_aws_params_addf(struct gcr_aws_params *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gcr_aws_params_clear(struct gcr_aws_params *p);

/* "Action=A&Version=V&name=value..." with RFC 3986 encoding, so the body
 * sent is the body signed (caller frees). */
char *gcr_aws_params_form(const char *action, const char *version,
			  const struct gcr_aws_params *p);

/* ---- times ------------------------------------------------------------------ */

/* Parses an ISO 8601 UTC time as AWS writes it ("2026-07-01T12:00:00Z",
 * "2026-07-01T12:00:00.000Z", "+00:00" offsets); returns 1 on success. */
int gcr_aws_time_parse(const char *text, time_t *out);
/* Formats t as "2026-07-01T12:00:00Z" into buf (at least 21 bytes). */
void gcr_aws_time_format(time_t t, char *buf, size_t size);

/* ---- XML answers --------------------------------------------------------- */

/* Parses an answer without network access or entity expansion.  Returns
 * NULL and fills err (GCR_ERR_REMOTE) when it is not XML.  Free with
 * xmlFreeDoc. */
xmlDocPtr gcr_xml_parse(const char *body, size_t len, struct gcr_error *err);

/* First element child of node with this local name (namespaces ignored). */
xmlNodePtr gcr_xml_child(xmlNodePtr node, const char *name);
/* Next element sibling after node with the same local name as node. */
xmlNodePtr gcr_xml_next_same(xmlNodePtr node);
/* First element anywhere under node (depth first) with this local name. */
xmlNodePtr gcr_xml_find(xmlNodePtr node, const char *name);
/* Text of the child element `name` (or of node itself when name is NULL):
 * a new string (caller frees), or NULL when absent. */
char *gcr_xml_text(xmlNodePtr node, const char *name);
/* Copies the child's text into buf (truncating); returns 1 if found. */
int gcr_xml_text_buf(xmlNodePtr node, const char *name, char *buf, size_t size);

#endif
