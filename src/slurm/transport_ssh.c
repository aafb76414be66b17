/* transport_ssh.c: commands run through the user's own `ssh`.
 *
 * Their ~/.ssh/config, keys and agent apply (or `-F FILE`); we add only
 * BatchMode=yes (never prompt: the UI owns the terminal), a connect
 * timeout, keep-alives, and ControlMaster/ControlPersist so a dashboard
 * polling squeue every few seconds reuses one connection.  ssh is spawned
 * with an argv vector; the remote command line is built by
 * gcr_transport_command_line(), every word through gcr_shell_quote(). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "slurm/transport_impl.h"

struct ssh_impl {
	char *program;
	char *destination;
	char *config_file;
	char *identity_file;
	char *control_path;   /* NULL: no connection sharing */
	bool leave_master;    /* close does not end the master (ControlPersist does) */
	int port;
	int persist_s;
	int connect_timeout_s;
	bool login_shell;
	struct gcr_process *closer;
	void (*finished)(struct gcr_transport *t);
	struct gcr_transport *t;
};

/* A private directory for the ControlMaster socket, or NULL when none can
 * be had safely (then every command opens its own connection). */
static char *control_dir_default(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run && run[0] == '/')
		return gcr_strdup_printf("%s/gcrunner-ssh", run);
	return gcr_strdup_printf("/tmp/gcrunner-ssh-%lu", (unsigned long)getuid());
}

static bool control_dir_usable(const char *dir)
{
	struct stat st;
	/* ssh appends ".XXXXXXXXXXXXXXXX" to the socket path while it
	 * creates it; %C is 40 hex digits. */
	size_t need = strlen(dir) + 1 + 40 + 17 + 1;

	if (need > sizeof(((struct sockaddr_un *)0)->sun_path) || strchr(dir, '%'))
		return false;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return false;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0)
		return false;
	return true;
}

/* The options every ssh call shares, up to (not including) the "--". */
static void common_options(const struct ssh_impl *s, struct gcr_argv *b)
{
	gcr_argv_add(b, s->program);
	if (s->config_file) {
		gcr_argv_add(b, "-F");
		gcr_argv_add(b, s->config_file);
	}
	gcr_argv_add(b, "-o");
	gcr_argv_add(b, "BatchMode=yes");
	gcr_argv_add(b, "-o");
	gcr_argv_addf(b, "ConnectTimeout=%d", s->connect_timeout_s);
	gcr_argv_add(b, "-o");
	gcr_argv_add(b, "ServerAliveInterval=15");
	gcr_argv_add(b, "-o");
	gcr_argv_add(b, "ServerAliveCountMax=4");
	if (s->control_path) {
		gcr_argv_add(b, "-o");
		gcr_argv_addf(b, "ControlPath=%s", s->control_path);
	} else {
		gcr_argv_add(b, "-o");
		gcr_argv_add(b, "ControlPath=none");
	}
	if (s->port > 0) {
		gcr_argv_add(b, "-p");
		gcr_argv_addf(b, "%d", s->port);
	}
	if (s->identity_file) {
		gcr_argv_add(b, "-i");
		gcr_argv_add(b, s->identity_file);
	}
}

char **gcr_transport_ssh_argv(const struct gcr_transport *t,
			      const struct gcr_run_request *req)
{
	const struct ssh_impl *s = t->impl;
	struct gcr_argv b = { 0 };
	char *line;

	if (t->vt->kind != GCR_TRANSPORT_SSH)
		return NULL;
	common_options(s, &b);
	if (s->control_path) {
		gcr_argv_add(&b, "-o");
		gcr_argv_add(&b, "ControlMaster=auto");
		gcr_argv_add(&b, "-o");
		gcr_argv_addf(&b, "ControlPersist=%d", s->persist_s);
	}
	gcr_argv_add(&b, "-T");          /* no terminal: output stays byte-exact */
	gcr_argv_add(&b, "--");          /* the destination can never be read as an option */
	gcr_argv_add(&b, s->destination);
	line = gcr_transport_command_line(req, s->login_shell);
	gcr_argv_add(&b, line);
	free(line);
	return b.v;
}

/* ssh itself exits 255 when it could not connect or log in. */
static void ssh_interpret(struct gcr_transport *t, const struct gcr_process_result *r,
			  struct gcr_error *err)
{
	const struct ssh_impl *s = t->impl;
	char line[512];

	if (r->exit_status != 255)
		return;
	gcr_last_line(r->err, r->err_len, line, sizeof line);
	if (strstr(r->err, "Permission denied") || strstr(r->err, "Host key verification failed"))
		gcr_error_set(err, GCR_ERR_AUTH,
			      _("cannot log in to %s with ssh: %s (check that `ssh %s` works without a password prompt)"),
			      s->destination, *line ? line : _("no message"), s->destination);
	else
		gcr_error_set(err, GCR_ERR_NETWORK, _("cannot reach %s with ssh: %s"),
			      s->destination, *line ? line : _("ssh failed with status 255"));
}

