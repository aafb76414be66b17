/* catalog_internal.h: the catalog's storage, shared by catalog.c,
 * measure.c and estimate.c (not part of the public API: use catalog.h). */
#ifndef GCR_CATALOG_INTERNAL_H
#define GCR_CATALOG_INTERNAL_H

#include "catalog.h"
#include "estimate.h"

#define GCR_CATALOG_MAX_FAMILIES 32   /* = the size of gcr_model_params.family_speed */

struct gcr_region_block {
	char id[GCR_ID_MAX];
	char date[16];
	char source[GCR_TEXT_MAX];
	char from[GCR_ID_MAX];        /* derive from this region, "" = none */
	double multiplier;
};

/* What calibration learnt about each benchmark record. */
struct gcr_bench_fit {
	bool placed;                  /* the model could evaluate it */
	bool timed;                   /* has a throughput the fit can use */
	double predicted_dd;          /* central throughput after the global fit */
	double residual;              /* ln(measured/predicted), relative groups centred */
	/* Features for distances between cases (estimate.c). */
	double work_grid, work_sim;   /* normalised work per simulated day */
	double ln_work_grid;
	double cols_ratio, emis, met_gb_day;
	int family;
	double ln_cores;
	int nodes, net;               /* net: 0 one node, 1 EFA/InfiniBand, 2 TCP */
	double ln_nodes;
	bool v12;
	bool nested;
};

struct gcr_catalog {
	char datadir[1024];
	char version[GCR_ID_MAX];     /* GEOS-Chem version the catalog describes */

	struct gcr_simulation *sims;
	size_t nsims;
	struct gcr_met *mets;
	size_t nmets;
	struct gcr_grid *grids;
	size_t ngrids;
	struct gcr_met_grid *met_grids;
	size_t nmet_grids;
	struct gcr_cpu_family families[GCR_CATALOG_MAX_FAMILIES];
	size_t nfamilies;
	struct gcr_instance_type *instances;
	size_t ninstances;
	struct gcr_region_block regions[GCR_CATALOG_MAX_REGIONS];
	size_t nregions;

	struct gcr_benchmark *benchmarks;
	struct gcr_bench_fit *bench_fit;
	size_t nbenchmarks, bench_cap;

	double other_inputs_gb;
	double s3_usd_per_gb_month;

	/* Calibration results (estimate.c). */
	struct gcr_model_params params;
	bool family_has_data[GCR_CATALOG_MAX_FAMILIES];
	double family_slowdown[GCR_CATALOG_MAX_FAMILIES]; /* disputed: worst published ratio */
	double family_speedup[GCR_CATALOG_MAX_FAMILIES];  /* disputed: best published ratio */
};

/* Index of a family id, -1 if unknown. */
int gcr_catalog_family_index(const struct gcr_catalog *cat, const char *id);

/* Appends a benchmark record (copied); grows the table. */
void gcr_catalog_append_benchmark(struct gcr_catalog *cat, const struct gcr_benchmark *b);

/* Reads the `benchmarks:` (or `measurements:`) list of a parsed file into
 * cat; user marks the records as the user's own (weight default 4). */
struct gcr_yread;
enum gcr_status gcr_catalog_read_benchmarks(struct gcr_catalog *cat, struct gcr_yread *y,
					    const char *listkey, bool user,
					    struct gcr_error *err);

#endif
