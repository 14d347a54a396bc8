/* spec/state.c: the state writer (OCI, shown and private forms), the
 * parser, status names, RFC 3339 formatting, and how an exit is told. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec/state.h"
#include "tests/unit/tap.h"

static char *s_keys[] = {"org.example.a", "b"};
static char *s_values[] = {"1", "two"};

static struct rl_state sample(void)
{
	struct rl_state st = {
	    .oci_version = "1.2.0",
	    .id = "web",
	    .status = RL_STATUS_RUNNING,
	    .pid = 4242,
	    .bundle = "/srv/bundles/web",
	    .rootfs = "/srv/bundles/web/rootfs",
	    .created = "2026-11-22T02:49:26.123456789Z",
	    .owner = "root",
	    .annotations = {.keys = s_keys, .values = s_values, .n = 2},
	    .init_start_time = 123456,
	    .has_exit_status = true,
	    .exit_status = 137,
	    .exit_signal = SIGKILL,
	    .finished = "2026-11-22T03:00:00.000000001Z",
	    .kill_signal = SIGKILL,
	    .monitor_pid = 4240,
	    .monitor_start_time = 123400,
	    .hooks_recorded = true,
	    .poststart_hooks = false,
	    .poststop_hooks = true,
	};
	return st;
}

static const char oci_text[] = "{\n"
			       "  \"ociVersion\": \"1.2.0\",\n"
			       "  \"id\": \"web\",\n"
			       "  \"pid\": 4242,\n"
			       "  \"status\": \"running\",\n"
			       "  \"bundle\": \"/srv/bundles/web\",\n"
			       "  \"rootfs\": \"/srv/bundles/web/rootfs\",\n"
			       "  \"created\": \"2026-11-22T02:49:26.123456789Z\",\n"
			       "  \"owner\": \"root\",\n"
			       "  \"annotations\": {\n"
			       "    \"org.example.a\": \"1\",\n"
			       "    \"b\": \"two\"\n"
			       "  }\n"
			       "}\n";

static void test_status_names(void)
{
	static const char *names[] = {"creating", "created", "running",
				      "paused",	  "stopped", "broken"};

	for (int i = 0; i < 6; i++) {
		is_str(rl_status_name((enum rl_status)i), names[i], "status %d is %s", i, names[i]);
		is_int(rl_status_from_name(names[i]), i, "\"%s\" is status %d", names[i], i);
	}
	ok(rl_status_from_name("Running") < 0, "status names are case-sensitive");
	ok(rl_status_from_name("") < 0, "empty status name is unknown");
	ok(rl_status_name((enum rl_status)99) == NULL, "out-of-range status has no name");
}

static void test_rfc3339(void)
{
	char buf[40];

	is_str(rl_rfc3339_nano(0, 0, buf, sizeof(buf)), "1970-01-01T00:00:00.000000000Z",
	       "the epoch");
	is_str(rl_rfc3339_nano(1795315766, 123456789, buf, sizeof(buf)),
	       "2026-11-22T02:49:26.123456789Z", "a time with nanoseconds");
	is_str(rl_rfc3339_nano(951782400, 5, buf, sizeof(buf)), "2000-02-29T00:00:00.000000005Z",
	       "leap day, nanoseconds zero-padded");
	is_str(rl_rfc3339_nano(-1, 0, buf, sizeof(buf)), "1969-12-31T23:59:59.000000000Z",
	       "a second before the epoch");
	is_str(rl_rfc3339_nano(253402300799, 0, buf, sizeof(buf)), "9999-12-31T23:59:59.000000000Z",
	       "the last second of year 9999");
	ok(rl_rfc3339_nano(253402300800, 0, buf, sizeof(buf)) == NULL, "year 10000 refused");
	ok(rl_rfc3339_nano(-62167219201, 0, buf, sizeof(buf)) == NULL, "year -1 refused");
	{
		/* every day from 1600 to 2500 (centuries, leap and not), at a
		 * time of day that moves, against the C library's gmtime_r */
		int bad = 0;
		int64_t first = -11676096000, last = 16725225600;

		for (int64_t t = first; t <= last && bad < 3; t += 86400 + 37) {
			time_t tt = (time_t)t;
			struct tm tm;
			char want[40];

			gmtime_r(&tt, &tm);
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.000000000Z",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				 tm.tm_min, tm.tm_sec);
			if (!rl_rfc3339_nano(t, 0, buf, sizeof(buf)) || strcmp(buf, want) != 0) {
				printf("# %lld: got %s, want %s\n", (long long)t, buf, want);
				bad++;
			}
		}
		is_int(bad, 0,
		       "1600-2500, a day and 37 s apart: the same date and time as gmtime_r");
	}
	ok(rl_rfc3339_nano(0, 1000000000, buf, sizeof(buf)) == NULL, "nsec out of range refused");
	ok(rl_rfc3339_nano(0, 0, buf, 20) == NULL, "short buffer refused");
}

