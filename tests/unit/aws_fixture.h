/* aws_fixture.h: starts and stops tests/unit/http_fixture.py for the HTTP
 * and AWS client tests (the server prints its port, and exits when its
 * stdin closes). */
#ifndef GCR_TEST_AWS_FIXTURE_H
#define GCR_TEST_AWS_FIXTURE_H

#include <sys/types.h>

struct aws_fixture {
	pid_t pid;
	int stdin_fd;
	int port;
};

/* Starts the server; fails the running Check test when it cannot. */
void aws_fixture_start(struct aws_fixture *f);
void aws_fixture_stop(struct aws_fixture *f);

#endif
