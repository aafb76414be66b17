/* cmd_estimate.c: `gcrunner estimate` -- what a run will cost and how long
 * it will take on each instance type (and GCHP node count), as a table
 * sorted by cost or as JSON (schema in doc/gcrunner.1). */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/spec_flags.h"
#include "estimate.h"
#include "i18n.h"

static int estimate_exec(const struct cli_context *ctx, int argc, char **argv);

const struct cli_command cli_cmd_estimate = {
	.name = "estimate",
	.usage = N_("[CHOICES] [--json] [--all] [--calibration]"),
	.summary = N_("estimate the cost and wall time of a run on each instance type"),
	.options = N_("Options:\n"
		      "      --json          print one JSON object (schema in gcrunner(1))\n"
		      "      --all           list every option, not only the 25 cheapest\n"
		      "      --calibration   show the benchmark table and the fitted model\n"
		      "  -h, --help          show this help\n\n"),
	.exec = estimate_exec,
};

#define TABLE_ROWS 25

static json_t *num_or_null(double v)
{
	return v >= 0 && isfinite(v) ? json_real(round(v * 1e4) / 1e4) : json_null();  /* 4 decimals */
}

static json_t *option_json(const struct gcr_estimate_option *o, const struct gcr_estimate_result *res)
{
	json_t *j = json_object(), *notes = json_array();
	char buf[256];

	json_object_set_new(j, "instance_type", json_string(o->instance_type));
	json_object_set_new(j, "arch", json_string(gcr_arch_id(o->arch)));
	json_object_set_new(j, "nodes", json_integer(o->nodes));
	json_object_set_new(j, "cores_per_node", json_integer(o->cores_per_node));
	json_object_set_new(j, "cores", json_integer(o->cores));
	json_object_set_new(j, "threads_per_node", json_integer(o->threads_per_node));
	json_object_set_new(j, "throughput_days_per_day", num_or_null(o->throughput_days_per_day));
	json_object_set_new(j, "wall_hours", num_or_null(o->wall_hours));
	json_object_set_new(j, "wall_hours_low", num_or_null(o->wall_hours_low));
	json_object_set_new(j, "wall_hours_high", num_or_null(o->wall_hours_high));
	json_object_set_new(j, "cost_ondemand_usd", num_or_null(o->cost_ondemand_usd));
	json_object_set_new(j, "cost_spot_usd", num_or_null(o->cost_spot_usd));
	json_object_set_new(j, "cost_low_usd", num_or_null(o->cost_low_usd));
	json_object_set_new(j, "cost_high_usd", num_or_null(o->cost_high_usd));
	json_object_set_new(j, "cost_per_sim_day_usd", num_or_null(o->cost_per_sim_day_usd));
	json_object_set_new(j, "memory_need_gib", num_or_null(o->memory_need_gib));
	json_object_set_new(j, "memory_gib", num_or_null(o->memory_gib));
	json_object_set_new(j, "memory_fit", json_string(gcr_memory_fit_id(o->memory_fit)));
	json_object_set_new(j, "input_data_gib", num_or_null(o->input_data_gib));
	json_object_set_new(j, "confidence", json_string(gcr_confidence_id(o->confidence)));
	json_object_set_new(j, "offered", json_boolean(o->offered));
	json_object_set_new(j, "price_ondemand_usd_hour", num_or_null(o->offered ? o->price_ondemand_usd_hour : -1));
	json_object_set_new(j, "price_spot_usd_hour", num_or_null(o->offered ? o->price_spot_usd_hour : -1));
	json_object_set_new(j, "price_source", o->price_source ? json_string(o->price_source) : json_null());
	json_object_set_new(j, "price_date", o->price_date ? json_string(o->price_date) : json_null());
	json_object_set_new(j, "price_live", json_boolean(o->price_live));
	for (int k = 0; k < o->nnotes; k++)
		json_array_append_new(notes, json_string(gcr_estimate_note_text(&o->notes[k], res, buf, sizeof buf)));
	json_object_set_new(j, "notes", notes);
	return j;
}

static json_t *ref_json(const struct gcr_estimate_result *res, int i)
{
	json_t *j;

	if (i < 0)
		return json_null();
	j = json_object();
	json_object_set_new(j, "index", json_integer(i));
	json_object_set_new(j, "instance_type", json_string(res->options[i].instance_type));
	json_object_set_new(j, "nodes", json_integer(res->options[i].nodes));
	return j;
}

static json_t *pick_json(const struct gcr_estimate_result *res, const struct gcr_estimate_pick *p)
{
	json_t *j = json_object(), *par = json_array();

	json_object_set_new(j, "cheapest", ref_json(res, p->cheapest));
	json_object_set_new(j, "fastest", ref_json(res, p->fastest));
	for (size_t k = 0; k < p->npareto; k++)
		json_array_append_new(par, ref_json(res, p->pareto[k]));
	json_object_set_new(j, "pareto", par);
	return j;
}

