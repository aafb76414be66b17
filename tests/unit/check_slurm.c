/* check_slurm.c: shell quoting, the squeue/sacct/sbatch parsers on recorded
 * outputs, the child-process runner, and the local transport (run, stdin,
 * limits, timeout, copy, output following).  No Slurm needed: the tests
 * against a real Slurm and sshd are check_slurm_live (tests/scripts/slurm-*.sh). */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "paths.h"
#include "settings.h"
#include "slurm/cluster_config.h"
#include "slurm/process.h"
#include "slurm/shell.h"
#include "slurm/slurm.h"
#include "slurm/transport.h"
#include "slurm/transport_ssm.h"

/* Values that break naive quoting. */
static const char *const nasty[] = {
	"", " ", "plain", "a b", "  two  spaces  ", "it's", "'", "''", "'\\''", "\"",
	"\"quoted\" 'both'", "$(touch /tmp/gcr-quote-pwned)", "`touch /tmp/gcr-quote-pwned`",
	"$HOME", "${HOME:-x}", "$((1+1))", "; touch /tmp/gcr-quote-pwned", "a && b || c",
	"a | b", "x > /tmp/gcr-quote-pwned", "< /etc/passwd", "line1\nline2", "\ttab",
	"trailing\n", "\\", "\\'", "back\\slash", "*", "?", "[a-z]*", "~", "~root", "#not a comment",
	"A=b", "-n", "--", "-e \\n", "!", "!!", "{a,b}", "%s%n", "ünïcødé €", "😀 emoji",
	"\x01\x02\x7f", "\xff\xfe invalid utf-8", "a'b\"c$d`e\\f\ng;h|i&j",
	NULL,
};

/* --- loop helpers --- */

struct captured {
	bool done;
	int exit_status;
	enum gcr_status code;
	char message[1024];
	char *out;
	size_t out_len;
	bool out_truncated;
	char *err;
	bool timed_out;
};

static void on_process(const struct gcr_process_result *r, void *data)
{
	struct captured *c = data;

	c->done = true;
	c->exit_status = r->exit_status;
	c->out = malloc(r->out_len + 1);
	memcpy(c->out, r->out, r->out_len + 1);
	c->out_len = r->out_len;
	c->out_truncated = r->out_truncated;
	c->err = strdup(r->err);
	c->timed_out = r->timed_out;
}

static void on_run(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct captured *c = data;

	c->done = true;
	c->code = e->code;
	snprintf(c->message, sizeof c->message, "%s", e->message);
	c->exit_status = r->exit_status;
	c->out = malloc(r->out_len + 1);
	memcpy(c->out, r->out, r->out_len + 1);
	c->out_len = r->out_len;
	c->out_truncated = r->out_truncated;
	c->err = strdup(r->err);
}

static void captured_free(struct captured *c)
{
	free(c->out);
	free(c->err);
	memset(c, 0, sizeof *c);
}

static void run_until(uv_loop_t *loop, const bool *flag)
{
	while (!*flag)
		uv_run(loop, UV_RUN_ONCE);
}

static void drain_and_close(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(loop), 0);
}

/* Runs argv to completion with the process runner. */
static void run_process(const char *const *argv, const struct gcr_process_opts *opts,
			struct captured *c)
{
	uv_loop_t loop;
	struct gcr_error err;

	memset(c, 0, sizeof *c);
	uv_loop_init(&loop);
	ck_assert_int_eq(gcr_process_run(&loop, argv, opts, on_process, c, NULL, &err), GCR_OK);
	run_until(&loop, &c->done);
	drain_and_close(&loop);
}

/* --- shell quoting --- */

START_TEST(quote_plain_words_stay_plain)
{
	char *q;

	q = gcr_shell_quote("squeue");
	ck_assert_str_eq(q, "squeue");
	free(q);
	q = gcr_shell_quote("--format=%i");
	ck_assert_str_eq(q, "'--format=%i'");   /* '=' is quoted: no assignment words */
	free(q);
	q = gcr_shell_quote("/shared/run-1/x.sh");
	ck_assert_str_eq(q, "/shared/run-1/x.sh");
	free(q);
	q = gcr_shell_quote("");
	ck_assert_str_eq(q, "''");
	free(q);
	q = gcr_shell_quote("it's");
	ck_assert_str_eq(q, "'it'\\''s'");
	free(q);
	q = gcr_shell_quote("~");
	ck_assert_str_eq(q, "'~'");
	free(q);
}
END_TEST

/* The nasty values, each followed by a NUL: what `printf '%s\0' VALUES...`
 * prints when every value arrives intact.  Caller frees. */
static char *expected_values(size_t *len)
{
	size_t n = 0;
	char *buf, *p;

	for (size_t i = 0; nasty[i]; i++)
		n += strlen(nasty[i]) + 1;
	p = buf = malloc(n + 1);
	for (size_t i = 0; nasty[i]; i++) {
		size_t l = strlen(nasty[i]);
		memcpy(p, nasty[i], l + 1);
		p += l + 1;
	}
	*len = n;
	return buf;
}

/* argv = prefix..., then every nasty value; NULL-terminated, caller frees
 * the array only. */
static const char **with_values(const char *const *prefix, size_t nprefix)
{
	size_t n = 0;
	const char **argv;

	while (nasty[n])
		n++;
	argv = calloc(nprefix + n + 1, sizeof *argv);
	memcpy(argv, prefix, nprefix * sizeof *argv);
	memcpy(argv + nprefix, nasty, n * sizeof *argv);
	return argv;
}

/* Every nasty value, quoted and joined, goes through real shells and comes
 * back byte for byte; nothing in it runs. */
START_TEST(quote_round_trips_through_real_shells)
{
	const char *shells[] = { "/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/zsh", "/bin/ksh" };
	const char *prefix[] = { "printf", "%s\\0" };
	const char **words = with_values(prefix, 2);
	char *line = gcr_shell_join(words);
	size_t want_len;
	char *want = expected_values(&want_len);
	int tried = 0;

	unlink("/tmp/gcr-quote-pwned");
	for (size_t s = 0; s < sizeof shells / sizeof shells[0]; s++) {
		const char *argv[] = { shells[s], "-c", line, NULL };
		struct captured c;

		if (access(shells[s], X_OK) != 0)
			continue;
		tried++;
		run_process(argv, NULL, &c);
		ck_assert_msg(c.exit_status == 0, "%s failed: %s", shells[s], c.err);
		ck_assert_msg(c.out_len == want_len && memcmp(c.out, want, want_len) == 0,
			      "%s changed the values into [%.*s]", shells[s], (int)c.out_len, c.out);
		captured_free(&c);
	}
	ck_assert_int_ge(tried, 1);
	ck_assert_msg(access("/tmp/gcr-quote-pwned", F_OK) != 0, "a quoted value was executed");
	free(want);
	free(line);
	free(words);
}
END_TEST

/* The ssh/SSM form: cd DIR && CMD, wrapped in "$SHELL" -l -c '...'. */
START_TEST(command_line_with_cwd_and_login_shell)
{
	char dir[] = "/tmp/gcr-cl.XXXXXX";
	char *nasty_dir;
	const char *words[] = { "pwd", NULL };
	struct gcr_run_request req = { .argv = words };
	char *line;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	nasty_dir = gcr_strdup_printf("%s/it's $(x) a\"b", dir);
	ck_assert_int_eq(mkdir(nasty_dir, 0700), 0);
	req.cwd = nasty_dir;
	for (int login = 0; login <= 1; login++) {
		const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
		struct captured c;

		line = gcr_transport_command_line(&req, login);
		argv[2] = line;
		setenv("SHELL", "/bin/sh", 1);
		run_process(argv, NULL, &c);
		ck_assert_int_eq(c.exit_status, 0);
		ck_assert_msg(strncmp(c.out, nasty_dir, strlen(nasty_dir)) == 0 &&
			      c.out[strlen(nasty_dir)] == '\n', "pwd gave [%s]", c.out);
		if (login)
			ck_assert(strncmp(line, "exec \"${SHELL:-/bin/sh}\" -l -c ", 31) == 0);
		captured_free(&c);
		free(line);
	}
	rmdir(nasty_dir);
	rmdir(dir);
	free(nasty_dir);
}
END_TEST

