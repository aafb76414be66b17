/* live_prices.c: `gcrunner prices refresh` in the background (live_prices.h). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "ui/live_prices.h"

/* A cache younger than this is fresh enough not to fetch again. */
#define REFETCH_AFTER_S (6 * 3600)

struct live_prices {
	uv_process_t proc;
	struct wizard *w;
	bool running;
	bool closed;
	char *cache_path;
};

/* Credentials the chain could find without network access: the variables
 * and files the AWS SDKs read.  No file, no variable: no attempt (and no
 * request to the instance metadata service). */
bool ui_aws_credentials_likely(void)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
					     "AWS_WEB_IDENTITY_TOKEN_FILE",
					     "AWS_CONTAINER_CREDENTIALS_FULL_URI",
					     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", NULL };
	const char *home = getenv("HOME");
	const char *files[] = { getenv("AWS_SHARED_CREDENTIALS_FILE"), getenv("AWS_CONFIG_FILE") };
	struct stat st;

	for (size_t i = 0; vars[i]; i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			return true;
	for (size_t i = 0; i < 2; i++)
		if (files[i] && stat(files[i], &st) == 0)
			return true;
	if (home) {
		char *p = gcr_strdup_printf("%s/.aws/credentials", home);
		bool found = stat(p, &st) == 0;
		free(p);
		if (found)
			return true;
		p = gcr_strdup_printf("%s/.aws/config", home);
		found = stat(p, &st) == 0;
		free(p);
		if (found)
			return true;
	}
	return false;
}

static void on_closed(uv_handle_t *h)
{
	struct live_prices *lp = h->data;
	lp->closed = true;
}

static void on_exit_cb(uv_process_t *proc, int64_t status, int term_signal)
{
	struct live_prices *lp = proc->data;
	struct wizard *w = lp->w;
	struct gcr_error err;
	bool applied = false;

	lp->running = false;
	uv_close((uv_handle_t *)proc, on_closed);
	if (status != 0 || term_signal) {
		gcr_log_debug("price refresh ended with status %lld, signal %d",
			      (long long)status, term_signal);
		w->live_prices = WIZ_PRICES_FAILED;
		if (w->app)
			ui_app_request_redraw(w->app);
		return;
	}
	if (gcr_catalog_load_prices(w->cat, lp->cache_path, w->now, GCR_PRICES_MAX_AGE, &applied,
				    &err) != GCR_OK || !applied) {
		gcr_log_debug("price cache not applied: %s", applied ? err.message : "too old or missing");
		w->live_prices = WIZ_PRICES_FAILED;
		if (w->app)
			ui_app_request_redraw(w->app);
		return;
	}
	w->live_prices = WIZ_PRICES_LIVE;
	wizard_prices_updated(w, _("Live prices arrived; the estimates use them now."));
}

struct live_prices *live_prices_start(uv_loop_t *loop, struct wizard *w,
				      const struct cli_context *ctx)
{
	const char *hook = getenv("GCR_TUI_PRICES_COMMAND");
	struct live_prices *lp;
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	char exe[4096];
	size_t exe_len = sizeof exe;
	char *args[10];
	int n = 0, rc;
	struct stat st;
	char *cache = gcr_path(GCR_DIR_CACHE, GCR_PRICES_CACHE_NAME);

	if (!cache)
		return NULL;
	if (!hook || !*hook) {
		if (!ui_aws_credentials_likely() ||
		    (stat(cache, &st) == 0 && time(NULL) - st.st_mtime < REFETCH_AFTER_S)) {
			free(cache);
			return NULL;
		}
		if (uv_exepath(exe, &exe_len) != 0) {
			free(cache);
			return NULL;
		}
		args[n++] = exe;
		if (ctx && ctx->profile) {
			args[n++] = "--profile";
			args[n++] = (char *)ctx->profile;
		}
		if (ctx && ctx->region) {
			args[n++] = "--region";
			args[n++] = (char *)ctx->region;
		}
		args[n++] = "prices";
		args[n++] = "refresh";
	} else {
		snprintf(exe, sizeof exe, "%s", "/bin/sh");
		args[n++] = exe;
		args[n++] = "-c";
		args[n++] = (char *)hook;
	}
	args[n] = NULL;

	lp = calloc(1, sizeof *lp);
	if (!lp) {
		free(cache);
		return NULL;
	}
	lp->w = w;
	lp->cache_path = cache;
	memset(&opt, 0, sizeof opt);
	/* The terminal belongs to the wizard: the child gets none of it. */
	for (int i = 0; i < 3; i++)
		stdio[i].flags = UV_IGNORE;
	opt.file = exe;
	opt.args = args;
	opt.stdio = stdio;
	opt.stdio_count = 3;
	opt.exit_cb = on_exit_cb;
	lp->proc.data = lp;
	rc = uv_spawn(loop, &lp->proc, &opt);
	if (rc != 0) {
		gcr_log_debug("cannot start the price refresh: %s", uv_strerror(rc));
		/* uv_spawn failed: the handle still needs closing. */
		uv_close((uv_handle_t *)&lp->proc, on_closed);
		while (!lp->closed)
			uv_run(loop, UV_RUN_ONCE);
		free(lp->cache_path);
		free(lp);
		return NULL;
	}
	lp->running = true;
	w->live_prices = WIZ_PRICES_FETCHING;
	gcr_log_debug("price refresh started, pid %d", lp->proc.pid);
	return lp;
}

void live_prices_stop(struct live_prices *lp)
{
	uv_loop_t *loop;

	if (!lp)
		return;
	loop = lp->proc.loop;
	if (lp->running) {
		uv_process_kill(&lp->proc, SIGTERM);
		/* The exit callback closes the handle. */
	}
	while (!lp->closed)
		uv_run(loop, UV_RUN_ONCE);
	free(lp->cache_path);
	free(lp);
}
