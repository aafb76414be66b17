/* log.h: the debug log that -v/--verbose writes.
 *
 * The log goes to a file in the state directory (mode 0600), never to the
 * screen, because the TUI owns the terminal.  Never log a secret: callers log
 * request lines and error codes, not headers or bodies with credentials. */
#ifndef GCR_LOG_H
#define GCR_LOG_H

#include "error.h"

/* Opens (appends to) path; with path NULL, <state dir>/gcrunner.log.
 * *opened_path, if given, receives a copy of the path (caller frees). */
enum gcr_status gcr_log_open(const char *path, char **opened_path,
			     struct gcr_error *err);
void gcr_log_close(void);
int gcr_log_enabled(void);

void gcr_log_write(const char *func, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define gcr_log_debug(...) \
	do { if (gcr_log_enabled()) gcr_log_write(__func__, __VA_ARGS__); } while (0)

#endif
