/* cluster_config.c: the slurm: section of the configuration file. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "i18n.h"
#include "paths.h"
#include "settings.h"
#include "slurm/cluster_config.h"
#include "slurm/transport_ssm.h"

static const char *const kind_names[] = {
	[GCR_TRANSPORT_LOCAL] = "local",
	[GCR_TRANSPORT_SSH] = "ssh",
	[GCR_TRANSPORT_SSM] = "ssm",
};

const char *gcr_transport_kind_name(enum gcr_transport_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "?";
}

bool gcr_transport_kind_parse(const char *text, enum gcr_transport_kind *out)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (text && strcmp(text, kind_names[i]) == 0) {
			*out = (enum gcr_transport_kind)i;
			return true;
		}
	}
	return false;
}

void gcr_cluster_config_init(struct gcr_cluster_config *c)
{
	memset(c, 0, sizeof *c);
	c->transport = GCR_TRANSPORT_SSH;
	c->login_shell = true;
	strcpy(c->ssm_user, "ec2-user");
	strcpy(c->run_root, "gcrunner-runs");
}

bool gcr_cluster_config_present(const struct gcr_settings *s)
{
	return gcr_settings_get(s, "slurm.transport") != NULL;
}

/* Cluster paths: "~/x" means x in the login directory, where commands
 * start; a quoted "~" would not expand on the other side. */
static void set_cluster_path(char *dst, size_t size, const char *value)
{
	if (value[0] == '~' && value[1] == '/')
		value += 2;
	else if (value[0] == '~' && value[1] == '\0')
		value = "";
	snprintf(dst, size, "%s", value);
}

static enum gcr_status copy_value(char *dst, size_t size, const char *key, const char *value,
				  struct gcr_error *err)
{
	if (strlen(value) >= size)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("configuration key slurm.%s is too long (at most %zu characters)"),
				     key, size - 1);
	snprintf(dst, size, "%s", value);
	return GCR_OK;
}

enum gcr_status gcr_cluster_config_from_settings(const struct gcr_settings *s,
						 struct gcr_cluster_config *c,
						 struct gcr_error *err)
{
	static const struct {
		const char *key;
		size_t offset, size;
		bool cluster_path;
	} texts[] = {
#define TEXT(k, field, path) { k, offsetof(struct gcr_cluster_config, field), \
			       sizeof(((struct gcr_cluster_config *)0)->field), path }
		TEXT("host", host, false),
		TEXT("ssh_config", ssh_config, false),
		TEXT("identity_file", identity_file, false),
		TEXT("ssm_instance_id", ssm_instance_id, false),
		TEXT("ssm_user", ssm_user, false),
		TEXT("partition", partition, false),
		TEXT("account", account, false),
		TEXT("geoschem_dir", geoschem_dir, true),
		TEXT("run_root", run_root, true),
#undef TEXT
	};
	const char *v;
	char key[64];
	enum gcr_status st;

	gcr_cluster_config_init(c);
	v = gcr_settings_get(s, "slurm.transport");
	if (v && !gcr_transport_kind_parse(v, &c->transport))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("configuration key slurm.transport is '%s'; allowed: ssh, local, ssm"), v);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		snprintf(key, sizeof key, "slurm.%s", texts[i].key);
		v = gcr_settings_get(s, key);
		if (!v)
			continue;
		st = copy_value((char *)c + texts[i].offset, texts[i].size, texts[i].key, v, err);
		if (st != GCR_OK)
			return st;
		if (texts[i].cluster_path)
			set_cluster_path((char *)c + texts[i].offset, texts[i].size, v);
	}
	v = gcr_settings_get(s, "slurm.port");
	if (v) {
		char *end;
		long port = strtol(v, &end, 10);
		if (*end || end == v || port < 0 || port > 65535)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.port is '%s'; allowed: 1 to 65535"), v);
		c->port = (int)port;
	}
	v = gcr_settings_get(s, "slurm.login_shell");
	if (v) {
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
			c->login_shell = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
			c->login_shell = false;
		else
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.login_shell is '%s'; allowed: true, false"), v);
	}
	c->nmodules = gcr_settings_list_len(s, "slurm.modules");
	if (c->nmodules == 0 && (v = gcr_settings_get(s, "slurm.modules")) && *v) {
		/* One module written as a plain value. */
		c->nmodules = 1;
		st = copy_value(c->modules[0], sizeof c->modules[0], "modules", v, err);
		if (st != GCR_OK)
			return st;
	} else {
		if (c->nmodules > GCR_CLUSTER_MAX_MODULES)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.modules lists %zu modules; at most %d are allowed"),
					     c->nmodules, GCR_CLUSTER_MAX_MODULES);
		for (size_t i = 0; i < c->nmodules; i++) {
			st = copy_value(c->modules[i], sizeof c->modules[i], "modules",
					gcr_settings_list_item(s, "slurm.modules", i), err);
			if (st != GCR_OK)
				return st;
		}
	}
	return gcr_cluster_config_validate(c, err);
}

