/* slurm_parse.c: reading what sbatch, squeue, sacct and scontrol print.
 *
 * Pure functions over text, so they are tested on recorded outputs of
 * several Slurm versions without a cluster. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "slurm/process.h"
#include "slurm/slurm.h"

/* %i id, %T state, %r reason, %M time used, %l time limit, %D nodes,
 * %P partition, %S start, %e end, %j name -- the name last on purpose. */
const char gcr_slurm_squeue_format[] = "%i|%T|%r|%M|%l|%D|%P|%S|%e|%j";
const char gcr_slurm_sacct_fields[] = "JobID,JobName,State,ExitCode,Start,End,Elapsed";
/* No JobName: the lines are split at every '|'. */
const char gcr_slurm_usage_fields[] = "JobID,State,MaxRSS,TotalCPU,CPUTimeRAW";

#define SQUEUE_FIELDS 10
#define SACCT_FIELDS 7

static const struct {
	const char *name;
	const char *code;     /* squeue's %t short form */
	enum gcr_slurm_state state;
} states[] = {
	{ "PENDING", "PD", GCR_SLURM_PENDING },
	{ "CONFIGURING", "CF", GCR_SLURM_CONFIGURING },
	{ "RUNNING", "R", GCR_SLURM_RUNNING },
	{ "COMPLETING", "CG", GCR_SLURM_COMPLETING },
	{ "SUSPENDED", "S", GCR_SLURM_SUSPENDED },
	{ "REQUEUED", "RQ", GCR_SLURM_REQUEUED },
	{ "REQUEUE_HOLD", "RH", GCR_SLURM_REQUEUED },
	{ "REQUEUE_FED", "RF", GCR_SLURM_REQUEUED },
	{ "RESV_DEL_HOLD", "RD", GCR_SLURM_PENDING },
	{ "RESIZING", "RS", GCR_SLURM_RESIZING },
	{ "STOPPED", "ST", GCR_SLURM_STOPPED },
	{ "SIGNALING", "SI", GCR_SLURM_SIGNALING },
	{ "STAGE_OUT", "SO", GCR_SLURM_STAGE_OUT },
	{ "COMPLETED", "CD", GCR_SLURM_COMPLETED },
	{ "FAILED", "F", GCR_SLURM_FAILED },
	{ "CANCELLED", "CA", GCR_SLURM_CANCELLED },
	{ "TIMEOUT", "TO", GCR_SLURM_TIMEOUT },
	{ "NODE_FAIL", "NF", GCR_SLURM_NODE_FAIL },
	{ "OUT_OF_MEMORY", "OOM", GCR_SLURM_OUT_OF_MEMORY },
	{ "BOOT_FAIL", "BF", GCR_SLURM_BOOT_FAIL },
	{ "DEADLINE", "DL", GCR_SLURM_DEADLINE },
	{ "PREEMPTED", "PR", GCR_SLURM_PREEMPTED },
	{ "REVOKED", "RV", GCR_SLURM_REVOKED },
	{ "SPECIAL_EXIT", "SE", GCR_SLURM_SPECIAL_EXIT },
};

enum gcr_slurm_state gcr_slurm_parse_state(const char *text)
{
	char word[GCR_SLURM_STATE_MAX];
	size_t n = 0;

	if (!text)
		return GCR_SLURM_UNKNOWN;
	while (isspace((unsigned char)*text))
		text++;
	/* The leading word: "CANCELLED by 0", "CANCELLED+" (sacct cut it to
	 * its column), "RUNNING". */
	while (text[n] && (isalnum((unsigned char)text[n]) || text[n] == '_') && n + 1 < sizeof word) {
		word[n] = text[n];
		n++;
	}
	word[n] = '\0';
	if (!n)
		return GCR_SLURM_UNKNOWN;
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcasecmp(word, states[i].name) == 0 || strcasecmp(word, states[i].code) == 0)
			return states[i].state;
	return GCR_SLURM_UNKNOWN;
}

