/* pcluster_life.c: create, describe, delete a ParallelCluster cluster through
 * its API (SigV4 as execute-api) or the user's `pcluster` command; what an
 * idle cluster costs and which runs use it; a watcher that keeps its status
 * current on the loop (the dashboard's cluster line). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "catalog.h"
#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "settings.h"
#include "slurm/pcluster_life.h"
#include "slurm/process.h"

static void copy(char *dst, size_t size, json_t *v)
{
	const char *s = json_string_value(v);

	snprintf(dst, size, "%.*s", (int)(size - 1), s ? s : "");
}

enum gcr_status gcr_pcluster_check_name(const char *name, struct gcr_error *err)
{
	size_t n = name ? strlen(name) : 0;
	bool ok = n >= 5 && n <= 60 && isalpha((unsigned char)name[0]);

	for (size_t i = 1; ok && i < n; i++)
		ok = isalnum((unsigned char)name[i]) || name[i] == '-';
	if (!ok)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not a ParallelCluster cluster name (5 to 60 letters, "
				       "digits and '-', starting with a letter)"), name ? name : "");
	return GCR_OK;
}

bool gcr_pcluster_status_in_progress(const char *status)
{
	size_t n = status ? strlen(status) : 0;

	return n > 12 && strcmp(status + n - 12, "_IN_PROGRESS") == 0;
}

bool gcr_pcluster_status_ready(const char *status)
{
	return status && (strcmp(status, "CREATE_COMPLETE") == 0 ||
			  strcmp(status, "UPDATE_COMPLETE") == 0);
}

void gcr_pcluster_info_from_json(json_t *j, struct gcr_pcluster_info *info)
{
	json_t *summary = json_object_get(j, "cluster");
	json_t *head, *f;
	const char *created;
	size_t i, used = 0;
	struct tm tm;

	memset(info, 0, sizeof *info);
	if (json_is_object(summary))
		j = summary;
	copy(info->name, sizeof info->name, json_object_get(j, "clusterName"));
	copy(info->region, sizeof info->region, json_object_get(j, "region"));
	copy(info->status, sizeof info->status, json_object_get(j, "clusterStatus"));
	copy(info->version, sizeof info->version, json_object_get(j, "version"));
	copy(info->fleet_status, sizeof info->fleet_status, json_object_get(j, "computeFleetStatus"));
	/* DescribeCluster spells it cloudFormationStackStatus, the summary
	 * cloudformationStackStatus. */
	copy(info->stack_status, sizeof info->stack_status,
	     json_object_get(j, "cloudFormationStackStatus") ? json_object_get(j, "cloudFormationStackStatus")
	     : json_object_get(j, "cloudformationStackStatus"));
	head = json_object_get(j, "headNode");
	copy(info->head_instance_id, sizeof info->head_instance_id, json_object_get(head, "instanceId"));
	copy(info->head_instance_type, sizeof info->head_instance_type,
	     json_object_get(head, "instanceType"));
	copy(info->head_state, sizeof info->head_state, json_object_get(head, "state"));
	copy(info->head_private_ip, sizeof info->head_private_ip,
	     json_object_get(head, "privateIpAddress"));
	created = json_string_value(json_object_get(j, "creationTime"));
	memset(&tm, 0, sizeof tm);
	if (created && strptime(created, "%Y-%m-%dT%H:%M:%S", &tm))
		info->created = timegm(&tm);
	json_array_foreach(json_object_get(j, "failures"), i, f) {
		const char *why = json_string_value(json_object_get(f, "failureReason"));
		if (why && used < sizeof info->failure)
			used += (size_t)snprintf(info->failure + used, sizeof info->failure - used,
						 "%s%s", used ? "; " : "", why);
	}
}

