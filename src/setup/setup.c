/* setup.c: the setup engine's runner -- identity, plan, apply, destroy, the
 * record of what setup created, and the translation of "access denied"
 * answers into the IAM action's name (see setup.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws/protocol.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "settings.h"
#include "setup/setup_internal.h"

const char *const setup_arch[SETUP_ARCH_COUNT] = { "arm64", "x86_64" };
const char *const setup_table_base[3] = { "Users", "Simulations", "Benchmarks" };
const char *const setup_families[SETUP_ARCH_COUNT][3] = {
	{ "c7g", "c8g", "hpc7g" },
	{ "c5", "c6i", "c6a" },
};

static void run_next(struct gcr_setup *g);
static void finish(struct gcr_setup *g, enum gcr_status st, const struct gcr_error *err);

/* ---- small helpers -------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *c;

	if (!s)
		return NULL;
	c = strdup(s);
	if (!c)
		abort();
	return c;
}

static char **copy_list(const char *const *items, size_t n)
{
	char **out = calloc(n + 1, sizeof *out);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(items[i]);
	return out;
}

static void free_list(char **items)
{
	for (size_t i = 0; items && items[i]; i++)
		free(items[i]);
	free(items);
}

char *setup_name(const struct gcr_setup *g, const char *fmt, ...)
{
	va_list ap;
	char *body, *out;

	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		abort();
	va_end(ap);
	out = gcr_strdup_printf("%s-%s", g->prefix, body);
	free(body);
	return out;
}

char *setup_table_name(const struct gcr_setup_config *cfg, const char *prefix, int i)
{
	(void)cfg;
	return gcr_strdup_printf("%s-%s", prefix, setup_table_base[i]);
}

const char *setup_job_role_name(void)
{
	return "BatchJobRole";
}

char *setup_log_group(const char *prefix)
{
	return gcr_strdup_printf("/%s/batch", prefix);
}

char *setup_ce_name(const char *prefix, int arch, int spot)
{
	return gcr_strdup_printf("%s-%s-%s", prefix, setup_arch[arch], spot ? "spot" : "ondemand");
}

char *setup_queue_name(const char *prefix, int arch)
{
	return gcr_strdup_printf("%s-%s", prefix, setup_arch[arch]);
}

char *setup_jobdef_name(int arch)
{
	return gcr_strdup_printf("geos-chem-classic-%s", setup_arch[arch]);
}

json_t *setup_tags(const struct gcr_setup *g)
{
	return json_pack("{s:s, s:s, s:s}", "Environment", g->environment, "Project", g->project,
			 "Owner", g->owner ? g->owner : "");
}

char *setup_xml_text(xmlDocPtr doc, const char *name)
{
	xmlNodePtr n;

	if (!doc)
		return NULL;
	n = gcr_xml_find(xmlDocGetRootElement(doc), name);
	return n ? gcr_xml_text(n, NULL) : NULL;
}

const char *gcr_setup_action_token(enum gcr_setup_action a)
{
	switch (a) {
	case GCR_SETUP_EXISTS: return "exists";
	case GCR_SETUP_CREATE: return "create";
	case GCR_SETUP_CHANGE: return "change";
	case GCR_SETUP_DELETE: return "delete";
	case GCR_SETUP_KEEP: return "keep";
	case GCR_SETUP_ABSENT: return "absent";
	case GCR_SETUP_INFO: return "info";
	case GCR_SETUP_UNKNOWN: return "unknown";
	}
	return "?";
}

const char *gcr_setup_action_label(enum gcr_setup_action a)
{
	switch (a) {
	case GCR_SETUP_EXISTS: return _("exists");
	case GCR_SETUP_CREATE: return _("create");
	case GCR_SETUP_CHANGE: return _("change");
	case GCR_SETUP_DELETE: return _("delete");
	case GCR_SETUP_KEEP: return _("keep");
	case GCR_SETUP_ABSENT: return _("absent");
	case GCR_SETUP_INFO: return _("found");
	case GCR_SETUP_UNKNOWN: return _("unknown");
	}
	return "?";
}

/* ---- the record of what setup created (settings "setup.created") --------------- */

static char *created_key(const struct step *s)
{
	return gcr_strdup_printf("%s:%s", s->p->kind, s->name);
}

