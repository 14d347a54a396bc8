#!/usr/bin/python3
"""CRI: what a kubelet asks of a container's resources: the limits of its
spec in the container's cgroups, UpdateContainerResources, ContainerStats
and ListContainerStats, an OOM kill reported as OOMKilled.

The cgroup files are read on the host, where the kubelet's cAdvisor reads
them: this machine is cgroup v1 (the hierarchies under /sys/fs/cgroup/CTRL),
and the container's cgroup is containerd's cgroupsPath below each."""

import json
import os

from crienv import CGROUP_ROOT, wait_until
from harness import Skip, eq, main, suite

RUNNING, EXITED = "CONTAINER_RUNNING", "CONTAINER_EXITED"
MiB = 1024 * 1024


def cgroup_file(c, cid, ctrl, name):
    info = json.loads(c.ContainerStatus(container_id=cid, verbose=True).info["info"])
    path = info["runtimeSpec"]["linux"]["cgroupsPath"]
    with open(os.path.join(CGROUP_ROOT, ctrl, path.lstrip("/"), name)) as f:
        return f.read().strip()


LIMITS = {"cpu_period": 100000, "cpu_quota": 50000, "cpu_shares": 512,
          "memory_limit_in_bytes": 64 * MiB}


@suite.test("resources: cpu and memory limits of the spec are in the container's cgroups")
def _(env, c):
    with c.pod("limits") as pod:
        cid = pod.run("app", command=["sleep", "1000"], linux={"resources": LIMITS})
        c.wait_state(cid, RUNNING)
        eq(cgroup_file(c, cid, "memory", "memory.limit_in_bytes"), str(64 * MiB), "memory.limit_in_bytes")
        eq(cgroup_file(c, cid, "cpu", "cpu.cfs_quota_us"), "50000", "cpu.cfs_quota_us")
        eq(cgroup_file(c, cid, "cpu", "cpu.cfs_period_us"), "100000", "cpu.cfs_period_us")
        eq(cgroup_file(c, cid, "cpu", "cpu.shares"), "512", "cpu.shares")
        # the container's processes are in that cgroup
        pid = json.loads(c.ContainerStatus(container_id=cid, verbose=True).info["info"])["pid"]
        eq(str(pid) in cgroup_file(c, cid, "memory", "cgroup.procs").split(), True,
           "the container's init in its memory cgroup")


@suite.test("resources: UpdateContainerResources changes the limits of a running container")
def _(env, c):
    with c.pod("update") as pod:
        cid = pod.run("app", command=["sleep", "1000"], linux={"resources": LIMITS})
        c.wait_state(cid, RUNNING)
        c.UpdateContainerResources(container_id=cid, linux={
            "cpu_period": 100000, "cpu_quota": 20000, "cpu_shares": 256,
            "memory_limit_in_bytes": 96 * MiB})
        eq(cgroup_file(c, cid, "memory", "memory.limit_in_bytes"), str(96 * MiB), "memory after update")
        eq(cgroup_file(c, cid, "cpu", "cpu.cfs_quota_us"), "20000", "cpu quota after update")
        eq(cgroup_file(c, cid, "cpu", "cpu.shares"), "256", "cpu.shares after update")
        eq(c.state(cid), RUNNING, "the container after the update")
        eq(c.sh(cid, "echo alive"), "alive\n", "it still answers")


@suite.test("resources: a hugepage limit is in the container's hugetlb cgroup")
def _(env, c):
    if not os.path.isdir(os.path.join(CGROUP_ROOT, "hugetlb")):
        raise Skip("no hugetlb hierarchy in /sys/fs/cgroup here (it is only in the cgroup2 "
                   "mount at /sys/fs/cgroup/unified, which containerd 1.6 does not use in a hybrid layout)")
    with c.pod("huge") as pod:
        cid = pod.run("app", command=["sleep", "1000"], linux={"resources": {
            "hugepage_limits": [{"page_size": "2MB", "limit": 4 * MiB}]}})
        c.wait_state(cid, RUNNING)
        eq(cgroup_file(c, cid, "hugetlb", "hugetlb.2MB.limit_in_bytes"), str(4 * MiB), "hugetlb limit")


@suite.test("stats: ContainerStats and ListContainerStats report cpu and memory in use")
def _(env, c):
    with c.pod("stats") as pod:
        # a busy loop for cpu, 20 MiB held in a shell variable for memory
        cid = pod.run("busy", "x=$(head -c 20971520 /dev/zero | tr '\\0' x); "
                      "while :; do :; done", linux={"resources": LIMITS})
        c.wait_state(cid, RUNNING)

        def used():
            s = c.ContainerStats(container_id=cid).stats
            return s if s.cpu.usage_core_nano_seconds.value > 200_000_000 and \
                s.memory.working_set_bytes.value > 20 * MiB else None
        s = wait_until(20, used, 0.5)
        if not s:
            s = c.ContainerStats(container_id=cid).stats
            raise AssertionError("ContainerStats: cpu %d ns, working set %d bytes" % (
                s.cpu.usage_core_nano_seconds.value, s.memory.working_set_bytes.value))
        eq(s.attributes.id, cid, "stats attributes.id")
        eq(s.attributes.metadata.name, "busy", "stats attributes.metadata.name")
        listed = c.ListContainerStats(filter={"pod_sandbox_id": pod.id}).stats
        eq([x.attributes.id for x in listed], [cid], "ListContainerStats of the pod")
        assert listed[0].memory.working_set_bytes.value > 0, "listed stats without memory"
        c.StopContainer(container_id=cid, timeout=0)


@suite.test("OOM: a container past its memory limit is killed and reported OOMKilled (137)")
def _(env, c):
    with c.pod("oom") as pod:
        # dd asks for one 256 MiB block and touches it while reading
        cid = pod.run("hog", command=["dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"],
                      linux={"resources": {"memory_limit_in_bytes": 32 * MiB}})
        st = c.wait_state(cid, EXITED, 30)
        eq((st.exit_code, st.reason), (137, "OOMKilled"), "exit code and reason")


main()
