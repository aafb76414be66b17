/* error.h: the one error type engine functions fill in.
 *
 * Engine functions return a gcr_status and, on failure, fill a caller-owned
 * struct gcr_error with a code and a human message (already translated).
 * Nothing in the engine calls exit(); the command line maps codes to exit
 * statuses with gcr_exit_status(), the UI shows the message. */
#ifndef GCR_ERROR_H
#define GCR_ERROR_H

#include <stddef.h>

enum gcr_status {
	GCR_OK = 0,
	GCR_ERR_USAGE,      /* bad command line: exit status 2 */
	GCR_ERR_INVALID,    /* a spec, file or value that breaks a rule: exit 2 */
	GCR_ERR_NOT_FOUND,  /* a named thing does not exist */
	GCR_ERR_IO,         /* a local file or process failed */
	GCR_ERR_NOMEM,
	GCR_ERR_REMOTE,     /* an AWS service or cluster answered with an error */
	GCR_ERR_NETWORK,    /* could not reach a service */
	GCR_ERR_AUTH,       /* no usable credentials, or access denied */
	GCR_ERR_CONFLICT,   /* the thing exists already (e.g. a conditional put lost) */
	GCR_ERR_CANCELLED,  /* the user or a deadline stopped the operation */
	GCR_ERR_INTERNAL,
};

#define GCR_ERROR_MESSAGE_MAX 1024

struct gcr_error {
	enum gcr_status code;
	char message[GCR_ERROR_MESSAGE_MAX];
};

/* Sets err (which may be NULL) and returns code, so callers can write
 * `return gcr_error_set(err, GCR_ERR_IO, _("cannot read %s"), path);`. */
enum gcr_status gcr_error_set(struct gcr_error *err, enum gcr_status code,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "context: " in front of the message already in err. */
void gcr_error_prefix(struct gcr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void gcr_error_clear(struct gcr_error *err);

/* 0 for GCR_OK, 2 for usage and invalid input, 1 for everything else. */
int gcr_exit_status(enum gcr_status code);

#endif