static int created_by_setup(const struct gcr_setup *g, const struct step *s)
{
	struct gcr_settings *cfg = g->cfg.settings;
	char *key = created_key(s);
	int found = 0;

	for (size_t i = 0; cfg && i < gcr_settings_list_len(cfg, GCR_SETUP_KEY_CREATED); i++)
		if (strcmp(gcr_settings_list_item(cfg, GCR_SETUP_KEY_CREATED, i), key) == 0)
			found = 1;
	free(key);
	return found;
}

/* Adds (add=1) or removes one entry and saves the file, before the resource
 * is created (so an interrupted run still knows) and after it is deleted. */
static enum gcr_status record_created(struct gcr_setup *g, const struct step *s, int add,
				      struct gcr_error *err)
{
	struct gcr_settings *cfg = g->cfg.settings;
	char *key;
	size_t n, m = 0;
	const char **items;
	enum gcr_status st;
	int present = 0;

	if (!cfg || !g->cfg.settings_path)
		return GCR_OK;
	key = created_key(s);
	n = gcr_settings_list_len(cfg, GCR_SETUP_KEY_CREATED);
	items = calloc(n + 1, sizeof *items);
	if (!items)
		abort();
	/* Copies: set_list frees the old list before it copies the new one. */
	for (size_t i = 0; i < n; i++) {
		const char *it = gcr_settings_list_item(cfg, GCR_SETUP_KEY_CREATED, i);
		if (strcmp(it, key) == 0) {
			present = 1;
			if (!add)
				continue;
		}
		items[m++] = xstrdup(it);
	}
	if (add && !present)
		items[m++] = xstrdup(key);
	st = GCR_OK;
	if (add != present) {
		st = gcr_settings_set_list(cfg, GCR_SETUP_KEY_CREATED, items, m, err);
		if (st == GCR_OK)
			st = gcr_settings_save(cfg, g->cfg.settings_path, err);
	}
	for (size_t i = 0; i < m; i++)
		free((char *)items[i]);
	free(items);
	free(key);
	return st;
}

/* ---- steps ---------------------------------------------------------------------- */

static struct step *step_add(struct gcr_setup *g, const struct provider *p, char *name, int index,
			     int spot)
{
	struct step *s = calloc(1, sizeof *s);

	if (!s)
		abort();
	s->setup = g;
	s->p = p;
	s->name = name;
	s->index = index;
	s->spot = spot;
	s->item.kind = p->kind;
	s->item.name = s->name;
	g->steps = realloc(g->steps, (g->n_steps + 1) * sizeof *g->steps);
	if (!g->steps)
		abort();
	g->steps[g->n_steps++] = s;
	return s;
}

static void step_clear_answer(struct step *s)
{
	json_decref(s->answer);
	s->answer = NULL;
	if (s->doc)
		xmlFreeDoc(s->doc);
	s->doc = NULL;
	s->code[0] = '\0';
	s->http_status = 0;
	s->st = GCR_OK;
	gcr_error_clear(&s->err);
}

static void step_free(struct step *s)
{
	step_clear_answer(s);
	json_decref(s->want);
	free(s->name);
	free(s->detail);
	free(s->arn);
	free(s->aux);
	free(s);
}

void step_set_arn(struct step *s, const char *arn)
{
	free(s->arn);
	s->arn = xstrdup(arn);
	s->item.arn = s->arn;
}

void step_set_detail(struct step *s, const char *detail)
{
	free(s->detail);
	s->detail = xstrdup(detail);
	s->item.detail = s->detail;
}

void step_progress(struct step *s, const char *fmt, ...)
{
	struct gcr_setup *g = s->setup;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	gcr_log_debug("%s %s: %s", s->p->kind, s->name, text);
	if (g->progress)
		g->progress(&s->item, text, g->data);
	free(text);
}

