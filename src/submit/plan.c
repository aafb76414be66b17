/* plan.c: the plan of a Batch submission -- configuration keys read once,
 * the sizes and timeout derived from the instance and the estimate -- and
 * every request body built from it, so the real submission, a resumed one
 * and `--dry-run` send (or show) the same bytes. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "catalog.h"
#include "i18n.h"
#include "paths.h"
#include "settings.h"
#include "submit/submit_internal.h"

/* ---- configuration ------------------------------------------------------------------- */

static const char *setting(const struct gcr_settings *cfg, const char *key)
{
	const char *v = cfg ? gcr_settings_get(cfg, key) : NULL;
	return v && *v ? v : NULL;
}

static enum gcr_status copy_value(char *dst, size_t size, const char *value, const char *key,
				  struct gcr_error *err)
{
	if ((size_t)snprintf(dst, size, "%s", value) >= size)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the value of %s is too long (at most %zu characters)"), key,
				     size - 1);
	return GCR_OK;
}

/* A required key: a message that names it and says how to set it. */
static enum gcr_status required(char *dst, size_t size, const struct gcr_settings *cfg,
				const char *key, const char *what, const char *path,
				struct gcr_error *err)
{
	const char *v = setting(cfg, key);

	if (!v)
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("%s is not configured (key %s): run 'gcrunner setup', or set "
				       "the key in %s"), what, key, path ? path : "config.yaml");
	return copy_value(dst, size, v, key, err);
}

static enum gcr_status optional(char *dst, size_t size, const struct gcr_settings *cfg,
				const char *key, const char *fallback, struct gcr_error *err)
{
	const char *v = setting(cfg, key);

	return copy_value(dst, size, v ? v : fallback, key, err);
}

/* Batch names: up to 128 letters, digits, hyphens and underscores. */
static bool batch_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

enum gcr_status submit_plan_configure(struct submit_plan *plan,
				      const struct gcr_settings *cfg,
				      const char *settings_path, struct gcr_error *err)
{
	char key[96], def[96];
	enum gcr_status st;

	st = required(plan->bucket, sizeof plan->bucket, cfg, "s3.bucket",
		      _("the S3 bucket for runs"), settings_path, err);
	if (st != GCR_OK)
		return st;
	snprintf(key, sizeof key, "batch.queue.%s", plan->arch);
	st = required(plan->queue, sizeof plan->queue, cfg, key,
		      _("the AWS Batch job queue for this architecture"), settings_path, err);
	if (st != GCR_OK)
		return st;
	snprintf(key, sizeof key, "batch.image.%s", plan->arch);
	st = required(plan->image, sizeof plan->image, cfg, key,
		      _("the GEOS-Chem container image for this architecture"), settings_path, err);
	if (st != GCR_OK)
		return st;
	st = required(plan->job_role_arn, sizeof plan->job_role_arn, cfg, "batch.job_role_arn",
		      _("the IAM role the job runs as"), settings_path, err);
	if (st != GCR_OK)
		return st;
	snprintf(key, sizeof key, "batch.job_definition.%s", plan->arch);
	snprintf(def, sizeof def, "geos-chem-classic-%s", plan->arch);
	st = optional(plan->job_definition, sizeof plan->job_definition, cfg, key, def, err);
	if (st == GCR_OK && !batch_name_ok(plan->job_definition))
		st = gcr_error_set(err, GCR_ERR_INVALID,
				   _("%s: '%s' is not a job definition name (up to 128 letters, "
				     "digits, '-' and '_')"), key, plan->job_definition);
	if (st == GCR_OK)
		st = optional(plan->log_group, sizeof plan->log_group, cfg, "batch.log_group",
			      SUBMIT_DEFAULT_LOG_GROUP, err);
	if (st == GCR_OK)
		st = optional(plan->table_users, sizeof plan->table_users, cfg,
			      "dynamodb.table.users", SUBMIT_DEFAULT_USERS_TABLE, err);
	if (st == GCR_OK)
		st = optional(plan->table_simulations, sizeof plan->table_simulations, cfg,
			      "dynamodb.table.simulations", SUBMIT_DEFAULT_SIMULATIONS_TABLE, err);
	if (st == GCR_OK)
		st = optional(plan->input_bucket, sizeof plan->input_bucket, cfg, "data.input_bucket",
			      "", err);
	if (st == GCR_OK)
		st = optional(plan->project, sizeof plan->project, cfg, "batch.project",
			      SUBMIT_DEFAULT_PROJECT, err);
	/* An explicit user id wins over the prefix setup chose. */
	if (st == GCR_OK && !*plan->user_id) {
		const char *u = setting(cfg, "aws.user_id");
		st = optional(plan->user_id, sizeof plan->user_id, cfg,
			      u ? "aws.user_id" : "s3.user_prefix", "", err);
	}
	return st;
}

