/* journal.c: append-only, fsync'd JSON-lines journal of submissions. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

/* Memory: a journal of 10,000 runs held as parsed JSON took about 8 KB a
 * run (78 MB).  So only the states a submission in progress acts on stay
 * parsed for good: a run with neither a job id nor a final state ("closed",
 * "end_state").  Every other run keeps just where its lines are in the
 * file; gcr_journal_get parses it again on demand into a ring of the last
 * CACHE_MAX such states, so a state stays valid until that many other runs
 * were parsed (callers use a state right away; none keeps it). */
#define CACHE_MAX 64

struct sim_entry {
	char *id;
	off_t *offsets;         /* where each of its lines starts in the file */
	size_t *lengths;        /* ... and how long it is (without the newline) */
	size_t nlines, cap;
	json_t *state;          /* merged state, or NULL when not parsed now */
	bool closed, ended;     /* final when either */
	bool has_job;           /* a job id is known */
	int ring_slot;          /* in the ring of parsed states, or -1 */
};

struct gcr_journal {
	char *path;
	int fd;
	off_t read_offset;      /* bytes of the file already replayed */
	long long last_seq;
	uint32_t *index;        /* open addressing: entry position + 1, 0 = free */
	size_t index_cap;       /* a power of two, kept under half full */
	struct sim_entry **entries; /* in first-seen order */
	size_t nentries, entries_cap;
	struct sim_entry *ring[CACHE_MAX];
	size_t ring_next;
	size_t skipped;
	bool locked;
};

/* Kept parsed for good: a submission may be acting on it. */
static bool entry_pinned(const struct sim_entry *e)
{
	return !e->closed && !e->ended && !e->has_job;
}

/* FNV-1a: sim ids are short; a plain hash keeps the index at 4 bytes a
 * slot (a jansson object cost ~130 bytes a run). */
static size_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return (size_t)h;
}

/* True when sim is in the index, at *slot; else *slot is where it goes. */
static bool slot_of(const struct gcr_journal *j, const char *sim, size_t *slot)
{
	size_t mask = j->index_cap - 1;

	for (*slot = hash_id(sim) & mask; j->index[*slot]; *slot = (*slot + 1) & mask)
		if (strcmp(j->entries[j->index[*slot] - 1]->id, sim) == 0)
			return true;
	return false;
}

static struct sim_entry *find_entry(const struct gcr_journal *j, const char *sim)
{
	size_t slot;

	return j->index_cap && slot_of(j, sim, &slot) ? j->entries[j->index[slot] - 1] : NULL;
}

/* Doubles the index when it would be half full. */
static bool index_reserve(struct gcr_journal *j)
{
	size_t cap = j->index_cap ? j->index_cap * 2 : 256;
	uint32_t *old = j->index;
	size_t old_cap = j->index_cap;

	if ((j->nentries + 1) * 2 <= j->index_cap)
		return true;
	j->index = calloc(cap, sizeof *j->index);
	if (!j->index) {
		j->index = old;
		return false;
	}
	j->index_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		size_t slot;
		if (old[i] && !slot_of(j, j->entries[old[i] - 1]->id, &slot))
			j->index[slot] = old[i];
	}
	free(old);
	return true;
}

static struct sim_entry *add_entry(struct gcr_journal *j, const char *sim)
{
	struct sim_entry *e = calloc(1, sizeof *e);

	if (!e || !index_reserve(j)) {
		free(e);
		return NULL;
	}
	if (j->nentries == j->entries_cap) {
		size_t cap = j->entries_cap ? j->entries_cap * 2 : 64;
		struct sim_entry **grown = realloc(j->entries, cap * sizeof *grown);
		if (!grown) {
			free(e);
			return NULL;
		}
		j->entries = grown;
		j->entries_cap = cap;
	}
	e->ring_slot = -1;
	e->id = strdup(sim);
	if (!e->id) {
		free(e);
		return NULL;
	}
	{
		size_t slot;
		slot_of(j, sim, &slot);
		j->index[slot] = (uint32_t)(j->nentries + 1);
	}
	j->entries[j->nentries++] = e;
	return e;
}

static bool note_line(struct sim_entry *e, off_t offset, size_t length)
{
	if (e->nlines == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 4;
		off_t *o = realloc(e->offsets, cap * sizeof *o);
		size_t *l;

		if (!o)
			return false;
		e->offsets = o;
		l = realloc(e->lengths, cap * sizeof *l);
		if (!l)
			return false;
		e->lengths = l;
		e->cap = cap;
	}
	e->offsets[e->nlines] = offset;
	e->lengths[e->nlines] = length;
	e->nlines++;
	return true;
}

static void merge_into(json_t **statep, const char *sim, json_t *line)
{
	const char *key;
	json_t *value;

	if (!*statep) {
		*statep = json_object();
		json_object_set_new(*statep, "sim", json_string(sim));
		json_object_set(*statep, "first_at", json_object_get(line, "at"));
	}
	json_object_foreach(line, key, value) {
		if (strcmp(key, "event") == 0)
			json_object_set(*statep, "last_event", value);
		else if (strcmp(key, "seq") != 0)
			json_object_set(*statep, key, value);
	}
}

/* An unpinned run's parsed state goes into the ring; the state the ring
 * pushes out is dropped (parsed again when asked for). */
