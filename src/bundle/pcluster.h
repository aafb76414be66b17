/* pcluster.h: AWS ParallelCluster 3 cluster configurations for GCHP runs.
 *
 * The YAML is generated with libyaml's emitter from a plan (struct
 * gcr_pcluster_config) whose shape follows product-design.md's example and
 * the GEOS-Chem team's practice for GCHP on AWS: one Slurm queue whose
 * compute resource has the chosen instance type, MinCount 0 and MaxCount the
 * node count, EFA where the type supports it, a placement group, hyper-
 * threading off, SPOT or ONDEMAND capacity, and FSx for Lustre (SCRATCH_2)
 * importing the GEOS-Chem input bucket at /fsx.
 *
 * gcr_pcluster_validate reads a configuration back with libyaml and checks
 * the rules that can be checked without AWS: required keys, allowed values,
 * name and id patterns, counts and FSx capacities.  (`pcluster
 * create-cluster --dryrun true` checks the rest against the account.) */
#ifndef GCR_BUNDLE_PCLUSTER_H
#define GCR_BUNDLE_PCLUSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/bundle.h"
#include "error.h"
#include "spec.h"

struct gcr_pcluster_config {
	char region[32];
	char os[32];                    /* alinux2, alinux2023, ubuntu2004/2204/2404, rhel8/9, rocky8/9 */
	char head_node_type[32];
	char subnet_id[64];
	char key_name[256];
	char queue_name[32];            /* lower-case letters, digits, hyphens; <= 25 */
	char compute_resource_name[32]; /* same rule */
	char instance_type[32];
	int min_count;
	int max_count;
	bool spot;                      /* CapacityType SPOT, else ONDEMAND */
	bool efa;
	bool placement_group;
	bool disable_smt;               /* DisableSimultaneousMultithreading */
	int root_volume_gib;            /* compute nodes' root volume (gp3) */
	int scaledown_idletime;         /* minutes before idle nodes stop */
	char fsx_name[32];
	char fsx_mount_dir[64];
	char fsx_deployment[16];        /* SCRATCH_2 */
	int fsx_capacity_gib;
	char fsx_import_path[256];      /* s3://bucket[/prefix] */
	char s3_read_bucket[64];        /* bucket the head node may read, "" = none */
	bool placeholders;              /* subnet/key were not given: example values */
};

/* FSx for Lustre SCRATCH_2 capacity for a data volume: 1200 GiB, or the next
 * multiple of 2400 GiB that holds the volume plus 10 % headroom. */
int gcr_pcluster_fsx_capacity(double volume_gb);

/* Name rules ParallelCluster enforces. */
bool gcr_pcluster_resource_name_valid(const char *name);   /* queue, compute resource */
bool gcr_pcluster_cluster_name_valid(const char *name);    /* [A-Za-z][A-Za-z0-9-]{0,59} */
bool gcr_pcluster_subnet_id_valid(const char *id);         /* subnet- + 8 or 17 [0-9a-z] */
bool gcr_pcluster_key_name_valid(const char *name);        /* EC2 key pair names */
bool gcr_pcluster_os_valid(const char *os);

/* Fills cfg for a spec (target pcluster) and options.  Subnet and key are
 * validated when given; when missing, example values are used and
 * cfg->placeholders is set.  GCR_ERR_INVALID on a bad subnet or key. */
enum gcr_status gcr_pcluster_config_from_spec(const struct gcr_spec *spec,
					      const struct gcr_bundle_options *opts,
					      struct gcr_pcluster_config *cfg,
					      struct gcr_error *err);

/* The configuration as YAML (libyaml emitter).  Caller frees. */
char *gcr_pcluster_yaml(const struct gcr_pcluster_config *cfg, size_t *len,
			struct gcr_error *err);

/* Parses yaml with libyaml and checks it (see above).  On failure returns
 * GCR_ERR_INVALID with the key path and line of the first problem. */
enum gcr_status gcr_pcluster_validate(const char *yaml, size_t len,
				      struct gcr_error *err);

#endif
