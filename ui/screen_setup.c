/* screen_setup.c: the first-start setup screen (see screen_setup.h).  All
 * AWS work is the engine's (src/setup/): this file shows its plan and its
 * progress lines and asks before applying. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/sts.h"
#include "i18n.h"
#include "paths.h"
#include "setup/setup.h"
#include "ui/draw.h"
#include "ui/screen_setup.h"
#include "ui/text.h"
#include "ui/theme.h"

#define SETUP_LINES 200

enum setup_state {
	SS_OFFER,         /* what setup is; Enter looks, Esc skips */
	SS_INSPECTING,
	SS_PLAN,          /* the plan; Enter asks, then applies */
	SS_APPLYING,
	SS_DONE,          /* Enter goes on to the wizard */
	SS_FAILED,        /* r tries again */
};

struct setup_screen {
	const struct ui_view_ops *next;
	void *next_data;
	bool handed_over;
	struct ui_app *app;
	struct gcr_settings *settings;     /* borrowed */
	char *config_path;
	enum setup_state state;
	struct gcr_aws *aws;
	struct gcr_setup *setup;
	char *lines[SETUP_LINES];           /* progress, newest last */
	size_t nlines;
	char error[GCR_ERROR_MESSAGE_MAX];
	int top;                            /* first plan row shown */
};

static int aws_files_exist(void)
{
	char *paths[2] = { gcr_aws_config_file_path(), gcr_aws_credentials_file_path() };
	int found = 0;

	for (int i = 0; i < 2; i++) {
		if (paths[i] && access(paths[i], R_OK) == 0)
			found = 1;
		free(paths[i]);
	}
	return found;
}

struct setup_screen *setup_screen_offer(struct gcr_settings *settings,
					const struct ui_view_ops *next, void *next_data)
{
	struct setup_screen *s;

	if (!settings || gcr_settings_existed(settings) || getenv("GCRUNNER_NO_SETUP_OFFER") ||
	    !aws_files_exist())
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->next = next;
	s->next_data = next_data;
	s->settings = settings;
	s->config_path = gcr_config_path();
	return s;
}

static void add_line(struct setup_screen *s, const char *text)
{
	if (s->nlines == SETUP_LINES) {
		free(s->lines[0]);
		memmove(s->lines, s->lines + 1, (SETUP_LINES - 1) * sizeof *s->lines);
		s->nlines--;
	}
	s->lines[s->nlines++] = gcr_strdup_printf("%s", text);
}

/* ---- the engine's callbacks ------------------------------------------------------ */

static void on_progress(const struct gcr_setup_item *item, const char *text, void *data)
{
	struct setup_screen *s = data;

	(void)item;
	add_line(s, text);
	if (s->app)
		ui_app_request_redraw(s->app);
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct setup_screen *s = data;

	if (st != GCR_OK) {
		snprintf(s->error, sizeof s->error, "%s", err ? err->message : "?");
		s->state = SS_FAILED;
	} else {
		s->state = s->state == SS_INSPECTING ? SS_PLAN : SS_DONE;
	}
	if (s->app)
		ui_app_request_redraw(s->app);
}

static void start_inspect(struct setup_screen *s)
{
	struct gcr_aws_options ao = { .loop = ui_app_loop(s->app) };
	struct gcr_setup_config c = { .settings = s->settings, .settings_path = s->config_path };
	struct gcr_error err;

	s->error[0] = '\0';
	gcr_setup_free(s->setup);
	s->setup = NULL;
	if (!s->aws)
		s->aws = gcr_aws_new(&ao, &err);
	if (s->aws)
		s->setup = gcr_setup_new(s->aws, &c, &err);
	if (!s->setup) {
		snprintf(s->error, sizeof s->error, "%s", err.message);
		s->state = SS_FAILED;
		return;
	}
	s->state = SS_INSPECTING;
	s->top = 0;
	gcr_setup_inspect(s->setup, GCR_SETUP_MODE_CREATE, on_progress, on_done, s);
}

