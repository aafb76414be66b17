/* cmd_paths.c: `gcrunner paths` shows where gcrunner reads and writes. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "i18n.h"
#include "paths.h"

static int paths_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_paths = {
	.name = "paths",
	.usage = N_("[--json]"),
	.summary = N_("show the configuration, state, cache and data directories"),
	.options = N_("Options:\n"
		      "      --json   print one JSON object\n"
		      "  -h, --help   show this help\n"),
	.exec = paths_exec,
};

static int paths_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c;
	struct { const char *key; const char *label; char *value; } rows[] = {
		{ "config_file", N_("configuration file"), gcr_config_path() },
		{ "state_dir", N_("state directory"), gcr_dir(GCR_DIR_STATE) },
		{ "cache_dir", N_("cache directory"), gcr_dir(GCR_DIR_CACHE) },
		{ "data_dir", N_("data directory"), gcr_dir(GCR_DIR_DATA) },
	};
	size_t nrows = sizeof rows / sizeof rows[0];
	int status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_paths);
			goto out;
		default:
			status = cli_option_error(ctx, &cli_cmd_paths, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage_error(ctx, &cli_cmd_paths, _("unexpected argument '%s'"),
					 argv[optind]);
		goto out;
	}
	if (json) {
		json_t *obj = json_object();
		for (size_t i = 0; i < nrows; i++)
			json_object_set_new(obj, rows[i].key,
					    rows[i].value ? json_string(rows[i].value) : json_null());
		json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
		json_decref(obj);
	} else {
		for (size_t i = 0; i < nrows; i++)
			printf("%-20s %s\n", _(rows[i].label),
			       rows[i].value ? rows[i].value : _("(unknown: HOME is not set)"));
	}
out:
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].value);
	return status;
}
