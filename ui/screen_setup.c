/* screen_setup.c: the first-start setup screen (see screen_setup.h).  All
 * AWS work is the engine's (src/setup/: sign-in, region advice, quotas,
 * the plan); this file shows what it finds, asks, and never blocks the
 * loop -- every call answers through a callback.
 *
 * The steps, in order: who am I (STS GetCallerIdentity; when nothing
 * works, the sign-in: a profile, IAM Identity Center by device code, or an
 * access key) -> the region (with advice) -> the vCPU quotas against what
 * a typical run needs (with an increase request) -> the plan -> apply. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/sts.h"
#include "catalog.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "setup/guide.h"
#include "setup/setup.h"
#include "setup/sso_login.h"
#include "ui/draw.h"
#include "ui/form.h"
#include "ui/screen_setup.h"
#include "ui/text.h"
#include "ui/theme.h"

#define SETUP_LINES 200

enum setup_state {
	SS_OFFER,         /* what setup is; Enter looks, Esc skips */
	SS_IDENTIFYING,   /* STS GetCallerIdentity */
	SS_SIGNIN,        /* no credentials work: how to sign in (menu) */
	SS_PROFILE,       /* pick a profile from ~/.aws */
	SS_SSO_FORM,      /* start URL, SSO region, session and profile names */
	SS_SSO_WAIT,      /* the URL and code shown; CreateToken polled */
	SS_SSO_PICK,      /* which account, then which role */
	SS_KEY_FORM,      /* an access key pair */
	SS_REGION,        /* the region, with advice */
	SS_QUOTAS_READING,
	SS_QUOTAS,        /* quotas against the typical run; i requests more */
	SS_INSPECTING,
	SS_PLAN,          /* the plan; Enter asks, then applies */
	SS_APPLYING,
	SS_DONE,          /* Enter goes on to the wizard */
	SS_FAILED,        /* r tries again */
};

/* Form field tags. */
enum { F_MENU = 1, F_LIST, F_URL, F_SSO_REGION, F_SESSION, F_PROFILE, F_KEY_ID, F_SECRET,
       F_REGION };

/* Sign-in menu entries (item ids). */
#define MENU_PROFILE "profile"
#define MENU_SSO "sso"
#define MENU_KEY "key"

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
	char message[GCR_ERROR_MESSAGE_MAX];   /* a note under the current step */
	enum ui_role message_role;
	int top;                            /* first plan row shown */

	/* Who and where. */
	char *profile;                      /* NULL: the credential chain's default */
	char *region;                       /* NULL: the client's */
	bool identified, region_confirmed, quotas_seen;
	char whoami[GCR_ERROR_MESSAGE_MAX];
	int calls;                          /* our AWS calls in flight (not the plan's) */

	/* Sign-in. */
	struct ui_form form;
	char **profiles;
	size_t nprofiles;
	struct gcr_sso_login *sso;
	char sso_profile[UI_TEXT_MAX];
	char sso_code[32], sso_url[512];
	int sso_expires_min;
	bool sso_picking_role;
	char sso_account[32];

	/* The typical run (region advice, quotas). */
	struct gcr_catalog *own_cat;        /* loaded at the offer, before the loop runs */
	const struct gcr_catalog *cat;      /* own_cat or the caller's */
	const struct gcr_spec *choices;     /* the user's choices so far, or NULL */

	/* Quotas. */
	struct gcr_setup_quota quotas[2];
	struct gcr_setup_need need;
	int quota_asking;                   /* index asked about, or -1 */
	int quota_requesting;               /* index of the request in flight */
	bool requested[2];                  /* an increase was requested */
};

/* Skipping the offer is remembered in the state directory (not in the
 * configuration, which stays the user's): it is offered on the first
 * start only, and `gcrunner setup` is always there. */
static char *skip_marker_path(void)
{
	char *dir = gcr_dir(GCR_DIR_STATE);
	char *path = dir ? gcr_strdup_printf("%s/setup-offer-skipped", dir) : NULL;

	free(dir);
	return path;
}

static bool offer_was_skipped(void)
{
	char *path = skip_marker_path();
	bool skipped = path && access(path, F_OK) == 0;

	free(path);
	return skipped;
}

static void remember_skip(void)
{
	char *path = skip_marker_path();
	struct gcr_error err;
	static const char text[] = "The setup offer was skipped; run 'gcrunner setup' any time.\n";

	if (path && gcr_write_file_atomic(path, text, sizeof text - 1, 0600, &err) != GCR_OK)
		gcr_log_debug("cannot remember the skipped setup offer: %s", err.message);
	free(path);
}

struct setup_screen *setup_screen_offer(struct gcr_settings *settings,
					const struct ui_view_ops *next, void *next_data)
{
	struct setup_screen *s;

	if (!settings || gcr_settings_existed(settings) || getenv("GCRUNNER_NO_SETUP_OFFER") ||
	    offer_was_skipped())
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->next = next;
	s->next_data = next_data;
	s->settings = settings;
	s->config_path = gcr_config_path();
	s->quota_asking = -1;
	s->quota_requesting = -1;
	ui_form_init(&s->form);
	/* For the region advice and the typical run: read now, so the loop
	 * never waits for it (setup_screen_use_choices may replace it). */
	{
		struct gcr_error err;
		if (gcr_catalog_load(NULL, &s->own_cat, &err) != GCR_OK)
			s->own_cat = NULL;
		s->cat = s->own_cat;
	}
	return s;
}