START_TEST(ssh_argv_is_a_vector_with_quoted_command)
{
	uv_loop_t loop;
	struct gcr_transport *t;
	struct gcr_error err;
	struct gcr_ssh_options o = { .destination = "alice@login.example.edu",
				     .config_file = "/tmp/my ssh config", .control_dir = "",
				     .port = 2222, .login_shell = false };
	const char *words[] = { "sbatch", "--job-name=it's $(id)", NULL };
	struct gcr_run_request req = { .argv = words };
	char **argv;
	size_t n;

	uv_loop_init(&loop);
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_OK);
	argv = gcr_transport_ssh_argv(t, &req);
	for (n = 0; argv[n]; n++)
		;
	ck_assert_str_eq(argv[0], "ssh");
	ck_assert_str_eq(argv[1], "-F");
	ck_assert_str_eq(argv[2], "/tmp/my ssh config");
	ck_assert_str_eq(argv[n - 3], "--");
	ck_assert_str_eq(argv[n - 2], "alice@login.example.edu");
	ck_assert_str_eq(argv[n - 1], "sbatch '--job-name=it'\\''s $(id)'");
	{
		bool batch = false, nocontrol = false, port = false;
		for (size_t i = 0; argv[i]; i++) {
			batch |= strcmp(argv[i], "BatchMode=yes") == 0;
			nocontrol |= strcmp(argv[i], "ControlPath=none") == 0;
			port |= strcmp(argv[i], "-p") == 0 && strcmp(argv[i + 1], "2222") == 0;
		}
		ck_assert(batch && nocontrol && port);
	}
	gcr_argv_free(argv);
	gcr_transport_close(t, NULL, NULL);

	/* Connection sharing: a private socket directory. */
	o.control_dir = "/tmp/gcr-cm-test";
	o.config_file = NULL;
	rmdir(o.control_dir);
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_OK);
	argv = gcr_transport_ssh_argv(t, &req);
	{
		bool master = false, path = false;
		for (size_t i = 0; argv[i]; i++) {
			master |= strcmp(argv[i], "ControlMaster=auto") == 0;
			path |= strcmp(argv[i], "ControlPath=/tmp/gcr-cm-test/%C") == 0;
		}
		ck_assert(master && path);
	}
	gcr_argv_free(argv);
	{
		struct stat st;
		ck_assert_int_eq(stat("/tmp/gcr-cm-test", &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0700);
	}
	gcr_transport_close(t, NULL, NULL);
	drain_and_close(&loop);
	rmdir("/tmp/gcr-cm-test");

	/* A destination that ssh would read as an option is refused. */
	uv_loop_init(&loop);
	o.destination = "-oProxyCommand=touch /tmp/x";
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_ERR_INVALID);
	o.destination = "host;rm";
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_ERR_INVALID);
	o.destination = "";
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_ERR_INVALID);
	drain_and_close(&loop);
}
END_TEST

START_TEST(sbatch_argv_carries_every_option)
{
	const char *extra[] = { "--exclusive", NULL };
	struct gcr_slurm_submit req = {
		.job_name = "gcr-20260101T000000Z-0a1b2c3d", .script = "#!/bin/sh\n",
		.partition = "compute", .account = "geos", .nodes = 8, .ntasks_per_node = 36,
		.time_limit_minutes = 720, .output_path = "logs/%j.out", .workdir = "/shared/run 1",
		.extra_args = extra,
	};
	const char *want[] = { "sbatch", "--parsable", "--job-name=gcr-20260101T000000Z-0a1b2c3d",
			       "--partition=compute", "--account=geos", "--nodes=8",
			       "--ntasks-per-node=36", "--time=720", "--output=logs/%j.out",
			       "--chdir=/shared/run 1", "--exclusive", NULL };
	char **argv = gcr_slurm_sbatch_argv(&req);
	size_t i;

	for (i = 0; want[i]; i++)
		ck_assert_str_eq(argv[i], want[i]);
	ck_assert_ptr_null(argv[i]);
	gcr_argv_free(argv);

	req.script = NULL;
	req.script_path = "-weird.sh";
	req.extra_args = NULL;
	argv = gcr_slurm_sbatch_argv(&req);
	for (i = 0; argv[i]; i++)
		;
	ck_assert_str_eq(argv[i - 1], "./-weird.sh");
	gcr_argv_free(argv);
}
END_TEST

