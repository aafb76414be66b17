/* cmd_logs.c: `gcrunner logs ID` -- a run's log from the start (the job's
 * own CloudWatch log group and stream), and with --follow the new lines as
 * they come until the job has ended; --save also writes them to a file. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "i18n.h"
#include "paths.h"
#include "runs/runs_cli.h"

static int logs_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_logs = {
	.name = "logs",
	.usage = N_("ID [--follow] [--save FILE]"),
	.summary = N_("show a run's log (the model's output), optionally following it"),
	.options = N_("Options:\n"
		      "  -f, --follow      keep printing new lines until the run has ended\n"
		      "      --save FILE   also write the lines to FILE (written as FILE.part,\n"
		      "                    renamed when complete)\n"
		      "  -h, --help        show this help\n"
		      "\n"
		      "ID is a simulation id (gcr-...), an AWS Batch job id, or a unique prefix\n"
		      "of either (see gcrunner jobs).\n"),
	.exec = logs_exec,
};

struct logs_run {
	struct runs_cli c;
	struct gcr_log_follow *f;
	FILE *save;
	int stop;
	enum gcr_status st;
	struct gcr_error err;
	size_t lines;
	uv_signal_t sigint;
};

static void on_lines(json_t *lines, bool at_end, void *data)
{
	struct logs_run *l = data;
	json_t *line;
	size_t i;

	(void)at_end;
	json_array_foreach(lines, i, line) {
		const char *m = json_string_value(json_object_get(line, "m"));
		size_t len = m ? strlen(m) : 0;
		bool nl = len > 0 && m[len - 1] == '\n';

		fprintf(stdout, "%s%s", m ? m : "", nl ? "" : "\n");
		if (l->save)
			fprintf(l->save, "%s%s", m ? m : "", nl ? "" : "\n");
		l->lines++;
	}
	fflush(stdout);
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct logs_run *l = data;

	l->st = st;
	if (st != GCR_OK && err)
		l->err = *err;
	l->stop = 1;
}

static void on_sigint(uv_signal_t *s, int signum)
{
	struct logs_run *l = s->data;

	(void)signum;
	l->stop = 1;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

static int logs_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "save", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_runs_options opt = { .no_progress = true };
	struct logs_run l;
	const struct gcr_run *r;
	const char *save = NULL, *id;
	char *part = NULL;
	bool follow = false;
	int c, status = 0;

	memset(&l, 0, sizeof l);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 's':
			save = optarg;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_logs);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_logs, c, argv);
		}
	}
	status = runs_cli_take_id(ctx, &cli_cmd_logs, argc, argv, &id);
	if (status != 0)
		return status;
	if (save) {
		part = gcr_strdup_printf("%s.part", save);
		l.save = fopen(part, "w");
		if (!l.save) {
			fprintf(stderr, _("%s: cannot write %s: %s\n"), ctx->program, part,
				strerror(errno));
			free(part);
			return 1;
		}
	}
	status = runs_cli_open(&l.c, ctx, &opt);
	if (status != 0)
		goto out;
	runs_cli_refresh(&l.c);
	r = runs_cli_find(&l.c, &cli_cmd_logs, id, &status);
	if (!r)
		goto out;
	uv_signal_init(&l.c.e->loop, &l.sigint);
	l.sigint.data = &l;
	uv_signal_start(&l.sigint, on_sigint, SIGINT);
	l.f = gcr_log_follow_start(l.c.runs, r->sim_id, follow, on_lines, on_done, &l);
	gcr_submit_env_run(l.c.e, &l.stop);
	gcr_log_follow_stop(l.f);
	uv_close((uv_handle_t *)&l.sigint, on_closed);
	if (l.st != GCR_OK)
		status = cli_fail(ctx, &l.err);
out:
	if (l.save) {
		bool ok = fclose(l.save) == 0 && status == 0;
		if (ok && rename(part, save) != 0) {
			fprintf(stderr, _("%s: cannot write %s: %s\n"), ctx->program, save,
				strerror(errno));
			status = 1;
		} else if (!ok) {
			unlink(part);
		}
	}
	free(part);
	if (l.c.e)
		runs_cli_close(&l.c);
	return status;
}
