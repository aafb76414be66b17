#!/bin/sh
# stop.sh [--clean] DIR: stops the test bed start.sh started in DIR -- by the
# process ids in its pid files, nothing else (Slurm's daemons, slurmdbd,
# MariaDB, munged, sshd) -- after cancelling the jobs still queued or
# running.  --clean also removes DIR.
set -u

clean=no
if [ "${1:-}" = --clean ]; then clean=yes; shift; fi
dir=${1:?usage: stop.sh [--clean] DIR}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)

if [ "$(id -u)" -eq 0 ]; then SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else SUDO=; fi

pid_of() { [ -s "$dir/run/$1.pid" ] && cat "$dir/run/$1.pid"; }

# Running, and not a zombie waiting for an init that reaps slowly.
running() {
	$SUDO kill -0 "$1" 2>/dev/null || return 1
	state=$(sed -e 's/.*) //' -e 's/ .*//' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Ends pid (and waits up to 5 s for it), SIGKILL if it lingers.
stop_pid() {
	pid=$1
	[ -n "$pid" ] || return 0
	$SUDO kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while running "$pid"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then $SUDO kill -KILL "$pid" 2>/dev/null; break; fi
		sleep 0.05
	done
}

# Jobs first, while slurmctld and slurmd can still end them cleanly.
if [ -f "$dir/slurm.conf" ] && [ -n "$(pid_of slurmctld)" ]; then
	export SLURM_CONF="$dir/slurm.conf"
	jobs=$(squeue -h -o %i 2>/dev/null)
	if [ -n "$jobs" ]; then
		# shellcheck disable=SC2086
		$SUDO env SLURM_CONF="$SLURM_CONF" scancel $jobs 2>/dev/null
		i=0
		while [ -n "$(squeue -h -o %i -t PD,R,CG,CF,S 2>/dev/null)" ] && [ $i -lt 50 ]; do
			i=$((i + 1)); sleep 0.1
		done
	fi
fi

# sshd: its per-connection children (ssh sessions, ControlMaster
# connections) outlive the listener, so end them by their parent's id.
sshd=$(pid_of sshd)
if [ -n "$sshd" ]; then
	for child in $(ps -o pid= --ppid "$sshd" 2>/dev/null); do
		stop_pid "$child"
	done
	stop_pid "$sshd"
fi
stop_pid "$(pid_of slurmd)"
stop_pid "$(pid_of slurmctld)"
# Accounting after slurmctld (which sends it the last job records).
stop_pid "$(pid_of slurmdbd)"
# MariaDB's own pid file too, in case start.sh died before copying it.
stop_pid "$(pid_of mariadbd || $SUDO cat "$dir/mysql/mariadbd.pid" 2>/dev/null)"
stop_pid "$(pid_of munged)"
rm -f "$dir/run/"*.pid "$dir/env"

if [ "$clean" = yes ]; then
	$SUDO rm -rf "$dir"
fi
exit 0
