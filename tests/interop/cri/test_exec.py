#!/usr/bin/python3
"""CRI: processes run in a running container: ExecSync (what exec probes
and `kubectl exec` without a terminal use) and Exec, Attach and
PortForward through containerd's streaming server (what kubectl exec,
attach and port-forward use), with the suite's WebSocket client."""

import time

import ws
from cri import RPCError
from harness import eq, has, main, suite

RUNNING, EXITED = "CONTAINER_RUNNING", "CONTAINER_EXITED"


def _running(c, pod, name, **kw):
    cid = pod.run(name, **kw)
    c.wait_state(cid, RUNNING)
    return cid


@suite.test("ExecSync: stdout, stderr and the exit code, in the container's env, cwd and user")
def _(env, c):
    with c.pod("exec") as pod:
        cid = _running(c, pod, "app", command=["sleep", "1000"], envs={"GREETING": "hi"},
                       working_dir="/tmp", linux={"security_context": {"run_as_user": {"value": 1000}}})
        code, out, err = c.exec_sync(cid, "echo to-stdout; echo to-stderr >&2; exit 5")
        eq((code, out, err), (5, "to-stdout\n", "to-stderr\n"), "exit code, stdout, stderr")
        eq(c.sh(cid, 'echo "$GREETING $(pwd) $(id -u)"'), "hi /tmp 1000\n", "env, cwd, uid")
        big = c.sh(cid, "head -c 300000 /dev/zero | tr '\\0' x")
        eq(len(big), 300000, "a 300 kB stdout")
        # what a liveness probe sees of a failing command
        eq(c.exec_sync(cid, ["false"])[0], 1, "exit code of false")


@suite.test("ExecSync: the timeout ends the call and the process")
def _(env, c):
    with c.pod("exec-timeout") as pod:
        cid = _running(c, pod, "app", command=["sleep", "1000"])
        t0 = time.monotonic()
        try:
            c.exec_sync(cid, ["sleep", "30"], timeout=1)
            raise AssertionError("ExecSync of sleep 30 with timeout 1 returned")
        except RPCError as e:
            eq(e.code.name, "DEADLINE_EXCEEDED", "the error code")
        took = time.monotonic() - t0
        assert took < 10, "ExecSync with timeout 1 took %.1f s" % took
        # containerd kills what it started (the exec's init) once the
        # timeout passed
        out = None
        for _ in range(50):
            out = c.sh(cid, "ps -o args | grep -c '^sleep 30' || true").strip()
            if out == "0":
                break
            time.sleep(0.1)
        eq(out, "0", "sleep 30 processes left in the container")


@suite.test("ExecSync: a missing program fails the call; a stopped container refuses it")
def _(env, c):
    with c.pod("exec-fail") as pod:
        cid = _running(c, pod, "app", command=["sleep", "1000"])
        try:
            code, out, err = c.exec_sync(cid, ["/no/such/program"])
            raise AssertionError("ExecSync of a missing program: exit %d %r %r" % (code, out, err))
        except RPCError as e:
            has(e.details, "/no/such/program", "the ExecSync error")
        eq(c.sh(cid, "echo still-fine"), "still-fine\n", "the container after it")
        c.StopContainer(container_id=cid, timeout=0)
        try:
            c.exec_sync(cid, ["true"])
            raise AssertionError("ExecSync in a stopped container succeeded")
        except RPCError as e:
            # containerd's own check, before the runtime is asked
            has(e.details, "CONTAINER_EXITED", "the error for a stopped container")


@suite.test("Exec (streaming): stdout, stderr and the exit status on the error channel")
def _(env, c):
    with c.pod("stream") as pod:
        cid = _running(c, pod, "app", command=["sleep", "1000"])
        url = c.Exec(container_id=cid, cmd=["sh", "-c", "echo out; echo err >&2; exit 3"],
                     stdout=True, stderr=True).url
        s = ws.Stream(url)
        eq(s.protocol, "v4.channel.k8s.io", "the protocol the server chose")
        got = s.collect()
        s.close()
        eq(got.get(ws.STDOUT), b"out\n", "stdout channel")
        eq(got.get(ws.STDERR), b"err\n", "stderr channel")
        eq(ws.exit_status(got.get(ws.ERROR)), 3, "exit status on the error channel")
        # stdin: the process reads what the client sends
        url = c.Exec(container_id=cid, cmd=["sh", "-c", "read line; echo got:$line"], stdin=True,
                     stdout=True, stderr=True).url
        s = ws.Stream(url)
        s.send(ws.STDIN, "hello\n")
        got = s.collect()
        s.close()
        eq(got.get(ws.STDOUT), b"got:hello\n", "stdout after stdin")
        eq(ws.exit_status(got.get(ws.ERROR)), 0, "exit status")


