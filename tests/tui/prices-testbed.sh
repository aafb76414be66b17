#!/bin/sh
# prices-testbed.sh: with AWS credentials the wizard fetches live prices in
# the background -- the real `gcrunner prices refresh` against the local AWS
# test server (Pricing GetProducts, EC2 DescribeSpotPriceHistory) -- and the
# estimates switch to them when they arrive.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
testbed_start aws
trap 'tui_stop_all; testbed_stop; rm -rf "$TEST_TMP"' EXIT
# Live prices are dated now: the real clock, not the fixed one.
unset GCR_TUI_NOW

tui_start 80 24 AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
tui_wait "Start planning"
tui_keys Enter Enter
tui_check "Live prices arrived" "live prices arrive while the wizard runs"
tui_check "Prices: live, fetched 0 min ago" "the price line says they are live and fresh"
n=$(testbed_count pricing GetProducts)
[ "${n:-0}" -gt 0 ] && pass "the wizard's fetch asked the Price List ($n calls)" || fail "no GetProducts calls"
n=$(testbed_count ec2 DescribeSpotPriceHistory)
[ "${n:-0}" -gt 0 ] && pass "and the spot price history ($n calls)" || fail "no DescribeSpotPriceHistory calls"
[ -f "$XDG_CACHE_HOME/gcrunner/prices.json" ] && pass "the price cache was written" || fail "no price cache"
tui_keys q y
[ -s "$TEST_TMP/stderr" ] && fail "stderr: $(cat "$TEST_TMP/stderr")" || pass "nothing on stderr"
finish
