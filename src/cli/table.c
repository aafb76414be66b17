/* table.c: the list of subcommands and the help text built from it. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli/cli.h"
#include "error.h"
#include "i18n.h"

extern const struct cli_command cli_cmd_help;
extern const struct cli_command cli_cmd_paths;
extern const struct cli_command cli_cmd_export;
extern const struct cli_command cli_cmd_cluster;
extern const struct cli_command cli_cmd_whoami;
extern const struct cli_command cli_cmd_prices;
extern const struct cli_command cli_cmd_setup;
extern const struct cli_command cli_cmd_estimate;
extern const struct cli_command cli_cmd_submit;
extern const struct cli_command cli_cmd_jobs;
extern const struct cli_command cli_cmd_logs;
extern const struct cli_command cli_cmd_cancel;
extern const struct cli_command cli_cmd_results;

/* Keep in the order --help should list them. */
const struct cli_command *const cli_commands[] = {
	&cli_cmd_estimate,
	&cli_cmd_export,
	&cli_cmd_submit,
	&cli_cmd_jobs,
	&cli_cmd_logs,
	&cli_cmd_cancel,
	&cli_cmd_results,
	&cli_cmd_setup,
	&cli_cmd_whoami,
	&cli_cmd_prices,
	&cli_cmd_cluster,
	&cli_cmd_paths,
	&cli_cmd_help,
	NULL,
};

const struct cli_command *cli_find(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

void cli_print_command_help(FILE *out, const struct cli_context *ctx,
			    const struct cli_command *cmd)
{
	fprintf(out, _("Usage: %s %s %s\n"), ctx->program, cmd->name,
		cmd->usage && *cmd->usage ? _(cmd->usage) : "");
	fprintf(out, "%s\n", _(cmd->summary));
	if (cmd->options && *cmd->options)
		fprintf(out, "\n%s", _(cmd->options));
}

int cli_usage_error(const struct cli_context *ctx, const struct cli_command *cmd,
		    const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", ctx->program, cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("Try '%s %s --help' for more information.\n"),
		ctx->program, cmd->name);
	return 2;
}

int cli_option_error(const struct cli_context *ctx, const struct cli_command *cmd,
		     int getopt_result, char **argv)
{
	const char *arg = argv[optind - 1];

	if (getopt_result == ':')
		return cli_usage_error(ctx, cmd, _("option '%s' needs a value"), arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		return cli_usage_error(ctx, cmd, _("unknown option '-%c'"), optopt);
	return cli_usage_error(ctx, cmd, _("unknown option '%s'"), arg);
}

int cli_fail(const struct cli_context *ctx, const struct gcr_error *err)
{
	fprintf(stderr, "%s: %s\n", ctx->program, err->message);
	return gcr_exit_status(err->code);
}

void cli_print_help(FILE *out, const char *program)
{
	fprintf(out, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), program);
	fputs(_("Plan, cost, submit and follow GEOS-Chem simulations on AWS and Slurm.\n"
		"Without a command, gcrunner opens the full-screen wizard and dashboard.\n"),
	      out);
	fputs("\n", out);
	fputs(_("Options:\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"
		"  -v, --verbose        write a debug log to the state directory\n"
		"      --profile NAME   use this AWS profile (default: AWS_PROFILE or 'default')\n"
		"      --region NAME    use this AWS region (default: AWS_REGION or the profile's)\n"),
	      out);
	fputs(_("      --list-keys      list the full-screen program's keys and exit\n"), out);
	fputs("\n", out);
	fputs(_("Commands:\n"), out);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(out, "  %-12s %s\n", cli_commands[i]->name, _(cli_commands[i]->summary));
	fputs("\n", out);
	fprintf(out, _("Run '%s COMMAND --help' for a command's options.\n"), program);
	fputs(_("Exit status: 0 success, 1 failure, 2 usage error or invalid input.\n"), out);
}
