/* backend_ops.c: gcr_backend_slurm and gcr_backend_pcluster (backend.h) --
 * submit and reconcile through backend_submit.c; refresh with squeue (and
 * sacct for jobs squeue has forgotten), Slurm's states and pending reasons
 * in plain words; cancel with scancel; logs from the job's output file by
 * byte offset; results as the run directory's output files.  A refresh
 * that sees jobs ended also asks sacct for their memory use and CPU
 * efficiency (the Benchmarks record's memoryUsage and cpuEfficiency).
 * Each call opens the transport of the cluster configured for its target
 * and closes it when done. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "journal.h"
#include "settings.h"
#include "slurm/cluster_config.h"
#include "slurm/process.h"
#include "slurm/slurm.h"
#include "slurm/backend_internal.h"
#include "slurm/slurm_backend.h"

/* Job ids per squeue/sacct command (keeps the command line short). */
#define IDS_PER_CALL 400

void gcr_slurm_fmt(char *dst, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(dst, size, f, ap);
	va_end(ap);
}

/* ---- states and reasons ---------------------------------------------------------------- */

enum gcr_run_state gcr_slurm_run_state(int state)
{
	switch ((enum gcr_slurm_state)state) {
	case GCR_SLURM_PENDING:
	case GCR_SLURM_REQUEUED:
	case GCR_SLURM_SUSPENDED:
		return GCR_RUN_QUEUED;
	case GCR_SLURM_CONFIGURING:
		return GCR_RUN_STARTING;
	case GCR_SLURM_RUNNING:
	case GCR_SLURM_COMPLETING:
	case GCR_SLURM_RESIZING:
	case GCR_SLURM_STOPPED:
	case GCR_SLURM_SIGNALING:
	case GCR_SLURM_STAGE_OUT:
		return GCR_RUN_RUNNING;
	case GCR_SLURM_COMPLETED:
		return GCR_RUN_SUCCEEDED;
	case GCR_SLURM_CANCELLED:
	case GCR_SLURM_REVOKED:
		return GCR_RUN_CANCELLED;
	case GCR_SLURM_FAILED:
	case GCR_SLURM_TIMEOUT:
	case GCR_SLURM_NODE_FAIL:
	case GCR_SLURM_OUT_OF_MEMORY:
	case GCR_SLURM_BOOT_FAIL:
	case GCR_SLURM_DEADLINE:
	case GCR_SLURM_PREEMPTED:
	case GCR_SLURM_SPECIAL_EXIT:
		return GCR_RUN_FAILED;
	case GCR_SLURM_UNKNOWN:
		break;
	}
	return GCR_RUN_UNKNOWN;
}