long submit_memory_mib(double memory_gib)
{
	double mib = memory_gib * 1024.0;
	double reserve = mib * 0.07 < 2048.0 ? 2048.0 : mib * 0.07;
	long usable = (long)floor((mib - reserve) / 128.0) * 128;

	return usable < 512 ? 512 : usable;
}

long submit_timeout_s(double wall_hours_high)
{
	double s = wall_hours_high > 0 ? ceil(wall_hours_high * SUBMIT_TIMEOUT_FACTOR * 3600.0) : 0;

	s += SUBMIT_TIMEOUT_EXTRA_S;
	return s < SUBMIT_TIMEOUT_MIN_S ? SUBMIT_TIMEOUT_MIN_S : (long)s;
}

char *submit_user_id_from_identity(const char *account, const char *arn)
{
	/* arn:aws:iam::1:user/path/NAME, arn:aws:sts::1:assumed-role/ROLE/SESSION,
	 * arn:aws:iam::1:root */
	const char *res = arn ? strrchr(arn, ':') : NULL;
	const char *name = "user";
	char *copy = NULL, *out;

	if (res) {
		res++;
		if (strncmp(res, "assumed-role/", 13) == 0) {
			const char *role = res + 13, *slash = strchr(role, '/');
			copy = slash ? strndup(role, (size_t)(slash - role)) : strdup(role);
			name = copy;
		} else if (strchr(res, '/')) {
			name = strrchr(res, '/') + 1;
		} else if (*res) {
			name = res;
		}
	}
	out = gcr_strdup_printf("%s-%s", account && *account ? account : "aws", name);
	free(copy);
	for (char *c = out; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-')
			*c = '-';
	return out;
}

/* ---- the plan in the journal ---------------------------------------------------------- */

json_t *submit_plan_to_json(const struct submit_plan *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
			 " s:s, s:i, s:i, s:b, s:I, s:I, s:b, s:f, s:f, s:f, s:f, s:f, s:s}",
			 "sim_id", p->sim_id, "region", p->region, "user_id", p->user_id,
			 "bucket", p->bucket, "queue", p->queue,
			 "job_definition", p->job_definition, "image", p->image,
			 "job_role_arn", p->job_role_arn, "log_group", p->log_group,
			 "table_users", p->table_users, "table_simulations", p->table_simulations,
			 "input_bucket", p->input_bucket, "project", p->project, "arch", p->arch,
			 "instance_type", p->instance_type, "physical_cores", p->physical_cores,
			 "vcpus", p->vcpus, "efa", p->efa, "memory_mib", (json_int_t)p->memory_mib,
			 "timeout_s", (json_int_t)p->timeout_s, "spot", p->spot,
			 "cost_usd", p->cost_usd, "cost_low_usd", p->cost_low_usd,
			 "cost_high_usd", p->cost_high_usd, "wall_hours", p->wall_hours,
			 "wall_hours_high", p->wall_hours_high, "created_at", p->created_at);
}

