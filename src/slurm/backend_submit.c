/* backend_submit.c: submitting to Slurm (any cluster, or ParallelCluster's)
 * exactly once -- the steps and journal events of slurm_backend.h, for a
 * new submission and for one an interrupted program left in the journal. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "bundle/bundle.h"
#include "catalog.h"
#include "estimate.h"
#include "i18n.h"
#include "journal.h"
#include "log.h"
#include "paths.h"
#include "settings.h"
#include "slurm/cluster_config.h"
#include "slurm/slurm.h"
#include "slurm/backend_internal.h"
#include "slurm/slurm_backend.h"
#include "submit/submit_internal.h"

/* sbatch runs in one process before an unknown outcome is left to the next start. */
#define MAX_SENDS 2
/* The job's time limit: the estimate's upper wall time with a margin, as for Batch. */
#define TIME_LIMIT_FACTOR 1.5
#define TIME_LIMIT_EXTRA_MIN 60
#define OUTPUT_PATTERN "gcrunner-%j.log"

struct gcr_cluster_submit;
typedef void (*step_fn)(struct gcr_cluster_submit *s);

struct gcr_cluster_submit {
	struct gcr_backend_env env;
	gcr_backend_progress_cb progress;
	void *progress_data;
	gcr_submit_done_cb done;
	void *data;

	enum gcr_target target;
	struct gcr_spec spec;
	struct gcr_cluster_config cluster;
	struct gcr_transport *t;
	struct submit_plan plan;          /* the Simulations record's fields */
	json_t *item;                     /* the Simulations item, or NULL: no record */
	json_t *plan_json;                /* the journal's plan */
	char run_root[PATH_MAX];
	char run_dir[PATH_MAX];
	char bundle_dir[PATH_MAX];
	char cluster_name[128];
	int time_limit_minutes;
	bool dry_run, resume, uploaded, record_pending;
	int sends;
	int lock_fd;
	char *lock_path;

	uv_timer_t *timer;
	step_fn next;
	bool finished;
	struct gcr_submit_outcome out;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static void warn(struct gcr_cluster_submit *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct gcr_cluster_submit *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(s->out.warnings, json_string(buf));
	gcr_log_debug("%s: %s", s->plan.sim_id, buf);
}

static void progress(struct gcr_cluster_submit *s, const char *what)
{
	if (s->progress && !s->dry_run)
		s->progress(what, 0, 0, s->progress_data);
}

static enum gcr_status journal(struct gcr_cluster_submit *s, const char *event, json_t *fields,
			       struct gcr_error *err)
{
	enum gcr_status st = gcr_journal_append(s->env.journal, s->plan.sim_id, event, fields, err);

	json_decref(fields);
	return st;
}

/* ---- lifetime ------------------------------------------------------------------------------ */

static void on_timer_closed(uv_handle_t *h)
{
	struct gcr_cluster_submit *s = h->data;

	free(h);
	json_decref(s->item);
	json_decref(s->plan_json);
	json_decref(s->out.requests);
	json_decref(s->out.warnings);
	free(s->lock_path);
	free(s);
}

static void on_transport_closed(const struct gcr_error *err, void *data)
{
	struct gcr_cluster_submit *s = data;

	(void)err;
	uv_close((uv_handle_t *)s->timer, on_timer_closed);
}

static void release_lock(struct gcr_cluster_submit *s, bool settled)
{
	submit_sim_unlock(&s->lock_fd, s->lock_path, settled);
}

static void finish(struct gcr_cluster_submit *s, enum gcr_status st, const struct gcr_error *err)
{
	struct gcr_transport *t = s->t;

	if (s->finished)
		return;
	s->finished = true;
	s->out.status = st;
	if (st != GCR_OK && err)
		s->out.err = *err;
	else if (st != GCR_OK)
		gcr_error_set(&s->out.err, st, _("the submission failed"));
	s->out.record_pending = s->record_pending;
	release_lock(s, *s->out.job_id || s->out.abandoned);
	uv_timer_stop(s->timer);
	s->done(&s->out, s->data);
	s->t = NULL;
	if (t)
		gcr_transport_close(t, on_transport_closed, s);
	else
		uv_close((uv_handle_t *)s->timer, on_timer_closed);
}

static void on_timer(uv_timer_t *timer)
{
	struct gcr_cluster_submit *s = timer->data;
	step_fn fn = s->next;

	s->next = NULL;
	if (fn && !s->finished)
		fn(s);
}

static void later(struct gcr_cluster_submit *s, step_fn fn)
{
	s->next = fn;
	uv_timer_start(s->timer, on_timer, 0, 0);
}

static void fail_step(struct gcr_cluster_submit *s)
{
	finish(s, s->out.err.code, &s->out.err);
}

static void ok_step(struct gcr_cluster_submit *s)
{
	finish(s, GCR_OK, NULL);
}

static struct gcr_cluster_submit *fail_soon(struct gcr_cluster_submit *s,
					    const struct gcr_error *err)
{
	s->out.err = *err;
	later(s, fail_step);
	return s;
}

static struct gcr_cluster_submit *alloc_submit(const struct gcr_backend_env *env,
					       gcr_backend_progress_cb prog,
					       gcr_submit_done_cb done, void *data)
{
	struct gcr_cluster_submit *s = calloc(1, sizeof *s);

	if (!s)
		abort();
	s->env = *env;
	s->progress = prog;
	s->progress_data = data;
	s->done = done;
	s->data = data;
	s->lock_fd = -1;
	s->out.warnings = json_array();
	s->timer = calloc(1, sizeof *s->timer);
	if (!s->timer)
		abort();
	uv_timer_init(env->loop, s->timer);
	s->timer->data = s;
	return s;
}

static enum gcr_status take_lock(struct gcr_cluster_submit *s, bool *busy, struct gcr_error *err)
{
	return submit_sim_lock(s->plan.sim_id, &s->lock_fd, &s->lock_path, busy, err);
}

/* ---- where things go ------------------------------------------------------------------------ */

static enum gcr_status open_transport(struct gcr_cluster_submit *s, struct gcr_error *err)
{
	enum gcr_status st = gcr_cluster_transport_new(s->env.loop, &s->cluster, s->env.aws, &s->t,
						       err);

