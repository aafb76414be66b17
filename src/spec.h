/* spec.h: the simulation a user asks for -- every choice the wizard, the
 * spec file and the choice flags (--model, --sim, ...) can set.
 *
 * A spec is a plain value: fixed-size strings, no pointers, so it can be
 * copied with `=` and kept on the stack.  Identifiers are the catalog's ids
 * (data/simulations.yaml): the catalog says what exists and which
 * combinations are valid; gcr_spec_validate() applies those rules.
 *
 * Dates are civil dates as YYYYMMDD integers (GEOS-Chem's own form). */
#ifndef GCR_SPEC_H
#define GCR_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct gcr_catalog;

enum gcr_model {
	GCR_MODEL_NONE = 0,   /* not chosen yet (the wizard's first steps) */
	GCR_MODEL_CLASSIC,    /* GEOS-Chem Classic: OpenMP, one node */
	GCR_MODEL_GCHP,       /* GCHP: MPI, many nodes, cubed sphere */
};

enum gcr_target {
	GCR_TARGET_NONE = 0,
	GCR_TARGET_BATCH,     /* AWS Batch container job (Classic) */
	GCR_TARGET_PCLUSTER,  /* AWS ParallelCluster, Slurm inside (GCHP or Classic) */
	GCR_TARGET_SLURM,     /* any Slurm cluster (ssh or local) */
};

#define GCR_ID_MAX 32
#define GCR_NAME_MAX 128
#define GCR_TEXT_MAX 512
#define GCR_MAX_COLLECTIONS 24

struct gcr_spec {
	/* What to simulate. */
	char name[GCR_NAME_MAX];          /* user's label; may be empty */
	char description[GCR_TEXT_MAX];
	enum gcr_model model;
	char simulation[GCR_ID_MAX];      /* fullchem, aerosol, carbon, Hg, POPs, tagO3, TransportTracers, metals */
	char option[GCR_ID_MAX];          /* e.g. standard, benchmark, complexSOA, TOMAS15, CH4, BaP; "" = the simulation's default */
	char met[GCR_ID_MAX];             /* merra2, geosfp, geosit, gcap2 */
	char scenario[GCR_ID_MAX];        /* GCAP 2.0 only: historical, SSP245, ...; "" otherwise */
	char grid[GCR_ID_MAX];            /* 4x5, 2x2.5, 0.5x0.625, 0.25x0.3125, 0.125x0.15625, C24..C720 */
	char domain[GCR_ID_MAX];          /* global, AS, EU, NA, SA, AF, ME, OC, RU (fine Classic grids) */
	int levels;                       /* 72, 47 or 40 (GCAP 2.0); 0 = default for the met */
	int start_date;                   /* YYYYMMDD; 0 = the simulation's default */
	int end_date;                     /* YYYYMMDD, exclusive as in GEOS-Chem; 0 = start + days */
	int days;                         /* duration when end_date is 0 */
	int spinup_days;                  /* extra simulated days before start, 0 = none */

	/* Output. */
	char collections[GCR_MAX_COLLECTIONS][GCR_ID_MAX]; /* HISTORY.rc collections */
	int ncollections;                 /* 0 = the simulation's default set */
	char output_frequency[GCR_ID_MAX]; /* hourly, daily, monthly, end (of run) */
	char restart[GCR_ID_MAX];         /* "default" (shipped restart), "spinup" or a path/URI */

	/* Where and on what. */
	enum gcr_target target;
	char instance_type[GCR_ID_MAX];   /* e.g. c7g.16xlarge; "" = choose by estimate */
	int nodes;                        /* GCHP: compute nodes; Classic: 1 */
	int cores_per_node;               /* GCHP: MPI ranks per node; 0 = physical cores */
	bool spot;
	char region[GCR_ID_MAX];          /* "" = from AWS configuration, else us-east-1 */
};

/* Sets every field to "not chosen" (all zero, empty strings). */
void gcr_spec_init(struct gcr_spec *spec);

/* Fills unset fields with the catalog's defaults for the chosen model and
 * simulation (period, levels, collections, nodes...).  Leaves set fields. */
void gcr_spec_apply_defaults(struct gcr_spec *spec, const struct gcr_catalog *cat);

/* Checks every rule the catalog holds (met x grid x domain x simulation,
 * GEOS-FP across 2020-06-01, GCHP cores divisible by 6 and within the grid's
 * maximum, a valid NX x NY decomposition, dates).  On failure returns
 * GCR_ERR_INVALID with a message that says what is allowed. */
enum gcr_status gcr_spec_validate(const struct gcr_spec *spec,
				  const struct gcr_catalog *cat,
				  struct gcr_error *err);

/* Simulated days of the run (period plus spin-up). */
int gcr_spec_simulated_days(const struct gcr_spec *spec);

/* Reads a YAML spec file (libyaml); unknown keys and bad values are errors
 * naming file, line and key.  Fields the file does not set stay as they are,
 * so flags can be applied after and override the file. */
enum gcr_status gcr_spec_load(struct gcr_spec *spec, const char *path,
			      struct gcr_error *err);

/* The spec as YAML text (libyaml's emitter), only the fields that are set;
 * *len (may be NULL) gets its length.  Caller frees; NULL and err on
 * failure. */
char *gcr_spec_to_yaml(const struct gcr_spec *spec, size_t *len, struct gcr_error *err);

/* Writes the spec as YAML (libyaml's emitter), atomically. */
enum gcr_status gcr_spec_save(const struct gcr_spec *spec, const char *path,
			      struct gcr_error *err);

const char *gcr_model_id(enum gcr_model m);     /* "classic", "gchp", "" */
const char *gcr_target_id(enum gcr_target t);   /* "batch", "pcluster", "slurm", "" */

/* The reverse; false for an unknown id ("" gives NONE and true). */
bool gcr_model_from_id(const char *id, enum gcr_model *out);
bool gcr_target_from_id(const char *id, enum gcr_target *out);

/* Civil dates as YYYYMMDD integers. */
bool gcr_date_valid(int ymd);
/* Parses "YYYY-MM-DD" (or "YYYYMMDD"); false when malformed or not a date. */
bool gcr_date_parse(const char *s, int *ymd);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *gcr_date_format(int ymd, char *buf, size_t len);
int gcr_date_add_days(int ymd, int days);
/* Days from a to b (negative when b is before a). */
int gcr_date_diff_days(int a, int b);

#endif
