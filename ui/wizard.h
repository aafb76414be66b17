/* wizard.h: the new-simulation wizard -- a stack of steps over one spec,
 * with the live estimate panel.
 *
 * Each step is one file (ui/step_*.c) exporting a `const struct
 * screen_ops`; wizard.c lists them in one table.  Next pushes the
 * following step, Back/Esc pops (choices live in the spec, so they are
 * kept).  A step fills a form from the spec and the catalog (build), writes
 * the user's picks back (apply), and may refuse to go on (ready).  After
 * every change the wizard drops later choices the change ruled out (and says
 * so), refills defaults, re-estimates and asks for one repaint.
 *
 * The wizard is the app's view (struct ui_view_ops in app.h). */
#ifndef GCR_UI_WIZARD_H
#define GCR_UI_WIZARD_H

#include <limits.h>
#include <stdbool.h>
#include <time.h>

#include "catalog.h"
#include "estimate.h"
#include "settings.h"
#include "spec.h"
#include "ui/app.h"
#include "ui/form.h"

struct ui_session;
struct wiz_submit;

struct wizard;

struct screen_ops {
	const char *id;          /* "model": stable, used by tests and logs */
	const char *title;       /* N_() heading */
	const char *help;        /* N_() what the step is for (help overlay) */
	/* Fills the form from w->spec and the catalog (entry and every change). */
	void (*build)(struct wizard *w, struct ui_form *form);
	/* Writes what the user did to w->spec; returns UI_* bits.  NULL: the
	 * step has nothing to apply. */
	unsigned (*apply)(struct wizard *w, struct ui_form *form,
			  const struct ui_form_result *r);
	/* May the user go on?  If not, why (shown in the message line). */
	bool (*ready)(struct wizard *w, char *why, size_t len);
	/* Optional text above the form (welcome, review); returns rows used. */
	int (*draw)(struct wizard *w, struct ui_app *app, int y, int x, int h, int width);
	/* Optional keys of the step's own (review: save, submit). */
	unsigned (*key)(struct wizard *w, struct ui_app *app, const struct ui_event *ev);
};

/* The choices in the order the steps ask them: validity of a choice is
 * checked against the choices before it only. */
enum wiz_choice {
	WIZ_MODEL, WIZ_SIMULATION, WIZ_OPTION, WIZ_MET, WIZ_SCENARIO, WIZ_GRID,
	WIZ_DOMAIN, WIZ_LEVELS, WIZ_PERIOD, WIZ_OUTPUT, WIZ_TARGET, WIZ_INSTANCE,
	WIZ_NCHOICES
};

enum wiz_sort { WIZ_SORT_COST, WIZ_SORT_TIME };

#define WIZ_MAX_DEPTH 64
#define WIZ_MESSAGE_MAX 512

/* Where a compute target stands in the user's configuration. */
struct wiz_target_status {
	bool configured;
	char how[256];           /* what to run to configure it (translated) */
};

struct wizard {
	struct gcr_catalog *cat;          /* borrowed */
	struct gcr_settings *settings;    /* borrowed; may be NULL */
	struct ui_app *app;               /* set when running */
	struct ui_session *session;       /* borrowed: journal, AWS (session.h) */
	time_t now;                       /* "now" for price ages (GCR_TUI_NOW fixes it) */

	struct gcr_spec spec;             /* the user's choices (defaults filled) */
	/* Choices the user made (not defaults): kept when an earlier choice
	 * changes, as long as they stay valid; defaults follow along. */
	bool explicit_choice[WIZ_NCHOICES];
	bool dirty;                       /* changed since saved */
	char save_path[PATH_MAX];         /* where "save spec" writes */
	char saved_path[PATH_MAX];        /* last successful save, or "" */

	int stack[WIZ_MAX_DEPTH];         /* step indices; stack[depth-1] is shown */
	int depth;
	struct ui_form form;              /* the shown step's form */

	/* Estimates of the current spec: one row per instance type (GCHP: at
	 * the chosen node count), and for GCHP a node sweep for the chart. */
	struct gcr_estimate_result est, sweep;
	bool est_ok;
	char est_error[GCR_ERROR_MESSAGE_MAX];
	int *order;                       /* display order of est.options */
	size_t norder, order_cap;
	enum wiz_sort sort;
	int current;                      /* est.options index of the choice, or -1 */
	unsigned long estimates_run;      /* for tests and the benchmark */

	bool period_by_days;              /* the period step asks for days, not an end date */
	bool panel_full;                  /* 'e': the estimate panel fills the body */
	int panel_cursor;                 /* row in order[] under the cursor (full panel) */
	int panel_top;

	char message[WIZ_MESSAGE_MAX];
	enum ui_role message_role;

	int bundle_jobs;                  /* bundle builds running (bundle_jobs.c) */

	/* Told after a successful submission (wizard_set_on_submitted). */
	void (*on_submitted)(void *data, const char *sim_id);
	void *on_submitted_data;
	struct wiz_submit *submit;        /* submissions (submit_flow.c), or NULL */

