/* guide.c: credentials found, access keys stored, region advice and the
 * vCPU quota preflight (see guide.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "catalog.h"
#include "estimate.h"
#include "i18n.h"
#include "paths.h"
#include "setup/guide.h"
#include "setup/setup_internal.h"

/* ---- profiles ------------------------------------------------------------------- */

static int has(char **list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (strcmp(x, "default") == 0)
		return -1;
	if (strcmp(y, "default") == 0)
		return 1;
	return strcmp(x, y);
}

char **gcr_setup_list_profiles(const struct gcr_aws_config *cfg, size_t *n)
{
	char **out = calloc(1, sizeof *out);
	const struct gcr_aws_ini *files[2] = { cfg ? cfg->config : NULL,
					       cfg ? cfg->credentials : NULL };

	*n = 0;
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; files[f] && i < files[f]->count; i++) {
			const char *sec = files[f]->sections[i].name, *name = NULL;
			if (f == 0 && strcmp(sec, "default") == 0)
				name = sec;
			else if (f == 0 && strncmp(sec, "profile ", 8) == 0)
				name = sec + 8;
			else if (f == 1)
				name = sec;
			while (name && *name == ' ')
				name++;
			if (!name || !*name || has(out, *n, name))
				continue;
			out = realloc(out, (*n + 2) * sizeof *out);
			if (!out)
				abort();
			out[(*n)++] = gcr_strdup_printf("%s", name);
			out[*n] = NULL;
		}
	}
	qsort(out, *n, sizeof *out, by_name);
	return out;
}

