#!/usr/bin/python3
"""CRI: pod sandboxes and containers as a kubelet runs them: sandbox
run/status/stop/remove, container lifecycle and exit codes, CRI logs,
a container started again in its sandbox, StopContainer's grace period,
RemovePodSandbox with containers running."""

import ipaddress
import json
import os
import re
import time

from crienv import GATEWAY, SUBNET, wait_until
from cri import RPCError, read_cri_log
from harness import eq, has, main, suite

RUNNING, EXITED, CREATED = "CONTAINER_RUNNING", "CONTAINER_EXITED", "CONTAINER_CREATED"


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].split()
    return None


def pids_in_netns(nspath):
    """Host pids whose network namespace is the one at NSPATH."""
    want = os.stat(nspath)
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = os.stat("/proc/%s/ns/net" % d)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (want.st_dev, want.st_ino):
                out.append(int(d))
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().rstrip(b"\0").replace(b"\0", b" ").decode()
    except OSError:
        return None


def netns_path(pod):
    for ns in pod.info()["runtimeSpec"]["linux"]["namespaces"]:
        if ns["type"] == "network":
            return ns["path"]
    raise AssertionError("the sandbox has no network namespace path")


@suite.test("sandbox: READY, with its hostname, DNS config in resolv.conf and an IP on eth0")
def _(env, c):
    dns = {"servers": ["10.123.0.53"], "searches": ["rlite-test.svc.cluster.local", "cluster.local"],
           "options": ["ndots:5"]}
    with c.pod("web", hostname="web-0", dns=dns, labels={"app": "web"}) as pod:
        st = pod.status().status
        eq(st.state, 0, "PodSandboxStatus state (SANDBOX_READY)")
        eq(st.metadata.name, "web", "metadata.name")
        eq(st.runtime_handler, env.handler, "runtime_handler")
        ip = st.network.ip
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(SUBNET), "pod IP %r not in %s" % (ip, SUBNET)
        listed = c.ListPodSandbox(filter={"label_selector": {"app": "web"}}).items
        eq([p.id for p in listed], [pod.id], "ListPodSandbox by label")
        cid = pod.run("main", command=["sleep", "1000"])
        c.wait_state(cid, RUNNING)
        eq(c.sh(cid, "hostname").strip(), "web-0", "hostname in the container")
        eq(c.sh(cid, "cat /etc/hostname").strip(), "web-0", "/etc/hostname")
        eq(c.sh(cid, "cat /etc/resolv.conf").strip().splitlines(),
           ["search rlite-test.svc.cluster.local cluster.local", "nameserver 10.123.0.53", "options ndots:5"],
           "/etc/resolv.conf")
        addr = c.sh(cid, "ip -4 -o addr show dev eth0")
        has(addr, "inet %s/24" % ip, "eth0's address")
        # the gateway is the bridge of the suite's network namespace
        c.sh(cid, "ping -c 1 -W 5 %s" % GATEWAY)
        # the sandbox's pause runs in the pod's network namespace as
        # the image's user, 65535 (with rlite, as the child of its shim)
        pause = [p for p in pids_in_netns(netns_path(pod)) if cmdline(p) == "/pause"]
        eq(len(pause), 1, "pause processes in the pod's network namespace")
        eq(proc_status(pause[0], "Uid"), ["65535"] * 4, "the pause process's uids")
        c.StopContainer(container_id=cid, timeout=0)


@suite.test("sandbox: StopPodSandbox stops it and frees its IP, RemovePodSandbox leaves nothing")
def _(env, c):
    pod = c.run_pod("stop-me")
    ip = pod.ip()
    ipam = env.path("cni-ipam", env.network, ip)
    assert os.path.exists(ipam), "host-local has no record of %s" % ip
    nspath = netns_path(pod)
    pause = [p for p in pids_in_netns(nspath) if cmdline(p) == "/pause"]
    cid = pod.run("main", command=["sleep", "1000"])
    c.wait_state(cid, RUNNING)
    c.StopPodSandbox(pod_sandbox_id=pod.id)
    eq(pod.status().status.state, 1, "state after StopPodSandbox (SANDBOX_NOTREADY)")
    eq(c.state(cid), EXITED, "its container")
    assert not os.path.exists(ipam), "IP %s still allocated after StopPodSandbox" % ip
    assert wait_until(5, lambda: all(cmdline(p) is None for p in pause)), "pause still runs"
    c.StopPodSandbox(pod_sandbox_id=pod.id)  # idempotent, as the CRI asks
    pod.remove()
    try:
        pod.status()
        raise AssertionError("PodSandboxStatus of a removed pod answered")
    except RPCError as e:
        eq(e.code.name, "NOT_FOUND", "PodSandboxStatus of a removed pod")
    c.RemovePodSandbox(pod_sandbox_id=pod.id)  # idempotent too
    assert not os.path.exists(nspath), "the pod's network namespace %s is still there" % nspath
    left = env.leftovers()
    assert not left, "left behind: %s" % left


