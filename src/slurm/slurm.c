/* slurm.c: sbatch, squeue, sacct, scontrol, scancel and output following,
 * each one command on a transport, its answer parsed by slurm_parse.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "paths.h"
#include "slurm/slurm.h"

#define QUERY_TIMEOUT_MS (60 * 1000)
#define QUERY_MAX_STDOUT (8 * 1024 * 1024)
/* How far back find_by_name asks sacct when the caller has no better
 * idea: longer than any intent a journal keeps unresolved. */
#define FIND_DEFAULT_WINDOW (30L * 24 * 3600)

/* Slurm's commands print times in the cluster's zone and format unless told
 * otherwise; these make every cluster print ISO 8601 in UTC. */
#define SLURM_ENV "env", "TZ=UTC", "SLURM_TIME_FORMAT=standard"

/* "1,2,3" out of ids; NULL when one of them is not a job id (it would be
 * read as an option or a list). */
static char *join_ids(const char *const *ids, size_t n, struct gcr_error *err)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < n; i++) {
		const char *id = ids[i];
		if (!id || !*id || strspn(id, "0123456789_+[]-%") != strlen(id) ||
		    id[0] < '0' || id[0] > '9') {
			gcr_error_set(err, GCR_ERR_INVALID, _("'%s' is not a Slurm job id"),
				      id ? id : "");
			return NULL;
		}
		len += strlen(id) + 1;
	}
	out = calloc(1, len);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, ids[i]);
	}
	return out;
}

/* --- sbatch --- */

char **gcr_slurm_sbatch_argv(const struct gcr_slurm_submit *req)
{
	struct gcr_argv a = { 0 };

	gcr_argv_add(&a, "sbatch");
	gcr_argv_add(&a, "--parsable");
	gcr_argv_addf(&a, "--job-name=%s", req->job_name);
	if (req->partition && *req->partition)
		gcr_argv_addf(&a, "--partition=%s", req->partition);
	if (req->account && *req->account)
		gcr_argv_addf(&a, "--account=%s", req->account);
	if (req->nodes > 0)
		gcr_argv_addf(&a, "--nodes=%d", req->nodes);
	if (req->ntasks_per_node > 0)
		gcr_argv_addf(&a, "--ntasks-per-node=%d", req->ntasks_per_node);
	if (req->time_limit_minutes > 0)
		gcr_argv_addf(&a, "--time=%d", req->time_limit_minutes);
	if (req->output_path && *req->output_path)
		gcr_argv_addf(&a, "--output=%s", req->output_path);
	/* sbatch runs in workdir; a relative --chdir would be taken from there
	 * again (workdir/workdir), so only an absolute one is passed. */
	if (req->workdir && req->workdir[0] == '/')
		gcr_argv_addf(&a, "--chdir=%s", req->workdir);
	for (size_t i = 0; req->extra_args && req->extra_args[i]; i++)
		gcr_argv_add(&a, req->extra_args[i]);
	if (req->script_path && *req->script_path) {
		/* A script path never parses as an option. */
		if (req->script_path[0] == '-')
			gcr_argv_addf(&a, "./%s", req->script_path);
		else
			gcr_argv_add(&a, req->script_path);
	}
	return a.v;
}

struct submit_ctx {
	gcr_slurm_submit_cb cb;
	void *data;
};

static void on_sbatch(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct submit_ctx *ctx = data;
	struct gcr_error err;
	char id[GCR_SLURM_ID_MAX] = "";
	char text[GCR_ERROR_MESSAGE_MAX - 64];

	gcr_error_clear(&err);
	if (e->code != GCR_OK) {
		err = *e;
	} else if (r->exit_status != 0) {
		gcr_slurm_error_text(r->err, r->err_len, text, sizeof text);
		/* A lost answer from slurmctld may still have queued the job:
		 * say so with NETWORK, which callers reconcile by name. */
		gcr_error_set(&err, strstr(text, "timed out") || strstr(text, "Unable to contact")
				     ? GCR_ERR_NETWORK : GCR_ERR_REMOTE,
			      "%s", *text ? text : _("sbatch failed without a message"));
	} else {
		gcr_slurm_parse_sbatch(r->out, id, &err);
	}
	ctx->cb(err.code == GCR_OK ? id : NULL, &err, ctx->data);
	free(ctx);
}

