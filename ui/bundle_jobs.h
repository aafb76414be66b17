/* bundle_jobs.h: run-bundle generation off the loop thread.
 *
 * The review shows which files a plan would generate, which takes a whole
 * bundle build (milliseconds, more with a big HISTORY.rc): too slow to do
 * on every keystroke, so builds run in libuv's thread pool and the answer
 * arrives on the loop thread, where the step is rebuilt and the screen
 * repainted.  (The output step asks gcr_bundle_collections() directly.)
 * Without an app (unit tests) a job runs at once. */
#ifndef GCR_UI_BUNDLE_JOBS_H
#define GCR_UI_BUNDLE_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "bundle/bundle.h"
#include "spec.h"
#include "ui/wizard.h"

struct wiz_bundle_job;

/* Called on the loop thread when every build of the job has run; the job
 * (and its bundles) are freed after it returns. */
typedef void (*wiz_bundle_done_cb)(struct wizard *w, const struct wiz_bundle_job *job);

struct wiz_bundle_job {
	uv_work_t req;
	struct wizard *w;
	wiz_bundle_done_cb done;
	size_t n;
	struct gcr_spec *specs;          /* n specs to build (owned) */
	struct gcr_bundle_options opts;  /* the same for all; numbers only */
	struct gcr_bundle **bundles;     /* n results, NULL where a build failed */
	struct gcr_error *errors;        /* n */
};

/* A job for n specs (caller fills specs[] and opts, then starts it). */
struct wiz_bundle_job *wiz_bundle_job_new(struct wizard *w, size_t n, wiz_bundle_done_cb done);

/* Starts the job in the thread pool of the wizard's loop, or runs it now
 * when the wizard has no app. */
void wiz_bundle_job_start(struct wiz_bundle_job *job);

/* Runs the loop until no job is left (at exit, before the loop closes). */
void wiz_bundle_jobs_drain(struct wizard *w);

#endif
