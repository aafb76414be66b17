/* settings.h: gcrunner's configuration file ($XDG_CONFIG_HOME/gcrunner/config.yaml).
 *
 * The file is a YAML mapping of sections (aws:, batch:, slurm:, budget: ...).
 * Each feature reads and writes its own keys by dotted path ("slurm.host",
 * "batch.queue.arm64"); saving keeps every other key as it was, so features
 * never clobber each other's settings.  Values are scalars (strings) or
 * lists of scalars.  Saved atomically with mode 0600. */
#ifndef GCR_SETTINGS_H
#define GCR_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct gcr_settings;

/* Loads path; a missing file gives an empty configuration (not an error).
 * Caller frees *out with gcr_settings_free. */
enum gcr_status gcr_settings_load(const char *path, struct gcr_settings **out,
				struct gcr_error *err);
struct gcr_settings *gcr_settings_new(void);
void gcr_settings_free(struct gcr_settings *cfg);

/* True when the file existed when loaded (first-start detection). */
bool gcr_settings_existed(const struct gcr_settings *cfg);

/* The scalar at a dotted path, or NULL (also when it is a map or a list).
 * The string belongs to cfg. */
const char *gcr_settings_get(const struct gcr_settings *cfg, const char *path);
/* With a default for absent keys. */
const char *gcr_settings_get_or(const struct gcr_settings *cfg, const char *path,
			      const char *fallback);
/* Parses the scalar as a number; returns fallback when absent or not a number. */
double gcr_settings_get_number(const struct gcr_settings *cfg, const char *path,
			     double fallback);

/* A list of scalars: number of items, and item i (belongs to cfg). */
size_t gcr_settings_list_len(const struct gcr_settings *cfg, const char *path);
const char *gcr_settings_list_item(const struct gcr_settings *cfg, const char *path,
				 size_t i);

/* Sets a scalar, creating the maps along the path (a scalar in the way is
 * replaced).  value NULL removes the key. */
enum gcr_status gcr_settings_set(struct gcr_settings *cfg, const char *path,
			       const char *value, struct gcr_error *err);
/* Replaces the value at path with a list of n scalars. */
enum gcr_status gcr_settings_set_list(struct gcr_settings *cfg, const char *path,
				    const char *const *items, size_t n,
				    struct gcr_error *err);

/* Writes the whole configuration to path (libyaml emitter, mode 0600,
 * atomic), creating the directory if needed. */
enum gcr_status gcr_settings_save(const struct gcr_settings *cfg, const char *path,
				struct gcr_error *err);

#endif