enum gcr_status gcr_slurm_submit(struct gcr_transport *t, const struct gcr_slurm_submit *req,
				 gcr_slurm_submit_cb cb, void *data, struct gcr_error *err)
{
	struct gcr_run_request run = { 0 };
	struct submit_ctx *ctx;
	char **argv;
	enum gcr_status st;

	st = gcr_slurm_check_job_name(req->job_name, err);
	if (st != GCR_OK)
		return st;
	if (!(req->script && *req->script) == !(req->script_path && *req->script_path))
		return gcr_error_set(err, GCR_ERR_INTERNAL,
				     _("sbatch needs either a script or a script path"));
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	ctx->cb = cb;
	ctx->data = data;
	argv = gcr_slurm_sbatch_argv(req);
	run.argv = (const char *const *)argv;
	run.cwd = req->workdir && *req->workdir ? req->workdir : NULL;
	if (req->script && *req->script) {
		run.stdin_data = req->script;
		run.stdin_len = req->script_len ? req->script_len : strlen(req->script);
	}
	run.timeout_ms = QUERY_TIMEOUT_MS;
	st = gcr_transport_run(t, &run, on_sbatch, ctx, NULL, err);
	gcr_argv_free(argv);
	if (st != GCR_OK) {
		free(ctx);
		gcr_error_prefix(err, "sbatch");
	}
	return st;
}

/* --- queries --- */

enum query_kind { Q_SQUEUE, Q_SACCT, Q_SCONTROL, Q_USAGE };

/* What to do with an answer; a multi-step operation (job_status,
 * find_by_name) keeps its state in struct lookup. */
struct lookup;
typedef void (*step_fn)(struct lookup *lk, enum query_kind kind,
			const struct gcr_run_result *r, const struct gcr_error *e);

struct lookup {
	struct gcr_transport *t;
	gcr_slurm_jobs_cb cb;
	void *data;
	char *id;                 /* job_status */
	char *name;               /* find_by_name */
	time_t since;
	struct gcr_slurm_job_list list;  /* collected so far */
	step_fn step;
	enum query_kind pending;
};

static void lookup_done(struct lookup *lk, const struct gcr_error *err)
{
	struct gcr_slurm_job_list out = lk->list;

	memset(&lk->list, 0, sizeof lk->list);
	if (err && err->code != GCR_OK)
		gcr_slurm_job_list_free(&out);
	lk->cb(&out, err, lk->data);
	gcr_slurm_job_list_free(&out);
	free(lk->id);
	free(lk->name);
	free(lk);
}

static void on_query(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct lookup *lk = data;

	lk->step(lk, lk->pending, r, e);
}

static enum gcr_status run_query(struct lookup *lk, enum query_kind kind, char **argv,
				 struct gcr_error *err)
{
	struct gcr_run_request run = { 0 };
	enum gcr_status st;

	run.argv = (const char *const *)argv;
	run.timeout_ms = QUERY_TIMEOUT_MS;
	run.max_stdout = QUERY_MAX_STDOUT;
	lk->pending = kind;
	st = gcr_transport_run(lk->t, &run, on_query, lk, NULL, err);
	gcr_argv_free(argv);
	return st;
}

static char **squeue_argv(const char *ids, const char *name)
{
	struct gcr_argv a = { 0 };
	const char *pre[] = { SLURM_ENV, "squeue", "-h", "-t", "all", "-o", gcr_slurm_squeue_format };

	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		gcr_argv_add(&a, pre[i]);
	if (ids) {
		gcr_argv_addf(&a, "--jobs=%s", ids);
	} else {
		gcr_argv_add(&a, "--me");
		if (name)
			gcr_argv_addf(&a, "--name=%s", name);
	}
	return a.v;
}

