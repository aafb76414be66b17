/* cmd_submit.c: `gcrunner submit` -- sends a GEOS-Chem Classic run to AWS
 * Batch through the submission engine (src/submit/), the same one the
 * wizard's Submit uses; with --target slurm|pcluster (or a spec whose
 * target is one of them) a Classic or GCHP run goes to a Slurm cluster
 * through the cluster backends (src/slurm/slurm_backend.h).  Every start first settles what earlier,
 * interrupted submissions left in the journal; `--reconcile` does only
 * that.  A bad spec or a missing configuration key fails before anything
 * is sent. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/spec_flags.h"
#include "i18n.h"
#include "spec.h"
#include "slurm/slurm_backend.h"
#include "submit/submit.h"

static int submit_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_submit = {
	.name = "submit",
	.usage = N_("[--spec FILE] [CHOICE FLAGS] [--instance TYPE] [--spot] [--target T] "
		    "[--dry-run] [--json] [--allow-over-budget]"),
	.summary = N_("submit a run to AWS Batch, ParallelCluster or a Slurm cluster (exactly once)"),
	.options = N_("Options:\n"
		      "      --name TEXT           the run's name in the record (default: the id)\n"
		      "      --description TEXT    a description for the record\n"
		      "      --dry-run             print the requests that would be sent; send "
		      "nothing\n"
		      "      --json                print {\"simulationId\", \"jobId\"} (dry run: "
		      "the requests)\n"
		      "      --allow-over-budget   submit even when the estimate's upper cost goes\n"
		      "                            over budget.limit_usd or the Users quota\n"
		      "      --reconcile           only settle interrupted submissions, then exit\n"
		      "      --target T            batch (default: Classic on AWS Batch), slurm (the\n"
		      "                            cluster of gcrunner cluster set) or pcluster (the\n"
		      "                            ParallelCluster of gcrunner cluster create)\n"
		      "  -h, --help                show this help\n"
		      "\n"
		      "Without --instance, the cheapest type that fits is chosen (as gcrunner\n"
		      "estimate recommends).  The configuration comes from gcrunner setup\n"
		      "(see FILES in gcrunner(1)).\n\n"),
	.exec = submit_exec,
};

enum {
	OPT_JSON = 0x2000,
	OPT_DRY_RUN,
	OPT_ALLOW_OVER,
	OPT_RECONCILE,
	OPT_NAME,
	OPT_DESCRIPTION,
	OPT_TARGET,
};

struct run {
	const struct cli_context *ctx;
	bool json;
	bool cluster;                       /* target slurm or pcluster */
	int done;
	char last_progress[256];
	struct gcr_submit_outcome copy;     /* the fields printed after the loop */
	json_t *requests, *warnings, *reconciled;
	enum gcr_status status;
	struct gcr_error err;
};

static void print_warnings(const struct cli_context *ctx, json_t *warnings)
{
	json_t *w;
	size_t i;

	json_array_foreach(warnings, i, w)
		fprintf(stderr, _("%s: warning: %s\n"), ctx->program, json_string_value(w));
}

static void on_progress(const char *what, uint64_t done, uint64_t total, void *data)
{
	struct run *r = data;

	(void)done;
	if (strcmp(what, r->last_progress) == 0)
		return;
	snprintf(r->last_progress, sizeof r->last_progress, "%s", what);
	if (total > 0)
		fprintf(stderr, _("%s: %s (%llu bytes)...\n"), r->ctx->program, what,
			(unsigned long long)total);
	else
		fprintf(stderr, "%s: %s...\n", r->ctx->program, what);
}

/* ---- reconcile ------------------------------------------------------------------------- */

