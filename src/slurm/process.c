/* process.c: one child process on the libuv loop, its output collected.
 *
 * Life of a run: spawn (own session) -> feed stdin, read stdout/stderr ->
 * exit callback -> wait for both pipes' EOF (a grandchild may hold them: we
 * wait at most PIPE_GRACE_MS after the exit) -> user callback -> close every
 * handle -> free when the last close callback has run. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "slurm/process.h"

#define KILL_GRACE_MS 2000   /* SIGTERM to SIGKILL */
#define PIPE_GRACE_MS 1000   /* exit to "stop waiting for EOF" */
#define READ_CHUNK 65536

enum phase { PHASE_RUNNING, PHASE_KILLING, PHASE_DRAINING };

struct gcr_process;

struct stream {
	uv_pipe_t pipe;
	struct gcr_process *owner;
	bool open;      /* initialised and not yet closed */
	bool reading;   /* EOF not seen yet */
	char *buf;
	size_t len, cap, max;
	bool truncated;
	char chunk[READ_CHUNK];
};

struct gcr_process {
	uv_loop_t *loop;
	uv_process_t proc;
	bool proc_open;
	uv_timer_t timer;
	bool timer_open;
	enum phase phase;

	uv_pipe_t in;
	bool in_open;
	char *in_data;
	size_t in_len;
	uv_write_t write_req;
	uv_shutdown_t shutdown_req;

	struct stream out, err;

	bool exited, finished, abandoned;
	int exit_status, term_signal;
	bool timed_out, cancelled;
	int open_handles;

	gcr_process_cb cb;
	void *data;
};

static void ignore_sigpipe_once(void)
{
	static bool done;
	struct sigaction sa;

	/* Writing a batch script to a child that already exited must give EPIPE,
	 * not kill the program. */
	if (done)
		return;
	done = true;
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

static void maybe_free(struct gcr_process *p)
{
	if (p->open_handles == 0 && p->finished) {
		free(p->in_data);
		free(p->out.buf);
		free(p->err.buf);
		free(p);
	}
}

static void on_handle_closed(uv_handle_t *h)
{
	struct gcr_process *p = h->data;

	p->open_handles--;
	maybe_free(p);
}

static void close_handle(struct gcr_process *p, uv_handle_t *h, bool *open)
{
	if (*open) {
		*open = false;
		h->data = p;
		uv_close(h, on_handle_closed);
	}
}

static void close_all(struct gcr_process *p)
{
	close_handle(p, (uv_handle_t *)&p->in, &p->in_open);
	close_handle(p, (uv_handle_t *)&p->out.pipe, &p->out.open);
	close_handle(p, (uv_handle_t *)&p->err.pipe, &p->err.open);
	close_handle(p, (uv_handle_t *)&p->timer, &p->timer_open);
	close_handle(p, (uv_handle_t *)&p->proc, &p->proc_open);
}

static void finish(struct gcr_process *p)
{
	struct gcr_process_result r;

	if (p->finished)
		return;
	p->finished = true;
	if (!p->abandoned && p->cb) {
		memset(&r, 0, sizeof r);
		r.exit_status = p->exit_status;
		r.term_signal = p->term_signal;
		r.timed_out = p->timed_out;
		r.cancelled = p->cancelled;
		r.out = p->out.buf ? p->out.buf : (char *)"";
		r.out_len = p->out.len;
		r.out_truncated = p->out.truncated;
		r.err = p->err.buf ? p->err.buf : (char *)"";
		r.err_len = p->err.len;
		r.err_truncated = p->err.truncated;
		p->cb(&r, p->data);
	}
	close_all(p);
	maybe_free(p);
}

static void maybe_finish(struct gcr_process *p)
{
	if (p->exited && !p->out.reading && !p->err.reading)
		finish(p);
}

static void send_signal(struct gcr_process *p, int sig)
{
	/* The child leads its own process group (UV_PROCESS_DETACHED = setsid):
	 * end the group, so `sh -c` and ssh's children go too. */
	if (!p->exited && p->proc.pid > 0) {
		if (kill(-p->proc.pid, sig) != 0)
			kill(p->proc.pid, sig);
	}
}

static void on_timer(uv_timer_t *t)
{
	struct gcr_process *p = t->data;

	switch (p->phase) {
	case PHASE_RUNNING:
		p->timed_out = true;
		p->phase = PHASE_KILLING;
		send_signal(p, SIGTERM);
		uv_timer_start(&p->timer, on_timer, KILL_GRACE_MS, 0);
		break;
	case PHASE_KILLING:
		send_signal(p, SIGKILL);
		uv_timer_start(&p->timer, on_timer, KILL_GRACE_MS, 0);
		break;
	case PHASE_DRAINING:
		/* Something still holds the pipes open after the exit: stop
		 * waiting, what was read is the output. */
		if (p->out.reading)
			uv_read_stop((uv_stream_t *)&p->out.pipe);
		if (p->err.reading)
			uv_read_stop((uv_stream_t *)&p->err.pipe);
		p->out.reading = p->err.reading = false;
		finish(p);
		break;
	}
}

static void on_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
	struct gcr_process *p = proc->data;

	p->exited = true;
	p->exit_status = sig ? -1 : (int)status;
	p->term_signal = sig;
	if (p->out.reading || p->err.reading) {
		p->phase = PHASE_DRAINING;
		uv_timer_start(&p->timer, on_timer, PIPE_GRACE_MS, 0);
	} else {
		uv_timer_stop(&p->timer);
	}
	maybe_finish(p);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct stream *s = h->data;

	(void)suggested;
	buf->base = s->chunk;
	buf->len = sizeof s->chunk;
}

