/* setup.h: gcrunner's AWS infrastructure as a plan, then apply (issue 9).
 *
 * `gcrunner setup` and the TUI's setup screens drive the same engine:
 *
 *   s = gcr_setup_new(aws, &config, err);
 *   gcr_setup_inspect(s, GCR_SETUP_MODE_CREATE, progress, done, data);
 *       -> every resource with what will happen to it (exists / create /
 *          change), read from AWS with describe calls only;
 *   gcr_setup_apply(s, progress, done, data);
 *       -> does what the plan says, one step after the other, each step
 *          idempotent: it checks again before it creates, so a run that was
 *          interrupted half-way is completed by the next one.
 *
 * The resources (product-design.md, "Detailed Component Specifications"),
 * all tagged Environment / Project / Owner:
 *   the user-data S3 bucket (SSE-S3, versioning, public access blocked,
 *   lifecycle to Intelligent-Tiering under <user>/results/) and its prefixes;
 *   DynamoDB tables Users, Simulations, Benchmarks (encrypted, PITR on);
 *   IAM: the Batch service-linked role, ecsInstanceRole + instance profile,
 *   the job role (least privilege, see gcr_setup_job_policy);
 *   a CloudWatch log group with a retention period;
 *   Batch compute environments (Graviton and x86, SPOT with an on-demand
 *   one behind each), one job queue per architecture, the job definitions
 *   geos-chem-classic-arm64 / -x86_64.
 *
 * Destroy (GCR_SETUP_MODE_DESTROY) plans the removal of what setup created
 * (it records each resource in the settings file before creating it), with
 * job queues disabled and drained first.  The bucket and the tables are
 * kept unless config.delete_data is set (the second confirmation).
 *
 * Everything runs on the aws client's libuv loop; callbacks come from it.
 * Access denied answers are reported with the IAM action's name, e.g.
 * "iam:CreateRole is not allowed for arn:aws:iam::1:user/x". */
#ifndef GCR_SETUP_H
#define GCR_SETUP_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"

struct gcr_aws;
struct gcr_settings;
struct gcr_sts_identity;

enum gcr_setup_mode {
	GCR_SETUP_MODE_CREATE,
	GCR_SETUP_MODE_DESTROY,
};

enum gcr_setup_action {
	GCR_SETUP_EXISTS,     /* present as wanted: nothing to do */
	GCR_SETUP_CREATE,     /* missing: will be created */
	GCR_SETUP_CHANGE,     /* present, settings differ (detail says which) */
	GCR_SETUP_DELETE,     /* destroy: will be removed */
	GCR_SETUP_KEEP,       /* destroy: kept (data, shared, or not ours) */
	GCR_SETUP_ABSENT,     /* destroy: not there (nothing to do) */
	GCR_SETUP_INFO,       /* not a resource: what setup found (e.g. subnets) */
	GCR_SETUP_UNKNOWN,    /* could not be checked (detail: the missing permission) */
};

/* A stable token for JSON ("exists", "create", ...) and a translated word. */
const char *gcr_setup_action_token(enum gcr_setup_action a);
const char *gcr_setup_action_label(enum gcr_setup_action a);

/* One line of the plan.  Owned by the setup. */
struct gcr_setup_item {
	const char *kind;          /* static token: "s3-bucket", "iam-role", ... */
	const char *name;          /* the resource's name */
	enum gcr_setup_action action;
	const char *detail;        /* translated, or NULL: what changes, why kept */
	const char *arn;           /* when known, or NULL */
	int done;                  /* apply has finished this item */
};

/* What to build.  Strings are copied by gcr_setup_new.  NULL or 0 fields
 * take the defaults in brackets. */
