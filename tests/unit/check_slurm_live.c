/* check_slurm_live.c: gcrunner's Slurm layer against a REAL Slurm 22.05 and,
 * for the ssh transport, a REAL OpenSSH server on 127.0.0.1 -- both started
 * by tests/testbed/slurm/start.sh (tests/scripts/slurm-live.sh runs this
 * program with the test bed's variables; without them it skips, exit 77).
 *
 * GCR_TEST_TRANSPORT=ssh|local|ssm chooses the transport.  Jobs really run:
 * submitted with sbatch, seen by squeue, their output followed, cancelled.
 * ssm goes through the AWS test server (tests/testbed/), whose SSM Run
 * Command really runs the command line on this machine -- against the same
 * Slurm -- and the AWS client of src/aws/ (endpoint and test credentials
 * from the test bed's environment). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "aws/client.h"
#include "paths.h"
#include "slurm/slurm.h"
#include "slurm/transport.h"
#include "slurm/transport_ssm.h"

static const char *jobs_dir;        /* GCR_TESTBED_JOBS: shared by here and "there" */
static const char *transport_name;  /* ssh, local or ssm */
static bool use_ssh, use_ssm;
static struct gcr_aws *aws;         /* ssm only */
static char control_dir[64];

/* --- loop helpers --- */

