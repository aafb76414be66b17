#!/bin/sh
# slurm-cluster.sh: `gcrunner cluster show|set` -- the Slurm cluster settings
# saved in config.yaml next to other sections, and bad values refused with
# a clear message.  (`cluster test` against a real Slurm: slurm-live.sh.)
. "$top_srcdir/tests/scripts/lib.sh"

cfg="$XDG_CONFIG_HOME/gcrunner/config.yaml"

expect_status 1 "show before anything is set" "$GCRUNNER" cluster show
expect_match "$err" "no Slurm cluster is set up.*gcrunner cluster set" "it says how to set one up"
expect_status 2 "no subcommand" "$GCRUNNER" cluster
expect_status 2 "unknown subcommand" "$GCRUNNER" cluster frobnicate
expect_match "$err" "allowed: show, set, test" "it names the subcommands"
expect_status 0 "--help" "$GCRUNNER" cluster --help
expect_match "$out" "--ssh-config FILE" "help lists the options"
expect_status 0 "gcrunner --help" "$GCRUNNER" --help
expect_match "$out" "cluster" "the command list has cluster"

# Another section of the file must survive.
mkdir -p "$(dirname "$cfg")"
printf 'aws:\n  region: eu-west-1\n  profile: research\n' >"$cfg"

expect_status 0 "set an ssh cluster" "$GCRUNNER" cluster set --host alice@login.hpc.example.edu \
	--ssh-config '~/.ssh/hpc config' --partition compute --account geos \
	--module gcc/12 --module openmpi/4.1 --geoschem-dir '/shared/GEOS-Chem 14.4' --run-root '~/gc-runs'
expect_match "$out" "host +alice@login.hpc.example.edu" "set shows the result"
expect_status 0 "show" "$GCRUNNER" cluster show
expect_match "$out" "modules +gcc/12 openmpi/4.1" "modules kept in order"
expect_match "$out" "run directories +gc-runs" "a leading ~/ means the login directory"
expect_match "$out" "GEOS-Chem +/shared/GEOS-Chem 14.4" "paths with spaces kept"
expect_status 0 "show --json" "$GCRUNNER" cluster show --json
expect_match "$out" '"transport": "ssh"' "JSON has the transport"
expect_match "$out" '"modules": \[' "JSON has the modules list"
expect_match "$(cat "$cfg")" "region: eu-west-1" "the aws section is still there"
expect_match "$(cat "$cfg")" "profile: research" "all of it"
expect_match "$(cat "$cfg")" "partition: compute" "the slurm section is in the file"
expect_match "$(stat -c %a "$cfg")" "^600$" "the file is private (0600)"

# Changing one thing keeps the rest.
expect_status 0 "set only the partition" "$GCRUNNER" cluster set --partition debug
expect_match "$out" "partition +debug" "partition changed"
expect_match "$out" "account +geos" "account kept"
expect_status 0 "no modules" "$GCRUNNER" cluster set --no-modules
expect_match "$out" "modules +\(none\)" "modules cleared"

# Refused values, the file unchanged.
before=$(cat "$cfg")
expect_status 2 "unknown transport" "$GCRUNNER" cluster set --transport telnet
expect_match "$err" "allowed: ssh, local, ssm" "it lists the transports"
expect_status 2 "a host with shell characters" "$GCRUNNER" cluster set --host 'login;touch /tmp/x'
expect_match "$err" "slurm.host" "it names the key"
expect_status 2 "a host that ssh would read as an option" "$GCRUNNER" cluster set --host -oProxyCommand=x
expect_status 2 "a partition with a space" "$GCRUNNER" cluster set --partition 'a b'
expect_status 2 "a bad port" "$GCRUNNER" cluster set --port 70000
expect_status 2 "ssm without an instance id" "$GCRUNNER" cluster set --transport ssm
expect_match "$err" "ssm_instance_id" "it says what is missing"
expect_status 2 "a login-shell that is not yes/no" "$GCRUNNER" cluster set --login-shell maybe
if [ "$(cat "$cfg")" = "$before" ]; then pass "refused values left the file alone"
else fail "a refused value changed the file"; fi

expect_status 0 "ssm with a head node" "$GCRUNNER" cluster set --transport ssm \
	--ssm-instance i-0123456789abcdef0 --ssm-user ec2-user
expect_match "$out" "head node +i-0123456789abcdef0" "ssm settings shown"
expect_status 0 "local" "$GCRUNNER" cluster set --transport local
expect_match "$out" "transport +local" "local transport"

# A hand-edited file with a bad value: a clear message, exit 2.
printf 'slurm:\n  transport: ssh\n  host: "two words"\n' >"$cfg"
expect_status 2 "a bad value in the file" "$GCRUNNER" cluster show
expect_match "$err" "slurm.host" "it names the key"
finish
