/* settings.c: the configuration file as a small YAML tree (maps, lists and
 * scalars), read with libyaml's parser and written with its emitter. */
#include "config.h"
#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "i18n.h"
#include "paths.h"

enum node_kind { NODE_SCALAR, NODE_MAP, NODE_LIST };

struct node {
	enum node_kind kind;
	char *key;             /* in a map: the key; else NULL */
	char *value;           /* scalars only */
	struct node *children; /* maps and lists: first child */
	struct node *next;     /* next sibling */
};

struct gcr_settings {
	struct node *root;     /* always a map */
	bool existed;
};

static struct node *node_new(enum node_kind kind, const char *key)
{
	struct node *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->kind = kind;
	if (key && !(n->key = strdup(key)))
		abort();
	return n;
}

static void node_free(struct node *n)
{
	while (n) {
		struct node *next = n->next;
		node_free(n->children);
		free(n->key);
		free(n->value);
		free(n);
		n = next;
	}
}

static void node_append(struct node *parent, struct node *child)
{
	struct node **p = &parent->children;
	while (*p)
		p = &(*p)->next;
	*p = child;
}

struct gcr_settings *gcr_settings_new(void)
{
	struct gcr_settings *cfg = calloc(1, sizeof *cfg);
	if (!cfg)
		abort();
	cfg->root = node_new(NODE_MAP, NULL);
	return cfg;
}

void gcr_settings_free(struct gcr_settings *cfg)
{
	if (!cfg)
		return;
	node_free(cfg->root);
	free(cfg);
}

bool gcr_settings_existed(const struct gcr_settings *cfg)
{
	return cfg->existed;
}

/* Parser state: builds the tree from libyaml events. */
struct builder {
	yaml_parser_t parser;
	const char *path;
	struct gcr_error *err;
};

static enum gcr_status parse_error(struct builder *b, const yaml_event_t *ev, const char *what)
{
	return gcr_error_set(b->err, GCR_ERR_INVALID, _("%s:%lu: %s"), b->path,
			     (unsigned long)(ev ? ev->start_mark.line + 1 : b->parser.problem_mark.line + 1),
			     what);
}

static enum gcr_status next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev))
		return gcr_error_set(b->err, GCR_ERR_INVALID, _("%s:%lu: not valid YAML: %s"),
				     b->path, (unsigned long)b->parser.problem_mark.line + 1,
				     b->parser.problem ? b->parser.problem : "?");
	return GCR_OK;
}

static enum gcr_status build_value(struct builder *b, yaml_event_t *ev, struct node *out);

/* Fills out (a map or list node) from the events after its start event. */
static enum gcr_status build_children(struct builder *b, struct node *out)
{
	for (;;) {
		yaml_event_t ev;
		enum gcr_status st = next_event(b, &ev);
		struct node *child;

		if (st != GCR_OK)
			return st;
		if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return GCR_OK;
		}
		if (out->kind == NODE_MAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				st = parse_error(b, &ev, _("configuration keys must be plain words"));
				yaml_event_delete(&ev);
				return st;
			}
			child = node_new(NODE_SCALAR, (const char *)ev.data.scalar.value);
			yaml_event_delete(&ev);
			st = next_event(b, &ev);
			if (st != GCR_OK) {
				node_free(child);
				return st;
			}
		} else {
			if (ev.type != YAML_SCALAR_EVENT) {
				st = parse_error(b, &ev, _("lists in the configuration hold plain values only"));
				yaml_event_delete(&ev);
				return st;
			}
			child = node_new(NODE_SCALAR, NULL);
		}
		st = build_value(b, &ev, child);
		yaml_event_delete(&ev);
		node_append(out, child);
		if (st != GCR_OK)
			return st;
	}
}

static enum gcr_status build_value(struct builder *b, yaml_event_t *ev, struct node *out)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		out->kind = NODE_SCALAR;
		out->value = strdup((const char *)ev->data.scalar.value);
		if (!out->value)
			abort();
		return GCR_OK;
	case YAML_MAPPING_START_EVENT:
		out->kind = NODE_MAP;
		return build_children(b, out);
	case YAML_SEQUENCE_START_EVENT:
		out->kind = NODE_LIST;
		return build_children(b, out);
	case YAML_ALIAS_EVENT:
		return parse_error(b, ev, _("aliases are not allowed in the configuration"));
	default:
		return parse_error(b, ev, _("unexpected YAML structure"));
	}
}

