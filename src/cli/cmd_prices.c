/* cmd_prices.c: `gcrunner prices refresh` fetches live prices for every
 * instance type in the catalog -- on-demand from the AWS Price List
 * (GetProducts) and spot from EC2 DescribeSpotPriceHistory (the latest
 * price in each zone) -- and stores them in the price cache the estimator
 * reads (format and path in catalog.h), with the time they were fetched. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/ec2.h"
#include "aws/pricing.h"
#include "catalog.h"
#include "cli/cli.h"
#include "i18n.h"
#include "paths.h"

static int prices_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_prices = {
	.name = "prices",
	.usage = N_("refresh [--region REGION] [--json]"),
	.summary = N_("fetch live on-demand and spot prices into the price cache"),
	.options = N_("Options:\n"
		      "      --region REGION  the region to price (default: the global --region,\n"
		      "                       AWS_REGION, the profile's, else us-east-1)\n"
		      "      --json           print one JSON object\n"
		      "  -h, --help           show this help\n"
		      "\n"
		      "Prices every instance type in the catalog with AWS Price List GetProducts\n"
		      "(Linux, shared tenancy, on-demand) and EC2 DescribeSpotPriceHistory (the\n"
		      "latest price per zone; the median over zones is kept).  The estimator uses\n"
		      "them for a day.\n"),
	.exec = prices_exec,
};

/* At most this many GetProducts calls at once: the Price List API has a
 * low rate limit, and retries would only add to the storm. */
#define PRICES_PARALLEL 4

struct type_price {
	const char *type;              /* points into the catalog */
	int have_ondemand;             /* GetProducts answered */
	int offered;                   /* a product exists in the region */
	double ondemand;
	double spot;                   /* < 0: none */
	double spot_min, spot_max;
	int spot_zones;
	char error[GCR_ERROR_MESSAGE_MAX];
};

struct prices_run {
	struct gcr_aws *aws;
	const char *region;
	struct type_price *types;
	size_t ntypes, next, inflight, pending;
	int spot_done;
	struct gcr_error spot_err;
	int spot_failed;
	int done;
};

static void fetch_next_products(struct prices_run *run);

static void check_done(struct prices_run *run)
{
	if (run->spot_done && run->pending == 0)
		run->done = 1;
}

struct products_req {
	struct prices_run *run;
	struct type_price *tp;
};

static void on_products(enum gcr_status st, const struct gcr_error *err, json_t *products,
			void *data)
{
	struct products_req *r = data;
	struct prices_run *run = r->run;
	struct type_price *tp = r->tp;
	size_t i;
	json_t *p;

	free(r);
	run->inflight--;
	run->pending--;
	if (st != GCR_OK) {
		snprintf(tp->error, sizeof tp->error, "%s", err->message);
	} else {
		tp->have_ondemand = 1;
		json_array_foreach(products, i, p) {
			double usd;
			const char *type = gcr_pricing_instance_type(p);
			if (type && strcmp(type, tp->type) != 0)
				continue;
			tp->offered = 1;
			if (gcr_pricing_on_demand_usd(p, &usd)) {
				tp->ondemand = usd;
				break;
			}
		}
	}
	fetch_next_products(run);
	check_done(run);
}

