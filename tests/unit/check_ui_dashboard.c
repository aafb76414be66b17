/* check_ui_dashboard.c: the dashboard's pieces that need no terminal --
 * the rows (copied from the real runs model over a journal), their
 * sorting and filtering, the formats, the one-line prompt, and the rule
 * and bytes of the run-end notification (OSC 9/777, tmux passthrough). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curses.h>

#include "journal.h"
#include "runs/runs.h"
#include "ui/actions.h"
#include "ui/notify.h"
#include "ui/screen_dashboard.h"

/* ---- rows, sort, filter ----------------------------------------------------------------- */

static void make_row(struct dash_row *r, const char *name, enum gcr_run_state st,
		     double cost, int64_t created)
{
	memset(r, 0, sizeof *r);
	snprintf(r->sim_id, sizeof r->sim_id, "gcr-%s", name);
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->summary, sizeof r->summary, "Classic fullchem 4x5");
	snprintf(r->instance, sizeof r->instance, "c5.4xlarge");
	r->state = st;
	r->cost = cost;
	r->created_ms = created;
	r->progress = -1;
	r->eta_s = -1;
}

START_TEST(rows_sort_and_filter)
{
	struct dash_row rows[5];
	size_t order[5], n;

	make_row(&rows[0], "alpha", GCR_RUN_SUCCEEDED, 3.0, 100);
	make_row(&rows[1], "bravo", GCR_RUN_RUNNING, 9.0, 300);
	make_row(&rows[2], "charlie", GCR_RUN_QUEUED, 0.0, 200);
	make_row(&rows[3], "delta", GCR_RUN_FAILED, 5.0, 400);
	make_row(&rows[4], "echo", GCR_RUN_STARTING, 1.0, 50);

	n = dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ALL, "", order);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(order[0], 3);   /* newest first */
	ck_assert_uint_eq(order[4], 4);

	n = dash_rows_order(rows, 5, DASH_SORT_COST, DASH_FILTER_ALL, "", order);
	ck_assert_uint_eq(order[0], 1);   /* $9 */
	ck_assert_uint_eq(order[1], 3);   /* $5 */
	ck_assert_uint_eq(order[4], 2);   /* $0 */

	n = dash_rows_order(rows, 5, DASH_SORT_STATUS, DASH_FILTER_ALL, "", order);
	ck_assert_uint_eq(order[0], 1);   /* running */
	ck_assert_uint_eq(order[1], 4);   /* starting */
	ck_assert_uint_eq(order[2], 2);   /* queued */
	ck_assert_uint_eq(order[3], 3);   /* failed */
	ck_assert_uint_eq(order[4], 0);   /* succeeded */

	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ACTIVE, "", order), 3);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_RUNNING, "", order), 2);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_WAITING, "", order), 1);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_FAILED, "", order), 1);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_CANCELLED, "", order), 0);
	/* Text: case-insensitive, in the name, the ids, the instance. */
	n = dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ALL, "CHAR", order);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ALL, "c5.4x", order), 5);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ALL, "zulu", order), 0);
	ck_assert_uint_eq(dash_rows_order(rows, 5, DASH_SORT_TIME, DASH_FILTER_ACTIVE, "o", order), 2);
}
END_TEST

START_TEST(running_rows_carry_elapsed_and_cost_forward)
{
	struct dash_row r;

	make_row(&r, "x", GCR_RUN_RUNNING, 1.0, 0);
	r.elapsed_s = 600;
	r.eta_s = 1200;
	r.price = 0.68;
	r.nodes = 2;
	r.copied_ms = 1000000;
	ck_assert_int_eq(dash_row_elapsed(&r, 1000000 + 60000), 660);
	ck_assert_int_eq(dash_row_eta(&r, 1000000 + 60000), 1140);
	ck_assert_double_eq_tol(dash_row_cost(&r, 1000000 + 3600000), 1.0 + 0.68 * 2, 1e-9);
	/* An ended run stays as it was. */
	r.state = GCR_RUN_SUCCEEDED;
	ck_assert_int_eq(dash_row_elapsed(&r, 1000000 + 60000), 600);
	ck_assert_double_eq_tol(dash_row_cost(&r, 1000000 + 3600000), 1.0, 1e-9);
}
END_TEST

