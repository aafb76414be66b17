/* cmd_cluster_pc.c: `gcrunner cluster create|status|delete` -- an AWS
 * ParallelCluster cluster's life through its API or the pcluster command
 * (src/slurm/pcluster_life.h): an existing cluster of that name is reused,
 * progress is printed while CloudFormation works, the head node is saved
 * for `submit --target pcluster`, and an idle cluster's running cost is
 * shown with the command that deletes it. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "backend.h"
#include "bundle/pcluster.h"
#include "catalog.h"
#include "cli/cli.h"
#include "cli/cmd_cluster.h"
#include "i18n.h"
#include "journal.h"
#include "paths.h"
#include "settings.h"
#include "slurm/pcluster_life.h"
#include "submit/submit.h"
#include "yamlread.h"

struct life {
	const struct cli_context *ctx;
	struct gcr_submit_env *e;
	struct gcr_pcluster_client client;
	const char *name;
	bool done, json;
	enum gcr_status st;
	struct gcr_error err;
	struct gcr_pcluster_info info;
	char last_status[96];
};

static void on_info(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_pcluster_info *info, void *data)
{
	struct life *l = data;

	l->st = st;
	if (st != GCR_OK && err)
		l->err = *err;
	if (info)
		l->info = *info;
	l->done = true;
}

static void run(struct life *l)
{
	while (!l->done)
		uv_run(&l->e->loop, UV_RUN_ONCE);
	l->done = false;
}

static void on_wait(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Waits on the loop (the AWS client's handles keep working meanwhile). */
static void wait_ms(uv_loop_t *loop, unsigned ms)
{
	uv_timer_t t;
	bool fired = false;

	uv_timer_init(loop, &t);
	t.data = &fired;
	uv_timer_start(&t, on_wait, ms, 0);
	while (!fired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static int fail(struct life *l, const struct gcr_error *err)
{
	fprintf(stderr, "%s cluster: %s\n", l->ctx->program, err->message);
	return gcr_exit_status(err->code);
}

/* Opens the settings, journal, catalog and (when it can) AWS. */
static int open_env(struct life *l, const char *region)
{
	struct gcr_error err = { 0 }, aws_err = { 0 };

	if (gcr_submit_env_open(&l->e, &err) != GCR_OK)
		return fail(l, &err);
	gcr_submit_env_connect(l->e, l->ctx->profile, region ? region : l->ctx->region, &aws_err);
	if (gcr_pcluster_client_init(&l->client, &l->e->loop, l->e->env.aws, l->e->env.settings,
				     region ? region : l->ctx->region, &err) != GCR_OK)
		return fail(l, &err);
	return 0;
}

static void close_env(struct life *l)
{
	gcr_submit_env_close(l->e);
}

static void print_progress(struct life *l)
{
	char now[96];

	snprintf(now, sizeof now, "%s/%s", l->info.status, l->info.stack_status);
	if (strcmp(now, l->last_status) == 0)
		return;
	snprintf(l->last_status, sizeof l->last_status, "%s", now);
	fprintf(stderr, _("%s: %s (CloudFormation: %s)\n"), l->info.name, l->info.status,
		*l->info.stack_status ? l->info.stack_status : "-");
}

/* Describes again every pcluster.poll_seconds until the status settles. */
static void wait_settled(struct life *l)
{
	double every = gcr_settings_get_number(l->e->env.settings, "pcluster.poll_seconds", 30);
	unsigned ms = (unsigned)(every > 0.05 ? every * 1000 : 50);

	print_progress(l);
	while (l->st == GCR_OK && gcr_pcluster_status_in_progress(l->info.status)) {
		wait_ms(&l->e->loop, ms);
		gcr_pcluster_describe(&l->client, l->name, on_info, l);
		run(l);
		if (l->st == GCR_OK)
			print_progress(l);
	}
}

static void save_cluster(struct life *l, double fsx_gib)
{
	struct gcr_settings *s = l->e->env.settings;
	struct gcr_error err;
	char num[32];
	enum gcr_status st;

	st = gcr_settings_set(s, "pcluster.name", l->info.name, &err);
	if (st == GCR_OK)
		st = gcr_settings_set(s, "pcluster.region", l->client.region, &err);
	if (st == GCR_OK && *l->info.head_instance_id)
		st = gcr_settings_set(s, "pcluster.head_node_instance_id", l->info.head_instance_id,
				      &err);
	if (st == GCR_OK && *l->info.head_instance_type)
		st = gcr_settings_set(s, "pcluster.head_node_type", l->info.head_instance_type, &err);
	if (st == GCR_OK && fsx_gib > 0) {
		snprintf(num, sizeof num, "%.0f", fsx_gib);
		st = gcr_settings_set(s, "pcluster.fsx_gib", num, &err);
	}
	if (st == GCR_OK)
		st = gcr_settings_save(s, l->e->settings_path, &err);
	if (st != GCR_OK)
		fprintf(stderr, _("%s cluster: warning: the cluster was not saved in the "
				  "configuration: %s\n"), l->ctx->program, err.message);
}

static size_t active_runs(struct life *l)
{
	return gcr_pcluster_active_runs(l->e->env.journal, l->info.name);
}

static void print_status(struct life *l)
{
	struct gcr_pcluster_cost cost;
	double hour = gcr_pcluster_running_cost(l->e->env.catalog, l->e->env.settings, &l->info,
						l->client.region, &cost);
	time_t now = time(NULL);
	size_t active;

	if (l->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
				      "clusterName", l->info.name, "region", l->client.region,
				      "clusterStatus", l->info.status,
				      "cloudFormationStackStatus", l->info.stack_status,
				      "computeFleetStatus", l->info.fleet_status,
				      "headNodeInstanceId", l->info.head_instance_id,
				      "headNodeType", l->info.head_instance_type,
				      "failure", l->info.failure, "creationTime",
				      (json_int_t)l->info.created);
		if (hour >= 0)
			json_object_set_new(o, "runningCostUsdPerHour", json_real(hour));
		json_object_set_new(o, "activeRuns", json_integer((json_int_t)active_runs(l)));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
		return;
	}
	printf("%-16s %s (%s)\n", _("cluster"), l->info.name, l->client.region);
	printf("%-16s %s\n", _("status"), l->info.status);
	if (*l->info.fleet_status)
		printf("%-16s %s\n", _("compute fleet"), l->info.fleet_status);
	if (*l->info.head_instance_id)
		printf("%-16s %s (%s, %s)\n", _("head node"), l->info.head_instance_id,
		       l->info.head_instance_type, l->info.head_state);
	if (*l->info.failure)
		printf("%-16s %s\n", _("failure"), l->info.failure);
	if (hour >= 0) {
		printf(_("%-16s $%.2f per hour while it stays up (head node%s%s); compute nodes "
			 "only while jobs run\n"), _("running cost"), hour,
		       cost.fsx_hour > 0 ? _(" and FSx for Lustre") : "",
		       cost.head_derived ? _("; its price derived from its family's") : "");
		if (l->info.created > 0 && now > l->info.created)
			printf(_("%-16s $%.2f since it was created %.1f hours ago\n"), _("so far"),
			       hour * (double)(now - l->info.created) / 3600.0,
			       (double)(now - l->info.created) / 3600.0);
	}
	active = active_runs(l);
	if (gcr_pcluster_status_ready(l->info.status)) {
		if (active == 0)
			printf(_("\nNo gcrunner run is on this cluster: it is idle%s.  Delete it when "
				 "you are done (your results on FSx are lost unless exported):\n"
				 "  gcrunner cluster delete %s\n"),
			       hour >= 0 ? _(" but still costs money") : "", l->info.name);
		else
			printf(_("%-16s %zu\n"), _("gcrunner runs"), active);
	}
}

/* ---- create ---------------------------------------------------------------------------- */

static double config_fsx_gib(const char *text, size_t len)
{
	struct gcr_yread y;
	struct gcr_error err;
	yaml_node_t *root, *list;
	double gib = 0;

	if (gcr_yread_parse(&y, "cluster-config.yaml", text, len, &err) != GCR_OK)
		return 0;
	root = gcr_yread_root(&y);
	list = root ? gcr_yread_get(&y, root, "SharedStorage") : NULL;
	if (list && gcr_yread_is_seq(list)) {
		for (yaml_node_item_t *it = list->data.sequence.items.start;
		     it < list->data.sequence.items.top; it++) {
			yaml_node_t *fsx = gcr_yread_get(&y, gcr_yread_node(&y, *it), "FsxLustreSettings");
			yaml_node_t *cap = fsx ? gcr_yread_get(&y, fsx, "StorageCapacity") : NULL;
			double v = 0;
			if (cap && gcr_yread_double(&y, cap, "StorageCapacity", 0, 1e9, &v, &err) == GCR_OK)
				gib += v;
		}
	}
	gcr_yread_free(&y);
	return gib;
}

int gcr_cli_cluster_create(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct life l = { .ctx = ctx };
	struct gcr_error err = { 0 };
	const char *config = NULL;
	char *text = NULL;
	size_t len = 0;
	bool no_wait = false;
	int opt, status = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt == 'c')
			config = optarg;
		else if (opt == 'W')
			no_wait = true;
		else if (opt == 'h') {
			cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
			return 0;
		} else
			return cli_option_error(ctx, &cli_cmd_cluster, opt, argv);
	}
	if (optind + 1 != argc || !config)
		return cli_usage_error(ctx, &cli_cmd_cluster,
				       _("create needs a NAME and --config FILE (a ParallelCluster "
					 "configuration, e.g. cluster-config.yaml of gcrunner export)"));
	l.name = argv[optind];
	if (gcr_pcluster_check_name(l.name, &err) != GCR_OK)
		return cli_usage_error(ctx, &cli_cmd_cluster, "%s", err.message);
	if (gcr_read_file(config, &text, &len, &err) != GCR_OK)
		return fail(&l, &err);
	/* Our own checks first: nothing reaches AWS that they reject. */
	if (gcr_pcluster_validate(text, len, &err) != GCR_OK) {
		free(text);
		gcr_error_prefix(&err, "%s", config);
		return fail(&l, &err);
	}
	status = open_env(&l, NULL);
	if (status != 0)
		goto out;
	fprintf(stderr, _("%s: looking for cluster %s through %s\n"), ctx->program, l.name,
		gcr_pcluster_client_describe(&l.client));
	gcr_pcluster_describe(&l.client, l.name, on_info, &l);
	run(&l);
	if (l.st == GCR_OK) {
		if (strncmp(l.info.status, "DELETE", 6) == 0 || strstr(l.info.status, "FAILED")) {
			gcr_error_set(&err, GCR_ERR_CONFLICT,
				      _("a cluster named %s exists with status %s%s%s; delete it (gcrunner "
					"cluster delete %s) or choose another name"),
				      l.name, l.info.status, *l.info.failure ? ": " : "", l.info.failure,
				      l.name);
			status = fail(&l, &err);
			goto out;
		}
		fprintf(stderr, _("%s: cluster %s exists (%s): reusing it, nothing is created\n"),
			ctx->program, l.name, l.info.status);
	} else if (l.st == GCR_ERR_NOT_FOUND) {
		gcr_pcluster_create(&l.client, l.name, text, on_info, &l);
		run(&l);
		if (l.st != GCR_OK) {
			status = fail(&l, &l.err);
			goto out;
		}
		fprintf(stderr, _("%s: creating cluster %s (this takes 15 to 30 minutes)\n"),
			ctx->program, l.name);
	} else {
		status = fail(&l, &l.err);
		goto out;
	}
	if (!no_wait) {
		gcr_pcluster_describe(&l.client, l.name, on_info, &l);
		run(&l);
		wait_settled(&l);
		if (l.st != GCR_OK) {
			status = fail(&l, &l.err);
			goto out;
		}
	}
	/* A cluster that failed is not one to submit to. */
	if (!strstr(l.info.status, "FAILED"))
		save_cluster(&l, config_fsx_gib(text, len));
	print_status(&l);
	if (strstr(l.info.status, "FAILED"))
		status = 1;
