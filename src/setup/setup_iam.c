/* setup_iam.c: the IAM providers -- the Batch service-linked role, the ECS
 * instance role and its instance profile, and the job role with its
 * least-privilege policy (IAM is a query-protocol service; documents come
 * back URL-encoded). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "i18n.h"
#include "paths.h"
#include "setup/setup_internal.h"

#define ECS_INSTANCE_POLICY "policy/service-role/AmazonEC2ContainerServiceforEC2Role"

/* ---- documents --------------------------------------------------------------------- */

static json_t *trust_policy(const char *service)
{
	return json_pack("{s:s, s:[{s:s, s:{s:s}, s:s}]}", "Version", "2012-10-17", "Statement",
			 "Effect", "Allow", "Principal", "Service", service, "Action",
			 "sts:AssumeRole");
}

static json_t *statement(const char *sid, json_t *actions, json_t *resources)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "Sid", sid, "Effect", "Allow", "Action", actions,
			 "Resource", resources);
}

json_t *gcr_setup_job_policy(const char *partition, const char *account, const char *region,
			     const char *bucket, const char *user_id, const char *log_group,
			     const char *prefix)
{
	json_t *stmts = json_array(), *own_list;
	char *own = gcr_strdup_printf("arn:%s:s3:::%s", partition, bucket);
	char *own_objects = gcr_strdup_printf("arn:%s:s3:::%s/%s/*", partition, bucket, user_id);
	char *user_prefix = gcr_strdup_printf("%s/", user_id);
	char *user_prefix_all = gcr_strdup_printf("%s/*", user_id);
	char *logs = gcr_strdup_printf("arn:%s:logs:%s:%s:log-group:%s:*", partition, region,
				       account, log_group);
	char *repos = gcr_strdup_printf("arn:%s:ecr:%s:%s:repository/*", partition, region, account);
	char *params = gcr_strdup_printf("arn:%s:ssm:%s:%s:parameter/%s/*", partition, region,
					 account, prefix);
	json_t *inputs = json_array();
	static const char *const input_buckets[] = { "geos-chem", "gcgrid" };

	for (size_t i = 0; i < 2; i++) {
		json_array_append_new(inputs, json_sprintf("arn:%s:s3:::%s", partition,
							   input_buckets[i]));
		json_array_append_new(inputs, json_sprintf("arn:%s:s3:::%s/*", partition,
							   input_buckets[i]));
	}
	/* GEOS-Chem's input data: read only. */
	json_array_append_new(stmts, statement("ReadInputData",
					       json_pack("[s, s]", "s3:GetObject", "s3:ListBucket"),
					       inputs));
	/* The user's own data: listing only under their prefix ... */
	own_list = statement("ListOwnPrefix", json_pack("[s]", "s3:ListBucket"),
			     json_pack("[s]", own));
	json_object_set_new(own_list, "Condition",
			    json_pack("{s:{s:[s, s]}}", "StringLike", "s3:prefix", user_prefix,
				      user_prefix_all));
	json_array_append_new(stmts, own_list);
	/* ... and reading and writing only their own objects. */
	json_array_append_new(stmts, statement("ReadWriteOwnPrefix",
					       json_pack("[s, s, s, s, s]", "s3:GetObject",
							 "s3:PutObject", "s3:DeleteObject",
							 "s3:AbortMultipartUpload",
							 "s3:ListMultipartUploadParts"),
					       json_pack("[s]", own_objects)));
	json_array_append_new(stmts, statement("WriteLogs",
					       json_pack("[s, s]", "logs:CreateLogStream",
							 "logs:PutLogEvents"),
					       json_pack("[s]", logs)));
	json_array_append_new(stmts, statement("PullImagesToken",
					       json_pack("[s]", "ecr:GetAuthorizationToken"),
					       json_pack("[s]", "*")));
	json_array_append_new(stmts, statement("PullImages",
					       json_pack("[s, s, s]", "ecr:BatchGetImage",
							 "ecr:GetDownloadUrlForLayer",
							 "ecr:BatchCheckLayerAvailability"),
					       json_pack("[s]", repos)));
	json_array_append_new(stmts, statement("ReadParameters",
					       json_pack("[s, s, s]", "ssm:GetParameter",
							 "ssm:GetParameters",
							 "ssm:GetParametersByPath"),
					       json_pack("[s]", params)));
	free(own);
	free(own_objects);
	free(user_prefix);
	free(user_prefix_all);
	free(logs);
	free(repos);
	free(params);
	return json_pack("{s:s, s:o}", "Version", "2012-10-17", "Statement", stmts);
}

