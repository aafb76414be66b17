#!/usr/bin/env python3
"""dash-journal.py OUT N [JOB_IDS_FILE [FINISHED FAILED]]: a journal of N Batch simulations, as
the submit engine writes it (intent, submitted; and for some an "ended" as
the runs model journals a run's end), for the dashboard's tests.

Without JOB_IDS_FILE the runs get made-up job ids and every fifth run is
succeeded, failed or cancelled in turn (two of five stay queued: with no
AWS they keep their last known state).  With it, run i gets the i-th job id
and the test bed's jobs decide their states; the first FINISHED of them
(the test bed's bulk jobs that are created finished, the first FAILED of
those failed) have their end journaled already, as after an earlier
session of gcrunner."""
import json
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    ids = open(sys.argv[3]).read().split() if len(sys.argv) > 3 else []
    finished = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    failed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    ends = ['succeeded', 'failed', 'cancelled', None, None]
    seq = 0
    with open(out, 'w') as f:
        for i in range(n):
            sim = 'gcr-20261127T%02d%02d%02dZ-%08x' % (i // 3600 % 24, i // 60 % 60, i % 60, i)

            def event(name, **fields):
                nonlocal seq
                seq += 1
                line = {'seq': seq, 'at': '2026-11-27T10:00:00Z', 'sim': sim, 'event': name}
                line.update(fields)
                f.write(json.dumps(line, separators=(',', ':')) + '\n')

            event('intent', target='batch',
                  spec={'model': 'classic', 'simulation': 'fullchem', 'met': 'merra2',
                        'grid': '4x5', 'start': '2019-07-01', 'end': '2019-07-08',
                        'name': 'run-%05d' % i, 'instance_type': 'c5.4xlarge'},
                  estimate={'cost_usd': 4.5 + i % 7, 'cost_high_usd': 6.0 + i % 7,
                            'instance_type': 'c5.4xlarge'},
                  plan={'region': 'us-east-1', 'instance_type': 'c5.4xlarge'},
                  record_pending=False)
            job = ids[i] if i < len(ids) else '%08x-0000-4000-8000-%012x' % (i, i)
            event('submitted', job_id=job)
            end = ends[i % len(ends)] if not ids else \
                ('failed' if i < failed else 'succeeded') if i < finished else None
            if end:
                event('ended', end_state=end, started_ms=1795000000000 + i * 1000,
                      stopped_ms=1795003600000 + i * 1000,
                      exit_code=0 if end == 'succeeded' else 1, actual_cost=1.0 + 0.5 * (n - i),
                      price_per_node_hour=0.68, progress=1.0 if end == 'succeeded' else 0.4,
                      native_state=end.upper(),
                      end_reason='Essential container in task exited' if end == 'failed' else '')


main()
