/* setup_batch.c: the compute providers -- networking (the default VPC's
 * subnets and security group, or the user's), the Batch compute
 * environments, job queues and job definitions.
 *
 * Batch changes state asynchronously (CREATING -> VALID, UPDATING,
 * DELETING -> DELETED): steps poll Describe* on a uv timer until the
 * resource settles, bounded by config.wait_limit_s. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "paths.h"
#include "setup/setup_internal.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Has the step waited longer than allowed?  Fails it if so. */
static int waited_too_long(struct step *s, const char *what, const char *status)
{
	struct gcr_setup *g = s->setup;

	if ((long)++s->counter * g->cfg.poll_ms / 1000 <= g->cfg.wait_limit_s)
		return 0;
	step_fail_msg(s, GCR_ERR_REMOTE,
		      _("%s %s is still %s after %d seconds; run setup again later to finish"),
		      what, s->name, status ? status : "?", g->cfg.wait_limit_s);
	return 1;
}

/* A Describe* answered: done when the resource is gone, else wait and
 * describe again (phase describe_phase). */
static void settle_gone(struct step *s, json_t *found, const char *what, int describe_phase)
{
	if (!found) {
		step_done(s);
		return;
	}
	if (waited_too_long(s, what, str(found, "status")))
		return;
	s->phase = describe_phase;
	step_wait(s, s->setup->cfg.poll_ms);
}

/* How a Batch resource kind is made and watched (compute environments
 * and job queues go through the same create-or-update-then-settle steps). */
struct batch_kind {
	void (*create)(struct step *s);         /* progress + the Create call */
	void (*update)(struct step *s);         /* progress + the Update call */
	void (*describe)(struct step *s);
	/* After a describe: goes on at next_phase once settled, else waits. */
	void (*settle)(struct step *s, int next_phase);
};

/* Creates (or updates) the resource, then describes it until it settles.
 * "already exists" counts as created: an interrupted run made it. */
static void batch_apply(struct step *s, const struct batch_kind *k)
{
	switch (s->phase++) {
	case 0:
		(s->exists ? k->update : k->create)(s);
		break;
	case 1:
		if (s->st != GCR_OK && !(step_code_is(s, "ClientException") &&
					 strstr(s->err.message, "already exists"))) {
			step_fail(s);
			break;
		}
		s->counter = 0;
		/* fall through */
	case 2:
		s->phase = 3;
		k->describe(s);
		break;
	case 3:
		if (step_failed(s))
			break;
		k->settle(s, 4);
		break;
	default:
		step_done(s);
		break;
	}
}

/* ---- networking ------------------------------------------------------------------ */

static char **xml_items(xmlDocPtr doc, const char *set, const char *field, size_t *n)
{
	xmlNodePtr node = doc ? gcr_xml_find(xmlDocGetRootElement(doc), set) : NULL;
	xmlNodePtr item = node ? gcr_xml_child(node, "item") : NULL;
	char **out = calloc(1, sizeof *out);

	*n = 0;
	for (; item; item = gcr_xml_next_same(item)) {
		char *v = gcr_xml_text(item, field);
		if (!v)
			continue;
		out = realloc(out, (*n + 2) * sizeof *out);
		if (!out)
			abort();
		out[(*n)++] = v;
		out[*n] = NULL;
	}
	return out;
}

static char **dup_list(char **items, size_t n)
{
	char **out = calloc(n + 1, sizeof *out);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		out[i] = gcr_strdup_printf("%s", items[i]);
	return out;
}

static void free_list(char **l)
{
	for (size_t i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

static char *join(char **items, size_t n)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 2;
	out = calloc(1, len);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, ", ");
		strcat(out, items[i]);
	}
	return out;
}

static void network_found(struct step *s)
{
	struct gcr_setup *g = s->setup;
	char *subnets = join(g->subnets, g->n_subnets), *sgs = join(g->sgs, g->n_sgs);
	char *detail = gcr_strdup_printf(_("%s%s; subnets %s; security groups %s"),
					 s->aux ? s->aux : _("configured networking"),
					 "", subnets, sgs);

	step_info(s, detail);
	free(detail);
	free(subnets);
	free(sgs);
}

