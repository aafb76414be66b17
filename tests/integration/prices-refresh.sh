#!/bin/sh
# prices-refresh.sh: `gcrunner prices refresh` against the local AWS test
# server (Price List GetProducts, EC2 DescribeSpotPriceHistory), with the AWS
# CLI as witness for the spot figures; the cache file the estimator reads;
# throttled Price List calls retried; clear failures without credentials or
# without a server.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
testbed_start aws

jget() {
	printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}
cache="$XDG_CACHE_HOME/gcrunner/prices.json"

# Two throttled GetProducts calls on the way: retried, nothing lost.
tbctl POST faults '{"service":"pricing","operation":"GetProducts","kind":"throttle","count":2}' >/dev/null
expect_status 0 "prices refresh --json" "$GCRUNNER" prices refresh --json
json=$out
expect_match "$(jget "$json" "d['region'], len(d['errors'])")" "^us-east-1 0$" "one region, no errors"
ntypes=$(jget "$json" "len(d['prices'])")
expect_match "$ntypes" "^[1-9][0-9]*$" "every catalog instance type was priced ($ntypes)"
expect_match "$(jget "$json" "[p['ondemand_usd_per_hour'] for p in d['prices'] if p['instance_type'] == 'c5.4xlarge'][0]")" \
	"^0\\.68$" "c5.4xlarge on demand is the Price List's 0.68 USD/h"
expect_match "$(testbed_count pricing GetProducts)" "^$((ntypes + 2))$" \
	"one GetProducts per type, plus the two throttled ones retried"

# Spot: the median over zones of the latest price per zone, as the AWS CLI
# reads the same history.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cli=$(/usr/bin/aws --endpoint-url "$TESTBED_AWS_URL" ec2 describe-spot-price-history \
	--instance-types c5.4xlarge --product-descriptions Linux/UNIX --start-time "$now" --output json)
want=$(printf '%s' "$cli" | /usr/bin/python3 -c '
import json, statistics, sys
latest = {}
for i in json.load(sys.stdin)["SpotPriceHistory"]:
    z = i["AvailabilityZone"]
    if z not in latest or i["Timestamp"] > latest[z][0]:
        latest[z] = (i["Timestamp"], float(i["SpotPrice"]))
print("%.6f" % statistics.median(p for _, p in latest.values()))')
got=$(jget "$json" "'%.6f' % [p['spot_usd_per_hour'] for p in d['prices'] if p['instance_type'] == 'c5.4xlarge'][0]")
expect_match "$got" "^$want$" "c5.4xlarge spot = the median the AWS CLI's history gives ($want)"

# The cache file: the catalog's format, with the time of the fetch.
if [ -f "$cache" ]; then pass "the cache file exists"; else fail "no cache file at $cache"; fi
cached=$(cat "$cache")
expect_match "$(jget "$cached" "d['version'], d['fetched_at'] == '$(jget "$json" "d['fetched_at']")'")" \
	"^1 True$" "the cache has version 1 and the fetch time"
printf '%s' "$json" >"$TEST_TMP/answer.json"
expect_match "$(jget "$cached" "sorted(p['instance_type'] for p in d['prices'] if p['region'] == 'us-east-1') == sorted(p['instance_type'] for p in json.load(open('$TEST_TMP/answer.json'))['prices'] if p['offered'] is not None)")" \
	"^True$" "every priced type is in the cache"

expect_status 0 "prices refresh (table)" "$GCRUNNER" prices refresh
expect_match "$out" "c5\\.4xlarge +0\\.6800" "the table shows c5.4xlarge"
expect_match "$out" "Saved to $cache" "the table names the cache file"

expect_status 2 "an unknown action" "$GCRUNNER" prices fetch
expect_match "$err" "only action is 'refresh'" "the allowed action is named"
expect_status 2 "a malformed region" "$GCRUNNER" prices refresh --region 'us east'

# Without credentials: exit 1 with a message saying what to set.
expect_status 1 "no credentials" env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
	"$GCRUNNER" prices refresh
expect_match "$err" "AWS_ACCESS_KEY_ID" "the message says how to give credentials"

# Nothing listening: exit 1, the cache is left as it was.
before=$(cat "$cache")
AWS_ENDPOINT_URL_PRICING=http://127.0.0.1:1 AWS_ENDPOINT_URL_EC2=http://127.0.0.1:1 AWS_MAX_ATTEMPTS=1 \
	"$GCRUNNER" prices refresh >"$TEST_TMP/out" 2>"$TEST_TMP/err"
if [ $? -eq 1 ]; then pass "no server: exit 1"; else fail "no server: wrong exit status"; fi
expect_match "$(cat "$TEST_TMP/err")" "cannot fetch prices" "no server: a clear message"
if [ "$(cat "$cache")" = "$before" ]; then pass "no server: the cache is untouched"
else fail "no server: the cache changed"; fi

finish