static bool get_str(json_t *j, const char *key, char *dst, size_t size)
{
	const char *v = json_string_value(json_object_get(j, key));

	if (!v || (size_t)snprintf(dst, size, "%s", v) >= size)
		return false;
	return true;
}

enum gcr_status submit_plan_from_json(json_t *j, struct submit_plan *p, struct gcr_error *err)
{
	json_int_t mem = 0, timeout = 0;
	int cores = 0, vcpus = 0, efa = 0, spot = 0;
	json_error_t jerr;

	memset(p, 0, sizeof *p);
#define S(k, f) get_str(j, k, p->f, sizeof p->f)
	if (!json_is_object(j) || !S("sim_id", sim_id) || !S("region", region) ||
	    !S("user_id", user_id) || !S("bucket", bucket) || !S("queue", queue) ||
	    !S("job_definition", job_definition) || !S("image", image) ||
	    !S("job_role_arn", job_role_arn) || !S("log_group", log_group) ||
	    !S("table_users", table_users) || !S("table_simulations", table_simulations) ||
	    !S("input_bucket", input_bucket) || !S("project", project) || !S("arch", arch) ||
	    !S("instance_type", instance_type) || !S("created_at", created_at) ||
	    json_unpack_ex(j, &jerr, 0,
			   "{s:i, s:i, s:b, s:I, s:I, s:b, s:F, s:F, s:F, s:F, s:F}",
			   "physical_cores", &cores, "vcpus", &vcpus, "efa", &efa,
			   "memory_mib", &mem, "timeout_s", &timeout, "spot", &spot,
			   "cost_usd", &p->cost_usd, "cost_low_usd", &p->cost_low_usd,
			   "cost_high_usd", &p->cost_high_usd, "wall_hours", &p->wall_hours,
			   "wall_hours_high", &p->wall_hours_high) != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the journal's plan of this submission is incomplete"));
#undef S
	p->physical_cores = cores;
	p->vcpus = vcpus;
	p->efa = efa;
	p->memory_mib = (long)mem;
	p->timeout_s = (long)timeout;
	p->spot = spot;
	return GCR_OK;
}

char *submit_config_prefix(const struct submit_plan *plan)
{
	return gcr_strdup_printf("%s/configurations/%s/", plan->user_id, plan->sim_id);
}

char *submit_results_prefix(const struct submit_plan *plan)
{
	return gcr_strdup_printf("%s/results/", plan->user_id);
}

/* ---- request bodies ------------------------------------------------------------------- */

static json_t *resource_requirements(const struct submit_plan *p)
{
	char vcpus[24], mem[24];

	snprintf(vcpus, sizeof vcpus, "%d", p->vcpus);
	snprintf(mem, sizeof mem, "%ld", p->memory_mib);
	return json_pack("[{s:s, s:s}, {s:s, s:s}]", "type", "VCPU", "value", vcpus,
			 "type", "MEMORY", "value", mem);
}

/* Retry spot reclaims (aws.md); stop on anything else, e.g. a model error. */
static json_t *retry_strategy(void)
{
	return json_pack("{s:i, s:[{s:s, s:s}, {s:s, s:s}]}", "attempts", 3, "evaluateOnExit",
			 "onStatusReason", "Host EC2*", "action", "RETRY",
			 "onReason", "*", "action", "EXIT");
}

json_t *submit_jobdef_input(const struct submit_plan *p)
{
	json_t *props = json_pack(
		"{s:s, s:[s, s, s, s], s:s, s:o, s:[{s:{s:s}, s:s}], s:[{s:s, s:s}],"
		" s:[{s:s, s:s}], s:{s:s, s:{s:s, s:s}}}",
		"image", p->image,
		"command", "/app/entrypoint.sh", "Ref::inputPath", "Ref::outputPath",
		"Ref::configFile",
		"jobRoleArn", p->job_role_arn,
		"resourceRequirements", resource_requirements(p),
		"volumes", "host", "sourcePath", "/tmp", "name", "scratch",
		"mountPoints", "containerPath", "/scratch", "sourceVolume", "scratch",
		"environment", "name", "AWS_REGION", "value", p->region,
		"logConfiguration", "logDriver", "awslogs", "options", "awslogs-group", p->log_group,
		"awslogs-region", p->region);

	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:{s:s}}", "jobDefinitionName", p->job_definition,
			 "type", "container", "containerProperties", props,
			 "retryStrategy", retry_strategy(), "propagateTags", 1,
			 "tags", "project", p->project);
}