START_TEST(job_names_that_cannot_be_found_again_are_refused)
{
	struct gcr_error err;

	ck_assert_int_eq(gcr_slurm_check_job_name("gcr-20260101T000000Z-0a1b2c3d", &err), GCR_OK);
	ck_assert_int_eq(gcr_slurm_check_job_name("it's $(x) \"y\"", &err), GCR_OK);
	ck_assert_int_eq(gcr_slurm_check_job_name("a,b", &err), GCR_ERR_INVALID);
	ck_assert(strstr(err.message, "comma") != NULL);
	ck_assert_int_eq(gcr_slurm_check_job_name("a\nb", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_slurm_check_job_name("", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_slurm_check_job_name(NULL, &err), GCR_ERR_INVALID);
}
END_TEST

/* --- parsers --- */

START_TEST(states_with_suffixes_and_unknowns)
{
	ck_assert_int_eq(gcr_slurm_parse_state("RUNNING"), GCR_SLURM_RUNNING);
	ck_assert_int_eq(gcr_slurm_parse_state("CANCELLED by 0"), GCR_SLURM_CANCELLED);
	ck_assert_int_eq(gcr_slurm_parse_state("CANCELLED by 1000"), GCR_SLURM_CANCELLED);
	ck_assert_int_eq(gcr_slurm_parse_state("CANCELLED+"), GCR_SLURM_CANCELLED);
	ck_assert_int_eq(gcr_slurm_parse_state("OUT_OF_MEMORY"), GCR_SLURM_OUT_OF_MEMORY);
	ck_assert_int_eq(gcr_slurm_parse_state("OUT_OF_ME+"), GCR_SLURM_UNKNOWN);
	ck_assert_int_eq(gcr_slurm_parse_state("PD"), GCR_SLURM_PENDING);
	ck_assert_int_eq(gcr_slurm_parse_state("CD"), GCR_SLURM_COMPLETED);
	ck_assert_int_eq(gcr_slurm_parse_state("REQUEUE_HOLD"), GCR_SLURM_REQUEUED);
	ck_assert_int_eq(gcr_slurm_parse_state("POWER_UP_NODE"), GCR_SLURM_UNKNOWN);
	ck_assert_int_eq(gcr_slurm_parse_state(""), GCR_SLURM_UNKNOWN);
	ck_assert_int_eq(gcr_slurm_parse_state(NULL), GCR_SLURM_UNKNOWN);
	ck_assert(gcr_slurm_state_is_final(GCR_SLURM_FAILED));
	ck_assert(gcr_slurm_state_is_final(GCR_SLURM_PREEMPTED));
	ck_assert(!gcr_slurm_state_is_final(GCR_SLURM_COMPLETING));
	ck_assert(!gcr_slurm_state_is_final(GCR_SLURM_UNKNOWN));
	ck_assert_str_eq(gcr_slurm_state_name(GCR_SLURM_NODE_FAIL), "NODE_FAIL");
}
END_TEST

START_TEST(durations_and_times)
{
	ck_assert_int_eq(gcr_slurm_parse_duration("0:00"), 0);
	ck_assert_int_eq(gcr_slurm_parse_duration("0:25"), 25);
	ck_assert_int_eq(gcr_slurm_parse_duration("12:34"), 754);
	ck_assert_int_eq(gcr_slurm_parse_duration("1:02:03"), 3723);
	ck_assert_int_eq(gcr_slurm_parse_duration("02:30:00"), 9000);
	ck_assert_int_eq(gcr_slurm_parse_duration("1-02:03:04"), 93784);
	ck_assert_int_eq(gcr_slurm_parse_duration("10-00:00:00"), 864000);
	ck_assert_int_eq(gcr_slurm_parse_duration("00:01.500"), 1);
	ck_assert_int_eq(gcr_slurm_parse_duration("UNLIMITED"), 0);
	ck_assert_int_eq(gcr_slurm_parse_duration("INVALID"), -1);
	ck_assert_int_eq(gcr_slurm_parse_duration("N/A"), -1);
	ck_assert_int_eq(gcr_slurm_parse_duration("Partition_Limit"), -1);
	ck_assert_int_eq(gcr_slurm_parse_duration(""), -1);
	ck_assert_int_eq(gcr_slurm_parse_duration("1:2:3:4"), -1);
	ck_assert_int_eq(gcr_slurm_parse_time("2024-05-01T12:00:00"), 1714564800);
	ck_assert_int_eq(gcr_slurm_parse_time("N/A"), 0);
	ck_assert_int_eq(gcr_slurm_parse_time("Unknown"), 0);
	ck_assert_int_eq(gcr_slurm_parse_time("None"), 0);
	ck_assert_int_eq(gcr_slurm_parse_time("NONE"), 0);
	ck_assert_int_eq(gcr_slurm_parse_time("2024-13-01T00:00:00"), 0);
}
END_TEST

START_TEST(exit_codes)
{
	int code = -2, sig = -2;

	ck_assert(gcr_slurm_parse_exit_code("7:0", &code, &sig));
	ck_assert_int_eq(code, 7);
	ck_assert_int_eq(sig, 0);
	ck_assert(gcr_slurm_parse_exit_code("0:15", &code, &sig));
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(sig, 15);
	/* squeue -O exit_code in 22.05 prints the raw wait status. */
	ck_assert(gcr_slurm_parse_exit_code("1792", &code, &sig));
	ck_assert_int_eq(code, 7);
	ck_assert_int_eq(sig, 0);
	ck_assert(!gcr_slurm_parse_exit_code("", &code, &sig));
	ck_assert(!gcr_slurm_parse_exit_code("N/A", &code, &sig));
	/* Recorded from scontrol -o show job (22.05), shortened. */
	ck_assert(gcr_slurm_parse_scontrol_exit(
		"JobId=2 JobName=fail7 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode "
		"Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=7:0 "
		"DerivedExitCode=0:0 RunTime=00:00:00", &code, &sig));
	ck_assert_int_eq(code, 7);
	ck_assert(gcr_slurm_parse_scontrol_exit("JobId=3 DerivedExitCode=1:0 ExitCode=0:9", &code, &sig));
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(sig, 9);
	ck_assert(!gcr_slurm_parse_scontrol_exit("JobId=3 DerivedExitCode=1:0", &code, &sig));
}
END_TEST

/* Recorded from Debian 12's Slurm 22.05.8 (the test bed), with gcrunner's
 * format; a job name holding '|', quotes and $() on purpose. */
static const char squeue_2205[] =
	"2|FAILED|NonZeroExitCode|0:00|UNLIMITED|1|debug|2026-11-27T18:32:06|2026-11-27T18:32:06|fail7\n"
	"3|PENDING|None|0:00|UNLIMITED|1|debug|N/A|N/A|cc\n"
	"1|RUNNING|None|0:01|UNLIMITED|1|debug|2026-11-27T18:32:06|NONE|it's $(x) a|b\n"
	"4|CANCELLED|None|0:25|UNLIMITED|1|debug|2026-11-27T18:32:09|2026-11-27T18:32:34|cc\n";

/* Written from the 23.11/24.x documentation: same letters; cloud nodes
 * booting (CONFIGURING), array tasks, a het job, reasons, day counts. */
static const char squeue_2311[] =
	"1234|CONFIGURING|None|0:05|12:00:00|8|compute|2024-05-01T10:00:00|2024-05-01T22:00:00|gcr-20240501T095900Z-0a1b2c3d\n"
	"1235_[1-4]|PENDING|Resources|0:00|1-00:00:00|2|compute|2024-05-02T00:00:00|2024-05-03T00:00:00|array job\n"
	"1236_7|RUNNING|None|1-02:03:04|2-00:00:00|1|compute|2024-04-30T08:00:00|2024-05-02T08:00:00|task\n"
	"1237+0|RUNNING|None|10:00|30:00|1|gpu|2024-05-01T09:50:00|2024-05-01T10:20:00|het\n"
	"1238|COMPLETING|None|59:59|1:00:00|4|compute|2024-05-01T09:00:00|2024-05-01T10:00:00|ending\n"
	"1239|TIMEOUT|TimeLimit|1:00:00|1:00:00|4|compute|2024-05-01T08:00:00|2024-05-01T09:00:00|slow\n"
	"1240|NEW_FUTURE_STATE|None|0:01|UNLIMITED|1|compute|2024-05-01T10:00:00|NONE|future\n"
	"garbage line without fields\n"
	"slurm_load_jobs error: Socket timed out\n"
	"\n";

START_TEST(squeue_2205_recorded)
{
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	size_t skipped = 9;

	ck_assert_int_eq(gcr_slurm_parse_squeue(squeue_2205, &l, &skipped, &err), GCR_OK);
	ck_assert_uint_eq(l.count, 4);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_str_eq(l.jobs[0].id, "2");
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_FAILED);
	ck_assert_str_eq(l.jobs[0].reason, "NonZeroExitCode");
	ck_assert_int_eq(l.jobs[0].exit_code, -1);   /* squeue does not say; scontrol does */
	ck_assert_int_eq(l.jobs[0].time_limit_s, 0);
	ck_assert_int_eq(l.jobs[0].nodes, 1);
	ck_assert_str_eq(l.jobs[0].partition, "debug");
	ck_assert(l.jobs[0].end != 0);
	ck_assert_int_eq(l.jobs[1].state, GCR_SLURM_PENDING);
	ck_assert_int_eq(l.jobs[1].start, 0);
	ck_assert_str_eq(l.jobs[2].name, "it's $(x) a|b");
	ck_assert_int_eq(l.jobs[2].state, GCR_SLURM_RUNNING);
	ck_assert_int_eq(l.jobs[2].elapsed_s, 1);
	ck_assert_int_eq(l.jobs[2].end, 0);          /* NONE: no time limit, no end */
	ck_assert_int_eq(l.jobs[2].start, gcr_slurm_parse_time("2026-11-27T18:32:06"));
	ck_assert_int_eq(l.jobs[3].state, GCR_SLURM_CANCELLED);
	ck_assert_int_eq(l.jobs[3].end - l.jobs[3].start, 25);
	ck_assert(!l.accounting);
	gcr_slurm_job_list_free(&l);
}
END_TEST

START_TEST(squeue_2311_documented)
{
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	size_t skipped = 0;

	ck_assert_int_eq(gcr_slurm_parse_squeue(squeue_2311, &l, &skipped, &err), GCR_OK);
	ck_assert_uint_eq(l.count, 7);
	ck_assert_uint_eq(skipped, 2);
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_CONFIGURING);
	ck_assert_int_eq(l.jobs[0].nodes, 8);
	ck_assert_int_eq(l.jobs[0].time_limit_s, 12 * 3600);
	ck_assert_int_eq(l.jobs[0].end, 0);          /* expected end of a live job: not an end */
	ck_assert_str_eq(l.jobs[1].id, "1235_[1-4]");
	ck_assert_str_eq(l.jobs[1].reason, "Resources");
	ck_assert_str_eq(l.jobs[1].name, "array job");
	ck_assert_int_eq(l.jobs[2].elapsed_s, 93784);
	ck_assert_str_eq(l.jobs[3].id, "1237+0");
	ck_assert_str_eq(l.jobs[3].partition, "gpu");
	ck_assert_int_eq(l.jobs[4].state, GCR_SLURM_COMPLETING);
	ck_assert_int_eq(l.jobs[5].state, GCR_SLURM_TIMEOUT);
	ck_assert_int_eq(l.jobs[6].state, GCR_SLURM_UNKNOWN);
	ck_assert_str_eq(l.jobs[6].state_raw, "NEW_FUTURE_STATE");
	gcr_slurm_job_list_free(&l);

	ck_assert_int_eq(gcr_slurm_parse_squeue("", &l, &skipped, &err), GCR_OK);
	ck_assert_uint_eq(l.count, 0);
	gcr_slurm_job_list_free(&l);
}
END_TEST

