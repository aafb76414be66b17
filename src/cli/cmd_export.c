/* cmd_export.c: `gcrunner export` writes a run bundle to a folder.
 *
 * Same choice flags as `gcrunner estimate` and `gcrunner submit` (spec
 * flags override a --spec file); the spec is completed with the catalog's
 * defaults and validated, then the bundle is generated and written
 * atomically.  Works with no cloud at all. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bundle/bundle.h"
#include "catalog.h"
#include "cli/cli.h"
#include "cli/spec_flags.h"
#include "i18n.h"
#include "paths.h"
#include "settings.h"
#include "spec.h"

static int export_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_export = {
	.name = "export",
	.usage = N_("[--spec FILE] [CHOICE FLAGS] [--force] [--json] DIR"),
	.summary = N_("write the run bundle (GEOS-Chem configuration files) to a folder"),
	.options = N_("Options:\n"
		      "      --force          write into DIR even if it is not empty\n"
		      "      --json           print the files written as one JSON object\n"
		      "      --subnet ID      ParallelCluster subnet (default: pcluster.subnet_id\n"
		      "                       in the configuration file)\n"
		      "      --key-name NAME  ParallelCluster EC2 key pair (default: pcluster.key_name)\n"
		      "      --output-uri URI s3://... where the run script copies results\n"
		      "  -h, --help           show this help\n\n"),
	.exec = export_exec,
};

enum {
	OPT_JSON = 0x2000,
	OPT_FORCE,
	OPT_SUBNET,
	OPT_KEY_NAME,
	OPT_OUTPUT_URI,
};

static const char *setting(const struct gcr_settings *cfg, const char *key)
{
	const char *v = cfg ? gcr_settings_get(cfg, key) : NULL;
	return v && *v ? v : NULL;
}

/* A list setting (or a plain string) as one space-separated string, or NULL. */
static char *joined_list(const struct gcr_settings *cfg, const char *key)
{
	size_t n = cfg ? gcr_settings_list_len(cfg, key) : 0;
	char *out = NULL;

	if (n == 0)
		return setting(cfg, key) ? strdup(setting(cfg, key)) : NULL;
	for (size_t i = 0; i < n; i++) {
		char *joined = gcr_strdup_printf("%s%s%s", out ? out : "", out ? " " : "",
						 gcr_settings_list_item(cfg, key, i));
		free(out);
		out = joined;
	}
	return out;
}

