/* yaml_out.c: libyaml emitter wrapper with sticky errors (see yaml_out.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "bundle/yaml_out.h"
#include "i18n.h"

struct gcr_yout {
	yaml_emitter_t em;
	char *data;
	size_t len, cap;
	bool failed;
	char problem[128];
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	struct gcr_yout *y = data;

	if (y->len + size + 1 > y->cap) {
		size_t cap = y->cap ? y->cap : 1024;
		char *grown;

		while (cap < y->len + size + 1)
			cap *= 2;
		grown = realloc(y->data, cap);
		if (!grown)
			abort();
		y->data = grown;
		y->cap = cap;
	}
	memcpy(y->data + y->len, buffer, size);
	y->len += size;
	y->data[y->len] = '\0';
	return 1;
}

static void emit(struct gcr_yout *y, yaml_event_t *ev)
{
	if (y->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&y->em, ev)) {
		y->failed = true;
		snprintf(y->problem, sizeof y->problem, "%s",
			 y->em.problem ? y->em.problem : "emitter error");
	}
}

struct gcr_yout *gcr_yout_new(bool explicit_start)
{
	struct gcr_yout *y = calloc(1, sizeof *y);
	yaml_event_t ev;

	if (!y || !yaml_emitter_initialize(&y->em))
		abort();
	yaml_emitter_set_output(&y->em, write_handler, y);
	yaml_emitter_set_unicode(&y->em, 1);
	yaml_emitter_set_width(&y->em, 4096);  /* long paths stay on one line */
	yaml_emitter_set_indent(&y->em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(y, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, explicit_start ? 0 : 1);
	emit(y, &ev);
	return y;
}

void gcr_yout_map_start(struct gcr_yout *y)
{
	yaml_event_t ev;
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	emit(y, &ev);
}

void gcr_yout_map_end(struct gcr_yout *y)
{
	yaml_event_t ev;
	yaml_mapping_end_event_initialize(&ev);
	emit(y, &ev);
}

void gcr_yout_seq_start(struct gcr_yout *y, bool flow)
{
	yaml_event_t ev;
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     flow ? YAML_FLOW_SEQUENCE_STYLE
						  : YAML_BLOCK_SEQUENCE_STYLE);
	emit(y, &ev);
}

void gcr_yout_seq_end(struct gcr_yout *y)
{
	yaml_event_t ev;
	yaml_sequence_end_event_initialize(&ev);
	emit(y, &ev);
}

static void scalar(struct gcr_yout *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!s)
		s = "";
	/* plain_implicit: an untagged plain scalar resolves by its text (a
	 * number stays a number); quoted_implicit: quoted means string. */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
					  (int)strlen(s), 1, 1, style)) {
		y->failed = true;
		snprintf(y->problem, sizeof y->problem, "bad scalar");
		return;
	}
	emit(y, &ev);
}

static bool is_word(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

bool gcr_yaml_needs_quotes(const char *s)
{
	/* YAML 1.1 (PyYAML, many readers) booleans and nulls. */
	static const char *const special[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		"~", "null", "Null", "NULL", ".inf", ".Inf", ".INF",
		"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL,
	};
	char *end;
	bool digits_and_colons = true, has_colon = false;

	if (!s || !*s)
		return true;
	if (is_word(s, special))
		return true;
	strtod(s, &end);
	if (*end == '\0')
		return true;
	if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0o", 2) == 0)
		return true;
	/* Sexagesimal numbers of YAML 1.1 ("1:30" is 90). */
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			has_colon = true;
		else if ((*p < '0' || *p > '9') && *p != '_' && *p != '.')
			digits_and_colons = false;
	}
	return has_colon && digits_and_colons;
}

void gcr_yout_str(struct gcr_yout *y, const char *s)
{
	scalar(y, s, gcr_yaml_needs_quotes(s) ? YAML_SINGLE_QUOTED_SCALAR_STYLE
					      : YAML_ANY_SCALAR_STYLE);
}