static enum gcr_status set_or_remove(struct gcr_settings *s, const char *key, const char *value,
				     struct gcr_error *err)
{
	char path[64];

	snprintf(path, sizeof path, "slurm.%s", key);
	return gcr_settings_set(s, path, value && *value ? value : NULL, err);
}

enum gcr_status gcr_cluster_config_to_settings(const struct gcr_cluster_config *c,
					       struct gcr_settings *s,
					       struct gcr_error *err)
{
	const char *mods[GCR_CLUSTER_MAX_MODULES];
	char port[16] = "";
	enum gcr_status st = gcr_cluster_config_validate(c, err);
	const struct { const char *key; const char *value; } keys[] = {
		{ "transport", gcr_transport_kind_name(c->transport) },
		{ "host", c->host },
		{ "ssh_config", c->ssh_config },
		{ "port", port },
		{ "identity_file", c->identity_file },
		{ "login_shell", c->login_shell ? "true" : "false" },
		{ "ssm_instance_id", c->ssm_instance_id },
		{ "ssm_user", c->ssm_user },
		{ "partition", c->partition },
		{ "account", c->account },
		{ "geoschem_dir", c->geoschem_dir },
		{ "run_root", c->run_root },
	};

	if (st != GCR_OK)
		return st;
	if (c->port > 0)
		snprintf(port, sizeof port, "%d", c->port);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		st = set_or_remove(s, keys[i].key, keys[i].value, err);
		if (st != GCR_OK)
			return st;
	}
	if (c->nmodules == 0)
		return gcr_settings_set(s, "slurm.modules", NULL, err);
	for (size_t i = 0; i < c->nmodules; i++)
		mods[i] = c->modules[i];
	return gcr_settings_set_list(s, "slurm.modules", mods, c->nmodules, err);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* One word: no blanks, no control characters, not an option. */
static enum gcr_status check_word(const char *key, const char *v, bool required,
				  struct gcr_error *err)
{
	if (!*v) {
		if (required)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.%s must be set"), key);
		return GCR_OK;
	}
	if (v[0] == '-' || has_control(v) || strpbrk(v, " \t"))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("configuration key slurm.%s is '%s'; it must be one word without spaces that does not start with '-'"),
				     key, v);
	return GCR_OK;
}

enum gcr_status gcr_cluster_config_validate(const struct gcr_cluster_config *c,
					    struct gcr_error *err)
{
	enum gcr_status st;