static char **sacct_argv(const char *ids, const char *name, time_t since)
{
	struct gcr_argv a = { 0 };
	const char *pre[] = { SLURM_ENV, "sacct", "-X", "-P", "-n", "-o", gcr_slurm_sacct_fields };

	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		gcr_argv_add(&a, pre[i]);
	if (ids)
		gcr_argv_addf(&a, "--jobs=%s", ids);
	if (name) {
		char when[32];
		struct tm tm;
		gmtime_r(&since, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		gcr_argv_addf(&a, "--name=%s", name);
		gcr_argv_addf(&a, "--starttime=%s", when);
	}
	return a.v;
}

/* Without -X: the step rows carry MaxRSS. */
static char **usage_argv(const char *ids)
{
	struct gcr_argv a = { 0 };
	const char *pre[] = { SLURM_ENV, "sacct", "-P", "-n", "-o", gcr_slurm_usage_fields };

	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		gcr_argv_add(&a, pre[i]);
	gcr_argv_addf(&a, "--jobs=%s", ids);
	return a.v;
}

static char **scontrol_argv(const char *id)
{
	struct gcr_argv a = { 0 };
	const char *pre[] = { SLURM_ENV, "scontrol", "-o", "show", "job" };

	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		gcr_argv_add(&a, pre[i]);
	gcr_argv_add(&a, id);
	return a.v;
}

/* Turns a finished query into a list or an error.  "Invalid job id" from
 * squeue means "not there any more", and "accounting storage is disabled"
 * from sacct means "sacct cannot know": both give an empty list. */
static enum gcr_status read_answer(enum query_kind kind, const struct gcr_run_result *r,
				   const struct gcr_error *e, struct gcr_slurm_job_list *out,
				   struct gcr_error *err)
{
	char text[GCR_ERROR_MESSAGE_MAX - 64];
	const char *cmd = kind == Q_SQUEUE ? "squeue" : kind == Q_SCONTROL ? "scontrol" : "sacct";

	memset(out, 0, sizeof *out);
	if (e->code != GCR_OK) {
		*err = *e;
		return err->code;
	}
	if (r->exit_status != 0) {
		if (kind == Q_SQUEUE && strstr(r->err, "Invalid job id"))
			return GCR_OK;
		if ((kind == Q_SACCT || kind == Q_USAGE) && (strstr(r->err, "accounting storage is disabled") ||
					strstr(r->err, "Slurm accounting storage is disabled")))
			return GCR_OK;   /* accounting stays false */
		gcr_slurm_error_text(r->err, r->err_len, text, sizeof text);
		if (r->exit_status == 127)
			return gcr_error_set(err, GCR_ERR_NOT_FOUND,
					     _("%s is not on the cluster's PATH (%s); is Slurm installed there, or does the login shell need to load it?"),
					     cmd, *text ? text : _("command not found"));
		return gcr_error_set(err, GCR_ERR_REMOTE, "%s", *text ? text
				     : _("Slurm command failed without a message"));
	}
	if (kind == Q_SQUEUE)
		return gcr_slurm_parse_squeue(r->out, out, NULL, err);
	if (kind == Q_SACCT)
		return gcr_slurm_parse_sacct(r->out, out, NULL, err);
	if (kind == Q_USAGE)
		return gcr_slurm_parse_sacct_usage(r->out, out, NULL, err);
	return GCR_OK;
}

static struct lookup *lookup_new(struct gcr_transport *t, gcr_slurm_jobs_cb cb, void *data)
{
	struct lookup *lk = calloc(1, sizeof *lk);

	if (!lk)
		abort();
	lk->t = t;
	lk->cb = cb;
	lk->data = data;
	return lk;
}

/* A single query: its answer is the result. */
static void single_step(struct lookup *lk, enum query_kind kind,
			const struct gcr_run_result *r, const struct gcr_error *e)
{
	struct gcr_error err;

	gcr_error_clear(&err);
	read_answer(kind, r, e, &lk->list, &err);
	lookup_done(lk, &err);
}

static enum gcr_status start_single(struct gcr_transport *t, enum query_kind kind,
				    const char *const *ids, size_t nids,
				    gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err)
{
	struct lookup *lk;
	char *joined = NULL;
	enum gcr_status st;

	if (nids == 0 && kind != Q_SQUEUE)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("sacct needs job ids"));
	if (nids && !(joined = join_ids(ids, nids, err)))
		return GCR_ERR_INVALID;
	lk = lookup_new(t, cb, data);
	lk->step = single_step;
	st = run_query(lk, kind, kind == Q_SQUEUE ? squeue_argv(joined, NULL)
				 : kind == Q_USAGE ? usage_argv(joined) : sacct_argv(joined, NULL, 0), err);
	free(joined);
	if (st != GCR_OK) {
		free(lk);
	}
	return st;
}

