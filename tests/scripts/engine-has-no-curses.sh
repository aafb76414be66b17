#!/bin/sh
# engine-has-no-curses.sh: the engine (src/) never includes curses and the UI
# never calls curl; this keeps the layering the design asks for.
. "$top_srcdir/tests/scripts/lib.sh"
cd "$top_srcdir" || exit 99

hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h|menu\.h|form\.h)' src || true)
[ -z "$hits" ] && pass "src/ includes no curses header" || fail "src/ includes curses: $hits"
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<curl/|curl_easy_|curl_multi_' ui || true)
[ -z "$hits" ] && pass "ui/ does not use libcurl" || fail "ui/ uses libcurl: $hits"
finish
