/* transport.c: what every transport shares -- operations in flight, the
 * remote command line, copying by tar, closing. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "slurm/shell.h"
#include "slurm/transport_impl.h"

/* --- argv and command lines --- */

void gcr_argv_free(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void gcr_argv_add(struct gcr_argv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = realloc(a->v, a->cap * sizeof *a->v);
		if (!a->v)
			abort();
	}
	a->v[a->n] = strdup(s);
	if (!a->v[a->n])
		abort();
	a->n++;
	a->v[a->n] = NULL;
}

void gcr_argv_addf(struct gcr_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	gcr_argv_add(a, s);
	free(s);
}

char *gcr_transport_command_line(const struct gcr_run_request *req, bool login_shell)
{
	char *cmd = gcr_shell_join(req->argv);
	char *line;

	if (req->cwd && *req->cwd) {
		char *dir = gcr_shell_quote(req->cwd);
		line = gcr_strdup_printf("cd -- %s && %s", dir, cmd);
		free(dir);
		free(cmd);
		cmd = line;
	}
	if (login_shell) {
		/* The user's own shell as a login shell, as `runuser -l` does on
		 * ParallelCluster: /etc/profile puts Slurm on PATH and defines
		 * `module`.  The inner command is one quoted word. */
		char *inner = gcr_shell_quote(cmd);
		line = gcr_strdup_printf("exec \"${SHELL:-/bin/sh}\" -l -c %s", inner);
		free(inner);
		free(cmd);
		cmd = line;
	}
	return cmd;
}

/* --- transports and their operations --- */

struct gcr_transport *gcr_transport_alloc(uv_loop_t *loop,
					  const struct gcr_transport_vtable *vt,
					  const char *description, void *impl)
{
	struct gcr_transport *t = calloc(1, sizeof *t);

	if (!t)
		abort();
	t->vt = vt;
	t->loop = loop;
	t->description = strdup(description);
	if (!t->description)
		abort();
	t->impl = impl;
	return t;
}

enum gcr_transport_kind gcr_transport_kind(const struct gcr_transport *t)
{
	return t->vt->kind;
}

const char *gcr_transport_describe(const struct gcr_transport *t)
{
	return t->description;
}

uv_loop_t *gcr_transport_loop(const struct gcr_transport *t)
{
	return t->loop;
}

size_t gcr_transport_max_stdin(const struct gcr_transport *t)
{
	return t->vt->max_stdin;
}

size_t gcr_transport_max_stdout(const struct gcr_transport *t)
{
	return t->vt->max_stdout;
}

static void op_unlink(struct gcr_transport_op *op)
{
	struct gcr_transport *t = op->t;

	if (op->prev)
		op->prev->next = op->next;
	else if (t->ops == op)
		t->ops = op->next;
	if (op->next)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
}

void gcr_transport_op_finish(struct gcr_transport_op *op,
			     const struct gcr_run_result *result,
			     const struct gcr_error *error)
{
	/* The callback may close the transport: touch neither it nor op's
	 * links afterwards. */
	op_unlink(op);
	if (op->cb)
		op->cb(result, error, op->data);
	free(op);
}

static enum gcr_status start_op(struct gcr_transport *t, const struct gcr_run_request *req,
				int stdin_fd, gcr_run_cb cb, void *data,
				struct gcr_transport_op **out, struct gcr_error *err)
{
	struct gcr_transport_op *op;
	enum gcr_status st;

	if (out)
		*out = NULL;
	if (t->closing)
		return gcr_error_set(err, GCR_ERR_CANCELLED, _("%s: connection is closing"),
				     t->description);
	if (!req || !req->argv || !req->argv[0] || !*req->argv[0])
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("no command to run"));
	if (t->vt->max_stdin && req->stdin_len > t->vt->max_stdin)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%s: input of %zu bytes is larger than the %zu bytes this transport carries"),
				     t->description, req->stdin_len, t->vt->max_stdin);
	op = calloc(1, sizeof *op);
	if (!op)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	op->t = t;
	op->cb = cb;
	op->data = data;
	op->next = t->ops;
	if (t->ops)
		t->ops->prev = op;
	t->ops = op;
	if (gcr_log_enabled()) {
		char *line = gcr_shell_join(req->argv);
		gcr_log_debug("%s: %s%s", t->description, line,
			      req->stdin_data ? " (with stdin)" : "");
		free(line);
	}
	st = t->vt->start(t, op, req, stdin_fd, err);
	if (st != GCR_OK) {
		op_unlink(op);
		free(op);
		return st;
	}
	if (out)
		*out = op;
	return GCR_OK;
}

