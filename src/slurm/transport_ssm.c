/* transport_ssm.c: commands run on a ParallelCluster head node through AWS
 * Systems Manager Run Command, as AWS's own ParallelCluster UI does: no
 * SSH keys, no open port, only the IAM permissions ssm:SendCommand and
 * ssm:GetCommandInvocation.
 *
 * One command = SendCommand(AWS-RunShellScript) with ONE script line
 *     runuser -l USER -c '<cd DIR && argv, each word quoted>'
 * (or `sh -c '...'` when no user is set: the agent runs as root), then
 * GetCommandInvocation polled on a uv timer until the status is final.
 * stdin (a batch script, a tar archive) travels inside the line as base64:
 *     printf %s '<base64>' | base64 -d | runuser -l USER -c '...'
 * so it is limited (SSM_MAX_STDIN); bigger files go through S3.  SSM keeps
 * at most 24 000 characters of a command's output: longer output comes back
 * cut, with out_truncated set.
 *
 * SendCommand is not idempotent and the client never repeats it after an
 * unknown outcome; such a failure is GCR_ERR_NETWORK ("may have run"), and
 * the Slurm layer reconciles by job name as after any lost sbatch answer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws/ssm.h"
#include "i18n.h"
#include "paths.h"
#include "slurm/shell.h"
#include "slurm/transport_impl.h"
#include "slurm/transport_ssm.h"

#define SSM_MAX_STDIN (24 * 1024)
#define SSM_MAX_OUTPUT 24000
#define FIRST_POLL_MS 300
#define NOT_YET_LIMIT 40        /* InvocationDoesNotExist answers tolerated */

struct ssm_impl {
	struct gcr_aws *aws;
	char *instance_id;
	char *user;
	unsigned poll_ms;
};

struct ssm_op {
	struct gcr_transport_op *op;
	struct gcr_transport *t;
	uv_timer_t timer;
	bool timer_open;
	struct gcr_aws_call *call;    /* in flight */
	char *command_id;
	uint64_t deadline;            /* uv_now() + timeout */
	unsigned poll_ms;
	int not_yet;
	bool abandoned;               /* the transport let go: no finish */
	bool cancelled;               /* gcr_transport_cancel: finish at the next tick */
	bool finished;
};

static void ssm_op_maybe_free(struct ssm_op *s)
{
	if (s->finished && !s->timer_open && !s->call) {
		free(s->command_id);
		free(s);
	}
}

static void on_timer_closed(uv_handle_t *h)
{
	struct ssm_op *s = h->data;

	s->timer_open = false;
	ssm_op_maybe_free(s);
}

/* Ends the op: the user callback (unless abandoned), then cleanup. */
static void ssm_finish(struct ssm_op *s, int exit_status, const char *out, const char *err_text,
		       const struct gcr_error *error)
{
	struct gcr_run_result r = { .exit_status = exit_status, .out = out ? out : "",
				    .err = err_text ? err_text : "" };
	struct gcr_transport_op *op = s->op;

	if (s->finished)
		return;
	s->finished = true;
	r.out_len = strlen(r.out);
	r.err_len = strlen(r.err);
	r.out_truncated = r.out_len >= SSM_MAX_OUTPUT;
	r.err_truncated = r.err_len >= SSM_MAX_OUTPUT;
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, on_timer_closed);
	if (!s->abandoned) {
		op->impl = NULL;
		gcr_transport_op_finish(op, &r, error);
	}
	ssm_op_maybe_free(s);
}

static void poll_later(struct ssm_op *s);

static void finish_cancelled(struct ssm_op *s)
{
	struct gcr_error e;

	gcr_error_set(&e, GCR_ERR_CANCELLED,
		      _("%s: cancelled (a command already sent keeps running on the head node)"),
		      s->t->description);
	ssm_finish(s, -1, NULL, NULL, &e);
}

/* An AWS call of s answered: false when nobody waits for it any more
 * (finished, abandoned: s may be freed now) or the op was cancelled. */
static bool answer_wanted(struct ssm_op *s)
{
	s->call = NULL;
	if (s->finished || s->abandoned) {
		ssm_op_maybe_free(s);
		return false;
	}
	if (s->cancelled) {
		finish_cancelled(s);
		return false;
	}
	return true;
}

