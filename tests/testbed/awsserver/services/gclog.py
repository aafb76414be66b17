"""gclog.py: the log a running Batch job writes, shaped like GEOS-Chem
Classic's own output, so progress can be read from the simulated dates.

GEOS-Chem Classic prints a line per time step like
    ---> DATE: 2019/07/01  UTC: 00:00  X-HRS:      0.000000
The fake log prints one such line per simulated hour (fewer for long
periods: at most ~1000 date lines per attempt), spread evenly over the
attempt's run time on the simulated clock, so at 40 % of the run time the
date reached is 40 % through the period.
"""
import datetime

DEFAULT_PERIOD = (datetime.datetime(2019, 7, 1), datetime.datetime(2019, 8, 1))
MAX_DATE_LINES = 1000


def parse_period(text):
    """'2019-07-01..2019-08-01' (or a [start, end] list) -> (datetime, datetime)."""
    if isinstance(text, (list, tuple)):
        a, b = text
    else:
        a, _, b = str(text).partition('..')
    start = datetime.datetime.fromisoformat(a.strip())
    end = datetime.datetime.fromisoformat(b.strip())
    if end <= start:
        raise ValueError('period end must be after its start')
    return start, end


HEADER = [
    '',
    '*************   S T A R T I N G   G E O S - C H E M   *************',
    '',
    '===> Mode of operation         : GEOS-Chem "Classic"',
    '===> GEOS-Chem version         : 14.5.0',
    '===> Compiler                  : GNU Fortran compiler (aka gfortran)',
    '===> Parallelization w/ OpenMP : ON',
    '===> Number of OpenMP threads  : {threads}',
    '===> Simulation start time     : {start}',
    '===> Simulation end time       : {end}',
    '',
    '=============================================================================',
    'G E O S - C H E M   U S E R   I N P U T',
    '',
    'READ_SIMULATION_MENU: Reading geoschem_config.yml',
    '=============================================================================',
    '     - INITIALIZATION COMPLETE -',
]

SUCCESS_TAIL = [
    '',
    '     - CLEANUP: deallocating arrays now...',
    '',
    '**************   E N D   O F   G E O S -- C H E M   **************',
]

FAILURE_TAIL = [
    '',
    '===============================================================================',
    'GEOS-Chem ERROR: Error encountered in "Do_FullChem"!',
    ' -> at Do_Chemistry (in module GeosCore/chemistry_mod.F90)',
    '===============================================================================',
    '',
    '===> SIMULATION TERMINATED ABNORMALLY (exit code {code}) <===',
]


class GeosChemLog:
    """Lazily produced events of one attempt.  events_until(now) returns
    the (timestamp_ms, message) pairs whose time has come, each once."""

    def __init__(self, batch, job, attempt_index, started, reclaimed):
        self.batch = batch
        self.job = job
        self.attempt_index = attempt_index
        self.started = started
        self.reclaimed = reclaimed
        self.period = job.outcome.period or DEFAULT_PERIOD
        self.lines = None
        self.emitted = 0

    def _build(self, run, end_fraction, tail):
        """Lines over the attempt's actual run time (run x end_fraction):
        the header in its first 1 %, the dates evenly from 2 % to 97 %, the
        tail in the last 1 %, so nothing lies past the attempt's stop."""
        start, end = self.period
        hours = int((end - start).total_seconds() // 3600)
        step = max(1, -(-hours // MAX_DATE_LINES))
        threads = 16
        for r in self.job.container.get('resourceRequirements') or []:
            if r.get('type') == 'VCPU':
                threads = r.get('value')
        actual = run * end_fraction
        t0 = self.started
        fmt = {'threads': threads, 'start': start.strftime('%Y-%m-%d %H:%M:%S'),
               'end': end.strftime('%Y-%m-%d %H:%M:%S')}
        lines = [(t0 + actual * 0.01 * i / len(HEADER), text.format(**fmt)) for i, text in enumerate(HEADER)]
        for h in range(0, hours + 1, step):
            frac = h / hours if hours else 1.0
            if frac > end_fraction + 1e-12:
                break
            when = start + datetime.timedelta(hours=h)
            lines.append((t0 + actual * (0.02 + 0.95 * (frac / end_fraction if end_fraction else 1.0)),
                          '---> DATE: %s  UTC: %s  X-HRS: %14.6f'
                          % (when.strftime('%Y/%m/%d'), when.strftime('%H:%M'), float(h))))
        t_end = t0 + actual
        for i, text in enumerate(tail):
            lines.append((t_end - actual * 0.01 * (len(tail) - 1 - i) / max(len(tail), 1),
                          text.format(code=self.job.outcome.exit_code)))
        lines.sort(key=lambda x: x[0])
        return lines

    def _plan(self):
        job, batch = self.job, self.batch
        run = job.outcome.runtime if job.outcome.runtime is not None else batch.timing.get('RUNNING')
        if run is None:
            run = 3600.0 * 24 * 365           # held in RUNNING: a year of log
        if self.reclaimed:
            return self._build(run, 0.5, [])
        if job.outcome.exit_code != 0:
            return self._build(run, job.outcome.fail_at, FAILURE_TAIL)
        return self._build(run, 1.0, SUCCESS_TAIL)

    def events_until(self, now):
        if self.lines is None:
            self.lines = self._plan()
        # An attempt cut short (terminated, timed out, forced) stops its log.
        # Compared in whole milliseconds, as the job's stoppedAt is.
        stop = None
        if self.attempt_index < len(self.job.attempts):
            stop = self.job.attempts[self.attempt_index]['stoppedAt']
        now_ms = int(now * 1000)
        limit = now_ms if stop is None else min(now_ms, stop)
        out = []
        while self.emitted < len(self.lines) and int(self.lines[self.emitted][0] * 1000) <= limit:
            t, text = self.lines[self.emitted]
            out.append((int(t * 1000), text))
            self.emitted += 1
        if stop is not None and now_ms >= stop and self.emitted < len(self.lines):
            self.emitted = len(self.lines)           # the rest never happens
            if self.job.terminated:
                out.append((stop, 'Received SIGTERM: shutting down'))
        return out

    def done(self):
        return self.lines is not None and self.emitted >= len(self.lines)
