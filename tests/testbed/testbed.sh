#!/bin/sh
# testbed.sh: start and stop gcrunner's local test bed -- the AWS test server
# (awsserver/: Batch, Logs, Pricing, EC2, STS, SSM, ...), dynalite (DynamoDB)
# and s3rver (S3) -- on free loopback ports, in a private directory.
#
#   testbed.sh start [DIR] [aws] [dynamodb] [s3]   (default: all three)
#       starts them, waits until each answers, writes DIR/env (a file to
#       source: endpoints, credentials, region, control URL) and prints its
#       path.  DIR defaults to $TESTBED_DIR or a new temporary directory.
#   testbed.sh stop DIR      stops what DIR's pid files name (TERM, then KILL)
#   testbed.sh env DIR       prints DIR/env
#
# Logs of each server are in DIR/<name>.log.  With TESTBED_OWNER_PID set,
# the servers also exit when that process is gone.  See tests/testbed/README.
set -u

here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${TESTBED_PYTHON:-/usr/bin/python3}
NODE=${TESTBED_NODE:-node}
NODE_MODULES=${TESTBED_NODE_MODULES:-$here/node_modules}
WAIT_SECONDS=${TESTBED_WAIT_SECONDS:-20}

# The test credentials the AWS test server accepts (services/__init__.py).
KEY_ID=AKIAGCRTESTBED000001
SECRET=gcrunner-testbed-secret-0001
KEY_ID2=AKIAGCRTESTBED000002
SECRET2=gcrunner-testbed-secret-0002
REGION=${TESTBED_REGION:-us-east-1}

die() { echo "testbed.sh: $*" >&2; exit 1; }

# wait_port NAME: until DIR/NAME.port exists (the server writes it once it
# listens) or the process died or time ran out.
wait_port() {
	name=$1
	pid=$(cat "$dir/$name.pid")
	tries=$((WAIT_SECONDS * 20))
	while [ ! -s "$dir/$name.port" ]; do
		if ! running "$pid"; then
			echo "testbed.sh: $name exited while starting; its log:" >&2
			sed 's/^/  /' "$dir/$name.log" >&2
			return 1
		fi
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { echo "testbed.sh: $name did not start in ${WAIT_SECONDS}s" >&2; return 1; }
		sleep 0.05
	done
	cat "$dir/$name.port"
}

# spawn NAME COMMAND...: start COMMAND in the background, its own process
# group, logs to DIR/NAME.log, pid to DIR/NAME.pid.
spawn() {
	name=$1; shift
	rm -f "$dir/$name.port"
	"$@" >"$dir/$name.log" 2>&1 </dev/null &
	echo $! >"$dir/$name.pid"
}

# running PID: alive and not a zombie (an exited child that a slow init has
# not reaped yet still answers kill -0).
running() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ "$state" != Z ] && [ -n "$state" ]
}

stop_dir() {
	dir=$1
	[ -d "$dir" ] || return 0
	pids=
	for f in "$dir"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		case $pid in ''|*[!0-9]*) rm -f "$f"; continue ;; esac
		kill -TERM "$pid" 2>/dev/null && pids="$pids $pid"
		rm -f "$f"
	done
	[ -n "$pids" ] || return 0
	n=0
	while [ $n -lt 60 ]; do
		alive=
		for pid in $pids; do running "$pid" && alive="$alive $pid"; done
		[ -n "$alive" ] || return 0
		pids=$alive
		n=$((n + 1))
		sleep 0.05
	done
	for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
	return 0
}

