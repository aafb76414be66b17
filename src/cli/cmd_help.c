/* cmd_help.c: `gcrunner help [COMMAND]`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "i18n.h"

static int help_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_help = {
	.name = "help",
	.usage = N_("[COMMAND]"),
	.summary = N_("show help for gcrunner or for one command"),
	.options = NULL,
	.exec = help_exec,
};

static int help_exec(const struct cli_context *ctx, int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		cli_print_help(stdout, ctx->program);
		return 0;
	}
	if (argc > 2)
		return cli_usage_error(ctx, &cli_cmd_help, _("takes at most one command name"));
	cmd = cli_find(argv[1]);
	if (!cmd)
		return cli_usage_error(ctx, &cli_cmd_help,
				       _("unknown command '%s'"), argv[1]);
	cli_print_command_help(stdout, ctx, cmd);
	return 0;
}
