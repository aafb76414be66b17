/* sso_login.c: the SSO device authorization flow (see sso_login.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/awsconfig.h"
#include "aws/http.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "aws/ssotoken.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "setup/sso_login.h"

#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define SSO_SCOPE "sso:account:access"

struct gcr_sso_login {
	uv_loop_t *loop;
	struct gcr_http *http;
	uv_timer_t *timer;
	char *start_url, *sso_region, *session, *profile, *region;
	char *client_id, *client_secret;     /* SECRET: client_secret */
	char *device_code, *access_token;    /* SECRET: access_token */
	char *refresh_token;                 /* SECRET */
	time_t client_expires, token_expires;
	int interval, deadline_left;
	int phase;
	gcr_sso_prompt_cb prompt;
	gcr_sso_done_cb done;
	void *data;
	struct gcr_http_request *req;
};

static char *xdup(const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		abort();
	return c;
}

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static void finish(struct gcr_sso_login *l, enum gcr_status st, const struct gcr_error *err)
{
	gcr_sso_done_cb done = l->done;

	l->done = NULL;
	if (done)
		done(st, err, l->data);
}

/* ---- calls ---------------------------------------------------------------------- */

typedef void (*answer_fn)(struct gcr_sso_login *l, long status, json_t *answer,
			  const struct gcr_aws_error_info *info);

struct call {
	struct gcr_sso_login *l;
	answer_fn fn;
	gcr_sso_json_cb user_cb;
	void *user_data;
};

static void on_answer(const struct gcr_sso_answer *a, void *data)
{
	struct call *c = data;
	struct gcr_sso_login *l = c->l;

	l->req = NULL;
	if (c->user_cb)
		c->user_cb(a->st, a->err, a->answer, c->user_data);
	else if (a->http_status)
		c->fn(l, a->http_status, a->answer, a->info);
	else if (a->st != GCR_ERR_CANCELLED)
		finish(l, a->st, a->err);
	free(c);
}

static void send_call(struct gcr_sso_login *l, const char *service, const char *method,
		      const char *path, json_t *body, answer_fn fn, gcr_sso_json_cb user_cb,
		      void *user_data)
{
	struct gcr_error err;
	struct call *c = calloc(1, sizeof *c);
	const char *bearer = strcmp(service, "sso") == 0 ? l->access_token : NULL;

	if (!c)
		abort();
	c->l = l;
	c->fn = fn;
	c->user_cb = user_cb;
	c->user_data = user_data;
	l->req = gcr_sso_call(l->http, NULL, NULL, service, l->sso_region, method, path, body,
			      bearer, 30000, on_answer, c, &err);
	if (!l->req) {
		free(c);
		if (user_cb)
			user_cb(err.code, &err, NULL, user_data);
		else
			finish(l, err.code, &err);
	}
}

static enum gcr_status call_error(const struct gcr_aws_error_info *info, const char *what,
				  struct gcr_error *err)
{
	enum gcr_status st = gcr_aws_error_to_gcr(info, err);

	if (st == GCR_OK)
		st = gcr_error_set(err, GCR_ERR_REMOTE, _("%s: the answer is not JSON"), what);
	return st;
}

/* ---- the flow ------------------------------------------------------------------------- */

static void on_timer(uv_timer_t *t);

static enum gcr_status write_cache(struct gcr_sso_login *l, struct gcr_error *err)
{
	char expires[32], reg_expires[32], *path = gcr_sso_cache_path(l->session);
	json_t *doc;
	enum gcr_status st;

	gcr_aws_time_format(l->token_expires, expires, sizeof expires);
	gcr_aws_time_format(l->client_expires, reg_expires, sizeof reg_expires);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "startUrl", l->start_url,
			"region", l->sso_region, "accessToken", l->access_token, "expiresAt", expires,
			"clientId", l->client_id, "clientSecret", l->client_secret,
			"registrationExpiresAt", reg_expires);
	if (l->refresh_token)
		json_object_set_new(doc, "refreshToken", json_string(l->refresh_token));
	st = gcr_sso_cache_write(path, doc, err);
	json_decref(doc);
	free(path);
	return st;
}

