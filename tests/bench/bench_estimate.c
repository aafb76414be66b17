/* bench_estimate.c: how long one estimate takes (target: every instance type
 * and, for GCHP, node counts 1-32 in under 1 ms, so the wizard can
 * re-estimate on every keystroke).  One long-lived result buffer, as the
 * wizard uses it.  Also the catalog load with its calibration fit.  Prints
 * median and 99th percentile; never fails on a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "estimate.h"
#include "paths.h"
#include "spec.h"

#define REPS 400

static double clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Wall time, and this thread's CPU time (on a busy 2-core machine the
 * wall-clock p99 mostly measures the scheduler). */
static double now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

static double cpu_us(void)
{
	return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *label, double *t, double *c, int n, size_t options)
{
	qsort(t, (size_t)n, sizeof t[0], cmp);
	qsort(c, (size_t)n, sizeof c[0], cmp);
	printf("%-44s %5zu  wall median %8.1f us p99 %8.1f us | cpu median %8.1f us p99 %8.1f us\n",
	       label, options, t[n / 2], t[(int)(n * 0.99)], c[n / 2], c[(int)(n * 0.99)]);
}

static int bench(struct gcr_catalog *cat, const char *label, enum gcr_model model, const char *grid,
		 bool sort)
{
	static double t[REPS], c[REPS];
	struct gcr_estimate_result res;
	struct gcr_error err;
	struct gcr_spec s;

	gcr_spec_init(&s);
	s.model = model;
	strcpy(s.grid, grid);
	gcr_spec_apply_defaults(&s, cat);
	if (model == GCR_MODEL_GCHP)
		s.nodes = 0;   /* sweep 1..32 */
	gcr_estimate_result_init(&res);
	for (int i = -20; i < REPS; i++) {   /* 20 warm-up rounds */
		double t0 = now_us(), c0 = cpu_us();
		if (gcr_estimate(cat, &s, NULL, &res, &err) != GCR_OK) {
			fprintf(stderr, "bench_estimate: %s\n", err.message);
			return 1;
		}
		if (sort)
			gcr_estimate_sort_by_cost(&res);
		if (i >= 0) {
			t[i] = now_us() - t0;
			c[i] = cpu_us() - c0;
		}
	}
	report(label, t, c, REPS, res.noptions);
	gcr_estimate_result_free(&res);
	return 0;
}

int main(void)
{
	static double t[20], c[20];
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	char *dir = gcr_dir(GCR_DIR_DATA);
	int status = 0;

	/* Keep the user's own files out of the figures. */
	setenv("XDG_STATE_HOME", "/nonexistent/gcrunner-bench", 1);
	setenv("XDG_CACHE_HOME", "/nonexistent/gcrunner-bench", 1);
	for (int i = 0; i < 20; i++) {
		double t0 = now_us(), c0 = cpu_us();
		gcr_catalog_free(cat);
		if (gcr_catalog_load(dir, &cat, &err) != GCR_OK) {
			fprintf(stderr, "bench_estimate: %s\n", err.message);
			free(dir);
			return 1;
		}
		t[i] = now_us() - t0;
		c[i] = cpu_us() - c0;
	}
	printf("%-44s %5s\n", "", "rows");
	report("catalog load + calibration fit (records)", t, c, 20, gcr_catalog_nbenchmarks(cat));
	status |= bench(cat, "Classic 4x5, every instance type", GCR_MODEL_CLASSIC, "4x5", false);
	status |= bench(cat, "GCHP C24, every type x nodes 1-32", GCR_MODEL_GCHP, "C24", false);
	status |= bench(cat, "GCHP C180, every type x nodes 1-32", GCR_MODEL_GCHP, "C180", false);
	status |= bench(cat, "GCHP C180, every type x nodes 1-32, sorted", GCR_MODEL_GCHP, "C180", true);
	gcr_catalog_free(cat);
	free(dir);
	return status;
}