void setup_screen_use_choices(struct setup_screen *s, const struct gcr_catalog *cat,
			      const struct gcr_spec *choices)
{
	if (!s)
		return;
	if (cat)
		s->cat = cat;
	s->choices = choices;
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

static void redraw(struct setup_screen *s)
{
	if (s->app)
		ui_app_request_redraw(s->app);
}

static void set_message(struct setup_screen *s, enum ui_role role, const char *text)
{
	snprintf(s->message, sizeof s->message, "%s", text ? text : "");
	s->message_role = role;
}

static void fail(struct setup_screen *s, const char *why)
{
	snprintf(s->error, sizeof s->error, "%s", why ? why : "?");
	s->state = SS_FAILED;
	redraw(s);
}

static void replace_str(char **dst, const char *value)
{
	free(*dst);
	*dst = value && *value ? gcr_strdup_printf("%s", value) : NULL;
}

/* ---- the AWS client --------------------------------------------------------------- */

static void drop_client(struct setup_screen *s)
{
	gcr_setup_free(s->setup);
	s->setup = NULL;
	if (s->aws)
		gcr_aws_free(s->aws);
	s->aws = NULL;
}

static bool ensure_client(struct setup_screen *s)
{
	struct gcr_aws_options ao = { .loop = ui_app_loop(s->app), .profile = s->profile,
				      .region = s->region };
	struct gcr_error err;

	if (s->aws)
		return true;
	s->aws = gcr_aws_new(&ao, &err);
	if (!s->aws)
		fail(s, err.message);
	return s->aws != NULL;
}

static void advance(struct setup_screen *s);

/* ---- the form of a step ---------------------------------------------------------------- */

static struct ui_field *text_field(struct setup_screen *s, int tag, const char *label,
				   const char *value, int width)
{
	struct ui_field *f = ui_form_add_field(&s->form, UI_FIELD_TEXT, tag, label);

	f->width = width;
	ui_field_set_text(&s->form, f, value ? value : "");
	return f;
}

/* Forgets the form (a secret typed into it is wiped). */
static void clear_form(struct setup_screen *s)
{
	ui_form_free(&s->form);
	memset(&s->form, 0, sizeof s->form);
	ui_form_init(&s->form);
}

static void begin_form(struct setup_screen *s)
{
	clear_form(s);
	ui_form_begin(&s->form);
}

static void end_form(struct setup_screen *s)
{
	ui_form_end(&s->form);
	ui_form_focus_first(&s->form);
}

static const char *field_text(struct setup_screen *s, int tag)
{
	struct ui_field *f = ui_form_field_by_tag(&s->form, tag);

	return f ? f->text : "";
}

/* ---- who am I --------------------------------------------------------------------------- */

static void show_signin(struct setup_screen *s, const char *why);

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct setup_screen *s = data;
	const struct gcr_aws_credentials *creds;
	char redacted[GCR_AWS_REDACTED_MAX], where[1024];
	const char *source, *home = getenv("HOME"), *at;

	s->calls--;
	if (st == GCR_ERR_CANCELLED)
		return;
	if (st != GCR_OK) {
		show_signin(s, err ? err->message : "?");
		return;
	}
	creds = gcr_aws_credentials_cached(gcr_aws_client_credentials(s->aws));
	source = creds ? gcr_credentials_describe_source(creds) : "?";
	/* "profile lab in /home/me/.aws/credentials" reads better with ~. */
	if (home && *home && (at = strstr(source, home)) != NULL && at[strlen(home)] == '/')
		snprintf(where, sizeof where, "%.*s~%s", (int)(at - source), source, at + strlen(home));
	else
		snprintf(where, sizeof where, "%s", source);
	snprintf(s->whoami, sizeof s->whoami, _("Signed in as %s (account %s)\nCredentials: %s (%s)"),
		 id->arn, id->account, where,
		 creds ? gcr_aws_redact_key_id(creds->access_key_id, redacted) : "?");
	s->identified = true;
	advance(s);
}

static void start_identify(struct setup_screen *s)
{
	s->state = SS_IDENTIFYING;
	s->calls++;
	gcr_sts_get_caller_identity(s->aws, NULL, on_identity, s);
}

/* ---- sign-in ------------------------------------------------------------------------------ */

static void show_signin(struct setup_screen *s, const char *why)
{
	struct gcr_error err;
	struct gcr_aws_config *cfg = gcr_aws_config_load(&err);
	struct ui_field *menu;

	gcr_setup_free_strings(s->profiles);
	s->profiles = cfg ? gcr_setup_list_profiles(cfg, &s->nprofiles) : NULL;
	if (!s->profiles)
		s->nprofiles = 0;
	gcr_aws_config_free(cfg);
	snprintf(s->error, sizeof s->error, "%s", why ? why : "");
	set_message(s, UI_ROLE_NORMAL, NULL);
	begin_form(s);
	menu = ui_form_add_field(&s->form, UI_FIELD_VIEW, F_MENU, _("How do you want to sign in to AWS?"));
	if (s->nprofiles > 0)
		ui_field_add_item(menu, MENU_PROFILE, _("Use a profile from ~/.aws"));
	ui_field_add_item(menu, MENU_SSO, _("AWS IAM Identity Center (SSO): sign in in a web browser"));
	ui_field_add_item(menu, MENU_KEY, _("Enter an access key (stored in ~/.aws/credentials)"));
	end_form(s);
	s->state = SS_SIGNIN;
	redraw(s);
}

