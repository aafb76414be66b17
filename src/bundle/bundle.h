/* bundle.h: run bundles -- the files GEOS-Chem needs for one run, generated
 * from a spec.
 *
 * A bundle is an in-memory list of {relative path, content, mode}.  The same
 * list is written to a folder by `gcrunner export` (gcr_bundle_write_dir) and
 * uploaded to S3 by the submit path without touching the disk (iterate over
 * bundle->files).  The generated files follow the structure of GEOS-Chem
 * 14.x's run-directory templates (see GCR_BUNDLE_TEMPLATE_VERSION):
 *
 *   spec.yaml                  the spec itself (gcr_spec_save's format)
 *   geoschem_config.yml        emitted with libyaml's emitter
 *   HISTORY.rc                 the chosen collections and frequency (Classic)
 *   HEMCO_Config.settings      the HEMCO settings the choices change
 *   geoschem-config            a ~/.geoschem/config so nothing prompts
 *   gcrunner-run.sh            the run script the container entry point runs
 *   Classic on Slurm/ParallelCluster, or GCHP:
 *   gcrunner.sbatch            the Slurm batch script
 *   GCHP:
 *   setCommonRunSettings.values  the values to set in setCommonRunSettings.sh
 *   GCHP on ParallelCluster:
 *   cluster-config.yaml        a ParallelCluster 3 cluster configuration
 *   MANIFEST                   what each file is and how to use it by hand */
#ifndef GCR_BUNDLE_H
#define GCR_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* The GEOS-Chem releases whose run-directory templates the files follow:
 * for Classic the newest templates that could be read (geos-chem after
 * 14.5.2, the series that added 0.125x0.15625), with 14.7's Carbon single-
 * species options; for GCHP, 14.7's createRunDir.sh. */
#define GCR_BUNDLE_TEMPLATE_VERSION "14.6"
#define GCR_BUNDLE_GCHP_TEMPLATE_VERSION "14.7"

struct gcr_bundle_file {
	char *path;          /* relative, no "..", e.g. "geoschem_config.yml" */
	char *content;       /* NUL-terminated (also for convenience) */
	size_t len;
	mode_t mode;         /* 0644, or 0755 for scripts */
	const char *what;    /* N_() one-line description, for the MANIFEST */
};

struct gcr_bundle {
	struct gcr_bundle_file *files;
	size_t nfiles;
	size_t cap;
};

/* What a bundle needs beyond the spec: facts from the catalog and the user's
 * environment.  Zero/NULL fields take the documented defaults. */
struct gcr_bundle_options {
	const char *simulation_id;   /* job name; NULL = "gcrunner-run" */
	const char *data_root;       /* GC_DATA_ROOT where the job sees input data;
				      * NULL = /scratch/ExtData (Batch) or /fsx (cluster) */
	const char *input_bucket;    /* NULL = "s3://geos-chem" */
	const char *output_uri;      /* s3://... where results go; NULL = keep local */
	/* The chosen instance, from the catalog. */
	int physical_cores;          /* 0 = unknown (the spec's cores_per_node is used) */
	int vcpus;                   /* 0 = unknown */
	bool efa;                    /* the instance type supports EFA */
	const char *arch;            /* "x86_64" or "arm64"; NULL = guessed from the type */
	/* Input data the run reads, for the FSx capacity; 0 = not known. */
	double input_volume_gb;
	/* ParallelCluster; NULL values get documented placeholders, and the
	 * MANIFEST says to edit them. */
	const char *subnet_id;
	const char *key_name;
	const char *head_node_type;  /* NULL = c5.2xlarge (x86) or c7g.2xlarge (arm64) */
	const char *os;              /* NULL = alinux2023 */
	/* Slurm (any cluster): partition, account, modules, GEOS-Chem path. */
	const char *slurm_partition; /* NULL = "compute" (the ParallelCluster queue) */
	const char *slurm_account;   /* NULL = none */
	const char *slurm_modules;   /* space-separated "module load" list; NULL = none */
	const char *gc_install_dir;  /* where GEOS-Chem's run/ scripts are; NULL = $GC_SRC */
};

/* A HISTORY.rc collection the generator can write, for choosing one. */
struct gcr_bundle_collection {
	const char *name;            /* as in HISTORY.rc, e.g. "SpeciesConc" */
	const char *text;            /* N_() what it holds */
	bool offered;                /* the spec's simulation writes it */
};

/* How many collections gcr_bundle_collections knows at most. */
#define GCR_BUNDLE_MAX_COLLECTIONS 32

/* The collections the generator knows (Restart, always written, is not
 * among them), most used first, each with whether the spec's simulation
 * offers it -- the rule HISTORY.rc is made by.  Fills up to max entries of
 * out (static strings); returns how many there are. */
size_t gcr_bundle_collections(const struct gcr_spec *spec,
			      struct gcr_bundle_collection *out, size_t max);

struct gcr_catalog;

/* Fills the instance facts (cores, vCPUs, EFA, architecture) from the
 * catalog and the input data volume from the estimator, for the spec's
 * instance type; leaves them when the type is unknown or not chosen.  The
 * submit path and `gcrunner export` both use it. */
void gcr_bundle_options_from_catalog(struct gcr_bundle_options *opts,
				     const struct gcr_spec *spec,
				     const struct gcr_catalog *cat);

/* Builds the bundle for a spec that gcr_spec_validate accepted (defaults
 * applied).  Returns GCR_ERR_INVALID for choices a bundle cannot express
 * (e.g. an unknown HISTORY collection).  Caller frees *out. */
enum gcr_status gcr_bundle_build(const struct gcr_spec *spec,
				 const struct gcr_bundle_options *opts,
				 struct gcr_bundle **out, struct gcr_error *err);

void gcr_bundle_free(struct gcr_bundle *b);

/* The file with that relative path, or NULL. */
const struct gcr_bundle_file *gcr_bundle_find(const struct gcr_bundle *b,
					      const char *path);

/* Adds a file (copies path and content).  Replaces a file of the same path. */
void gcr_bundle_add(struct gcr_bundle *b, const char *path, const char *content,
		    size_t len, mode_t mode, const char *what);
/* Same, taking ownership of a malloc'd NUL-terminated content. */
void gcr_bundle_add_owned(struct gcr_bundle *b, const char *path, char *content,
			  mode_t mode, const char *what);

/* Writes every file under dir.  dir must not exist or be empty, unless force
 * (then the files are replaced, other files left alone).  The files are
 * written into "<dir>.tmp-XXXXXX" next to dir first and renamed into place,
 * so an error leaves no half-written bundle. */
enum gcr_status gcr_bundle_write_dir(const struct gcr_bundle *b, const char *dir,
				     bool force, struct gcr_error *err);

#endif
