/* cmd_setup.c: `gcrunner setup` -- from "I have an AWS account" to "ready
 * to submit", and back (--destroy).  Credentials and region are checked
 * (and, on a terminal, guided), vCPU quotas compared with what a typical
 * run needs, then the plan is shown and applied on confirmation.  The
 * engine is src/setup/; this file only talks to the user. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/sts.h"
#include "catalog.h"
#include "cli/cli.h"
#include "i18n.h"
#include "paths.h"
#include "settings.h"
#include "setup/guide.h"
#include "setup/setup.h"
#include "setup/sso_login.h"

static int setup_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_setup = {
	.name = "setup",
	.usage = N_("[--plan] [--yes] [--destroy] [--export-template FILE] [--json] [OPTION]..."),
	.summary = N_("create (or remove) the AWS resources gcrunner submits to"),
	.options = N_("Options:\n"
		      "      --plan                 show what would be created or changed; change nothing\n"
		      "  -y, --yes                  apply without asking (no prompts at all)\n"
		      "      --destroy              remove what setup created (queues drained first)\n"
		      "      --delete-data BUCKET   with --destroy: also delete the bucket (named\n"
		      "                             here as confirmation) and the DynamoDB tables\n"
		      "      --export-template FILE write an equivalent CloudFormation template\n"
		      "      --json                 print the plan and the outcome as JSON\n"
		      "      --profile NAME         AWS profile to use (also a global option)\n"
		      "      --region NAME          AWS region to set up in (also a global option)\n"
		      "      --bucket NAME          user-data bucket [gcrunner-ACCOUNT-REGION]\n"
		      "      --prefix NAME          prefix of resource names [gcrunner]\n"
		      "      --user-id ID           your data prefix in the bucket [IAM user name]\n"
		      "      --subnets A,B          subnets for Batch [the default VPC's]\n"
		      "      --security-groups A,B  security groups [the default VPC's default]\n"
		      "      --max-vcpus N          maximum vCPUs per compute environment [5000]\n"
		      "      --skip-quotas          do not check the vCPU quotas\n"
		      "  -h, --help                 show this help\n"
		      "\n"
		      "Every step is idempotent: running setup again creates nothing new and\n"
		      "completes a run that was interrupted.  What setup writes to the\n"
		      "configuration file lets 'gcrunner submit' work right after.\n"),
	.exec = setup_exec,
};

struct opts {
	int plan, yes, destroy, json, skip_quotas, max_vcpus;
	const char *delete_data, *export_template, *profile, *region, *bucket, *prefix, *user_id;
	char **subnets, **sgs;
	size_t n_subnets, n_sgs;
};

struct run {
	uv_loop_t loop;
	struct gcr_aws *aws;
	int done;
	enum gcr_status st;
	struct gcr_error err;
	int json;
	struct gcr_setup_quota quotas[2];
	int have_quotas;
};

/* ---- small I/O helpers ---------------------------------------------------------------- */

static int interactive(const struct opts *o)
{
	return !o->yes && !o->json && isatty(STDIN_FILENO);
}

/* Reads one line (without the newline) into buf; echo off for secrets.
 * Returns 0 at end of input. */
static int read_line(const char *prompt, char *buf, size_t size, int secret)
{
	struct termios old, quiet;
	int restore = 0;
	size_t n;

	fputs(prompt, stdout);
	fflush(stdout);
	if (secret && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (!fgets(buf, (int)size, stdin))
		buf[0] = '\0', n = (size_t)-1;
	else
		n = strlen(buf);
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stdout);
	}
	if (n == (size_t)-1)
		return 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 1;
}

static int ask_yes(const char *question)
{
	char buf[16];

	if (!read_line(question, buf, sizeof buf, 0))
		return 0;
	return buf[0] == 'y' || buf[0] == 'Y';
}

static char **split_list(const char *text, size_t *n)
{
	char **out = calloc(1, sizeof *out), *copy = gcr_strdup_printf("%s", text), *save, *tok;

	*n = 0;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		out = realloc(out, (*n + 2) * sizeof *out);
		if (!out)
			abort();
		out[(*n)++] = gcr_strdup_printf("%s", tok);
		out[*n] = NULL;
	}
	free(copy);
	return out;
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct run *r = data;

	r->st = st;
	if (err)
		r->err = *err;
	r->done = 1;
}

