/* bundle_jobs.c: bundle builds in libuv's thread pool (bundle_jobs.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui/app.h"
#include "ui/bundle_jobs.h"

struct wiz_bundle_job *wiz_bundle_job_new(struct wizard *w, size_t n, wiz_bundle_done_cb done)
{
	struct wiz_bundle_job *job = calloc(1, sizeof *job);

	if (!job)
		abort();   /* a few kilobytes */
	job->w = w;
	job->done = done;
	job->n = n;
	job->specs = calloc(n, sizeof *job->specs);
	job->bundles = calloc(n, sizeof *job->bundles);
	job->errors = calloc(n, sizeof *job->errors);
	if (!job->specs || !job->bundles || !job->errors)
		abort();
	job->req.data = job;
	return job;
}

static void job_free(struct wiz_bundle_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		gcr_bundle_free(job->bundles[i]);
	free(job->specs);
	free(job->bundles);
	free(job->errors);
	free(job);
}

/* In a pool thread: only the job's own data is touched. */
static void job_work(uv_work_t *req)
{
	struct wiz_bundle_job *job = req->data;

	for (size_t i = 0; i < job->n; i++)
		if (gcr_bundle_build(&job->specs[i], &job->opts, &job->bundles[i],
				     &job->errors[i]) != GCR_OK)
			job->bundles[i] = NULL;
}

static void job_after(uv_work_t *req, int status)
{
	struct wiz_bundle_job *job = req->data;
	struct wizard *w = job->w;

	w->bundle_jobs--;
	if (status == 0)
		job->done(w, job);
	job_free(job);
	if (w->app)
		ui_app_request_redraw(w->app);
}

void wiz_bundle_job_start(struct wiz_bundle_job *job)
{
	struct wizard *w = job->w;

	w->bundle_jobs++;
	if (w->app && uv_queue_work(ui_app_loop(w->app), &job->req, job_work, job_after) == 0)
		return;
	job_work(&job->req);
	job_after(&job->req, 0);
}

void wiz_bundle_jobs_drain(struct wizard *w)
{
	while (w->bundle_jobs > 0 && w->app)
		uv_run(ui_app_loop(w->app), UV_RUN_ONCE);
}
