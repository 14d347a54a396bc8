/* --systemd-cgroup over D-Bus; see systemd.h. */
#include "runtime/systemd.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "runtime/clock.h"
#include "runtime/cgroup.h"
#include "runtime/fds.h"

#define OPT	    "--systemd-cgroup: "
#define SD_DEST	    "org.freedesktop.systemd1"
#define SD_PATH	    "/org/freedesktop/systemd1"
#define SD_MANAGER  "org.freedesktop.systemd1.Manager"
#define PRIVATE	    "/run/systemd/private"
#define JOB_WAIT_MS 30000

/* The part of libsystemd we use, looked up once. */
static struct {
	void *lib;
	__typeof__(sd_bus_new) *bus_new;
	__typeof__(sd_bus_set_address) *set_address;
	__typeof__(sd_bus_start) *start;
	__typeof__(sd_bus_open_system) *open_system;
	__typeof__(sd_bus_flush_close_unref) *close_unref;
	__typeof__(sd_bus_message_new_method_call) *new_call;
	__typeof__(sd_bus_message_append) *append;
	__typeof__(sd_bus_message_open_container) *open;
	__typeof__(sd_bus_message_close_container) *close;
	__typeof__(sd_bus_message_unref) *msg_unref;
	__typeof__(sd_bus_call) *call;
	__typeof__(sd_bus_call_method) *call_method;
	__typeof__(sd_bus_message_read) *read;
	__typeof__(sd_bus_match_signal) *match_signal;
	__typeof__(sd_bus_slot_unref) *slot_unref;
	__typeof__(sd_bus_process) *process;
	__typeof__(sd_bus_wait) *wait;
	__typeof__(sd_bus_error_free) *error_free;
	__typeof__(sd_bus_error_has_name) *error_has_name;
} sd;

static int load(struct rl_error *err)
{
	struct {
		const char *name;
		void **fn;
	} syms[] = {
#define SYM(f, n) {"sd_bus_" #n, (void **)&sd.f}
	    SYM(bus_new, new),
	    SYM(set_address, set_address),
	    SYM(start, start),
	    SYM(open_system, open_system),
	    SYM(close_unref, flush_close_unref),
	    SYM(new_call, message_new_method_call),
	    SYM(append, message_append),
	    SYM(open, message_open_container),
	    SYM(close, message_close_container),
	    SYM(msg_unref, message_unref),
	    SYM(call, call),
	    SYM(call_method, call_method),
	    SYM(read, message_read),
	    SYM(match_signal, match_signal),
	    SYM(slot_unref, slot_unref),
	    SYM(process, process),
	    SYM(wait, wait),
	    SYM(error_free, error_free),
	    SYM(error_has_name, error_has_name),
#undef SYM
	};

	if (sd.lib)
		return 0;
	sd.lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!sd.lib)
		return rl_error_set(err, 0, OPT "cannot load libsystemd.so.0: %s", dlerror());
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].fn = dlsym(sd.lib, syms[i].name);
		if (!*syms[i].fn) {
			dlclose(sd.lib);
			sd.lib = NULL;
			return rl_error_set(err, 0, OPT "libsystemd.so.0 has no %s", syms[i].name);
		}
	}
	return 0;
}

/* systemd's own socket first: it needs no bus daemon and is what
 * systemctl uses as root; the system bus otherwise.  *direct: no bus
 * daemon in between (signals come without a sender). */
static int connect_bus(sd_bus **bus, bool *direct, struct rl_error *err)
{
	int r;

	*bus = NULL;
	*direct = geteuid() == 0 && access(PRIVATE, F_OK) == 0;
	if (*direct) {
		r = sd.bus_new(bus);
		if (r >= 0)
			r = sd.set_address(*bus, "unix:path=" PRIVATE);
		if (r >= 0)
			r = sd.start(*bus);
		if (r >= 0)
			return 0;
		*bus = sd.close_unref(*bus);
		return rl_error_set(err, -r, OPT "connect to systemd (" PRIVATE ")");
	}
	r = sd.open_system(bus);
	if (r < 0)
		return rl_error_set(err, -r,
				    OPT "no systemd to connect to (no " PRIVATE
					", no system bus): is systemd this host's init?");
	return 0;
}

/* ---- properties ---------------------------------------------------------- */

#define PROP(m, name, sig, ...) ((r = sd.append(m, "(sv)", name, sig, __VA_ARGS__)) < 0)

/* The limits systemd has a property for, so that systemd sets them too and
 * does not put its defaults back (daemon-reload, a property set on the
 * unit); rlite writes every limit into the cgroup's files as well. */
