/* s3.c: S3 objects: put (single or multipart), get to a file, list, head,
 * create bucket (see s3.h). */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "aws/s3.h"
#include "aws/sigv4.h"
#include "i18n.h"
#include "paths.h"

#define S3_DEFAULT_THRESHOLD (16ULL << 20)
#define S3_DEFAULT_PART_SIZE (8ULL << 20)
#define S3_DEFAULT_PARALLEL 4
#define S3_MAX_PARTS 10000
/* Bodies above this are sent as UNSIGNED-PAYLOAD (not hashed on the loop). */
#define S3_HASH_LIMIT (1ULL << 20)
#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

static char *xstrdup(const char *s)
{
	char *c = strdup(s ? s : "");

	if (!c)
		abort();
	return c;
}

/* Bucket names: 3-63 of a-z 0-9 . - (they end up in a host name). */
static int bucket_name_ok(const char *b)
{
	size_t n = b ? strlen(b) : 0;

	if (n < 3 || n > 63)
		return 0;
	for (const char *c = b; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'))
			return 0;
	return 1;
}

/* Where a bucket's requests go: endpoint_url is NULL for path-style (the
 * client resolves the endpoint itself), else the bucket's own host. */
struct s3_target {
	char *endpoint_url;
	char *path;               /* encoded */
};

static void target_clear(struct s3_target *t)
{
	free(t->endpoint_url);
	free(t->path);
	t->endpoint_url = t->path = NULL;
}

static enum gcr_status s3_target(struct gcr_aws *aws, const char *bucket, const char *key,
				 const char *region, struct s3_target *t, struct gcr_error *err)
{
	struct gcr_aws_endpoint ep;
	char *ekey;
	enum gcr_status st;

	memset(t, 0, sizeof *t);
	if (!bucket_name_ok(bucket))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '.', '-')"),
				     bucket ? bucket : "");
	st = gcr_aws_client_endpoint(aws, "s3", region, &ep, err);
	if (st != GCR_OK)
		return st;
	ekey = gcr_aws_uri_encode(key ? key : "", key ? strlen(key) : 0, 1);
	if (strcmp(ep.origin ? ep.origin : "", "default") != 0 || strchr(bucket, '.')) {
		t->path = key ? gcr_strdup_printf("/%s/%s", bucket, ekey)
			      : gcr_strdup_printf("/%s", bucket);
	} else {
		CURLU *u = curl_url();
		char *host = NULL, *url = NULL;
		if (!u)
			abort();
		curl_url_set(u, CURLUPART_URL, ep.url, 0);
		if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
			char *vhost = gcr_strdup_printf("%s.%s", bucket, host);
			curl_url_set(u, CURLUPART_HOST, vhost, 0);
			free(vhost);
			if (curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK)
				t->endpoint_url = xstrdup(url);
		}
		curl_free(host);
		curl_free(url);
		curl_url_cleanup(u);
		t->path = gcr_strdup_printf("/%s", ekey);
	}
	free(ekey);
	gcr_aws_endpoint_clear(&ep);
	return GCR_OK;
}

static const char *header(const struct gcr_aws_response *resp, const char *name)
{
	return resp && resp->headers ? gcr_http_headers_get(resp->headers, name) : NULL;
}

/* ---- single PutObject ------------------------------------------------------------ */

struct put_ctx {
	struct gcr_aws *aws;
	struct s3_target target;
	char *bucket, *key, *content_type, *path;
	const char *mem;               /* borrowed from the caller */
	uint64_t total;
	uint64_t part_size;
	int parallel;
	gcr_s3_progress_cb progress;
	void *progress_data;
	gcr_s3_put_cb cb;
	void *data;

	/* multipart */
	char *upload_id;
	int nparts, next_part, inflight, done_parts;
	char **etags;
	uint64_t *part_done;
	int failed;
	enum gcr_status st;
	struct gcr_error err;
};

static void put_free(struct put_ctx *c)
{
	target_clear(&c->target);
	free(c->bucket);
	free(c->key);
	free(c->content_type);
	free(c->path);
	free(c->upload_id);
	for (int i = 0; c->etags && i < c->nparts; i++)
		free(c->etags[i]);
	free(c->etags);
	free(c->part_done);
	free(c);
}

