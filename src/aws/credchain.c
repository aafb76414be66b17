/* credchain.c: the AWS credential provider chain on the libuv loop (see
 * credentials.h for the order).
 *
 * One resolution runs at a time; every get() that arrives meanwhile waits
 * for it.  A resolution is a tree of steps: the profile step may start a
 * source step (assume-role's source_profile or credential_source), which
 * may itself assume a role, and so on.  Each step ends in step_finish(),
 * which hands its credentials to whoever started it.  Only one I/O action
 * (a child process, an HTTP request or an STS call) is in flight at any
 * moment, and the provider remembers it so free() can cancel it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "aws/ssotoken.h"
#include "aws/sts.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"

#define MAX_SOURCE_DEPTH 8
#define PROCESS_OUTPUT_MAX (1024 * 1024)
#define PROCESS_STDERR_MAX 4096
#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"
/* botocore's SSOTokenProvider: renew the SSO token when less than 15
 * minutes are left, and after an attempt not again within a minute. */
#define SSO_REFRESH_WINDOW (15 * 60)
#define SSO_REFRESH_ATTEMPT_GAP 60

struct waiter {
	gcr_aws_credentials_cb cb;
	void *data;
	struct waiter *next;
};

struct step;
struct proc;
struct sso_state;

struct gcr_aws_credential_provider {
	uv_loop_t *loop;
	struct gcr_http *http;
	int own_http;
	struct gcr_aws *sts;            /* lazily made, no chain of its own */
	const struct gcr_aws_config *config;
	struct gcr_aws_config *own_config;
	char *profile;
	int profile_explicit;
	char *region;
	int margin;
	int process_timeout;
	time_t sso_refresh_next;        /* no SSO token refresh before this */

	struct gcr_aws_credentials creds;
	int have_creds;

	uv_timer_t defer;               /* runs queued gets outside get() */
	struct waiter *waiting;
	struct step *root;              /* the resolution in progress */
	/* The one I/O action in flight, to cancel on free. */
	struct gcr_http_request *active_http;
	struct gcr_aws_call *active_call;
	struct proc *active_proc;
	int freeing;
};

typedef void (*step_then)(struct step *s, enum gcr_status st, const struct gcr_error *err);

enum step_kind { STEP_CHAIN, STEP_PROFILE, STEP_SOURCE };

struct step {
	struct gcr_aws_credential_provider *p;
	struct step *parent;
	step_then then;
	int depth;
	char *profile;                  /* profile being resolved, or NULL */
	struct gcr_aws_credentials creds;   /* the result when OK */

	/* assume-role / web identity */
	struct step *source;            /* its source credentials */
	char *role_arn;
	char *description;

	/* SSO */
	struct sso_state *sso;

	/* IMDS */
	char *imds_base;
	char *imds_token;
	char *imds_role;
	int imds_stage;
};

/* ---- small helpers ------------------------------------------------------ */

static char *xstrdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		abort();
	return d;
}

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static const char *cfg_get(struct gcr_aws_credential_provider *p, const char *profile,
			   const char *key)
{
	const char *v = gcr_aws_config_get(p->config, profile, key);
	return v && *v ? v : NULL;
}

static int is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

/* ---- steps ------------------------------------------------------------------ */

static void sso_state_free(struct sso_state *st);

static struct step *step_new(struct gcr_aws_credential_provider *p, struct step *parent,
			     step_then then, const char *profile)
{
	struct step *s = calloc(1, sizeof *s);

	if (!s)
		abort();
	s->p = p;
	s->parent = parent;
	s->then = then;
	s->depth = parent ? parent->depth + 1 : 0;
	s->profile = xstrdup(profile);
	return s;
}

static void step_free(struct step *s)
{
	if (!s)
		return;
	gcr_aws_credentials_clear(&s->creds);
	step_free(s->source);
	free(s->profile);
	free(s->role_arn);
	free(s->description);
	sso_state_free(s->sso);
	free(s->imds_base);
	wipe_free(s->imds_token);
	free(s->imds_role);
	free(s);
}

static void step_finish(struct step *s, enum gcr_status st, const struct gcr_error *err)
{
	s->then(s, st, err);
}

static void step_fail(struct step *s, enum gcr_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void step_fail(struct step *s, enum gcr_status code, const char *fmt, ...)
{
	struct gcr_error err;
	va_list ap;

	err.code = code;
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof err.message, fmt, ap);
	va_end(ap);
	step_finish(s, code, &err);
}

/* Fails s with err, prefixed by what s was doing ("assume-role ..."). */
static void step_fail_in(struct step *s, enum gcr_status st, const struct gcr_error *err)
{
	struct gcr_error e2;

	if (err)
		e2 = *err;
	else
		gcr_error_set(&e2, st, "%s", _("failed"));
	e2.code = st;
	if (s->description)
		gcr_error_prefix(&e2, "%s", s->description);
	step_finish(s, st, &e2);
}

static void step_ok(struct step *s, const char *key, const char *secret, const char *token,
		    time_t expiration, enum gcr_aws_credential_source source,
		    const char *description)
{
	struct gcr_error err;
	enum gcr_status st = gcr_aws_credentials_set(&s->creds, key, secret, token, expiration,
						     source, description, &err);
	step_finish(s, st, st == GCR_OK ? NULL : &err);
}

/* Forward declarations of the providers. */
static void resolve_profile(struct step *s);
static void start_container(struct step *s);
static void start_imds(struct step *s);
static void start_process(struct step *s, const char *command);
static void start_sso(struct step *s);
static void start_assume_role(struct step *s);
static void start_web_identity(struct step *s, const char *token_file, const char *role_arn,
			       const char *session_name);

/* ---- environment ---------------------------------------------------------- */

/* 1: found (step finished), 0: not configured. */
static int try_environment(struct step *s)
{
	const char *key = env("AWS_ACCESS_KEY_ID");
	const char *secret = env("AWS_SECRET_ACCESS_KEY");
	const char *expiry = env("AWS_CREDENTIAL_EXPIRATION");
	time_t expires = 0;

	if (!key && !secret)
		return 0;
	if (!key || !secret) {
		step_fail(s, GCR_ERR_AUTH,
			  _("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"));
		return 1;
	}
	if (expiry && !gcr_aws_time_parse(expiry, &expires)) {
		step_fail(s, GCR_ERR_AUTH,
			  _("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: %s"), expiry);
		return 1;
	}
	step_ok(s, key, secret, env("AWS_SESSION_TOKEN"), expires, GCR_AWS_SOURCE_ENVIRONMENT,
		_("environment"));
	return 1;
}

/* ---- static keys in a file ------------------------------------------------ */

