/* setup_template.c: `gcrunner setup --export-template FILE` -- the same
 * resources as a CloudFormation template, for administrators who provision
 * with infrastructure as code.  The template is built as a jansson value
 * (CloudFormation's long-form intrinsics: Ref, Fn::Sub, Fn::GetAtt) and
 * written with libyaml's emitter. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "i18n.h"
#include "paths.h"
#include "setup/setup_internal.h"

/* ---- YAML ---------------------------------------------------------------------------- */

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_write(void *data, unsigned char *bytes, size_t size)
{
	struct buf *b = data;

	if (b->len + size + 1 > b->cap) {
		b->cap = (b->len + size + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, bytes, size);
	b->len += size;
	b->data[b->len] = '\0';
	return 1;
}

static int emit_scalar(yaml_emitter_t *e, const char *text, int plain_ok)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text),
				     plain_ok, 1, plain_ok ? YAML_ANY_SCALAR_STYLE
				     : YAML_SINGLE_QUOTED_SCALAR_STYLE);
	return yaml_emitter_emit(e, &ev);
}

static int emit_json(yaml_emitter_t *e, json_t *v)
{
	yaml_event_t ev;
	char num[64];
	const char *k;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return 0;
		json_object_foreach(v, k, item)
			if (!emit_scalar(e, k, 1) || !emit_json(e, item))
				return 0;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(e, &ev))
			return 0;
		json_array_foreach(v, i, item)
			if (!emit_json(e, item))
				return 0;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	case JSON_STRING: {
		/* Quote strings a YAML reader would take for something else. */
		const char *s = json_string_value(v);
		int plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789-_./:") == strlen(s) &&
			    strcmp(s, "true") != 0 && strcmp(s, "false") != 0 &&
			    strcmp(s, "null") != 0 && !(*s >= '0' && *s <= '9') && *s != '-';
		return emit_scalar(e, s, plain);
	}
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(e, num, 1);
	case JSON_REAL:
		snprintf(num, sizeof num, "%g", json_real_value(v));
		return emit_scalar(e, num, 1);
	case JSON_TRUE:
		return emit_scalar(e, "true", 1);
	case JSON_FALSE:
		return emit_scalar(e, "false", 1);
	case JSON_NULL:
		return emit_scalar(e, "null", 1);
	}
	return 0;
}

/* ---- the template ---------------------------------------------------------------------- */

/* Strings that name the account or region become Fn::Sub expressions. */
static json_t *subst(json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	if (json_is_string(v) && strstr(json_string_value(v), "${")) {
		json_t *out = json_pack("{s:O}", "Fn::Sub", v);
		json_decref(v);
		return out;
	}
	if (json_is_object(v)) {
		json_object_foreach(v, k, item)
			json_object_set_new(v, k, subst(json_incref(item)));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			json_array_set_new(v, i, subst(json_incref(item)));
	}
	return v;
}

static json_t *cfn_tags_list(void)
{
	return json_pack("[{s:s, s:{s:s}}, {s:s, s:{s:s}}, {s:s, s:{s:s}}]",
			 "Key", "Environment", "Value", "Ref", "Environment",
			 "Key", "Project", "Value", "Ref", "Project",
			 "Key", "Owner", "Value", "Ref", "Owner");
}

static json_t *cfn_tags_map(void)
{
	return json_pack("{s:{s:s}, s:{s:s}, s:{s:s}}", "Environment", "Ref", "Environment",
			 "Project", "Ref", "Project", "Owner", "Ref", "Owner");
}

static const char *logical(const char *base, int arch, const char *suffix, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", base, arch == 0 ? "Arm64" : "X8664", suffix);
	return buf;
}

