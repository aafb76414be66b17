/* screen_setup.h: the setup screen the TUI offers on first start.
 *
 * When gcrunner has no configuration file yet but the user has AWS
 * credentials set up in ~/.aws, the full-screen program opens on this
 * screen instead of the wizard: it explains what setup creates, shows the
 * plan (the engine's gcr_setup_inspect, describe calls only), applies it
 * after a yes/no question, and then hands the screen to the wizard.  Esc
 * skips at any point: the wizard and the estimates work without AWS.
 * Signing in (SSO, access keys) stays with `gcrunner setup` on the command
 * line, which the screen names when no credentials work.
 *
 * The screen is a view (struct ui_view_ops) wrapping the next view: once
 * done or skipped, every call goes to the next view. */
#ifndef GCR_UI_SCREEN_SETUP_H
#define GCR_UI_SCREEN_SETUP_H

#include "settings.h"
#include "ui/app.h"

struct setup_screen;

/* The screen if it should be offered (no configuration file, AWS files in
 * ~/.aws or their AWS_* paths, GCRUNNER_NO_SETUP_OFFER unset), else NULL.
 * settings is borrowed and written by setup; next/next_data is the view to
 * hand over to. */
struct setup_screen *setup_screen_offer(struct gcr_settings *settings,
					const struct ui_view_ops *next, void *next_data);

extern const struct ui_view_ops setup_screen_view_ops;

/* Stops what is in flight and frees (runs the loop until the AWS client's
 * handles are closed).  NULL is fine. */
void setup_screen_free(struct setup_screen *s, uv_loop_t *loop);

#endif
