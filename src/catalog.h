/* catalog.h: what exists -- simulations, meteorology, grids, levels,
 * instance types with prices, processor families and the benchmark table --
 * and which combinations of choices are valid.
 *
 * The catalog is read from YAML files in the data directory
 * (data/simulations.yaml, data/instances.yaml, data/benchmarks.yaml) with
 * libyaml and checked on load; an error names the file, the line and the
 * field.  On top of the shipped data, gcr_catalog_load() also reads
 *   - the live price cache  gcr_path(GCR_DIR_CACHE, "prices.json")
 *     when it is younger than GCR_PRICES_MAX_AGE (format below), and
 *   - the user's own measurements  gcr_path(GCR_DIR_STATE, "measurements.yaml")
 *     (same record format as data/benchmarks.yaml; see gcr_measurement_add),
 * then calibrates the estimator's model on the whole benchmark table.
 *
 * Every item is a plain struct the catalog owns; pointers stay valid until
 * gcr_catalog_free().  Labels are English; show them with _(label) (the
 * msgids are listed in src/catalog_strings.c so translators see them).
 *
 * Validity queries (gcr_catalog_*_allowed) take the spec as chosen so far:
 * empty fields (model NONE, "" ids, 0 levels/dates) are "not chosen yet" and
 * constrain nothing, so the wizard can grey out choices step by step.  When
 * a choice is not allowed they write a translated reason into why (may be
 * NULL) that says what is allowed instead. */
#ifndef GCR_CATALOG_H
#define GCR_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"
#include "spec.h"

#define GCR_CATALOG_MAX_OPTIONS 16    /* options per simulation */
#define GCR_CATALOG_MAX_DOMAINS 12    /* nested domains per grid */
#define GCR_CATALOG_MAX_LEVELS 4      /* level choices per met */
#define GCR_CATALOG_MAX_SCENARIOS 12  /* GCAP 2.0 scenarios */
#define GCR_CATALOG_MAX_REGIONS 8     /* price regions per instance type */
#define GCR_CATALOG_MAX_ONLY 4        /* "only for these simulations" lists */

/* Price cache written by `gcrunner prices refresh` and read on load:
 *   path   gcr_path(GCR_DIR_CACHE, GCR_PRICES_CACHE_NAME)
 *   used   only when its "fetched_at" is younger than GCR_PRICES_MAX_AGE
 *   format (JSON, jansson):
 *   {
 *     "version": 1,
 *     "fetched_at": "2026-07-14T10:00:00Z",        (UTC, RFC 3339)
 *     "prices": [
 *       { "instance_type": "c5.4xlarge",
 *         "region": "us-east-1",
 *         "offered": true,                           (optional, default true)
 *         "ondemand_usd_per_hour": 0.68,             (optional/null = unknown)
 *         "spot_usd_per_hour": 0.27,                 (optional/null = unknown)
 *         "source": "AWS Price List GetProducts",    (free text)
 *         "fetched_at": "2026-07-14T09:58:12Z" }     (optional, else the file's)
 *     ]
 *   }
 * Unknown instance types and regions in the file are ignored (the catalog
 * only prices the types it describes); malformed files are an error.
 * gcr_catalog_save_prices() writes exactly this format. */
#define GCR_PRICES_CACHE_NAME "prices.json"
#define GCR_PRICES_MAX_AGE (24 * 3600)

/* The user's own measurements: gcr_path(GCR_DIR_STATE, this name). */
#define GCR_MEASUREMENTS_NAME "measurements.yaml"

struct gcr_catalog;

enum gcr_arch {
	GCR_ARCH_X86_64 = 0,
	GCR_ARCH_ARM64,
};

const char *gcr_arch_id(enum gcr_arch a);    /* "x86_64", "arm64" */

/* ---- Simulations ------------------------------------------------------ */

struct gcr_sim_option {
	char id[GCR_ID_MAX];           /* e.g. "standard", "TOMAS15", "CH4", "BaP" */
	char label[GCR_NAME_MAX];      /* English; show with _() */
	bool classic, gchp;            /* offered by which model */
	double cost_factor;            /* compute cost relative to the simulation's default option */
	double memory_factor;          /* memory relative to the default option */
	int extra_species;             /* advected species added (or removed, < 0) */
	int transport_timestep_s;      /* at 4x5 and 2x2.5 (TOMAS); 0 = the grid's default */
	int chemistry_timestep_s;      /* at 4x5 and 2x2.5 (TOMAS); 0 = the grid's default */
};