enum gcr_status gcr_slurm_squeue(struct gcr_transport *t, const char *const *ids, size_t nids,
				 gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err)
{
	return start_single(t, Q_SQUEUE, ids, nids, cb, data, err);
}

enum gcr_status gcr_slurm_sacct(struct gcr_transport *t, const char *const *ids, size_t nids,
				gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err)
{
	return start_single(t, Q_SACCT, ids, nids, cb, data, err);
}

enum gcr_status gcr_slurm_sacct_usage(struct gcr_transport *t, const char *const *ids,
				      size_t nids, gcr_slurm_jobs_cb cb, void *data,
				      struct gcr_error *err)
{
	return start_single(t, Q_USAGE, ids, nids, cb, data, err);
}

/* job_status: squeue -> (scontrol for an exit code) -> sacct */
static void status_step(struct lookup *lk, enum query_kind kind,
			const struct gcr_run_result *r, const struct gcr_error *e)
{
	struct gcr_error err;
	struct gcr_slurm_job_list got;
	struct gcr_slurm_job *mine = NULL;

	gcr_error_clear(&err);
	if (kind == Q_SCONTROL) {
		/* Only to learn the exit code; if that fails the status stands. */
		if (e->code == GCR_OK && r->exit_status == 0 && lk->list.count == 1)
			gcr_slurm_parse_scontrol_exit(r->out, &lk->list.jobs[0].exit_code,
						      &lk->list.jobs[0].exit_signal);
		lookup_done(lk, &err);
		return;
	}
	if (read_answer(kind, r, e, &got, &err) != GCR_OK) {
		lookup_done(lk, &err);
		return;
	}
	for (size_t i = 0; i < got.count; i++)
		if (strcmp(got.jobs[i].id, lk->id) == 0)
			mine = &got.jobs[i];
	if (mine) {
		lk->list.jobs = malloc(sizeof *mine);
		if (!lk->list.jobs)
			abort();
		lk->list.jobs[0] = *mine;
		lk->list.count = 1;
		lk->list.accounting = got.accounting;
		gcr_slurm_job_list_free(&got);
		mine = &lk->list.jobs[0];
		if (kind == Q_SQUEUE && gcr_slurm_state_is_final(mine->state) &&
		    mine->exit_code < 0) {
			if (run_query(lk, Q_SCONTROL, scontrol_argv(lk->id), &err) == GCR_OK)
				return;
			gcr_error_clear(&err);
		}
		lookup_done(lk, &err);
		return;
	}
	if (kind == Q_SQUEUE) {
		gcr_slurm_job_list_free(&got);
		if (run_query(lk, Q_SACCT, sacct_argv(lk->id, NULL, 0), &err) == GCR_OK)
			return;
		lookup_done(lk, &err);
		return;
	}
	gcr_error_set(&err, GCR_ERR_NOT_FOUND,
		      got.accounting ? _("job %s is not known to Slurm (neither squeue nor sacct lists it)")
				     : _("job %s is not in squeue any more and the cluster keeps no accounting (sacct) to ask"),
		      lk->id);
	gcr_slurm_job_list_free(&got);
	lookup_done(lk, &err);
}

enum gcr_status gcr_slurm_job_status(struct gcr_transport *t, const char *id,
				     gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err)
{
	struct lookup *lk;
	char *joined = join_ids(&id, 1, err);
	enum gcr_status st;

	if (!joined)
		return GCR_ERR_INVALID;
	lk = lookup_new(t, cb, data);
	lk->id = joined;
	lk->step = status_step;
	st = run_query(lk, Q_SQUEUE, squeue_argv(joined, NULL), err);
	if (st != GCR_OK) {
		free(lk->id);
		free(lk);
	}
	return st;
}

/* find_by_name: squeue --me -n NAME, then sacct --name NAME; merged */

static int compare_newest_first(const void *a, const void *b)
{
	const struct gcr_slurm_job *x = a, *y = b;
	unsigned long long ix = strtoull(x->id, NULL, 10), iy = strtoull(y->id, NULL, 10);

	if (ix != iy)
		return ix < iy ? 1 : -1;
	return strcmp(y->id, x->id);
}

