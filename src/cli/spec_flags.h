/* spec_flags.h: the choice flags shared by `gcrunner estimate`, `export` and
 * `submit`, so all three parse --model, --sim, ... identically.
 *
 * A command puts GCR_SPEC_FLAG_LONGOPTS at the start of its getopt_long
 * table, hands every option it does not know itself to
 * gcr_spec_flags_take(), and after the loop calls gcr_spec_flags_apply():
 * the --spec file is read first, then each flag overrides it.  Values are
 * checked against the catalog; a bad value is GCR_ERR_USAGE with a message
 * naming the flag and the allowed values (print it with cli_usage_error,
 * exit status 2).  Combination rules are gcr_spec_validate's job (after
 * gcr_spec_apply_defaults).
 *
 *   static const struct option longopts[] = {
 *           GCR_SPEC_FLAG_LONGOPTS,
 *           { "json", no_argument, NULL, 'j' },
 *           { NULL, 0, NULL, 0 },
 *   };
 *   struct gcr_spec_flags flags;
 *   gcr_spec_flags_init(&flags);
 *   while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
 *           if (gcr_spec_flags_take(&flags, c, optarg))
 *                   continue;
 *           switch (c) { ... }
 *   }
 *   gcr_spec_init(&spec);
 *   if (gcr_spec_flags_apply(&flags, cat, ctx->region, &spec, &err) != GCR_OK)
 *           return err.code == GCR_ERR_USAGE
 *                   ? cli_usage_error(ctx, cmd, "%s", err.message)
 *                   : cli_fail(ctx, &err);
 *   gcr_spec_apply_defaults(&spec, cat);
 *   gcr_spec_validate(&spec, cat, &err) ...
 */
#ifndef GCR_CLI_SPEC_FLAGS_H
#define GCR_CLI_SPEC_FLAGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "catalog.h"
#include "error.h"
#include "spec.h"

/* getopt_long values of the choice flags; above any short option. */
enum gcr_spec_flag {
	GCR_FLAG_MODEL = 0x1000,
	GCR_FLAG_SIM,
	GCR_FLAG_OPTION,
	GCR_FLAG_MET,
	GCR_FLAG_SCENARIO,
	GCR_FLAG_GRID,
	GCR_FLAG_DOMAIN,
	GCR_FLAG_LEVELS,
	GCR_FLAG_START,
	GCR_FLAG_END,
	GCR_FLAG_DAYS,
	GCR_FLAG_INSTANCE,
	GCR_FLAG_NODES,
	GCR_FLAG_CORES_PER_NODE,
	GCR_FLAG_SPOT,
	GCR_FLAG_ON_DEMAND,
	GCR_FLAG_REGION,
	GCR_FLAG_SPEC,
};

#define GCR_SPEC_FLAG_LONGOPTS \
	{ "model", required_argument, NULL, GCR_FLAG_MODEL }, \
	{ "sim", required_argument, NULL, GCR_FLAG_SIM }, \
	{ "option", required_argument, NULL, GCR_FLAG_OPTION }, \
	{ "met", required_argument, NULL, GCR_FLAG_MET }, \
	{ "scenario", required_argument, NULL, GCR_FLAG_SCENARIO }, \
	{ "grid", required_argument, NULL, GCR_FLAG_GRID }, \
	{ "domain", required_argument, NULL, GCR_FLAG_DOMAIN }, \
	{ "levels", required_argument, NULL, GCR_FLAG_LEVELS }, \
	{ "start", required_argument, NULL, GCR_FLAG_START }, \
	{ "end", required_argument, NULL, GCR_FLAG_END }, \
	{ "days", required_argument, NULL, GCR_FLAG_DAYS }, \
	{ "instance", required_argument, NULL, GCR_FLAG_INSTANCE }, \
	{ "nodes", required_argument, NULL, GCR_FLAG_NODES }, \
	{ "cores-per-node", required_argument, NULL, GCR_FLAG_CORES_PER_NODE }, \
	{ "spot", no_argument, NULL, GCR_FLAG_SPOT }, \
	{ "on-demand", no_argument, NULL, GCR_FLAG_ON_DEMAND }, \
	{ "region", required_argument, NULL, GCR_FLAG_REGION }, \
	{ "spec", required_argument, NULL, GCR_FLAG_SPEC }

#define GCR_SPEC_FLAGS_MAX_INSTANCES 64

/* The flags as given (pointers into argv; nothing to free). */
struct gcr_spec_flags {
	const char *spec_file;
	const char *model, *sim, *option, *met, *scenario, *grid, *domain;
	const char *levels, *start, *end, *days, *nodes, *cores_per_node, *region;
	const char *instances[GCR_SPEC_FLAGS_MAX_INSTANCES];
	size_t ninstances;
	bool too_many_instances;
	int spot;                      /* -1 not given, 0 --on-demand, 1 --spot */
};

void gcr_spec_flags_init(struct gcr_spec_flags *f);

/* Records option c (a getopt_long result) if it is a choice flag; returns
 * false for any other option, which the command handles itself. */
bool gcr_spec_flags_take(struct gcr_spec_flags *f, int c, const char *arg);

/* Reads the --spec file into spec (if given), then applies every flag.
 * default_region (e.g. the global --region or AWS_REGION; may be NULL)
 * fills spec->region when neither file nor flag set it.  The first
 * --instance goes to spec->instance_type; all of them stay in f->instances
 * for the estimator. */
enum gcr_status gcr_spec_flags_apply(const struct gcr_spec_flags *f,
				     const struct gcr_catalog *cat,
				     const char *default_region,
				     struct gcr_spec *spec, struct gcr_error *err);

/* Note: after apply and before gcr_spec_apply_defaults, spec->nodes > 0
 * exactly when the file or a flag fixed the node count (estimate sweeps GCHP
 * node counts otherwise). */

/* Prints the choice flags' help lines (translated), for `CMD --help`. */
void gcr_spec_flags_print_help(FILE *out);

#endif
