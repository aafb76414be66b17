/* runs_cli.h: what `gcrunner jobs/logs/cancel/results` share -- the
 * command environment (submit.h), the runs model over it, one refresh, the
 * lookup of a run id with a clear message, and figures for people. */
#ifndef GCR_RUNS_CLI_H
#define GCR_RUNS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "runs/runs.h"
#include "submit/submit.h"

struct runs_cli {
	const struct cli_context *ctx;
	struct gcr_submit_env *e;
	struct gcr_runs *runs;
	int done;
	enum gcr_status status;
	struct gcr_error err;
};

/* Opens the environment, connects to AWS (offline with a warning when it
 * cannot) and builds the model.  Returns 0, or the exit status after an
 * error message. */
int runs_cli_open(struct runs_cli *c, const struct cli_context *ctx,
		  const struct gcr_runs_options *opt);
/* One refresh (table, states, run ends); warns on stderr about trouble.
 * Returns false when the refresh had trouble. */
bool runs_cli_refresh(struct runs_cli *c);
/* Runs the loop until c->done. */
void runs_cli_wait(struct runs_cli *c);
void runs_cli_close(struct runs_cli *c);

/* The run named by id, or NULL after printing why (exit status 2 in *status). */
const struct gcr_run *runs_cli_find(struct runs_cli *c, const struct cli_command *cmd,
				    const char *id, int *status);

/* The one ID argument after the options (argv[optind]); 0, or the usage
 * error's exit status. */
int runs_cli_take_id(const struct cli_context *ctx, const struct cli_command *cmd, int argc,
		     char **argv, const char **id);

/* "2d03h", "1h02m", "4m05s", "-" (s < 0). */
char *runs_cli_duration(int64_t s, char *buf, size_t len);
/* "$12.34" */
char *runs_cli_money(double usd, char *buf, size_t len);
/* "1.2 MB" */
char *runs_cli_size(uint64_t bytes, char *buf, size_t len);

#endif