static int append_limits(sd_bus_message *m, const struct rl_resources *res, bool v2)
{
	const struct rl_memory *mem = res && res->has_memory ? &res->memory : NULL;
	const struct rl_cpu *cpu = res && res->has_cpu ? &res->cpu : NULL;
	int r = 0;

	if (!res)
		return 0;
	/* -1, "unlimited", is systemd's infinity (UINT64_MAX): an update
	 * back to no limit reaches the unit too */
	if (mem && mem->limit.set && (mem->limit.v > 0 || mem->limit.v == -1) &&
	    PROP(m, v2 ? "MemoryMax" : "MemoryLimit", "t", (uint64_t)mem->limit.v))
		return r;
	if (mem && v2 && mem->reservation.set && mem->reservation.v > 0 &&
	    PROP(m, "MemoryLow", "t", (uint64_t)mem->reservation.v))
		return r;
	if (res->pids_limit.set && res->pids_limit.v >= -1 &&
	    PROP(m, "TasksMax", "t", (uint64_t)res->pids_limit.v))
		return r;
	if (cpu && cpu->shares.set && cpu->shares.v) {
		/* systemd takes CPUShares in the kernel's range, [2, 262144] */
		uint64_t sh = cpu->shares.v < 2	       ? 2
			      : cpu->shares.v > 262144 ? 262144
						       : cpu->shares.v;

		if (v2 ? PROP(m, "CPUWeight", "t", rl_cg_shares_to_weight(sh))
		       : PROP(m, "CPUShares", "t", sh))
			return r;
	}
	if (cpu && cpu->quota.set && cpu->quota.v == -1 &&
	    PROP(m, "CPUQuotaPerSecUSec", "t", UINT64_MAX))
		return r;
	if (cpu && cpu->quota.set && cpu->quota.v > 0) {
		uint64_t period = cpu->period.set && cpu->period.v ? cpu->period.v : 100000;
		/* systemd's unit: µs of CPU per second of wall clock, rounded up
		 * to 10 ms as systemd does (runc: the same) */
		uint64_t per_sec = (uint64_t)cpu->quota.v * 1000000 / period;

		per_sec = (per_sec + 9999) / 10000 * 10000;
		if (PROP(m, "CPUQuotaPerSecUSec", "t", per_sec) ||
		    (cpu->period.set && cpu->period.v &&
		     PROP(m, "CPUQuotaPeriodUSec", "t", period)))
			return r;
	}
	return 0;
}

/* ---- start, stop --------------------------------------------------------- */

struct job_wait {
	const char *unit;
	bool done;
	char result[32];
};

/* JobRemoved (u id, o job, s unit, s result): ours is the only job for a
 * unit that did not exist before. */
static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *e)
{
	struct job_wait *w = data;
	const char *job = NULL, *unit = NULL, *result = NULL;
	uint32_t id = 0;

	(void)e;
	if (sd.read(m, "uoss", &id, &job, &unit, &result) < 0 || !unit || strcmp(unit, w->unit))
		return 0;
	w->done = true;
	snprintf(w->result, sizeof(w->result), "%s", result ? result : "?");
	return 0;
}

/* The D-Bus error's own words where there are some. */
static int bus_error(struct rl_error *err, int r, const sd_bus_error *e, const char *what,
		     const char *unit)
{
	if (e && e->message)
		return rl_error_set(err, 0, OPT "%s %s: %s", what, unit, e->message);
	return rl_error_set(err, r < 0 ? -r : 0, OPT "%s %s", what, unit);
}

static int call_start(sd_bus *bus, const struct rl_systemd_unit *u, struct rl_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	char desc[256];
	int r;

	snprintf(desc, sizeof(desc), "rlite container %s", u->id);
	r = sd.new_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
	if (r < 0 || (r = sd.append(m, "ss", u->unit, "fail")) < 0 ||
	    (r = sd.open(m, 'a', "(sv)")) < 0 || PROP(m, "Description", "s", desc) ||
	    PROP(m, "DefaultDependencies", "b", 0) ||
	    /* gone once stopped, also when it failed */
	    PROP(m, "CollectMode", "s", "inactive-or-failed") ||
	    /* a scope; a slice can neither be delegated nor hold processes
	     * of its own in systemd's view, and its name says its parent */
	    (u->pid && (PROP(m, "Slice", "s", u->slice) || PROP(m, "Delegate", "b", 1) ||
			PROP(m, "PIDs", "au", 1, (uint32_t)u->pid))) ||
	    (r = append_limits(m, u->res, u->v2)) < 0 || (r = sd.close(m)) < 0 ||
	    (r = sd.append(m, "a(sa(sv))", 0)) < 0)
		goto out;
	r = sd.call(bus, m, 0, &e, &reply);
out:
	if (r < 0)
		bus_error(err, r, &e, "cannot start", u->unit);
	sd.msg_unref(reply);
	sd.msg_unref(m);
	sd.error_free(&e);
	return r < 0 ? -1 : 0;
}