static void put_finish(struct put_ctx *c, enum gcr_status st, const struct gcr_error *err,
		       const char *etag)
{
	c->cb(st, err, st == GCR_OK ? etag : NULL, c->data);
	put_free(c);
}

static void on_single_progress(uint64_t up_done, uint64_t up_total, uint64_t down_done,
			       uint64_t down_total, void *data)
{
	struct put_ctx *c = data;

	(void)up_total;
	(void)down_done;
	(void)down_total;
	c->progress(up_done, c->total, c->progress_data);
}

static void on_single_put(enum gcr_status st, const struct gcr_error *err,
			  const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
			  void *data)
{
	(void)info;
	put_finish(data, st, err, header(resp, "ETag"));
}

static void start_request(struct put_ctx *c, struct gcr_aws_request *req)
{
	req->service = "s3";
	req->endpoint_url = c->target.endpoint_url;
	req->idempotent = 1;
}

static void put_single(struct put_ctx *c)
{
	struct gcr_aws_request req = { .operation = "PutObject", .method = "PUT" };
	struct gcr_http_headers h;

	start_request(c, &req);
	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "Content-Type", c->content_type);
	req.path = c->target.path;
	req.headers = &h;
	if (c->path) {
		req.upload_path = c->path;
		req.upload_length = c->total;
	} else {
		req.body = c->mem;
		req.body_len = (size_t)c->total;
		req.unsigned_payload = c->total > S3_HASH_LIMIT;
	}
	if (c->progress) {
		req.progress = on_single_progress;
		req.progress_data = c;
	}
	gcr_aws_send(c->aws, &req, on_single_put, c);
	gcr_http_headers_clear(&h);
}

/* ---- multipart ------------------------------------------------------------------- */

static void send_next_parts(struct put_ctx *c);

static char *upload_query(const struct put_ctx *c, int part_number)
{
	char *id = gcr_aws_uri_encode(c->upload_id, strlen(c->upload_id), 0);
	char *q = part_number > 0 ? gcr_strdup_printf("partNumber=%d&uploadId=%s", part_number, id)
				  : gcr_strdup_printf("uploadId=%s", id);

	free(id);
	return q;
}

static void on_aborted(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		       void *data)
{
	struct put_ctx *c = data;

	(void)st;
	(void)err;
	(void)info;
	(void)resp;
	put_finish(c, c->st, &c->err, NULL);
}

/* Reports the first failure after telling S3 to drop the parts. */
static void multipart_fail(struct put_ctx *c)
{
	struct gcr_aws_request req = { .operation = "AbortMultipartUpload", .method = "DELETE" };
	char *q;

	if (c->inflight > 0)
		return;  /* the last part to come back aborts */
	if (!c->upload_id) {
		put_finish(c, c->st, &c->err, NULL);
		return;
	}
	q = upload_query(c, 0);
	start_request(c, &req);
	req.path = c->target.path;
	req.query = q;
	gcr_aws_send(c->aws, &req, on_aborted, c);
	free(q);
}

static void record_failure(struct put_ctx *c, enum gcr_status st, const struct gcr_error *err)
{
	if (!c->failed) {
		c->failed = 1;
		c->st = st;
		c->err = *err;
	}
}

static void on_completed(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
			 void *data)
{
	struct put_ctx *c = data;
	struct gcr_error perr;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *etag = NULL;

	(void)info;
	if (st == GCR_OK) {
		/* S3 may answer 200 with an <Error> body for Complete. */
		doc = gcr_xml_parse(resp->body, resp->body_len, &perr);
		root = doc ? xmlDocGetRootElement(doc) : NULL;
		if (!root) {
			record_failure(c, perr.code, &perr);
		} else if (xmlStrcmp(root->name, BAD_CAST "Error") == 0) {
			struct gcr_aws_error_info e = { 0 };
			snprintf(e.service, sizeof e.service, "S3");
			snprintf(e.operation, sizeof e.operation, "CompleteMultipartUpload");
			gcr_aws_parse_error(GCR_AWS_PROTO_REST_XML, 200, resp->headers, resp->body,
					    resp->body_len, &e);
			st = gcr_aws_error_to_gcr(&e, &perr);
			record_failure(c, st, &perr);
		} else {
			etag = gcr_xml_text(root, "ETag");
		}
	} else {
		record_failure(c, st, err);
	}
	if (doc)
		xmlFreeDoc(doc);
	if (c->failed) {
		free(etag);
		multipart_fail(c);
		return;
	}
	put_finish(c, GCR_OK, NULL, etag);
	free(etag);
}