static void on_progress(const struct gcr_setup_item *item, const char *text, void *data)
{
	struct run *r = data;

	(void)item;
	if (!r->json)
		fprintf(stderr, "  %s\n", text);
}

static enum gcr_status wait_for(struct run *r)
{
	gcr_aws_run_until(&r->loop, &r->done);
	r->done = 0;
	return r->st;
}

/* ---- credentials ----------------------------------------------------------------------- */

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct run *r = data;

	(void)id;
	on_done(st, err, r);
}

/* Asks STS who the credentials belong to and says where they came from. */
static enum gcr_status check_identity(struct run *r)
{
	const struct gcr_aws_credentials *creds;
	char redacted[GCR_AWS_REDACTED_MAX];

	gcr_sts_get_caller_identity(r->aws, NULL, on_identity, r);
	if (wait_for(r) != GCR_OK)
		return r->st;
	creds = gcr_aws_credentials_cached(gcr_aws_client_credentials(r->aws));
	if (creds && !r->json)
		fprintf(stderr, _("Using credentials from %s (%s).\n"),
			gcr_credentials_describe_source(creds),
			gcr_aws_redact_key_id(creds->access_key_id, redacted));
	return GCR_OK;
}

/* The sign-in choices when no credentials work (terminal only).  Returns
 * the profile to try next (caller frees), or NULL to give up. */
static char *guide_credentials(const struct run *r, const char *region)
{
	struct gcr_error err;
	struct gcr_aws_config *cfg = gcr_aws_config_load(&err);
	size_t n = 0;
	char **profiles = cfg ? gcr_setup_list_profiles(cfg, &n) : NULL;
	char choice[32], name[128], key[256], secret[256], reg[64];
	char *out = NULL;

	fprintf(stderr, _("gcrunner cannot use AWS credentials: %s\n"), r->err.message);
	printf("%s\n", _("How do you want to sign in to AWS?"));
	if (n > 0) {
		printf(_("  1) use a profile from ~/.aws:"));
		for (size_t i = 0; i < n; i++)
			printf(" %s", profiles[i]);
		printf("\n");
	}
	printf("%s\n", _("  2) AWS IAM Identity Center (SSO), signing in in a web browser"));
	printf("%s\n", _("  3) enter an access key (stored in ~/.aws/credentials)"));
	printf("%s\n", _("  q) quit"));
	if (!read_line(_("Choice: "), choice, sizeof choice, 0))
		goto out;
	if (choice[0] == '1' && n > 0) {
		if (read_line(_("Profile name: "), name, sizeof name, 0) && *name)
			out = gcr_strdup_printf("%s", name);
	} else if (choice[0] == '2') {
		struct gcr_sso_login_options so = { 0 };
		char url[512], sso_region[64], session[128];
		if (!read_line(_("SSO start URL (https://....awsapps.com/start): "), url, sizeof url, 0) ||
		    !read_line(_("SSO region (where IAM Identity Center runs) [us-east-1]: "),
			       sso_region, sizeof sso_region, 0) ||
		    !read_line(_("Name for this SSO session [gcrunner]: "), session, sizeof session, 0) ||
		    !read_line(_("Profile name to create [gcrunner]: "), name, sizeof name, 0))
			goto out;
		so.start_url = url;
		so.sso_region = *sso_region ? sso_region : "us-east-1";
		so.session_name = *session ? session : "gcrunner";
		so.profile = *name ? name : "gcrunner";
		so.region = region;
		so.interactive = 1;
		if (gcr_sso_login_cli(&so, &err) == GCR_OK)
			out = gcr_strdup_printf("%s", so.profile);
		else
			fprintf(stderr, "%s\n", err.message);
	} else if (choice[0] == '3') {
		if (!read_line(_("Profile name [default]: "), name, sizeof name, 0) ||
		    !read_line(_("Access key id: "), key, sizeof key, 0) ||
		    !read_line(_("Secret access key (not shown): "), secret, sizeof secret, 1) ||
		    !read_line(_("Region [us-west-2]: "), reg, sizeof reg, 0))
			goto out;
		if (gcr_setup_store_access_key(*name ? name : "default", key, secret,
					       *reg ? reg : GCR_SETUP_INPUT_DATA_REGION, &err) != GCR_OK)
			fprintf(stderr, "%s\n", err.message);
		else
			out = gcr_strdup_printf("%s", *name ? name : "default");
		memset(secret, 0, sizeof secret);
	}
out:
	gcr_setup_free_strings(profiles);
	gcr_aws_config_free(cfg);
	return out;
}