@suite.test("sandbox: two pods reach each other over the pod network (httpd, an HTTP GET with nc)")
def _(env, c):
    with c.pod("server") as srv, c.pod("client") as cli:
        s = srv.run("httpd", "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html && "
                    "exec httpd -f -p 8080 -h /www")
        c.wait_state(s, RUNNING)
        k = cli.run("wget", command=["sleep", "1000"])
        c.wait_state(k, RUNNING)
        out = wait_until(10, lambda: _http_get(c, k, srv.ip(), 8080), 0.2)
        eq(out and out.splitlines()[-1], "hello-from-server", "the body the client got")


def _http_get(c, cid, ip, port):
    # busybox wget of Debian's busybox-static dies of SIGSEGV; nc does not
    code, out, _ = c.exec_sync(cid, "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 %s %d" % (ip, port))
    return out if code == 0 and " 200 " in out else None


@suite.test("containers: created, running, exited 0 (Completed) and 3 (Error), with times")
def _(env, c):
    with c.pod("life") as pod:
        cid = pod.create("three", command=["sh", "-c", "sleep 1; exit 3"])
        st = c.status(cid)
        eq(c.state(cid), CREATED, "after CreateContainer")
        eq(st.started_at, 0, "started_at before start")
        t0 = time.time_ns()
        c.StartContainer(container_id=cid)
        eq(c.state(cid), RUNNING, "right after StartContainer")
        st = c.wait_state(cid, EXITED, 20)
        eq(st.exit_code, 3, "exit code")
        eq(st.reason, "Error", "reason")
        assert st.created_at <= st.started_at <= st.finished_at, "times out of order: %s" % st
        assert st.finished_at - st.started_at >= 900_000_000, "ran %d ns, less than its sleep 1" % (
            st.finished_at - st.started_at)
        assert abs(st.started_at - t0) < 30_000_000_000, "started_at far from now"
        ok = pod.run("zero", command=["true"])
        st = c.wait_state(ok, EXITED)
        eq((st.exit_code, st.reason), (0, "Completed"), "exit 0")
        listed = {x.id: x.state for x in c.ListContainers(filter={"pod_sandbox_id": pod.id}).containers}
        eq(listed, {cid: 2, ok: 2}, "ListContainers of the pod (both EXITED)")
        killed = pod.run("killed", command=["sleep", "1000"])
        c.wait_state(killed, RUNNING)
        # from the host, as the OOM killer or an administrator would
        os.kill(json.loads(c.ContainerStatus(container_id=killed, verbose=True).info["info"])["pid"], 9)
        st = c.wait_state(killed, EXITED)
        eq(st.exit_code, 137, "a container whose init got SIGKILL")


@suite.test("containers: a missing program fails StartContainer (StartError, 128), as with runc")
def _(env, c):
    with c.pod("nobin") as pod:
        cid = pod.create("nobin", command=["/no/such/program"])
        try:
            c.StartContainer(container_id=cid)
            raise AssertionError("StartContainer of a missing program succeeded")
        except RPCError as e:
            has(e.details, "/no/such/program", "the StartContainer error")
        st = c.status(cid)
        eq((c.state(cid), st.exit_code, st.reason), (EXITED, 128, "StartError"), "its status")


@suite.test("logs: stdout and stderr in CRI format, ReopenContainerLog after rotation")
def _(env, c):
    script = ("echo $$ > /tmp/pid; echo out-1; echo err-1 >&2; "
              "trap 'echo after-$n; n=$((n+1))' USR1; n=1; while :; do sleep 0.1; done")
    with c.pod("logs") as pod:
        cid = pod.run("logger", script)
        c.wait_state(cid, RUNNING)
        path = c.status(cid).log_path
        eq(path, os.path.join(pod.config["log_directory"], "logger", "0.log"), "log_path")
        assert wait_until(5, lambda: len(_lines(path)) >= 2), "log: %r" % _lines(path)
        lines = _lines(path)
        eq(sorted((s, t, x) for _, s, t, x in lines), [("stderr", "F", "err-1"), ("stdout", "F", "out-1")],
           "log lines (stream, tag, text)")
        for ts, _, _, _ in lines:
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$", ts), "timestamp %r" % ts
        # rotation, as the kubelet does it: rename, then ReopenContainerLog
        os.rename(path, path + ".1")
        c.ReopenContainerLog(container_id=cid)
        assert os.path.exists(path), "ReopenContainerLog made no new file"
        c.sh(cid, "kill -USR1 $(cat /tmp/pid)")
        assert wait_until(5, lambda: any(x == "after-1" for _, _, _, x in _lines(path))), \
            "new log: %r" % _lines(path)
        old = [x for _, _, _, x in _lines(path + ".1")]
        assert "after-1" not in old, "rotated file still written: %r" % old
        c.StopContainer(container_id=cid, timeout=2)
        try:
            c.ReopenContainerLog(container_id=cid)
            raise AssertionError("ReopenContainerLog of a stopped container succeeded")
        except RPCError:
            pass


def _lines(path):
    try:
        return read_cri_log(path)
    except FileNotFoundError:
        return []