static char *complete_body(const struct put_ctx *c, size_t *len)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "CompleteMultipartUpload");
	xmlChar *out = NULL;
	int size = 0;
	char *copy;

	xmlNewProp(root, BAD_CAST "xmlns", BAD_CAST S3_XMLNS);
	xmlDocSetRootElement(doc, root);
	for (int i = 0; i < c->nparts; i++) {
		char num[16];
		xmlNodePtr part = xmlNewChild(root, NULL, BAD_CAST "Part", NULL);
		snprintf(num, sizeof num, "%d", i + 1);
		xmlNewTextChild(part, NULL, BAD_CAST "PartNumber", BAD_CAST num);
		xmlNewTextChild(part, NULL, BAD_CAST "ETag", BAD_CAST c->etags[i]);
	}
	xmlDocDumpMemoryEnc(doc, &out, &size, "UTF-8");
	xmlFreeDoc(doc);
	copy = malloc((size_t)size + 1);
	if (!copy || !out)
		abort();
	memcpy(copy, out, (size_t)size);
	copy[size] = '\0';
	xmlFree(out);
	*len = (size_t)size;
	return copy;
}

static void complete_upload(struct put_ctx *c)
{
	struct gcr_aws_request req = { .operation = "CompleteMultipartUpload", .method = "POST" };
	struct gcr_http_headers h;
	size_t len;
	char *body = complete_body(c, &len);
	char *q = upload_query(c, 0);

	start_request(c, &req);
	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "Content-Type", "application/xml");
	req.path = c->target.path;
	req.query = q;
	req.headers = &h;
	req.body = body;
	req.body_len = len;
	gcr_aws_send(c->aws, &req, on_completed, c);
	gcr_http_headers_clear(&h);
	free(body);
	free(q);
}

struct part_ref {
	struct put_ctx *ctx;
	int index;
};

static void on_part_progress(uint64_t up_done, uint64_t up_total, uint64_t down_done,
			     uint64_t down_total, void *data)
{
	struct part_ref *p = data;
	struct put_ctx *c = p->ctx;
	uint64_t sum = 0;

	(void)up_total;
	(void)down_done;
	(void)down_total;
	c->part_done[p->index] = up_done;
	for (int i = 0; i < c->nparts; i++)
		sum += c->part_done[i];
	if (c->progress)
		c->progress(sum, c->total, c->progress_data);
}

static void on_part(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		    void *data)
{
	struct part_ref *p = data;
	struct put_ctx *c = p->ctx;
	const char *etag = header(resp, "ETag");

	(void)info;
	c->inflight--;
	if (st == GCR_OK && etag) {
		c->etags[p->index] = xstrdup(etag);
		c->done_parts++;
	} else if (st == GCR_OK) {
		struct gcr_error perr;
		gcr_error_set(&perr, GCR_ERR_REMOTE, "%s", _("S3 UploadPart: the answer has no ETag"));
		record_failure(c, GCR_ERR_REMOTE, &perr);
	} else {
		record_failure(c, st, err);
	}
	free(p);
	if (c->failed) {
		multipart_fail(c);
		return;
	}
	if (c->done_parts == c->nparts)
		complete_upload(c);
	else
		send_next_parts(c);
}