static void on_reconciled_one(const struct gcr_submit_outcome *out, void *data)
{
	struct run *r = data;
	const char *p = r->ctx->program;

	print_warnings(r->ctx, out->warnings);
	json_array_append_new(r->reconciled,
			      json_pack("{s:s, s:s?, s:s, s:b, s:b, s:b, s:b}", "simulationId",
					out->sim_id, "jobId", *out->job_id ? out->job_id : NULL,
					"status", out->status == GCR_OK ? "ok" : "error",
					"found", out->reconciled, "resubmitted", out->resubmitted,
					"recordPending", out->record_pending,
					"skipped", out->skipped));
	if (out->skipped)
		fprintf(stderr, _("%s: %s is being submitted by another gcrunner; left alone\n"), p,
			out->sim_id);
	else if (out->abandoned || out->status != GCR_OK)
		fprintf(stderr, _("%s: %s: %s\n"), p, out->sim_id, out->err.message);
	else if (out->reconciled)
		fprintf(stderr, _("%s: %s: found its job %s by name (the submission had been "
				  "interrupted)\n"), p, out->sim_id, out->job_id);
	else if (out->resubmitted)
		fprintf(stderr, _("%s: %s: finished the interrupted submission: job %s\n"), p,
			out->sim_id, out->job_id);
	else if (out->record_pending)
		fprintf(stderr, _("%s: %s: the DynamoDB record is still pending\n"), p, out->sim_id);
	else
		fprintf(stderr, _("%s: %s: the DynamoDB record is written (job %s)\n"), p,
			out->sim_id, out->job_id);
}

static void on_reconciled_all(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct run *r = data;

	r->status = st;
	if (st != GCR_OK && err)
		r->err = *err;
	r->done = 1;
}

/* Batch entries (they need AWS), then Slurm and ParallelCluster ones. */
static enum gcr_status reconcile(struct run *r, struct gcr_submit_env *e)
{
	enum gcr_status batch = GCR_OK;
	struct gcr_error batch_err = { 0 };

	r->status = GCR_OK;
	if (e->env.aws) {
		r->done = 0;
		gcr_submit_reconcile_all(&e->env, on_reconciled_one, on_reconciled_all, r);
		gcr_submit_env_run(e, &r->done);
		batch = r->status;
		batch_err = r->err;
	}
	r->done = 0;
	gcr_cluster_reconcile_all(&e->env, on_reconciled_one, on_reconciled_all, r);
	gcr_submit_env_run(e, &r->done);
	if (batch != GCR_OK) {
		r->status = batch;
		r->err = batch_err;
	}
	return r->status;
}

/* ---- submit ---------------------------------------------------------------------------- */

static void on_submitted(const struct gcr_submit_outcome *out, void *data)
{
	struct run *r = data;

	r->copy = *out;
	r->status = out->status;
	r->err = out->err;
	r->requests = json_incref(out->requests);
	r->warnings = json_incref(out->warnings);
	r->copy.requests = r->copy.warnings = NULL;
	r->done = 1;
}