enum gcr_status gcr_pcluster_client_init(struct gcr_pcluster_client *c, uv_loop_t *loop,
					 struct gcr_aws *aws, const struct gcr_settings *s,
					 const char *region, struct gcr_error *err)
{
	const char *url = gcr_settings_get(s, "pcluster.api_url");
	const char *r = region && *region ? region : gcr_settings_get(s, "pcluster.region");

	memset(c, 0, sizeof *c);
	c->loop = loop;
	c->aws = aws;
	if (!r || !*r)
		r = aws ? gcr_aws_client_region(aws) : NULL;
	if (!r || !*r)
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("no region for ParallelCluster: use --region, or set "
				       "pcluster.region or aws.region"));
	if (strlen(r) >= sizeof c->region || (url && strlen(url) >= sizeof c->api_url))
		return gcr_error_set(err, GCR_ERR_INVALID, _("pcluster.region or pcluster.api_url "
							     "is too long"));
	snprintf(c->region, sizeof c->region, "%s", r);
	snprintf(c->program, sizeof c->program, "%.*s", (int)sizeof c->program - 1,
		 gcr_settings_get_or(s, "pcluster.program", "pcluster"));
	if (url && *url) {
		if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://127.0.0.1", 16) != 0)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("pcluster.api_url '%s' is not an https:// URL"), url);
		snprintf(c->api_url, sizeof c->api_url, "%s", url);
		/* The invoke URL's stage is part of every path: keep no trailing '/'. */
		while (*c->api_url && c->api_url[strlen(c->api_url) - 1] == '/')
			c->api_url[strlen(c->api_url) - 1] = '\0';
		if (!aws)
			return gcr_error_set(err, GCR_ERR_AUTH,
					     _("the ParallelCluster API needs AWS credentials (gcrunner "
					       "setup)"));
	}
	return GCR_OK;
}

const char *gcr_pcluster_client_describe(const struct gcr_pcluster_client *c)
{
	static char buf[600];

	if (*c->api_url)
		snprintf(buf, sizeof buf, _("the ParallelCluster API at %s"), c->api_url);
	else
		snprintf(buf, sizeof buf, _("the %s command"), c->program);
	return buf;
}

struct call {
	gcr_pcluster_cb cb;
	void *data;
	char name[64];
	char *config_file;          /* command path: the temporary configuration */
};

static struct call *call_new(const char *name, gcr_pcluster_cb cb, void *data)
{
	struct call *k = calloc(1, sizeof *k);

	if (!k)
		abort();
	k->cb = cb;
	k->data = data;
	snprintf(k->name, sizeof k->name, "%.*s", (int)sizeof k->name - 1, name);
	return k;
}

static void call_end(struct call *k, enum gcr_status st, const struct gcr_error *err, json_t *j)
{
	struct gcr_pcluster_info info;

	if (st == GCR_OK) {
		gcr_pcluster_info_from_json(j, &info);
		k->cb(GCR_OK, NULL, &info, k->data);
	} else {
		k->cb(st, err, NULL, k->data);
	}
	if (k->config_file) {
		unlink(k->config_file);
		free(k->config_file);
	}
	free(k);
}

/* ---- the API ------------------------------------------------------------------------------- */

static void on_api(enum gcr_status st, const struct gcr_error *err,
		   const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct call *k = data;
	struct gcr_error e = { 0 };

	if (st != GCR_OK) {
		e = *err;
		if (info && info->http_status == 404)
			e.code = GCR_ERR_NOT_FOUND;
		else if (info && info->http_status == 409)
			e.code = GCR_ERR_CONFLICT;
		else if (info && info->http_status == 400)
			e.code = GCR_ERR_INVALID;
		call_end(k, e.code, &e, NULL);
		return;
	}
	call_end(k, GCR_OK, NULL, answer);
}

