/* cmd_cancel.c: `gcrunner cancel ID` -- stops a run (CancelJob while it
 * waits, TerminateJob once it runs; journaled first), after showing what
 * it has cost so far and asking, unless --yes.  Without a terminal to ask
 * on, it refuses rather than cancel silently. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "i18n.h"
#include "runs/runs_cli.h"

static int cancel_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_cancel = {
	.name = "cancel",
	.usage = N_("ID [--yes] [--reason TEXT]"),
	.summary = N_("cancel a run (shows the money already spent and asks first)"),
	.options = N_("Options:\n"
		      "  -y, --yes           do not ask (needed when not on a terminal)\n"
		      "      --reason TEXT   the reason AWS Batch records (default: cancelled with "
		      "gcrunner)\n"
		      "  -h, --help          show this help\n"
		      "\n"
		      "ID is a simulation id (gcr-...), an AWS Batch job id, or a unique prefix\n"
		      "of either (see gcrunner jobs).  The money spent so far is not refunded.\n"),
	.exec = cancel_exec,
};

struct cancel_run {
	struct runs_cli c;
	int done;
	enum gcr_status st;
	struct gcr_error err;
};

static void on_cancelled(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct cancel_run *r = data;

	r->st = st;
	if (st != GCR_OK && err)
		r->err = *err;
	r->done = 1;
}

static bool ask(const char *question)
{
	char line[64];

	fputs(question, stderr);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return false;
	/* Translators: the answers that mean yes, first letters. */
	return line[0] && strchr(_("yY"), line[0]) != NULL;
}

static int cancel_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_runs_options opt = { .no_progress = true };
	struct cancel_run r;
	const struct gcr_run *run;
	const char *id, *reason = NULL;
	char spent[128], sim[64], q[512];
	bool yes = false;
	int c, status = 0;

	memset(&r, 0, sizeof r);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":yh", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			yes = true;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_cancel);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_cancel, c, argv);
		}
	}
	status = runs_cli_take_id(ctx, &cli_cmd_cancel, argc, argv, &id);
	if (status != 0)
		return status;
	if (reason && strlen(reason) > 200)
		return cli_usage_error(ctx, &cli_cmd_cancel, _("--reason is longer than 200 "
								"characters"));
	status = runs_cli_open(&r.c, ctx, &opt);
	if (status != 0)
		goto out;
	runs_cli_refresh(&r.c);
	run = runs_cli_find(&r.c, &cli_cmd_cancel, id, &status);
	if (!run)
		goto out;
	snprintf(sim, sizeof sim, "%s", run->sim_id);
	if (run->cost_unknown)
		snprintf(spent, sizeof spent, "%s", _("an unknown amount (no price is known for it)"));
	else
		runs_cli_money(gcr_runs_spent_usd(run), spent, sizeof spent);
	if (gcr_run_state_is_final(run->status.state)) {
		fprintf(stderr, _("%s: %s has ended already (%s), having cost %s; nothing to "
				  "cancel\n"), ctx->program, sim, gcr_run_state_label(run->status.state),
			spent);
		status = 1;
		goto out;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, _("%s: not cancelling %s: there is no terminal to ask on; "
					  "add --yes to cancel without a question\n"), ctx->program,
				sim);
			status = 2;
			goto out;
		}
		snprintf(q, sizeof q, _("Cancel %s (%s, %s)?  It has cost %s so far, which is not "
					"refunded.  [y/N] "), sim, run->name,
			 gcr_run_state_label(run->status.state), spent);
		if (!ask(q)) {
			fprintf(stderr, _("%s: not cancelled\n"), ctx->program);
			status = 1;
			goto out;
		}
	}
	r.done = 0;
	gcr_runs_cancel(r.c.runs, sim, reason, on_cancelled, &r);
	gcr_submit_env_run(r.c.e, &r.done);
	if (r.st != GCR_OK) {
		status = cli_fail(ctx, &r.err);
		goto out;
	}
	printf(_("Cancelled %s; it had cost %s.\n"), sim, spent);
out:
	if (r.c.e)
		runs_cli_close(&r.c);
	return status;
}
