"""The CRI suite's world: a containerd of its own in a network namespace of
its own, with a CNI bridge that lives only there, two images built here,
and the removal of all of it.

    env = Env(handlers={"rlite": "/path/to/rlite"})
    env.start()        # enters the netns, starts containerd, imports images
    ...                # env.cri is a client (cri.py) of that containerd
    env.close()        # also from atexit and on SIGTERM/SIGINT

Everything containerd, its shims and the runtime keep is below one
directory from mkdtemp (root, state, sockets, the runtime's --root, pod
network namespaces, CNI IPAM, logs); the cgroups of every pod are below
one parent, /rlite-cri-TAG in each hierarchy.  Outside those, two things
are written, both named after the run and removed by close(): the runc
shim's sockets in /run/containerd/s/ (containerd 1.6 puts them there
whatever its state directory; their names hash the containerd address) and
libcni's result cache in /var/lib/cni/results/ (named after the network,
rlcri-TAG, and cni-loopback-ID-lo for the loopback of pod ID).

The network namespace is the process's own (unshare(CLONE_NEWNET) before
any thread exists), not one made by `ip netns add` and entered with `ip
netns exec`: that remounts /sys, and containerd would then see no cgroup
mounts.  Every child (containerd, the shims, the CNI plugins, the
runtime) inherits it, and it goes away when the last of them exits, so
there is nothing to remove and nothing to leak.  A pod in the host
network (NamespaceMode NODE) is in this namespace, never the machine's.
"""

import atexit
import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

CLONE_NEWNET = 0x40000000
MNT_DETACH = 2

PAUSE_IMAGE = "localhost/rlite-test/pause:1"
BUSYBOX_IMAGE = "localhost/rlite-test/busybox:1"
SUBNET = "10.123.0.0/24"
GATEWAY = "10.123.0.1"
CGROUP_ROOT = "/sys/fs/cgroup"
CNI_BIN = "/usr/lib/cni"
CNI_CACHE = "/var/lib/cni/results"
SHIM_SOCKETS = "/run/containerd/s"

_libc = ctypes.CDLL(None, use_errno=True)


def _check_errno(ret, what):
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def runtime_binary(name):
    """The binary of runtime NAME: rlite is the tree's freshly built one
    (RLITE_BIN), the others Debian's."""
    if name == "rlite":
        path = os.environ.get("RLITE_BIN") or os.path.join(TOP, "rlite")
    else:
        path = shutil.which(name) or ""
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s: %s not found (make first, or make deps)" % (name, path or name))
    return path


def wait_until(timeout, fn, interval=0.05):
    """Calls FN until it returns something true (returned) or TIMEOUT
    seconds passed (None)."""
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() >= end:
            return None
        time.sleep(interval)


def mounts_below(path):
    """Mount points at or below PATH, deepest first."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].encode().decode("unicode_escape")
            if mp == path or mp.startswith(path + "/"):
                out.append(mp)
    return sorted(set(out), key=len, reverse=True)


def umount(path):
    return _libc.umount2(path.encode(), MNT_DETACH) == 0


def pids_with_arg(text):
    """Pids whose command line has an argument containing TEXT."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if any(text.encode() in a for a in args):
            out.append(int(d))
    return out