json_t *submit_job_input(const struct submit_plan *p, const char *job_definition_arn)
{
	char *in = gcr_strdup_printf("s3://%s/%s/configurations/%s/", p->bucket, p->user_id,
				     p->sim_id);
	char *out = gcr_strdup_printf("s3://%s/%s/results/", p->bucket, p->user_id);
	char *estimate = gcr_strdup_printf("%.2f USD up to %.2f USD", p->cost_usd, p->cost_high_usd);
	json_t *j = json_pack(
		"{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:o, s:[{s:s, s:s}]}, s:o,"
		" s:{s:I}, s:{s:s, s:s, s:s, s:s, s:s}, s:b}",
		"jobName", p->sim_id, "jobQueue", p->queue,
		"jobDefinition", job_definition_arn && *job_definition_arn ? job_definition_arn
									  : p->job_definition,
		"parameters", "inputPath", in, "outputPath", out, "configFile", SUBMIT_CONFIG_FILE,
		"containerOverrides", "resourceRequirements", resource_requirements(p),
		"environment", "name", "GCRUNNER_SIMULATION_ID", "value", p->sim_id,
		"retryStrategy", retry_strategy(),
		"timeout", "attemptDurationSeconds", (json_int_t)p->timeout_s,
		"tags", "simulationId", p->sim_id, "user", p->user_id, "project", p->project,
		"estimate", estimate, "instanceType", p->instance_type,
		"propagateTags", 1);

	free(in);
	free(out);
	free(estimate);
	return j;
}

