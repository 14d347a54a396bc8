/* Fault injection for the test build (rlite-fault, `make FAULT=1`): the
 * crash-consistency suite (tests/integration/faults.bats) SIGKILLs the
 * runtime at each named step of create, start, run, run -d, exec, kill
 * and delete, then checks that `delete --force` leaves nothing behind.
 *
 * The switch is the environment: RLITE_FAULT=NAME kills at the first time
 * the point NAME is reached, RLITE_FAULT=NAME@N at the N-th.  What dies is
 * "the runtime": the rlite command, or for `run --detach` its monitor once
 * it exists; a point reached in the container child (its mounts, its
 * side of the sync channel) kills that runtime, waits until it is gone
 * and goes on, so the child meets the runtime's death where it would.
 * Before the signal, "NAME PID" is appended to the file RLITE_FAULT_LOG
 * (when set), so a test can tell that its point was reached and cannot
 * pass by never getting there.  A container child past its pivot_root
 * writes to the copy of the file the runtime opened (PID is then its pid
 * in the container's namespace).
 *
 * RLITE_FAULT_DELAY=NAME:MS instead makes every process that reaches
 * NAME sleep MS milliseconds there (noted in RLITE_FAULT_LOG as well):
 * it opens a race window that only a loaded machine opens by itself, or
 * holds the container child at a step of its set-up (the points
 * child.namespaces, child.mount, child.rootfs, process.ready) while a test kills the runtime from outside: a pid
 * namespace of the container's own hides the runtime from the child, so
 * the child cannot kill it as RLITE_FAULT would.
 *
 * In the normal build every point compiles to nothing: no environment is
 * read, no code is added. */
#ifndef RL_RUNTIME_FAULT_H
#define RL_RUNTIME_FAULT_H

#include <sys/types.h>

#ifdef RL_FAULT
/* Records pid as the runtime that points kill (default: the process that
 * first reaches a point).  Called where a process becomes the runtime of
 * a container (main, the monitor). */
void rl_fault_runtime(pid_t pid);
void rl_fault_point(const char *name);
void rl_fault_delay(const char *name);
#define RL_FAULT_RUNTIME(pid) rl_fault_runtime(pid)
#define RL_FAULT_POINT(name)  rl_fault_point(name)
#define RL_FAULT_DELAY(name)  rl_fault_delay(name)
#else
#define RL_FAULT_RUNTIME(pid) ((void)0)
#define RL_FAULT_POINT(name)  ((void)0)
#define RL_FAULT_DELAY(name)  ((void)0)
#endif

#endif