static void keep(struct stream *s, const char *bytes, size_t n)
{
	size_t room = s->max > s->len ? s->max - s->len : 0;
	size_t take = n < room ? n : room;

	if (take < n)
		s->truncated = true;
	if (take == 0)
		return;
	if (s->len + take + 1 > s->cap) {
		/* Grow on demand: most commands print a few lines. */
		size_t cap = s->cap ? s->cap : 4096;
		char *grown;
		while (cap < s->len + take + 1)
			cap *= 2;
		grown = realloc(s->buf, cap);
		if (!grown) {
			s->truncated = true;
			return;
		}
		s->buf = grown;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, bytes, take);
	s->len += take;
	s->buf[s->len] = '\0';
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct stream *s = stream->data;

	if (nread > 0) {
		keep(s, buf->base, (size_t)nread);
		return;
	}
	if (nread == 0)
		return;
	/* EOF or a read error: either way this stream is done. */
	uv_read_stop(stream);
	s->reading = false;
	maybe_finish(s->owner);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct gcr_process *p = req->data;

	(void)status;
	close_handle(p, (uv_handle_t *)&p->in, &p->in_open);
}

static void on_write(uv_write_t *req, int status)
{
	struct gcr_process *p = req->data;

	if (status == 0 && p->in_open) {
		p->shutdown_req.data = p;
		if (uv_shutdown(&p->shutdown_req, (uv_stream_t *)&p->in, on_shutdown) == 0)
			return;
	}
	/* EPIPE: the child did not read its stdin.  Its status will say why. */
	close_handle(p, (uv_handle_t *)&p->in, &p->in_open);
}

static void init_stream(struct gcr_process *p, struct stream *s, size_t max)
{
	uv_pipe_init(p->loop, &s->pipe, 0);
	s->pipe.data = s;
	s->owner = p;
	s->open = true;
	s->max = max;
	p->open_handles++;
}

void gcr_last_line(const char *text, size_t len, char *buf, size_t size)
{
	size_t end = len, start;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (!text)
		return;
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' ||
			   text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	if (end - start >= size)
		end = start + size - 1;
	memcpy(buf, text + start, end - start);
	buf[end - start] = '\0';
}

enum gcr_status gcr_process_run(uv_loop_t *loop, const char *const *argv,
				const struct gcr_process_opts *opts,
				gcr_process_cb cb, void *data,
				struct gcr_process **handle, struct gcr_error *err)
{
	static const struct gcr_process_opts defaults = GCR_PROCESS_OPTS_INIT;
	struct gcr_process *p;
	uv_process_options_t po;
	uv_stdio_container_t stdio[3];
	int rc;

