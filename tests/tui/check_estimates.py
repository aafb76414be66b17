#!/usr/bin/env python3
"""check_estimates.py SCREEN ESTIMATE_JSON: the review screen shows the
estimator's own figures.

SCREEN is a raw capture of the wizard's review step; ESTIMATE_JSON is the
output of `gcrunner estimate --spec SAVED --json` for the spec the wizard
saved.  The plan's Instance line names the instance type; its Time and Cost
lines must show that option's wall time with its range and its cost with
its range, formatted the way the wizard formats them (ui/format.c).
Prints one "ok"/"not ok" line per check; exits 1 on any failure."""
import json
import re
import sys


def hours(h):
    if h < 1.0:
        return "%.0f min" % max(1.0, h * 60.0)
    if h < 10.0:
        return "%.1f h" % h
    if h < 72.0:
        return "%.0f h" % h
    return "%.1f d" % (h / 24.0)


def usd(v):
    if v < 100.0:
        return "$%.2f" % v
    if v < 100000.0:
        whole = int(v + 0.5)
        return "$%d,%03d" % (whole // 1000, whole % 1000) if whole >= 1000 else "$%d" % whole
    return "$%.0fk" % (v / 1000.0)


def main():
    screen = open(sys.argv[1], encoding="utf-8").read()
    est = json.load(open(sys.argv[2], encoding="utf-8"))
    failures = 0

    def check(ok, what):
        nonlocal failures
        print(("ok - " if ok else "not ok - ") + what)
        if not ok:
            failures += 1

    lines = screen.splitlines()

    def plan(key):
        for line in lines:
            m = re.match(r"^\s*(?:▶|>)?\s*" + re.escape(key) + r"\s{2,}(.*)$", line)
            if m:
                return m.group(1)
        return None

    inst_line = plan("Instance")
    check(inst_line is not None, "the plan has an Instance line")
    if inst_line is None:
        return 1
    itype = inst_line.split()[0].rstrip(",")
    opts = [o for o in est["options"] if o["instance_type"] == itype]
    check(len(opts) >= 1, "estimate --json has an option for %s" % itype)
    if not opts:
        return 1
    if est["spec"].get("model") == "gchp":
        m = re.search(r"(\d+) nodes", inst_line)
        if m:
            opts = [o for o in opts if o["nodes"] == int(m.group(1))] or opts
    o = opts[0]
    spot = est.get("pricing") == "spot"

    time_line = plan("Time") or ""
    want = "%s (%s to %s)" % (hours(o["wall_hours"]), hours(o["wall_hours_low"]),
                              hours(o["wall_hours_high"]))
    check(want in time_line, "Time shows %r (line: %r)" % (want, time_line))
    check(("confidence " + o["confidence"]) in time_line,
          "Time shows confidence %s" % o["confidence"])

    cost_line = plan("Cost") or ""
    main_cost = o["cost_spot_usd"] if spot else o["cost_ondemand_usd"]
    other = o["cost_ondemand_usd"] if spot else o["cost_spot_usd"]
    want = "%s %s (%s to %s)" % (usd(main_cost), "spot" if spot else "on-demand",
                                 usd(o["cost_low_usd"]), usd(o["cost_high_usd"]))
    check(want in cost_line, "Cost shows %r (line: %r)" % (want, cost_line))
    check(usd(other) in cost_line, "Cost shows the other pricing, %s" % usd(other))

    data_line = plan("Input data") or ""
    want = "%.0f GiB" % est["input_data_gib"]
    check(data_line.startswith(want), "Input data shows %r (line: %r)" % (want, data_line))
    check(usd(est["input_storage_usd_month"]) in data_line, "Input data shows the storage cost")

    days = est["simulated_days"]
    check(("%d simulated days" % days) in (plan("Period") or ""), "Period shows %d days" % days)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
