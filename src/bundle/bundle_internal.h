/* bundle_internal.h: what the bundle generators share (not for other modules).
 *
 * rundir_facts.c holds the choices GEOS-Chem's createRunDir.sh makes for a
 * given simulation, option, meteorology and grid (timesteps, grid boxes,
 * extension switches); each generator (geoschem_config.c, history.c,
 * hemco.c, runscript.c, gcconfig.c) turns a spec plus these facts into the
 * text of one file, returned malloc'd (caller frees) or NULL with err set. */
#ifndef GCR_BUNDLE_INTERNAL_H
#define GCR_BUNDLE_INTERNAL_H

#include <stdbool.h>

#include "bundle/bundle.h"
#include "bundle/gchp.h"
#include "error.h"
#include "spec.h"

/* Everything createRunDir.sh would decide for a spec, resolved once. */
struct gcr_rundir {
	const struct gcr_spec *spec;
	const struct gcr_bundle_options *opts;
	bool gchp;
	/* Simulation and option, normalised to GEOS-Chem's spelling. */
	const char *sim;           /* fullchem, aerosol, carbon, Hg, ... */
	const char *option;        /* "none", "benchmark", "TOMAS15", "CH4", "BaP" ... */
	/* Meteorology. */
	const char *met_field;     /* MERRA2, GEOSFP, GEOSIT, ModelE2.1 */
	const char *met_dir;       /* directory under GEOS_<grid>/ : MERRA2, GEOS_FP ... */
	bool gcap2;
	/* Grid (Classic lat-lon) or cubed sphere (GCHP). */
	const char *res_long;      /* "4.0x5.0" */
	const char *grid_dir;      /* "4x5", "0.5x0.625" */
	int cs_res;                /* GCHP: cells per face side */
	bool nested;
	double lon[2], lat[2];
	bool half_polar;
	bool center_180;
	int levels;
	int transport_ts, chemistry_ts;
	/* Period. */
	int start_date, end_date;  /* YYYYMMDD, end exclusive */
	/* Switches createRunDir.sh derives from the option. */
	bool complex_soa, svpoa, acid_uptake, marine_poa, rrtmg, tomas, apm;
	bool benchmark, nlpbl, online_o3, timers;
	const char *carbon_species; /* NULL = all four, else "CH4"/"CO2"/"CO"/"OCS" */
	/* Where input data is seen by the job. */
	const char *data_root;
	const char *frequency;     /* hourly, daily, monthly, end */
};

/* Resolves spec + options into r.  GCR_ERR_INVALID for a choice the bundle
 * cannot express, naming what is allowed. */
enum gcr_status gcr_rundir_resolve(struct gcr_rundir *r, const struct gcr_spec *spec,
				   const struct gcr_bundle_options *opts,
				   struct gcr_error *err);

/* GCR_BUNDLE_TEMPLATE_VERSION or, for GCHP, GCR_BUNDLE_GCHP_TEMPLATE_VERSION. */
const char *gcr_rundir_template_version(const struct gcr_rundir *r);

/* Cubed-sphere resolution of a grid id "C180" (or "c180"); 0 if not one. */
int gcr_rundir_cs_res(const char *grid);

/* GEOS-Chem's YYYYMMDD HHmmSS frequency string for a spec frequency id:
 * monthly "00000100 000000", daily "00000001 000000", hourly "00000000 010000",
 * end "End".  NULL for an unknown id. */
const char *gcr_rundir_history_frequency(const char *freq);
/* The file duration that goes with it (hourly output is written in daily files). */
const char *gcr_rundir_history_duration(const char *freq);

/* Transported species of r's simulation (from data/templates/species.yaml),
 * with the single-carbon-species and POPs substitutions applied.  Caller frees
 * each string and the array. */
enum gcr_status gcr_rundir_species(const struct gcr_rundir *r, char ***out,
				   size_t *n, struct gcr_error *err);
void gcr_rundir_free_list(char **list, size_t n);

/* Appends printf output to the malloc'd string *s (NULL starts one). */
void gcr_bundle_append(char **s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The generators. */
char *gcr_bundle_geoschem_config(const struct gcr_rundir *r, struct gcr_error *err);
char *gcr_bundle_history_rc(const struct gcr_rundir *r, struct gcr_error *err);
char *gcr_bundle_hemco_settings(const struct gcr_rundir *r, struct gcr_error *err);
char *gcr_bundle_gcconfig(const struct gcr_rundir *r);
char *gcr_bundle_run_script(const struct gcr_rundir *r);
/* The Slurm batch script; g is the GCHP settings (NULL for Classic). */
char *gcr_bundle_sbatch(const struct gcr_rundir *r, const struct gcr_gchp_settings *g);

/* The chosen HISTORY collection names (validated; Restart not included),
 * for GCHP's settings.  Returns the count, or (size_t)-1 with err set. */
size_t gcr_bundle_history_names(const struct gcr_rundir *r, const char **out,
				size_t max, struct gcr_error *err);

/* The bundle's name of the spec's simulation ("carbon" for the former CH4,
 * CO2 and tagCO simulations), or NULL when it has none. */
const char *gcr_rundir_simulation(const struct gcr_spec *s);

/* Collections createRunDir.sh enables when the spec names none. */
size_t gcr_rundir_default_collections(const struct gcr_rundir *r,
				      const char **out, size_t max);

#endif
