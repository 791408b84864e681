#!/usr/bin/python3
"""
lxc_reference.py - REFERENCE side of the container benchmark.

Measures, on this host:
  Part 1  libvirt 9.0 LXC driver (a private libvirtd started by this script)
  Part 2  LXC 5.0 (lxc-execute / lxc-start / lxc-stop)

Prints ONE JSON object on stdout; every diagnostic goes to stderr.
Only the Python standard library and python3-libvirt are used.

Usage:  /usr/bin/python3 lxc_reference.py [-n ROUNDS] [-k CONTAINERS] [options]
        (see --help).  Must run as root.

Design notes (why things are done this way):
  * libvirtd runs in a PRIVATE mount namespace created by a forked "reaper"
    process.  In that namespace the cgroup2 mount /sys/fs/cgroup/unified is
    unmounted (libvirt's LXC driver fails on the hybrid v1+v2 layout
    otherwise: "Failure in libvirt_lxc startup: Unable to create directory
    /sys/fs/cgroup/unified: No such file or directory"), and libvirt's state
    directories (/run/libvirt, /var/lib/libvirt, /var/log/libvirt,
    /var/cache/libvirt, /etc/libvirt) are replaced by empty private
    directories, so nothing is shared with a system libvirtd and nothing is
    left on the host.  Mount points that do not exist on the host are created
    inside overlayfs mounts (upper dirs in the run dir), so the host
    filesystem is never modified.  All those mounts disappear with the
    namespace.
  * The reaper is a child subreaper (PR_SET_CHILD_SUBREAPER): libvirt_lxc
    controllers double-fork and would otherwise be reparented to PID 1,
    which reaps late here; libvirt's destroy waits for the controller PID to
    vanish, so late reaping inflates destroy time.  The reaper reaps every
    orphan immediately with waitpid(-1).
  * Only libvirt's LXC driver module is loaded (LIBVIRT_DRIVER_DIR points at
    a directory with a single symlink) so the QEMU/network/... drivers do
    not probe binaries, create bridges or start dnsmasq.
  * Part 2 runs in another forked subreaper (lxc-start -d / lxc-execute -d
    daemonize their monitor, which would otherwise be reaped late by PID 1).
"""

import argparse
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import platform
import re
import select
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

BASE = "/tmp/swiftvirt-lxc-reference"
LOCK_FILE = os.path.join(BASE, ".lxc_reference.lock")
STATE_FILE = os.path.join(BASE, ".lxc_reference.state.json")
RUN_PREFIX = "run-"
DOM_PREFIX = "svbench-"           # libvirt domain names
LXC_PREFIX = "svbench-"           # lxc container names

LIBVIRTD = "/usr/sbin/libvirtd"
LIBVIRT_LXC = "/usr/lib/libvirt/libvirt_lxc"
DRIVER_DIR_CANDIDATES = [
    "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver",
    "/usr/lib64/libvirt/connection-driver",
    "/usr/lib/libvirt/connection-driver",
]
LXC_TOOLS = ["lxc-execute", "lxc-start", "lxc-stop", "lxc-wait", "lxc-info"]

# libvirt's private state directories (compiled-in paths for privileged mode)
LIBVIRT_STATE_PATHS = ["/run/libvirt", "/var/lib/libvirt", "/var/log/libvirt",
                       "/var/cache/libvirt", "/etc/libvirt"]

DOMAIN_XML = ("<domain type='lxc'><name>{name}</name>"
              "<memory unit='MiB'>64</memory>"
              "<os><type>exe</type><init>/bin/sh</init>"
              "<initarg>-c</initarg><initarg>sleep 1000</initarg></os>"
              "<devices><console type='pty'/></devices></domain>")

# --- linux constants -------------------------------------------------------
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                        ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong,
                        ctypes.c_ulong, ctypes.c_ulong]


def _b(s):
    return None if s is None else os.fsencode(s)


def _check(ret, what):
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def prctl(opt, arg):
    _check(_libc.prctl(opt, arg, 0, 0, 0), "prctl(%d)" % opt)


def sys_mount(src, target, fstype, flags, data=None):
    _check(_libc.mount(_b(src), _b(target), _b(fstype), flags, _b(data)),
           "mount(%s -> %s, %s)" % (src, target, fstype))


def sys_umount2(target, flags):
    _check(_libc.umount2(_b(target), flags), "umount2(%s)" % target)


def sys_unshare(flags):
    _check(_libc.unshare(flags), "unshare(0x%x)" % flags)