	if (st == GCR_OK)
		gcr_slurm_fmt(s->out.bundle_uri, sizeof s->out.bundle_uri, "%s:%s",
			 gcr_transport_describe(s->t), s->run_dir);
	return st;
}

/* ---- the plan ---------------------------------------------------------------------------- */

/* The estimate for the spec's instance type (cost and time limit), when
 * the spec names one the catalog prices: Slurm clusters of universities
 * have no instance type, and then no cost either. */
static void estimate(struct gcr_cluster_submit *s, const struct gcr_submit_request *req)
{
	struct gcr_estimate_result res;
	struct gcr_estimate_request er = { 0 };
	const char *types[1];
	struct gcr_error err;
	double price = 0;

	s->plan.cost_usd = req->cost_estimate_usd;
	s->plan.cost_high_usd = req->cost_high_usd;
	s->plan.wall_hours_high = req->wall_hours_high;
	if (*s->spec.instance_type && s->env.catalog) {
		types[0] = s->spec.instance_type;
		er.instance_types = types;
		er.ninstance_types = 1;
		gcr_estimate_result_init(&res);
		if (gcr_estimate(s->env.catalog, &s->spec, &er, &res, &err) == GCR_OK &&
		    res.noptions > 0) {
			const struct gcr_estimate_option *o = &res.options[0];
			if (req->cost_high_usd <= 0) {
				s->plan.cost_usd = s->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd;
				s->plan.cost_low_usd = o->cost_low_usd;
				s->plan.cost_high_usd = o->cost_high_usd;
				s->plan.wall_hours_high = o->wall_hours_high;
			}
			s->plan.wall_hours = o->wall_hours;
			s->plan.physical_cores = o->instance ? o->instance->cores : o->cores_per_node;
			s->plan.vcpus = o->instance ? o->instance->vcpus : o->threads_per_node;
			s->plan.efa = o->instance && o->instance->efa;
			gcr_slurm_fmt(s->plan.arch, sizeof s->plan.arch, "%s", gcr_arch_id(o->arch));
			price = o->nodes * (s->spec.spot ? o->price_spot_usd_hour
					    : o->price_ondemand_usd_hour);
		} else {
			warn(s, _("no estimate for %s: %s"), s->spec.instance_type, err.message);
		}
		gcr_estimate_result_free(&res);
	}
	if (s->plan.wall_hours_high > 0)
		s->time_limit_minutes = (int)ceil(s->plan.wall_hours_high * TIME_LIMIT_FACTOR * 60) +
					TIME_LIMIT_EXTRA_MIN;
	s->plan.timeout_s = s->time_limit_minutes * 60L;
	s->plan_json = json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:i, s:f, s:b}",
				 "instance_type", s->spec.instance_type, "nodes", s->spec.nodes,
				 "cost_usd", s->plan.cost_usd, "cost_high_usd", s->plan.cost_high_usd,
				 "wall_hours", s->plan.wall_hours,
				 "wall_hours_high", s->plan.wall_hours_high,
				 "time_limit_minutes", s->time_limit_minutes,
				 "price_usd_hour", price, "spot", s->spec.spot);
}

/* The Simulations record goes to DynamoDB when AWS and a user id are
 * configured; the same table and item as Batch runs, with the cluster's
 * words for target, queue and locations. */