static void network_inspect(struct step *s)
{
	struct gcr_setup *g = s->setup;
	const struct gcr_setup_config *c = &g->cfg;
	struct gcr_aws_params p;
	char **items, *vpc;
	size_t n;

	if (s->phase > 0 && s->st != GCR_OK) {
		step_fail(s);
		return;
	}
	switch (s->phase++) {
	case 0:
		free_list(g->subnets);
		free_list(g->sgs);
		g->subnets = dup_list((char **)c->subnets, c->n_subnets);
		g->n_subnets = c->n_subnets;
		g->sgs = dup_list((char **)c->security_groups, c->n_security_groups);
		g->n_sgs = c->n_security_groups;
		if (g->n_subnets && g->n_sgs) {
			network_found(s);
			break;
		}
		gcr_aws_params_init(&p);
		if (g->n_subnets) {
			/* The groups come from the given subnets' VPC. */
			for (size_t i = 0; i < g->n_subnets; i++) {
				char key[32];
				snprintf(key, sizeof key, "SubnetId.%zu", i + 1);
				gcr_aws_params_add(&p, key, g->subnets[i]);
			}
			s->phase = 2;
			step_query(s, "ec2", "DescribeSubnets", "ec2:DescribeSubnets", &p);
			break;
		}
		gcr_aws_params_add(&p, "Filter.1.Name", "isDefault");
		gcr_aws_params_add(&p, "Filter.1.Value.1", "true");
		step_query(s, "ec2", "DescribeVpcs", "ec2:DescribeVpcs", &p);
		break;
	case 1:
		items = xml_items(s->doc, "vpcSet", "vpcId", &n);
		if (n == 0) {
			free_list(items);
			step_fail_msg(s, GCR_ERR_NOT_FOUND,
				      _("there is no default VPC in %s: give the subnets and security "
					"groups to use with --subnets and --security-groups"), g->region);
			break;
		}
		free(s->aux);
		s->aux = gcr_strdup_printf(_("default VPC %s"), items[0]);
		gcr_aws_params_init(&p);
		gcr_aws_params_add(&p, "Filter.1.Name", "vpc-id");
		gcr_aws_params_add(&p, "Filter.1.Value.1", items[0]);
		free_list(items);
		step_query(s, "ec2", "DescribeSubnets", "ec2:DescribeSubnets", &p);
		break;
	case 2:
		items = xml_items(s->doc, "subnetSet", "subnetId", &n);
		if (n == 0) {
			free_list(items);
			step_fail_msg(s, GCR_ERR_NOT_FOUND, _("no subnets found in %s"),
				      s->aux ? s->aux : g->region);
			break;
		}
		if (!g->n_subnets) {
			free_list(g->subnets);
			g->subnets = items;
			g->n_subnets = n;
		} else {
			free_list(items);
		}
		if (g->n_sgs) {
			network_found(s);
			break;
		}
		items = xml_items(s->doc, "subnetSet", "vpcId", &n);
		vpc = n ? gcr_strdup_printf("%s", items[0]) : NULL;
		free_list(items);
		gcr_aws_params_init(&p);
		gcr_aws_params_add(&p, "Filter.1.Name", "vpc-id");
		gcr_aws_params_add(&p, "Filter.1.Value.1", vpc ? vpc : "");
		gcr_aws_params_add(&p, "Filter.2.Name", "group-name");
		gcr_aws_params_add(&p, "Filter.2.Value.1", "default");
		free(vpc);
		step_query(s, "ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", &p);
		break;
	case 3:
		items = xml_items(s->doc, "securityGroupInfo", "groupId", &n);
		if (n == 0) {
			free_list(items);
			step_fail_msg(s, GCR_ERR_NOT_FOUND,
				      _("the VPC has no default security group: give one with "
					"--security-groups"));
			break;
		}
		free_list(g->sgs);
		g->sgs = items;
		g->n_sgs = n;
		network_found(s);
		break;
	}
}