static void fetch_next_products(struct prices_run *run)
{
	while (run->inflight < PRICES_PARALLEL && run->next < run->ntypes) {
		struct products_req *r = malloc(sizeof *r);
		json_t *filters;

		if (!r)
			abort();
		r->run = run;
		r->tp = &run->types[run->next++];
		filters = gcr_pricing_linux_filters(r->tp->type, run->region);
		run->inflight++;
		gcr_pricing_get_products(run->aws, "AmazonEC2", filters, 5, on_products, r);
		json_decref(filters);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void on_spot(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_ec2_spot_price *items, size_t n, void *data)
{
	struct prices_run *run = data;
	struct gcr_ec2_spot_price *latest;
	double *zone_prices;

	run->spot_done = 1;
	if (st != GCR_OK) {
		run->spot_failed = 1;
		run->spot_err = *err;
		check_done(run);
		return;
	}
	latest = malloc((n ? n : 1) * sizeof *latest);
	zone_prices = malloc((n ? n : 1) * sizeof *zone_prices);
	if (!latest || !zone_prices)
		abort();
	memcpy(latest, items, n * sizeof *latest);
	n = gcr_ec2_spot_latest_per_zone(latest, n);
	for (size_t t = 0; t < run->ntypes; t++) {
		struct type_price *tp = &run->types[t];
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(latest[i].instance_type, tp->type) == 0)
				zone_prices[k++] = latest[i].price;
		if (k == 0)
			continue;
		qsort(zone_prices, k, sizeof *zone_prices, cmp_double);
		tp->spot_zones = (int)k;
		tp->spot_min = zone_prices[0];
		tp->spot_max = zone_prices[k - 1];
		tp->spot = k % 2 ? zone_prices[k / 2]
				 : (zone_prices[k / 2 - 1] + zone_prices[k / 2]) / 2.0;
	}
	free(latest);
	free(zone_prices);
	check_done(run);
}

/* Puts what was fetched into the catalog and writes the cache. */
static enum gcr_status store_prices(struct gcr_catalog *cat, struct prices_run *run,
				    time_t now, const char *path, struct gcr_error *err)
{
	char *dir = gcr_dir(GCR_DIR_CACHE);
	enum gcr_status st;

	for (size_t i = 0; i < run->ntypes; i++) {
		struct type_price *tp = &run->types[i];
		char source[160];
		if (!tp->have_ondemand && tp->spot < 0)
			continue;
		snprintf(source, sizeof source, "%s%s%s",
			 tp->have_ondemand ? "AWS Price List GetProducts" : "",
			 tp->have_ondemand && tp->spot >= 0 ? "; " : "",
			 tp->spot >= 0 ? "EC2 DescribeSpotPriceHistory (median over zones)" : "");
		st = gcr_catalog_set_price(cat, tp->type, run->region,
					   !tp->have_ondemand || tp->offered,
					   tp->have_ondemand && tp->offered ? tp->ondemand : -1.0,
					   tp->spot, source, now, err);
		if (st != GCR_OK) {
			free(dir);
			return st;
		}
	}
	if (!dir) {
		return gcr_error_set(err, GCR_ERR_IO, "%s",
				     _("cannot find the cache directory: HOME is not set"));
	}
	st = gcr_mkdir_p(dir, 0700, err);
	free(dir);
	if (st != GCR_OK)
		return st;
	return gcr_catalog_save_prices(cat, path, err);
}

static json_t *number_or_null(double v)
{
	return v >= 0 ? json_real(v) : json_null();
}

static void print_report(const struct prices_run *run, const char *path, time_t now, int json)
{
	char when[32];

	gcr_aws_time_format(now, when, sizeof when);
	if (json) {
		json_t *list = json_array(), *errors = json_array();
		json_t *o;
		for (size_t i = 0; i < run->ntypes; i++) {
			const struct type_price *tp = &run->types[i];
			json_array_append_new(list, json_pack(
				"{s:s, s:o, s:o, s:o, s:i}", "instance_type", tp->type,
				"offered", tp->have_ondemand ? json_boolean(tp->offered) : json_null(),
				"ondemand_usd_per_hour",
				number_or_null(tp->have_ondemand && tp->offered ? tp->ondemand : -1),
				"spot_usd_per_hour", number_or_null(tp->spot),
				"spot_zones", tp->spot_zones));
			if (tp->error[0])
				json_array_append_new(errors, json_pack("{s:s, s:s}", "instance_type",
									tp->type, "error", tp->error));
		}
		if (run->spot_failed)
			json_array_append_new(errors, json_pack("{s:s, s:s}", "instance_type", "*",
								"error", run->spot_err.message));
		o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "region", run->region, "fetched_at", when,
			      "cache_file", path, "prices", list, "errors", errors);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
		return;
	}
	printf(_("Prices for %s, fetched %s (USD per hour, Linux)\n"), run->region, when);
	printf("%-18s %12s %12s  %s\n", _("instance type"), _("on-demand"), _("spot"),
	       _("spot range (zones)"));
	for (size_t i = 0; i < run->ntypes; i++) {
		const struct type_price *tp = &run->types[i];
		char od[32], spot[32], range[64] = "";
		if (!tp->have_ondemand)
			snprintf(od, sizeof od, "%s", _("?"));
		else if (!tp->offered)
			snprintf(od, sizeof od, "%s", _("not offered"));
		else
			snprintf(od, sizeof od, "%.4f", tp->ondemand);
		if (tp->spot >= 0) {
			snprintf(spot, sizeof spot, "%.4f", tp->spot);
			snprintf(range, sizeof range, "%.4f-%.4f (%d)", tp->spot_min, tp->spot_max,
				 tp->spot_zones);
		} else {
			snprintf(spot, sizeof spot, "%s", "-");
		}
		printf("%-18s %12s %12s  %s\n", tp->type, od, spot, range);
	}
	printf(_("Saved to %s\n"), path);
}