static int is_access_denied(const char *code)
{
	static const char *const codes[] = {
		"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
		"Client.UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
		"AccessDeniedException.Forbidden",
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

void setup_remember_denied(struct gcr_setup *g, const char *action)
{
	for (size_t i = 0; i < g->n_denied; i++)
		if (strcmp(g->denied[i], action) == 0)
			return;
	g->denied = realloc(g->denied, (g->n_denied + 1) * sizeof *g->denied);
	if (!g->denied)
		abort();
	g->denied[g->n_denied++] = xstrdup(action);
}

/* Common end of every call: keep the outcome, name a refused action, and
 * re-enter the provider.  A refusal while inspecting ends the step as
 * "unknown" so the plan lists every missing permission, not just the first. */
static void step_answer(struct step *s, enum gcr_status st, const struct gcr_error *err,
			const struct gcr_aws_error_info *info, const char *iam_action)
{
	struct gcr_setup *g = s->setup;

	s->call = NULL;
	s->st = st;
	if (st != GCR_OK) {
		if (err)
			s->err = *err;
		else
			gcr_error_set(&s->err, st, "%s", _("the call failed"));
		if (info) {
			snprintf(s->code, sizeof s->code, "%s", info->code);
			s->http_status = info->http_status;
		}
		if (is_access_denied(s->code) && !s->quiet_denial) {
			const char *who = g->have_identity ? g->identity.arn : _("these credentials");
			gcr_error_set(&s->err, GCR_ERR_AUTH, _("%s is not allowed for %s"),
				      iam_action, who);
			s->st = GCR_ERR_AUTH;
			if (!g->applying) {
				setup_remember_denied(g, iam_action);
				s->item.action = GCR_SETUP_UNKNOWN;
				step_set_detail(s, s->err.message);
				g->cur++;
				run_next(g);
				return;
			}
		}
	}
	s->resume(s);
}

struct call_ctx {
	struct step *s;
	const char *iam_action;   /* static */
};

static struct call_ctx *call_ctx_new(struct step *s, const char *iam_action)
{
	struct call_ctx *c = malloc(sizeof *c);

	if (!c)
		abort();
	c->s = s;
	c->iam_action = iam_action;
	step_clear_answer(s);
	s->setup->busy = 1;
	return c;
}

static void on_json(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct call_ctx *c = data;
	struct step *s = c->s;
	const char *action = c->iam_action;

	free(c);
	if (st == GCR_ERR_CANCELLED && !s->setup->busy)
		return;
	if (answer)
		s->answer = json_incref(answer);
	step_answer(s, st, err, info, action);
}

void step_json(struct step *s, const char *service, const char *operation,
	       const char *iam_action, json_t *input, int not_idempotent)
{
	struct gcr_aws_call_options opts = { .not_idempotent = not_idempotent };
	struct call_ctx *c = call_ctx_new(s, iam_action);

	s->call = gcr_aws_json_call(s->setup->aws, service, operation, input, &opts, on_json, c);
	json_decref(input);
}

static void on_xml(enum gcr_status st, const struct gcr_error *err,
		   const struct gcr_aws_error_info *info, xmlDocPtr doc, void *data)
{
	struct call_ctx *c = data;
	struct step *s = c->s;
	const char *action = c->iam_action;

	free(c);
	if (st == GCR_ERR_CANCELLED && !s->setup->busy)
		return;
	if (doc)
		s->doc = xmlCopyDoc(doc, 1);
	step_answer(s, st, err, info, action);
}

void step_query(struct step *s, const char *service, const char *action,
		const char *iam_action, struct gcr_aws_params *params)
{
	struct call_ctx *c = call_ctx_new(s, iam_action);

	s->call = gcr_aws_query_call(s->setup->aws, service, action, params, NULL, on_xml, c);
	if (params)
		gcr_aws_params_clear(params);
}

static void on_s3(enum gcr_status st, const struct gcr_error *err,
		  const struct gcr_aws_error_info *info, struct gcr_aws_response *resp,
		  void *data)
{
	struct call_ctx *c = data;
	struct step *s = c->s;
	const char *action = c->iam_action;

	free(c);
	if (st == GCR_ERR_CANCELLED && !s->setup->busy)
		return;
	if (st == GCR_OK && resp && resp->body && resp->body_len > 0)
		s->doc = gcr_xml_parse(resp->body, resp->body_len, NULL);
	if (resp)
		s->http_status = resp->status;
	step_answer(s, st, err, info, action);
}

void step_s3(struct step *s, const char *method, const char *path, const char *query,
	     const char *body, const char *iam_action)
{
	struct call_ctx *c = call_ctx_new(s, iam_action);
	struct gcr_http_headers headers;
	struct gcr_aws_request req = {
		.service = "s3",
		.operation = iam_action + 3,  /* "s3:PutObject" -> "PutObject" */
		.method = method,
		.path = path,
		.query = query,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.idempotent = 1,
		.headers = &headers,
	};

	gcr_http_headers_init(&headers);
	if (body && *body) {
		/* S3 wants Content-MD5 on its configuration PUTs. */
		unsigned char md5[EVP_MAX_MD_SIZE];
		unsigned int md5_len = 0;
		char b64[64];

		EVP_Digest(body, strlen(body), md5, &md5_len, EVP_md5(), NULL);
		EVP_EncodeBlock((unsigned char *)b64, md5, (int)md5_len);
		gcr_http_headers_add(&headers, "Content-MD5", b64);
		if (*body == '<')
			gcr_http_headers_add(&headers, "Content-Type", "application/xml");
	}
	s->call = gcr_aws_send(s->setup->aws, &req, on_s3, c);
	gcr_http_headers_clear(&headers);
}

static void on_wait(uv_timer_t *t)
{
	struct step *s = t->data;

	s->resume(s);
}

void step_wait(struct step *s, int ms)
{
	s->setup->timer->data = s;
	uv_timer_start(s->setup->timer, on_wait, (uint64_t)(ms > 0 ? ms : 1), 0);
}

int step_code_is(const struct step *s, const char *code)
{
	return s->st != GCR_OK && strcmp(s->code, code) == 0;
}

int step_not_found(const struct step *s)
{
	static const char *const codes[] = {
		"NoSuchEntity", "NoSuchBucket", "NotFound", "ResourceNotFoundException",
		"NoSuchKey", "404",
	};
	if (s->st == GCR_OK)
		return 0;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(s->code, codes[i]) == 0)
			return 1;
	return s->http_status == 404;
}

void step_found(struct step *s, int exists, const char *change_detail)
{
	struct gcr_setup *g = s->setup;

	s->exists = exists;
	if (g->mode == GCR_SETUP_MODE_CREATE) {
		s->item.action = !exists ? GCR_SETUP_CREATE
				 : change_detail ? GCR_SETUP_CHANGE : GCR_SETUP_EXISTS;
		step_set_detail(s, change_detail);
	} else if (!exists) {
		s->item.action = GCR_SETUP_ABSENT;
	} else if (s->p->shared) {
		s->item.action = GCR_SETUP_KEEP;
		step_set_detail(s, _("shared by every Batch environment in the account"));
	} else if (!created_by_setup(g, s)) {
		s->item.action = GCR_SETUP_KEEP;
		step_set_detail(s, _("not created by gcrunner setup"));
	} else if (s->p->data && !g->cfg.delete_data) {
		s->item.action = GCR_SETUP_KEEP;
		step_set_detail(s, _("holds your data; kept unless you confirm deleting it"));
	} else {
		s->item.action = GCR_SETUP_DELETE;
	}
	g->cur++;
	run_next(g);
}

void step_info(struct step *s, const char *detail)
{
	struct gcr_setup *g = s->setup;

	s->item.action = GCR_SETUP_INFO;
	step_set_detail(s, detail);
	g->cur++;
	run_next(g);
}

void step_done(struct step *s)
{
	struct gcr_setup *g = s->setup;
	struct gcr_error err;

	s->item.done = 1;
	if (g->mode == GCR_SETUP_MODE_CREATE) {
		s->item.action = GCR_SETUP_EXISTS;
	} else {
		s->item.action = s->still_used ? GCR_SETUP_KEEP : GCR_SETUP_ABSENT;
		if (!s->still_used && record_created(g, s, 0, &err) != GCR_OK) {
			finish(g, err.code, &err);
			return;
		}
	}
	step_set_detail(s, NULL);
	g->cur++;
	run_next(g);
}

void step_done_or_fail(struct step *s)
{
	if (s->st != GCR_OK)
		step_fail(s);
	else
		step_done(s);
}

void step_deleted(struct step *s)
{
	if (s->st != GCR_OK && !step_not_found(s))
		step_fail(s);
	else
		step_done(s);
}

int step_failed(struct step *s)
{
	if (s->st == GCR_OK)
		return 0;
	step_fail(s);
	return 1;
}

int step_destroy_failed(struct step *s)
{
	if (s->phase == 0 || s->st == GCR_OK || step_not_found(s))
		return 0;
	step_fail(s);
	return 1;
}

int step_first_call(struct step *s, void (*call)(struct step *s))
{
	if (s->phase++ == 0) {
		call(s);
		return 1;
	}
	return step_failed(s);
}

void step_delete_by_name(struct step *s, const char *service, const char *operation,
			 const char *iam_action, const char *name_key, const char *progress)
{
	if (s->phase++ > 0) {
		step_deleted(s);
		return;
	}
	step_progress(s, progress, s->name);
	step_json(s, service, operation, iam_action, json_pack("{s:s}", name_key, s->name), 0);
}

void step_fail(struct step *s)
{
	struct gcr_error err = s->err;

	if (s->st == GCR_OK)
		gcr_error_set(&err, GCR_ERR_INTERNAL, "%s", _("setup step failed"));
	if (s->st != GCR_ERR_AUTH)
		gcr_error_prefix(&err, "%s %s", s->p->kind, s->name);
	finish(s->setup, err.code ? err.code : GCR_ERR_INTERNAL, &err);
}

void step_fail_msg(struct step *s, enum gcr_status st, const char *fmt, ...)
{
	va_list ap;
	char buf[GCR_ERROR_MESSAGE_MAX];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gcr_error_set(&s->err, st, "%s", buf);
	finish(s->setup, st, &s->err);
}

/* ---- the engine ----------------------------------------------------------------- */

static char *cfg_dup(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

struct gcr_setup *gcr_setup_new(struct gcr_aws *aws, const struct gcr_setup_config *config,
				struct gcr_error *err)
{
	struct gcr_setup *g = calloc(1, sizeof *g);
	const char *region = gcr_aws_client_region(aws);

	if (!g)
		abort();
	if (!region) {
		free(g);
		gcr_error_set(err, GCR_ERR_INVALID, "%s",
			      _("no AWS region is set: use --region, AWS_REGION or the profile's "
				"region"));
		return NULL;
	}
	g->aws = aws;
	g->cfg = *config;
	g->prefix = xstrdup(config->prefix && *config->prefix ? config->prefix : "gcrunner");
	g->bucket_cfg = cfg_dup(config->bucket);
	g->user_id_cfg = cfg_dup(config->user_id);
	g->environment = xstrdup(config->environment && *config->environment
				 ? config->environment : "production");
	g->project = xstrdup(config->project && *config->project ? config->project : "gcrunner");
	g->owner_cfg = cfg_dup(config->owner);
	g->profile = cfg_dup(config->profile);
	g->image_arm64_cfg = cfg_dup(config->image_arm64);
	g->image_x86_64_cfg = cfg_dup(config->image_x86_64);
	g->subnets_cfg = copy_list(config->subnets, config->n_subnets);
	g->sgs_cfg = copy_list(config->security_groups, config->n_security_groups);
	g->cfg.prefix = g->prefix;
	g->cfg.subnets = (const char *const *)g->subnets_cfg;
	g->cfg.security_groups = (const char *const *)g->sgs_cfg;
	if (g->cfg.max_vcpus <= 0)
		g->cfg.max_vcpus = 5000;
	if (g->cfg.log_retention_days <= 0)
		g->cfg.log_retention_days = 90;
	if (g->cfg.poll_ms <= 0)
		g->cfg.poll_ms = 5000;
	if (g->cfg.wait_limit_s <= 0)
		g->cfg.wait_limit_s = 900;
	g->region = xstrdup(region);
	g->partition = strncmp(region, "cn-", 3) == 0 ? "aws-cn"
		     : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov" : "aws";
	g->timer = malloc(sizeof *g->timer);
	if (!g->timer)
		abort();
	uv_timer_init(gcr_aws_client_loop(aws), g->timer);
	return g;
}

static void clear_steps(struct gcr_setup *g)
{
	for (size_t i = 0; i < g->n_steps; i++)
		step_free(g->steps[i]);
	free(g->steps);
	g->steps = NULL;
	g->n_steps = 0;
	for (size_t i = 0; i < g->n_denied; i++)
		free(g->denied[i]);
	free(g->denied);
	g->denied = NULL;
	g->n_denied = 0;
}

static void close_timer(uv_handle_t *h)
{
	free(h);
}

void gcr_setup_free(struct gcr_setup *g)
{
	if (!g)
		return;
	g->busy = 0;   /* callbacks of cancelled calls must not re-enter */
	if (g->identity_call)
		gcr_aws_cancel(g->identity_call);
	for (size_t i = 0; i < g->n_steps; i++)
		if (g->steps[i]->call)
			gcr_aws_cancel(g->steps[i]->call);
	if (g->preflight) {
		if (g->preflight->call)
			gcr_aws_cancel(g->preflight->call);
		step_free(g->preflight);
	}
	uv_timer_stop(g->timer);
	uv_close((uv_handle_t *)g->timer, close_timer);
	clear_steps(g);
	free(g->prefix);
	free(g->bucket_cfg);
	free(g->user_id_cfg);
	free(g->environment);
	free(g->project);
	free(g->owner_cfg);
	free(g->profile);
	free(g->image_arm64_cfg);
	free(g->image_x86_64_cfg);
	free_list(g->subnets_cfg);
	free_list(g->sgs_cfg);
	free_list(g->subnets);
	free_list(g->sgs);
	free(g->region);
	free(g->bucket);
	free(g->user_id);
	free(g->owner);
	free(g->image[0]);
	free(g->image[1]);
	free(g);
}

static void finish(struct gcr_setup *g, enum gcr_status st, const struct gcr_error *err)
{
	gcr_setup_done_cb done = g->done;

	g->busy = 0;
	g->done = NULL;
	if (done)
		done(st, err, g->data);
}

/* The user id for the data prefix: the IAM user's name, or the session
 * name of an assumed role (SSO logins: usually the person's e-mail). */
static char *user_from_arn(const char *arn)
{
	const char *p = strrchr(arn, '/');
	char *out, *q;

	out = xstrdup(p ? p + 1 : "user");
	for (q = out; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '-' || *q == '_' || *q == '.' || *q == '@'))
			*q = '-';
	return out;
}

static void build_steps(struct gcr_setup *g)
{
	const struct gcr_setup_config *c = &g->cfg;
	int arch, i;

	clear_steps(g);
	if (g->mode == GCR_SETUP_MODE_CREATE)
		step_add(g, &setup_network_provider, xstrdup(_("network")), 0, 0);
	step_add(g, &setup_bucket_provider, xstrdup(g->bucket), 0, 0);
	step_add(g, &setup_prefixes_provider, gcr_strdup_printf("%s/%s/", g->bucket, g->user_id),
		 0, 0);
	for (i = 0; i < 3; i++)
		step_add(g, &setup_table_provider, setup_table_name(c, g->prefix, i), i, 0);
	step_add(g, &setup_log_group_provider, setup_log_group(g->prefix), 0, 0);
	step_add(g, &setup_slr_provider, xstrdup("AWSServiceRoleForBatch"), 0, 0);
	step_add(g, &setup_instance_role_provider, xstrdup("ecsInstanceRole"), 0, 0);
	step_add(g, &setup_instance_profile_provider, xstrdup("ecsInstanceRole"), 0, 0);
	step_add(g, &setup_job_role_provider, gcr_strdup_printf("%s-%s", g->prefix,
								setup_job_role_name()), 0, 0);
	for (arch = 0; arch < SETUP_ARCH_COUNT; arch++) {
		step_add(g, &setup_ce_provider, setup_ce_name(g->prefix, arch, 1), arch, 1);
		step_add(g, &setup_ce_provider, setup_ce_name(g->prefix, arch, 0), arch, 0);
	}
	for (arch = 0; arch < SETUP_ARCH_COUNT; arch++)
		step_add(g, &setup_queue_provider, setup_queue_name(g->prefix, arch), arch, 0);
	for (arch = 0; arch < SETUP_ARCH_COUNT; arch++)
		step_add(g, &setup_jobdef_provider, setup_jobdef_name(arch), arch, 0);
	if (g->mode == GCR_SETUP_MODE_DESTROY) {
		/* Remove in the reverse order of creation. */
		for (size_t a = 0, b = g->n_steps - 1; a < b; a++, b--) {
			struct step *t = g->steps[a];
			g->steps[a] = g->steps[b];
			g->steps[b] = t;
		}
	}
}

static enum gcr_status save_settings(struct gcr_setup *g, struct gcr_error *err);

static void run_next(struct gcr_setup *g)
{
	struct gcr_error err;

	while (g->cur < g->n_steps) {
		struct step *s = g->steps[g->cur];

		s->phase = 0;
		s->counter = 0;
		if (!g->applying) {
			s->resume = s->p->inspect;
			s->p->inspect(s);
			return;
		}
		if (s->item.action != GCR_SETUP_CREATE && s->item.action != GCR_SETUP_CHANGE &&
		    s->item.action != GCR_SETUP_DELETE) {
			g->cur++;
			continue;
		}
		g->applied++;
		if (g->cfg.fail_before_step > 0 && g->applied == g->cfg.fail_before_step) {
			gcr_error_set(&err, GCR_ERR_CANCELLED,
				      _("setup interrupted before step %d (%s %s), as asked"),
				      g->applied, s->p->kind, s->name);
			finish(g, err.code, &err);
			return;
		}
		if (g->mode == GCR_SETUP_MODE_CREATE) {
			if (s->item.action == GCR_SETUP_CREATE &&
			    record_created(g, s, 1, &err) != GCR_OK) {
				finish(g, err.code, &err);
				return;
			}
			s->resume = s->p->apply;
		} else {
			s->resume = s->p->destroy;
		}
		s->resume(s);
		return;
	}
	/* All steps ran.  Before a create, check the permissions it needs. */
	if (!g->applying && g->mode == GCR_SETUP_MODE_CREATE && g->n_denied == 0 &&
	    !g->preflight_ran) {
		g->preflight_ran = 1;
		setup_preflight(g);
		return;
	}
	if (!g->applying && g->n_denied > 0) {
		char list[GCR_ERROR_MESSAGE_MAX] = "";
		for (size_t i = 0; i < g->n_denied; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				 i ? ", " : "", g->denied[i]);
		gcr_error_set(&err, GCR_ERR_AUTH,
			      _("missing permissions for %s: %s (ask your AWS administrator to "
				"allow them, or use a profile that has them)"),
			      g->identity.arn, list);
		finish(g, err.code, &err);
		return;
	}
	if (g->applying && save_settings(g, &err) != GCR_OK) {
		finish(g, err.code, &err);
		return;
	}
	finish(g, GCR_OK, NULL);
}

void setup_preflight_done(struct gcr_setup *g)
{
	run_next(g);
}

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct gcr_setup *g = data;
	struct gcr_error e;

	g->identity_call = NULL;
	if (st == GCR_ERR_CANCELLED && !g->busy)
		return;
	if (st != GCR_OK) {
		e = *err;
		gcr_error_prefix(&e, "%s", _("cannot tell who these credentials belong to"));
		finish(g, st, &e);
		return;
	}
	g->identity = *id;
	g->have_identity = 1;
	free(g->bucket);
	free(g->user_id);
	free(g->owner);
	free(g->image[0]);
	free(g->image[1]);
	g->bucket = g->bucket_cfg ? xstrdup(g->bucket_cfg)
		  : gcr_strdup_printf("%s-%s-%s", g->prefix, id->account, g->region);
	g->user_id = g->user_id_cfg ? xstrdup(g->user_id_cfg) : user_from_arn(id->arn);
	g->owner = xstrdup(g->owner_cfg ? g->owner_cfg : id->arn);
	for (int a = 0; a < SETUP_ARCH_COUNT; a++) {
		const char *img = a == 0 ? g->image_arm64_cfg : g->image_x86_64_cfg;
		g->image[a] = img ? xstrdup(img)
			    : gcr_strdup_printf("%s.dkr.ecr.%s.amazonaws.com/geos-chem:%s-latest",
						id->account, g->region, setup_arch[a]);
	}
	if (g->progress) {
		char *text = gcr_strdup_printf(_("signed in as %s (account %s)"), id->arn, id->account);
		g->progress(NULL, text, g->data);
		free(text);
	}
	build_steps(g);
	g->cur = 0;
	run_next(g);
}

