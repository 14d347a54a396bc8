#!/usr/bin/python3
"""CRI: what happens to a node over time: containerd restarted while pods
run (they survive, their status comes back), and many pods started and
removed with nothing left behind."""

import os

from harness import eq, main, suite

RUNNING, EXITED = "CONTAINER_RUNNING", "CONTAINER_EXITED"
PODS = int(os.environ.get("CRI_MANY_PODS", "50"))


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


@suite.test("%d pods started and removed: nothing left (shims, cgroups, mounts, state, IPs)" % PODS)
def _(env, c):
    pods = []
    try:
        for i in range(PODS):
            pod = c.run_pod("many-%d" % i)
            pods.append(pod)
            pod.run("app", command=["sleep", "1000"])
        for pod in pods:
            for cid in pod.containers:
                c.wait_state(cid, RUNNING)
        eq(len(c.ListPodSandbox(filter={"label_selector": {"rlite-test": "1"}}).items), PODS, "pods listed")
        ips = {pod.ip() for pod in pods}
        eq(len(ips), PODS, "distinct pod IPs")
    finally:
        for pod in pods:
            if pod.id in c.pods:
                pod.remove()
    eq(len(c.ListPodSandbox().items), 0, "pods listed after removal")
    eq(len(c.ListContainers().containers), 0, "containers listed after removal")
    left = env.leftovers()
    assert not left, "left behind: %s" % left


main()
