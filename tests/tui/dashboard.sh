#!/bin/sh
# dashboard.sh: the dashboard without AWS, over a journal of 12 runs (5
# ended, the rest last seen queued): the default screen once runs exist,
# sorting, filtering by state and by text, marking, the cancel question and
# its refusals, a run's page, the wizard and back (n, F2), help, resizing
# down to 60x16 and up to 120x40, NO_COLOR, and the wizard first when the
# journal is empty.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

# No AWS region: the refresh fails at once, without any network.
unset AWS_REGION AWS_DEFAULT_REGION
export AWS_EC2_METADATA_DISABLED=true GCRUNNER_NO_SETUP_OFFER=1
JOURNAL="$XDG_STATE_HOME/gcrunner/journal.jsonl"
mkdir -p "$(dirname "$JOURNAL")"

start() {
	tui_start_shell "$1" "$2" "$3 '$GCRUNNER' 2>'$TEST_TMP/stderr'; echo \"gcrunner-exit=\$?\"; exec sleep 600"
}

# dash_expect NAME DESCRIPTION: the screen without its last line (the
# refresh status, which has the time of day) against expected/NAME.txt.
dash_expect() {
	tui_screen | sed '$d' | tui_normalize >"$TEST_TMP/screen.txt"
	file="$TUI_EXPECTED/$1.txt"
	if [ "${GCR_TUI_REGENERATE:-0}" = 1 ]; then
		cp "$TEST_TMP/screen.txt" "$file"
		pass "$2 (regenerated $1.txt)"
	elif diff -u "$file" "$TEST_TMP/screen.txt" >"$TEST_TMP/screen.diff"; then
		pass "$2"
	else
		fail "$2: the screen differs from $1.txt"
		sed 's/^/#   /' "$TEST_TMP/screen.diff"
	fi
}

# row N: the Nth run of the list (screen row N + 2).
row() { tui_screen | sed -n "$(($1 + 2))p"; }

# 1. An empty journal: the wizard first; F2 shows the empty dashboard.
start 80 24 ""
tui_check "Start planning" "no runs yet: the wizard is the first screen"
tui_keys F2
tui_check "No runs yet. Press n to plan" "F2 shows the dashboard, empty"
tui_keys n
tui_check "Start planning" "n goes back to the wizard"
tui_keys q
tui_check "gcrunner-exit=0" "q quits"

# 2. Twelve runs: the dashboard is the first screen.
/usr/bin/python3 "$top_srcdir/tests/tui/dash-journal.py" "$JOURNAL" 12
start 80 24 ""
tui_check "gcrunner: 12 runs" "with runs in the journal the dashboard comes first"
tui_check "n new  Enter open" "the status line carries the refresh state and the main keys"
dash_expect dashboard-01-list "the list at 80x24: name, status, progress, elapsed, cost against the estimate"
row 1 | grep -q "run-00011" && pass "newest first" || fail "newest first: $(row 1)"
row 1 | grep -q "failed" && pass "an ended run shows its end state" || fail "end state: $(row 1)"
tui_screen | grep -q "Essential container in task exited" && pass "the highlighted run's reason under the list" || fail "reason of the highlighted run"

tui_keys s
tui_check "highest cost first" "s sorts by cost"
row 1 | grep -q "run-00000" && pass "the dearest run first" || fail "cost order: $(row 1)"
tui_keys s
tui_check "by status" "s again sorts by status"
row 1 | grep -q "queued" && pass "waiting runs before ended ones" || fail "status order: $(row 1)"
tui_keys s
tui_check "newest first" "s a third time: newest first again"

tui_keys f
tui_check "gcrunner: 4 of 12 runs" "f shows the active runs only"
tui_keys f f
tui_check "gcrunner: 4 of 12 runs" "waiting: the four queued runs"
tui_keys f
tui_check "gcrunner: 3 of 12 runs" "failed: three runs"
tui_keys Escape
tui_check "gcrunner: 12 runs" "Esc clears the filter"

tui_keys / r u n - 0 0 0 1
tui_check "gcrunner: 2 of 12 runs" "/ filters by text as it is typed"
tui_check "Filter: run-0001" "the filter text is shown while typed"
tui_keys Enter
tui_wait_gone "Filter: run-0001" && pass "Enter keeps the filter and closes the prompt" || fail "filter prompt stays open"
tui_check '"run-0001"' "the title shows the text filter"
tui_keys Escape
tui_check "gcrunner: 12 runs" "Esc clears the text filter"

# Marks, and the cancel question with the money spent.
tui_keys Down Down Space Space
tui_check "2 marked" "Space marks runs"
tui_keys c
tui_check "Cancel 2 runs? \$0.00 has been spent on them so far" "c asks first, with the money spent"
tui_keys n
tui_check "Nothing was cancelled." "n answers no: nothing is cancelled"
tui_keys Escape
tui_wait_gone "2 marked" && pass "Esc drops the marks" || fail "marks stay after Esc"
tui_keys Home c
tui_check "That run has already ended" "an ended run cannot be cancelled"

# A run's page and back.
tui_keys Enter
tui_check "Run run-00011" "Enter opens the run's page"
tui_check "Attempt  Started" "the page has the attempts table"
tui_check "Log:" "and the log"
tui_keys Escape
tui_check "gcrunner: 12 runs" "Esc goes back to the list"

# The wizard and back.
tui_keys n
tui_check "Start planning" "n opens the wizard"
tui_keys F2
tui_check "gcrunner: 12 runs" "F2 comes back to the dashboard"

tui_keys F1
tui_check "Help: Dashboard" "F1 explains the dashboard"
tui_keys q
tui_wait_gone "Help: Dashboard"

# Sizes.
tm resize-window -t t -x 120 -y 40
tui_check "Where" "at 120x40 the model and where it runs get columns"
dash_expect dashboard-02-120x40 "the list at 120x40"
tm resize-window -t t -x 60 -y 16
tui_check "gcrunner: 12 runs" "at 60x16 the list still fits"
tui_screen | /usr/bin/python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 60 for l in sys.stdin))' && pass "no line wider than 60 columns" || fail "a line is wider than the terminal"
tm resize-window -t t -x 80 -y 24
tui_keys q
tui_check "gcrunner-exit=0" "q quits the dashboard with status 0"

# NO_COLOR: attributes only.
start 80 24 "NO_COLOR=1"
tui_wait "gcrunner: 12 runs"
tui_screen >/dev/null
tm capture-pane -e -p -t t >"$TEST_TMP/nocolor.txt"
if grep -qE "$(printf '\033')\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)" "$TEST_TMP/nocolor.txt"; then
	fail "NO_COLOR: colour escapes on the dashboard"
else
	pass "NO_COLOR: no colour escapes on the dashboard"
fi
grep -qE "$(printf '\033')\[([0-9;]*;)?7(;|m)" "$TEST_TMP/nocolor.txt" && pass "NO_COLOR: reverse video marks the cursor" || fail "NO_COLOR: no reverse video"
tui_keys q

finish