static void print_result(const struct run *r)
{
	const struct gcr_submit_outcome *o = &r->copy;

	if (o->dry_run) {
		if (r->json) {
			json_t *j = json_pack("{s:s, s:n, s:O}", "simulationId", o->sim_id, "jobId",
					      "requests", r->requests);
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
			return;
		}
		if (r->cluster) {
			printf(_("Dry run for simulation %s.  Nothing was sent; this would run:\n\n"),
			       o->sim_id);
			json_dumpf(r->requests, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			return;
		}
		printf(_("Dry run for simulation %s on %s (estimate $%.2f, up to $%.2f; time limit "
			 "%.1f h).  Nothing was sent; these requests would be:\n\n"),
		       o->sim_id, o->instance_type, o->cost_usd, o->cost_high_usd,
		       o->timeout_s / 3600.0);
		gcr_submit_print_requests(stdout, r->requests);
		return;
	}
	if (r->json) {
		json_t *j = json_pack("{s:s, s:s}", "simulationId", o->sim_id, "jobId", o->job_id);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
		return;
	}
	if (r->cluster) {
		printf(_("Submitted simulation %s as Slurm job %s%s.\n"), o->sim_id, o->job_id,
		       o->reconciled ? _(" (found by name after a lost answer)") : "");
		printf(_("  run dir    %s\n"), o->bundle_uri);
		printf(_("  log        %s/gcrunner-%s.log\n"), o->results_uri, o->job_id);
		if (*o->instance_type)
			printf(_("  instance   %s, estimate $%.2f (up to $%.2f), time limit %.1f h\n"),
			       o->instance_type, o->cost_usd, o->cost_high_usd,
			       o->timeout_s / 3600.0);
		if (o->record_pending)
			printf(_("  record     pending: the journal holds it; the next start writes it "
				 "to DynamoDB\n"));
		return;
	}
	printf(_("Submitted simulation %s as AWS Batch job %s%s.\n"), o->sim_id, o->job_id,
	       o->reconciled ? _(" (found by name after a lost answer)") : "");
	printf(_("  instance   %s, estimate $%.2f (up to $%.2f), time limit %.1f h\n"),
	       o->instance_type, o->cost_usd, o->cost_high_usd, o->timeout_s / 3600.0);
	printf(_("  bundle     %s\n"), o->bundle_uri);
	printf(_("  results    %s\n"), o->results_uri);
	if (o->over_budget)
		printf(_("  budget     over, confirmed: %s\n"), o->budget_note);
	if (o->record_pending)
		printf(_("  record     pending: the journal holds it; the next start writes it "
			 "to DynamoDB\n"));
}

/* Slurm and ParallelCluster: AWS only for ParallelCluster (SSM) and the
 * DynamoDB record; a university cluster needs none. */
static int submit_to_cluster(const struct cli_context *ctx, struct run *r,
			     struct gcr_submit_env *e, struct gcr_submit_request *req, bool dry_run)
{
	struct gcr_error err = { 0 };

	if (gcr_submit_env_connect(e, ctx->profile, *req->spec.region ? req->spec.region
						       : ctx->region, &err) != GCR_OK &&
	    req->spec.target == GCR_TARGET_PCLUSTER)
		return cli_fail(ctx, &err);
	if (!dry_run && reconcile(r, e) != GCR_OK)
		fprintf(stderr, _("%s: warning: %s\n"), ctx->program, r->err.message);
	req->dry_run = dry_run;
	r->done = 0;
	gcr_cluster_submit_start(&e->env, req, on_progress, on_submitted, r);
	gcr_submit_env_run(e, &r->done);
	print_warnings(ctx, r->warnings);
	if (r->status != GCR_OK)
		return cli_fail(ctx, &r->err);
	print_result(r);
	return 0;
}

static int submit_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		GCR_SPEC_FLAG_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "allow-over-budget", no_argument, NULL, OPT_ALLOW_OVER },
		{ "reconcile", no_argument, NULL, OPT_RECONCILE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "description", required_argument, NULL, OPT_DESCRIPTION },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_spec_flags flags;
	struct gcr_submit_request req;
	struct gcr_submit_env *e = NULL;
	struct gcr_error err = { 0 };
	struct run r;
	const char *name = NULL, *description = NULL;
	enum gcr_target target = GCR_TARGET_NONE;
	bool dry_run = false, allow_over = false, only_reconcile = false;
	int c, status = 0;

	memset(&r, 0, sizeof r);
	r.ctx = ctx;
	r.reconciled = json_array();
	memset(&req, 0, sizeof req);
	gcr_spec_flags_init(&flags);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (gcr_spec_flags_take(&flags, c, optarg))
			continue;
		switch (c) {
		case OPT_JSON:
			r.json = true;
			break;
		case OPT_DRY_RUN:
			dry_run = true;
			break;
		case OPT_ALLOW_OVER:
			allow_over = true;
			break;
		case OPT_RECONCILE:
			only_reconcile = true;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_DESCRIPTION:
			description = optarg;
			break;
		case OPT_TARGET:
			if (!gcr_target_from_id(optarg, &target) || target == GCR_TARGET_NONE) {
				status = cli_usage_error(ctx, &cli_cmd_submit,
							 _("unknown target '%s' (allowed: batch, "
							   "slurm, pcluster)"), optarg);
				goto out;
			}
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_submit);
			gcr_spec_flags_print_help(stdout);
			goto out;
		default:
			status = cli_option_error(ctx, &cli_cmd_submit, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage_error(ctx, &cli_cmd_submit, _("unexpected argument '%s'"),
					 argv[optind]);
		goto out;
	}
	if (name && strlen(name) >= sizeof req.spec.name) {
		status = cli_usage_error(ctx, &cli_cmd_submit, _("--name is longer than %zu "
								 "characters"),
					 sizeof req.spec.name - 1);
		goto out;
	}
	if (description && strlen(description) >= sizeof req.spec.description) {
		status = cli_usage_error(ctx, &cli_cmd_submit,
					 _("--description is longer than %zu characters"),
					 sizeof req.spec.description - 1);
		goto out;
	}

	if (gcr_submit_env_open(&e, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	if (only_reconcile) {
		/* Batch entries need AWS; Slurm entries may do without it. */
		if (gcr_submit_env_connect(e, ctx->profile, ctx->region, &err) != GCR_OK &&
		    gcr_submit_pending_count(e->env.journal) > 0) {
			status = cli_fail(ctx, &err);
			goto out;
		}
		reconcile(&r, e);
		if (r.json) {
			json_dumpf(r.reconciled, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		status = r.status == GCR_OK ? 0 : cli_fail(ctx, &r.err);
		goto out;
	}

	/* The spec: file, then flags; checked completely before anything is sent. */
	gcr_spec_init(&req.spec);
	if (gcr_spec_flags_apply(&flags, e->env.catalog, NULL, &req.spec, &err) != GCR_OK) {
		status = err.code == GCR_ERR_USAGE
			 ? cli_usage_error(ctx, &cli_cmd_submit, "%s", err.message)
			 : cli_fail(ctx, &err);
		goto out;
	}
	if (name)
		snprintf(req.spec.name, sizeof req.spec.name, "%s", name);
	if (description)
		snprintf(req.spec.description, sizeof req.spec.description, "%s", description);
	if (req.spec.model == GCR_MODEL_NONE)
		req.spec.model = GCR_MODEL_CLASSIC;
	if (target != GCR_TARGET_NONE)
		req.spec.target = target;
	if (req.spec.target == GCR_TARGET_NONE)
		req.spec.target = GCR_TARGET_BATCH;
	r.cluster = req.spec.target != GCR_TARGET_BATCH;
	if (r.cluster) {
		status = submit_to_cluster(ctx, &r, e, &req, dry_run);
		goto out;
	}
	if (req.spec.model == GCR_MODEL_CLASSIC) {
		struct gcr_spec check = req.spec;
		gcr_spec_apply_defaults(&check, e->env.catalog);
		check.nodes = 1;
		if (gcr_spec_validate(&check, e->env.catalog, &err) != GCR_OK) {
			gcr_error_prefix(&err, _("invalid spec"));
			status = cli_fail(ctx, &err);
			goto out;
		}
	}
	if (gcr_submit_env_connect(e, ctx->profile, *req.spec.region ? req.spec.region : ctx->region,
				   &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}

	/* What earlier runs left unfinished comes first. */
	if (!dry_run && reconcile(&r, e) != GCR_OK)
		fprintf(stderr, _("%s: warning: %s\n"), ctx->program, r.err.message);

	req.dry_run = dry_run;
	req.allow_over_budget = allow_over;
	r.done = 0;
	gcr_submit_start(&e->env, &req, on_progress, on_submitted, &r);
	gcr_submit_env_run(e, &r.done);
	print_warnings(ctx, r.warnings);
	if (r.status == GCR_OK) {
		print_result(&r);
	} else {
		status = cli_fail(ctx, &r.err);
		if (r.copy.needs_confirmation)
			fprintf(stderr, _("%s: nothing was sent; to submit anyway, add "
					  "--allow-over-budget\n"), ctx->program);
	}
out:
	json_decref(r.requests);
	json_decref(r.warnings);
	json_decref(r.reconciled);
	gcr_submit_env_close(e);
	return status;
}