/* sacct -X -P -n -o JobID,JobName,State,ExitCode,Start,End,Elapsed as 22.05
 * and 23.11/24.x print it (from their documentation and man pages):
 * "CANCELLED by UID", Unknown/None times of pending jobs, signals, names
 * with '|', a state added later. */
static const char sacct_sample[] =
	"101|gcr-20240501T095900Z-0a1b2c3d|COMPLETED|0:0|2024-05-01T10:00:00|2024-05-01T12:30:00|02:30:00\n"
	"102|cancelled one|CANCELLED by 1000|0:15|2024-05-01T10:00:00|2024-05-01T10:05:00|00:05:00\n"
	"103|fail7|FAILED|7:0|2024-05-01T10:00:00|2024-05-01T10:00:01|00:00:01\n"
	"104|waiting|PENDING|0:0|Unknown|Unknown|00:00:00\n"
	"105_3|array|TIMEOUT|0:0|2024-04-29T08:00:00|2024-04-30T10:03:04|1-02:03:04\n"
	"106|oom|OUT_OF_MEMORY|0:125|2024-05-01T10:00:00|2024-05-01T10:10:00|00:10:00\n"
	"107|a|b|c|NODE_FAIL|1:0|None|None|00:00:00\n"
	"108|x|SOME_NEW_STATE|0:0|2024-05-01T10:00:00|Unknown|00:00:10\n"
	"109|running|RUNNING|0:0|2024-05-01T10:00:00|Unknown|01:00:00\n"
	"short|line\n";

START_TEST(sacct_documented_formats)
{
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	size_t skipped = 0;

	ck_assert_int_eq(gcr_slurm_parse_sacct(sacct_sample, &l, &skipped, &err), GCR_OK);
	ck_assert(l.accounting);
	ck_assert_uint_eq(l.count, 9);
	ck_assert_uint_eq(skipped, 1);
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_COMPLETED);
	ck_assert_int_eq(l.jobs[0].exit_code, 0);
	ck_assert_int_eq(l.jobs[0].elapsed_s, 9000);
	ck_assert_int_eq(l.jobs[0].end - l.jobs[0].start, 9000);
	ck_assert(l.jobs[0].from_accounting);
	ck_assert_int_eq(l.jobs[1].state, GCR_SLURM_CANCELLED);
	ck_assert_str_eq(l.jobs[1].state_raw, "CANCELLED by 1000");
	ck_assert_int_eq(l.jobs[1].exit_signal, 15);
	ck_assert_str_eq(l.jobs[1].name, "cancelled one");
	ck_assert_int_eq(l.jobs[2].state, GCR_SLURM_FAILED);
	ck_assert_int_eq(l.jobs[2].exit_code, 7);
	ck_assert_int_eq(l.jobs[3].state, GCR_SLURM_PENDING);
	ck_assert_int_eq(l.jobs[3].start, 0);
	ck_assert_int_eq(l.jobs[3].end, 0);
	ck_assert_str_eq(l.jobs[4].id, "105_3");
	ck_assert_int_eq(l.jobs[4].elapsed_s, 93784);
	ck_assert_int_eq(l.jobs[5].state, GCR_SLURM_OUT_OF_MEMORY);
	ck_assert_int_eq(l.jobs[5].exit_signal, 125);
	ck_assert_str_eq(l.jobs[6].name, "a|b|c");
	ck_assert_int_eq(l.jobs[6].state, GCR_SLURM_NODE_FAIL);
	ck_assert_int_eq(l.jobs[7].state, GCR_SLURM_UNKNOWN);
	ck_assert_str_eq(l.jobs[7].state_raw, "SOME_NEW_STATE");
	ck_assert_int_eq(l.jobs[8].end, 0);
	gcr_slurm_job_list_free(&l);
}
END_TEST

/* Recorded from the test bed's Slurm 22.05.8 with slurmdbd (TZ=UTC,
 * SLURM_TIME_FORMAT=standard, sacct -X -P -n -o gcr_slurm_sacct_fields):
 * `exit 7`; a running job and a held pending one, both scancel'ed (ExitCode
 * 0:0, not 0:15; the pending one's Start is "None"); a script killed by
 * signal 9; a name with '|'.  The "allocation" row is what sacct shows for
 * a few seconds after a job ends, before slurmctld has sent slurmdbd the
 * job's own record (its name): find_by_name must not take it for a job of
 * that name. */
static const char sacct_2205_recorded[] =
	"1|gcr-ok|COMPLETED|0:0|2026-11-28T00:01:00|2026-11-28T00:01:00|00:00:00\n"
	"2|fail|7|FAILED|7:0|2026-11-28T00:01:00|2026-11-28T00:01:00|00:00:00\n"
	"3|running|CANCELLED by 0|0:0|2026-11-28T00:01:01|2026-11-28T00:01:01|00:00:00\n"
	"4|waiting|CANCELLED by 0|0:0|None|2026-11-28T00:01:01|00:00:00\n"
	"5|allocation|FAILED|0:9|2026-11-28T00:01:03|2026-11-28T00:01:03|00:00:00\n";

START_TEST(sacct_recorded_2205_with_slurmdbd)
{
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	size_t skipped = 9;

	ck_assert_int_eq(gcr_slurm_parse_sacct(sacct_2205_recorded, &l, &skipped, &err), GCR_OK);
	ck_assert(l.accounting);
	ck_assert_uint_eq(l.count, 5);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_str_eq(l.jobs[0].name, "gcr-ok");
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_COMPLETED);
	ck_assert_int_eq(l.jobs[0].exit_code, 0);
	ck_assert_int_eq(l.jobs[0].start, 1795824060);   /* 2026-11-28T00:01:00Z */
	ck_assert_int_eq(l.jobs[0].elapsed_s, 0);
	ck_assert_str_eq(l.jobs[1].name, "fail|7");
	ck_assert_int_eq(l.jobs[1].state, GCR_SLURM_FAILED);
	ck_assert_int_eq(l.jobs[1].exit_code, 7);
	ck_assert_int_eq(l.jobs[1].exit_signal, 0);
	ck_assert_int_eq(l.jobs[2].state, GCR_SLURM_CANCELLED);
	ck_assert_str_eq(l.jobs[2].state_raw, "CANCELLED by 0");
	ck_assert_int_eq(l.jobs[2].exit_code, 0);
	ck_assert_int_eq(l.jobs[3].state, GCR_SLURM_CANCELLED);
	ck_assert_int_eq(l.jobs[3].start, 0);                 /* "None": never started */
	ck_assert_int_eq(l.jobs[3].end, 1795824061);
	ck_assert_int_eq(l.jobs[4].state, GCR_SLURM_FAILED);
	ck_assert_int_eq(l.jobs[4].exit_code, 0);
	ck_assert_int_eq(l.jobs[4].exit_signal, 9);
	ck_assert_str_eq(l.jobs[4].name, "allocation");
	gcr_slurm_job_list_free(&l);
}
END_TEST

