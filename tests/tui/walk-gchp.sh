#!/bin/sh
# walk-gchp.sh: a GCHP run planned end to end in a 120x40 terminal, where
# the estimate table and the cost-versus-time chart sit beside the steps:
# Batch ruled out for GCHP, a cubed-sphere grid, nodes changed, the spec
# saved under a typed name and read back by `gcrunner estimate --spec`.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

tui_start_shell 120 40 "'$GCRUNNER' 2>'$TEST_TMP/stderr'; echo \"gcrunner-exit=\$?\"; exec sleep 600"

tui_wait "Start planning"
tui_keys Enter Down
tui_check "2 nodes, on-demand pricing" "GCHP: estimates for 2 nodes, on demand"
tui_check "Pareto front" "the chart is beside the steps at 120x40"
tui_expect_screen gchp-01-model "GCHP chosen: side-by-side table and chart"
tui_keys Enter
tui_wait "Step 3 of 11"
tui_keys Enter Enter
tui_wait "Step 4 of 11"
tui_keys Enter
tui_wait "Step 5 of 11"
tui_keys Down Down
tui_check "13824 cells per level" "C48 chosen"
tui_expect_screen gchp-02-grid "cubed-sphere grids"
tui_keys Enter
tui_wait "Step 6 of 11"
tui_check "not available" "GCHP: 47 levels ruled out"
tui_keys Enter
tui_wait "Step 7 of 11"
tui_keys Tab Tab Tab Enter
tui_wait "Step 8 of 11"
tui_keys Tab Tab Enter
tui_wait "Step 9 of 11"
tui_check "AWS ParallelCluster" "targets listed"
tui_keys Up
tui_check "Not available: GCHP needs MPI across nodes" "AWS Batch is ruled out for GCHP, with the reason"
tui_expect_screen gchp-03-target "target: Batch ruled out for GCHP"
tui_keys Down Enter
tui_wait "Step 10 of 11"
tui_check "Compute nodes" "GCHP asks for nodes"
# Nodes: from 2 to 4 with Right (the field steps the number).
tui_keys Tab Tab Right Right
tui_check "4 nodes, on-demand pricing" "the estimates follow the node count"
tui_expect_screen gchp-04-instance "instance and nodes"
# A click on the first row of the estimate table (screen row 5, column 60:
# X10 mouse encoding, 32 + 1-based position) makes it the instance type.
tui_keys -H 1b 5b 4d 20 5d 26 1b 5b 4d 23 5d 26
tui_check "Instance type: " "a click on a table row chooses that instance type"
tui_check "4 nodes, on-demand pricing" "still 4 nodes after the click"
tui_keys Tab Tab Tab Enter
tui_wait "Step 11 of 11"
tui_wait "MANIFEST"
# Type a file name for the spec.
tui_keys Tab Tab Tab
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do tui_keys BSpace; done
tui_keys -l "gchp-c48.yaml"
tui_keys Enter
tui_check "Spec saved to gchp-c48.yaml" "Enter in the file name field saves"
tui_expect_screen gchp-05-review "review of the GCHP plan, saved"
spec="$TUI_WORK/gchp-c48.yaml"
grep -q '^model: gchp' "$spec" && pass "spec: gchp" || fail "spec: model: $(cat "$spec" 2>&1)"
grep -q '^grid: C48' "$spec" && pass "spec: C48" || fail "spec: grid"
grep -q '^nodes: 4' "$spec" && pass "spec: 4 nodes" || fail "spec: nodes"
grep -q '^target: pcluster' "$spec" && pass "spec: ParallelCluster" || fail "spec: target"
grep -q '^spot: false' "$spec" && pass "spec: on-demand" || fail "spec: spot"
expect_status 0 "gcrunner estimate --spec reads the GCHP spec" "$GCRUNNER" estimate --spec "$spec" --json
printf '%s\n' "$out" >"$TEST_TMP/estimate.json"
tui_screen >"$TEST_TMP/review.txt"
if "$PYTHON3" "$top_srcdir/tests/tui/check_estimates.py" "$TEST_TMP/review.txt" \
	"$TEST_TMP/estimate.json" >"$TEST_TMP/check.out"; then
	pass "the review shows the estimator's figures for the GCHP spec"
else
	fail "the review's figures differ from gcrunner estimate: $(grep 'not ok' "$TEST_TMP/check.out")"
fi

# Change something after saving: q asks first; "Stay" keeps the wizard.
tui_keys Escape
tui_wait "Step 10 of 11"
tui_keys Down
tui_keys q
tui_check "Your choices are not saved. Quit anyway?" "q with unsaved choices asks"
tui_keys n
tui_wait_gone "Quit anyway?" && pass "n stays in the wizard" || fail "n stays in the wizard"
tui_keys q y
tui_check "gcrunner-exit=0" "y quits with status 0"
[ -s "$TEST_TMP/stderr" ] && fail "stderr: $(cat "$TEST_TMP/stderr")" || pass "nothing on stderr"
finish
