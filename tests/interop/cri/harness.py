"""What every test file of the CRI suite shares: the environment started
once per file, diagnostics after a failure, assertions that say what was
seen, and the exit status.

    #!/usr/bin/python3
    from harness import suite, Skip, main

    @suite.test("a pod runs")
    def _(env, c):
        with c.pod("p") as pod: ...

    main()

CRI_ONLY=TEXT runs only the tests whose name contains TEXT; CRI_VERBOSE=1
prints each test's time; CRI_KEEP_LOG=FILE keeps containerd's log there.
"""

import glob
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from crienv import Env  # noqa: E402
from tap import Skip, Suite  # noqa: E402

suite = Suite()
__all__ = ["suite", "Skip", "main", "eq", "has"]


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def has(text, part, what):
    if part not in text:
        raise AssertionError("%s: %r not in %r" % (what, part, text))


def main(env=None):
    env = env or Env()
    mark = [0]

    def on_failure(_name):
        log = env.log_tail(mark[0], 100000).splitlines()
        errors = [ln for ln in log if "level=error" in ln][:20]
        out = ["--- containerd's errors during the test:"] + errors
        out += ["--- containerd's log during the test, its end:"] + log[-40:]
        for f in sorted(glob.glob(env.path("state", "io.containerd.runtime.v2.task", "k8s.io", "*", "log.json"))):
            with open(f, errors="replace") as fh:
                lines = fh.read().splitlines()[-5:]
            if lines:
                out.append("--- %s --log %s:" % (env.runtime, f))
                out += lines
        return "\n".join(out)

    suite.on_failure = on_failure
    try:
        env.start()
    except Exception:
        print("Bail out! the CRI environment did not start")
        Suite.diag(traceback.format_exc())
        env.close()
        sys.exit(1)
    Suite.diag("containerd %s, runtime handler %s: %s" % (
        env.cri.Version(version="v1").runtime_version, env.handler, env.handlers[env.handler]))

    # the log position at the start of each test, for on_failure
    orig = list(suite.tests)
    suite.tests = []
    for name, fn in orig:
        def wrapped(e, c, fn=fn):
            mark[0] = env.log_size()
            fn(e, c)
        suite.tests.append((name, wrapped))
    failed = suite.run((env, env.cri), os.environ.get("CRI_ONLY"))
    env.close()
    sys.exit(1 if failed else 0)
