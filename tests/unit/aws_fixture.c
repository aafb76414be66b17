/* aws_fixture.c: the local HTTP fixture server's life (see aws_fixture.h). */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws_fixture.h"
#include "paths.h"

void aws_fixture_start(struct aws_fixture *f)
{
	int in[2], out[2];
	const char *srcdir = getenv("top_srcdir");
	char *script = gcr_strdup_printf("%s/tests/unit/http_fixture.py", srcdir ? srcdir : "..");
	char line[32] = "";
	FILE *fp;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	free(script);
	close(in[0]);
	close(out[1]);
	f->stdin_fd = in[1];
	fp = fdopen(out[0], "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
	fclose(fp);
	f->port = atoi(line);
	ck_assert_int_gt(f->port, 0);
}

void aws_fixture_stop(struct aws_fixture *f)
{
	int status;

	close(f->stdin_fd);
	kill(f->pid, SIGTERM);
	waitpid(f->pid, &status, 0);
}
