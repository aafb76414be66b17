/* backend.c: the table of backends and the shared run-state words. */
#include "config.h"

#include "backend.h"
#include "i18n.h"

/* Each backend file defines its ops.  Batch's reference is weak (src/submit
 * links it through gcr_submit_backend); the cluster backends' are strong, so
 * any program that looks a backend up links them from the library. */
extern const struct gcr_backend_ops gcr_backend_batch __attribute__((weak));
extern const struct gcr_backend_ops gcr_backend_slurm;
extern const struct gcr_backend_ops gcr_backend_pcluster;

const struct gcr_backend_ops *gcr_backend_for(enum gcr_target target)
{
	switch (target) {
	case GCR_TARGET_BATCH:
		return &gcr_backend_batch;
	case GCR_TARGET_SLURM:
		return &gcr_backend_slurm;
	case GCR_TARGET_PCLUSTER:
		return &gcr_backend_pcluster;
	case GCR_TARGET_NONE:
		break;
	}
	return NULL;
}

bool gcr_run_state_is_final(enum gcr_run_state s)
{
	return s == GCR_RUN_SUCCEEDED || s == GCR_RUN_FAILED || s == GCR_RUN_CANCELLED;
}

const char *gcr_run_state_id(enum gcr_run_state s)
{
	static const char *const ids[] = {
		[GCR_RUN_UNKNOWN] = "unknown", [GCR_RUN_INTENT] = "intent",
		[GCR_RUN_QUEUED] = "queued", [GCR_RUN_STARTING] = "starting",
		[GCR_RUN_RUNNING] = "running", [GCR_RUN_SUCCEEDED] = "succeeded",
		[GCR_RUN_FAILED] = "failed", [GCR_RUN_CANCELLED] = "cancelled",
	};
	return (unsigned)s < sizeof ids / sizeof ids[0] ? ids[s] : "unknown";
}

const char *gcr_run_state_label(enum gcr_run_state s)
{
	static const char *const labels[] = {
		[GCR_RUN_UNKNOWN] = N_("unknown"), [GCR_RUN_INTENT] = N_("submitting"),
		[GCR_RUN_QUEUED] = N_("queued"), [GCR_RUN_STARTING] = N_("starting"),
		[GCR_RUN_RUNNING] = N_("running"), [GCR_RUN_SUCCEEDED] = N_("succeeded"),
		[GCR_RUN_FAILED] = N_("failed"), [GCR_RUN_CANCELLED] = N_("cancelled"),
	};
	return _((unsigned)s < sizeof labels / sizeof labels[0] ? labels[s] : labels[0]);
}