const struct provider setup_network_provider = {
	.kind = "network",
	.inspect = network_inspect,
};

/* ---- compute environments ------------------------------------------------------------ */

static json_t *string_array(char **items, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *ce_create_input(const struct step *s)
{
	const struct gcr_setup *g = s->setup;
	json_t *families = json_array();
	char *profile = gcr_strdup_printf("arn:%s:iam::%s:instance-profile/ecsInstanceRole",
					  g->partition, g->identity.account);
	json_t *res, *in;

	for (int i = 0; i < 3; i++)
		json_array_append_new(families, json_string(setup_families[s->index][i]));
	res = json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:s, s:o}",
			"type", s->spot ? "SPOT" : "EC2",
			"allocationStrategy", s->spot ? "SPOT_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE",
			"minvCpus", 0, "maxvCpus", g->cfg.max_vcpus,
			"instanceTypes", families,
			"subnets", string_array(g->subnets, g->n_subnets),
			"securityGroupIds", string_array(g->sgs, g->n_sgs),
			"instanceRole", profile,
			"tags", setup_tags(g));
	in = json_pack("{s:s, s:s, s:s, s:o, s:o}", "computeEnvironmentName", s->name,
		       "type", "MANAGED", "state", "ENABLED", "computeResources", res,
		       "tags", setup_tags(g));
	free(profile);
	return in;
}

static void ce_describe(struct step *s)
{
	step_json(s, "batch", "DescribeComputeEnvironments", "batch:DescribeComputeEnvironments",
		  json_pack("{s:[s]}", "computeEnvironments", s->name), 0);
}

/* The environment in the last DescribeComputeEnvironments answer, or NULL
 * when it is not there (or deleted). */
static json_t *ce_found(struct step *s)
{
	json_t *ce = json_array_get(json_object_get(s->answer, "computeEnvironments"), 0);
	const char *status = str(ce, "status");

	if (!ce || streq(status, "DELETED"))
		return NULL;
	return ce;
}

static void ce_inspect(struct step *s)
{
	json_t *ce;
	char *detail = NULL;
	json_int_t max;

	if (step_first_call(s, ce_describe))
		return;
	ce = ce_found(s);
	if (!ce) {
		step_found(s, 0, NULL);
		return;
	}
	step_set_arn(s, str(ce, "computeEnvironmentArn"));
	max = json_integer_value(json_object_get(json_object_get(ce, "computeResources"),
						 "maxvCpus"));
	if (!streq(str(ce, "state"), "ENABLED"))
		detail = gcr_strdup_printf("%s", _("enable it"));
	else if (max != s->setup->cfg.max_vcpus)
		detail = gcr_strdup_printf(_("set the maximum to %d vCPUs (now %lld)"),
					   s->setup->cfg.max_vcpus, (long long)max);
	step_found(s, 1, detail);
	free(detail);
}

/* Waits (re-describing) until the environment is VALID. */
static void ce_settle(struct step *s, int next_phase)
{
	json_t *ce = ce_found(s);
	const char *status = str(ce, "status");

	if (streq(status, "VALID")) {
		step_set_arn(s, str(ce, "computeEnvironmentArn"));
		s->phase = next_phase;
		s->resume(s);
		return;
	}
	if (streq(status, "INVALID")) {
		step_fail_msg(s, GCR_ERR_REMOTE, _("compute environment %s is INVALID: %s"), s->name,
			      str(ce, "statusReason") ? str(ce, "statusReason") : "?");
		return;
	}
	if (waited_too_long(s, _("compute environment"), status))
		return;
	s->phase--;  /* describe again */
	step_wait(s, s->setup->cfg.poll_ms);
}

static void ce_create(struct step *s)
{
	step_progress(s, _("creating compute environment %s"), s->name);
	step_json(s, "batch", "CreateComputeEnvironment", "batch:CreateComputeEnvironment",
		  ce_create_input(s), 0);
}