static void plan_record(struct gcr_cluster_submit *s)
{
	const struct gcr_settings *set = s->env.settings;
	const char *user = gcr_settings_get(set, "aws.user_id");
	const char *region = s->target == GCR_TARGET_PCLUSTER
			     ? gcr_settings_get(set, "pcluster.region") : NULL;

	if ((!region || !*region) && s->env.aws)
		region = gcr_aws_client_region(s->env.aws);
	if (!user || !*user)
		user = gcr_settings_get(set, "s3.user_prefix");
	gcr_slurm_fmt(s->plan.table_simulations, sizeof s->plan.table_simulations, "%s",
		 gcr_settings_get_or(set, "dynamodb.table.simulations",
				     SUBMIT_DEFAULT_SIMULATIONS_TABLE));
	gcr_slurm_fmt(s->plan.instance_type, sizeof s->plan.instance_type, "%s", s->spec.instance_type);
	gcr_slurm_fmt(s->plan.queue, sizeof s->plan.queue, "%s", s->cluster.partition);
	gcr_slurm_fmt(s->plan.region, sizeof s->plan.region, "%s", region ? region : "");
	s->plan.spot = s->spec.spot;
	submit_rfc3339_now(s->plan.created_at);
	gcr_slurm_fmt(s->plan.result_location, sizeof s->plan.result_location, "%s", s->out.bundle_uri);
	if (!s->env.aws || !user || !*user)
		return;
	gcr_slurm_fmt(s->plan.user_id, sizeof s->plan.user_id, "%s", user);
	s->item = submit_record_item(&s->plan, &s->spec, false, NULL);
	json_object_set_new(s->item, "target", json_pack("{s:s}", "S", gcr_target_id(s->target)));
	json_object_set_new(s->item, "configurationLocation",
			    json_pack("{s:s}", "S", s->out.bundle_uri));
	json_object_del(s->item, "jobDefinition");
	if (*s->cluster.partition)
		json_object_set_new(s->item, "jobQueue",
				    json_pack("{s:s}", "S", s->cluster.partition));
	else
		json_object_del(s->item, "jobQueue");
	if (*s->cluster_name)
		json_object_set_new(s->item, "clusterName", json_pack("{s:s}", "S", s->cluster_name));
	if (!*s->spec.instance_type)
		json_object_del(s->item, "instanceType");
}

static enum gcr_status build_bundle(struct gcr_cluster_submit *s, struct gcr_error *err)
{
	struct gcr_bundle_options bo = { 0 };
	struct gcr_bundle *b = NULL;
	char *modules = gcr_cluster_config_modules_line(&s->cluster);
	const char *hook = getenv(GCR_SLURM_TEST_SCRIPT_ENV);
	char *state = gcr_dir(GCR_DIR_STATE);
	enum gcr_status st;

	gcr_bundle_options_from_catalog(&bo, &s->spec, s->env.catalog);
	bo.simulation_id = s->plan.sim_id;
	bo.slurm_partition = *s->cluster.partition ? s->cluster.partition : NULL;
	bo.slurm_account = *s->cluster.account ? s->cluster.account : NULL;
	bo.slurm_modules = modules && *modules ? modules : NULL;
	bo.gc_install_dir = *s->cluster.geoschem_dir ? s->cluster.geoschem_dir : NULL;
	st = gcr_bundle_build(&s->spec, &bo, &b, err);
	free(modules);
	if (st != GCR_OK) {
		gcr_error_prefix(err, _("cannot make the run bundle"));
		free(state);
		return st;
	}
	if (hook && *hook) {
		char *text = NULL;
		size_t len;
		st = gcr_read_file(hook, &text, &len, err);
		if (st == GCR_OK)
			gcr_bundle_add_owned(b, "gcrunner.sbatch", text, 0755,
					     N_("Slurm batch script (test stand-in)"));
	}
	if (st == GCR_OK && !state)
		st = gcr_error_set(err, GCR_ERR_IO,
				   _("cannot find a state directory: set HOME or XDG_STATE_HOME"));
	if (st == GCR_OK) {
		char *parent = gcr_strdup_printf("%s/bundles", state);
		gcr_slurm_fmt(s->bundle_dir, sizeof s->bundle_dir, "%s/%s", parent, s->plan.sim_id);
		if (!s->dry_run)
			st = gcr_mkdir_p(parent, 0700, err);
		if (st == GCR_OK && !s->dry_run)
			st = gcr_bundle_write_dir(b, s->bundle_dir, true, err);
		free(parent);
	}
	if (st == GCR_OK) {
		const struct gcr_bundle_file *f = gcr_bundle_find(b, "spec.yaml");
		json_object_set_new(s->plan_json, "spec_yaml", json_string(f ? f->content : ""));
	}
	free(state);
	gcr_bundle_free(b);
	return st;
}

static enum gcr_status prepare(struct gcr_cluster_submit *s, const struct gcr_submit_request *req,
			       struct gcr_error *err)
{
	enum gcr_status st;