enum gcr_status gcr_settings_load(const char *path, struct gcr_settings **out,
				struct gcr_error *err)
{
	struct builder b = { .path = path, .err = err };
	struct gcr_settings *cfg = gcr_settings_new();
	enum gcr_status st = GCR_OK;
	bool done = false;
	char *text = NULL;
	size_t len = 0;

	*out = NULL;
	st = gcr_read_file(path, &text, &len, err);
	if (st == GCR_ERR_NOT_FOUND) {
		*out = cfg;
		return GCR_OK;
	}
	if (st != GCR_OK) {
		gcr_settings_free(cfg);
		return st;
	}
	cfg->existed = true;
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	while (st == GCR_OK && !done) {
		yaml_event_t ev;
		st = next_event(&b, &ev);
		if (st != GCR_OK)
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
			st = build_children(&b, cfg->root);
			break;
		case YAML_SCALAR_EVENT:
			/* An empty document ("" or "~") is an empty configuration. */
			if (ev.data.scalar.length && strcmp((char *)ev.data.scalar.value, "~") != 0)
				st = parse_error(&b, &ev, _("the configuration must be a mapping of sections"));
			break;
		case YAML_SEQUENCE_START_EVENT:
			st = parse_error(&b, &ev, _("the configuration must be a mapping of sections"));
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&b.parser);
	free(text);
	if (st != GCR_OK) {
		gcr_settings_free(cfg);
		return st;
	}
	*out = cfg;
	return GCR_OK;
}

static struct node *map_find(const struct node *map, const char *key, size_t keylen)
{
	for (struct node *c = map->children; c; c = c->next)
		if (strlen(c->key) == keylen && strncmp(c->key, key, keylen) == 0)
			return c;
	return NULL;
}

static const struct node *lookup(const struct gcr_settings *cfg, const char *path)
{
	const struct node *n = cfg->root;
	const char *p = path;

	while (n && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (n->kind != NODE_MAP)
			return NULL;
		n = map_find(n, p, len);
		p += len + (dot ? 1 : 0);
	}
	return n;
}

const char *gcr_settings_get(const struct gcr_settings *cfg, const char *path)
{
	const struct node *n = lookup(cfg, path);
	return n && n->kind == NODE_SCALAR ? n->value : NULL;
}

const char *gcr_settings_get_or(const struct gcr_settings *cfg, const char *path,
			      const char *fallback)
{
	const char *v = gcr_settings_get(cfg, path);
	return v && *v ? v : fallback;
}

double gcr_settings_get_number(const struct gcr_settings *cfg, const char *path, double fallback)
{
	const char *v = gcr_settings_get(cfg, path);
	char *end;
	double d;

	if (!v || !*v)
		return fallback;
	errno = 0;
	d = strtod(v, &end);
	return (errno || *end) ? fallback : d;
}

size_t gcr_settings_list_len(const struct gcr_settings *cfg, const char *path)
{
	const struct node *n = lookup(cfg, path);
	size_t count = 0;

	if (!n || n->kind != NODE_LIST)
		return 0;
	for (const struct node *c = n->children; c; c = c->next)
		count++;
	return count;
}

const char *gcr_settings_list_item(const struct gcr_settings *cfg, const char *path, size_t i)
{
	const struct node *n = lookup(cfg, path);

	if (!n || n->kind != NODE_LIST)
		return NULL;
	for (const struct node *c = n->children; c; c = c->next, i--)
		if (i == 0)
			return c->value;
	return NULL;
}

/* Finds or creates the node at path; with create false, returns NULL if
 * absent.  Maps are made along the way; a scalar in the way becomes a map. */
static struct node *lookup_create(struct gcr_settings *cfg, const char *path,
				  struct node **parent_out)
{
	struct node *n = cfg->root, *parent = NULL;
	const char *p = path;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		struct node *child;
		char *key;

		if (n->kind != NODE_MAP) {
			node_free(n->children);
			n->children = NULL;
			free(n->value);
			n->value = NULL;
			n->kind = NODE_MAP;
		}
		child = map_find(n, p, len);
		if (!child) {
			key = strndup(p, len);
			if (!key)
				abort();
			child = node_new(NODE_MAP, key);
			free(key);
			node_append(n, child);
		}
		parent = n;
		n = child;
		p += len + (dot ? 1 : 0);
	}
	if (parent_out)
		*parent_out = parent;
	return n;
}