struct gcr_simulation {
	char id[GCR_ID_MAX];           /* fullchem, aerosol, carbon, Hg, POPs, tagO3, TransportTracers, metals */
	char label[GCR_NAME_MAX];
	bool classic, gchp;
	int advected_species;          /* drives transport work and memory */
	double chemistry_cost;         /* chemistry work relative to full chemistry (1.0) */
	double emissions_memory_gib;   /* input/emissions state held in memory */
	int default_start, default_end; /* YYYYMMDD, the shipped restart's period */
	char default_option[GCR_ID_MAX]; /* "" when the simulation has no options */
	struct gcr_sim_option options[GCR_CATALOG_MAX_OPTIONS];
	size_t noptions;
};

/* ---- Meteorology ------------------------------------------------------ */

struct gcr_met {
	char id[GCR_ID_MAX];           /* merra2, geosfp, geosit, gcap2 */
	char label[GCR_NAME_MAX];
	bool classic, gchp;
	int levels[GCR_CATALOG_MAX_LEVELS];
	size_t nlevels;
	int default_levels;
	int no_span_date;              /* YYYYMMDD runs must not span (GEOS-FP 20200601), 0 = none */
	char scenarios[GCR_CATALOG_MAX_SCENARIOS][GCR_ID_MAX]; /* GCAP 2.0 */
	size_t nscenarios;
	char gchp_grid[GCR_ID_MAX];    /* files GCHP reads (e.g. 0.5x0.625) */
	double gchp_gb_per_day;        /* GCHP met input per simulated day */
	char volume_basis[GCR_TEXT_MAX]; /* citation of the volumes */
};

/* ---- Grids ------------------------------------------------------------ */

struct gcr_domain {
	char id[GCR_ID_MAX];           /* global, AS, EU, NA, SA, AF, ME, OC, RU */
	char label[GCR_NAME_MAX];
	double lon_min, lon_max, lat_min, lat_max;
	bool box_known;                /* the box above is published; else columns are derived */
	long columns;                  /* surface grid cells of the domain */
};

struct gcr_grid {
	char id[GCR_ID_MAX];           /* 4x5 ... 0.125x0.15625, C24 ... C720 */
	char label[GCR_NAME_MAX];
	enum gcr_model model;          /* CLASSIC (lat-lon) or GCHP (cubed sphere) */
	double dlat, dlon;             /* lat-lon spacing; 0 for cubed sphere */
	int cs_res;                    /* cubed-sphere N (C<N>); 0 for lat-lon */
	long columns;                  /* global surface cells */
	int transport_timestep_s, chemistry_timestep_s;
	int max_cores;                 /* GCHP: largest valid core count; 0 = n/a */
	bool nested_only;              /* Classic fine grids: a domain must be chosen */
	struct gcr_domain domains[GCR_CATALOG_MAX_DOMAINS];
	size_t ndomains;
};

/* Which met offers which grid (and, for fine grids, which domains), with
 * the met volume per simulated year for each. */
struct gcr_met_grid {
	char met[GCR_ID_MAX];
	char grid[GCR_ID_MAX];
	char only_simulations[GCR_CATALOG_MAX_ONLY][GCR_ID_MAX]; /* empty = all */
	size_t nonly;
	char domains[GCR_CATALOG_MAX_DOMAINS][GCR_ID_MAX]; /* allowed domains (Classic) */
	double domain_gb_per_year[GCR_CATALOG_MAX_DOMAINS]; /* 0 = not published */
	size_t ndomains;
	double gb_per_year;            /* global (or the whole grid); 0 = not published */
	bool volume_derived;           /* volume computed from another, see basis */
	char basis[GCR_TEXT_MAX];
};

/* ---- Instance types and prices ----------------------------------------- */

struct gcr_cpu_family {
	char id[GCR_ID_MAX];           /* e.g. skylake, icelake, graviton3 */
	char label[GCR_NAME_MAX];
	enum gcr_arch arch;
	double speed_prior;            /* per-core speed relative to c5 (Skylake/Cascade Lake) */
	double speed_prior_sd;         /* log-scale uncertainty of the prior */
	char basis[GCR_TEXT_MAX];
	bool disputed;                 /* published GEOS-Chem data disagree (Graviton) */
	bool no_container_image;       /* no official GEOS-Chem image for this arch */
	double published_slowdown;     /* disputed: worst published slowdown vs x86 (e.g. 8) */
};