static void ring_put(struct gcr_journal *j, struct sim_entry *e)
{
	struct sim_entry *old = j->ring[j->ring_next];

	if (e->ring_slot >= 0)
		return;
	if (old) {
		json_decref(old->state);
		old->state = NULL;
		old->ring_slot = -1;
	}
	j->ring[j->ring_next] = e;
	e->ring_slot = (int)j->ring_next;
	j->ring_next = (j->ring_next + 1) % CACHE_MAX;
}

static void ring_remove(struct gcr_journal *j, struct sim_entry *e)
{
	if (e->ring_slot >= 0) {
		j->ring[e->ring_slot] = NULL;
		e->ring_slot = -1;
	}
}

static void merge_line(struct gcr_journal *j, json_t *line, off_t offset, size_t length)
{
	const char *sim = json_string_value(json_object_get(line, "sim"));
	json_t *seq = json_object_get(line, "seq");
	json_t *closed = json_object_get(line, "closed");
	json_t *end_state = json_object_get(line, "end_state");
	const char *job_id = json_string_value(json_object_get(line, "job_id"));
	struct sim_entry *e;

	if (!sim || !*sim) {
		j->skipped++;
		return;
	}
	if (json_is_integer(seq) && json_integer_value(seq) > j->last_seq)
		j->last_seq = json_integer_value(seq);
	e = find_entry(j, sim);
	if (!e)
		e = add_entry(j, sim);
	if (!e || !note_line(e, offset, length)) {
		j->skipped++;
		return;
	}
	/* A new or pinned run is merged now; one whose state was dropped is
	 * parsed from its lines when asked for. */
	if (e->state || e->nlines == 1 || entry_pinned(e))
		merge_into(&e->state, sim, line);
	if (closed)
		e->closed = json_is_true(closed);
	if (end_state)
		e->ended = json_is_string(end_state);
	if (job_id && *job_id)
		e->has_job = true;
	if (e->state && !entry_pinned(e))
		ring_put(j, e);
	else
		ring_remove(j, e);
}

/* Reads complete lines from read_offset on, a chunk at a time (a journal
 * of 10,000 runs is 10 MB; reading it whole would double the memory
 * peak).  A final line without a newline is left for later: another
 * process may be writing it right now. */
#define REPLAY_CHUNK (256 * 1024)

static enum gcr_status replay_from_offset(struct gcr_journal *j, struct gcr_error *err)
{
	size_t cap = REPLAY_CHUNK;
	char *buf = malloc(cap + 1);
	enum gcr_status st = GCR_OK;

	if (!buf)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	for (;;) {
		ssize_t n = pread(j->fd, buf, cap, j->read_offset);
		char *p = buf, *end;

		if (n < 0) {
			st = gcr_error_set(err, GCR_ERR_IO, _("cannot read the journal %s: %s"),
					   j->path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		buf[n] = '\0';
		while ((end = memchr(p, '\n', (size_t)(buf + n - p))) != NULL) {
			json_error_t jerr;
			json_t *line;

			*end = '\0';
			if (*p) {
				line = json_loads(p, 0, &jerr);
				if (json_is_object(line))
					merge_line(j, line, j->read_offset + (p - buf),
						   (size_t)(end - p));
				else
					j->skipped++;
				json_decref(line);
			}
			p = end + 1;
		}
		j->read_offset += p - buf;
		if ((size_t)n < cap)
			break;          /* the end of the file: the rest is a torn line */
		if (p == buf) {         /* one line longer than the buffer */
			char *grown = realloc(buf, cap * 2 + 1);
			if (!grown) {
				st = gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
				break;
			}
			buf = grown;
			cap *= 2;
		}
	}
	free(buf);
	return st;
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
	for (size_t i = 0; i < j->nentries; i++) {
		struct sim_entry *e = j->entries[i];
		json_decref(e->state);
		free(e->offsets);
		free(e->lengths);
		free(e->id);
		free(e);
	}
	free(j->entries);
	free(j->index);
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

/* Parses a final run's lines again.  The file only grows (lines are
 * appended, never rewritten), so the offsets stay valid. */
static json_t *reparse(struct gcr_journal *j, struct sim_entry *e)
{
	json_t *state = NULL;

	for (size_t i = 0; i < e->nlines; i++) {
		char *text = malloc(e->lengths[i] + 1);
		json_t *line;
		json_error_t jerr;

		if (!text)
			break;
		if (pread(j->fd, text, e->lengths[i], e->offsets[i]) != (ssize_t)e->lengths[i]) {
			free(text);
			break;
		}
		text[e->lengths[i]] = '\0';
		line = json_loads(text, 0, &jerr);
		free(text);
		if (json_is_object(line))
			merge_into(&state, e->id, line);
		json_decref(line);
	}
	return state;
}

json_t *gcr_journal_get(const struct gcr_journal *cj, const char *sim)
{
	/* The cache of final states is not observable state: the journal's
	 * content is the same whether a state is parsed or not. */
	struct gcr_journal *j = (struct gcr_journal *)cj;
	struct sim_entry *e = sim ? find_entry(j, sim) : NULL;

	if (!e)
		return NULL;
	if (!e->state) {
		e->state = reparse(j, e);
		if (e->state && !entry_pinned(e))
			ring_put(j, e);
	}
	return e->state;
}

size_t gcr_journal_count(const struct gcr_journal *j)
{
	return j->nentries;
}

const char *gcr_journal_sim_at(const struct gcr_journal *j, size_t i)
{
	return i < j->nentries ? j->entries[i]->id : NULL;
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
