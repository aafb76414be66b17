/* paths.h: where gcrunner keeps its files.
 *
 * XDG base directories: configuration in $XDG_CONFIG_HOME/gcrunner/
 * (config.yaml), state in $XDG_STATE_HOME/gcrunner/ (journal, debug log),
 * cache in $XDG_CACHE_HOME/gcrunner/ (live prices).  Read-only data (catalogs,
 * templates) comes from $GCRUNNER_DATADIR, else from the source tree when the
 * program runs from its build directory, else from the installed pkgdatadir. */
#ifndef GCR_PATHS_H
#define GCR_PATHS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

enum gcr_dir {
	GCR_DIR_CONFIG,
	GCR_DIR_STATE,
	GCR_DIR_CACHE,
	GCR_DIR_DATA,
};

/* Returns a newly allocated path (caller frees) or NULL if HOME is unset and
 * the XDG variable too.  Does not create the directory. */
char *gcr_dir(enum gcr_dir which);

/* Returns a newly allocated "<dir>/<name>" (caller frees), or NULL. */
char *gcr_path(enum gcr_dir which, const char *name);

/* Where translations are: $GCRUNNER_LOCALEDIR, else <build dir>/locale when
 * running from the build tree (make builds it there), else LOCALEDIR.
 * Caller frees. */
char *gcr_locale_dir(void);

/* The config file: $GCRUNNER_CONFIG if set, else <config dir>/config.yaml.
 * Caller frees. */
char *gcr_config_path(void);

/* Creates dir and its parents with mode (0700 for our own directories). */
enum gcr_status gcr_mkdir_p(const char *dir, mode_t mode, struct gcr_error *err);

/* Reads a whole file into a NUL-terminated buffer (caller frees *out). */
enum gcr_status gcr_read_file(const char *path, char **out, size_t *len,
			      struct gcr_error *err);

/* Writes a file so that readers see the old or the new content, never half:
 * a temporary file in the same directory, fsync, chmod to mode, rename, and
 * fsync of the directory.  Use mode 0600 for anything that may hold secrets. */
enum gcr_status gcr_write_file_atomic(const char *path, const void *data,
				      size_t len, mode_t mode,
				      struct gcr_error *err);

/* printf into a newly allocated string; aborts on out-of-memory since no
 * caller can do anything sensible then.  Caller frees. */
char *gcr_strdup_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
