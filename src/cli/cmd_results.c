/* cmd_results.c: `gcrunner results ID` -- the run's result files (S3 keys
 * under its result location, with sizes), and with --download DIR every
 * file fetched into DIR with a progress line, each written as
 * "<file>.part" and renamed only when complete. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "i18n.h"
#include "runs/runs_cli.h"

static int results_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_results = {
	.name = "results",
	.usage = N_("ID [--download DIR] [--json]"),
	.summary = N_("list a run's result files, or download them"),
	.options = N_("Options:\n"
		      "  -d, --download DIR   download every result file into DIR (created)\n"
		      "      --json           print {\"location\", \"files\": [{\"key\", \"size\"}]}\n"
		      "  -h, --help           show this help\n"
		      "\n"
		      "ID is a simulation id (gcr-...), an AWS Batch job id, or a unique prefix\n"
		      "of either (see gcrunner jobs).\n"),
	.exec = results_exec,
};

struct results_run {
	struct runs_cli c;
	bool json, tty;
	int done;
	enum gcr_status st;
	struct gcr_error err;
	json_t *files;
	char location[1024];
	int last_percent;
	char last_what[256];
};

static void on_listed(enum gcr_status st, const struct gcr_error *err,
		      const struct gcr_result_file *files, size_t n, const char *location, void *data)
{
	struct results_run *r = data;

	r->st = st;
	if (st != GCR_OK) {
		if (err)
			r->err = *err;
	} else {
		snprintf(r->location, sizeof r->location, "%s", location ? location : "");
		for (size_t i = 0; i < n; i++)
			json_array_append_new(r->files, json_pack("{s:s, s:I}", "key", files[i].key,
								  "size", (json_int_t)files[i].size));
	}
	r->done = 1;
}

static void on_progress(const char *what, uint64_t done, uint64_t total, void *data)
{
	struct results_run *r = data;
	int percent = total ? (int)(done * 100 / total) : 100;
	char a[32], b[32];

	if (r->tty) {
		fprintf(stderr, "\r\033[K%3d%%  %s / %s  %s", percent, runs_cli_size(done, a, sizeof a),
			runs_cli_size(total, b, sizeof b), what);
	} else if (strcmp(what, r->last_what) != 0 || percent >= r->last_percent + 25) {
		/* Not a terminal: a line per file and every quarter, not a flood. */
		fprintf(stderr, "%3d%%  %s / %s  %s\n", percent, runs_cli_size(done, a, sizeof a),
			runs_cli_size(total, b, sizeof b), what);
		r->last_percent = percent;
	}
	snprintf(r->last_what, sizeof r->last_what, "%s", what);
}

static void on_downloaded(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct results_run *r = data;

	if (r->tty)
		fputc('\n', stderr);
	r->st = st;
	if (st != GCR_OK && err)
		r->err = *err;
	r->done = 1;
}

static int results_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "download", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_runs_options opt = { .no_progress = true };
	struct results_run r;
	const struct gcr_run *run;
	const char *id, *dir = NULL;
	char sim[64], size[32];
	int c, status = 0;
	json_t *f;
	size_t i;

	memset(&r, 0, sizeof r);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'j':
			r.json = true;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_results);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_results, c, argv);
		}
	}
	status = runs_cli_take_id(ctx, &cli_cmd_results, argc, argv, &id);
	if (status != 0)
		return status;
	if (dir && !*dir)
		return cli_usage_error(ctx, &cli_cmd_results, _("--download needs a directory"));
	r.files = json_array();
	r.tty = isatty(STDERR_FILENO);
	r.last_percent = -100;
	status = runs_cli_open(&r.c, ctx, &opt);
	if (status != 0)
		goto out;
	runs_cli_refresh(&r.c);
	run = runs_cli_find(&r.c, &cli_cmd_results, id, &status);
	if (!run)
		goto out;
	snprintf(sim, sizeof sim, "%s", run->sim_id);
	if (!gcr_run_state_is_final(run->status.state))
		fprintf(stderr, _("%s: note: %s has not ended (%s); its results may be incomplete\n"),
			ctx->program, sim, gcr_run_state_label(run->status.state));
	r.done = 0;
	if (dir)
		gcr_runs_download(r.c.runs, sim, dir, on_progress, on_downloaded, &r);
	else
		gcr_runs_results(r.c.runs, sim, on_listed, &r);
	gcr_submit_env_run(r.c.e, &r.done);
	if (r.st != GCR_OK) {
		status = cli_fail(ctx, &r.err);
		goto out;
	}
	if (dir) {
		printf(_("Downloaded the results of %s into %s.\n"), sim, dir);
	} else if (r.json) {
		json_t *j = json_pack("{s:s, s:s, s:O}", "simulationId", sim, "location", r.location,
				      "files", r.files);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (json_array_size(r.files) == 0) {
		printf(_("No result files yet under %s\n"), r.location);
	} else {
		uint64_t total = 0;
		printf(_("Results of %s in %s\n"), sim, r.location);
		json_array_foreach(r.files, i, f) {
			uint64_t s = (uint64_t)json_integer_value(json_object_get(f, "size"));
			total += s;
			printf("  %10s  %s\n", runs_cli_size(s, size, sizeof size),
			       json_string_value(json_object_get(f, "key")));
		}
		printf(_("%zu files, %s\n"), json_array_size(r.files),
		       runs_cli_size(total, size, sizeof size));
	}
out:
	json_decref(r.files);
	if (r.c.e)
		runs_cli_close(&r.c);
	return status;
}
