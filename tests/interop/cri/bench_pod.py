#!/usr/bin/python3
"""Pod start through the CRI, rlite vs runc vs crun (`make bench`).

One figure: RunPodSandbox + CreateContainer + StartContainer until the
container is RUNNING, as a kubelet starts a one-container pod, timed from
the client.  One containerd with three runtime handlers (rlite, runc,
crun), the runtimes interleaved round by round so that drift on a shared
machine hits them alike; the pod is removed after each sample, untimed.
Prints the median, min and max of each; exits 0 whatever the times.

crun refuses this machine's hybrid cgroup layout, so (as tests/bench/bench.sh
does) everything runs in one private mount namespace where the cgroup2
mount at /sys/fs/cgroup/unified is replaced by an empty tmpfs: the same
for every runtime, made before any timing.

    ROUNDS=N (default 20, QUICK=1: 5)
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
UNIFIED = "/sys/fs/cgroup/unified"


def into_private_mount_ns():
    if os.environ.get("RLCRI_BENCH_IN_NS") == "1":
        return
    os.environ["RLCRI_BENCH_IN_NS"] = "1"
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", "--",
                          sys.executable, os.path.abspath(__file__)] + sys.argv[1:])


def hide_cgroup2():
    st = os.statvfs(UNIFIED) if os.path.isdir(UNIFIED) else None
    if st is None:
        return
    if subprocess.run(["stat", "-f", "-c", "%T", UNIFIED], capture_output=True, text=True).stdout.strip() \
            == "cgroup2fs":
        subprocess.run(["umount", UNIFIED], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755,size=1m", "rlcri-bench", UNIFIED], check=True)


def main():
    if os.geteuid() != 0:
        sys.exit("bench_pod: needs root")
    into_private_mount_ns()
    hide_cgroup2()
    sys.path.insert(0, HERE)
    from crienv import Env, runtime_binary

    rounds = int(os.environ.get("ROUNDS") or (5 if os.environ.get("QUICK") == "1" else 20))
    handlers = {"rlite": runtime_binary("rlite")}
    for name in ("runc", "crun"):
        if shutil.which(name):
            handlers[name] = runtime_binary(name)
    env = Env(handlers=handlers, default="rlite")
    env.start()
    c = env.cri
    times = {h: [] for h in handlers}
    failed = {}
    try:
        for r in range(rounds):
            for h in handlers:
                if h in failed:
                    continue
                t0 = time.monotonic()
                try:
                    pod = c.run_pod("bench-%s-%d" % (h, r), handler=h)
                except Exception as e:
                    failed[h] = str(e)
                    continue
                try:
                    cid = pod.run("app", command=["sleep", "1000"])
                    c.wait_state(cid, "CONTAINER_RUNNING", timeout=30)
                    times[h].append(time.monotonic() - t0)
                except Exception as e:
                    failed[h] = str(e)
                finally:
                    pod.remove()
    finally:
        env.close()
    print("pod start through the CRI (RunPodSandbox + CreateContainer + StartContainer "
          "to RUNNING), containerd 1.6, %d rounds interleaved" % rounds)
    print("%-8s %10s %10s %10s" % ("runtime", "median ms", "min ms", "max ms"))
    for h in handlers:
        t = times[h]
        if t:
            print("%-8s %10.1f %10.1f %10.1f" % (h, statistics.median(t) * 1e3, min(t) * 1e3, max(t) * 1e3))
        if h in failed:
            print("%-8s failed: %s" % (h, failed[h].splitlines()[0][:300]))


if __name__ == "__main__":
    main()
