/* screen_dashboard.h: the dashboard -- every run the user has, its state,
 * progress, time and money, kept current by the runs model (src/runs/
 * runs.h) in the background; a run's own page with its attempts and live
 * log (screen_run.c); its results with a download.
 *
 * Three views (struct ui_view_ops) share one struct dashboard:
 *   dashboard_view_ops    the list: sort, filter, mark, act
 *   run_page_view_ops     one run: attempts, the log followed live, search,
 *                         save (screen_run.c)
 *   results_view_ops      one run's result files and their download
 *                         (screen_run.c)
 * and a thin host around the wizard (dashboard_wizard_ops) that adds F2
 * (back to the dashboard).  The dashboard switches views with
 * ui_app_set_view.
 *
 * The list never holds the model's struct gcr_run pointers across a change:
 * on every change notification it copies what it shows into compact rows
 * (sorted and filtered there), so 10,000 runs stay cheap to scroll.
 *
 * Ownership: dashboard_new/dashboard_free; runs and session are borrowed
 * (free the dashboard before them). */
#ifndef GCR_UI_SCREEN_DASHBOARD_H
#define GCR_UI_SCREEN_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "runs/runs.h"
#include "ui/app.h"
#include "ui/theme.h"

struct ui_session;
struct dashboard;

/* runs may be NULL (the model could not be made): the dashboard then says
 * why (why, translated) and offers the wizard only. */
struct dashboard *dashboard_new(struct ui_session *session, struct gcr_runs *runs,
				const char *why);
/* The app, and the wizard view 'n' opens (borrowed). */
void dashboard_attach(struct dashboard *d, struct ui_app *app,
		      const struct ui_view_ops *wizard_ops, void *wizard_data);
/* Before the runs model is freed: stops the log follower, a submission in
 * flight and the listeners.  (gcr_runs_free then swallows the callbacks
 * of cancels, listings and downloads still in flight.) */
void dashboard_stop(struct dashboard *d);
/* After the runs model is freed: waits for saves in the thread pool (the
 * loop is run here until they finish) and frees. */
void dashboard_free(struct dashboard *d);

/* Puts the list, or the wizard (wrapped so F2 comes back), on screen. */
void dashboard_show(struct dashboard *d);
void dashboard_show_wizard(struct dashboard *d);

/* For wizard_set_on_submitted: back to the list, refreshed, with the new
 * run under the cursor. */
void dashboard_on_submitted(void *data, const char *sim_id);

extern const struct ui_view_ops dashboard_view_ops;
/* The wizard with F2; its data is the struct dashboard. */
extern const struct ui_view_ops dashboard_wizard_ops;

/* ---- the list's rows (pure, unit-tested) ---------------------------------------- */

enum dash_sort { DASH_SORT_TIME, DASH_SORT_COST, DASH_SORT_STATUS, DASH_SORT_COUNT };
enum dash_filter {
	DASH_FILTER_ALL, DASH_FILTER_ACTIVE, DASH_FILTER_RUNNING, DASH_FILTER_WAITING,
	DASH_FILTER_FAILED, DASH_FILTER_SUCCEEDED, DASH_FILTER_CANCELLED, DASH_FILTER_COUNT
};

/* What one line of the list shows, copied from a struct gcr_run. */
struct dash_row {
	char sim_id[64];
	char job_id[64];
	char name[96];
	char summary[64];
	char instance[32];
	/* Shared with every row of the same text (a few distinct values over
	 * thousands of runs); "" when none, NULL in a zeroed row. */
	const char *native_state;
	const char *explanation;
	enum gcr_target target;
	enum gcr_run_state state;
	int nodes;
	bool spot;
	bool marked;
	double progress;            /* < 0 not known */
	int64_t elapsed_s, eta_s;   /* eta < 0 not known */
	double cost, estimate, price;
	bool cost_unknown;            /* gcr_run.cost_unknown: no price for it */
	int64_t created_ms;
	int64_t copied_ms;          /* when copied: elapsed and cost go on from here */
};