static void on_invocation(enum gcr_status st, const struct gcr_error *err,
			  const struct gcr_ssm_invocation *inv, void *data)
{
	struct ssm_op *s = data;
	struct gcr_error e;

	if (!answer_wanted(s))
		return;
	if (st == GCR_ERR_NOT_FOUND && ++s->not_yet <= NOT_YET_LIMIT) {
		/* Right after SendCommand the invocation may not exist yet. */
		poll_later(s);
		return;
	}
	if (st != GCR_OK) {
		e = *err;
		gcr_error_prefix(&e, _("%s: reading the command's result"), s->t->description);
		ssm_finish(s, -1, NULL, NULL, &e);
		return;
	}
	if (strcmp(inv->status, "Pending") == 0 || strcmp(inv->status, "InProgress") == 0 ||
	    strcmp(inv->status, "Delayed") == 0 || strcmp(inv->status, "Cancelling") == 0) {
		poll_later(s);
		return;
	}
	gcr_error_clear(&e);
	if (strcmp(inv->status, "Success") == 0 ||
	    (strcmp(inv->status, "Failed") == 0 && inv->response_code >= 0)) {
		/* The command ran; its own exit status says how it went. */
		ssm_finish(s, strcmp(inv->status, "Success") == 0 ? 0 : inv->response_code,
			   inv->standard_output, inv->standard_error, &e);
		return;
	}
	gcr_error_set(&e, strcmp(inv->status, "TimedOut") == 0 ? GCR_ERR_CANCELLED : GCR_ERR_REMOTE,
		      _("%s: the command ended as %s (%s)"), s->t->description, inv->status,
		      *inv->status_details ? inv->status_details : _("no details"));
	ssm_finish(s, -1, inv->standard_output, inv->standard_error, &e);
}

static void on_poll_timer(uv_timer_t *timer)
{
	struct ssm_op *s = timer->data;
	struct ssm_impl *impl = s->t->impl;
	struct gcr_error e;

	if (s->cancelled) {
		finish_cancelled(s);
		return;
	}
	if (s->call)
		return;   /* SendCommand has not answered yet; it restarts polling */
	if (uv_now(timer->loop) >= s->deadline) {
		gcr_error_set(&e, GCR_ERR_CANCELLED,
			      _("%s: no result in time (the command may still be running on the head node)"),
			      s->t->description);
		ssm_finish(s, -1, NULL, NULL, &e);
		return;
	}
	s->call = gcr_ssm_get_command_invocation(impl->aws, s->command_id, impl->instance_id,
						 on_invocation, s);
}

static void poll_later(struct ssm_op *s)
{
	uv_timer_start(&s->timer, on_poll_timer, s->poll_ms, 0);
	/* Back off slowly: quick answers for quick commands, few calls for
	 * long ones (GetCommandInvocation is throttled per account). */
	if (s->poll_ms < 5000)
		s->poll_ms += s->poll_ms / 2;
}

static void on_sent(enum gcr_status st, const struct gcr_error *err, const char *command_id,
		    void *data)
{
	struct ssm_op *s = data;
	struct gcr_error e;

	if (!answer_wanted(s))
		return;
	if (st != GCR_OK) {
		e = *err;
		/* An unknown outcome: the command may be running anyway. */
		if (e.code != GCR_ERR_CANCELLED && e.code != GCR_ERR_AUTH && e.code != GCR_ERR_INVALID &&
		    e.code != GCR_ERR_REMOTE)
			e.code = GCR_ERR_NETWORK;
		gcr_error_prefix(&e, _("%s: SendCommand"), s->t->description);
		ssm_finish(s, -1, NULL, NULL, &e);
		return;
	}
	s->command_id = strdup(command_id);
	if (!s->command_id)
		abort();
	uv_timer_start(&s->timer, on_poll_timer, FIRST_POLL_MS, 0);
}

bool gcr_ssm_instance_id_valid(const char *id)
{
	const char *hex = NULL;
	size_t n;

	if (strncmp(id, "i-", 2) == 0)
		hex = id + 2;
	else if (strncmp(id, "mi-", 3) == 0)
		hex = id + 3;
	if (!hex)
		return false;
	n = strlen(hex);
	return n >= 8 && n <= 17 && strspn(hex, "0123456789abcdef") == n;
}

static char *base64(const char *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (!out)
		abort();
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
	return out;
}