/* A profile is ready: try it. */
static void use_profile(struct setup_screen *s, const char *profile)
{
	clear_form(s);
	drop_client(s);
	replace_str(&s->profile, profile);
	s->identified = false;
	set_message(s, UI_ROLE_NORMAL, NULL);
	advance(s);
}

static void show_profiles(struct setup_screen *s)
{
	struct ui_field *list;

	begin_form(s);
	list = ui_form_add_field(&s->form, UI_FIELD_VIEW, F_LIST, _("Profiles in ~/.aws"));
	for (size_t i = 0; i < s->nprofiles; i++)
		ui_field_add_item(list, s->profiles[i], s->profiles[i]);
	end_form(s);
	s->state = SS_PROFILE;
}

static void show_sso_form(struct setup_screen *s)
{
	begin_form(s);
	text_field(s, F_URL, _("SSO start URL (https://....awsapps.com/start)"), "", 56);
	text_field(s, F_SSO_REGION, _("SSO region (where IAM Identity Center runs)"), "us-east-1", 16);
	text_field(s, F_SESSION, _("Name for this SSO session"), "gcrunner", 24);
	text_field(s, F_PROFILE, _("Profile name to create"), "gcrunner", 24);
	end_form(s);
	s->state = SS_SSO_FORM;
}

static void show_key_form(struct setup_screen *s)
{
	struct ui_field *secret;
	const char *region = s->region ? s->region
			   : s->aws && gcr_aws_client_region(s->aws) ? gcr_aws_client_region(s->aws)
			   : GCR_SETUP_INPUT_DATA_REGION;

	begin_form(s);
	text_field(s, F_PROFILE, _("Profile name"), "default", 24);
	text_field(s, F_KEY_ID, _("Access key id"), "", 24);
	secret = text_field(s, F_SECRET, _("Secret access key (not shown)"), "", 44);
	secret->secret = true;
	text_field(s, F_REGION, _("Region"), region, 16);
	end_form(s);
	s->state = SS_KEY_FORM;
}

static void store_key(struct setup_screen *s)
{
	struct gcr_error err;
	char profile[UI_TEXT_MAX];
	struct ui_field *secret = ui_form_field_by_tag(&s->form, F_SECRET);

	snprintf(profile, sizeof profile, "%s", *field_text(s, F_PROFILE) ? field_text(s, F_PROFILE)
		 : "default");
	if (gcr_setup_store_access_key(profile, field_text(s, F_KEY_ID), secret ? secret->text : "",
				       field_text(s, F_REGION), &err) != GCR_OK) {
		set_message(s, UI_ROLE_ERROR, err.message);
		return;
	}
	if (*field_text(s, F_REGION))
		replace_str(&s->region, field_text(s, F_REGION));
	use_profile(s, profile);    /* wipes the form, and the secret with it */
}

/* IAM Identity Center: the device code, then the account and role. */
static void sso_pick_or_take(struct setup_screen *s, json_t *list, const char *key,
			     const char *label_key, const char *title);

/* The portal's accounts (sso_picking_role false) or roles (true). */
static void on_sso_list(enum gcr_status st, const struct gcr_error *err, json_t *answer,
			void *data)
{
	struct setup_screen *s = data;

	if (st == GCR_ERR_CANCELLED)
		return;
	if (st != GCR_OK) {
		show_signin(s, err ? err->message : "?");
		return;
	}
	if (s->sso_picking_role)
		sso_pick_or_take(s, json_object_get(answer, "roleList"), "roleName", NULL,
				 _("Which role?"));
	else
		sso_pick_or_take(s, json_object_get(answer, "accountList"), "accountId",
				 "accountName", _("Which account?"));
}

/* The account or role chosen (id): go on. */
static void sso_chosen(struct setup_screen *s, const char *id)
{
	struct gcr_error err;

	if (!s->sso_picking_role) {
		snprintf(s->sso_account, sizeof s->sso_account, "%s", id);
		s->state = SS_SSO_WAIT;
		s->sso_picking_role = true;
		set_message(s, UI_ROLE_NORMAL, _("Reading the roles ..."));
		gcr_sso_list_roles(s->sso, s->sso_account, on_sso_list, s);
		redraw(s);
		return;
	}
	if (gcr_sso_write_profile(s->sso, s->sso_account, id, &err) != GCR_OK) {
		show_signin(s, err.message);
		return;
	}
	use_profile(s, s->sso_profile);
}

