/* spec/state.c: the state writer (OCI and private forms), the parser,
 * status names and RFC 3339 formatting. */
#include <stdlib.h>
#include <string.h>

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
	    .finished = "2026-11-22T03:00:00.000000001Z",
	    .monitor_pid = 4240,
	    .monitor_start_time = 123400,
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
	static const char *names[] = {"creating", "created", "running", "paused", "stopped"};

	for (int i = 0; i < 5; i++) {
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
	       strstr(out, "\"rlite.monitorPid\": 4240") &&
	       strstr(out, "\"rlite.monitorStartTime\": 123400") &&
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
		is_str(got->finished, "2026-11-22T03:00:00.000000001Z", "finished");
		is_int(got->monitor_pid, 4240, "monitorPid");
		ok(got->monitor_start_time == 123400, "monitorStartTime");
		ok(rl_state_to_json(got, true, &again, NULL, &err) == 0, "written again");
		is_str(again, out, "state file round-trips byte for byte");
	}
	free(again);
	free(out);
	rl_state_free(got);
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
		       !st->finished,
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

int main(void)
{
	test_status_names();
	test_rfc3339();
	test_write_oci();
	test_private_roundtrip();
	test_parse_minimal();
	test_parse_errors();
	return done_testing();
}