json_t *submit_ddb_number(double v)
{
	char buf[64];
	char *end;

	if (!isfinite(v))
		v = 0;
	snprintf(buf, sizeof buf, "%.4f", v);
	/* "12.3400" -> "12.34", "3.0000" -> "3" */
	end = buf + strlen(buf) - 1;
	while (end > buf && *end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
	return json_pack("{s:s}", "N", buf);
}

bool submit_ddb_get_number(json_t *item, const char *name, double *out)
{
	const char *n = json_string_value(json_object_get(json_object_get(item, name), "N"));
	char *end;
	double v;

	if (!n)
		return false;
	v = strtod(n, &end);
	if (end == n || *end)
		return false;
	*out = v;
	return true;
}

static json_t *ddb_s(const char *s)
{
	return json_pack("{s:s}", "S", s);
}

static json_t *record_key(const struct submit_plan *p)
{
	return json_pack("{s:o, s:o}", "userId", ddb_s(p->user_id), "simulationId", ddb_s(p->sim_id));
}

json_t *submit_record_item(const struct submit_plan *p, const struct gcr_spec *spec,
			   bool over_budget, const char *budget_note)
{
	char ctype[256];
	char *location = gcr_strdup_printf("s3://%s/%s/configurations/%s/", p->bucket, p->user_id,
					   p->sim_id);
	json_t *item = record_key(p);

	gcr_configuration_type(spec, ctype, sizeof ctype);
	json_object_set_new(item, "name", ddb_s(*spec->name ? spec->name : p->sim_id));
	if (*spec->description)
		json_object_set_new(item, "description", ddb_s(spec->description));
	json_object_set_new(item, "status", ddb_s("SUBMITTING"));
	json_object_set_new(item, "createdAt", ddb_s(p->created_at));
	json_object_set_new(item, "configurationType", ddb_s(ctype));
	json_object_set_new(item, "instanceType", ddb_s(p->instance_type));
	json_object_set_new(item, "costEstimate", submit_ddb_number(p->cost_usd));
	json_object_set_new(item, "costEstimateLow", submit_ddb_number(p->cost_low_usd));
	json_object_set_new(item, "costEstimateHigh", submit_ddb_number(p->cost_high_usd));
	json_object_set_new(item, "wallHoursEstimate", submit_ddb_number(p->wall_hours));
	json_object_set_new(item, "spot", json_pack("{s:b}", "BOOL", p->spot));
	json_object_set_new(item, "target", ddb_s("batch"));
	json_object_set_new(item, "region", ddb_s(p->region));
	json_object_set_new(item, "jobQueue", ddb_s(p->queue));
	json_object_set_new(item, "jobDefinition", ddb_s(p->job_definition));
	json_object_set_new(item, "configurationLocation", ddb_s(location));
	if (over_budget) {
		json_object_set_new(item, "overBudget", json_pack("{s:b}", "BOOL", 1));
		if (budget_note && *budget_note)
			json_object_set_new(item, "budgetNote", ddb_s(budget_note));
	}
	free(location);
	return item;
}

json_t *submit_record_put_input(const struct submit_plan *p, json_t *item)
{
	return json_pack("{s:s, s:O, s:s}", "TableName", p->table_simulations, "Item", item,
			 "ConditionExpression", "attribute_not_exists(simulationId)");
}

/* Sets the job id once; applying it again (a lost answer, a later sync)
 * changes nothing, and a record that moved on (RUNNING...) is left alone. */
json_t *submit_record_update_input(const struct submit_plan *p, const char *job_id,
				   const char *submitted_at)
{
	char *results = *p->result_location ? gcr_strdup_printf("%s", p->result_location)
			: gcr_strdup_printf("s3://%s/%s/results/%s/", p->bucket, p->user_id, job_id);
	json_t *j = json_pack(
		"{s:s, s:o, s:s, s:s, s:{s:s}, s:{s:o, s:o, s:o, s:o, s:o}}",
		"TableName", p->table_simulations, "Key", record_key(p),
		"UpdateExpression", "SET jobId = :j, #s = :s, submittedAt = :t, resultLocation = :r",
		"ConditionExpression",
		"attribute_exists(simulationId) AND (#s = :submitting OR #s = :s)",
		"ExpressionAttributeNames", "#s", "status",
		"ExpressionAttributeValues", ":j", ddb_s(job_id), ":s", ddb_s("SUBMITTED"),
		":t", ddb_s(submitted_at), ":r", ddb_s(results), ":submitting", ddb_s("SUBMITTING"));

	free(results);
	return j;
}

json_t *submit_users_get_input(const struct submit_plan *p)
{
	return json_pack("{s:s, s:{s:o}, s:b}", "TableName", p->table_users, "Key",
			 "userId", ddb_s(p->user_id), "ConsistentRead", 1);
}

/* ADD is not idempotent: the condition makes a second charge for the same
 * simulation (a retry after a lost answer) fail instead of counting twice.
 * A user without a Users item is not tracked (the condition fails too). */
json_t *submit_quota_charge_input(const struct submit_plan *p)
{
	return json_pack(
		"{s:s, s:{s:o}, s:s, s:s, s:{s:o, s:o}}",
		"TableName", p->table_users, "Key", "userId", ddb_s(p->user_id),
		"UpdateExpression", "SET lastChargedSimulation = :sim ADD quotaUsed :c",
		"ConditionExpression",
		"attribute_exists(userId) AND (attribute_not_exists(lastChargedSimulation) OR "
		"lastChargedSimulation <> :sim)",
		"ExpressionAttributeValues", ":sim", ddb_s(p->sim_id),
		":c", submit_ddb_number(p->cost_usd));
}

/* ---- matching job definitions ----------------------------------------------------------- */

/* want's members all appear in have (arrays: same length, element-wise). */
static bool json_subset(json_t *want, json_t *have)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(want)) {
		if (!json_is_object(have))
			return false;
		json_object_foreach(want, k, v)
			if (!json_subset(v, json_object_get(have, k)))
				return false;
		return true;
	}
	if (json_is_array(want)) {
		if (!json_is_array(have) || json_array_size(want) != json_array_size(have))
			return false;
		json_array_foreach(want, i, v)
			if (!json_subset(v, json_array_get(have, i)))
				return false;
		return true;
	}
	return json_equal(want, have);
}