static int try_static(struct step *s, const struct gcr_aws_ini_section *sec,
		      const char *file, enum gcr_aws_credential_source source)
{
	const char *key = gcr_aws_ini_lookup(sec, NULL, "aws_access_key_id");
	const char *secret = gcr_aws_ini_lookup(sec, NULL, "aws_secret_access_key");
	char *desc;

	if ((!key || !*key) && (!secret || !*secret))
		return 0;
	if (!key || !*key || !secret || !*secret) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s in %s has only one of aws_access_key_id and aws_secret_access_key"),
			  s->profile, file ? file : "?");
		return 1;
	}
	desc = gcr_strdup_printf(_("profile %s in %s"), s->profile, file ? file : "?");
	step_ok(s, key, secret, gcr_aws_ini_lookup(sec, NULL, "aws_session_token"), 0, source, desc);
	free(desc);
	return 1;
}

/* ---- the profile ---------------------------------------------------------- */

static void resolve_profile(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;
	const char *prof = s->profile;
	const char *v;

	if (s->depth > MAX_SOURCE_DEPTH) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s: the chain of source_profile settings is too long or circular"),
			  prof);
		return;
	}
	/* assume-role: role_arn with source_profile or credential_source.  A
	 * profile that names itself as its source uses its own static keys. */
	if (cfg_get(p, prof, "role_arn") &&
	    (cfg_get(p, prof, "source_profile") || cfg_get(p, prof, "credential_source"))) {
		start_assume_role(s);
		return;
	}
	/* web identity: the environment's (for the main profile) or the profile's. */
	if (s->depth == 0 && env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")) {
		start_web_identity(s, env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN"),
				   env("AWS_ROLE_SESSION_NAME"));
		return;
	}
	if ((v = cfg_get(p, prof, "web_identity_token_file")) != NULL) {
		if (!cfg_get(p, prof, "role_arn")) {
			step_fail(s, GCR_ERR_AUTH,
				  _("profile %s has web_identity_token_file but no role_arn"), prof);
			return;
		}
		start_web_identity(s, v, cfg_get(p, prof, "role_arn"),
				   cfg_get(p, prof, "role_session_name"));
		return;
	}
	if (cfg_get(p, prof, "sso_session") || cfg_get(p, prof, "sso_start_url") ||
	    cfg_get(p, prof, "sso_account_id")) {
		start_sso(s);
		return;
	}
	if (try_static(s, gcr_aws_credentials_profile(p->config, prof), p->config->credentials_path,
		       GCR_AWS_SOURCE_CREDENTIALS_FILE))
		return;
	if ((v = cfg_get(p, prof, "credential_process")) != NULL) {
		start_process(s, v);
		return;
	}
	if (try_static(s, gcr_aws_config_profile(p->config, prof), p->config->config_path,
		       GCR_AWS_SOURCE_CONFIG_FILE))
		return;
	if (s->depth > 0) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s has no credentials (no keys, credential_process, SSO or role)"),
			  prof);
		return;
	}
	/* The main profile configures none: the chain goes on (container, EC2). */
	step_fail(s, GCR_ERR_NOT_FOUND, _("profile %s has no credentials"), prof);
}

/* The whole chain for the main profile. */
static void on_chain_profile(struct step *s, enum gcr_status st, const struct gcr_error *err);

static void resolve_chain(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;

	if (!p->profile_explicit && try_environment(s))
		return;
	if (p->profile_explicit && !gcr_aws_config_has_profile(p->config, p->profile)) {
		step_fail(s, GCR_ERR_AUTH, _("profile %s is not in %s or %s"), p->profile,
			  p->config->config_path ? p->config->config_path : "~/.aws/config",
			  p->config->credentials_path ? p->config->credentials_path
						      : "~/.aws/credentials");
		return;
	}
	/* The profile's providers, then (when it has none) container, IMDS. */
	s->source = step_new(p, s, on_chain_profile, p->profile);
	s->source->depth = 0;
	resolve_profile(s->source);
}

static void on_chain_profile(struct step *sub, enum gcr_status st, const struct gcr_error *err)
{
	struct step *s = sub->parent;

	if (st == GCR_OK) {
		gcr_aws_credentials_copy(&s->creds, &sub->creds);
		step_finish(s, GCR_OK, NULL);
		return;
	}
	if (st != GCR_ERR_NOT_FOUND || s->p->freeing) {
		step_finish(s, st, err);
		return;
	}
	/* The profile configures nothing: containers and EC2. */
	if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
	    env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
		start_container(s);
		return;
	}
	if (!is_true(env("AWS_EC2_METADATA_DISABLED"))) {
		start_imds(s);
		return;
	}
	step_fail(s, GCR_ERR_AUTH,
		  _("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
		    "run 'aws configure', or name a profile with --profile"));
}

/* ---- assume-role ---------------------------------------------------------- */

static struct gcr_http *http_client(struct gcr_aws_credential_provider *p, struct gcr_error *err);

static struct gcr_aws *sts_client(struct gcr_aws_credential_provider *p, struct gcr_error *err)
{
	struct gcr_aws_options o = { 0 };

	if (p->sts)
		return p->sts;
	o.loop = p->loop;
	o.http = http_client(p, err);
	if (!o.http)
		return NULL;
	o.config = p->config;
	o.profile = p->profile;
	o.region = p->region;
	o.no_credential_chain = 1;
	p->sts = gcr_aws_new(&o, err);
	return p->sts;
}

static char *session_name(struct gcr_aws_credential_provider *p, const char *prof)
{
	const char *v = prof ? cfg_get(p, prof, "role_session_name") : NULL;

	if (v)
		return xstrdup(v);
	return gcr_strdup_printf("gcrunner-%lld", (long long)time(NULL));
}

/* STS's region: the profile's, else the provider's, else us-east-1. */
static const char *sts_region(struct gcr_aws_credential_provider *p, const char *prof)
{
	const char *v = prof ? cfg_get(p, prof, "region") : NULL;

	if (v && gcr_aws_region_valid(v))
		return v;
	if (p->region && gcr_aws_region_valid(p->region))
		return p->region;
	return "us-east-1";
}

static void on_assumed(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_aws_credentials *creds, void *data)
{
	struct step *s = data;

	s->p->active_call = NULL;
	if (st != GCR_OK) {
		step_fail_in(s, st, err);
		return;
	}
	gcr_aws_credentials_copy(&s->creds, creds);
	free(s->creds.source_description);
	s->creds.source_description = xstrdup(s->description);
	step_finish(s, GCR_OK, NULL);
}

static void on_role_source(struct step *src, enum gcr_status st, const struct gcr_error *err)
{
	struct step *s = src->parent;
	struct gcr_aws_credential_provider *p = s->p;
	struct gcr_sts_assume_role_input in = { 0 };
	struct gcr_error e2;
	const char *v;
	struct gcr_aws *sts;
	char *name;

	if (st != GCR_OK) {
		step_fail_in(s, st == GCR_ERR_NOT_FOUND ? GCR_ERR_AUTH : st, err);
		return;
	}
	if (p->freeing) {
		step_fail(s, GCR_ERR_CANCELLED, _("cancelled"));
		return;
	}
	if (cfg_get(p, s->profile, "mfa_serial")) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s needs an MFA code (mfa_serial), which gcrunner cannot ask for; "
			    "use a credential_process or SSO instead"), s->profile);
		return;
	}
	sts = sts_client(p, &e2);
	if (!sts) {
		step_finish(s, e2.code, &e2);
		return;
	}
	name = session_name(p, s->profile);
	in.role_arn = s->role_arn;
	in.session_name = name;
	v = cfg_get(p, s->profile, "duration_seconds");
	in.duration_seconds = v ? atoi(v) : 0;
	in.external_id = cfg_get(p, s->profile, "external_id");
	in.source = &src->creds;
	in.region = sts_region(p, s->profile);
	in.description = s->description;
	gcr_log_debug("assume-role %s for profile %s", s->role_arn, s->profile);
	p->active_call = gcr_sts_assume_role(sts, &in, on_assumed, s);
	free(name);
}

