/* yaml_out.h: a small writer over libyaml's emitter for the bundle files.
 *
 * Every YAML file gcrunner generates for GEOS-Chem or ParallelCluster goes
 * through libyaml's emitter (never through string pasting), so quoting and
 * nesting are always right.  This wrapper keeps the event boilerplate out of
 * the generators: errors are sticky (the first failure is remembered and
 * reported by gcr_yout_finish), so generators can emit without checking each
 * call.  Strings that YAML 1.1 readers would take for a boolean, null or a
 * number ('NO', 'on', '1e5') are single-quoted automatically. */
#ifndef GCR_BUNDLE_YAML_OUT_H
#define GCR_BUNDLE_YAML_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct gcr_yout;

/* Starts a stream and a document (explicit "---" when explicit_start).
 * Never returns NULL (aborts on out-of-memory like gcr_strdup_printf). */
struct gcr_yout *gcr_yout_new(bool explicit_start);

void gcr_yout_map_start(struct gcr_yout *y);
void gcr_yout_map_end(struct gcr_yout *y);
/* flow: [a, b] on one line; else a block list. */
void gcr_yout_seq_start(struct gcr_yout *y, bool flow);
void gcr_yout_seq_end(struct gcr_yout *y);

/* A string, quoted only when a YAML reader would otherwise change its type. */
void gcr_yout_str(struct gcr_yout *y, const char *s);
/* A scalar written exactly as given, unquoted: numbers and booleans. */
void gcr_yout_plain(struct gcr_yout *y, const char *s);
void gcr_yout_int(struct gcr_yout *y, long v);
void gcr_yout_bool(struct gcr_yout *y, bool v);
/* A float with the shortest "%g"-style text that keeps a decimal point. */
void gcr_yout_double(struct gcr_yout *y, double v);

/* key: value shorthands (inside a mapping). */
void gcr_yout_kstr(struct gcr_yout *y, const char *key, const char *s);
void gcr_yout_kplain(struct gcr_yout *y, const char *key, const char *s);
void gcr_yout_kint(struct gcr_yout *y, const char *key, long v);
void gcr_yout_kbool(struct gcr_yout *y, const char *key, bool v);
void gcr_yout_kdouble(struct gcr_yout *y, const char *key, double v);
/* key: followed by a mapping / a sequence the caller fills and closes. */
void gcr_yout_kmap(struct gcr_yout *y, const char *key);
void gcr_yout_kseq(struct gcr_yout *y, const char *key, bool flow);
/* key: [a, b, ...] of plain scalars, or a block list of strings. */
void gcr_yout_kflow_plain(struct gcr_yout *y, const char *key,
			  const char *const *items, size_t n);
void gcr_yout_kstr_list(struct gcr_yout *y, const char *key,
			const char *const *items, size_t n);

/* Ends the document and stream.  On success returns the NUL-terminated text
 * (caller frees) and its length; on failure NULL with err set.  Frees y. */
char *gcr_yout_finish(struct gcr_yout *y, size_t *len, struct gcr_error *err);

/* True when s would not survive as a plain scalar string (see above). */
bool gcr_yaml_needs_quotes(const char *s);

#endif
