#!/usr/bin/python3
"""CRI: a pod's security context, namespaces, sysctls, volumes and devices
as a kubelet passes them, seen from inside the container."""

import os
import shutil
import subprocess
import tempfile

from harness import eq, has, main, suite

RUNNING = "CONTAINER_RUNNING"
SLEEP = ["sleep", "1000"]
CAP_NET_ADMIN = 12
CAP_SYS_ADMIN = 21
CAP_NET_RAW = 13


def _running(c, pod, name, **kw):
    kw.setdefault("command", SLEEP)
    cid = pod.run(name, **kw)
    c.wait_state(cid, RUNNING)
    return cid


def _caps(c, cid, which="CapEff"):
    for line in c.sh(cid, "cat /proc/self/status").splitlines():
        if line.startswith(which + ":"):
            return int(line.split()[1], 16)
    raise AssertionError("no %s in /proc/self/status" % which)


def _status(c, cid, key):
    """KEY of /proc/self/status of a process exec'd in the container: it
    gets the container's seccomp filter and no_new_privs."""
    for line in c.sh(cid, "cat /proc/self/status").splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].split()
    return None


@suite.test("security: runAsUser, runAsGroup and supplementalGroups")
def _(env, c):
    with c.pod("users") as pod:
        cid = _running(c, pod, "app", linux={"security_context": {
            "run_as_user": {"value": 1234}, "run_as_group": {"value": 2345},
            "supplemental_groups": [3456, 4567]}})
        eq(c.sh(cid, "id -u; id -g").split(), ["1234", "2345"], "uid and gid of an exec")
        groups = set(c.sh(cid, "id -G").split())
        assert {"2345", "3456", "4567"} <= groups, "groups %s" % groups
        # the container's own process, not only the exec
        ps = [ln.split(None, 1) for ln in c.sh(cid, "ps -o user,args").splitlines()]
        eq([u for u, a in ps if a.strip() == "sleep 1000"], ["1234"], "the workload's user")


@suite.test("security: readOnlyRootFilesystem; an emptyDir-like volume stays writable")
def _(env, c):
    vol = tempfile.mkdtemp(prefix="vol.", dir=env.dir)
    with c.pod("ro") as pod:
        cid = _running(c, pod, "app", linux={"security_context": {"readonly_rootfs": True}},
                       mounts=[{"container_path": "/data", "host_path": vol}])
        code, _, err = c.exec_sync(cid, "touch /should-fail")
        eq(code != 0, True, "touch / on a read-only root exits non-zero")
        has(err, "Read-only file system", "the error")
        c.sh(cid, "echo ok > /data/file")
        with open(os.path.join(vol, "file")) as f:
            eq(f.read(), "ok\n", "what the container wrote to the volume")


@suite.test("security: capabilities add and drop; privileged has them all and the host's devices")
def _(env, c):
    with c.pod("caps") as pod:
        plain = _running(c, pod, "plain")
        eff = _caps(c, plain)
        eq(bool(eff & (1 << CAP_NET_ADMIN)), False, "CAP_NET_ADMIN by default")
        eq(bool(eff & (1 << CAP_NET_RAW)), True, "CAP_NET_RAW by default (containerd's set)")
        changed = _running(c, pod, "changed", linux={"security_context": {"capabilities": {
            "add_capabilities": ["NET_ADMIN"], "drop_capabilities": ["NET_RAW"]}}})
        eff = _caps(c, changed)
        eq(bool(eff & (1 << CAP_NET_ADMIN)), True, "CAP_NET_ADMIN added")
        eq(bool(eff & (1 << CAP_NET_RAW)), False, "CAP_NET_RAW dropped")
        alldrop = _running(c, pod, "none", linux={"security_context": {"capabilities": {
            "drop_capabilities": ["ALL"]}}})
        eq(_caps(c, alldrop), 0, "drop ALL: no effective capability")
    with c.pod("priv", linux={"security_context": {"privileged": True}}) as pod:
        priv = _running(c, pod, "priv", linux={"security_context": {"privileged": True}})
        eff = _caps(c, priv)
        eq(bool(eff & (1 << CAP_SYS_ADMIN)), True, "CAP_SYS_ADMIN when privileged")
        c.sh(priv, "test -c /dev/kmsg || test -c /dev/mem")
        # no masked /proc paths, a writable /sys
        eq(c.exec_sync(priv, "grep -q ' /proc/timer_list ' /proc/self/mountinfo")[0], 1,
           "/proc/timer_list masked in a privileged container")