static void start_assume_role(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;
	const char *src_profile = cfg_get(p, s->profile, "source_profile");
	const char *cred_source = cfg_get(p, s->profile, "credential_source");
	struct step *src;

	s->role_arn = xstrdup(cfg_get(p, s->profile, "role_arn"));
	if (src_profile && cred_source) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s sets both source_profile and credential_source; keep one"),
			  s->profile);
		return;
	}
	s->description = gcr_strdup_printf(_("assume-role %s via %s"), s->role_arn,
					   src_profile ? src_profile : cred_source);
	if (src_profile) {
		free(s->description);
		s->description = gcr_strdup_printf(_("assume-role %s via profile %s"), s->role_arn,
						   src_profile);
	}
	src = step_new(p, s, on_role_source, src_profile ? src_profile : s->profile);
	s->source = src;
	if (src_profile) {
		if (strcmp(src_profile, s->profile) == 0) {
			/* Its own static keys are the source. */
			if (!try_static(src, gcr_aws_credentials_profile(p->config, src_profile),
					p->config->credentials_path, GCR_AWS_SOURCE_CREDENTIALS_FILE) &&
			    !try_static(src, gcr_aws_config_profile(p->config, src_profile),
					p->config->config_path, GCR_AWS_SOURCE_CONFIG_FILE))
				step_fail(src, GCR_ERR_AUTH,
					  _("profile %s is its own source_profile but has no keys"),
					  src_profile);
			return;
		}
		if (!gcr_aws_config_has_profile(p->config, src_profile)) {
			step_fail(src, GCR_ERR_AUTH, _("source_profile %s does not exist"), src_profile);
			return;
		}
		resolve_profile(src);
		return;
	}
	if (strcasecmp(cred_source, "Environment") == 0) {
		if (!try_environment(src))
			step_fail(src, GCR_ERR_AUTH,
				  _("credential_source Environment, but AWS_ACCESS_KEY_ID is not set"));
	} else if (strcasecmp(cred_source, "EcsContainer") == 0) {
		start_container(src);
	} else if (strcasecmp(cred_source, "Ec2InstanceMetadata") == 0) {
		start_imds(src);
	} else {
		step_fail(src, GCR_ERR_AUTH,
			  _("credential_source must be Environment, EcsContainer or "
			    "Ec2InstanceMetadata, not %s"), cred_source);
	}
}

/* ---- web identity ------------------------------------------------------- */

static void on_web_identity(enum gcr_status st, const struct gcr_error *err,
			    const struct gcr_aws_error_info *info,
			    struct gcr_aws_response *resp, void *data)
{
	struct step *s = data;
	struct gcr_error e2;
	xmlDocPtr doc;

	(void)info;
	s->p->active_call = NULL;
	if (st != GCR_OK) {
		step_fail_in(s, st, err);
		return;
	}
	doc = gcr_xml_parse(resp->body, resp->body_len, &e2);
	if (doc)
		st = gcr_sts_parse_credentials(doc, s->description, &s->creds, &e2);
	else
		st = e2.code;
	xmlFreeDoc(doc);
	if (st == GCR_OK)
		s->creds.source = GCR_AWS_SOURCE_WEB_IDENTITY;
	step_finish(s, st, st == GCR_OK ? NULL : &e2);
}

static void start_web_identity(struct step *s, const char *token_file, const char *role_arn,
			       const char *session)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct gcr_aws_request req = { 0 };
	struct gcr_aws_params params;
	struct gcr_http_headers headers;
	struct gcr_error err;
	struct gcr_aws *sts;
	char *token = NULL, *body, *name;
	size_t len = 0;

	s->description = gcr_strdup_printf(_("web identity %s"), role_arn);
	if (gcr_read_file(token_file, &token, &len, &err) != GCR_OK) {
		step_fail(s, GCR_ERR_AUTH, _("cannot read the web identity token: %s"), err.message);
		return;
	}
	while (len && isspace((unsigned char)token[len - 1]))
		token[--len] = '\0';
	sts = sts_client(p, &err);
	if (!sts) {
		wipe_free(token);
		step_finish(s, err.code, &err);
		return;
	}
	name = session ? xstrdup(session) : session_name(p, NULL);
	gcr_aws_params_init(&params);
	gcr_aws_params_add(&params, "RoleArn", role_arn);
	gcr_aws_params_add(&params, "RoleSessionName", name);
	gcr_aws_params_add(&params, "WebIdentityToken", token);
	body = gcr_aws_params_form("AssumeRoleWithWebIdentity", "2011-06-15", &params);
	gcr_aws_params_clear(&params);
	wipe_free(token);
	free(name);
	gcr_http_headers_init(&headers);
	gcr_http_headers_add(&headers, "Content-Type",
			     "application/x-www-form-urlencoded; charset=utf-8");
	req.service = "sts";
	req.operation = "AssumeRoleWithWebIdentity";
	req.method = "POST";
	req.headers = &headers;
	req.body = body;
	req.body_len = strlen(body);
	req.idempotent = 1;
	req.anonymous = 1;
	req.region = sts_region(p, s->profile);
	p->active_call = gcr_aws_send(sts, &req, on_web_identity, s);
	gcr_http_headers_clear(&headers);
	wipe_free(body);
}

/* ---- credential_process ------------------------------------------------- */

struct proc {
	uv_process_t process;
	uv_pipe_t out, err;
	uv_timer_t timer;
	struct step *step;              /* NULL once detached (provider freed) */
	char *profile;
	char *outbuf;
	size_t outlen;
	char errbuf[PROCESS_STDERR_MAX];
	size_t errlen;
	int open_handles;
	int exited, out_eof, err_eof, timed_out, too_big;
	int64_t exit_status;
	int term_signal;
};

/* As botocore's shlex (POSIX mode): white space separates words; '...' is
 * literal; "..." allows \" \\ \$ \`; a backslash outside quotes escapes
 * the next character. */
