/* cluster_config.h: "any Slurm cluster" -- how to reach it and how to run
 * there, set up once and kept in the `slurm:` section of gcrunner's
 * configuration file (settings.h; every other section is left as it was).
 *
 *   slurm:
 *     transport: ssh            # ssh | local | ssm
 *     host: alice@login.hpc.example.edu   # ssh: [user@]host or a Host of ~/.ssh/config
 *     ssh_config: ~/.ssh/config-hpc       # optional: ssh -F
 *     port: 22                  # optional
 *     identity_file: ...        # optional: ssh -i
 *     login_shell: true         # run commands in a login shell (PATH, `module`)
 *     ssm_instance_id: i-0abc   # ssm: the head node
 *     ssm_user: ec2-user        # ssm: runuser -l USER
 *     partition: compute        # optional: the cluster's default otherwise
 *     account: geos-chem        # optional
 *     modules: [gcc/12, openmpi/4.1, netcdf-fortran]
 *     geoschem_dir: /shared/geoschem/14.4   # the GEOS-Chem installation
 *     run_root: gcrunner-runs   # where run directories go
 *
 * Paths on the cluster are absolute, or relative to the login directory;
 * a leading "~/" is accepted and dropped (the login directory is home). */
#ifndef GCR_CLUSTER_CONFIG_H
#define GCR_CLUSTER_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <uv.h>

#include "error.h"
#include "spec.h"
#include "slurm/transport.h"

struct gcr_settings;

#define GCR_CLUSTER_MAX_MODULES 32
#define GCR_CLUSTER_TEXT_MAX 256

struct gcr_cluster_config {
	enum gcr_transport_kind transport;
	char host[GCR_CLUSTER_TEXT_MAX];
	char ssh_config[PATH_MAX];
	int port;                                 /* 0: from the ssh config */
	char identity_file[PATH_MAX];
	bool login_shell;
	char ssm_instance_id[64];
	char ssm_user[64];
	char partition[GCR_CLUSTER_TEXT_MAX];
	char account[GCR_CLUSTER_TEXT_MAX];
	char modules[GCR_CLUSTER_MAX_MODULES][GCR_CLUSTER_TEXT_MAX];
	size_t nmodules;
	char geoschem_dir[PATH_MAX];
	char run_root[PATH_MAX];
};

/* Defaults: ssh, login shell on, SSM user ec2-user, run_root gcrunner-runs. */
void gcr_cluster_config_init(struct gcr_cluster_config *c);

/* "ssh", "local", "ssm" and back; parse returns false for anything else. */
const char *gcr_transport_kind_name(enum gcr_transport_kind k);
bool gcr_transport_kind_parse(const char *text, enum gcr_transport_kind *out);

/* True when the configuration has a slurm section with a transport. */
bool gcr_cluster_config_present(const struct gcr_settings *s);

/* Reads the slurm section (defaults for what is missing) and validates it.
 * GCR_ERR_INVALID names the key and what is allowed. */
enum gcr_status gcr_cluster_config_from_settings(const struct gcr_settings *s,
						 struct gcr_cluster_config *c,
						 struct gcr_error *err);
/* Writes c into the slurm section (optional keys that are empty are
 * removed); other sections stay. */
enum gcr_status gcr_cluster_config_to_settings(const struct gcr_cluster_config *c,
					       struct gcr_settings *s,
					       struct gcr_error *err);

/* Checks what each transport needs and that no value can confuse the
 * commands built from it (no control characters; a host, partition,
 * account or module without spaces). */
enum gcr_status gcr_cluster_config_validate(const struct gcr_cluster_config *c,
					    struct gcr_error *err);

/* Loads from / saves to the configuration file at path (NULL: the usual
 * one, gcr_config_path()).  Saving keeps every other key of the file. */
enum gcr_status gcr_cluster_config_load(const char *path, struct gcr_cluster_config *c,
					struct gcr_error *err);
enum gcr_status gcr_cluster_config_save(const char *path, const struct gcr_cluster_config *c,
					struct gcr_error *err);

/* The modules as one space-separated line ("gcc/12 openmpi/4.1"), for a
 * batch script's `module load`; each module is one word (validated).
 * Caller frees. */
char *gcr_cluster_config_modules_line(const struct gcr_cluster_config *c);

/* The transport this configuration describes.  aws (borrowed, must outlive
 * the transport) is needed for ssm only; NULL otherwise. */
struct gcr_aws;
enum gcr_status gcr_cluster_transport_new(uv_loop_t *loop, const struct gcr_cluster_config *c,
					  struct gcr_aws *aws, struct gcr_transport **out,
					  struct gcr_error *err);

/* The settings as a JSON object (the keys of the slurm section; kept in a
 * journal entry so a later reconcile reaches the same cluster), and back
 * (validated like the file).  to_json: new reference. */
json_t *gcr_cluster_config_to_json(const struct gcr_cluster_config *c);
enum gcr_status gcr_cluster_config_from_json(json_t *o, struct gcr_cluster_config *c,
					     struct gcr_error *err);

/* The Slurm side of a ParallelCluster cluster, from the pcluster section:
 * transport ssm to pcluster.head_node_instance_id (saved by `gcrunner
 * cluster create|status`), runuser pcluster.ssm_user (ec2-user), partition
 * pcluster.queue (compute, the queue gcrunner's cluster-config.yaml makes),
 * pcluster.account, pcluster.modules, pcluster.geoschem_dir,
 * pcluster.run_root (gcrunner-runs in the home directory, which
 * ParallelCluster shares with the compute nodes).  GCR_ERR_NOT_FOUND when
 * no head node is known. */
enum gcr_status gcr_pcluster_slurm_config(const struct gcr_settings *s,
					  struct gcr_cluster_config *c, struct gcr_error *err);

/* The cluster a target submits to: the slurm section (GCR_ERR_NOT_FOUND,
 * saying how to set it up, when there is none) or, for pcluster, the
 * ParallelCluster head node (gcr_pcluster_slurm_config). */
enum gcr_status gcr_cluster_config_for_target(const struct gcr_settings *s,
					      enum gcr_target target,
					      struct gcr_cluster_config *c, struct gcr_error *err);

/* run_root as commands see it: the local transport starts in the current
 * directory, so a relative root there is taken from $HOME (the login
 * directory of ssh and SSM), and later commands find the same place
 * wherever gcrunner is started. */
void gcr_cluster_run_root(const struct gcr_cluster_config *c, char *out, size_t size);

#endif