	if (!opts)
		opts = &defaults;
	if (handle)
		*handle = NULL;
	if (!argv || !argv[0] || !*argv[0])
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("no program to run"));
	ignore_sigpipe_once();
	p = calloc(1, sizeof *p);
	if (!p)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	p->loop = loop;
	p->cb = cb;
	p->data = data;

	memset(stdio, 0, sizeof stdio);
	if (opts->stdin_fd >= 0) {
		stdio[0].flags = UV_INHERIT_FD;
		stdio[0].data.fd = opts->stdin_fd;
	} else if (opts->stdin_data) {
		p->in_data = malloc(opts->stdin_len ? opts->stdin_len : 1);
		if (!p->in_data) {
			free(p);
			return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		}
		memcpy(p->in_data, opts->stdin_data, opts->stdin_len);
		p->in_len = opts->stdin_len;
		uv_pipe_init(loop, &p->in, 0);
		p->in_open = true;
		p->open_handles++;
		stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
		stdio[0].data.stream = (uv_stream_t *)&p->in;
	} else {
		stdio[0].flags = UV_IGNORE;   /* /dev/null */
	}
	if (opts->stdout_fd >= 0) {
		stdio[1].flags = UV_INHERIT_FD;
		stdio[1].data.fd = opts->stdout_fd;
	} else {
		init_stream(p, &p->out, opts->max_stdout ? opts->max_stdout
						       : GCR_PROCESS_DEFAULT_MAX_STDOUT);
		stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
		stdio[1].data.stream = (uv_stream_t *)&p->out.pipe;
	}
	init_stream(p, &p->err, opts->max_stderr ? opts->max_stderr
					       : GCR_PROCESS_DEFAULT_MAX_STDERR);
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&p->err.pipe;

	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	p->timer_open = true;
	p->open_handles++;

	memset(&po, 0, sizeof po);
	po.file = argv[0];
	po.args = (char **)argv;
	po.env = opts->env;
	po.cwd = opts->cwd;
	po.flags = UV_PROCESS_DETACHED;
	po.stdio_count = 3;
	po.stdio = stdio;
	po.exit_cb = on_exit_cb;
	p->proc.data = p;
	rc = uv_spawn(loop, &p->proc, &po);
	/* libuv wants the process handle closed even when spawning failed. */
	p->proc_open = true;
	p->open_handles++;
	if (rc != 0) {
		enum gcr_status st = gcr_error_set(err, rc == UV_ENOENT ? GCR_ERR_NOT_FOUND : GCR_ERR_IO,
						   _("cannot run %s: %s"), argv[0], uv_strerror(rc));
		p->abandoned = true;
		p->finished = true;
		close_all(p);
		return st;
	}

	if (p->out.open) {
		p->out.reading = true;
		uv_read_start((uv_stream_t *)&p->out.pipe, on_alloc, on_read);
	}
	p->err.reading = true;
	uv_read_start((uv_stream_t *)&p->err.pipe, on_alloc, on_read);
	if (p->in_open) {
		uv_buf_t b = uv_buf_init(p->in_data, (unsigned)p->in_len);
		p->write_req.data = p;
		if (uv_write(&p->write_req, (uv_stream_t *)&p->in, &b, 1, on_write) != 0)
			close_handle(p, (uv_handle_t *)&p->in, &p->in_open);
	}
	p->phase = PHASE_RUNNING;
	uv_timer_start(&p->timer, on_timer,
		       opts->timeout_ms ? opts->timeout_ms : GCR_PROCESS_DEFAULT_TIMEOUT_MS, 0);
	if (handle)
		*handle = p;
	return GCR_OK;
}

void gcr_process_cancel(struct gcr_process *p)
{
	if (!p || p->finished)
		return;
	p->cancelled = true;
	if (p->exited)
		return;
	p->phase = PHASE_KILLING;
	send_signal(p, SIGTERM);
	uv_timer_start(&p->timer, on_timer, KILL_GRACE_MS, 0);
}

void gcr_process_abandon(struct gcr_process *p)
{
	if (!p || p->finished)
		return;
	p->abandoned = true;
	gcr_process_cancel(p);
}
