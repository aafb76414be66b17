/* journal.c: append-only, fsync'd JSON-lines journal of submissions. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "i18n.h"
#include "journal.h"
#include "paths.h"

struct gcr_journal {
	char *path;
	int fd;
	off_t read_offset;      /* bytes of the file already replayed */
	long long last_seq;
	json_t *states;         /* sim id -> merged state */
	json_t *order;          /* sim ids in first-seen order */
	size_t skipped;
	bool locked;
};

static void merge_line(struct gcr_journal *j, json_t *line)
{
	const char *sim = json_string_value(json_object_get(line, "sim"));
	json_t *seq = json_object_get(line, "seq");
	json_t *state;
	const char *key;
	json_t *value;

	if (!sim || !*sim) {
		j->skipped++;
		return;
	}
	if (json_is_integer(seq) && json_integer_value(seq) > j->last_seq)
		j->last_seq = json_integer_value(seq);
	state = json_object_get(j->states, sim);
	if (!state) {
		state = json_object();
		json_object_set_new(state, "sim", json_string(sim));
		json_object_set(state, "first_at", json_object_get(line, "at"));
		json_object_set_new(j->states, sim, state);
		json_array_append_new(j->order, json_string(sim));
	}
	json_object_foreach(line, key, value) {
		if (strcmp(key, "event") == 0)
			json_object_set(state, "last_event", value);
		else if (strcmp(key, "seq") != 0)
			json_object_set(state, key, value);
	}
}

/* Reads complete lines from read_offset on.  A final line without a newline
 * is left for later: another process may be writing it right now. */
static enum gcr_status replay_from_offset(struct gcr_journal *j, struct gcr_error *err)
{
	struct stat st;
	char *buf, *p, *end;
	size_t len;
	ssize_t n;

	if (fstat(j->fd, &st) != 0)
		return gcr_error_set(err, GCR_ERR_IO, _("cannot read the journal %s: %s"),
				     j->path, strerror(errno));
	if (st.st_size <= j->read_offset)
		return GCR_OK;
	len = (size_t)(st.st_size - j->read_offset);
	buf = malloc(len + 1);
	if (!buf)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	n = pread(j->fd, buf, len, j->read_offset);
	if (n < 0) {
		free(buf);
		return gcr_error_set(err, GCR_ERR_IO, _("cannot read the journal %s: %s"),
				     j->path, strerror(errno));
	}
	buf[n] = '\0';
	p = buf;
	while ((end = memchr(p, '\n', (size_t)(buf + n - p))) != NULL) {
		json_error_t jerr;
		json_t *line;

		*end = '\0';
		if (*p) {
			line = json_loads(p, 0, &jerr);
			if (json_is_object(line))
				merge_line(j, line);
			else
				j->skipped++;
			json_decref(line);
		}
		p = end + 1;
	}
	j->read_offset += p - buf;
	free(buf);
	return GCR_OK;
}

enum gcr_status gcr_journal_open(const char *path, struct gcr_journal **out,
				 struct gcr_error *err)
{
	struct gcr_journal *j;
	enum gcr_status st;
	char *own = NULL;

	*out = NULL;
	if (!path) {
		char *dir = gcr_dir(GCR_DIR_STATE);
		if (!dir)
			return gcr_error_set(err, GCR_ERR_IO,
					     _("cannot find a state directory: set HOME or XDG_STATE_HOME"));
		st = gcr_mkdir_p(dir, 0700, err);
		if (st != GCR_OK) {
			free(dir);
			return st;
		}
		own = gcr_strdup_printf("%s/journal.jsonl", dir);
		free(dir);
		path = own;
	}
	j = calloc(1, sizeof *j);
	if (!j) {
		free(own);
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	}
	j->path = own ? own : strdup(path);
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot open the journal %s: %s"),
				   j->path, strerror(errno));
		free(j->path);
		free(j);
		return st;
	}
	j->states = json_object();
	j->order = json_array();
	st = replay_from_offset(j, err);
	if (st != GCR_OK) {
		gcr_journal_close(j);
		return st;
	}
	*out = j;
	return GCR_OK;
}

void gcr_journal_close(struct gcr_journal *j)
{
	if (!j)
		return;
	if (j->locked)
		gcr_journal_unlock(j);
	close(j->fd);
	json_decref(j->states);
	json_decref(j->order);
	free(j->path);
	free(j);
}