enum gcr_status gcr_transport_run(struct gcr_transport *t,
				  const struct gcr_run_request *req,
				  gcr_run_cb cb, void *data,
				  struct gcr_transport_op **op,
				  struct gcr_error *err)
{
	return start_op(t, req, -1, cb, data, op, err);
}

void gcr_transport_cancel(struct gcr_transport_op *op)
{
	if (op)
		op->t->vt->cancel(op);
}

/* --- process-backed operations (local and ssh) --- */

struct spawn_ctx {
	struct gcr_transport_op *op;
	gcr_process_interpret interpret;
	char *program;
};

static void on_process_done(const struct gcr_process_result *r, void *data)
{
	struct spawn_ctx *ctx = data;
	struct gcr_transport_op *op = ctx->op;
	struct gcr_run_result res;
	struct gcr_error err;

	gcr_error_clear(&err);
	op->proc = NULL;
	memset(&res, 0, sizeof res);
	res.exit_status = r->exit_status;
	res.out = r->out;
	res.out_len = r->out_len;
	res.out_truncated = r->out_truncated;
	res.err = r->err;
	res.err_len = r->err_len;
	res.err_truncated = r->err_truncated;
	if (r->cancelled && !r->timed_out)
		gcr_error_set(&err, GCR_ERR_CANCELLED, _("%s: cancelled"), op->t->description);
	else if (r->timed_out)
		gcr_error_set(&err, GCR_ERR_CANCELLED, _("%s: %s did not finish in time and was stopped"),
			      op->t->description, ctx->program);
	else if (ctx->interpret)
		ctx->interpret(op->t, r, &err);
	if (err.code == GCR_OK && r->term_signal)
		gcr_error_set(&err, GCR_ERR_IO, _("%s: %s was ended by signal %d"),
			      op->t->description, ctx->program, r->term_signal);
	free(ctx->program);
	free(ctx);
	op->impl = NULL;
	gcr_transport_op_finish(op, &res, &err);
}

enum gcr_status gcr_transport_spawn(struct gcr_transport *t, struct gcr_transport_op *op,
				    const char *const *argv, const char *cwd,
				    const struct gcr_run_request *req, int stdin_fd,
				    gcr_process_interpret interpret,
				    struct gcr_error *err)
{
	struct gcr_process_opts po = GCR_PROCESS_OPTS_INIT;
	struct spawn_ctx *ctx = calloc(1, sizeof *ctx);
	enum gcr_status st;

	(void)t;
	if (!ctx)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	ctx->op = op;
	ctx->interpret = interpret;
	ctx->program = strdup(req->argv[0]);
	po.cwd = cwd;
	po.stdin_fd = stdin_fd;
	if (stdin_fd < 0 && req->stdin_data) {
		po.stdin_data = req->stdin_data;
		po.stdin_len = req->stdin_len;
	}
	po.max_stdout = req->max_stdout;
	po.max_stderr = req->max_stderr;
	po.timeout_ms = req->timeout_ms;
	st = gcr_process_run(t->loop, argv, &po, on_process_done, ctx, &op->proc, err);
	if (st != GCR_OK) {
		free(ctx->program);
		free(ctx);
	} else {
		op->impl = ctx;
	}
	return st;
}

void gcr_transport_process_cancel(struct gcr_transport_op *op)
{
	if (op->proc)
		gcr_process_cancel(op->proc);
}

void gcr_transport_process_abandon(struct gcr_transport_op *op)
{
	/* The runner will not call back, so its context is freed here. */
	struct spawn_ctx *ctx = op->impl;

	if (op->proc) {
		gcr_process_abandon(op->proc);
		op->proc = NULL;
	}
	if (ctx) {
		free(ctx->program);
		free(ctx);
		op->impl = NULL;
	}
}

/* --- copy: a tar stream from here to there --- */

/* Fixed scripts; the directory comes in as "$1", never pasted in. */
static const char untar_script[] = "mkdir -p -- \"$1\" && exec tar -x -f - -C \"$1\"";
static const char untar_gz_script[] = "mkdir -p -- \"$1\" && exec tar -x -z -f - -C \"$1\"";

