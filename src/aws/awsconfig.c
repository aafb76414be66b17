/* awsconfig.c: the SDKs' INI dialect for ~/.aws/config and
 * ~/.aws/credentials, a comment-preserving writer, profile and region.
 *
 * No library for this INI dialect is in our stack, so this is a small
 * line-based parser written to survive any input (it is fuzzed with random
 * bytes in check_awsconfig). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/awsconfig.h"
#include "i18n.h"
#include "paths.h"

/* ---- small string helpers ---------------------------------------------- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Trims [*s, *e) in place (pointer moves only). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_ws(**s))
		(*s)++;
	while (*e > *s && is_ws((*e)[-1]))
		(*e)--;
}

static char *dup_range(const char *s, const char *e)
{
	char *d = malloc((size_t)(e - s) + 1);

	if (!d)
		return NULL;
	memcpy(d, s, (size_t)(e - s));
	d[e - s] = '\0';
	return d;
}

/* Copies [s, e) with runs of white space made one space ("profile   dev"
 * is "profile dev", as botocore's shlex split sees it). */
static char *dup_collapsed(const char *s, const char *e)
{
	char *d = malloc((size_t)(e - s) + 1), *o = d;
	int space = 0;

	if (!d)
		return NULL;
	for (; s < e; s++) {
		if (is_ws(*s)) {
			space = 1;
			continue;
		}
		if (space && o > d)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return d;
}

/* ---- parsed structure -------------------------------------------------- */

static void section_free(struct gcr_aws_ini_section *s)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		free(s->entries[i].parent);
		free(s->entries[i].key);
		free(s->entries[i].value);
	}
	free(s->entries);
	free(s->name);
}

void gcr_aws_ini_free(struct gcr_aws_ini *ini)
{
	size_t i;

	if (!ini)
		return;
	for (i = 0; i < ini->count; i++)
		section_free(&ini->sections[i]);
	free(ini->sections);
	free(ini->path);
	free(ini);
}

const struct gcr_aws_ini_section *gcr_aws_ini_section(const struct gcr_aws_ini *ini,
						      const char *name)
{
	size_t i;

	if (!ini || !name)
		return NULL;
	for (i = 0; i < ini->count; i++)
		if (strcmp(ini->sections[i].name, name) == 0)
			return &ini->sections[i];
	return NULL;
}

const char *gcr_aws_ini_lookup(const struct gcr_aws_ini_section *s,
			       const char *parent, const char *key)
{
	size_t i;

	if (!s || !key)
		return NULL;
	/* From the end: a later duplicate overrides. */
	for (i = s->count; i-- > 0;) {
		const struct gcr_aws_ini_entry *e = &s->entries[i];
		if (strcasecmp(e->key, key) != 0)
			continue;
		if ((!parent && !e->parent) ||
		    (parent && e->parent && strcasecmp(parent, e->parent) == 0))
			return e->value;
	}
	return NULL;
}

static struct gcr_aws_ini_section *section_get_or_add(struct gcr_aws_ini *ini,
						      char *name, int line)
{
	size_t i;
	struct gcr_aws_ini_section *s;

	for (i = 0; i < ini->count; i++) {
		if (strcmp(ini->sections[i].name, name) == 0) {
			free(name);
			return &ini->sections[i];
		}
	}
	if (ini->count == ini->cap) {
		size_t cap = ini->cap ? ini->cap * 2 : 8;
		struct gcr_aws_ini_section *ns = realloc(ini->sections, cap * sizeof *ns);
		if (!ns) {
			free(name);
			return NULL;
		}
		ini->sections = ns;
		ini->cap = cap;
	}
	s = &ini->sections[ini->count++];
	memset(s, 0, sizeof *s);
	s->name = name;
	s->line = line;
	return s;
}