	s->spec = req->spec;
	s->target = s->spec.target;
	if (s->target != GCR_TARGET_SLURM && s->target != GCR_TARGET_PCLUSTER)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("this spec runs on %s; cluster submissions need target slurm "
				       "or pcluster"), gcr_target_id(s->target));
	if (s->spec.model == GCR_MODEL_NONE)
		s->spec.model = GCR_MODEL_CLASSIC;
	if (!s->env.catalog)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("submitting needs the catalog"));
	if (!s->dry_run && !s->env.journal)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("submitting needs the journal"));
	st = gcr_cluster_config_for_target(s->env.settings, s->target, &s->cluster, err);
	if (st != GCR_OK)
		return st;
	if (s->target == GCR_TARGET_PCLUSTER) {
		if (!s->env.aws)
			return gcr_error_set(err, GCR_ERR_AUTH,
					     _("AWS is not available: set up credentials (gcrunner "
					       "setup); ParallelCluster is reached through SSM"));
		gcr_slurm_fmt(s->cluster_name, sizeof s->cluster_name, "%s",
			 gcr_settings_get_or(s->env.settings, "pcluster.name", ""));
	}
	gcr_spec_apply_defaults(&s->spec, s->env.catalog);
	if (s->spec.model == GCR_MODEL_CLASSIC)
		s->spec.nodes = 1;
	st = gcr_spec_validate(&s->spec, s->env.catalog, err);
	if (st != GCR_OK) {
		gcr_error_prefix(err, _("invalid spec"));
		return st;
	}
	if (req->sim_id && *req->sim_id) {
		st = gcr_slurm_check_job_name(req->sim_id, err);
		if (st != GCR_OK)
			return st;
		gcr_slurm_fmt(s->plan.sim_id, sizeof s->plan.sim_id, "%s", req->sim_id);
	} else {
		st = gcr_simulation_id_new(s->plan.sim_id, err);
		if (st != GCR_OK)
			return st;
	}
	gcr_slurm_fmt(s->out.sim_id, sizeof s->out.sim_id, "%s", s->plan.sim_id);
	gcr_cluster_run_root(&s->cluster, s->run_root, sizeof s->run_root);
	gcr_slurm_fmt(s->run_dir, sizeof s->run_dir, "%s/%s", s->run_root, s->plan.sim_id);
	gcr_slurm_fmt(s->out.results_uri, sizeof s->out.results_uri, "%s", s->run_dir);
	estimate(s, req);
	s->out.cost_usd = s->plan.cost_usd;
	s->out.cost_high_usd = s->plan.cost_high_usd;
	s->out.timeout_s = s->plan.timeout_s;
	gcr_slurm_fmt(s->out.instance_type, sizeof s->out.instance_type, "%s", s->spec.instance_type);
	return build_bundle(s, err);
}

/* sbatch's request for this submission. */
static void sbatch_request(const struct gcr_cluster_submit *s, struct gcr_slurm_submit *r,
			   char *output, size_t size)
{
	memset(r, 0, sizeof *r);
	/* Relative to the job's working directory, the run directory. */
	gcr_slurm_fmt(output, size, "%s", OUTPUT_PATTERN);
	r->job_name = s->plan.sim_id;
	r->script_path = "gcrunner.sbatch";
	r->workdir = s->run_dir;
	r->partition = s->cluster.partition;
	r->account = s->cluster.account;
	r->time_limit_minutes = s->time_limit_minutes;
	r->output_path = output;
}

static json_t *dry_run_requests(const struct gcr_cluster_submit *s)
{
	struct gcr_slurm_submit r;
	char output[PATH_MAX + 32];
	char **argv;
	json_t *a = json_array();

	sbatch_request(s, &r, output, sizeof output);
	argv = gcr_slurm_sbatch_argv(&r);
	for (size_t i = 0; argv && argv[i]; i++)
		json_array_append_new(a, json_string(argv[i]));
	gcr_argv_free(argv);
	return json_pack("[{s:s, s:s, s:s, s:s, s:o}]", "transport",
			 gcr_transport_kind_name(s->cluster.transport), "run_dir", s->run_dir,
			 "copy", s->bundle_dir, "cwd", s->run_dir, "sbatch", a);
}

/* ---- steps ------------------------------------------------------------------------------- */

static void step_record(struct gcr_cluster_submit *s);
static void step_upload(struct gcr_cluster_submit *s);
static void step_check(struct gcr_cluster_submit *s);
static void step_submit(struct gcr_cluster_submit *s);
static void step_record_job(struct gcr_cluster_submit *s);

static void fail_with(struct gcr_cluster_submit *s, const struct gcr_error *err)
{
	finish(s, err->code, err);
}

static void on_record_closed(enum gcr_status st, const struct gcr_error *err, json_t *item,
			     void *data)
{
	struct gcr_cluster_submit *s = data;

	(void)item;
	if (st != GCR_OK)
		warn(s, _("the DynamoDB record could not be closed: %s"), err ? err->message : "");
	finish(s, s->out.err.code, &s->out.err);
}

/* Closes the entry: nothing was submitted and nothing will be. */
static void close_entry(struct gcr_cluster_submit *s, const char *event, const struct gcr_error *why)
{
	struct gcr_error jerr;

	journal(s, event, json_pack("{s:b, s:s}", "closed", 1, "error", why->message), &jerr);
	s->out.abandoned = strcmp(event, "abandoned") == 0;
	s->out.err = *why;
	if (s->item)
		submit_record_close(s->env.aws, &s->plan, "SUBMIT_FAILED", why->message,
				    on_record_closed, s);
	else
		fail_with(s, why);
}