enum gcr_status gcr_journal_lock(struct gcr_journal *j, struct gcr_error *err)
{
	while (flock(j->fd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return gcr_error_set(err, GCR_ERR_IO, _("cannot lock the journal %s: %s"),
					     j->path, strerror(errno));
	}
	j->locked = true;
	return replay_from_offset(j, err);
}

void gcr_journal_unlock(struct gcr_journal *j)
{
	flock(j->fd, LOCK_UN);
	j->locked = false;
}

enum gcr_status gcr_journal_refresh(struct gcr_journal *j, struct gcr_error *err)
{
	return replay_from_offset(j, err);
}

/* A crash in the middle of a write leaves a last line without its newline;
 * end it, so it is skipped as one bad line instead of spoiling the next. */
static enum gcr_status terminate_torn_line(struct gcr_journal *j, struct gcr_error *err)
{
	struct stat st;
	char last;

	if (fstat(j->fd, &st) != 0 || st.st_size == 0)
		return GCR_OK;
	if (pread(j->fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
		if (write(j->fd, "\n", 1) != 1)
			return gcr_error_set(err, GCR_ERR_IO, _("cannot write the journal %s: %s"),
					     j->path, strerror(errno));
	}
	return GCR_OK;
}

static void now_rfc3339(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum gcr_status gcr_journal_append(struct gcr_journal *j, const char *sim,
				   const char *event, json_t *fields,
				   struct gcr_error *err)
{
	char at[32];
	json_t *line;
	char *text;
	size_t len;
	enum gcr_status st;
	const char *key;
	json_t *value;
	bool was_locked = j->locked;

	if (!sim || !*sim || !event || !*event)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("journal entry without simulation or event"));
	/* Hold the lock while appending so sequence numbers stay unique. */
	if (!was_locked) {
		st = gcr_journal_lock(j, err);
		if (st != GCR_OK)
			return st;
	} else {
		st = replay_from_offset(j, err);
		if (st != GCR_OK)
			return st;
	}
	now_rfc3339(at);
	line = json_object();
	json_object_set_new(line, "seq", json_integer(j->last_seq + 1));
	json_object_set_new(line, "at", json_string(at));
	json_object_set_new(line, "sim", json_string(sim));
	json_object_set_new(line, "event", json_string(event));
	if (fields) {
		json_object_foreach(fields, key, value) {
			if (strcmp(key, "seq") && strcmp(key, "at") && strcmp(key, "sim") &&
			    strcmp(key, "event"))
				json_object_set(line, key, value);
		}
	}
	text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text) {
		json_decref(line);
		st = gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	len = strlen(text);
	text[len] = '\n';   /* over the NUL: the buffer is len + 1 bytes */
	st = terminate_torn_line(j, err);
	if (st != GCR_OK) {
		free(text);
		json_decref(line);
		goto out;
	}
	/* One write of one line with O_APPEND: readers see all of it or none. */
	if (write(j->fd, text, len + 1) != (ssize_t)(len + 1) || fsync(j->fd) != 0) {
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot write the journal %s: %s"),
				   j->path, strerror(errno));
		free(text);
		json_decref(line);
		goto out;
	}
	free(text);
	json_decref(line);
	/* Our own line is replayed like anyone else's. */
	st = replay_from_offset(j, err);
out:
	if (!was_locked)
		gcr_journal_unlock(j);
	return st;
}

json_t *gcr_journal_get(const struct gcr_journal *j, const char *sim)
{
	return json_object_get(j->states, sim);
}

size_t gcr_journal_count(const struct gcr_journal *j)
{
	return json_array_size(j->order);
}

const char *gcr_journal_sim_at(const struct gcr_journal *j, size_t i)
{
	return json_string_value(json_array_get(j->order, i));
}

size_t gcr_journal_skipped_lines(const struct gcr_journal *j)
{
	return j->skipped;
}

enum gcr_status gcr_simulation_id_new(char out[64], struct gcr_error *err)
{
	unsigned char r[4];
	char stamp[20];
	struct tm tm;
	time_t now = time(NULL);

	if (RAND_bytes(r, sizeof r) != 1)
		return gcr_error_set(err, GCR_ERR_INTERNAL, _("no random numbers available"));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out, 64, "gcr-%s-%02x%02x%02x%02x", stamp, r[0], r[1], r[2], r[3]);
	return GCR_OK;
}