void dash_row_from_run(struct dash_row *row, const struct gcr_run *run, int64_t now_ms);
/* Elapsed and cost of a running row at now_ms (the model's figures
 * carried forward between refreshes). */
int64_t dash_row_elapsed(const struct dash_row *row, int64_t now_ms);
double dash_row_cost(const struct dash_row *row, int64_t now_ms);
int64_t dash_row_eta(const struct dash_row *row, int64_t now_ms);

/* Whether row passes the status filter and the text filter (case-
 * insensitive, in name, ids, summary, instance and status; "" = any). */
bool dash_row_matches(const struct dash_row *row, enum dash_filter f, const char *text);

/* Fills order[] (room for n) with the indices of the rows that match, in
 * the sort's order; returns how many. */
size_t dash_rows_order(const struct dash_row *rows, size_t n, enum dash_sort sort,
		       enum dash_filter f, const char *text, size_t *order);

const char *dash_sort_label(enum dash_sort s);     /* translated */
const char *dash_filter_label(enum dash_filter f); /* translated */

/* "42s", "12m", "3h05m", "2d04h" */
void dash_format_duration(int64_t s, char *buf, size_t len);

/* ---- shared by the views (screen_dashboard.c, screen_run.c) ---------------------- */

/* A one-line text prompt (filter, search, a file or directory name). */
struct dash_prompt {
	bool open;
	int purpose;                /* the caller's tag */
	char label[128];
	char text[1024];
	size_t caret;               /* byte offset */
};
void dash_prompt_open(struct dash_prompt *p, int purpose, const char *label, const char *text);
/* Handles a key while open: returns 1 on Enter (closed, text kept), -1 on
 * Esc (closed), 0 otherwise (edited or ignored; always consumed). */
int dash_prompt_key(struct dash_prompt *p, const struct ui_event *ev);
void dash_prompt_draw(const struct dash_prompt *p, int y, int cols);

struct gcr_runs *dashboard_runs(struct dashboard *d);
struct ui_app *dashboard_app(struct dashboard *d);
uv_loop_t *dashboard_loop(struct dashboard *d);
void dashboard_message(struct dashboard *d, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message line and the refresh status line at the bottom (2 rows). */
void dashboard_draw_bottom(struct dashboard *d, int rows, int cols, const char *hints);
/* The dashboard's actions on a run, from any view. */
void dashboard_cancel(struct dashboard *d, const char *const *sim_ids, size_t n);
void dashboard_resubmit(struct dashboard *d, const char *sim_id);
void dashboard_show_results(struct dashboard *d, const char *sim_id);
void dashboard_open_run(struct dashboard *d, const char *sim_id);
/* A save to run in the thread pool (data owned, freed after); the result
 * is reported in the message line. */
void dashboard_save_file(struct dashboard *d, const char *path, char *data, size_t len);
/* ~/x -> $HOME/x into out. */
void dashboard_expand_home(const char *path, char *out, size_t size);
/* "12.3 MB" */
void dash_format_bytes(uint64_t bytes, char *buf, size_t len);
/* A bar of width cells for fraction (0..1) into buf. */
void dash_format_bar(double fraction, int width, char *buf, size_t len);

/* screen_run.c */
struct run_page;
struct run_page *run_page_new(struct dashboard *d, const char *sim_id);
void run_page_free(struct run_page *p);
extern const struct ui_view_ops run_page_view_ops;

struct results_state;
struct results_state *results_new(struct dashboard *d);
void results_free(struct results_state *r);
/* Starts listing sim_id's results (dropping what was shown). */
void results_open(struct results_state *r, const char *sim_id);
extern const struct ui_view_ops results_view_ops;
/* The view to go back to from the run page and the results. */
void dashboard_back(struct dashboard *d);

#endif