START_TEST(formats)
{
	char buf[64];

	dash_format_duration(42, buf, sizeof buf);
	ck_assert_str_eq(buf, "42s");
	dash_format_duration(12 * 60 + 5, buf, sizeof buf);
	ck_assert_str_eq(buf, "12m");
	dash_format_duration(3 * 3600 + 5 * 60, buf, sizeof buf);
	ck_assert_str_eq(buf, "3h05m");
	dash_format_duration(2 * 86400 + 4 * 3600, buf, sizeof buf);
	ck_assert_str_eq(buf, "2d04h");
	dash_format_duration(-1, buf, sizeof buf);
	ck_assert_str_eq(buf, "-");
	dash_format_bytes(999, buf, sizeof buf);
	ck_assert_str_eq(buf, "999 B");
	dash_format_bytes(12345678, buf, sizeof buf);
	ck_assert_str_eq(buf, "12 MB");
	dash_format_bytes(1500, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5 kB");
	dash_format_bar(0.5, 8, buf, sizeof buf);
	ck_assert_str_eq(buf, "####----");   /* ASCII: no UTF-8 locale in the test */
	dash_format_bar(2.0, 4, buf, sizeof buf);
	ck_assert_str_eq(buf, "####");
}
END_TEST

static struct ui_event key(int k, bool keycode)
{
	struct ui_event ev = { .kind = UI_EV_KEY, .key = k, .is_keycode = keycode };
	return ev;
}

START_TEST(prompt_edits)
{
	struct dash_prompt p;
	struct ui_event ev;

	memset(&p, 0, sizeof p);
	dash_prompt_open(&p, 1, "Filter:", "ab");
	ck_assert(p.open);
	ck_assert_uint_eq(p.caret, 2);
	ev = key('c', false);
	ck_assert_int_eq(dash_prompt_key(&p, &ev), 0);
	ck_assert_str_eq(p.text, "abc");
	ev = key(KEY_LEFT, true);
	dash_prompt_key(&p, &ev);
	dash_prompt_key(&p, &ev);
	ev = key(127, false);   /* Backspace deletes before the caret */
	dash_prompt_key(&p, &ev);
	ck_assert_str_eq(p.text, "bc");
	ev = key('q', false);   /* q is text here, not quit */
	dash_prompt_key(&p, &ev);
	ck_assert_str_eq(p.text, "qbc");
	ev = key('\r', false);
	ck_assert_int_eq(dash_prompt_key(&p, &ev), 1);
	ck_assert(!p.open);
	dash_prompt_open(&p, 1, "Filter:", "x");
	ev = key(27, false);
	ck_assert_int_eq(dash_prompt_key(&p, &ev), -1);
	ck_assert(!p.open);
}
END_TEST

/* ---- rows from the real model over a journal ---------------------------------------------- */

/* Two rows of the same run agree (created_ms to the second: the JSON
 * form has whole seconds). */
static void assert_same_row(const struct dash_row *a, const struct dash_row *b)
{
	ck_assert_str_eq(a->sim_id, b->sim_id);
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->job_id, b->job_id);
	ck_assert_str_eq(a->summary, b->summary);
	ck_assert_str_eq(a->instance, b->instance);
	ck_assert_str_eq(a->native_state, b->native_state);
	ck_assert_str_eq(a->explanation, b->explanation);
	ck_assert_int_eq(a->state, b->state);
	ck_assert_int_eq(a->target, b->target);
	ck_assert_double_eq_tol(a->estimate, b->estimate, 1e-9);
	ck_assert_int_eq(a->created_ms / 1000, b->created_ms / 1000);
	ck_assert(a->created_ms > 0);
}