char *gcr_transport_ssm_script(const char *user, const struct gcr_run_request *req)
{
	char *inner = gcr_transport_command_line(req, false);
	char *quoted = gcr_shell_quote(inner);
	char *runner, *line;

	if (user && *user) {
		char *u = gcr_shell_quote(user);
		runner = gcr_strdup_printf("runuser -l %s -c %s", u, quoted);
		free(u);
	} else {
		runner = gcr_strdup_printf("sh -c %s", quoted);
	}
	if (req->stdin_data) {
		char *b64 = base64(req->stdin_data, req->stdin_len);
		/* base64's alphabet needs no quoting; quote it anyway. */
		char *q = gcr_shell_quote(b64);
		line = gcr_strdup_printf("printf %%s %s | base64 -d | %s", q, runner);
		free(q);
		free(b64);
	} else {
		line = gcr_strdup_printf("%s </dev/null", runner);
	}
	free(runner);
	free(quoted);
	free(inner);
	return line;
}

static enum gcr_status ssm_start(struct gcr_transport *t, struct gcr_transport_op *op,
				 const struct gcr_run_request *req, int stdin_fd,
				 struct gcr_error *err)
{
	struct ssm_impl *impl = t->impl;
	struct ssm_op *s;
	char *line;
	const char *lines[1];
	unsigned timeout_ms = req->timeout_ms ? req->timeout_ms : 120 * 1000;

	(void)stdin_fd;
	s = calloc(1, sizeof *s);
	if (!s)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	s->op = op;
	s->t = t;
	s->poll_ms = impl->poll_ms;
	uv_timer_init(t->loop, &s->timer);
	s->timer.data = s;
	s->timer_open = true;
	s->deadline = uv_now(t->loop) + timeout_ms;
	op->impl = s;
	line = gcr_transport_ssm_script(impl->user, req);
	lines[0] = line;
	/* SSM's own timeout is a whole number of seconds, at least 30. */
	s->call = gcr_ssm_send_command(impl->aws, impl->instance_id, lines, 1, "gcrunner",
				       (int)(timeout_ms / 1000 < 30 ? 30 : timeout_ms / 1000),
				       on_sent, s);
	free(line);
	return GCR_OK;
}

static void ssm_cancel(struct gcr_transport_op *op)
{
	struct ssm_op *s = op->impl;

	if (!s || s->finished)
		return;
	/* Like the other transports, the callback comes later from the loop,
	 * not from inside this call. */
	s->cancelled = true;
	uv_timer_start(&s->timer, on_poll_timer, 0, 0);
}

static void ssm_abandon(struct gcr_transport_op *op)
{
	struct ssm_op *s = op->impl;

	if (!s)
		return;
	s->abandoned = true;
	op->impl = NULL;
	if (!s->finished)
		ssm_finish(s, -1, NULL, NULL, NULL);
	/* The AWS client runs this call's callback when it is cancelled or
	 * when it answers; either way s is freed then. */
}

static void ssm_destroy(struct gcr_transport *t)
{
	struct ssm_impl *impl = t->impl;

	free(impl->instance_id);
	free(impl->user);
	free(impl);
}

static const struct gcr_transport_vtable ssm_vtable = {
	.kind = GCR_TRANSPORT_SSM,
	.start = ssm_start,
	.cancel = ssm_cancel,
	.abandon = ssm_abandon,
	.destroy = ssm_destroy,
	.stdin_fd_ok = false,
	.max_stdin = SSM_MAX_STDIN,
	.max_stdout = SSM_MAX_OUTPUT,
};

enum gcr_status gcr_transport_ssm_new(uv_loop_t *loop, const struct gcr_ssm_options *opts,
				      struct gcr_transport **out, struct gcr_error *err)
{
	struct ssm_impl *impl;
	char *desc;

	*out = NULL;
	if (!opts || !opts->aws)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("the SSM transport needs an AWS client"));
	if (!opts->instance_id || !gcr_ssm_instance_id_valid(opts->instance_id))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not an EC2 instance id (like i-0123456789abcdef0)"),
				     opts->instance_id ? opts->instance_id : "");
	if (opts->user && *opts->user &&
	    strspn(opts->user, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(opts->user))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not a user name (lower-case letters, digits, '_', '.', '-')"),
				     opts->user);
	impl = calloc(1, sizeof *impl);
	if (!impl)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	impl->aws = opts->aws;
	impl->instance_id = strdup(opts->instance_id);
	impl->user = strdup(opts->user ? opts->user : "");
	impl->poll_ms = opts->poll_ms ? opts->poll_ms : 1000;
	if (*impl->user)
		desc = gcr_strdup_printf(_("SSM %s as %s"), impl->instance_id, impl->user);
	else
		desc = gcr_strdup_printf(_("SSM %s"), impl->instance_id);
	*out = gcr_transport_alloc(loop, &ssm_vtable, desc, impl);
	free(desc);
	return GCR_OK;
}