static void api_call(const struct gcr_pcluster_client *c, const char *operation,
		     const char *method, const char *name, json_t *body, struct call *k)
{
	struct gcr_aws_call_options o = { .endpoint_url = c->api_url, .region = NULL };
	char path[128], query[64];

	/* Creating and deleting are not repeated blindly: create's answer
	 * lost means "look", and describe finds it. */
	o.not_idempotent = strcmp(method, "GET") != 0;
	if (name)
		snprintf(path, sizeof path, "/v3/clusters/%s", name);
	else
		snprintf(path, sizeof path, "/v3/clusters");
	snprintf(query, sizeof query, "region=%s", c->region);
	gcr_aws_rest_json_call(c->aws, "execute-api", operation, method, path, query, body, &o,
			       on_api, k);
}

/* ---- the pcluster command ------------------------------------------------------------------- */

static void on_command(const struct gcr_process_result *r, void *data)
{
	struct call *k = data;
	struct gcr_error err = { 0 };
	json_error_t jerr;
	json_t *j = r->out_len ? json_loadb(r->out, r->out_len, 0, &jerr) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));

	if (r->exit_status == 0 && json_is_object(j)) {
		call_end(k, GCR_OK, NULL, j);
		json_decref(j);
		return;
	}
	/* pcluster prints {"message": "..."} and exits 1 on an error. */
	if (msg) {
		enum gcr_status code = strstr(msg, "does not exist") ? GCR_ERR_NOT_FOUND
				       : strstr(msg, "already exists") ? GCR_ERR_CONFLICT
				       : GCR_ERR_REMOTE;
		gcr_error_set(&err, code, _("pcluster: %s"), msg);
	} else {
		char line[512];
		gcr_last_line(r->err, r->err_len, line, sizeof line);
		gcr_error_set(&err, GCR_ERR_REMOTE, _("pcluster exited with status %d: %s"),
			      r->exit_status, *line ? line : _("no JSON on its output"));
	}
	json_decref(j);
	call_end(k, err.code, &err, NULL);
}

static void command_call(const struct gcr_pcluster_client *c, const char *sub, struct call *k)
{
	const char *argv[10];
	struct gcr_process_opts po = GCR_PROCESS_OPTS_INIT;
	struct gcr_error err;
	int n = 0;

	argv[n++] = c->program;
	argv[n++] = sub;
	argv[n++] = "-n";
	argv[n++] = k->name;
	argv[n++] = "-r";
	argv[n++] = c->region;
	if (k->config_file) {
		argv[n++] = "-c";
		argv[n++] = k->config_file;
	}
	argv[n] = NULL;
	po.timeout_ms = 10 * 60 * 1000;
	if (gcr_process_run(c->loop, argv, &po, on_command, k, NULL, &err) != GCR_OK) {
		gcr_error_prefix(&err, _("cannot run %s (install AWS ParallelCluster, or set "
					 "pcluster.api_url)"), c->program);
		/* A missing program is not a missing cluster (NOT_FOUND means that here). */
		err.code = GCR_ERR_IO;
		call_end(k, err.code, &err, NULL);
	}
}

/* ---- the operations -------------------------------------------------------------------------- */

static bool checked(const char *name, gcr_pcluster_cb cb, void *data)
{
	struct gcr_error err;

	if (gcr_pcluster_check_name(name, &err) == GCR_OK)
		return true;
	cb(err.code, &err, NULL, data);
	return false;
}

void gcr_pcluster_describe(const struct gcr_pcluster_client *c, const char *name,
			   gcr_pcluster_cb cb, void *data)
{
	if (!checked(name, cb, data))
		return;
	if (*c->api_url)
		api_call(c, "DescribeCluster", "GET", name, NULL, call_new(name, cb, data));
	else
		command_call(c, "describe-cluster", call_new(name, cb, data));
}

void gcr_pcluster_delete(const struct gcr_pcluster_client *c, const char *name,
			 gcr_pcluster_cb cb, void *data)
{
	if (!checked(name, cb, data))
		return;
	if (*c->api_url)
		api_call(c, "DeleteCluster", "DELETE", name, NULL, call_new(name, cb, data));
	else
		command_call(c, "delete-cluster", call_new(name, cb, data));
}