/* ---- region ------------------------------------------------------------------------------ */

static void print_region_advice(void)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	json_t *advice, *a;
	size_t i;

	printf("%s\n", _("GEOS-Chem's input data (s3://geos-chem, s3://gcgrid) is in us-west-2:\n"
			 "compute in the same region reads it without cross-region transfer time."));
	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK)
		return;
	advice = gcr_setup_region_advice(cat);
	printf("%-16s %8s %8s %10s\n", _("region"), _("arm64"), _("x86_64"), _("price"));
	json_array_foreach(advice, i, a) {
		json_t *rel = json_object_get(a, "relative_to_us_east_1");
		char price[32] = "?";
		if (json_is_number(rel))
			snprintf(price, sizeof price, "%+.0f%%", (json_number_value(rel) - 1) * 100);
		printf("%-16s %8zu %8zu %10s%s\n", json_string_value(json_object_get(a, "region")),
		       json_array_size(json_object_get(a, "arm64_types")),
		       json_array_size(json_object_get(a, "x86_64_types")), price,
		       json_is_true(json_object_get(a, "input_data_local"))
		       ? _("  <- input data here") : "");
	}
	printf("%s\n", _("(instance types of the setup's families offered; on-demand price of "
			 "c6i.8xlarge against us-east-1)"));
	json_decref(advice);
	gcr_catalog_free(cat);
}

/* ---- quotas ----------------------------------------------------------------------------- */

static void on_quotas(const struct gcr_setup_quota *q, size_t n, void *data)
{
	struct run *r = data;

	for (size_t i = 0; i < n && i < 2; i++)
		r->quotas[i] = q[i];
	r->have_quotas = 1;
	on_done(GCR_OK, NULL, r);
}

static void on_requested(enum gcr_status st, const struct gcr_error *err, const char *status,
			 void *data)
{
	struct run *r = data;

	if (st == GCR_OK && !r->json)
		printf(_("Requested (status %s).  AWS usually decides within 24-48 hours.\n"),
		       status ? status : "?");
	on_done(st, err, r);
}

static void preflight_quotas(struct run *r, const struct opts *o)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_setup_need need;
	struct gcr_error err;

	/* What one run needs at once, from the estimator (the default run). */
	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK) {
		fprintf(stderr, "%s\n", err.message);
		return;
	}
	gcr_setup_typical_need(cat, NULL, gcr_aws_client_region(r->aws), &need);
	gcr_catalog_free(cat);
	if (!r->json)
		fprintf(stderr, _("A typical run needs %.0f vCPUs at once: %s.\n"), need.vcpus,
			need.basis);
	gcr_setup_check_quotas(r->aws, need.vcpus, on_quotas, r);
	wait_for(r);
	for (int i = 0; i < 2 && !r->json; i++) {
		const struct gcr_setup_quota *q = &r->quotas[i];
		if (q->value < 0) {
			fprintf(stderr, _("Cannot read the quota for %s: %s\n"), q->label, q->error);
			continue;
		}
		fprintf(stderr, _("Quota for %s: %.0f (a typical run needs %.0f)\n"), q->label,
			q->value, q->needed);
		if (q->value >= q->needed)
			continue;
		fprintf(stderr, "%s\n", _("  Too low: jobs would wait in RUNNABLE.  An increase takes "
					 "AWS 24-48 hours to decide."));
		if (interactive(o) && ask_yes(_("  Request an increase now? [y/N] "))) {
			gcr_setup_request_quota(r->aws, q->code, q->needed * 4, on_requested, r);
			if (wait_for(r) != GCR_OK)
				fprintf(stderr, "%s\n", r->err.message);
		}
	}
}

/* ---- the plan -------------------------------------------------------------------------- */