@suite.test("restart: a container exits and the kubelet starts attempt 1 in the same sandbox")
def _(env, c):
    with c.pod("restart") as pod:
        first = pod.run("app", "echo attempt-0; exit 1")
        st = c.wait_state(first, EXITED)
        eq(st.exit_code, 1, "attempt 0's exit code")
        second = pod.run("app", "echo attempt-1; hostname; exec sleep 1000")
        c.wait_state(second, RUNNING)
        eq(c.status(second).metadata.attempt, 1, "the new container's attempt")
        eq(pod.status().status.state, 0, "the sandbox is READY throughout")
        eq(c.state(first), EXITED, "attempt 0 stays EXITED")
        log1 = c.status(second).log_path
        assert wait_until(5, lambda: [x for _, _, _, x in _lines(log1)] == ["attempt-1", "restart"]), \
            "1.log: %r" % _lines(log1)
        eq([x for _, _, _, x in _lines(c.status(first).log_path)], ["attempt-0"], "0.log")
        c.RemoveContainer(container_id=first)
        eq([x.id for x in c.ListContainers(filter={"pod_sandbox_id": pod.id}).containers], [second],
           "after RemoveContainer of attempt 0")
        eq(c.sh(second, "echo alive"), "alive\n", "attempt 1 still answers")


def _stop(c, cid, grace):
    t0 = time.monotonic()
    c.StopContainer(container_id=cid, timeout=grace, _deadline=grace + 60)
    took = time.monotonic() - t0
    st = c.status(cid)
    return took, st.exit_code, st.reason


@suite.test("stop: a TERM handler runs and its exit code is kept; TERM ignored: KILL after the grace")
def _(env, c):
    with c.pod("grace") as pod:
        handler = pod.run("handler", "trap 'echo got-TERM; exit 7' TERM; echo ready; "
                          "while :; do sleep 0.1; done")
        ignorer = pod.run("ignorer", "trap '' TERM; echo ready; while :; do sleep 0.1; done")
        for cid in (handler, ignorer):
            c.wait_state(cid, RUNNING)
            assert wait_until(5, lambda: _lines(c.status(cid).log_path)), "never ready"
        took, code, reason = _stop(c, handler, 10)
        eq((code, reason), (7, "Error"), "the handler's exit")
        assert took < 5, "StopContainer took %.1f s with a handler that exits" % took
        assert wait_until(5, lambda: "got-TERM" in [x for _, _, _, x in _lines(c.status(handler).log_path)])
        took, code, reason = _stop(c, ignorer, 2)
        eq(code, 137, "a workload that ignores TERM: killed")
        assert 1.8 <= took < 15, "StopContainer took %.1f s, grace 2 s" % took


@suite.test("stop: a workload without a TERM handler (sleep): rlite 143 at once, runc 137 after the grace")
def _(env, c):
    """The documented difference: under runc the workload is pid 1 of its
    pid namespace, where the kernel drops a signal it has no handler for,
    so TERM does nothing and containerd kills it after the grace period;
    rlite's pid-1 shim forwards TERM to the workload, pid 2, which dies of
    it.  --init=never (the rlite-noinit handler here) and the pod
    annotation org.rlite.init=false give runc's behaviour back."""
    cases = [(env.handler, {})]
    if env.runtime == "rlite":
        cases += [("rlite-noinit", {}), (env.handler, {"org.rlite.init": "false"})]
    for handler, annotations in cases:
        with c.pod("noterm", handler=handler, annotations=annotations) as pod:
            cid = pod.run("sleep", command=["sleep", "1000"])
            c.wait_state(cid, RUNNING)
            took, code, reason = _stop(c, cid, 3)
            what = "handler %s, annotations %s" % (handler, annotations)
            if env.runtime == "rlite" and handler == env.handler and not annotations:
                eq(code, 143, what + ": exit code")
                assert took < 2.5, "%s: took %.1f s, wanted at once" % (what, took)
            else:
                eq(code, 137, what + ": exit code")
                assert took >= 2.8, "%s: took %.1f s, grace 3 s" % (what, took)
            eq(reason, "Error", what + ": reason")


@suite.test("remove: RemovePodSandbox with containers running leaves nothing")
def _(env, c):
    pod = c.run_pod("busy")
    cids = [pod.run("c%d" % i, "trap '' TERM; exec sleep 1000") for i in range(3)]
    for cid in cids:
        c.wait_state(cid, RUNNING)
    pids = [json.loads(c.ContainerStatus(container_id=cid, verbose=True).info["info"])["pid"] for cid in cids]
    c.RemovePodSandbox(pod_sandbox_id=pod.id, _deadline=60)
    c.pods.pop(pod.id, None)
    env.remove_pod_cgroup(pod.config["linux"]["cgroup_parent"])
    eq(len(c.ListPodSandbox(filter={"id": pod.id}).items), 0, "pods listed after removal")
    eq(len(c.ListContainers(filter={"pod_sandbox_id": pod.id}).containers), 0, "containers listed")
    assert all(cmdline(p) is None for p in pids), "container processes survive: %s" % pids
    left = env.leftovers()
    assert not left, "left behind: %s" % left


main()
