/* setup_internal.h: what the setup engine's providers share.
 *
 * Each resource kind is a provider with three "phased" functions (inspect,
 * apply, destroy).  A phased function is re-entered after every AWS call
 * it starts, with the call's outcome in the step (st, err, code, answer or
 * doc) and step->phase telling where it was: a small state machine per
 * step, so a chain of calls reads top to bottom in one switch.  It ends by
 * calling step_found() (inspect) or step_done() / step_fail(). */
#ifndef GCR_SETUP_INTERNAL_H
#define GCR_SETUP_INTERNAL_H

#include <libxml/tree.h>
#include <uv.h>

#include "aws/client.h"
#include "aws/sts.h"
#include "setup/setup.h"

struct step;

struct provider {
	const char *kind;
	void (*inspect)(struct step *s);
	void (*apply)(struct step *s);
	void (*destroy)(struct step *s);
	int data;         /* bucket, tables: kept on destroy unless delete_data */
	int shared;       /* never removed (the Batch service-linked role) */
};

struct step {
	struct gcr_setup *setup;
	const struct provider *p;
	struct gcr_setup_item item;
	char *name, *detail, *arn;      /* owned; item points at them */
	void (*resume)(struct step *s);
	int phase;
	int exists;
	int index;                      /* provider-specific: which table, arch ... */
	int spot;
	int counter;                    /* loops and waits */
	int quiet_denial;               /* an access denied answer is this step's own business */
	int still_used;                 /* destroy: left in place for another setup; keep its record */
	json_t *want;                   /* provider-specific desired state */
	char *aux;                      /* provider-specific */

	/* The last call's outcome. */
	enum gcr_status st;
	struct gcr_error err;
	char code[128];
	long http_status;
	json_t *answer;                 /* JSON answer (owned), or NULL */
	xmlDocPtr doc;                  /* XML answer (owned), or NULL */
	struct gcr_aws_call *call;
};

struct gcr_setup {
	struct gcr_aws *aws;
	struct gcr_setup_config cfg;    /* strings point into owned copies below */
	char *prefix, *bucket_cfg, *user_id_cfg, *environment, *project, *owner_cfg;
	char *image_arm64_cfg, *image_x86_64_cfg, *profile;
	char **subnets_cfg, **sgs_cfg;

	enum gcr_setup_mode mode;
	char *region;
	const char *partition;
	struct gcr_sts_identity identity;
	int have_identity;
	char *bucket, *user_id, *owner, *image[2];

	/* Networking found or configured (for the compute environments). */
	char **subnets, **sgs;
	size_t n_subnets, n_sgs;

	struct step **steps;
	size_t n_steps;
	size_t cur;
	int applying;
	int applied;                    /* items applied so far (fail hook) */
	char **denied;                  /* actions refused during inspect */
	size_t n_denied;
	struct step *preflight;         /* the permission check (not in the plan) */
	int preflight_ran;

	gcr_setup_progress_cb progress;
	gcr_setup_done_cb done;
	void *data;
	struct gcr_aws_call *identity_call;
	uv_timer_t *timer;
	int busy;
};

/* Names shared by providers, the template and the settings. */
#define SETUP_ARCH_COUNT 2
extern const char *const setup_arch[SETUP_ARCH_COUNT];        /* "arm64", "x86_64" */
char *setup_name(const struct gcr_setup *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));                 /* caller frees */
char *setup_table_name(const struct gcr_setup_config *cfg, const char *prefix, int i);
extern const char *const setup_table_base[3];                 /* Users, Simulations, Benchmarks */
const char *setup_job_role_name(void);
char *setup_log_group(const char *prefix);
char *setup_ce_name(const char *prefix, int arch, int spot);
char *setup_queue_name(const char *prefix, int arch);
char *setup_jobdef_name(int arch);
/* Instance families per architecture (product-design.md). */
extern const char *const setup_families[SETUP_ARCH_COUNT][3];

/* Tags: {"Environment":..., "Project":..., "Owner":...} (new reference). */
json_t *setup_tags(const struct gcr_setup *g);

/* ---- calls (each re-enters s->resume when the answer is in) ---------------- */
void step_json(struct step *s, const char *service, const char *operation,
	       const char *iam_action, json_t *input, int not_idempotent);
void step_query(struct step *s, const char *service, const char *action,
		const char *iam_action, struct gcr_aws_params *params);
/* S3, path-style: path "/bucket[/key]", query "encryption=" or NULL. */
void step_s3(struct step *s, const char *method, const char *path, const char *query,
	     const char *body, const char *iam_action);
/* Re-enters s->resume after ms (waiting for Batch). */
void step_wait(struct step *s, int ms);

int step_code_is(const struct step *s, const char *code);
/* The last call failed because the thing is not there. */
int step_not_found(const struct step *s);

/* Ends a step. */
void step_found(struct step *s, int exists, const char *change_detail);
void step_done(struct step *s);
void step_fail(struct step *s);
/* After the last call: done if it succeeded, else fail. */
void step_done_or_fail(struct step *s);
/* After a delete call: done if it succeeded or the thing was gone already. */
void step_deleted(struct step *s);
/* The last call failed: fail the step and return 1 (the caller stops). */
int step_failed(struct step *s);
/* In a destroy: the last call failed other than with "not found" (which
 * means done already): fail the step and return 1. */
int step_destroy_failed(struct step *s);
/* Phase 0: starts call(s) and returns 1; later: returns step_failed(s).
 * The usual head of an inspect that describes, then reads the answer. */
int step_first_call(struct step *s, void (*call)(struct step *s));
/* A destroy that is one JSON delete call {name_key: the step's name};
 * iam_action is static; progress is a format with one %s, the name.
 * Done when deleted or gone already. */
void step_delete_by_name(struct step *s, const char *service, const char *operation,
			 const char *iam_action, const char *name_key, const char *progress);
void step_fail_msg(struct step *s, enum gcr_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void step_progress(struct step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void step_set_arn(struct step *s, const char *arn);
void step_set_detail(struct step *s, const char *detail);
/* Ends a step that is not a resource (GCR_SETUP_INFO) with what it found. */
void step_info(struct step *s, const char *detail);

/* The permission check after inspect (setup_preflight.c); it calls
 * setup_preflight_done() when finished. */
void setup_preflight(struct gcr_setup *g);
void setup_preflight_done(struct gcr_setup *g);
void setup_remember_denied(struct gcr_setup *g, const char *action);

/* The providers. */
extern const struct provider setup_network_provider;
extern const struct provider setup_bucket_provider;
extern const struct provider setup_prefixes_provider;
extern const struct provider setup_table_provider;
extern const struct provider setup_log_group_provider;
extern const struct provider setup_slr_provider;
extern const struct provider setup_instance_role_provider;
extern const struct provider setup_instance_profile_provider;
extern const struct provider setup_job_role_provider;
extern const struct provider setup_ce_provider;
extern const struct provider setup_queue_provider;
extern const struct provider setup_jobdef_provider;

/* Helpers for XML answers (IAM, EC2, S3). */
char *setup_xml_text(xmlDocPtr doc, const char *name);   /* first element anywhere; caller frees */

#endif
