/* transport_local.c: commands run on this machine (gcrunner on a login
 * node): uv_spawn of the argv itself, no shell in between. */
#include "config.h"

#include <stdlib.h>

#include "i18n.h"
#include "slurm/transport_impl.h"

static enum gcr_status local_start(struct gcr_transport *t, struct gcr_transport_op *op,
				   const struct gcr_run_request *req, int stdin_fd,
				   struct gcr_error *err)
{
	return gcr_transport_spawn(t, op, req->argv, req->cwd, req, stdin_fd, NULL, err);
}

static void local_destroy(struct gcr_transport *t)
{
	(void)t;
}

static const struct gcr_transport_vtable local_vtable = {
	.kind = GCR_TRANSPORT_LOCAL,
	.start = local_start,
	.cancel = gcr_transport_process_cancel,
	.abandon = gcr_transport_process_abandon,
	.destroy = local_destroy,
	.stdin_fd_ok = true,
};

struct gcr_transport *gcr_transport_local_new(uv_loop_t *loop)
{
	return gcr_transport_alloc(loop, &local_vtable, _("local"), NULL);
}
