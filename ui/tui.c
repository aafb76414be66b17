/* tui.c: the full-screen program's entry point: loads the catalog and the
 * configuration, builds the wizard and runs the app on the libuv loop.
 *
 * Environment:
 *   NO_COLOR              no colours (attributes only)
 *   GCR_TUI_NOW           fixes "now" (YYYY-MM-DD or seconds since 1970),
 *                         so screens with price ages are reproducible
 *   GCR_TUI_BENCH=FILE    writes timings and memory to FILE at exit
 *   GCR_TUI_PRICES_COMMAND  a shell command run instead of the background
 *                         `gcrunner prices refresh` (tests) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "catalog.h"
#include "cli/cli.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "settings.h"
#include "ui/actions.h"
#include "ui/app.h"
#include "ui/bundle_jobs.h"
#include "ui/live_prices.h"
#include "runs/runs.h"
#include "ui/screen_dashboard.h"
#include "ui/screen_setup.h"
#include "ui/session.h"
#include "ui/submit_flow.h"
#include "ui/theme.h"
#include "ui/tui.h"
#include "ui/wizard.h"

/* The smallest terminal the wizard lays out in; below it the app shows a
 * "terminal too small" screen. */
#define MIN_ROWS 16
#define MIN_COLS 60

void gcr_tui_print_keys(FILE *out)
{
	ui_actions_print(out);
}

static time_t fixed_now(void)
{
	const char *v = getenv("GCR_TUI_NOW");
	int date;
	char *end;
	long long secs;

	if (!v || !*v)
		return 0;
	if (wiz_parse_date(v, &date)) {
		struct tm tm = { 0 };
		tm.tm_year = date / 10000 - 1900;
		tm.tm_mon = date / 100 % 100 - 1;
		tm.tm_mday = date % 100;
		tm.tm_hour = 12;
		return timegm(&tm);
	}
	secs = strtoll(v, &end, 10);
	return *end == '\0' && secs > 0 ? (time_t)secs : 0;
}

/* The runs model on the session's environment, and the dashboard over it.
 * Without a usable AWS configuration the model is offline (the journal
 * only); the Simulations table is read only once gcrunner is set up. */
static struct gcr_runs *start_runs(struct ui_session *session, struct gcr_settings *settings,
				   struct dashboard **dash)
{
	struct gcr_runs_options ro;
	struct gcr_backend_env *env;
	struct gcr_runs *runs = NULL;
	struct gcr_error err;

	env = ui_session_env(session, true, &err);
	if (!env) {
		gcr_log_debug("dashboard offline: %s", err.message);
		env = ui_session_env(session, false, &err);
	}
	memset(&ro, 0, sizeof ro);
	ro.no_table = !settings || !gcr_settings_existed(settings);
	if (!env || gcr_runs_new(env, &ro, &runs, &err) != GCR_OK) {
		*dash = dashboard_new(session, NULL, err.message);
		return NULL;
	}
	*dash = dashboard_new(session, runs, NULL);
	return runs;
}

int gcr_tui_main(const struct cli_context *ctx)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_settings *settings = NULL;
	struct gcr_error err;
	struct ui_app_options opt;
	struct ui_app *app;
	struct live_prices *lp;
	struct setup_screen *setup;
	struct ui_session *session;
	struct gcr_runs *runs;
	struct dashboard *dash;
	const struct ui_view_ops *first_ops;
	void *first_data;
	struct wizard *w;
	const char *why = NULL;
	char *config;
	int status;

	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK) {
		fprintf(stderr, "%s: %s\n", ctx->program, err.message);
		return gcr_exit_status(err.code);
	}
	config = gcr_config_path();
	if (config && gcr_settings_load(config, &settings, &err) != GCR_OK) {
		fprintf(stderr, "%s: %s\n", ctx->program, err.message);
		free(config);
		gcr_catalog_free(cat);
		return gcr_exit_status(err.code);
	}
	free(config);
	if (!ui_keymap_init()) {
		fprintf(stderr, "%s: %s\n", ctx->program, _("internal error: a key name in the action table is unknown"));
		gcr_settings_free(settings);
		gcr_catalog_free(cat);
		return 1;
	}

	session = ui_session_new(uv_default_loop(), cat, settings, ctx, &err);
	if (!session) {
		fprintf(stderr, "%s: %s\n", ctx->program, err.message);
		gcr_settings_free(settings);
		gcr_catalog_free(cat);
		return gcr_exit_status(err.code);
	}
	w = calloc(1, sizeof *w);
	if (!w)
		abort();
	wizard_init(w, cat, settings, fixed_now());
	w->session = session;
	if (ctx->region)
		snprintf(w->spec.region, sizeof w->spec.region, "%s", ctx->region);

	runs = start_runs(session, settings, &dash);
	wizard_set_on_submitted(w, dashboard_on_submitted, dash);

	memset(&opt, 0, sizeof opt);
	opt.use_color = !ui_env_no_color();
	opt.utf8 = ui_locale_is_utf8();
	opt.bench_path = getenv("GCR_TUI_BENCH");
	opt.min_rows = MIN_ROWS;
	opt.min_cols = MIN_COLS;
	/* First start with AWS files but no configuration: offer setup first. */
	/* The dashboard once any run exists, else the wizard (F2 reaches the
	 * dashboard from it). */
	if (runs && gcr_runs_count(runs) > 0) {
		first_ops = &dashboard_view_ops;
		first_data = dash;
	} else {
		first_ops = &dashboard_wizard_ops;
		first_data = dash;
	}
	setup = setup_screen_offer(settings, first_ops, first_data);
	app = ui_app_new(uv_default_loop(), &opt, setup ? &setup_screen_view_ops : first_ops,
			 setup ? (void *)setup : first_data, &why);
	if (!app) {
		fprintf(stderr, "%s: %s\n", ctx->program, why);
		dashboard_stop(dash);
		if (runs)
			gcr_runs_free(runs);
		dashboard_free(dash);
		setup_screen_free(setup, uv_default_loop());
		wizard_free(w);
		free(w);
		ui_session_free(session);
		gcr_settings_free(settings);
		gcr_catalog_free(cat);
		return 1;
	}
	w->app = app;
	dashboard_attach(dash, app, &wizard_view_ops, w);
	if (runs)
		gcr_runs_start(runs);
	lp = live_prices_start(uv_default_loop(), w, ctx);
	wiz_submit_settle_at_start(w);   /* issue 6: unfinished submissions, in the background */
	gcr_log_debug("wizard started%s", lp ? ", fetching live prices" : "");

	status = ui_app_run(app);

	/* The dashboard first lets go of the model, whose end swallows the
	 * callbacks still in flight. */
	dashboard_stop(dash);
	if (runs)
		gcr_runs_free(runs);
	dashboard_free(dash);
	wiz_bundle_jobs_drain(w);
	live_prices_stop(lp);
	setup_screen_free(setup, uv_default_loop());
	gcr_log_debug("wizard ended with status %d after %lu estimates", status, w->estimates_run);
	ui_app_free(app);
	wizard_free(w);
	free(w);
	ui_session_free(session);
	/* Let the AWS client's handles close. */
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	gcr_settings_free(settings);
	gcr_catalog_free(cat);
	uv_loop_close(uv_default_loop());
	return status;
}