static void step_intent(struct gcr_cluster_submit *s)
{
	struct gcr_error err;
	json_t *f = json_pack("{s:s, s:o, s:s, s:s, s:s, s:O, s:s, s:b, s:s}",
			      "target", gcr_target_id(s->target),
			      "cluster", gcr_cluster_config_to_json(&s->cluster),
			      "transport", gcr_transport_describe(s->t), "run_dir", s->run_dir,
			      "bundle_dir", s->bundle_dir, "plan", s->plan_json,
			      "spec_yaml", json_string_value(json_object_get(s->plan_json, "spec_yaml")),
			      "record_pending", s->item != NULL,
			      "record", s->item ? "dynamodb" : "none");

	json_object_del(json_object_get(f, "plan"), "spec_yaml");
	/* The choices in short, as Batch intents keep them: the dashboard's
	 * summary and the simulated period its progress is measured against. */
	json_object_set_new(f, "spec", gcr_submit_spec_summary(&s->spec));
	/* For the dashboard: where results are, and the region prices come from. */
	json_object_set_new(f, "results_uri", json_string(s->out.bundle_uri));
	if (*s->plan.region)
		json_object_set_new(json_object_get(f, "plan"), "region",
				    json_string(s->plan.region));
	if (*s->cluster_name)
		json_object_set_new(f, "cluster_name", json_string(s->cluster_name));
	if (s->item) {
		json_object_set(f, "item", s->item);
		json_object_set_new(f, "record_plan",
				    json_pack("{s:s, s:s, s:s, s:s}", "user_id", s->plan.user_id,
					      "table", s->plan.table_simulations,
					      "region", s->plan.region,
					      "created_at", s->plan.created_at));
	}
	if (journal(s, "intent", f, &err) != GCR_OK) {
		fail_with(s, &err);
		return;
	}
	s->record_pending = s->item != NULL;
	submit_kill_point("intent");
	step_record(s);
}

static void on_record(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	struct gcr_cluster_submit *s = data;
	struct gcr_error jerr;

	(void)item;
	if (st == GCR_OK) {
		s->record_pending = false;
		if (journal(s, "record", json_pack("{s:b}", "record_pending", 0), &jerr) != GCR_OK) {
			fail_with(s, &jerr);
			return;
		}
	} else {
		/* The journal keeps it; the next start writes it. */
		warn(s, _("the DynamoDB record could not be written now (%s); the next start "
			  "writes it"), err ? err->message : "");
		journal(s, "record_pending", json_pack("{s:b, s:s}", "record_pending", 1,
						       "record_error", err ? err->message : ""),
			&jerr);
	}
	submit_kill_point("record");
	if (s->uploaded)
		step_check(s);
	else
		step_upload(s);
}

static void step_record(struct gcr_cluster_submit *s)
{
	if (!s->item || !s->record_pending) {
		if (s->uploaded)
			step_check(s);
		else
			step_upload(s);
		return;
	}
	submit_record_create(s->env.aws, &s->plan, s->item, on_record, s);
}

static void on_copied(const struct gcr_error *err, void *data)
{
	struct gcr_cluster_submit *s = data;
	struct gcr_error jerr;

	if (err && err->code != GCR_OK) {
		struct gcr_error e = *err;
		/* Nothing reached sbatch: the next start copies again. */
		gcr_error_prefix(&e, _("cannot copy the run directory to %s"),
				 gcr_transport_describe(s->t));
		fail_with(s, &e);
		return;
	}
	if (journal(s, "uploaded", json_pack("{s:b}", "uploaded", 1), &jerr) != GCR_OK) {
		fail_with(s, &jerr);
		return;
	}
	s->uploaded = true;
	submit_kill_point("uploaded");
	if (s->resume)
		step_check(s);
	else
		step_submit(s);
}

static void step_upload(struct gcr_cluster_submit *s)
{
	struct gcr_error err;
	char what[PATH_MAX + 200];

	gcr_slurm_fmt(what, sizeof what, _("copying the run directory to %s:%s"),
		 gcr_transport_describe(s->t), s->run_dir);
	progress(s, what);
	if (access(s->bundle_dir, R_OK) != 0) {
		gcr_error_set(&err, GCR_ERR_NOT_FOUND,
			      _("the run bundle %s is gone; nothing was submitted"), s->bundle_dir);
		close_entry(s, "abandoned", &err);
		return;
	}
	if (gcr_transport_copy(s->t, s->bundle_dir, s->run_root, on_copied, s, &err) != GCR_OK)
		fail_with(s, &err);
}

/* ---- the job ----------------------------------------------------------------------------- */

static void adopt(struct gcr_cluster_submit *s, const char *job_id, bool found)
{
	struct gcr_error err;
	char output[PATH_MAX + 64];

	gcr_slurm_fmt(output, sizeof output, "%s/gcrunner-%s.log", s->run_dir, job_id);
	if (journal(s, "submitted", json_pack("{s:s, s:s, s:s, s:b}", "job_id", job_id,
					      "output_path", output, "log_stream", output,
					      "reconciled", found), &err) != GCR_OK) {
		fail_with(s, &err);
		return;
	}
	gcr_slurm_fmt(s->out.job_id, sizeof s->out.job_id, "%s", job_id);
	s->out.reconciled = found;
	submit_kill_point("submitted");
	step_record_job(s);
}