static void print_plan(const struct gcr_setup *s)
{
	const struct gcr_sts_identity *id = gcr_setup_identity(s);
	size_t counts[GCR_SETUP_UNKNOWN + 1] = { 0 };

	printf(_("Plan for account %s in %s:\n"), id ? id->account : "?", gcr_setup_region(s));
	for (size_t i = 0; i < gcr_setup_count(s); i++) {
		const struct gcr_setup_item *it = gcr_setup_item(s, i);
		counts[it->action]++;
		printf("  %-8s %-26s %s%s%s%s\n", gcr_setup_action_label(it->action), it->kind,
		       it->name, it->detail ? "  (" : "", it->detail ? it->detail : "",
		       it->detail ? ")" : "");
	}
	printf(_("%zu to create, %zu to change, %zu to delete, %zu unchanged, %zu kept.\n"),
	       counts[GCR_SETUP_CREATE], counts[GCR_SETUP_CHANGE], counts[GCR_SETUP_DELETE],
	       counts[GCR_SETUP_EXISTS], counts[GCR_SETUP_KEEP]);
}

static int has_kept_data(const struct gcr_setup *s)
{
	for (size_t i = 0; i < gcr_setup_count(s); i++) {
		const struct gcr_setup_item *it = gcr_setup_item(s, i);
		if (it->action == GCR_SETUP_KEEP && it->detail &&
		    (strcmp(it->kind, "s3-bucket") == 0 || strcmp(it->kind, "dynamodb-table") == 0))
			return 1;
	}
	return 0;
}

/* ---- putting it together ------------------------------------------------------------------- */

static void fill_config(struct gcr_setup_config *c, const struct opts *o,
			const struct gcr_settings *cfg)
{
	static const char *test_fail, *test_poll;
	const char *saved_prefix;
	int same_prefix;

	memset(c, 0, sizeof *c);
	c->prefix = o->prefix ? o->prefix : gcr_settings_get(cfg, "setup.prefix");
	/* The saved bucket belongs to the saved prefix's setup. */
	saved_prefix = gcr_settings_get(cfg, "setup.prefix");
	same_prefix = !o->prefix || !saved_prefix || strcmp(o->prefix, saved_prefix) == 0;
	c->bucket = o->bucket ? o->bucket : same_prefix ? gcr_settings_get(cfg, "s3.bucket") : NULL;
	c->user_id = o->user_id ? o->user_id : gcr_settings_get(cfg, "s3.user_prefix");
	c->owner = gcr_settings_get(cfg, "setup.owner");
	c->environment = gcr_settings_get(cfg, "setup.environment");
	c->max_vcpus = o->max_vcpus ? o->max_vcpus
				    : (int)gcr_settings_get_number(cfg, "batch.max_vcpus", 0);
	c->log_retention_days = (int)gcr_settings_get_number(cfg, "setup.log_retention_days", 0);
	c->subnets = (const char *const *)o->subnets;
	c->n_subnets = o->n_subnets;
	c->security_groups = (const char *const *)o->sgs;
	c->n_security_groups = o->n_sgs;
	if (!o->n_subnets && same_prefix && gcr_settings_list_len(cfg, "setup.subnets") > 0) {
		/* What an earlier run was given (the list belongs to cfg). */
		static const char *subnets[64], *sgs[64];
		size_t n = gcr_settings_list_len(cfg, "setup.subnets"), m;
		for (size_t i = 0; i < n && i < 64; i++)
			subnets[i] = gcr_settings_list_item(cfg, "setup.subnets", i);
		c->subnets = subnets;
		c->n_subnets = n < 64 ? n : 64;
		m = gcr_settings_list_len(cfg, "setup.security_groups");
		for (size_t i = 0; i < m && i < 64; i++)
			sgs[i] = gcr_settings_list_item(cfg, "setup.security_groups", i);
		c->security_groups = sgs;
		c->n_security_groups = m < 64 ? m : 64;
	}
	c->image_arm64 = gcr_settings_get(cfg, "batch.image.arm64");
	c->image_x86_64 = gcr_settings_get(cfg, "batch.image.x86_64");
	/* Test hooks: interrupt before step k; poll Batch faster. */
	test_fail = getenv("GCRUNNER_SETUP_FAIL_BEFORE_STEP");
	test_poll = getenv("GCRUNNER_SETUP_POLL_MS");
	c->fail_before_step = test_fail ? atoi(test_fail) : 0;
	c->poll_ms = test_poll ? atoi(test_poll) : 0;
}