static void send_next_parts(struct put_ctx *c)
{
	while (!c->failed && c->inflight < c->parallel && c->next_part < c->nparts) {
		int i = c->next_part++;
		uint64_t offset = (uint64_t)i * c->part_size;
		uint64_t len = c->total - offset < c->part_size ? c->total - offset : c->part_size;
		struct gcr_aws_request req = { .operation = "UploadPart", .method = "PUT" };
		struct part_ref *p = malloc(sizeof *p);
		char *q = upload_query(c, i + 1);

		if (!p)
			abort();
		p->ctx = c;
		p->index = i;
		start_request(c, &req);
		req.path = c->target.path;
		req.query = q;
		if (c->path) {
			req.upload_path = c->path;
			req.upload_offset = offset;
			req.upload_length = len;
		} else {
			req.body = c->mem + offset;
			req.body_len = (size_t)len;
			req.unsigned_payload = len > S3_HASH_LIMIT;
		}
		req.progress = on_part_progress;
		req.progress_data = p;
		c->inflight++;
		gcr_aws_send(c->aws, &req, on_part, p);
		free(q);
	}
}

static void on_initiated(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
			 void *data)
{
	struct put_ctx *c = data;
	struct gcr_error perr;
	xmlDocPtr doc;

	(void)info;
	if (st != GCR_OK) {
		put_finish(c, st, err, NULL);
		return;
	}
	doc = gcr_xml_parse(resp->body, resp->body_len, &perr);
	if (doc) {
		c->upload_id = gcr_xml_text(xmlDocGetRootElement(doc), "UploadId");
		xmlFreeDoc(doc);
	}
	if (!c->upload_id || !*c->upload_id) {
		if (doc)
			gcr_error_set(&perr, GCR_ERR_REMOTE, "%s",
				      _("S3 CreateMultipartUpload: the answer has no UploadId"));
		put_finish(c, perr.code, &perr, NULL);
		return;
	}
	send_next_parts(c);
}

static void put_multipart(struct put_ctx *c)
{
	struct gcr_aws_request req = { .operation = "CreateMultipartUpload", .method = "POST" };
	struct gcr_http_headers h;

	c->nparts = (int)((c->total + c->part_size - 1) / c->part_size);
	c->etags = calloc((size_t)c->nparts, sizeof *c->etags);
	c->part_done = calloc((size_t)c->nparts, sizeof *c->part_done);
	if (!c->etags || !c->part_done)
		abort();
	start_request(c, &req);
	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "Content-Type", c->content_type);
	req.path = c->target.path;
	req.query = "uploads=";
	req.headers = &h;
	gcr_aws_send(c->aws, &req, on_initiated, c);
	gcr_http_headers_clear(&h);
}

/* Reports an error found before sending, from the loop like every answer. */
struct deferred {
	uv_timer_t timer;
	struct gcr_error err;
	void (*report)(struct deferred *d);
	void *cb;
	void *data;
};

static void on_deferred_closed(uv_handle_t *h)
{
	free(h->data);
}

static void on_deferred(uv_timer_t *t)
{
	struct deferred *d = t->data;

	d->report(d);
	uv_close((uv_handle_t *)&d->timer, on_deferred_closed);
}

static void defer_error(struct gcr_aws *aws, const struct gcr_error *err,
			void (*report)(struct deferred *), void *cb, void *data)
{
	struct deferred *d = calloc(1, sizeof *d);

	if (!d)
		abort();
	d->err = *err;
	d->report = report;
	d->cb = cb;
	d->data = data;
	uv_timer_init(gcr_aws_client_loop(aws), &d->timer);
	d->timer.data = d;
	uv_timer_start(&d->timer, on_deferred, 0, 0);
}

static void report_put(struct deferred *d)
{
	((gcr_s3_put_cb)d->cb)(d->err.code, &d->err, NULL, d->data);
}