static void test_write_oci(void)
{
	struct rl_state st = sample();
	struct rl_error err = {0};
	char *out = NULL;
	size_t len = 0;

	ok(rl_state_to_json(&st, false, &out, &len, &err) == 0, "OCI state written");
	is_str(out, oci_text, "OCI state text is exact");
	is_int(len, strlen(oci_text), "length returned");
	ok(out && !strstr(out, "rlite."), "no private key in the OCI output");
	free(out);

	st.annotations.n = 0;
	st.status = RL_STATUS_STOPPED;
	st.pid = 0;
	out = NULL;
	ok(rl_state_to_json(&st, false, &out, NULL, &err) == 0, "stopped state written");
	ok(out && !strstr(out, "annotations"), "no annotations key when there are none (as runc)");
	ok(out && strstr(out, "\"pid\": 0,") && strstr(out, "\"status\": \"stopped\""),
	   "stopped: pid 0, status stopped");
	free(out);
}

static void test_private_roundtrip(void)
{
	struct rl_state st = sample();
	struct rl_state *got = NULL;
	struct rl_error err = {0};
	char *out = NULL, *again = NULL;

	ok(rl_state_to_json(&st, true, &out, NULL, &err) == 0, "state file written");
	ok(out && strstr(out, "\"rlite.initStartTime\": 123456") &&
	       strstr(out, "\"rlite.exitStatus\": 137") &&
	       strstr(out, "\"rlite.exitSignalNumber\": 9") &&
	       strstr(out, "\"rlite.killSignal\": 9") &&
	       strstr(out, "\"rlite.monitorPid\": 4240") &&
	       strstr(out, "\"rlite.monitorStartTime\": 123400") &&
	       strstr(out, "\"rlite.hooks\": [\n    \"poststop\"\n  ]") &&
	       strstr(out, "\"rlite.finished\": \"2026-11-22T03:00:00.000000001Z\""),
	   "private keys present in the state file");
	ok(rl_state_parse(out, strlen(out), "state.json", &got, &err) == 0, "state file parsed: %s",
	   err.msg);
	if (got) {
		is_str(got->id, "web", "id");
		is_int(got->status, RL_STATUS_RUNNING, "status");
		is_int(got->pid, 4242, "pid");
		is_str(got->bundle, "/srv/bundles/web", "bundle");
		is_str(got->rootfs, "/srv/bundles/web/rootfs", "rootfs");
		is_str(got->owner, "root", "owner");
		is_int(got->annotations.n, 2, "annotations");
		ok(got->init_start_time == 123456, "initStartTime");
		ok(got->has_exit_status && got->exit_status == 137, "exitStatus");
		is_int(got->exit_signal, SIGKILL, "exitSignalNumber");
		is_int(got->kill_signal, SIGKILL, "killSignal");
		is_str(got->finished, "2026-11-22T03:00:00.000000001Z", "finished");
		is_int(got->monitor_pid, 4240, "monitorPid");
		ok(got->monitor_start_time == 123400, "monitorStartTime");
		ok(got->hooks_recorded && !got->poststart_hooks, "poststart: none recorded");
		ok(got->hooks_recorded && got->poststop_hooks, "poststop: recorded");
		ok(rl_state_to_json(got, true, &again, NULL, &err) == 0, "written again");
		is_str(again, out, "state file round-trips byte for byte");
	}
	free(again);
	free(out);
	rl_state_free(got);
}

