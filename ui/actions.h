/* actions.h: the one table of user actions (name, default keys, help text).
 *
 * In the style of tig's request list: one X-macro list from which the enum,
 * the key dispatch, the F1/? help overlay, the `--list-keys` dump and the
 * man page's KEYS section (kept in step by tests/unit/check_ui_widgets.c)
 * all come.  Keys are written as names ("Up k", "F1 ?", "C-l") so the table
 * needs no curses and reads like documentation.
 *
 * X(ID, name, scope, keys, help) */
#ifndef GCR_UI_ACTIONS_H
#define GCR_UI_ACTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

enum ui_scope {
	UI_SCOPE_ANYWHERE,
	UI_SCOPE_LIST,       /* lists and fields of a step */
	UI_SCOPE_ESTIMATES,  /* the estimate panel */
	UI_SCOPE_REVIEW,     /* the review step */
	UI_SCOPE_DIALOG,     /* a question such as "quit without saving?" */
	UI_SCOPE_DASHBOARD,  /* the list of runs (and a run's page, where not overridden) */
	UI_SCOPE_RUN,        /* a run's page: its attempts and log */
	UI_SCOPE_COUNT
};

#define UI_ACTION_LIST(X) \
	X(UP,         "up",         UI_SCOPE_LIST,      "Up k",          N_("Move to the previous item; in a list of choices this also picks it")) \
	X(DOWN,       "down",       UI_SCOPE_LIST,      "Down j",        N_("Move to the next item; in a list of choices this also picks it")) \
	X(PAGE_UP,    "page-up",    UI_SCOPE_LIST,      "PgUp",          N_("Move a page up")) \
	X(PAGE_DOWN,  "page-down",  UI_SCOPE_LIST,      "PgDn",          N_("Move a page down")) \
	X(FIRST,      "first",      UI_SCOPE_LIST,      "Home",          N_("Move to the first item")) \
	X(LAST,       "last",       UI_SCOPE_LIST,      "End",           N_("Move to the last item")) \
	X(LEFT,       "left",       UI_SCOPE_LIST,      "Left",          N_("Decrease a number; move the cursor in a text field")) \
	X(RIGHT,      "right",      UI_SCOPE_LIST,      "Right",         N_("Increase a number; move the cursor in a text field")) \
	X(NEXT_FIELD, "next-field", UI_SCOPE_LIST,      "Tab",           N_("Go to the next field or button of the step")) \
	X(PREV_FIELD, "prev-field", UI_SCOPE_LIST,      "S-Tab",         N_("Go to the previous field or button of the step")) \
	X(SELECT,     "select",     UI_SCOPE_LIST,      "Enter",         N_("Choose the highlighted item and go on; press a button")) \
	X(TOGGLE,     "toggle",     UI_SCOPE_LIST,      "Space",         N_("Tick or untick the highlighted item")) \
	X(BACK,       "back",       UI_SCOPE_ANYWHERE,  "Esc Backspace", N_("Go back one step; your choices are kept")) \
	X(HELP,       "help",       UI_SCOPE_ANYWHERE,  "F1 ?",          N_("Show the keys and what the current step is for")) \
	X(REDRAW,     "redraw",     UI_SCOPE_ANYWHERE,  "C-l",           N_("Redraw the whole screen")) \
	X(QUIT,       "quit",       UI_SCOPE_ANYWHERE,  "q F10",         N_("Quit; asks first when choices are not saved")) \
	X(ESTIMATES,  "estimates",  UI_SCOPE_ESTIMATES, "e",             N_("Show the full estimate panel, or hide it again")) \
	X(SORT,       "sort",       UI_SCOPE_ESTIMATES, "s",             N_("Sort the estimates by cost or by time")) \
	X(SAVE,       "save",       UI_SCOPE_REVIEW,    "w",             N_("Save the spec file (usable with gcrunner estimate --spec)")) \
	X(SUBMIT,     "submit",     UI_SCOPE_REVIEW,    "S",             N_("Submit the run")) \
	X(YES,        "yes",        UI_SCOPE_DIALOG,    "y",             N_("Answer yes")) \
	X(NO,         "no",         UI_SCOPE_DIALOG,    "n",             N_("Answer no; Esc also cancels")) \
	X(RUNS,       "runs",       UI_SCOPE_ANYWHERE,  "F2",            N_("Show the dashboard: every run, its progress and cost")) \
	X(NEW_RUN,    "new-run", UI_SCOPE_DASHBOARD, "n",         N_("Plan a new simulation (the wizard)")) \
	X(OPEN_RUN,   "open",       UI_SCOPE_DASHBOARD, "Enter",         N_("Open the run: its attempts and its live log")) \
	X(MARK,       "mark",       UI_SCOPE_DASHBOARD, "Space",         N_("Mark or unmark the run for an action on several")) \
	X(SORT_RUNS,  "sort-runs",  UI_SCOPE_DASHBOARD, "s",             N_("Sort the runs by time, cost or status")) \
	X(FILTER_STATUS, "filter-state", UI_SCOPE_DASHBOARD, "f",       N_("Show only runs of one status (all, active, running, waiting, failed, succeeded, cancelled)")) \
	X(FILTER_TEXT, "filter",    UI_SCOPE_DASHBOARD, "/",             N_("Show only runs whose name, id, model or instance contains a text")) \
	X(CANCEL_RUN, "cancel-run", UI_SCOPE_DASHBOARD, "c",             N_("Cancel the marked runs, or the highlighted one; asks first and shows the money spent")) \
	X(RESUBMIT,   "resubmit",   UI_SCOPE_DASHBOARD, "R",             N_("Submit a new simulation with the same spec; asks first")) \
	X(RESULTS,    "results",    UI_SCOPE_DASHBOARD, "r",             N_("List the run's result files and download them")) \
	X(REFRESH,    "refresh",    UI_SCOPE_DASHBOARD, "F5",            N_("Refresh the runs' states now")) \
	X(DELETE_CLUSTER, "delete-cluster", UI_SCOPE_DASHBOARD, "D",     N_("Delete the ParallelCluster cluster shown under the runs; asks first and warns when runs are still on it")) \
	X(SEARCH_LOG, "search",     UI_SCOPE_RUN,       "/",             N_("Search the log")) \
	X(NEXT_MATCH, "next-match", UI_SCOPE_RUN,       "n",             N_("Go to the next match of the search")) \
	X(PREV_MATCH, "prev-match", UI_SCOPE_RUN,   "N",             N_("Go to the previous match of the search")) \
	X(FOLLOW,     "follow",     UI_SCOPE_RUN,       "F",             N_("Follow the end of the log as it grows, or stop following")) \
	X(SAVE_LOG,   "save-log",   UI_SCOPE_RUN,       "w",             N_("Save the log to a file")) \
	X(DOWNLOAD,   "download",   UI_SCOPE_RUN,       "d",             N_("In the results: download every file to the directory shown")) \
	X(EDIT_DIR,   "directory",  UI_SCOPE_RUN,       "D",             N_("In the results: change the download directory"))

