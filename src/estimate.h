/* estimate.h: the cost and time estimator -- a physical model of a
 * GEOS-Chem run calibrated on the catalog's benchmark table.
 *
 * For a spec and each instance type (for GCHP also each node count) it
 * computes throughput, wall time and cost with a low/high range, memory need
 * and fit, input data volume, and recommends the cheapest, fastest and the
 * Pareto set.  The model and its calibration are described in
 * doc/estimator.md.
 *
 * Speed: gcr_estimate() does no allocation once its result has grown to
 * the needed size, so the wizard can re-estimate on every keystroke with one
 * long-lived struct gcr_estimate_result (see tests/bench/bench_estimate.c).
 *
 * Usage:
 *   struct gcr_estimate_result res;
 *   gcr_estimate_result_init(&res);
 *   if (gcr_estimate(cat, &spec, NULL, &res, &err) == GCR_OK)
 *           for (size_t i = 0; i < res.noptions; i++) ... res.options[i] ...
 *   gcr_estimate_result_free(&res);
 */
#ifndef GCR_ESTIMATE_H
#define GCR_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "catalog.h"
#include "error.h"
#include "spec.h"

/* GCHP node counts swept when the spec does not fix them. */
#define GCR_ESTIMATE_MAX_NODES 32
#define GCR_ESTIMATE_MAX_NOTES 8

enum gcr_memory_fit {
	GCR_FIT_FITS = 0,
	GCR_FIT_TIGHT,                 /* fits, with less than the safety margin */
	GCR_FIT_NO,                    /* will run out of memory */
};

enum gcr_confidence {
	GCR_CONF_HIGH = 0,             /* close to measured runs */
	GCR_CONF_MEDIUM,
	GCR_CONF_LOW,                  /* far from data, or published data disagree */
};

const char *gcr_memory_fit_id(enum gcr_memory_fit f);   /* "fits", "tight", "no" */
const char *gcr_confidence_id(enum gcr_confidence c);   /* "high", "medium", "low" */

/* Notes are codes with numbers, rendered to text only when shown
 * (gcr_estimate_note_text), so estimating stays fast. */
enum gcr_note_code {
	GCR_NOTE_NOT_OFFERED = 1,      /* not offered in the region */
	GCR_NOTE_NO_PRICE,             /* no price known for the region */
	GCR_NOTE_SPOT_ESTIMATED,       /* a = typical spot discount (0..1) */
	GCR_NOTE_PRICE_DERIVED,        /* the region's price is derived */
	GCR_NOTE_PRICE_LIVE,           /* a = age in hours */
	GCR_NOTE_DISPUTED_ARCH,        /* Graviton: published GEOS-Chem data disagree */
	GCR_NOTE_NO_CONTAINER_IMAGE,   /* no official GEOS-Chem image for the arch */
	GCR_NOTE_MEMORY,               /* a = need GiB per node, b = memory GiB */
	GCR_NOTE_NO_EFA,               /* multi-node without EFA: slower, wider range */
	GCR_NOTE_PAST_EFFICIENT,       /* a = the efficient node count */
	GCR_NOTE_CORES_ADJUSTED,       /* a = cores per node used, b = physical cores */
	GCR_NOTE_FAR_FROM_DATA,        /* no measured run close to this case */
	GCR_NOTE_USER_MEASURED,        /* a = user measurements near this case */
	GCR_NOTE_OUTPUT_SERVER,        /* above ~1000 cores: MAPL output server */
	GCR_NOTE_HYPERTHREADS,         /* a = threads used, b = physical cores */
	GCR_NOTE_NESTED_BOUNDARY,      /* nested: boundary conditions from a global run */
	GCR_NOTE_CHECKPOINT_MEMORY,    /* a = GiB the root node needs to write a checkpoint */
	GCR_NOTE_NO_SPOT,              /* no spot market for the type: spot = on-demand */
};

struct gcr_estimate_note {
	enum gcr_note_code code;
	double a, b;
};

/* One row of the estimate: one instance type (and node count). */
struct gcr_estimate_option {
	char instance_type[GCR_ID_MAX];
	const struct gcr_instance_type *instance; /* into the catalog */
	enum gcr_arch arch;
	int nodes;
	int cores_per_node;            /* GCHP: MPI ranks per node; Classic: physical cores */
	int cores;                     /* nodes x cores_per_node */
	int threads_per_node;          /* Classic: OpenMP threads (all vCPUs); GCHP = ranks */
	double throughput_days_per_day;
	double wall_hours, wall_hours_low, wall_hours_high;
	double price_ondemand_usd_hour; /* per node */
	double price_spot_usd_hour;    /* per node */
	double cost_ondemand_usd;      /* central wall time x nodes x price */
	double cost_spot_usd;
	double cost_low_usd, cost_high_usd; /* range, at the spec's pricing (spot or on-demand) */
	double cost_per_sim_day_usd;   /* at the spec's pricing */
	double memory_need_gib;        /* per node (the busiest node for GCHP) */
	double memory_gib;             /* the instance's memory per node */
	enum gcr_memory_fit memory_fit;
	double input_data_gib;         /* same for every option; repeated for --json */
	enum gcr_confidence confidence;
	bool offered;                  /* offered and priced in the region */
	bool disputed;                 /* published data disagree for this hardware and no
					* run of yours calibrates it: listed, not recommended */
	bool price_live;
	const char *price_source;      /* into the catalog */
	const char *price_date;
	double price_age_hours;        /* live prices; -1 otherwise */
	struct gcr_estimate_note notes[GCR_ESTIMATE_MAX_NOTES];
	int nnotes;
};