static void ce_update(struct step *s)
{
	step_progress(s, _("updating compute environment %s"), s->name);
	step_json(s, "batch", "UpdateComputeEnvironment", "batch:UpdateComputeEnvironment",
		  json_pack("{s:s, s:s, s:{s:i}}", "computeEnvironment", s->name, "state",
			    "ENABLED", "computeResources", "maxvCpus", s->setup->cfg.max_vcpus), 0);
}

static void ce_apply(struct step *s)
{
	static const struct batch_kind kind = { ce_create, ce_update, ce_describe, ce_settle };

	batch_apply(s, &kind);
}

static void ce_destroy(struct step *s)
{
	json_t *ce;
	const char *status, *state;

	if (step_destroy_failed(s))
		return;
	switch (s->phase++) {
	case 0:
		s->counter = 0;
		step_progress(s, _("disabling compute environment %s"), s->name);
		step_json(s, "batch", "UpdateComputeEnvironment", "batch:UpdateComputeEnvironment",
			  json_pack("{s:s, s:s}", "computeEnvironment", s->name, "state", "DISABLED"),
			  0);
		break;
	case 1:
		ce_describe(s);
		break;
	case 2:
		ce = ce_found(s);
		status = str(ce, "status");
		state = str(ce, "state");
		if (!ce) {
			step_done(s);
			break;
		}
		if (streq(status, "UPDATING") || streq(status, "CREATING") ||
		    !streq(state, "DISABLED")) {
			if (waited_too_long(s, _("compute environment"), status))
				break;
			s->phase = 1;
			step_wait(s, s->setup->cfg.poll_ms);
			break;
		}
		step_progress(s, _("deleting compute environment %s"), s->name);
		step_json(s, "batch", "DeleteComputeEnvironment", "batch:DeleteComputeEnvironment",
			  json_pack("{s:s}", "computeEnvironment", s->name), 0);
		break;
	case 3:
		ce_describe(s);
		break;
	case 4:
		settle_gone(s, ce_found(s), _("compute environment"), 3);
		break;
	}
}

const struct provider setup_ce_provider = {
	.kind = "batch-compute-environment",
	.inspect = ce_inspect,
	.apply = ce_apply,
	.destroy = ce_destroy,
};

/* ---- job queues ------------------------------------------------------------------------- */

static json_t *queue_order(const struct step *s)
{
	char *spot = setup_ce_name(s->setup->prefix, s->index, 1);
	char *od = setup_ce_name(s->setup->prefix, s->index, 0);
	json_t *o = json_pack("[{s:i, s:s}, {s:i, s:s}]", "order", 1, "computeEnvironment", spot,
			      "order", 2, "computeEnvironment", od);

	free(spot);
	free(od);
	return o;
}

static void queue_describe(struct step *s)
{
	step_json(s, "batch", "DescribeJobQueues", "batch:DescribeJobQueues",
		  json_pack("{s:[s]}", "jobQueues", s->name), 0);
}

static json_t *queue_found(struct step *s)
{
	json_t *q = json_array_get(json_object_get(s->answer, "jobQueues"), 0);

	if (!q || streq(str(q, "status"), "DELETED"))
		return NULL;
	return q;
}

/* Does the queue send jobs to spot first, then on-demand? */
static int queue_order_ok(const struct step *s, json_t *q)
{
	json_t *order = json_object_get(q, "computeEnvironmentOrder"), *e;
	size_t i;
	int ok = json_array_size(order) == 2;

	json_array_foreach(order, i, e) {
		json_int_t pos = json_integer_value(json_object_get(e, "order"));
		const char *ce = str(e, "computeEnvironment");
		const char *slash = ce ? strrchr(ce, '/') : NULL;
		char *want = setup_ce_name(s->setup->prefix, s->index, pos == 1);
		if (!streq(slash ? slash + 1 : ce, want))
			ok = 0;
		free(want);
	}
	return ok;
}

static const char *const active_states[] = { "SUBMITTED", "PENDING", "RUNNABLE", "STARTING",
					     "RUNNING" };