static char *dump(json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	if (!s)
		abort();
	return s;
}

/* A policy document as IAM returns it (URL-encoded JSON), parsed. */
static json_t *decode_document(xmlDocPtr doc, const char *element)
{
	char *text = setup_xml_text(doc, element), *plain;
	json_t *out;

	if (!text)
		return NULL;
	plain = xmlURIUnescapeString(text, 0, NULL);
	out = plain ? json_loads(plain, 0, NULL) : NULL;
	free(text);
	xmlFree(plain);
	return out;
}

static void add_tags(struct gcr_aws_params *p, const struct gcr_setup *g)
{
	json_t *tags = setup_tags(g), *v;
	const char *k;
	int i = 1;

	json_object_foreach(tags, k, v) {
		char key[48];

		snprintf(key, sizeof key, "Tags.member.%d.Key", i);
		gcr_aws_params_add(p, key, k);
		snprintf(key, sizeof key, "Tags.member.%d.Value", i);
		gcr_aws_params_add(p, key, json_string_value(v));
		i++;
	}
	json_decref(tags);
}

static void role_params(struct gcr_aws_params *p, const char *role)
{
	gcr_aws_params_init(p);
	gcr_aws_params_add(p, "RoleName", role);
}

/* ---- the Batch service-linked role -------------------------------------------------- */

static void slr_inspect(struct step *s)
{
	struct gcr_aws_params p;

	if (s->phase++ == 0) {
		role_params(&p, s->name);
		step_query(s, "iam", "GetRole", "iam:GetRole", &p);
		return;
	}
	if (step_not_found(s)) {
		step_found(s, 0, NULL);
		return;
	}
	if (step_failed(s))
		return;
	free(s->aux);
	s->aux = setup_xml_text(s->doc, "Arn");
	step_set_arn(s, s->aux);
	step_found(s, 1, NULL);
}

static void slr_apply(struct step *s)
{
	struct gcr_aws_params p;

	if (s->phase++ == 0) {
		step_progress(s, "%s", _("creating the AWS Batch service-linked role"));
		gcr_aws_params_init(&p);
		gcr_aws_params_add(&p, "AWSServiceName", "batch.amazonaws.com");
		step_query(s, "iam", "CreateServiceLinkedRole", "iam:CreateServiceLinkedRole", &p);
		return;
	}
	/* "Service role name AWSServiceRoleForBatch has been taken": made
	 * meanwhile, e.g. by the console. */
	if (s->st != GCR_OK && !step_code_is(s, "InvalidInput")) {
		step_fail(s);
		return;
	}
	step_done(s);
}

static void keep_destroy(struct step *s)
{
	step_done(s);
}

const struct provider setup_slr_provider = {
	.kind = "iam-service-linked-role",
	.inspect = slr_inspect,
	.apply = slr_apply,
	.destroy = keep_destroy,
	.shared = 1,
};

/* ---- roles (ecsInstanceRole, the job role) --------------------------------------------- */

static int is_job_role(const struct step *s)
{
	return s->p == &setup_job_role_provider;
}

static char *job_policy_name(const struct gcr_setup *g)
{
	return gcr_strdup_printf("%s-%s", g->prefix, g->region);
}

static json_t *wanted_job_policy(const struct gcr_setup *g)
{
	char *group = setup_log_group(g->prefix);
	json_t *doc = gcr_setup_job_policy(g->partition, g->identity.account, g->region, g->bucket,
					   g->user_id, group, g->prefix);
	free(group);
	return doc;
}

static char *managed_policy_arn(const struct gcr_setup *g)
{
	return gcr_strdup_printf("arn:%s:iam::aws:%s", g->partition, ECS_INSTANCE_POLICY);
}

