/* shell.h: the one place that turns values into POSIX shell words.
 *
 * Commands that run on a cluster pass through a remote shell (ssh hands the
 * command line to the login shell; SSM's AWS-RunShellScript and `runuser -c`
 * do too).  Every value that reaches such a shell -- program names,
 * arguments, paths, job names -- goes through gcr_shell_quote(), so it
 * arrives as exactly one word, byte for byte, and nothing in it is expanded
 * or executed.  The quoting is POSIX sh's: the remote login shell must be
 * sh-compatible (bash, dash, zsh, ksh); csh/tcsh are not supported. */
#ifndef GCR_SHELL_H
#define GCR_SHELL_H

#include <stddef.h>

/* Returns a newly allocated shell word that stands for s: s itself when it
 * holds only characters no shell treats specially (letters, digits and
 * _ . / : @ % + , -), otherwise s in single quotes with each ' written as
 * '\''.  The empty string becomes ''.  Caller frees. */
char *gcr_shell_quote(const char *s);

/* Quotes each element of the NULL-terminated argv and joins them with single
 * spaces: a command line that a POSIX shell splits back into exactly argv.
 * Caller frees. */
char *gcr_shell_join(const char *const *argv);

#endif
