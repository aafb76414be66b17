/* s3.h: S3 (rest-xml): the objects a run reads and writes.
 *
 * Addressing: virtual-hosted (https://BUCKET.s3.REGION.amazonaws.com/KEY)
 * against AWS; path-style (ENDPOINT/BUCKET/KEY) when the endpoint is
 * overridden (local servers such as s3rver) or the bucket name has dots.
 * Uploads above a threshold use multipart upload, several parts at once,
 * with one progress callback over the whole object; downloads stream to a
 * file ("<dest>.part", renamed when complete).  Large bodies are signed as
 * UNSIGNED-PAYLOAD so no megabytes are hashed on the loop. */
#ifndef GCR_AWS_S3_H
#define GCR_AWS_S3_H

#include <stdint.h>
#include <time.h>

#include "aws/client.h"

/* Bytes sent or received so far, and the total (0 when unknown). */
typedef void (*gcr_s3_progress_cb)(uint64_t done, uint64_t total, void *data);

struct gcr_s3_put_input {
	const char *bucket, *key;           /* required */
	/* The content: memory (borrowed until the callback) or a file. */
	const void *data;
	size_t len;
	const char *path;
	const char *content_type;           /* NULL: application/octet-stream */
	/* Multipart above this size (0: 16 MiB) in parts of part_size (0: 8 MiB,
	 * at least 5 MiB against AWS), up to parallel parts at once (0: 4). */
	uint64_t multipart_threshold;
	uint64_t part_size;
	int parallel;
	gcr_s3_progress_cb progress;
	void *progress_data;
};

/* etag is borrowed for the callback (NULL on failure). */
typedef void (*gcr_s3_put_cb)(enum gcr_status st, const struct gcr_error *err,
			      const char *etag, void *data);

/* PutObject, or CreateMultipartUpload + UploadPart... + Complete (Abort on
 * any failure, so no parts are left behind). */
void gcr_s3_put_object(struct gcr_aws *aws, const struct gcr_s3_put_input *in,
		       gcr_s3_put_cb cb, void *data);

typedef void (*gcr_s3_get_cb)(enum gcr_status st, const struct gcr_error *err,
			      uint64_t bytes, void *data);

/* GetObject streamed into dest_path (mode 0600).  A missing key is
 * GCR_ERR_NOT_FOUND and leaves no file. */
struct gcr_aws_call *gcr_s3_get_object(struct gcr_aws *aws, const char *bucket,
				       const char *key, const char *dest_path,
				       gcr_s3_progress_cb progress, void *progress_data,
				       gcr_s3_get_cb cb, void *data);

struct gcr_s3_object {
	const char *key;        /* borrowed for the callback */
	uint64_t size;
	const char *etag;
	time_t last_modified;
};

typedef void (*gcr_s3_list_cb)(enum gcr_status st, const struct gcr_error *err,
			       const struct gcr_s3_object *objects, size_t n, void *data);

/* ListObjectsV2 through every page (max_pages 0: 100) under prefix (NULL:
 * all). */
void gcr_s3_list_objects(struct gcr_aws *aws, const char *bucket, const char *prefix,
			 int max_pages, gcr_s3_list_cb cb, void *data);

struct gcr_s3_head {
	uint64_t size;
	const char *etag;          /* borrowed */
	const char *content_type;
	time_t last_modified;
};

/* HeadObject: GCR_ERR_NOT_FOUND when the key does not exist. */
typedef void (*gcr_s3_head_cb)(enum gcr_status st, const struct gcr_error *err,
			       const struct gcr_s3_head *head, void *data);
struct gcr_aws_call *gcr_s3_head_object(struct gcr_aws *aws, const char *bucket,
					const char *key, gcr_s3_head_cb cb, void *data);

/* CreateBucket in region (NULL: the client's).  A bucket the caller
 * already owns is GCR_ERR_CONFLICT (BucketAlreadyOwnedByYou). */
typedef void (*gcr_s3_done_cb)(enum gcr_status st, const struct gcr_error *err, void *data);
struct gcr_aws_call *gcr_s3_create_bucket(struct gcr_aws *aws, const char *bucket,
					  const char *region, gcr_s3_done_cb cb, void *data);

/* Parses one ListObjectsV2 page (for tests): appends to *objects (keys and
 * etags are new strings: free with gcr_s3_objects_free); *next is the
 * continuation token when the list is truncated, else NULL. */
enum gcr_status gcr_s3_parse_list_page(xmlDocPtr doc, struct gcr_s3_object **objects,
				       size_t *n, char **next, struct gcr_error *err);
void gcr_s3_objects_free(struct gcr_s3_object *objects, size_t n);

#endif