static void on_token(struct gcr_sso_login *l, long status, json_t *answer,
		     const struct gcr_aws_error_info *info)
{
	struct gcr_error err;
	json_int_t expires_in;

	(void)status;
	if (!answer) {
		if (strcmp(info->code, "AuthorizationPendingException") == 0 ||
		    strcmp(info->code, "SlowDownException") == 0) {
			if (info->code[0] == 'S')
				l->interval += 5;   /* RFC 8628: slow down by 5 s */
			l->deadline_left -= l->interval;
			if (l->deadline_left <= 0) {
				gcr_error_set(&err, GCR_ERR_AUTH, "%s",
					      _("the sign-in code expired before it was confirmed; "
						"start again"));
				finish(l, err.code, &err);
				return;
			}
			uv_timer_start(l->timer, on_timer, (uint64_t)l->interval * 1000, 0);
			return;
		}
		if (strcmp(info->code, "AccessDeniedException") == 0)
			gcr_error_set(&err, GCR_ERR_AUTH, "%s", _("the sign-in was declined"));
		else if (strcmp(info->code, "ExpiredTokenException") == 0)
			gcr_error_set(&err, GCR_ERR_AUTH, "%s",
				      _("the sign-in code expired before it was confirmed"));
		else
			call_error(info, "SSO OIDC CreateToken", &err);
		finish(l, err.code, &err);
		return;
	}
	wipe_free(l->access_token);
	wipe_free(l->refresh_token);
	l->access_token = xdup(json_string_value(json_object_get(answer, "accessToken")));
	l->refresh_token = xdup(json_string_value(json_object_get(answer, "refreshToken")));
	expires_in = json_integer_value(json_object_get(answer, "expiresIn"));
	l->token_expires = time(NULL) + (expires_in > 0 ? expires_in : 3600);
	if (!l->access_token) {
		gcr_error_set(&err, GCR_ERR_REMOTE, "%s", _("SSO OIDC CreateToken: no access token"));
		finish(l, err.code, &err);
		return;
	}
	if (write_cache(l, &err) != GCR_OK) {
		finish(l, err.code, &err);
		return;
	}
	finish(l, GCR_OK, NULL);
}

static void poll_token(struct gcr_sso_login *l)
{
	send_call(l, "sso-oidc", "POST", "/token",
		  json_pack("{s:s, s:s, s:s, s:s}", "clientId", l->client_id, "clientSecret",
			    l->client_secret, "grantType", DEVICE_GRANT, "deviceCode",
			    l->device_code), on_token, NULL, NULL);
}

static void on_timer(uv_timer_t *t)
{
	poll_token(t->data);
}

static void on_device(struct gcr_sso_login *l, long status, json_t *answer,
		      const struct gcr_aws_error_info *info)
{
	struct gcr_error err;
	struct gcr_sso_device_prompt p;

	(void)status;
	if (!answer || !json_string_value(json_object_get(answer, "deviceCode"))) {
		call_error(info, "SSO OIDC StartDeviceAuthorization", &err);
		finish(l, err.code, &err);
		return;
	}
	l->device_code = xdup(json_string_value(json_object_get(answer, "deviceCode")));
	p.user_code = json_string_value(json_object_get(answer, "userCode"));
	p.verification_uri = json_string_value(json_object_get(answer, "verificationUri"));
	p.verification_uri_complete = json_string_value(json_object_get(answer,
									 "verificationUriComplete"));
	p.expires_in = (int)json_integer_value(json_object_get(answer, "expiresIn"));
	p.interval = (int)json_integer_value(json_object_get(answer, "interval"));
	l->interval = p.interval > 0 ? p.interval : 5;
	l->deadline_left = p.expires_in > 0 ? p.expires_in : 600;
	if (l->prompt)
		l->prompt(&p, l->data);
	uv_timer_start(l->timer, on_timer, (uint64_t)l->interval * 1000, 0);
}

static void on_register(struct gcr_sso_login *l, long status, json_t *answer,
			const struct gcr_aws_error_info *info)
{
	struct gcr_error err;

	(void)status;
	if (!answer || !json_string_value(json_object_get(answer, "clientId"))) {
		call_error(info, "SSO OIDC RegisterClient", &err);
		finish(l, err.code, &err);
		return;
	}
	l->client_id = xdup(json_string_value(json_object_get(answer, "clientId")));
	l->client_secret = xdup(json_string_value(json_object_get(answer, "clientSecret")));
	l->client_expires = (time_t)json_integer_value(json_object_get(answer,
									"clientSecretExpiresAt"));
	send_call(l, "sso-oidc", "POST", "/device_authorization",
		  json_pack("{s:s, s:s, s:s}", "clientId", l->client_id, "clientSecret",
			    l->client_secret ? l->client_secret : "", "startUrl", l->start_url),
		  on_device, NULL, NULL);
}

