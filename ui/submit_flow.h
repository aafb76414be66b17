/* submit_flow.h: the full-screen program's side of submitting -- the
 * review's Submit and the settling of unfinished submissions at start --
 * on the same engine as `gcrunner submit` (src/submit/submit.h, and
 * backend.h for targets other than AWS Batch).
 *
 * Everything runs on the app's loop through the session's environment
 * (ui/session.h): progress and outcome arrive as callbacks that update the
 * wizard and ask for a repaint; nothing here waits.  One submission at a
 * time: while one runs the review's Submit is disabled, a second press
 * only says so, and a plan that was submitted is not submitted again until
 * it changes.  Stopping (Esc or q after a question, or the program ending)
 * cancels the engine's submission; what the journal holds is finished by
 * the next start's settling, exactly once.
 *
 * The state lives in w->submit (made on first use, freed by
 * wiz_submit_free, which wizard_free calls). */
#ifndef GCR_UI_SUBMIT_FLOW_H
#define GCR_UI_SUBMIT_FLOW_H

#include <stdbool.h>

struct wizard;

/* Submits the wizard's plan (the review's Submit); returns UI_* bits. */
unsigned wiz_submit(struct wizard *w);

/* True while a submission runs or waits for the budget question. */
bool wiz_submit_busy(const struct wizard *w);

/* Asks whether to stop the running submission; with quit, the program ends
 * after stopping it.  Returns UI_* bits. */
unsigned wiz_submit_ask_stop(struct wizard *w, bool quit);

/* Whether the current plan was submitted already (then Submit only says
 * so); with its simulation id. */
bool wiz_submit_was_submitted(const struct wizard *w, const char **sim_id);

/* The review's lines about the submission (progress, or the outcome with
 * job id, results location, warnings); returns the rows used (0 when there
 * is nothing to say). */
int wiz_submit_draw(struct wizard *w, int y, int x, int h, int width);

/* At start: settles unfinished submissions of the journal in the
 * background, one after the other -- AWS Batch ones when AWS credentials
 * can be found (else the message line says they wait), Slurm and
 * ParallelCluster ones through their backend's reconcile; the result goes
 * to the message line.  Never waits. */
void wiz_submit_settle_at_start(struct wizard *w);

/* Stops whatever runs (the program ends) and frees the state. */
void wiz_submit_free(struct wizard *w);

#endif