static enum gcr_status ssh_start(struct gcr_transport *t, struct gcr_transport_op *op,
				 const struct gcr_run_request *req, int stdin_fd,
				 struct gcr_error *err)
{
	char **argv = gcr_transport_ssh_argv(t, req);
	struct gcr_run_request local = *req;
	enum gcr_status st;

	/* The remote side changes directory; ssh itself runs here. */
	local.cwd = NULL;
	st = gcr_transport_spawn(t, op, (const char *const *)argv, NULL, &local, stdin_fd,
				 ssh_interpret, err);
	gcr_argv_free(argv);
	return st;
}

static void on_closer_done(const struct gcr_process_result *r, void *data)
{
	struct ssh_impl *s = data;

	(void)r;
	s->closer = NULL;
	s->finished(s->t);
}

static void ssh_shutdown(struct gcr_transport *t, void (*finished)(struct gcr_transport *t))
{
	struct ssh_impl *s = t->impl;
	struct gcr_argv b = { 0 };
	struct gcr_process_opts po = GCR_PROCESS_OPTS_INIT;

	s->finished = finished;
	s->t = t;
	/* Without connection sharing there is no master to end.  With it, ssh
	 * -O exit answers at once when no master runs (it never connects). */
	if (!s->control_path || s->leave_master) {
		finished(t);
		return;
	}
	common_options(s, &b);
	gcr_argv_add(&b, "-O");
	gcr_argv_add(&b, "exit");
	gcr_argv_add(&b, "--");
	gcr_argv_add(&b, s->destination);
	po.timeout_ms = 10 * 1000;
	if (gcr_process_run(t->loop, (const char *const *)b.v, &po, on_closer_done, s,
			    &s->closer, NULL) != GCR_OK)
		finished(t);
	gcr_argv_free(b.v);
}

static void ssh_destroy(struct gcr_transport *t)
{
	struct ssh_impl *s = t->impl;

	free(s->program);
	free(s->destination);
	free(s->config_file);
	free(s->identity_file);
	free(s->control_path);
	free(s);
}

static const struct gcr_transport_vtable ssh_vtable = {
	.kind = GCR_TRANSPORT_SSH,
	.start = ssh_start,
	.cancel = gcr_transport_process_cancel,
	.abandon = gcr_transport_process_abandon,
	.shutdown = ssh_shutdown,
	.destroy = ssh_destroy,
	.stdin_fd_ok = true,
};

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

enum gcr_status gcr_transport_ssh_new(uv_loop_t *loop,
				      const struct gcr_ssh_options *opts,
				      struct gcr_transport **out,
				      struct gcr_error *err)
{
	struct ssh_impl *s;
	char *desc;

	*out = NULL;
	if (!opts || !opts->destination || !*opts->destination)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("no ssh host given: set the cluster's host ([user@]host or a Host from ~/.ssh/config)"));
	if (opts->destination[0] == '-')
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("ssh host '%s' must not start with '-'"), opts->destination);
	if (strpbrk(opts->destination, " \t\r\n'\"\\;&|$`<>(){}"))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("ssh host '%s' contains characters a host name cannot have"),
				     opts->destination);
	if (opts->port < 0 || opts->port > 65535)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("ssh port %d is out of range (1-65535)"), opts->port);
	s = calloc(1, sizeof *s);
	if (!s)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	s->program = strdup(opts->ssh_program && *opts->ssh_program ? opts->ssh_program : "ssh");
	s->destination = strdup(opts->destination);
	s->config_file = dup_or_null(opts->config_file);
	s->identity_file = dup_or_null(opts->identity_file);
	s->port = opts->port;
	s->persist_s = opts->control_persist_s > 0 ? opts->control_persist_s : 120;
	s->connect_timeout_s = opts->connect_timeout_s > 0 ? opts->connect_timeout_s : 15;
	s->login_shell = opts->login_shell;
	s->leave_master = opts->leave_master;
	if (!opts->control_dir || *opts->control_dir) {
		char *dir = opts->control_dir ? strdup(opts->control_dir) : control_dir_default();
		if (control_dir_usable(dir))
			s->control_path = gcr_strdup_printf("%s/%%C", dir);
		else
			gcr_log_debug("ssh: connection sharing off: %s is not a private directory "
				      "or its path is too long", dir);
		free(dir);
	}
	desc = gcr_strdup_printf("ssh %s", s->destination);
	*out = gcr_transport_alloc(loop, &ssh_vtable, desc, s);
	free(desc);
	return GCR_OK;
}