static json_t *build_template(const struct gcr_setup_config *c)
{
	const char *prefix = c->prefix && *c->prefix ? c->prefix : "gcrunner";
	json_t *res = json_object(), *params, *outputs = json_object(), *t;
	char *bucket = c->bucket && *c->bucket ? gcr_strdup_printf("%s", c->bucket)
		     : gcr_strdup_printf("%s-${AWS::AccountId}-${AWS::Region}", prefix);
	char *group = setup_log_group(prefix), name[64], name2[64];
	json_t *policy = gcr_setup_job_policy("${AWS::Partition}", "${AWS::AccountId}",
					      "${AWS::Region}", bucket, "${UserId}", group, prefix);

	params = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:i}, s:{s:s, s:s, s:s},"
			   " s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:[s,s]}}",
			   "Subnets", "Type", "List<AWS::EC2::Subnet::Id>", "Description",
			   "Subnets for the Batch instances (e.g. the default VPC's)",
			   "SecurityGroups", "Type", "List<AWS::EC2::SecurityGroup::Id>",
			   "Description", "Security groups for the Batch instances",
			   "MaxvCpus", "Type", "Number", "Default",
			   c->max_vcpus > 0 ? c->max_vcpus : 5000,
			   "UserId", "Type", "String", "Default", c->user_id ? c->user_id : "user",
			   "Description", "Your data prefix in the bucket",
			   "Environment", "Type", "String", "Default",
			   c->environment ? c->environment : "production",
			   "Project", "Type", "String", "Default", "gcrunner",
			   "Owner", "Type", "String", "Description", "Tag Owner (e.g. your e-mail)",
			   "CreateBatchServiceLinkedRole", "Type", "String", "Default", "true",
			   "AllowedValues", "true", "false");
	json_object_set_new(json_object_get(params, "Owner"), "Default",
			    json_string(c->owner ? c->owner : "gcrunner"));

	json_object_set_new(res, "UserDataBucket", json_pack(
		"{s:s, s:s, s:{s:o, s:{s:[{s:{s:s}}]}, s:{s:s}, s:{s:b, s:b, s:b, s:b},"
		" s:{s:[{s:s, s:s, s:o, s:[{s:s, s:i}]}, {s:s, s:s, s:s, s:{s:i}}]}, s:o}}",
		"Type", "AWS::S3::Bucket", "DeletionPolicy", "Retain", "Properties",
		"BucketName", json_string(bucket),
		"BucketEncryption", "ServerSideEncryptionConfiguration",
		"ServerSideEncryptionByDefault", "SSEAlgorithm", "AES256",
		"VersioningConfiguration", "Status", "Enabled",
		"PublicAccessBlockConfiguration", "BlockPublicAcls", 1, "IgnorePublicAcls", 1,
		"BlockPublicPolicy", 1, "RestrictPublicBuckets", 1,
		"LifecycleConfiguration", "Rules",
		"Id", "gcrunner-results-intelligent-tiering", "Status", "Enabled",
		"Prefix", json_string("${UserId}/results/"),
		"Transitions", "StorageClass", "INTELLIGENT_TIERING", "TransitionInDays", 0,
		"Id", "gcrunner-abort-incomplete-uploads", "Status", "Enabled",
		"Prefix", "", "AbortIncompleteMultipartUpload", "DaysAfterInitiation", 7,
		"Tags", cfn_tags_list()));

	for (int i = 0; i < 3; i++) {
		static const char *const keys[3][2] = {
			{ "userId", NULL }, { "userId", "simulationId" },
			{ "configurationType", "instanceType" },
		};
		json_t *attrs = json_array(), *schema = json_array();
		char *tname = setup_table_name(c, prefix, i);
		for (int k = 0; k < 2 && keys[i][k]; k++) {
			json_array_append_new(attrs, json_pack("{s:s, s:s}", "AttributeName",
							       keys[i][k], "AttributeType", "S"));
			json_array_append_new(schema, json_pack("{s:s, s:s}", "AttributeName",
								keys[i][k], "KeyType",
								k ? "RANGE" : "HASH"));
		}
		/* No SSESpecification: like setup, the default encryption at rest
		 * (an AWS owned key), without KMS request charges. */
		snprintf(name, sizeof name, "%sTable", setup_table_base[i]);
		json_object_set_new(res, name, json_pack(
			"{s:s, s:s, s:{s:s, s:s, s:o, s:o, s:{s:b}, s:o}}",
			"Type", "AWS::DynamoDB::Table", "DeletionPolicy", "Retain", "Properties",
			"TableName", tname, "BillingMode", "PAY_PER_REQUEST",
			"AttributeDefinitions", attrs, "KeySchema", schema,
			"PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled", 1,
			"Tags", cfn_tags_list()));
		free(tname);
	}

	json_object_set_new(res, "JobLogGroup", json_pack(
		"{s:s, s:{s:s, s:i, s:o}}", "Type", "AWS::Logs::LogGroup", "Properties",
		"LogGroupName", group, "RetentionInDays",
		c->log_retention_days > 0 ? c->log_retention_days : 90, "Tags", cfn_tags_list()));

	json_object_set_new(res, "BatchServiceLinkedRole", json_pack(
		"{s:s, s:s, s:{s:s}}", "Type", "AWS::IAM::ServiceLinkedRole", "Condition",
		"CreateSlr", "Properties", "AWSServiceName", "batch.amazonaws.com"));
	json_object_set_new(res, "EcsInstanceRole", json_pack(
		"{s:s, s:{s:{s:s, s:[{s:s, s:{s:s}, s:s}]}, s:[o], s:o}}",
		"Type", "AWS::IAM::Role", "Properties", "AssumeRolePolicyDocument",
		"Version", "2012-10-17", "Statement", "Effect", "Allow", "Principal", "Service",
		"ec2.amazonaws.com", "Action", "sts:AssumeRole", "ManagedPolicyArns",
		json_string("arn:${AWS::Partition}:iam::aws:policy/service-role/"
			    "AmazonEC2ContainerServiceforEC2Role"),
		"Tags", cfn_tags_list()));
	json_object_set_new(res, "EcsInstanceProfile", json_pack(
		"{s:s, s:{s:[{s:s}]}}", "Type", "AWS::IAM::InstanceProfile", "Properties", "Roles",
		"Ref", "EcsInstanceRole"));
	snprintf(name, sizeof name, "%s-%s", prefix, setup_job_role_name());
	json_object_set_new(res, "BatchJobRole", json_pack(
		"{s:s, s:{s:s, s:{s:s, s:[{s:s, s:{s:s}, s:s}]}, s:[{s:o, s:o}], s:o}}",
		"Type", "AWS::IAM::Role", "Properties", "RoleName", name,
		"AssumeRolePolicyDocument", "Version", "2012-10-17", "Statement", "Effect", "Allow",
		"Principal", "Service", "ecs-tasks.amazonaws.com", "Action", "sts:AssumeRole",
		"Policies", "PolicyName", json_string("gcrunner-${AWS::Region}"),
		"PolicyDocument", policy, "Tags", cfn_tags_list()));

	for (int arch = 0; arch < SETUP_ARCH_COUNT; arch++) {
		json_t *order = json_array(), *image, *props;
		char *qname = setup_queue_name(prefix, arch), *jd = setup_jobdef_name(arch);
		const char *img = arch == 0 ? c->image_arm64 : c->image_x86_64;
		for (int spot = 1; spot >= 0; spot--) {
			json_t *fam = json_array();
			char *ce = setup_ce_name(prefix, arch, spot);
			for (int f = 0; f < 3; f++)
				json_array_append_new(fam, json_string(setup_families[arch][f]));
			logical("ComputeEnvironment", arch, spot ? "Spot" : "OnDemand", name,
				sizeof name);
			json_object_set_new(res, name, json_pack(
				"{s:s, s:[s], s:{s:s, s:s, s:s, s:{s:s, s:s, s:i, s:{s:s}, s:o,"
				" s:{s:s}, s:{s:s}, s:{s:[s, s]}, s:o}, s:o}}",
				"Type", "AWS::Batch::ComputeEnvironment", "DependsOn", "EcsInstanceProfile",
				"Properties", "ComputeEnvironmentName", ce, "Type", "MANAGED",
				"State", "ENABLED", "ComputeResources", "Type", spot ? "SPOT" : "EC2",
				"AllocationStrategy", spot ? "SPOT_CAPACITY_OPTIMIZED"
				: "BEST_FIT_PROGRESSIVE", "MinvCpus", 0, "MaxvCpus", "Ref", "MaxvCpus",
				"InstanceTypes", fam, "Subnets", "Ref", "Subnets", "SecurityGroupIds",
				"Ref", "SecurityGroups", "InstanceRole", "Fn::GetAtt",
				"EcsInstanceProfile", "Arn", "Tags", cfn_tags_map(), "Tags",
				cfn_tags_map()));
			json_array_append_new(order, json_pack("{s:i, s:{s:s}}", "Order", spot ? 1 : 2,
							       "ComputeEnvironment", "Ref",
							       name));
			free(ce);
		}
		logical("JobQueue", arch, "", name, sizeof name);
		json_object_set_new(res, name, json_pack(
			"{s:s, s:{s:s, s:i, s:s, s:o, s:o}}", "Type", "AWS::Batch::JobQueue",
			"Properties", "JobQueueName", qname, "Priority", 1, "State", "ENABLED",
			"ComputeEnvironmentOrder", order, "Tags", cfn_tags_map()));
		json_object_set_new(outputs, name, json_pack("{s:{s:s}}", "Value", "Ref", name));
		image = img ? json_string(img)
			: json_sprintf("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/"
				       "geos-chem:%s-latest", setup_arch[arch]);
		logical("JobDefinition", arch, "", name2, sizeof name2);
		props = json_pack("{s:o, s:[s, s, s, s], s:{s:[s, s]}}", "Image", image, "Command",
				  "/app/entrypoint.sh", "Ref::inputPath", "Ref::outputPath",
				  "Ref::configFile", "JobRoleArn", "Fn::GetAtt", "BatchJobRole", "Arn");
		json_object_set_new(props, "ResourceRequirements",
				    json_pack("[{s:s, s:s}, {s:s, s:s}]", "Type", "VCPU", "Value", "16",
					      "Type", "MEMORY", "Value", "64000"));
		json_object_set_new(props, "Volumes", json_pack("[{s:{s:s}, s:s}]", "Host", "SourcePath",
								"/tmp", "Name", "scratch"));
		json_object_set_new(props, "MountPoints",
				    json_pack("[{s:s, s:s}]", "ContainerPath", "/scratch",
					      "SourceVolume", "scratch"));
		json_object_set_new(props, "Environment",
				    json_pack("[{s:s, s:s}]", "Name", "AWS_REGION", "Value",
					      "${AWS::Region}"));
		json_object_set_new(props, "LogConfiguration",
				    json_pack("{s:s, s:{s:{s:s}}}", "LogDriver", "awslogs", "Options",
					      "awslogs-group", "Ref", "JobLogGroup"));
		json_object_set_new(res, name2, json_pack(
			"{s:s, s:{s:s, s:s, s:o, s:{s:i, s:[{s:s, s:s}, {s:s, s:s}]}, s:b, s:o}}",
			"Type", "AWS::Batch::JobDefinition", "Properties",
			"JobDefinitionName", jd, "Type", "container", "ContainerProperties", props,
			"RetryStrategy", "Attempts", 3, "EvaluateOnExit", "OnStatusReason", "Host EC2*",
			"Action", "RETRY", "OnReason", "*", "Action", "EXIT",
			"PropagateTags", 1, "Tags", cfn_tags_map()));
		free(qname);
		free(jd);
	}
	json_object_set_new(outputs, "UserDataBucket", json_pack("{s:{s:s}}", "Value", "Ref",
								 "UserDataBucket"));
	json_object_set_new(outputs, "BatchJobRoleArn", json_pack("{s:{s:[s, s]}}", "Value",
								  "Fn::GetAtt", "BatchJobRole",
								  "Arn"));
	t = json_pack("{s:s, s:s, s:o, s:{s:{s:[{s:s}, s]}}, s:o, s:o}",
		      "AWSTemplateFormatVersion", "2010-09-09",
		      "Description", "gcrunner: GEOS-Chem on AWS Batch -- the resources "
				     "'gcrunner setup' creates (S3, DynamoDB, IAM, Logs, Batch)",
		      "Parameters", params, "Conditions", "CreateSlr", "Fn::Equals", "Ref",
		      "CreateBatchServiceLinkedRole", "true", "Resources", res, "Outputs", outputs);
	free(bucket);
	free(group);
	return subst(t);
}

enum gcr_status gcr_setup_export_template(const struct gcr_setup_config *config,
					  const char *path, struct gcr_error *err)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	struct buf b = { 0 };
	json_t *t = build_template(config);
	int ok;
	enum gcr_status st;

	yaml_emitter_initialize(&e);
	yaml_emitter_set_output(&e, buf_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&e, &ev) && emit_json(&e, t);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&e, &ev) && yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	json_decref(t);
	if (!ok) {
		free(b.data);
		return gcr_error_set(err, GCR_ERR_INTERNAL, "%s",
				     _("cannot write the template as YAML"));
	}
	st = gcr_write_file_atomic(path, b.data, b.len, 0644, err);
	free(b.data);
	return st;
}
