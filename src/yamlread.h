/* yamlread.h: reading YAML files into libyaml's document tree, with error
 * messages that name the file, the line and the field.
 *
 * The catalogs (the YAML files in data/), spec files and the measurements file are read
 * with these helpers: yaml_parser_load builds the node tree, the getters
 * convert scalars and report "FILE:LINE: FIELD: what was wrong" on failure.
 * Used by catalog.c, spec.c and measure.c; not part of the public API. */
#ifndef GCR_YAMLREAD_H
#define GCR_YAMLREAD_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "error.h"

struct gcr_yread {
	yaml_document_t doc;
	bool loaded;
	const char *path;              /* for messages; not owned */
};

/* Parses text (len bytes) as one YAML document; path names it in messages.
 * An empty document gives a NULL root.  Free with gcr_yread_free. */
enum gcr_status gcr_yread_parse(struct gcr_yread *y, const char *path,
				const char *text, size_t len, struct gcr_error *err);
/* Reads and parses a file; a missing file is GCR_ERR_NOT_FOUND. */
enum gcr_status gcr_yread_file(struct gcr_yread *y, const char *path,
			       struct gcr_error *err);
void gcr_yread_free(struct gcr_yread *y);

yaml_node_t *gcr_yread_root(struct gcr_yread *y);
yaml_node_t *gcr_yread_node(struct gcr_yread *y, yaml_node_item_t item);
int gcr_yread_line(const yaml_node_t *n);     /* 1-based */

/* Sets err to "PATH:LINE: FIELD: message" (GCR_ERR_INVALID) and returns it. */
enum gcr_status gcr_yread_error(struct gcr_yread *y, const yaml_node_t *n,
				const char *field, struct gcr_error *err,
				const char *fmt, ...) __attribute__((format(printf, 5, 6)));

bool gcr_yread_is_map(const yaml_node_t *n);
bool gcr_yread_is_seq(const yaml_node_t *n);
/* The scalar's text, or NULL when n is not a scalar. */
const char *gcr_yread_text(const yaml_node_t *n);
/* A mapping's value for key, or NULL. */
yaml_node_t *gcr_yread_get(struct gcr_yread *y, yaml_node_t *map, const char *key);

/* Typed reads of a value node; field names it in messages. */
enum gcr_status gcr_yread_str(struct gcr_yread *y, yaml_node_t *n, const char *field,
			      char *buf, size_t len, struct gcr_error *err);
enum gcr_status gcr_yread_int(struct gcr_yread *y, yaml_node_t *n, const char *field,
			      long min, long max, long *out, struct gcr_error *err);
enum gcr_status gcr_yread_double(struct gcr_yread *y, yaml_node_t *n, const char *field,
				 double min, double max, double *out, struct gcr_error *err);
enum gcr_status gcr_yread_bool(struct gcr_yread *y, yaml_node_t *n, const char *field,
			       bool *out, struct gcr_error *err);
/* YYYY-MM-DD (or YYYYMMDD) into a YYYYMMDD integer. */
enum gcr_status gcr_yread_date(struct gcr_yread *y, yaml_node_t *n, const char *field,
			       int *out, struct gcr_error *err);

/* Checks that every key of map is in the NULL-terminated list allowed;
 * otherwise an error naming the unknown key and its line.  what names the
 * mapping in the message (e.g. "instance c5.4xlarge"). */
enum gcr_status gcr_yread_keys(struct gcr_yread *y, yaml_node_t *map, const char *what,
			       const char *const *allowed, struct gcr_error *err);

#endif