static void on_tick(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

static void sleep_on_loop(uv_loop_t *loop, unsigned ms)
{
	uv_timer_t timer;
	bool fired = false;

	uv_timer_init(loop, &timer);
	timer.data = &fired;
	uv_timer_start(&timer, on_tick, ms, 0);
	while (!fired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static struct gcr_transport *open_transport(uv_loop_t *loop)
{
	struct gcr_transport *t = NULL;
	struct gcr_error err;

	uv_loop_init(loop);
	if (use_ssm) {
		/* The test server runs commands as root here; "" = no runuser
		 * (runuser -l would drop the test bed's SLURM_CONF; the runuser
		 * line itself is tested in check_slurm). */
		struct gcr_aws_options ao = { .loop = loop };
		struct gcr_ssm_options so = { .instance_id = "i-0123456789abcdef0", .user = "",
					      .poll_ms = 150 };
		aws = gcr_aws_new(&ao, &err);
		ck_assert_msg(aws != NULL, "%s", err.message);
		so.aws = aws;
		ck_assert_msg(gcr_transport_ssm_new(loop, &so, &t, &err) == GCR_OK, "%s", err.message);
		return t;
	}
	if (!use_ssh)
		return gcr_transport_local_new(loop);
	{
		struct gcr_ssh_options o = {
			.destination = getenv("GCR_TESTBED_SSH_HOST"),
			.config_file = getenv("GCR_TESTBED_SSH_CONFIG"),
			.control_dir = control_dir,
			.control_persist_s = 30,
			.login_shell = true,
		};
		ck_assert_msg(gcr_transport_ssh_new(loop, &o, &t, &err) == GCR_OK, "%s", err.message);
	}
	return t;
}

static void on_closed(const struct gcr_error *e, void *data)
{
	(void)e;
	*(bool *)data = true;
}

static void close_transport(uv_loop_t *loop, struct gcr_transport *t)
{
	bool closed = false;

	gcr_transport_close(t, on_closed, &closed);
	while (!closed)
		uv_run(loop, UV_RUN_ONCE);
	if (aws) {
		gcr_aws_free(aws);
		aws = NULL;
	}
	uv_run(loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(loop), 0);
}

/* --- synchronous wrappers for the tests --- */

struct answer {
	bool done;
	enum gcr_status code;
	char message[GCR_ERROR_MESSAGE_MAX];
	char id[GCR_SLURM_ID_MAX];
	struct gcr_slurm_job_list jobs;
	int exit_status;
	char out[4096];
};

static void keep_error(struct answer *a, const struct gcr_error *e)
{
	a->done = true;
	a->code = e->code;
	snprintf(a->message, sizeof a->message, "%s", e->message);
}

static void on_submitted(const char *id, const struct gcr_error *e, void *data)
{
	struct answer *a = data;

	keep_error(a, e);
	if (id)
		snprintf(a->id, sizeof a->id, "%s", id);
}

static void on_jobs(struct gcr_slurm_job_list *jobs, const struct gcr_error *e, void *data)
{
	struct answer *a = data;

	keep_error(a, e);
	a->jobs = *jobs;               /* take ownership */
	memset(jobs, 0, sizeof *jobs);
}

static void on_done(const struct gcr_error *e, void *data)
{
	keep_error(data, e);
}

static void on_ran(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct answer *a = data;

	keep_error(a, e);
	a->exit_status = r->exit_status;
	snprintf(a->out, sizeof a->out, "%s%s", r->out, r->err);
}

static void wait_answer(uv_loop_t *loop, struct answer *a)
{
	while (!a->done)
		uv_run(loop, UV_RUN_ONCE);
}

static void submit(uv_loop_t *loop, struct gcr_transport *t, const struct gcr_slurm_submit *req,
		   struct answer *a)
{
	struct gcr_error err;

	memset(a, 0, sizeof *a);
	ck_assert_msg(gcr_slurm_submit(t, req, on_submitted, a, &err) == GCR_OK, "%s", err.message);
	wait_answer(loop, a);
}

static void unique_name(char *buf, size_t size, const char *what)
{
	static int n;

	snprintf(buf, size, "gcr-test-%s-%ld-%d-%s", transport_name, (long)getpid(), n++, what);
}

/* Submits script as a job named after what, output in the jobs directory;
 * the job id goes to id. */
static void submit_script(uv_loop_t *loop, struct gcr_transport *t, const char *what,
			  const char *script, char id[GCR_SLURM_ID_MAX], char *name, size_t name_size)
{
	struct gcr_slurm_submit req = { 0 };
	struct answer a = { 0 };
	char *out = gcr_strdup_printf("%s/%%j.out", jobs_dir);

	unique_name(name, name_size, what);
	req.job_name = name;
	req.script = script;
	req.output_path = out;
	submit(loop, t, &req, &a);
	ck_assert_msg(a.code == GCR_OK, "sbatch: %s", a.message);
	snprintf(id, GCR_SLURM_ID_MAX, "%s", a.id);
	free(out);
}

static void status(uv_loop_t *loop, struct gcr_transport *t, const char *id, struct answer *a)
{
	struct gcr_error err;

	gcr_slurm_job_list_free(&a->jobs);
	memset(a, 0, sizeof *a);
	ck_assert_msg(gcr_slurm_job_status(t, id, on_jobs, a, &err) == GCR_OK, "%s", err.message);
	wait_answer(loop, a);
}

/* Polls the job until it reaches a final state (at most ~40 s); returns it
 * in a->jobs.jobs[0].  *seen_live: squeue showed it pending or running. */
static void wait_final(uv_loop_t *loop, struct gcr_transport *t, const char *id,
		       struct answer *a, bool *seen_live)
{
	for (int i = 0; i < 200; i++) {
		status(loop, t, id, a);
		ck_assert_msg(a->code == GCR_OK, "job %s: %s", id, a->message);
		ck_assert_uint_eq(a->jobs.count, 1);
		ck_assert_str_eq(a->jobs.jobs[0].id, id);
		if (gcr_slurm_state_is_final(a->jobs.jobs[0].state))
			return;
		if (seen_live)
			*seen_live = true;
		sleep_on_loop(loop, 200);
	}
	ck_abort_msg("job %s did not finish", id);
}

/* --- tests --- */

struct follow_log {
	char text[8192];
	size_t len;
	int polls;
};

static void on_output(const char *data, size_t len, long long offset, bool restarted,
		      const struct gcr_error *err, void *user)
{
	struct follow_log *f = user;

	(void)offset;
	(void)restarted;
	(void)err;
	f->polls++;
	if (len && f->len + len < sizeof f->text) {
		memcpy(f->text + f->len, data, len);
		f->len += len;
		f->text[f->len] = '\0';
	}
}

START_TEST(job_runs_completes_and_output_is_followed)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char name[128], *out_pattern, *out_path;
	struct gcr_slurm_submit req = { 0 };
	struct answer a = { 0 };
	struct gcr_error err;
	struct gcr_slurm_follow *f;
	struct follow_log log = { 0 };
	bool seen_live = false;

	unique_name(name, sizeof name, "ok");
	out_pattern = gcr_strdup_printf("%s/%s-%%j.out", jobs_dir, name);
	req.job_name = name;
	req.script = "#!/bin/sh\necho \"hello from $SLURM_JOB_NAME\"\nsleep 2\necho bye\n";
	req.partition = getenv("GCR_TESTBED_PARTITION");
	req.nodes = 1;
	req.ntasks_per_node = 1;
	req.time_limit_minutes = 5;
	req.output_path = out_pattern;
	submit(&loop, t, &req, &a);
	ck_assert_msg(a.code == GCR_OK, "sbatch: %s", a.message);
	ck_assert_int_gt(atoi(a.id), 0);

	out_path = gcr_strdup_printf("%s/%s-%s.out", jobs_dir, name, a.id);
	ck_assert_int_eq(gcr_slurm_follow_start(t, out_path, 0, 200, 0, on_output, &log, &f, &err),
			 GCR_OK);
	{
		char id[GCR_SLURM_ID_MAX];
		snprintf(id, sizeof id, "%s", a.id);
		wait_final(&loop, t, id, &a, &seen_live);
	}
	ck_assert(seen_live);
	ck_assert_int_eq(a.jobs.jobs[0].state, GCR_SLURM_COMPLETED);
	ck_assert_int_eq(a.jobs.jobs[0].exit_code, 0);
	ck_assert_str_eq(a.jobs.jobs[0].name, name);
	ck_assert_int_ge(a.jobs.jobs[0].elapsed_s, 2);
	ck_assert(a.jobs.jobs[0].start > 0 && a.jobs.jobs[0].end >= a.jobs.jobs[0].start);
	ck_assert_int_eq(a.jobs.jobs[0].nodes, 1);
	/* The last poll after the end gets the tail. */
	while (!strstr(log.text, "bye\n")) {
		gcr_slurm_follow_poll_now(f);
		sleep_on_loop(&loop, 100);
	}
	{
		char *want = gcr_strdup_printf("hello from %s\nbye\n", name);
		ck_assert_str_eq(log.text, want);
		free(want);
	}
	ck_assert_int_eq(gcr_slurm_follow_offset(f), (long long)log.len);
	gcr_slurm_follow_stop(f);
	gcr_slurm_job_list_free(&a.jobs);
	close_transport(&loop, t);
	unlink(out_path);
	free(out_path);
	free(out_pattern);
}
END_TEST

START_TEST(exit_7_is_failed_with_exit_code_7)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char name[128], id[GCR_SLURM_ID_MAX];
	struct answer a = { 0 };

	submit_script(&loop, t, "exit7", "#!/bin/sh\nexit 7\n", id, name, sizeof name);
	wait_final(&loop, t, id, &a, NULL);
	ck_assert_int_eq(a.jobs.jobs[0].state, GCR_SLURM_FAILED);
	ck_assert_int_eq(a.jobs.jobs[0].exit_code, 7);
	ck_assert_int_eq(a.jobs.jobs[0].exit_signal, 0);
	ck_assert_str_eq(a.jobs.jobs[0].reason, "NonZeroExitCode");
	gcr_slurm_job_list_free(&a.jobs);
	close_transport(&loop, t);
}
END_TEST

START_TEST(scancel_gives_cancelled)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char name[128], id[GCR_SLURM_ID_MAX];
	struct answer a = { 0 };
	struct gcr_error err;

	submit_script(&loop, t, "cancel", "#!/bin/sh\nsleep 300\n", id, name, sizeof name);
	ck_assert_int_eq(gcr_slurm_cancel(t, id, on_done, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	wait_final(&loop, t, id, &a, NULL);
	ck_assert_int_eq(a.jobs.jobs[0].state, GCR_SLURM_CANCELLED);
	gcr_slurm_job_list_free(&a.jobs);
	/* Cancelling it again is not an error. */
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(gcr_slurm_cancel(t, id, on_done, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	close_transport(&loop, t);
}
END_TEST

/* A job name and a directory full of shell metacharacters reach Slurm
 * unchanged, and nothing in them runs. */
START_TEST(metacharacters_arrive_unchanged_and_never_run)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char name[256], id[GCR_SLURM_ID_MAX], tag[64];
	char *pwned, *dir, *out_file;
	struct gcr_slurm_submit req = { 0 };
	struct answer a = { 0 };
	struct gcr_error err;
	struct stat st;

	snprintf(tag, sizeof tag, "%ld", (long)getpid());
	pwned = gcr_strdup_printf("%s/pwned-%s", jobs_dir, tag);
	unlink(pwned);
	snprintf(name, sizeof name, "it's \"%s\" $(touch %s); `touch %s` | & > <%s>", transport_name,
		 pwned, pwned, tag);
	dir = gcr_strdup_printf("%s/dir with 'quote' $(touch %s) ünï %s", jobs_dir, pwned, tag);
	{
		/* mkdir through the transport: the path is an argv element. */
		const char *argv[] = { "mkdir", "-p", "--", dir, NULL };
		struct gcr_run_request r = { .argv = argv };
		ck_assert_int_eq(gcr_transport_run(t, &r, on_ran, &a, NULL, &err), GCR_OK);
		wait_answer(&loop, &a);
		ck_assert_msg(a.code == GCR_OK && a.exit_status == 0, "mkdir: %s %s", a.message, a.out);
	}
	ck_assert_int_eq(stat(dir, &st), 0);
	req.job_name = name;
	req.script = "#!/bin/sh\npwd\nprintf '%s\\n' \"$SLURM_JOB_NAME\"\n";
	req.workdir = dir;
	req.output_path = "out $(x) %j.txt";
	submit(&loop, t, &req, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	snprintf(id, sizeof id, "%s", a.id);
	wait_final(&loop, t, id, &a, NULL);
	ck_assert_int_eq(a.jobs.jobs[0].state, GCR_SLURM_COMPLETED);
	ck_assert_str_eq(a.jobs.jobs[0].name, name);
	gcr_slurm_job_list_free(&a.jobs);

	/* The output file is where the quoted relative path says, and holds
	 * the directory and the name exactly. */
	out_file = gcr_strdup_printf("%s/out $(x) %s.txt", dir, id);
	{
		char *content = NULL, *want = gcr_strdup_printf("%s\n%s\n", dir, name);
		ck_assert_msg(gcr_read_file(out_file, &content, NULL, &err) == GCR_OK, "%s", err.message);
		ck_assert_str_eq(content, want);
		free(content);
		free(want);
	}
	/* Found again by exactly that name. */
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(gcr_slurm_find_by_name(t, name, 0, on_jobs, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	ck_assert_uint_eq(a.jobs.count, 1);
	ck_assert_str_eq(a.jobs.jobs[0].id, id);
	gcr_slurm_job_list_free(&a.jobs);

	ck_assert_msg(access(pwned, F_OK) != 0, "a metacharacter in a value was executed");
	unlink(out_file);
	rmdir(dir);
	close_transport(&loop, t);
	free(out_file);
	free(dir);
	free(pwned);
}
END_TEST

/* The exactly-once reconciliation: a job submitted under a name is found
 * by it; a name never submitted finds nothing. */
START_TEST(find_by_name_for_reconciliation)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char name[128], id[GCR_SLURM_ID_MAX], other[128];
	struct answer a = { 0 };
	struct gcr_error err;

	unique_name(other, sizeof other, "never-submitted");
	submit_script(&loop, t, "find", "#!/bin/sh\nsleep 1\n", id, name, sizeof name);

	ck_assert_int_eq(gcr_slurm_find_by_name(t, name, time(NULL) - 3600, on_jobs, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	ck_assert_uint_eq(a.jobs.count, 1);
	ck_assert_str_eq(a.jobs.jobs[0].id, id);
	ck_assert_str_eq(a.jobs.jobs[0].name, name);
	/* The test bed runs slurmdbd when its packages are there. */
	ck_assert_int_eq(a.jobs.accounting, getenv("GCR_TESTBED_ACCOUNTING") &&
			 strcmp(getenv("GCR_TESTBED_ACCOUNTING"), "1") == 0);
	gcr_slurm_job_list_free(&a.jobs);

	memset(&a, 0, sizeof a);
	ck_assert_int_eq(gcr_slurm_find_by_name(t, other, 0, on_jobs, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	ck_assert_uint_eq(a.jobs.count, 0);

	/* A job id nobody knows: NOT_FOUND, saying why. */
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(gcr_slurm_job_status(t, "987654", on_jobs, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_int_eq(a.code, GCR_ERR_NOT_FOUND);
	ck_assert_msg(strstr(a.message, "987654") && strstr(a.message, "sacct"), "%s", a.message);
	close_transport(&loop, t);
}
END_TEST

START_TEST(sbatch_errors_pass_through)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	struct gcr_slurm_submit req = { 0 };
	struct answer a = { 0 };

	req.job_name = "gcr-test-bad-partition";
	req.script = "#!/bin/sh\ntrue\n";
	req.partition = "no-such-partition";
	submit(&loop, t, &req, &a);
	ck_assert_int_eq(a.code, GCR_ERR_REMOTE);
	ck_assert_msg(strstr(a.message, "sbatch: error: invalid partition specified: no-such-partition"),
		      "%s", a.message);
	close_transport(&loop, t);
}
END_TEST

START_TEST(copy_puts_a_directory_on_the_cluster)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	char src[] = "/tmp/gcr-live-src.XXXXXX";
	char *file, *sub, *target, *copied, *content = NULL;
	struct answer a = { 0 };
	struct gcr_error err;

	ck_assert_ptr_nonnull(mkdtemp(src));
	sub = gcr_strdup_printf("%s/Run Dir", src);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	file = gcr_strdup_printf("%s/setCommonRunSettings.sh", sub);
	ck_assert_int_eq(gcr_write_file_atomic(file, "NUM_NODES=2\n", 12, 0644, &err), GCR_OK);
	target = gcr_strdup_printf("%s/copied $(x) %ld", jobs_dir, (long)getpid());
	ck_assert_int_eq(gcr_transport_copy(t, sub, target, on_done, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_msg(a.code == GCR_OK, "%s", a.message);
	copied = gcr_strdup_printf("%s/Run Dir/setCommonRunSettings.sh", target);
	ck_assert_int_eq(gcr_read_file(copied, &content, NULL, &err), GCR_OK);
	ck_assert_str_eq(content, "NUM_NODES=2\n");
	free(content);
	close_transport(&loop, t);
	{
		char *cmd = gcr_strdup_printf("rm -rf '%s' \"$(printf '%%s' '%s')\"", src, target);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	free(copied);
	free(target);
	free(file);
	free(sub);
}
END_TEST

START_TEST(unreachable_host_is_a_clear_error)
{
	uv_loop_t loop;
	struct gcr_transport *t;
	struct gcr_error err;
	struct answer a = { 0 };
	struct gcr_ssh_options o = {
		.destination = getenv("GCR_TESTBED_SSH_UNREACHABLE"),
		.config_file = getenv("GCR_TESTBED_SSH_CONFIG"),
		.control_dir = control_dir,
	};
	const char *argv[] = { "squeue", NULL };
	struct gcr_run_request r = { .argv = argv };

	uv_loop_init(&loop);
	ck_assert_int_eq(gcr_transport_ssh_new(&loop, &o, &t, &err), GCR_OK);
	ck_assert_int_eq(gcr_transport_run(t, &r, on_ran, &a, NULL, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_int_eq(a.code, GCR_ERR_NETWORK);
	ck_assert_msg(strstr(a.message, "cannot reach gcr-unreachable with ssh") &&
		      strstr(a.message, "Connection refused"), "%s", a.message);
	/* The same through the Slurm layer. */
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(gcr_slurm_job_status(t, "1", on_jobs, &a, &err), GCR_OK);
	wait_answer(&loop, &a);
	ck_assert_int_eq(a.code, GCR_ERR_NETWORK);
	close_transport(&loop, t);
}
END_TEST

/* Many commands, one connection: after the first, ssh reuses the master;
 * closing the transport ends it. */
START_TEST(ssh_connection_is_shared_and_closed)
{
	uv_loop_t loop;
	struct gcr_transport *t = open_transport(&loop);
	struct answer a = { 0 };
	struct gcr_error err;
	const char *argv[] = { "sinfo", "-h", "-o", "%T", NULL };
	struct gcr_run_request r = { .argv = argv };
	char *check;

	for (int i = 0; i < 5; i++) {
		memset(&a, 0, sizeof a);
		ck_assert_int_eq(gcr_transport_run(t, &r, on_ran, &a, NULL, &err), GCR_OK);
		wait_answer(&loop, &a);
		ck_assert_msg(a.code == GCR_OK && a.exit_status == 0, "%s %s", a.message, a.out);
	}
	check = gcr_strdup_printf("ssh -F '%s' -o ControlPath='%s/%%C' -O check %s 2>/dev/null",
				  getenv("GCR_TESTBED_SSH_CONFIG"), control_dir,
				  getenv("GCR_TESTBED_SSH_HOST"));
	ck_assert_msg(system(check) == 0, "no shared ssh connection is running");
	close_transport(&loop, t);
	ck_assert_msg(system(check) != 0, "the shared ssh connection outlived the transport");
	free(check);
}
END_TEST

int main(void)
{
	const char *transport = transport_name = getenv("GCR_TEST_TRANSPORT");
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int failed;

	jobs_dir = getenv("GCR_TESTBED_JOBS");
	if (!jobs_dir || !getenv("SLURM_CONF") || !transport) {
		fprintf(stderr, "check_slurm_live: no test bed (run it through tests/scripts/slurm-live.sh)\n");
		return 77;
	}
	use_ssh = strcmp(transport, "ssh") == 0;
	use_ssm = strcmp(transport, "ssm") == 0;
	if (use_ssm && !getenv("AWS_ENDPOINT_URL_SSM")) {
		fprintf(stderr, "check_slurm_live: no AWS test server for SSM\n");
		return 77;
	}
	if (use_ssh && (!getenv("GCR_TESTBED_SSH_CONFIG") || !getenv("GCR_TESTBED_SSH_HOST"))) {
		fprintf(stderr, "check_slurm_live: the test bed has no sshd\n");
		return 77;
	}
	snprintf(control_dir, sizeof control_dir, "/tmp/gcr-cm-%ld", (long)getpid());
	s = suite_create(use_ssh ? "slurm over ssh" : use_ssm ? "slurm over SSM" : "slurm locally");
	tc = tcase_create("live");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, job_runs_completes_and_output_is_followed);
	tcase_add_test(tc, exit_7_is_failed_with_exit_code_7);
	tcase_add_test(tc, scancel_gives_cancelled);
	tcase_add_test(tc, metacharacters_arrive_unchanged_and_never_run);
	tcase_add_test(tc, find_by_name_for_reconciliation);
	tcase_add_test(tc, sbatch_errors_pass_through);
	tcase_add_test(tc, copy_puts_a_directory_on_the_cluster);
	if (use_ssh) {
		tcase_add_test(tc, unreachable_host_is_a_clear_error);
		tcase_add_test(tc, ssh_connection_is_shared_and_closed);
	}
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rmdir(control_dir);
	return failed == 0 ? 0 : 1;
}