void gcr_setup_inspect(struct gcr_setup *g, enum gcr_setup_mode mode,
		       gcr_setup_progress_cb progress, gcr_setup_done_cb done, void *data)
{
	g->mode = mode;
	g->progress = progress;
	g->done = done;
	g->data = data;
	g->applying = 0;
	g->preflight_ran = 0;
	g->busy = 1;
	g->identity_call = gcr_sts_get_caller_identity(g->aws, NULL, on_identity, g);
}

void gcr_setup_apply(struct gcr_setup *g, gcr_setup_progress_cb progress,
		     gcr_setup_done_cb done, void *data)
{
	g->progress = progress;
	g->done = done;
	g->data = data;
	g->applying = 1;
	g->applied = 0;
	g->busy = 1;
	g->cur = 0;
	run_next(g);
}

size_t gcr_setup_count(const struct gcr_setup *g)
{
	return g->n_steps;
}

const struct gcr_setup_item *gcr_setup_item(const struct gcr_setup *g, size_t i)
{
	return i < g->n_steps ? &g->steps[i]->item : NULL;
}

size_t gcr_setup_pending(const struct gcr_setup *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_steps; i++) {
		enum gcr_setup_action a = g->steps[i]->item.action;
		if (a == GCR_SETUP_CREATE || a == GCR_SETUP_CHANGE || a == GCR_SETUP_DELETE)
			n++;
	}
	return n;
}