static void sso_pick_or_take(struct setup_screen *s, json_t *list, const char *key,
			     const char *label_key, const char *title)
{
	struct ui_field *fld;
	size_t i, n = json_array_size(list);
	json_t *e;

	if (n == 0) {
		show_signin(s, s->sso_picking_role
			    ? _("no role is assigned to this SSO user in that account")
			    : _("this SSO user has access to no AWS account"));
		return;
	}
	if (n == 1) {
		char id[128];
		snprintf(id, sizeof id, "%s", json_string_value(json_object_get(json_array_get(list, 0),
										 key)));
		sso_chosen(s, id);
		return;
	}
	begin_form(s);
	fld = ui_form_add_field(&s->form, UI_FIELD_VIEW, F_LIST, title);
	json_array_foreach(list, i, e) {
		const char *id = json_string_value(json_object_get(e, key));
		const char *label = label_key ? json_string_value(json_object_get(e, label_key)) : NULL;
		char text[UI_LABEL_MAX];
		snprintf(text, sizeof text, "%s%s%s", id ? id : "?", label ? "  " : "", label ? label : "");
		ui_field_add_item(fld, id ? id : "", text);
	}
	end_form(s);
	s->state = SS_SSO_PICK;
	set_message(s, UI_ROLE_NORMAL, NULL);
	redraw(s);
}

static void on_sso_prompt(const struct gcr_sso_device_prompt *p, void *data)
{
	struct setup_screen *s = data;

	snprintf(s->sso_url, sizeof s->sso_url, "%s", p->verification_uri_complete
		 ? p->verification_uri_complete : p->verification_uri ? p->verification_uri : "?");
	snprintf(s->sso_code, sizeof s->sso_code, "%s", p->user_code ? p->user_code : "?");
	s->sso_expires_min = (p->expires_in + 59) / 60;
	set_message(s, UI_ROLE_NORMAL, NULL);
	redraw(s);
}

static void on_sso_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct setup_screen *s = data;

	if (st == GCR_ERR_CANCELLED)
		return;
	if (st != GCR_OK) {
		show_signin(s, err ? err->message : "?");
		return;
	}
	s->sso_code[0] = '\0';    /* confirmed: no code to show any more */
	set_message(s, UI_ROLE_GOOD, _("Signed in to IAM Identity Center.  Reading your accounts ..."));
	s->sso_picking_role = false;
	gcr_sso_list_accounts(s->sso, on_sso_list, s);
	redraw(s);
}

static void start_sso(struct setup_screen *s)
{
	struct gcr_sso_login_options o = { 0 };
	struct gcr_error err;
	char url[UI_TEXT_MAX], sso_region[UI_TEXT_MAX], session[UI_TEXT_MAX];

	snprintf(url, sizeof url, "%s", field_text(s, F_URL));
	snprintf(sso_region, sizeof sso_region, "%s", *field_text(s, F_SSO_REGION)
		 ? field_text(s, F_SSO_REGION) : "us-east-1");
	snprintf(session, sizeof session, "%s", *field_text(s, F_SESSION)
		 ? field_text(s, F_SESSION) : "gcrunner");
	snprintf(s->sso_profile, sizeof s->sso_profile, "%s", *field_text(s, F_PROFILE)
		 ? field_text(s, F_PROFILE) : "gcrunner");
	o.start_url = url;
	o.sso_region = sso_region;
	o.session_name = session;
	o.profile = s->sso_profile;
	o.region = s->region ? s->region : s->aws ? gcr_aws_client_region(s->aws) : NULL;
	gcr_sso_login_free(s->sso);
	s->sso_code[0] = s->sso_url[0] = '\0';
	s->sso = gcr_sso_login_start(ui_app_loop(s->app), &o, on_sso_prompt, on_sso_done, s, &err);
	if (!s->sso) {
		set_message(s, UI_ROLE_ERROR, err.message);
		return;
	}
	set_message(s, UI_ROLE_NORMAL, _("Starting the sign-in ..."));
	s->state = SS_SSO_WAIT;
}

/* ---- region ---------------------------------------------------------------------------------- */

static void show_regions(struct setup_screen *s)
{
	const struct gcr_catalog *cat = s->cat;
	const char *current = s->region ? s->region : s->aws ? gcr_aws_client_region(s->aws) : NULL;
	json_t *advice = cat ? gcr_setup_region_advice(cat) : NULL, *a;
	struct ui_field *list;
	size_t i;
	int cursor = -1;

	begin_form(s);
	list = ui_form_add_field(&s->form, UI_FIELD_VIEW, F_LIST,
				 _("  Region       Graviton  x86   price vs us-east-1"));
	json_array_foreach(advice, i, a) {
		const char *region = json_string_value(json_object_get(a, "region"));
		json_t *rel = json_object_get(a, "relative_to_us_east_1");
		char text[UI_LABEL_MAX], price[16] = "?";
		struct ui_item *it;
		if (json_is_number(rel))
			snprintf(price, sizeof price, "%+.0f%%", (json_number_value(rel) - 1) * 100);
		snprintf(text, sizeof text, "%-12s %8zu %4zu  %6s%s", region,
			 json_array_size(json_object_get(a, "arm64_types")),
			 json_array_size(json_object_get(a, "x86_64_types")), price,
			 json_is_true(json_object_get(a, "input_data_local"))
			 ? _("  <- GEOS-Chem input data") : "");
		it = ui_field_add_item(list, region, text);
		if (current && strcmp(current, region) == 0) {
			snprintf(it->badge, sizeof it->badge, "%s", _("current"));
			cursor = (int)i;
		}
	}
	if (!current) {
		/* No region yet: suggest the one with the input data. */
		json_array_foreach(advice, i, a)
			if (json_is_true(json_object_get(a, "input_data_local")))
				cursor = (int)i;
	}
	json_decref(advice);
	end_form(s);
	if (cursor >= 0)
		list->cursor = cursor;
	s->state = SS_REGION;
}