static struct gcr_aws_ini_entry *entry_add(struct gcr_aws_ini_section *s, char *parent,
					   char *key, char *value, int line)
{
	struct gcr_aws_ini_entry *e;

	if (!key || !value) {
		free(parent);
		free(key);
		free(value);
		return NULL;
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct gcr_aws_ini_entry *ne = realloc(s->entries, cap * sizeof *ne);
		if (!ne) {
			free(parent);
			free(key);
			free(value);
			return NULL;
		}
		s->entries = ne;
		s->cap = cap;
	}
	e = &s->entries[s->count++];
	e->parent = parent;
	e->key = key;
	e->value = value;
	e->line = line;
	for (; *key; key++)
		*key = (char)tolower((unsigned char)*key);
	return e;
}

/* ---- the parser -------------------------------------------------------- */

struct parse_state {
	struct gcr_aws_ini *ini;
	const char *origin;
	int line;
	struct gcr_aws_ini_section *section;
	/* The last top-level key: an indented line continues it, or, when its
	 * value was empty, opens its nested block. */
	size_t last_entry;
	int have_last;
	int in_block;
	struct gcr_error *err;
};

static enum gcr_status parse_fail(struct parse_state *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum gcr_status parse_fail(struct parse_state *ps, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return gcr_error_set(ps->err, GCR_ERR_INVALID, "%s:%d: %s",
			     ps->origin ? ps->origin : _("AWS config"), ps->line, what);
}

/* Cuts an inline comment: '#' or ';' preceded by white space. */
static const char *cut_comment(const char *s, const char *e)
{
	const char *p;

	for (p = s; p < e; p++)
		if ((*p == '#' || *p == ';') && p > s && is_ws(p[-1]))
			return p;
	return e;
}

/* Splits "key = value" at the first '=' (or ':', as configparser does). */
static int split_property(const char *s, const char *e, const char **ke,
			  const char **vs)
{
	const char *p;

	for (p = s; p < e; p++) {
		if (*p == '=' || *p == ':') {
			*ke = p;
			*vs = p + 1;
			return 0;
		}
	}
	return -1;
}

static enum gcr_status parse_section_header(struct parse_state *ps, const char *s, const char *e)
{
	const char *close = memchr(s, ']', (size_t)(e - s));
	const char *ns = s + 1, *ne, *rest;
	char *name;

	if (!close)
		return parse_fail(ps, _("section header without a closing ']'"));
	ne = close;
	trim(&ns, &ne);
	if (ns == ne)
		return parse_fail(ps, _("empty section name"));
	for (rest = close + 1; rest < e && is_ws(*rest); rest++)
		;
	if (rest < e && *rest != '#' && *rest != ';')
		return parse_fail(ps, _("unexpected text after the section header"));
	name = dup_collapsed(ns, ne);
	if (!name)
		return gcr_error_set(ps->err, GCR_ERR_NOMEM, _("out of memory"));
	ps->section = section_get_or_add(ps->ini, name, ps->line);
	if (!ps->section)
		return gcr_error_set(ps->err, GCR_ERR_NOMEM, _("out of memory"));
	ps->have_last = 0;
	ps->in_block = 0;
	return GCR_OK;
}

static enum gcr_status parse_property(struct parse_state *ps, const char *s, const char *e,
				      int indented)
{
	const char *ke, *vs, *ks = s, *ve = e;
	char *parent = NULL;
	struct gcr_aws_ini_entry *entry;

	if (split_property(s, e, &ke, &vs) != 0)
		return parse_fail(ps, indented ? _("expected 'key = value' in the nested block")
					       : _("expected 'key = value', a [section] or a comment"));
	trim(&ks, &ke);
	if (ks == ke)
		return parse_fail(ps, _("a key is missing before '='"));
	ve = cut_comment(vs, e);
	trim(&vs, &ve);
	if (indented) {
		parent = strdup(ps->section->entries[ps->last_entry].key);
		if (!parent)
			return gcr_error_set(ps->err, GCR_ERR_NOMEM, _("out of memory"));
	}
	entry = entry_add(ps->section, parent, dup_range(ks, ke), dup_range(vs, ve), ps->line);
	if (!entry)
		return gcr_error_set(ps->err, GCR_ERR_NOMEM, _("out of memory"));
	if (!indented) {
		ps->last_entry = ps->section->count - 1;
		ps->have_last = 1;
		ps->in_block = 0;
	}
	return GCR_OK;
}

static enum gcr_status parse_indented(struct parse_state *ps, const char *s, const char *e)
{
	struct gcr_aws_ini_entry *last;
	size_t old, add;
	char *nv;

	if (!ps->section || !ps->have_last)
		return parse_fail(ps, _("an indented line must follow a key"));
	last = &ps->section->entries[ps->last_entry];
	if (ps->in_block || last->value[0] == '\0') {
		ps->in_block = 1;
		return parse_property(ps, s, e, 1);
	}
	/* A continuation of the last value. */
	e = cut_comment(s, e);
	trim(&s, &e);
	old = strlen(last->value);
	add = (size_t)(e - s);
	nv = realloc(last->value, old + add + 2);
	if (!nv)
		return gcr_error_set(ps->err, GCR_ERR_NOMEM, _("out of memory"));
	nv[old] = '\n';
	memcpy(nv + old + 1, s, add);
	nv[old + 1 + add] = '\0';
	last->value = nv;
	return GCR_OK;
}

static enum gcr_status parse_line(struct parse_state *ps, const char *s, const char *e)
{
	const char *t = s;

	while (t < e && is_ws(*t))
		t++;
	if (t == e || *t == '#' || *t == ';')
		return GCR_OK;                 /* blank or comment */
	if (memchr(s, '\0', (size_t)(e - s)))
		return parse_fail(ps, _("the line contains a NUL byte"));
	if (t > s)
		return parse_indented(ps, t, e);
	if (*s == '[')
		return parse_section_header(ps, s, e);
	if (!ps->section)
		return parse_fail(ps, _("a key before the first [section]"));
	return parse_property(ps, s, e, 0);
}

struct gcr_aws_ini *gcr_aws_ini_parse(const char *text, size_t len,
				      const char *origin, struct gcr_error *err)
{
	struct gcr_aws_ini *ini = calloc(1, sizeof *ini);
	struct parse_state ps = { 0 };
	const char *p = text, *end = text + len;

	if (!ini || (origin && !(ini->path = strdup(origin)))) {
		gcr_aws_ini_free(ini);
		gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	ps.ini = ini;
	ps.origin = origin;
	ps.err = err;
	/* A UTF-8 byte order mark, as some editors write. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		ps.line++;
		if (parse_line(&ps, p, le) != GCR_OK) {
			gcr_aws_ini_free(ini);
			return NULL;
		}
		p = nl ? nl + 1 : end;
	}
	return ini;
}

/* ---- the writer -------------------------------------------------------- */

struct line {
	const char *s;
	size_t len;           /* without the '\n' */
	int drop;
	char *replacement;    /* owned; replaces the line */
};

/* The normalised name of a header line "[ name ]", or NULL. */
static char *header_name(const char *s, size_t len)
{
	const char *close, *ns, *ne;

	if (len == 0 || s[0] != '[')
		return NULL;
	close = memchr(s, ']', len);
	if (!close)
		return NULL;
	ns = s + 1;
	ne = close;
	trim(&ns, &ne);
	return dup_collapsed(ns, ne);
}

/* The lower-cased key of an unindented "key = value" line, or NULL. */
static char *property_key(const char *s, size_t len)
{
	const char *e = s + len, *ke, *vs, *ks = s;
	char *k, *p;

	if (len == 0 || is_ws(s[0]) || s[0] == '#' || s[0] == ';' || s[0] == '[')
		return NULL;
	if (split_property(s, e, &ke, &vs) != 0)
		return NULL;
	trim(&ks, &ke);
	k = dup_range(ks, ke);
	for (p = k; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

static int blank_or_comment(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && is_ws(l->s[i]))
		i++;
	return i == l->len || l->s[i] == '#' || l->s[i] == ';';
}

char *gcr_aws_ini_text_set(const char *text, size_t len, const char *section,
			   const char *const *keys, const char *const *values,
			   size_t n)
{
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0, i, k;
	const char *p = text, *end = text + len;
	char *want = dup_collapsed(section, section + strlen(section));
	int *done = calloc(n ? n : 1, sizeof *done);
	ssize_t first_header = -1, insert_after = -1;
	int in_target = 0, last_key_matched = 0;
	char *out = NULL;
	size_t out_len = 0;
	FILE *f;

	if (!want || !done)
		goto out;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (nlines == cap) {
			struct line *nlp;
			cap = cap ? cap * 2 : 64;
			nlp = realloc(lines, cap * sizeof *nlp);
			if (!nlp)
				goto out;
			lines = nlp;
		}
		lines[nlines].s = p;
		lines[nlines].len = (size_t)(le - p);
		lines[nlines].drop = 0;
		lines[nlines].replacement = NULL;
		nlines++;
		p = nl ? nl + 1 : end;
	}

	for (i = 0; i < nlines; i++) {
		struct line *l = &lines[i];
		char *h = header_name(l->s, l->len);
		char *key;

		if (h) {
			in_target = strcmp(h, want) == 0;
			free(h);
			if (in_target && first_header < 0) {
				first_header = (ssize_t)i;
				insert_after = (ssize_t)i;
			}
			last_key_matched = 0;
			continue;
		}
		if (!in_target)
			continue;
		if (l->len && is_ws(l->s[0]) && !blank_or_comment(l)) {
			/* Continuation or nested line of the previous key. */
			if (last_key_matched)
				l->drop = 1;
			else if (first_header >= 0)
				insert_after = (ssize_t)i;
			continue;
		}
		key = property_key(l->s, l->len);
		if (!key)
			continue;
		last_key_matched = 0;
		for (k = 0; k < n; k++) {
			if (strcasecmp(key, keys[k]) != 0)
				continue;
			last_key_matched = 1;
			if (!done[k] && values[k]) {
				l->replacement = gcr_strdup_printf("%s = %s", keys[k], values[k]);
				done[k] = 1;
			} else {
				/* Removed, or a later duplicate that would override. */
				l->drop = 1;
			}
			break;
		}
		free(key);
		if (!l->drop)
			insert_after = (ssize_t)i;
	}

	f = open_memstream(&out, &out_len);
	if (!f)
		goto out;
	for (i = 0; i < nlines; i++) {
		struct line *l = &lines[i];
		if (!l->drop) {
			if (l->replacement)
				fprintf(f, "%s\n", l->replacement);
			else
				fprintf(f, "%.*s\n", (int)l->len, l->s);
		}
		if (first_header >= 0 && (ssize_t)i == insert_after) {
			for (k = 0; k < n; k++) {
				if (!done[k] && values[k]) {
					fprintf(f, "%s = %s\n", keys[k], values[k]);
					done[k] = 1;
				}
			}
		}
	}
	if (first_header < 0) {
		int any = 0;
		for (k = 0; k < n; k++)
			any |= values[k] != NULL;
		if (any) {
			if (nlines > 0 && !blank_or_comment(&lines[nlines - 1]))
				fputc('\n', f);
			fprintf(f, "[%s]\n", want);
			for (k = 0; k < n; k++)
				if (values[k])
					fprintf(f, "%s = %s\n", keys[k], values[k]);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		out = NULL;
	}
out:
	for (i = 0; i < nlines; i++)
		free(lines[i].replacement);
	free(lines);
	free(want);
	free(done);
	return out;
}

static int valid_for_ini(const char *s, int allow_brackets)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || (!allow_brackets && (*s == '[' || *s == ']')))
			return 0;
	return 1;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return dup_range(path, slash);
}

enum gcr_status gcr_aws_ini_file_set(const char *path, const char *section,
				     const char *const *keys,
				     const char *const *values, size_t n,
				     mode_t mode, struct gcr_error *err)
{
	char *text = NULL, *updated, *dir;
	size_t len = 0, k;
	enum gcr_status st;

	if (!section || !*section || !valid_for_ini(section, 0))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("a section name must not be empty or contain brackets or line breaks"));
	for (k = 0; k < n; k++) {
		const char *c;
		if (!keys[k] || !*keys[k])
			return gcr_error_set(err, GCR_ERR_INVALID, _("empty key"));
		for (c = keys[k]; *c; c++)
			if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-'))
				return gcr_error_set(err, GCR_ERR_INVALID,
						     _("key '%s' may only hold letters, digits, '_' and '-'"),
						     keys[k]);
		if (!valid_for_ini(values[k], 1))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("the value of %s must not contain a line break"), keys[k]);
	}
	st = gcr_read_file(path, &text, &len, err);
	if (st == GCR_ERR_NOT_FOUND) {
		text = NULL;
		len = 0;
	} else if (st != GCR_OK) {
		return st;
	}
	updated = gcr_aws_ini_text_set(text ? text : "", len, section, keys, values, n);
	if (text) {
		/* The old text may hold secrets too. */
		memset(text, 0, len);
		free(text);
	}
	if (!updated)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	dir = dir_of(path);
	st = dir ? gcr_mkdir_p(dir, 0700, err) : gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	free(dir);
	if (st == GCR_OK)
		st = gcr_write_file_atomic(path, updated, strlen(updated), mode, err);
	memset(updated, 0, strlen(updated));
	free(updated);
	return st;
}

