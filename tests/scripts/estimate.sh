#!/bin/sh
# estimate.sh: `gcrunner estimate` as users run it -- exit codes, messages
# for invalid combinations, the table, and the --json schema checked with
# python3's json module.
. "$top_srcdir/tests/scripts/lib.sh"

PY=${PYTHON3:-python3}

expect_status 0 "estimate with the defaults" "$GCRUNNER" estimate
expect_match "$out" "GEOS-Chem Classic" "the table names the model"
expect_match "$out" "^\\$ " "the cheapest row is marked"
expect_match "$out" "Cheapest: " "the cheapest option is named"
wide=$(printf '%s\n' "$out" | awk 'length($0) > 80' | head -1)
if [ -z "$wide" ]; then pass "the table fits 80 columns"; else fail "line wider than 80 columns: $wide"; fi

expect_status 0 "estimate --help" "$GCRUNNER" estimate --help
expect_match "$out" "--cores-per-node" "help lists the choice flags"

# Invalid combinations: exit 2 and say what is allowed.
expect_status 2 "GEOS-IT 0.5x0.625 for full chemistry" "$GCRUNNER" estimate --met geosit --grid 0.5x0.625
expect_match "$err" "GEOS-IT offers 0.5x0.625 only for TransportTracers" "the GEOS-IT rule is explained"
expect_status 0 "GEOS-IT 0.5x0.625 for TransportTracers" "$GCRUNNER" estimate --met geosit --grid 0.5x0.625 --sim TransportTracers
expect_status 2 "unknown met" "$GCRUNNER" estimate --met era5
expect_match "$err" "--met: 'era5' is not allowed \\(allowed: merra2, geosfp, geosit, gcap2\\)" "the allowed mets are listed"
expect_status 2 "GEOS-FP across 2020-06-01" "$GCRUNNER" estimate --met geosfp --start 2020-05-01 --days 60
expect_match "$err" "2020-06-01" "the GEOS-FP date is named"
expect_status 2 "MERRA-2 at 0.25" "$GCRUNNER" estimate --met merra2 --grid 0.25x0.3125
expect_match "$err" "MERRA-2 does not offer the 0.25x0.3125 grid" "the grid rule is explained"
expect_status 2 "GCHP cores not divisible by 6" "$GCRUNNER" estimate --model gchp --nodes 2 --cores-per-node 25
expect_match "$err" "divisible by 6" "the GCHP core rule is explained"
expect_status 2 "Hg in GCHP" "$GCRUNNER" estimate --model gchp --sim Hg
expect_status 2 "bad date" "$GCRUNNER" estimate --start 2019-02-30
expect_status 2 "unknown instance type" "$GCRUNNER" estimate --instance t2.micro
expect_status 2 "--days with --end" "$GCRUNNER" estimate --days 3 --end 2019-08-01
expect_status 0 "--option without --sim (full chemistry's)" "$GCRUNNER" estimate --option benchmark --instance c5.9xlarge
expect_match "$out" "benchmark" "the option is used"
expect_status 2 "an option of another simulation" "$GCRUNNER" estimate --sim POPs --option CH4
expect_match "$err" "BaP, PHE, PYR" "the simulation's options are listed"
expect_status 2 "unknown option" "$GCRUNNER" estimate --frobnicate
expect_status 2 "stray argument" "$GCRUNNER" estimate fullchem

# The JSON schema.
schema_check() {
	printf '%s' "$out" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
want_days = int(sys.argv[1]); want_pricing = sys.argv[2]
assert d["simulated_days"] == want_days, d["simulated_days"]
assert d["pricing"] == want_pricing
assert isinstance(d["input_data_gib"], float) and d["input_data_gib"] > 0
fields = {"instance_type": str, "arch": str, "nodes": int, "cores_per_node": int, "cores": int,
          "throughput_days_per_day": float, "wall_hours": float, "wall_hours_low": float,
          "wall_hours_high": float, "cost_ondemand_usd": float, "cost_spot_usd": float,
          "cost_low_usd": float, "cost_high_usd": float, "cost_per_sim_day_usd": float,
          "memory_need_gib": float, "memory_fit": str, "input_data_gib": float,
          "confidence": str, "notes": list}
assert len(d["options"]) > 0
for o in d["options"]:
    for k, t in fields.items():
        assert k in o, k
        if o["offered"] or not k.startswith("cost"):
            assert isinstance(o[k], t), (k, o[k])
    assert o["arch"] in ("x86_64", "arm64")
    assert o["memory_fit"] in ("fits", "tight", "no")
    assert o["confidence"] in ("high", "medium", "low")
    assert o["cores"] == o["nodes"] * o["cores_per_node"]
    assert o["wall_hours_low"] < o["wall_hours"] < o["wall_hours_high"]
    if o["offered"]:
        c = o["cost_spot_usd"] if want_pricing == "spot" else o["cost_ondemand_usd"]
        assert o["cost_low_usd"] < c < o["cost_high_usd"]
        assert abs(o["cost_per_sim_day_usd"] * want_days - c) < 1e-3 * max(c, 1)
    assert all(isinstance(n, str) for n in o["notes"])
r = d["recommended"]
for mode in (r, r["ondemand"], r["spot"]):
    for k in ("cheapest", "fastest"):
        x = mode[k]
        assert d["options"][x["index"]]["instance_type"] == x["instance_type"]
    assert len(mode["pareto"]) >= 1
    walls = [d["options"][p["index"]]["wall_hours"] for p in mode["pareto"]]
    assert walls == sorted(walls)
key = "cost_spot_usd" if want_pricing == "spot" else "cost_ondemand_usd"
ok = [o for o in d["options"] if o["offered"] and o["memory_fit"] != "no"]
cheapest = d["options"][r["cheapest"]["index"]]
assert all(o[key] >= cheapest[key] - 1e-9 or o["arch"] == "arm64" for o in ok)
assert d["prices"]["sources"], "price sources are named"
print("ok")
' "$1" "$2" >"$TEST_TMP/py" 2>&1
}

