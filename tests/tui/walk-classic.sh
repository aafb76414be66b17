#!/bin/sh
# walk-classic.sh: a GEOS-Chem Classic run planned end to end in an 80x24
# terminal -- every step, the estimate summary and the full panel, sorting,
# a ruled-out choice with its reason, help, a mouse click -- saved as a spec
# that `gcrunner estimate --spec` accepts, with the review showing the
# estimator's own figures.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start_shell 80 24 "'$GCRUNNER' 2>'$TEST_TMP/stderr'; echo \"gcrunner-exit=\$?\"; exec sleep 600"

tui_wait "Start planning" && tui_expect_screen classic-01-welcome "welcome: what you need, what it costs, how to quit"
tui_keys Enter
tui_wait "Which GEOS-Chem?" && tui_expect_screen classic-02-model "model: Classic and GCHP with guidance"
tui_keys Enter
tui_wait "Step 3 of 11" && tui_expect_screen classic-03-simulation "simulation: estimates appear once the model is chosen"

# A mouse click picks an item: button 1 at column 7, row 6 (X10 encoding,
# 32 + 1-based position) is "Carbon"; its options replace full chemistry's.
tui_keys -H 1b 5b 4d 20 27 26 1b 5b 4d 23 27 26
tui_check "CH4, CO, CO2 and OCS together" "a mouse click picks the item under it"
tui_keys Home Tab
tui_check "Option" "back to full chemistry"
tui_keys Enter
tui_wait "Step 4 of 11" && tui_expect_screen classic-04-met "meteorology"
tui_keys Enter
tui_wait "Step 5 of 11"
# A grid MERRA-2 does not offer: the cursor shows why, Enter refuses it.
tui_keys Down Down Down
tui_check "Not available: MERRA-2 does not offer the 0.25x0.3125 grid" "a ruled-out grid says why"
tui_expect_screen classic-05-grid-ruled-out "grid: ruled-out choice with its reason"
tui_keys Enter
tui_check "0.25x0.3125 cannot be chosen" "Enter on a ruled-out grid is refused"
tui_keys Home Down Enter
tui_wait "Step 6 of 11" && tui_expect_screen classic-06-levels "levels"
tui_keys Down Enter
# Period: a duration instead of an end date.
tui_wait "Step 7 of 11"
tui_keys Tab Down Tab BSpace BSpace BSpace BSpace BSpace 7
tui_check "7 simulated days in all" "period: a duration of 7 days"
tui_expect_screen classic-07-period "period: start date, duration, spin-up"
tui_keys Enter Enter
tui_wait "Step 8 of 11" && tui_expect_screen classic-08-output "output: collections, frequency, restart"
tui_keys Enter Enter Enter
tui_wait "Step 9 of 11" && tui_expect_screen classic-09-target "target: not set up yet, and how to"
tui_keys Enter
tui_wait "Step 10 of 11" && tui_expect_screen classic-10-instance "instance: every type with its estimate"

# The full estimate panel, sorted by cost, then by time.
tui_keys e
tui_check "Enter: choose this instance type" "e shows the full estimate panel"
tui_expect_screen classic-11-panel "full panel at 80x24: table and chart"
tui_keys s
tui_check "Estimates sorted by time." "s sorts by time"
tui_keys Escape
tui_wait_gone "Enter: choose this instance type" && pass "Esc closes the panel" || fail "Esc closes the panel"

# Help for the current step.
tui_keys F1
tui_check "Help: Instance and pricing" "F1 shows help for the step"
tui_expect_screen classic-12-help "help overlay from the action table"
tui_keys x
tui_wait_gone "Help: Instance" && pass "any key closes the help" || fail "any key closes the help"

tui_keys Tab Enter
tui_wait "Step 11 of 11" && tui_wait "spec.yaml" && tui_expect_screen classic-13-review "review: plan, files, save"

# Save the spec (w), then check it with the command line.
tui_keys w
tui_check "Spec saved to gcrunner-spec.yaml" "w saves the spec"
spec="$TUI_WORK/gcrunner-spec.yaml"
if [ -f "$spec" ]; then
	pass "the spec file exists"
	grep -q '^model: classic' "$spec" && pass "spec: model classic" || fail "spec: model"
	grep -q '^grid: 2x2.5' "$spec" && pass "spec: grid 2x2.5" || fail "spec: grid: $(cat "$spec")"
	grep -q '^levels: 47' "$spec" && pass "spec: 47 levels" || fail "spec: levels"
	grep -q '^days: 7' "$spec" && pass "spec: 7 days" || fail "spec: days"
	grep -q '^spot: true' "$spec" && pass "spec: spot" || fail "spec: spot"
else
	fail "the spec file exists"
fi
expect_status 0 "gcrunner estimate --spec reads the saved spec" "$GCRUNNER" estimate --spec "$spec" --json
printf '%s\n' "$out" >"$TEST_TMP/estimate.json"
# The review at a size that shows the whole plan, compared with the CLI.
tm resize-window -t t -x 120 -y 40
tui_wait "Results go to"
tui_check "geoschem_config.yml" "review lists the files that would be generated"
tui_expect_screen classic-14-review-120x40 "the whole review at 120x40"
tui_screen >"$TEST_TMP/review.txt"
cp "$TEST_TMP/review.txt" /tmp/review-debug.txt 2>/dev/null || true
if "$PYTHON3" "$top_srcdir/tests/tui/check_estimates.py" "$TEST_TMP/review.txt" \
	"$TEST_TMP/estimate.json" >"$TEST_TMP/check.out"; then
	pass "the review shows the estimator's figures for the saved spec"
else
	fail "the review's figures differ from gcrunner estimate: $(grep 'not ok' "$TEST_TMP/check.out")"
fi

# Saved: q quits without asking, with status 0, and the shell gets its
# terminal back.
tui_keys q
tui_check "gcrunner-exit=0" "q after saving quits with status 0"
[ -s "$TEST_TMP/stderr" ] && fail "stderr: $(cat "$TEST_TMP/stderr")" || pass "nothing on stderr"
finish
