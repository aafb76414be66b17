/* cmd_jobs.c: `gcrunner jobs` -- every run from the journal and the
 * Simulations table with its live state, progress, time and money, as a
 * table or JSON; --watch repeats at the model's own pace (faster while
 * something runs, backing off on trouble) until every run has ended. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "i18n.h"
#include "runs/runs_cli.h"

static int jobs_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_jobs = {
	.name = "jobs",
	.usage = N_("[--json] [--watch [--interval SECONDS]] [--no-table]"),
	.summary = N_("list your runs with their live state, progress and cost"),
	.options = N_("Options:\n"
		      "      --json               print a JSON array, one object per run\n"
		      "      --watch              refresh until every run has ended (Ctrl-C stops)\n"
		      "      --interval SECONDS   refresh interval while watching (default 10 while\n"
		      "                           something runs, 30 while runs wait); trouble\n"
		      "                           doubles it, up to 8 times the interval\n"
		      "      --no-table           do not read the Simulations table (this machine's\n"
		      "                           journal only)\n"
		      "  -h, --help               show this help\n"
		      "\n"
		      "COST is price x nodes x elapsed (spot or on-demand price of the instance\n"
		      "type), with the accepted estimate in parentheses.  PROGRESS is the simulated\n"
		      "date reached in the model's log over the run's period.\n"
		      "Exit status: 0 listed, 1 the states could not be refreshed (the last known\n"
		      "ones are shown), 2 usage error.\n"),
	.exec = jobs_exec,
};

enum { OPT_JSON = 0x2000, OPT_WATCH, OPT_INTERVAL, OPT_NO_TABLE };

struct watch {
	struct runs_cli c;
	bool json, tty;
	int stop;
	uv_timer_t timer;
	uv_signal_t sigint;
	int last_interval;
};

static void print_json(struct runs_cli *c)
{
	size_t n = gcr_runs_count(c->runs);

	/* One run per line, so 10,000 runs never sit in memory as one tree. */
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		json_t *j = gcr_runs_json_at(c->runs, i);
		fputs(i ? ",\n" : "\n", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		json_decref(j);
	}
	fputs(n ? "\n]\n" : "]\n", stdout);
}

static void print_table(struct runs_cli *c)
{
	size_t n = gcr_runs_count(c->runs);
	size_t active = 0;
	struct gcr_runs_health h;
	char el[24], eta[24], cost[24], est[64], prog[16], when[32];
	struct gcr_run *r;

	if (n == 0) {
		printf(_("No runs yet.  Submit one with gcrunner submit (or start gcrunner).\n"));
		return;
	}
	/* One run at a time, built into r: gcr_runs_at would keep all of them. */
	if (!(r = malloc(sizeof *r)))
		abort();
	printf("%-32s %-18s %-10s %8s %8s %8s %-18s %s\n", _("ID"), _("NAME"), _("STATUS"),
	       _("PROGRESS"), _("ELAPSED"), _("ETA"), _("COST (ESTIMATE)"), _("INSTANCE"));
	for (size_t i = 0; i < n && gcr_runs_copy_at(c->runs, i, r); i++) {
		const struct gcr_run_status *s = &r->status;

		if (!gcr_run_state_is_final(s->state))
			active++;
		if (r->progress >= 0)
			snprintf(prog, sizeof prog, "%.0f%%", r->progress * 100);
		else
			snprintf(prog, sizeof prog, "-");
		if (r->cost_unknown)
			snprintf(cost, sizeof cost, "-");
		else
			runs_cli_money(r->cost_so_far_usd, cost, sizeof cost);
		if (r->cost_estimate_usd > 0) {
			char e[24];
			snprintf(est, sizeof est, "%s (%s)", cost,
				 runs_cli_money(r->cost_estimate_usd, e, sizeof e));
		} else {
			snprintf(est, sizeof est, "%s", cost);
		}
		printf("%-32s %-18.18s %-10s %8s %8s %8s %-18s %s%s\n", r->sim_id,
		       strcmp(r->name, r->sim_id) != 0 ? r->name : "-",
		       gcr_run_state_label(s->state), prog,
		       s->started_ms ? runs_cli_duration(r->elapsed_s, el, sizeof el) : "-",
		       runs_cli_duration(gcr_run_state_is_final(s->state) ? -1 : r->eta_s, eta,
					 sizeof eta),
		       est, *r->instance_type ? r->instance_type : "-", r->spot ? _(" spot") : "");
		if (*s->explanation && !gcr_run_state_is_final(s->state))
			printf("    %s\n", s->explanation);
		else if (s->state == GCR_RUN_FAILED && (*s->explanation || *s->reason))
			printf("    %s\n", *s->explanation ? s->explanation : s->reason);
		if (*r->sim_time_reached && s->state == GCR_RUN_RUNNING)
			printf(_("    simulated time reached: %s\n"), r->sim_time_reached);
	}
	free(r);
	gcr_runs_health(c->runs, &h);
	if (h.last_refresh_ms) {
		time_t t = (time_t)(h.last_refresh_ms / 1000);
		strftime(when, sizeof when, "%H:%M:%S", localtime(&t));
		printf(_("%zu runs, %zu not ended; refreshed at %s with %zu requests%s\n"), n, active,
		       when, h.last_refresh_calls,
		       h.offline ? _(" (no AWS: Batch and ParallelCluster runs as journaled)") : "");
	}
}