	/* Live prices fetched in the background (live_prices.c). */
	enum { WIZ_PRICES_CATALOG, WIZ_PRICES_FETCHING, WIZ_PRICES_LIVE,
	       WIZ_PRICES_FAILED } live_prices;
};

/* Every step, in order (wizard.c). */
const struct screen_ops *const *wizard_steps(size_t *count);
/* Index of a step by id, or -1. */
int wizard_step_index(const char *id);

/* Sets up a wizard over cat (borrowed).  now = 0 means time(NULL). */
void wizard_init(struct wizard *w, struct gcr_catalog *cat, struct gcr_settings *settings,
		 time_t now);
void wizard_free(struct wizard *w);

/* cb(data, simulation id) is called on the loop thread after the review's
 * Submit succeeded (the outcome is in the message line), so the app can
 * switch to the dashboard.  NULL cb: nothing is called. */
void wizard_set_on_submitted(struct wizard *w, void (*cb)(void *data, const char *sim_id),
			     void *data);

/* The app's view table for the wizard. */
extern const struct ui_view_ops wizard_view_ops;

/* The shown step, and moving through the stack. */
const struct screen_ops *wizard_current(const struct wizard *w);
void wizard_push(struct wizard *w, int step);
bool wizard_pop(struct wizard *w);
/* Goes to the next step if the current one is ready (else sets the message). */
unsigned wizard_next(struct wizard *w);

/* Rebuilds the current step's form from the spec. */
void wizard_rebuild(struct wizard *w);

/* Call after changing w->spec at choice `changed`: drops later choices it
 * ruled out (with a message), fills defaults, marks unsaved, re-estimates. */
void wizard_changed(struct wizard *w, enum wiz_choice changed);

/* Chooses the model: everything after it starts from the catalog's defaults. */
void wizard_set_model(struct wizard *w, enum gcr_model model);

/* A copy of the spec with only the choices before `upto` (the rest "not
 * chosen"), for the catalog's validity queries. */
void wizard_partial_spec(const struct wizard *w, enum wiz_choice upto, struct gcr_spec *out);

/* Runs the estimator on the spec (wizard_changed does this); also what a
 * price update calls. */
void wizard_reestimate(struct wizard *w);

/* Live prices arrived (the AWS side updated the catalog): re-estimate and
 * repaint, without disturbing what the user is doing. */
void wizard_prices_updated(struct wizard *w, const char *what);

/* The option of the current choice in w->est, or NULL. */
const struct gcr_estimate_option *wizard_current_option(const struct wizard *w);

/* Whether a compute target is configured in the user's settings. */
void wizard_target_status(const struct wizard *w, enum gcr_target t,
			  struct wiz_target_status *out);

/* Whether target t can take a run of spec s (the spec's validation says:
 * AWS Batch is not for GCHP); if not, why. */
bool wizard_target_allowed(const struct wizard *w, const struct gcr_spec *s, enum gcr_target t,
			   char *why, size_t len);

/* Writes the spec to path (YAML, gcr_spec_save); sets the message. */
bool wizard_save(struct wizard *w, const char *path);

/* Sets the message line (printf). */
void wizard_message(struct wizard *w, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Display helpers shared by steps and the panel. */
const char *wiz_model_label(enum gcr_model m);
const char *wiz_target_label(enum gcr_target t);
/* "6.1 h", "2.3 d": a duration in hours, compact. */
void wiz_format_hours(double hours, char *buf, size_t len);
/* "$4.20", "$1,234": money, compact. */
void wiz_format_usd(double usd, char *buf, size_t len);
/* YYYYMMDD -> "2019-07-01". */
void wiz_format_date(int yyyymmdd, char *buf, size_t len);
/* "2019-07-01" or "20190701" -> YYYYMMDD; false when not a real date. */
bool wiz_parse_date(const char *s, int *yyyymmdd);
/* Days between two YYYYMMDD dates (end exclusive). */
int wiz_days_between(int start, int end);
/* YYYYMMDD plus days. */
int wiz_add_days(int yyyymmdd, int days);

/* The estimate panel (panel.c). */
void wiz_panel_draw(struct wizard *w, struct ui_app *app, int y, int x, int h, int width);
/* A compact summary in a few rows (small terminals). */
void wiz_panel_draw_summary(struct wizard *w, struct ui_app *app, int y, int x, int h, int width);
unsigned wiz_panel_event(struct wizard *w, const struct ui_event *ev);
/* Recomputes the display order after an estimate or a sort change. */
void wiz_panel_sort(struct wizard *w);
/* The price line: "Prices: catalog, 2025-06 (5 months old) ...". */
void wiz_price_line(const struct wizard *w, char *buf, size_t len);

/* The chart (chart.c): a cost-versus-time scatter of every option with the
 * Pareto front and the current choice marked. */
void wiz_chart_draw(struct wizard *w, int y, int x, int h, int width);

/* Click regions of the wizard (beyond the form's). */
enum { WIZ_HIT_PANEL_ROW = 200, WIZ_HIT_SORT, WIZ_HIT_TOGGLE_PANEL };

#endif
