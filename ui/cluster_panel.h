/* cluster_panel.h: the dashboard's ParallelCluster line -- the cluster
 * gcrunner uses (pcluster.name), its status in plain words kept current by
 * the engine's watcher (gcr_pcluster_watch_*, src/slurm/pcluster_life.h),
 * and, when it is ready and no run is on it, what it costs while it stays up
 * with the offer to delete it (the delete-cluster key, D).
 *
 * The cluster and how to reach it are read from the configuration file at
 * start and again at each F5 (refresh).  Nothing is shown without pcluster.name or without AWS credentials the
 * SDKs would find; ParallelCluster not answering is one short line, asked
 * again at the watcher's next tick.
 *
 * Ownership: cluster_panel_new/cluster_panel_free; the dashboard and the
 * session are borrowed. */
#ifndef GCR_UI_CLUSTER_PANEL_H
#define GCR_UI_CLUSTER_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "slurm/pcluster_life.h"
#include "ui/theme.h"

struct dashboard;
struct ui_session;
struct cluster_panel;

/* What the line shows (pure data; formatted by cluster_view_format). */
enum cluster_view_kind {
	CLUSTER_VIEW_ASKING,        /* no answer yet */
	CLUSTER_VIEW_INFO,          /* DescribeCluster answered */
	CLUSTER_VIEW_NOT_FOUND,
	CLUSTER_VIEW_ERROR,         /* ParallelCluster did not answer */
};

struct cluster_view {
	char name[64];
	enum cluster_view_kind kind;
	struct gcr_pcluster_info info;
	char error[256];
	time_t since;               /* the current ..._IN_PROGRESS began (0: not known) */
	struct gcr_pcluster_cost cost;
	size_t active;              /* gcrunner runs on it that have not ended */
	bool active_known;          /* counted (until then no idle line: maybe not idle) */
	bool deleted_by_us;
	double retry_s;             /* the watcher's next try, for the error line */
};

/* One or two lines for a width of cols (line 2 "" when one), with their
 * roles; returns the number of lines.  Translated; the idle line is
 * shortened when the long one does not fit. */
int cluster_view_format(const struct cluster_view *v, time_t now, int cols,
			char *line1, size_t size1, enum ui_role *role1,
			char *line2, size_t size2, enum ui_role *role2);

struct cluster_panel *cluster_panel_new(struct dashboard *d, struct ui_session *session);
/* Starts watching when pcluster.name is set and credentials are likely;
 * otherwise the panel stays empty.  Call once the dashboard has its app. */
void cluster_panel_start(struct cluster_panel *p);
/* F5: reads the configuration file again (a cluster `gcrunner cluster
 * create` saved since shows; another name is watched instead) and asks
 * ParallelCluster now. */
void cluster_panel_refresh(struct cluster_panel *p);
/* Stops the watcher (no redraw after this); free later. */
void cluster_panel_stop(struct cluster_panel *p);
void cluster_panel_free(struct cluster_panel *p);

/* Rows the panel takes at this width (0: nothing to show). */
int cluster_panel_rows(struct cluster_panel *p, int cols);
void cluster_panel_draw(struct cluster_panel *p, int y, int cols);

/* The delete-cluster key: asks (y/N), warning about runs still on it,
 * then deletes; the watcher shows the deletion. */
void cluster_panel_delete(struct cluster_panel *p);

#endif