static void queue_list_jobs(struct step *s)
{
	/* With a filter, ListJobs answers jobs in every status. */
	step_json(s, "batch", "ListJobs", "batch:ListJobs",
		  json_pack("{s:s, s:[{s:s, s:[s]}]}", "jobQueue", s->name, "filters", "name",
			    "AFTER_CREATED_AT", "values", "0"), 0);
}

/* The ids of the jobs still active in the last ListJobs answer (new array). */
static json_t *active_jobs(struct step *s)
{
	json_t *ids = json_array(), *j;
	size_t i;

	json_array_foreach(json_object_get(s->answer, "jobSummaryList"), i, j) {
		for (size_t k = 0; k < sizeof active_states / sizeof active_states[0]; k++)
			if (streq(str(j, "status"), active_states[k]))
				json_array_append(ids, json_object_get(j, "jobId"));
	}
	return ids;
}

static void queue_inspect(struct step *s)
{
	json_t *q, *ids;
	char *detail;

	switch (s->phase++) {
	case 0:
		queue_describe(s);
		break;
	case 1:
		if (step_failed(s))
			break;
		q = queue_found(s);
		if (!q) {
			step_found(s, 0, NULL);
			break;
		}
		step_set_arn(s, str(q, "jobQueueArn"));
		if (s->setup->mode == GCR_SETUP_MODE_DESTROY) {
			queue_list_jobs(s);
			break;
		}
		detail = !streq(str(q, "state"), "ENABLED") ? gcr_strdup_printf("%s", _("enable it"))
			: !queue_order_ok(s, q)
			? gcr_strdup_printf("%s", _("send jobs to spot first, then on-demand"))
			: NULL;
		step_found(s, 1, detail);
		free(detail);
		break;
	case 2:
		if (step_failed(s))
			break;
		ids = active_jobs(s);
		if (json_array_size(ids) > 0) {
			detail = gcr_strdup_printf(_("%zu active jobs will be terminated"),
						   json_array_size(ids));
			step_set_detail(s, detail);
			free(detail);
		}
		json_decref(ids);
		step_found(s, 1, NULL);
		break;
	}
}

static void queue_settle(struct step *s, int next_phase, const char *want_state)
{
	json_t *q = queue_found(s);
	const char *status = str(q, "status");

	if (q && streq(status, "VALID") && (!want_state || streq(str(q, "state"), want_state))) {
		step_set_arn(s, str(q, "jobQueueArn"));
		s->phase = next_phase;
		s->resume(s);
		return;
	}
	if (q && streq(status, "INVALID")) {
		step_fail_msg(s, GCR_ERR_REMOTE, _("job queue %s is INVALID: %s"), s->name,
			      str(q, "statusReason") ? str(q, "statusReason") : "?");
		return;
	}
	if (waited_too_long(s, _("job queue"), status))
		return;
	s->phase--;
	step_wait(s, s->setup->cfg.poll_ms);
}

static void queue_create(struct step *s)
{
	step_progress(s, _("creating job queue %s"), s->name);
	step_json(s, "batch", "CreateJobQueue", "batch:CreateJobQueue",
		  json_pack("{s:s, s:s, s:i, s:o, s:o}", "jobQueueName", s->name, "state", "ENABLED",
			    "priority", 1, "computeEnvironmentOrder", queue_order(s), "tags",
			    setup_tags(s->setup)), 0);
}

static void queue_update(struct step *s)
{
	step_progress(s, _("updating job queue %s"), s->name);
	step_json(s, "batch", "UpdateJobQueue", "batch:UpdateJobQueue",
		  json_pack("{s:s, s:s, s:o}", "jobQueue", s->name, "state", "ENABLED",
			    "computeEnvironmentOrder", queue_order(s)), 0);
}

static void queue_settle_enabled(struct step *s, int next_phase)
{
	queue_settle(s, next_phase, "ENABLED");
}

