/* The seccomp filter of the container process (libseccomp). */
#ifndef RL_RUNTIME_SECCOMP_H
#define RL_RUNTIME_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/config.h"
#include "spec/error.h"
#include "spec/state.h"

struct rl_seccomp_filter;

/* Builds the filter from linux.seccomp and generates its BPF program
 * without loading it, so that every config error shows up before anything
 * irreversible happens. */
int rl_seccomp_build(const struct rl_seccomp *s, struct rl_seccomp_filter **out,
		     struct rl_error *err);

/* Whether the filter has SCMP_ACT_NOTIFY rules, and so needs a listener. */
bool rl_seccomp_uses_notify(const struct rl_seccomp_filter *f);

/* Connects to linux.seccomp.listenerPath (AF_UNIX stream, O_CLOEXEC);
 * returns the fd, or -1 with err set. */
int rl_seccomp_connect_listener(const char *path, struct rl_error *err);

/* Loads the filter into the calling thread: one seccomp(2) call, the last
 * but execve of the container process.  When it uses SCMP_ACT_NOTIFY,
 * sends the listener fd with the container process state to
 * linux.seccomp.listenerPath: over listener_fd when > 0 (a socket connected
 * earlier), else over a connection made before the load; both stay open,
 * close-on-exec.  state (may be NULL) gives id, pid, bundle and
 * annotations for the payload. */
int rl_seccomp_install(struct rl_seccomp_filter *f, int listener_fd, const struct rl_state *state,
		       struct rl_error *err);

void rl_seccomp_filter_free(struct rl_seccomp_filter *f);

/* What `rlite features` reports (features-linux.md "Seccomp"). */

/* Whether this libseccomp knows an SCMP_ARCH_* name, so that a filter can
 * cover it. */
bool rl_seccomp_arch_supported(const char *spec_name);

/* Whether a SECCOMP_FILTER_FLAG_* name can be set on a filter here: rlite
 * maps it to a libseccomp attribute, and libseccomp and the kernel take it. */
bool rl_seccomp_flag_supported(const char *name);

/* Pure helpers, exported for the unit tests. */

/* "SCMP_ARCH_X86_64" -> "x86_64", libseccomp's own arch name; -1 when the
 * name lacks the prefix or does not fit in len. */
int rl_seccomp_arch_token(const char *spec_name, char *buf, size_t len);

/* The libseccomp action for a spec action, with errnoRet: the errno (or
 * trace message) defaults to EPERM (config-linux.md "Seccomp"); errnoRet on
 * any other action is an error.  field names the JSON member in messages. */
int rl_seccomp_action(enum rl_seccomp_action a, const struct rl_opt_u32 *errno_ret,
		      const char *field, uint32_t *out, struct rl_error *err);

#endif