static void region_chosen(struct setup_screen *s, const char *region)
{
	const char *was = s->aws ? gcr_aws_client_region(s->aws) : NULL;

	clear_form(s);
	s->region_confirmed = true;
	if (!was || strcmp(was, region) != 0) {
		drop_client(s);
		replace_str(&s->region, region);
	}
	advance(s);
}

/* ---- quotas ------------------------------------------------------------------------------------ */

static void on_quotas(const struct gcr_setup_quota *q, size_t n, void *data)
{
	struct setup_screen *s = data;

	s->calls--;
	for (size_t i = 0; i < n && i < 2; i++)
		s->quotas[i] = q[i];
	if (s->state != SS_QUOTAS_READING)
		return;
	s->state = SS_QUOTAS;
	redraw(s);
}

static void start_quotas(struct setup_screen *s)
{
	if (s->cat) {
		/* The run the user is putting together (NULL: nothing chosen
		 * yet, as on first start -- the default run). */
		gcr_setup_typical_need(s->cat, s->choices, gcr_aws_client_region(s->aws), &s->need);
	} else {
		memset(&s->need, 0, sizeof s->need);
		s->need.vcpus = 64;
		snprintf(s->need.basis, sizeof s->need.basis, "%s", _("one 64-vCPU instance"));
	}
	s->state = SS_QUOTAS_READING;
	s->calls++;
	gcr_setup_check_quotas(s->aws, s->need.vcpus, on_quotas, s);
}

static int low_quota(const struct setup_screen *s)
{
	for (int i = 0; i < 2; i++)
		if (s->quotas[i].value >= 0 && s->quotas[i].value < s->quotas[i].needed &&
		    !s->requested[i])
			return i;
	return -1;
}

static void on_requested(enum gcr_status st, const struct gcr_error *err, const char *status,
			 void *data)
{
	struct setup_screen *s = data;
	char text[GCR_ERROR_MESSAGE_MAX];

	s->calls--;
	if (st == GCR_ERR_CANCELLED)
		return;
	if (st != GCR_OK) {
		set_message(s, UI_ROLE_ERROR, err ? err->message : "?");
	} else {
		if (s->quota_requesting >= 0)
			s->requested[s->quota_requesting] = true;
		snprintf(text, sizeof text,
			 _("Increase requested (status %s).  AWS decides within 24-48 hours."),
			 status ? status : "?");
		set_message(s, UI_ROLE_GOOD, text);
	}
	redraw(s);
}

static void on_request_answer(void *data, bool yes)
{
	struct setup_screen *s = data;
	int i = s->quota_asking;

	s->quota_asking = -1;
	if (!yes || i < 0 || !s->aws)
		return;
	set_message(s, UI_ROLE_NORMAL, _("Requesting ..."));
	s->quota_requesting = i;
	s->calls++;
	gcr_setup_request_quota(s->aws, s->quotas[i].code, s->quotas[i].needed * 4, on_requested, s);
	redraw(s);
}

static void ask_increase(struct setup_screen *s)
{
	char question[512];
	int i = low_quota(s);

	if (i < 0)
		return;
	s->quota_asking = i;
	snprintf(question, sizeof question,
		 _("Ask AWS to raise %s to %.0f vCPUs (four typical runs)?  AWS decides within "
		   "24-48 hours."), s->quotas[i].label, s->quotas[i].needed * 4);
	ui_app_ask(s->app, question, _("Request"), _("Not now"), on_request_answer, s);
}

/* ---- the plan ---------------------------------------------------------------------------------- */

static void on_progress(const struct gcr_setup_item *item, const char *text, void *data)
{
	struct setup_screen *s = data;

	(void)item;
	add_line(s, text);
	redraw(s);
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct setup_screen *s = data;

	if (st == GCR_ERR_CANCELLED)
		return;
	if (st == GCR_ERR_AUTH && s->state == SS_INSPECTING && s->setup &&
	    gcr_setup_count(s->setup) > 0) {
		/* Missing permissions: the plan, with each one named. */
		snprintf(s->error, sizeof s->error, "%s", err ? err->message : "?");
		s->state = SS_PLAN;
	} else if (st != GCR_OK) {
		fail(s, err ? err->message : "?");
		return;
	} else {
		s->state = s->state == SS_INSPECTING ? SS_PLAN : SS_DONE;
	}
	redraw(s);
}

