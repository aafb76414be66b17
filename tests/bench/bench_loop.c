/* bench_loop.c: how long the libuv loop goes without turning while 1,000
 * Batch DescribeJobs calls run against the local AWS test server (signed,
 * validated, answered by the real server over loopback).
 *
 * Two figures:
 *   - the longest loop iteration: time between consecutive uv_prepare
 *     callbacks (a 1 ms heartbeat timer keeps an idle loop from sleeping
 *     longer, so this is the work of one pass, plus at most 1 ms);
 *   - the same iteration in this thread's CPU time, which leaves out the
 *     time the kernel gave to other processes (the Python test server
 *     competes for the machine's cores): the loop's own work;
 *   - the heartbeat's lateness: how late a 1 ms repeating timer fired, the
 *     delay a screen redraw tick would see.
 * Target: longest iteration <= 5 ms.  Prints figures; never fails on time.
 *
 * Starts the test bed itself (tests/testbed/testbed.sh start) unless
 * TESTBED_AWS_URL is already set. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "aws/client.h"
#include "paths.h"

#define CALLS 1000

static uint64_t last_prepare, max_iteration, iterations;
static uint64_t last_cpu, max_cpu;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
static uint64_t hb_expected, *lateness;
static size_t nlate, cap_late;
static int done_calls, ok_calls;

static void on_prepare(uv_prepare_t *h)
{
	uint64_t now = uv_hrtime(), cpu = thread_cpu_ns();

	(void)h;
	if (last_prepare && now - last_prepare > max_iteration)
		max_iteration = now - last_prepare;
	if (last_prepare && cpu - last_cpu > max_cpu)
		max_cpu = cpu - last_cpu;
	last_prepare = now;
	last_cpu = cpu;
	iterations++;
}

static void on_heartbeat(uv_timer_t *t)
{
	uint64_t now = uv_hrtime();

	(void)t;
	if (hb_expected) {
		if (nlate == cap_late) {
			cap_late = cap_late ? cap_late * 2 : 4096;
			lateness = realloc(lateness, cap_late * sizeof *lateness);
			if (!lateness)
				abort();
		}
		lateness[nlate++] = now > hb_expected ? now - hb_expected : 0;
	}
	hb_expected = now + 1000000;
}

static void on_done(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	(void)info;
	(void)answer;
	(void)data;
	done_calls++;
	if (st == GCR_OK)
		ok_calls++;
	else if (ok_calls == 0 && done_calls == 1)
		fprintf(stderr, "bench_loop: %s\n", err->message);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Reads the test bed's env file ("NAME=value; export NAME" lines). */
static void load_env(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '='), *end, *value;
		if (!eq || line[0] == '#' || strncmp(line, "unset", 5) == 0)
			continue;
		*eq = '\0';
		value = eq + 1;
		end = strstr(value, "; export");
		if (end)
			*end = '\0';
		if (*value == '\'') {
			value++;
			if ((end = strrchr(value, '\'')))
				*end = '\0';
		}
		setenv(line, value, 1);
	}
	fclose(f);
}

int main(void)
{
	const char *srcdir = getenv("top_srcdir");
	char dir[] = "/tmp/gcr-bench-loop.XXXXXX";
	char *cmd = NULL, *envfile;
	int started = 0;
	struct gcr_aws_options opts = { 0 };
	struct gcr_error err;
	struct gcr_aws *aws;
	uv_loop_t loop;
	uv_prepare_t prepare;
	uv_timer_t heartbeat;
	json_t *in;
	uint64_t t0, t1;

	if (!getenv("TESTBED_AWS_URL")) {
		if (!mkdtemp(dir))
			return 1;
		cmd = gcr_strdup_printf("sh '%s/tests/testbed/testbed.sh' start '%s' aws >/dev/null",
					srcdir ? srcdir : "..", dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "bench_loop: the test bed did not start\n");
			return 1;
		}
		free(cmd);
		started = 1;
		envfile = gcr_strdup_printf("%s/env", dir);
		load_env(envfile);
		free(envfile);
	}
	unsetenv("AWS_PROFILE");

	uv_loop_init(&loop);
	opts.loop = &loop;
	aws = gcr_aws_new(&opts, &err);
	if (!aws) {
		fprintf(stderr, "bench_loop: %s\n", err.message);
		return 1;
	}
	uv_prepare_init(&loop, &prepare);
	uv_prepare_start(&prepare, on_prepare);
	uv_timer_init(&loop, &heartbeat);
	uv_timer_start(&heartbeat, on_heartbeat, 1, 1);

	/* Warm up: credentials resolved, one connection made. */
	in = json_pack("{s:[s]}", "jobs", "bench-no-such-job");
	gcr_aws_json_call(aws, "batch", "DescribeJobs", in, NULL, on_done, NULL);
	while (done_calls < 1)
		uv_run(&loop, UV_RUN_ONCE);
	done_calls = ok_calls = 0;
	max_iteration = max_cpu = 0;
	last_prepare = 0;
	iterations = 0;
	nlate = 0;
	hb_expected = 0;

	t0 = uv_hrtime();
	for (int i = 0; i < CALLS; i++)
		gcr_aws_json_call(aws, "batch", "DescribeJobs", in, NULL, on_done, NULL);
	t1 = uv_hrtime();
	while (done_calls < CALLS)
		uv_run(&loop, UV_RUN_ONCE);
	{
		uint64_t t2 = uv_hrtime();
		double secs = (double)(t2 - t0) / 1e9;
		qsort(lateness, nlate, sizeof *lateness, cmp_u64);
		printf("DescribeJobs calls:            %d (%d ok) against the local AWS test server\n",
		       CALLS, ok_calls);
		printf("starting them (one pass):      %.2f ms\n", (double)(t1 - t0) / 1e6);
		printf("all answered in:               %.2f s (%.0f calls/s)\n", secs, CALLS / secs);
		printf("loop iterations:               %llu\n", (unsigned long long)iterations);
		printf("longest loop iteration:        %.2f ms wall clock (target <= 5 ms)\n",
		       (double)max_iteration / 1e6);
		printf("longest iteration, CPU time:   %.2f ms (this thread's own work)\n",
		       (double)max_cpu / 1e6);
		if (nlate)
			printf("1 ms heartbeat lateness:       median %.2f ms, p99 %.2f ms, max %.2f ms\n",
			       (double)lateness[nlate / 2] / 1e6,
			       (double)lateness[nlate * 99 / 100] / 1e6,
			       (double)lateness[nlate - 1] / 1e6);
	}
	json_decref(in);
	free(lateness);
	uv_close((uv_handle_t *)&prepare, NULL);
	uv_close((uv_handle_t *)&heartbeat, NULL);
	gcr_aws_free(aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	if (started) {
		cmd = gcr_strdup_printf("sh '%s/tests/testbed/testbed.sh' stop '%s' >/dev/null; rm -rf '%s'",
					srcdir ? srcdir : "..", dir, dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_loop: stopping the test bed failed\n");
		free(cmd);
	}
	return ok_calls == CALLS ? 0 : 1;
}