static int refresh(const struct cli_context *ctx, const char *region_opt, int json)
{
	struct gcr_aws_options opts = { .profile = ctx->profile, .region = ctx->region };
	struct prices_run run;
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	uv_loop_t loop;
	int status = 1;
	size_t failures = 0;
	char *path = NULL;
	const char **names = NULL;
	time_t now;

	memset(&run, 0, sizeof run);
	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK)
		return cli_fail(ctx, &err);
	uv_loop_init(&loop);
	opts.loop = &loop;
	run.aws = gcr_aws_new(&opts, &err);
	if (!run.aws) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	run.region = region_opt ? region_opt
		     : gcr_aws_client_region(run.aws) ? gcr_aws_client_region(run.aws)
		     : GCR_DEFAULT_REGION;
	run.ntypes = gcr_catalog_ninstances(cat);
	run.types = calloc(run.ntypes ? run.ntypes : 1, sizeof *run.types);
	names = calloc(run.ntypes ? run.ntypes : 1, sizeof *names);
	if (!run.types || !names)
		abort();
	for (size_t i = 0; i < run.ntypes; i++) {
		run.types[i].type = gcr_catalog_instance(cat, i)->id;
		run.types[i].spot = -1;
		names[i] = run.types[i].type;
	}
	run.pending = run.ntypes;
	fetch_next_products(&run);
	{
		struct gcr_ec2_spot_query q = { .instance_types = names, .n_types = run.ntypes,
						.region = run.region };
		gcr_ec2_describe_spot_price_history(run.aws, &q, on_spot, &run);
	}
	gcr_aws_run_until(&loop, &run.done);

	for (size_t i = 0; i < run.ntypes; i++)
		failures += run.types[i].error[0] != '\0';
	if (failures == run.ntypes && run.spot_failed) {
		/* Nothing at all: no credentials, no network, or no permission. */
		err = run.spot_err;
		gcr_error_prefix(&err, "%s", _("cannot fetch prices"));
		status = cli_fail(ctx, &err);
		goto out;
	}
	now = time(NULL);
	path = gcr_path(GCR_DIR_CACHE, GCR_PRICES_CACHE_NAME);
	if (!path) {
		gcr_error_set(&err, GCR_ERR_IO, "%s", _("cannot find the cache directory: HOME is not set"));
		status = cli_fail(ctx, &err);
		goto out;
	}
	if (store_prices(cat, &run, now, path, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	print_report(&run, path, now, json);
	status = 0;
	for (size_t i = 0; i < run.ntypes; i++) {
		if (run.types[i].error[0]) {
			fprintf(stderr, "%s: %s\n", ctx->program, run.types[i].error);
			status = 1;
		}
	}
	if (run.spot_failed) {
		fprintf(stderr, "%s: %s\n", ctx->program, run.spot_err.message);
		status = 1;
	}
out:
	if (run.aws)
		gcr_aws_free(run.aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(run.types);
	free(names);
	free(path);
	gcr_catalog_free(cat);
	return status;
}

static int prices_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *region = NULL;
	int json = 0, c;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_print_command_help(stdout, ctx, &cli_cmd_prices);
		return 0;
	}
	if (argc < 2)
		return cli_usage_error(ctx, &cli_cmd_prices, "%s",
				       _("missing action: the only action is 'refresh'"));
	if (strcmp(argv[1], "refresh") != 0)
		return cli_usage_error(ctx, &cli_cmd_prices,
				       _("unknown action '%s': the only action is 'refresh'"), argv[1]);
	optind = 0;
	opterr = 0;
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			region = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_prices);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_prices, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_prices, _("unexpected argument '%s'"),
				       argv[optind]);
	if (region && !gcr_aws_region_valid(region))
		return cli_usage_error(ctx, &cli_cmd_prices,
				       _("'%s' is not a region name (like us-east-1)"), region);
	return refresh(ctx, region, json);
}