static int do_export(const struct cli_context *ctx, const struct opts *o,
		     const struct gcr_settings *cfg)
{
	struct gcr_setup_config c;
	struct gcr_error err;

	fill_config(&c, o, cfg);
	if (gcr_setup_export_template(&c, o->export_template, &err) != GCR_OK)
		return cli_fail(ctx, &err);
	if (!o->json)
		printf(_("Wrote the CloudFormation template %s\n"), o->export_template);
	return 0;
}

static int parse(const struct cli_context *ctx, int argc, char **argv, struct opts *o, int *stop)
{
	static const struct option longopts[] = {
		{ "plan", no_argument, NULL, 'P' },
		{ "yes", no_argument, NULL, 'y' },
		{ "destroy", no_argument, NULL, 'D' },
		{ "delete-data", required_argument, NULL, 'X' },
		{ "export-template", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "profile", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "bucket", required_argument, NULL, 'b' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "user-id", required_argument, NULL, 'u' },
		{ "subnets", required_argument, NULL, 's' },
		{ "security-groups", required_argument, NULL, 'g' },
		{ "max-vcpus", required_argument, NULL, 'm' },
		{ "skip-quotas", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:yh", longopts, NULL)) != -1) {
		switch (c) {
		case 'P': o->plan = 1; break;
		case 'y': o->yes = 1; break;
		case 'D': o->destroy = 1; break;
		case 'X': o->delete_data = optarg; break;
		case 'T': o->export_template = optarg; break;
		case 'j': o->json = 1; break;
		case 'p': o->profile = optarg; break;
		case 'r': o->region = optarg; break;
		case 'b': o->bucket = optarg; break;
		case 'x': o->prefix = optarg; break;
		case 'u': o->user_id = optarg; break;
		case 's': o->subnets = split_list(optarg, &o->n_subnets); break;
		case 'g': o->sgs = split_list(optarg, &o->n_sgs); break;
		case 'Q': o->skip_quotas = 1; break;
		case 'm':
			o->max_vcpus = (int)strtol(optarg, &end, 10);
			if (*end || o->max_vcpus < 1 || o->max_vcpus > 1000000)
				return cli_usage_error(ctx, &cli_cmd_setup,
						       _("--max-vcpus wants a whole number from 1 to "
							 "1000000, not '%s'"), optarg);
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_setup);
			*stop = 1;
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_setup, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_setup, _("unexpected argument '%s'"),
				       argv[optind]);
	if (o->delete_data && !o->destroy)
		return cli_usage_error(ctx, &cli_cmd_setup, "%s",
				       _("--delete-data only goes with --destroy"));
	if (o->export_template && (o->destroy || o->plan))
		return cli_usage_error(ctx, &cli_cmd_setup, "%s",
				       _("--export-template does not go with --destroy or --plan"));
	if (o->prefix && (strlen(o->prefix) > 20 || strspn(o->prefix,
		"abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(o->prefix) || !*o->prefix))
		return cli_usage_error(ctx, &cli_cmd_setup, "%s",
				       _("--prefix takes 1-20 lower-case letters, digits or '-'"));
	return 0;
}

/* Creates the AWS client for profile/region; NULL with r->err on failure. */
static struct gcr_aws *make_client(struct run *r, const char *profile, const char *region)
{
	struct gcr_aws_options ao = { .loop = &r->loop, .profile = profile, .region = region };

	return gcr_aws_new(&ao, &r->err);
}

static int setup_exec(const struct cli_context *ctx, int argc, char **argv)
{
	struct opts o = { 0 };
	struct run r;
	struct gcr_settings *settings = NULL;
	struct gcr_setup_config c;
	struct gcr_setup *s = NULL;
	char *config_path = gcr_config_path(), *profile = NULL, *region = NULL;
	int stop = 0, status = 0, tries = 0;
	json_t *out = NULL;

	memset(&r, 0, sizeof r);
	status = parse(ctx, argc, argv, &o, &stop);
	if (status || stop)
		goto free_opts;
	r.json = o.json;
	if (gcr_settings_load(config_path, &settings, &r.err) != GCR_OK) {
		status = cli_fail(ctx, &r.err);
		goto free_opts;
	}
	if (o.export_template) {
		status = do_export(ctx, &o, settings);
		goto free_opts;
	}
	profile = gcr_strdup_printf("%s", o.profile ? o.profile : ctx->profile ? ctx->profile
				    : gcr_settings_get_or(settings, "aws.profile", ""));
	if (!*profile) {
		free(profile);
		profile = NULL;
	}
	region = o.region ? gcr_strdup_printf("%s", o.region)
	       : ctx->region ? gcr_strdup_printf("%s", ctx->region) : NULL;
	uv_loop_init(&r.loop);

	/* 1. Region and credentials, guided on a terminal. */
	for (;;) {
		r.aws = make_client(&r, profile, region);
		if (!r.aws) {
			status = cli_fail(ctx, &r.err);
			goto out;
		}
		if (!gcr_aws_client_region(r.aws)) {
			char buf[64];
			const char *saved = gcr_settings_get(settings, "aws.region");
			gcr_aws_free(r.aws);
			r.aws = NULL;
			if (saved) {
				region = gcr_strdup_printf("%s", saved);
				continue;
			}
			if (!interactive(&o)) {
				gcr_error_set(&r.err, GCR_ERR_USAGE, "%s",
					      _("no AWS region is set: use --region (GEOS-Chem's input "
						"data is in us-west-2; running there avoids cross-region "
						"transfer)"));
				status = cli_fail(ctx, &r.err);
				goto out;
			}
			print_region_advice();
			if (!read_line(_("Region [us-west-2]: "), buf, sizeof buf, 0)) {
				status = 1;
				goto out;
			}
			if (*buf && !gcr_aws_region_valid(buf)) {
				gcr_error_set(&r.err, GCR_ERR_INVALID, _("'%s' is not a region name"),
					      buf);
				status = cli_fail(ctx, &r.err);
				goto out;
			}
			region = gcr_strdup_printf("%s", *buf ? buf : GCR_SETUP_INPUT_DATA_REGION);
			continue;
		}
		if (check_identity(&r) == GCR_OK)
			break;
		if (!interactive(&o) || ++tries > 3) {
			gcr_error_prefix(&r.err, "%s", _("cannot use the AWS credentials (run "
							  "'gcrunner setup' on a terminal to be guided, "
							  "or see 'gcrunner whoami')"));
			status = cli_fail(ctx, &r.err);
			goto out;
		}
		{
			char *next = guide_credentials(&r, gcr_aws_client_region(r.aws));
			gcr_aws_free(r.aws);
			r.aws = NULL;
			if (!next) {
				status = 1;
				goto out;
			}
			free(profile);
			profile = next;
		}
	}

	/* 2. Quotas (create only). */
	if (!o.destroy && !o.skip_quotas)
		preflight_quotas(&r, &o);

	/* 3. The plan. */
	fill_config(&c, &o, settings);
	c.settings = settings;
	c.settings_path = config_path;
	c.profile = profile;
	s = gcr_setup_new(r.aws, &c, &r.err);
	if (!s) {
		status = cli_fail(ctx, &r.err);
		goto out;
	}
	if (!r.json)
		fprintf(stderr, "%s\n", _("Looking at what exists ..."));
	gcr_setup_inspect(s, o.destroy ? GCR_SETUP_MODE_DESTROY : GCR_SETUP_MODE_CREATE,
			  on_progress, on_done, &r);
	if (wait_for(&r) != GCR_OK && !(r.st == GCR_ERR_AUTH && gcr_setup_count(s) > 0)) {
		status = cli_fail(ctx, &r.err);
		goto out;
	}
	if (r.st == GCR_ERR_AUTH) {
		/* Missing permissions: show the plan with them, then fail. */
		if (o.json) {
			out = json_pack("{s:o, s:b, s:s}", "plan", gcr_setup_plan_json(s), "applied", 0,
					"error", r.err.message);
			json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
			fputc('\n', stdout);
		} else {
			print_plan(s);
		}
		status = cli_fail(ctx, &r.err);
		goto out;
	}
	if (o.destroy && has_kept_data(s) && (o.delete_data || interactive(&o))) {
		const char *bucket = NULL;
		char buf[128] = "";
		for (size_t i = 0; i < gcr_setup_count(s); i++)
			if (strcmp(gcr_setup_item(s, i)->kind, "s3-bucket") == 0)
				bucket = gcr_setup_item(s, i)->name;
		if (!o.delete_data && !o.plan) {
			print_plan(s);
			printf(_("The bucket %s and the DynamoDB tables hold your data and are kept.\n"
				 "To delete them too, type the bucket name (Enter keeps them): "),
			       bucket ? bucket : "?");
			fflush(stdout);
			read_line("", buf, sizeof buf, 0);
		}
		if ((o.delete_data && bucket && strcmp(o.delete_data, bucket) == 0) ||
		    (*buf && bucket && strcmp(buf, bucket) == 0)) {
			c.delete_data = 1;
			gcr_setup_free(s);
			s = gcr_setup_new(r.aws, &c, &r.err);
			gcr_setup_inspect(s, GCR_SETUP_MODE_DESTROY, on_progress, on_done, &r);
			if (wait_for(&r) != GCR_OK) {
				status = cli_fail(ctx, &r.err);
				goto out;
			}
		} else if (o.delete_data || *buf) {
			gcr_error_set(&r.err, GCR_ERR_USAGE,
				      _("'%s' is not the bucket's name (%s): the data is kept"),
				      o.delete_data ? o.delete_data : buf, bucket ? bucket : "?");
			status = cli_fail(ctx, &r.err);
			goto out;
		}
	}
	if (!o.json)
		print_plan(s);
	if (o.plan) {
		if (o.json) {
			out = json_pack("{s:o, s:b}", "plan", gcr_setup_plan_json(s), "applied", 0);
			json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
			fputc('\n', stdout);
		}
		goto out;
	}

	/* 4. Apply on confirmation. */
	if (gcr_setup_pending(s) > 0 && !o.yes) {
		if (!interactive(&o)) {
			gcr_error_set(&r.err, GCR_ERR_USAGE, "%s",
				      _("not on a terminal: add --yes to apply the plan, or --plan to "
					"only show it"));
			status = cli_fail(ctx, &r.err);
			goto out;
		}
		if (!ask_yes(o.destroy ? _("Remove these resources? [y/N] ")
			     : _("Create and change these resources? [y/N] "))) {
			printf("%s\n", _("Nothing was changed."));
			status = 1;
			goto out;
		}
	}
	fflush(stdout);
	gcr_setup_apply(s, on_progress, on_done, &r);
	if (wait_for(&r) != GCR_OK) {
		if (o.json) {
			out = json_pack("{s:o, s:b, s:s}", "plan", gcr_setup_plan_json(s), "applied", 0,
					"error", r.err.message);
			json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
			fputc('\n', stdout);
		}
		status = cli_fail(ctx, &r.err);
		if (!o.json)
			fprintf(stderr, "%s\n", _("Run 'gcrunner setup' again to finish: it continues "
						  "where this run stopped."));
		goto out;
	}
	if (o.json) {
		out = json_pack("{s:o, s:b, s:s}", "plan", gcr_setup_plan_json(s), "applied", 1,
				"config_file", config_path);
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else if (o.destroy) {
		printf("%s\n", _("Done: what setup created is removed."));
	} else {
		printf(_("Done.  gcrunner's configuration is in %s; 'gcrunner submit' can run now.\n"),
		       config_path);
	}
out:
	json_decref(out);
	gcr_setup_free(s);
	if (r.aws)
		gcr_aws_free(r.aws);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	uv_loop_close(&r.loop);
free_opts:
	gcr_settings_free(settings);
	free(config_path);
	free(profile);
	free(region);
	for (size_t i = 0; i < o.n_subnets; i++)
		free(o.subnets[i]);
	free(o.subnets);
	for (size_t i = 0; i < o.n_sgs; i++)
		free(o.sgs[i]);
	free(o.sgs);
	return status;
}