/* VCPU or MEMORY from resourceRequirements, else the old vcpus/memory. */
static long resource(json_t *props, const char *type, const char *legacy)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(props, "resourceRequirements"), i, r) {
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *v = json_string_value(json_object_get(r, "value"));
		if (t && v && strcmp(t, type) == 0)
			return strtol(v, NULL, 10);
	}
	r = json_object_get(props, legacy);
	return json_is_integer(r) ? (long)json_integer_value(r) : -1;
}

static bool str_eq(json_t *a, json_t *b)
{
	return json_is_string(a) && json_is_string(b) &&
	       strcmp(json_string_value(a), json_string_value(b)) == 0;
}

bool submit_jobdef_matches(json_t *have, const struct submit_plan *plan)
{
	json_t *in = submit_jobdef_input(plan);
	json_t *want = json_object_get(in, "containerProperties");
	json_t *props = json_object_get(have, "containerProperties");
	const char *status = json_string_value(json_object_get(have, "status"));
	const char *type = json_string_value(json_object_get(have, "type"));
	bool ok = status && strcmp(status, "ACTIVE") == 0 && type && strcmp(type, "container") == 0 &&
		  str_eq(json_object_get(props, "image"), json_object_get(want, "image")) &&
		  str_eq(json_object_get(props, "jobRoleArn"), json_object_get(want, "jobRoleArn")) &&
		  json_equal(json_object_get(props, "command"), json_object_get(want, "command")) &&
		  resource(props, "VCPU", "vcpus") == plan->vcpus &&
		  resource(props, "MEMORY", "memory") == plan->memory_mib &&
		  json_subset(json_object_get(want, "volumes"), json_object_get(props, "volumes")) &&
		  json_subset(json_object_get(want, "mountPoints"),
			      json_object_get(props, "mountPoints")) &&
		  json_subset(json_object_get(want, "logConfiguration"),
			      json_object_get(props, "logConfiguration"));

	json_decref(in);
	return ok;
}

/* ---- dry run ---------------------------------------------------------------------------- */

static json_t *dry_entry(const char *method, const char *url, json_t *headers, json_t *body,
			 const char *note)
{
	json_t *e = json_pack("{s:s, s:s, s:o}", "method", method, "url", url, "headers", headers);

	json_object_set_new(e, "body", body ? body : json_null());
	if (note && *note)
		json_object_set_new(e, "note", json_string(note));
	return e;
}

static char *endpoint_url(struct gcr_aws *aws, const char *service, const char *region,
			  char **origin)
{
	struct gcr_aws_endpoint ep;
	struct gcr_error err = { 0 };
	char *url;

	if (!aws || gcr_aws_client_endpoint(aws, service, region, &ep, &err) != GCR_OK) {
		*origin = strdup("default");
		return gcr_strdup_printf("https://%s.%s.amazonaws.com", service,
					 region && *region ? region : "REGION");
	}
	url = strdup(ep.url);
	*origin = strdup(ep.origin ? ep.origin : "default");
	gcr_aws_endpoint_clear(&ep);
	return url;
}

