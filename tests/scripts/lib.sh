# lib.sh: helpers for the shell tests.  Each test gets a private HOME and XDG
# directories, so no test reads or writes the user's real files.
set -u
: "${top_srcdir:?run through make check}"
: "${GCRUNNER:?run through make check}"

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcrunner-test.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
export HOME="$TEST_TMP/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$HOME"
unset GCRUNNER_CONFIG GCRUNNER_DATADIR GCRUNNER_LOCALEDIR AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION
export LC_ALL=C.UTF-8
unset LANGUAGE

failures=0
checks=0

pass() { checks=$((checks + 1)); echo "ok $checks - $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $1"; }

# expect_status WANT DESCRIPTION COMMAND...: runs COMMAND, stdout to $out,
# stderr to $err, and checks its exit status.
expect_status() {
	want=$1; what=$2; shift 2
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	got=$?
	out=$(cat "$TEST_TMP/out"); err=$(cat "$TEST_TMP/err")
	if [ "$got" -eq "$want" ]; then pass "$what (exit $got)"
	else fail "$what: exit $got, wanted $want; stderr: $err"; fi
}

# expect_match TEXT PATTERN DESCRIPTION: grep -E PATTERN in TEXT.
expect_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"
	else fail "$3: no match for /$2/ in: $(printf '%s' "$1" | head -c 400)"; fi
}

expect_no_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3: unexpected /$2/"
	else pass "$3"; fi
}

finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