static void print_json(const struct gcr_spec *spec, const struct gcr_estimate_result *res)
{
	json_t *root = json_object(), *opts = json_array(), *rec, *js = json_object(), *prices = json_object();
	json_t *sources = json_array();
	const struct gcr_estimate_pick *mode = res->spot ? &res->spot_pick : &res->ondemand;
	char date[16];

	json_object_set_new(js, "model", json_string(gcr_model_id(spec->model)));
	json_object_set_new(js, "simulation", json_string(spec->simulation));
	json_object_set_new(js, "option", json_string(spec->option));
	json_object_set_new(js, "met", json_string(spec->met));
	json_object_set_new(js, "grid", json_string(spec->grid));
	json_object_set_new(js, "domain", json_string(spec->domain));
	json_object_set_new(js, "levels", json_integer(spec->levels));
	json_object_set_new(js, "start", json_string(gcr_date_format(spec->start_date, date, sizeof date)));
	json_object_set_new(js, "end", json_string(gcr_date_format(spec->end_date, date, sizeof date)));
	json_object_set_new(root, "spec", js);
	json_object_set_new(root, "simulated_days", json_integer(res->simulated_days));
	json_object_set_new(root, "region", json_string(res->region));
	json_object_set_new(root, "pricing", json_string(res->spot ? "spot" : "ondemand"));
	json_object_set_new(root, "input_data_gib", num_or_null(res->input_data_gib));
	json_object_set_new(root, "met_data_gib", num_or_null(res->met_data_gib));
	json_object_set_new(root, "met_volume_derived", json_boolean(res->met_volume_derived));
	json_object_set_new(root, "input_storage_usd_month", num_or_null(res->input_storage_usd_month));
	for (size_t i = 0; i < res->noptions; i++) {
		const struct gcr_estimate_option *o = &res->options[i];
		bool seen = false;
		size_t k;
		json_t *s;
		json_array_append_new(opts, option_json(o, res));
		if (!o->price_source)
			continue;
		json_array_foreach(sources, k, s)
			seen = seen || strcmp(json_string_value(json_object_get(s, "source")), o->price_source) == 0;
		if (!seen) {
			s = json_object();
			json_object_set_new(s, "source", json_string(o->price_source));
			json_object_set_new(s, "date", json_string(o->price_date ? o->price_date : ""));
			json_object_set_new(s, "live", json_boolean(o->price_live));
			json_array_append_new(sources, s);
		}
	}
	json_object_set_new(prices, "live", json_boolean(res->prices_live));
	json_object_set_new(prices, "age_hours", num_or_null(res->price_age_hours));
	json_object_set_new(prices, "sources", sources);
	json_object_set_new(root, "prices", prices);
	json_object_set_new(root, "options", opts);
	rec = pick_json(res, mode);
	json_object_set_new(rec, "ondemand", pick_json(res, &res->ondemand));
	json_object_set_new(rec, "spot", pick_json(res, &res->spot_pick));
	json_object_set_new(root, "recommended", rec);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	fputc('\n', stdout);
	json_decref(root);
}

static const char *mark(const struct gcr_estimate_result *res, int i)
{
	const struct gcr_estimate_pick *p = res->spot ? &res->spot_pick : &res->ondemand;

	if (i == p->cheapest)
		return "$";
	if (i == p->fastest)
		return ">";
	for (size_t k = 0; k < p->npareto; k++)
		if (p->pareto[k] == i)
			return "*";
	return " ";
}

