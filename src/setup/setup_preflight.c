/* setup_preflight.c: before anything is created, ask IAM whether the caller
 * may do what the plan needs (iam:SimulatePrincipalPolicy), so a missing
 * permission is named before the first resource exists rather than half-way
 * through.  When the simulation itself is not allowed (common for people
 * without IAM rights) the check is skipped: apply still names the action
 * that is refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "paths.h"
#include "setup/setup_internal.h"

/* The actions creating or changing each kind of resource needs. */
static const struct {
	const char *kind;
	const char *actions[7];
} needs[] = {
	{ "s3-bucket", { "s3:CreateBucket", "s3:PutEncryptionConfiguration",
			 "s3:PutBucketVersioning", "s3:PutBucketPublicAccessBlock",
			 "s3:PutLifecycleConfiguration", "s3:PutBucketTagging" } },
	{ "s3-prefixes", { "s3:PutObject" } },
	{ "dynamodb-table", { "dynamodb:CreateTable", "dynamodb:UpdateContinuousBackups",
			      "dynamodb:TagResource" } },
	{ "log-group", { "logs:CreateLogGroup", "logs:PutRetentionPolicy" } },
	{ "iam-service-linked-role", { "iam:CreateServiceLinkedRole" } },
	{ "iam-role", { "iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy",
			"iam:AttachRolePolicy" } },
	{ "iam-instance-profile", { "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile" } },
	{ "batch-compute-environment", { "batch:CreateComputeEnvironment",
					 "batch:UpdateComputeEnvironment", "iam:PassRole" } },
	{ "batch-job-queue", { "batch:CreateJobQueue", "batch:UpdateJobQueue" } },
	{ "batch-job-definition", { "batch:RegisterJobDefinition", "iam:PassRole" } },
};

/* The IAM principal behind an STS ARN: an assumed role's session ARN
 * becomes the role's ARN (IAM simulates principals, not sessions). */
static char *principal_arn(const struct gcr_setup *g)
{
	const char *arn = g->identity.arn, *p = strstr(arn, ":assumed-role/");

	if (p) {
		const char *role = p + strlen(":assumed-role/");
		const char *slash = strchr(role, '/');
		return gcr_strdup_printf("arn:%s:iam::%s:role/%.*s", g->partition, g->identity.account,
					 slash ? (int)(slash - role) : (int)strlen(role), role);
	}
	return gcr_strdup_printf("%s", arn);
}

static void preflight_resume(struct step *s)
{
	struct gcr_setup *g = s->setup;
	xmlNodePtr m;

	if (s->st != GCR_OK) {
		/* Not allowed to simulate, or IAM unreachable: apply will say. */
		step_progress(s, "%s", _("permissions could not be checked in advance"));
		setup_preflight_done(g);
		return;
	}
	m = gcr_xml_find(xmlDocGetRootElement(s->doc), "EvaluationResults");
	m = m ? gcr_xml_child(m, "member") : NULL;
	for (; m; m = gcr_xml_next_same(m)) {
		char *action = gcr_xml_text(m, "EvalActionName");
		char *decision = gcr_xml_text(m, "EvalDecision");
		if (action && decision && strcmp(decision, "allowed") != 0)
			setup_remember_denied(g, action);
		free(action);
		free(decision);
	}
	setup_preflight_done(g);
}

static const struct provider preflight_provider = {
	.kind = "permissions",
	.inspect = preflight_resume,
};

void setup_preflight(struct gcr_setup *g)
{
	struct gcr_aws_params p;
	struct step *s;
	char *arn, key[48];
	const char *listed[64];
	size_t n = 0;

	gcr_aws_params_init(&p);
	for (size_t i = 0; i < g->n_steps; i++) {
		const struct gcr_setup_item *it = &g->steps[i]->item;
		if (it->action != GCR_SETUP_CREATE && it->action != GCR_SETUP_CHANGE)
			continue;
		for (size_t k = 0; k < sizeof needs / sizeof needs[0]; k++) {
			if (strcmp(needs[k].kind, it->kind) != 0)
				continue;
			for (size_t a = 0; a < 7 && needs[k].actions[a]; a++) {
				int dup = 0;
				for (size_t j = 0; j < n; j++)
					dup |= strcmp(listed[j], needs[k].actions[a]) == 0;
				if (!dup && n < sizeof listed / sizeof listed[0])
					listed[n++] = needs[k].actions[a];
			}
		}
	}
	if (n == 0) {
		gcr_aws_params_clear(&p);
		setup_preflight_done(g);
		return;
	}
	arn = principal_arn(g);
	gcr_aws_params_add(&p, "PolicySourceArn", arn);
	free(arn);
	for (size_t j = 0; j < n; j++) {
		snprintf(key, sizeof key, "ActionNames.member.%zu", j + 1);
		gcr_aws_params_add(&p, key, listed[j]);
	}
	s = g->preflight;
	if (!s) {
		s = calloc(1, sizeof *s);
		if (!s)
			abort();
		s->setup = g;
		s->p = &preflight_provider;
		s->name = gcr_strdup_printf("%s", _("permissions"));
		s->item.kind = preflight_provider.kind;
		s->item.name = s->name;
		s->quiet_denial = 1;
		g->preflight = s;
	}
	s->resume = preflight_resume;
	step_progress(s, "%s", _("checking permissions"));
	step_query(s, "iam", "SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy", &p);
}