out:
	free(text);
	if (l.e)
		close_env(&l);
	return status;
}

/* ---- deleting ------------------------------------------------------------------------- */

static bool confirmed(const char *name)
{
	char line[128];

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, _("Delete cluster %s, its head node and its FSx file system (data on it "
			  "is lost)?  Type the name to confirm: "), name);
	if (!fgets(line, sizeof line, stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcmp(line, name) == 0;
}
/* Deletes l->name, follows the deletion unless no_wait, and forgets the
 * saved head node. */
static int do_delete(struct life *l, bool no_wait)
{
	int status = 0;

	gcr_pcluster_delete(&l->client, l->name, on_info, l);
	run(l);
	if (l->st != GCR_OK)
		return fail(l, &l->err);
	fprintf(stderr, _("%s: deleting cluster %s\n"), l->ctx->program, l->name);
	if (!no_wait) {
		print_progress(l);
		wait_settled(l);
		if (l->st == GCR_ERR_NOT_FOUND) {
			l->st = GCR_OK;
			printf(_("cluster %s is deleted\n"), l->name);
		} else if (l->st != GCR_OK) {
			return fail(l, &l->err);
		} else {
			printf(_("cluster %s: %s%s%s\n"), l->name, l->info.status,
			       *l->info.failure ? ": " : "", l->info.failure);
			status = strstr(l->info.status, "FAILED") ? 1 : 0;
		}
	}
	/* Forget its head node: submissions must not go to a cluster being deleted. */
	{
		struct gcr_error err;
		if (gcr_pcluster_forget_head(l->e->env.settings, l->e->settings_path, l->name,
					     &err) != GCR_OK)
			fprintf(stderr, _("%s cluster: warning: %s\n"), l->ctx->program, err.message);
	}
	return status;
}

/* ---- status ---------------------------------------------------------------------------- */

int gcr_cli_cluster_status(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct life l = { .ctx = ctx };
	struct gcr_error err;
	int opt, status;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt == 'j')
			l.json = true;
		else if (opt == 'h') {
			cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
			return 0;
		} else
			return cli_option_error(ctx, &cli_cmd_cluster, opt, argv);
	}
	if (optind + 1 < argc)
		return cli_usage_error(ctx, &cli_cmd_cluster, _("unexpected argument '%s'"),
				       argv[optind + 1]);
	status = open_env(&l, NULL);
	if (status != 0)
		goto out;
	l.name = optind < argc ? argv[optind] : gcr_settings_get(l.e->env.settings, "pcluster.name");
	if (!l.name || !*l.name) {
		gcr_error_set(&err, GCR_ERR_USAGE,
			      _("which cluster?  Name it (gcrunner cluster status NAME) or create one "
				"(gcrunner cluster create NAME --config FILE)"));
		status = fail(&l, &err);
		goto out;
	}
	gcr_pcluster_describe(&l.client, l.name, on_info, &l);
	run(&l);
	if (l.st != GCR_OK) {
		status = fail(&l, &l.err);
		goto out;
	}
	if (gcr_pcluster_status_ready(l.info.status))
		save_cluster(&l, 0);
	print_status(&l);
	/* Deletion offered on a terminal when nothing of ours runs there. */
	if (!l.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    strcmp(l.info.status, "CREATE_COMPLETE") == 0 && active_runs(&l) == 0) {
		char line[128];
		printf(_("Delete it now?  Type its name to delete it, or press Enter to keep it: "));
		fflush(stdout);
		if (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, l.name) == 0)
				status = do_delete(&l, false);
			else
				printf(_("kept\n"));
		}
	}
