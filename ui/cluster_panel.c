/* cluster_panel.c: the dashboard's ParallelCluster line (cluster_panel.h):
 * the watcher's answers kept as a struct cluster_view, its words, and the
 * deletion asked for with D. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "settings.h"
#include "ui/app.h"
#include "ui/cluster_panel.h"
#include "ui/draw.h"
#include "ui/live_prices.h"
#include "ui/screen_dashboard.h"
#include "ui/session.h"
#include "ui/text.h"

struct delete_call;

struct cluster_panel {
	struct dashboard *d;              /* borrowed */
	struct ui_session *session;       /* borrowed */
	struct gcr_backend_env *env;      /* the session's */
	/* The configuration file as last read (F5 reads it again, so a
	 * cluster `gcrunner cluster create` saved meanwhile shows); NULL: the
	 * session's settings. */
	struct gcr_settings *disk;
	struct gcr_pcluster_client client;
	struct gcr_pcluster_watch *watch;
	struct cluster_view view;
	double every_s;
	bool started;
	bool stopped;                     /* cluster_panel_stop was called */
	struct delete_call *deleting;     /* a DeleteCluster in flight */
	/* The runs on it are counted in the thread pool (the journal may hold
	 * 10,000 runs), again only when the journal file changed. */
	struct gcr_pcluster_count *counting;
	bool counted, ask_after_count;
	off_t journal_size;
	time_t journal_mtime;
};

static void ask_delete(struct cluster_panel *p);

/* ---- words ------------------------------------------------------------------------------ */

static void format_since(const struct cluster_view *v, time_t now, char *buf, size_t len)
{
	char d[32];

	if (v->since <= 0) {
		buf[0] = '\0';
		return;
	}
	dash_format_duration(now > v->since ? (int64_t)(now - v->since) : 0, d, sizeof d);
	snprintf(buf, len, _(", %s so far"), d);
}

static void format_idle(const struct cluster_view *v, int cols, char *buf, size_t len)
{
	const struct gcr_pcluster_cost *c = &v->cost;

	if (c->total_hour < 0) {
		snprintf(buf, len, "%s", _("Idle: its head node costs money while it runs. "
					    "Press D to delete it."));
		return;
	}
	snprintf(buf, len, c->fsx_hour > 0
		 ? _("Idle: costs about $%.2f/h while it runs (head node + FSx, compute nodes "
		     "scale to 0). Press D to delete it.")
		 : _("Idle: costs about $%.2f/h while it runs (head node, compute nodes scale "
		     "to 0). Press D to delete it."), c->total_hour);
	if (ui_text_width(buf) > cols)
		snprintf(buf, len, _("Idle: about $%.2f/h while it runs. Press D to delete it."),
			 c->total_hour);
}

/* CREATE_FAILED -> "creation failed", ...; NULL for a status not failed. */
static const char *failed_words(const char *status)
{
	if (!strstr(status, "FAILED"))
		return NULL;
	if (strncmp(status, "CREATE", 6) == 0)
		return _("creation failed");
	if (strncmp(status, "DELETE", 6) == 0)
		return _("deletion failed");
	if (strncmp(status, "UPDATE", 6) == 0)
		return _("update failed");
	return status;
}

