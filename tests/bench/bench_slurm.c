/* bench_slurm.c: figures for the Slurm layer -- parsing squeue and sacct
 * output of many jobs (a dashboard polling a busy cluster), quoting long
 * command lines, running commands through the local transport (the
 * process runner's overhead per command), and the Slurm backend's refresh
 * of 10,000 jobs end to end (commands in slices, parsing, matching, states
 * and explanations; squeue there is a stand-in script that prints the
 * asked-for jobs, so the figure is gcrunner's side).  Prints figures; never
 * fails on a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "backend.h"
#include "settings.h"
#include "slurm/shell.h"
#include "slurm/slurm_backend.h"
#include "slurm/slurm.h"
#include "slurm/transport.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *make_lines(size_t n, bool sacct)
{
	size_t cap = n * 160 + 1, used = 0;
	char *text = malloc(cap);

	for (size_t i = 0; i < n; i++) {
		if (sacct)
			used += (size_t)snprintf(text + used, cap - used,
				"%zu|gcr-20260101T000000Z-%08zx|%s|%d:0|2026-01-01T00:00:00|2026-01-01T01:02:03|01:02:03\n",
				100000 + i, i, i % 3 ? "COMPLETED" : "CANCELLED by 1000", (int)(i % 2));
		else
			used += (size_t)snprintf(text + used, cap - used,
				"%zu|%s|None|1:02:03|12:00:00|8|compute|2026-01-01T00:00:00|2026-01-01T12:00:00|gcr-20260101T000000Z-%08zx\n",
				100000 + i, i % 2 ? "RUNNING" : "PENDING", i);
	}
	return text;
}

static void bench_parse(bool sacct, size_t n)
{
	char *text = make_lines(n, sacct);
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	double t0 = now(), dt;

	if ((sacct ? gcr_slurm_parse_sacct(text, &l, NULL, &err)
		   : gcr_slurm_parse_squeue(text, &l, NULL, &err)) != GCR_OK || l.count != n) {
		fprintf(stderr, "parse failed\n");
		exit(1);
	}
	dt = now() - t0;
	printf("%-6s parse: %zu jobs (%.1f MB) in %.1f ms = %.0f jobs/s\n", sacct ? "sacct" : "squeue",
	       n, strlen(text) / 1e6, dt * 1e3, n / dt);
	gcr_slurm_job_list_free(&l);
	free(text);
}

static void bench_quote(size_t n)
{
	const char **argv = calloc(n + 1, sizeof *argv);
	double t0, dt;
	char *line;

	for (size_t i = 0; i < n; i++)
		argv[i] = i % 2 ? "it's a $(value) with \"quotes\"" : "--plain=word";
	t0 = now();
	line = gcr_shell_join(argv);
	dt = now() - t0;
	printf("quote: %zu words (%.1f KB line) in %.2f ms\n", n, strlen(line) / 1e3, dt * 1e3);
	free(line);
	free(argv);
}

struct counter {
	int left, done;
};

static void on_ran(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct counter *c = data;

	(void)r;
	if (e->code != GCR_OK) {
		fprintf(stderr, "run failed: %s\n", e->message);
		exit(1);
	}
	c->done++;
}

static void bench_local_runs(int n, int parallel)
{
	uv_loop_t loop;
	struct gcr_transport *t;
	struct counter c = { 0 };
	const char *argv[] = { "true", NULL };
	struct gcr_run_request req = { .argv = argv };
	struct gcr_error err;
	double t0 = now(), dt;
	int started = 0;

	uv_loop_init(&loop);
	t = gcr_transport_local_new(&loop);
	while (c.done < n) {
		while (started < n && started - c.done < parallel) {
			if (gcr_transport_run(t, &req, on_ran, &c, NULL, &err) != GCR_OK) {
				fprintf(stderr, "%s\n", err.message);
				exit(1);
			}
			started++;
		}
		uv_run(&loop, UV_RUN_ONCE);
	}
	dt = now() - t0;
	printf("local transport: %d commands, %d at a time, in %.0f ms = %.2f ms per command\n",
	       n, parallel, dt * 1e3, dt * 1e3 / n);
	gcr_transport_close(t, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

struct refreshed {
	bool done;
	size_t n, running;
	enum gcr_status st;
};

static void on_refreshed(enum gcr_status st, const struct gcr_error *err,
			 const struct gcr_run_status *s, size_t n, void *data)
{
	struct refreshed *r = data;

	r->st = st;
	if (st != GCR_OK)
		fprintf(stderr, "refresh failed: %s\n", err->message);
	r->n = n;
	for (size_t i = 0; i < n; i++)
		r->running += s[i].state == GCR_RUN_RUNNING;
	r->done = true;
}

/* The dashboard's refresh of n Slurm jobs through the local transport. */
static void bench_backend_refresh(size_t n)
{
	char dir[] = "/tmp/gcr-bench-slurm-XXXXXX", path[128];
	struct gcr_backend_env env = { 0 };
	struct gcr_settings *set = gcr_settings_new();
	struct refreshed r = { 0 };
	struct gcr_error err;
	const char **ids = calloc(n, sizeof *ids);
	char **idtext = calloc(n, sizeof *idtext);
	char *oldpath = getenv("PATH") ? strdup(getenv("PATH")) : strdup("/usr/bin:/bin");
	char *newpath;
	uv_loop_t loop;
	double t0, dt;
	FILE *f;

	if (!mkdtemp(dir))
		return;
	/* A squeue stand-in: the lines of the asked-for ids (--jobs=a,b,c). */
	snprintf(path, sizeof path, "%s/squeue", dir);
	f = fopen(path, "w");
	fputs("#!/bin/sh\nfor a; do case $a in --jobs=*) ids=${a#--jobs=};; esac; done\n"
	      "echo \"$ids\" | tr , '\\n' | awk '{ s = ($1 % 2) ? \"RUNNING\" : \"PENDING\"; "
	      "printf \"%s|%s|%s|1:02:03|12:00:00|8|compute|2026-01-01T00:00:00|"
	      "2026-01-01T12:00:00|gcr-20260101T000000Z-%08d\\n\", $1, s, "
	      "(s == \"PENDING\") ? \"Priority\" : \"None\", $1 }'\n", f);
	fclose(f);
	chmod(path, 0755);
	newpath = malloc(strlen(dir) + strlen(oldpath) + 2);
	sprintf(newpath, "%s:%s", dir, oldpath);
	setenv("PATH", newpath, 1);
	for (size_t i = 0; i < n; i++) {
		idtext[i] = malloc(16);
		snprintf(idtext[i], 16, "%zu", 100000 + i);
		ids[i] = idtext[i];
	}
	gcr_settings_set(set, "slurm.transport", "local", &err);
	uv_loop_init(&loop);
	env.loop = &loop;
	env.settings = set;
	t0 = now();
	gcr_backend_for(GCR_TARGET_SLURM)->refresh(&env, ids, n, on_refreshed, &r);
	while (!r.done)
		uv_run(&loop, UV_RUN_ONCE);
	dt = now() - t0;
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	printf("backend refresh: %zu Slurm jobs (%zu running) in %.0f ms = %.1f us per job, "
	       "%zu squeue calls\n", r.n, r.running, dt * 1e3, dt * 1e6 / (double)n,
	       (n + 399) / 400);
	setenv("PATH", oldpath, 1);
	unlink(path);
	rmdir(dir);
	for (size_t i = 0; i < n; i++)
		free(idtext[i]);
	free(idtext);
	free(ids);
	free(newpath);
	free(oldpath);
	gcr_settings_free(set);
}

int main(void)
{
	bench_parse(false, 100000);
	bench_parse(true, 100000);
	bench_quote(10000);
	bench_local_runs(200, 1);
	bench_local_runs(200, 8);
	bench_backend_refresh(10000);
	return 0;
}
