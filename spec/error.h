/* The error object shared by every layer.
 *
 * A fallible function returns int (0 ok, negative failure) and fills a
 * struct rl_error with an errno (0 when none applies) and a message naming the
 * object and the operation.  Callers add context on the way up with
 * rl_error_prefix(); only cmd/main.c prints it and chooses an exit status. */
#ifndef RL_SPEC_ERROR_H
#define RL_SPEC_ERROR_H

#include <stddef.h>

#define RL_ERROR_MSG_MAX 1024

struct rl_error {
	int errnum;		    /* errno of the failure, 0 for a logical error */
	char msg[RL_ERROR_MSG_MAX]; /* without the strerror() part */
};

/* Sets err (when non-NULL) and returns -1.  errnum 0: no strerror suffix. */
int rl_error_set(struct rl_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message already in err; returns -1. */
int rl_error_prefix(struct rl_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The full text: msg, plus ": strerror(errnum)" when errnum != 0. */
const char *rl_error_text(const struct rl_error *err, char *buf, size_t len);

#endif
