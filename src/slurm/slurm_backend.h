/* slurm_backend.h: the Slurm and ParallelCluster backends (backend.h) --
 * GEOS-Chem runs submitted exactly once to any Slurm cluster (the slurm
 * section of the configuration, cluster_config.h) or to the Slurm of an AWS
 * ParallelCluster cluster (the pcluster section: SSM Run Command on its head
 * node), and the dashboard's calls for them.
 *
 * A submission, each step written to the journal (journal.h) BEFORE the
 * next one acts, as for Batch (submit.h):
 *
 *   intent      journal: target, cluster, run_dir, spec_yaml, plan, item
 *   record      Simulations PutItem (status SUBMITTING) when AWS and a user
 *               id (aws.user_id or s3.user_prefix) are configured; else the
 *               journal alone is the record (record "none")
 *   upload      the run bundle (kept locally in STATE/bundles/SIM) copied
 *               into the cluster's run_root through the transport:
 *               run_dir = run_root/SIM
 *   submitting  journal: "about to run sbatch"
 *   sbatch      --job-name=SIM --chdir=run_dir --output=run_dir/
 *               gcrunner-%j.log [--partition --account --time] gcrunner.sbatch
 *   submitted   journal: job_id, output_path, right after sbatch answered
 *   recorded    Simulations UpdateItem jobId, status SUBMITTED
 *
 * An sbatch whose answer was lost (a connection that broke, a timeout) and
 * every intent a killed program left are settled by reconcile: the job is
 * looked up by its unique name (squeue --me -n SIM -t all, then sacct
 * --name SIM) on the cluster the intent names; found: adopted; none: the
 * submission continues (the bundle is copied again, sbatch runs once more,
 * under the simulation's lock).  Without accounting a job that ended more
 * than MinJobAge ago is invisible; then an existing output file in run_dir
 * stops a second sbatch and the entry is closed with a message instead.
 *
 * Journal fields of a Slurm/ParallelCluster simulation (merged state, for
 * the dashboard and `gcrunner jobs|logs|cancel|results`):
 *   target        "slurm" | "pcluster"
 *   cluster       the cluster settings used (gcr_cluster_config_to_json:
 *                 transport, host, ssh_config, port, identity_file,
 *                 login_shell, ssm_instance_id, ssm_user, partition,
 *                 account, modules, geoschem_dir, run_root)
 *   cluster_name  pcluster: the ParallelCluster cluster's name; region
 *   transport     "ssh alice@login", "local", "SSM i-0abc as ec2-user"
 *   run_dir       the run directory on the cluster
 *   results_uri   "TRANSPORT:run_dir" (what `gcrunner results` lists)
 *   bundle_dir    the local copy of the bundle
 *   spec_yaml, plan {instance_type, nodes, region, cost_usd, cost_high_usd,
 *                 wall_hours, wall_hours_high, time_limit_minutes,
 *                 price_usd_hour (nodes x price, for cost so far)}
 *   record        "dynamodb" | "none"; record_pending
 *   uploaded      true
 *   submitting_at epoch seconds
 *   job_id        the Slurm job id ("1234"); reconciled true when found
 *   output_path   run_dir/gcrunner-JOBID.log: the log the backend follows;
 *   log_stream    the same path (refresh fills both in gcr_run_status too,
 *                 so callers that key a job's log on log_stream work; logs()
 *                 reads output_path, else log_stream)
 *   closed, error the entry ended without a job
 *   cancel_requested / cancel_reason
 *
 * The backends' refresh/cancel/logs/results reach the cluster the run was
 * submitted to: env->cluster_json (the runs model passes each run's
 * "cluster"), else the journal entry of the simulation named, else the
 * cluster configured now for the target (slurm section, or pcluster head
 * node) for a run the journal does not know; logs() reads
 * job->output_path (refresh fills it from the journal, or from run_root and
 * the job's name) from the byte offset in the token. */
#ifndef GCR_SLURM_BACKEND_H
#define GCR_SLURM_BACKEND_H

#include <stdbool.h>

#include <jansson.h>

#include "backend.h"
#include "submit/submit.h"

extern const struct gcr_backend_ops gcr_backend_slurm;
extern const struct gcr_backend_ops gcr_backend_pcluster;

/* Test hook (tests only: the test bed has no GEOS-Chem): a file whose text
 * replaces the bundle's gcrunner.sbatch, so a tiny job runs instead. */
#define GCR_SLURM_TEST_SCRIPT_ENV "GCRUNNER_TEST_SLURM_SCRIPT"

struct gcr_cluster_submit;

/* Starts a submission of req->spec (target slurm or pcluster; Classic or
 * GCHP).  Outcome fields as for Batch (submit.h): bundle_uri is
 * "TRANSPORT:run_dir", results_uri the run directory; a dry run fills
 * requests with [{"transport", "run_dir", "copy", "sbatch": [argv]}] and
 * sends nothing.  done runs exactly once, later, on env->loop. */
struct gcr_cluster_submit *gcr_cluster_submit_start(const struct gcr_backend_env *env,
						    const struct gcr_submit_request *req,
						    gcr_backend_progress_cb progress,
						    gcr_submit_done_cb done, void *data);

/* Settles one journal entry of a cluster submission (see above). */
struct gcr_cluster_submit *gcr_cluster_submit_reconcile(const struct gcr_backend_env *env,
							const char *sim_id,
							gcr_backend_progress_cb progress,
							gcr_submit_done_cb done, void *data);

/* A slurm/pcluster entry with an intent and no job id that is not closed,
 * or whose record did not reach DynamoDB. */
bool gcr_cluster_submit_needs_reconcile(json_t *state);

/* Every such entry, one after the other (as gcr_submit_reconcile_all). */
void gcr_cluster_reconcile_all(const struct gcr_backend_env *env, gcr_submit_done_cb each,
			       gcr_backend_done_cb done, void *data);

/* Slurm's state in the dashboard's words, and a plain explanation of a
 * state or pending reason ("" when there is nothing to say); translated. */
enum gcr_run_state gcr_slurm_run_state(int slurm_state);
const char *gcr_slurm_explain(int slurm_state, const char *reason, bool pcluster);

#endif
