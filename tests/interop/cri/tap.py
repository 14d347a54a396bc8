"""A small TAP producer for the CRI suite, run by prove like the bats files.

Each test is a function registered with @suite.test("description"); it
passes when it returns, fails when it raises (the traceback and what
suite.on_failure adds go out as diagnostics, '# ' lines on stdout that
prove shows), and is skipped when it raises Skip("reason").  The plan comes
first ("1..N"), so a run that dies half-way is counted as failed by prove.
"""

import os
import sys
import time
import traceback


class Skip(Exception):
    """Raised by a test that cannot run here; the message says why."""


class Suite:
    def __init__(self):
        self.tests = []
        self.on_failure = None  # callable(test name) -> str, more diagnostics
        self.only = None

    def test(self, name):
        def register(fn):
            self.tests.append((name, fn))
            return fn

        return register

    @staticmethod
    def diag(text):
        for line in str(text).rstrip("\n").splitlines():
            print("# " + line)
        sys.stdout.flush()

    def run(self, args=(), select=None):
        """Runs the tests whose name contains SELECT (all without one),
        each called with ARGS, and returns the number that failed."""
        tests = [t for t in self.tests if not select or select in t[0]]
        print("1..%d" % len(tests))
        sys.stdout.flush()
        failed = 0
        for n, (name, fn) in enumerate(tests, 1):
            t0 = time.monotonic()
            try:
                fn(*args)
            except Skip as e:
                print("ok %d %s # skip %s" % (n, name, e))
            except Exception:  # a test's failure, reported, never fatal
                failed += 1
                print("not ok %d %s" % (n, name))
                self.diag(traceback.format_exc())
                if self.on_failure:
                    try:
                        self.diag(self.on_failure(name))
                    except Exception:
                        self.diag("(collecting diagnostics failed)\n" + traceback.format_exc())
            else:
                print("ok %d %s" % (n, name))
            if os.environ.get("CRI_VERBOSE") == "1":
                self.diag("%.1f s" % (time.monotonic() - t0))
            sys.stdout.flush()
        return failed