struct gcr_price {
	bool known;                    /* a price block exists for this region */
	bool offered;                  /* the type is offered in the region */
	double ondemand_usd_hour;      /* < 0 = unknown */
	double spot_usd_hour;          /* < 0 = unknown: typical discount applies */
	char source[GCR_TEXT_MAX];
	char date[16];                 /* YYYY-MM or YYYY-MM-DD of the figure */
	bool derived;                  /* computed (e.g. a region multiplier); basis in source */
	bool live;                     /* from gcr_catalog_set_price / the cache */
	time_t fetched_at;             /* live prices only */
};

struct gcr_instance_type {
	char id[GCR_ID_MAX];           /* c5.4xlarge */
	char family[GCR_ID_MAX];       /* cpu family id */
	enum gcr_arch arch;
	int vcpus, cores;              /* cores = physical cores */
	double memory_gib;
	bool efa;
	double network_gbps;
	double spot_discount;          /* typical fraction saved by spot, e.g. 0.6 */
	bool spot_available;           /* false: no spot market (hpc6a, hpc7g) */
	char regions[GCR_CATALOG_MAX_REGIONS][GCR_ID_MAX];
	struct gcr_price prices[GCR_CATALOG_MAX_REGIONS]; /* parallel to regions */
	size_t nregions;
};

/* The price used for one type in one region: on-demand, spot (live, or
 * on-demand × (1 - typical discount)), and where they come from. */
struct gcr_price_info {
	bool offered;
	double ondemand_usd_hour;
	double spot_usd_hour;          /* = on-demand when !spot_available */
	bool spot_available;
	bool spot_estimated;           /* spot derived from the typical discount */
	bool live;
	bool derived;
	const char *source;            /* points into the catalog */
	const char *date;
	double age_hours;              /* live prices: age now; else -1 */
};

/* ---- Benchmarks and measurements ---------------------------------------- */

enum gcr_bench_use {
	GCR_BENCH_FIT = 0,             /* calibrates the model */
	GCR_BENCH_DISPUTED,            /* not fitted; the range must cover it */
	GCR_BENCH_EXCLUDED,            /* known-bad (e.g. a fixed regression); shown only */
};

struct gcr_benchmark {
	char id[GCR_ID_MAX];
	char citation[GCR_TEXT_MAX];
	char version[GCR_ID_MAX];      /* GEOS-Chem version, "12.1.1", "14.7.0" */
	enum gcr_model model;
	char simulation[GCR_ID_MAX], option[GCR_ID_MAX], met[GCR_ID_MAX];
	char grid[GCR_ID_MAX], domain[GCR_ID_MAX];
	int levels;
	char instance_type[GCR_ID_MAX]; /* "" when not on EC2 / not recorded */
	char hardware[GCR_NAME_MAX];   /* free text */
	char family[GCR_ID_MAX];       /* cpu family id */
	char network[GCR_ID_MAX];      /* efa, infiniband, tcp, "" (one node) */
	int nodes, cores_per_node, threads_per_node;
	int simulated_days;
	double wall_seconds;           /* as published, 0 = given as throughput */
	double throughput_days_per_day; /* result (relative records: any scale) */
	double input_seconds_per_day;  /* non-scaling component, 0 = not published */
	double memory_gib;             /* measured need, 0 = not published */
	double node_memory_gib;        /* node memory when no instance type names it */
	bool out_of_memory;            /* the run did not fit */
	char group[GCR_ID_MAX];        /* records compared among themselves */
	bool relative;                 /* only ratios within the group are meaningful */
	double weight;                 /* fit weight (user runs weigh more) */
	enum gcr_bench_use use;
	char note[GCR_TEXT_MAX];
	/* The Benchmarks table fields of the product design. */
	char configuration_type[GCR_NAME_MAX];
	double cost_per_sim_day;
	double cpu_efficiency;
	time_t timestamp;
	char data_source[GCR_NAME_MAX]; /* "published" or "user-run:<id>" */
	bool user;                     /* from the user's own measurements file */
	int line;                      /* line in its file, for messages */
};

/* A finished run's figures, as the dashboard records them. */
struct gcr_measurement {
	struct gcr_spec spec;          /* the run's choices (model, sim, grid, nodes...) */
	char instance_type[GCR_ID_MAX];
	int threads_per_node;          /* 0 = all vCPUs (Classic) / cores_per_node (GCHP) */
	double throughput_days_per_day;
	double cost_per_sim_day;       /* USD, 0 = unknown */
	double memory_usage_gib;       /* peak per node, 0 = unknown */
	double cpu_efficiency;         /* 0..1, 0 = unknown */
	time_t timestamp;
	char data_source[GCR_NAME_MAX]; /* e.g. "user-run:<simulation id>" */
	char version[GCR_ID_MAX];      /* GEOS-Chem version, "" = the catalog's */
};