static void print_json(const char *dir, const struct gcr_bundle *b, bool placeholders)
{
	json_t *obj = json_object(), *files = json_array();

	for (size_t i = 0; i < b->nfiles; i++) {
		json_t *f = json_object();
		char mode[8];
		snprintf(mode, sizeof mode, "%04o", (unsigned)b->files[i].mode);
		json_object_set_new(f, "path", json_string(b->files[i].path));
		json_object_set_new(f, "bytes", json_integer((json_int_t)b->files[i].len));
		json_object_set_new(f, "mode", json_string(mode));
		json_array_append_new(files, f);
	}
	json_object_set_new(obj, "dir", json_string(dir));
	json_object_set_new(obj, "files", files);
	json_object_set_new(obj, "template_version", json_string(GCR_BUNDLE_TEMPLATE_VERSION));
	json_object_set_new(obj, "placeholders", json_boolean(placeholders));
	json_dumpf(obj, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(obj);
}

static int export_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		GCR_SPEC_FLAG_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "key-name", required_argument, NULL, OPT_KEY_NAME },
		{ "output-uri", required_argument, NULL, OPT_OUTPUT_URI },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_spec_flags flags;
	struct gcr_catalog *cat = NULL;
	struct gcr_settings *cfg = NULL;
	struct gcr_bundle *bundle = NULL;
	struct gcr_bundle_options opts = { 0 };
	struct gcr_spec spec;
	struct gcr_error err = { 0 };
	const char *subnet = NULL, *key = NULL, *output_uri = NULL, *dir;
	bool json = false, force = false, placeholders;
	char *cfg_path, *modules = NULL, *run_scripts = NULL;
	int c, status = 0;

	gcr_spec_flags_init(&flags);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (gcr_spec_flags_take(&flags, c, optarg))
			continue;
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_SUBNET:
			subnet = optarg;
			break;
		case OPT_KEY_NAME:
			key = optarg;
			break;
		case OPT_OUTPUT_URI:
			output_uri = optarg;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_export);
			gcr_spec_flags_print_help(stdout);
			goto out;
		default:
			status = cli_option_error(ctx, &cli_cmd_export, c, argv);
			goto out;
		}
	}
	if (optind >= argc) {
		status = cli_usage_error(ctx, &cli_cmd_export, _("missing the folder to write (DIR)"));
		goto out;
	}
	if (optind + 1 < argc) {
		status = cli_usage_error(ctx, &cli_cmd_export, _("unexpected argument '%s'"),
					 argv[optind + 1]);
		goto out;
	}
	dir = argv[optind];
	if (output_uri && strncmp(output_uri, "s3://", 5) != 0) {
		status = cli_usage_error(ctx, &cli_cmd_export,
					 _("--output-uri must be an s3:// address, not '%s'"),
					 output_uri);
		goto out;
	}

	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	gcr_spec_init(&spec);
	if (gcr_spec_flags_apply(&flags, cat, ctx->region, &spec, &err) != GCR_OK) {
		status = err.code == GCR_ERR_USAGE
			 ? cli_usage_error(ctx, &cli_cmd_export, "%s", err.message)
			 : cli_fail(ctx, &err);
		goto out;
	}
	gcr_spec_apply_defaults(&spec, cat);
	if (gcr_spec_validate(&spec, cat, &err) != GCR_OK) {
		gcr_error_prefix(&err, _("invalid spec"));
		status = cli_fail(ctx, &err);
		goto out;
	}

	/* Settings from the configuration file fill what the flags leave. */
	cfg_path = gcr_config_path();
	if (cfg_path && gcr_settings_load(cfg_path, &cfg, &err) != GCR_OK) {
		free(cfg_path);
		status = cli_fail(ctx, &err);
		goto out;
	}
	free(cfg_path);
	opts.simulation_id = *spec.name ? spec.name : NULL;
	opts.output_uri = output_uri;
	opts.subnet_id = subnet ? subnet : setting(cfg, "pcluster.subnet_id");
	opts.key_name = key ? key : setting(cfg, "pcluster.key_name");
	opts.head_node_type = setting(cfg, "pcluster.head_node_type");
	opts.os = setting(cfg, "pcluster.os");
	opts.input_bucket = setting(cfg, "data.input_bucket");
	/* The slurm: section that `gcrunner cluster set` writes. */
	opts.slurm_partition = setting(cfg, "slurm.partition");
	opts.slurm_account = setting(cfg, "slurm.account");
	modules = joined_list(cfg, "slurm.modules");
	opts.slurm_modules = modules;
	if (setting(cfg, "slurm.geoschem_dir")) {
		run_scripts = gcr_strdup_printf("%s/run", setting(cfg, "slurm.geoschem_dir"));
		opts.gc_install_dir = run_scripts;
	}
	gcr_bundle_options_from_catalog(&opts, &spec, cat);

	if (gcr_bundle_build(&spec, &opts, &bundle, &err) != GCR_OK) {
		gcr_error_prefix(&err, _("cannot make the bundle"));
		status = cli_fail(ctx, &err);
		goto out;
	}
	if (gcr_bundle_write_dir(bundle, dir, force, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	placeholders = gcr_bundle_find(bundle, "cluster-config.yaml") &&
		       (!opts.subnet_id || !opts.key_name);
	if (json) {
		print_json(dir, bundle, placeholders);
	} else {
		printf(_("Wrote %zu files to %s:\n"), bundle->nfiles, dir);
		for (size_t i = 0; i < bundle->nfiles; i++)
			printf("  %-30s %s\n", bundle->files[i].path, _(bundle->files[i].what));
		printf(_("See %s/MANIFEST for how to use them by hand.\n"), dir);
	}
	if (placeholders)
		fprintf(stderr, _("%s: note: no subnet or key pair given (--subnet, --key-name, or "
				  "pcluster.subnet_id / pcluster.key_name in the configuration); "
				  "cluster-config.yaml holds example values to edit\n"),
			ctx->program);
out:
	free(modules);
	free(run_scripts);
	gcr_bundle_free(bundle);
	if (cfg)
		gcr_settings_free(cfg);
	if (cat)
		gcr_catalog_free(cat);
	return status;
}