int cluster_view_format(const struct cluster_view *v, time_t now, int cols,
			char *line1, size_t size1, enum ui_role *role1,
			char *line2, size_t size2, enum ui_role *role2)
{
	const char *st = v->info.status, *failed = failed_words(st);
	char since[64], retry[32];

	line2[0] = '\0';
	*role1 = UI_ROLE_NORMAL;
	*role2 = UI_ROLE_HINT;
	switch (v->kind) {
	case CLUSTER_VIEW_ASKING:
		snprintf(line1, size1, _("Cluster %s: asking ParallelCluster..."), v->name);
		*role1 = UI_ROLE_HINT;
		return 1;
	case CLUSTER_VIEW_ERROR:
		dash_format_duration((int64_t)(v->retry_s + 0.5), retry, sizeof retry);
		snprintf(line1, size1, _("Cluster %s: ParallelCluster did not answer, trying again "
					 "every %s: %s"), v->name, retry, v->error);
		*role1 = UI_ROLE_WARNING;
		return 1;
	case CLUSTER_VIEW_NOT_FOUND:
		snprintf(line1, size1, v->deleted_by_us ? _("Cluster %s: deleted.")
			 : _("Cluster %s: does not exist (any more)."), v->name);
		*role1 = UI_ROLE_HINT;
		return 1;
	case CLUSTER_VIEW_INFO:
		break;
	}
	format_since(v, now, since, sizeof since);
	if (strcmp(st, "CREATE_IN_PROGRESS") == 0) {
		snprintf(line1, size1, _("Cluster %s: creating...%s (it takes 15 to 30 minutes)"),
			 v->name, since);
		return 1;
	}
	if (strcmp(st, "DELETE_IN_PROGRESS") == 0) {
		snprintf(line1, size1, _("Cluster %s: deleting...%s"), v->name, since);
		return 1;
	}
	if (strcmp(st, "UPDATE_IN_PROGRESS") == 0) {
		snprintf(line1, size1, _("Cluster %s: updating...%s"), v->name, since);
		return 1;
	}
	if (failed) {
		snprintf(line1, size1, *v->info.failure ? _("Cluster %s: %s: %s") : _("Cluster %s: %s"),
			 v->name, failed, v->info.failure);
		*role1 = UI_ROLE_ERROR;
		snprintf(line2, size2, "%s", _("Press D to delete it (its name stays taken until then)."));
		return 2;
	}
	if (!gcr_pcluster_status_ready(st)) {
		snprintf(line1, size1, _("Cluster %s: %s"), v->name, st);
		return 1;
	}
	if (*v->cost.head_type)
		snprintf(line1, size1, _("Cluster %s: ready, head node %s"), v->name, v->cost.head_type);
	else
		snprintf(line1, size1, _("Cluster %s: ready"), v->name);
	*role1 = UI_ROLE_GOOD;
	if (!v->active_known)
		return 1;
	if (v->active > 0) {
		snprintf(line2, size2, P_("%zu gcrunner run on it has not ended: deleting the cluster "
					  "would stop it.",
					  "%zu gcrunner runs on it have not ended: deleting the cluster "
					  "would stop them.", v->active), v->active);
		*role2 = UI_ROLE_WARNING;
	} else {
		format_idle(v, cols, line2, size2);
	}
	return 2;
}

/* ---- the watcher's answers ----------------------------------------------------------------- */

static struct gcr_settings *settings_of(struct cluster_panel *p)
{
	return p->disk ? p->disk : p->env->settings;
}

static void redraw(struct cluster_panel *p)
{
	struct ui_app *app = dashboard_app(p->d);

	if (app)
		ui_app_request_redraw(app);
}

static void on_counted(enum gcr_status st, size_t active, const char *why, void *data)
{
	struct cluster_panel *p = data;

	p->counting = NULL;
	if (st == GCR_OK) {
		p->view.active = active;
		p->view.active_known = p->counted = true;
	} else {
		gcr_log_debug("cluster line: runs on it not counted: %s", why ? why : "");
	}
	if (p->ask_after_count) {
		p->ask_after_count = false;
		ask_delete(p);
	}
	redraw(p);
}

/* Counts the runs on the cluster unless the journal is as it was at the
 * last count; asks the delete question after when ask_after_count. */
static void count_runs(struct cluster_panel *p)
{
	char *path = gcr_path(GCR_DIR_STATE, "journal.jsonl");
	struct stat st;
	bool ok;

	if (p->counting || !path) {       /* the count in flight asks, when asked */
		free(path);
		return;
	}
	ok = stat(path, &st) == 0;
	if (p->counted && ok && st.st_size == p->journal_size && st.st_mtime == p->journal_mtime) {
		free(path);
		if (p->ask_after_count) {
			p->ask_after_count = false;
			ask_delete(p);
		}
		return;
	}
	p->journal_size = ok ? st.st_size : -1;
	p->journal_mtime = ok ? st.st_mtime : 0;
	p->counting = gcr_pcluster_active_runs_async(p->env->loop, path, p->view.name, on_counted, p);
	free(path);
}

static void on_watch(enum gcr_status st, const struct gcr_error *err,
		     const struct gcr_pcluster_info *info, void *data)
{
	struct cluster_panel *p = data;
	struct cluster_view *v = &p->view;
	time_t now = time(NULL);

	if (st == GCR_OK) {
		bool changed = v->kind != CLUSTER_VIEW_INFO || strcmp(v->info.status, info->status) != 0;
		v->kind = CLUSTER_VIEW_INFO;
		v->info = *info;
		/* How long so far: from its creation time while it is created,
		 * else from when this status was first seen (or the delete sent). */
		if (strcmp(info->status, "CREATE_IN_PROGRESS") == 0 && info->created > 0)
			v->since = info->created;
		else if (changed && !(v->deleted_by_us && strcmp(info->status, "DELETE_IN_PROGRESS") == 0))
			v->since = gcr_pcluster_status_in_progress(info->status) ? now : 0;
		gcr_pcluster_running_cost(p->env->catalog, settings_of(p), info, p->client.region,
					  &v->cost);
		if (gcr_pcluster_status_ready(info->status))
			count_runs(p);
	} else if (st == GCR_ERR_NOT_FOUND) {
		v->kind = CLUSTER_VIEW_NOT_FOUND;
		v->since = 0;
	} else {
		v->kind = CLUSTER_VIEW_ERROR;
		/* The first line of the message: short; messages carry no secrets. */
		snprintf(v->error, sizeof v->error, "%.*s",
			 (int)strcspn(err ? err->message : "", "\n"), err ? err->message : "");
		v->retry_s = gcr_pcluster_watch_interval_s(p->every_s, false);
	}
	redraw(p);
}