/* Recommendations for one pricing mode; indices into result->options,
 * -1 when nothing qualifies: only offered options that fit in memory and
 * are not `disputed` (Graviton until your own run calibrates it) qualify. */
struct gcr_estimate_pick {
	int cheapest;
	int fastest;
	int *pareto;                   /* sorted by wall time; owned by the result */
	size_t npareto;
};

struct gcr_estimate_result {
	int simulated_days;
	char region[GCR_ID_MAX];
	bool spot;                     /* the spec's pricing mode */
	double input_data_gib;         /* meteorology + other inputs the run reads */
	double met_data_gib;           /* the meteorology part */
	double input_storage_usd_month; /* that volume in S3 Standard, per month */
	bool met_volume_derived;       /* met volume derived, not published */
	struct gcr_estimate_option *options; /* noptions used, capacity allocated */
	size_t noptions, capacity;
	struct gcr_estimate_pick ondemand, spot_pick;
	/* Prices: the newest live price used, or -1 if only catalog snapshots. */
	double price_age_hours;
	bool prices_live;
};

/* What to estimate beyond the spec. */
struct gcr_estimate_request {
	/* Instance types; NULL/0 = spec->instance_type if set, else every type
	 * the catalog prices in the region (not-offered ones are skipped). */
	const char *const *instance_types;
	size_t ninstance_types;
	/* GCHP node counts: 0 = spec->nodes if > 0, else 1..GCR_ESTIMATE_MAX_NODES. */
	int nodes_min, nodes_max;
	/* Cores (ranks) per node: 0 = spec->cores_per_node if > 0, else the
	 * physical cores (GCHP: rounded down so totals stay valid). */
	int cores_per_node;
	time_t now;                    /* for price ages; 0 = time(NULL) */
};

void gcr_estimate_result_init(struct gcr_estimate_result *res);
void gcr_estimate_result_free(struct gcr_estimate_result *res);

/* Estimates spec (defaults applied, gcr_spec_validate'd by the caller; an
 * invalid spec gives GCR_ERR_INVALID) for every requested instance type and
 * node count.  req may be NULL.  Options are in catalog order (instance,
 * then nodes); sort for display with gcr_estimate_sort_by_cost. */
enum gcr_status gcr_estimate(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			     const struct gcr_estimate_request *req,
			     struct gcr_estimate_result *res, struct gcr_error *err);

/* Reorders res->options by cost at the spec's pricing (not-offered last) and
 * fixes the recommendation indices. */
void gcr_estimate_sort_by_cost(struct gcr_estimate_result *res);

/* Renders a note as a translated sentence into buf; returns buf. */
const char *gcr_estimate_note_text(const struct gcr_estimate_note *note,
				   const struct gcr_estimate_result *res,
				   char *buf, size_t len);

/* ---- Calibration (for tests, doc/estimator.md and `gcrunner estimate
 * --calibration`) --------------------------------------------------------- */

/* The model's fitted parameters.  Times are seconds per simulated day. */
struct gcr_model_params {
	double classic_compute_s;      /* Classic: 1 reference core, 4x5 72L fullchem, 14.x */
	double classic_serial;         /* OpenMP serial fraction (Amdahl) */
	double ht_gain;                /* hyper-threading gain on the parallel part */
	double classic_input_s;        /* non-scaling input/emissions at 4x5 */
	double input_grid_exponent;    /* input time ~ columns^exponent */
	double met_read_s_per_gb;      /* met reading, seconds per GB */
	double v12_compute, v12_input; /* GEOS-Chem 12.x cost relative to 14.x */
	double gchp_compute_factor;    /* GCHP compute relative to Classic */
	double gchp_halo;              /* GCHP overhead per sqrt(ranks / columns) (halo exchange) */
	double gchp_input_s;           /* GCHP ExtData at C24 */
	double net_efa;                /* efficiency loss per doubling of nodes, EFA/IB */
	double net_tcp_ratio;          /* the same without EFA, relative */
	double transport_share;        /* a_t: species-proportional work, relative to chemistry */
	double fixed_share;            /* a_f: species-independent work, relative to chemistry */
	double family_speed[32];       /* per catalog family index */
	double residual_sd;            /* log-scale scatter of the fit */
	int nfit;                      /* records fitted */
	int iterations;
};

const struct gcr_model_params *gcr_catalog_model(const struct gcr_catalog *cat);

/* (Re)fits the model to cat's benchmark table; gcr_catalog_load and the
 * measurement functions call it. */
enum gcr_status gcr_estimate_calibrate(struct gcr_catalog *cat, struct gcr_error *err);

/* What the model says for benchmark i of the catalog: predicted throughput
 * and its low/high range (d/d), and the memory verdict where the record has
 * one.  Returns false for records it cannot place (unknown grid etc.).
 * Relative records (only ratios published) report `measured` rescaled to
 * the model's scale for their group. */
struct gcr_benchmark_check {
	double measured, predicted, low, high;
	enum gcr_memory_fit memory_fit;
	double memory_need_gib;
	enum gcr_confidence confidence;
};
bool gcr_estimate_check_benchmark(const struct gcr_catalog *cat, size_t i,
				  struct gcr_benchmark_check *out);

#endif
