/* actions.c: what the dashboard and the command line do to one run --
 * cancel (through the run's backend, journaled first), list its result
 * files, download them (each file to "<name>.part", renamed when complete,
 * so a cut download never looks finished), and give back its spec for a
 * resubmission. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/s3.h"
#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "runs/runs_internal.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

/* Finds the run and its backend, or says why not through err. */
static struct run_entry *target_of(struct gcr_runs *runs, const char *sim_id,
				   const struct gcr_backend_ops **ops, struct gcr_error *err)
{
	bool ambiguous;
	struct run_entry *e = runs_entry_find(runs, sim_id, &ambiguous);

	if (!e) {
		gcr_error_set(err, GCR_ERR_NOT_FOUND,
			      ambiguous ? _("'%s' matches more than one run; give more of the id")
					: _("no run '%s' (ids look like gcr-20261127T210000Z-1a2b3c4d, "
					    "or give a job id or a unique prefix; gcrunner jobs lists "
					    "them)"), sim_id);
		return NULL;
	}
	*ops = gcr_backend_for(e->target);
	if (!*ops) {
		gcr_error_set(err, GCR_ERR_NOT_FOUND,
			      _("gcrunner cannot reach jobs of target %s yet"), gcr_target_id(e->target));
		return NULL;
	}
	if (!runs->env.aws && e->target != GCR_TARGET_SLURM) {
		gcr_error_set(err, GCR_ERR_AUTH, _("no AWS client: check the AWS configuration "
						   "(gcrunner whoami)"));
		return NULL;
	}
	return e;
}

/* ---- cancel ------------------------------------------------------------------------- */

struct cancel_call {
	struct gcr_runs *runs;
	gcr_backend_done_cb done;
	void *data;
};

static void on_cancelled(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct cancel_call *c = data;
	struct gcr_runs *runs = c->runs;
	bool alive;

	alive = runs_unref(runs);
	c->done(st, err, c->data);
	free(c);
	if (alive && st == GCR_OK)
		gcr_runs_refresh_now(runs);   /* show the new state soon */
}

void gcr_runs_cancel(struct gcr_runs *runs, const char *sim_id, const char *reason,
		     gcr_backend_done_cb done, void *data)
{
	const struct gcr_backend_ops *ops = NULL;
	struct gcr_error err = { 0 };
	struct run_entry *e = target_of(runs, sim_id, &ops, &err);
	struct cancel_call *c;
	struct gcr_backend_env env;

	if (e && !e->job_id)
		gcr_error_set(&err, GCR_ERR_INVALID,
			      _("%s has no job yet (its submission was interrupted); gcrunner submit "
				"--reconcile settles it"), e->sim_id);
	else if (e && gcr_run_state_is_final(e->state))
		gcr_error_set(&err, GCR_ERR_INVALID, _("%s has ended already (%s); nothing to cancel"),
			      e->sim_id, gcr_run_state_label(e->state));
	else if (e && !ops->cancel)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("this backend cannot cancel jobs"));
	if (err.code != GCR_OK) {
		done(err.code, &err, data);
		return;
	}
	/* Every backend journals "cancel_requested" itself before it acts. */
	runs_set_shared(runs, &e->explanation,
			_("cancel requested; waiting for the service to stop the job"));
	c = xcalloc(1, sizeof *c);
	c->runs = runs;
	c->done = done;
	c->data = data;
	runs_ref(runs);
	env = runs_env_for(runs, e);
	ops->cancel(&env, e->sim_id, e->job_id, reason, on_cancelled, c);
}

/* ---- results ------------------------------------------------------------------------- */

struct results_call {
	struct gcr_runs *runs;
	gcr_backend_results_cb done;
	void *data;
};

static void on_results(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_result_file *files, size_t n, const char *location,
		       void *data)
{
	struct results_call *c = data;

	runs_unref(c->runs);
	c->done(st, err, files, n, location, c->data);
	free(c);
}

void gcr_runs_results(struct gcr_runs *runs, const char *sim_id, gcr_backend_results_cb done,
		      void *data)
{
	const struct gcr_backend_ops *ops = NULL;
	struct gcr_error err = { 0 };
	struct run_entry *e = target_of(runs, sim_id, &ops, &err);
	struct results_call *c;
	struct gcr_backend_env env;

	if (e && !e->job_id)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("%s has no job, so no results"), e->sim_id);
	else if (e && !ops->results)
		gcr_error_set(&err, GCR_ERR_NOT_FOUND, _("this backend cannot list results"));
	if (err.code != GCR_OK) {
		done(err.code, &err, NULL, 0, NULL, data);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->runs = runs;
	c->done = done;
	c->data = data;
	runs_ref(runs);
	env = runs_env_for(runs, e);
	ops->results(&env, e->sim_id, e->job_id, on_results, c);
}

/* ---- download ------------------------------------------------------------------------ */

struct download {
	struct gcr_runs *runs;
	char *dir;
	char bucket[256];
	char prefix[1024];
	struct gcr_result_file *files;
	size_t n, next;
	uint64_t total, done_bytes, current;
	char what[256];
	gcr_backend_progress_cb progress;
	gcr_backend_done_cb done;
	void *data;
};

static void download_next(struct download *d);

static void download_finish(struct download *d, enum gcr_status st, const struct gcr_error *err)
{
	struct gcr_runs *runs = d->runs;

	runs_unref(runs);
	d->done(st, st == GCR_OK ? NULL : err, d->data);
	free(d->files);
	free(d->dir);
	free(d);
}