static bool starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Pending reasons (squeue's %r) in plain words; Slurm's list is long, these
 * are the ones users meet. */
static const char *explain_reason(const char *r, bool pcluster)
{
	if (starts(r, "Resources"))
		return pcluster ? _("waiting for compute nodes: ParallelCluster starts EC2 instances "
				    "for the job (a few minutes); on spot, capacity may be short")
				: _("waiting for free nodes: the cluster is busy; it starts when "
				    "enough nodes are free");
	if (starts(r, "Priority"))
		return _("other jobs with higher priority are ahead in the queue");
	if (starts(r, "ReqNodeNotAvail"))
		return pcluster ? _("the nodes it needs are not available now (being started, "
				    "down, or disabled for a while after EC2 had no capacity); "
				    "it waits")
				: _("the nodes it needs are down, drained or reserved; it waits "
				    "until they return (ask the cluster's admins if it lasts)");
	if (starts(r, "PartitionConfig"))
		return _("the job asks for more than the partition allows (nodes, cores or "
			 "account): it will never start; cancel it and change the partition or "
			 "the request");
	if (starts(r, "PartitionTimeLimit"))
		return _("the time limit is longer than the partition allows: it will never "
			 "start; cancel it and choose another partition");
	if (starts(r, "PartitionNodeLimit"))
		return _("the job asks for more nodes than the partition allows: it will never "
			 "start; cancel it and ask for fewer nodes");
	if (starts(r, "PartitionDown") || starts(r, "PartitionInactive"))
		return _("the partition is down or inactive; the job waits until it is up again");
	if (starts(r, "AssocGrp") || starts(r, "AssocMax") || starts(r, "QOSGrp") ||
	    starts(r, "QOSMax"))
		return _("a limit of your account or QOS is reached (running jobs, cores or "
			 "time); it starts when your other jobs end");
	if (starts(r, "Dependency"))
		return _("waiting for the jobs it depends on");
	if (starts(r, "DependencyNeverSatisfied"))
		return _("a job it depends on failed: it will never start; cancel it");
	if (starts(r, "BeginTime"))
		return _("it was asked to start later");
	if (starts(r, "JobHeld"))
		return _("the job is held; release it with scontrol release, or cancel it");
	if (starts(r, "Reservation"))
		return _("waiting for its reservation to begin");
	if (starts(r, "NodeDown"))
		return _("a node it needs is down");
	if (starts(r, "launch failed") || starts(r, "JobLaunchFailure"))
		return _("Slurm could not start the job on its node; it is requeued or failed");
	if (starts(r, "InvalidAccount") || starts(r, "InvalidQOS"))
		return _("the account or QOS is not valid: it will never start; cancel it and fix "
			 "slurm.account");
	return NULL;
}

const char *gcr_slurm_explain(int state, const char *reason, bool pcluster)
{
	const char *r;

	switch ((enum gcr_slurm_state)state) {
	case GCR_SLURM_PENDING:
		r = explain_reason(reason, pcluster);
		return r ? r : _("waiting in the queue");
	case GCR_SLURM_REQUEUED:
		return _("put back into the queue (a node failed or a spot instance was reclaimed); "
			 "it starts again");
	case GCR_SLURM_CONFIGURING:
		return pcluster ? _("compute nodes are booting (ParallelCluster starts EC2 "
				    "instances; usually 2 to 6 minutes)")
				: _("its nodes are being prepared (booting or powering up)");
	case GCR_SLURM_COMPLETING:
		return _("finishing: Slurm is cleaning up on the nodes");
	case GCR_SLURM_SUSPENDED:
		return _("suspended by an administrator or a preemption; it resumes later");
	case GCR_SLURM_TIMEOUT:
		return _("stopped at its time limit (the estimate's upper bound with a margin); "
			 "resubmit with more time or restart from its last checkpoint");
	case GCR_SLURM_NODE_FAIL:
		return pcluster ? _("a node failed (or its EC2 instance was stopped); resubmit, "
				    "or restart from the last checkpoint")
				: _("a node failed during the run; resubmit it");
	case GCR_SLURM_PREEMPTED:
		return pcluster ? _("preempted: the spot instance was reclaimed by AWS; with "
				    "checkpoints the run can continue from the last one")
				: _("preempted by a job of higher priority");
	case GCR_SLURM_OUT_OF_MEMORY:
		return _("ran out of memory: choose an instance type or node count with more "
			 "memory per core");
	case GCR_SLURM_BOOT_FAIL:
		return _("its nodes did not boot; resubmit it");
	case GCR_SLURM_DEADLINE:
		return _("it could not finish before its deadline");
	case GCR_SLURM_FAILED:
		return _("the run script ended with an error: see the log");
	case GCR_SLURM_CANCELLED:
		return _("cancelled");
	case GCR_SLURM_UNKNOWN:
		return _("Slurm no longer lists this job (it ended more than MinJobAge ago and "
			 "the cluster keeps no accounting); its output file may still be there");
	default:
		break;
	}
	return "";
}

/* ---- one call: a transport for the target's cluster -------------------------------------- */

/* A refresh asks in turn: squeue for every id, sacct for the ids squeue
 * did not list, then sacct for the usage of the jobs seen ended. */
enum refresh_phase { ASK_SQUEUE, ASK_SACCT, ASK_USAGE };

struct op {
	struct gcr_backend_env env;
	enum gcr_target target;
	struct gcr_cluster_config cluster;
	struct gcr_transport *t;
	char run_root[PATH_MAX];
	void *cb;
	void *data;
	/* refresh */
	char **ids;
	size_t nids, next, slice_start;
	struct gcr_run_status *statuses;
	bool *seen;
	enum refresh_phase phase;
	bool sacct_asked;               /* the ASK_SACCT phase ran a command */
	bool accounting;                /* sacct answered from Slurm's accounting */
	char sacct_error[256];          /* sacct failed: why ("" = it did not) */
	/* logs */
	long long offset;
	bool job_final;
	char token[64];
	/* results */
	char location[PATH_MAX + 200];
};

static void op_free(const struct gcr_error *err, void *data)
{
	struct op *o = data;

	(void)err;
	for (size_t i = 0; i < o->nids; i++)
		free(o->ids[i]);
	free(o->ids);
	free(o->statuses);
	free(o->seen);
	free(o);
}

static void op_end(struct op *o)
{
	if (o->t)
		gcr_transport_close(o->t, op_free, o);
	else
		op_free(NULL, o);
}

/* The cluster a call goes to: the one the run was submitted to (the
 * caller's env->cluster_json, else the journal entry of sim_id), so runs
 * stay reachable when the settings later name another cluster; the one
 * configured now only for a run the journal does not know. */
static enum gcr_status cluster_of_run(const struct gcr_backend_env *env, enum gcr_target target,
				      const char *sim_id, struct gcr_cluster_config *c,
				      struct gcr_error *err)
{
	json_t *stored = NULL, *st;
	enum gcr_status status;

	if (env->cluster_json && *env->cluster_json)
		stored = json_loads(env->cluster_json, 0, NULL);
	else if (env->journal && sim_id && (st = gcr_journal_get(env->journal, sim_id)))
		stored = json_incref(json_object_get(st, "cluster"));
	if (!json_is_object(stored)) {
		json_decref(stored);
		return gcr_cluster_config_for_target(env->settings, target, c, err);
	}
	status = gcr_cluster_config_from_json(stored, c, err);
	json_decref(stored);
	return status;
}

static struct op *op_new(struct gcr_backend_env *env, enum gcr_target target, const char *sim_id,
			 void *cb, void *data, struct gcr_error *err)
{
	struct op *o = calloc(1, sizeof *o);

	if (!o)
		abort();
	o->env = *env;
	o->target = target;
	o->cb = cb;
	o->data = data;
	if (cluster_of_run(env, target, sim_id, &o->cluster, err) != GCR_OK ||
	    gcr_cluster_transport_new(env->loop, &o->cluster, env->aws, &o->t, err) != GCR_OK) {
		o->t = NULL;
		op_end(o);
		return NULL;
	}
	gcr_cluster_run_root(&o->cluster, o->run_root, sizeof o->run_root);
	return o;
}

/* The run directory of a simulation: the journal's, else run_root/SIM. */
static void run_dir_of(const struct op *o, const char *sim, char *out, size_t size)
{
	json_t *st = o->env.journal && sim ? gcr_journal_get(o->env.journal, sim) : NULL;
	const char *dir = json_string_value(json_object_get(st, "run_dir"));

	if (dir)
		gcr_slurm_fmt(out, size, "%s", dir);
	else
		gcr_slurm_fmt(out, size, "%s/%s", o->run_root, sim ? sim : "");
}

/* ---- submit and reconcile ------------------------------------------------------------------ */

static void cluster_submit(struct gcr_backend_env *env, const struct gcr_submit_request *req,
			   gcr_backend_submit_cb cb, void *data)
{
	gcr_cluster_submit_start(env, req, NULL, gcr_submit_outcome_to_backend,
	                         gcr_submit_backend_adapter(cb, data));
}

static void slurm_submit(struct gcr_backend_env *env, const struct gcr_submit_request *req,
			 gcr_backend_submit_cb cb, void *data)
{
	struct gcr_submit_request r = *req;

	if (r.spec.target == GCR_TARGET_NONE)
		r.spec.target = GCR_TARGET_SLURM;
	cluster_submit(env, &r, cb, data);
}

static void pcluster_submit(struct gcr_backend_env *env, const struct gcr_submit_request *req,
			    gcr_backend_submit_cb cb, void *data)
{
	struct gcr_submit_request r = *req;

	if (r.spec.target == GCR_TARGET_NONE)
		r.spec.target = GCR_TARGET_PCLUSTER;
	cluster_submit(env, &r, cb, data);
}

static void cluster_reconcile(struct gcr_backend_env *env, const char *sim_id,
			      gcr_backend_submit_cb cb, void *data)
{
	gcr_cluster_submit_reconcile(env, sim_id, NULL, gcr_submit_outcome_to_backend,
	                             gcr_submit_backend_adapter(cb, data));
}

/* ---- refresh -------------------------------------------------------------------------------- */

static void fill_status(struct op *o, const struct gcr_slurm_job *j, struct gcr_run_status *st)
{
	json_t *js = o->env.journal ? gcr_journal_get(o->env.journal, j->name) : NULL;
	const char *out = json_string_value(json_object_get(js, "output_path"));
	char dir[PATH_MAX];

	gcr_slurm_fmt(st->job_id, sizeof st->job_id, "%s", j->id);
	st->state = gcr_slurm_run_state(j->state);
	gcr_slurm_fmt(st->native_state, sizeof st->native_state, "%s",
		 *j->state_raw ? j->state_raw : gcr_slurm_state_name(j->state));
	gcr_slurm_fmt(st->reason, sizeof st->reason, "%s",
		 strcmp(j->reason, "None") == 0 ? "" : j->reason);
	gcr_slurm_fmt(st->explanation, sizeof st->explanation, "%s",
		 gcr_slurm_explain(j->state, j->reason, o->target == GCR_TARGET_PCLUSTER));
	st->started_ms = (int64_t)j->start * 1000;
	st->stopped_ms = (int64_t)j->end * 1000;
	/* Killed by a signal (exit 0:9): 128 + signal, as a shell (and Batch)
	 * would report it, so the run does not look like it exited 0. */
	st->exit_code = j->exit_code == 0 && j->exit_signal > 0 ? 128 + j->exit_signal : j->exit_code;
	if (out && strstr(out, j->id)) {
		gcr_slurm_fmt(st->output_path, sizeof st->output_path, "%s", out);
	} else {
		run_dir_of(o, j->name, dir, sizeof dir);
		gcr_slurm_fmt(st->output_path, sizeof st->output_path, "%s/gcrunner-%s.log", dir, j->id);
	}
	/* Callers that key a job's log on log_stream (Batch's word) find the
	 * output file there too. */
	gcr_slurm_fmt(st->log_stream, sizeof st->log_stream, "%s", st->output_path);
}

static void refresh_next(struct op *o);

static void refresh_done(struct op *o, const struct gcr_error *err)
{
	gcr_backend_status_cb cb = (gcr_backend_status_cb)o->cb;

	for (size_t i = 0; !err && i < o->nids; i++) {
		if (o->seen[i])
			continue;
		gcr_slurm_fmt(o->statuses[i].job_id, sizeof o->statuses[i].job_id, "%s", o->ids[i]);
		o->statuses[i].state = GCR_RUN_UNKNOWN;
		o->statuses[i].exit_code = -1;
		gcr_slurm_fmt(o->statuses[i].native_state, sizeof o->statuses[i].native_state, "%s",
			 "UNKNOWN");
		if (*o->sacct_error)
			gcr_slurm_fmt(o->statuses[i].explanation, sizeof o->statuses[i].explanation,
				      _("squeue no longer lists this job and Slurm's accounting did not "
					"answer (%s); asked again at the next refresh"), o->sacct_error);
		else if (o->accounting)
			gcr_slurm_fmt(o->statuses[i].explanation, sizeof o->statuses[i].explanation, "%s",
				      _("neither squeue nor Slurm's accounting knows this job any more "
					"(accounting records may have been purged); its output file may "
					"still be there"));
		else
			gcr_slurm_fmt(o->statuses[i].explanation, sizeof o->statuses[i].explanation, "%s",
				      gcr_slurm_explain(GCR_SLURM_UNKNOWN, NULL, false));
	}
	cb(err ? err->code : GCR_OK, err, err ? NULL : o->statuses, err ? 0 : o->nids, o->data);
	op_end(o);
}

static void on_jobs(struct gcr_slurm_job_list *jobs, const struct gcr_error *err, void *data)
{
	struct op *o = data;

	if (o->phase == ASK_USAGE) {
		/* Usage is a bonus: without it (accounting off or behind, sacct
		 * failing) the statuses stand as they are. */
		for (size_t k = 0; jobs && (!err || err->code == GCR_OK) && k < jobs->count; k++)
			for (size_t i = o->slice_start; i < o->next; i++)
				if (o->seen[i] && strcmp(o->ids[i], jobs->jobs[k].id) == 0) {
					o->statuses[i].max_rss_bytes = jobs->jobs[k].max_rss_bytes;
					o->statuses[i].cpu_efficiency = jobs->jobs[k].cpu_efficiency;
				}
		gcr_slurm_job_list_free(jobs);
		refresh_next(o);
		return;
	}
	if (err && err->code != GCR_OK && o->phase == ASK_SACCT) {
		/* What squeue said stands; only the jobs it did not list stay
		 * unknown, with sacct's trouble said (slurmdbd down, say). */
		gcr_slurm_fmt(o->sacct_error, sizeof o->sacct_error, "%s", err->message);
		gcr_slurm_job_list_free(jobs);
		refresh_done(o, NULL);
		return;
	}
	if (err && err->code != GCR_OK) {
		struct gcr_error e = *err;
		gcr_slurm_job_list_free(jobs);
		refresh_done(o, &e);
		return;
	}
	if (jobs && jobs->accounting)
		o->accounting = true;
	/* Only the slice just asked for can answer (ids per call, not all n). */
	for (size_t k = 0; jobs && k < jobs->count; k++)
		for (size_t i = o->slice_start; i < o->next; i++)
			if (!o->seen[i] && strcmp(o->ids[i], jobs->jobs[k].id) == 0) {
				fill_status(o, &jobs->jobs[k], &o->statuses[i]);
				o->seen[i] = true;
			}
	gcr_slurm_job_list_free(jobs);
	refresh_next(o);
}

/* Whether the phase asks about id i: squeue all, sacct those squeue did not
 * know, usage those seen ended. */
static bool refresh_wants(const struct op *o, size_t i)
{
	switch (o->phase) {
	case ASK_SQUEUE:
		return true;
	case ASK_SACCT:
		return !o->seen[i];
	case ASK_USAGE:
		break;
	}
	return o->seen[i] && gcr_run_state_is_final(o->statuses[i].state);
}

/* squeue for every id in slices, then sacct for the ids squeue did not know,
 * then sacct for the usage of those that ended (when accounting can). */
static void refresh_next(struct op *o)
{
	const char *slice[IDS_PER_CALL];
	struct gcr_error err;
	size_t n = 0;
	enum gcr_status st;

	o->slice_start = o->next;
	while (o->next < o->nids && n < IDS_PER_CALL) {
		if (refresh_wants(o, o->next))
			slice[n++] = o->ids[o->next];
		o->next++;
	}
	if (n == 0) {
		/* This phase is done.  Usage only where sacct can answer: not
		 * when it said accounting is off (a sacct that failed has ended
		 * the refresh already). */
		if (o->phase == ASK_USAGE ||
		    (o->phase == ASK_SACCT && o->sacct_asked && !o->accounting)) {
			refresh_done(o, NULL);
			return;
		}
		o->phase++;
		o->next = 0;
		refresh_next(o);
		return;
	}
	switch (o->phase) {
	case ASK_SQUEUE:
		st = gcr_slurm_squeue(o->t, slice, n, on_jobs, o, &err);
		break;
	case ASK_SACCT:
		o->sacct_asked = true;
		st = gcr_slurm_sacct(o->t, slice, n, on_jobs, o, &err);
		break;
	default:
		st = gcr_slurm_sacct_usage(o->t, slice, n, on_jobs, o, &err);
		break;
	}
	/* Usage is a bonus: a usage call that cannot start ends the refresh
	 * with what the states said. */
	if (st != GCR_OK)
		refresh_done(o, o->phase == ASK_USAGE ? NULL : &err);
}

static void refresh(enum gcr_target target, struct gcr_backend_env *env,
		    const char *const *job_ids, size_t n, gcr_backend_status_cb cb, void *data)
{
	struct gcr_error err;
	struct op *o = op_new(env, target, NULL, (void *)cb, data, &err);

	if (!o) {
		cb(err.code, &err, NULL, 0, data);
		return;
	}
	o->ids = calloc(n + 1, sizeof *o->ids);
	o->statuses = calloc(n + 1, sizeof *o->statuses);
	o->seen = calloc(n + 1, sizeof *o->seen);
	if (!o->ids || !o->statuses || !o->seen)
		abort();
	for (size_t i = 0; i < n; i++) {
		o->ids[i] = strdup(job_ids[i] ? job_ids[i] : "");
		o->statuses[i].exit_code = -1;
	}
	o->nids = n;
	refresh_next(o);
}

static void slurm_refresh(struct gcr_backend_env *env, const char *const *ids, size_t n,
			  gcr_backend_status_cb cb, void *data)
{
	refresh(GCR_TARGET_SLURM, env, ids, n, cb, data);
}

static void pcluster_refresh(struct gcr_backend_env *env, const char *const *ids, size_t n,
			     gcr_backend_status_cb cb, void *data)
{
	refresh(GCR_TARGET_PCLUSTER, env, ids, n, cb, data);
}

/* ---- cancel ----------------------------------------------------------------------------------- */

static void on_cancelled(const struct gcr_error *err, void *data)
{
	struct op *o = data;
	gcr_backend_done_cb cb = (gcr_backend_done_cb)o->cb;

	cb(err && err->code != GCR_OK ? err->code : GCR_OK,
	   err && err->code != GCR_OK ? err : NULL, o->data);
	op_end(o);
}

static void cancel(enum gcr_target target, struct gcr_backend_env *env, const char *sim_id,
		   const char *job_id, const char *reason, gcr_backend_done_cb cb, void *data)
{
	struct gcr_error err;
	struct op *o;

	if (env->journal && sim_id && gcr_journal_get(env->journal, sim_id)) {
		json_t *f = json_pack("{s:s}", "cancel_reason", reason ? reason : "");
		enum gcr_status st = gcr_journal_append(env->journal, sim_id, "cancel_requested", f,
							 &err);
		json_decref(f);
		if (st != GCR_OK) {
			cb(err.code, &err, data);
			return;
		}
	}
	o = op_new(env, target, sim_id, (void *)cb, data, &err);
	if (!o) {
		cb(err.code, &err, data);
		return;
	}
	if (gcr_slurm_cancel(o->t, job_id, on_cancelled, o, &err) != GCR_OK) {
		cb(err.code, &err, data);
		op_end(o);
	}
}

static void slurm_cancel(struct gcr_backend_env *env, const char *sim, const char *job,
			 const char *reason, gcr_backend_done_cb cb, void *data)
{
	cancel(GCR_TARGET_SLURM, env, sim, job, reason, cb, data);
}

static void pcluster_cancel(struct gcr_backend_env *env, const char *sim, const char *job,
			    const char *reason, gcr_backend_done_cb cb, void *data)
{
	cancel(GCR_TARGET_PCLUSTER, env, sim, job, reason, cb, data);
}

/* ---- logs ---------------------------------------------------------------------------------- */

/* A line of the output file as a JSON string: bytes that are not UTF-8
 * (a program's binary noise) become '?', so no line is lost. */
static json_t *text_line(const char *bytes, size_t len)
{
	json_t *j = json_stringn(bytes, len);
	char *copy;

	if (j)
		return j;
	copy = malloc(len + 1);
	if (!copy)
		abort();
	for (size_t i = 0; i < len; i++)
		copy[i] = (unsigned char)bytes[i] < 0x80 && bytes[i] ? bytes[i] : '?';
	j = json_stringn(copy, len);
	free(copy);
	return j ? j : json_string("");
}

static void on_output(const char *bytes, size_t len, long long offset, bool restarted,
		      const struct gcr_error *err, void *data)
{
	struct op *o = data;
	gcr_backend_logs_cb cb = (gcr_backend_logs_cb)o->cb;
	struct gcr_log_page page;
	size_t start = 0, keep = len;

	memset(&page, 0, sizeof page);
	if (err && err->code != GCR_OK && err->code != GCR_ERR_NOT_FOUND) {
		cb(err->code, err, NULL, o->data);
		op_end(o);
		return;
	}
	page.lines = json_array();
	if (err && err->code == GCR_ERR_NOT_FOUND) {
		/* No output file yet: the job has not started. */
		gcr_slurm_fmt(page.next, sizeof page.next, "%s", o->token);
		cb(GCR_OK, NULL, &page, o->data);
		json_decref(page.lines);
		op_end(o);
		return;
	}
	(void)restarted;
	/* Whole lines only while the job runs: a line being written is read
	 * again next time, from its start. */
	if (!o->job_final && len > 0 && bytes[len - 1] != '\n') {
		const char *nl = memrchr(bytes, '\n', len);
		keep = nl ? (size_t)(nl - bytes) + 1 : (len >= 64 * 1024 ? len : 0);
	}
	for (size_t i = 0; i < keep; i++) {
		if (bytes[i] == '\n' || i + 1 == keep) {
			size_t end = bytes[i] == '\n' ? i : i + 1;
			json_array_append_new(page.lines,
					      json_pack("{s:I, s:o}", "t", (json_int_t)0, "m",
							text_line(bytes + start, end - start)));
			start = i + 1;
		}
	}
	gcr_slurm_fmt(page.next, sizeof page.next, "%lld", offset - (long long)(len - keep));
	cb(GCR_OK, NULL, &page, o->data);
	json_decref(page.lines);
	op_end(o);
}

static void logs(enum gcr_target target, struct gcr_backend_env *env,
		 const struct gcr_run_status *job, const char *token, gcr_backend_logs_cb cb,
		 void *data)
{
	struct gcr_error err;
	struct op *o;
	char *end;
	const char *path;
	long long offset = 0;

	if (token && *token) {
		offset = strtoll(token, &end, 10);
		if (*end || offset < 0) {
			gcr_error_set(&err, GCR_ERR_INVALID,
				      _("'%s' is not a log position (a byte offset)"), token);
			cb(err.code, &err, NULL, data);
			return;
		}
	}
	path = job && *job->output_path ? job->output_path : job ? job->log_stream : "";
	if (!*path) {
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("the job's output file is not known"));
		cb(err.code, &err, NULL, data);
		return;
	}
	o = op_new(env, target, NULL, (void *)cb, data, &err);
	if (!o) {
		cb(err.code, &err, NULL, data);
		return;
	}
	o->offset = offset;
	o->job_final = gcr_run_state_is_final(job->state);
	gcr_slurm_fmt(o->token, sizeof o->token, "%lld", offset);
	if (gcr_slurm_read_output(o->t, path, offset, 0, on_output, o, &err) != GCR_OK) {
		cb(err.code, &err, NULL, data);
		op_end(o);
	}
}