static void role_inspect(struct step *s)
{
	struct gcr_setup *g = s->setup;
	struct gcr_aws_params p;
	char *arn;

	switch (s->phase++) {
	case 0:
		role_params(&p, s->name);
		step_query(s, "iam", "GetRole", "iam:GetRole", &p);
		break;
	case 1:
		if (step_not_found(s)) {
			step_found(s, 0, NULL);
			break;
		}
		if (step_failed(s))
			break;
		arn = setup_xml_text(s->doc, "Arn");
		step_set_arn(s, arn);
		free(arn);
		if (g->mode == GCR_SETUP_MODE_DESTROY) {
			step_found(s, 1, NULL);
			break;
		}
		role_params(&p, s->name);
		if (is_job_role(s)) {
			char *name = job_policy_name(g);
			gcr_aws_params_add(&p, "PolicyName", name);
			free(name);
			step_query(s, "iam", "GetRolePolicy", "iam:GetRolePolicy", &p);
		} else {
			step_query(s, "iam", "ListAttachedRolePolicies",
				   "iam:ListAttachedRolePolicies", &p);
		}
		break;
	case 2:
		if (is_job_role(s)) {
			json_t *have, *want;
			int same;
			if (s->st != GCR_OK && !step_not_found(s)) {
				step_fail(s);
				break;
			}
			have = s->st == GCR_OK ? decode_document(s->doc, "PolicyDocument") : NULL;
			want = wanted_job_policy(g);
			same = have && json_equal(have, want);
			json_decref(have);
			json_decref(want);
			step_found(s, 1, same ? NULL : _("set the job permissions policy"));
		} else {
			char *want = managed_policy_arn(g);
			int attached = 0;
			xmlNodePtr m;
			if (s->st != GCR_OK) {
				free(want);
				step_fail(s);
				break;
			}
			m = gcr_xml_find(xmlDocGetRootElement(s->doc), "member");
			for (; m && !attached; m = gcr_xml_next_same(m)) {
				char *a = gcr_xml_text(m, "PolicyArn");
				attached = a && strcmp(a, want) == 0;
				free(a);
			}
			free(want);
			step_found(s, 1, attached ? NULL
				   : _("attach AmazonEC2ContainerServiceforEC2Role"));
		}
		break;
	}
}

static void role_apply(struct step *s)
{
	struct gcr_setup *g = s->setup;
	struct gcr_aws_params p;
	char *doc, *name;

	if (s->phase > 0 && s->st != GCR_OK &&
	    !(s->phase == 1 && step_code_is(s, "EntityAlreadyExists"))) {
		step_fail(s);
		return;
	}
	switch (s->phase++) {
	case 0:
		if (!s->exists) {
			step_progress(s, _("creating IAM role %s"), s->name);
			role_params(&p, s->name);
			doc = dump(trust_policy(is_job_role(s) ? "ecs-tasks.amazonaws.com"
						: "ec2.amazonaws.com"));
			gcr_aws_params_add(&p, "AssumeRolePolicyDocument", doc);
			gcr_aws_params_add(&p, "Description", is_job_role(s)
					   ? "gcrunner: GEOS-Chem Batch jobs"
					   : "ECS container instances of AWS Batch");
			add_tags(&p, g);
			free(doc);
			step_query(s, "iam", "CreateRole", "iam:CreateRole", &p);
			break;
		}
		/* fall through */
	case 1:
		s->phase = 2;
		role_params(&p, s->name);
		if (is_job_role(s)) {
			step_progress(s, _("setting the permissions of %s"), s->name);
			name = job_policy_name(g);
			doc = dump(wanted_job_policy(g));
			gcr_aws_params_add(&p, "PolicyName", name);
			gcr_aws_params_add(&p, "PolicyDocument", doc);
			free(name);
			free(doc);
			step_query(s, "iam", "PutRolePolicy", "iam:PutRolePolicy", &p);
		} else {
			name = managed_policy_arn(g);
			gcr_aws_params_add(&p, "PolicyArn", name);
			free(name);
			step_query(s, "iam", "AttachRolePolicy", "iam:AttachRolePolicy", &p);
		}
		break;
	default:
		if (!s->arn) {
			char *arn = gcr_strdup_printf("arn:%s:iam::%s:role/%s", g->partition,
						      g->identity.account, s->name);
			step_set_arn(s, arn);
			free(arn);
		}
		step_done(s);
		break;
	}
}