/* Recorded from Slurm 22.05.8 with slurmdbd and jobacct_gather/linux:
 * `sacct -P -n -o JobID,State,MaxRSS,TotalCPU,CPUTimeRAW`.  Job 1 ran 2 s
 * without --acctg-freq (no sample: no MaxRSS); 2 allocated 64 MB and spun
 * with --acctg-freq=1; 3 ran a step (srun, 32 MB) and slept; 4 was
 * cancelled; 5 failed at once (CPUTimeRAW 0).  Then job 3 as sacct showed
 * it while running, its step done: figures so far, none kept. */
static const char usage_2205_recorded[] =
	"1|COMPLETED||00:02.117|2\n"
	"1.batch|COMPLETED||00:02.117|2\n"
	"2|COMPLETED||00:01.939|2\n"
	"2.batch|COMPLETED|80492K|00:01.939|2\n"
	"3|COMPLETED||00:01.598|3\n"
	"3.batch|COMPLETED|10632K|00:00.011|3\n"
	"3.0|COMPLETED|46088K|00:01.586|1\n"
	"4|CANCELLED by 0||00:00.001|1\n"
	"4.batch|CANCELLED||00:00.001|1\n"
	"5|FAILED||00:00.001|0\n"
	"5.batch|FAILED||00:00.001|0\n";
static const char usage_2205_running[] =
	"3|RUNNING||00:01.586|2\n"
	"3.batch|RUNNING||00:00:00|2\n"
	"3.0|COMPLETED|46088K|00:01.586|1\n";

START_TEST(usage_recorded_2205_with_slurmdbd)
{
	struct gcr_slurm_job_list l;
	struct gcr_error err;
	size_t skipped = 9;

	ck_assert_int_eq(gcr_slurm_parse_sacct_usage(usage_2205_recorded, &l, &skipped, &err), GCR_OK);
	ck_assert(l.accounting);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(l.count, 5);     /* one per job, the steps folded in */
	ck_assert_str_eq(l.jobs[0].id, "1");
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_COMPLETED);
	ck_assert_int_eq(l.jobs[0].max_rss_bytes, 0);             /* no sample: not known */
	/* 2.117 s of CPU in CPUTimeRAW's whole 2 s: at most 1. */
	ck_assert_double_eq(l.jobs[0].cpu_efficiency, 1.0);
	ck_assert_int_eq(l.jobs[1].max_rss_bytes, 80492LL * 1024);
	ck_assert_double_eq_tol(l.jobs[1].cpu_efficiency, 1.939 / 2, 1e-9);
	/* The largest step, not the batch script's shell. */
	ck_assert_str_eq(l.jobs[2].id, "3");
	ck_assert_int_eq(l.jobs[2].max_rss_bytes, 46088LL * 1024);
	ck_assert_double_eq_tol(l.jobs[2].cpu_efficiency, 1.598 / 3, 1e-9);
	ck_assert_int_eq(l.jobs[3].state, GCR_SLURM_CANCELLED);
	ck_assert_double_eq_tol(l.jobs[3].cpu_efficiency, 0.001, 1e-9);
	ck_assert_int_eq(l.jobs[4].state, GCR_SLURM_FAILED);
	ck_assert(l.jobs[4].cpu_efficiency <= 0);                 /* CPUTimeRAW 0: not known */
	ck_assert_int_eq(l.jobs[4].max_rss_bytes, 0);
	gcr_slurm_job_list_free(&l);

	ck_assert_int_eq(gcr_slurm_parse_sacct_usage(usage_2205_running, &l, NULL, &err), GCR_OK);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_int_eq(l.jobs[0].state, GCR_SLURM_RUNNING);
	ck_assert_int_eq(l.jobs[0].max_rss_bytes, 0);
	ck_assert(l.jobs[0].cpu_efficiency <= 0);
	gcr_slurm_job_list_free(&l);

	/* Lines that are not usage lines are skipped, not misread. */
	ck_assert_int_eq(gcr_slurm_parse_sacct_usage("JobID|State\n7|COMPLETED|1K|00:01.000|1|x\n"
						     "8|COMPLETED|5G|1-02:00:00|200000\n",
						     &l, &skipped, &err), GCR_OK);
	ck_assert_uint_eq(skipped, 2);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_double_eq_tol(l.jobs[0].cpu_efficiency, 93600.0 / 200000, 1e-9);
	gcr_slurm_job_list_free(&l);
}
END_TEST

START_TEST(usage_sizes_and_cpu_times)
{
	ck_assert_int_eq(gcr_slurm_parse_size("5324K"), 5324LL * 1024);
	ck_assert_int_eq(gcr_slurm_parse_size("1.5M"), 1572864);
	ck_assert_int_eq(gcr_slurm_parse_size("2G"), 2LL << 30);
	ck_assert_int_eq(gcr_slurm_parse_size("0.50T"), 1LL << 39);
	ck_assert_int_eq(gcr_slurm_parse_size("812"), 812);
	ck_assert_int_eq(gcr_slurm_parse_size("0"), 0);
	ck_assert_int_eq(gcr_slurm_parse_size(""), -1);
	ck_assert_int_eq(gcr_slurm_parse_size("12KB"), -1);
	ck_assert_int_eq(gcr_slurm_parse_size("-5K"), -1);
	ck_assert_int_eq(gcr_slurm_parse_size("5X"), -1);
	ck_assert_double_eq_tol(gcr_slurm_parse_cpu_time("00:02.117"), 2.117, 1e-9);
	ck_assert_double_eq_tol(gcr_slurm_parse_cpu_time("59:59.999"), 3599.999, 1e-9);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("01:02:03"), 3723);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("2-01:02:03"), 2 * 86400 + 3723);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("00:00:00"), 0);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time(""), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("17"), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("2-03:04"), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("1.5-01:02:03"), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("01.5:02"), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("1:2:3:4"), -1);
	ck_assert_double_eq(gcr_slurm_parse_cpu_time("INVALID"), -1);
}
END_TEST

START_TEST(sbatch_answers_and_errors)
{
	char id[GCR_SLURM_ID_MAX];
	char text[512];
	struct gcr_error err;
	const char stderr_2205[] =
		"sbatch: error: invalid partition specified: nosuch\n"
		"sbatch: error: Batch job submission failed: Invalid partition name specified\n";

	ck_assert_int_eq(gcr_slurm_parse_sbatch("4\n", id, &err), GCR_OK);
	ck_assert_str_eq(id, "4");
	ck_assert_int_eq(gcr_slurm_parse_sbatch("123456;cluster2\n", id, &err), GCR_OK);
	ck_assert_str_eq(id, "123456");
	ck_assert_int_eq(gcr_slurm_parse_sbatch("NOTICE: site filter says hi\n77\n", id, &err), GCR_OK);
	ck_assert_str_eq(id, "77");
	ck_assert_int_eq(gcr_slurm_parse_sbatch("", id, &err), GCR_ERR_REMOTE);
	ck_assert_int_eq(gcr_slurm_parse_sbatch("Submitted batch job x\n", id, &err), GCR_ERR_REMOTE);

	gcr_slurm_error_text(stderr_2205, strlen(stderr_2205), text, sizeof text);
	ck_assert_str_eq(text, "sbatch: error: invalid partition specified: nosuch; "
			       "sbatch: error: Batch job submission failed: Invalid partition name specified");
	gcr_slurm_error_text("bash: sbatch: command not found\n", 32, text, sizeof text);
	ck_assert_str_eq(text, "bash: sbatch: command not found");
}
END_TEST

/* --- the process runner --- */

