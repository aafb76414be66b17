/* error.c: filling and prefixing struct gcr_error. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

enum gcr_status gcr_error_set(struct gcr_error *err, enum gcr_status code,
			      const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return code;
}

void gcr_error_prefix(struct gcr_error *err, const char *fmt, ...)
{
	char joined[GCR_ERROR_MESSAGE_MAX];
	size_t used;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(joined, sizeof joined, fmt, ap);
	va_end(ap);
	used = strlen(joined);
	/* Truncation is fine: a long message loses its tail, never memory. */
	if (used + 2 < sizeof joined) {
		size_t room = sizeof joined - used - 3;
		size_t n = strlen(err->message);
		memcpy(joined + used, ": ", 2);
		used += 2;
		if (n > room)
			n = room;
		memcpy(joined + used, err->message, n);
		joined[used + n] = '\0';
	}
	memcpy(err->message, joined, sizeof err->message);
}

void gcr_error_clear(struct gcr_error *err)
{
	if (err) {
		err->code = GCR_OK;
		err->message[0] = '\0';
	}
}

int gcr_exit_status(enum gcr_status code)
{
	switch (code) {
	case GCR_OK:
		return 0;
	case GCR_ERR_USAGE:
	case GCR_ERR_INVALID:
		return 2;
	default:
		return 1;
	}
}
