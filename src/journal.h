/* journal.h: the local run journal -- the truth about every submission.
 *
 * An append-only file of JSON lines in the state directory
 * ($XDG_STATE_HOME/gcrunner/journal.jsonl, mode 0600).  Every step of a
 * submission is written and fsync'd BEFORE the step it announces is taken
 * (intent before SubmitJob, job id right after), so a program killed at any
 * point leaves a journal from which the next start can reconcile: find the
 * job by its unique name instead of submitting again, push records that did
 * not reach DynamoDB.  Replaying the lines gives one merged JSON object per
 * simulation.
 *
 * A line is {"seq":N,"at":"<RFC 3339>","sim":"<simulationId>",
 * "event":"<name>", ...fields}.  Later events' fields override earlier ones
 * in the merged state; "event" of the last line becomes the state's
 * "last_event".  A torn last line (a crash mid-write) is skipped. */
#ifndef GCR_JOURNAL_H
#define GCR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "error.h"

struct gcr_journal;

/* Opens (creating, 0600) the journal at path, or the default path when path
 * is NULL, and replays it.  Caller frees with gcr_journal_close. */
enum gcr_status gcr_journal_open(const char *path, struct gcr_journal **out,
				 struct gcr_error *err);
void gcr_journal_close(struct gcr_journal *j);

/* Takes an exclusive lock (flock) for a critical section such as "check for
 * an existing job, then submit", so two gcrunner processes never submit the
 * same simulation twice.  Re-reads lines other processes appended meanwhile.
 * Blocking: call it outside the UI loop or with a short critical section. */
enum gcr_status gcr_journal_lock(struct gcr_journal *j, struct gcr_error *err);
void gcr_journal_unlock(struct gcr_journal *j);

/* Appends one event for simulation sim with the given fields (borrowed;
 * may be NULL), fsyncs, and merges it into the in-memory state. */
enum gcr_status gcr_journal_append(struct gcr_journal *j, const char *sim,
				   const char *event, json_t *fields,
				   struct gcr_error *err);

/* Re-reads lines appended by other processes since the last read. */
enum gcr_status gcr_journal_refresh(struct gcr_journal *j, struct gcr_error *err);

/* The merged state of one simulation (borrowed; NULL if unknown).  Use it
 * right away: only a submission's intent without a job id stays in memory;
 * other states are parsed again from the file on demand and stay valid
 * until 64 other such states were read (journal.c says why). */
json_t *gcr_journal_get(const struct gcr_journal *j, const char *sim);

/* All simulations in first-seen order: count and i-th id (borrowed). */
size_t gcr_journal_count(const struct gcr_journal *j);
const char *gcr_journal_sim_at(const struct gcr_journal *j, size_t i);

/* Lines skipped on replay because they were torn or not JSON. */
size_t gcr_journal_skipped_lines(const struct gcr_journal *j);

/* A new simulation id: "gcr-YYYYMMDDTHHMMSSZ-" and 8 random hex digits.
 * Valid as a Batch job name, a Slurm job name and an S3 key part. */
enum gcr_status gcr_simulation_id_new(char out[64], struct gcr_error *err);

#endif
