/* bench_pcluster_active.c: counting the gcrunner runs still on a
 * ParallelCluster cluster in a journal of 10,000 runs -- on the caller's
 * thread (as `gcrunner cluster status` does) and in the thread pool (as the
 * dashboard's cluster line does), with the longest the loop went without
 * running a 1 ms timer meanwhile.  Prints the figures; asserts nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "journal.h"
#include "paths.h"
#include "slurm/pcluster_life.h"

#define NRUNS 10000

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct stall {
	double last, worst;
	bool done;
	size_t active;
	uv_timer_t timer;
};

static void on_tick(uv_timer_t *t)
{
	struct stall *s = t->data;
	double n = now_ms();

	if (n - s->last > s->worst)
		s->worst = n - s->last;
	s->last = n;
}

static void on_count(enum gcr_status st, size_t active, const char *why, void *data)
{
	struct stall *s = data;

	if (st != GCR_OK)
		fprintf(stderr, "count failed: %s\n", why);
	s->active = active;
	s->done = true;
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, NULL);
}

int main(void)
{
	char dir[] = "/tmp/gcr-bench-pcactive.XXXXXX";
	char *path, *cmd;
	FILE *f;
	struct gcr_journal *j;
	struct gcr_error err;
	struct stall s = { 0 };
	uv_loop_t loop;
	double t0, sync_ms = 0, async_ms;
	size_t active = 0;

	if (!mkdtemp(dir))
		return 1;
	path = gcr_strdup_printf("%s/journal.jsonl", dir);
	f = fopen(path, "w");
	if (!f)
		return 1;
	/* Mostly ended Batch and cluster runs, as after months of use; every
	 * 500th still on the cluster. */
	for (int i = 0; i < NRUNS; i++) {
		fprintf(f, "{\"seq\":%d,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"gcr-%08d\","
			"\"event\":\"intent\",\"target\":\"%s\",\"cluster_name\":\"gchp-c24\","
			"\"spec\":{\"model\":\"gchp\",\"grid\":\"C24\",\"name\":\"run-%05d\"}}\n",
			2 * i + 1, i, i % 2 ? "pcluster" : "batch", i);
		fprintf(f, "{\"seq\":%d,\"at\":\"2026-11-27T10:00:00Z\",\"sim\":\"gcr-%08d\","
			"\"event\":%s}\n", 2 * i + 2, i,
			i % 500 == 1 ? "\"submitted\",\"job_id\":\"42\""
			: "\"ended\",\"end_state\":\"succeeded\"");
	}
	fclose(f);

	if (gcr_journal_open(path, &j, &err) != GCR_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	for (int rep = 0; rep < 3; rep++) {
		t0 = now_ms();
		active = gcr_pcluster_active_runs(j, "gchp-c24");
		sync_ms += (now_ms() - t0) / 3;
	}
	gcr_journal_close(j);

	uv_loop_init(&loop);
	uv_timer_init(&loop, &s.timer);
	s.timer.data = &s;
	s.last = t0 = now_ms();
	uv_timer_start(&s.timer, on_tick, 1, 1);
	gcr_pcluster_active_runs_async(&loop, path, "gchp-c24", on_count, &s);
	uv_run(&loop, UV_RUN_DEFAULT);
	async_ms = now_ms() - t0;
	uv_loop_close(&loop);

	printf("pcluster active runs, journal of %d runs: %zu (async %zu) on the cluster\n", NRUNS,
	       active, s.active);
	printf("  on the caller's thread: %.1f ms per count (the loop would stall that long)\n",
	       sync_ms);
	printf("  in the thread pool: %.1f ms to the answer; the loop's longest gap %.1f ms\n",
	       async_ms, s.worst);
	cmd = gcr_strdup_printf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(path);
	return 0;
}
