# tests/tui/lib.sh: drive the real gcrunner in a real terminal (tmux).
#
# Sourced after tests/scripts/lib.sh (private HOME, pass/fail/finish).
# Each test gets a private tmux server (-S socket in $TEST_TMP), with the
# status line off (the pane is the whole window) and remain-on-exit on (the
# exit status stays readable).  Waits poll the screen with a deadline
# instead of sleeping a fixed time, so a loaded machine only makes the test
# slower, not flaky.
#
#   tui_start COLS ROWS [VAR=value ...]     gcrunner in a new pane
#   tui_start_shell COLS ROWS 'commands'    any shell commands in a new pane
#   tui_keys KEY...                         tmux send-keys names (Down, Enter...)
#   tui_wait TEXT [SECONDS]                 until TEXT is on the screen
#   tui_wait_gone TEXT [SECONDS]            until TEXT has left the screen
#   tui_screen                              the screen now, settled
#   tui_expect_screen NAME DESCRIPTION      compare with expected/NAME.txt
#   tui_exit_status                         the dead pane's exit status
#   tui_stop                                kill the tmux server
#
# GCR_TUI_REGENERATE=1 writes the expected screens instead of comparing;
# review them with git diff before committing.

: "${TMUX_BIN:=tmux}"
if ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	echo "tmux is not installed: TUI tests skipped"
	exit 77
fi

TUI_EXPECTED="$top_srcdir/tests/tui/expected"
# The first start offers setup; tests of other screens start past it
# (setup tests unset this).
export GCRUNNER_NO_SETUP_OFFER=1
# A new server (and socket) per start: a server still shutting down never
# meets the next one.
TUI_SERVERS=0
TUI_SOCK="$TEST_TMP/tmux.0.sock"
TUI_WAIT_DEFAULT=${TUI_WAIT_DEFAULT:-30}
TUI_WORK="$TEST_TMP/work"
mkdir -p "$TUI_WORK" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
cat >"$TEST_TMP/tmux.conf" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g default-terminal tmux-256color
set -g escape-time 0
EOF
# Reproducible screens: "now" is fixed (price ages), sanitizers stay quiet
# about leaks they cannot check here.
export GCR_TUI_NOW=2026-12-01
# No credentials: the wizard must not start a live price fetch by itself.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
	AWS_DEFAULT_PROFILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE \
	GCR_TUI_PRICES_COMMAND GCR_TUI_BENCH NO_COLOR
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

tm() { "$TMUX_BIN" -S "$TUI_SOCK" -f "$TEST_TMP/tmux.conf" "$@"; }

tui_stop() { tm kill-server >/dev/null 2>&1 || true; }
tui_stop_all() {
	for sock in "$TEST_TMP"/tmux.*.sock; do
		[ -S "$sock" ] && "$TMUX_BIN" -S "$sock" kill-server >/dev/null 2>&1
	done
	true
}
trap 'tui_stop_all; rm -rf "$TEST_TMP"' EXIT

# tui_start_shell COLS ROWS COMMANDS: runs COMMANDS with sh in the work
# directory, in a UTF-8 locale unless the commands set another.
tui_start_shell() {
	tui_stop
	TUI_SERVERS=$((TUI_SERVERS + 1))
	TUI_SOCK="$TEST_TMP/tmux.$TUI_SERVERS.sock"
	tm new-session -d -s t -x "$1" -y "$2" -c "$TUI_WORK" \
		"cd '$TUI_WORK' && LANG=C.UTF-8 LC_ALL=C.UTF-8 && export LANG LC_ALL && $3"
}

# tui_start COLS ROWS [VAR=value...]: gcrunner itself (its stderr to a file).
tui_start() {
	cols=$1 rows=$2
	shift 2
	tui_start_shell "$cols" "$rows" "exec env $* '$GCRUNNER' 2>'$TEST_TMP/stderr'"
}

tui_capture() { tm capture-pane -p -t t "$@" 2>/dev/null; }

tui_now() { date +%s; }

# tui_wait TEXT [SECONDS]: true once TEXT (fixed string) is on screen.
tui_wait() {
	deadline=$(( $(tui_now) + ${2:-$TUI_WAIT_DEFAULT} ))
	while [ "$(tui_now)" -le "$deadline" ]; do
		if tui_capture | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.05
	done
	echo "# timed out waiting for: $1" >&2
	echo "# screen was:" >&2
	tui_capture | sed 's/^/#   /' >&2
	return 1
}