static enum gcr_status check_path(const char *path, struct gcr_error *err)
{
	if (!path || !*path || path[0] == '.' || path[strlen(path) - 1] == '.' || strstr(path, ".."))
		return gcr_error_set(err, GCR_ERR_INVALID, _("invalid configuration key '%s'"),
				     path ? path : "");
	return GCR_OK;
}

static void node_remove(struct node *parent, struct node *victim)
{
	struct node **p = &parent->children;
	while (*p && *p != victim)
		p = &(*p)->next;
	if (*p) {
		*p = victim->next;
		victim->next = NULL;
		node_free(victim);
	}
}

enum gcr_status gcr_settings_set(struct gcr_settings *cfg, const char *path,
			       const char *value, struct gcr_error *err)
{
	struct node *n, *parent;

	if (check_path(path, err) != GCR_OK)
		return GCR_ERR_INVALID;
	if (!value) {
		n = (struct node *)lookup(cfg, path);
		if (n) {
			const char *dot = strrchr(path, '.');
			char *parent_path = dot ? strndup(path, (size_t)(dot - path)) : NULL;
			struct node *p = parent_path ? (struct node *)lookup(cfg, parent_path) : cfg->root;
			free(parent_path);
			if (p)
				node_remove(p, n);
		}
		return GCR_OK;
	}
	n = lookup_create(cfg, path, &parent);
	node_free(n->children);
	n->children = NULL;
	free(n->value);
	n->kind = NODE_SCALAR;
	n->value = strdup(value);
	if (!n->value)
		abort();
	return GCR_OK;
}

enum gcr_status gcr_settings_set_list(struct gcr_settings *cfg, const char *path,
				    const char *const *items, size_t count,
				    struct gcr_error *err)
{
	struct node *n;

	if (check_path(path, err) != GCR_OK)
		return GCR_ERR_INVALID;
	n = lookup_create(cfg, path, NULL);
	node_free(n->children);
	n->children = NULL;
	free(n->value);
	n->value = NULL;
	n->kind = NODE_LIST;
	for (size_t i = 0; i < count; i++) {
		struct node *item = node_new(NODE_SCALAR, NULL);
		item->value = strdup(items[i]);
		if (!item->value)
			abort();
		node_append(n, item);
	}
	return GCR_OK;
}

/* Emitter output into a growing buffer. */
struct outbuf {
	char *data;
	size_t len, cap;
};

static int outbuf_write(void *data, unsigned char *buffer, size_t size)
{
	struct outbuf *o = data;
	if (o->len + size + 1 > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 1024) + size;
		char *grown = realloc(o->data, cap);
		if (!grown)
			return 0;
		o->data = grown;
		o->cap = cap;
	}
	memcpy(o->data + o->len, buffer, size);
	o->len += size;
	return 1;
}

static int emit_scalar(yaml_emitter_t *em, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
				     1, 1, YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

static int emit_node(yaml_emitter_t *em, const struct node *n)
{
	yaml_event_t ev;

	switch (n->kind) {
	case NODE_SCALAR:
		return emit_scalar(em, n->value ? n->value : "");
	case NODE_LIST:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		for (const struct node *c = n->children; c; c = c->next)
			if (!emit_node(em, c))
				return 0;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case NODE_MAP:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		for (const struct node *c = n->children; c; c = c->next)
			if (!emit_scalar(em, c->key) || !emit_node(em, c))
				return 0;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	}
	return 0;
}

enum gcr_status gcr_settings_save(const struct gcr_settings *cfg, const char *path,
				struct gcr_error *err)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct outbuf out = { 0 };
	enum gcr_status st;
	char *dir = strdup(path);
	char *slash;
	int ok;

	if (!dir)
		abort();
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		st = gcr_mkdir_p(dir, 0700, err);
		if (st != GCR_OK) {
			free(dir);
			return st;
		}
	}
	free(dir);

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, outbuf_write, &out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_node(&em, cfg->root);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_emitter_delete(&em);
	if (!ok) {
		free(out.data);
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("cannot write the configuration as YAML"));
	}
	st = gcr_write_file_atomic(path, out.data, out.len, 0600, err);
	free(out.data);
	return st;
}