static void start_inspect(struct setup_screen *s)
{
	struct gcr_setup_config c = { .settings = s->settings, .settings_path = s->config_path,
				      .profile = s->profile };
	struct gcr_error err;

	s->error[0] = '\0';
	gcr_setup_free(s->setup);
	s->setup = gcr_setup_new(s->aws, &c, &err);
	if (!s->setup) {
		fail(s, err.message);
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
	redraw(s);
}

/* ---- the order of the steps ---------------------------------------------------------------------- */

/* Goes to the first step not done yet: credentials (a region is needed to
 * ask STS), region, quotas, the plan. */
static void advance(struct setup_screen *s)
{
	if (!ensure_client(s))
		return;
	if (!gcr_aws_client_region(s->aws) && !s->region_confirmed)
		show_regions(s);
	else if (!s->identified)
		start_identify(s);
	else if (!s->region_confirmed)
		show_regions(s);
	else if (!s->quotas_seen)
		start_quotas(s);
	else
		start_inspect(s);
	redraw(s);
}

static void restart(struct setup_screen *s)
{
	drop_client(s);
	s->identified = s->region_confirmed = s->quotas_seen = false;
	set_message(s, UI_ROLE_NORMAL, NULL);
	s->error[0] = '\0';
	advance(s);
}

static void hand_over(struct setup_screen *s)
{
	/* Whatever is still in flight (a sign-in, a quota read) stops here. */
	gcr_sso_login_free(s->sso);
	s->sso = NULL;
	drop_client(s);
	clear_form(s);
	s->handed_over = true;
}

/* ---- the view ---------------------------------------------------------------------------------- */

/* A form step's result: Enter on a list item, or on a form's last field. */
static unsigned form_submitted(struct setup_screen *s, const struct ui_form_result *r)
{
	const struct ui_field *fld = &s->form.fields[r->field];
	char id[UI_ITEM_ID_MAX];

	/* A copy: the steps below replace the form (and its items). */
	snprintf(id, sizeof id, "%s", r->item >= 0 && r->item < fld->nitems
		 ? fld->items[r->item].id : "");

	switch (s->state) {
	case SS_SIGNIN:
		if (strcmp(id, MENU_PROFILE) == 0)
			show_profiles(s);
		else if (strcmp(id, MENU_SSO) == 0)
			show_sso_form(s);
		else if (strcmp(id, MENU_KEY) == 0)
			show_key_form(s);
		break;
	case SS_PROFILE:
		use_profile(s, id);
		break;
	case SS_SSO_PICK:
		sso_chosen(s, id);
		break;
	case SS_REGION:
		region_chosen(s, id);
		break;
	case SS_SSO_FORM:
	case SS_KEY_FORM:
		/* Enter moves to the next field; on the last one it goes. */
		if (!ui_form_focus_is_last_field(&s->form)) {
			ui_form_focus_step(&s->form, 1);
			break;
		}
		if (s->state == SS_SSO_FORM)
			start_sso(s);
		else
			store_key(s);
		break;
	default:
		break;
	}
	return UI_HANDLED | UI_REDRAW;
}

static bool form_state(enum setup_state st)
{
	return st == SS_SIGNIN || st == SS_PROFILE || st == SS_SSO_FORM || st == SS_SSO_PICK ||
	       st == SS_KEY_FORM || st == SS_REGION;
}

/* Esc: one step back inside the sign-in, else skip setup. */
static unsigned go_back(struct setup_screen *s)
{
	switch (s->state) {
	case SS_PROFILE:
	case SS_SSO_FORM:
	case SS_KEY_FORM:
	case SS_SSO_PICK:
	case SS_SSO_WAIT: {
		char why[GCR_ERROR_MESSAGE_MAX];
		snprintf(why, sizeof why, "%s", s->error);
		gcr_sso_login_free(s->sso);
		s->sso = NULL;
		show_signin(s, why);
		return UI_HANDLED | UI_REDRAW;
	}
	case SS_APPLYING:
	case SS_INSPECTING:
		return UI_HANDLED;      /* wait: the engine is at work */
	default:
		if (s->state != SS_DONE)
			remember_skip();
		hand_over(s);
		return UI_HANDLED | UI_REDRAW | UI_RELAYOUT;
	}
}

static unsigned screen_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct setup_screen *s = data;
	struct ui_form_result r;
	char question[256];
	unsigned bits;
	size_t n;

	if (s->handed_over)
		return s->next->event(s->next_data, app, ev);
	s->app = app;
	if (form_state(s->state)) {
		bits = ui_form_event(&s->form, ev, &r);
		if (r.what == UI_FORM_SUBMIT)
			return bits | form_submitted(s, &r);
		if (bits & UI_HANDLED)
			return bits;
	}
	if (ev->kind != UI_EV_KEY)
		return 0;
	if (ev->action == UI_ACT_BACK)
		return go_back(s);
	switch (ev->action) {
	case UI_ACT_SELECT:
		if (s->state == SS_OFFER) {
			restart(s);
		} else if (s->state == SS_QUOTAS) {
			s->quotas_seen = true;
			set_message(s, UI_ROLE_NORMAL, NULL);
			advance(s);
		} else if (s->state == SS_PLAN && s->error[0]) {
			break;      /* missing permissions: nothing to apply */
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
	if (!ev->is_keycode && ev->key == 'r' && (s->state == SS_FAILED ||
						  (s->state == SS_PLAN && s->error[0]))) {
		restart(s);
		return UI_HANDLED | UI_REDRAW;
	}
	if (!ev->is_keycode && ev->key == 'i' && s->state == SS_QUOTAS && low_quota(s) >= 0 &&
	    s->calls == 0) {
		ask_increase(s);
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

/* The quota table: one line each, what the typical run needs, the advice. */
static int draw_quotas(struct setup_screen *s, int y, int h, int cols)
{
	int y0 = y, low = -1;
	char need[GCR_ERROR_MESSAGE_MAX + 64];

	for (int i = 0; i < 2; i++)
		if (s->quotas[i].value >= 0 && s->quotas[i].value < s->quotas[i].needed)
			low = i;
	ui_draw_fmt(y++, 2, cols - 4, UI_ROLE_HEADING, _("vCPU quotas in %s (Service Quotas)"),
		    gcr_aws_client_region(s->aws));
	for (int i = 0; i < 2; i++) {
		const struct gcr_setup_quota *q = &s->quotas[i];
		int x = 4 + ui_draw_text_cut(y, 4, 46, UI_ROLE_NORMAL, q->label);
		x = x < 51 ? 51 : x + 1;
		if (q->value < 0)   /* e.g. a missing permission, named: on its own line */
			y += ui_draw_wrapped(y + 1, 6, 2, cols - 8, UI_ROLE_ERROR, q->error);
		else
			ui_draw_fmt(y, x, cols - x - 1, q->value < q->needed ? UI_ROLE_WARNING
				    : UI_ROLE_GOOD, "%6.0f  %s", q->value,
				    q->value >= q->needed ? _("enough") : s->requested[i]
				    ? _("too low (requested)") : _("too low"));
		y++;
	}
	y++;
	snprintf(need, sizeof need, _("A typical run needs %.0f vCPUs at once: %s."),
		 s->need.vcpus, s->need.basis);
	y += ui_draw_wrapped(y, 2, y0 + h - y, cols - 4, UI_ROLE_NORMAL, need);
	if (low >= 0 && y < y0 + h) {
		y++;
		y += ui_draw_wrapped(y, 2, y0 + h - y, cols - 4, UI_ROLE_WARNING, low_quota(s) >= 0
				     ? _("Too low: jobs would wait in RUNNABLE.  Press i to ask AWS for "
					 "more; an increase takes AWS 24-48 hours to decide.")
				     : _("Too low: jobs would wait in RUNNABLE until AWS raises the quota "
					 "(24-48 hours).  Setup can go on meanwhile."));
	}
	return y - y0;
}

static void draw_sso_wait(struct setup_screen *s, int y, int h, int cols)
{
	int y0 = y;
	char text[1024];

	if (!s->sso_code[0]) {
		/* Before the code is known, or after it was confirmed (the
		 * message line says which). */
		ui_draw_text(y, 2, cols - 4, UI_ROLE_NORMAL, _("IAM Identity Center ..."));
		return;
	}
	ui_draw_text(y++, 2, cols - 4, UI_ROLE_HEADING, _("Open this address in a web browser:"));
	y += ui_draw_wrapped(y, 4, 3, cols - 6, UI_ROLE_KEY, s->sso_url);
	y++;
	ui_draw_fmt(y++, 2, cols - 4, UI_ROLE_NORMAL, _("and confirm the code  %s"), s->sso_code);
	y++;
	snprintf(text, sizeof text,
		 _("Waiting for the confirmation (the code expires in %d minutes).  The token is "
		   "then kept in ~/.aws/sso/cache, where the AWS CLI finds it too."),
		 s->sso_expires_min);
	ui_draw_wrapped(y, 2, y0 + h - y, cols - 4, UI_ROLE_HINT, text);
}

static const char *state_hint(const struct setup_screen *s)
{
	switch (s->state) {
	case SS_OFFER:
		return _("Enter: show the plan   Esc: skip");
	case SS_SIGNIN:
		return _("Up/Down: choose   Enter: go on   Esc: skip");
	case SS_PROFILE:
	case SS_SSO_PICK:
		return _("Up/Down: choose   Enter: go on   Esc: back");
	case SS_SSO_FORM:
	case SS_KEY_FORM:
		return _("Tab/Enter: next field (Enter on the last: go on)   Esc: back");
	case SS_SSO_WAIT:
		return _("waiting for the sign-in   Esc: cancel");
	case SS_REGION:
		return _("Up/Down: choose   Enter: use this region   Esc: skip");
	case SS_QUOTAS:
		return low_quota(s) >= 0 ? _("Enter: go on to the plan   i: request an increase   Esc: skip")
					 : _("Enter: go on to the plan   Esc: skip");
	case SS_PLAN:
		return s->error[0] ? _("r: check again   Up/Down: scroll   Esc: skip")
				   : _("Enter: create (asks first)   Up/Down: scroll   Esc: skip");
	case SS_DONE:
		return _("Enter: go on to the wizard");
	case SS_FAILED:
		return _("r: try again   Esc: skip");
	default:
		return _("please wait");
	}
}

static void screen_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct setup_screen *s = data;
	int y = 2, h = rows - 4, used;

	if (s->handed_over) {
		s->next->draw(s->next_data, app, rows, cols);
		return;
	}
	s->app = app;
	erase();
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	ui_draw_text(0, 1, cols - 2, UI_ROLE_TITLE, _("gcrunner: set up AWS"));
	/* Who: once known, on top of every later step. */
	if (s->identified && s->state != SS_OFFER && s->state != SS_DONE && s->state != SS_FAILED) {
		used = ui_draw_wrapped(y, 2, 3, cols - 4, UI_ROLE_HINT, s->whoami);
		y += used + 1;
		h -= used + 1;
	}
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
		break;
	case SS_IDENTIFYING:
		ui_draw_text(y, 2, cols - 4, UI_ROLE_NORMAL, _("Checking your AWS credentials ..."));
		break;
	case SS_SIGNIN:
		ui_draw_text(y, 2, cols - 4, UI_ROLE_ERROR, _("No AWS credentials work here:"));
		used = ui_draw_wrapped(y + 1, 4, 3, cols - 6, UI_ROLE_ERROR, s->error);
		y += used + 2;
		h -= used + 2;
		ui_form_draw(&s->form, app, y, 2, h - 1, cols - 4);
		break;
	case SS_PROFILE:
	case SS_SSO_FORM:
	case SS_SSO_PICK:
	case SS_KEY_FORM:
		ui_form_draw(&s->form, app, y, 2, h - 1, cols - 4);
		break;
	case SS_SSO_WAIT:
		draw_sso_wait(s, y, h - 1, cols);
		break;
	case SS_REGION:
		used = ui_draw_wrapped(y, 2, 3, cols - 4, UI_ROLE_NORMAL,
				       _("Choose the region to run in.  GEOS-Chem's input data "
					 "(s3://geos-chem, s3://gcgrid) is in us-west-2: compute there "
					 "reads it without cross-region transfer time."));
		y += used + 1;
		h -= used + 1;
		used = ui_form_draw(&s->form, app, y, 2, h - 2, cols - 4);
		ui_draw_wrapped(y + used, 2, 1, cols - 4, UI_ROLE_HINT,
				_("(instance types of setup's families offered; on-demand price of "
				  "c6i.8xlarge)"));
		break;
	case SS_QUOTAS_READING:
		ui_draw_text(y, 2, cols - 4, UI_ROLE_NORMAL, _("Reading your vCPU quotas ..."));
		break;
	case SS_QUOTAS:
		draw_quotas(s, y, h - 2, cols);
		break;
	case SS_INSPECTING:
	case SS_APPLYING: {
		int shown = s->nlines < (size_t)h ? (int)s->nlines : h;
		ui_draw_text(y, 2, cols - 4, UI_ROLE_HEADING, s->state == SS_INSPECTING
			     ? _("Looking at what exists ...") : _("Creating ..."));
		for (int i = 0; i < shown - 1; i++)
			ui_draw_text_cut(y + 1 + i, 2, cols - 4, UI_ROLE_NORMAL,
					 s->lines[s->nlines - (size_t)(shown - 1) + (size_t)i]);
		break;
	}
	case SS_PLAN:
		ui_draw_fmt(y, 2, cols - 4, UI_ROLE_HEADING,
			    _("Plan for account %s in %s: %zu to create or change"),
			    gcr_setup_identity(s->setup) ? gcr_setup_identity(s->setup)->account : "?",
			    gcr_setup_region(s->setup), gcr_setup_pending(s->setup));
		if (s->error[0]) {
			used = ui_draw_wrapped(y + 1, 2, 4, cols - 4, UI_ROLE_ERROR, s->error);
			y += used;
			h -= used;
		}
		draw_plan(s, y + 2, h - 2, cols);
		break;
	case SS_DONE:
		ui_draw_wrapped(y, 2, h, cols - 4, UI_ROLE_GOOD,
				_("Done: your AWS account is set up and gcrunner's configuration is "
				  "written.  Runs can be submitted now."));
		break;
	case SS_FAILED:
		ui_draw_text(y, 2, cols - 4, UI_ROLE_ERROR, _("Setup could not go on:"));
		y += 1 + ui_draw_wrapped(y + 1, 2, h - 4, cols - 4, UI_ROLE_ERROR, s->error);
		ui_draw_wrapped(y + 1, 2, h - (y - 2) - 1, cols - 4, UI_ROLE_HINT,
				_("Press r to try again (signing in is offered when no credentials "
				  "work), or skip for now; 'gcrunner setup' does the same on the "
				  "command line."));
		break;
	}
	if (s->message[0])
		ui_draw_text_cut(rows - 2, 2, cols - 4, s->message_role, s->message);
	ui_draw_fill(rows - 1, 0, cols, UI_ROLE_STATUS);
	ui_draw_text(rows - 1, 1, cols - 2, UI_ROLE_STATUS, state_hint(s));
}

static void screen_help(void *data, const char **title, const char **text)
{
	struct setup_screen *s = data;

	if (s->handed_over) {
		s->next->help(s->next_data, title, text);
		return;
	}
	*title = _("Set up AWS");
	*text = _("Checks who you are in AWS (and signs you in when nothing works: a profile, "
		  "IAM Identity Center in the browser, or an access key), lets you choose the "
		  "region, compares your vCPU quotas with what a typical run needs, then shows "
		  "what gcrunner needs in your account and creates it after you confirm.  Every "
		  "step checks first, so running it again creates nothing new.  Keys: Enter goes "
		  "on, i requests a quota increase, r checks again after a failure or missing "
		  "permissions, Esc goes back in the sign-in and otherwise skips to the wizard.");
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
	gcr_sso_login_free(s->sso);
	drop_client(s);
	uv_run(loop, UV_RUN_DEFAULT);
	clear_form(s);
	ui_form_free(&s->form);
	gcr_setup_free_strings(s->profiles);
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	free(s->profile);
	free(s->region);
	free(s->config_path);
	gcr_catalog_free(s->own_cat);
	free(s);
}
