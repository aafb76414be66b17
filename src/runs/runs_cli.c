/* runs_cli.c: the common part of the run commands (runs_cli.h). */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "runs/runs_cli.h"

int runs_cli_open(struct runs_cli *c, const struct cli_context *ctx,
		  const struct gcr_runs_options *opt)
{
	struct gcr_error err = { 0 };

	memset(c, 0, sizeof *c);
	c->ctx = ctx;
	if (gcr_submit_env_open(&c->e, &err) != GCR_OK)
		return cli_fail(ctx, &err);
	if (gcr_submit_env_connect(c->e, ctx->profile, ctx->region, &err) != GCR_OK)
		fprintf(stderr, _("%s: warning: %s; AWS runs show what the journal recorded "
				  "(Slurm runs are still asked)\n"), ctx->program,
			err.message);
	if (gcr_runs_new(&c->e->env, opt, &c->runs, &err) != GCR_OK)
		return cli_fail(ctx, &err);
	return 0;
}

static void on_refreshed(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct runs_cli *c = data;

	(void)err;
	c->status = st;
	c->done = 1;
}

bool runs_cli_refresh(struct runs_cli *c)
{
	struct gcr_runs_health h;

	c->done = 0;
	gcr_runs_refresh_once(c->runs, on_refreshed, c);
	runs_cli_wait(c);
	gcr_runs_health(c->runs, &h);
	if (*h.trouble)
		fprintf(stderr, _("%s: warning: %s\n"), c->ctx->program, h.trouble);
	return c->status == GCR_OK && !*h.trouble;
}

void runs_cli_wait(struct runs_cli *c)
{
	gcr_submit_env_run(c->e, &c->done);
}

void runs_cli_close(struct runs_cli *c)
{
	gcr_runs_free(c->runs);
	c->runs = NULL;
	gcr_submit_env_close(c->e);
	c->e = NULL;
}

const struct gcr_run *runs_cli_find(struct runs_cli *c, const struct cli_command *cmd,
				    const char *id, int *status)
{
	const struct gcr_run *r = gcr_runs_find(c->runs, id);

	if (r)
		return r;
	if (gcr_runs_find_ambiguous(c->runs, id))
		*status = cli_usage_error(c->ctx, cmd, _("'%s' matches more than one run; give more "
							 "of the id"), id);
	else
		*status = cli_usage_error(c->ctx, cmd,
					  _("no run '%s': give a simulation id (like "
					    "gcr-20261127T210000Z-1a2b3c4d), an AWS Batch job id, or "
					    "a unique prefix of either; gcrunner jobs lists them"), id);
	return NULL;
}

int runs_cli_take_id(const struct cli_context *ctx, const struct cli_command *cmd, int argc,
		     char **argv, const char **id)
{
	if (optind >= argc)
		return cli_usage_error(ctx, cmd, _("which run? Give its ID (see gcrunner jobs)"));
	*id = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
	return 0;
}

char *runs_cli_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	return buf;
}

char *runs_cli_money(double usd, char *buf, size_t len)
{
	snprintf(buf, len, "$%.2f", usd);
	return buf;
}

char *runs_cli_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}