char **gcr_aws_split_command(const char *cmd)
{
	size_t cap = 8, n = 0, len = strlen(cmd);
	char **argv = calloc(cap, sizeof *argv);
	char *word = malloc(len + 1);
	size_t wl = 0;
	int in_word = 0;
	const char *c = cmd;

	if (!argv || !word)
		abort();
	for (;;) {
		if (*c == '\0' || isspace((unsigned char)*c)) {
			if (in_word) {
				if (n + 2 > cap) {
					char **na = realloc(argv, (cap *= 2) * sizeof *argv);
					if (!na)
						abort();
					argv = na;
				}
				word[wl] = '\0';
				argv[n++] = xstrdup(word);
				argv[n] = NULL;
				wl = 0;
				in_word = 0;
			}
			if (*c == '\0')
				break;
			c++;
			continue;
		}
		in_word = 1;
		if (*c == '\'') {
			const char *end = strchr(c + 1, '\'');
			if (!end)
				goto bad;
			memcpy(word + wl, c + 1, (size_t)(end - c - 1));
			wl += (size_t)(end - c - 1);
			c = end + 1;
		} else if (*c == '"') {
			c++;
			while (*c && *c != '"') {
				if (*c == '\\' && (c[1] == '"' || c[1] == '\\' || c[1] == '$' || c[1] == '`'))
					c++;
				word[wl++] = *c++;
			}
			if (*c != '"')
				goto bad;
			c++;
		} else if (*c == '\\') {
			if (c[1] == '\0')
				goto bad;
			word[wl++] = c[1];
			c += 2;
		} else {
			word[wl++] = *c++;
		}
	}
	free(word);
	return argv;
bad:
	free(word);
	for (n = 0; argv[n]; n++)
		free(argv[n]);
	free(argv);
	return NULL;
}

static void free_argv(char **argv)
{
	size_t i;

	if (!argv)
		return;
	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void proc_free_if_closed(struct proc *pr)
{
	if (pr->open_handles > 0)
		return;
	if (pr->outbuf) {
		OPENSSL_cleanse(pr->outbuf, pr->outlen);
		free(pr->outbuf);
	}
	free(pr->profile);
	free(pr);
}

static void on_proc_handle_closed(uv_handle_t *h)
{
	struct proc *pr = h->data;

	pr->open_handles--;
	proc_free_if_closed(pr);
}

static void proc_close_all(struct proc *pr)
{
	uv_handle_t *hs[4] = {
		(uv_handle_t *)&pr->process, (uv_handle_t *)&pr->out,
		(uv_handle_t *)&pr->err, (uv_handle_t *)&pr->timer,
	};
	size_t i;

	for (i = 0; i < 4; i++)
		if (hs[i]->data && !uv_is_closing(hs[i]))
			uv_close(hs[i], on_proc_handle_closed);
}

/* The first line of the process's stderr, for the error message. */
static void stderr_line(struct proc *pr, char *buf, size_t size)
{
	size_t n = 0;

	while (n < pr->errlen && n + 1 < size && pr->errbuf[n] != '\n' && pr->errbuf[n] != '\r') {
		buf[n] = (char)((unsigned char)pr->errbuf[n] < 0x20 ? ' ' : pr->errbuf[n]);
		n++;
	}
	buf[n] = '\0';
}

static void proc_complete(struct proc *pr)
{
	struct step *s = pr->step;
	json_t *doc = NULL, *v;
	json_error_t jerr;
	const char *key, *secret, *token, *expiration;
	time_t expires = 0;
	char line[256];
	char *desc;

	if (!pr->exited || !pr->out_eof || !pr->err_eof)
		return;
	proc_close_all(pr);
	if (!s)
		return;             /* detached: the provider went away */
	pr->step = NULL;
	s->p->active_proc = NULL;
	stderr_line(pr, line, sizeof line);

	if (pr->timed_out) {
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s did not finish within %d s and was stopped"),
			  pr->profile, s->p->process_timeout);
		return;
	}
	if (pr->term_signal) {
		step_fail(s, GCR_ERR_AUTH, _("credential_process of profile %s was killed by signal %d%s%s"),
			  pr->profile, pr->term_signal, line[0] ? ": " : "", line);
		return;
	}
	if (pr->exit_status != 0) {
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s failed with exit status %d%s%s"),
			  pr->profile, (int)pr->exit_status, line[0] ? ": " : "", line);
		return;
	}
	if (pr->too_big) {
		step_fail(s, GCR_ERR_AUTH, _("credential_process of profile %s printed more than 1 MiB"),
			  pr->profile);
		return;
	}
	/* Never quote the output in a message: it holds the secret. */
	doc = pr->outbuf ? json_loadb(pr->outbuf, pr->outlen, 0, &jerr) : NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s did not print a JSON object"), pr->profile);
		return;
	}
	v = json_object_get(doc, "Version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s: \"Version\" must be 1"), pr->profile);
		return;
	}
	key = json_string_value(json_object_get(doc, "AccessKeyId"));
	secret = json_string_value(json_object_get(doc, "SecretAccessKey"));
	token = json_string_value(json_object_get(doc, "SessionToken"));
	expiration = json_string_value(json_object_get(doc, "Expiration"));
	if (!key || !*key || !secret || !*secret) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s: AccessKeyId and SecretAccessKey are required"),
			  pr->profile);
		return;
	}
	if (expiration && !gcr_aws_time_parse(expiration, &expires)) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s: Expiration is not an ISO 8601 time"),
			  pr->profile);
		return;
	}
	if (expiration && expires <= time(NULL)) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s returned credentials that have expired"),
			  pr->profile);
		return;
	}
	desc = gcr_strdup_printf(_("credential_process of profile %s"), pr->profile);
	step_ok(s, key, secret, token, expires, GCR_AWS_SOURCE_PROCESS, desc);
	free(desc);
	json_decref(doc);
}

static void on_proc_exit(uv_process_t *h, int64_t status, int term_signal)
{
	struct proc *pr = h->data;

	pr->exited = 1;
	pr->exit_status = status;
	pr->term_signal = pr->timed_out ? 0 : term_signal;
	uv_timer_stop(&pr->timer);
	proc_complete(pr);
}

static void on_proc_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static _Thread_local char scratch[65536];

	(void)h;
	(void)suggested;
	buf->base = scratch;
	buf->len = sizeof scratch;
}

static void on_proc_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct proc *pr = stream->data;
	int is_out = stream == (uv_stream_t *)&pr->out;

	if (nread < 0) {
		uv_read_stop(stream);
		if (is_out)
			pr->out_eof = 1;
		else
			pr->err_eof = 1;
		proc_complete(pr);
		return;
	}
	if (nread == 0)
		return;
	if (is_out) {
		char *nb;
		if (pr->outlen + (size_t)nread > PROCESS_OUTPUT_MAX) {
			pr->too_big = 1;
			OPENSSL_cleanse(buf->base, (size_t)nread);
			return;
		}
		nb = realloc(pr->outbuf, pr->outlen + (size_t)nread + 1);
		if (!nb)
			abort();
		/* realloc may leave an old copy with secrets: acceptable for a
		 * short-lived child's output, which is wiped when freed. */
		pr->outbuf = nb;
		memcpy(pr->outbuf + pr->outlen, buf->base, (size_t)nread);
		pr->outlen += (size_t)nread;
		pr->outbuf[pr->outlen] = '\0';
		OPENSSL_cleanse(buf->base, (size_t)nread);
	} else {
		size_t room = sizeof pr->errbuf - pr->errlen;
		size_t n = (size_t)nread < room ? (size_t)nread : room;
		memcpy(pr->errbuf + pr->errlen, buf->base, n);
		pr->errlen += n;
	}
}