static void queue_apply(struct step *s)
{
	static const struct batch_kind kind = { queue_create, queue_update, queue_describe,
						queue_settle_enabled };

	batch_apply(s, &kind);
}

/* Disable (no new jobs), terminate what is still active and wait until the
 * queue is drained, then delete it and wait until it is gone. */
static void queue_destroy(struct step *s)
{
	json_t *ids;

	if (step_destroy_failed(s))
		return;
	switch (s->phase++) {
	case 0:
		step_progress(s, _("disabling job queue %s"), s->name);
		step_json(s, "batch", "UpdateJobQueue", "batch:UpdateJobQueue",
			  json_pack("{s:s, s:s}", "jobQueue", s->name, "state", "DISABLED"), 0);
		break;
	case 1:
		s->counter = 0;
		/* fall through */
	case 2:
		s->phase = 3;
		queue_list_jobs(s);
		break;
	case 3:
		ids = active_jobs(s);
		if (json_array_size(ids) == 0) {
			json_decref(ids);
			s->phase = 6;
			queue_describe(s);
			break;
		}
		json_decref(s->want);
		s->want = ids;
		step_progress(s, _("terminating %zu active jobs in %s"), json_array_size(ids),
			      s->name);
		/* fall through */
	case 4:
		s->phase = 4;
		if (json_array_size(s->want) > 0) {
			const char *id = json_string_value(json_array_get(s->want, 0));
			json_t *in = json_pack("{s:s, s:s}", "jobId", id, "reason",
					       "gcrunner setup --destroy");
			json_array_remove(s->want, 0);
			step_json(s, "batch", "TerminateJob", "batch:TerminateJob", in, 0);
			break;
		}
		s->phase = 5;
		step_wait(s, s->setup->cfg.poll_ms);
		break;
	case 5:
		/* check again that nothing is left */
		if (waited_too_long(s, _("job queue"), _("draining")))
			break;
		s->phase = 3;
		queue_list_jobs(s);
		break;
	case 6:
		queue_settle(s, 7, "DISABLED");
		break;
	case 7:
		step_progress(s, _("deleting job queue %s"), s->name);
		step_json(s, "batch", "DeleteJobQueue", "batch:DeleteJobQueue",
			  json_pack("{s:s}", "jobQueue", s->name), 0);
		break;
	case 8:
		s->counter = 0;
		/* fall through */
	case 9:
		s->phase = 10;
		queue_describe(s);
		break;
	case 10:
		settle_gone(s, queue_found(s), _("job queue"), 9);
		break;
	}
}

const struct provider setup_queue_provider = {
	.kind = "batch-job-queue",
	.inspect = queue_inspect,
	.apply = queue_apply,
	.destroy = queue_destroy,
};

/* ---- job definitions ---------------------------------------------------------------------- */

static char *job_role_arn(const struct gcr_setup *g)
{
	return gcr_strdup_printf("arn:%s:iam::%s:role/%s-%s", g->partition, g->identity.account,
				 g->prefix, setup_job_role_name());
}

/* The container job of product-design.md's job definition, with the log
 * group setup made and the spot-reclaim retry rule (aws.md). */
static json_t *jobdef_input(const struct step *s)
{
	const struct gcr_setup *g = s->setup;
	char *role = job_role_arn(g), *group = setup_log_group(g->prefix);
	json_t *props = json_pack(
		"{s:s, s:[s, s, s, s], s:s, s:[{s:s, s:s}, {s:s, s:s}],"
		" s:[{s:{s:s}, s:s}], s:[{s:s, s:s}], s:[{s:s, s:s}],"
		" s:{s:s, s:{s:s, s:s}}}",
		"image", g->image[s->index],
		"command", "/app/entrypoint.sh", "Ref::inputPath", "Ref::outputPath", "Ref::configFile",
		"jobRoleArn", role,
		"resourceRequirements", "type", "VCPU", "value", "16", "type", "MEMORY", "value", "64000",
		"volumes", "host", "sourcePath", "/tmp", "name", "scratch",
		"mountPoints", "containerPath", "/scratch", "sourceVolume", "scratch",
		"environment", "name", "AWS_REGION", "value", g->region,
		"logConfiguration", "logDriver", "awslogs", "options", "awslogs-group", group,
		"awslogs-region", g->region);
	json_t *in = json_pack(
		"{s:s, s:s, s:o, s:{s:i, s:[{s:s, s:s}, {s:s, s:s}]}, s:b, s:o}",
		"jobDefinitionName", s->name, "type", "container", "containerProperties", props,
		"retryStrategy", "attempts", 3, "evaluateOnExit",
		"onStatusReason", "Host EC2*", "action", "RETRY", "onReason", "*", "action", "EXIT",
		"propagateTags", 1, "tags", setup_tags(g));

	free(role);
	free(group);
	return in;
}

