/* The one clock rlite measures waits and deadlines with. */
#ifndef RL_RUNTIME_CLOCK_H
#define RL_RUNTIME_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC: not moved by a change of the wall clock,
 * so a deadline computed from it neither fires early nor never fires. */
static inline int64_t rl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