static void on_proc_timeout(uv_timer_t *t)
{
	struct proc *pr = t->data;

	pr->timed_out = 1;
	uv_process_kill(&pr->process, SIGKILL);
}

static void start_process(struct step *s, const char *command)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct proc *pr;
	uv_process_options_t o = { 0 };
	uv_stdio_container_t stdio[3];
	char **argv = gcr_aws_split_command(command);
	int rc;

	if (!argv || !argv[0]) {
		free_argv(argv);
		step_fail(s, GCR_ERR_AUTH,
			  _("credential_process of profile %s is empty or has an unterminated quote"),
			  s->profile);
		return;
	}
	pr = calloc(1, sizeof *pr);
	if (!pr)
		abort();
	pr->profile = xstrdup(s->profile);
	uv_pipe_init(p->loop, &pr->out, 0);
	uv_pipe_init(p->loop, &pr->err, 0);
	uv_timer_init(p->loop, &pr->timer);
	/* uv_spawn initialises the process handle even when it fails, so all
	 * four handles are closed either way. */
	pr->process.data = pr->out.data = pr->err.data = pr->timer.data = pr;
	pr->open_handles = 4;

	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&pr->out;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&pr->err;
	o.file = argv[0];
	o.args = argv;
	o.stdio = stdio;
	o.stdio_count = 3;
	o.exit_cb = on_proc_exit;
	rc = uv_spawn(p->loop, &pr->process, &o);
	free_argv(argv);
	if (rc != 0) {
		proc_close_all(pr);
		step_fail(s, GCR_ERR_AUTH, _("cannot run credential_process of profile %s: %s"),
			  s->profile, uv_strerror(rc));
		return;
	}
	pr->step = s;
	p->active_proc = pr;
	gcr_log_debug("credential_process of profile %s started (pid %d)", s->profile,
		      pr->process.pid);
	uv_read_start((uv_stream_t *)&pr->out, on_proc_alloc, on_proc_read);
	uv_read_start((uv_stream_t *)&pr->err, on_proc_alloc, on_proc_read);
	uv_timer_start(&pr->timer, on_proc_timeout, (uint64_t)p->process_timeout * 1000, 0);
}

/* ---- plain HTTP sources (SSO portal, container, IMDS) -------------------- */

static struct gcr_http *http_client(struct gcr_aws_credential_provider *p, struct gcr_error *err)
{
	if (!p->http) {
		p->http = gcr_http_new(p->loop, NULL, err);
		p->own_http = p->http != NULL;
	}
	return p->http;
}

typedef void (*http_then)(struct step *s, struct gcr_http_response *resp);

struct http_ctx {
	struct step *step;
	http_then then;
};

static void on_http_done(struct gcr_http_response *resp, void *data)
{
	struct http_ctx *c = data;
	struct step *s = c->step;
	http_then then = c->then;

	free(c);
	s->p->active_http = NULL;
	if (resp->failure == GCR_HTTP_CANCELLED) {
		step_fail(s, GCR_ERR_CANCELLED, _("cancelled"));
		return;
	}
	then(s, resp);
}

static void http_start(struct step *s, const char *method, const char *url,
		       const struct gcr_http_headers *headers, long timeout_ms, http_then then)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct gcr_http_request_spec spec = { 0 };
	struct http_ctx *c;
	struct gcr_error err;
	struct gcr_http *http = http_client(p, &err);

	if (!http) {
		step_finish(s, err.code, &err);
		return;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->step = s;
	c->then = then;
	spec.method = method;
	spec.url = url;
	spec.headers = headers;
	spec.timeout_ms = timeout_ms;
	spec.connect_timeout_ms = timeout_ms;
	p->active_http = gcr_http_send(http, &spec, on_http_done, c, &err);
	if (!p->active_http) {
		free(c);
		step_finish(s, err.code, &err);
	}
}

/* Reads {AccessKeyId, SecretAccessKey, Token, Expiration} (container and
 * IMDS) or SSO's {roleCredentials:{accessKeyId,...,expiration ms}}. */
static void finish_from_json(struct step *s, struct gcr_http_response *resp, int sso,
			     enum gcr_aws_credential_source source, const char *what)
{
	json_t *doc, *o;
	json_error_t jerr;
	const char *key, *secret, *token;
	time_t expires = 0;

	doc = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, &jerr);
	o = sso ? json_object_get(doc, "roleCredentials") : doc;
	if (!json_is_object(o)) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH, _("%s: the answer is not the expected JSON"), what);
		return;
	}
	key = json_string_value(json_object_get(o, sso ? "accessKeyId" : "AccessKeyId"));
	secret = json_string_value(json_object_get(o, sso ? "secretAccessKey" : "SecretAccessKey"));
	token = json_string_value(json_object_get(o, sso ? "sessionToken" : "Token"));
	if (sso) {
		json_t *e = json_object_get(o, "expiration");
		if (json_is_integer(e))
			expires = (time_t)(json_integer_value(e) / 1000);
	} else {
		const char *e = json_string_value(json_object_get(o, "Expiration"));
		if (e && !gcr_aws_time_parse(e, &expires)) {
			json_decref(doc);
			step_fail(s, GCR_ERR_AUTH, _("%s: Expiration is not an ISO 8601 time"), what);
			return;
		}
	}
	if (!key || !*key || !secret || !*secret) {
		json_decref(doc);
		step_fail(s, GCR_ERR_AUTH, _("%s: the answer has no access key"), what);
		return;
	}
	step_ok(s, key, secret, token, expires, source, s->description ? s->description : what);
	json_decref(doc);
}

/* Fails the step for a transport failure or an HTTP error; 1 if it did. */
static int http_failed(struct step *s, struct gcr_http_response *resp, const char *what)
{
	struct gcr_error err;

	if (resp->failure != GCR_HTTP_OK) {
		gcr_http_failure_to_error(resp, what, &err);
		step_finish(s, err.code, &err);
		return 1;
	}
	if (resp->status < 200 || resp->status > 299) {
		step_fail(s, GCR_ERR_AUTH, _("%s answered HTTP %ld"), what, resp->status);
		return 1;
	}
	return 0;
}

/* -- SSO -- */

/* What an SSO step keeps between reading the token cache and calling the
 * portal (across a token refresh).  doc holds secrets: never logged. */
struct sso_state {
	char *session;          /* sso-session name; NULL for a legacy profile */
	char *region;           /* sso_region */
	char *account, *role;
	char *cache_path;
	json_t *doc;            /* the cache file's JSON */
	time_t expires;         /* of doc's accessToken */
	char refresh_failure[160];  /* why a refresh failed (no secrets), or "" */
};