	if (c->transport == GCR_TRANSPORT_SSH) {
		st = check_word("host", c->host, true, err);
		if (st != GCR_OK)
			return st;
		if (strpbrk(c->host, "'\"\\;&|$`<>(){}*?!"))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.host is '%s'; a host name or ssh Host alias cannot contain shell characters"),
					     c->host);
	}
	if (c->transport == GCR_TRANSPORT_SSM) {
		if (!gcr_ssm_instance_id_valid(c->ssm_instance_id))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.ssm_instance_id is '%s'; it must be an instance id like i-0123456789abcdef0"),
					     c->ssm_instance_id);
		st = check_word("ssm_user", c->ssm_user, true, err);
		if (st != GCR_OK)
			return st;
		if (strspn(c->ssm_user, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(c->ssm_user))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("configuration key slurm.ssm_user is '%s'; allowed: a user name of lower-case letters, digits, '_', '.', '-'"),
					     c->ssm_user);
	}
	if (c->port < 0 || c->port > 65535)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("configuration key slurm.port is %d; allowed: 1 to 65535"), c->port);
	if ((st = check_word("partition", c->partition, false, err)) != GCR_OK ||
	    (st = check_word("account", c->account, false, err)) != GCR_OK)
		return st;
	for (size_t i = 0; i < c->nmodules; i++)
		if ((st = check_word("modules", c->modules[i], true, err)) != GCR_OK)
			return st;
	{
		const struct { const char *key; const char *v; } paths[] = {
			{ "ssh_config", c->ssh_config }, { "identity_file", c->identity_file },
			{ "geoschem_dir", c->geoschem_dir }, { "run_root", c->run_root },
		};
		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
			if (has_control(paths[i].v))
				return gcr_error_set(err, GCR_ERR_INVALID,
						     _("configuration key slurm.%s contains a control character (e.g. a newline)"),
						     paths[i].key);
	}
	return GCR_OK;
}

/* Loads the configuration file at path (NULL: the usual one); *used gets
 * the path read (caller frees). */
static enum gcr_status load_settings(const char *path, char **used, struct gcr_settings **s,
				     struct gcr_error *err)
{
	enum gcr_status st;

	*s = NULL;
	*used = path ? strdup(path) : gcr_config_path();
	if (!*used)
		return gcr_error_set(err, GCR_ERR_IO,
				     _("cannot find the configuration file: set HOME or XDG_CONFIG_HOME"));
	st = gcr_settings_load(*used, s, err);
	if (st != GCR_OK) {
		free(*used);
		*used = NULL;
	}
	return st;
}

enum gcr_status gcr_cluster_config_load(const char *path, struct gcr_cluster_config *c,
					struct gcr_error *err)
{
	struct gcr_settings *s;
	char *used;
	enum gcr_status st = load_settings(path, &used, &s, err);

	if (st != GCR_OK)
		return st;
	if (!gcr_cluster_config_present(s))
		st = gcr_error_set(err, GCR_ERR_NOT_FOUND,
				   _("no Slurm cluster is set up in %s (run 'gcrunner cluster set')"), used);
	else
		st = gcr_cluster_config_from_settings(s, c, err);
	gcr_settings_free(s);
	free(used);
	return st;
}

enum gcr_status gcr_cluster_config_save(const char *path, const struct gcr_cluster_config *c,
					struct gcr_error *err)
{
	struct gcr_settings *s;
	char *used;
	enum gcr_status st = load_settings(path, &used, &s, err);

	if (st != GCR_OK)
		return st;
	st = gcr_cluster_config_to_settings(c, s, err);
	if (st == GCR_OK)
		st = gcr_settings_save(s, used, err);
	gcr_settings_free(s);
	free(used);
	return st;
}

char *gcr_cluster_config_modules_line(const struct gcr_cluster_config *c)
{
	size_t len = 1;
	char *line;

	for (size_t i = 0; i < c->nmodules; i++)
		len += strlen(c->modules[i]) + 1;
	line = calloc(1, len);
	if (!line)
		abort();
	for (size_t i = 0; i < c->nmodules; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, c->modules[i]);
	}
	return line;
}

/* "~/x" in a local path: the user's home, as ssh itself would read it. */
static char *local_path(const char *p)
{
	const char *home = getenv("HOME");

	if (p[0] == '~' && p[1] == '/' && home && *home)
		return gcr_strdup_printf("%s/%s", home, p + 2);
	return strdup(p);
}

enum gcr_status gcr_cluster_transport_new(uv_loop_t *loop, const struct gcr_cluster_config *c,
					  struct gcr_aws *aws, struct gcr_transport **out,
					  struct gcr_error *err)
{
	enum gcr_status st = gcr_cluster_config_validate(c, err);
	struct gcr_ssh_options o = { 0 };

