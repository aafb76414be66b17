/* main.c: gettext, global options, then a subcommand or the full-screen UI. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "error.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "ui/tui.h"

static void print_version(void)
{
	printf("gcrunner %s\n", PACKAGE_VERSION);
	fputs(_("GEOS-Chem runs on AWS Batch, AWS ParallelCluster and Slurm, planned and costed.\n"),
	      stdout);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "profile", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "list-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_context ctx = { .program = "gcrunner" };
	const struct cli_command *cmd;
	char *locale_dir;
	int c, status;

	setlocale(LC_ALL, "");
	locale_dir = gcr_locale_dir();
	bindtextdomain(PACKAGE, locale_dir);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	free(locale_dir);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_print_help(stdout, ctx.program);
			return 0;
		case 'V':
			print_version();
			return 0;
		case 'K':
			gcr_tui_print_keys(stdout);
			return 0;
		case 'v':
			ctx.verbose = 1;
			break;
		case 'p':
			ctx.profile = optarg;
			break;
		case 'r':
			ctx.region = optarg;
			break;
		case ':':
			fprintf(stderr, _("%s: option '%s' needs a value\n"), ctx.program, argv[optind - 1]);
			fprintf(stderr, _("Try '%s --help' for more information.\n"), ctx.program);
			return 2;
		default:
			if (optopt && strncmp(argv[optind - 1], "--", 2) != 0)
				fprintf(stderr, _("%s: unknown option '-%c'\n"), ctx.program, optopt);
			else
				fprintf(stderr, _("%s: unknown option '%s'\n"), ctx.program, argv[optind - 1]);
			fprintf(stderr, _("Try '%s --help' for more information.\n"), ctx.program);
			return 2;
		}
	}

	if (ctx.verbose) {
		struct gcr_error err;
		if (gcr_log_open(NULL, NULL, &err) != GCR_OK) {
			fprintf(stderr, "%s: %s\n", ctx.program, err.message);
			return 1;
		}
		gcr_log_debug("gcrunner %s started", PACKAGE_VERSION);
	}

	if (optind >= argc) {
		status = gcr_tui_main(&ctx);
	} else {
		cmd = cli_find(argv[optind]);
		if (!cmd) {
			fprintf(stderr, _("%s: unknown command '%s'\n"), ctx.program, argv[optind]);
			fprintf(stderr, _("Try '%s --help' for the list of commands.\n"), ctx.program);
			status = 2;
		} else {
			status = cmd->exec(&ctx, argc - optind, argv + optind);
		}
	}
	gcr_log_close();
	return status;
}