void gcr_pcluster_create(const struct gcr_pcluster_client *c, const char *name,
			 const char *config_yaml, gcr_pcluster_cb cb, void *data)
{
	struct call *k;
	struct gcr_error err;
	char *dir;

	if (!checked(name, cb, data))
		return;
	k = call_new(name, cb, data);
	if (*c->api_url) {
		json_t *body = json_pack("{s:s, s:s}", "clusterName", name, "clusterConfiguration",
					 config_yaml);
		api_call(c, "CreateCluster", "POST", NULL, body, k);
		json_decref(body);
		return;
	}
	/* The command reads the configuration from a file: a private one. */
	dir = gcr_dir(GCR_DIR_STATE);
	k->config_file = dir && gcr_mkdir_p(dir, 0700, &err) == GCR_OK
			 ? gcr_strdup_printf("%s/pcluster-%s.yaml", dir, name) : NULL;
	free(dir);
	if (!k->config_file ||
	    gcr_write_file_atomic(k->config_file, config_yaml, strlen(config_yaml), 0600, &err) != GCR_OK) {
		if (!k->config_file)
			gcr_error_set(&err, GCR_ERR_IO, _("cannot find a state directory"));
		call_end(k, err.code, &err, NULL);
		return;
	}
	command_call(c, "create-cluster", k);
}

/* ---- running cost and active runs ---------------------------------------------------------- */

/* vCPUs of an EC2 size: large 2, xlarge 4, Nxlarge 4N; 0 when unknown. */
static int size_vcpus(const char *type)
{
	const char *size = type ? strchr(type, '.') : NULL;
	char *end;
	long n;

	if (!size)
		return 0;
	size++;
	if (strcmp(size, "large") == 0)
		return 2;
	if (strcmp(size, "xlarge") == 0)
		return 4;
	n = strtol(size, &end, 10);
	return n > 0 && strcmp(end, "xlarge") == 0 ? (int)(4 * n) : 0;
}

/* On-demand price of an instance type; a head node type the catalog lacks
 * (it lists compute types) is derived from a type of the same family,
 * whose prices scale with the vCPUs (c5.2xlarge = c5.4xlarge / 2). */
static double ondemand_price(const struct gcr_catalog *cat, const char *type, const char *region,
			     bool *derived)
{
	struct gcr_price_info p;
	size_t family = strcspn(type, ".");
	int want = size_vcpus(type);

	*derived = false;
	if (gcr_catalog_price(cat, type, region, 0, &p) && p.ondemand_usd_hour >= 0)
		return p.ondemand_usd_hour;
	for (size_t i = 0; want > 0 && i < gcr_catalog_ninstances(cat); i++) {
		const struct gcr_instance_type *it = gcr_catalog_instance(cat, i);
		int have = size_vcpus(it->id);
		if (strncmp(it->id, type, family + 1) != 0 || have <= 0)
			continue;
		if (gcr_catalog_price(cat, it->id, region, 0, &p) && p.ondemand_usd_hour >= 0) {
			*derived = true;
			return p.ondemand_usd_hour * want / have;
		}
	}
	return -1;
}

double gcr_pcluster_running_cost(const struct gcr_catalog *cat, const struct gcr_settings *s,
				 const struct gcr_pcluster_info *info, const char *region,
				 struct gcr_pcluster_cost *out)
{
	const char *type = info && *info->head_instance_type ? info->head_instance_type
			   : gcr_settings_get(s, "pcluster.head_node_type");