/* True when label (a catalog label, English) is one of the msgids in
 * src/catalog_strings.c, i.e. translatable. */
bool gcr_catalog_label_listed(const char *label);

/* ---- Loading ------------------------------------------------------------ */

/* Reads the catalogs from datadir (NULL = gcr_dir(GCR_DIR_DATA)), the live
 * price cache and the user's measurements, and calibrates the estimator.
 * Caller frees *out with gcr_catalog_free. */
enum gcr_status gcr_catalog_load(const char *datadir, struct gcr_catalog **out,
				 struct gcr_error *err);
void gcr_catalog_free(struct gcr_catalog *cat);

/* ---- Enumeration (index 0..n-1; NULL out of range) ----------------------- */

size_t gcr_catalog_nsimulations(const struct gcr_catalog *cat);
const struct gcr_simulation *gcr_catalog_simulation(const struct gcr_catalog *cat, size_t i);
const struct gcr_simulation *gcr_catalog_find_simulation(const struct gcr_catalog *cat,
							 const char *id);
const struct gcr_sim_option *gcr_simulation_find_option(const struct gcr_simulation *sim,
							const char *id);

size_t gcr_catalog_nmets(const struct gcr_catalog *cat);
const struct gcr_met *gcr_catalog_met(const struct gcr_catalog *cat, size_t i);
const struct gcr_met *gcr_catalog_find_met(const struct gcr_catalog *cat, const char *id);

size_t gcr_catalog_ngrids(const struct gcr_catalog *cat);
const struct gcr_grid *gcr_catalog_grid(const struct gcr_catalog *cat, size_t i);
const struct gcr_grid *gcr_catalog_find_grid(const struct gcr_catalog *cat, const char *id);
const struct gcr_domain *gcr_grid_find_domain(const struct gcr_grid *grid, const char *id);

/* The met x grid entry, or NULL when the met does not offer the grid. */
const struct gcr_met_grid *gcr_catalog_met_grid(const struct gcr_catalog *cat,
						const char *met, const char *grid);

size_t gcr_catalog_nfamilies(const struct gcr_catalog *cat);
const struct gcr_cpu_family *gcr_catalog_family(const struct gcr_catalog *cat, size_t i);
const struct gcr_cpu_family *gcr_catalog_find_family(const struct gcr_catalog *cat,
						     const char *id);

size_t gcr_catalog_ninstances(const struct gcr_catalog *cat);
const struct gcr_instance_type *gcr_catalog_instance(const struct gcr_catalog *cat, size_t i);
const struct gcr_instance_type *gcr_catalog_find_instance(const struct gcr_catalog *cat,
							  const char *id);

/* Regions with a price block in the catalog (us-east-1, us-east-2, ...). */
size_t gcr_catalog_nregions(const struct gcr_catalog *cat);
const char *gcr_catalog_region(const struct gcr_catalog *cat, size_t i);
/* The region used when the spec names none. */
#define GCR_DEFAULT_REGION "us-east-1"

size_t gcr_catalog_nbenchmarks(const struct gcr_catalog *cat);
const struct gcr_benchmark *gcr_catalog_benchmark(const struct gcr_catalog *cat, size_t i);

/* ---- Validity, for the wizard and gcr_spec_validate --------------------- */
/* Each returns true when the candidate is allowed given the choices already
 * made in spec; otherwise false and a reason in why (when why != NULL). */

bool gcr_catalog_model_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			       enum gcr_model model, char *why, size_t whylen);
bool gcr_catalog_simulation_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				    const char *sim, char *why, size_t whylen);
bool gcr_catalog_option_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				const char *option, char *why, size_t whylen);
bool gcr_catalog_met_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			     const char *met, char *why, size_t whylen);
bool gcr_catalog_scenario_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				  const char *scenario, char *why, size_t whylen);
bool gcr_catalog_grid_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			      const char *grid, char *why, size_t whylen);
bool gcr_catalog_domain_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				const char *domain, char *why, size_t whylen);
bool gcr_catalog_levels_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				int levels, char *why, size_t whylen);
/* Period rules (GEOS-FP across 2020-06-01, end after start). */
bool gcr_catalog_period_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				int start_date, int end_date, char *why, size_t whylen);
/* Instance type known, offered in the spec's region, arch usable. */
bool gcr_catalog_instance_allowed(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				  const char *instance_type, char *why, size_t whylen);
/* GCHP: total cores divisible by 6, within the grid's maximum, and a valid
 * NX x NY decomposition.  Fills *nx, *ny (may be NULL) when allowed. */