@suite.test("security: noNewPrivs; seccomp RuntimeDefault, Unconfined and Localhost")
def _(env, c):
    prof = os.path.join(env.dir, "deny-mkdir.json")
    with open(prof, "w") as f:
        f.write('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], '
                '"action": "SCMP_ACT_ERRNO"}]}')
    with c.pod("seccomp") as pod:
        nnp = _running(c, pod, "nnp", linux={"security_context": {"no_new_privs": True}})
        eq(_status(c, nnp, "NoNewPrivs"), ["1"], "NoNewPrivs with noNewPrivs")
        default = _running(c, pod, "default", linux={"security_context": {
            "seccomp": {"profile_type": "RuntimeDefault"}}})
        eq(_status(c, default, "Seccomp"), ["2"], "Seccomp mode with RuntimeDefault")
        # containerd's default profile refuses unshare of a user namespace
        # to a process without CAP_SYS_ADMIN
        code, _, _ = c.exec_sync(default, "unshare -U true")
        eq(code != 0, True, "unshare -U under RuntimeDefault fails")
        unconf = _running(c, pod, "unconfined", linux={"security_context": {
            "seccomp": {"profile_type": "Unconfined"}}})
        eq(_status(c, unconf, "Seccomp"), ["0"], "Seccomp mode with Unconfined")
        local = _running(c, pod, "localhost", linux={"security_context": {
            "seccomp": {"profile_type": "Localhost", "localhost_ref": prof}}})
        code, _, err = c.exec_sync(local, "mkdir /tmp/x")
        eq(code != 0, True, "mkdir under a profile that denies it")
        has(err, "Operation not permitted", "mkdir's error")


@suite.test("security: masked and read-only /proc paths (procMount Default), none with Unmasked")
def _(env, c):
    with c.pod("proc") as pod:
        dflt = _running(c, pod, "default", linux={"security_context": {
            "masked_paths": ["/proc/timer_list", "/proc/keys"], "readonly_paths": ["/proc/sys"]}})
        eq(c.sh(dflt, "wc -c < /proc/timer_list").strip(), "0", "/proc/timer_list masked")
        code, _, _ = c.exec_sync(dflt, "echo 1 > /proc/sys/kernel/ns_last_pid")
        eq(code != 0, True, "writing /proc/sys with it read-only")
        mi = c.sh(dflt, "cat /proc/self/mountinfo")
        assert any(ln.split()[4] == "/proc/sys" and ln.split()[5].startswith("ro") for ln in mi.splitlines()), \
            "/proc/sys not read-only in mountinfo"
        # Unmasked: the kubelet sends empty lists, containerd then masks nothing
        unm = _running(c, pod, "unmasked", linux={"security_context": {
            "masked_paths": [], "readonly_paths": []}})
        mi = c.sh(unm, "cat /proc/self/mountinfo")
        eq([ln.split()[4] for ln in mi.splitlines() if ln.split()[4] in ("/proc/timer_list", "/proc/sys")], [],
           "masked or read-only /proc paths with procMount Unmasked")


@suite.test("namespaces: shareProcessNamespace; host pid and ipc")
def _(env, c):
    shared = {"security_context": {"namespace_options": {"pid": "POD"}}}
    with c.pod("sharepid", linux=shared) as pod:
        a = _running(c, pod, "a", linux=shared, command=["sleep", "1001"])
        b = _running(c, pod, "b", linux=shared, command=["sleep", "1002"])
        ps = c.sh(b, "ps -o args")
        has(ps, "/pause", "the pause process seen from a container")
        has(ps, "sleep 1001", "the other container's process")
        # pid 1 of the pod's namespace: the pause process under runc; under
        # rlite its pid-1 shim, with pause as its child (README: rlite
        # under Kubernetes); the rlite-noinit handler gives runc's picture
        init = c.sh(a, "cat /proc/1/cmdline").split("\0")[0]
        eq(init, "rlite-init" if env.runtime == "rlite" else "/pause", "pid 1 of the pod's namespace")
    host = {"security_context": {"namespace_options": {"pid": "NODE", "ipc": "NODE"}}}
    with c.pod("hostpid", linux=host) as pod:
        cid = _running(c, pod, "app", linux=host)
        eq(c.sh(cid, "readlink /proc/self/ns/pid").strip(), os.readlink("/proc/self/ns/pid"), "pid namespace")
        has(c.sh(cid, "ps -o pid,args"), "containerd --config %s" % env.path("config.toml"),
            "the node's processes seen from the container")
        eq(c.sh(cid, "readlink /proc/self/ns/ipc").strip(), os.readlink("/proc/self/ns/ipc"), "ipc namespace")


