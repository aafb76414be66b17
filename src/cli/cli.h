/* cli.h: the subcommand table, in the style of tmux's cmd_entry list.
 *
 * One file per subcommand (src/cli/cmd_<name>.c) defines a
 * `const struct cli_command cli_cmd_<name>`; table.c lists them all.  The
 * table drives dispatch, `gcrunner --help` and the man page's command list. */
#ifndef GCR_CLI_H
#define GCR_CLI_H

#include <stdio.h>

/* Options that come before the subcommand and apply to every one. */
struct cli_context {
	const char *program;  /* "gcrunner" as invoked, for messages */
	int verbose;          /* -v given: debug log written to the state dir */
	const char *profile;  /* --profile NAME, or NULL */
	const char *region;   /* --region NAME, or NULL */
};

struct cli_command {
	const char *name;
	const char *usage;    /* N_() text after the name, e.g. "[--json]" */
	const char *summary;  /* N_() one line for the command list */
	const char *options;  /* N_() option lines for `gcrunner NAME --help`, or NULL */
	/* Returns the process exit status: 0 ok, 1 failure, 2 usage error. */
	int (*exec)(const struct cli_context *ctx, int argc, char **argv);
};

extern const struct cli_command *const cli_commands[];

const struct cli_command *cli_find(const char *name);

/* Prints "Usage: gcrunner NAME USAGE", the summary and the options. */
void cli_print_command_help(FILE *out, const struct cli_context *ctx,
			    const struct cli_command *cmd);

/* Prints "gcrunner NAME: <message>" and a hint to --help on stderr;
 * returns 2, the usage exit status. */
int cli_usage_error(const struct cli_context *ctx, const struct cli_command *cmd,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For getopt_long's '?' and ':' results (use an optstring starting "+:"):
 * names the bad or incomplete option and returns 2. */
int cli_option_error(const struct cli_context *ctx, const struct cli_command *cmd,
		     int getopt_result, char **argv);

/* Prints "gcrunner: <message>" on stderr and returns the exit status the
 * error's code maps to. */
struct gcr_error;
int cli_fail(const struct cli_context *ctx, const struct gcr_error *err);

/* Prints the global help (usage, options, command list). */
void cli_print_help(FILE *out, const char *program);

#endif
