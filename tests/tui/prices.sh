#!/bin/sh
# prices.sh: live prices arriving while the wizard runs.  The background
# fetch is the real mechanism (a child process on the loop, then the price
# cache read into the catalog); GCR_TUI_PRICES_COMMAND replaces only the
# AWS calls with a script that writes the cache when the test says so.
# Input keeps working while the fetch is running.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

cache="$XDG_CACHE_HOME/gcrunner/prices.json"
go="$TEST_TMP/deliver-prices"
cat >"$TEST_TMP/fetch.sh" <<EOF2
#!/bin/sh
# Waits for the test, then writes a price cache as 'gcrunner prices refresh' does.
while [ ! -f '$go' ]; do sleep 0.05; done
mkdir -p '$XDG_CACHE_HOME/gcrunner'
cat >'$cache.tmp' <<'JSON'
{ "version": 1, "fetched_at": "2026-12-01T09:00:00Z",
  "prices": [
    { "instance_type": "c6i.8xlarge", "region": "us-east-1",
      "ondemand_usd_per_hour": 0.02, "spot_usd_per_hour": 0.01,
      "source": "test price list" } ] }
JSON
mv '$cache.tmp' '$cache'
EOF2

tui_start 80 24 GCR_TUI_PRICES_COMMAND="'sh $TEST_TMP/fetch.sh'"
tui_wait "Start planning"
tui_keys Enter Enter
tui_check "(fetching live prices)" "the price line says a fetch is running"
# Input is not blocked by the fetch: move around while it waits.
tui_keys Down
tui_check "(•) Aerosols only" "keys work while the fetch runs"
tui_keys Home
tui_wait "(•) Full chemistry"
tui_capture | grep -q "Cheapest: c6i.8xlarge" && fail "c6i.8xlarge cheapest before live prices" || pass "catalog prices first"

touch "$go"
tui_check "Live prices arrived" "the wizard says when live prices arrive"
tui_check "Prices: live, fetched 3 h ago" "the price line shows the live prices' age"
tui_check "Cheapest: c6i.8xlarge" "the estimates use the live price at once"
tui_keys q y
[ -s "$TEST_TMP/stderr" ] && fail "stderr: $(cat "$TEST_TMP/stderr")" || pass "nothing on stderr"
finish
