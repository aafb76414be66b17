#!/bin/sh
# start.sh [--min-job-age SECONDS] DIR: a real single-node Slurm (munge,
# slurmctld, slurmd) with real accounting (MariaDB and slurmdbd, so sacct
# answers) and a real OpenSSH server on 127.0.0.1, every file under DIR, for
# gcrunner's tests.
#
# --min-job-age: Slurm's MinJobAge (default 300 s): how long a finished job
# stays in squeue before only sacct knows it.  Tests of the sacct paths use
# a short one; the others rely on finished jobs staying in squeue.
#
# Accounting needs the Debian packages slurmdbd, slurm-wlm-mysql-plugin and
# mariadb-server; without them the bed starts without it and prints
# GCR_TESTBED_ACCOUNTING=0 (else 1), so tests that need sacct can skip.
#
# Follows ../shared/reference/test-services.md, with private state: munged
# on its own socket and key, Slurm on free ports with its own slurm.conf
# (SLURM_CONF), sshd with a throwaway host key and user key and its own
# config; the ssh client side uses `ssh -F DIR/ssh/config`, never ~/.ssh.
#
# Prints the test bed's variables as shell assignments (also kept in
# DIR/env); `eval "$(start.sh DIR)"` sets them.  Running it again on a
# running DIR only prints them (about 0.1 s).  Stop with stop.sh DIR.
# Exit status 77 (automake's "skip") when the test bed cannot run here: no
# root and no password-less sudo, or a package missing.
set -eu

min_job_age=300
if [ "${1:-}" = --min-job-age ]; then
	min_job_age=${2:?usage: start.sh [--min-job-age SECONDS] DIR}
	shift 2
fi
case $min_job_age in ''|*[!0-9]*) echo "slurm test bed: --min-job-age wants seconds, not '$min_job_age'" >&2; exit 2;; esac
dir=${1:?usage: start.sh [--min-job-age SECONDS] DIR}
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "slurm test bed: $*" >&2; exit 77; }
die() { echo "slurm test bed: $*" >&2; exit 1; }

for prog in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/sshd \
	    sinfo sbatch ssh ssh-keygen ss; do
	command -v "$prog" >/dev/null 2>&1 ||
		skip "$prog is missing (Debian packages: slurm-wlm munge openssh-server openssh-client iproute2)"
done

# The daemons need root: munged and slurmctld switch to their own users,
# slurmd starts jobs as the submitting user.
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo -n"
else
	skip "needs root or password-less sudo to start munged, slurmctld and slurmd"
fi

# Accounting (sacct): MariaDB and slurmdbd with Slurm's MySQL plugin.
accounting=1
slurm_plugins=$(dirname "$(dpkg -L slurm-wlm-basic-plugins 2>/dev/null | grep '/accounting_storage_slurmdbd\.so$' | head -1)" 2>/dev/null)
for prog in /usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/sbin/slurmdbd sacctmgr sacct; do
	command -v "$prog" >/dev/null 2>&1 || accounting=0
done
[ -n "$slurm_plugins" ] && [ -f "$slurm_plugins/accounting_storage_mysql.so" ] || accounting=0
if [ $accounting = 0 ]; then
	echo "slurm test bed: starting without accounting (sacct): install the Debian packages slurmdbd slurm-wlm-mysql-plugin mariadb-server" >&2
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

alive() { [ -s "$1" ] && $SUDO kill -0 "$(cat "$1")" 2>/dev/null; }

# Idempotent: a running test bed in DIR is reused (with accounting if it
# was started with it).
if [ -f "$dir/env" ] && alive "$dir/run/munged.pid" && alive "$dir/run/slurmctld.pid" &&
   alive "$dir/run/slurmd.pid" && alive "$dir/run/sshd.pid" &&
   { ! grep -q '^GCR_TESTBED_ACCOUNTING=1' "$dir/env" ||
     { alive "$dir/run/mariadbd.pid" && alive "$dir/run/slurmdbd.pid"; }; }; then
	cat "$dir/env"
	exit 0
