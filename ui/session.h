/* session.h: the engine environment the full-screen program shares between
 * its screens -- the wizard's Submit, the dashboard, setup.
 *
 * One journal, one set of settings and catalog, and one AWS client made on
 * first use (gcr_aws_new reads files only; credentials resolve
 * asynchronously), all on the app's loop.  Screens borrow the environment
 * through ui_session_env and never make their own clients, so the
 * dashboard's refresh and a submission share connections and the retry
 * quota. */
#ifndef GCR_UI_SESSION_H
#define GCR_UI_SESSION_H

#include <stdbool.h>

#include <uv.h>

#include "backend.h"
#include "error.h"

struct cli_context;
struct gcr_catalog;
struct gcr_settings;

struct ui_session;

/* Opens the journal; cat and settings are borrowed (settings may be NULL,
 * then an empty one is used) and must outlive the session.  ctx gives
 * --profile/--region.  Caller frees with ui_session_free. */
struct ui_session *ui_session_new(uv_loop_t *loop, struct gcr_catalog *cat,
				  struct gcr_settings *settings,
				  const struct cli_context *ctx, struct gcr_error *err);

/* The environment, with an AWS client when need_aws (made on first call;
 * NULL and err when it cannot be: malformed AWS configuration).  Without
 * need_aws, env->aws is whatever exists (maybe NULL).  Borrowed. */
struct gcr_backend_env *ui_session_env(struct ui_session *s, bool need_aws,
				       struct gcr_error *err);

/* Drops the AWS client so the next ui_session_env makes a new one (after
 * setup signed in, or the profile or region changed). */
void ui_session_reset_aws(struct ui_session *s);

/* Frees the client (its handles close on the loop: keep running it once
 * more) and the journal. */
void ui_session_free(struct ui_session *s);

#endif