static void role_destroy(struct step *s)
{
	struct gcr_setup *g = s->setup;
	struct gcr_aws_params p;
	char *name;

	if (s->phase > 0 && s->st != GCR_OK && !step_not_found(s)) {
		/* Another region's policy still uses the role: leave it. */
		if (s->phase == 2 && step_code_is(s, "DeleteConflict")) {
			s->still_used = 1;
			step_progress(s, _("%s still has other regions' policies: kept"), s->name);
			step_done(s);
			return;
		}
		step_fail(s);
		return;
	}
	switch (s->phase++) {
	case 0:
		step_progress(s, _("deleting IAM role %s"), s->name);
		role_params(&p, s->name);
		if (is_job_role(s)) {
			name = job_policy_name(g);
			gcr_aws_params_add(&p, "PolicyName", name);
			free(name);
			step_query(s, "iam", "DeleteRolePolicy", "iam:DeleteRolePolicy", &p);
		} else {
			name = managed_policy_arn(g);
			gcr_aws_params_add(&p, "PolicyArn", name);
			free(name);
			step_query(s, "iam", "DetachRolePolicy", "iam:DetachRolePolicy", &p);
		}
		break;
	case 1:
		role_params(&p, s->name);
		step_query(s, "iam", "DeleteRole", "iam:DeleteRole", &p);
		break;
	default:
		step_done(s);
		break;
	}
}

const struct provider setup_instance_role_provider = {
	.kind = "iam-role",
	.inspect = role_inspect,
	.apply = role_apply,
	.destroy = role_destroy,
};

const struct provider setup_job_role_provider = {
	.kind = "iam-role",
	.inspect = role_inspect,
	.apply = role_apply,
	.destroy = role_destroy,
};

/* ---- the instance profile ------------------------------------------------------------ */

static void profile_params(struct gcr_aws_params *p, const char *name)
{
	gcr_aws_params_init(p);
	gcr_aws_params_add(p, "InstanceProfileName", name);
}

static void profile_inspect(struct step *s)
{
	struct gcr_aws_params p;
	char *arn, *role;

	if (s->phase++ == 0) {
		profile_params(&p, s->name);
		step_query(s, "iam", "GetInstanceProfile", "iam:GetInstanceProfile", &p);
		return;
	}
	if (step_not_found(s)) {
		step_found(s, 0, NULL);
		return;
	}
	if (step_failed(s))
		return;
	/* The profile's own Arn comes first in the answer, the role's after. */
	arn = setup_xml_text(s->doc, "Arn");
	step_set_arn(s, arn);
	free(arn);
	role = setup_xml_text(s->doc, "RoleName");
	s->counter = role != NULL;   /* has a role */
	step_found(s, 1, role || s->setup->mode == GCR_SETUP_MODE_DESTROY ? NULL
		   : _("add the role ecsInstanceRole"));
	free(role);
}

static void profile_apply(struct step *s)
{
	struct gcr_aws_params p;

	if (s->phase > 0 && s->st != GCR_OK &&
	    !(s->phase == 1 && step_code_is(s, "EntityAlreadyExists")) &&
	    !(s->phase == 2 && step_code_is(s, "LimitExceeded"))) {
		step_fail(s);
		return;
	}
	switch (s->phase++) {
	case 0:
		if (!s->exists) {
			step_progress(s, _("creating instance profile %s"), s->name);
			profile_params(&p, s->name);
			add_tags(&p, s->setup);
			step_query(s, "iam", "CreateInstanceProfile", "iam:CreateInstanceProfile", &p);
			break;
		}
		/* fall through */
	case 1:
		s->phase = 2;
		profile_params(&p, s->name);
		gcr_aws_params_add(&p, "RoleName", "ecsInstanceRole");
		step_query(s, "iam", "AddRoleToInstanceProfile", "iam:AddRoleToInstanceProfile", &p);
		break;
	default:
		step_done(s);
		break;
	}
}

static void profile_destroy(struct step *s)
{
	struct gcr_aws_params p;

	if (step_destroy_failed(s))
		return;
	switch (s->phase++) {
	case 0:
		step_progress(s, _("deleting instance profile %s"), s->name);
		profile_params(&p, s->name);
		gcr_aws_params_add(&p, "RoleName", "ecsInstanceRole");
		step_query(s, "iam", "RemoveRoleFromInstanceProfile",
			   "iam:RemoveRoleFromInstanceProfile", &p);
		break;
	case 1:
		profile_params(&p, s->name);
		step_query(s, "iam", "DeleteInstanceProfile", "iam:DeleteInstanceProfile", &p);
		break;
	default:
		step_done(s);
		break;
	}
}

const struct provider setup_instance_profile_provider = {
	.kind = "iam-instance-profile",
	.inspect = profile_inspect,
	.apply = profile_apply,
	.destroy = profile_destroy,
};
