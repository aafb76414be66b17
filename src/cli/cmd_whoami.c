/* cmd_whoami.c: `gcrunner whoami` shows which AWS identity gcrunner would
 * act as: account, ARN, user id, region, profile and where the credentials
 * came from.  Never a secret: the key id is shown shortened. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "i18n.h"

static int whoami_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_whoami = {
	.name = "whoami",
	.usage = N_("[--json]"),
	.summary = N_("show the AWS account, identity and credential source in use"),
	.options = N_("Options:\n"
		      "      --json   print one JSON object\n"
		      "  -h, --help   show this help\n"
		      "\n"
		      "Uses the global --profile and --region, or AWS_PROFILE and AWS_REGION.\n"
		      "Asks AWS STS GetCallerIdentity; prints no secret.\n"),
	.exec = whoami_exec,
};

struct whoami_state {
	struct gcr_aws *aws;
	int done;
	enum gcr_status st;
	struct gcr_error err;
	struct gcr_aws_credentials creds;   /* copy, for the source only */
	struct gcr_sts_identity id;
	char sts_region[64];
};

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct whoami_state *s = data;

	s->st = st;
	if (st == GCR_OK)
		s->id = *id;
	else
		s->err = *err;
	s->done = 1;
}

static void on_credentials(enum gcr_status st, const struct gcr_aws_credentials *creds,
			   const struct gcr_error *err, void *data)
{
	struct whoami_state *s = data;
	struct gcr_aws_call_options opts = { .region = s->sts_region };

	if (st != GCR_OK) {
		s->st = st;
		s->err = *err;   /* the chain's message says what to set */
		s->done = 1;
		return;
	}
	gcr_aws_credentials_copy(&s->creds, creds);
	gcr_sts_get_caller_identity(s->aws, &opts, on_identity, s);
}

static void print_result(const struct whoami_state *s, const char *region, const char *profile,
			 int json)
{
	char redacted[GCR_AWS_REDACTED_MAX];
	const char *source = gcr_credentials_describe_source(&s->creds);

	gcr_aws_redact_key_id(s->creds.access_key_id, redacted);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b}",
				      "account", s->id.account, "arn", s->id.arn,
				      "user_id", s->id.user_id,
				      "region", region ? json_string(region) : json_null(),
				      "profile", profile,
				      "credential_source",
				      gcr_aws_credential_source_token(s->creds.source),
				      "credential_source_description", source,
				      "access_key_id", redacted,
				      "temporary", s->creds.session_token != NULL);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
		json_decref(o);
		return;
	}
	printf("%-14s %s\n", _("Account"), s->id.account);
	printf("%-14s %s\n", _("ARN"), s->id.arn);
	printf("%-14s %s\n", _("User ID"), s->id.user_id);
	printf("%-14s %s\n", _("Region"), region ? region : _("(not set)"));
	printf("%-14s %s\n", _("Profile"), profile);
	printf("%-14s %s (%s%s)\n", _("Credentials"), source, redacted,
	       s->creds.session_token ? _(", temporary") : "");
}

static int whoami_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_aws_options opts = { .profile = ctx->profile, .region = ctx->region };
	struct whoami_state s;
	uv_loop_t loop;
	int json = 0, c, status;
	const char *region;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_whoami);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_whoami, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_whoami, _("unexpected argument '%s'"),
				       argv[optind]);

	memset(&s, 0, sizeof s);
	uv_loop_init(&loop);
	opts.loop = &loop;
	s.aws = gcr_aws_new(&opts, &s.err);
	if (!s.aws) {
		uv_loop_close(&loop);
		return cli_fail(ctx, &s.err);
	}
	region = gcr_aws_client_region(s.aws);
	/* STS answers in every region; without one, ask the global default. */
	snprintf(s.sts_region, sizeof s.sts_region, "%s", region ? region : "us-east-1");
	gcr_aws_credentials_get(gcr_aws_client_credentials(s.aws), on_credentials, &s);
	gcr_aws_run_until(&loop, &s.done);

	if (s.st == GCR_OK) {
		print_result(&s, region, gcr_aws_client_profile(s.aws), json);
		status = 0;
	} else {
		status = cli_fail(ctx, &s.err);
	}
	gcr_aws_credentials_clear(&s.creds);
	gcr_aws_free(s.aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return status;
}
