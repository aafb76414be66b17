/* transport.h: run commands on a Slurm cluster, whichever way it is reached.
 *
 * One interface, three transports:
 *   local  the commands run here (gcrunner is on a login node): uv_spawn;
 *   ssh    the user's own `ssh` (their ~/.ssh/config, keys and agent), with
 *          BatchMode=yes and a ControlMaster connection that later commands
 *          reuse; the command line goes to the remote login shell, each word
 *          quoted by gcr_shell_quote();
 *   ssm    AWS Systems Manager Run Command on a ParallelCluster head node
 *          (AWS-RunShellScript running `runuser -l USER -c '<command>'`),
 *          answers polled with GetCommandInvocation; no keys, no open port.
 *
 * Everything is asynchronous on the caller's uv_loop_t: a call returns at
 * once and its callback runs later, exactly once, on the loop.  A command is
 * an argv VECTOR; no function here accepts a shell string.
 *
 * Paths on the cluster: absolute, or relative to the login directory (ssh
 * and SSM start in the user's home; local in the current directory). */
#ifndef GCR_TRANSPORT_H
#define GCR_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "error.h"

enum gcr_transport_kind {
	GCR_TRANSPORT_LOCAL,
	GCR_TRANSPORT_SSH,
	GCR_TRANSPORT_SSM,
};

struct gcr_transport;

/* One command to run. */
struct gcr_run_request {
	const char *const *argv;  /* NULL-terminated; argv[0] is found in the cluster's PATH */
	const char *cwd;          /* working directory on the cluster; NULL: the login directory */
	const char *stdin_data;   /* given to the command's stdin (e.g. a batch script); may be NULL */
	size_t stdin_len;
	size_t max_stdout;        /* bytes kept; 0: 1 MiB */
	size_t max_stderr;        /* 0: 64 KiB */
	unsigned timeout_ms;      /* 0: 120 s */
};

/* What came back.  Valid only during the callback. */
struct gcr_run_result {
	int exit_status;          /* the command's own exit status; -1 if it did not end normally */
	const char *out;          /* NUL-terminated, never NULL */
	size_t out_len;
	bool out_truncated;
	const char *err;
	size_t err_len;
	bool err_truncated;
};

/* error->code is GCR_OK when the command ran (whatever its exit status);
 * otherwise the transport failed (GCR_ERR_NETWORK: host unreachable or the
 * connection broke; GCR_ERR_AUTH: ssh keys or AWS permissions;
 * GCR_ERR_CANCELLED: timeout or cancel; GCR_ERR_NOT_FOUND: no such program
 * here) and the message says why, e.g. "ssh: connect to host ...". */
typedef void (*gcr_run_cb)(const struct gcr_run_result *result,
			   const struct gcr_error *error, void *data);

/* Completion of copy and close: error->code GCR_OK on success. */
typedef void (*gcr_done_cb)(const struct gcr_error *error, void *data);

struct gcr_transport_op;

/* Starts a command.  On GCR_OK cb runs later exactly once, and *op (if
 * given) can cancel it until then.
 * On failure cb never runs and err says why. */
enum gcr_status gcr_transport_run(struct gcr_transport *t,
				  const struct gcr_run_request *req,
				  gcr_run_cb cb, void *data,
				  struct gcr_transport_op **op,
				  struct gcr_error *err);

/* Ends a running command; its callback comes with GCR_ERR_CANCELLED. */
void gcr_transport_cancel(struct gcr_transport_op *op);

/* Copies a local file or directory into remote_dir (created if missing) on
 * the cluster: local_path's last component appears as remote_dir/<name>.
 * local and ssh stream a tar archive (`tar -c` here piped into `tar -x`
 * there, one connection); SSM carries it inside the command itself, so it is
 * limited to gcr_transport_max_stdin() bytes of compressed archive (a run
 * directory's configuration files fit; bulk data goes through S3). */
enum gcr_status gcr_transport_copy(struct gcr_transport *t,
				   const char *local_path, const char *remote_dir,
				   gcr_done_cb cb, void *data,
				   struct gcr_error *err);

/* The largest stdin a command may have on this transport (0: no limit). */
size_t gcr_transport_max_stdin(const struct gcr_transport *t);
/* The most output a command can bring back (0: only the request's limit):
 * SSM keeps 24 000 characters. */
size_t gcr_transport_max_stdout(const struct gcr_transport *t);

enum gcr_transport_kind gcr_transport_kind(const struct gcr_transport *t);

/* "local", "ssh user@host", "SSM i-0abc as ec2-user": for messages and logs. */
const char *gcr_transport_describe(const struct gcr_transport *t);

uv_loop_t *gcr_transport_loop(const struct gcr_transport *t);

/* Ends what is still running -- each of those callbacks runs now, with
 * GCR_ERR_CANCELLED, so every callback runs exactly once in all cases --
 * ends the ssh ControlMaster connection (unless leave_master), and frees the transport once that
 * has stopped; done (may be NULL) runs then.  Keep the loop running until
 * it has.  New commands are refused from the moment close is called. */
void gcr_transport_close(struct gcr_transport *t, gcr_done_cb done, void *data);

/* --- Constructors --- */

/* Commands run on this machine. */
struct gcr_transport *gcr_transport_local_new(uv_loop_t *loop);

struct gcr_ssh_options {
	const char *destination;  /* [user@]host or a Host alias of the ssh config; required */
	const char *config_file;  /* `ssh -F FILE`; NULL: the user's own ~/.ssh/config */
	int port;                 /* 0: from the ssh config */
	const char *identity_file;/* `-i FILE`; NULL: from the ssh config/agent */
	const char *control_dir;  /* where the ControlMaster socket lives; NULL: a private
				     0700 directory ($XDG_RUNTIME_DIR/gcrunner-ssh, else
				     /tmp/gcrunner-ssh-UID); "" turns connection sharing off */
	int control_persist_s;    /* how long the shared connection stays up idle; 0: 120 */
	int connect_timeout_s;    /* 0: 15 */
	bool login_shell;         /* run commands in `$SHELL -l -c`, so /etc/profile sets
				     PATH (e.g. /opt/slurm/bin) and `module` exists */
	const char *ssh_program;  /* NULL: "ssh" from PATH */
	bool leave_master;        /* close leaves the shared connection to ControlPersist
				     instead of ending it: other transports and gcrunner
				     processes to the same host (the dashboard's polls)
				     keep using it, and one closing never breaks another's
				     command */
};

/* Checks the options (a destination that starts with '-' is refused: it
 * would be read as an ssh option). */
enum gcr_status gcr_transport_ssh_new(uv_loop_t *loop,
				      const struct gcr_ssh_options *opts,
				      struct gcr_transport **out,
				      struct gcr_error *err);

/* The exact argv `ssh` is run with for req (caller frees with
 * gcr_argv_free): for tests and --dry-run. */
char **gcr_transport_ssh_argv(const struct gcr_transport *t,
			      const struct gcr_run_request *req);

/* The remote command line (one string, every word quoted) that a transport
 * hands to the remote shell for req.  Caller frees. */
char *gcr_transport_command_line(const struct gcr_run_request *req, bool login_shell);

/* A growing NULL-terminated argv for building commands: v is NULL until
 * the first add; free v with gcr_argv_free. */
struct gcr_argv {
	char **v;
	size_t n, cap;
};
void gcr_argv_add(struct gcr_argv *a, const char *s);
void gcr_argv_addf(struct gcr_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void gcr_argv_free(char **argv);

#endif
