#!/bin/sh
# cli.sh: the command line's contract: help, version, exit codes, translation.
. "$top_srcdir/tests/scripts/lib.sh"

expect_status 0 "--help" "$GCRUNNER" --help
expect_match "$out" "^Usage: gcrunner" "--help shows usage"
expect_match "$out" "paths" "--help lists the commands from the table"
expect_status 0 "-h" "$GCRUNNER" -h

expect_status 0 "--version" "$GCRUNNER" --version
expect_match "$out" "^gcrunner [0-9]+\.[0-9]+\.[0-9]+" "--version prints the version"

expect_status 2 "unknown option" "$GCRUNNER" --no-such-option
expect_match "$err" "unknown option '--no-such-option'" "unknown option is named"
expect_status 2 "unknown short option" "$GCRUNNER" -Z
expect_match "$err" "unknown option '-Z'" "unknown short option is named"
expect_status 2 "missing option value" "$GCRUNNER" --profile
expect_match "$err" "needs a value" "missing value is explained"
expect_status 2 "unknown command" "$GCRUNNER" frobnicate
expect_match "$err" "unknown command 'frobnicate'" "unknown command is named"

expect_status 0 "help paths" "$GCRUNNER" help paths
expect_match "$out" "Usage: gcrunner paths" "help for one command"
expect_status 2 "help for an unknown command" "$GCRUNNER" help nothing
expect_status 2 "paths with a bad option" "$GCRUNNER" paths --bogus
expect_match "$err" "gcrunner paths: unknown option '--bogus'" "subcommand names its own bad option"

expect_status 0 "paths --json" "$GCRUNNER" paths --json
expect_match "$out" "\"config_file\": \"$XDG_CONFIG_HOME/gcrunner/config.yaml\"" "config follows XDG_CONFIG_HOME"
expect_match "$out" "\"state_dir\": \"$XDG_STATE_HOME/gcrunner\"" "state follows XDG_STATE_HOME"
expect_match "$out" "\"cache_dir\": \"$XDG_CACHE_HOME/gcrunner\"" "cache follows XDG_CACHE_HOME"
expect_match "$out" "\"data_dir\": \"$top_srcdir/data\"" "uninstalled binary reads data from the source tree"

# -v writes a debug log in the state directory, mode 0600, never to the screen.
expect_status 0 "-v paths" "$GCRUNNER" -v paths
if [ -f "$XDG_STATE_HOME/gcrunner/gcrunner.log" ]; then
	pass "-v writes the debug log"
	mode=$(stat -c %a "$XDG_STATE_HOME/gcrunner/gcrunner.log")
	[ "$mode" = 600 ] && pass "debug log is mode 0600" || fail "debug log mode is $mode"
else
	fail "-v wrote no debug log"
fi

# A real translation, found in the build tree's locale directory.
expect_status 0 "German --help" env LANGUAGE=de "$GCRUNNER" --help
expect_match "$out" "^Aufruf: gcrunner" "LANGUAGE=de translates --help"
expect_status 2 "German usage error" env LANGUAGE=de "$GCRUNNER" --bogus
expect_match "$err" "unbekannte Option" "LANGUAGE=de translates errors"

finish