static void slurm_logs(struct gcr_backend_env *env, const struct gcr_run_status *job,
		       const char *token, gcr_backend_logs_cb cb, void *data)
{
	logs(GCR_TARGET_SLURM, env, job, token, cb, data);
}

static void pcluster_logs(struct gcr_backend_env *env, const struct gcr_run_status *job,
			  const char *token, gcr_backend_logs_cb cb, void *data)
{
	logs(GCR_TARGET_PCLUSTER, env, job, token, cb, data);
}

/* ---- results ------------------------------------------------------------------------------ */

static void on_listing(const struct gcr_run_result *r, const struct gcr_error *err, void *data)
{
	struct op *o = data;
	gcr_backend_results_cb cb = (gcr_backend_results_cb)o->cb;
	struct gcr_result_file *files = NULL;
	size_t n = 0, cap = 0;
	const char *line;

	if (err && err->code != GCR_OK) {
		cb(err->code, err, NULL, 0, o->location, o->data);
		op_end(o);
		return;
	}
	/* "SIZE<TAB>PATH" per file; find exits 1 when Restarts/ is missing. */
	for (line = r->out; line && *line;) {
		const char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (tab && tab < line + len) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				files = realloc(files, cap * sizeof *files);
				if (!files)
					abort();
			}
			files[n].size = strtoull(line, NULL, 10);
			gcr_slurm_fmt(files[n].key, sizeof files[n].key, "%.*s",
				 (int)(line + len - tab - 1), tab + 1);
			n++;
		}
		line = nl ? nl + 1 : line + len;
	}
	if (n == 0 && r->exit_status != 0 && r->err_len > 0) {
		struct gcr_error e;
		char msg[512];
		gcr_last_line(r->err, r->err_len, msg, sizeof msg);
		gcr_error_set(&e, GCR_ERR_NOT_FOUND, _("no results in %s: %s"), o->location, msg);
		cb(e.code, &e, NULL, 0, o->location, o->data);
	} else {
		cb(GCR_OK, NULL, files, n, o->location, o->data);
	}
	free(files);
	op_end(o);
}