static void on_confirm(void *data, bool yes)
{
	struct setup_screen *s = data;

	if (!yes)
		return;
	s->state = SS_APPLYING;
	gcr_setup_apply(s->setup, on_progress, on_done, s);
	ui_app_request_redraw(s->app);
}

static void hand_over(struct setup_screen *s)
{
	s->handed_over = true;
}

/* ---- the view ---------------------------------------------------------------------- */

static unsigned screen_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct setup_screen *s = data;
	char question[256];
	size_t n;

	if (s->handed_over)
		return s->next->event(s->next_data, app, ev);
	s->app = app;
	if (ev->kind != UI_EV_KEY)
		return 0;
	if (ev->action == UI_ACT_BACK && s->state != SS_APPLYING && s->state != SS_INSPECTING) {
		hand_over(s);
		return UI_HANDLED | UI_REDRAW | UI_RELAYOUT;
	}
	switch (ev->action) {
	case UI_ACT_SELECT:
		if (s->state == SS_OFFER) {
			start_inspect(s);
		} else if (s->state == SS_PLAN) {
			n = gcr_setup_pending(s->setup);
			if (n == 0) {
				/* Nothing to create: apply only writes the configuration. */
				on_confirm(s, true);
				break;
			}
			snprintf(question, sizeof question,
				 P_("Create or change %zu resource in your AWS account?",
					  "Create or change %zu resources in your AWS account?", n), n);
			ui_app_ask(app, question, _("Create"), _("Not now"), on_confirm, s);
		} else if (s->state == SS_DONE) {
			hand_over(s);
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_DOWN:
		s->top++;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_UP:
		if (s->top > 0)
			s->top--;
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}
	if (!ev->is_keycode && ev->key == 'r' && s->state == SS_FAILED) {
		start_inspect(s);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int draw_plan(struct setup_screen *s, int y, int h, int cols)
{
	size_t count = gcr_setup_count(s->setup);
	int row = 0;

	if (s->top > (int)count - 1)
		s->top = count > 0 ? (int)count - 1 : 0;
	for (size_t i = (size_t)s->top; i < count && row < h; i++, row++) {
		const struct gcr_setup_item *it = gcr_setup_item(s->setup, i);
		enum ui_role role = it->action == GCR_SETUP_CREATE || it->action == GCR_SETUP_CHANGE
				    ? UI_ROLE_WARNING : it->action == GCR_SETUP_UNKNOWN
				    ? UI_ROLE_ERROR : UI_ROLE_NORMAL;
		int x = 2;

		x += ui_draw_text(y + row, x, 9, role, gcr_setup_action_label(it->action)) + 1;
		x = 12;
		x += ui_draw_text_cut(y + row, x, 27, UI_ROLE_HINT, it->kind) + 1;
		x = 40;
		x += ui_draw_text_cut(y + row, x, cols - x - 1, UI_ROLE_NORMAL, it->name) + 1;
		if (it->detail && x < cols - 4)
			ui_draw_fmt(y + row, x + 1, cols - x - 2, UI_ROLE_HINT, "(%s)", it->detail);
	}
	return row;
}

static void screen_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct setup_screen *s = data;
	int y = 2, h;
	const char *hint = "";

	if (s->handed_over) {
		s->next->draw(s->next_data, app, rows, cols);
		return;
	}
	s->app = app;
	erase();
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	ui_draw_text(0, 1, cols - 2, UI_ROLE_TITLE, _("gcrunner: set up AWS"));
	h = rows - 4;
	switch (s->state) {
	case SS_OFFER:
		ui_draw_wrapped(y, 2, h, cols - 4, UI_ROLE_NORMAL,
				_("gcrunner is not set up for AWS yet.  Setup creates what runs need in "
				  "your account: an S3 bucket for your data, DynamoDB tables for run "
				  "records, IAM roles, a log group, and AWS Batch compute environments "
				  "(Graviton and x86, spot with on-demand behind), job queues and job "
				  "definitions.\n\nFirst it only looks at what exists and shows the plan; "
				  "nothing changes until you confirm.  You can skip this: the wizard and "
				  "the estimates work without AWS, and 'gcrunner setup' does the same "
				  "later from the command line."));
		hint = _("Enter: show the plan   Esc: skip");
		break;
	case SS_INSPECTING:
	case SS_APPLYING: {
		int shown = s->nlines < (size_t)h ? (int)s->nlines : h;
		ui_draw_text(y, 2, cols - 4, UI_ROLE_HEADING, s->state == SS_INSPECTING
			     ? _("Looking at what exists ...") : _("Creating ..."));
		for (int i = 0; i < shown - 1; i++)
			ui_draw_text_cut(y + 1 + i, 2, cols - 4, UI_ROLE_NORMAL,
					 s->lines[s->nlines - (size_t)(shown - 1) + (size_t)i]);
		hint = _("please wait");
		break;
	}
	case SS_PLAN:
		ui_draw_fmt(y, 2, cols - 4, UI_ROLE_HEADING,
			    _("Plan for account %s in %s: %zu to create or change"),
			    gcr_setup_identity(s->setup) ? gcr_setup_identity(s->setup)->account : "?",
			    gcr_setup_region(s->setup), gcr_setup_pending(s->setup));
		draw_plan(s, y + 2, h - 2, cols);
		hint = _("Enter: create (asks first)   Up/Down: scroll   Esc: skip");
		break;
	case SS_DONE:
		ui_draw_wrapped(y, 2, h, cols - 4, UI_ROLE_GOOD,
				_("Done: your AWS account is set up and gcrunner's configuration is "
				  "written.  Runs can be submitted now."));
		hint = _("Enter: go on to the wizard");
		break;
	case SS_FAILED:
		ui_draw_text(y, 2, cols - 4, UI_ROLE_ERROR, _("Setup could not go on:"));
		y += 1 + ui_draw_wrapped(y + 1, 2, h - 4, cols - 4, UI_ROLE_ERROR, s->error);
		ui_draw_wrapped(y + 1, 2, h - (y - 2) - 1, cols - 4, UI_ROLE_HINT,
				_("Sign in or choose a region with 'gcrunner setup' on the command line "
				  "(it guides you through profiles, IAM Identity Center and access "
				  "keys), or skip for now."));
		hint = _("r: try again   Esc: skip");
		break;
	}
	ui_draw_fill(rows - 1, 0, cols, UI_ROLE_STATUS);
	ui_draw_text(rows - 1, 1, cols - 2, UI_ROLE_STATUS, hint);
}

static void screen_help(void *data, const char **title, const char **text)
{
	struct setup_screen *s = data;

	if (s->handed_over) {
		s->next->help(s->next_data, title, text);
		return;
	}
	*title = _("Set up AWS");
	*text = _("Shows what gcrunner needs in your AWS account and creates it after you "
		  "confirm.  Every step checks first, so running it again creates nothing new.  "
		  "Esc skips to the wizard.");
}

static bool screen_unsaved(void *data)
{
	struct setup_screen *s = data;

	return s->handed_over && s->next->unsaved ? s->next->unsaved(s->next_data) : false;
}

const struct ui_view_ops setup_screen_view_ops = {
	.event = screen_event,
	.draw = screen_draw,
	.help = screen_help,
	.unsaved = screen_unsaved,
};

void setup_screen_free(struct setup_screen *s, uv_loop_t *loop)
{
	if (!s)
		return;
	gcr_setup_free(s->setup);
	if (s->aws)
		gcr_aws_free(s->aws);
	uv_run(loop, UV_RUN_DEFAULT);
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	free(s->config_path);
	free(s);
}