struct gcr_sso_login *gcr_sso_login_start(uv_loop_t *loop, const struct gcr_sso_login_options *o,
					  gcr_sso_prompt_cb prompt, gcr_sso_done_cb done,
					  void *data, struct gcr_error *err)
{
	struct gcr_sso_login *l;

	if (!o->start_url || strncmp(o->start_url, "https://", 8) != 0) {
		gcr_error_set(err, GCR_ERR_INVALID, "%s",
			      _("the SSO start URL must begin with https:// (e.g. "
				"https://d-1234567890.awsapps.com/start)"));
		return NULL;
	}
	if (!o->sso_region || !gcr_aws_region_valid(o->sso_region)) {
		gcr_error_set(err, GCR_ERR_INVALID, "%s", _("the SSO region is not a region name"));
		return NULL;
	}
	if (!o->session_name || !*o->session_name || strpbrk(o->session_name, "[]\n") ||
	    !o->profile || !*o->profile || strpbrk(o->profile, "[]\n")) {
		gcr_error_set(err, GCR_ERR_INVALID, "%s",
			      _("the SSO session and profile names must not be empty or contain "
				"'[', ']' or line breaks"));
		return NULL;
	}
	l = calloc(1, sizeof *l);
	if (!l)
		abort();
	l->http = gcr_http_new(loop, NULL, err);
	if (!l->http) {
		free(l);
		return NULL;
	}
	l->loop = loop;
	l->timer = malloc(sizeof *l->timer);
	if (!l->timer)
		abort();
	uv_timer_init(loop, l->timer);
	l->timer->data = l;
	l->start_url = xdup(o->start_url);
	l->sso_region = xdup(o->sso_region);
	l->session = xdup(o->session_name);
	l->profile = xdup(o->profile);
	l->region = xdup(o->region);
	l->prompt = prompt;
	l->done = done;
	l->data = data;
	send_call(l, "sso-oidc", "POST", "/client/register",
		  json_pack("{s:s, s:s, s:[s]}", "clientName", "gcrunner", "clientType", "public",
			    "scopes", SSO_SCOPE), on_register, NULL, NULL);
	return l;
}

void gcr_sso_list_accounts(struct gcr_sso_login *l, gcr_sso_json_cb cb, void *data)
{
	send_call(l, "sso", "GET", "/assignment/accounts?max_result=100", NULL, NULL, cb, data);
}

void gcr_sso_list_roles(struct gcr_sso_login *l, const char *account_id, gcr_sso_json_cb cb,
			void *data)
{
	char *enc = gcr_aws_uri_encode(account_id, strlen(account_id), 0);
	char *path = gcr_strdup_printf("/assignment/roles?account_id=%s&max_result=100", enc);

	send_call(l, "sso", "GET", path, NULL, NULL, cb, data);
	free(enc);
	free(path);
}

enum gcr_status gcr_sso_write_profile(struct gcr_sso_login *l, const char *account_id,
				      const char *role_name, struct gcr_error *err)
{
	char *path = gcr_aws_config_file_path(), *section;
	const char *skeys[] = { "sso_start_url", "sso_region", "sso_registration_scopes" };
	const char *svals[] = { l->start_url, l->sso_region, SSO_SCOPE };
	const char *pkeys[] = { "sso_session", "sso_account_id", "sso_role_name", "region" };
	const char *pvals[] = { l->session, account_id, role_name, l->region };
	enum gcr_status st;

	if (!path)
		return gcr_error_set(err, GCR_ERR_IO, "%s", _("HOME is not set"));
	section = gcr_strdup_printf("sso-session %s", l->session);
	st = gcr_aws_ini_file_set(path, section, skeys, svals, 3, 0600, err);
	free(section);
	if (st == GCR_OK) {
		section = strcmp(l->profile, "default") == 0 ? gcr_strdup_printf("default")
			: gcr_strdup_printf("profile %s", l->profile);
		st = gcr_aws_ini_file_set(path, section, pkeys, pvals, l->region ? 4 : 3, 0600, err);
		free(section);
	}
	free(path);
	return st;
}

static void close_free(uv_handle_t *h)
{
	free(h);
}

void gcr_sso_login_free(struct gcr_sso_login *l)
{
	if (!l)
		return;
	l->done = NULL;
	if (l->req)
		gcr_http_cancel(l->req);
	uv_timer_stop(l->timer);
	uv_close((uv_handle_t *)l->timer, close_free);
	gcr_http_close(l->http, NULL, NULL);
	free(l->start_url);
	free(l->sso_region);
	free(l->session);
	free(l->profile);
	free(l->region);
	free(l->client_id);
	wipe_free(l->client_secret);
	wipe_free(l->device_code);
	wipe_free(l->access_token);
	wipe_free(l->refresh_token);
	free(l);
}