void gcr_s3_put_object(struct gcr_aws *aws, const struct gcr_s3_put_input *in,
		       gcr_s3_put_cb cb, void *data)
{
	struct put_ctx *c = calloc(1, sizeof *c);
	struct gcr_error err;
	uint64_t threshold = in->multipart_threshold ? in->multipart_threshold : S3_DEFAULT_THRESHOLD;

	if (!c)
		abort();
	c->aws = aws;
	c->cb = cb;
	c->data = data;
	c->progress = in->progress;
	c->progress_data = in->progress_data;
	c->content_type = xstrdup(in->content_type ? in->content_type : "application/octet-stream");
	c->part_size = in->part_size ? in->part_size : S3_DEFAULT_PART_SIZE;
	c->parallel = in->parallel > 0 ? in->parallel : S3_DEFAULT_PARALLEL;
	if (s3_target(aws, in->bucket, in->key ? in->key : "", NULL, &c->target, &err) != GCR_OK)
		goto fail;
	if (!in->key || !*in->key) {
		gcr_error_set(&err, GCR_ERR_INVALID, "%s", _("S3 PutObject: the object key is empty"));
		goto fail;
	}
	if (in->path) {
		struct stat st;
		if (stat(in->path, &st) != 0) {
			gcr_error_set(&err, GCR_ERR_IO, _("cannot read %s: %s"), in->path, strerror(errno));
			goto fail;
		}
		c->path = xstrdup(in->path);
		c->total = (uint64_t)st.st_size;
	} else {
		c->mem = in->data;
		c->total = in->len;
	}
	if (c->total > threshold && (c->total + c->part_size - 1) / c->part_size <= S3_MAX_PARTS)
		put_multipart(c);
	else
		put_single(c);
	return;
fail:
	put_free(c);
	defer_error(aws, &err, report_put, (void *)cb, data);
}

/* ---- GetObject --------------------------------------------------------------------- */

struct get_ctx {
	char *dest, *part_path;
	gcr_s3_progress_cb progress;
	void *progress_data;
	gcr_s3_get_cb cb;
	void *data;
};

static void on_get_progress(uint64_t up_done, uint64_t up_total, uint64_t down_done,
			    uint64_t down_total, void *data)
{
	struct get_ctx *c = data;

	(void)up_done;
	(void)up_total;
	c->progress(down_done, down_total, c->progress_data);
}

static void on_got(enum gcr_status st, const struct gcr_error *err,
		   const struct gcr_aws_error_info *info, struct gcr_aws_response *resp, void *data)
{
	struct get_ctx *c = data;
	struct gcr_error perr;

	(void)info;
	if (st == GCR_OK && rename(c->part_path, c->dest) != 0) {
		st = gcr_error_set(&perr, GCR_ERR_IO, _("cannot rename %s to %s: %s"), c->part_path,
				   c->dest, strerror(errno));
		err = &perr;
		unlink(c->part_path);
	}
	c->cb(st, err, st == GCR_OK ? resp->bytes_received : 0, c->data);
	free(c->dest);
	free(c->part_path);
	free(c);
}

static void report_get(struct deferred *d)
{
	((gcr_s3_get_cb)d->cb)(d->err.code, &d->err, 0, d->data);
}

struct gcr_aws_call *gcr_s3_get_object(struct gcr_aws *aws, const char *bucket,
				       const char *key, const char *dest_path,
				       gcr_s3_progress_cb progress, void *progress_data,
				       gcr_s3_get_cb cb, void *data)
{
	struct gcr_aws_request req = { .service = "s3", .operation = "GetObject", .method = "GET",
				       .idempotent = 1 };
	struct s3_target t;
	struct gcr_error err;
	struct get_ctx *c;
	struct gcr_aws_call *call;

	if (s3_target(aws, bucket, key ? key : "", NULL, &t, &err) != GCR_OK) {
		defer_error(aws, &err, report_get, (void *)cb, data);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->dest = xstrdup(dest_path);
	c->part_path = gcr_strdup_printf("%s.part", dest_path);
	c->progress = progress;
	c->progress_data = progress_data;
	c->cb = cb;
	c->data = data;
	req.endpoint_url = t.endpoint_url;
	req.path = t.path;
	req.download_path = c->part_path;
	if (progress) {
		req.progress = on_get_progress;
		req.progress_data = c;
	}
	call = gcr_aws_send(aws, &req, on_got, c);
	target_clear(&t);
	return call;
}

/* ---- ListObjectsV2 ---------------------------------------------------------------- */

void gcr_s3_objects_free(struct gcr_s3_object *objects, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)objects[i].key);
		free((char *)objects[i].etag);
	}
	free(objects);
}