/* "rlite.hooks" round-trips each of the four cases; a stored [] is a
 * record of none, which is not the same as no record. */
static void test_hooks_record(void)
{
	static const struct {
		bool start, stop;
		const char *text;
	} cases[] = {
	    {false, false, "\"rlite.hooks\": [\n\n  ]"},
	    {true, false, "\"rlite.hooks\": [\n    \"poststart\"\n  ]"},
	    {false, true, "\"rlite.hooks\": [\n    \"poststop\"\n  ]"},
	    {true, true, "\"rlite.hooks\": [\n    \"poststart\",\n    \"poststop\"\n  ]"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rl_state st = sample(), *got = NULL;
		struct rl_error err = {0};
		char *out = NULL;

		st.hooks_recorded = true;
		st.poststart_hooks = cases[i].start;
		st.poststop_hooks = cases[i].stop;
		if (!ok(rl_state_to_json(&st, true, &out, NULL, &err) == 0 &&
			    strstr(out, cases[i].text),
			"poststart %d, poststop %d: written as expected", cases[i].start,
			cases[i].stop))
			printf("#   %s\n", out ? out : err.msg);
		ok(out && rl_state_parse(out, strlen(out), "state.json", &got, &err) == 0 &&
		       got->hooks_recorded && got->poststart_hooks == cases[i].start &&
		       got->poststop_hooks == cases[i].stop,
		   "and read back");
		rl_state_free(got);
		free(out);
	}
}

static void test_parse_minimal(void)
{
	static const char text[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"pid\":0,"
				   "\"status\":\"created\",\"bundle\":\"/b\"}";
	struct rl_state *st = NULL;
	struct rl_error err = {0};

	ok(rl_state_parse(text, strlen(text), "state.json", &st, &err) == 0,
	   "a state without private keys is accepted");
	if (st) {
		ok(!st->has_exit_status && st->monitor_pid == 0 && st->init_start_time == 0 &&
		       !st->finished && st->exit_signal == 0 && st->kill_signal == 0 &&
		       !st->hooks_recorded,
		   "missing private keys are unset");
		is_str(st->owner, "", "missing owner is empty");
		ok(st->rootfs == NULL && st->created == NULL, "missing rootfs/created are NULL");
	}
	rl_state_free(st);
}

struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bad_states[] = {
    {"", "state.json: invalid JSON: "},
    {"[]", "state.json: must be an object"},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
     "state.json: invalid JSON: nested deeper than 16 levels"},
    {"{\"id\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"}",
     "state.json: ociVersion: is required"},
    {"{\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\"}",
     "state.json: ociVersion: is required"},
    {"{\"ociVersion\":\"1\",\"id\":7,\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\"}",
     "state.json: id: must be a string"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"zombie\",\"bundle\":\"/b\"}",
     "state.json: status: unknown status \"zombie\""},
    /* broken is what rlite concludes, never what a file says */
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"broken\",\"bundle\":\"/b\"}",
     "state.json: status: unknown status \"broken\""},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":\"1\",\"status\":\"created\",\"bundle\":\"/b\"}",
     "state.json: pid: must be an integer"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":-1,\"status\":\"created\",\"bundle\":\"/b\"}",
     "state.json: pid: -1 is out of range [0, 2147483647]"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/b\"}",
     "state.json: pid: is required"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\"}",
     "state.json: bundle: is required"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"annotations\":{\"a\":1}}",
     "state.json: annotations.a: must be a string"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.exitStatus\":\"0\"}",
     "state.json: rlite.exitStatus: must be an integer"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.initStartTime\":-5}",
     "state.json: rlite.initStartTime: -5 is out of range [0, 18446744073709551615]"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.finished\":true}",
     "state.json: rlite.finished: must be a string"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.exitSignalNumber\":65}",
     "state.json: rlite.exitSignalNumber: 65 is out of range [0, 64]"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.killSignal\":\"TERM\"}",
     "state.json: rlite.killSignal: must be an integer"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.hooks\":true}",
     "state.json: rlite.hooks: must be an array"},
    {"{\"ociVersion\":\"1\",\"id\":\"x\",\"pid\":1,\"status\":\"created\",\"bundle\":\"/b\","
     "\"rlite.hooks\":[\"poststop\",\"prestart\"]}",
     "state.json: rlite.hooks[1]: must be \"poststart\" or \"poststop\""},
};