static void fmt_money(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else if (v < 10)
		snprintf(buf, len, "%.2f", v);
	else if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static void fmt_hours(char *buf, size_t len, double v)
{
	snprintf(buf, len, v < 100 ? "%.1f" : "%.0f", v);
}

static void print_table(const struct gcr_spec *spec, const struct gcr_catalog *cat,
			const struct gcr_estimate_result *res, bool all)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, spec->simulation);
	const struct gcr_met *met = gcr_catalog_find_met(cat, spec->met);
	const struct gcr_estimate_pick *p = res->spot ? &res->spot_pick : &res->ondemand;
	char a[16], b[16], c1[16], c2[16], c3[16], note[256];
	size_t shown = 0;

	printf(_("%s %s%s%s, %s %s%s%s, %d levels\n"),
	       spec->model == GCR_MODEL_GCHP ? "GCHP" : "GEOS-Chem Classic",
	       sim ? _(sim->label) : spec->simulation, *spec->option ? " / " : "", spec->option,
	       met ? _(met->label) : spec->met, spec->grid,
	       strcmp(spec->domain, "global") ? " " : "", strcmp(spec->domain, "global") ? spec->domain : "",
	       spec->levels);
	printf(_("%s to %s: %d simulated days.\n"),
	       gcr_date_format(spec->start_date, a, sizeof a), gcr_date_format(spec->end_date, b, sizeof b),
	       res->simulated_days);
	printf(_("Input data: %.0f GiB (S3 storage $%.2f/month).\n"), res->input_data_gib,
	       res->input_storage_usd_month);
	if (res->prices_live)
		printf(_("Prices: %s, %s, live (%.1f hours old).\n"), res->region,
		       res->spot ? _("spot") : _("on-demand"), res->price_age_hours);
	else
		printf(_("Prices: %s, %s, catalog snapshot.\n"), res->region,
		       res->spot ? _("spot") : _("on-demand"));
	printf("\n  %-14s %2s %5s %5s %15s %17s %-5s %s\n", _("TYPE"), _("N"), _("CORES"), _("D/D"),
	       _("WALL h (range)"), _("COST $ (range)"), _("MEM"), _("CONF"));
	for (size_t i = 0; i < res->noptions; i++) {
		const struct gcr_estimate_option *o = &res->options[i];
		char wall[64], cost[64], hl[16], hh[16];
		bool recommended = *mark(res, (int)i) != ' ';
		if (!all && shown >= TABLE_ROWS && !recommended)
			continue;
		fmt_hours(a, sizeof a, o->wall_hours);
		fmt_hours(hl, sizeof hl, o->wall_hours_low);
		fmt_hours(hh, sizeof hh, o->wall_hours_high);
		snprintf(wall, sizeof wall, "%s (%s-%s)", a, hl, hh);
		fmt_money(c1, sizeof c1, res->spot ? o->cost_spot_usd : o->cost_ondemand_usd);
		fmt_money(c2, sizeof c2, o->cost_low_usd);
		fmt_money(c3, sizeof c3, o->cost_high_usd);
		if (o->offered)
			snprintf(cost, sizeof cost, "%s (%s-%s)", c1, c2, c3);
		else
			snprintf(cost, sizeof cost, "%s", _("not offered"));
		printf("%s %-14s %2d %5d %5.0f %15s %17s %-5s %s\n", mark(res, (int)i), o->instance_type,
		       o->nodes, o->cores, o->throughput_days_per_day, wall, cost,
		       _(gcr_memory_fit_id(o->memory_fit)), _(gcr_confidence_id(o->confidence)));
		shown++;
	}
	if (shown < res->noptions)
		printf(_("  ... %zu more (--all lists them, --json gives every field)\n"), res->noptions - shown);
	printf(_("\n$ cheapest  > fastest  * Pareto (no other option is both faster and cheaper)\n"));
	if (p->cheapest >= 0) {
		const struct gcr_estimate_option *o = &res->options[p->cheapest];
		printf(_("Cheapest: %s x%d, $%.2f, %.1f h.\n"), o->instance_type, o->nodes,
		       res->spot ? o->cost_spot_usd : o->cost_ondemand_usd, o->wall_hours);
		o = &res->options[p->fastest];
		printf(_("Fastest:  %s x%d, $%.2f, %.1f h.\n"), o->instance_type, o->nodes,
		       res->spot ? o->cost_spot_usd : o->cost_ondemand_usd, o->wall_hours);
		for (int k = 0; k < res->options[p->cheapest].nnotes; k++)
			printf("  %s: %s\n", res->options[p->cheapest].instance_type,
			       gcr_estimate_note_text(&res->options[p->cheapest].notes[k], res, note, sizeof note));
	} else {
		printf(_("No option fits in memory and is offered in %s.\n"), res->region);
	}
}

