/* live_prices.h: fetching live prices in the background while the wizard
 * runs.
 *
 * When AWS credentials look available and the price cache is missing or
 * old, the wizard runs `gcrunner prices refresh` as a child process on the
 * loop (uv_spawn, no terminal access, so input never waits for it).  When
 * it succeeds the cache it wrote is read into the catalog and the wizard
 * re-estimates and repaints (wizard_prices_updated).  A failure only changes
 * the price line: the catalog's prices stay. */
#ifndef GCR_UI_LIVE_PRICES_H
#define GCR_UI_LIVE_PRICES_H

#include <stdbool.h>

#include <uv.h>

#include "cli/cli.h"
#include "ui/wizard.h"

struct live_prices;

/* Whether AWS credentials could be found without network access: the
 * variables and files the AWS SDKs read (no instance metadata query).
 * Also what the start-up settling of submissions asks (submit_flow.c). */
bool ui_aws_credentials_likely(void);

/* Starts the fetch if it makes sense; returns NULL when nothing was started.
 * GCR_TUI_PRICES_COMMAND, when set, is run with /bin/sh -c instead (tests
 * use it to deliver a price cache at a chosen moment). */
struct live_prices *live_prices_start(uv_loop_t *loop, struct wizard *w,
				      const struct cli_context *ctx);

/* Stops a fetch still running (SIGTERM) and frees everything once its
 * handle is closed; runs the loop until then. */
void live_prices_stop(struct live_prices *lp);

#endif