const char *gcr_slurm_state_name(enum gcr_slurm_state s)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (states[i].state == s)
			return states[i].name;
	return "UNKNOWN";
}

bool gcr_slurm_state_is_final(enum gcr_slurm_state s)
{
	return s >= GCR_SLURM_COMPLETED;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

long gcr_slurm_parse_duration(const char *text)
{
	char buf[64];
	const char *p;
	long days = 0, parts[3];
	int nparts = 0;
	size_t len;
	char *dash, *tok, *save = NULL;

	if (!text)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (strcasecmp(buf, "UNLIMITED") == 0 || strcasecmp(buf, "INFINITE") == 0)
		return 0;
	p = buf;
	dash = strchr(buf, '-');
	if (dash) {
		if (!all_digits(buf, (size_t)(dash - buf)))
			return -1;
		days = strtol(buf, NULL, 10);
		p = dash + 1;
	}
	/* Slurm prints at most three clock parts; a fraction of a second
	 * (sacct's TotalCPU style "00:01.123") is dropped. */
	for (tok = strtok_r((char *)p, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		char *dot = strchr(tok, '.');
		if (dot)
			*dot = '\0';
		if (nparts == 3 || !all_digits(tok, strlen(tok)))
			return -1;
		parts[nparts++] = strtol(tok, NULL, 10);
	}
	switch (nparts) {
	case 1:
		/* "D-HH" is hours after a day count; a bare number is seconds. */
		return dash ? days * 86400 + parts[0] * 3600 : parts[0];
	case 2:
		return dash ? days * 86400 + parts[0] * 3600 + parts[1] * 60
			    : parts[0] * 60 + parts[1];
	case 3:
		return days * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2];
	default:
		return -1;
	}
}

time_t gcr_slurm_parse_time(const char *text)
{
	struct tm tm;
	int y, mo, d, h, mi, s;
	char tail;

	if (!text)
		return 0;
	while (isspace((unsigned char)*text))
		text++;
	/* gcrunner runs Slurm's commands with TZ=UTC and
	 * SLURM_TIME_FORMAT=standard, so times are ISO 8601 in UTC. */
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) < 6)
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

bool gcr_slurm_parse_exit_code(const char *text, int *code, int *signal)
{
	char *end;
	long a, b;

	if (!text)
		return false;
	while (isspace((unsigned char)*text))
		text++;
	if (!isdigit((unsigned char)*text))
		return false;
	a = strtol(text, &end, 10);
	if (*end == ':') {
		if (!isdigit((unsigned char)end[1]))
			return false;
		b = strtol(end + 1, &end, 10);
		*code = (int)a;
		*signal = (int)b;
		return true;
	}
	/* A bare number is the raw wait status (squeue -O exit_code, REST). */
	*code = (int)((a >> 8) & 0xff);
	*signal = (int)(a & 0x7f);
	return true;
}

bool gcr_slurm_parse_scontrol_exit(const char *text, int *code, int *signal)
{
	const char *p = text;

	while (p && (p = strstr(p, "ExitCode=")) != NULL) {
		/* Not DerivedExitCode=: the key starts the line or follows a space. */
		if (p == text || isspace((unsigned char)p[-1]))
			return gcr_slurm_parse_exit_code(p + strlen("ExitCode="), code, signal) &&
			       strchr(p + strlen("ExitCode="), ':') != NULL;
		p++;
	}
	return false;
}

void gcr_slurm_error_text(const char *err, size_t len, char *buf, size_t size)
{
	size_t used = 0;
	const char *p = err, *end = err ? err + len : NULL;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (!err)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && memmem(p, n, "error", 5)) {
			const char *sep = used ? "; " : "";
			int w = snprintf(buf + used, size - used, "%s%.*s", sep, (int)n, p);
			if (w < 0 || (size_t)w >= size - used) {
				used = size - 1;
				break;
			}
			used += (size_t)w;
		}
		p = nl ? nl + 1 : end;
	}
	if (used == 0)
		gcr_last_line(err, len, buf, size);
	/* Drop a trailing carriage return from a Windows-edited profile. */
	used = strlen(buf);
	while (used && (buf[used - 1] == '\r' || buf[used - 1] == ' '))
		buf[--used] = '\0';
}