static void print_calibration(const struct gcr_catalog *cat)
{
	const struct gcr_model_params *m = gcr_catalog_model(cat);

	printf(_("Fitted model (%d records, %d iterations, residual sd %.3f in ln):\n"), m->nfit,
	       m->iterations, m->residual_sd);
	printf("  K (Classic, 1 core, 4x5 fullchem)  %10.1f s/day\n", m->classic_compute_s);
	printf("  OpenMP serial fraction s            %10.4f\n", m->classic_serial);
	printf("  hyper-threading gain                %10.3f\n", m->ht_gain);
	printf("  Classic input at 4x5                %10.1f s/day\n", m->classic_input_s);
	printf("  input ~ columns^gamma               %10.3f\n", m->input_grid_exponent);
	printf("  met read                            %10.2f s/GB\n", m->met_read_s_per_gb);
	printf("  12.x compute / input vs 14.x        %10.3f / %.3f\n", m->v12_compute, m->v12_input);
	printf("  GCHP compute factor                 %10.3f\n", m->gchp_compute_factor);
	printf("  GCHP halo overhead h                %10.3f x sqrt(ranks/columns)\n", m->gchp_halo);
	printf("  GCHP input at C24                   %10.1f s/day\n", m->gchp_input_s);
	printf("  network loss per node doubling      %10.4f (EFA/IB), x%.2f without\n", m->net_efa,
	       m->net_tcp_ratio);
	printf("  transport / fixed work shares       %10.3f / %.3f\n", m->transport_share, m->fixed_share);
	for (size_t i = 0; i < gcr_catalog_nfamilies(cat); i++)
		printf("  speed %-28s %10.3f%s\n", gcr_catalog_family(cat, i)->id, m->family_speed[i],
		       gcr_catalog_family(cat, i)->disputed ? _(" (prior; disputed)") : "");
	printf(_("\n%-32s %9s %9s %17s %s\n"), _("RECORD"), _("MEASURED"), _("MODEL"), _("RANGE"), _("USE"));
	for (size_t i = 0; i < gcr_catalog_nbenchmarks(cat); i++) {
		const struct gcr_benchmark *b = gcr_catalog_benchmark(cat, i);
		struct gcr_benchmark_check ck;
		char range[40];
		if (!gcr_estimate_check_benchmark(cat, i, &ck) || b->throughput_days_per_day <= 0)
			continue;
		snprintf(range, sizeof range, "%.1f-%.1f", ck.low, ck.high);
		printf("%-32.32s %9.1f %9.1f %17s %s%s\n", b->id, ck.measured, ck.predicted, range,
		       b->use == GCR_BENCH_FIT ? "fit" : b->use == GCR_BENCH_DISPUTED ? "disputed" : "excluded",
		       b->relative ? _(" (ratio)") : "");
	}
}

static int estimate_exec(const struct cli_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		GCR_SPEC_FLAG_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "calibration", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gcr_spec_flags flags;
	struct gcr_estimate_request req;
	struct gcr_estimate_result res;
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	struct gcr_spec spec;
	bool json = false, all = false, calibration = false, sweep;
	char file_type[GCR_ID_MAX];
	const char *one_type[1];
	int c, status = 0;

	gcr_spec_flags_init(&flags);
	gcr_estimate_result_init(&res);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (gcr_spec_flags_take(&flags, c, optarg))
			continue;
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'C':
			calibration = true;
			break;
		case 'h':
			cli_print_command_help(stdout, ctx, &cli_cmd_estimate);
			gcr_spec_flags_print_help(stdout);
			return 0;
		default:
			return cli_option_error(ctx, &cli_cmd_estimate, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, &cli_cmd_estimate, _("unexpected argument '%s'"), argv[optind]);
	if (gcr_catalog_load(NULL, &cat, &err) != GCR_OK)
		return cli_fail(ctx, &err);
	if (calibration) {
		print_calibration(cat);
		goto out;
	}
	gcr_spec_init(&spec);
	if (gcr_spec_flags_apply(&flags, cat, ctx->region, &spec, &err) != GCR_OK) {
		status = err.code == GCR_ERR_USAGE ? cli_usage_error(ctx, &cli_cmd_estimate, "%s", err.message)
						   : cli_fail(ctx, &err);
		goto out;
	}
	sweep = spec.nodes <= 0;   /* neither file nor flag fixed the node count */
	/* The types to estimate go in the request; a type not offered in the
	 * region is shown as such rather than refused. */
	snprintf(file_type, sizeof file_type, "%s", spec.instance_type);
	spec.instance_type[0] = '\0';
	gcr_spec_apply_defaults(&spec, cat);
	if (gcr_spec_validate(&spec, cat, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	memset(&req, 0, sizeof req);
	if (flags.ninstances) {
		req.instance_types = flags.instances;
		req.ninstance_types = flags.ninstances;
	} else if (*file_type) {
		one_type[0] = file_type;
		req.instance_types = one_type;
		req.ninstance_types = 1;
	}
	if (spec.model == GCR_MODEL_GCHP && sweep) {
		req.nodes_min = 1;
		req.nodes_max = GCR_ESTIMATE_MAX_NODES;
	}
	if (gcr_estimate(cat, &spec, &req, &res, &err) != GCR_OK) {
		status = cli_fail(ctx, &err);
		goto out;
	}
	gcr_estimate_sort_by_cost(&res);
	if (json)
		print_json(&spec, &res);
	else
		print_table(&spec, cat, &res, all);
out:
	gcr_estimate_result_free(&res);
	gcr_catalog_free(cat);
	return status;
}