fi
# Half-started or stale: clear it out first.
"$here/stop.sh" "$dir" >/dev/null 2>&1 || true

user=$(id -un)
group=$(id -gn)
cpus=$(nproc)

# Free TCP ports on 127.0.0.1: random ones not in use now (parallel test
# runs each get their own).
used_ports=$(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }' | sort -u)
pick_port() {
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		printf '%s\n' $used_ports $picked | grep -qx "$p" || break
	done
	picked="${picked:-} $p"
	echo "$p"
}
picked=
ctld_port=$(pick_port)
slurmd_port=$(pick_port)
ssh_port=$(pick_port)
closed_port=$(pick_port)   # nobody listens here: the "unreachable host" tests
db_port=$(pick_port)
dbd_port=$(pick_port)

# Daemons switch users: the tree must be traversable by munge and slurm.
chmod 755 "$dir"
mkdir -p "$dir/run" "$dir/log" "$dir/ssh" "$dir/jobs"
chmod 755 "$dir/run" "$dir/log"
chmod 1777 "$dir/jobs"        # job output lands here, written as the job's user
$SUDO install -d -o munge -g munge -m 711 "$dir/munge"
$SUDO install -d -o slurm -g slurm -m 755 "$dir/ctld"
$SUDO install -d -m 755 "$dir/slurmd"
$SUDO touch "$dir/log/slurmctld.log" "$dir/log/slurmd.log"
$SUDO chown slurm:slurm "$dir/log/slurmctld.log"

# MariaDB's datadir takes mariadb-install-db about 2 s: started here in the
# background, used once munged runs.  init.sql (run by mariadbd at start)
# makes slurmdbd's database and user, with a password for this bed only.
if [ $accounting = 1 ]; then
	db_pass=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	# A stale bed's database has another password: start from nothing.
	$SUDO rm -rf "$dir/mysql"
	$SUDO install -d -o mysql -g mysql -m 755 "$dir/mysql"
	$SUDO install -d -o mysql -g mysql -m 700 "$dir/mysql/data" "$dir/mysql/tmp"
	# Emptied: start waits for "ready for connections" in mariadb.log.
	$SUDO rm -f "$dir/log/mariadb.log"
	$SUDO touch "$dir/log/mariadb.log" "$dir/log/slurmdbd.log"
	$SUDO chown mysql:mysql "$dir/log/mariadb.log"
	$SUDO chown slurm:slurm "$dir/log/slurmdbd.log"
	$SUDO sh -c "umask 077; cat >'$dir/mysql/init.sql'" <<SQL
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
SQL
	$SUDO chown mysql:mysql "$dir/mysql/init.sql"
	# Its own tmpdir: a starting mariadbd deletes the "#sql*" files it finds
	# there, which in a shared /tmp are another bed's temporary tables.
	$SUDO /usr/bin/mariadb-install-db --no-defaults --user=mysql --datadir="$dir/mysql/data" \
		--tmpdir="$dir/mysql/tmp" --skip-test-db --skip-name-resolve --innodb-log-file-size=4M \
		</dev/null >"$dir/log/mariadb-install.log" 2>&1 &
	db_init=$!
fi

# --- munge: its own key and socket ---
$SUDO sh -c "umask 077; dd if=/dev/urandom of='$dir/munge/munge.key' bs=1 count=1024 2>/dev/null"
$SUDO chown munge:munge "$dir/munge/munge.key"
$SUDO chmod 400 "$dir/munge/munge.key"
# --force: as a normal user (with sudo) DIR lies in a tree that user owns,
# which munged would otherwise refuse as an insecure place for its log.
$SUDO runuser -u munge -- /usr/sbin/munged --force \
	--socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
	--pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
	--seed-file="$dir/munge/munged.seed" ||
	die "munged did not start: $($SUDO cat "$dir/munge/munged.log" 2>/dev/null | tail -3)"