/* ---- the command-line driver --------------------------------------------------------------- */

struct cli_run {
	int done;
	enum gcr_status st;
	struct gcr_error err;
	json_t *answer;
};

static void cli_prompt(const struct gcr_sso_device_prompt *p, void *data)
{
	(void)data;
	printf(_("Open %s in a browser and confirm the code %s\n"),
	       p->verification_uri_complete ? p->verification_uri_complete
	       : p->verification_uri ? p->verification_uri : "?",
	       p->user_code ? p->user_code : "?");
	printf(_("(waiting up to %d minutes for the sign-in ...)\n"), (p->expires_in + 59) / 60);
	fflush(stdout);
}

static void cli_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct cli_run *r = data;

	r->st = st;
	if (err)
		r->err = *err;
	r->done = 1;
}

static void cli_json(enum gcr_status st, const struct gcr_error *err, json_t *answer, void *data)
{
	struct cli_run *r = data;

	cli_done(st, err, r);
	r->answer = answer ? json_incref(answer) : NULL;
}

static void run_until(uv_loop_t *loop, int *done)
{
	while (!*done && uv_run(loop, UV_RUN_ONCE))
		;
}

/* Picks one entry of list by its key (asks when there are several). */
static const char *pick(json_t *list, const char *key, const char *label_key, const char *what,
			int interactive)
{
	size_t i, n = json_array_size(list);
	json_t *e;
	char buf[32];

	if (n == 0)
		return NULL;
	if (n == 1 || !interactive)
		return json_string_value(json_object_get(json_array_get(list, 0), key));
	json_array_foreach(list, i, e)
		printf("  %zu) %s %s\n", i + 1, json_string_value(json_object_get(e, key)),
		       label_key && json_string_value(json_object_get(e, label_key))
		       ? json_string_value(json_object_get(e, label_key)) : "");
	printf(_("Which %s? [1] "), what);
	fflush(stdout);
	if (!fgets(buf, sizeof buf, stdin))
		return NULL;
	i = (size_t)atoi(buf);
	if (i < 1 || i > n)
		i = 1;
	return json_string_value(json_object_get(json_array_get(list, i - 1), key));
}

enum gcr_status gcr_sso_login_cli(const struct gcr_sso_login_options *o, struct gcr_error *err)
{
	uv_loop_t loop;
	struct cli_run r;
	struct gcr_sso_login *l;
	char *account = NULL, *role = NULL;
	const char *v;
	json_t *accounts = NULL;

	memset(&r, 0, sizeof r);
	uv_loop_init(&loop);
	l = gcr_sso_login_start(&loop, o, cli_prompt, cli_done, &r, err);
	if (!l) {
		uv_loop_close(&loop);
		return err->code;
	}
	run_until(&loop, &r.done);
	if (r.st == GCR_OK) {
		r.done = 0;
		gcr_sso_list_accounts(l, cli_json, &r);
		run_until(&loop, &r.done);
		accounts = r.answer;
		r.answer = NULL;
	}
	if (r.st == GCR_OK) {
		v = pick(json_object_get(accounts, "accountList"), "accountId", "accountName",
			 _("account"), o->interactive);
		account = v ? gcr_strdup_printf("%s", v) : NULL;
		if (!account)
			r.st = gcr_error_set(&r.err, GCR_ERR_AUTH, "%s",
					     _("this SSO user has access to no AWS account"));
	}
	if (r.st == GCR_OK) {
		r.done = 0;
		gcr_sso_list_roles(l, account, cli_json, &r);
		run_until(&loop, &r.done);
	}
	if (r.st == GCR_OK) {
		v = pick(json_object_get(r.answer, "roleList"), "roleName", NULL, _("role"),
			 o->interactive);
		role = v ? gcr_strdup_printf("%s", v) : NULL;
		if (!role)
			r.st = gcr_error_set(&r.err, GCR_ERR_AUTH, _("no role is assigned in account %s"),
					     account);
	}
	if (r.st == GCR_OK)
		r.st = gcr_sso_write_profile(l, account, role, &r.err);
	if (r.st == GCR_OK)
		printf(_("Signed in: profile %s uses role %s in account %s.\n"), o->profile, role,
		       account);
	json_decref(r.answer);
	json_decref(accounts);
	free(account);
	free(role);
	gcr_sso_login_free(l);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	if (r.st != GCR_OK && err)
		*err = r.err;
	return r.st;
}