const struct gcr_sts_identity *gcr_setup_identity(const struct gcr_setup *g)
{
	return g->have_identity ? &g->identity : NULL;
}

const char *gcr_setup_region(const struct gcr_setup *g)
{
	return g->region;
}

json_t *gcr_setup_plan_json(const struct gcr_setup *g)
{
	json_t *items = json_array(), *denied = json_array();
	json_t *o;

	for (size_t i = 0; i < g->n_steps; i++) {
		const struct gcr_setup_item *it = &g->steps[i]->item;
		o = json_pack("{s:s, s:s, s:s}", "kind", it->kind, "name", it->name, "action",
			      gcr_setup_action_token(it->action));
		if (it->detail)
			json_object_set_new(o, "detail", json_string(it->detail));
		if (it->arn)
			json_object_set_new(o, "arn", json_string(it->arn));
		json_array_append_new(items, o);
	}
	for (size_t i = 0; i < g->n_denied; i++)
		json_array_append_new(denied, json_string(g->denied[i]));
	return json_pack("{s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:o, s:o}",
			 "account", g->have_identity ? g->identity.account : NULL,
			 "arn", g->have_identity ? g->identity.arn : NULL,
			 "region", g->region,
			 "mode", g->mode == GCR_SETUP_MODE_CREATE ? "create" : "destroy",
			 "bucket", g->bucket, "user_id", g->user_id,
			 "missing_permissions", denied, "items", items);
}