START_TEST(process_collects_output_status_and_stdin)
{
	const char *argv[] = { "sh", "-c", "cat; echo err >&2; exit 3", NULL };
	struct gcr_process_opts o = GCR_PROCESS_OPTS_INIT;
	struct captured c;
	char big[200000];

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	o.stdin_data = big;
	o.stdin_len = sizeof big;
	run_process(argv, &o, &c);
	ck_assert_int_eq(c.exit_status, 3);
	ck_assert_uint_eq(c.out_len, sizeof big);
	ck_assert(memcmp(c.out, big, sizeof big) == 0);
	ck_assert_str_eq(c.err, "err\n");
	ck_assert(!c.out_truncated);
	captured_free(&c);

	/* Limits: the rest is read and dropped, the child is not blocked. */
	o.max_stdout = 1000;
	run_process(argv, &o, &c);
	ck_assert_uint_eq(c.out_len, 1000);
	ck_assert(c.out_truncated);
	ck_assert_int_eq(c.exit_status, 3);
	captured_free(&c);

	/* A child that never reads its stdin: EPIPE, no crash. */
	{
		const char *quick[] = { "true", NULL };
		run_process(quick, &o, &c);
		ck_assert_int_eq(c.exit_status, 0);
		captured_free(&c);
	}
}
END_TEST

static bool process_alive(pid_t pid)
{
	char path[64], *stat = NULL, *paren;
	struct gcr_error err;
	bool alive;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (gcr_read_file(path, &stat, NULL, &err) != GCR_OK)
		return false;
	paren = strrchr(stat, ')');
	alive = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
	free(stat);
	return alive;
}

START_TEST(process_timeout_ends_the_whole_group)
{
	char pidfile[] = "/tmp/gcr-grp.XXXXXX";
	int fd = mkstemp(pidfile);
	char *script;
	struct gcr_process_opts o = GCR_PROCESS_OPTS_INIT;
	struct captured c;
	char *content = NULL;
	struct gcr_error err;
	pid_t grandchild;

	close(fd);
	/* A grandchild that would outlive a plain kill of the child. */
	script = gcr_strdup_printf("sleep 60 & echo $! > '%s'; wait", pidfile);
	{
		const char *argv[] = { "sh", "-c", script, NULL };
		o.timeout_ms = 300;
		run_process(argv, &o, &c);
	}
	ck_assert(c.timed_out);
	ck_assert_int_eq(c.exit_status, -1);
	captured_free(&c);
	ck_assert_int_eq(gcr_read_file(pidfile, &content, NULL, &err), GCR_OK);
	grandchild = (pid_t)atoi(content);
	ck_assert_int_gt(grandchild, 0);
	/* Gone, or a zombie (a container's init may never reap it). */
	for (int i = 0; i < 50 && process_alive(grandchild); i++)
		usleep(20000);
	ck_assert_msg(!process_alive(grandchild), "the grandchild survived the timeout");
	free(content);
	free(script);
	unlink(pidfile);
}
END_TEST

START_TEST(process_missing_program_fails_at_once)
{
	uv_loop_t loop;
	struct gcr_error err;
	const char *argv[] = { "gcr-no-such-program-xyz", NULL };
	struct captured c = { 0 };

	uv_loop_init(&loop);
	ck_assert_int_eq(gcr_process_run(&loop, argv, NULL, on_process, &c, NULL, &err),
			 GCR_ERR_NOT_FOUND);
	ck_assert(strstr(err.message, "gcr-no-such-program-xyz") != NULL);
	drain_and_close(&loop);
	ck_assert(!c.done);
}
END_TEST

/* --- the local transport --- */

START_TEST(local_transport_runs_argv_without_a_shell)
{
	uv_loop_t loop;
	struct gcr_transport *t;
	struct gcr_error err;
	struct captured c = { 0 };
	const char *argv[] = { "printf", "%s|", "$(id)", "a b", "it's", NULL };
	struct gcr_run_request req = { .argv = argv, .cwd = "/" };

	uv_loop_init(&loop);
	t = gcr_transport_local_new(&loop);
	ck_assert_int_eq(gcr_transport_kind(t), GCR_TRANSPORT_LOCAL);
	ck_assert_int_eq(gcr_transport_run(t, &req, on_run, &c, NULL, &err), GCR_OK);
	run_until(&loop, &c.done);
	ck_assert_int_eq(c.code, GCR_OK);
	ck_assert_str_eq(c.out, "$(id)|a b|it's|");
	captured_free(&c);

	{
		const char *pwd[] = { "pwd", NULL };
		struct gcr_run_request r2 = { .argv = pwd, .cwd = "/tmp" };
		ck_assert_int_eq(gcr_transport_run(t, &r2, on_run, &c, NULL, &err), GCR_OK);
		run_until(&loop, &c.done);
		ck_assert_str_eq(c.out, "/tmp\n");
		captured_free(&c);
	}
	{
		const char *missing[] = { "gcr-no-such-program-xyz", NULL };
		struct gcr_run_request r3 = { .argv = missing };
		ck_assert_int_eq(gcr_transport_run(t, &r3, on_run, &c, NULL, &err), GCR_ERR_NOT_FOUND);
	}
	{
		/* Cancel: the callback still comes, with CANCELLED. */
		const char *slow[] = { "sleep", "30", NULL };
		struct gcr_run_request r4 = { .argv = slow };
		struct gcr_transport_op *op;
		ck_assert_int_eq(gcr_transport_run(t, &r4, on_run, &c, &op, &err), GCR_OK);
		gcr_transport_cancel(op);
		run_until(&loop, &c.done);
		ck_assert_int_eq(c.code, GCR_ERR_CANCELLED);
		captured_free(&c);
	}
	{
		/* Closing with a command still running: its callback runs
		 * (CANCELLED), so callers can always free their state there. */
		const char *slow[] = { "sleep", "30", NULL };
		struct gcr_run_request r5 = { .argv = slow };
		ck_assert_int_eq(gcr_transport_run(t, &r5, on_run, &c, NULL, &err), GCR_OK);
	}
	gcr_transport_close(t, NULL, NULL);
	ck_assert(c.done);
	ck_assert_int_eq(c.code, GCR_ERR_CANCELLED);
	captured_free(&c);
	drain_and_close(&loop);
}
END_TEST

static void on_done(const struct gcr_error *e, void *data)
{
	struct captured *c = data;

	c->done = true;
	c->code = e->code;
	snprintf(c->message, sizeof c->message, "%s", e->message);
}

