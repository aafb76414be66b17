/* explain.c: why a job waits or ended, in plain words -- the service's own
 * status reasons (aws.md, "Job life") translated into what they mean for
 * the user and what to do.  Shared by the backends (Batch's refresh fills
 * gcr_run_status.explanation with it) and tested on its own. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "runs/runs.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *gcr_run_explain(const char *native_state, const char *reason)
{
	bool waiting = native_state && (strcmp(native_state, "RUNNABLE") == 0 ||
					strcmp(native_state, "PENDING") == 0 ||
					strcmp(native_state, "SUBMITTED") == 0);

	if (!reason)
		reason = "";
	if (starts(reason, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"))
		return _("AWS has no free capacity of this instance type now (common with spot): "
			 "the job waits; on-demand or another type may start sooner");
	if (starts(reason, "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"))
		return _("the job needs more vCPUs than the compute environment may start: raise "
			 "its maximum vCPUs (gcrunner setup) or choose a smaller instance type");
	if (starts(reason, "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"))
		return _("no instance type of the compute environment has the vCPUs and memory "
			 "the job asks for: it will wait forever; cancel it and choose another "
			 "type, or add the type to the compute environment");
	if (starts(reason, "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS"))
		return _("AWS Batch's service role lacks permissions: run gcrunner setup again");
	if (starts(reason, "MISCONFIGURATION:"))
		return _("the compute environment is misconfigured, so the job cannot start: run "
			 "gcrunner setup again, or look at the compute environment in AWS Batch");
	if (strstr(reason, "VcpuLimitExceeded") || strstr(reason, "vCPU limit") ||
	    strstr(reason, "MaxSpotInstanceCountExceeded") ||
	    strstr(reason, "InstanceLimitExceeded"))
		return _("your account's vCPU quota for this instance family is used up: the job "
			 "waits until other instances stop; ask for a higher quota (gcrunner setup "
			 "shows how) or choose a smaller type");
	if (starts(reason, "Host EC2"))
		return _("the spot instance was reclaimed by AWS; Batch retries such attempts");
	if (strstr(reason, "CannotPullContainerError"))
		return _("the GEOS-Chem container image could not be pulled: check batch.image in "
			 "the configuration and the instance role's access to the registry");
	if (strstr(reason, "OutOfMemoryError") || strstr(reason, "OutOfMemory"))
		return _("the run ran out of memory: choose an instance type with more memory");
	if (strstr(reason, "timeout") || strstr(reason, "Timeout"))
		return _("the run reached its time limit (the estimate's upper bound with a "
			 "margin) and was stopped");
	if (waiting && native_state && strcmp(native_state, "RUNNABLE") == 0)
		return _("waiting for an instance to start; this usually takes a few minutes");
	return "";
}
