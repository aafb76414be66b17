#!/bin/sh
# run-bench.sh: runs every benchmark program and prints its figures.
# Benchmarks report; they never fail on a time.  Usage (from make bench):
#   run-bench.sh BUILDDIR SRCDIR PROGRAM...
builddir=$1; srcdir=$2; shift 2
export top_builddir="$builddir" top_srcdir="$srcdir"
status=0
for prog in "$@"; do
	echo "== $prog"
	case "$prog" in
	*.sh) sh "$srcdir/$prog" || status=1 ;;
	*) "$builddir/$prog" || status=1 ;;
	esac
done
exit $status