struct copy_op {
	struct gcr_transport *t;
	struct copy_op *next;
	gcr_done_cb cb;
	void *data;
	char *remote_dir;
	char *local_path;
	struct gcr_process *tar;
	struct gcr_transport_op *remote;
	bool tar_done, remote_done;
	struct gcr_error err;     /* the first failure */
};

static void copy_unlink(struct copy_op *c)
{
	struct copy_op **pp;

	for (pp = &c->t->copies; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->next = NULL;
}

static void copy_free(struct copy_op *c)
{
	free(c->remote_dir);
	free(c->local_path);
	free(c);
}

static void copy_maybe_done(struct copy_op *c)
{
	if (!c->tar_done || !c->remote_done)
		return;
	copy_unlink(c);
	if (c->cb)
		c->cb(&c->err, c->data);
	copy_free(c);
}

static void copy_fail(struct copy_op *c, const struct gcr_error *e)
{
	if (c->err.code == GCR_OK && e && e->code != GCR_OK)
		c->err = *e;
}

static void on_copy_remote(const struct gcr_run_result *r, const struct gcr_error *e, void *data)
{
	struct copy_op *c = data;

	c->remote = NULL;
	c->remote_done = true;
	if (e->code != GCR_OK) {
		copy_fail(c, e);
	} else if (r->exit_status != 0) {
		struct gcr_error x;
		char line[512];
		gcr_last_line(r->err, r->err_len, line, sizeof line);
		gcr_error_set(&x, GCR_ERR_REMOTE, _("cannot unpack into %s on %s: %s"),
			      c->remote_dir, c->t->description,
			      *line ? line : _("tar failed"));
		copy_fail(c, &x);
	}
	if (c->tar && c->err.code != GCR_OK)
		gcr_process_cancel(c->tar);
	copy_maybe_done(c);
}

static void on_copy_tar(const struct gcr_process_result *r, void *data)
{
	struct copy_op *c = data;
	bool streamed = c->t->vt->stdin_fd_ok;
	struct gcr_error x;

	c->tar = NULL;
	c->tar_done = true;
	if (r->exit_status != 0 && !r->cancelled) {
		char line[512];
		gcr_last_line(r->err, r->err_len, line, sizeof line);
		gcr_error_set(&x, GCR_ERR_IO, _("cannot pack %s: %s"), c->local_path,
			      *line ? line : _("tar failed"));
		copy_fail(c, &x);
		if (c->remote)
			gcr_transport_cancel(c->remote);
		if (!streamed)
			c->remote_done = true;
	} else if (!streamed) {
		/* Not streamed: the archive is in memory and goes as stdin. */
		const char *argv[] = { "sh", "-c", untar_gz_script, "sh", c->remote_dir, NULL };
		struct gcr_run_request req = { .argv = argv, .timeout_ms = 600 * 1000 };

		if (r->out_truncated || r->cancelled) {
			if (!r->cancelled)
				gcr_error_set(&x, GCR_ERR_INVALID,
					      _("%s is too large to copy through %s (more than %zu bytes compressed); put it in S3 instead"),
					      c->local_path, c->t->description, c->t->vt->max_stdin);
			else
				gcr_error_set(&x, GCR_ERR_CANCELLED, _("%s: cancelled"), c->t->description);
			copy_fail(c, &x);
			c->remote_done = true;
		} else {
			req.stdin_data = r->out;
			req.stdin_len = r->out_len;
			if (start_op(c->t, &req, -1, on_copy_remote, c, &c->remote, &x) != GCR_OK) {
				copy_fail(c, &x);
				c->remote_done = true;
			}
		}
	}
	copy_maybe_done(c);
}

enum gcr_status gcr_transport_copy(struct gcr_transport *t,
				   const char *local_path, const char *remote_dir,
				   gcr_done_cb cb, void *data,
				   struct gcr_error *err)
{
	struct gcr_process_opts po = GCR_PROCESS_OPTS_INIT;
	struct copy_op *c;
	char *parent, *name, *slash;
	int fds[2] = { -1, -1 };
	bool stream = t->vt->stdin_fd_ok;
	enum gcr_status st;

	if (!local_path || !*local_path || !remote_dir || !*remote_dir)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("copy needs a local path and a remote directory"));
	if (access(local_path, R_OK) != 0)
		return gcr_error_set(err, errno == ENOENT ? GCR_ERR_NOT_FOUND : GCR_ERR_IO,
				     _("cannot read %s: %s"), local_path, strerror(errno));
	c = calloc(1, sizeof *c);
	if (!c)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	c->t = t;
	c->cb = cb;
	c->data = data;
	c->remote_dir = strdup(remote_dir);
	c->local_path = strdup(local_path);
	gcr_error_clear(&c->err);

	/* tar -C parent -- name: the archive holds just "name/...". */
	parent = strdup(local_path);
	while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
		parent[strlen(parent) - 1] = '\0';
	slash = strrchr(parent, '/');
	if (!slash) {
		name = strdup(parent);
		strcpy(parent, ".");
	} else {
		name = strdup(slash + 1);
		if (slash == parent)
			slash[1] = '\0';
		else
			*slash = '\0';
	}

	if (stream) {
		const char *rargv[] = { "sh", "-c", untar_script, "sh", remote_dir, NULL };
		struct gcr_run_request req = { .argv = rargv, .timeout_ms = 600 * 1000 };
		int rc = uv_pipe(fds, 0, 0);

		if (rc != 0) {
			st = gcr_error_set(err, GCR_ERR_IO, _("cannot create a pipe: %s"), uv_strerror(rc));
			goto fail;
		}
		st = start_op(t, &req, fds[0], on_copy_remote, c, &c->remote, err);
		if (st != GCR_OK)
			goto fail;
		po.stdout_fd = fds[1];
	} else {
		/* Compressed into memory, one byte over the limit to notice. */
		po.max_stdout = t->vt->max_stdin + 1;
	}
	{
		const char *targv[] = { "tar", stream ? "-c" : "-cz", "-f", "-", "-C", parent,
					"--", name, NULL };
		po.timeout_ms = 600 * 1000;
		st = gcr_process_run(t->loop, targv, &po, on_copy_tar, c, &c->tar, err);
	}
	if (st != GCR_OK) {
		if (c->remote) {
			/* The remote side waits for a stream that will not come. */
			struct gcr_transport_op *op = c->remote;
			t->vt->abandon(op);
			op_unlink(op);
			free(op);
		}
		goto fail;
	}
	if (fds[0] >= 0) {
		/* The children hold their ends now. */
		close(fds[0]);
		close(fds[1]);
	}
	free(parent);
	free(name);
	c->next = t->copies;
	t->copies = c;
	return GCR_OK;
fail:
	if (fds[0] >= 0) {
		close(fds[0]);
		close(fds[1]);
	}
	free(parent);
	free(name);
	copy_free(c);
	return st;
}

