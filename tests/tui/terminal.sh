#!/bin/sh
# terminal.sh: the wizard and its terminal -- a terminal too small, resizing
# in the middle of a step, NO_COLOR, the ASCII fallback without UTF-8, and
# the terminal given back intact on every way out (q, Ctrl-C, SIGTERM, a
# crash).
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

# Runs gcrunner under a shell that records the terminal settings before and
# after, and the exit status; gcrunner's pid goes to gcr.pid.
wrapped() {
	printf '%s' "stty -g >'$TEST_TMP/stty.before'; \
sh -c 'echo \$\$ >\"$TEST_TMP/gcr.pid\"; exec env $1 \"$GCRUNNER\"' 2>'$TEST_TMP/stderr'; \
echo \"gcrunner-exit=\$?\"; stty -g >'$TEST_TMP/stty.after'; \
cmp -s '$TEST_TMP/stty.before' '$TEST_TMP/stty.after' && echo TERMINAL-RESTORED; exec sleep 600"
}

# 1. Too small, then large enough.
tui_start_shell 40 12 "$(wrapped '')"
tui_check "Terminal too small" "40x12 shows the too-small screen"
tui_expect_screen terminal-40x12 "too-small screen at 40x12"
tm resize-window -t t -x 80 -y 24
tui_check "Start planning" "growing the terminal brings the wizard back"
tui_keys q
tui_check "gcrunner-exit=0" "q on the welcome quits at once (nothing chosen)"
tui_check "TERMINAL-RESTORED" "the terminal settings are as before after q"

# 2. Resize in the middle of a step: the layout follows, choices stay.
tui_start_shell 80 24 "$(wrapped '')"
tui_wait "Start planning"
tui_keys Enter Enter Enter Enter Enter Down
tui_check "(•) 2x2.5" "grid step, 2x2.5 picked"
tm resize-window -t t -x 120 -y 40
tui_check "Pareto front" "at 120x40 the panel and chart go beside the step"
tui_expect_screen terminal-resized-120x40 "the grid step after growing to 120x40"
tm resize-window -t t -x 100 -y 30
tui_check "On-demand" "at 100x30 the table goes below the step"
tui_expect_screen terminal-resized-100x30 "the grid step at 100x30"
tm resize-window -t t -x 64 -y 18
tui_check "Choice " "at 64x18 a summary remains"
tui_expect_screen terminal-resized-64x18 "the grid step at 64x18"
tm resize-window -t t -x 40 -y 12
tui_check "twice to quit" "too small with unsaved choices: q twice"
tui_keys q
tui_check "again to quit anyway" "the first q only warns"
tm resize-window -t t -x 80 -y 24
tui_check "(•) 2x2.5" "back at 80x24 the choice is kept"
# Ctrl-C: out at once, status 130, terminal restored.
tui_keys C-c
tui_check "gcrunner-exit=130" "Ctrl-C ends with status 130"
tui_check "TERMINAL-RESTORED" "the terminal settings are restored after Ctrl-C"

# 3. NO_COLOR: attributes (bold, reverse) but not one colour.
tui_start_shell 80 24 "$(wrapped 'NO_COLOR=1')"
tui_wait "Start planning"
tui_keys Enter Enter
tui_wait "Step 3 of 11"
tui_screen >/dev/null
tm capture-pane -e -p -t t >"$TEST_TMP/nocolor.txt"
# SGR parameters 30-37/40-47/90-97/100-107 and 38;/48; set colours; 39 and
# 49 only reset to the default.
if grep -qE "$(printf '\033')\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)" "$TEST_TMP/nocolor.txt"; then
	fail "NO_COLOR: colour escapes in the screen: $(grep -oE "$(printf '\033')\[[0-9;]*m" "$TEST_TMP/nocolor.txt" | sort -u | tr '\n' ' ')"
else
	pass "NO_COLOR: no colour escapes"
fi
grep -qE "$(printf '\033')\[([0-9;]*;)?7(;|m)" "$TEST_TMP/nocolor.txt" && pass "NO_COLOR: reverse video marks the cursor" || fail "NO_COLOR: no reverse video"
# The same screen with colours has them (so the check above can fail).
kill -TERM "$(cat "$TEST_TMP/gcr.pid")"
tui_check "gcrunner-exit=143" "SIGTERM ends with status 143"
tui_check "TERMINAL-RESTORED" "the terminal settings are restored after SIGTERM"
tui_start_shell 80 24 "$(wrapped '')"
tui_wait "Start planning"
tui_keys Enter Enter
tui_wait "Step 3 of 11"
tui_screen >/dev/null
tm capture-pane -e -p -t t >"$TEST_TMP/color.txt"
grep -qE "$(printf '\033')\[([0-9;]*;)?(3[0-7]|4[0-7])(;|m)" "$TEST_TMP/color.txt" && pass "without NO_COLOR the screen has colours" || fail "without NO_COLOR no colours"
# A crash (SIGSEGV) still gives the terminal back before dying of it.
kill -SEGV "$(cat "$TEST_TMP/gcr.pid")"
# 139 is death by SIGSEGV; a sanitizer build reports it and exits with 1,
# or aborts (134) when ASAN_OPTIONS has abort_on_error=1 as ./bootstrap test sets.
if tui_wait "gcrunner-exit=" && tui_capture | grep -qE "gcrunner-exit=(139|134|1)$"; then
	pass "SIGSEGV ends it ($(tui_capture | grep -o 'gcrunner-exit=[0-9]*'))"
else
	fail "SIGSEGV: $(tui_capture | grep -o 'gcrunner-exit=[0-9]*')"
fi
tui_check "TERMINAL-RESTORED" "the terminal settings are restored after a crash"

# 4. Ctrl-Z and fg from a job-control shell: the wizard comes back and the
# arrow keys still work (keypad mode is switched on again).
tui_start_shell 80 24 "PS1='shell\$ ' exec bash --norc --noprofile -i"
tui_wait 'shell$'
tui_keys -l "'$GCRUNNER' 2>'$TEST_TMP/stderr'"
tui_keys Enter
tui_wait "Start planning"
tui_keys Enter Enter
tui_wait "Step 3 of 11"
tui_keys C-z
tui_check "Stopped" "Ctrl-Z suspends the wizard"
tui_keys -l "fg"
tui_keys Enter
tui_check "Step 3 of 11" "fg brings it back"
tui_keys Down
tui_check "(•) Aerosols only" "arrow keys work after fg"
tui_keys q y

# 5. Not UTF-8: ASCII marks and lines.
tui_start_shell 80 24 "LANG=C LC_ALL=C; export LANG LC_ALL; $(wrapped '')"
tui_wait "Start planning"
tui_keys Enter Enter Enter Enter
tui_check "(*) MERRA-2" "ASCII radio marks without UTF-8"
tui_expect_screen terminal-ascii "the met step in ASCII"
if tui_capture | grep -q '[^ -~]'; then
	fail "non-ASCII characters on an ASCII terminal: $(tui_capture | grep '[^ -~]' | head -2)"
else
	pass "only ASCII on the screen"
fi
tui_keys q y
tui_check "gcrunner-exit=0" "quitting from the ASCII screen"
finish