void gcr_setup_free_strings(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

/* ---- access keys ------------------------------------------------------------------ */

int gcr_setup_access_key_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n < 16 || n > 128 || (strncmp(id, "AKIA", 4) != 0 && strncmp(id, "ASIA", 4) != 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
			return 0;
	return 1;
}

enum gcr_status gcr_setup_store_access_key(const char *profile, const char *access_key_id,
					   const char *secret_access_key, const char *region,
					   struct gcr_error *err)
{
	enum gcr_status st;
	char *config_path, *section;
	const char *keys[] = { "region" };
	const char *values[] = { region };

	if (!profile || !*profile || strpbrk(profile, "[]\n\r"))
		return gcr_error_set(err, GCR_ERR_INVALID, "%s",
				     _("a profile name must not be empty or contain '[', ']' or line "
				       "breaks"));
	if (!gcr_setup_access_key_id_valid(access_key_id))
		return gcr_error_set(err, GCR_ERR_INVALID, "%s",
				     _("an access key id starts with AKIA (or ASIA) followed by "
				       "upper-case letters and digits"));
	if (!secret_access_key || strlen(secret_access_key) < 16 ||
	    strpbrk(secret_access_key, " \t\r\n"))
		return gcr_error_set(err, GCR_ERR_INVALID, "%s",
				     _("the secret access key is too short or contains spaces"));
	st = gcr_aws_credentials_file_store(NULL, profile, access_key_id, secret_access_key, NULL,
					    err);
	if (st != GCR_OK || !region || !*region)
		return st;
	if (!gcr_aws_region_valid(region))
		return gcr_error_set(err, GCR_ERR_INVALID, _("'%s' is not a region name"), region);
	config_path = gcr_aws_config_file_path();
	if (!config_path)
		return gcr_error_set(err, GCR_ERR_IO, "%s", _("HOME is not set"));
	section = strcmp(profile, "default") == 0 ? gcr_strdup_printf("default")
		: gcr_strdup_printf("profile %s", profile);
	st = gcr_aws_ini_file_set(config_path, section, keys, values, 1, 0600, err);
	free(section);
	free(config_path);
	return st;
}

/* ---- regions ----------------------------------------------------------------------- */

static int setup_family_of(const char *type)
{
	const char *dot = strchr(type, '.');
	size_t len = dot ? (size_t)(dot - type) : strlen(type);

	for (int a = 0; a < SETUP_ARCH_COUNT; a++)
		for (int f = 0; f < 3; f++)
			if (strlen(setup_families[a][f]) == len &&
			    strncmp(setup_families[a][f], type, len) == 0)
				return a;
	return -1;
}

json_t *gcr_setup_region_advice(const struct gcr_catalog *cat)
{
	/* One type each architecture offers in most regions, as the price
	 * yardstick between regions. */
	static const char *const reference = "c6i.8xlarge";
	json_t *out = json_array();
	struct gcr_price_info base;
	int have_base = gcr_catalog_price(cat, reference, "us-east-1", time(NULL), &base) &&
			base.offered && base.ondemand_usd_hour > 0;

	for (size_t r = 0; r < gcr_catalog_nregions(cat); r++) {
		const char *region = gcr_catalog_region(cat, r);
		json_t *types[SETUP_ARCH_COUNT] = { json_array(), json_array() };
		struct gcr_price_info p;
		json_t *o;

		for (size_t i = 0; i < gcr_catalog_ninstances(cat); i++) {
			const struct gcr_instance_type *it = gcr_catalog_instance(cat, i);
			int arch = setup_family_of(it->id);
			if (arch < 0)
				continue;
			if (gcr_catalog_price(cat, it->id, region, time(NULL), &p) && p.offered)
				json_array_append_new(types[arch], json_string(it->id));
		}
		o = json_pack("{s:s, s:b, s:o, s:o, s:s}", "region", region, "input_data_local",
			      strcmp(region, GCR_SETUP_INPUT_DATA_REGION) == 0, "arm64_types",
			      types[0], "x86_64_types", types[1], "reference_type", reference);
		if (gcr_catalog_price(cat, reference, region, time(NULL), &p) && p.offered &&
		    p.ondemand_usd_hour > 0) {
			json_object_set_new(o, "ondemand_usd_hour", json_real(p.ondemand_usd_hour));
			if (have_base)
				json_object_set_new(o, "relative_to_us_east_1",
						    json_real(p.ondemand_usd_hour /
							      base.ondemand_usd_hour));
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* ---- what a typical plan needs ------------------------------------------------------ */

static void need_from(struct gcr_setup_need *out, const struct gcr_instance_type *it, int nodes)
{
	snprintf(out->instance_type, sizeof out->instance_type, "%s", it->id);
	out->nodes = nodes > 0 ? nodes : 1;
	out->vcpus_per_node = it->vcpus;
	out->vcpus = (double)it->vcpus * out->nodes;
}

/* The run the figure is for, e.g. "GEOS-Chem Classic fullchem 4x5". */
static void describe_run(const struct gcr_spec *spec, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s", spec->model == GCR_MODEL_GCHP ? "GCHP" : "GEOS-Chem Classic",
		 spec->simulation, spec->grid);
}

void gcr_setup_typical_need(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			    const char *region, struct gcr_setup_need *out)
{
	struct gcr_spec run;
	struct gcr_error err;
	struct gcr_estimate_result res;
	struct gcr_estimate_request req;
	const struct gcr_instance_type *it, *largest = NULL;
	const char **types;
	size_t ntypes = 0;
	struct gcr_price_info p;
	char what[160];
	int own = spec != NULL;

	memset(out, 0, sizeof *out);
	if (spec)
		run = *spec;
	else
		gcr_spec_init(&run);
	if (region && *region)
		snprintf(run.region, sizeof run.region, "%s", region);
	gcr_spec_apply_defaults(&run, cat);
	if (gcr_spec_validate(&run, cat, &err) != GCR_OK && own) {
		/* The choices so far do not make a run yet: the default one. */
		gcr_spec_init(&run);
		own = 0;
		if (region && *region)
			snprintf(run.region, sizeof run.region, "%s", region);
		gcr_spec_apply_defaults(&run, cat);
	}
	describe_run(&run, what, sizeof what);

	/* A type the user chose is what the run needs. */
	it = own && *run.instance_type ? gcr_catalog_find_instance(cat, run.instance_type) : NULL;
	if (it) {
		need_from(out, it, run.nodes);
		snprintf(out->basis, sizeof out->basis,
			 _("%s (%d vCPUs) x %d node(s), the instance type chosen for %s"), it->id,
			 it->vcpus, out->nodes, what);
		return;
	}

	/* The estimator's recommendation among setup's families. */
	types = calloc(gcr_catalog_ninstances(cat) + 1, sizeof *types);
	if (!types)
		abort();
	for (size_t i = 0; i < gcr_catalog_ninstances(cat); i++) {
		it = gcr_catalog_instance(cat, i);
		if (setup_family_of(it->id) < 0 ||
		    !gcr_catalog_price(cat, it->id, run.region, time(NULL), &p) || !p.offered)
			continue;
		types[ntypes++] = it->id;
		if (!largest || it->vcpus > largest->vcpus)
			largest = it;
	}
	run.instance_type[0] = '\0';
	memset(&req, 0, sizeof req);
	req.instance_types = types;
	req.ninstance_types = ntypes;
	gcr_estimate_result_init(&res);
	if (ntypes > 0 && gcr_estimate(cat, &run, &req, &res, &err) == GCR_OK) {
		const struct gcr_estimate_pick *pick = res.spot ? &res.spot_pick : &res.ondemand;
		if (pick->fastest >= 0 && res.options[pick->fastest].instance) {
			const struct gcr_estimate_option *o = &res.options[pick->fastest];
			need_from(out, o->instance, o->nodes);
			snprintf(out->basis, sizeof out->basis,
				 own ? _("%s (%d vCPUs) x %d node(s), the fastest recommended option "
					 "of setup's instance families for your choices (%s)")
				     : _("%s (%d vCPUs) x %d node(s), the fastest recommended option "
					 "of setup's instance families for the default run (%s)"),
				 o->instance->id, o->instance->vcpus, out->nodes, what);
		}
	}
	gcr_estimate_result_free(&res);
	free(types);
	if (out->vcpus > 0)
		return;
	if (largest) {
		need_from(out, largest, 1);
		snprintf(out->basis, sizeof out->basis,
			 _("%s (%d vCPUs), the largest instance type of setup's families offered "
			   "in %s"), largest->id, largest->vcpus,
			 *run.region ? run.region : GCR_DEFAULT_REGION);
		return;
	}
	/* A catalog without setup's families: one 64-vCPU instance. */
	out->vcpus = 64;
	out->nodes = 1;
	out->vcpus_per_node = 64;
	snprintf(out->basis, sizeof out->basis, "%s",
		 _("one 64-vCPU instance (the catalog offers none of setup's families here)"));
}

/* ---- quotas ------------------------------------------------------------------------ */

struct quota_run {
	struct gcr_setup_quota q[2];
	int pending;
	gcr_setup_quota_cb cb;
	void *data;
};

struct quota_one {
	struct quota_run *run;
	int index;
};

static void on_quota(enum gcr_status st, const struct gcr_error *err,
		     const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct quota_one *one = data;
	struct quota_run *run = one->run;
	struct gcr_setup_quota *q = &run->q[one->index];

	free(one);
	if (st == GCR_OK) {
		json_t *v = json_object_get(json_object_get(answer, "Quota"), "Value");
		q->value = json_is_number(v) ? json_number_value(v) : -1;
	} else if (info && (strcmp(info->code, "AccessDeniedException") == 0 ||
			    strcmp(info->code, "AccessDenied") == 0)) {
		snprintf(q->error, sizeof q->error, _("servicequotas:GetServiceQuota is not allowed"));
	} else {
		snprintf(q->error, sizeof q->error, "%s", err ? err->message : "?");
	}
	if (--run->pending == 0) {
		run->cb(run->q, 2, run->data);
		free(run);
	}
}

void gcr_setup_check_quotas(struct gcr_aws *aws, double needed_vcpus, gcr_setup_quota_cb cb,
			    void *data)
{
	struct quota_run *run = calloc(1, sizeof *run);

	if (!run)
		abort();
	run->cb = cb;
	run->data = data;
	run->q[0].code = GCR_QUOTA_SPOT_STANDARD;
	run->q[0].label = _("spot vCPUs (standard instance families)");
	run->q[1].code = GCR_QUOTA_ONDEMAND_STANDARD;
	run->q[1].label = _("on-demand vCPUs (standard instance families)");
	run->pending = 2;
	for (int i = 0; i < 2; i++) {
		struct quota_one *one = malloc(sizeof *one);
		if (!one)
			abort();
		one->run = run;
		one->index = i;
		run->q[i].value = -1;
		run->q[i].needed = needed_vcpus;
		json_t *in = json_pack("{s:s, s:s}", "ServiceCode", "ec2", "QuotaCode",
				       run->q[i].code);
		gcr_aws_json_call(aws, "service-quotas", "GetServiceQuota", in, NULL, on_quota, one);
		json_decref(in);
	}
}

struct request_ctx {
	gcr_setup_request_cb cb;
	void *data;
};

static void on_request(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct request_ctx *c = data;
	const char *status = json_string_value(json_object_get(
		json_object_get(answer, "RequestedQuota"), "Status"));

	(void)info;
	c->cb(st, err, status, c->data);
	free(c);
}

void gcr_setup_request_quota(struct gcr_aws *aws, const char *code, double desired,
			     gcr_setup_request_cb cb, void *data)
{
	struct request_ctx *c = malloc(sizeof *c);
	struct gcr_aws_call_options opts = { .not_idempotent = 1 };
	json_t *in;

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	in = json_pack("{s:s, s:s, s:f}", "ServiceCode", "ec2", "QuotaCode", code, "DesiredValue",
		       desired);
	gcr_aws_json_call(aws, "service-quotas", "RequestServiceQuotaIncrease", in, &opts,
			  on_request, c);
	json_decref(in);
}