	memset(out, 0, sizeof *out);
	snprintf(out->head_type, sizeof out->head_type, "%.*s", (int)sizeof out->head_type - 1,
		 type ? type : "");
	out->fsx_gib = gcr_settings_get_number(s, "pcluster.fsx_gib", 0);
	if (out->fsx_gib < 0)
		out->fsx_gib = 0;
	out->fsx_hour = out->fsx_gib * GCR_PCLUSTER_FSX_USD_GIB_MONTH / GCR_PCLUSTER_HOURS_PER_MONTH;
	out->head_hour = cat && *out->head_type
			 ? ondemand_price(cat, out->head_type, region, &out->head_derived) : -1;
	out->total_hour = out->head_hour < 0 ? -1 : out->head_hour + out->fsx_hour;
	return out->total_hour;
}

size_t gcr_pcluster_active_runs(const struct gcr_journal *j, const char *cluster_name)
{
	size_t n = 0;

	for (size_t i = 0; j && i < gcr_journal_count(j); i++) {
		json_t *s = gcr_journal_get(j, gcr_journal_sim_at(j, i));
		const char *t = json_string_value(json_object_get(s, "target"));
		const char *c = json_string_value(json_object_get(s, "cluster_name"));
		if (!t || strcmp(t, "pcluster") != 0 || json_is_true(json_object_get(s, "closed")))
			continue;
		if (c && cluster_name && strcmp(c, cluster_name) != 0)
			continue;
		if (json_is_string(json_object_get(s, "end_state")))
			continue;
		n++;
	}
	return n;
}

struct gcr_pcluster_count {
	uv_work_t work;
	char *journal_path;             /* NULL: the default */
	char name[64];
	gcr_pcluster_count_cb cb;       /* NULL once cancelled */
	void *data;
	enum gcr_status st;
	struct gcr_error err;
	size_t active;
};

/* In the thread pool: a journal of its own, so the loop's is not touched. */
static void count_in_pool(uv_work_t *req)
{
	struct gcr_pcluster_count *c = req->data;
	struct gcr_journal *j;

	c->st = gcr_journal_open(c->journal_path, &j, &c->err);
	if (c->st != GCR_OK)
		return;
	c->active = gcr_pcluster_active_runs(j, c->name);
	gcr_journal_close(j);
}

static void count_done(uv_work_t *req, int status)
{
	struct gcr_pcluster_count *c = req->data;

	if (c->cb) {
		if (status != 0 && c->st == GCR_OK)   /* the work was cancelled */
			c->st = gcr_error_set(&c->err, GCR_ERR_CANCELLED, "%s", uv_strerror(status));
		c->cb(c->st, c->active, c->st == GCR_OK ? NULL : c->err.message, c->data);
	}
	free(c->journal_path);
	free(c);
}

struct gcr_pcluster_count *gcr_pcluster_active_runs_async(uv_loop_t *loop,
							  const char *journal_path,
							  const char *cluster_name,
							  gcr_pcluster_count_cb cb, void *data)
{
	struct gcr_pcluster_count *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->journal_path = journal_path ? gcr_strdup_printf("%s", journal_path) : NULL;
	snprintf(c->name, sizeof c->name, "%.*s", (int)sizeof c->name - 1,
		 cluster_name ? cluster_name : "");
	c->cb = cb;
	c->data = data;
	c->work.data = c;
	if (uv_queue_work(loop, &c->work, count_in_pool, count_done) != 0) {
		/* Cannot happen with a valid loop; answer on the spot rather than never. */
		count_in_pool(&c->work);
		count_done(&c->work, 0);
		return NULL;
	}
	return c;
}

void gcr_pcluster_active_runs_cancel(struct gcr_pcluster_count *c)
{
	if (c)
		c->cb = NULL;
}

enum gcr_status gcr_pcluster_forget_head(struct gcr_settings *s, const char *path,
					 const char *name, struct gcr_error *err)
{
	const char *saved = gcr_settings_get(s, "pcluster.name");
	enum gcr_status st;

	if (!saved || !name || strcmp(saved, name) != 0)
		return GCR_OK;
	st = gcr_settings_set(s, "pcluster.head_node_instance_id", "", err);
	return st == GCR_OK && path ? gcr_settings_save(s, path, err) : st;
}