bool gcr_catalog_gchp_cores_allowed(const struct gcr_catalog *cat, const char *grid,
				    int total_cores, int *nx, int *ny,
				    char *why, size_t whylen);
/* GCHP's decomposition rule, the one place it is written: NX x NY = cores,
 * NY a multiple of 6, cs_res/NX >= 4 and 6*cs_res/NY >= 4 (what
 * setCommonRunSettings.sh accepts). */
bool gcr_gchp_decomposition_valid(int cs_res, int cores, int nx, int ny);
/* The most square NX x NY that the rule allows for cores at cs_res. */
bool gcr_gchp_decomposition(int cs_res, int cores, int *nx, int *ny);
/* The largest core count the rule allows for cs_res. */
int gcr_gchp_max_cores(int cs_res);

/* Comma-separated ids of the allowed choices (for messages): writes into buf
 * and returns it.  what: "model", "simulation", "option", "met", "scenario",
 * "grid", "domain", "levels", "instance". */
const char *gcr_catalog_allowed_list(const struct gcr_catalog *cat, const struct gcr_spec *spec,
				     const char *what, char *buf, size_t buflen);

/* ---- Prices --------------------------------------------------------------- */

/* The price of an instance type in a region (NULL/"" = GCR_DEFAULT_REGION).
 * Returns false when the catalog has no price for that pair. */
bool gcr_catalog_price(const struct gcr_catalog *cat, const char *instance_type,
		       const char *region, time_t now, struct gcr_price_info *out);

/* Live price override (the AWS side calls this after GetProducts /
 * DescribeSpotPriceHistory).  A negative price leaves that figure as it
 * was; offered=false marks the type as not offered in the region.  Unknown
 * instance types are GCR_ERR_NOT_FOUND; a region the catalog does not list
 * yet is added. */
enum gcr_status gcr_catalog_set_price(struct gcr_catalog *cat, const char *instance_type,
				      const char *region, bool offered,
				      double ondemand_usd_hour, double spot_usd_hour,
				      const char *source, time_t fetched_at,
				      struct gcr_error *err);

/* Reads a price cache file (format above) and applies its prices, unless it
 * is older than max_age_s at now (then *applied = false and GCR_OK).
 * A missing file is GCR_OK with *applied = false. */
enum gcr_status gcr_catalog_load_prices(struct gcr_catalog *cat, const char *path,
					time_t now, long max_age_s, bool *applied,
					struct gcr_error *err);

/* Writes every live price of the catalog to path in the cache format,
 * atomically (0644).  fetched_at of the file = the newest live price. */
enum gcr_status gcr_catalog_save_prices(const struct gcr_catalog *cat, const char *path,
					struct gcr_error *err);

/* ---- The user's own measurements ------------------------------------------- */

/* "classic/fullchem/standard/merra2/4x5/global/72L" -- the Benchmarks
 * table's configurationType for a spec.  Returns buf. */
const char *gcr_configuration_type(const struct gcr_spec *spec, char *buf, size_t len);

/* Appends m to the measurements file (NULL = the default path in the state
 * directory; created 0600 if missing, rewritten atomically) and, when cat
 * is not NULL, adds it to cat's benchmark table and recalibrates, so the
 * next estimates use it.  User measurements weigh more than published
 * ones (GCR_USER_MEASUREMENT_WEIGHT). */
#define GCR_USER_MEASUREMENT_WEIGHT 4.0
enum gcr_status gcr_measurement_add(struct gcr_catalog *cat, const struct gcr_measurement *m,
				    const char *path, struct gcr_error *err);

/* Adds to cat only (no file); recalibrates. */
enum gcr_status gcr_catalog_add_measurement(struct gcr_catalog *cat,
					    const struct gcr_measurement *m,
					    struct gcr_error *err);

/* Reads a measurements file into cat (gcr_catalog_load does this for the
 * default path); a missing file is not an error. */
enum gcr_status gcr_catalog_load_measurements(struct gcr_catalog *cat, const char *path,
					      struct gcr_error *err);

#endif