class Env:
    def __init__(self, handlers=None, default=None):
        """HANDLERS: runtime handler name -> runtime binary; by default
        INTEROP_RUNTIME (rlite or runc) under its own name."""
        if handlers is None:
            name = os.environ.get("INTEROP_RUNTIME", "rlite")
            if name not in ("rlite", "runc"):
                raise RuntimeError("INTEROP_RUNTIME=%s: must be rlite or runc" % name)
            handlers = {name: runtime_binary(name)}
        self.handlers = dict(handlers)
        self.handler = default or next(iter(self.handlers))
        # which runtime the default handler runs (what a test expects of
        # it): the handler's name, whatever the binary's file is called
        self.runtime = "runc" if self.handler == "runc" else "rlite"
        self.dir = None
        self.proc = None
        self.cri = None
        self.closed = False
        self.stream_port = None

    # ---- set-up ------------------------------------------------------------

    def start(self):
        if os.geteuid() != 0:
            raise RuntimeError("the CRI suite needs root: containerd runs real pods")
        for tool in ("containerd", "ctr", "containerd-shim-runc-v2", "protoc", "jq", "ip"):
            if not shutil.which(tool):
                raise RuntimeError("%s not installed (make deps installs it)" % tool)
        if not os.access(os.path.join(CNI_BIN, "bridge"), os.X_OK):
            raise RuntimeError("%s/bridge not found: apt-get install containernetworking-plugins" % CNI_BIN)
        self.dir = tempfile.mkdtemp(prefix="rlite-cri.", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.tag = os.path.basename(self.dir).split(".", 1)[1].lower().replace("_", "x")
        self.cgroup_parent = "/rlite-cri-" + self.tag
        self.network = "rlcri-" + self.tag
        self.sock = os.path.join(self.dir, "containerd.sock")
        self.log = os.path.join(self.dir, "containerd.log")
        self.runtime_root = os.path.join(self.dir, "runtime-root")
        self.cni_dirs = [d for d in ("/var/lib/cni", CNI_CACHE) if not os.path.isdir(d)]
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        self._enter_netns()
        self._write_cni()
        self._write_wrappers()
        self._write_config()
        self.start_containerd()
        self._import_images()
        return self

    def _on_signal(self, sig, _frame):
        self.close()
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)

    def _enter_netns(self):
        # Before any thread: unshare() of CLONE_NEWNET moves the calling
        # thread only, and gRPC starts threads of its own.
        _check_errno(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _write_cni(self):
        os.makedirs(self.path("cni"))
        conf = {
            "cniVersion": "0.4.0",
            "name": self.network,
            "plugins": [
                {
                    "type": "bridge",
                    "bridge": ("rlc" + self.tag)[:15],
                    "isGateway": True,
                    "ipMasq": False,
                    "hairpinMode": True,
                    "ipam": {
                        "type": "host-local",
                        "dataDir": self.path("cni-ipam"),
                        "ranges": [[{"subnet": SUBNET, "gateway": GATEWAY}]],
                        # no routes: the pods reach each other and the
                        # bridge, nothing else (there is nothing else)
                        "routes": [],
                    },
                }
            ],
        }
        with open(self.path("cni", "10-rlite-test.conflist"), "w") as f:
            json.dump(conf, f, indent=2)

    def _write_wrappers(self):
        # A runtime handler whose binary is rlite with --init=never: the
        # runc shim has no option for runtime flags, so a cluster that
        # wants the workload as pid 1 for every pod of a RuntimeClass
        # points BinaryName at a wrapper like this one (or sets the
        # org.rlite.init annotation per pod, or init in rlite.conf).
        if "rlite" in self.handlers:
            w = self.path("rlite-noinit")
            with open(w, "w") as f:
                f.write('#!/bin/sh\nexec %s --init=never "$@"\n' % self.handlers["rlite"])
            os.chmod(w, 0o755)
            self.handlers.setdefault("rlite-noinit", w)

    def _write_config(self):
        rt = ""
        for name, binary in self.handlers.items():
            rt += """
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%(name)s]
      runtime_type = "io.containerd.runc.v2"
      # the annotations a pod may pass to the runtime (rlite's pid-1 shim)
      pod_annotations = ["org.rlite.*"]
      container_annotations = ["org.rlite.*"]
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%(name)s.options]
        BinaryName = "%(binary)s"
        Root = "%(root)s"
        SystemdCgroup = false
""" % {"name": name, "binary": binary, "root": self.runtime_root}
        cfg = """version = 2
root = "%(d)s/root"
state = "%(d)s/state"
# Not needed here, and not able to run on this machine.
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "%(d)s/containerd.sock"
[ttrpc]
  address = "%(d)s/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "%(d)s/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "%(pause)s"
  # A pod sandbox gets oom_score_adj -998, and lowering a process's
  # oom_score_adj below its minimum takes CAP_SYS_RESOURCE, which this
  # machine's capability bounding set does not have (so no process here
  # has it): every sandbox would fail with EACCES.  Restricted, containerd
  # clamps the value to its own oom_score_adj, which needs no privilege.
  restrict_oom_score_adj = true
  # Pod network namespaces below the state directory, not /var/run/netns.
  netns_mounts_under_state_dir = true
  # Exec, Attach and PortForward URLs, on the loopback of the suite's own
  # network namespace; port 0: any free one.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "%(default)s"
    snapshotter = "overlayfs"
%(rt)s
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "%(cni_bin)s"
    conf_dir = "%(d)s/cni"
    max_conf_num = 1
""" % {
            "d": self.dir,
            "pause": PAUSE_IMAGE,
            "default": self.handler,
            "rt": rt,
            "cni_bin": CNI_BIN,
        }
        with open(self.path("config.toml"), "w") as f:
            f.write(cfg)

    def start_containerd(self):
        """Starts containerd (again) and waits until its CRI plugin says
        the runtime and the network are ready."""
        from cri import Client

        logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            ["containerd", "--config", self.path("config.toml")],
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=logf,
            start_new_session=True,
        )
        logf.close()
        if self.cri is None:
            self.cri = Client(self.sock, self)

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError("containerd exited %d:\n%s" % (self.proc.returncode, self.log_tail()))
            if not os.path.exists(self.sock):
                return False
            try:
                st = self.cri.Status(_deadline=2)
            except Exception:
                return False
            conds = {c.type: c.status for c in st.status.conditions}
            return conds.get("RuntimeReady") and conds.get("NetworkReady")

        if not wait_until(30, ready, 0.1):
            raise RuntimeError("containerd's CRI plugin not ready in 30 s:\n" + self.log_tail())

    def stop_containerd(self, sig=signal.SIGTERM):
        """Stops containerd (not its shims: they live on, as on a node
        where containerd restarts)."""
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart_containerd(self, sig=signal.SIGTERM):
        self.stop_containerd(sig)
        self.start_containerd()

    def ctr(self, *args, check=True):
        return subprocess.run(
            ["ctr", "--address", self.sock, "--namespace", "k8s.io"] + list(args),
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def _import_images(self):
        img = self.path("images")
        os.makedirs(img)
        # pause: one static binary, run as 65535 as the Kubernetes one is.
        os.makedirs(os.path.join(img, "pause-root"))
        subprocess.run(
            ["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-static",
             "-o", os.path.join(img, "pause-root", "pause"), os.path.join(HERE, "pause.c")],
            check=True,
        )
        mk = os.path.join(HERE, "mkimage")
        subprocess.run(
            [mk, "--entrypoint", '["/pause"]', "--user", "65535:65535",
             os.path.join(img, "pause-root"), PAUSE_IMAGE, os.path.join(img, "pause.tar")],
            check=True,
        )
        bb = os.path.join(img, "busybox-root")
        subprocess.run([os.path.join(TOP, "rootfs-tools", "busybox-rootfs"), bb], check=True)
        subprocess.run([mk, "--cmd", '["sh"]', bb, BUSYBOX_IMAGE, os.path.join(img, "busybox.tar")], check=True)
        for tar in ("pause.tar", "busybox.tar"):
            r = self.ctr("images", "import", os.path.join(img, tar), check=False)
            if r.returncode != 0:
                raise RuntimeError("ctr images import %s: %s%s" % (tar, r.stdout, r.stderr))
        for name in (PAUSE_IMAGE, BUSYBOX_IMAGE):
            # the CRI plugin learns of imported images from events
            if not wait_until(10, lambda: self.cri.ImageStatus(image={"image": name}).image.id):
                raise RuntimeError("the CRI plugin does not see %s" % name)

    # ---- observation helpers -----------------------------------------------

    def log_tail(self, since=0, limit=60):
        try:
            with open(self.log, "rb") as f:
                f.seek(since)
                lines = f.read().decode(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-limit:])

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def cgroup_dirs(self):
        """Every cgroup directory below the suite's parent, in every
        hierarchy, deepest first."""
        out = []
        for h in _cgroup_hierarchies():
            top = os.path.join(CGROUP_ROOT, h, self.cgroup_parent.lstrip("/"))
            if not os.path.isdir(top):
                continue
            for d, _subdirs, _files in os.walk(top):
                out.append(d)
        return sorted(out, key=len, reverse=True)

    def make_pod_cgroup(self, rel):
        """The pod's cgroup, made as a kubelet with the cgroupfs driver
        makes it before RunPodSandbox: a directory in every hierarchy,
        cpuset.cpus and cpuset.mems copied from the parent (a new cpuset
        cgroup starts with none, and no task could join it)."""
        for h in _cgroup_hierarchies():
            base = os.path.join(CGROUP_ROOT, h)
            d = base
            for part in rel.strip("/").split("/"):
                parent, d = d, os.path.join(d, part)
                if not os.path.isdir(d):
                    os.mkdir(d)
                    for f in ("cpuset.cpus", "cpuset.mems"):
                        if os.path.exists(os.path.join(parent, f)):
                            with open(os.path.join(parent, f)) as src:
                                v = src.read().strip()
                            with open(os.path.join(d, f), "w") as dst:
                                dst.write(v)

    def remove_pod_cgroup(self, rel):
        for h in _cgroup_hierarchies():
            d = os.path.join(CGROUP_ROOT, h, rel.strip("/"))
            if os.path.isdir(d):
                wait_until(5, lambda: _rmdir(d), 0.1)

    def shim_pids(self):
        return [p for p in pids_with_arg(self.sock) if p != os.getpid()]

    def leftovers(self):
        """What is left of pods and containers: for a test that removed
        everything, the list must be empty."""
        out = []
        for p in self.shim_pids():
            if self.proc and p == self.proc.pid:
                continue
            out.append("shim process %d" % p)
        # the pods' cgroups (parent/podUID) are the kubelet's (the
        # suite's); a container's (parent/podUID/ID) is the runtime's
        for d in self.cgroup_dirs():
            rel = os.path.relpath(d, CGROUP_ROOT).split("/", 1)[-1]
            if rel.count("/") >= 2:
                out.append("cgroup %s" % d)
        for m in mounts_below(self.path("state")):
            out.append("mount %s" % m)
        rr = os.path.join(self.runtime_root, "k8s.io")
        if os.path.isdir(rr):
            out += ["%s state %s" % (self.runtime, c) for c in os.listdir(rr)]
        ipam = self.path("cni-ipam", self.network)
        if os.path.isdir(ipam):
            out += ["IP still allocated: %s" % a for a in os.listdir(ipam) if a[0].isdigit()]
        if os.path.isdir(CNI_CACHE):
            out += ["CNI cache %s" % c for c in os.listdir(CNI_CACHE) if self._cni_cached(c)]
        return out

    def _cni_cached(self, name):
        """Whether NAME in libcni's cache is one of the suite's: its own
        network's, or the loopback network containerd's CRI plugin adds to
        every pod (cni-loopback-ID-lo, for the ids of this run)."""
        if name.startswith(self.network + "-"):
            return True
        ids = self.cri.ids if self.cri else ()
        return name.startswith("cni-loopback-") and name[len("cni-loopback-"):-len("-lo")] in ids

    # ---- removal -------------------------------------------------------------

    def close(self):
        """Removes everything the suite made, whatever state it is in."""
        if self.closed or not self.dir:
            return
        self.closed = True
        err = sys.stderr
        try:
            if self.proc and self.proc.poll() is None and self.cri:
                self.cri.remove_all_pods(deadline=20)
        except Exception as e:
            print("cleanup: removing the pods: %s" % e, file=err)
        self.stop_containerd()
        if self.cri:
            self.cri.close()
        # What is still running: the shims, then every process in the
        # suite's cgroups (a container whose shim is gone).
        for p in self.shim_pids():
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        for d in self.cgroup_dirs():
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    for p in f.read().split():
                        try:
                            os.kill(int(p), signal.SIGKILL)
                        except OSError:
                            pass
            except OSError:
                pass
        # The runtime's own state (it may hold an exec fifo or a monitor).
        rr = os.path.join(self.runtime_root, "k8s.io")
        for binary in set(self.handlers.values()):
            if os.path.isdir(rr):
                for c in os.listdir(rr):
                    subprocess.run([binary, "--root", rr, "delete", "--force", c],
                                   capture_output=True, timeout=30)
        for m in mounts_below(self.dir):
            umount(m)
        for d in self.cgroup_dirs():
            wait_until(5, lambda: _rmdir(d), 0.1)
        if os.path.isdir(CNI_CACHE):
            for c in os.listdir(CNI_CACHE):
                if self._cni_cached(c):
                    os.unlink(os.path.join(CNI_CACHE, c))
        # A killed shim leaves its socket behind: named after the sha256
        # of "ADDRESS/NAMESPACE/ID" (containerd 1.6, runtime/v2/shim).
        for i in self.cri.ids if self.cri else ():
            h = hashlib.sha256(("%s/k8s.io/%s" % (self.sock, i)).encode()).hexdigest()
            try:
                os.unlink(os.path.join(SHIM_SOCKETS, h))
            except OSError:
                pass
        # libcni made these if they were missing: removed when empty
        for d in reversed(self.cni_dirs):
            try:
                os.rmdir(d)
            except OSError:
                pass
        keep = os.environ.get("CRI_KEEP_LOG")
        if keep:  # containerd's log, for a look after the run
            shutil.copyfile(self.log, keep)
        if not mounts_below(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("cleanup: %s still has mounts: %s" % (self.dir, mounts_below(self.dir)), file=err)
        left = [d for d in self.cgroup_dirs()]
        if left:
            print("cleanup: cgroups left: %s" % left, file=err)


def _cgroup_hierarchies():
    """The names below /sys/fs/cgroup that are cgroup mounts (not, e.g., the
    tmpfs bench_pod.py puts over the cgroup2 mount for crun)."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            mp, fstype = left.split()[4], right.split()[0]
            if fstype in ("cgroup", "cgroup2") and os.path.dirname(mp) == CGROUP_ROOT:
                out.append(os.path.basename(mp))
    return out


def _rmdir(d):
    try:
        os.rmdir(d)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False