static void results(enum gcr_target target, struct gcr_backend_env *env, const char *sim_id,
		    const char *job_id, gcr_backend_results_cb cb, void *data)
{
	static const char *const find_args[] = {
		"find", ".", "-type", "f", "(", "-path", "*/OutputDir/*", "-o", "-path",
		"*/Restarts/*", "-o", "-name", "*.log", ")",
		"-printf", "%s\t%P\n", NULL,
	};
	struct gcr_error err;
	struct gcr_run_request req = { .argv = find_args, .timeout_ms = 120000 };
	char dir[PATH_MAX];
	struct op *o;

	(void)job_id;
	o = op_new(env, target, sim_id, (void *)cb, data, &err);
	if (!o) {
		cb(err.code, &err, NULL, 0, NULL, data);
		return;
	}
	run_dir_of(o, sim_id, dir, sizeof dir);
	gcr_slurm_fmt(o->location, sizeof o->location, "%s:%s", gcr_transport_describe(o->t), dir);
	req.cwd = dir;
	if (gcr_transport_run(o->t, &req, on_listing, o, NULL, &err) != GCR_OK) {
		cb(err.code, &err, NULL, 0, o->location, data);
		op_end(o);
	}
}

static void slurm_results(struct gcr_backend_env *env, const char *sim, const char *job,
			  gcr_backend_results_cb cb, void *data)
{
	results(GCR_TARGET_SLURM, env, sim, job, cb, data);
}

static void pcluster_results(struct gcr_backend_env *env, const char *sim, const char *job,
			     gcr_backend_results_cb cb, void *data)
{
	results(GCR_TARGET_PCLUSTER, env, sim, job, cb, data);
}

const struct gcr_backend_ops gcr_backend_slurm = {
	.name = "slurm",
	.submit = slurm_submit,
	.reconcile = cluster_reconcile,
	.refresh = slurm_refresh,
	.cancel = slurm_cancel,
	.logs = slurm_logs,
	.results = slurm_results,
};

const struct gcr_backend_ops gcr_backend_pcluster = {
	.name = "pcluster",
	.submit = pcluster_submit,
	.reconcile = cluster_reconcile,
	.refresh = pcluster_refresh,
	.cancel = pcluster_cancel,
	.logs = pcluster_logs,
	.results = pcluster_results,
};