enum gcr_status gcr_aws_credentials_file_store(const char *path, const char *profile,
					       const char *access_key_id,
					       const char *secret_access_key,
					       const char *session_token,
					       struct gcr_error *err)
{
	static const char *const keys[] = {
		"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
	};
	const char *values[3] = { access_key_id, secret_access_key, session_token };
	char *own = NULL;
	enum gcr_status st;

	if (!access_key_id || !*access_key_id || !secret_access_key || !*secret_access_key)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("both an access key id and a secret access key are needed"));
	if (!path) {
		own = gcr_aws_credentials_file_path();
		if (!own)
			return gcr_error_set(err, GCR_ERR_NOT_FOUND,
					     _("HOME is not set, so there is no ~/.aws/credentials"));
		path = own;
	}
	st = gcr_aws_ini_file_set(path, profile && *profile ? profile : "default",
				  keys, values, 3, 0600, err);
	free(own);
	return st;
}

/* ---- both files --------------------------------------------------------- */

static char *file_path(const char *var, const char *name)
{
	const char *v = getenv(var);
	const char *home = getenv("HOME");

	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && home && *home)
			return gcr_strdup_printf("%s/%s", home, v + 2);
		return strdup(v);
	}
	if (!home || !*home)
		return NULL;
	return gcr_strdup_printf("%s/.aws/%s", home, name);
}