enum gcr_status gcr_s3_parse_list_page(xmlDocPtr doc, struct gcr_s3_object **objects,
				       size_t *n, char **next, struct gcr_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	char truncated[8] = "";

	*next = NULL;
	if (!root || xmlStrcmp(root->name, BAD_CAST "ListBucketResult") != 0)
		return gcr_error_set(err, GCR_ERR_REMOTE, "%s",
				     _("S3 ListObjectsV2: the answer is not a ListBucketResult"));
	for (xmlNodePtr it = gcr_xml_child(root, "Contents"); it; it = gcr_xml_next_same(it)) {
		struct gcr_s3_object o = { 0 };
		char buf[64] = "";
		o.key = gcr_xml_text(it, "Key");
		if (!o.key)
			continue;
		o.etag = gcr_xml_text(it, "ETag");
		if (gcr_xml_text_buf(it, "Size", buf, sizeof buf))
			o.size = strtoull(buf, NULL, 10);
		if (gcr_xml_text_buf(it, "LastModified", buf, sizeof buf))
			gcr_aws_time_parse(buf, &o.last_modified);
		*objects = realloc(*objects, (*n + 1) * sizeof **objects);
		if (!*objects)
			abort();
		(*objects)[(*n)++] = o;
	}
	gcr_xml_text_buf(root, "IsTruncated", truncated, sizeof truncated);
	if (strcmp(truncated, "true") == 0) {
		*next = gcr_xml_text(root, "NextContinuationToken");
		if (*next && !**next) {
			free(*next);
			*next = NULL;
		}
	}
	return GCR_OK;
}

struct list_ctx {
	struct gcr_aws *aws;
	struct s3_target target;
	char *prefix;
	int pages, max_pages;
	struct gcr_s3_object *objects;
	size_t n;
	gcr_s3_list_cb cb;
	void *data;
};

static void list_page(struct list_ctx *c, const char *token);

static void list_finish(struct list_ctx *c, enum gcr_status st, const struct gcr_error *err)
{
	c->cb(st, err, st == GCR_OK ? c->objects : NULL, st == GCR_OK ? c->n : 0, c->data);
	gcr_s3_objects_free(c->objects, c->n);
	target_clear(&c->target);
	free(c->prefix);
	free(c);
}

static void on_list(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		    void *data)
{
	struct list_ctx *c = data;
	struct gcr_error perr;
	xmlDocPtr doc;
	char *next = NULL;

	(void)info;
	if (st != GCR_OK) {
		list_finish(c, st, err);
		return;
	}
	doc = gcr_xml_parse(resp->body, resp->body_len, &perr);
	if (!doc || gcr_s3_parse_list_page(doc, &c->objects, &c->n, &next, &perr) != GCR_OK) {
		if (doc)
			xmlFreeDoc(doc);
		list_finish(c, perr.code, &perr);
		return;
	}
	xmlFreeDoc(doc);
	if (next && ++c->pages < c->max_pages)
		list_page(c, next);
	else
		list_finish(c, GCR_OK, NULL);
	free(next);
}

static void list_page(struct list_ctx *c, const char *token)
{
	struct gcr_aws_request req = { .service = "s3", .operation = "ListObjectsV2",
				       .method = "GET", .idempotent = 1 };
	char *eprefix = c->prefix ? gcr_aws_uri_encode(c->prefix, strlen(c->prefix), 0) : NULL;
	char *etoken = token ? gcr_aws_uri_encode(token, strlen(token), 0) : NULL;
	char *q = gcr_strdup_printf("list-type=2%s%s%s%s", etoken ? "&continuation-token=" : "",
				    etoken ? etoken : "", eprefix ? "&prefix=" : "",
				    eprefix ? eprefix : "");

	req.endpoint_url = c->target.endpoint_url;
	req.path = c->target.path;
	req.query = q;
	gcr_aws_send(c->aws, &req, on_list, c);
	free(q);
	free(eprefix);
	free(etoken);
}

static void report_list(struct deferred *d)
{
	((gcr_s3_list_cb)d->cb)(d->err.code, &d->err, NULL, 0, d->data);
}

void gcr_s3_list_objects(struct gcr_aws *aws, const char *bucket, const char *prefix,
			 int max_pages, gcr_s3_list_cb cb, void *data)
{
	struct list_ctx *c = calloc(1, sizeof *c);
	struct gcr_error err;

	if (!c)
		abort();
	if (s3_target(aws, bucket, NULL, NULL, &c->target, &err) != GCR_OK) {
		free(c);
		defer_error(aws, &err, report_list, (void *)cb, data);
		return;
	}
	c->aws = aws;
	c->prefix = prefix && *prefix ? xstrdup(prefix) : NULL;
	c->max_pages = max_pages > 0 ? max_pages : 100;
	c->cb = cb;
	c->data = data;
	list_page(c, NULL);
}