static void test_parse_errors(void)
{
	for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
		struct rl_state *st = NULL;
		struct rl_error err = {0};
		int r = rl_state_parse(bad_states[i].text, strlen(bad_states[i].text), "state.json",
				       &st, &err);

		ok(r < 0 && st == NULL, "bad state %zu refused", i);
		ok(strncmp(err.msg, bad_states[i].msg, strlen(bad_states[i].msg)) == 0,
		   "message: %s", err.msg);
	}
}

/* The stopped detached container of the README: exit 3, then its form
 * in `state`, byte for byte, the OCI fields first and unchanged. */
static const char shown_text[] = "{\n"
				 "  \"ociVersion\": \"1.2.0\",\n"
				 "  \"id\": \"web\",\n"
				 "  \"pid\": 0,\n"
				 "  \"status\": \"stopped\",\n"
				 "  \"bundle\": \"/srv/bundles/web\",\n"
				 "  \"rootfs\": \"/srv/bundles/web/rootfs\",\n"
				 "  \"created\": \"2026-11-22T02:49:26.123456789Z\",\n"
				 "  \"owner\": \"root\",\n"
				 "  \"rlite.exitStatus\": 3,\n"
				 "  \"rlite.finished\": \"2026-11-22T03:00:00.000000001Z\",\n"
				 "  \"rlite.stoppedBy\": \"itself\"\n"
				 "}\n";

static struct rl_state stopped(int status, int sig, int kill_sig)
{
	struct rl_state st = sample();

	st.status = RL_STATUS_STOPPED;
	st.pid = 0;
	st.annotations.n = 0;
	st.exit_status = status;
	st.exit_signal = sig;
	st.kill_signal = kill_sig;
	return st;
}

