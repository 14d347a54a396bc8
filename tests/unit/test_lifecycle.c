/* runtime/lifecycle.c's pure helpers: signal names and numbers as
 * `rlite kill` takes them (runc's table). */
#include <signal.h>
#include <stdio.h>

#include "runtime/container.h"
#include "tests/unit/tap.h"

static int parsed(const char *s)
{
	struct rl_error err = {0};
	int sig = -1;

	return rl_signal_parse(s, &sig, &err) < 0 ? -1 : sig;
}

static void test_names(void)
{
	static const struct {
		const char *in;
		int sig;
	} good[] = {
	    {"TERM", SIGTERM}, {"SIGTERM", SIGTERM}, {"sigterm", SIGTERM}, {"term", SIGTERM},
	    {"KILL", SIGKILL}, {"SIGKILL", SIGKILL}, {"HUP", SIGHUP},	   {"INT", SIGINT},
	    {"USR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"WINCH", SIGWINCH},  {"CHLD", SIGCHLD},
	    {"CLD", SIGCHLD},  {"IOT", SIGABRT},     {"POLL", SIGIO},	   {"SIGSYS", SIGSYS},
	    {"STOP", SIGSTOP}, {"CONT", SIGCONT},    {"15", SIGTERM},	   {"9", SIGKILL},
	    {"1", 1},	       {"64", 64},
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		is_int(parsed(good[i].in), good[i].sig, "\"%s\" is %d", good[i].in, good[i].sig);
}

static void test_realtime(void)
{
	is_int(parsed("RTMIN"), SIGRTMIN, "RTMIN");
	is_int(parsed("SIGRTMIN"), SIGRTMIN, "SIGRTMIN");
	is_int(parsed("RTMIN+3"), SIGRTMIN + 3, "RTMIN+3");
	is_int(parsed("SIGRTMIN+3"), SIGRTMIN + 3, "SIGRTMIN+3");
	is_int(parsed("RTMAX"), SIGRTMAX, "RTMAX");
	is_int(parsed("SIGRTMAX-1"), SIGRTMAX - 1, "SIGRTMAX-1");
	is_int(parsed("RTMIN+30"), SIGRTMAX, "RTMIN+30 is RTMAX");
	is_int(parsed("RTMIN+31"), -1, "RTMIN+31 refused");
	is_int(parsed("RTMIN-1"), -1, "RTMIN-1 refused");
	is_int(parsed("RTMAX+1"), -1, "RTMAX+1 refused");
	is_int(parsed("RTMIN+"), -1, "RTMIN+ refused");
	is_int(parsed("RTMIN+x"), -1, "RTMIN+x refused");
	is_int(parsed("0"), 0, "0, the existence check");
}

static void test_bad(void)
{
	static const char *const bad[] = {"",
					  "FOO",
					  "SIG",
					  "SIGFOO",
					  "65",
					  "-9",
					  "15x",
					  "1.5",
					  "TERM ",
					  " TERM",
					  "99999999999999999999"};
	struct rl_error err = {0};
	int sig = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parsed(bad[i]), -1, "\"%s\" refused", bad[i]);
	rl_signal_parse("FOO", &sig, &err);
	is_str(err.msg, "unknown signal \"FOO\"", "message names the signal");
	rl_signal_parse("65", &sig, &err);
	is_str(err.msg, "unknown signal \"65\": numbers go from 0 to 64", "... and the range");
	ok(rl_signal_parse(NULL, &sig, &err) < 0, "NULL refused");
}

int main(void)
{
	test_names();
	test_realtime();
	test_bad();
	return done_testing();
}