START_TEST(rows_from_the_runs_model)
{
	char dir[] = "/tmp/check_ui_dashboard.XXXXXX", path[256];
	struct gcr_journal *j;
	struct gcr_error err;
	struct gcr_backend_env env;
	struct gcr_runs_options opt;
	struct gcr_runs *runs = NULL;
	struct dash_row row;
	struct gcr_run *listed;
	json_t *f;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/journal.jsonl", dir);
	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	f = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:{s:f, s:f}, s:{s:s}}",
		      "target", "batch",
		      "spec", "model", "classic", "simulation", "fullchem", "met", "merra2",
		      "grid", "4x5", "start", "2019-07-01", "end", "2019-07-08", "name", "july-week",
		      "estimate", "cost_usd", 4.5, "cost_high_usd", 6.0,
		      "plan", "instance_type", "c5.4xlarge");
	ck_assert_int_eq(gcr_journal_append(j, "gcr-20261127T100000Z-0000abcd", "intent", f, &err), GCR_OK);
	json_decref(f);
	f = json_pack("{s:s}", "job_id", "11111111-2222-4333-8444-555555555555");
	ck_assert_int_eq(gcr_journal_append(j, "gcr-20261127T100000Z-0000abcd", "submitted", f, &err), GCR_OK);
	json_decref(f);

	memset(&env, 0, sizeof env);
	env.loop = uv_default_loop();
	env.journal = j;
	memset(&opt, 0, sizeof opt);
	opt.no_table = true;
	ck_assert_int_eq(gcr_runs_new(&env, &opt, &runs, &err), GCR_OK);
	ck_assert_uint_eq(gcr_runs_count(runs), 1);
	/* The list's copy first: gcr_runs_at has not built the run yet. */
	listed = calloc(1, sizeof *listed);
	ck_assert_ptr_nonnull(listed);
	ck_assert(gcr_runs_copy_list_at(runs, 0, listed));
	ck_assert(!gcr_runs_copy_list_at(runs, 1, listed));   /* out of range */
	memset(&row, 0, sizeof row);
	dash_row_from_run(&row, gcr_runs_at(runs, 0), 1000);
	ck_assert_str_eq(row.sim_id, "gcr-20261127T100000Z-0000abcd");
	ck_assert_str_eq(row.name, "july-week");
	ck_assert_str_eq(row.job_id, "11111111-2222-4333-8444-555555555555");
	ck_assert_str_eq(row.instance, "c5.4xlarge");
	ck_assert_int_eq(row.target, GCR_TARGET_BATCH);
	ck_assert_int_eq(row.state, GCR_RUN_QUEUED);
	ck_assert_double_eq_tol(row.estimate, 4.5, 1e-9);
	ck_assert(strstr(row.summary, "4x5") != NULL);
	ck_assert(dash_row_matches(&row, DASH_FILTER_WAITING, "JULY"));
	ck_assert(!dash_row_matches(&row, DASH_FILTER_RUNNING, ""));
	{
		/* The list's copy (what the dashboard uses: no spec read back
		 * from the journal) gives the same row, before (listed) and
		 * after gcr_runs_at built the run. */
		struct gcr_run *run = calloc(1, sizeof *run);
		struct dash_row from_list;

		ck_assert_ptr_nonnull(run);
		for (int pass = 0; pass < 2; pass++) {
			memset(&from_list, 0, sizeof from_list);
			if (pass == 0)
				*run = *listed;
			else
				ck_assert(gcr_runs_copy_list_at(runs, 0, run));
			dash_row_from_run(&from_list, run, 1000);
			assert_same_row(&from_list, &row);
			ck_assert_int_eq(from_list.created_ms, row.created_ms);
			/* Repeated texts are one shared copy, never NULL. */
			ck_assert_ptr_nonnull(row.native_state);
			ck_assert_ptr_nonnull(row.explanation);
			ck_assert_ptr_eq(from_list.native_state, row.native_state);
			ck_assert_ptr_eq(from_list.explanation, row.explanation);
		}
		free(run);
		free(listed);
	}
	gcr_runs_free(runs);
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	gcr_journal_close(j);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* ---- notifications --------------------------------------------------------------------------- */

static const char *const *fake_env;

static const char *fake_get(const char *name)
{
	for (size_t i = 0; fake_env[i]; i += 2)
		if (strcmp(fake_env[i], name) == 0)
			return fake_env[i + 1];
	return NULL;
}

static unsigned kinds_with(const char *const *env)
{
	fake_env = env;
	return ui_notify_kinds(fake_get);
}