	*out = NULL;
	if (st != GCR_OK)
		return st;
	switch (c->transport) {
	case GCR_TRANSPORT_LOCAL:
		*out = gcr_transport_local_new(loop);
		return GCR_OK;
	case GCR_TRANSPORT_SSH: {
		char *config = local_path(c->ssh_config);
		char *identity = local_path(c->identity_file);
		o.destination = c->host;
		o.config_file = config;
		/* Commands to one cluster come from many short-lived transports
		 * (each backend call, each gcrunner): they share one connection
		 * that ControlPersist ends when it has been idle a while. */
		o.leave_master = true;
		o.port = c->port;
		o.identity_file = identity;
		o.login_shell = c->login_shell;
		st = gcr_transport_ssh_new(loop, &o, out, err);
		free(config);
		free(identity);
		return st;
	}
	case GCR_TRANSPORT_SSM: {
		struct gcr_ssm_options so = { .aws = aws, .instance_id = c->ssm_instance_id,
					      .user = c->ssm_user };
		return gcr_transport_ssm_new(loop, &so, out, err);
	}
	}
	return gcr_error_set(err, GCR_ERR_INTERNAL, _("unknown transport"));
}

/* ---- JSON (journal entries, --json) and the ParallelCluster head node ------------- */

json_t *gcr_cluster_config_to_json(const struct gcr_cluster_config *c)
{
	json_t *o = json_object(), *mods = json_array();

	for (size_t i = 0; i < c->nmodules; i++)
		json_array_append_new(mods, json_string(c->modules[i]));
	json_object_set_new(o, "transport", json_string(gcr_transport_kind_name(c->transport)));
	json_object_set_new(o, "host", json_string(c->host));
	json_object_set_new(o, "ssh_config", json_string(c->ssh_config));
	json_object_set_new(o, "port", json_integer(c->port));
	json_object_set_new(o, "identity_file", json_string(c->identity_file));
	json_object_set_new(o, "login_shell", json_boolean(c->login_shell));
	json_object_set_new(o, "ssm_instance_id", json_string(c->ssm_instance_id));
	json_object_set_new(o, "ssm_user", json_string(c->ssm_user));
	json_object_set_new(o, "partition", json_string(c->partition));
	json_object_set_new(o, "account", json_string(c->account));
	json_object_set_new(o, "modules", mods);
	json_object_set_new(o, "geoschem_dir", json_string(c->geoschem_dir));
	json_object_set_new(o, "run_root", json_string(c->run_root));
	return o;
}

/* Copies the scalar keys of o (or of the settings section `from`) into
 * the slurm section of a fresh settings object, so one reader
 * (gcr_cluster_config_from_settings) checks every source alike. */
static enum gcr_status section_to_slurm(struct gcr_settings *tmp, const char *key,
					const char *value, struct gcr_error *err)
{
	char path[96];

	if (!value || !*value)
		return GCR_OK;
	snprintf(path, sizeof path, "slurm.%s", key);
	return gcr_settings_set(tmp, path, value, err);
}

enum gcr_status gcr_cluster_config_from_json(json_t *o, struct gcr_cluster_config *c,
					     struct gcr_error *err)
{
	struct gcr_settings *tmp = gcr_settings_new();
	enum gcr_status st = GCR_OK;
	const char *key;
	json_t *v;