@suite.test("Exec (streaming) with a terminal: a pty, resized by the client")
def _(env, c):
    with c.pod("stream-tty") as pod:
        cid = _running(c, pod, "app", command=["sleep", "1000"])
        url = c.Exec(container_id=cid, cmd=["sh"], tty=True, stdin=True, stdout=True).url
        s = ws.Stream(url)
        s.resize(100, 30)
        s.send(ws.STDIN, "tty; stty size; exit 4\n")
        got = s.collect()
        s.close()
        out = got.get(ws.STDOUT, b"").decode(errors="replace")
        has(out, "/dev/pts/", "tty's answer")
        has(out, "30 100", "stty size after the resize")
        eq(ws.exit_status(got.get(ws.ERROR)), 4, "exit status")


@suite.test("Attach (streaming): stdin to a running container's process, its output back and in the log")
def _(env, c):
    with c.pod("attach") as pod:
        cid = _running(c, pod, "reader", command=["sh", "-c", "while read l; do echo got:$l; done; echo eof"],
                       stdin=True)
        url = c.Attach(container_id=cid, stdin=True, stdout=True, stderr=True).url
        s = ws.Stream(url)
        s.send(ws.STDIN, "one\n")
        got = s.collect(timeout=10, until=lambda o: b"got:one\n" in o.get(ws.STDOUT, b""))
        s.send(ws.STDIN, "two\n")
        got2 = s.collect(timeout=10, until=lambda o: b"got:two\n" in o.get(ws.STDOUT, b""))
        s.close()
        eq(got.get(ws.STDOUT), b"got:one\n", "first answer")
        eq(got2.get(ws.STDOUT), b"got:two\n", "second answer")
        eq(c.state(cid), RUNNING, "the container after the client left")
        from cri import read_cri_log

        log = [x for _, _, _, x in read_cri_log(c.status(cid).log_path)]
        eq(log, ["got:one", "got:two"], "the container's log")


@suite.test("Attach (streaming) with a terminal: the container's shell answers")
def _(env, c):
    with c.pod("attach-tty") as pod:
        cid = _running(c, pod, "shell", command=["sh"], stdin=True, tty=True)
        url = c.Attach(container_id=cid, stdin=True, tty=True, stdout=True).url
        s = ws.Stream(url)
        s.send(ws.STDIN, "echo $((6*7)); tty\n")
        got = s.collect(timeout=10, until=lambda o: b"/dev/" in o.get(ws.STDOUT, b"").split(b"42")[-1])
        s.close()
        out = got.get(ws.STDOUT, b"").decode(errors="replace")
        has(out, "42", "the shell's answer")
        has(out, "/dev/pts/", "a terminal (tty)")


@suite.test("PortForward (streaming): a TCP connection into the pod's network namespace")
def _(env, c):
    with c.pod("pf") as pod:
        cid = _running(c, pod, "httpd", script="mkdir /www && echo forwarded > /www/index.html && "
                       "exec httpd -f -p 8080 -h /www")
        assert c.exec_sync(cid, "netstat -ltn | grep -q :8080")[0] == 0 or time.sleep(1) is None
        url = c.PortForward(pod_sandbox_id=pod.id, port=[8080]).url
        # Port-forward over WebSocket: channel 0 data, 1 errors of port 1
        # (the ?port= query names the ports); each channel first carries
        # the port number (2 bytes, little endian).
        s = ws.Stream(url + "?port=8080", protocol="v4.channel.k8s.io")
        s.send(0, "GET / HTTP/1.0\r\n\r\n")
        got = s.collect(timeout=10, until=lambda o: b"forwarded" in o.get(0, b""))
        s.close()
        data = got.get(0, b"")
        eq(data[:2], (8080).to_bytes(2, "little"), "the port prefix of the data channel")
        has(data.decode(errors="replace"), "forwarded", "the HTTP answer")


main()