char *gcr_aws_config_file_path(void)
{
	return file_path("AWS_CONFIG_FILE", "config");
}

char *gcr_aws_credentials_file_path(void)
{
	return file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

static struct gcr_aws_ini *load_one(const char *path, struct gcr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	struct gcr_aws_ini *ini;
	enum gcr_status st;

	if (!path)
		return gcr_aws_ini_parse("", 0, NULL, err);
	st = gcr_read_file(path, &text, &len, err);
	if (st == GCR_ERR_NOT_FOUND)
		return gcr_aws_ini_parse("", 0, path, err);
	if (st != GCR_OK)
		return NULL;
	ini = gcr_aws_ini_parse(text, len, path, err);
	memset(text, 0, len);
	free(text);
	return ini;
}

struct gcr_aws_config *gcr_aws_config_load_files(const char *config_path,
						 const char *credentials_path,
						 struct gcr_error *err)
{
	struct gcr_aws_config *cfg = calloc(1, sizeof *cfg);

	if (!cfg) {
		gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	cfg->config_path = config_path ? strdup(config_path) : NULL;
	cfg->credentials_path = credentials_path ? strdup(credentials_path) : NULL;
	cfg->config = load_one(config_path, err);
	if (cfg->config)
		cfg->credentials = load_one(credentials_path, err);
	if (!cfg->config || !cfg->credentials) {
		gcr_aws_config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct gcr_aws_config *gcr_aws_config_load(struct gcr_error *err)
{
	char *c = gcr_aws_config_file_path();
	char *k = gcr_aws_credentials_file_path();
	struct gcr_aws_config *cfg = gcr_aws_config_load_files(c, k, err);

	free(c);
	free(k);
	return cfg;
}

void gcr_aws_config_free(struct gcr_aws_config *cfg)
{
	if (!cfg)
		return;
	gcr_aws_ini_free(cfg->config);
	gcr_aws_ini_free(cfg->credentials);
	free(cfg->config_path);
	free(cfg->credentials_path);
	free(cfg);
}

const struct gcr_aws_ini_section *gcr_aws_config_profile(const struct gcr_aws_config *cfg,
							 const char *profile)
{
	const struct gcr_aws_ini_section *s;
	char *name;

	if (!cfg || !profile)
		return NULL;
	name = gcr_strdup_printf("profile %s", profile);
	s = gcr_aws_ini_section(cfg->config, name);
	free(name);
	/* [profile default] wins over [default], as in the newer SDKs. */
	if (!s && strcmp(profile, "default") == 0)
		s = gcr_aws_ini_section(cfg->config, "default");
	return s;
}

const struct gcr_aws_ini_section *gcr_aws_credentials_profile(const struct gcr_aws_config *cfg,
							      const char *profile)
{
	return cfg && profile ? gcr_aws_ini_section(cfg->credentials, profile) : NULL;
}

static const struct gcr_aws_ini_section *prefixed(const struct gcr_aws_config *cfg,
						  const char *prefix, const char *name)
{
	const struct gcr_aws_ini_section *s;
	char *full;

	if (!cfg || !name)
		return NULL;
	full = gcr_strdup_printf("%s %s", prefix, name);
	s = gcr_aws_ini_section(cfg->config, full);
	free(full);
	return s;
}

const struct gcr_aws_ini_section *gcr_aws_config_sso_session(const struct gcr_aws_config *cfg,
							     const char *name)
{
	return prefixed(cfg, "sso-session", name);
}

const struct gcr_aws_ini_section *gcr_aws_config_services(const struct gcr_aws_config *cfg,
							  const char *name)
{
	return prefixed(cfg, "services", name);
}

const char *gcr_aws_config_get(const struct gcr_aws_config *cfg,
			       const char *profile, const char *key)
{
	const char *v = gcr_aws_ini_lookup(gcr_aws_credentials_profile(cfg, profile), NULL, key);

	if (v)
		return v;
	return gcr_aws_ini_lookup(gcr_aws_config_profile(cfg, profile), NULL, key);
}

int gcr_aws_config_has_profile(const struct gcr_aws_config *cfg, const char *profile)
{
	return gcr_aws_config_profile(cfg, profile) || gcr_aws_credentials_profile(cfg, profile);
}

/* ---- profile and region ------------------------------------------------- */

const char *gcr_aws_profile_name(const char *cli_profile)
{
	const char *v;

	if (cli_profile && *cli_profile)
		return cli_profile;
	v = getenv("AWS_PROFILE");
	if (v && *v)
		return v;
	v = getenv("AWS_DEFAULT_PROFILE");
	if (v && *v)
		return v;
	return "default";
}

char *gcr_aws_region(const struct gcr_aws_config *cfg, const char *profile,
		     const char *cli_region)
{
	const char *v = cli_region;

	if (!v || !*v)
		v = getenv("AWS_REGION");
	if (!v || !*v)
		v = getenv("AWS_DEFAULT_REGION");
	if ((!v || !*v) && cfg)
		v = gcr_aws_config_get(cfg, profile ? profile : gcr_aws_profile_name(NULL), "region");
	return v && *v ? strdup(v) : NULL;
}

int gcr_aws_region_valid(const char *region)
{
	const char *p;

	if (!region || !*region || strlen(region) > 40 || region[0] == '-')
		return 0;
	for (p = region; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}