static void sso_state_free(struct sso_state *st)
{
	if (!st)
		return;
	free(st->session);
	free(st->region);
	free(st->account);
	free(st->role);
	free(st->cache_path);
	json_decref(st->doc);
	free(st);
}

static void sso_fail_sign_in(struct step *s, const char *what)
{
	step_fail(s, GCR_ERR_AUTH, _("%s: %s; sign in again: gcrunner setup, or aws sso login "
				     "--profile %s"), s->description, what, s->profile);
}

/* Reads the cache file into s->sso->doc and ->expires; 0 (step failed) when
 * it is missing or unreadable. */
static int sso_load_cache(struct step *s)
{
	struct sso_state *st = s->sso;
	struct gcr_error err;
	char *text = NULL, *what;
	size_t len = 0;
	json_t *doc;
	const char *expires_at;

	if (gcr_read_file(st->cache_path, &text, &len, &err) != GCR_OK) {
		what = gcr_strdup_printf(_("no cached SSO token (%s)"), st->cache_path);
		sso_fail_sign_in(s, what);
		free(what);
		return 0;
	}
	doc = json_loadb(text, len, 0, NULL);
	wipe_free(text);
	expires_at = json_string_value(json_object_get(doc, "expiresAt"));
	if (!json_string_value(json_object_get(doc, "accessToken")) || !expires_at ||
	    !gcr_aws_time_parse(expires_at, &st->expires)) {
		json_decref(doc);
		what = gcr_strdup_printf(_("the cached token %s is unreadable"), st->cache_path);
		sso_fail_sign_in(s, what);
		free(what);
		return 0;
	}
	json_decref(st->doc);
	st->doc = doc;
	return 1;
}

/* botocore refreshes only with a refresh token and an unexpired client
 * registration (sso-session profiles; legacy ones have neither). */
static int sso_can_refresh(const struct sso_state *st, time_t now)
{
	const char *keys[] = { "refreshToken", "clientId", "clientSecret" };
	const char *reg = json_string_value(json_object_get(st->doc, "registrationExpiresAt"));
	time_t reg_expires;
	size_t i;

	if (!st->session)
		return 0;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = json_string_value(json_object_get(st->doc, keys[i]));
		if (!v || !*v)
			return 0;
	}
	return reg && gcr_aws_time_parse(reg, &reg_expires) && reg_expires > now;
}

static void on_sso(struct step *s, struct gcr_http_response *resp)
{
	if (resp->failure == GCR_HTTP_OK && (resp->status == 401 || resp->status == 403)) {
		step_fail(s, GCR_ERR_AUTH,
			  _("%s: the SSO token was refused (HTTP %ld); sign in again: gcrunner setup, "
			    "or aws sso login --profile %s"),
			  s->description, resp->status, s->profile);
		return;
	}
	if (http_failed(s, resp, s->description))
		return;
	finish_from_json(s, resp, 1, GCR_AWS_SOURCE_SSO, s->description);
}

/* Role credentials from the portal with the token in s->sso->doc. */
static void sso_get_role_credentials(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct sso_state *st = s->sso;
	struct gcr_error err;
	struct gcr_aws_endpoint ep;
	struct gcr_http_headers headers;
	char *url, *acc_enc, *role_enc, *what;

	if (st->expires <= time(NULL)) {
		if (st->refresh_failure[0])
			what = gcr_strdup_printf(_("the SSO token has expired and could not be renewed "
						   "(%s)"), st->refresh_failure);
		else
			what = gcr_strdup_printf("%s", _("the SSO token has expired"));
		sso_fail_sign_in(s, what);
		free(what);
		return;
	}
	if (gcr_aws_endpoint_resolve(p->config, s->profile, "sso", st->region, &ep, &err) != GCR_OK) {
		step_finish(s, err.code, &err);
		return;
	}
	acc_enc = gcr_aws_uri_encode(st->account, strlen(st->account), 0);
	role_enc = gcr_aws_uri_encode(st->role, strlen(st->role), 0);
	url = gcr_strdup_printf("%s/federation/credentials?account_id=%s&role_name=%s",
				ep.url, acc_enc, role_enc);
	free(acc_enc);
	free(role_enc);
	gcr_aws_endpoint_clear(&ep);
	gcr_http_headers_init(&headers);
	gcr_http_headers_add(&headers, "x-amz-sso_bearer_token",
			     json_string_value(json_object_get(st->doc, "accessToken")));
	http_start(s, "GET", url, &headers, 10000, on_sso);
	gcr_http_headers_clear(&headers);
	free(url);
}

/* The SSO OIDC CreateToken answer to a refresh: the new token goes into the
 * cache file (other fields kept) as the AWS CLI would write it. */
static void on_sso_refreshed(const struct gcr_sso_answer *a, void *data)
{
	struct step *s = data;
	struct gcr_aws_credential_provider *p = s->p;
	struct sso_state *st = s->sso;
	const char *token = json_string_value(json_object_get(a->answer, "accessToken"));
	const char *refresh = json_string_value(json_object_get(a->answer, "refreshToken"));
	json_t *expires_in = json_object_get(a->answer, "expiresIn");
	struct gcr_error err;
	char when[32];

	p->active_http = NULL;
	if (a->st == GCR_ERR_CANCELLED || p->freeing) {
		step_fail(s, GCR_ERR_CANCELLED, _("cancelled"));
		return;
	}
	if (a->st != GCR_OK || !token || !*token || !json_is_integer(expires_in)) {
		/* The service's error code only: the message could echo a request. */
		snprintf(st->refresh_failure, sizeof st->refresh_failure, "%.150s",
			 a->st == GCR_OK ? _("an incomplete answer")
			 : a->info->code[0] ? a->info->code : a->err->message);
		gcr_log_debug("%s: SSO token refresh failed: %s", s->description, st->refresh_failure);
		/* Someone else (another gcrunner, the AWS CLI) may have renewed it. */
		if (sso_load_cache(s))
			sso_get_role_credentials(s);
		return;
	}
	st->expires = time(NULL) + (time_t)json_integer_value(expires_in);
	gcr_aws_time_format(st->expires, when, sizeof when);
	json_object_set_new(st->doc, "accessToken", json_string(token));
	json_object_set_new(st->doc, "expiresAt", json_string(when));
	if (refresh && *refresh)
		json_object_set_new(st->doc, "refreshToken", json_string(refresh));
	if (gcr_sso_cache_write(st->cache_path, st->doc, &err) != GCR_OK)
		gcr_log_debug("%s: renewed the SSO token but cannot cache it: %s", s->description,
			      err.message);
	else
		gcr_log_debug("%s: renewed the SSO token (until %s)", s->description, when);
	sso_get_role_credentials(s);
}