# --- small helpers ---------------------------------------------------------
def log(*a):
    """diagnostics to stderr; never let a closed stderr break cleanup"""
    try:
        print("[lxc_reference]", *a, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def die(msg, code=2):
    print("lxc_reference: ERROR: %s" % msg, file=sys.stderr, flush=True)
    sys.exit(code)


class Terminate(Exception):
    pass


def ms(x):
    return round(x * 1000.0, 3)


def summary(vals_s):
    """stats of a list of durations in seconds -> dict in ms"""
    if not vals_s:
        return None
    v = sorted(vals_s)
    n = len(v)
    return {"n": n, "median_ms": ms(statistics.median(v)), "min_ms": ms(v[0]),
            "p90_ms": ms(v[min(n - 1, int(round(0.9 * (n - 1))))]),
            "max_ms": ms(v[-1]), "mean_ms": ms(statistics.mean(v))}


def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            out[k] = int(v.split()[0])
    return out


def mem_available_kib():
    return meminfo()["MemAvailable"]


def mem_available_sampled(n=5, interval=0.1):
    """median of n MemAvailable samples and their spread (noise estimate)"""
    v = []
    for i in range(n):
        if i:
            time.sleep(interval)
        v.append(mem_available_kib())
    return statistics.median(v), max(v) - min(v)


def memcg_usage_kib(paths):
    """sum of memory.usage_in_bytes (v1) of the given memory cgroup dirs"""
    tot = 0
    for d in paths:
        try:
            with open(os.path.join(d, "memory.usage_in_bytes")) as f:
                tot += int(f.read())
        except OSError:
            pass
    return tot // 1024


def read_stat(pid):
    """(state, ppid, starttime) of a pid or None"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    rest = data.rsplit(")", 1)[1].split()
    # rest[0] = state (field 3), rest[1] = ppid (4), starttime = field 22
    return rest[0], int(rest[1]), int(rest[19])


def pid_alive(pid):
    st = read_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def children_map():
    cm = {}
    for p in all_pids():
        st = read_stat(p)
        if st:
            cm.setdefault(st[1], []).append(p)
    return cm


def descendants(root):
    cm = children_map()
    out, stack = [], list(cm.get(root, []))
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(cm.get(p, []))
    return out


def proc_desc(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            c = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        c = "?"
    st = read_stat(pid)
    return "%d[%s] %s" % (pid, st[0] if st else "?", c[:120])


def smaps_rollup(pid):
    out = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    out[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return out


def pss_kib(pid):
    return smaps_rollup(pid).get("Pss", 0)


def private_kib(pid):
    r = smaps_rollup(pid)
    return r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)


def mountinfo(pid="self"):
    res = []
    with open("/proc/%s/mountinfo" % pid) as f:
        for line in f:
            a, b = line.split(" - ", 1)
            a, b = a.split(), b.split()
            res.append({"mnt": a[4].replace("\\040", " "), "fstype": b[0],
                        "opts": b[2] if len(b) > 2 else ""})
    return res


def cgroup_mounts():
    """[(mountpoint, fstype)] of cgroup v1/v2 hierarchies in this mount ns"""
    seen, out = set(), []
    for m in mountinfo():
        if m["fstype"] in ("cgroup", "cgroup2") and m["mnt"] not in seen:
            seen.add(m["mnt"])
            out.append((m["mnt"], m["fstype"]))
    return out


def cgroup_dirs(pred, maxdepth=3):
    """all cgroup directories (any hierarchy) whose relative path satisfies
    pred(relpath).  Depth-limited walk."""
    out = []
    for mnt, _ in cgroup_mounts():
        stack = [(mnt, 0)]
        while stack:
            d, depth = stack.pop()
            if depth >= maxdepth:
                continue
            try:
                entries = list(os.scandir(d))
            except OSError:
                continue
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    rel = os.path.relpath(e.path, mnt)
                    if pred(rel):
                        out.append(e.path)
                    stack.append((e.path, depth + 1))
    return sorted(out)


def cgroup_has_tasks(path):
    for root, dirs, files in os.walk(path):
        try:
            with open(os.path.join(root, "cgroup.procs")) as f:
                if f.read().strip():
                    return True
        except OSError:
            pass
    return False


def rmdir_cgroup_tree(path):
    """rmdir a cgroup dir and its (empty) children, bottom up. True if gone."""
    for root, dirs, files in os.walk(path, topdown=False):
        try:
            os.rmdir(root)
        except OSError:
            pass
    return not os.path.isdir(path)


def is_libvirt_machine_rel(rel):
    parts = rel.split("/")
    return parts[0] in ("machine", "machine.slice")


def is_our_lxc_rel(rel):
    b = rel.split("/")[0]
    return b == "lxc.pivot" or b.startswith("lxc.payload." + LXC_PREFIX) \
        or b.startswith("lxc.monitor." + LXC_PREFIX)


def kill_and_reap_tree(root, sig=signal.SIGKILL, exclude=()):
    """SIGKILL every descendant of root (found by ppid chain, never by name)."""
    victims = [p for p in descendants(root) if p not in exclude]
    for p in victims:
        try:
            os.kill(p, sig)
        except ProcessLookupError:
            pass
    return victims



def kill_own_descendants():
    """SIGKILL and reap, in rounds, every descendant of this process (their subreaper)."""
    me = os.getpid()
    for _ in range(50):
        if not kill_and_reap_tree(me):
            break
        time.sleep(0.05)
        reap_orphans_nohang()
    reap_orphans_nohang()

def reap_orphans_nohang():
    n = 0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return n
        if pid == 0:
            return n
        n += 1


def wait_pid_gone(pid, timeout):
    """poll until pid no longer exists or is a zombie"""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not pid_alive(pid):
            return True
        time.sleep(0.01)
    return not pid_alive(pid)


def wait_child(pid, timeout):
    """waitpid a direct child with a bound. returns status or None"""
    end = time.monotonic() + timeout
    while True:
        try:
            p, st = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return 0
        if p == pid:
            return st
        if time.monotonic() > end:
            return None
        time.sleep(0.02)


def proc_link(pid, name):
    """the target of /proc/PID/NAME (exe, ns/mnt, ...), or None once it is gone"""
    try:
        return os.readlink("/proc/%d/%s" % (pid, name))
    except OSError:
        return None


def mnt_ns_id(pid):
    return proc_link(pid, "ns/mnt")


def pids_in_mnt_ns(ns):
    out = []
    for p in all_pids():
        if mnt_ns_id(p) == ns:
            out.append(p)
    return out


def set_pdeathsig_and_check(parent):
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:        # parent already gone
        os._exit(1)


def make_private_ns(unmount_cgroup2):
    """unshare a mount ns, make everything private, optionally unmount every
    cgroup2 mount that is NOT /sys/fs/cgroup itself (hybrid layout)."""
    sys_unshare(CLONE_NEWNS)
    sys_mount(None, "/", None, MS_REC | MS_PRIVATE)
    removed = []
    if unmount_cgroup2:
        for mnt, fstype in cgroup_mounts():
            if fstype == "cgroup2" and mnt != "/sys/fs/cgroup":
                sys_umount2(mnt, MNT_DETACH)
                removed.append(mnt)
    return removed


def safe_rmtree(path):
    if path and os.path.realpath(path).startswith(BASE + "/") and os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)


# ===========================================================================
# State file (for idempotency after a crashed / killed previous run)
# ===========================================================================
class State:
    def __init__(self):
        self.data = {"main_pid": os.getpid(), "procs": [], "rundirs": []}

    def add_proc(self, pid, role):
        st = read_stat(pid)
        self.data["procs"].append({"pid": pid, "role": role,
                                   "start": st[2] if st else None})
        self.save()

    def add_rundir(self, d):
        self.data["rundirs"].append(d)
        self.save()

    def save(self):
        tmp = STATE_FILE + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f)
        os.replace(tmp, STATE_FILE)

    def clear(self):
        try:
            os.unlink(STATE_FILE)
        except FileNotFoundError:
            pass


def cleanup_stale(notes):
    removed_cg = []
    """Clean what a previous (killed) run of this script left behind.
    Only processes recorded in our state file (pid + start time match) are
    signalled; nothing is looked up by name."""
    if os.path.exists(STATE_FILE):
        try:
            with open(STATE_FILE) as f:
                old = json.load(f)
        except Exception:
            old = {}
        for p in old.get("procs", []):
            pid, start = p.get("pid"), p.get("start")
            st = read_stat(pid) if pid else None
            if st and start is not None and st[2] == start:
                log("stale %s pid %d from a previous run: terminating it and "
                    "its descendants" % (p.get("role"), pid))
                notes.append("cleaned stale %s process %d (and descendants) "
                             "left by a previous run" % (p.get("role"), pid))
                try:
                    os.kill(pid, signal.SIGTERM)      # reaper cleans up itself
                except ProcessLookupError:
                    pass
                end = time.monotonic() + 20
                while time.monotonic() < end and pid_alive(pid):
                    time.sleep(0.1)
                for q in kill_and_reap_tree(pid):
                    log("  SIGKILL stale descendant", q)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                wait_pid_gone(pid, 5)
        for d in old.get("rundirs", []):
            if os.path.isdir(d):
                notes.append("removed stale run dir %s" % d)
                safe_rmtree(d)
        stale_parts = []
        if "preexisting_machine_cgroups" in old:
            pre = set(old["preexisting_machine_cgroups"])
            stale_parts += [d for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=1)
                            if d not in pre]
        if "preexisting_lxc_pivot_cgroups" in old:
            pre = set(old["preexisting_lxc_pivot_cgroups"])
            stale_parts += [d for d in cgroup_dirs(lambda r: r == "lxc.pivot",
                                                   maxdepth=1) if d not in pre]
        for d in stale_parts:
            # our own domains' dirs below it first (empty ones only)
            for sub in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                sp = os.path.join(d, sub)
                if (os.path.isdir(sp) and ("-" + DOM_PREFIX) in sub
                        and not cgroup_has_tasks(sp) and rmdir_cgroup_tree(sp)):
                    removed_cg.append(sp)
            if not cgroup_has_tasks(d) and rmdir_cgroup_tree(d):
                removed_cg.append(d)
        try:
            os.unlink(STATE_FILE)
        except FileNotFoundError:
            pass
    # stale run dirs not referenced by any live process
    if os.path.isdir(BASE):
        live_cmdlines = []
        for p in all_pids():
            try:
                with open("/proc/%d/cmdline" % p, "rb") as f:
                    live_cmdlines.append(f.read())
            except OSError:
                pass
        for name in os.listdir(BASE):
            d = os.path.join(BASE, name)
            if name.startswith(RUN_PREFIX) and os.path.isdir(d):
                if any(os.fsencode(d) in c for c in live_cmdlines):
                    notes.append("run dir %s is still used by a live process; "
                                 "left alone" % d)
                    continue
                notes.append("removed stale run dir %s" % d)
                safe_rmtree(d)
    # stale cgroups with our names
    for d in cgroup_dirs(lambda r: (is_libvirt_machine_rel(r) and
                                    ("-" + DOM_PREFIX) in r.split("/")[-1] and
                                    r.endswith(".libvirt-lxc"))
                         or (is_our_lxc_rel(r) and r != "lxc.pivot"),
                         maxdepth=2):
        if cgroup_has_tasks(d):
            notes.append("WARNING: stale cgroup %s still has tasks (not ours to "
                         "kill; measurements may be disturbed)" % d)
        elif rmdir_cgroup_tree(d):
            removed_cg.append(d)
    if removed_cg:
        notes.append("removed %d stale empty cgroup dirs left by a previous run, "
                     "e.g. %s" % (len(removed_cg), ", ".join(removed_cg[:3])))
        log(notes[-1])


# ===========================================================================
# Part 1: libvirt LXC driver
# ===========================================================================
def reaper_main(parent, rundir, wfd, subreaper, driver_dir, binds=()):
    """Runs in the forked reaper process.  Never returns."""
    rlog = open(os.path.join(rundir, "reaper.log"), "a", buffering=1)

    def rl(*a):
        print(time.strftime("%H:%M:%S"), *a, file=rlog)

    def on_term(signum, frame):
        raise Terminate()

    libvirtd_pid = None
    try:
        os.setpgid(0, 0)          # terminal ^C goes to main only; main cleans up
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGHUP, on_term)
        set_pdeathsig_and_check(parent)
        if subreaper:
            prctl(PR_SET_CHILD_SUBREAPER, 1)
        removed = make_private_ns(unmount_cgroup2=True)
        rl("private mount ns; unmounted cgroup2:", removed)

        # mount points for libvirt's state dirs: create missing ones inside an
        # overlay of their top-level dir so the host fs is never written.
        ov_done = set()
        for path in LIBVIRT_STATE_PATHS:
            if not os.path.isdir(path):
                top = "/" + path.strip("/").split("/")[0]
                if top not in ov_done:
                    key = top.strip("/")
                    up = os.path.join(rundir, "ovl", key, "upper")
                    wk = os.path.join(rundir, "ovl", key, "work")
                    os.makedirs(up)
                    os.makedirs(wk)
                    sys_mount("overlay", top, "overlay", 0,
                              "lowerdir=%s,upperdir=%s,workdir=%s" % (top, up, wk))
                    ov_done.add(top)
                    rl("overlay on", top)
                os.makedirs(path, exist_ok=True)
            src = os.path.join(rundir, "state", path.strip("/").replace("/", "_"))
            os.makedirs(src, exist_ok=True)
            sys_mount(src, path, None, MS_BIND)
            rl("bind", src, "->", path)
        for src, path in binds:
            sys_mount(src, path, None, MS_BIND)
            rl("bind", src, "->", path)
        env = dict(os.environ)
        env["LIBVIRT_DRIVER_DIR"] = driver_dir
        env.pop("LIBVIRT_DEFAULT_URI", None)
        out = os.open(os.path.join(rundir, "libvirtd.stdio"),
                      os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        pid = os.fork()
        if pid == 0:
            try:
                for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(s, signal.SIG_DFL)
                devnull = os.open("/dev/null", os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(out, 1)
                os.dup2(out, 2)
                os.closerange(3, 65536)
                os.execve(LIBVIRTD, [LIBVIRTD, "-f",
                                     os.path.join(rundir, "libvirtd.conf"),
                                     "--pid-file",
                                     os.path.join(rundir, "libvirtd.pid")], env)
            finally:
                os._exit(127)
        libvirtd_pid = pid
        os.close(out)
        os.write(wfd, b"OK %d\n" % pid)
        os.close(wfd)
        wfd = None
        rl("libvirtd pid", pid)
        while True:
            try:
                p, st = os.waitpid(-1, 0)
            except ChildProcessError:
                rl("no children left; exiting")
                os._exit(0)
            rl("reaped", p, "status", st, "(libvirtd)" if p == libvirtd_pid else "")
            if p == libvirtd_pid:
                libvirtd_pid = None
    except Terminate:
        rl("SIGTERM: shutting down")
        try:
            if libvirtd_pid:
                os.kill(libvirtd_pid, signal.SIGTERM)
                end = time.monotonic() + 10
                while time.monotonic() < end:
                    p, st = os.waitpid(-1, os.WNOHANG)
                    if p == libvirtd_pid:
                        break
                    if p == 0:
                        time.sleep(0.05)
            kill_own_descendants()
            for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=2):
                if d.endswith(".libvirt-lxc") and ("-" + DOM_PREFIX) in d:
                    if not cgroup_has_tasks(d):
                        rmdir_cgroup_tree(d)
        except Exception as e:
            rl("shutdown error", e)
        os._exit(0)
    except BaseException as e:
        msg = "ERR %s: %s" % (type(e).__name__, e)
        rl(msg, traceback.format_exc())
        if wfd is not None:
            try:
                os.write(wfd, (msg.replace("\n", " ") + "\n").encode())
            except OSError:
                pass
        if libvirtd_pid:
            try:
                os.kill(libvirtd_pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(3)


class LibvirtBench:
    """A private libvirtd with one driver module loaded (LXC's here; qemu_reference.py
    reuses it for QEMU's by overriding the class attributes and driver_config)."""
    DRIVER_MODULE = "libvirt_driver_lxc.so"
    URI_SCHEME = "lxc"

    def driver_config(self, etc_dir):
        """write the driver's own config into the private /etc/libvirt (none for LXC)"""

    def extra_binds(self):
        """(source, target) files bound over host files in libvirtd's private mount ns"""
        return []

    def __init__(self, args, state, notes):
        self.args = args
        self.state = state
        self.notes = notes
        self.rundir = None
        self.reaper = None
        self.libvirtd = None
        self.ns = None
        self.conn = None
        self.pre_machine = set()
        self.res = {}
        self.leftovers = {}

    # ------------------------------------------------------------------
    def start(self):
        import libvirt
        self.libvirt = libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)

        self.rundir = tempfile.mkdtemp(prefix=RUN_PREFIX + "libvirt-", dir=BASE)
        self.state.add_rundir(self.rundir)
        sockdir = os.path.join(self.rundir, "sock")
        os.makedirs(sockdir)
        drv = os.path.join(self.rundir, "drivers")
        os.makedirs(drv)
        os.symlink(os.path.join(self.args.driver_src, self.DRIVER_MODULE),
                   os.path.join(drv, self.DRIVER_MODULE))
        etc_dir = os.path.join(self.rundir, "state", "etc_libvirt")
        os.makedirs(etc_dir)
        self.driver_config(etc_dir)
        with open(os.path.join(self.rundir, "libvirtd.conf"), "w") as f:
            f.write('unix_sock_dir = "%s"\n' % sockdir)
            f.write('unix_sock_ro_perms = "0700"\n')
            f.write('unix_sock_rw_perms = "0700"\n')
            f.write('unix_sock_admin_perms = "0700"\n')
            f.write('auth_unix_ro = "none"\n')
            f.write('auth_unix_rw = "none"\n')
            f.write('log_outputs = "3:file:%s"\n'
                    % os.path.join(self.rundir, "libvirtd.log"))
        self.pre_machine = set(cgroup_dirs(is_libvirt_machine_rel, maxdepth=1))
        self.state.data["preexisting_machine_cgroups"] = sorted(self.pre_machine)
        self.state.save()

        r, w = os.pipe()
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                reaper_main(os.getppid(), self.rundir, w, not self.args.no_subreaper, drv,
                            self.extra_binds())
            finally:
                os._exit(4)
        os.close(w)
        self.reaper = pid
        self.state.add_proc(pid, "libvirt-reaper")
        line = b""
        end = time.monotonic() + 20
        while not line.endswith(b"\n") and time.monotonic() < end:
            rr, _, _ = select.select([r], [], [], 0.5)
            if rr:
                chunk = os.read(r, 4096)
                if not chunk:
                    break
                line += chunk
        os.close(r)
        line = line.decode(errors="replace").strip()
        if not line.startswith("OK "):
            raise RuntimeError("reaper/namespace setup failed: %r (see %s/reaper.log)"
                               % (line, self.rundir))
        self.libvirtd = int(line.split()[1])
        self.state.add_proc(self.libvirtd, "libvirtd")
        self.ns = mnt_ns_id(self.reaper)
        log("reaper pid %d (%s, private mount ns %s), libvirtd pid %d"
            % (self.reaper, "NOT a subreaper" if self.args.no_subreaper
               else "child subreaper", self.ns, self.libvirtd))

        uri = "%s+unix:///system?socket=%s" % (self.URI_SCHEME, os.path.join(sockdir, "libvirt-sock"))
        last = None
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if not pid_alive(self.libvirtd):
                raise RuntimeError("libvirtd exited during startup:\n%s"
                                   % self.tail_logs())
            if os.path.exists(os.path.join(sockdir, "libvirt-sock")):
                try:
                    self.conn = libvirt.open(uri)
                    break
                except libvirt.libvirtError as e:
                    last = e
            time.sleep(0.02)
        if self.conn is None:
            raise RuntimeError("libvirtd socket never answered (%s):\n%s"
                               % (last, self.tail_logs()))
        self.res["libvirtd_ready_s"] = round(time.perf_counter() - t0, 3)
        self.res["uri"] = uri
        self.res["libvirt_version"] = self.conn.getLibVersion()
        log("connected to %s after %.3f s" % (uri, self.res["libvirtd_ready_s"]))

    def tail_logs(self):
        out = []
        for n in ("libvirtd.stdio", "libvirtd.log", "reaper.log"):
            p = os.path.join(self.rundir, n)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    out.append("--- %s ---\n%s" % (n, "".join(f.readlines()[-15:])))
        return "\n".join(out)

    # ------------------------------------------------------------------
    def lxc_state_dir(self):
        return os.path.join(self.rundir, "state", "run_libvirt", "lxc")

    def snapshot_leftovers(self):
        """(processes under the reaper other than libvirtd, libvirt machine
        cgroups of our domains, per-domain entries in /run/libvirt/lxc).
        Entries are (name, kind); NAME.xml / NAME.pid would mean libvirt still
        considers the domain alive, NAME.dev/.devpts/.fuse (empty dirs) and
        NAME.sock (dead socket) are artifacts libvirt never removes."""
        procs = [p for p in descendants(self.reaper)
                 if p != self.libvirtd and pid_alive(p)]
        cgs = [d for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=2)
               if d.endswith(".libvirt-lxc") and ("-" + DOM_PREFIX) in d]
        entries = []
        try:
            for e in os.scandir(self.lxc_state_dir()):
                if e.name.startswith(DOM_PREFIX) and not e.name.endswith(".log"):
                    mode = e.stat(follow_symlinks=False).st_mode
                    kind = ("dir" if stat.S_ISDIR(mode) else
                            "socket" if stat.S_ISSOCK(mode) else "file")
                    if kind == "dir" and os.listdir(e.path):
                        kind = "non-empty dir"
                    entries.append((e.name, kind))
        except FileNotFoundError:
            pass
        return procs, cgs, sorted(entries)

    @staticmethod
    def live_state(entries):
        return [n for n, k in entries if n.endswith((".xml", ".pid"))
                or k == "non-empty dir"]

    def remove_domain(self, d):
        """destroy (if running) and undefine (if persistent) a domain"""
        persistent = d.isPersistent()
        if d.isActive():
            d.destroy()
        if persistent:
            d.undefine()

    def ensure_no_domains(self):
        for d in self.conn.listAllDomains(0):
            log("destroying pre-existing domain", d.name())
            self.notes.append("libvirt: removed pre-existing domain %s" % d.name())
            try:
                self.remove_domain(d)
            except self.libvirt.libvirtError as e:
                log("  failed:", e)

    def create(self, name):
        """createXML; if the name is taken (stale), remove it and retry once"""
        xml = DOMAIN_XML.format(name=name)
        try:
            t0 = time.perf_counter()
            dom = self.conn.createXML(xml, 0)
            return dom, time.perf_counter() - t0
        except self.libvirt.libvirtError as e:
            try:
                old = self.conn.lookupByName(name)
            except self.libvirt.libvirtError:
                raise e
            log("name %s already in use (%s); removing stale domain" % (name, e))
            self.notes.append("libvirt: stale domain %s removed before create" % name)
            self.remove_domain(old)
            t0 = time.perf_counter()
            dom = self.conn.createXML(xml, 0)
            return dom, time.perf_counter() - t0

    def check_running(self, dom):
        st = dom.state()[0]
        if st != self.libvirt.VIR_DOMAIN_RUNNING:
            raise RuntimeError("domain %s not running after create (state %d)"
                               % (dom.name(), st))

    # ------------------------------------------------------------------
    def run(self):
        a = self.args
        lv = self.libvirt
        self.ensure_no_domains()

        # (a)+(b) create / destroy
        creates, destroys = [], []
        leftover_max = {"procs": 0, "cgroups": 0, "live_state_files": 0,
                        "stale_artifacts": 0}
        leftover_examples = []
        for i in range(a.warmup + a.rounds):
            dom, dt = self.create(DOM_PREFIX + "cd")
            self.check_running(dom)
            time.sleep(a.settle_between)
            t0 = time.perf_counter()
            dom.destroy()
            dd = time.perf_counter() - t0
            procs, cgs, ents = self.snapshot_leftovers()
            live = self.live_state(ents)
            if i >= a.warmup:
                creates.append(dt)
                destroys.append(dd)
                lm = leftover_max
                lm["procs"] = max(lm["procs"], len(procs))
                lm["cgroups"] = max(lm["cgroups"], len(cgs))
                lm["live_state_files"] = max(lm["live_state_files"], len(live))
                lm["stale_artifacts"] = max(lm["stale_artifacts"], len(ents) - len(live))
                if (procs or cgs or live) and len(leftover_examples) < 5:
                    leftover_examples.append({"round": i - a.warmup,
                                              "procs": [proc_desc(p) for p in procs],
                                              "cgroups": cgs, "live_state": live})
        self.res["create"] = summary(creates)
        self.res["destroy"] = summary(destroys)
        self.leftovers["immediately_after_each_destroy_max"] = leftover_max
        self.leftovers["examples"] = leftover_examples
        log("create median %.2f ms, destroy median %.2f ms"
            % (self.res["create"]["median_ms"], self.res["destroy"]["median_ms"]))

        # (c) suspend / resume
        dom, _ = self.create(DOM_PREFIX + "sr")
        self.check_running(dom)
        time.sleep(0.2)
        sus, res = [], []
        for i in range(a.warmup + a.suspend_rounds):
            t0 = time.perf_counter()
            dom.suspend()
            t1 = time.perf_counter()
            if dom.state()[0] != lv.VIR_DOMAIN_PAUSED:
                raise RuntimeError("domain not paused after suspend()")
            t2 = time.perf_counter()
            dom.resume()
            t3 = time.perf_counter()
            if dom.state()[0] != lv.VIR_DOMAIN_RUNNING:
                raise RuntimeError("domain not running after resume()")
            if i >= a.warmup:
                sus.append(t1 - t0)
                res.append(t3 - t2)
        dom.destroy()
        self.res["suspend"] = summary(sus)
        self.res["resume"] = summary(res)
        log("suspend median %.2f ms, resume median %.2f ms"
            % (self.res["suspend"]["median_ms"], self.res["resume"]["median_ms"]))

        # (d) memory per running container
        K = a.containers
        time.sleep(a.settle)
        lvd_priv0 = private_kib(self.libvirtd)
        before, noise0 = mem_available_sampled()
        doms = []
        t0 = time.perf_counter()
        try:
            for i in range(K):
                d, _ = self.create("%sm%03d" % (DOM_PREFIX, i))
                doms.append(d)
            startK = time.perf_counter() - t0
            for d in doms:
                self.check_running(d)
            time.sleep(a.settle)
            after, noise1 = mem_available_sampled()
            memcgs = [d for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=2)
                      if d.endswith(".libvirt-lxc") and ("-%sm" % DOM_PREFIX) in d
                      and os.path.exists(os.path.join(d, "memory.usage_in_bytes"))]
            memcg = memcg_usage_kib(memcgs)
            procs = [p for p in descendants(self.reaper) if p != self.libvirtd]
            pss_sum = sum(pss_kib(p) for p in procs)
            lvd_priv1 = private_kib(self.libvirtd)
            ctrl = [p for p in procs if proc_link(p, "exe") == LIBVIRT_LXC]
            pss_ctrl = sum(pss_kib(p) for p in ctrl)
            ncg = len([d for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=2)
                       if d.endswith(".libvirt-lxc") and ("-" + DOM_PREFIX) in d])
            self.res["memory"] = {
                "K": K,
                "mem_available_before_kib": before,
                "mem_available_after_kib": after,
                "mem_per_container_kib": round((before - after) / K, 1),
                "mem_available_sample_spread_kib": [noise0, noise1],
                "start_K_s": round(startK, 3),
                "pss_per_container_kib": round(pss_sum / K, 1),
                "memcg_usage_per_container_kib": round(memcg / K, 1),
                "memcg_dirs": len(memcgs),
                "pss_per_controller_kib": round(pss_ctrl / max(1, len(ctrl)), 1),
                "libvirt_lxc_processes": len(ctrl),
                "processes_under_reaper": len(procs),
                "libvirtd_private_mem_growth_kib": lvd_priv1 - lvd_priv0,
                "machine_cgroup_dirs_all_hierarchies": ncg,
            }
            log("K=%d: start %.3f s, MemAvailable delta %.0f KiB/container, "
                "PSS %.0f KiB/container" % (K, startK, (before - after) / K, pss_sum / K))
        finally:
            t0 = time.perf_counter()
            for d in doms:
                try:
                    d.destroy()
                except lv.libvirtError as e:
                    log("destroy failed:", e)
            self.res.setdefault("memory", {})["destroy_K_s"] = round(
                time.perf_counter() - t0, 3)
        remaining = self.conn.listAllDomains(0)
        self.res["domains_remaining_after_destroy_all"] = [d.name() for d in remaining]
        if remaining:
            raise RuntimeError("domains remain after destroying all: %s"
                               % [d.name() for d in remaining])
        time.sleep(0.3)
        procs, cgs, ents = self.snapshot_leftovers()
        live = self.live_state(ents)
        kinds = {}
        for n, k in ents:
            kinds.setdefault("%s (%s)" % (n[n.index("."):] if "." in n else n, k), 0)
            kinds["%s (%s)" % (n[n.index("."):] if "." in n else n, k)] += 1
        self.leftovers["after_destroy_all"] = {
            "processes": [proc_desc(p) for p in procs],
            "machine_cgroups": cgs,
            "live_state_files": live,
            "stale_artifacts_in_run_libvirt_lxc": kinds}
        self.leftovers["clean"] = not (procs or cgs or live)

    # ------------------------------------------------------------------
    def stop(self):
        """always called; idempotent; returns True if cleanup completed"""
        ok = True
        for step in (self._stop_domains, self._stop_libvirtd, self._stop_reaper,
                     self._stop_cgroups, self._stop_rundir):
            for attempt in range(2):
                try:
                    step()
                    break
                except KeyboardInterrupt:
                    log("signal during cleanup step %s; retrying" % step.__name__)
                except Exception as e:
                    log("cleanup step %s failed: %s" % (step.__name__, e))
                    ok = False
                    break
            else:
                ok = False
        return ok

    def _stop_domains(self):
        if self.conn is not None:
            try:
                for d in self.conn.listAllDomains(0):
                    log("cleanup: destroying leftover domain", d.name())
                    try:
                        d.destroy()
                    except Exception:
                        pass
            except Exception:
                pass
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None

    def _stop_libvirtd(self):
        if self.libvirtd and pid_alive(self.libvirtd):
            t0 = time.perf_counter()
            os.kill(self.libvirtd, signal.SIGTERM)
            if not wait_pid_gone(self.libvirtd, self.args.stop_timeout):
                log("libvirtd did not exit within %ss after SIGTERM: SIGKILL"
                    % self.args.stop_timeout)
                self.notes.append("libvirtd needed SIGKILL")
                try:
                    os.kill(self.libvirtd, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                wait_pid_gone(self.libvirtd, 5)
            self.res["libvirtd_sigterm_exit_s"] = round(time.perf_counter() - t0, 3)
            log("libvirtd stopped after %.3f s" % self.res["libvirtd_sigterm_exit_s"])

    def _stop_reaper(self):
        if self.reaper:
            left = kill_and_reap_tree(self.reaper)
            if left:
                log("cleanup: SIGKILLed leftover descendants of the reaper:",
                    [proc_desc(p) for p in left])
                self.leftovers["killed_at_cleanup"] = len(left)
            st = wait_child(self.reaper, 10)
            if st is None:
                log("reaper did not exit: SIGTERM/SIGKILL")
                try:
                    os.kill(self.reaper, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                if wait_child(self.reaper, 15) is None:
                    kill_and_reap_tree(self.reaper)
                    os.kill(self.reaper, signal.SIGKILL)
                    wait_child(self.reaper, 5)
            self.reaper = None
        if self.ns:
            users = pids_in_mnt_ns(self.ns)
            self.leftovers["processes_in_private_mnt_ns_after_stop"] = users
            if users:
                raise RuntimeError("processes still in the private mount ns: %s"
                                   % [proc_desc(p) for p in users])

    def _stop_cgroups(self):
        # cgroups libvirt created (machine partition) and that are now empty
        removed, kept = [], []
        for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=2):
            if d.endswith(".libvirt-lxc") and ("-" + DOM_PREFIX) in d:
                if not cgroup_has_tasks(d) and rmdir_cgroup_tree(d):
                    removed.append(d)
                else:
                    kept.append(d)
        for d in cgroup_dirs(is_libvirt_machine_rel, maxdepth=1):
            if d not in self.pre_machine:
                if not cgroup_has_tasks(d) and rmdir_cgroup_tree(d):
                    removed.append(d)
                else:
                    kept.append(d)
        self.leftovers["partition_cgroups_removed_at_cleanup"] = removed
        if kept:
            self.leftovers["cgroups_not_removable"] = kept
            raise RuntimeError("cgroups could not be removed: %s" % kept)

    def _stop_rundir(self):
        if self.rundir and not self.args.keep:
            safe_rmtree(self.rundir)
        elif self.rundir:
            log("kept run dir", self.rundir)

    def result(self):
        r = self.res
        out = {
            "create_ms": r["create"]["median_ms"],
            "destroy_ms": r["destroy"]["median_ms"],
            "suspend_ms": r["suspend"]["median_ms"],
            "resume_ms": r["resume"]["median_ms"],
            "mem_per_container_kib": r["memory"]["mem_per_container_kib"],
            "pss_per_container_kib": r["memory"]["pss_per_container_kib"],
            "memcg_usage_per_container_kib": r["memory"]["memcg_usage_per_container_kib"],
            "start_K_s": r["memory"]["start_K_s"],
            "destroy_K_s": r["memory"]["destroy_K_s"],
            "K": r["memory"]["K"],
            "leftovers_clean": self.leftovers.get("clean"),
            "rounds": self.args.rounds,
            "suspend_rounds": self.args.suspend_rounds,
            "detail": r,
            "leftovers": self.leftovers,
        }
        return out


# ===========================================================================
# Part 2: LXC (lxc-execute & co)
# ===========================================================================
LXC_CONF = """\
# minimal application container on the host filesystem (no lxc.rootfs.path)
lxc.net.0.type = empty
lxc.console.path = none
lxc.cgroup.memory.limit_in_bytes = 64M
"""


def lxc_worker(args, rundir, private_ns, wfd, parent):
    """Runs in a forked subreaper child; writes a JSON result to wfd."""
    res = {"private_mount_ns": private_ns}
    errs = {}
    started = set()
    P = os.path.join(rundir, "lxcpath")

    def run(cmd, check=True):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.stderr:
            for line in p.stderr.decode(errors="replace").splitlines():
                line = re.sub(r"\b\d{3,}\b", "N", line.strip())
                errs[line] = errs.get(line, 0) + 1
        if check and p.returncode != 0:
            raise RuntimeError("%s -> rc %d: %s" % (" ".join(cmd), p.returncode,
                                                    p.stderr.decode(errors="replace")[-500:]))
        return dt, p

    def base(name):
        return ["-P", P, "-n", name]

    def init_pid(name):
        _, p = run(["lxc-info"] + base(name) + ["-p", "-H"], check=False)
        s = p.stdout.decode().strip()
        return int(s) if s.isdigit() else None

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        def on_term(signum, frame):
            raise Terminate()
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGHUP, on_term)
        os.setpgid(0, 0)
        set_pdeathsig_and_check(parent)
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        if private_ns:
            res["unmounted"] = make_private_ns(unmount_cgroup2=True)
        os.makedirs(P, exist_ok=True)
        conf = os.path.join(rundir, "lxc.conf")
        with open(conf, "w") as f:
            f.write(LXC_CONF)
        W, N, K = args.warmup, args.rounds, args.containers

        # 1) lxc-execute -- /bin/true   (create + run + exit, foreground)
        name = LXC_PREFIX + "x"
        v = []
        for i in range(W + N):
            dt, _ = run(["lxc-execute"] + base(name) + ["-f", conf, "--", "/bin/true"])
            reap_orphans_nohang()
            if i >= W:
                v.append(dt)
        res["execute_true"] = summary(v)
        # sanity: exit status is propagated
        _, p = run(["lxc-execute"] + base(name) + ["-f", conf, "--", "/bin/sh", "-c",
                                                  "exit 7"], check=False)
        res["execute_exit_status_propagated"] = (p.returncode == 7)

        # 2) lxc-start -d -- /bin/sh -c 'sleep 1000' : time to RUNNING, stop -k
        name = LXC_PREFIX + "s"
        t_start, t_wait, t_run, t_stop, t_gone = [], [], [], [], []
        mem_limit = None
        for i in range(W + N):
            t0 = time.perf_counter()
            d1, _ = run(["lxc-start"] + base(name) + ["-f", conf, "-d", "--",
                                                      "/bin/sh", "-c", "sleep 1000"])
            started.add(name)
            d2, _ = run(["lxc-wait"] + base(name) + ["-s", "RUNNING", "-t", "10"])
            t1 = time.perf_counter()
            ipid = init_pid(name)
            mon = read_stat(ipid)[1] if ipid else None
            if mem_limit is None and ipid:
                mem_limit = read_mem_limit(ipid)
            time.sleep(args.settle_between)
            t2 = time.perf_counter()
            d3, _ = run(["lxc-stop"] + base(name) + ["-k"])
            # the monitor is our orphan (we are the subreaper): wait for it
            gone = None
            if mon and mon != os.getpid():
                try:
                    os.waitpid(mon, 0)
                except ChildProcessError:
                    wait_pid_gone(mon, 10)
                gone = time.perf_counter() - t2
            started.discard(name)
            reap_orphans_nohang()
            if i >= W:
                t_start.append(d1)
                t_wait.append(d2)
                t_run.append(t1 - t0)
                t_stop.append(d3)
                if gone is not None:
                    t_gone.append(gone)
        res["start_d_returns"] = summary(t_start)
        res["wait_running_after_start"] = summary(t_wait)
        res["start_to_running"] = summary(t_run)
        res["stop_k"] = summary(t_stop)
        res["stop_k_until_monitor_exit"] = summary(t_gone)
        res["memory_limit_in_bytes_seen"] = mem_limit

        # 3) lxc-execute -d -- /bin/sh -c 'sleep 1000' (lxc.init as pid 1)
        name = LXC_PREFIX + "e"
        t_ex, t_exstop = [], []
        for i in range(W + N):
            t0 = time.perf_counter()
            run(["lxc-execute"] + base(name) + ["-f", conf, "-d", "--",
                                                "/bin/sh", "-c", "sleep 1000"])
            started.add(name)
            run(["lxc-wait"] + base(name) + ["-s", "RUNNING", "-t", "10"])
            t1 = time.perf_counter()
            time.sleep(args.settle_between)
            d3, _ = run(["lxc-stop"] + base(name) + ["-k"])
            started.discard(name)
            time.sleep(0.01)
            reap_orphans_nohang()
            if i >= W:
                t_ex.append(t1 - t0)
                t_exstop.append(d3)
        res["execute_d_to_running"] = summary(t_ex)
        res["execute_d_stop_k"] = summary(t_exstop)

        # 4) memory per running container (lxc-start -d, K of them)
        time.sleep(args.settle)
        reap_orphans_nohang()
        me = os.getpid()
        before, noise0 = mem_available_sampled()
        t0 = time.perf_counter()
        names = []
        for i in range(K):
            nm = "%sm%03d" % (LXC_PREFIX, i)
            run(["lxc-start"] + base(nm) + ["-f", conf, "-d", "--",
                                           "/bin/sh", "-c", "sleep 1000"])
            started.add(nm)
            names.append(nm)
        startK = time.perf_counter() - t0
        time.sleep(args.settle)
        after, noise1 = mem_available_sampled()
        procs = descendants(me)
        pss = sum(pss_kib(p) for p in procs)
        memcgs = [d for d in cgroup_dirs(
            lambda r: r.startswith(("lxc.payload.%sm" % LXC_PREFIX,
                                    "lxc.monitor.%sm" % LXC_PREFIX)) and "/" not in r,
            maxdepth=1) if os.path.exists(os.path.join(d, "memory.usage_in_bytes"))]
        memcg = memcg_usage_kib(memcgs)
        t0 = time.perf_counter()
        for nm in names:
            run(["lxc-stop"] + base(nm) + ["-k"], check=False)
            started.discard(nm)
        stopK = time.perf_counter() - t0
        end = time.monotonic() + 10
        while time.monotonic() < end and [p for p in descendants(me) if pid_alive(p)]:
            reap_orphans_nohang()
            time.sleep(0.02)
        reap_orphans_nohang()
        res["memory"] = {"K": K, "mem_available_before_kib": before,
                         "mem_available_after_kib": after,
                         "mem_per_container_kib": round((before - after) / K, 1),
                         "mem_available_sample_spread_kib": [noise0, noise1],
                         "pss_per_container_kib": round(pss / K, 1),
                         "memcg_usage_per_container_kib": round(memcg / K, 1),
                         "memcg_dirs": len(memcgs),
                         "processes": len(procs),
                         "start_K_s": round(startK, 3), "stop_K_s": round(stopK, 3)}
        res["leftover_processes"] = [proc_desc(p) for p in descendants(me)]
        res["leftover_container_cgroups_after_stop"] = cgroup_dirs(
            lambda r: r.startswith(("lxc.payload." + LXC_PREFIX,
                                    "lxc.monitor." + LXC_PREFIX)) and "/" not in r,
            maxdepth=1)
        res["stderr_lines_seen"] = errs
        os.write(wfd, json.dumps({"ok": res}).encode())
    except BaseException as e:
        try:
            os.write(wfd, json.dumps({"error": "%s: %s" % (type(e).__name__, e),
                                      "trace": traceback.format_exc(),
                                      "partial": res}).encode())
        except Exception:
            pass
    finally:
        for nm in list(started):
            try:
                subprocess.run(["lxc-stop", "-P", P, "-n", nm, "-k"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=20)
            except Exception:
                pass
        kill_own_descendants()
        os._exit(0)


def read_mem_limit(pid):
    """memory.limit_in_bytes of the v1 memory cgroup of pid (host view)"""
    try:
        with open("/proc/%d/cgroup" % pid) as f:
            for line in f:
                _, ctrl, path = line.rstrip("\n").split(":", 2)
                if "memory" in ctrl.split(","):
                    for mnt, fstype in cgroup_mounts():
                        if fstype == "cgroup" and os.path.exists(
                                os.path.join(mnt, "memory.limit_in_bytes")):
                            p = os.path.join(mnt, path.lstrip("/"), "memory.limit_in_bytes")
                            if os.path.exists(p):
                                with open(p) as g:
                                    return int(g.read())
    except OSError:
        pass
    return None


class LxcBench:
    def __init__(self, args, state, notes):
        self.args, self.state, self.notes = args, state, notes
        self.results = {}
        self.cleanup_ok = True

    def run_variant(self, private_ns):
        rundir = tempfile.mkdtemp(prefix=RUN_PREFIX + "lxc-", dir=BASE)
        self.state.add_rundir(rundir)
        pre = set(cgroup_dirs(lambda r: r.split("/")[0] == "lxc.pivot", maxdepth=1))
        self.state.data["preexisting_lxc_pivot_cgroups"] = sorted(pre)
        self.state.save()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                lxc_worker(self.args, rundir, private_ns, w, os.getppid())
            finally:
                os._exit(4)
        os.close(w)
        self.state.add_proc(pid, "lxc-worker")
        buf = b""
        try:
            while True:
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                buf += chunk
        except BaseException:
            # interrupted: tell the worker to stop its containers and exit
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            raise
        finally:
            os.close(r)
            self.cleanup_ok = False
            if wait_child(pid, 60) is None:
                kill_and_reap_tree(pid)
                os.kill(pid, signal.SIGKILL)
                wait_child(pid, 5)
            # cleanup cgroups lxc left (lxc.pivot is created at the root of
            # every hierarchy and never removed by lxc)
            removed, kept = [], []
            for d in cgroup_dirs(is_our_lxc_rel, maxdepth=1):
                if d.endswith("/lxc.pivot") and d in pre:
                    continue
                if not cgroup_has_tasks(d) and rmdir_cgroup_tree(d):
                    removed.append(d)
                else:
                    kept.append(d)
            if not self.args.keep:
                safe_rmtree(rundir)
            left = descendants(pid) if pid_alive(pid) else []
            self.cleanup_ok = not kept and not left
        try:
            msg = json.loads(buf.decode() or "{}")
        except ValueError:
            msg = {"error": "worker sent garbage: %r" % buf[:200]}
        if "ok" not in msg:
            raise RuntimeError("lxc worker failed: %s\n%s" % (msg.get("error"),
                                                             msg.get("trace", "")))
        res = msg["ok"]
        res["cgroups_removed_at_cleanup"] = removed
        if kept:
            res["cgroups_not_removable"] = kept
        return res

    def run(self):
        mode = self.args.lxc_ns
        variants = {"host": [False], "private": [True], "both": [False, True]}[mode]
        for priv in variants:
            key = "private_ns" if priv else "host_ns"
            log("lxc: running variant", key)
            self.results[key] = self.run_variant(priv)
            r = self.results[key]
            log("lxc %s: execute /bin/true %.2f ms, start->RUNNING %.2f ms, "
                "stop -k %.2f ms" % (key, r["execute_true"]["median_ms"],
                                     r["start_to_running"]["median_ms"],
                                     r["stop_k"]["median_ms"]))

    def result(self):
        prim_key = "host_ns" if "host_ns" in self.results else "private_ns"
        p = self.results[prim_key]
        out = {
            "execute_true_ms": p["execute_true"]["median_ms"],
            "start_to_running_ms": p["start_to_running"]["median_ms"],
            "start_d_returns_ms": p["start_d_returns"]["median_ms"],
            "stop_k_ms": p["stop_k"]["median_ms"],
            "stop_k_until_monitor_exit_ms": (p["stop_k_until_monitor_exit"] or {}).get("median_ms"),
            "execute_d_to_running_ms": p["execute_d_to_running"]["median_ms"],
            "execute_d_stop_k_ms": p["execute_d_stop_k"]["median_ms"],
            "mem_per_container_kib": p["memory"]["mem_per_container_kib"],
            "pss_per_container_kib": p["memory"]["pss_per_container_kib"],
            "memcg_usage_per_container_kib": p["memory"]["memcg_usage_per_container_kib"],
            "start_K_s": p["memory"]["start_K_s"],
            "stop_K_s": p["memory"]["stop_K_s"],
            "K": p["memory"]["K"],
            "rounds": self.args.rounds,
            "primary_variant": prim_key,
            "memory_limit_in_bytes_seen": p.get("memory_limit_in_bytes_seen"),
        }
        if "private_ns" in self.results and prim_key != "private_ns":
            q = self.results["private_ns"]
            out["private_ns_execute_true_ms"] = q["execute_true"]["median_ms"]
            out["private_ns_start_to_running_ms"] = q["start_to_running"]["median_ms"]
            out["private_ns_stop_k_ms"] = q["stop_k"]["median_ms"]
        out["detail"] = self.results
        return out


# ===========================================================================
def check_prereqs(args):
    missing = []
    if os.geteuid() != 0:
        die("must run as root (needs namespaces, mounts, cgroups)")
    if not args.skip_libvirt:
        if not os.access(LIBVIRTD, os.X_OK):
            missing.append("%s (apt-get install -y libvirt-daemon)" % LIBVIRTD)
        if not os.access(LIBVIRT_LXC, os.X_OK):
            missing.append("%s (apt-get install -y libvirt-daemon-driver-lxc)" % LIBVIRT_LXC)
        drv = None
        for d in DRIVER_DIR_CANDIDATES:
            if os.path.exists(os.path.join(d, "libvirt_driver_lxc.so")):
                drv = d
                break
        if drv is None:
            missing.append("libvirt_driver_lxc.so (apt-get install -y "
                           "libvirt-daemon-driver-lxc)")
        args.driver_src = drv
        try:
            import libvirt  # noqa: F401
        except ImportError:
            missing.append("python3 module 'libvirt' for %s (apt-get install -y "
                           "python3-libvirt; run with /usr/bin/python3)" % sys.executable)
        with open("/proc/filesystems") as f:
            fss = f.read()
        if "overlay" not in fss:
            missing.append("overlayfs support in the kernel (needed to create "
                           "private mount points)")
        if not os.path.isdir("/sys/fs/cgroup/freezer"):
            missing.append("cgroup v1 freezer hierarchy (libvirt LXC suspend/resume)")
    if not args.skip_lxc:
        for t in LXC_TOOLS:
            if shutil.which(t) is None:
                missing.append("%s (apt-get install -y lxc)" % t)
    if not os.path.exists("/proc/self/smaps_rollup"):
        missing.append("/proc/*/smaps_rollup")
    if missing:
        die("missing prerequisites:\n  - " + "\n  - ".join(missing))


def tool_version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=10).stdout.decode().strip().splitlines()[0]
    except Exception:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rounds_pos", nargs="?", type=int, metavar="N",
                    help="rounds (same as -n)")
    ap.add_argument("containers_pos", nargs="?", type=int, metavar="K",
                    help="containers for the memory test (same as -k)")
    ap.add_argument("-n", "--rounds", type=int, default=30,
                    help="measured rounds per timing (median), default 30")
    ap.add_argument("-k", "--containers", type=int, default=50,
                    help="K containers started for the memory test, default 50")
    ap.add_argument("--suspend-rounds", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to let memory settle (default 1)")
    ap.add_argument("--settle-between", type=float, default=0.05,
                    help="pause between start and stop of one container (s)")
    ap.add_argument("--stop-timeout", type=float, default=15.0,
                    help="bound for libvirtd exit after SIGTERM before SIGKILL")
    ap.add_argument("--skip-libvirt", action="store_true")
    ap.add_argument("--skip-lxc", action="store_true")
    ap.add_argument("--lxc-ns", choices=["host", "private", "both"], default="both",
                    help="run lxc in the host mount ns, in a private one without "
                         "the cgroup2 mount, or both (default; host is primary)")
    ap.add_argument("--no-subreaper", action="store_true",
                    help="diagnostic: do not make the libvirtd reaper a child "
                         "subreaper (libvirt_lxc orphans then go to PID 1)")
    ap.add_argument("--keep", action="store_true", help="keep run dirs (logs)")
    args = ap.parse_args()
    if args.rounds_pos is not None:
        args.rounds = args.rounds_pos
    if args.containers_pos is not None:
        args.containers = args.containers_pos
    if args.rounds < 1 or args.containers < 1 or args.suspend_rounds < 1:
        die("rounds, containers and suspend rounds must be >= 1")
    args.driver_src = None

    check_prereqs(args)
    os.makedirs(BASE, exist_ok=True)
    lockf = open(LOCK_FILE, "w")
    try:
        fcntl.flock(lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        die("another lxc_reference.py run holds %s" % LOCK_FILE, 1)

    notes = []
    cleanup_stale(notes)
    state = State()
    state.save()

    # turn SIGTERM/SIGHUP into an exception so `finally` cleans up
    def on_sig(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_sig)
    signal.signal(signal.SIGHUP, on_sig)

    out = {"libvirt": None, "lxc": None, "notes": notes}
    load0 = os.getloadavg()
    rc = 0
    lb = None
    cleanup_ok = True
    try:
        if not args.skip_libvirt:
            lb = LibvirtBench(args, state, notes)
            try:
                lb.start()
                lb.run()
            finally:
                cleanup_ok = lb.stop()
            out["libvirt"] = lb.result()
        if not args.skip_lxc:
            xb = LxcBench(args, state, notes)
            try:
                xb.run()
            finally:
                cleanup_ok = cleanup_ok and xb.cleanup_ok
            out["lxc"] = xb.result()
    except KeyboardInterrupt as e:
        log("interrupted (%s); cleaned up" % (e or "SIGINT"))
        rc = 130
    except Exception as e:
        log("FAILED: %s" % e)
        traceback.print_exc(file=sys.stderr)
        rc = 1
    finally:
        if cleanup_ok:
            state.clear()
        else:
            log("cleanup was incomplete; %s kept so the next run finishes it"
                % STATE_FILE)

    load1 = os.getloadavg()
    cg = cgroup_mounts()
    out["environment"] = {
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "libvirtd": tool_version([LIBVIRTD, "--version"]) if not args.skip_libvirt else None,
        "lxc": tool_version(["lxc-execute", "--version"]) if not args.skip_lxc else None,
        "cpus": os.cpu_count(),
        "cgroup_mounts": ["%s(%s)" % (m, t) for m, t in cg],
        "loadavg_before": load0, "loadavg_after": load1,
        "rounds": args.rounds, "warmup": args.warmup, "K": args.containers,
        "libvirt_drivers_loaded": "lxc only",
        "libvirtd_under_subreaper": not args.no_subreaper,
    }
    notes.extend([
        "All times are wall-clock time.perf_counter() medians over N rounds "
        "after %d warm-up rounds; 'detail' has min/p90/max/mean." % args.warmup,
        "libvirt.create_ms: conn.createXML(xml, 0) call until it returns; the "
        "domain is then RUNNING (checked with dom.state() outside the timing). "
        "Includes the RPC round trip to libvirtd, spawning libvirt_lxc, its "
        "namespaces/cgroups and the handshake with the container init.",
        "libvirt.destroy_ms: dom.destroy() of a running domain (started %.0f ms "
        "earlier) until it returns; libvirtd runs under a child subreaper that "
        "reaps the libvirt_lxc controller at once." % (args.settle_between * 1000),
        "libvirt.suspend_ms / resume_ms: dom.suspend() / dom.resume() of one "
        "running domain (freezer cgroup), median of --suspend-rounds.",
        "mem_per_container_kib: (MemAvailable before - MemAvailable after) / K "
        "with K containers running (after %.1f s settle); includes the libvirt_lxc "
        "controller per container, the container's sh+sleep, kernel objects "
        "(namespaces, cgroups, ptys) and libvirtd growth. pss_per_container_kib "
        "is the PSS of processes under the subreaper / K." % args.settle,
        "start_K_s: wall time to create the K containers one after another "
        "(libvirt: createXML x K; lxc: lxc-start -d x K); destroy_K_s / "
        "stop_K_s: destroying / lxc-stop -k'ing them one after another.",
        "memcg_usage_per_container_kib: sum of memory.usage_in_bytes of the "
        "containers' v1 memory cgroups / K (libvirt: machine/lxc-PID-NAME."
        "libvirt-lxc, which holds the libvirt_lxc controller AND the container; "
        "lxc: lxc.payload.NAME + lxc.monitor.NAME). Unlike MemAvailable it is not "
        "disturbed by other activity on the host, but pages first touched "
        "elsewhere (shared libraries) are not charged to it.",
        "MemAvailable is sampled 5x (0.1 s apart) before and after; the median "
        "is used, mem_available_sample_spread_kib shows the spread (noise).",
        "libvirt destroy has a ~200 ms floor by design: virProcessKillPainfully"
        "Delay() sends SIGTERM to the libvirt_lxc controller, then sleeps 200 ms "
        "before its first existence check (kill(pid, 0)); a zombie that is not "
        "reaped yet passes that check, so every late reap adds 200 ms steps.",
        "libvirtd: private instance (own unix_sock_dir, pid file, state dirs) in a "
        "private mount ns with the cgroup2 mount /sys/fs/cgroup/unified unmounted; "
        "only the LXC driver module is loaded (LIBVIRT_DRIVER_DIR).",
        "lxc.execute_true_ms: `lxc-execute -P DIR -n NAME -f CONF -- /bin/true` "
        "process wall time (fork/exec of lxc-execute, container setup with "
        "namespaces + cgroups + 64M memory limit, /bin/true, teardown, exit).",
        "lxc.start_to_running_ms: `lxc-start -d -- /bin/sh -c 'sleep 1000'` "
        "(returns once lxc reports RUNNING) plus `lxc-wait -s RUNNING` "
        "confirming it; start_d_returns_ms is lxc-start alone. sh is PID 1 of "
        "the container (no lxc-init).",
        "lxc.stop_k_ms: `lxc-stop -k` (SIGKILL to init, waits for STOPPED); "
        "stop_k_until_monitor_exit_ms until the lxc monitor process has exited "
        "and been reaped (it cleans the cgroups). No lxc-destroy is needed: "
        "with -f CONF and no rootfs, lxc creates no container directory.",
        "lxc.execute_d_*: the same with `lxc-execute -d` (lxc-init is PID 1 "
        "and runs the command).",
        "lxc config: lxc.net.0.type = empty, lxc.console.path = none, "
        "lxc.cgroup.memory.limit_in_bytes = 64M (accepted by the v1 memory "
        "controller; memory_limit_in_bytes_seen is read from the running "
        "container's cgroup), host filesystem (no lxc.rootfs.path), -P private "
        "lxcpath under %s." % BASE,
        "lxc primary figures are from the host mount namespace (lxc works on the "
        "hybrid layout as is); private_ns_* repeat them in a private mount ns "
        "without /sys/fs/cgroup/unified, like libvirtd.",
        "lxc prints 'Failed to mount temporary procfs' (lxc_transient_proc, "
        "ERROR level) for every start on the host filesystem without rootfs; it "
        "is not fatal (see stderr_lines_seen).",
    ])
    if max(load0[0], load1[0]) > 0.5:
        notes.append("WARNING: load average was %.2f/%.2f during the run; other "
                     "work on this 2-CPU machine may have disturbed the timings"
                     % (load0[0], load1[0]))
    print(json.dumps(out, indent=1))
    sys.stdout.flush()
    return rc


def _ensure_libvirt_python():
    """pyenv's python3 may shadow Debian's, which has python3-libvirt."""
    try:
        import libvirt  # noqa: F401
        return
    except ImportError:
        pass
    deb = "/usr/bin/python3"
    if (os.environ.get("LXC_REFERENCE_REEXEC") != "1" and os.path.exists(deb)
            and os.path.realpath(sys.executable) != os.path.realpath(deb)):
        os.environ["LXC_REFERENCE_REEXEC"] = "1"
        log("python3-libvirt not importable from %s; re-executing with %s"
            % (sys.executable, deb))
        os.execv(deb, [deb, os.path.abspath(__file__)] + sys.argv[1:])


if __name__ == "__main__":
    if "--skip-libvirt" not in sys.argv:
        _ensure_libvirt_python()
    sys.exit(main())