START_TEST(notify_rule)
{
	const char *const dumb[] = { "TERM", "dumb", NULL };
	const char *const plain_xterm[] = { "TERM", "xterm-256color", NULL };
	const char *const iterm[] = { "TERM", "xterm-256color", "TERM_PROGRAM", "iTerm.app", NULL };
	const char *const vte[] = { "TERM", "xterm-256color", "VTE_VERSION", "7200", NULL };
	const char *const kitty[] = { "TERM", "xterm-kitty", NULL };
	const char *const urxvt[] = { "TERM", "rxvt-unicode-256color", NULL };
	const char *const gnu_screen[] = { "TERM", "screen", "STY", "1.pts", "TERM_PROGRAM", "iTerm.app", NULL };
	const char *const tmux_unknown[] = { "TERM", "tmux-256color", "TMUX", "/tmp/x,1,0", NULL };
	const char *const tmux_iterm[] = { "TERM", "tmux-256color", "TMUX", "/tmp/x,1,0", "LC_TERMINAL", "iTerm2", NULL };
	const char *const forced[] = { "TERM", "dumb", "GCRUNNER_NOTIFY", "both", NULL };
	const char *const off[] = { "TERM", "xterm-kitty", "GCRUNNER_NOTIFY", "off", NULL };
	const char *const forced_tmux[] = { "TERM", "tmux", "TMUX", "/t,1,0", "GCRUNNER_NOTIFY", "osc9", NULL };

	ck_assert_uint_eq(kinds_with(dumb), UI_NOTIFY_BELL);
	ck_assert_uint_eq(kinds_with(plain_xterm), UI_NOTIFY_BELL);
	ck_assert_uint_eq(kinds_with(iterm), UI_NOTIFY_BELL | UI_NOTIFY_OSC9);
	ck_assert_uint_eq(kinds_with(vte), UI_NOTIFY_BELL | UI_NOTIFY_OSC777);
	ck_assert_uint_eq(kinds_with(kitty), UI_NOTIFY_BELL | UI_NOTIFY_OSC9);
	ck_assert_uint_eq(kinds_with(urxvt), UI_NOTIFY_BELL | UI_NOTIFY_OSC777);
	ck_assert_uint_eq(kinds_with(gnu_screen), UI_NOTIFY_BELL);
	ck_assert_uint_eq(kinds_with(tmux_unknown), UI_NOTIFY_BELL);
	ck_assert_uint_eq(kinds_with(tmux_iterm), UI_NOTIFY_BELL | UI_NOTIFY_OSC9 | UI_NOTIFY_TMUX);
	ck_assert_uint_eq(kinds_with(forced), UI_NOTIFY_BELL | UI_NOTIFY_OSC9 | UI_NOTIFY_OSC777);
	ck_assert_uint_eq(kinds_with(off), 0);
	ck_assert_uint_eq(kinds_with(forced_tmux), UI_NOTIFY_BELL | UI_NOTIFY_OSC9 | UI_NOTIFY_TMUX);
}
END_TEST

START_TEST(notify_bytes)
{
	char buf[512];

	ck_assert_uint_eq(ui_notify_sequence(UI_NOTIFY_BELL, "t", "b", buf, sizeof buf), 0);
	ui_notify_sequence(UI_NOTIFY_OSC9, "gcrunner", "run-1: succeeded", buf, sizeof buf);
	ck_assert_str_eq(buf, "\033]9;gcrunner: run-1: succeeded\007");
	ui_notify_sequence(UI_NOTIFY_OSC777, "gcrunner", "a;b", buf, sizeof buf);
	ck_assert_str_eq(buf, "\033]777;notify;gcrunner;a b\007");
	/* A control character in the text cannot end the sequence early. */
	ui_notify_sequence(UI_NOTIFY_OSC9, "t", "x\007\033]y", buf, sizeof buf);
	ck_assert_str_eq(buf, "\033]9;t: x  ]y\007");
	/* tmux: wrapped in the DCS passthrough, every ESC doubled. */
	ui_notify_sequence(UI_NOTIFY_OSC9 | UI_NOTIFY_TMUX, "t", "b", buf, sizeof buf);
	ck_assert_str_eq(buf, "\033Ptmux;\033\033]9;t: b\007\033\\");
	/* Too small a buffer: nothing rather than half a sequence. */
	ck_assert_uint_eq(ui_notify_sequence(UI_NOTIFY_OSC9, "title", "body", buf, 8), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *dashboard_suite(void)
{
	Suite *s = suite_create("ui dashboard");
	TCase *tc = tcase_create("rows");

	tcase_add_test(tc, rows_sort_and_filter);
	tcase_add_test(tc, running_rows_carry_elapsed_and_cost_forward);
	tcase_add_test(tc, formats);
	tcase_add_test(tc, prompt_edits);
	tcase_add_test(tc, rows_from_the_runs_model);
	suite_add_tcase(s, tc);
	tc = tcase_create("notify");
	tcase_add_test(tc, notify_rule);
	tcase_add_test(tc, notify_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dashboard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