/* Result keys come from the bucket: refuse any that would leave dir. */
static bool key_safe(const char *key)
{
	const char *p = key;

	if (!*key || *key == '/')
		return false;
	while (p && *p) {
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return true;
}

static void on_file_progress(uint64_t done, uint64_t total, void *data)
{
	struct download *d = data;

	(void)total;
	d->current = done;
	if (d->progress)
		d->progress(d->what, d->done_bytes + done, d->total, d->data);
}

static void on_file(enum gcr_status st, const struct gcr_error *err, uint64_t bytes, void *data)
{
	struct download *d = data;

	(void)bytes;
	if (st != GCR_OK) {
		download_finish(d, st, err);
		return;
	}
	d->done_bytes += d->files[d->next].size;
	d->next++;
	download_next(d);
}

static void download_next(struct download *d)
{
	struct gcr_error err = { 0 };
	char *dest, *key, *slash;

	if (d->runs->dead) {
		gcr_error_set(&err, GCR_ERR_CANCELLED, _("cancelled"));
		download_finish(d, err.code, &err);
		return;
	}
	if (d->next >= d->n) {
		if (d->progress)
			d->progress(_("downloaded"), d->total, d->total, d->data);
		download_finish(d, GCR_OK, NULL);
		return;
	}
	if (!key_safe(d->files[d->next].key)) {
		gcr_error_set(&err, GCR_ERR_INVALID, _("refusing result file name '%s'"),
			      d->files[d->next].key);
		download_finish(d, err.code, &err);
		return;
	}
	dest = gcr_strdup_printf("%s/%s", d->dir, d->files[d->next].key);
	slash = strrchr(dest, '/');
	*slash = '\0';
	if (gcr_mkdir_p(dest, 0755, &err) != GCR_OK) {
		free(dest);
		download_finish(d, err.code, &err);
		return;
	}
	*slash = '/';
	snprintf(d->what, sizeof d->what, _("file %zu of %zu: %s"), d->next + 1, d->n,
		 d->files[d->next].key);
	key = gcr_strdup_printf("%s%s", d->prefix, d->files[d->next].key);
	d->current = 0;
	if (d->progress)
		d->progress(d->what, d->done_bytes, d->total, d->data);
	gcr_s3_get_object(d->runs->env.aws, d->bucket, key, dest, on_file_progress, d, on_file, d);
	free(key);
	free(dest);
}

static void on_listed_for_download(enum gcr_status st, const struct gcr_error *err,
				   const struct gcr_result_file *files, size_t n,
				   const char *location, void *data)
{
	struct download *d = data;
	struct gcr_error e = { 0 };
	const char *rest;
	size_t blen;

	if (st != GCR_OK) {
		download_finish(d, st, err);
		return;
	}
	if (!location || strncmp(location, "s3://", 5) != 0) {
		gcr_error_set(&e, GCR_ERR_NOT_FOUND,
			      _("the results are not in S3 (%s); copy them from the cluster"),
			      location ? location : "?");
		download_finish(d, e.code, &e);
		return;
	}
	rest = location + 5;
	blen = strcspn(rest, "/");
	snprintf(d->bucket, sizeof d->bucket, "%.*s", (int)blen, rest);
	snprintf(d->prefix, sizeof d->prefix, "%s", rest[blen] ? rest + blen + 1 : "");
	d->files = xcalloc(n + 1, sizeof *d->files);
	memcpy(d->files, files, n * sizeof *files);
	d->n = n;
	for (size_t i = 0; i < n; i++)
		d->total += files[i].size;
	if (gcr_mkdir_p(d->dir, 0755, &e) != GCR_OK) {
		download_finish(d, e.code, &e);
		return;
	}
	download_next(d);
}

void gcr_runs_download(struct gcr_runs *runs, const char *sim_id, const char *dir,
		       gcr_backend_progress_cb progress, gcr_backend_done_cb done, void *data)
{
	struct download *d = xcalloc(1, sizeof *d);

	d->runs = runs;
	d->dir = strdup(dir && *dir ? dir : ".");
	d->progress = progress;
	d->done = done;
	d->data = data;
	runs_ref(runs);
	gcr_runs_results(runs, sim_id, on_listed_for_download, d);
}

/* ---- the spec, for resubmitting ----------------------------------------------------- */

bool gcr_runs_spec(const struct gcr_runs *runs, const char *sim_id, struct gcr_spec *out)
{
	struct run_entry *e = runs_entry_find(runs, sim_id, NULL);
	json_t *st = e && runs->env.journal ? gcr_journal_get(runs->env.journal, e->sim_id) : NULL;
	const char *yaml = json_string_value(json_object_get(st, "spec_yaml"));
	char *dir, *path;
	struct gcr_error err = { 0 };
	bool ok = false;
	int fd;

	if (!st)
		return false;
	if (!yaml || !*yaml) {
		/* Older entries: the journal's summary of the choices. */
		runs_spec_from_journal(st, out);
		return out->model != GCR_MODEL_NONE;
	}
	/* gcr_spec_load reads files: the YAML goes through a private one. */
	dir = gcr_dir(GCR_DIR_STATE);
	if (!dir || gcr_mkdir_p(dir, 0700, &err) != GCR_OK) {
		free(dir);
		return false;
	}
	path = gcr_strdup_printf("%s/resubmit-XXXXXX", dir);
	free(dir);
	fd = mkstemp(path);
	if (fd >= 0) {
		size_t len = strlen(yaml);
		ok = write(fd, yaml, len) == (ssize_t)len;
		close(fd);
		if (ok) {
			gcr_spec_init(out);
			ok = gcr_spec_load(out, path, &err) == GCR_OK;
		}
		unlink(path);
	}
	free(path);
	return ok;
}
