/* guide.h: the guidance before provisioning -- which credentials exist,
 * storing an access key pair, choosing a region, and the vCPU quota
 * preflight.  Engine code shared by `gcrunner setup` and the TUI. */
#ifndef GCR_SETUP_GUIDE_H
#define GCR_SETUP_GUIDE_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"

struct gcr_catalog;
struct gcr_aws;
struct gcr_aws_config;

/* The profile names found in ~/.aws/config and ~/.aws/credentials, without
 * duplicates, sorted ("default" first).  Caller frees with
 * gcr_setup_free_strings. */
char **gcr_setup_list_profiles(const struct gcr_aws_config *cfg, size_t *n);
void gcr_setup_free_strings(char **list);

/* Stores an access key pair under profile in the shared credentials file
 * (merged: other profiles and comments stay; mode 0600) and the region in
 * the config file's profile section.  Never logs the secret. */
enum gcr_status gcr_setup_store_access_key(const char *profile, const char *access_key_id,
					   const char *secret_access_key, const char *region,
					   struct gcr_error *err);

/* Checks the shape of an access key id (AKIA/ASIA + 16 upper-case letters
 * or digits) so typos are caught before AWS is asked. */
int gcr_setup_access_key_id_valid(const char *id);

/* Region advice from the catalog, one entry per catalog region:
 * {"region", "input_data_local" (bool, us-west-2), "arm64_types",
 *  "x86_64_types" (instance types of setup's families offered),
 *  "reference_type", "ondemand_usd_hour", "relative_to_us_east_1"}.
 * New reference (an array). */
json_t *gcr_setup_region_advice(const struct gcr_catalog *cat);

/* The region where GEOS-Chem's input data buckets live. */
#define GCR_SETUP_INPUT_DATA_REGION "us-west-2"

/* ---- vCPU quota preflight (Service Quotas) --------------------------------- */

#define GCR_QUOTA_SPOT_STANDARD "L-34B43A08"      /* All Standard Spot Instance Requests */
#define GCR_QUOTA_ONDEMAND_STANDARD "L-1216C47A"  /* Running On-Demand Standard instances */

struct gcr_setup_quota {
	const char *code;          /* one of the two above */
	const char *label;         /* translated */
	double value;              /* vCPUs; < 0 when it could not be read */
	double needed;             /* what a typical plan needs */
	char error[GCR_ERROR_MESSAGE_MAX];  /* why it could not be read (e.g. a missing permission) */
};

/* What a typical plan needs at once, and what that figure is based on.
 * Not a constant: it comes from the estimator, restricted to the instance
 * families setup's compute environments launch (c7g/c8g/hpc7g, c5/c6i/c6a),
 * for the user's choices so far (the TUI's wizard) or the catalog's default
 * run (GEOS-Chem Classic fullchem 4x5, one month). */
struct gcr_setup_need {
	double vcpus;                      /* instance vCPUs x nodes */
	char instance_type[32];
	int nodes;
	int vcpus_per_node;
	char basis[GCR_ERROR_MESSAGE_MAX]; /* translated: what the figure is based on */
};

struct gcr_spec;

/* Fills *out for spec (the choices so far; NULL or unusable: the default
 * run) in region (NULL: the spec's, else the catalog default).  A chosen
 * instance type is taken as it is; otherwise the fastest option the
 * estimator recommends among setup's families (the largest a user would
 * pick), falling back to the largest such type offered in the region. */
void gcr_setup_typical_need(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			    const char *region, struct gcr_setup_need *out);

/* quotas[2] (spot, on-demand), borrowed for the callback. */
typedef void (*gcr_setup_quota_cb)(const struct gcr_setup_quota *quotas, size_t n, void *data);

/* Reads both quotas (GetServiceQuota, ec2).  needed_vcpus is what the
 * typical plan needs at once (e.g. 3 jobs x 16 vCPUs). */
void gcr_setup_check_quotas(struct gcr_aws *aws, double needed_vcpus, gcr_setup_quota_cb cb,
			    void *data);

/* RequestServiceQuotaIncrease for one quota.  AWS decides within 24-48 h. */
typedef void (*gcr_setup_request_cb)(enum gcr_status st, const struct gcr_error *err,
				     const char *case_status, void *data);
void gcr_setup_request_quota(struct gcr_aws *aws, const char *code, double desired,
			     gcr_setup_request_cb cb, void *data);

#endif