int rl_systemd_start(const struct rl_systemd_unit *u, bool *made, struct rl_error *err)
{
	struct job_wait w = {.unit = u->unit};
	sd_bus_slot *slot = NULL;
	sd_bus *bus = NULL;
	bool direct;
	int64_t deadline;
	int r;

	*made = false;
	if (load(err) < 0 || connect_bus(&bus, &direct, err) < 0)
		return -1;
	/* Before the call: the job may end before its reply is read. */
	r = sd.match_signal(bus, &slot, direct ? NULL : SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
			    on_job_removed, &w);
	if (r < 0) {
		rl_error_set(err, -r, OPT "watch systemd's jobs");
		goto out;
	}
	/* the bus sends a manager's signals only to subscribers */
	if (!direct)
		sd.call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
	r = call_start(bus, u, err);
	*made = r == 0;
	deadline = rl_now_ms() + JOB_WAIT_MS;
	while (r == 0 && !w.done) {
		int64_t left = deadline - rl_now_ms();

		r = sd.process(bus, NULL);
		if (r > 0) {
			r = 0;
			continue;
		}
		if (r == 0 && left <= 0)
			r = -ETIMEDOUT;
		else if (r == 0)
			r = sd.wait(bus, (uint64_t)left * 1000);
		if (r > 0)
			r = 0;
		if (r < 0)
			rl_error_set(err, -r, OPT "waiting for systemd to start %s", u->unit);
	}
	if (r == 0 && strcmp(w.result, "done") != 0)
		r = rl_error_set(err, 0,
				 OPT "systemd could not start %s: the job's result is \"%s\"",
				 u->unit, w.result);
out:
	sd.slot_unref(slot);
	sd.close_unref(bus);
	return r < 0 ? -1 : 0;
}

int rl_systemd_update(const char *unit, const struct rl_resources *res, bool v2,
		      struct rl_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus *bus = NULL;
	bool direct;
	int r;

	if (load(err) < 0 || connect_bus(&bus, &direct, err) < 0)
		return -1;
	r = sd.new_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
	if (r >= 0 && (r = sd.append(m, "sb", unit, 1)) >= 0 &&
	    (r = sd.open(m, 'a', "(sv)")) >= 0 && (r = append_limits(m, res, v2)) >= 0 &&
	    (r = sd.close(m)) >= 0)
		r = sd.call(bus, m, 0, &e, &reply);
	if (r < 0)
		bus_error(err, r, &e, "cannot update", unit);
	sd.msg_unref(reply);
	sd.msg_unref(m);
	sd.error_free(&e);
	sd.close_unref(bus);
	return r < 0 ? -1 : 0;
}

int rl_systemd_stop(const char *unit, struct rl_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus *bus = NULL;
	bool direct;
	int r;

	if (load(err) < 0 || connect_bus(&bus, &direct, err) < 0)
		return -1;
	r = sd.call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, NULL, "ss", unit,
			   "replace");
	if (r < 0 && (sd.error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit") ||
		      sd.error_has_name(&e, "org.freedesktop.systemd1.LoadFailed")))
		r = 0;
	if (r < 0)
		bus_error(err, r, &e, "cannot stop", unit);
	sd.error_free(&e);
	sd.close_unref(bus);
	return r < 0 ? -1 : 0;
}

/* ---- the record ---------------------------------------------------------- */

int rl_systemd_record_save(int dirfd, const char *unit, struct rl_error *err)
{
	int fd = openat(dirfd, RL_SYSTEMD_RECORD_TMP,
			O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || rl_write_all(fd, unit, strlen(unit)) < 0 || close(fd) < 0 ||
	    renameat(dirfd, RL_SYSTEMD_RECORD_TMP, dirfd, RL_SYSTEMD_RECORD) < 0) {
		rl_error_set(err, errno, "write \"" RL_SYSTEMD_RECORD "\"");
		unlinkat(dirfd, RL_SYSTEMD_RECORD_TMP, 0);
		return -1;
	}
	return 0;
}

int rl_systemd_record_load(int dirfd, char *unit, size_t unitsz, struct rl_error *err)
{
	int fd = openat(dirfd, RL_SYSTEMD_RECORD, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	size_t len;

	unit[0] = '\0';
	if (fd < 0)
		return errno == ENOENT ? 0
				       : rl_error_set(err, errno, "read \"" RL_SYSTEMD_RECORD "\"");
	do
		n = read(fd, unit, unitsz - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return rl_error_set(err, errno, "read \"" RL_SYSTEMD_RECORD "\"");
	unit[n] = '\0';
	/* a scope or slice name as rlite makes them, nothing else: delete
	 * must not stop some other unit of the host's */
	len = (size_t)n;
	if (len <= 6 || len == unitsz - 1 ||
	    strspn(unit, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\@") !=
		len ||
	    (strcmp(unit + len - 6, ".scope") != 0 && strcmp(unit + len - 6, ".slice") != 0))
		return rl_error_set(err, EINVAL, "\"" RL_SYSTEMD_RECORD "\": corrupt");
	return 0;
}
