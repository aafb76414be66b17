/* bench_runs.c: one refresh of the dashboard model over a big journal,
 * against the test bed bench_runs.sh has filled (10,000 jobs, 9,000 of
 * them finished).  Builds the model the way `gcrunner jobs` does (the
 * configuration, the journal and the catalog from the environment), runs
 * refreshes, and prints for each: the backend calls it sent, the CPU time
 * it used (user + system, getrusage), its wall time; then the peak
 * resident memory.  Figures only; never fails on a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "runs/runs.h"
#include "submit/submit.h"

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	       ru.ru_stime.tv_usec / 1e3;
}

static double wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	(void)st;
	(void)err;
	*(int *)data = 1;
}

int main(int argc, char **argv)
{
	struct gcr_submit_env *e;
	struct gcr_runs *runs;
	struct gcr_runs_options opt = { .no_progress = true };
	struct gcr_runs_health h;
	struct gcr_error err = { 0 };
	struct rusage ru;
	int refreshes = argc > 1 ? atoi(argv[1]) : 2;
	double c0, w0, rss_env;

	c0 = cpu_ms();
	w0 = wall_ms();
	if (gcr_submit_env_open(&e, &err) != GCR_OK ||
	    gcr_submit_env_connect(e, NULL, NULL, &err) != GCR_OK) {
		fprintf(stderr, "bench_runs: %s\n", err.message);
		return 1;
	}
	rss_env = rss_mb();
	if (gcr_runs_new(&e->env, &opt, &runs, &err) != GCR_OK) {
		fprintf(stderr, "bench_runs: %s\n", err.message);
		return 1;
	}
	printf("  start (configuration, catalog, journal of %zu runs): %.1f ms CPU, %.1f ms wall; "
	       "resident %.1f MB after the configuration, catalog and journal, %.1f MB with the "
	       "model\n", gcr_runs_count(runs), cpu_ms() - c0, wall_ms() - w0, rss_env, rss_mb());
	for (int i = 0; i < refreshes; i++) {
		int done = 0;
		size_t active = 0;
		double cpu, wall;

		c0 = cpu_ms();
		w0 = wall_ms();
		gcr_runs_refresh_once(runs, on_done, &done);
		gcr_submit_env_run(e, &done);
		cpu = cpu_ms() - c0;
		wall = wall_ms() - w0;
		gcr_runs_health(runs, &h);
		for (size_t k = 0; i + 1 == refreshes && k < gcr_runs_count(runs); k++) {
			json_t *j = gcr_runs_json_at(runs, k);
			const char *s = json_string_value(json_object_get(j, "status"));
			if (s && strcmp(s, "succeeded") && strcmp(s, "failed") && strcmp(s, "cancelled"))
				active++;
			json_decref(j);
		}
		printf("  refresh %d%s: %zu calls, %.1f ms CPU, %.1f ms wall", i + 1,
		       i == 0 ? " (with the Simulations table)" : "", h.last_refresh_calls, cpu, wall);
		if (i + 1 == refreshes)
			printf("; %zu of %zu runs unfinished", active, gcr_runs_count(runs));
		printf("%s%s\n", *h.trouble ? "; trouble: " : "", h.trouble);
	}
	gcr_runs_free(runs);
	gcr_submit_env_close(e);
	getrusage(RUSAGE_SELF, &ru);
	printf("  peak resident memory of this process: %.1f MB\n", ru.ru_maxrss / 1024.0);
	return 0;
}