/* ---- life ------------------------------------------------------------------------------------- */

struct cluster_panel *cluster_panel_new(struct dashboard *d, struct ui_session *session)
{
	struct cluster_panel *p = calloc(1, sizeof *p);

	if (!p)
		abort();
	p->d = d;
	p->session = session;
	return p;
}

static void stop_watching(struct cluster_panel *p)
{
	gcr_pcluster_watch_stop(p->watch);
	p->watch = NULL;
	p->started = false;
	memset(&p->view, 0, sizeof p->view);
	/* A count was of the cluster before. */
	gcr_pcluster_active_runs_cancel(p->counting);
	p->counting = NULL;
	p->counted = p->ask_after_count = false;
}

/* Reads the configuration file again; watches the cluster it names (a new
 * name restarts the watcher; the same one is asked again now). */
static void configure(struct cluster_panel *p)
{
	struct gcr_error err;
	struct gcr_settings *s;
	char *config = gcr_config_path();
	const char *name;

	gcr_settings_free(p->disk);
	p->disk = NULL;
	if (config && gcr_settings_load(config, &p->disk, &err) != GCR_OK)
		gcr_log_debug("cluster line: %s", err.message);
	free(config);
	p->env = ui_session_env(p->session, false, &err);
	if (!p->env)
		return;
	s = settings_of(p);
	name = gcr_settings_get(s, "pcluster.name");
	if (p->started && name && strcmp(name, p->view.name) == 0) {
		gcr_pcluster_watch_now(p->watch);
		return;
	}
	stop_watching(p);
	/* No cluster, or no credentials to ask with: nothing to show. */
	if (!name || !*name || !ui_aws_credentials_likely())
		return;
	p->env = ui_session_env(p->session, true, &err);
	if (!p->env ||
	    gcr_pcluster_client_init(&p->client, p->env->loop, p->env->aws, s, NULL, &err) != GCR_OK) {
		gcr_log_debug("no cluster line: %s", err.message);
		return;
	}
	snprintf(p->view.name, sizeof p->view.name, "%.*s", (int)sizeof p->view.name - 1, name);
	p->view.kind = CLUSTER_VIEW_ASKING;
	p->every_s = gcr_settings_get_number(s, "pcluster.poll_seconds", 30);
	p->watch = gcr_pcluster_watch_start(&p->client, p->view.name, p->every_s, on_watch, p);
	p->started = true;
}

void cluster_panel_start(struct cluster_panel *p)
{
	if (p && p->session && !p->stopped)
		configure(p);
}

void cluster_panel_refresh(struct cluster_panel *p)
{
	if (p && p->session && !p->stopped) {
		configure(p);
		redraw(p);
	}
}

/* ---- deleting ------------------------------------------------------------------------------------ */

struct delete_call {
	struct cluster_panel *p;          /* NULL once the panel is gone */
	char name[64];
};

/* Nothing more is submitted to its head node: forgotten here and in the
 * file as it is now (the CLI may have saved more since this program read
 * it, which saving our copy would undo). */
static void forget_head(struct cluster_panel *p, const char *name)
{
	struct gcr_settings *disk = NULL;
	struct gcr_error err = { 0 };
	char *config = gcr_config_path();

	gcr_pcluster_forget_head(p->env->settings, NULL, name, &err);
	if (config && gcr_settings_load(config, &disk, &err) == GCR_OK)
		gcr_pcluster_forget_head(disk, config, name, &err);
	if (err.code != GCR_OK)
		gcr_log_debug("cluster head node not forgotten: %s", err.message);
	gcr_settings_free(disk);
	free(config);
}