void gcr_yout_plain(struct gcr_yout *y, const char *s)
{
	scalar(y, s, YAML_PLAIN_SCALAR_STYLE);
}

void gcr_yout_int(struct gcr_yout *y, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	gcr_yout_plain(y, buf);
}

void gcr_yout_bool(struct gcr_yout *y, bool v)
{
	gcr_yout_plain(y, v ? "true" : "false");
}

void gcr_yout_double(struct gcr_yout *y, double v)
{
	char buf[64];
	double a = fabs(v);

	if (!isfinite(v)) {
		gcr_yout_plain(y, v != v ? ".nan" : v > 0 ? ".inf" : "-.inf");
		return;
	}
	if (a == 0.0 || (a >= 1e-6 && a < 1e9)) {
		/* Plain decimals as the templates write them (0.00005, not 5e-05);
		 * YAML 1.1 readers also need the point to see a float. */
		char *end;
		snprintf(buf, sizeof buf, "%.10f", v);
		end = buf + strlen(buf) - 1;
		while (*end == '0' && end[-1] != '.')
			*end-- = '\0';
	} else {
		snprintf(buf, sizeof buf, "%.6e", v);
	}
	gcr_yout_plain(y, buf);
}

void gcr_yout_kstr(struct gcr_yout *y, const char *key, const char *s)
{
	gcr_yout_str(y, key);
	gcr_yout_str(y, s);
}

void gcr_yout_kplain(struct gcr_yout *y, const char *key, const char *s)
{
	gcr_yout_str(y, key);
	gcr_yout_plain(y, s);
}

void gcr_yout_kint(struct gcr_yout *y, const char *key, long v)
{
	gcr_yout_str(y, key);
	gcr_yout_int(y, v);
}

void gcr_yout_kbool(struct gcr_yout *y, const char *key, bool v)
{
	gcr_yout_str(y, key);
	gcr_yout_bool(y, v);
}

void gcr_yout_kdouble(struct gcr_yout *y, const char *key, double v)
{
	gcr_yout_str(y, key);
	gcr_yout_double(y, v);
}

void gcr_yout_kmap(struct gcr_yout *y, const char *key)
{
	gcr_yout_str(y, key);
	gcr_yout_map_start(y);
}

void gcr_yout_kseq(struct gcr_yout *y, const char *key, bool flow)
{
	gcr_yout_str(y, key);
	gcr_yout_seq_start(y, flow);
}

void gcr_yout_kflow_plain(struct gcr_yout *y, const char *key,
			  const char *const *items, size_t n)
{
	gcr_yout_kseq(y, key, true);
	for (size_t i = 0; i < n; i++)
		gcr_yout_plain(y, items[i]);
	gcr_yout_seq_end(y);
}

void gcr_yout_kstr_list(struct gcr_yout *y, const char *key,
			const char *const *items, size_t n)
{
	gcr_yout_kseq(y, key, false);
	for (size_t i = 0; i < n; i++)
		gcr_yout_str(y, items[i]);
	gcr_yout_seq_end(y);
}

char *gcr_yout_finish(struct gcr_yout *y, size_t *len, struct gcr_error *err)
{
	yaml_event_t ev;
	char *out = NULL;

	yaml_document_end_event_initialize(&ev, 1);
	emit(y, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(y, &ev);
	if (!y->failed && !yaml_emitter_flush(&y->em)) {
		y->failed = true;
		snprintf(y->problem, sizeof y->problem, "flush failed");
	}
	if (y->failed) {
		gcr_error_set(err, GCR_ERR_INTERNAL, _("cannot write YAML: %s"), y->problem);
		free(y->data);
	} else {
		out = y->data ? y->data : strdup("");
		if (!out)
			abort();
		if (len)
			*len = y->len;
	}
	yaml_emitter_delete(&y->em);
	free(y);
	return out;
}