static void jobdef_describe(struct step *s)
{
	step_json(s, "batch", "DescribeJobDefinitions", "batch:DescribeJobDefinitions",
		  json_pack("{s:s, s:s}", "jobDefinitionName", s->name, "status", "ACTIVE"), 0);
}

static void jobdef_inspect(struct step *s)
{
	json_t *defs, *d, *latest = NULL, *props, *want, *input;
	size_t i;
	const char *detail = NULL;

	if (step_first_call(s, jobdef_describe))
		return;
	defs = json_object_get(s->answer, "jobDefinitions");
	json_decref(s->want);
	s->want = json_array();   /* every active revision's ARN (destroy) */
	json_array_foreach(defs, i, d) {
		if (!streq(str(d, "status"), "ACTIVE"))
			continue;
		json_array_append(s->want, json_object_get(d, "jobDefinitionArn"));
		if (!latest || json_integer_value(json_object_get(d, "revision")) >
			       json_integer_value(json_object_get(latest, "revision")))
			latest = d;
	}
	if (!latest) {
		step_found(s, 0, NULL);
		return;
	}
	step_set_arn(s, str(latest, "jobDefinitionArn"));
	props = json_object_get(latest, "containerProperties");
	input = jobdef_input(s);
	want = json_object_get(input, "containerProperties");
	if (!streq(str(props, "image"), str(want, "image")))
		detail = _("register a revision with the configured image");
	else if (!streq(str(props, "jobRoleArn"), str(want, "jobRoleArn")))
		detail = _("register a revision with the job role");
	else if (!json_equal(json_object_get(props, "logConfiguration"),
			     json_object_get(want, "logConfiguration")))
		detail = _("register a revision that logs to the log group");
	step_found(s, 1, detail);
	json_decref(input);
}

static void jobdef_apply(struct step *s)
{
	if (s->phase++ == 0) {
		step_progress(s, _("registering job definition %s"), s->name);
		/* Each registration is a new revision: not idempotent.  A lost
		 * answer is reconciled by the next run's inspect. */
		step_json(s, "batch", "RegisterJobDefinition", "batch:RegisterJobDefinition",
			  jobdef_input(s), 1);
		return;
	}
	if (step_failed(s))
		return;
	step_set_arn(s, str(s->answer, "jobDefinitionArn"));
	step_done(s);
}

static void jobdef_destroy(struct step *s)
{
	const char *arn;

	if (s->phase++ == 0)
		step_progress(s, _("deregistering job definition %s"), s->name);
	else if (s->st != GCR_OK && !step_not_found(s)) {
		step_fail(s);
		return;
	}
	if (json_array_size(s->want) == 0) {
		step_done(s);
		return;
	}
	arn = json_string_value(json_array_get(s->want, 0));
	{
		json_t *in = json_pack("{s:s}", "jobDefinition", arn);
		json_array_remove(s->want, 0);
		step_json(s, "batch", "DeregisterJobDefinition", "batch:DeregisterJobDefinition",
			  in, 0);
	}
}

const struct provider setup_jobdef_provider = {
	.kind = "batch-job-definition",
	.inspect = jobdef_inspect,
	.apply = jobdef_apply,
	.destroy = jobdef_destroy,
};
