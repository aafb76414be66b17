/* paths.c: XDG directories, data directory lookup and safe file writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "paths.h"

char *gcr_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	const char *home;

	/* The XDG spec says relative values are invalid and must be ignored. */
	if (v && v[0] == '/')
		return gcr_strdup_printf("%s/gcrunner", v);
	home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	return gcr_strdup_printf("%s/%s/gcrunner", home, fallback);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True when this process is the binary in the build tree, so the catalogs
 * are read from the source tree and ./gcrunner works without make install. */
static int running_from_build_tree(void)
{
	char exe[PATH_MAX];
	char build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	if (!realpath(GCR_BUILD_DIR, build))
		return 0;
	/* The program itself, or a test program under tests/. */
	return strcmp(exe, build) == 0 ||
	       (strncmp(exe, build, strlen(build)) == 0 && exe[strlen(build)] == '/');
}

static char *data_dir(void)
{
	const char *env = getenv("GCRUNNER_DATADIR");

	if (env && *env)
		return strdup(env);
	if (running_from_build_tree() && is_dir(GCR_SOURCE_DATADIR))
		return strdup(GCR_SOURCE_DATADIR);
	return strdup(PKGDATADIR);
}

char *gcr_dir(enum gcr_dir which)
{
	switch (which) {
	case GCR_DIR_CONFIG:
		return xdg_dir("XDG_CONFIG_HOME", ".config");
	case GCR_DIR_STATE:
		return xdg_dir("XDG_STATE_HOME", ".local/state");
	case GCR_DIR_CACHE:
		return xdg_dir("XDG_CACHE_HOME", ".cache");
	case GCR_DIR_DATA:
		return data_dir();
	}
	return NULL;
}

char *gcr_path(enum gcr_dir which, const char *name)
{
	char *dir = gcr_dir(which);
	char *path;

	if (!dir)
		return NULL;
	path = gcr_strdup_printf("%s/%s", dir, name);
	free(dir);
	return path;
}

char *gcr_locale_dir(void)
{
	const char *env = getenv("GCRUNNER_LOCALEDIR");
	char *local;

	if (env && *env)
		return strdup(env);
	if (running_from_build_tree()) {
		local = gcr_strdup_printf("%s/locale", GCR_BUILD_DIR);
		if (is_dir(local))
			return local;
		free(local);
	}
	return strdup(LOCALEDIR);
}

char *gcr_config_path(void)
{
	const char *env = getenv("GCRUNNER_CONFIG");

	if (env && *env)
		return strdup(env);
	return gcr_path(GCR_DIR_CONFIG, "config.yaml");
}

enum gcr_status gcr_mkdir_p(const char *dir, mode_t mode, struct gcr_error *err)
{
	char *copy = strdup(dir);
	char *p;

	if (!copy)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(copy, mode) != 0 && errno != EEXIST) {
				enum gcr_status st = gcr_error_set(err, GCR_ERR_IO,
					_("cannot create directory %s: %s"), copy, strerror(errno));
				free(copy);
				return st;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	if (!is_dir(dir))
		return gcr_error_set(err, GCR_ERR_IO, _("%s exists but is not a directory"), dir);
	return GCR_OK;
}

enum gcr_status gcr_read_file(const char *path, char **out, size_t *len,
			      struct gcr_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t used = 0, cap = 0;

	*out = NULL;
	if (!f)
		return gcr_error_set(err, errno == ENOENT ? GCR_ERR_NOT_FOUND : GCR_ERR_IO,
				     _("cannot read %s: %s"), path, strerror(errno));
	for (;;) {
		size_t n;
		if (cap - used < 4096) {
			char *grown;
			cap = cap ? cap * 2 : 8192;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				fclose(f);
				return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
			}
			buf = grown;
		}
		n = fread(buf + used, 1, cap - used - 1, f);
		used += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		return gcr_error_set(err, GCR_ERR_IO, _("cannot read %s: %s"), path, strerror(e));
	}
	fclose(f);
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return GCR_OK;
}

static enum gcr_status fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	char *slash;
	int fd;

	if (!copy)
		return GCR_ERR_NOMEM;
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(copy, ".");
	fd = open(copy, O_RDONLY | O_DIRECTORY);
	free(copy);
	if (fd < 0)
		return GCR_ERR_IO;
	fsync(fd);
	close(fd);
	return GCR_OK;
}

enum gcr_status gcr_write_file_atomic(const char *path, const void *data,
				      size_t len, mode_t mode,
				      struct gcr_error *err)
{
	char *tmp = gcr_strdup_printf("%s.tmp.XXXXXX", path);
	const char *p = data;
	int fd = mkstemp(tmp);
	int saved;

	if (fd < 0) {
		saved = errno;
		free(tmp);
		return gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path, strerror(saved));
	}
	/* mkstemp creates 0600; widen only when asked, never narrower. */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	fsync_dir_of(path);
	return GCR_OK;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path, strerror(saved));
}