static void on_evidence(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct gcr_cluster_submit *s = data;
	const char *name;
	char id[GCR_SLURM_ID_MAX];
	size_t n = 0;

	if (e && e->code != GCR_OK) {
		fail_with(s, e);
		return;
	}
	/* An output file gcrunner-ID.log: that job ran (accounting off, and
	 * squeue forgot it after MinJobAge). */
	name = r->out && strncmp(r->out, "gcrunner-", 9) == 0 ? r->out : NULL;
	if (name) {
		name += strlen("gcrunner-");
		while (n + 1 < sizeof id && name[n] >= '0' && name[n] <= '9') {
			id[n] = name[n];
			n++;
		}
		id[n] = '\0';
	}
	if (n > 0 && strncmp(name + n, ".log", 4) == 0) {
		adopt(s, id, true);
		return;
	}
	step_submit(s);
}

static void on_found(struct gcr_slurm_job_list *jobs, const struct gcr_error *err, void *data)
{
	struct gcr_cluster_submit *s = data;
	/* Names only: the run directory's own path may hold "gcrunner-". */
	const char *argv[] = { "find", s->run_dir, "-maxdepth", "1", "-name", "gcrunner-*.log",
			       "-printf", "%f\n", NULL };
	struct gcr_run_request req = { .argv = argv, .timeout_ms = 60000 };
	struct gcr_error e;

	if (err && err->code != GCR_OK) {
		struct gcr_error copy = *err;
		gcr_slurm_job_list_free(jobs);
		gcr_error_prefix(&copy, _("cannot look the job up by its name; the next start tries "
					  "again"));
		fail_with(s, &copy);
		return;
	}
	if (jobs && jobs->count > 0) {
		char id[GCR_SLURM_ID_MAX];
		if (jobs->count > 1)
			warn(s, _("%zu jobs are named %s; the newest, %s, is taken"), jobs->count,
			     s->plan.sim_id, jobs->jobs[0].id);
		gcr_slurm_fmt(id, sizeof id, "%s", jobs->jobs[0].id);
		gcr_slurm_job_list_free(jobs);
		adopt(s, id, true);
		return;
	}
	gcr_slurm_job_list_free(jobs);
	if (gcr_transport_run(s->t, &req, on_evidence, s, NULL, &e) != GCR_OK)
		fail_with(s, &e);
}

/* Is there a job of this name already?  Looked up before every sbatch of
 * a resumed submission and after a lost answer. */
static void step_check(struct gcr_cluster_submit *s)
{
	struct gcr_error err;
	json_t *st = gcr_journal_get(s->env.journal, s->plan.sim_id);
	const char *first = json_string_value(json_object_get(st, "first_at"));
	struct tm tm;
	time_t since = 0;

	memset(&tm, 0, sizeof tm);
	if (first && strptime(first, "%Y-%m-%dT%H:%M:%SZ", &tm))
		since = timegm(&tm) - 3600;
	progress(s, _("looking for the job by its name"));
	if (gcr_slurm_find_by_name(s->t, s->plan.sim_id, since, on_found, s, &err) != GCR_OK)
		fail_with(s, &err);
}

/* sbatch's own errors after which the job may still exist: the controller
 * took the request but the answer did not come back ("Socket timed out on
 * send/recv operation"), or it could not be asked ("Unable to contact slurm
 * controller") -- looking by name settles both. */
static bool sbatch_outcome_unknown(const char *message)
{
	return strstr(message, "timed out") || strstr(message, "Unable to contact") ||
	       strstr(message, "Zero Bytes were transmitted");
}

static void on_sbatch(const char *job_id, const struct gcr_error *err, void *data)
{
	struct gcr_cluster_submit *s = data;
	struct gcr_error jerr;

	submit_kill_point("answered");
	if (job_id) {
		s->out.resubmitted = s->resume;
		adopt(s, job_id, false);
		return;
	}
	if (err->code == GCR_ERR_NETWORK || err->code == GCR_ERR_CANCELLED ||
	    sbatch_outcome_unknown(err->message)) {
		/* The job may exist: look, never blindly send again. */
		journal(s, "outcome_unknown", json_pack("{s:s}", "unknown_reason", err->message),
			&jerr);
		if (s->sends < MAX_SENDS) {
			warn(s, _("sbatch's answer was lost (%s); looking the job up by its name"),
			     err->message);
			s->resume = true;
			step_check(s);
			return;
		}
		fail_with(s, err);
		return;
	}
	/* Slurm said no (a bad partition, account or limit): nothing exists. */
	close_entry(s, "failed", err);
}

static void step_submit(struct gcr_cluster_submit *s)
{
	struct gcr_slurm_submit r;
	struct gcr_error err;
	char output[PATH_MAX + 32];

	if (journal(s, "submitting", json_pack("{s:I}", "submitting_at", (json_int_t)time(NULL)),
		    &err) != GCR_OK) {
		fail_with(s, &err);
		return;
	}
	submit_kill_point("submitting");
	progress(s, _("running sbatch"));
	s->sends++;
	sbatch_request(s, &r, output, sizeof output);
	if (gcr_slurm_submit(s->t, &r, on_sbatch, s, &err) != GCR_OK)
		fail_with(s, &err);
}