/* ---- HeadObject ----------------------------------------------------------------------- */

struct head_ctx {
	gcr_s3_head_cb cb;
	void *data;
};

static void on_head(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		    void *data)
{
	struct head_ctx *c = data;
	struct gcr_s3_head head = { 0 };

	(void)info;
	if (st == GCR_OK) {
		const char *len = header(resp, "Content-Length");
		const char *modified = header(resp, "Last-Modified");
		struct tm tm;
		head.size = len ? strtoull(len, NULL, 10) : 0;
		head.etag = header(resp, "ETag");
		head.content_type = header(resp, "Content-Type");
		memset(&tm, 0, sizeof tm);
		if (modified && strptime(modified, "%a, %d %b %Y %H:%M:%S GMT", &tm))
			head.last_modified = timegm(&tm);
	}
	c->cb(st, err, st == GCR_OK ? &head : NULL, c->data);
	free(c);
}

static void report_head(struct deferred *d)
{
	((gcr_s3_head_cb)d->cb)(d->err.code, &d->err, NULL, d->data);
}

struct gcr_aws_call *gcr_s3_head_object(struct gcr_aws *aws, const char *bucket,
					const char *key, gcr_s3_head_cb cb, void *data)
{
	struct gcr_aws_request req = { .service = "s3", .operation = "HeadObject",
				       .method = "HEAD", .idempotent = 1 };
	struct s3_target t;
	struct gcr_error err;
	struct head_ctx *c;
	struct gcr_aws_call *call;

	if (s3_target(aws, bucket, key ? key : "", NULL, &t, &err) != GCR_OK) {
		defer_error(aws, &err, report_head, (void *)cb, data);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	req.endpoint_url = t.endpoint_url;
	req.path = t.path;
	call = gcr_aws_send(aws, &req, on_head, c);
	target_clear(&t);
	return call;
}

/* ---- CreateBucket --------------------------------------------------------------------- */

struct bucket_ctx {
	gcr_s3_done_cb cb;
	void *data;
};

static void on_bucket(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		      void *data)
{
	struct bucket_ctx *c = data;

	(void)info;
	(void)resp;
	c->cb(st, err, c->data);
	free(c);
}

static void report_done(struct deferred *d)
{
	((gcr_s3_done_cb)d->cb)(d->err.code, &d->err, d->data);
}

struct gcr_aws_call *gcr_s3_create_bucket(struct gcr_aws *aws, const char *bucket,
					  const char *region, gcr_s3_done_cb cb, void *data)
{
	struct gcr_aws_request req = { .service = "s3", .operation = "CreateBucket",
				       .method = "PUT", .idempotent = 1, .region = region };
	const char *r = region ? region : gcr_aws_client_region(aws);
	struct s3_target t;
	struct gcr_error err;
	struct bucket_ctx *c;
	struct gcr_aws_call *call;
	struct gcr_http_headers h;
	char *body = NULL;

	if (s3_target(aws, bucket, NULL, region, &t, &err) != GCR_OK) {
		defer_error(aws, &err, report_done, (void *)cb, data);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	gcr_http_headers_init(&h);
	/* us-east-1 is the one region that takes no LocationConstraint. */
	if (r && strcmp(r, "us-east-1") != 0) {
		body = gcr_strdup_printf("<CreateBucketConfiguration xmlns=\"%s\">"
					 "<LocationConstraint>%s</LocationConstraint>"
					 "</CreateBucketConfiguration>", S3_XMLNS, r);
		gcr_http_headers_add(&h, "Content-Type", "application/xml");
		req.body = body;
		req.body_len = strlen(body);
	}
	req.headers = &h;
	req.endpoint_url = t.endpoint_url;
	req.path = t.path;
	call = gcr_aws_send(aws, &req, on_bucket, c);
	gcr_http_headers_clear(&h);
	free(body);
	target_clear(&t);
	return call;
}