static void print_once(struct watch *w)
{
	if (w->json)
		print_json(&w->c);
	else
		print_table(&w->c);
	fflush(stdout);
}

/* ---- --watch ------------------------------------------------------------------------ */

static void watch_refresh(struct watch *w);

static bool all_ended(struct runs_cli *c)
{
	struct gcr_run *r = malloc(sizeof *r);
	bool ended = true;

	if (!r)
		abort();
	for (size_t i = 0; ended && gcr_runs_copy_at(c->runs, i, r); i++)
		if (!gcr_run_state_is_final(r->status.state) && *r->status.job_id)
			ended = false;
	free(r);
	return ended;
}

static void on_tick(uv_timer_t *t)
{
	watch_refresh(t->data);
}

static void on_watch_refreshed(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct watch *w = data;
	struct gcr_runs_health h;
	int wait_s;

	(void)st;
	(void)err;
	if (w->stop)
		return;
	if (w->tty && !w->json)
		fputs("\033[H\033[2J", stdout);
	print_once(w);
	gcr_runs_health(w->c.runs, &h);
	if (*h.trouble)
		fprintf(stderr, _("%s: warning: %s; next refresh in %d s\n"), w->c.ctx->program,
			h.trouble, h.interval_s);
	if (all_ended(&w->c)) {
		if (!w->json && gcr_runs_count(w->c.runs) > 0)
			printf(_("Every run has ended.\n"));
		w->stop = 1;
		return;
	}
	wait_s = h.interval_s > 0 ? h.interval_s : w->last_interval;
	uv_timer_start(&w->timer, on_tick, (uint64_t)wait_s * 1000, 0);
}

static void watch_refresh(struct watch *w)
{
	gcr_runs_refresh_once(w->c.runs, on_watch_refreshed, w);
}

static void on_sigint(uv_signal_t *s, int signum)
{
	struct watch *w = s->data;

	(void)signum;
	w->stop = 1;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

static int run_watch(struct watch *w)
{
	uv_loop_t *loop = &w->c.e->loop;

	uv_timer_init(loop, &w->timer);
	w->timer.data = w;
	uv_signal_init(loop, &w->sigint);
	w->sigint.data = w;
	uv_signal_start(&w->sigint, on_sigint, SIGINT);
	watch_refresh(w);
	gcr_submit_env_run(w->c.e, &w->stop);
	uv_timer_stop(&w->timer);
	uv_close((uv_handle_t *)&w->timer, on_closed);
	uv_close((uv_handle_t *)&w->sigint, on_closed);
	return 0;
}

static int jobs_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "no-table", no_argument, NULL, OPT_NO_TABLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_runs_options opt = { 0 };
	struct watch w;
	bool watch = false;
	int c, status = 0;
	long interval = 0;
	char *end;

	memset(&w, 0, sizeof w);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			w.json = true;
			break;
		case OPT_WATCH:
			watch = true;
			break;
		case OPT_INTERVAL:
			interval = strtol(optarg, &end, 10);
			if (*end || interval < 1 || interval > 3600)
				return cli_usage_error(ctx, &cli_cmd_jobs,
						       _("--interval takes whole seconds from 1 to "
							 "3600, not '%s'"), optarg);
			break;
		case OPT_NO_TABLE:
			opt.no_table = true;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_jobs);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_jobs, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_jobs, _("unexpected argument '%s'"), argv[optind]);
	if (interval && !watch)
		return cli_usage_error(ctx, &cli_cmd_jobs, _("--interval is for --watch"));
	if (interval) {
		opt.active_interval_s = opt.queued_interval_s = (int)interval;
		opt.max_backoff_s = (int)interval * 8;
	}
	/* Progress needs a log read per running run: the table shows it, the
	 * JSON (for scripts, often of thousands of runs) leaves it out. */
	opt.no_progress = w.json;
	status = runs_cli_open(&w.c, ctx, &opt);
	if (status != 0)
		goto out;
	w.tty = isatty(STDOUT_FILENO);
	w.last_interval = interval ? (int)interval : 10;
	if (watch) {
		status = run_watch(&w);
		goto out;
	}
	if (!runs_cli_refresh(&w.c))
		status = 1;
	print_once(&w);
out:
	if (w.c.e)
		runs_cli_close(&w.c);
	return status;
}