expect_status 0 "estimate --json" "$GCRUNNER" estimate --json
if schema_check 31 ondemand; then pass "JSON schema (Classic, on-demand)"; else fail "JSON schema: $(cat "$TEST_TMP/py")"; fi
expect_status 0 "GCHP --json --spot" "$GCRUNNER" estimate --model gchp --grid C90 --days 10 --spot --json
if schema_check 10 spot; then pass "JSON schema (GCHP, spot, node sweep)"; else fail "JSON schema: $(cat "$TEST_TMP/py")"; fi
nodes=$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(len({o["nodes"] for o in json.load(sys.stdin)["options"]}))')
if [ "$nodes" -ge 16 ]; then pass "GCHP sweeps node counts ($nodes)"; else fail "GCHP node counts: $nodes"; fi

# A spec file, with flags overriding it.
cat >"$TEST_TMP/spec.yaml" <<'YAML'
model: classic
simulation: TransportTracers
met: geosfp
grid: 2x2.5
start: 2019-01-01
end: 2019-01-11
YAML
expect_status 0 "--spec with --instance" "$GCRUNNER" estimate --spec "$TEST_TMP/spec.yaml" --instance c5.9xlarge --instance c6i.8xlarge --json
n=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["options"]), d["simulated_days"], d["spec"]["simulation"], d["spec"]["grid"])')
if [ "$n" = "2 10 TransportTracers 2x2.5" ]; then pass "the spec file is used"; else fail "spec file: $n"; fi
expect_status 0 "--spec overridden by --days and --sim" "$GCRUNNER" estimate --spec "$TEST_TMP/spec.yaml" --days 5 --sim fullchem --json
n=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["simulated_days"], d["spec"]["simulation"], d["spec"]["option"])')
if [ "$n" = "5 fullchem standard" ]; then pass "flags override the spec file"; else fail "override: $n"; fi
printf 'model: classic\ngrid: 4x5\nwibble: 3\n' >"$TEST_TMP/bad.yaml"
expect_status 2 "a spec file with an unknown key" "$GCRUNNER" estimate --spec "$TEST_TMP/bad.yaml"
expect_match "$err" "bad.yaml:3: .*wibble" "the bad key's line is named"
expect_status 1 "a missing spec file" "$GCRUNNER" estimate --spec "$TEST_TMP/none.yaml"

# Regions: a type not offered is skipped, or marked when asked for.
expect_status 0 "hpc6a in us-east-1" "$GCRUNNER" estimate --instance hpc6a.48xlarge --json
expect_match "$out" "not offered in us-east-1" "not offered is said"
expect_status 0 "eu-west-1 prices" "$GCRUNNER" estimate --region eu-west-1 --instance c5.4xlarge --json
expect_match "$out" "derived" "a derived price says so"
expect_status 2 "unknown region" "$GCRUNNER" estimate --region mars-1
expect_status 2 "a global region without prices" "$GCRUNNER" --region ap-south-1 estimate
expect_match "$err" "prices refresh --region ap-south-1" "says how to get prices for it"

# Live prices from the cache file are used and said.
mkdir -p "$XDG_CACHE_HOME/gcrunner"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$XDG_CACHE_HOME/gcrunner/prices.json" <<JSON
{"version": 1, "fetched_at": "$now", "prices": [
 {"instance_type": "c5.4xlarge", "region": "us-east-1", "ondemand_usd_per_hour": 1.0,
  "spot_usd_per_hour": 0.25, "source": "test cache"}]}
JSON
expect_status 0 "estimate with a fresh price cache" "$GCRUNNER" estimate --instance c5.4xlarge --json
p=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); o=d["options"][0]; print(o["price_ondemand_usd_hour"], o["price_spot_usd_hour"], o["price_source"], d["prices"]["live"])')
if [ "$p" = "1.0 0.25 test cache True" ]; then pass "live cached prices are used and named"; else fail "cached prices: $p"; fi
expect_status 0 "the table says the prices are live" "$GCRUNNER" estimate --instance c5.4xlarge
expect_match "$out" "live \\(0\\.[0-9] hours old\\)" "the price age is shown"

expect_status 0 "--calibration" "$GCRUNNER" estimate --calibration
expect_match "$out" "zhuang-c5.9xlarge" "the calibration table lists the records"

finish