static void on_deleted(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_pcluster_info *info, void *data)
{
	struct delete_call *c = data;
	struct cluster_panel *p = c->p;

	(void)info;
	if (!p) {
		free(c);
		return;
	}
	p->deleting = NULL;
	if (st == GCR_OK || st == GCR_ERR_NOT_FOUND) {
		p->view.deleted_by_us = true;
		p->view.since = time(NULL);
		dashboard_message(p->d, UI_ROLE_MESSAGE, _("Deleting cluster %s."), c->name);
		forget_head(p, c->name);
		gcr_pcluster_watch_now(p->watch);
	} else {
		dashboard_message(p->d, UI_ROLE_ERROR, _("Could not delete cluster %s: %s"), c->name,
				  err ? err->message : "?");
	}
	free(c);
}

static void delete_answer(void *data, bool yes)
{
	struct cluster_panel *p = data;
	struct delete_call *c;

	if (!yes) {
		dashboard_message(p->d, UI_ROLE_HINT, _("Cluster %s is kept."), p->view.name);
		return;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->p = p;
	snprintf(c->name, sizeof c->name, "%s", p->view.name);
	p->deleting = c;
	dashboard_message(p->d, UI_ROLE_HINT, _("Asking ParallelCluster to delete %s..."), c->name);
	gcr_pcluster_delete(&p->client, c->name, on_deleted, c);
}

void cluster_panel_delete(struct cluster_panel *p)
{
	const struct cluster_view *v;

	if (!p || !dashboard_app(p->d))
		return;
	v = &p->view;
	if (!p->started) {
		dashboard_message(p->d, UI_ROLE_HINT, "%s",
				  _("No ParallelCluster cluster is set up here (pcluster.name)."));
		return;
	}
	if (p->deleting || (v->kind == CLUSTER_VIEW_INFO &&
			    strcmp(v->info.status, "DELETE_IN_PROGRESS") == 0)) {
		dashboard_message(p->d, UI_ROLE_HINT, _("Cluster %s is being deleted."), v->name);
		return;
	}
	if (v->kind != CLUSTER_VIEW_INFO) {
		dashboard_message(p->d, UI_ROLE_WARNING,
				  v->kind == CLUSTER_VIEW_NOT_FOUND ? _("Cluster %s does not exist.")
				  : _("Cluster %s: its status is not known yet; try again in a moment."),
				  v->name);
		return;
	}
	/* Counted again first if the journal changed: a run may just have
	 * been submitted. */
	p->ask_after_count = true;
	count_runs(p);
}

static void ask_delete(struct cluster_panel *p)
{
	struct ui_app *app = dashboard_app(p->d);
	const struct cluster_view *v = &p->view;
	char question[1024], warn[256] = "";

	if (!app || p->stopped)
		return;
	if (v->active > 0)
		snprintf(warn, sizeof warn,
			 P_(" Warning: %zu gcrunner run on it has not ended; it stops with the cluster.",
			    " Warning: %zu gcrunner runs on it have not ended; they stop with the cluster.",
			    v->active), v->active);
	snprintf(question, sizeof question,
		 _("Delete cluster %s, its head node and its FSx file system? Data on FSx is lost "
		   "unless it was exported.%s"), v->name, warn);
	ui_app_ask(app, question, _("Delete (y)"), _("Keep it (n)"), delete_answer, p);
}

/* ---- drawing and the end --------------------------------------------------------------------------- */

int cluster_panel_rows(struct cluster_panel *p, int cols)
{
	char l1[512], l2[512];
	enum ui_role r1, r2;

	if (!p || !p->started)
		return 0;
	return cluster_view_format(&p->view, time(NULL), cols, l1, sizeof l1, &r1, l2, sizeof l2,
				   &r2);
}

void cluster_panel_draw(struct cluster_panel *p, int y, int cols)
{
	char l1[512], l2[512];
	enum ui_role r1, r2;
	int n;

	if (!p || !p->started)
		return;
	n = cluster_view_format(&p->view, time(NULL), cols, l1, sizeof l1, &r1, l2, sizeof l2, &r2);
	ui_draw_text_cut(y, 0, cols, r1, l1);
	if (n > 1)
		ui_draw_text_cut(y + 1, 0, cols, r2, l2);
}

void cluster_panel_stop(struct cluster_panel *p)
{
	if (!p)
		return;
	p->stopped = true;
	gcr_pcluster_active_runs_cancel(p->counting);
	p->counting = NULL;
	gcr_pcluster_watch_stop(p->watch);
	p->watch = NULL;
	if (p->deleting)
		p->deleting->p = NULL;
	p->deleting = NULL;
}

void cluster_panel_free(struct cluster_panel *p)
{
	if (!p)
		return;
	cluster_panel_stop(p);
	gcr_settings_free(p->disk);
	free(p);
}
