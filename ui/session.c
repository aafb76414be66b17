/* session.c: the engine environment shared by the full-screen program's
 * screens (session.h). */
#include "config.h"

#include <stdlib.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "i18n.h"
#include "journal.h"
#include "settings.h"
#include "ui/session.h"

struct ui_session {
	struct gcr_backend_env env;
	struct gcr_settings *own_settings;   /* when the caller had none */
	const char *profile, *region;        /* from the command line, borrowed */
};

struct ui_session *ui_session_new(uv_loop_t *loop, struct gcr_catalog *cat,
				  struct gcr_settings *settings,
				  const struct cli_context *ctx, struct gcr_error *err)
{
	struct ui_session *s = calloc(1, sizeof *s);

	if (!s) {
		gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	if (!settings)
		settings = s->own_settings = gcr_settings_new();
	if (gcr_journal_open(NULL, &s->env.journal, err) != GCR_OK) {
		gcr_settings_free(s->own_settings);
		free(s);
		return NULL;
	}
	s->env.loop = loop;
	s->env.settings = settings;
	s->env.catalog = cat;
	s->profile = ctx ? ctx->profile : NULL;
	s->region = ctx ? ctx->region : NULL;
	return s;
}

struct gcr_backend_env *ui_session_env(struct ui_session *s, bool need_aws,
				       struct gcr_error *err)
{
	if (need_aws && !s->env.aws) {
		struct gcr_aws_options o = { .loop = s->env.loop };
		const char *p = gcr_settings_get(s->env.settings, "aws.profile");
		const char *r = gcr_settings_get(s->env.settings, "aws.region");

		o.profile = s->profile ? s->profile : p && *p ? p : NULL;
		o.region = s->region ? s->region : r && *r ? r : NULL;
		s->env.aws = gcr_aws_new(&o, err);
		if (!s->env.aws)
			return NULL;
	}
	return &s->env;
}

void ui_session_reset_aws(struct ui_session *s)
{
	if (s->env.aws) {
		gcr_aws_free(s->env.aws);
		s->env.aws = NULL;
	}
}

void ui_session_free(struct ui_session *s)
{
	if (!s)
		return;
	ui_session_reset_aws(s);
	gcr_journal_close(s->env.journal);
	gcr_settings_free(s->own_settings);
	free(s);
}
