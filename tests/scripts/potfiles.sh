#!/bin/sh
# potfiles.sh: po/POTFILES.in lists every source file with translatable
# strings, and nothing that does not exist.
. "$top_srcdir/tests/scripts/lib.sh"
cd "$top_srcdir" || exit 99

listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' po/POTFILES.in | sort)
for f in $listed; do
	[ -f "$f" ] && pass "$f exists" || fail "po/POTFILES.in lists missing file $f"
done
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_\("' src ui --include='*.c' | sort); do
	if printf '%s\n' "$listed" | grep -qx "$f"; then pass "$f is listed"
	else fail "$f has translatable strings but is not in po/POTFILES.in"; fi
done
finish