START_TEST(local_copy_streams_a_directory)
{
	char base[] = "/tmp/gcr-copy.XXXXXX";
	uv_loop_t loop;
	struct gcr_transport *t;
	struct gcr_error err;
	struct captured c = { 0 };
	char *src, *dst, *file, *content = NULL;

	ck_assert_ptr_nonnull(mkdtemp(base));
	src = gcr_strdup_printf("%s/run dir 'x'", base);
	ck_assert_int_eq(mkdir(src, 0700), 0);
	file = gcr_strdup_printf("%s/setCommonRunSettings.sh", src);
	ck_assert_int_eq(gcr_write_file_atomic(file, "TOTAL_CORES=48\n", 15, 0644, &err), GCR_OK);
	free(file);
	dst = gcr_strdup_printf("%s/remote $(side)/new", base);

	uv_loop_init(&loop);
	t = gcr_transport_local_new(&loop);
	ck_assert_int_eq(gcr_transport_copy(t, src, dst, on_done, &c, &err), GCR_OK);
	run_until(&loop, &c.done);
	ck_assert_msg(c.code == GCR_OK, "%s", c.message);
	file = gcr_strdup_printf("%s/run dir 'x'/setCommonRunSettings.sh", dst);
	ck_assert_int_eq(gcr_read_file(file, &content, NULL, &err), GCR_OK);
	ck_assert_str_eq(content, "TOTAL_CORES=48\n");
	free(content);
	free(file);

	/* A missing source is refused before anything runs. */
	ck_assert_int_eq(gcr_transport_copy(t, "/nonexistent/x", dst, on_done, &c, &err),
			 GCR_ERR_NOT_FOUND);
	/* An unwritable target: the error says where. */
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(gcr_transport_copy(t, src, "/proc/gcr-cannot", on_done, &c, &err), GCR_OK);
	run_until(&loop, &c.done);
	ck_assert_int_ne(c.code, GCR_OK);
	ck_assert_msg(strstr(c.message, "/proc/gcr-cannot") != NULL, "%s", c.message);

	gcr_transport_close(t, NULL, NULL);
	drain_and_close(&loop);
	{
		char *cmd = gcr_strdup_printf("rm -rf '%s'", base);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	free(src);
	free(dst);
}
END_TEST

struct follow_log {
	char text[4096];
	size_t len;
	int polls, not_found, restarts;
	long long offset;
};

static void on_output(const char *data, size_t len, long long offset, bool restarted,
		      const struct gcr_error *err, void *user)
{
	struct follow_log *f = user;

	f->polls++;
	if (err->code == GCR_ERR_NOT_FOUND)
		f->not_found++;
	if (restarted) {
		f->restarts++;
		f->len = 0;
	}
	if (len && f->len + len < sizeof f->text) {
		memcpy(f->text + f->len, data, len);
		f->len += len;
		f->text[f->len] = '\0';
	}
	f->offset = offset;
}

static void append(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(follow_reads_only_what_is_new)
{
	char base[] = "/tmp/gcr-follow.XXXXXX";
	uv_loop_t loop;
	struct gcr_transport *t;
	struct gcr_error err;
	struct gcr_slurm_follow *f;
	struct follow_log log = { 0 };
	char *path;
	int polls;

	ck_assert_ptr_nonnull(mkdtemp(base));
	path = gcr_strdup_printf("%s/slurm-1 'x'.out", base);
	uv_loop_init(&loop);
	t = gcr_transport_local_new(&loop);
	ck_assert_int_eq(gcr_slurm_follow_start(t, path, 0, 20, 7, on_output, &log, &f, &err), GCR_OK);
	/* Not there yet: NOT_FOUND, and polling goes on. */
	while (log.not_found < 2)
		uv_run(&loop, UV_RUN_ONCE);
	append(path, "hello\nworld\n");
	while (log.len < 12)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_str_eq(log.text, "hello\nworld\n");   /* in chunks of at most 7 bytes */
	ck_assert_int_eq(log.offset, 12);
	append(path, "more\n");
	while (log.len < 17)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_str_eq(log.text, "hello\nworld\nmore\n");
	/* Rewritten shorter: starts over. */
	ck_assert_int_eq(truncate(path, 0), 0);
	append(path, "new\n");
	while (log.restarts == 0)
		uv_run(&loop, UV_RUN_ONCE);
	while (log.len < 4)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_str_eq(log.text, "new\n");
	ck_assert_int_eq(gcr_slurm_follow_offset(f), 4);
	gcr_slurm_follow_stop(f);
	polls = log.polls;
	{
		/* One read, as a log page: from an offset, and from beyond the
		 * end (the file was rewritten: from 0 again). */
		struct follow_log page = { 0 };
		append(path, "0123456789\n");      /* the file: "new\n0123456789\n" */
		ck_assert_int_eq(gcr_slurm_read_output(t, path, 6, 4, on_output, &page, &err), GCR_OK);
		while (page.polls < 1)
			uv_run(&loop, UV_RUN_ONCE);
		ck_assert_str_eq(page.text, "2345");
		ck_assert_int_eq(page.offset, 10);
		memset(&page, 0, sizeof page);
		ck_assert_int_eq(gcr_slurm_read_output(t, path, 1000, 0, on_output, &page, &err), GCR_OK);
		while (page.polls < 1)
			uv_run(&loop, UV_RUN_ONCE);
		ck_assert_int_eq(page.restarts, 1);
		ck_assert_str_eq(page.text, "new\n0123456789\n");
		memset(&page, 0, sizeof page);
		ck_assert_int_eq(gcr_slurm_read_output(t, "/nonexistent/x.out", 0, 0, on_output, &page, &err),
				 GCR_OK);
		while (page.polls < 1)
			uv_run(&loop, UV_RUN_ONCE);
		ck_assert_int_eq(page.not_found, 1);
	}
	gcr_transport_close(t, NULL, NULL);
	drain_and_close(&loop);
	ck_assert_int_eq(log.polls, polls);   /* nothing after stop */
	unlink(path);
	rmdir(base);
	free(path);
}
END_TEST

/* The one script line SSM's AWS-RunShellScript runs: executed here by a
 * real sh (and through runuser -l, as root can), it gives back every nasty
 * argument and the stdin byte for byte, from the right directory. */
START_TEST(ssm_script_line_runs_exactly_the_argv)
{
	char dir[] = "/tmp/gcr ssm 'd' $(x).XXXXXX";
	const char *users[] = { NULL, "root" };
	const char stdin_data[] = "#!/bin/sh\necho 'batch script' \"$1\"\n\x01\xff end";
	const char *prefix[] = { "sh", "-c", "pwd; cat; shift; printf '%s\\0' \"$@\"", "sh", "x" };
	const char **words = with_values(prefix, 5);
	size_t values_len;
	char *values = expected_values(&values_len);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	unlink("/tmp/gcr-quote-pwned");
	for (size_t u = 0; u < 2; u++) {
		struct gcr_run_request req = { .argv = words, .cwd = dir, .stdin_data = stdin_data,
					       .stdin_len = sizeof stdin_data - 1 };
		char *line, *want;
		const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
		struct captured c;
		size_t dl = strlen(dir), want_len;

		if (users[u] && (getuid() != 0 || access("/sbin/runuser", X_OK) != 0))
			continue;
		line = gcr_transport_ssm_script(users[u], &req);
		argv[2] = line;
		/* pwd, the stdin, then every value */
		want_len = dl + 1 + sizeof stdin_data - 1 + values_len;
		want = malloc(want_len);
		memcpy(want, dir, dl);
		want[dl] = '\n';
		memcpy(want + dl + 1, stdin_data, sizeof stdin_data - 1);
		memcpy(want + dl + sizeof stdin_data, values, values_len);
		run_process(argv, NULL, &c);
		ck_assert_msg(c.exit_status == 0, "user %s: %s", users[u] ? users[u] : "-", c.err);
		ck_assert_msg(c.out_len == want_len && memcmp(c.out, want, want_len) == 0,
			      "user %s: the values came back as [%.*s]", users[u] ? users[u] : "-",
			      (int)c.out_len, c.out);
		if (users[u])
			ck_assert(strncmp(line, "printf %s ", 10) == 0 && strstr(line, "| runuser -l root -c "));
		captured_free(&c);
		free(want);
		free(line);
	}
	free(values);
	free(words);
	ck_assert_msg(access("/tmp/gcr-quote-pwned", F_OK) != 0, "a quoted value was executed");
	{
		/* Without stdin the command reads /dev/null, never the agent's. */
		const char *cat[] = { "cat", NULL };
		struct gcr_run_request req = { .argv = cat };
		char *line = gcr_transport_ssm_script("ec2-user", &req);
		ck_assert_str_eq(line, "runuser -l ec2-user -c cat </dev/null");
		free(line);
	}
	rmdir(dir);
	ck_assert(gcr_ssm_instance_id_valid("i-0123456789abcdef0"));
	ck_assert(gcr_ssm_instance_id_valid("i-01234567"));
	ck_assert(gcr_ssm_instance_id_valid("mi-0123456789abcdef0"));
	ck_assert(!gcr_ssm_instance_id_valid("i-0123"));
	ck_assert(!gcr_ssm_instance_id_valid("i-0123456789ABCDEF0"));
	ck_assert(!gcr_ssm_instance_id_valid("i-01234567; id"));
}
END_TEST

/* --- cluster settings --- */

START_TEST(cluster_settings_round_trip_and_keep_other_sections)
{
	char base[] = "/tmp/gcr-cfg.XXXXXX";
	char *path, *text = NULL;
	struct gcr_cluster_config c, back;
	struct gcr_settings *s = NULL;
	struct gcr_error err;
	const char before[] =
		"aws:\n  profile: research\n  region: us-west-2\n"
		"batch:\n  queue:\n    arm64: q-arm\n"
		"slurm:\n  host: old.example.edu\n  obsolete_key: kept-or-not\n";

	ck_assert_ptr_nonnull(mkdtemp(base));
	path = gcr_strdup_printf("%s/config.yaml", base);
	/* No slurm section yet: NOT_FOUND with a hint. */
	ck_assert_int_eq(gcr_write_file_atomic(path, "aws:\n  region: x\n", strlen("aws:\n  region: x\n"),
					       0600, &err), GCR_OK);
	ck_assert_int_eq(gcr_cluster_config_load(path, &c, &err), GCR_ERR_NOT_FOUND);
	ck_assert(strstr(err.message, "gcrunner cluster set") != NULL);

	ck_assert_int_eq(gcr_write_file_atomic(path, before, strlen(before), 0600, &err), GCR_OK);
	gcr_cluster_config_init(&c);
	strcpy(c.host, "alice@login.hpc.example.edu");
	strcpy(c.ssh_config, "~/.ssh/config-hpc");
	c.port = 2222;
	strcpy(c.partition, "compute");
	strcpy(c.account, "geos-chem");
	strcpy(c.modules[0], "gcc/12.2");
	strcpy(c.modules[1], "openmpi/4.1.5");
	c.nmodules = 2;
	strcpy(c.geoschem_dir, "/shared/GCHP 14.4");
	strcpy(c.run_root, "runs");
	ck_assert_int_eq(gcr_cluster_config_save(path, &c, &err), GCR_OK);

	ck_assert_int_eq(gcr_cluster_config_load(path, &back, &err), GCR_OK);
	ck_assert_int_eq(back.transport, GCR_TRANSPORT_SSH);
	ck_assert_str_eq(back.host, c.host);
	ck_assert_str_eq(back.ssh_config, "~/.ssh/config-hpc");
	ck_assert_int_eq(back.port, 2222);
	ck_assert(back.login_shell);
	ck_assert_uint_eq(back.nmodules, 2);
	ck_assert_str_eq(back.modules[1], "openmpi/4.1.5");
	ck_assert_str_eq(back.geoschem_dir, "/shared/GCHP 14.4");
	{
		char *line = gcr_cluster_config_modules_line(&back);
		ck_assert_str_eq(line, "gcc/12.2 openmpi/4.1.5");
		free(line);
	}
	/* The other sections are as they were. */
	ck_assert_int_eq(gcr_settings_load(path, &s, &err), GCR_OK);
	ck_assert_str_eq(gcr_settings_get(s, "aws.profile"), "research");
	ck_assert_str_eq(gcr_settings_get(s, "batch.queue.arm64"), "q-arm");
	ck_assert_str_eq(gcr_settings_get(s, "slurm.obsolete_key"), "kept-or-not");
	ck_assert_ptr_null(gcr_settings_get(s, "slurm.identity_file"));   /* empty: not written */
	gcr_settings_free(s);
	{
		struct stat st;
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0600);
	}

	/* "~/" on cluster paths means the login directory; a list of one
	 * module may be written as a plain value. */
	{
		const char local[] = "slurm:\n  transport: local\n  run_root: ~/gc runs\n  modules: gchp-env\n";
		ck_assert_int_eq(gcr_write_file_atomic(path, local, strlen(local), 0600, &err), GCR_OK);
	}
	ck_assert_int_eq(gcr_cluster_config_load(path, &back, &err), GCR_OK);
	ck_assert_int_eq(back.transport, GCR_TRANSPORT_LOCAL);
	ck_assert_str_eq(back.run_root, "gc runs");
	ck_assert_uint_eq(back.nmodules, 1);
	ck_assert_str_eq(back.modules[0], "gchp-env");
	free(text);
	unlink(path);
	rmdir(base);
	free(path);
}
END_TEST

START_TEST(cluster_settings_refuse_what_would_confuse_commands)
{
	struct gcr_cluster_config c;
	struct gcr_error err;
	struct gcr_settings *s = gcr_settings_new();

	gcr_cluster_config_init(&c);
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);   /* ssh without host */
	ck_assert(strstr(err.message, "slurm.host") != NULL);
	strcpy(c.host, "-oProxyCommand=x");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	strcpy(c.host, "login;rm");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	strcpy(c.host, "login.example.edu");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_OK);
	strcpy(c.partition, "two words");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	ck_assert(strstr(err.message, "slurm.partition") != NULL);
	c.partition[0] = '\0';
	strcpy(c.modules[0], "gcc\nrm -rf");
	c.nmodules = 1;
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	c.nmodules = 0;
	strcpy(c.run_root, "a\nb");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	strcpy(c.run_root, "runs");
	c.transport = GCR_TRANSPORT_SSM;
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);
	ck_assert(strstr(err.message, "ssm_instance_id") != NULL);
	strcpy(c.ssm_instance_id, "i-0123456789abcdef0");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_OK);
	strcpy(c.ssm_user, "root; id");
	ck_assert_int_eq(gcr_cluster_config_validate(&c, &err), GCR_ERR_INVALID);

	ck_assert_int_eq(gcr_settings_set(s, "slurm.transport", "telnet", &err), GCR_OK);
	ck_assert_int_eq(gcr_cluster_config_from_settings(s, &c, &err), GCR_ERR_INVALID);
	ck_assert(strstr(err.message, "ssh, local, ssm") != NULL);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.transport", "local", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.port", "99999", &err), GCR_OK);
	ck_assert_int_eq(gcr_cluster_config_from_settings(s, &c, &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.port", NULL, &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.login_shell", "maybe", &err), GCR_OK);
	ck_assert_int_eq(gcr_cluster_config_from_settings(s, &c, &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.login_shell", "no", &err), GCR_OK);
	ck_assert_int_eq(gcr_cluster_config_from_settings(s, &c, &err), GCR_OK);
	ck_assert(!c.login_shell);
	gcr_settings_free(s);
}
END_TEST

static Suite *slurm_suite(void)
{
	Suite *s = suite_create("slurm");
	TCase *q = tcase_create("quoting");
	TCase *p = tcase_create("parsers");
	TCase *r = tcase_create("process");

	tcase_add_test(q, quote_plain_words_stay_plain);
	tcase_add_test(q, quote_round_trips_through_real_shells);
	tcase_add_test(q, command_line_with_cwd_and_login_shell);
	tcase_add_test(q, ssh_argv_is_a_vector_with_quoted_command);
	tcase_add_test(q, sbatch_argv_carries_every_option);
	tcase_add_test(q, job_names_that_cannot_be_found_again_are_refused);
	tcase_add_test(q, ssm_script_line_runs_exactly_the_argv);
	tcase_add_test(p, states_with_suffixes_and_unknowns);
	tcase_add_test(p, durations_and_times);
	tcase_add_test(p, exit_codes);
	tcase_add_test(p, squeue_2205_recorded);
	tcase_add_test(p, squeue_2311_documented);
	tcase_add_test(p, sacct_documented_formats);
	tcase_add_test(p, sacct_recorded_2205_with_slurmdbd);
	tcase_add_test(p, usage_recorded_2205_with_slurmdbd);
	tcase_add_test(p, usage_sizes_and_cpu_times);
	tcase_add_test(p, sbatch_answers_and_errors);
	tcase_add_test(r, process_collects_output_status_and_stdin);
	tcase_add_test(r, process_timeout_ends_the_whole_group);
	tcase_add_test(r, process_missing_program_fails_at_once);
	tcase_add_test(r, local_transport_runs_argv_without_a_shell);
	tcase_add_test(r, local_copy_streams_a_directory);
	tcase_add_test(r, follow_reads_only_what_is_new);
	tcase_add_test(p, cluster_settings_round_trip_and_keep_other_sections);
	tcase_add_test(p, cluster_settings_refuse_what_would_confuse_commands);
	suite_add_tcase(s, q);
	suite_add_tcase(s, p);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(slurm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