tui_wait_gone() {
	deadline=$(( $(tui_now) + ${2:-$TUI_WAIT_DEFAULT} ))
	while [ "$(tui_now)" -le "$deadline" ]; do
		if ! tui_capture | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.05
	done
	echo "# timed out waiting for '$1' to go" >&2
	return 1
}

# tui_screen: the screen once two captures 0.1 s apart agree (the
# program has finished painting), trailing spaces removed.
tui_screen() {
	prev=$(tui_capture | sed 's/[[:space:]]*$//')
	i=0
	while [ $i -lt 100 ]; do
		sleep 0.1
		cur=$(tui_capture | sed 's/[[:space:]]*$//')
		[ "$cur" = "$prev" ] && break
		prev=$cur
		i=$((i + 1))
	done
	printf '%s\n' "$cur"
}

tui_keys() { tm send-keys -t t "$@"; }

# tui_normalize: masks what the estimator computes (amounts, durations,
# memory, which instance type wins, chart marks, the price line), so the
# expected screens test the wizard's layout and flow, not the estimator's
# current calibration; runs of spaces become one, since masked amounts
# have other widths.  The numbers themselves are checked against
# `gcrunner estimate --json` by the walk tests, the widgets' alignment by
# tests/unit/check_ui_widgets.
tui_normalize() {
	sed -E \
		-e 's/\$[0-9][0-9,]*(\.[0-9]+)?k?/$#/g' \
		-e 's/[0-9]+(\.[0-9]+)? (min|h|d)\b/#h/g' \
		-e 's/[0-9]+(\.[0-9]+)? GiB/# GiB/g' \
		-e 's/[0-9]+ (cores|ranks|nodes|node)\b/# \1/g' \
		-e 's/\b[a-z]+[0-9][a-z0-9]*\.[0-9]*x?large\b/<type>/g' \
		-e 's/all [0-9]+ options/all # options/' \
		-e 's/ \(log\)//g' \
		-e 's/[·◆●]/ /g' \
		-e 's/(Prices: )[^│]*/\1…/' \
		-e '/<type>.*\$#/ s/\b(fits|tight|no|high|medium|low|not offered)\b/~/g' \
		-e 's/(memory|confidence) (fits|tight|no|high|medium|low)\b/\1 ~/g' \
		-e '/Choice <type>:/ s/, (fits|tight fit|too big|not offered)$/, ~/' \
		-e '/(\$#|#h|<type>)/ s/ [^ ]*…$/ …/' \
		-e 's/[[:space:]]+/ /g' \
		-e 's/[[:space:]]+$//'
}

# tui_expect_screen NAME DESCRIPTION: the settled, normalized screen
# against tests/tui/expected/NAME.txt.
tui_expect_screen() {
	file="$TUI_EXPECTED/$1.txt"
	tui_screen | tui_normalize >"$TEST_TMP/screen.txt"
	if [ "${GCR_TUI_REGENERATE:-0}" = 1 ]; then
		mkdir -p "$TUI_EXPECTED"
		cp "$TEST_TMP/screen.txt" "$file"
		pass "$2 (regenerated $1.txt)"
		return 0
	fi
	if [ ! -f "$file" ]; then
		fail "$2: no expected screen $file (run with GCR_TUI_REGENERATE=1)"
		return 1
	fi
	if diff -u "$file" "$TEST_TMP/screen.txt" >"$TEST_TMP/screen.diff"; then
		pass "$2"
	else
		fail "$2: the screen differs from $1.txt"
		sed 's/^/#   /' "$TEST_TMP/screen.diff"
		return 1
	fi
}

# tui_exit_status: waits for the pane to die, prints its exit status.
tui_exit_status() {
	deadline=$(( $(tui_now) + ${1:-$TUI_WAIT_DEFAULT} ))
	while [ "$(tui_now)" -le "$deadline" ]; do
		if [ "$(tm display-message -p -t t '#{pane_dead}' 2>/dev/null)" = 1 ]; then
			tm display-message -p -t t '#{pane_dead_status}'
			return 0
		fi
		sleep 0.05
	done
	echo "still running"
}

# tui_check TEXT DESCRIPTION: TEXT appears (waiting for it).
tui_check() {
	if tui_wait "$1"; then pass "$2"; else fail "$2"; fi
}