	if (!json_is_object(o)) {
		gcr_settings_free(tmp);
		return gcr_error_set(err, GCR_ERR_INVALID, _("the journal entry has no cluster settings"));
	}
	json_object_foreach(o, key, v) {
		char num[32];
		if (st != GCR_OK)
			break;
		if (json_is_string(v)) {
			st = section_to_slurm(tmp, key, json_string_value(v), err);
		} else if (json_is_integer(v) && json_integer_value(v) != 0) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			st = section_to_slurm(tmp, key, num, err);
		} else if (json_is_boolean(v)) {
			st = section_to_slurm(tmp, key, json_is_true(v) ? "true" : "false", err);
		} else if (json_is_array(v) && json_array_size(v) > 0) {
			const char *items[GCR_CLUSTER_MAX_MODULES];
			size_t n = 0, i;
			json_t *m;
			json_array_foreach(v, i, m)
				if (n < GCR_CLUSTER_MAX_MODULES && json_is_string(m))
					items[n++] = json_string_value(m);
			snprintf(num, sizeof num, "slurm.%s", key);
			st = gcr_settings_set_list(tmp, num, items, n, err);
		}
	}
	if (st == GCR_OK)
		st = gcr_cluster_config_from_settings(tmp, c, err);
	gcr_settings_free(tmp);
	return st;
}

enum gcr_status gcr_pcluster_slurm_config(const struct gcr_settings *s,
					  struct gcr_cluster_config *c, struct gcr_error *err)
{
	static const struct {
		const char *from, *to;
	} keys[] = {
		{ "pcluster.ssm_user", "ssm_user" }, { "pcluster.queue", "partition" },
		{ "pcluster.account", "account" }, { "pcluster.run_root", "run_root" },
		{ "pcluster.geoschem_dir", "geoschem_dir" },
	};
	struct gcr_settings *tmp = gcr_settings_new();
	const char *head = gcr_settings_get(s, "pcluster.head_node_instance_id");
	enum gcr_status st = GCR_OK;
	size_t nmods = gcr_settings_list_len(s, "pcluster.modules");

	if (!head || !*head) {
		gcr_settings_free(tmp);
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("no ParallelCluster head node is known: create or find the "
				       "cluster with 'gcrunner cluster create' or 'gcrunner cluster "
				       "status NAME' (they save pcluster.head_node_instance_id)"));
	}
	st = gcr_settings_set(tmp, "slurm.transport", "ssm", err);
	if (st == GCR_OK)
		st = gcr_settings_set(tmp, "slurm.ssm_instance_id", head, err);
	/* The queue gcrunner's cluster configuration makes (cluster-config.yaml). */
	if (st == GCR_OK)
		st = gcr_settings_set(tmp, "slurm.partition", "compute", err);
	for (size_t i = 0; st == GCR_OK && i < sizeof keys / sizeof keys[0]; i++)
		st = section_to_slurm(tmp, keys[i].to, gcr_settings_get(s, keys[i].from), err);
	if (st == GCR_OK && nmods > 0 && nmods <= GCR_CLUSTER_MAX_MODULES) {
		const char *items[GCR_CLUSTER_MAX_MODULES];
		for (size_t i = 0; i < nmods; i++)
			items[i] = gcr_settings_list_item(s, "pcluster.modules", i);
		st = gcr_settings_set_list(tmp, "slurm.modules", items, nmods, err);
	}
	if (st == GCR_OK)
		st = gcr_cluster_config_from_settings(tmp, c, err);
	gcr_settings_free(tmp);
	if (st != GCR_OK && err->code == GCR_ERR_INVALID)
		gcr_error_prefix(err, _("in the pcluster section"));
	return st;
}

enum gcr_status gcr_cluster_config_for_target(const struct gcr_settings *s,
					      enum gcr_target target,
					      struct gcr_cluster_config *c, struct gcr_error *err)
{
	if (target == GCR_TARGET_PCLUSTER)
		return gcr_pcluster_slurm_config(s, c, err);
	if (!gcr_cluster_config_present(s))
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("no Slurm cluster is set up: run 'gcrunner cluster set --host "
				       "HOST' (or --transport local on a login node) first"));
	return gcr_cluster_config_from_settings(s, c, err);
}

void gcr_cluster_run_root(const struct gcr_cluster_config *c, char *out, size_t size)
{
	const char *home = getenv("HOME");

	if (c->transport == GCR_TRANSPORT_LOCAL && c->run_root[0] != '/' && home && *home)
		snprintf(out, size, "%s/%s", home, *c->run_root ? c->run_root : ".");
	else
		snprintf(out, size, "%s", *c->run_root ? c->run_root : ".");
}
