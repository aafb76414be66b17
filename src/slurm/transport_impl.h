/* transport_impl.h: what the transports (local, ssh, ssm) share inside
 * src/slurm/; not for other modules. */
#ifndef GCR_TRANSPORT_IMPL_H
#define GCR_TRANSPORT_IMPL_H

#include "slurm/process.h"
#include "slurm/transport.h"

struct copy_op;

struct gcr_transport_vtable {
	enum gcr_transport_kind kind;
	/* Starts req for op; later gcr_transport_op_finish(op, ...) exactly
	 * once.  stdin_fd >= 0 only when stdin_fd_ok. */
	enum gcr_status (*start)(struct gcr_transport *t, struct gcr_transport_op *op,
				 const struct gcr_run_request *req, int stdin_fd,
				 struct gcr_error *err);
	/* Ends op early; op still finishes (with GCR_ERR_CANCELLED). */
	void (*cancel)(struct gcr_transport_op *op);
	/* Ends op and frees what the transport holds for it; no finish. */
	void (*abandon)(struct gcr_transport_op *op);
	/* Optional: last words before destroy (ssh: end the ControlMaster). */
	void (*shutdown)(struct gcr_transport *t, void (*finished)(struct gcr_transport *t));
	void (*destroy)(struct gcr_transport *t);
	bool stdin_fd_ok;       /* stdin can stream from a file descriptor */
	size_t max_stdin;       /* 0: no limit */
	size_t max_stdout;      /* output the transport can bring back; 0: no limit */
};

struct gcr_transport {
	const struct gcr_transport_vtable *vt;
	uv_loop_t *loop;
	char *description;
	struct gcr_transport_op *ops;   /* in flight */
	struct copy_op *copies;         /* copies in flight (transport.c) */
	bool closing;
	gcr_done_cb close_cb;
	void *close_data;
	void *impl;
};

struct gcr_transport_op {
	struct gcr_transport *t;
	struct gcr_transport_op *prev, *next;
	gcr_run_cb cb;
	void *data;
	struct gcr_process *proc;       /* process-backed transports */
	void *impl;                     /* other transports' own state */
};

/* Delivers the outcome of op to its callback, then frees op. */
void gcr_transport_op_finish(struct gcr_transport_op *op,
			     const struct gcr_run_result *result,
			     const struct gcr_error *error);

/* For process-backed transports: runs argv locally for op.  interpret, if
 * given, may turn a finished process into a transport error (ssh's 255). */
typedef void (*gcr_process_interpret)(struct gcr_transport *t,
				      const struct gcr_process_result *r,
				      struct gcr_error *err);
enum gcr_status gcr_transport_spawn(struct gcr_transport *t, struct gcr_transport_op *op,
				    const char *const *argv, const char *cwd,
				    const struct gcr_run_request *req, int stdin_fd,
				    gcr_process_interpret interpret,
				    struct gcr_error *err);
void gcr_transport_process_cancel(struct gcr_transport_op *op);
void gcr_transport_process_abandon(struct gcr_transport_op *op);

struct gcr_transport *gcr_transport_alloc(uv_loop_t *loop,
					  const struct gcr_transport_vtable *vt,
					  const char *description, void *impl);

#endif