out:
	if (l.e)
		close_env(&l);
	return status;
}

/* ---- delete ---------------------------------------------------------------------------- */


int gcr_cli_cluster_delete(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct life l = { .ctx = ctx };
	bool yes = false, no_wait = false;
	int opt, status;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt == 'y')
			yes = true;
		else if (opt == 'W')
			no_wait = true;
		else if (opt == 'h') {
			cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
			return 0;
		} else
			return cli_option_error(ctx, &cli_cmd_cluster, opt, argv);
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, &cli_cmd_cluster, _("delete needs the cluster's NAME"));
	l.name = argv[optind];
	if (!yes && !confirmed(l.name))
		return cli_usage_error(ctx, &cli_cmd_cluster,
				       _("not deleted: confirm by typing the name, or add --yes"));
	status = open_env(&l, NULL);
	if (status != 0)
		goto out;
	l.json = false;
	gcr_pcluster_describe(&l.client, l.name, on_info, &l);
	run(&l);
	if (l.st == GCR_OK && active_runs(&l) > 0)
		fprintf(stderr, _("%s: warning: %zu gcrunner runs on %s have not ended; they stop "
				  "with it\n"), ctx->program, active_runs(&l), l.name);
	status = do_delete(&l, no_wait);
out:
	if (l.e)
		close_env(&l);
	return status;
}
