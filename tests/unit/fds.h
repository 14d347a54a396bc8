/* How many fds the test process has open: for tests that check a call
 * leaves none of its own behind. */
#ifndef RL_TESTS_FDS_H
#define RL_TESTS_FDS_H

#include <fcntl.h>

static inline int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

#endif