/* ---- the configuration submit reads ------------------------------------------------ */

static enum gcr_status save_settings(struct gcr_setup *g, struct gcr_error *err)
{
	struct gcr_settings *cfg = g->cfg.settings;
	enum gcr_status st = GCR_OK;
	int create = g->mode == GCR_SETUP_MODE_CREATE;
	char *v;

	if (!cfg || !g->cfg.settings_path)
		return GCR_OK;
#define SET(key, value) \
	do { if (st == GCR_OK) st = gcr_settings_set(cfg, key, create ? (value) : NULL, err); } while (0)
	if (create) {
		/* Where the user works stays known after a destroy too. */
		SET("aws.region", g->region);
		if (g->profile)
			SET("aws.profile", g->profile);
		SET("aws.account", g->identity.account);
	}
	for (int a = 0; a < SETUP_ARCH_COUNT; a++) {
		char key[64];
		snprintf(key, sizeof key, "batch.queue.%s", setup_arch[a]);
		v = setup_queue_name(g->prefix, a);
		SET(key, v);
		free(v);
		snprintf(key, sizeof key, "batch.job_definition.%s", setup_arch[a]);
		v = setup_jobdef_name(a);
		SET(key, v);
		free(v);
		snprintf(key, sizeof key, "batch.image.%s", setup_arch[a]);
		SET(key, g->image[a]);
	}
	v = setup_log_group(g->prefix);
	SET("batch.log_group", v);
	free(v);
	v = gcr_strdup_printf("arn:%s:iam::%s:role/%s-%s", g->partition, g->identity.account,
			      g->prefix, setup_job_role_name());
	SET("batch.job_role_arn", v);
	free(v);
	v = gcr_strdup_printf("%d", g->cfg.max_vcpus);
	SET("batch.max_vcpus", v);
	free(v);
	if (create || g->cfg.delete_data) {
		SET("s3.bucket", g->bucket);
		SET("s3.user_prefix", g->user_id);
		for (int i = 0; i < 3; i++) {
			char key[64];
			snprintf(key, sizeof key, "dynamodb.table.%s", setup_table_base[i]);
			for (char *p = key + strlen("dynamodb.table."); *p; p++)
				*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
			v = setup_table_name(&g->cfg, g->prefix, i);
			SET(key, v);
			free(v);
		}
	}
	SET("setup.prefix", g->prefix);
#undef SET
	/* Networking the user picked is used again by later runs. */
	if (st == GCR_OK && create && g->cfg.n_subnets > 0)
		st = gcr_settings_set_list(cfg, "setup.subnets", g->cfg.subnets, g->cfg.n_subnets, err);
	if (st == GCR_OK && create && g->cfg.n_security_groups > 0)
		st = gcr_settings_set_list(cfg, "setup.security_groups", g->cfg.security_groups,
					   g->cfg.n_security_groups, err);
	if (st == GCR_OK)
		st = gcr_settings_save(cfg, g->cfg.settings_path, err);
	return st;
}