/* CreateToken with grantType refresh_token, as botocore's SSOTokenProvider. */
static void sso_refresh(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct sso_state *st = s->sso;
	struct gcr_error err;
	struct gcr_http *http = http_client(p, &err);
	json_t *body;

	p->sso_refresh_next = time(NULL) + SSO_REFRESH_ATTEMPT_GAP;
	if (!http) {
		step_finish(s, err.code, &err);
		return;
	}
	body = json_pack("{s:s, s:s, s:s, s:s}", "grantType", "refresh_token",
			 "clientId", json_string_value(json_object_get(st->doc, "clientId")),
			 "clientSecret", json_string_value(json_object_get(st->doc, "clientSecret")),
			 "refreshToken", json_string_value(json_object_get(st->doc, "refreshToken")));
	p->active_http = gcr_sso_call(http, p->config, s->profile, "sso-oidc", st->region, "POST",
				      "/token", body, NULL, 10000, on_sso_refreshed, s, &err);
	if (!p->active_http) {
		snprintf(st->refresh_failure, sizeof st->refresh_failure, "%.150s", err.message);
		sso_get_role_credentials(s);
	}
}

static void start_sso(struct step *s)
{
	struct gcr_aws_credential_provider *p = s->p;
	const char *session = cfg_get(p, s->profile, "sso_session");
	const char *account = cfg_get(p, s->profile, "sso_account_id");
	const char *role = cfg_get(p, s->profile, "sso_role_name");
	const char *start_url, *region;
	const struct gcr_aws_ini_section *sec = NULL;
	struct sso_state *st;
	time_t now;

	if (session) {
		sec = gcr_aws_config_sso_session(p->config, session);
		if (!sec) {
			step_fail(s, GCR_ERR_AUTH, _("profile %s names sso_session %s, which has no "
						     "[sso-session %s] section"), s->profile, session, session);
			return;
		}
		start_url = gcr_aws_ini_lookup(sec, NULL, "sso_start_url");
		region = gcr_aws_ini_lookup(sec, NULL, "sso_region");
		s->description = gcr_strdup_printf(_("SSO session %s"), session);
	} else {
		start_url = cfg_get(p, s->profile, "sso_start_url");
		region = cfg_get(p, s->profile, "sso_region");
		s->description = gcr_strdup_printf(_("SSO start URL %s"), start_url ? start_url : "?");
	}
	if (!start_url || !region || !account || !role) {
		step_fail(s, GCR_ERR_AUTH,
			  _("profile %s: SSO needs sso_start_url and sso_region (in the profile or its "
			    "sso-session) and sso_account_id and sso_role_name"), s->profile);
		return;
	}
	st = calloc(1, sizeof *st);
	if (!st)
		abort();
	s->sso = st;
	st->session = xstrdup(session);
	st->region = xstrdup(region);
	st->account = xstrdup(account);
	st->role = xstrdup(role);
	/* The CLI's token cache, keyed by the session name (else the URL). */
	st->cache_path = gcr_sso_cache_path(session ? session : start_url);
	if (!sso_load_cache(s))
		return;
	now = time(NULL);
	if (st->expires - now < SSO_REFRESH_WINDOW && now >= p->sso_refresh_next &&
	    sso_can_refresh(st, now)) {
		sso_refresh(s);
		return;
	}
	sso_get_role_credentials(s);
}

/* -- container -- */

static void on_container(struct step *s, struct gcr_http_response *resp)
{
	if (http_failed(s, resp, _("container credentials endpoint")))
		return;
	finish_from_json(s, resp, 0, GCR_AWS_SOURCE_CONTAINER, _("container"));
}

/* http:// is allowed only to the ECS/EKS agent addresses and loopback. */
static int container_host_allowed(const char *url)
{
	static const char *const allowed[] = {
		"http://169.254.170.2", "http://169.254.170.23", "http://[fd00:ec2::23]",
		"http://localhost", "http://127.", "http://[::1]",
	};
	size_t i;

	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		size_t n = strlen(allowed[i]);
		if (strncasecmp(url, allowed[i], n) == 0 &&
		    (allowed[i][n - 1] == '.' || url[n] == '\0' || url[n] == ':' || url[n] == '/'))
			return 1;
	}
	return 0;
}

static void start_container(struct step *s)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token_env = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct gcr_http_headers headers;
	struct gcr_error err;
	char *url, *token = NULL;
	size_t len = 0;

	if (rel)
		url = gcr_strdup_printf("%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
	else if (full)
		url = xstrdup(full);
	else {
		step_fail(s, GCR_ERR_AUTH, _("no container credentials endpoint is set"));
		return;
	}
	if (!rel && !container_host_allowed(url)) {
		step_fail(s, GCR_ERR_AUTH,
			  _("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https:// or a local address: %s"),
			  url);
		free(url);
		return;
	}
	if (token_file) {
		if (gcr_read_file(token_file, &token, &len, &err) != GCR_OK) {
			step_fail(s, GCR_ERR_AUTH, _("container credentials: %s"), err.message);
			free(url);
			return;
		}
		while (len && isspace((unsigned char)token[len - 1]))
			token[--len] = '\0';
	} else if (token_env) {
		token = xstrdup(token_env);
	}
	gcr_http_headers_init(&headers);
	if (token)
		gcr_http_headers_add(&headers, "Authorization", token);
	gcr_http_headers_add(&headers, "Accept", "application/json");
	wipe_free(token);
	s->description = xstrdup(_("container"));
	http_start(s, "GET", url, &headers, 5000, on_container);
	gcr_http_headers_clear(&headers);
	free(url);
}

/* -- IMDSv2 -- */

static void imds_next(struct step *s, struct gcr_http_response *resp);

static void imds_request(struct step *s, const char *method, const char *path)
{
	struct gcr_http_headers headers;
	char *url = gcr_strdup_printf("%s%s", s->imds_base, path);

	gcr_http_headers_init(&headers);
	if (s->imds_token)
		gcr_http_headers_add(&headers, "x-aws-ec2-metadata-token", s->imds_token);
	else
		gcr_http_headers_add(&headers, "x-aws-ec2-metadata-token-ttl-seconds", "21600");
	http_start(s, method, url, &headers, 2000, imds_next);
	gcr_http_headers_clear(&headers);
	free(url);
}

static void imds_next(struct step *s, struct gcr_http_response *resp)
{
	const char *what = _("EC2 instance metadata");
	char *path;
	size_t n;

	/* Not on EC2 (nothing answers): say so plainly. */
	if (s->imds_stage == 0 && resp->failure != GCR_HTTP_OK) {
		step_fail(s, GCR_ERR_AUTH,
			  _("no AWS credentials found: no environment variables, no profile "
			    "credentials, and no EC2 instance metadata at %s"), s->imds_base);
		return;
	}
	if (http_failed(s, resp, what))
		return;
	switch (s->imds_stage++) {
	case 0:
		s->imds_token = xstrdup(resp->body ? resp->body : "");
		imds_request(s, "GET", "/latest/meta-data/iam/security-credentials/");
		return;
	case 1:
		n = resp->body ? strcspn(resp->body, "\r\n") : 0;
		if (n == 0) {
			step_fail(s, GCR_ERR_AUTH, _("this EC2 instance has no IAM role attached"));
			return;
		}
		s->imds_role = strndup(resp->body, n);
		path = gcr_strdup_printf("/latest/meta-data/iam/security-credentials/%s", s->imds_role);
		s->description = gcr_strdup_printf(_("instance role %s"), s->imds_role);
		imds_request(s, "GET", path);
		free(path);
		return;
	default:
		finish_from_json(s, resp, 0, GCR_AWS_SOURCE_INSTANCE_ROLE, what);
		return;
	}
}

