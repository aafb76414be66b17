/* cmd_cluster.c: `gcrunner cluster` sets up "any Slurm cluster" once --
 * how to reach it (ssh, local, SSM) and how to run there (partition,
 * account, modules, GEOS-Chem installation) -- shows it, and tests it by
 * asking the cluster's Slurm over the configured transport.  create,
 * status and delete (an AWS ParallelCluster cluster) are in
 * cmd_cluster_pc.c. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "cli/cmd_cluster.h"
#include "i18n.h"
#include "slurm/cluster_config.h"
#include "slurm/process.h"
#include "slurm/slurm.h"

static int cluster_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_cluster = {
	.name = "cluster",
	.usage = N_("show [--json] | set OPTION... | test | create NAME --config FILE | "
		    "status [NAME] [--json] | delete NAME [--yes]"),
	.summary = N_("set up, show or test a Slurm cluster; create, follow or delete an AWS "
		      "ParallelCluster"),
	.options = N_("Subcommands:\n"
		      "  show [--json]          the cluster settings (slurm: in the configuration file)\n"
		      "  set OPTION...          change them; other settings in the file stay\n"
		      "  test                   reach the cluster and ask Slurm (sinfo, sbatch --version)\n"
		      "  create NAME --config FILE [--no-wait]\n"
		      "                         create an AWS ParallelCluster cluster (an existing one\n"
		      "                         of that name is reused), follow its progress, and save\n"
		      "                         its head node for submit --target pcluster\n"
		      "  status [NAME] [--json] its state, head node, running cost, and whether it is idle\n"
		      "  delete NAME [--yes] [--no-wait]\n"
		      "                         delete it (asks for the name unless --yes)\n"
		      "  ParallelCluster is reached through its API when pcluster.api_url is set\n"
		      "  (SigV4), otherwise through your pcluster command.\n"
		      "\n"
		      "Options of 'set':\n"
		      "      --transport KIND   ssh (default), local (on a login node) or ssm (AWS head node)\n"
		      "      --host HOST        ssh destination: [user@]host or a Host of your ssh config\n"
		      "      --ssh-config FILE  use this ssh configuration file (ssh -F)\n"
		      "      --port N           ssh port\n"
		      "      --identity FILE    ssh key (ssh -i)\n"
		      "      --login-shell yes|no  run commands in a login shell (PATH, 'module'); default yes\n"
		      "      --ssm-instance ID  SSM: the head node's instance id\n"
		      "      --ssm-user USER    SSM: the user commands run as (default ec2-user)\n"
		      "      --partition NAME   Slurm partition (default: the cluster's)\n"
		      "      --account NAME     Slurm account\n"
		      "      --module NAME      a module to load before GEOS-Chem runs (repeat it)\n"
		      "      --no-modules       load no modules\n"
		      "      --geoschem-dir DIR the GEOS-Chem installation on the cluster\n"
		      "      --run-root DIR     where run directories go on the cluster\n"
		      "                         (relative paths: from the login directory)\n"
		      "  -h, --help             show this help\n"),
	.exec = cluster_exec,
};

static void fail_err(const struct cli_context *ctx, const struct gcr_error *err)
{
	fprintf(stderr, "%s cluster: %s\n", ctx->program, err->message);
}

static int show(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_cluster_config c;
	struct gcr_error err;
	int json = 0, opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else if (opt == 'h') {
			cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
			return 0;
		} else
			return cli_option_error(ctx, &cli_cmd_cluster, opt, argv);
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_cluster, _("unexpected argument '%s'"), argv[optind]);
	if (gcr_cluster_config_load(NULL, &c, &err) != GCR_OK) {
		fail_err(ctx, &err);
		return gcr_exit_status(err.code);
	}
	if (json) {
		json_t *o = gcr_cluster_config_to_json(&c);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
		return 0;
	}
	printf("%-16s %s\n", _("transport"), gcr_transport_kind_name(c.transport));
	if (c.transport == GCR_TRANSPORT_SSH) {
		printf("%-16s %s\n", _("host"), c.host);
		if (*c.ssh_config)
			printf("%-16s %s\n", _("ssh config"), c.ssh_config);
		if (c.port)
			printf("%-16s %d\n", _("port"), c.port);
		if (*c.identity_file)
			printf("%-16s %s\n", _("ssh key"), c.identity_file);
		printf("%-16s %s\n", _("login shell"), c.login_shell ? _("yes") : _("no"));
	}
	if (c.transport == GCR_TRANSPORT_SSM) {
		printf("%-16s %s\n", _("head node"), c.ssm_instance_id);
		printf("%-16s %s\n", _("runs as"), c.ssm_user);
	}
	printf("%-16s %s\n", _("partition"), *c.partition ? c.partition : _("(cluster default)"));
	printf("%-16s %s\n", _("account"), *c.account ? c.account : _("(none)"));
	printf("%-16s", _("modules"));
	for (size_t i = 0; i < c.nmodules; i++)
		printf(" %s", c.modules[i]);
	printf("%s\n", c.nmodules ? "" : _(" (none)"));
	printf("%-16s %s\n", _("GEOS-Chem"), *c.geoschem_dir ? c.geoschem_dir : _("(not set)"));
	printf("%-16s %s\n", _("run directories"), c.run_root);
	return 0;
}

static int set(const struct cli_context *ctx, int argc, char **argv)
{
	enum { O_TRANSPORT = 256, O_HOST, O_SSH_CONFIG, O_PORT, O_IDENTITY, O_LOGIN_SHELL,
	       O_SSM_INSTANCE, O_SSM_USER, O_PARTITION, O_ACCOUNT, O_MODULE, O_NO_MODULES,
	       O_GEOSCHEM_DIR, O_RUN_ROOT };
	static const struct option longopts[] = {
		{ "transport", required_argument, NULL, O_TRANSPORT },
		{ "host", required_argument, NULL, O_HOST },
		{ "ssh-config", required_argument, NULL, O_SSH_CONFIG },
		{ "port", required_argument, NULL, O_PORT },
		{ "identity", required_argument, NULL, O_IDENTITY },
		{ "login-shell", required_argument, NULL, O_LOGIN_SHELL },
		{ "ssm-instance", required_argument, NULL, O_SSM_INSTANCE },
		{ "ssm-user", required_argument, NULL, O_SSM_USER },
		{ "partition", required_argument, NULL, O_PARTITION },
		{ "account", required_argument, NULL, O_ACCOUNT },
		{ "module", required_argument, NULL, O_MODULE },
		{ "no-modules", no_argument, NULL, O_NO_MODULES },
		{ "geoschem-dir", required_argument, NULL, O_GEOSCHEM_DIR },
		{ "run-root", required_argument, NULL, O_RUN_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_cluster_config c;
	struct gcr_error err;
	bool modules_given = false;
	int opt;

	/* Start from what is saved, if anything. */
	if (gcr_cluster_config_load(NULL, &c, &err) != GCR_OK) {
		if (err.code != GCR_ERR_NOT_FOUND && err.code != GCR_ERR_INVALID) {
			fail_err(ctx, &err);
			return gcr_exit_status(err.code);
		}
		gcr_cluster_config_init(&c);
	}
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		char *dst = NULL;
		size_t size = 0;

		switch (opt) {
		case O_TRANSPORT:
			if (!gcr_transport_kind_parse(optarg, &c.transport))
				return cli_usage_error(ctx, &cli_cmd_cluster,
						       _("--transport is '%s'; allowed: ssh, local, ssm"), optarg);
			continue;
		case O_PORT: {
			char *end;
			long p = strtol(optarg, &end, 10);
			if (*end || end == optarg || p < 1 || p > 65535)
				return cli_usage_error(ctx, &cli_cmd_cluster,
						       _("--port is '%s'; allowed: 1 to 65535"), optarg);
			c.port = (int)p;
			continue;
		}
		case O_LOGIN_SHELL:
			if (strcmp(optarg, "yes") == 0 || strcmp(optarg, "true") == 0)
				c.login_shell = true;
			else if (strcmp(optarg, "no") == 0 || strcmp(optarg, "false") == 0)
				c.login_shell = false;
			else
				return cli_usage_error(ctx, &cli_cmd_cluster,
						       _("--login-shell is '%s'; allowed: yes, no"), optarg);
			continue;
		case O_MODULE:
			if (!modules_given) {
				c.nmodules = 0;
				modules_given = true;
			}
			if (c.nmodules == GCR_CLUSTER_MAX_MODULES)
				return cli_usage_error(ctx, &cli_cmd_cluster,
						       _("at most %d modules are allowed"), GCR_CLUSTER_MAX_MODULES);
			dst = c.modules[c.nmodules++];
			size = sizeof c.modules[0];
			break;
		case O_NO_MODULES:
			c.nmodules = 0;
			modules_given = true;
			continue;
		case O_HOST: dst = c.host; size = sizeof c.host; break;
		case O_SSH_CONFIG: dst = c.ssh_config; size = sizeof c.ssh_config; break;
		case O_IDENTITY: dst = c.identity_file; size = sizeof c.identity_file; break;
		case O_SSM_INSTANCE: dst = c.ssm_instance_id; size = sizeof c.ssm_instance_id; break;
		case O_SSM_USER: dst = c.ssm_user; size = sizeof c.ssm_user; break;
		case O_PARTITION: dst = c.partition; size = sizeof c.partition; break;
		case O_ACCOUNT: dst = c.account; size = sizeof c.account; break;
		case O_GEOSCHEM_DIR: dst = c.geoschem_dir; size = sizeof c.geoschem_dir; break;
		case O_RUN_ROOT: dst = c.run_root; size = sizeof c.run_root; break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_cluster, opt, argv);
		}
		if (strlen(optarg) >= size) {
			const char *name = "";
			for (size_t i = 0; longopts[i].name; i++)
				if (longopts[i].val == opt)
					name = longopts[i].name;
			return cli_usage_error(ctx, &cli_cmd_cluster,
					       _("--%s is too long (at most %zu characters)"), name, size - 1);
		}
		strcpy(dst, optarg);
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_cluster, _("unexpected argument '%s'"), argv[optind]);
	if (gcr_cluster_config_save(NULL, &c, &err) != GCR_OK) {
		fail_err(ctx, &err);
		return gcr_exit_status(err.code);
	}
	return show(ctx, 1, (char *[]){ "show", NULL });
}