void submit_dry_json(json_t *list, struct gcr_aws *aws, const char *region, const char *service,
		     const char *operation, json_t *input, const char *note)
{
	struct gcr_aws_protocol_info proto = { 0 };
	char *origin, *base = endpoint_url(aws, service, region, &origin);
	json_t *headers = json_object(), *body;
	char *url;

	gcr_aws_protocol_lookup(service, &proto);
	if (proto.protocol == GCR_AWS_PROTO_REST_JSON) {
		char *op = strdup(operation);
		for (char *c = op; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		url = gcr_strdup_printf("%s/v1/%s", base, op);
		free(op);
		json_object_set_new(headers, "Content-Type", json_string("application/json"));
		body = NULL;
	} else if (proto.protocol == GCR_AWS_PROTO_QUERY || proto.protocol == GCR_AWS_PROTO_EC2) {
		char *form = gcr_aws_params_form(operation, proto.api_version, NULL);
		url = gcr_strdup_printf("%s/", base);
		json_object_set_new(headers, "Content-Type",
				    json_string("application/x-www-form-urlencoded; charset=utf-8"));
		body = json_string(form);
		free(form);
	} else {
		char *target = gcr_strdup_printf("%s.%s", proto.target_prefix, operation);
		char *ctype = gcr_strdup_printf("application/x-amz-json-%s", proto.json_version);
		char *text = json_dumps(input, JSON_COMPACT);
		url = gcr_strdup_printf("%s/", base);
		json_object_set_new(headers, "X-Amz-Target", json_string(target));
		json_object_set_new(headers, "Content-Type", json_string(ctype));
		body = json_string(text);
		free(text);
		free(target);
		free(ctype);
	}
	if (!body) {
		char *text = json_dumps(input, JSON_COMPACT);
		body = json_string(text);
		free(text);
	}
	json_array_append_new(list, dry_entry("POST", url, headers, body, note));
	free(url);
	free(base);
	free(origin);
}

void submit_dry_put(json_t *list, struct gcr_aws *aws, const char *region, const char *bucket,
		    const char *key, const char *content, size_t len, const char *content_type)
{
	char *origin, *base = endpoint_url(aws, "s3", region, &origin);
	char *ekey = gcr_aws_uri_encode(key, strlen(key), 1);
	char *url, *note, size[32];
	json_t *headers = json_object();

	(void)content;
	/* As s3.c addresses it: path-style for configured endpoints and dotted
	 * bucket names, the bucket's own host otherwise. */
	if (strcmp(origin, "default") != 0 || strchr(bucket, '.')) {
		url = gcr_strdup_printf("%s/%s/%s", base, bucket, ekey);
	} else {
		const char *host = strstr(base, "://");
		url = gcr_strdup_printf("https://%s.%s/%s", bucket, host ? host + 3 : base, ekey);
	}
	snprintf(size, sizeof size, "%zu", len);
	json_object_set_new(headers, "Content-Type", json_string(content_type));
	json_object_set_new(headers, "Content-Length", json_string(size));
	note = gcr_strdup_printf(_("the body is the bundle file %s (%zu bytes), as 'gcrunner "
				   "export' writes it"), strrchr(key, '/') ? strrchr(key, '/') + 1 : key,
				 len);
	json_array_append_new(list, dry_entry("PUT", url, headers, NULL, note));
	free(note);
	free(url);
	free(ekey);
	free(base);
	free(origin);
}

void gcr_submit_print_requests(FILE *out, json_t *list)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *k;
		json_t *v;
		const char *note = json_string_value(json_object_get(e, "note"));
		const char *body = json_string_value(json_object_get(e, "body"));

		fprintf(out, "%s %s\n", json_string_value(json_object_get(e, "method")),
			json_string_value(json_object_get(e, "url")));
		json_object_foreach(json_object_get(e, "headers"), k, v)
			fprintf(out, "%s: %s\n", k, json_string_value(v));
		if (body)
			fprintf(out, "\n%s\n", body);
		if (note)
			fprintf(out, "# %s\n", note);
		fputc('\n', out);
	}
}