enum ui_action {
	UI_ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, scope, keys, help) UI_ACT_##id,
	UI_ACTION_LIST(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	UI_ACT_COUNT
};

struct ui_action_info {
	enum ui_action id;
	const char *name;    /* stable, for --list-keys and key configuration */
	enum ui_scope scope;
	const char *keys;    /* key names separated by spaces */
	const char *help;    /* N_() text; translate with _() when shown */
};

/* The table, in display order; UI_ACT_COUNT - 1 entries. */
const struct ui_action_info *ui_actions(size_t *count);
const struct ui_action_info *ui_action_info(enum ui_action id);

/* The heading of a scope in the help overlay (translated). */
const char *ui_scope_title(enum ui_scope scope);

/* Builds the key map from the table; call once (after initscr is not
 * needed).  Returns false if a key name in the table is unknown, which a
 * unit test catches. */
bool ui_keymap_init(void);

/* The action bound to a key.  key is a curses key code when is_keycode,
 * else a character.  A key may mean different things in different scopes
 * (n answers no in a question and plans a new simulation on the
 * dashboard); this gives the first binding in table order. */
enum ui_action ui_action_for_key(int key, bool is_keycode);

/* The action a key has in one scope, or UI_ACT_NONE: screens with keys of
 * their own (the dashboard, a run's page) ask for their scope first and
 * fall back to the event's action. */
enum ui_action ui_action_for_key_in(int key, bool is_keycode, enum ui_scope scope);

/* Parses one key name ("Up", "C-l", "F1", "q") into a key; returns false
 * when the name is unknown. */
bool ui_key_parse(const char *name, int *key, bool *is_keycode);

/* The keys for display: "Up, k" (key names joined with ", "). */
void ui_action_keys_display(const struct ui_action_info *a, char *buf, size_t size);

/* The --list-keys dump: one line per action, name, keys, help. */
void ui_actions_print(FILE *out);

#endif
