#!/usr/bin/python3
"""CRI: many pods started one after the other, then removed, with nothing
left behind (CRI_MANY_PODS, default 50).  `make check` runs it with the
rest of the suite, `make check-cri-many` alone."""

import os

from harness import eq, main, suite

RUNNING = "CONTAINER_RUNNING"
PODS = int(os.environ.get("CRI_MANY_PODS", "50"))


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
