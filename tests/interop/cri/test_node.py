#!/usr/bin/python3
"""CRI: what happens to a node over time: containerd restarted while pods
run (they survive, their status comes back).  Many pods at once are
test_many_pods.py."""

from harness import eq, main, suite

RUNNING, EXITED = "CONTAINER_RUNNING", "CONTAINER_EXITED"


@suite.test("containerd restarted while pods run: they survive and their status is recovered")
def _(env, c):
    with c.pod("survivor") as pod:
        cid = pod.run("app", "echo $$ > /tmp/pid; exec sleep 1000")
        done = pod.run("done", command=["sh", "-c", "exit 4"])
        c.wait_state(cid, RUNNING)
        c.wait_state(done, EXITED)
        before = c.sh(cid, "cat /tmp/pid")
        env.restart_containerd()
        eq(pod.status().status.state, 0, "the sandbox after the restart (SANDBOX_READY)")
        eq(c.state(cid), RUNNING, "the running container after the restart")
        st = c.status(done)
        eq((c.state(done), st.exit_code), (EXITED, 4), "the exited container after the restart")
        eq(c.sh(cid, "cat /tmp/pid"), before, "the same process answers ExecSync")
        # and it is still managed: stop with a grace period works
        c.StopContainer(container_id=cid, timeout=2)
        eq(c.state(cid), EXITED, "stopped after the restart")


main()