static void merge_into(struct gcr_slurm_job_list *into, const struct gcr_slurm_job_list *from)
{
	for (size_t i = 0; i < from->count; i++) {
		const struct gcr_slurm_job *j = &from->jobs[i];
		struct gcr_slurm_job *have = NULL;
		for (size_t k = 0; k < into->count; k++)
			if (strcmp(into->jobs[k].id, j->id) == 0)
				have = &into->jobs[k];
		if (have) {
			/* squeue is fresher for a live job; accounting knows
			 * exit codes of ended ones. */
			if (have->exit_code < 0 && j->exit_code >= 0) {
				have->exit_code = j->exit_code;
				have->exit_signal = j->exit_signal;
			}
			if (!gcr_slurm_state_is_final(have->state) && gcr_slurm_state_is_final(j->state)) {
				memcpy(have->state_raw, j->state_raw, sizeof have->state_raw);
				have->state = j->state;
			}
			continue;
		}
		{
			struct gcr_slurm_job *grown = realloc(into->jobs, (into->count + 1) * sizeof *grown);
			if (!grown)
				abort();
			into->jobs = grown;
			into->jobs[into->count++] = *j;
		}
	}
}

static void find_step(struct lookup *lk, enum query_kind kind,
		      const struct gcr_run_result *r, const struct gcr_error *e)
{
	struct gcr_error err;
	struct gcr_slurm_job_list got;

	gcr_error_clear(&err);
	if (read_answer(kind, r, e, &got, &err) != GCR_OK) {
		lookup_done(lk, &err);
		return;
	}
	/* Keep exact matches only (squeue -n is exact, but be sure). */
	for (size_t i = 0; i < got.count; ) {
		if (strcmp(got.jobs[i].name, lk->name) != 0)
			got.jobs[i] = got.jobs[--got.count];
		else
			i++;
	}
	merge_into(&lk->list, &got);
	if (kind == Q_SACCT)
		lk->list.accounting = got.accounting;
	gcr_slurm_job_list_free(&got);
	if (kind == Q_SQUEUE) {
		if (run_query(lk, Q_SACCT, sacct_argv(NULL, lk->name, lk->since), &err) == GCR_OK)
			return;
		lookup_done(lk, &err);
		return;
	}
	if (lk->list.count > 1)
		qsort(lk->list.jobs, lk->list.count, sizeof *lk->list.jobs, compare_newest_first);
	lookup_done(lk, &err);
}

enum gcr_status gcr_slurm_find_by_name(struct gcr_transport *t, const char *name, time_t since,
				       gcr_slurm_jobs_cb cb, void *data, struct gcr_error *err)
{
	struct lookup *lk;
	enum gcr_status st = gcr_slurm_check_job_name(name, err);

	if (st != GCR_OK)
		return st;
	lk = lookup_new(t, cb, data);
	lk->name = strdup(name);
	if (!lk->name)
		abort();
	lk->since = since > 0 ? since : time(NULL) - FIND_DEFAULT_WINDOW;
	lk->step = find_step;
	st = run_query(lk, Q_SQUEUE, squeue_argv(NULL, name), err);
	if (st != GCR_OK) {
		free(lk->name);
		free(lk);
	}
	return st;
}

/* --- scancel --- */

struct cancel_ctx {
	gcr_done_cb cb;
	void *data;
	char id[GCR_SLURM_ID_MAX];
};

static void on_scancel(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct cancel_ctx *ctx = data;
	struct gcr_error err;
	char text[GCR_ERROR_MESSAGE_MAX - 64];

	gcr_error_clear(&err);
	if (e->code != GCR_OK) {
		err = *e;
	} else if (r->exit_status != 0 &&
		   !strstr(r->err, "already completing or completed") &&
		   !strstr(r->err, "Job/step already")) {
		gcr_slurm_error_text(r->err, r->err_len, text, sizeof text);
		gcr_error_set(&err, strstr(text, "Invalid job id") ? GCR_ERR_NOT_FOUND : GCR_ERR_REMOTE,
			      "%s", *text ? text : _("scancel failed without a message"));
	}
	ctx->cb(&err, ctx->data);
	free(ctx);
}

