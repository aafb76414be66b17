/* screen_setup.h: the setup screen the TUI offers on first start.
 *
 * When gcrunner has no configuration file yet but the user has AWS
 * credentials set up in ~/.aws, the full-screen program opens on this
 * screen instead of the wizard: it explains what setup creates, shows the
 * plan (the engine's gcr_setup_inspect, describe calls only), applies it
 * after a yes/no question, and then hands the screen to the wizard.  Esc
 * skips at any point: the wizard and the estimates work without AWS.
 * Before the plan: who the user is (STS GetCallerIdentity, shown as in
 * `gcrunner whoami`), and when no credentials work, the sign-in -- a
 * profile from ~/.aws, AWS IAM Identity Center by device code (the token
 * cached where the AWS CLI keeps it), or an access key pair merged into
 * ~/.aws/credentials (0600; the secret drawn as '*' only) -- through the
 * same engine functions as `gcrunner setup` (src/setup/guide.h,
 * sso_login.h); then the region with advice (where the input data is,
 * families offered, prices) and the vCPU quotas against what a typical run
 * needs, with an increase request.  Missing permissions are named.
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

/* Optional: the catalog and the user's choices so far (both borrowed,
 * must outlive the screen; choices may be NULL) for the typical run the
 * quota view compares with.  Without it the screen reads its own catalog
 * and uses the default run (what the wizard holds on first start). */
struct gcr_catalog;
struct gcr_spec;
void setup_screen_use_choices(struct setup_screen *s, const struct gcr_catalog *cat,
			      const struct gcr_spec *choices);

extern const struct ui_view_ops setup_screen_view_ops;

/* Stops what is in flight and frees (runs the loop until the AWS client's
 * handles are closed).  NULL is fine. */
void setup_screen_free(struct setup_screen *s, uv_loop_t *loop);

#endif
