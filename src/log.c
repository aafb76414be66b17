/* log.c: the -v debug log file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"

static FILE *log_file;

int gcr_log_enabled(void)
{
	return log_file != NULL;
}

enum gcr_status gcr_log_open(const char *path, char **opened_path,
			     struct gcr_error *err)
{
	char *own = NULL;
	int fd;

	if (!path) {
		char *dir = gcr_dir(GCR_DIR_STATE);
		enum gcr_status st;
		if (!dir)
			return gcr_error_set(err, GCR_ERR_IO,
					     _("cannot find a state directory: set HOME or XDG_STATE_HOME"));
		st = gcr_mkdir_p(dir, 0700, err);
		if (st != GCR_OK) {
			free(dir);
			return st;
		}
		own = gcr_strdup_printf("%s/gcrunner.log", dir);
		free(dir);
		path = own;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		enum gcr_status st = gcr_error_set(err, GCR_ERR_IO, _("cannot open log file %s: %s"),
						   path, strerror(errno));
		free(own);
		return st;
	}
	gcr_log_close();
	log_file = fdopen(fd, "a");
	if (!log_file) {
		close(fd);
		free(own);
		return gcr_error_set(err, GCR_ERR_IO, _("cannot open log file %s"), path);
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	if (opened_path)
		*opened_path = own ? own : strdup(path);
	else
		free(own);
	return GCR_OK;
}

void gcr_log_close(void)
{
	if (log_file) {
		fclose(log_file);
		log_file = NULL;
	}
}

void gcr_log_write(const char *func, const char *fmt, ...)
{
	struct timeval tv;
	struct tm tm;
	char stamp[32];
	va_list ap;

	if (!log_file)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(log_file, "%s.%03ldZ %d %s: ", stamp, (long)(tv.tv_usec / 1000),
		(int)getpid(), func);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
}