static void test_show(void)
{
	struct rl_state st = stopped(3, 0, 0);
	struct rl_error err = {0};
	char *out = NULL, *oci = NULL;

	ok(rl_state_show_json(&st, &out, NULL, &err) == 0, "shown state written");
	is_str(out, shown_text, "exit 3: status, finished, stopped by itself; nothing private");
	free(out);

	st = stopped(143, SIGTERM, SIGTERM);
	out = NULL;
	ok(rl_state_show_json(&st, &out, NULL, &err) == 0, "killed state written");
	ok(out && strstr(out, "\"rlite.exitStatus\": 143,\n"
			      "  \"rlite.exitSignal\": \"SIGTERM\",\n"
			      "  \"rlite.exitSignalNumber\": 15,\n"),
	   "killed by TERM: 143, the signal by name and number");
	ok(out && strstr(out, "\"rlite.stoppedBy\": \"rlite kill\""),
	   "TERM sent by rlite kill: stopped by rlite kill");
	ok(out && !strstr(out, "killSignal") && !strstr(out, "monitor") &&
	       !strstr(out, "initStartTime"),
	   "the state file's own keys are not shown");
	free(out);

	st = stopped(137, SIGKILL, SIGTERM);
	out = NULL;
	ok(rl_state_show_json(&st, &out, NULL, &err) == 0 && out &&
	       strstr(out, "\"rlite.exitSignal\": \"SIGKILL\"") &&
	       strstr(out, "\"rlite.stoppedBy\": \"itself\""),
	   "KILL after rlite kill TERM: a signal rlite did not send, stopped by itself");
	free(out);

	st = stopped(0, 0, 0);
	st.has_exit_status = false;
	st.finished = NULL;
	st.exit_unknown = "monitor gone";
	out = NULL;
	ok(rl_state_to_json(&st, false, &oci, NULL, &err) == 0, "OCI form written");
	ok(rl_state_show_json(&st, &out, NULL, &err) == 0 && out && oci, "unknown written");
	ok(out && strstr(out, "\"owner\": \"root\",\n"
			      "  \"rlite.exitStatusUnknown\": \"monitor gone\"\n}"),
	   "no exit status: only why");
	ok(out && !strstr(out, "exitStatus\":") && !strstr(out, "finished"),
	   "  and no status or time made up");
	free(out);

	st.exit_unknown = NULL;
	out = NULL;
	ok(rl_state_show_json(&st, &out, NULL, &err) == 0, "nothing known written");
	is_str(out, oci, "nothing known (not detached, or running): exactly the OCI form");
	free(out);
	free(oci);
}

static void test_exit_cell(void)
{
	struct rl_state st = stopped(3, 0, 0);
	char buf[32], name[16];

	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "3", "cell: exit 3");
	st = stopped(0, 0, 0);
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "0", "cell: exit 0");
	st = stopped(255, 0, 0);
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "255", "cell: exit 255");
	st = stopped(143, SIGTERM, 0);
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "143/SIGTERM", "cell: TERM");
	st = stopped(137, SIGKILL, SIGKILL);
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "137/SIGKILL", "cell: KILL");
	st.has_exit_status = false;
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "-", "cell: nothing recorded");
	st.exit_unknown = "monitor gone";
	is_str(rl_state_exit_cell(&st, buf, sizeof(buf)), "unknown", "cell: monitor gone");

	is_str(rl_signal_name(SIGTERM, name, sizeof(name)), "SIGTERM", "name of 15");
	is_str(rl_signal_name(SIGKILL, name, sizeof(name)), "SIGKILL", "name of 9");
	is_str(rl_signal_name(SIGRTMIN, name, sizeof(name)), "SIGRTMIN", "name of SIGRTMIN");
	is_str(rl_signal_name(SIGRTMIN + 3, name, sizeof(name)), "SIGRTMIN+3",
	       "real-time signals as kill takes them");
	is_str(rl_signal_name(99, name, sizeof(name)), "SIG99", "a number without a name");
}

static void test_stopped_by(void)
{
	struct rl_state st = stopped(143, SIGTERM, SIGTERM);

	is_str(rl_state_stopped_by(&st), "rlite kill", "died of the signal rlite kill sent");
	st = stopped(3, 0, SIGTERM);
	is_str(rl_state_stopped_by(&st), "itself", "trapped rlite kill's TERM and exited 3");
	st = stopped(143, SIGTERM, 0);
	is_str(rl_state_stopped_by(&st), "itself", "a TERM rlite did not send");
	st = stopped(143, 0, SIGTERM);
	is_str(rl_state_stopped_by(&st), "itself", "exit(143) is no signal");
}

int main(void)
{
	test_status_names();
	test_rfc3339();
	test_write_oci();
	test_private_roundtrip();
	test_hooks_record();
	test_parse_minimal();
	test_parse_errors();
	test_show();
	test_exit_cell();
	test_stopped_by();
	return done_testing();
}