/* --- test: sinfo and sbatch --version over the transport --- */

struct probe {
	int pending;
	struct gcr_error err;
	char version[128];
	char partitions[1024];
	int sinfo_status, version_status;
};

static void on_version(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct probe *p = data;

	p->pending--;
	if (e->code != GCR_OK) {
		p->err = *e;
		return;
	}
	p->version_status = r->exit_status;
	gcr_last_line(r->exit_status == 0 ? r->out : r->err,
		      r->exit_status == 0 ? r->out_len : r->err_len, p->version, sizeof p->version);
}

static void on_sinfo(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct probe *p = data;

	p->pending--;
	if (e->code != GCR_OK) {
		p->err = *e;
		return;
	}
	p->sinfo_status = r->exit_status;
	if (r->exit_status == 0)
		snprintf(p->partitions, sizeof p->partitions, "%s", r->out);
	else
		gcr_slurm_error_text(r->err, r->err_len, p->partitions, sizeof p->partitions);
}

static void on_closed(const struct gcr_error *e, void *data)
{
	(void)e;
	*(bool *)data = true;
}

static int test(const struct cli_context *ctx, int argc, char **argv)
{
	const char *version_argv[] = { "sbatch", "--version", NULL };
	const char *sinfo_argv[] = { "sinfo", "-h", "-o", "%P|%a|%D|%T", NULL };
	struct gcr_run_request version = { .argv = version_argv, .timeout_ms = 60000 };
	struct gcr_run_request sinfo = { .argv = sinfo_argv, .timeout_ms = 60000 };
	struct gcr_cluster_config c;
	struct gcr_transport *t;
	struct gcr_aws *aws = NULL;
	struct probe p = { 0 };
	struct gcr_error err;
	uv_loop_t loop;
	bool closed = false;
	int status = 0;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
		return 0;
	}
	if (argc > 1)
		return cli_usage_error(ctx, &cli_cmd_cluster, _("unexpected argument '%s'"), argv[1]);
	if (gcr_cluster_config_load(NULL, &c, &err) != GCR_OK) {
		fail_err(ctx, &err);
		return gcr_exit_status(err.code);
	}
	uv_loop_init(&loop);
	if (c.transport == GCR_TRANSPORT_SSM) {
		struct gcr_aws_options ao = { .loop = &loop, .profile = ctx->profile,
					      .region = ctx->region };
		if (!(aws = gcr_aws_new(&ao, &err))) {
			uv_loop_close(&loop);
			fail_err(ctx, &err);
			return gcr_exit_status(err.code);
		}
	}
	if (gcr_cluster_transport_new(&loop, &c, aws, &t, &err) != GCR_OK) {
		if (aws)
			gcr_aws_free(aws);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
		fail_err(ctx, &err);
		return gcr_exit_status(err.code);
	}
	/* One after the other: the first opens the shared ssh connection. */
	if (gcr_transport_run(t, &version, on_version, &p, NULL, &err) == GCR_OK) {
		p.pending++;
		while (p.pending)
			uv_run(&loop, UV_RUN_ONCE);
		if (p.err.code == GCR_OK && gcr_transport_run(t, &sinfo, on_sinfo, &p, NULL, &err) == GCR_OK)
			p.pending++;
		else if (p.err.code == GCR_OK)
			p.err = err;
		while (p.pending)
			uv_run(&loop, UV_RUN_ONCE);
	} else {
		p.err = err;
	}
	gcr_transport_close(t, on_closed, &closed);
	while (!closed)
		uv_run(&loop, UV_RUN_ONCE);
	if (aws)
		gcr_aws_free(aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);

	if (p.err.code != GCR_OK) {
		fail_err(ctx, &p.err);
		return gcr_exit_status(p.err.code);
	}
	if (p.version_status != 0) {
		fprintf(stderr, _("%s cluster: reached the cluster, but sbatch did not run there: %s\n"),
			ctx->program, p.version);
		return 1;
	}
	printf(_("reached the cluster: %s\n"), p.version);
	if (p.sinfo_status != 0) {
		fprintf(stderr, _("%s cluster: sinfo failed: %s\n"), ctx->program, p.partitions);
		return 1;
	}
	printf(_("partitions (name|available|nodes|state):\n%s"), p.partitions);
	if (*c.partition) {
		/* The configured partition must be one sinfo lists ("debug*" marks the default). */
		bool found = false;
		char *copy = strdup(p.partitions), *save = NULL;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			size_t n = strcspn(line, "*|");
			if (strlen(c.partition) == n && strncmp(line, c.partition, n) == 0)
				found = true;
		}
		free(copy);
		if (!found) {
			fprintf(stderr, _("%s cluster: partition '%s' is not one of the cluster's\n"),
				ctx->program, c.partition);
			status = 1;
		}
	}
	return status;
}

static int cluster_exec(const struct cli_context *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(ctx, &cli_cmd_cluster,
				       _("a subcommand is needed: show, set, test, create, status or "
					 "delete"));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_print_command_help(stdout, ctx, &cli_cmd_cluster);
		return 0;
	}
	if (strcmp(argv[1], "show") == 0)
		return show(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "set") == 0)
		return set(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "test") == 0)
		return test(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "create") == 0)
		return gcr_cli_cluster_create(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return gcr_cli_cluster_status(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "delete") == 0)
		return gcr_cli_cluster_delete(ctx, argc - 1, argv + 1);
	return cli_usage_error(ctx, &cli_cmd_cluster,
			       _("unknown subcommand '%s'; allowed: show, set, test, create, status, "
				 "delete"), argv[1]);
}
