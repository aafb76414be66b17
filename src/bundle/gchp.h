/* gchp.h: GCHP's run settings -- the values of setCommonRunSettings.sh.
 *
 * GCHP reads its resources, grid and run length from setCommonRunSettings.sh
 * in the run directory.  The rules come from that script (GEOS-Chem 14.x):
 * TOTAL_CORES = NUM_NODES x NUM_CORES_PER_NODE and divisible by 6; an NX x NY
 * decomposition of the cores with NY a multiple of 6, CS_RES/NX >= 4 and
 * 6*CS_RES/NY >= 4 (integer division, as the script checks); timesteps of
 * 1200 s chemistry / 600 s transport below C180 and 600/300 s from C180; and
 * mid-run checkpoints so a run on spot capacity can resume after an
 * interruption. */
#ifndef GCR_BUNDLE_GCHP_H
#define GCR_BUNDLE_GCHP_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "error.h"
#include "spec.h"

#define GCR_GCHP_MAX_DIAG 24

struct gcr_gchp_settings {
	int total_cores;
	int num_nodes;
	int cores_per_node;
	int cs_res;
	int nx, ny;                   /* domain decomposition, NX*NY = total_cores */
	int chemistry_timestep;       /* s */
	int transport_timestep;       /* s */
	char run_duration[32];        /* "YYYYMMDD HHmmSS", e.g. "00000100 000000" */
	int start_date;               /* YYYYMMDD, for cap_restart */
	bool midrun_checkpoint;
	char checkpoint_freq[16];     /* HHmmSS (hours may exceed 2 digits) */
	bool diag_monthly;
	char diag_frequency[24];      /* HHmmSS (hours may exceed 2 digits) */
	char diag_duration[24];       /* HHmmSS */
	const char *diag_collections[GCR_GCHP_MAX_DIAG];  /* static strings */
	size_t ndiag;
	bool output_server;           /* WRITE_RESTART_BY_OSERVER: YES in GCHP.rc */
};

/* The decomposition rule itself is the catalog's (catalog.h:
 * gcr_gchp_decomposition_valid, gcr_gchp_decomposition), shared by the
 * wizard, the estimate and the bundle.
 *
 * Picks NX x NY for cores at cs_res: the catalog's squarest valid choice
 * (gcr_gchp_decomposition).  GCR_ERR_INVALID with the grid's core limit
 * when none exists. */
enum gcr_status gcr_gchp_decompose(int cs_res, int cores, int *nx, int *ny,
				   struct gcr_error *err);

/* Fills s from a GCHP spec.  physical_cores is the instance's core count
 * (used when spec->cores_per_node is 0; then cores per node are lowered until
 * the total divides by 6).  Checks every rule above. */
enum gcr_status gcr_gchp_settings_from_spec(const struct gcr_spec *spec,
					    int physical_cores,
					    struct gcr_gchp_settings *s,
					    struct gcr_error *err);

/* Checks an already filled settings value (for settings edited by hand). */
enum gcr_status gcr_gchp_settings_check(const struct gcr_gchp_settings *s,
					struct gcr_error *err);

/* The settings as setCommonRunSettings.sh assignments (bash syntax, one per
 * line, comments saying what each is).  Caller frees. */
char *gcr_gchp_settings_values(const struct gcr_gchp_settings *s);

#endif
