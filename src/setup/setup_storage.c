/* setup_storage.c: the providers for data: the user-data S3 bucket and its
 * prefixes, the DynamoDB tables and the CloudWatch log group.
 *
 * S3 is called path-style through gcr_aws_send (rest-xml); its request
 * bodies are built with libxml2.  Each provider is a phased function (see
 * setup_internal.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "aws/sigv4.h"
#include "i18n.h"
#include "paths.h"
#include "setup/setup_internal.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define LIFECYCLE_RULE_ID "gcrunner-results-intelligent-tiering"

/* ---- XML bodies ------------------------------------------------------------------- */

static xmlNodePtr xml_start(xmlDocPtr *doc, const char *root)
{
	xmlNodePtr r;

	*doc = xmlNewDoc(BAD_CAST "1.0");
	r = xmlNewNode(NULL, BAD_CAST root);
	xmlSetNs(r, xmlNewNs(r, BAD_CAST S3_NS, NULL));
	xmlDocSetRootElement(*doc, r);
	return r;
}

static xmlNodePtr xml_add(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

/* Serialises and frees doc (caller frees the string). */
static char *xml_finish(xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int len = 0;
	char *out;

	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	out = strndup((const char *)mem, (size_t)len);
	if (!out)
		abort();
	xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
}

static char *body_create_bucket(const char *region)
{
	xmlDocPtr doc;
	xmlNodePtr r;

	if (strcmp(region, "us-east-1") == 0)
		return NULL;   /* the one region that refuses a LocationConstraint */
	r = xml_start(&doc, "CreateBucketConfiguration");
	xml_add(r, "LocationConstraint", region);
	return xml_finish(doc);
}

static char *body_encryption(void)
{
	xmlDocPtr doc;
	xmlNodePtr rule = xml_add(xml_start(&doc, "ServerSideEncryptionConfiguration"), "Rule", NULL);

	xml_add(xml_add(rule, "ApplyServerSideEncryptionByDefault", NULL), "SSEAlgorithm", "AES256");
	return xml_finish(doc);
}

static char *body_versioning(void)
{
	xmlDocPtr doc;

	xml_add(xml_start(&doc, "VersioningConfiguration"), "Status", "Enabled");
	return xml_finish(doc);
}

static char *body_public_access_block(void)
{
	static const char *const flags[] = { "BlockPublicAcls", "IgnorePublicAcls",
					     "BlockPublicPolicy", "RestrictPublicBuckets" };
	xmlDocPtr doc;
	xmlNodePtr r = xml_start(&doc, "PublicAccessBlockConfiguration");

	for (size_t i = 0; i < 4; i++)
		xml_add(r, flags[i], "true");
	return xml_finish(doc);
}

/* Results move to Intelligent-Tiering at once (it picks the tier by access);
 * unfinished multipart uploads are cleaned after a week. */
static char *body_lifecycle(const char *user_id)
{
	xmlDocPtr doc;
	xmlNodePtr r = xml_start(&doc, "LifecycleConfiguration"), rule, t;
	char *prefix = gcr_strdup_printf("%s/results/", user_id);

	rule = xml_add(r, "Rule", NULL);
	xml_add(rule, "ID", LIFECYCLE_RULE_ID);
	xml_add(xml_add(rule, "Filter", NULL), "Prefix", prefix);
	xml_add(rule, "Status", "Enabled");
	t = xml_add(rule, "Transition", NULL);
	xml_add(t, "Days", "0");
	xml_add(t, "StorageClass", "INTELLIGENT_TIERING");
	rule = xml_add(r, "Rule", NULL);
	xml_add(rule, "ID", "gcrunner-abort-incomplete-uploads");
	xml_add(xml_add(rule, "Filter", NULL), "Prefix", "");
	xml_add(rule, "Status", "Enabled");
	xml_add(xml_add(rule, "AbortIncompleteMultipartUpload", NULL), "DaysAfterInitiation", "7");
	free(prefix);
	return xml_finish(doc);
}

static char *body_tagging(const struct gcr_setup *g)
{
	xmlDocPtr doc;
	xmlNodePtr set = xml_add(xml_start(&doc, "Tagging"), "TagSet", NULL), tag;
	json_t *tags = setup_tags(g), *v;
	const char *k;

	json_object_foreach(tags, k, v) {
		tag = xml_add(set, "Tag", NULL);
		xml_add(tag, "Key", k);
		xml_add(tag, "Value", json_string_value(v));
	}
	json_decref(tags);
	return xml_finish(doc);
}

/* ---- the bucket ------------------------------------------------------------------- */

/* What differs from the wanted configuration, gathered while inspecting. */
static void bucket_note(struct step *s, const char *what)
{
	char *d = s->aux ? gcr_strdup_printf("%s, %s", s->aux, what) : gcr_strdup_printf("%s", what);

	free(s->aux);
	s->aux = d;
}

static void bucket_inspect(struct step *s)
{
	struct gcr_setup *g = s->setup;
	char *path = gcr_strdup_printf("/%s", s->name), *text;

	switch (s->phase++) {
	case 0:
		free(s->aux);
		s->aux = NULL;
		step_s3(s, "HEAD", path, NULL, NULL, "s3:ListBucket");
		break;
	case 1:
		if (step_not_found(s)) {
			step_found(s, 0, NULL);
			break;
		}
		if (s->st != GCR_OK) {
			if (s->http_status == 403)
				step_fail_msg(s, GCR_ERR_CONFLICT,
					      _("the bucket name %s is taken by another account, or "
						"s3:ListBucket is not allowed for it; choose another name "
						"with --bucket"), s->name);
			else
				step_fail(s);
			break;
		}
		if (g->mode == GCR_SETUP_MODE_DESTROY) {
			step_found(s, 1, NULL);
			break;
		}
		step_s3(s, "GET", path, "encryption=", NULL, "s3:GetEncryptionConfiguration");
		break;
	case 2:
		text = s->st == GCR_OK ? setup_xml_text(s->doc, "SSEAlgorithm") : NULL;
		if (s->st != GCR_OK &&
		    !step_code_is(s, "ServerSideEncryptionConfigurationNotFoundError")) {
			step_fail(s);
			break;
		}
		if (!text)
			bucket_note(s, _("turn on default encryption (SSE-S3)"));
		free(text);
		step_s3(s, "GET", path, "versioning=", NULL, "s3:GetBucketVersioning");
		break;
	case 3:
		if (step_failed(s))
			break;
		text = setup_xml_text(s->doc, "Status");
		if (!text || strcmp(text, "Enabled") != 0)
			bucket_note(s, _("turn on versioning"));
		free(text);
		step_s3(s, "GET", path, "publicAccessBlock=", NULL, "s3:GetBucketPublicAccessBlock");
		break;
	case 4: {
		static const char *const flags[] = { "BlockPublicAcls", "IgnorePublicAcls",
						     "BlockPublicPolicy", "RestrictPublicBuckets" };
		int all = s->st == GCR_OK;
		if (s->st != GCR_OK && !step_code_is(s, "NoSuchPublicAccessBlockConfiguration")) {
			step_fail(s);
			break;
		}
		for (size_t i = 0; all && i < 4; i++) {
			text = setup_xml_text(s->doc, flags[i]);
			all = text && strcmp(text, "true") == 0;
			free(text);
		}
		if (!all)
			bucket_note(s, _("block public access"));
		step_s3(s, "GET", path, "lifecycle=", NULL, "s3:GetLifecycleConfiguration");
		break;
	}
	case 5: {
		int found = 0;
		if (s->st != GCR_OK && !step_code_is(s, "NoSuchLifecycleConfiguration")) {
			step_fail(s);
			break;
		}
		if (s->doc) {
			xmlNodePtr rule = gcr_xml_find(xmlDocGetRootElement(s->doc), "Rule");
			for (; rule && !found; rule = gcr_xml_next_same(rule)) {
				char *id = gcr_xml_text(rule, "ID");
				found = id && strcmp(id, LIFECYCLE_RULE_ID) == 0;
				free(id);
			}
		}
		if (!found)
			bucket_note(s, _("move results to Intelligent-Tiering"));
		step_found(s, 1, s->aux);
		break;
	}
	}
	free(path);
}

static void bucket_apply(struct step *s)
{
	struct gcr_setup *g = s->setup;
	char *path = gcr_strdup_printf("/%s", s->name), *body = NULL;

	if (s->phase > 0 && s->st != GCR_OK &&
	    !(s->phase == 1 && (step_code_is(s, "BucketAlreadyOwnedByYou")))) {
		free(path);
		step_fail(s);
		return;
	}
	switch (s->phase++) {
	case 0:
		if (!s->exists) {
			step_progress(s, _("creating S3 bucket %s"), s->name);
			body = body_create_bucket(g->region);
			step_s3(s, "PUT", path, NULL, body, "s3:CreateBucket");
			break;
		}
		/* fall through */
	case 1:
		s->phase = 2;
		step_progress(s, _("configuring S3 bucket %s: encryption, versioning, public access "
				   "block, lifecycle, tags"), s->name);
		body = body_encryption();
		step_s3(s, "PUT", path, "encryption=", body, "s3:PutEncryptionConfiguration");
		break;
	case 2:
		body = body_versioning();
		step_s3(s, "PUT", path, "versioning=", body, "s3:PutBucketVersioning");
		break;
	case 3:
		body = body_public_access_block();
		step_s3(s, "PUT", path, "publicAccessBlock=", body, "s3:PutBucketPublicAccessBlock");
		break;
	case 4:
		body = body_lifecycle(g->user_id);
		step_s3(s, "PUT", path, "lifecycle=", body, "s3:PutLifecycleConfiguration");
		break;
	case 5:
		body = body_tagging(g);
		step_s3(s, "PUT", path, "tagging=", body, "s3:PutBucketTagging");
		break;
	default:
		step_done(s);
		break;
	}
	free(body);
	free(path);
}

/* Deleting the bucket (only after the second confirmation): every version
 * of every object first, page by page, then the bucket. */
static void bucket_destroy(struct step *s)
{
	char *path = gcr_strdup_printf("/%s", s->name);

	switch (s->phase) {
	case 0:
		s->phase = 1;
		step_progress(s, _("emptying S3 bucket %s"), s->name);
		step_s3(s, "GET", path, "versions=", NULL, "s3:ListBucketVersions");
		break;
	case 1: {
		/* Delete the listed versions one at a time (few objects in
		 * practice: results are downloaded, the bucket is small). */
		xmlNodePtr root, v;
		if (step_failed(s))
			break;
		root = s->doc ? xmlDocGetRootElement(s->doc) : NULL;
		v = root ? gcr_xml_child(root, "Version") : NULL;
		if (!v && root)
			v = gcr_xml_child(root, "DeleteMarker");
		if (v) {
			char *key = gcr_xml_text(v, "Key"), *ver = gcr_xml_text(v, "VersionId");
			char *enc = key ? gcr_aws_uri_encode(key, strlen(key), 1) : NULL;
			char *kpath = gcr_strdup_printf("/%s/%s", s->name, enc ? enc : "");
			char *q = ver ? gcr_strdup_printf("versionId=%s", ver) : NULL;
			step_s3(s, "DELETE", kpath, q, NULL, "s3:DeleteObjectVersion");
			s->phase = 2;
			free(key);
			free(ver);
			free(enc);
			free(kpath);
			free(q);
			break;
		}
		s->phase = 3;
		step_progress(s, _("deleting S3 bucket %s"), s->name);
		step_s3(s, "DELETE", path, NULL, NULL, "s3:DeleteBucket");
		break;
	}
	case 2:
		if (step_failed(s))
			break;
		s->phase = 0;
		bucket_destroy(s);
		break;
	case 3:
		step_deleted(s);
		break;
	}
	free(path);
}

const struct provider setup_bucket_provider = {
	.kind = "s3-bucket",
	.inspect = bucket_inspect,
	.apply = bucket_apply,
	.destroy = bucket_destroy,
	.data = 1,
};

/* ---- the user's prefixes ----------------------------------------------------------- */

static const char *const prefix_dirs[] = { "configurations/", "results/", "uploads/" };
#define N_PREFIX_DIRS (sizeof prefix_dirs / sizeof prefix_dirs[0])

static char *prefix_path(const struct step *s, size_t i)
{
	return gcr_strdup_printf("/%s/%s/%s", s->setup->bucket, s->setup->user_id, prefix_dirs[i]);
}

/* The empty "folder" objects that make the layout visible in the console. */
static void prefixes_inspect(struct step *s)
{
	char *path;

	if (s->phase == 0) {
		s->exists = 1;
		s->counter = 0;
		s->phase = 1;
	} else if (s->st != GCR_OK) {
		/* A missing bucket (NoSuchBucket) means missing prefixes too. */
		if (!step_not_found(s) && s->http_status != 404) {
			step_fail(s);
			return;
		}
		s->exists = 0;
	}
	if ((size_t)s->counter >= N_PREFIX_DIRS || !s->exists) {
		step_found(s, s->exists, NULL);
		return;
	}
	path = prefix_path(s, (size_t)s->counter++);
	step_s3(s, "HEAD", path, NULL, NULL, "s3:GetObject");
	free(path);
}

static void prefixes_apply(struct step *s)
{
	char *path;

	if (s->phase++ == 0) {
		s->counter = 0;
		step_progress(s, _("creating the prefixes %s/{configurations,results,uploads}/"),
			      s->setup->user_id);
	} else if (step_failed(s))
		return;
	if ((size_t)s->counter >= N_PREFIX_DIRS) {
		step_done(s);
		return;
	}
	path = prefix_path(s, (size_t)s->counter++);
	step_s3(s, "PUT", path, NULL, NULL, "s3:PutObject");
	free(path);
}

static void prefixes_destroy(struct step *s)
{
	char *path;

	if (s->phase++ == 0)
		s->counter = 0;
	else if (s->st != GCR_OK && !step_not_found(s)) {
		step_fail(s);
		return;
	}
	if ((size_t)s->counter >= N_PREFIX_DIRS) {
		step_done(s);
		return;
	}
	path = prefix_path(s, (size_t)s->counter++);
	step_s3(s, "DELETE", path, NULL, NULL, "s3:DeleteObject");
	free(path);
}

const struct provider setup_prefixes_provider = {
	.kind = "s3-prefixes",
	.inspect = prefixes_inspect,
	.apply = prefixes_apply,
	.destroy = prefixes_destroy,
	.data = 1,
};

/* ---- DynamoDB tables ----------------------------------------------------------------- */

/* Keys per the design: Users(userId), Simulations(userId, simulationId),
 * Benchmarks(configurationType, instanceType). */
static const char *const table_keys[3][2] = {
	{ "userId", NULL },
	{ "userId", "simulationId" },
	{ "configurationType", "instanceType" },
};

static json_t *table_tags(const struct gcr_setup *g)
{
	json_t *tags = setup_tags(g), *list = json_array(), *v;
	const char *k;

	json_object_foreach(tags, k, v)
		json_array_append_new(list, json_pack("{s:s, s:O}", "Key", k, "Value", v));
	json_decref(tags);
	return list;
}

static json_t *table_create_input(const struct step *s)
{
	json_t *attrs = json_array(), *schema = json_array();

	for (int k = 0; k < 2; k++) {
		const char *name = table_keys[s->index][k];
		if (!name)
			continue;
		json_array_append_new(attrs, json_pack("{s:s, s:s}", "AttributeName", name,
						       "AttributeType", "S"));
		json_array_append_new(schema, json_pack("{s:s, s:s}", "AttributeName", name,
							"KeyType", k == 0 ? "HASH" : "RANGE"));
	}
	/* Encryption at rest is always on in DynamoDB (an AWS owned key unless
	 * SSESpecification asks for KMS); on-demand billing costs nothing idle. */
	return json_pack("{s:s, s:o, s:o, s:s, s:o}", "TableName", s->name,
			 "AttributeDefinitions", attrs, "KeySchema", schema,
			 "BillingMode", "PAY_PER_REQUEST", "Tags", table_tags(s->setup));
}

static void table_inspect(struct step *s)
{
	const char *status;

	switch (s->phase++) {
	case 0:
		step_json(s, "dynamodb", "DescribeTable", "dynamodb:DescribeTable",
			  json_pack("{s:s}", "TableName", s->name), 0);
		break;
	case 1:
		if (step_not_found(s)) {
			step_found(s, 0, NULL);
			break;
		}
		if (step_failed(s))
			break;
		status = json_string_value(json_object_get(json_object_get(s->answer, "Table"),
							   "TableStatus"));
		step_set_arn(s, json_string_value(json_object_get(json_object_get(s->answer, "Table"),
								  "TableArn")));
		if (s->setup->mode == GCR_SETUP_MODE_DESTROY) {
			step_found(s, !status || strcmp(status, "DELETING") != 0, NULL);
			break;
		}
		step_json(s, "dynamodb", "DescribeContinuousBackups",
			  "dynamodb:DescribeContinuousBackups",
			  json_pack("{s:s}", "TableName", s->name), 0);
		break;
	case 2: {
		const char *pitr;
		if (step_failed(s))
			break;
		pitr = json_string_value(json_object_get(
			json_object_get(json_object_get(s->answer, "ContinuousBackupsDescription"),
					"PointInTimeRecoveryDescription"),
			"PointInTimeRecoveryStatus"));
		step_found(s, 1, pitr && strcmp(pitr, "ENABLED") == 0
			   ? NULL : _("turn on point-in-time recovery"));
		break;
	}
	}
}

static void table_apply(struct step *s)
{
	const char *status;

	switch (s->phase++) {
	case 0:
		if (!s->exists) {
			step_progress(s, _("creating DynamoDB table %s"), s->name);
			step_json(s, "dynamodb", "CreateTable", "dynamodb:CreateTable",
				  table_create_input(s), 0);
			break;
		}
		/* present already: check that it is ACTIVE */
		/* fall through */
	case 1:
		if (s->st != GCR_OK && !step_code_is(s, "ResourceInUseException")) {
			step_fail(s);
			break;
		}
		s->phase = 2;
		step_json(s, "dynamodb", "DescribeTable", "dynamodb:DescribeTable",
			  json_pack("{s:s}", "TableName", s->name), 0);
		break;
	case 2:
		if (step_failed(s))
			break;
		status = json_string_value(json_object_get(json_object_get(s->answer, "Table"),
							   "TableStatus"));
		step_set_arn(s, json_string_value(json_object_get(json_object_get(s->answer, "Table"),
								  "TableArn")));
		if (status && strcmp(status, "ACTIVE") != 0) {
			if (++s->counter * s->setup->cfg.poll_ms / 1000 > s->setup->cfg.wait_limit_s) {
				step_fail_msg(s, GCR_ERR_REMOTE,
					      _("DynamoDB table %s is still %s; run setup again later"),
					      s->name, status);
				break;
			}
			s->phase = 1;
			step_wait(s, s->setup->cfg.poll_ms);
			break;
		}
		step_progress(s, _("turning on point-in-time recovery for %s"), s->name);
		step_json(s, "dynamodb", "UpdateContinuousBackups", "dynamodb:UpdateContinuousBackups",
			  json_pack("{s:s, s:{s:b}}", "TableName", s->name,
				    "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled", 1),
			  0);
		break;
	case 3:
		if (step_failed(s))
			break;
		/* A table made just now got its tags with CreateTable. */
		if (!s->arn || !s->exists) {
			step_done(s);
			break;
		}
		step_json(s, "dynamodb", "TagResource", "dynamodb:TagResource",
			  json_pack("{s:s, s:o}", "ResourceArn", s->arn, "Tags", table_tags(s->setup)), 0);
		break;
	default:
		step_done_or_fail(s);
		break;
	}
}

static void table_destroy(struct step *s)
{
	step_delete_by_name(s, "dynamodb", "DeleteTable", "dynamodb:DeleteTable", "TableName",
			    _("deleting DynamoDB table %s"));
}

const struct provider setup_table_provider = {
	.kind = "dynamodb-table",
	.inspect = table_inspect,
	.apply = table_apply,
	.destroy = table_destroy,
	.data = 1,
};

/* ---- the log group ---------------------------------------------------------------- */

static void log_group_inspect(struct step *s)
{
	json_t *groups, *grp;
	size_t i;

	if (s->phase++ == 0) {
		step_json(s, "logs", "DescribeLogGroups", "logs:DescribeLogGroups",
			  json_pack("{s:s}", "logGroupNamePrefix", s->name), 0);
		return;
	}
	if (step_failed(s))
		return;
	groups = json_object_get(s->answer, "logGroups");
	json_array_foreach(groups, i, grp) {
		const char *name = json_string_value(json_object_get(grp, "logGroupName"));
		json_int_t days = json_integer_value(json_object_get(grp, "retentionInDays"));
		char *detail = NULL;

		if (!name || strcmp(name, s->name) != 0)
			continue;
		step_set_arn(s, json_string_value(json_object_get(grp, "arn")));
		if (days != s->setup->cfg.log_retention_days)
			detail = gcr_strdup_printf(_("set retention to %d days"),
						   s->setup->cfg.log_retention_days);
		step_found(s, 1, detail);
		free(detail);
		return;
	}
	step_found(s, 0, NULL);
}

static void log_group_apply(struct step *s)
{
	switch (s->phase++) {
	case 0:
		if (!s->exists) {
			step_progress(s, _("creating log group %s"), s->name);
			step_json(s, "logs", "CreateLogGroup", "logs:CreateLogGroup",
				  json_pack("{s:s, s:o}", "logGroupName", s->name, "tags",
					    setup_tags(s->setup)), 0);
			break;
		}
		s->phase = 2;
		/* fall through */
	case 1:
		if (s->phase == 1 && s->st != GCR_OK &&
		    !step_code_is(s, "ResourceAlreadyExistsException")) {
			step_fail(s);
			break;
		}
		s->phase = 2;
		step_progress(s, _("keeping job logs for %d days"), s->setup->cfg.log_retention_days);
		step_json(s, "logs", "PutRetentionPolicy", "logs:PutRetentionPolicy",
			  json_pack("{s:s, s:i}", "logGroupName", s->name, "retentionInDays",
				    s->setup->cfg.log_retention_days), 0);
		break;
	default:
		step_done_or_fail(s);
		break;
	}
}

static void log_group_destroy(struct step *s)
{
	step_delete_by_name(s, "logs", "DeleteLogGroup", "logs:DeleteLogGroup", "logGroupName",
			    _("deleting log group %s"));
}

const struct provider setup_log_group_provider = {
	.kind = "log-group",
	.inspect = log_group_inspect,
	.apply = log_group_apply,
	.destroy = log_group_destroy,
};