static void start_imds(struct step *s)
{
	const char *base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	size_t n;

	if (!base && s->profile)
		base = cfg_get(s->p, s->profile, "ec2_metadata_service_endpoint");
	s->imds_base = xstrdup(base ? base : IMDS_DEFAULT);
	n = strlen(s->imds_base);
	while (n > 0 && s->imds_base[n - 1] == '/')
		s->imds_base[--n] = '\0';
	s->imds_stage = 0;
	imds_request(s, "PUT", "/latest/api/token");
}

/* ---- the provider ------------------------------------------------------- */

static int fresh(const struct gcr_aws_credential_provider *p, time_t now)
{
	return p->have_creds &&
	       (p->creds.expiration == 0 || now + p->margin < p->creds.expiration);
}

/* Hands the outcome to every waiting get(). */
static void deliver(struct gcr_aws_credential_provider *p, enum gcr_status st,
		    const struct gcr_error *err)
{
	while (p->waiting) {
		struct waiter *w = p->waiting;
		p->waiting = w->next;
		w->cb(st, st == GCR_OK ? &p->creds : NULL, st == GCR_OK ? NULL : err, w->data);
		free(w);
	}
}

static void on_root_done(struct step *s, enum gcr_status st, const struct gcr_error *err)
{
	struct gcr_aws_credential_provider *p = s->p;
	struct gcr_error e2;

	p->root = NULL;
	if (st == GCR_OK) {
		gcr_aws_credentials_clear(&p->creds);
		gcr_aws_credentials_copy(&p->creds, &s->creds);
		p->have_creds = 1;
		gcr_log_debug("AWS credentials from %s", gcr_credentials_describe_source(&p->creds));
	} else if (p->have_creds && !p->freeing &&
		   (p->creds.expiration == 0 || time(NULL) < p->creds.expiration)) {
		/* A refresh failed but the old credentials still work. */
		gcr_log_debug("credential refresh failed, keeping the current ones: %s",
			      err ? err->message : "");
		st = GCR_OK;
	}
	if (st != GCR_OK && !err) {
		gcr_error_set(&e2, st, _("no AWS credentials"));
		err = &e2;
	}
	if (st != GCR_OK && err)
		e2 = *err;
	step_free(s);
	deliver(p, st, st == GCR_OK ? NULL : &e2);
}

static void on_defer(uv_timer_t *t)
{
	struct gcr_aws_credential_provider *p = t->data;
	struct step *s;

	if (!p->waiting || p->root)
		return;
	if (fresh(p, time(NULL))) {
		deliver(p, GCR_OK, NULL);
		return;
	}
	s = step_new(p, NULL, on_root_done, p->profile);
	p->root = s;
	resolve_chain(s);
}

struct gcr_aws_credential_provider *
gcr_aws_credential_provider_new(const struct gcr_aws_credentials_options *opts,
				struct gcr_error *err)
{
	struct gcr_aws_credential_provider *p;

	if (!opts || !opts->loop) {
		gcr_error_set(err, GCR_ERR_INTERNAL, _("the credential provider needs a loop"));
		return NULL;
	}
	p = calloc(1, sizeof *p);
	if (!p) {
		gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	p->loop = opts->loop;
	p->http = opts->http;
	p->config = opts->config;
	if (!p->config) {
		p->own_config = gcr_aws_config_load(err);
		if (!p->own_config) {
			free(p);
			return NULL;
		}
		p->config = p->own_config;
	}
	p->profile_explicit = opts->profile && *opts->profile;
	p->profile = xstrdup(gcr_aws_profile_name(opts->profile));
	p->region = gcr_aws_region(p->config, p->profile, opts->region);
	p->margin = opts->refresh_margin_seconds > 0 ? opts->refresh_margin_seconds : 300;
	p->process_timeout = opts->process_timeout_seconds > 0 ? opts->process_timeout_seconds : 60;
	uv_timer_init(p->loop, &p->defer);
	p->defer.data = p;
	return p;
}

static void on_defer_closed(uv_handle_t *h)
{
	free(h->data);
}

void gcr_aws_credential_provider_free(struct gcr_aws_credential_provider *p)
{
	struct gcr_error err;

	if (!p)
		return;
	p->freeing = 1;
	/* Cancel the one action in flight; its callback unwinds the steps and
	 * delivers GCR_ERR_CANCELLED to the waiting gets. */
	if (p->active_http)
		gcr_http_cancel(p->active_http);
	if (p->active_call)
		gcr_aws_cancel(p->active_call);
	if (p->active_proc) {
		/* Detach it; its handles close (and the child is reaped) when
		 * the killed process has exited. */
		struct proc *pr = p->active_proc;
		struct step *s = pr->step;
		p->active_proc = NULL;
		pr->step = NULL;
		uv_process_kill(&pr->process, SIGKILL);
		if (s)
			step_fail(s, GCR_ERR_CANCELLED, _("cancelled"));
	}
	if (p->root) {
		/* Should not happen (the cancel unwinds it), but never leak it. */
		step_free(p->root);
		p->root = NULL;
	}
	gcr_error_set(&err, GCR_ERR_CANCELLED, _("cancelled"));
	deliver(p, GCR_ERR_CANCELLED, &err);
	if (p->sts)
		gcr_aws_free(p->sts);
	if (p->own_http)
		gcr_http_close(p->http, NULL, NULL);
	gcr_aws_credentials_clear(&p->creds);
	gcr_aws_config_free(p->own_config);
	free(p->profile);
	free(p->region);
	uv_close((uv_handle_t *)&p->defer, on_defer_closed);
}

const struct gcr_aws_credentials *
gcr_aws_credentials_cached(struct gcr_aws_credential_provider *p)
{
	return p && fresh(p, time(NULL)) ? &p->creds : NULL;
}

void gcr_aws_credentials_get(struct gcr_aws_credential_provider *p,
			     gcr_aws_credentials_cb cb, void *data)
{
	struct waiter *w = calloc(1, sizeof *w), **tail;

	if (!w)
		abort();
	w->cb = cb;
	w->data = data;
	for (tail = &p->waiting; *tail; tail = &(*tail)->next)
		;
	*tail = w;
	if (!p->root)
		uv_timer_start(&p->defer, on_defer, 0, 0);
}

void gcr_aws_credentials_invalidate(struct gcr_aws_credential_provider *p)
{
	if (!p)
		return;
	gcr_aws_credentials_clear(&p->creds);
	p->have_creds = 0;
}

const char *gcr_aws_credential_provider_profile(const struct gcr_aws_credential_provider *p)
{
	return p->profile;
}