@suite.test("namespaces: host network (the suite's namespace) and pod sysctls")
def _(env, c):
    net = {"security_context": {"namespace_options": {"network": "NODE"}}}
    # a kubelet sends no hostname for a pod in the node's network: it has
    # the node's UTS namespace, where neither runc nor rlite sets one
    with c.pod("hostnet", linux=net, hostname="") as pod:
        cid = _running(c, pod, "app", linux=net)
        eq(c.sh(cid, "readlink /proc/self/ns/net").strip(), os.readlink("/proc/self/ns/net"),
           "network namespace (the suite's own, as the node's)")
    sysctls = {"sysctls": {"net.ipv4.ip_unprivileged_port_start": "80", "kernel.shm_rmid_forced": "1"}}
    with c.pod("sysctl", linux=sysctls) as pod:
        cid = _running(c, pod, "app")
        eq(c.sh(cid, "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced")
           .split(), ["80", "1"], "the pod's sysctls")


@suite.test("volumes: bind mounts private, HostToContainer and Bidirectional")
def _(env, c):
    base = tempfile.mkdtemp(prefix="prop.", dir=env.dir)
    # a shared mount point of its own, so propagation has somewhere to go
    subprocess.run(["mount", "--bind", base, base], check=True)
    subprocess.run(["mount", "--make-shared", base], check=True)
    try:
        for d in ("priv", "h2c", "bidi"):
            os.mkdir(os.path.join(base, d))
        mounts = [
            {"container_path": "/priv", "host_path": os.path.join(base, "priv"),
             "propagation": "PROPAGATION_PRIVATE"},
            {"container_path": "/h2c", "host_path": os.path.join(base, "h2c"),
             "propagation": "PROPAGATION_HOST_TO_CONTAINER"},
            {"container_path": "/bidi", "host_path": os.path.join(base, "bidi"),
             "propagation": "PROPAGATION_BIDIRECTIONAL"},
        ]
        priv = {"security_context": {"privileged": True}}
        with c.pod("prop", linux=priv) as pod:
            cid = _running(c, pod, "app", mounts=mounts, linux=priv)
            for d in ("priv", "h2c"):
                sub = os.path.join(base, d, "sub")
                os.mkdir(sub)
                subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmp-" + d, sub], check=True)
            mi = c.sh(cid, "cat /proc/self/mountinfo")
            points = [ln.split()[4] for ln in mi.splitlines()]
            eq("/h2c/sub" in points, True, "a host mount below a HostToContainer volume reaches the container")
            eq("/priv/sub" in points, False, "a host mount below a private volume reaches the container")
            c.sh(cid, "mkdir /bidi/sub && mount -t tmpfs -o size=1m from-container /bidi/sub")
            with open("/proc/self/mountinfo") as f:
                host = [ln.split()[4] for ln in f]
            eq(os.path.join(base, "bidi", "sub") in host, True,
               "a container's mount below a Bidirectional volume reaches the host")
    finally:
        subprocess.run(["umount", "-R", "-l", base], check=False)
        shutil.rmtree(base, ignore_errors=True)


@suite.test("devices: a host device given to the container, with its permissions")
def _(env, c):
    with c.pod("dev") as pod:
        cid = _running(c, pod, "app", devices=[
            {"container_path": "/dev/mynull", "host_path": "/dev/null", "permissions": "rw"}])
        eq(c.sh(cid, "stat -c '%t:%T %F' /dev/mynull").strip(), "1:3 character special file", "the device")
        c.sh(cid, "echo x > /dev/mynull")


main()
