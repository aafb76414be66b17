#!/bin/sh
# bench_tui.sh: the wizard's and the dashboard's speed and size in a real
# terminal (tmux, 120x40).
#   - start to first complete frame (from the process's first instruction
#     to the first doupdate() returning);
#   - key press to finished redraw, median and 99th percentile: from the
#     wake-up that reads the key to doupdate() returning, including the
#     re-estimate every choice triggers (Classic: every instance type;
#     GCHP: every instance type at 1..32 nodes for the chart as well);
#   - peak resident memory.
# gcrunner writes the timings itself when GCR_TUI_BENCH names a file.
# Figures only: nothing here fails on a time.  Usage (make bench):
#   top_builddir=... top_srcdir=... sh bench_tui.sh
: "${top_builddir:?}" "${top_srcdir:?}"
GCRUNNER=${GCRUNNER:-$top_builddir/gcrunner}
TMUX_BIN=${TMUX_BIN:-tmux}
KEYS=${BENCH_TUI_KEYS:-200}
if ! command -v "$TMUX_BIN" >/dev/null 2>&1; then
	echo "bench_tui: tmux is not installed; skipped"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gcrunner-bench.XXXXXX")
trap 'for s in "$tmp"/*.sock; do [ -S "$s" ] && "$TMUX_BIN" -S "$s" kill-server 2>/dev/null; done; rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" XDG_STATE_HOME="$tmp/home/.local/state"
mkdir -p "$HOME"
unset AWS_ACCESS_KEY_ID AWS_PROFILE NO_COLOR GCR_TUI_PRICES_COMMAND
printf 'set -g status off\nset -g remain-on-exit on\nset -g escape-time 0\n' >"$tmp/tmux.conf"

screen_has() { "$TMUX_BIN" -S "$sock" capture-pane -p -t b | grep -qF -- "$1"; }
wait_for() {
	i=0
	while ! screen_has "$1"; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "bench_tui: timed out waiting for '$1'"; return 1; }
		sleep 0.05
	done
}
keys() { "$TMUX_BIN" -S "$sock" send-keys -t b "$@"; }

# run NAME MODEL_KEYS GRID_KEYS: one wizard session; alternates two choices
# KEYS times on the grid step, one key press per wake-up.
run() {
	name=$1
	sock="$tmp/$name.sock"
	"$TMUX_BIN" -S "$sock" -f "$tmp/tmux.conf" new-session -d -s b -x 120 -y 40 \
		"env LANG=C.UTF-8 GCR_TUI_BENCH='$tmp/$name.txt' '$GCRUNNER'" || return 1
	wait_for "Start planning" || return 1
	keys Enter
	wait_for "Which GEOS-Chem?" || return 1
	keys $2 Enter
	wait_for "Step 3 of 11" || return 1
	keys Enter Enter
	wait_for "Step 4 of 11" || return 1
	keys Enter
	wait_for "Step 5 of 11" || return 1
	n=0
	while [ $n -lt "$KEYS" ]; do
		if [ $((n % 2)) = 0 ]; then keys Down; else keys Up; fi
		n=$((n + 1))
		sleep 0.01
	done
	sleep 0.5
	keys q
	sleep 0.2
	screen_has "Quit anyway?" && keys y
	i=0
	while [ ! -s "$tmp/$name.txt" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$TMUX_BIN" -S "$sock" kill-server 2>/dev/null
}

report() {
	awk -v name="$2" '
		/^first_frame_ms/ { first = $2 }
		/^max_rss_kib/ { rss = $2 }
		/^redraw_ms/ { v[n++] = $2 }
		END {
			if (n == 0) { print "bench_tui: " name ": no samples"; exit 1 }
			# insertion sort: a few hundred samples
			for (i = 1; i < n; i++) { x = v[i]; j = i - 1; while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j-- } v[j + 1] = x }
			med = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
			p99 = v[int(0.99 * (n - 1) + 0.5)]
			printf "tui %-8s key press to redraw (with re-estimate): median %.2f ms, p99 %.2f ms, max %.2f ms over %d keys\n", name, med, p99, v[n - 1], n
			printf "tui %-8s start to first complete frame: %.1f ms\n", name, first
			printf "tui %-8s peak resident memory: %.1f MiB\n", name, rss / 1024
		}' "$1"
}

# run_dash NAME KEY_A KEY_B: the dashboard over 10,000 runs (a journal,
# no AWS); KEY_A and KEY_B alternate KEYS times (Down/Up moves the
# cursor; s re-sorts and f re-filters all 10,000 rows on every press).
run_dash() {
	name=$1
	sock="$tmp/$name.sock"
	"$TMUX_BIN" -S "$sock" -f "$tmp/tmux.conf" new-session -d -s b -x 120 -y 40 \
		"env LANG=C.UTF-8 AWS_EC2_METADATA_DISABLED=true GCRUNNER_NO_SETUP_OFFER=1 GCR_TUI_BENCH='$tmp/$name.txt' '$GCRUNNER'" || return 1
	wait_for "gcrunner: 10000 runs" || return 1
	n=0
	while [ $n -lt "$KEYS" ]; do
		if [ $((n % 2)) = 0 ]; then keys "$2"; else keys "$3"; fi
		n=$((n + 1))
		sleep 0.01
	done
	sleep 0.5
	keys q
	i=0
	while [ ! -s "$tmp/$name.txt" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$TMUX_BIN" -S "$sock" kill-server 2>/dev/null
}

status=0
run classic "" && report "$tmp/classic.txt" classic || status=1
run gchp Down && report "$tmp/gchp.txt" gchp || status=1
echo "(targets: median under 5 ms at 120x40, first frame under 50 ms, under 16 MiB)"
mkdir -p "$XDG_STATE_HOME/gcrunner"
python3 "$top_srcdir/tests/tui/dash-journal.py" "$XDG_STATE_HOME/gcrunner/journal.jsonl" 10000
unset AWS_REGION AWS_DEFAULT_REGION
run_dash dash-move Down Up && report "$tmp/dash-move.txt" dash-move || status=1
run_dash dash-sort s f && report "$tmp/dash-sort.txt" dash-sort || status=1
echo "(dashboard: 10,000 runs; dash-move moves the cursor, dash-sort re-sorts or re-filters every row per key)"
exit $status