start() {
	dir=${1:-${TESTBED_DIR:-}}
	[ $# -gt 0 ] && shift
	case $dir in
	aws|dynamodb|s3) set -- "$dir" "$@"; dir=${TESTBED_DIR:-} ;;
	esac
	if [ -z "$dir" ]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/gcrunner-testbed.XXXXXX") || die "cannot make a directory"
	fi
	mkdir -p "$dir" || die "cannot make $dir"
	dir=$(cd "$dir" && pwd)
	want=${*:-aws dynamodb s3}
	stop_dir "$dir"

	case " $want " in *" aws "*)
		[ -x "$PYTHON" ] || die "$PYTHON not found (install python3 and python3-botocore)"
		spawn aws "$PYTHON" "$here/awsserver/server.py" --port 0 --port-file "$dir/aws.port" \
			--ssm-workdir "$dir/ssm"
		;;
	esac
	case " $want " in *" dynamodb "*|*" s3 "*)
		command -v "$NODE" >/dev/null 2>&1 || die "node not found (./bootstrap deps installs Node.js)"
		[ -d "$NODE_MODULES/dynalite" ] && [ -d "$NODE_MODULES/s3rver" ] ||
			die "dynalite/s3rver missing in $NODE_MODULES: run 'npm ci' in tests/testbed (./bootstrap deps does)"
		;;
	esac
	case " $want " in *" dynamodb "*)
		spawn dynamodb "$NODE" "$here/node-server.js" dynalite --port-file "$dir/dynamodb.port"
		;;
	esac
	case " $want " in *" s3 "*)
		mkdir -p "$dir/s3data"
		spawn s3 "$NODE" "$here/node-server.js" s3rver --port-file "$dir/s3.port" --dir "$dir/s3data" \
			--keys "$KEY_ID:$SECRET,$KEY_ID2:$SECRET2"
		;;
	esac

	env_file=$dir/env
	{
		echo "# gcrunner test bed, started $(date -u +%Y-%m-%dT%H:%M:%SZ); source this file"
		echo "TESTBED_DIR='$dir'; export TESTBED_DIR"
		echo "unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_PROFILE"
		echo "AWS_ACCESS_KEY_ID=$KEY_ID; export AWS_ACCESS_KEY_ID"
		echo "AWS_SECRET_ACCESS_KEY=$SECRET; export AWS_SECRET_ACCESS_KEY"
		echo "TESTBED_ACCESS_KEY_ID_2=$KEY_ID2; export TESTBED_ACCESS_KEY_ID_2"
		echo "TESTBED_SECRET_ACCESS_KEY_2=$SECRET2; export TESTBED_SECRET_ACCESS_KEY_2"
		echo "TESTBED_ACCOUNT=111122223333; export TESTBED_ACCOUNT"
		echo "AWS_REGION=$REGION; export AWS_REGION"
		echo "AWS_DEFAULT_REGION=$REGION; export AWS_DEFAULT_REGION"
		echo "AWS_EC2_METADATA_DISABLED=true; export AWS_EC2_METADATA_DISABLED"
		echo "AWS_PAGER=; export AWS_PAGER"
	} >"$env_file.tmp"

	failed=0
	case " $want " in *" aws "*)
		if port=$(wait_port aws); then
			url=http://127.0.0.1:$port
			{
				echo "TESTBED_AWS_PORT=$port; export TESTBED_AWS_PORT"
				echo "TESTBED_AWS_URL=$url; export TESTBED_AWS_URL"
				echo "TESTBED_CONTROL_URL=$url/__control; export TESTBED_CONTROL_URL"
				# Both LOGS (as asked) and CLOUDWATCH_LOGS, the name the SDKs
				# derive from the serviceId "CloudWatch Logs".
				for svc in BATCH LOGS CLOUDWATCH_LOGS PRICING EC2 STS SSM IAM SERVICE_QUOTAS SSO SSO_OIDC; do
					echo "AWS_ENDPOINT_URL_$svc=$url; export AWS_ENDPOINT_URL_$svc"
				done
			} >>"$env_file.tmp"
		else failed=1; fi
		;;
	esac
	case " $want " in *" dynamodb "*)
		if port=$(wait_port dynamodb); then
			echo "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$port; export AWS_ENDPOINT_URL_DYNAMODB" >>"$env_file.tmp"
		else failed=1; fi
		;;
	esac
	case " $want " in *" s3 "*)
		if port=$(wait_port s3); then
			echo "AWS_ENDPOINT_URL_S3=http://127.0.0.1:$port; export AWS_ENDPOINT_URL_S3" >>"$env_file.tmp"
		else failed=1; fi
		;;
	esac
	if [ $failed -ne 0 ]; then
		stop_dir "$dir"
		rm -f "$env_file.tmp"
		exit 1
	fi
	mv "$env_file.tmp" "$env_file"
	echo "$env_file"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
start) start "$@" ;;
stop)
	d=${1:-${TESTBED_DIR:-}}
	[ -n "$d" ] || die "stop: which directory?"
	stop_dir "$d"
	;;
env)
	d=${1:-${TESTBED_DIR:-}}
	[ -n "$d" ] && [ -f "$d/env" ] || die "env: no env file in '${d}'"
	cat "$d/env"
	;;
*)
	echo "usage: testbed.sh start [DIR] [aws] [dynamodb] [s3] | stop DIR | env DIR" >&2
	exit 2
	;;
esac
