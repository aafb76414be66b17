/* yamlread.c: libyaml document tree helpers (see yamlread.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "paths.h"
#include "spec.h"
#include "yamlread.h"

enum gcr_status gcr_yread_parse(struct gcr_yread *y, const char *path,
				const char *text, size_t len, struct gcr_error *err)
{
	yaml_parser_t parser;
	enum gcr_status st = GCR_OK;

	memset(y, 0, sizeof *y);
	y->path = path;
	if (!yaml_parser_initialize(&parser))
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		st = gcr_error_set(err, GCR_ERR_INVALID, _("%s:%lu: not valid YAML: %s"), path,
				   (unsigned long)parser.problem_mark.line + 1,
				   parser.problem ? parser.problem : "?");
	} else {
		y->loaded = true;
	}
	yaml_parser_delete(&parser);
	return st;
}

enum gcr_status gcr_yread_file(struct gcr_yread *y, const char *path, struct gcr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	enum gcr_status st;

	memset(y, 0, sizeof *y);
	y->path = path;
	st = gcr_read_file(path, &text, &len, err);
	if (st != GCR_OK)
		return st;
	st = gcr_yread_parse(y, path, text, len, err);
	free(text);
	return st;
}

void gcr_yread_free(struct gcr_yread *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *gcr_yread_root(struct gcr_yread *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

yaml_node_t *gcr_yread_node(struct gcr_yread *y, yaml_node_item_t item)
{
	return yaml_document_get_node(&y->doc, item);
}

int gcr_yread_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

enum gcr_status gcr_yread_error(struct gcr_yread *y, const yaml_node_t *n,
				const char *field, struct gcr_error *err,
				const char *fmt, ...)
{
	char msg[GCR_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (field && *field)
		return gcr_error_set(err, GCR_ERR_INVALID, "%s:%d: %s: %s", y->path,
				     gcr_yread_line(n), field, msg);
	return gcr_error_set(err, GCR_ERR_INVALID, "%s:%d: %s", y->path, gcr_yread_line(n), msg);
}

bool gcr_yread_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool gcr_yread_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

const char *gcr_yread_text(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

yaml_node_t *gcr_yread_get(struct gcr_yread *y, yaml_node_t *map, const char *key)
{
	if (!gcr_yread_is_map(map))
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = gcr_yread_text(gcr_yread_node(y, p->key));
		if (k && strcmp(k, key) == 0)
			return gcr_yread_node(y, p->value);
	}
	return NULL;
}

enum gcr_status gcr_yread_str(struct gcr_yread *y, yaml_node_t *n, const char *field,
			      char *buf, size_t len, struct gcr_error *err)
{
	const char *s = gcr_yread_text(n);

	if (!s)
		return gcr_yread_error(y, n, field, err, _("expected a text value"));
	if (strlen(s) >= len)
		return gcr_yread_error(y, n, field, err, _("too long (at most %zu characters)"),
				       len - 1);
	memcpy(buf, s, strlen(s) + 1);
	return GCR_OK;
}

enum gcr_status gcr_yread_int(struct gcr_yread *y, yaml_node_t *n, const char *field,
			      long min, long max, long *out, struct gcr_error *err)
{
	const char *s = gcr_yread_text(n);
	char *end;
	long v;

	if (!s || !*s)
		return gcr_yread_error(y, n, field, err, _("expected a whole number"));
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return gcr_yread_error(y, n, field, err, _("'%s' is not a whole number"), s);
	if (v < min || v > max)
		return gcr_yread_error(y, n, field, err, _("%ld is out of range (%ld to %ld)"),
				       v, min, max);
	*out = v;
	return GCR_OK;
}

enum gcr_status gcr_yread_double(struct gcr_yread *y, yaml_node_t *n, const char *field,
				 double min, double max, double *out, struct gcr_error *err)
{
	const char *s = gcr_yread_text(n);
	char *end;
	double v;

	if (!s || !*s)
		return gcr_yread_error(y, n, field, err, _("expected a number"));
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return gcr_yread_error(y, n, field, err, _("'%s' is not a number"), s);
	if (v < min || v > max)
		return gcr_yread_error(y, n, field, err, _("%g is out of range (%g to %g)"),
				       v, min, max);
	*out = v;
	return GCR_OK;
}

enum gcr_status gcr_yread_bool(struct gcr_yread *y, yaml_node_t *n, const char *field,
			       bool *out, struct gcr_error *err)
{
	const char *s = gcr_yread_text(n);

	if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)) {
		*out = true;
		return GCR_OK;
	}
	if (s && (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)) {
		*out = false;
		return GCR_OK;
	}
	return gcr_yread_error(y, n, field, err, _("expected true or false"));
}

enum gcr_status gcr_yread_date(struct gcr_yread *y, yaml_node_t *n, const char *field,
			       int *out, struct gcr_error *err)
{
	const char *s = gcr_yread_text(n);

	if (!s || !gcr_date_parse(s, out))
		return gcr_yread_error(y, n, field, err,
				       _("expected a date YYYY-MM-DD, got '%s'"), s ? s : "");
	return GCR_OK;
}

enum gcr_status gcr_yread_keys(struct gcr_yread *y, yaml_node_t *map, const char *what,
			       const char *const *allowed, struct gcr_error *err)
{
	if (!gcr_yread_is_map(map))
		return gcr_yread_error(y, map, what, err, _("expected a mapping of keys to values"));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = gcr_yread_node(y, p->key);
		const char *k = gcr_yread_text(kn);
		size_t i;

		for (i = 0; k && allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (!k || !allowed[i]) {
			char list[512] = "";
			for (size_t j = 0; allowed[j]; j++) {
				if (j)
					strncat(list, ", ", sizeof list - strlen(list) - 1);
				strncat(list, allowed[j], sizeof list - strlen(list) - 1);
			}
			return gcr_yread_error(y, kn, what, err,
					       _("unknown key '%s' (allowed: %s)"),
					       k ? k : "?", list);
		}
	}
	return GCR_OK;
}