enum gcr_status gcr_slurm_cancel(struct gcr_transport *t, const char *id,
				 gcr_done_cb cb, void *data, struct gcr_error *err)
{
	struct gcr_run_request run = { 0 };
	struct cancel_ctx *ctx;
	char *joined = join_ids(&id, 1, err);
	const char *argv[] = { "scancel", joined, NULL };
	enum gcr_status st;

	if (!joined)
		return GCR_ERR_INVALID;
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		abort();
	ctx->cb = cb;
	ctx->data = data;
	snprintf(ctx->id, sizeof ctx->id, "%s", joined);
	run.argv = argv;
	run.timeout_ms = QUERY_TIMEOUT_MS;
	st = gcr_transport_run(t, &run, on_scancel, ctx, NULL, err);
	free(joined);
	if (st != GCR_OK)
		free(ctx);
	return st;
}

/* --- following the output file --- */

/* A fixed script; the path, offset and size come in as "$1" "$2" "$3".
 * First line: the file's size now (to notice a rewrite); then the bytes
 * from the offset, at most "$3" of them. */
static const char follow_script[] =
	"f=$1; off=$2; max=$3\n"
	"[ -e \"$f\" ] || { echo \"no such file: $f\" >&2; exit 3; }\n"
	"size=$(wc -c < \"$f\") || exit 4\n"
	"size=$((size + 0))\n"
	"echo \"$size\"\n"
	"[ \"$size\" -ge \"$off\" ] || off=0\n"
	"tail -c +\"$((off + 1))\" -- \"$f\" | head -c \"$max\"\n";

/* One read: the bytes of path from offset. */
struct read_ctx {
	char *path;
	long long offset;
	gcr_slurm_output_cb cb;
	void *data;
};

static void on_read_answer(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct read_ctx *rc = data;
	struct gcr_error err;
	const char *nl;

	gcr_error_clear(&err);
	if (e->code != GCR_OK) {
		rc->cb(NULL, 0, rc->offset, false, e, rc->data);
	} else if (r->exit_status == 3) {
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("%s does not exist yet"), rc->path);
		rc->cb(NULL, 0, rc->offset, false, &err, rc->data);
	} else if (r->exit_status != 0 || !(nl = memchr(r->out, '\n', r->out_len))) {
		char text[512];
		gcr_slurm_error_text(r->err, r->err_len, text, sizeof text);
		gcr_error_set(&err, GCR_ERR_REMOTE, _("cannot read %s: %s"), rc->path,
			      *text ? text : _("no answer"));
		rc->cb(NULL, 0, rc->offset, false, &err, rc->data);
	} else {
		long long size = strtoll(r->out, NULL, 10), offset = rc->offset;
		const char *chunk = nl + 1;
		size_t len = r->out_len - (size_t)(chunk - r->out);
		bool restarted = size < offset;

		if (restarted)
			offset = 0;
		rc->cb(chunk, len, offset + (long long)len, restarted, &err, rc->data);
	}
	free(rc->path);
	free(rc);
}

enum gcr_status gcr_slurm_read_output(struct gcr_transport *t, const char *path, long long offset,
				      size_t max, gcr_slurm_output_cb cb, void *data,
				      struct gcr_error *err)
{
	char off[32], most[32];
	const char *argv[] = { "sh", "-c", follow_script, "sh", path, off, most, NULL };
	struct gcr_run_request run = { 0 };
	struct read_ctx *rc;
	enum gcr_status st;

	if (!path || !*path)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("no output file to read"));
	if (!max)
		max = 256 * 1024;
	/* Leave room for the size line within what the transport returns. */
	if (gcr_transport_max_stdout(t) && max + 64 > gcr_transport_max_stdout(t))
		max = gcr_transport_max_stdout(t) - 64;
	rc = calloc(1, sizeof *rc);
	if (!rc)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	rc->path = strdup(path);
	rc->offset = offset > 0 ? offset : 0;
	rc->cb = cb;
	rc->data = data;
	snprintf(off, sizeof off, "%lld", rc->offset);
	snprintf(most, sizeof most, "%zu", max);
	run.argv = argv;
	run.max_stdout = max + 64;
	run.timeout_ms = QUERY_TIMEOUT_MS;
	st = gcr_transport_run(t, &run, on_read_answer, rc, NULL, err);
	if (st != GCR_OK) {
		free(rc->path);
		free(rc);
	}
	return st;
}