struct gcr_setup_config {
	const char *prefix;               /* name prefix ["gcrunner"] */
	const char *bucket;               /* [<prefix>-<account>-<region>] */
	const char *user_id;              /* the data prefix [IAM user or role session name] */
	const char *environment;          /* tag Environment ["production"] */
	const char *project;              /* tag Project ["gcrunner"] */
	const char *owner;                /* tag Owner [the caller's ARN] */
	int max_vcpus;                    /* per compute environment [5000] */
	int log_retention_days;           /* [90] */
	const char *const *subnets;       /* [the default VPC's subnets] */
	size_t n_subnets;
	const char *const *security_groups;  /* [the default VPC's "default" group] */
	size_t n_security_groups;
	const char *image_arm64;          /* [<account>.dkr.ecr.<region>.amazonaws.com/geos-chem:arm64-latest] */
	const char *image_x86_64;         /* [... geos-chem:x86_64-latest] */
	int poll_ms;                      /* Batch status polling [5000] */
	int wait_limit_s;                 /* give up waiting for Batch [900] */
	int delete_data;                  /* destroy: also the bucket and tables */
	/* The AWS profile to record for submit (NULL: none was named, the
	 * credential chain's default applies -- nothing is recorded). */
	const char *profile;
	/* The settings file: setup records there what it creates (before it
	 * creates it) and, at the end, what submit needs.  Borrowed; both may
	 * be NULL (then nothing is recorded and destroy removes nothing). */
	struct gcr_settings *settings;
	const char *settings_path;
	/* Test hook: fail with an injected error when step number k (1-based,
	 * counting applied items) is about to run; 0: never.  The tests use it
	 * to interrupt setup after each step. */
	int fail_before_step;
};

struct gcr_setup;

/* Creates the engine for one run (aws is borrowed and must outlive it). */
struct gcr_setup *gcr_setup_new(struct gcr_aws *aws, const struct gcr_setup_config *config,
				struct gcr_error *err);
/* Cancels what is in flight (its callbacks do not run) and frees. */
void gcr_setup_free(struct gcr_setup *s);

/* Progress: item is the resource concerned (NULL for general steps), text
 * a translated line such as "creating job queue gcrunner-arm64".  Both are
 * borrowed for the call. */
typedef void (*gcr_setup_progress_cb)(const struct gcr_setup_item *item, const char *text,
				      void *data);
/* Runs once at the end; err is filled unless st is GCR_OK. */
typedef void (*gcr_setup_done_cb)(enum gcr_status st, const struct gcr_error *err, void *data);

/* Finds who the caller is (STS), then inspects every resource and builds
 * the plan.  Only describe/get/list calls are made. */
void gcr_setup_inspect(struct gcr_setup *s, enum gcr_setup_mode mode,
		       gcr_setup_progress_cb progress, gcr_setup_done_cb done, void *data);

/* Carries out the plan made by the last inspect (create or destroy), then
 * (create) writes the configuration that submit reads. */
void gcr_setup_apply(struct gcr_setup *s, gcr_setup_progress_cb progress,
		     gcr_setup_done_cb done, void *data);

/* The plan (valid after inspect, updated by apply). */
size_t gcr_setup_count(const struct gcr_setup *s);
const struct gcr_setup_item *gcr_setup_item(const struct gcr_setup *s, size_t i);
/* How many items need work (create, change or delete). */
size_t gcr_setup_pending(const struct gcr_setup *s);
/* Who runs setup (after inspect), or NULL. */
const struct gcr_sts_identity *gcr_setup_identity(const struct gcr_setup *s);
const char *gcr_setup_region(const struct gcr_setup *s);
/* The plan as JSON: {"account","arn","region","mode","items":[{kind,name,
 * action,detail,arn}]}.  New reference. */
json_t *gcr_setup_plan_json(const struct gcr_setup *s);

/* The job role's policy document (least privilege): read the GEOS-Chem
 * input buckets, read/write only <bucket>/<user_id>/..., write the log
 * group, pull images, read /<prefix>/ parameters.  New reference. */
json_t *gcr_setup_job_policy(const char *partition, const char *account, const char *region,
			     const char *bucket, const char *user_id, const char *log_group,
			     const char *prefix);

/* Writes a CloudFormation template (YAML, libyaml emitter) with the same
 * resources as the plan would create, parameterised by subnets and
 * security groups.  Needs no AWS access: account-specific values are
 * written as ${AWS::AccountId} / ${AWS::Region} substitutions. */
enum gcr_status gcr_setup_export_template(const struct gcr_setup_config *config,
					  const char *path, struct gcr_error *err);

/* Settings keys setup writes (for submit and the dashboard). */
#define GCR_SETUP_KEY_CREATED "setup.created"   /* list of "kind:name" */

#endif