void gcr_slurm_job_list_free(struct gcr_slurm_job_list *list)
{
	if (!list)
		return;
	free(list->jobs);
	list->jobs = NULL;
	list->count = 0;
}

static struct gcr_slurm_job *list_add(struct gcr_slurm_job_list *l, size_t *cap)
{
	struct gcr_slurm_job *j;

	if (l->count == *cap) {
		/* Doubling: a busy cluster's squeue has tens of thousands of jobs. */
		size_t want = *cap ? *cap * 2 : 16;
		struct gcr_slurm_job *grown = realloc(l->jobs, want * sizeof *grown);
		if (!grown)
			return NULL;
		l->jobs = grown;
		*cap = want;
	}
	j = &l->jobs[l->count++];
	memset(j, 0, sizeof *j);
	j->nodes = -1;
	j->elapsed_s = -1;
	j->time_limit_s = -1;
	j->exit_code = -1;
	j->exit_signal = -1;
	j->cpu_efficiency = -1;
	return j;
}

static void copy_field(char *dst, size_t size, const char *src, size_t n)
{
	/* Trim: sacct and squeue pad nothing with -P/-o, but be lenient. */
	while (n && isspace((unsigned char)*src)) {
		src++;
		n--;
	}
	while (n && isspace((unsigned char)src[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Splits line [p, end) at '|' into at most max fields; the last field gets
 * the rest of the line.  Returns the number of fields. */
static size_t split(const char *p, const char *end, const char **f, size_t *flen, size_t max)
{
	size_t n = 0;

	while (n + 1 < max) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		if (!bar)
			break;
		f[n] = p;
		flen[n] = (size_t)(bar - p);
		n++;
		p = bar + 1;
	}
	f[n] = p;
	flen[n] = (size_t)(end - p);
	return n + 1;
}

static bool plausible_id(const char *id)
{
	/* 123, 123_4, 123_[1-5%2], 123+0 */
	return id[0] && isdigit((unsigned char)id[0]) && !strchr(id, ' ');
}

static void set_state(struct gcr_slurm_job *j, const char *f, size_t n)
{
	copy_field(j->state_raw, sizeof j->state_raw, f, n);
	j->state = gcr_slurm_parse_state(j->state_raw);
}

static void set_number(int *dst, const char *f, size_t n)
{
	char buf[32];
	char *end;
	long v;

	copy_field(buf, sizeof buf, f, n);
	v = strtol(buf, &end, 10);
	if (end != buf && *end == '\0' && v >= 0)
		*dst = (int)v;
}

/* The job for a line of n fields (need at least) whose first is the job id;
 * NULL when the line is not a job (counted in *skipped) or memory ran out. */
/* What parsing one output builds up. */
struct parse_state {
	struct gcr_slurm_job_list *out;
	size_t cap;          /* jobs allocated in out */
	size_t skipped;
	bool nomem;
};

static struct gcr_slurm_job *job_for_line(size_t n, size_t need, const char *id, size_t idlen,
					  struct parse_state *ps)
{
	char buf[GCR_SLURM_ID_MAX];
	struct gcr_slurm_job *j;

	if (n < need) {
		ps->skipped++;
		return NULL;
	}
	copy_field(buf, sizeof buf, id, idlen);
	if (!plausible_id(buf)) {
		ps->skipped++;
		return NULL;
	}
	if (!(j = list_add(ps->out, &ps->cap))) {
		ps->nomem = true;
		return NULL;
	}
	memcpy(j->id, buf, sizeof j->id);
	return j;
}

typedef void (*line_fn)(const char *p, const char *end, struct parse_state *ps);

static enum gcr_status each_line(const char *text, line_fn fn, struct gcr_slurm_job_list *out,
				 size_t *skipped, struct gcr_error *err)
{
	const char *p = text ? text : "";
	struct parse_state ps = { .out = out };

	memset(out, 0, sizeof *out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *e = end;
		while (e > p && e[-1] == '\r')
			e--;
		if (e > p)
			fn(p, e, &ps);
		p = nl ? nl + 1 : end;
	}
	if (skipped)
		*skipped = ps.skipped;
	if (ps.nomem) {
		gcr_slurm_job_list_free(out);
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	}
	return GCR_OK;
}

static void squeue_line(const char *p, const char *end, struct parse_state *ps)
{
	const char *f[SQUEUE_FIELDS];
	size_t fl[SQUEUE_FIELDS];
	size_t n = split(p, end, f, fl, SQUEUE_FIELDS);
	struct gcr_slurm_job *j;
	char buf[64];

	j = job_for_line(n, SQUEUE_FIELDS, f[0], fl[0], ps);
	if (!j)
		return;
	set_state(j, f[1], fl[1]);
	copy_field(j->reason, sizeof j->reason, f[2], fl[2]);
	copy_field(buf, sizeof buf, f[3], fl[3]);
	j->elapsed_s = gcr_slurm_parse_duration(buf);
	copy_field(buf, sizeof buf, f[4], fl[4]);
	j->time_limit_s = gcr_slurm_parse_duration(buf);
	set_number(&j->nodes, f[5], fl[5]);
	copy_field(j->partition, sizeof j->partition, f[6], fl[6]);
	copy_field(buf, sizeof buf, f[7], fl[7]);
	/* A pending job's %S is the scheduler's guess, not a start. */
	if (j->state != GCR_SLURM_PENDING)
		j->start = gcr_slurm_parse_time(buf);
	copy_field(buf, sizeof buf, f[8], fl[8]);
	/* %e of a running job is the expected end: keep only real ends. */
	if (gcr_slurm_state_is_final(j->state))
		j->end = gcr_slurm_parse_time(buf);
	/* The name: the rest of the line, untrimmed but for the line end. */
	{
		size_t len = fl[9] < sizeof j->name ? fl[9] : sizeof j->name - 1;
		memcpy(j->name, f[9], len);
		j->name[len] = '\0';
	}
	if (j->state == GCR_SLURM_COMPLETED) {
		j->exit_code = 0;
		j->exit_signal = 0;
	}
}

enum gcr_status gcr_slurm_parse_squeue(const char *text, struct gcr_slurm_job_list *out,
				       size_t *skipped, struct gcr_error *err)
{
	return each_line(text, squeue_line, out, skipped, err);
}

static void sacct_line(const char *p, const char *end, struct parse_state *ps)
{
	const char *f[64];
	size_t fl[64], n;
	struct gcr_slurm_job *j;
	char buf[64];
	size_t name_end;

	/* JobID | JobName (may hold '|') | State | ExitCode | Start | End | Elapsed:
	 * the id is the first field, the last five are fixed, the name is
	 * what lies between. */
	n = split(p, end, f, fl, sizeof f / sizeof f[0]);
	j = job_for_line(n, SACCT_FIELDS, f[0], fl[0], ps);
	if (!j)
		return;
	j->from_accounting = true;
	name_end = (size_t)((f[n - 5] - 1) - f[1]);
	if (name_end >= sizeof j->name)
		name_end = sizeof j->name - 1;
	memcpy(j->name, f[1], name_end);
	j->name[name_end] = '\0';
	set_state(j, f[n - 5], fl[n - 5]);
	copy_field(buf, sizeof buf, f[n - 4], fl[n - 4]);
	if (!gcr_slurm_parse_exit_code(buf, &j->exit_code, &j->exit_signal) || !strchr(buf, ':'))
		j->exit_code = j->exit_signal = -1;
	copy_field(buf, sizeof buf, f[n - 3], fl[n - 3]);
	j->start = gcr_slurm_parse_time(buf);
	copy_field(buf, sizeof buf, f[n - 2], fl[n - 2]);
	j->end = gcr_slurm_parse_time(buf);
	copy_field(buf, sizeof buf, f[n - 1], fl[n - 1]);
	j->elapsed_s = gcr_slurm_parse_duration(buf);
}

enum gcr_status gcr_slurm_parse_sacct(const char *text, struct gcr_slurm_job_list *out,
				      size_t *skipped, struct gcr_error *err)
{
	enum gcr_status st = each_line(text, sacct_line, out, skipped, err);

	if (st == GCR_OK)
		out->accounting = true;
	return st;
}

/* "123" or "123.456" at *p (no sign, no exponent; '.' whatever the
 * locale says, as Slurm prints it); advances *p.  -1 when no digit. */
static double read_decimal(const char **p)
{
	const char *s = *p;
	double v = 0, scale = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s))
		v = v * 10 + (*s++ - '0');
	if (*s == '.' && isdigit((unsigned char)s[1]))
		for (s++; isdigit((unsigned char)*s); s++)
			v += (*s - '0') * (scale /= 10);
	*p = s;
	return v;
}

long long gcr_slurm_parse_size(const char *text)
{
	static const char units[] = "KMGTP";
	const char *u, *p = text;
	double v;

	if (!p || (v = read_decimal(&p)) < 0)
		return -1;
	if (*p != '\0') {
		if (p[1] != '\0' || !(u = strchr(units, toupper((unsigned char)*p))))
			return -1;
		for (const char *k = units; k <= u; k++)
			v *= 1024;
	}
	return v < 9e18 ? (long long)(v + 0.5) : -1;
}

double gcr_slurm_parse_cpu_time(const char *text)
{
	double part[3], seconds = 0, days = 0;
	size_t n = 0;
	const char *p = text;
	bool with_days = text && strchr(text, '-');

	if (!p)
		return -1;
	if (with_days) {
		if ((days = read_decimal(&p)) < 0 || *p != '-' || memchr(text, '.', (size_t)(p - text)))
			return -1;
		p++;
	}
	for (;;) {
		const char *start = p;
		if (n == 3 || (part[n] = read_decimal(&p)) < 0)
			return -1;
		n++;
		if (*p == '\0')
			break;
		/* Only the seconds have a fraction. */
		if (*p != ':' || memchr(start, '.', (size_t)(p - start)))
			return -1;
		p++;
	}
	/* MM:SS[.mmm] or HH:MM:SS; a day count always comes with hours. */
	if (n < 2 || (with_days && n != 3))
		return -1;
	for (size_t i = 0; i < n; i++)
		seconds = seconds * 60 + part[i];
	return seconds + days * 86400.0;
}

/* The allocation row's job for a usage line (found, or added). */
static struct gcr_slurm_job *usage_job(struct parse_state *ps, const char *id)
{
	struct gcr_slurm_job *j;

	for (size_t i = ps->out->count; i-- > 0;)
		if (strcmp(ps->out->jobs[i].id, id) == 0)
			return &ps->out->jobs[i];
	if (!(j = list_add(ps->out, &ps->cap))) {
		ps->nomem = true;
		return NULL;
	}
	memcpy(j->id, id, sizeof j->id);
	j->from_accounting = true;
	return j;
}

static void usage_line(const char *p, const char *end, struct parse_state *ps)
{
	const char *f[5];
	size_t fl[5];
	size_t n = split(p, end, f, fl, 5);
	char id[GCR_SLURM_ID_MAX], buf[64], *dot;
	struct gcr_slurm_job *j;
	bool step;

	if (n != 5 || memchr(f[4], '|', fl[4])) {
		ps->skipped++;
		return;
	}
	copy_field(id, sizeof id, f[0], fl[0]);
	if (!plausible_id(id)) {
		ps->skipped++;
		return;
	}
	/* "1234.batch", "1234.extern", "1234.0": a step of job 1234. */
	step = (dot = strchr(id, '.')) != NULL;
	if (step)
		*dot = '\0';
	if (!(j = usage_job(ps, id)))
		return;
	if (step) {
		long long rss;
		copy_field(buf, sizeof buf, f[2], fl[2]);
		rss = gcr_slurm_parse_size(buf);
		if (rss > j->max_rss_bytes)
			j->max_rss_bytes = rss;
	} else {
		double cpu;
		long long raw;
		set_state(j, f[1], fl[1]);
		copy_field(buf, sizeof buf, f[3], fl[3]);
		cpu = gcr_slurm_parse_cpu_time(buf);
		copy_field(buf, sizeof buf, f[4], fl[4]);
		raw = all_digits(buf, strlen(buf)) ? strtoll(buf, NULL, 10) : 0;
		/* CPUTimeRAW is whole seconds of elapsed x CPUs, TotalCPU has
		 * milliseconds: a short busy job can come out a little over 1. */
		if (cpu > 0 && raw > 0)
			j->cpu_efficiency = cpu / (double)raw > 1 ? 1 : cpu / (double)raw;
	}
}

enum gcr_status gcr_slurm_parse_sacct_usage(const char *text, struct gcr_slurm_job_list *out,
					    size_t *skipped, struct gcr_error *err)
{
	enum gcr_status st = each_line(text, usage_line, out, skipped, err);

	if (st != GCR_OK)
		return st;
	out->accounting = true;
	/* A job whose record is not final yet (slurmdbd lags a few seconds
	 * behind the end) has only figures so far: none are kept. */
	for (size_t i = 0; i < out->count; i++) {
		struct gcr_slurm_job *j = &out->jobs[i];
		if (!gcr_slurm_state_is_final(j->state)) {
			j->max_rss_bytes = 0;
			j->cpu_efficiency = -1;
		}
	}
	return GCR_OK;
}

enum gcr_status gcr_slurm_parse_sbatch(const char *text, char id[GCR_SLURM_ID_MAX],
				       struct gcr_error *err)
{
	const char *p = text ? text : "";
	const char *line = NULL;
	size_t n = 0;

	id[0] = '\0';
	/* The id is the last non-empty line (a site's submit filter may print
	 * notices before it); "1234" or "1234;cluster". */
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *s = p;
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (s < end) {
			line = s;
			n = (size_t)(end - s);
		}
		p = nl ? nl + 1 : end;
	}
	if (line) {
		size_t k = 0;
		while (k < n && isdigit((unsigned char)line[k]))
			k++;
		if (k > 0 && k < GCR_SLURM_ID_MAX &&
		    (k == n || line[k] == ';' || isspace((unsigned char)line[k]))) {
			memcpy(id, line, k);
			id[k] = '\0';
			return GCR_OK;
		}
	}
	return gcr_error_set(err, GCR_ERR_REMOTE, _("sbatch printed no job id (it said: %.200s)"),
			     text && *text ? text : _("nothing"));
}

enum gcr_status gcr_slurm_check_job_name(const char *name, struct gcr_error *err)
{
	size_t n;

	if (!name || !*name)
		return gcr_error_set(err, GCR_ERR_INVALID, _("a Slurm job needs a name"));
	n = strlen(name);
	if (n > 200)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("Slurm job name is %zu bytes long; at most 200 are allowed"), n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == ',')
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("Slurm job name '%s' contains a comma, which squeue and sacct read as a list"),
					     name);
		if (c < 0x20 || c == 0x7f)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("Slurm job name contains a control character (e.g. a newline); use printable characters"));
	}
	return GCR_OK;
}