/* ---- the watcher ------------------------------------------------------------------------------ */

struct gcr_pcluster_watch {
	struct gcr_pcluster_client client;
	char name[64];
	double every_s;
	gcr_pcluster_watch_cb cb;       /* NULL once stopped */
	void *data;
	uv_timer_t timer;
	bool timer_open;
	bool in_flight;                 /* one describe at a time */
	bool again;                     /* asked for "now" while one was in flight */
	bool busy;                      /* the last status was ..._IN_PROGRESS */
};

static void watch_maybe_free(struct gcr_pcluster_watch *w)
{
	if (!w->cb && !w->timer_open && !w->in_flight)
		free(w);
}

static void on_watch_timer_closed(uv_handle_t *h)
{
	struct gcr_pcluster_watch *w = h->data;

	w->timer_open = false;
	watch_maybe_free(w);
}

double gcr_pcluster_watch_interval_s(double every_s, bool in_progress)
{
	double s = every_s > 0 ? every_s : 30;

	if (in_progress && s > GCR_PCLUSTER_WATCH_BUSY_S)
		s = GCR_PCLUSTER_WATCH_BUSY_S;
	return s < 0.05 ? 0.05 : s;
}

static uint64_t watch_delay_ms(const struct gcr_pcluster_watch *w)
{
	return (uint64_t)(gcr_pcluster_watch_interval_s(w->every_s, w->busy) * 1000);
}

static void watch_ask(struct gcr_pcluster_watch *w);

static void on_watch_tick(uv_timer_t *t)
{
	watch_ask(t->data);
}

static void on_watch_answer(enum gcr_status st, const struct gcr_error *err,
			    const struct gcr_pcluster_info *info, void *data)
{
	struct gcr_pcluster_watch *w = data;

	w->in_flight = false;
	if (!w->cb) {                   /* stopped meanwhile */
		watch_maybe_free(w);
		return;
	}
	w->busy = st == GCR_OK && info && gcr_pcluster_status_in_progress(info->status);
	/* The next tick is set before the callback, which may stop us. */
	if (w->again) {
		w->again = false;
		uv_timer_start(&w->timer, on_watch_tick, 0, 0);
	} else {
		uv_timer_start(&w->timer, on_watch_tick, watch_delay_ms(w), 0);
	}
	w->cb(st, err, info, w->data);
}

static void watch_ask(struct gcr_pcluster_watch *w)
{
	if (!w->cb || w->in_flight)
		return;
	w->in_flight = true;
	/* The command path may answer before returning (it could not start). */
	gcr_pcluster_describe(&w->client, w->name, on_watch_answer, w);
}

struct gcr_pcluster_watch *gcr_pcluster_watch_start(const struct gcr_pcluster_client *c,
						    const char *name, double every_s,
						    gcr_pcluster_watch_cb cb, void *data)
{
	struct gcr_pcluster_watch *w = calloc(1, sizeof *w);

	if (!w)
		abort();
	w->client = *c;
	snprintf(w->name, sizeof w->name, "%.*s", (int)sizeof w->name - 1, name ? name : "");
	w->every_s = every_s;
	w->cb = cb;
	w->data = data;
	uv_timer_init(c->loop, &w->timer);
	w->timer.data = w;
	w->timer_open = true;
	uv_timer_start(&w->timer, on_watch_tick, 0, 0);
	return w;
}

void gcr_pcluster_watch_now(struct gcr_pcluster_watch *w)
{
	if (!w || !w->cb)
		return;
	if (w->in_flight)
		w->again = true;
	else
		uv_timer_start(&w->timer, on_watch_tick, 0, 0);
}

void gcr_pcluster_watch_stop(struct gcr_pcluster_watch *w)
{
	if (!w || !w->cb)
		return;
	w->cb = NULL;
	if (w->timer_open)
		uv_close((uv_handle_t *)&w->timer, on_watch_timer_closed);
}