# The pid file sits in munge's private directory; keep a readable copy.
i=0
until $SUDO test -s "$dir/munge/munged.pid"; do
	i=$((i + 1)); [ $i -le 50 ] || die "munged wrote no pid file"; sleep 0.1
done
$SUDO cat "$dir/munge/munged.pid" >"$dir/run/munged.pid"

# --- accounting: MariaDB (private datadir, socket and port), then slurmdbd ---
if [ $accounting = 1 ]; then
	# mariadb-install-db (1-2 s) ran in the background since the start.
	wait "$db_init" || die "mariadb-install-db failed: $(grep -m3 ERROR "$dir/log/mariadb-install.log")"
	$SUDO setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$dir/mysql/data" \
		--tmpdir="$dir/mysql/tmp" \
		--socket="$dir/mysql/mysqld.sock" --port="$db_port" --bind-address=127.0.0.1 \
		--pid-file="$dir/mysql/mariadbd.pid" --log-error="$dir/log/mariadb.log" \
		--init-file="$dir/mysql/init.sql" --skip-name-resolve \
		--innodb-buffer-pool-size=16M --innodb-log-file-size=4M \
		</dev/null >/dev/null 2>&1 &
	i=0
	until grep -q 'ready for connections' "$dir/log/mariadb.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 200 ] || die "MariaDB did not start: $(tail -3 "$dir/log/mariadb.log" 2>/dev/null)"
		sleep 0.05
	done
	$SUDO cat "$dir/mysql/mariadbd.pid" >"$dir/run/mariadbd.pid"
	# slurmdbd finds slurmdbd.conf next to SLURM_CONF; it holds the
	# database password, so slurm alone may read it (slurmdbd insists).
	$SUDO sh -c "umask 077; cat >'$dir/slurmdbd.conf'" <<CONF
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
DbdHost=localhost
DbdPort=$dbd_port
SlurmUser=slurm
PidFile=$dir/run/slurmdbd.pid
LogFile=$dir/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
CONF
	$SUDO chown slurm:slurm "$dir/slurmdbd.conf"
	$SUDO chmod 600 "$dir/slurmdbd.conf"
fi

# --- Slurm ---
if [ $accounting = 1 ]; then
	# AccountingStoragePass: for slurmdbd's connections Slurm's clients
	# take the munge socket from here, not from AuthInfo.
	accounting_conf="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$dbd_port
AccountingStoragePass=$dir/munge/munge.socket
JobAcctGatherType=jobacct_gather/linux"
else
	accounting_conf="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
fi
cat >"$dir/slurm.conf" <<CONF
ClusterName=gcrtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=slurm
SlurmdUser=root
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/slurmd
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$accounting_conf
JobCompType=jobcomp/none
MinJobAge=$min_job_age
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
chmod 644 "$dir/slurm.conf"
SLURM_CONF="$dir/slurm.conf"
export SLURM_CONF
if [ $accounting = 1 ]; then
	# slurmdbd reads DIR/slurmdbd.conf (next to SLURM_CONF) and creates its
	# tables on the first start.  The cluster is registered before
	# slurmctld starts, so its first jobs are recorded.
	$SUDO env SLURM_CONF="$SLURM_CONF" /usr/sbin/slurmdbd ||
		die "slurmdbd did not start: $(tail -3 "$dir/log/slurmdbd.log")"
	i=0
	until $SUDO env SLURM_CONF="$SLURM_CONF" timeout 10 sacctmgr -i add cluster gcrtest >"$dir/log/sacctmgr.log" 2>&1 ||
	      grep -q 'already exists' "$dir/log/sacctmgr.log"; do
		i=$((i + 1))
		[ $i -le 50 ] || die "slurmdbd did not answer: $(tail -3 "$dir/log/slurmdbd.log"; tail -1 "$dir/log/sacctmgr.log")"
		sleep 0.1
	done