static void on_record_job(enum gcr_status st, const struct gcr_error *err, json_t *item, void *data)
{
	struct gcr_cluster_submit *s = data;
	struct gcr_error jerr;

	(void)item;
	if (st == GCR_OK) {
		s->record_pending = false;
		journal(s, "record_synced", json_pack("{s:b, s:s}", "record_pending", 0,
						      "record_status", "SUBMITTED"), &jerr);
	} else {
		s->record_pending = true;
		warn(s, _("the DynamoDB record could not be updated now (%s); the next start does it"),
		     err ? err->message : "");
		journal(s, "record_pending", json_pack("{s:b, s:s}", "record_pending", 1,
						       "record_error", err ? err->message : ""),
			&jerr);
	}
	submit_kill_point("recorded");
	finish(s, GCR_OK, NULL);
}

static void step_record_job(struct gcr_cluster_submit *s)
{
	char at[32];

	if (!s->item) {
		submit_kill_point("recorded");
		finish(s, GCR_OK, NULL);
		return;
	}
	submit_rfc3339_now(at);
	submit_record_submitted(s->env.aws, &s->plan, s->item, s->out.job_id, at, on_record_job, s);
}

/* ---- starting ----------------------------------------------------------------------------- */

struct gcr_cluster_submit *gcr_cluster_submit_start(const struct gcr_backend_env *env,
						    const struct gcr_submit_request *req,
						    gcr_backend_progress_cb prog,
						    gcr_submit_done_cb done, void *data)
{
	struct gcr_cluster_submit *s = alloc_submit(env, prog ? prog : req->progress, done, data);
	struct gcr_error err = { 0 };
	bool busy;

	if (!prog)
		s->progress_data = req->progress_data;
	s->dry_run = req->dry_run;
	s->out.dry_run = req->dry_run;
	if (prepare(s, req, &err) != GCR_OK)
		return fail_soon(s, &err);
	if (s->dry_run) {
		s->out.requests = dry_run_requests(s);
		later(s, ok_step);
		return s;
	}
	if (open_transport(s, &err) != GCR_OK)
		return fail_soon(s, &err);
	plan_record(s);
	if (take_lock(s, &busy, &err) != GCR_OK)
		return fail_soon(s, &err);
	later(s, step_intent);
	return s;
}

/* ---- reconcile -------------------------------------------------------------------------- */

bool gcr_cluster_submit_needs_reconcile(json_t *state)
{
	const char *target = json_string_value(json_object_get(state, "target"));

	if (!target || (strcmp(target, "slurm") != 0 && strcmp(target, "pcluster") != 0))
		return false;
	if (json_is_true(json_object_get(state, "closed")))
		return false;
	return !json_object_get(state, "job_id") ||
	       json_is_true(json_object_get(state, "record_pending"));
}