/* --- closing --- */

static void after_shutdown(struct gcr_transport *t)
{
	gcr_done_cb cb = t->close_cb;
	void *data = t->close_data;
	struct gcr_error ok;

	t->vt->destroy(t);
	free(t->description);
	free(t);
	gcr_error_clear(&ok);
	if (cb)
		cb(&ok, data);
}

void gcr_transport_close(struct gcr_transport *t, gcr_done_cb done, void *data)
{
	struct gcr_run_result none = { .exit_status = -1, .out = "", .err = "" };
	struct gcr_error cancelled;

	if (!t || t->closing)
		return;
	t->closing = true;
	t->close_cb = done;
	t->close_data = data;
	gcr_error_set(&cancelled, GCR_ERR_CANCELLED, _("%s: connection closed"), t->description);
	/* Local halves of copies first: a copy whose remote half never
	 * started is finished here, the others when their remote op is. */
	for (struct copy_op *c = t->copies, *next; c; c = next) {
		next = c->next;
		if (c->tar) {
			gcr_process_abandon(c->tar);
			c->tar = NULL;
			c->tar_done = true;
			copy_fail(c, &cancelled);
		}
		if (!c->remote)
			c->remote_done = true;
		copy_maybe_done(c);
	}
	/* Every callback still runs, exactly once, with CANCELLED: callers
	 * free their state there.  New commands are refused meanwhile. */
	while (t->ops) {
		struct gcr_transport_op *op = t->ops;
		t->vt->abandon(op);
		gcr_transport_op_finish(op, &none, &cancelled);
	}
	if (t->vt->shutdown)
		t->vt->shutdown(t, after_shutdown);
	else
		after_shutdown(t);
}