fi
$SUDO env SLURM_CONF="$SLURM_CONF" /usr/sbin/slurmctld ||
	die "slurmctld did not start: $(tail -3 "$dir/log/slurmctld.log")"
$SUDO env SLURM_CONF="$SLURM_CONF" /usr/sbin/slurmd -N localhost ||
	die "slurmd did not start: $(tail -3 "$dir/log/slurmd.log")"

# --- sshd on 127.0.0.1 with throwaway keys ---
rm -f "$dir/ssh/host_ed25519" "$dir/ssh/host_ed25519.pub" "$dir/ssh/id_ed25519" "$dir/ssh/id_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C gcr-testbed-host -f "$dir/ssh/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C gcr-testbed-user -f "$dir/ssh/id_ed25519"
cp "$dir/ssh/id_ed25519.pub" "$dir/ssh/authorized_keys"
chmod 600 "$dir/ssh/authorized_keys"
# PAM lets root in even when its password is locked; a normal user's
# sshd cannot use PAM.
if [ "$(id -u)" -eq 0 ]; then use_pam=yes; mkdir -p /run/sshd; chmod 755 /run/sshd; else use_pam=no; fi
cat >"$dir/ssh/sshd_config" <<CONF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $dir/ssh/host_ed25519
PidFile $dir/run/sshd.pid
AuthorizedKeysFile $dir/ssh/authorized_keys
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM $use_pam
PrintMotd no
SetEnv SLURM_CONF=$dir/slurm.conf
LogLevel ERROR
CONF
/usr/sbin/sshd -f "$dir/ssh/sshd_config" -E "$dir/log/sshd.log" ||
	die "sshd did not start: $(tail -3 "$dir/log/sshd.log")"
printf 'gcr-testbed %s\n' "$(cut -d' ' -f1,2 "$dir/ssh/host_ed25519.pub")" >"$dir/ssh/known_hosts"
cat >"$dir/ssh/config" <<CONF
# The test bed's own ssh client configuration: ssh -F $dir/ssh/config
Host gcr-testbed gcr-unreachable
  HostName 127.0.0.1
  User $user
  IdentityFile $dir/ssh/id_ed25519
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $dir/ssh/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  HostKeyAlias gcr-testbed
  LogLevel ERROR
Host gcr-testbed
  Port $ssh_port
Host gcr-unreachable
  Port $closed_port
  ConnectTimeout 5
CONF
chmod 600 "$dir/ssh/config"

# --- ready when the node is idle and ssh logs in ---
i=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
	i=$((i + 1))
	[ $i -le 150 ] || die "the Slurm node did not become idle: $(tail -3 "$dir/log/slurmctld.log")"
	sleep 0.2
done
i=0
until ssh -F "$dir/ssh/config" -o BatchMode=yes gcr-testbed true 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 50 ] || die "cannot log in to the test sshd: $(ssh -F "$dir/ssh/config" -o BatchMode=yes gcr-testbed true 2>&1 | tail -1)"
	sleep 0.1
done

cat >"$dir/env" <<ENV
GCR_TESTBED_DIR='$dir'
SLURM_CONF='$dir/slurm.conf'
GCR_TESTBED_SSH_CONFIG='$dir/ssh/config'
GCR_TESTBED_SSH_HOST=gcr-testbed
GCR_TESTBED_SSH_UNREACHABLE=gcr-unreachable
GCR_TESTBED_PARTITION=debug
GCR_TESTBED_JOBS='$dir/jobs'
GCR_TESTBED_ACCOUNTING=$accounting
GCR_TESTBED_MIN_JOB_AGE=$min_job_age
export GCR_TESTBED_DIR SLURM_CONF GCR_TESTBED_SSH_CONFIG GCR_TESTBED_SSH_HOST GCR_TESTBED_SSH_UNREACHABLE GCR_TESTBED_PARTITION GCR_TESTBED_JOBS GCR_TESTBED_ACCOUNTING GCR_TESTBED_MIN_JOB_AGE
ENV
cat "$dir/env"