static void copy_text(char *dst, size_t size, json_t *v)
{
	gcr_slurm_fmt(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* Everything the steps need, back from the journal's merged state. */
static enum gcr_status restore(struct gcr_cluster_submit *s, json_t *st, struct gcr_error *err)
{
	json_t *plan = json_object_get(st, "plan");
	json_t *rp = json_object_get(st, "record_plan");
	enum gcr_status status;

	if (!gcr_target_from_id(json_string_value(json_object_get(st, "target")), &s->target))
		return gcr_error_set(err, GCR_ERR_INVALID, _("the journal entry has no target"));
	status = gcr_cluster_config_from_json(json_object_get(st, "cluster"), &s->cluster, err);
	if (status != GCR_OK)
		return status;
	copy_text(s->run_dir, sizeof s->run_dir, json_object_get(st, "run_dir"));
	copy_text(s->bundle_dir, sizeof s->bundle_dir, json_object_get(st, "bundle_dir"));
	copy_text(s->cluster_name, sizeof s->cluster_name, json_object_get(st, "cluster_name"));
	if (!*s->run_dir || !strrchr(s->run_dir, '/'))
		return gcr_error_set(err, GCR_ERR_INVALID, _("the journal entry has no run directory"));
	gcr_slurm_fmt(s->run_root, sizeof s->run_root, "%.*s",
		 (int)(strrchr(s->run_dir, '/') - s->run_dir), s->run_dir);
	s->time_limit_minutes = (int)json_integer_value(json_object_get(plan, "time_limit_minutes"));
	s->plan.cost_usd = json_number_value(json_object_get(plan, "cost_usd"));
	s->plan.cost_high_usd = json_number_value(json_object_get(plan, "cost_high_usd"));
	copy_text(s->plan.instance_type, sizeof s->plan.instance_type,
		  json_object_get(plan, "instance_type"));
	s->uploaded = json_is_true(json_object_get(st, "uploaded"));
	s->record_pending = json_is_true(json_object_get(st, "record_pending"));
	if (json_is_object(json_object_get(st, "item")) && s->env.aws) {
		s->item = json_incref(json_object_get(st, "item"));
		copy_text(s->plan.user_id, sizeof s->plan.user_id, json_object_get(rp, "user_id"));
		copy_text(s->plan.table_simulations, sizeof s->plan.table_simulations,
			  json_object_get(rp, "table"));
		copy_text(s->plan.region, sizeof s->plan.region, json_object_get(rp, "region"));
		copy_text(s->plan.created_at, sizeof s->plan.created_at,
			  json_object_get(rp, "created_at"));
	} else if (s->record_pending) {
		warn(s, _("the DynamoDB record stays pending: AWS is not available now"));
	}
	gcr_slurm_fmt(s->out.results_uri, sizeof s->out.results_uri, "%s", s->run_dir);
	gcr_slurm_fmt(s->out.instance_type, sizeof s->out.instance_type, "%s", s->plan.instance_type);
	s->out.cost_usd = s->plan.cost_usd;
	s->out.cost_high_usd = s->plan.cost_high_usd;
	return GCR_OK;
}

struct gcr_cluster_submit *gcr_cluster_submit_reconcile(const struct gcr_backend_env *env,
							const char *sim_id,
							gcr_backend_progress_cb prog,
							gcr_submit_done_cb done, void *data)
{
	struct gcr_cluster_submit *s = alloc_submit(env, prog, done, data);
	struct gcr_error err = { 0 };
	json_t *st;
	const char *job;
	bool busy;

	s->resume = true;
	gcr_slurm_fmt(s->plan.sim_id, sizeof s->plan.sim_id, "%s", sim_id);
	gcr_slurm_fmt(s->out.sim_id, sizeof s->out.sim_id, "%s", sim_id);
	if (!env->journal) {
		gcr_error_set(&err, GCR_ERR_INTERNAL, _("reconciling needs the journal"));
		return fail_soon(s, &err);
	}
	if (take_lock(s, &busy, &err) != GCR_OK)
		return fail_soon(s, &err);
	if (busy) {
		s->out.skipped = true;
		later(s, ok_step);
		return s;
	}
	/* Another process may have finished it while we waited for the lock. */
	if (gcr_journal_refresh(env->journal, &err) != GCR_OK)
		return fail_soon(s, &err);
	st = gcr_journal_get(env->journal, sim_id);
	if (!gcr_cluster_submit_needs_reconcile(st)) {
		copy_text(s->out.job_id, sizeof s->out.job_id, json_object_get(st, "job_id"));
		later(s, ok_step);
		return s;
	}
	if (restore(s, st, &err) != GCR_OK || open_transport(s, &err) != GCR_OK)
		return fail_soon(s, &err);
	job = json_string_value(json_object_get(st, "job_id"));
	if (job) {
		/* Only the record is behind. */
		gcr_slurm_fmt(s->out.job_id, sizeof s->out.job_id, "%s", job);
		later(s, step_record_job);
		return s;
	}
	later(s, step_record);
	return s;
}

/* ---- reconcile all ---------------------------------------------------------------------- */

struct reconcile_all {
	struct gcr_backend_env env;
	gcr_submit_done_cb each;
	gcr_backend_done_cb done;
	void *data;
	char **sims;
	size_t n, i;
	struct gcr_error first;
	uv_timer_t timer;
};

static void reconcile_next(struct reconcile_all *r);

static void on_next_timer(uv_timer_t *t)
{
	reconcile_next(t->data);
}

static void on_all_closed(uv_handle_t *h)
{
	struct reconcile_all *r = h->data;

	for (size_t i = 0; i < r->n; i++)
		free(r->sims[i]);
	free(r->sims);
	free(r);
}

static void on_one(const struct gcr_submit_outcome *out, void *data)
{
	struct reconcile_all *r = data;

	if (out->status != GCR_OK && r->first.code == GCR_OK && !out->abandoned)
		r->first = out->err;
	if (r->each)
		r->each(out, r->data);
	uv_timer_start(&r->timer, on_next_timer, 0, 0);
}

static void reconcile_next(struct reconcile_all *r)
{
	if (r->i >= r->n) {
		r->done(r->first.code, r->first.code == GCR_OK ? NULL : &r->first, r->data);
		uv_close((uv_handle_t *)&r->timer, on_all_closed);
		return;
	}
	gcr_cluster_submit_reconcile(&r->env, r->sims[r->i++], NULL, on_one, r);
}

void gcr_cluster_reconcile_all(const struct gcr_backend_env *env, gcr_submit_done_cb each,
			       gcr_backend_done_cb done, void *data)
{
	struct reconcile_all *r = calloc(1, sizeof *r);
	size_t count = env->journal ? gcr_journal_count(env->journal) : 0;

	if (!r)
		abort();
	r->env = *env;
	r->each = each;
	r->done = done;
	r->data = data;
	r->sims = calloc(count + 1, sizeof *r->sims);
	if (!r->sims)
		abort();
	for (size_t i = 0; i < count; i++) {
		const char *sim = gcr_journal_sim_at(env->journal, i);
		if (gcr_cluster_submit_needs_reconcile(gcr_journal_get(env->journal, sim)))
			r->sims[r->n++] = strdup(sim);
	}
	uv_timer_init(env->loop, &r->timer);
	r->timer.data = r;
	uv_timer_start(&r->timer, on_next_timer, 0, 0);
}