/* --- following: read_output again and again on a timer --- */

struct gcr_slurm_follow {
	struct gcr_transport *t;
	char *path;
	long long offset;
	unsigned interval_ms;
	size_t max_chunk;
	gcr_slurm_output_cb cb;
	void *data;
	uv_timer_t timer;
	bool in_flight;     /* a read is running */
	bool again;         /* poll_now asked during a read */
	bool stopped;
	bool timer_closed;
};

static void follow_poll(struct gcr_slurm_follow *f);

static void follow_maybe_free(struct gcr_slurm_follow *f)
{
	if (f->stopped && f->timer_closed && !f->in_flight) {
		free(f->path);
		free(f);
	}
}

static void on_follow_timer(uv_timer_t *timer)
{
	follow_poll(timer->data);
}

static void on_follow_timer_closed(uv_handle_t *h)
{
	struct gcr_slurm_follow *f = h->data;

	f->timer_closed = true;
	follow_maybe_free(f);
}

static void on_follow_answer(const char *chunk, size_t len, long long offset, bool restarted,
			     const struct gcr_error *err, void *data)
{
	struct gcr_slurm_follow *f = data;

	f->in_flight = false;
	if (f->stopped) {
		follow_maybe_free(f);
		return;
	}
	if (err->code == GCR_OK)
		f->offset = offset;
	f->cb(chunk, len, f->offset, restarted, err, f->data);
	/* The callback may have stopped us. */
	if (f->stopped) {
		follow_maybe_free(f);
		return;
	}
	if (f->again) {
		f->again = false;
		follow_poll(f);
	} else {
		uv_timer_start(&f->timer, on_follow_timer, f->interval_ms, 0);
	}
}

static void follow_poll(struct gcr_slurm_follow *f)
{
	struct gcr_error err;

	if (f->stopped || f->in_flight)
		return;
	f->in_flight = true;
	if (gcr_slurm_read_output(f->t, f->path, f->offset, f->max_chunk, on_follow_answer, f,
				  &err) != GCR_OK) {
		f->in_flight = false;
		f->cb(NULL, 0, f->offset, false, &err, f->data);
		if (!f->stopped)
			uv_timer_start(&f->timer, on_follow_timer, f->interval_ms, 0);
	}
}

enum gcr_status gcr_slurm_follow_start(struct gcr_transport *t, const char *path,
				       long long offset, unsigned interval_ms, size_t max_chunk,
				       gcr_slurm_output_cb cb, void *data,
				       struct gcr_slurm_follow **out, struct gcr_error *err)
{
	struct gcr_slurm_follow *f;

	*out = NULL;
	if (!path || !*path)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("no output file to follow"));
	f = calloc(1, sizeof *f);
	if (!f)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	f->t = t;
	f->path = strdup(path);
	f->offset = offset > 0 ? offset : 0;
	f->interval_ms = interval_ms ? interval_ms : 5000;
	f->max_chunk = max_chunk;
	f->cb = cb;
	f->data = data;
	uv_timer_init(gcr_transport_loop(t), &f->timer);
	f->timer.data = f;
	/* The first poll at once: the dashboard shows what is there. */
	uv_timer_start(&f->timer, on_follow_timer, 0, 0);
	*out = f;
	return GCR_OK;
}

void gcr_slurm_follow_poll_now(struct gcr_slurm_follow *f)
{
	if (!f || f->stopped)
		return;
	if (f->in_flight) {
		f->again = true;
		return;
	}
	uv_timer_stop(&f->timer);
	follow_poll(f);
}

long long gcr_slurm_follow_offset(const struct gcr_slurm_follow *f)
{
	return f->offset;
}

void gcr_slurm_follow_stop(struct gcr_slurm_follow *f)
{
	if (!f || f->stopped)
		return;
	f->stopped = true;
	uv_timer_stop(&f->timer);
	uv_close((uv_handle_t *)&f->timer, on_follow_timer_closed);
}
