/* process.h: run one child process on the libuv loop and collect its output.
 *
 * The building block of the local and ssh transports (and of anything else
 * that needs "run this program, give me stdout, stderr and the status"
 * without blocking the loop): argv is a vector, never a shell string; stdin
 * can be a buffer or an inherited file descriptor; output is kept up to a
 * limit (the rest is read and dropped so the child never stalls); a timeout
 * ends the child's whole process group (SIGTERM, then SIGKILL).
 *
 * The child runs in its own session (setsid), so it has no controlling
 * terminal: ssh cannot prompt for a password behind the full-screen UI. */
#ifndef GCR_PROCESS_H
#define GCR_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "error.h"

#define GCR_PROCESS_DEFAULT_MAX_STDOUT (1024 * 1024)
#define GCR_PROCESS_DEFAULT_MAX_STDERR (64 * 1024)
#define GCR_PROCESS_DEFAULT_TIMEOUT_MS (120 * 1000)

struct gcr_process_opts {
	const char *cwd;         /* NULL: the current directory */
	char **env;              /* NULL: inherit ours; else "NAME=value" list, NULL-terminated */
	const char *stdin_data;  /* fed to the child's stdin, then closed */
	size_t stdin_len;
	int stdin_fd;            /* >= 0: the child's stdin is this fd (stdin_data unused);
				    set -1 (or use GCR_PROCESS_OPTS_INIT) otherwise */
	int stdout_fd;           /* >= 0: the child's stdout goes to this fd, not captured */
	size_t max_stdout;       /* bytes kept; 0: GCR_PROCESS_DEFAULT_MAX_STDOUT */
	size_t max_stderr;       /* 0: GCR_PROCESS_DEFAULT_MAX_STDERR */
	unsigned timeout_ms;     /* 0: GCR_PROCESS_DEFAULT_TIMEOUT_MS */
};

#define GCR_PROCESS_OPTS_INIT { .stdin_fd = -1, .stdout_fd = -1 }

struct gcr_process_result {
	int exit_status;         /* the child's exit status; -1 if a signal ended it */
	int term_signal;         /* the signal that ended it, else 0 */
	bool timed_out;          /* we ended it because timeout_ms passed */
	bool cancelled;          /* gcr_process_cancel() ended it */
	char *out;               /* NUL-terminated (the NUL is not counted in out_len) */
	size_t out_len;
	bool out_truncated;      /* more than max_stdout bytes came; the rest was dropped */
	char *err;
	size_t err_len;
	bool err_truncated;
};

/* Called exactly once per started process, from the loop.  The result and its
 * buffers belong to the runner and are freed when the callback returns; copy
 * what you keep. */
typedef void (*gcr_process_cb)(const struct gcr_process_result *result, void *data);

struct gcr_process;

/* Starts argv[0] (looked up in PATH) with argv.  On GCR_OK the callback will
 * be called once, later; *handle (if given) can cancel it until then.  On
 * failure (program not found, bad options) the callback is never called. */
enum gcr_status gcr_process_run(uv_loop_t *loop, const char *const *argv,
				const struct gcr_process_opts *opts,
				gcr_process_cb cb, void *data,
				struct gcr_process **handle, struct gcr_error *err);

/* Ends the process group (SIGTERM, SIGKILL after a grace period).  The
 * callback still comes, with result->cancelled set.  Safe to call only
 * before the callback has run. */
void gcr_process_cancel(struct gcr_process *proc);

/* Detaches from the callback: the process is ended as by cancel, the
 * callback is NOT called, and the runner frees itself once libuv is done.
 * For owners that are going away. */
void gcr_process_abandon(struct gcr_process *proc);

/* The last non-empty line of text (e.g. "sbatch: error: invalid partition"
 * out of a stderr buffer), copied into buf; "" if none. */
void gcr_last_line(const char *text, size_t len, char *buf, size_t size);

#endif
