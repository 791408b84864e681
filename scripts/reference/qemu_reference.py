#!/usr/bin/python3
"""
qemu_reference.py - REFERENCE side of the QEMU benchmark (virt-bench qemu).

Measures, on this host, for the guest whose domain XML is given (virt-bench passes its
diskless KVM guest: 256 MiB, SeaBIOS, a serial console):
  Part 1  libvirt 9.0's QEMU driver: a private libvirtd (lxc_reference.py's machinery:
          private mount namespace and state directories, under a child subreaper), with
          only the QEMU driver module loaded (create, destroy, suspend, resume, monitor
          pass-through, save and restore of the running guest);
  Part 2  raw QEMU: the same machine started by hand (-S, QMP on a unix socket, cont),
          and quit;
  and snapshot create, revert and delete of a shut-off domain with one qcow2 disk
  through libvirt.

Prints ONE JSON object of medians (milliseconds) on stdout; diagnostics go to stderr.
Usage: /usr/bin/python3 qemu_reference.py XML-FILE [ROUNDS]. Must run as root.

With --raw-qmp-rounds instead, it starts the raw machine, prints "ready", and then for
each line N it reads on stdin makes N query-status round trips on the QMP socket and
prints their durations (seconds) as one JSON list: virt-bench interleaves these rounds
with its own, so that both sides see the same moments of a noisy machine.
"""

import argparse
import fcntl
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lxc_reference as ref  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"
QEMU_IMG = "/usr/bin/qemu-img"
DOM_PREFIX = ref.DOM_PREFIX


def median_ms(values):
    return ref.summary(values)["median_ms"]


class QemuLibvirtBench(ref.LibvirtBench):
    """libvirtd with only libvirt_driver_qemu.so. QEMU runs as root with no security
    driver, and writes its log itself (no virtlogd daemon): the private
    /etc/libvirt/qemu.conf says so; everything else is libvirt's default. libvirt resolves its compiled-in user libvirt-qemu before it reads qemu.conf,
    and Debian creates that user only with libvirt-daemon-system (which would start a
    system libvirtd): libvirtd's private mount namespace gets /etc/passwd and /etc/group
    copies that have it."""
    DRIVER_MODULE = "libvirt_driver_qemu.so"
    URI_SCHEME = "qemu"

    def driver_config(self, etc_dir):
        with open(os.path.join(etc_dir, "qemu.conf"), "w") as f:
            f.write('user = "root"\ngroup = "root"\nsecurity_driver = "none"\nstdio_handler = "file"\n')

    def extra_binds(self):
        binds = []
        for name, line in (("passwd", "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin\n"),
                           ("group", "libvirt-qemu:x:64055:\n")):
            with open("/etc/" + name) as f:
                text = f.read()
            copy = os.path.join(self.rundir, name)
            with open(copy, "w") as f:
                f.write(text if "\nlibvirt-qemu:" in "\n" + text else text + line)
            binds.append((copy, "/etc/" + name))
        return binds

    def timed_pairs(self, first, second):
        """the durations of first() and of second(first's result), over the rounds after
        the warm-up ones"""
        firsts, seconds = [], []
        for i in range(self.args.warmup + self.args.rounds):
            t0 = time.perf_counter()
            value = first()
            t1 = time.perf_counter()
            second(value)
            t2 = time.perf_counter()
            if i >= self.args.warmup:
                firsts.append(t1 - t0)
                seconds.append(t2 - t1)
        return firsts, seconds

    def run(self):
        import libvirt_qemu
        a = self.args
        self.ensure_no_domains()
        creates, destroys = self.timed_pairs(
            lambda: self.conn.createXML(a.xml.format(name=DOM_PREFIX + "cd"), 0),
            lambda dom: dom.destroy())
        dom = self.conn.createXML(a.xml.format(name=DOM_PREFIX + "sr"), 0)
        suspends, resumes = self.timed_pairs(lambda: dom.suspend(), lambda _: dom.resume())
        monitor = []
        for i in range(a.warmup + 10 * a.rounds):
            t0 = time.perf_counter()
            libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-status"}', 0)
            if i >= a.warmup:
                monitor.append(time.perf_counter() - t0)
        saved = os.path.join(self.rundir, "bench.save")
        saves, restores = [], []
        for i in range(1 + 5):
            t0 = time.perf_counter()
            dom.save(saved)
            t1 = time.perf_counter()
            self.conn.restore(saved)
            t2 = time.perf_counter()
            if i >= 1:
                saves.append(t1 - t0)
                restores.append(t2 - t1)
        os.unlink(saved)
        dom = self.conn.lookupByName(DOM_PREFIX + "sr")
        dom.destroy()
        self.res = {"save_ms": median_ms(saves), "restore_ms": median_ms(restores),"create_ms": median_ms(creates), "destroy_ms": median_ms(destroys),
                    "suspend_ms": median_ms(suspends), "resume_ms": median_ms(resumes),
                    "monitor_query_status_ms": median_ms(monitor)}
        self.res.update(self.snapshots())

    def snapshots(self):
        """create, revert and delete of a snapshot of a shut-off domain with a qcow2 disk"""
        image = new_image(self.rundir)
        dom = self.conn.defineXML(with_disk(self.args.xml.format(name=DOM_PREFIX + "snap"), image))
        try:
            def take(i):
                return dom.snapshotCreateXML("<domainsnapshot><name>s%d</name></domainsnapshot>" % i, 0)
            rounds = three_phases(self.args, take, lambda snap: dom.revertToSnapshot(snap), lambda snap: snap.delete())
        finally:
            dom.undefineFlags(2)  # VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
            os.unlink(image)
        return {"snapshot_%s_ms" % name: median_ms(values) for name, values in zip(("create", "revert", "delete"), rounds)}

    def result(self):
        return self.res


class RawQMP:
    """one QEMU started by hand, and its QMP socket"""

    def __init__(self, directory, index):
        self.path = os.path.join(directory, "qmp-%d.sock" % index)
        self.process = subprocess.Popen(
            [QEMU, "-name", "raw", "-S", "-machine", "pc,accel=kvm,usb=off", "-m", "256", "-smp", "1",
             "-no-user-config", "-nodefaults", "-no-shutdown", "-display", "none",
             "-chardev", "pty,id=serial0", "-device", "isa-serial,chardev=serial0",
             "-qmp", "unix:%s,server=on,wait=off" % self.path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.sock = None
        while self.sock is None:
            if self.process.poll() is not None:
                raise RuntimeError("raw QEMU exited with %s" % self.process.returncode)
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.path)
                self.sock = s
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                time.sleep(0.0005)
        self.reader = self.sock.makefile("rb")
        self.reader.readline()                     # greeting
        self.execute("qmp_capabilities")

    def execute(self, command):
        self.sock.sendall(json.dumps({"execute": command}).encode() + b"\r\n")
        while True:
            reply = json.loads(self.reader.readline())
            if "return" in reply or "error" in reply:
                return reply

    def quit(self):
        try:
            self.execute("quit")
        except (OSError, ValueError):
            pass
        self.process.wait(timeout=10)
        self.reader.close()
        self.sock.close()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def new_image(directory):
    image = os.path.join(directory, "snapshot-bench.qcow2")
    subprocess.run([QEMU_IMG, "create", "-q", "-f", "qcow2", image, "16M"], check=True)
    return image


def with_disk(xml, image):
    disk = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/>"
            "<target dev='vda' bus='virtio'/></disk>" % image)
    return xml.replace("<serial ", disk + "<serial ", 1)


def three_phases(args, first, second, third):
    """the durations of first(round), second(its result) and third(its result), over
    the rounds after the warm-up ones"""
    results = ([], [], [])
    for i in range(args.warmup + args.rounds):
        t0 = time.perf_counter()
        value = first(i)
        t1 = time.perf_counter()
        second(value)
        t2 = time.perf_counter()
        third(value)
        t3 = time.perf_counter()
        if i >= args.warmup:
            for series, seconds in zip(results, (t1 - t0, t2 - t1, t3 - t2)):
                series.append(seconds)
    return results


def clean_up_raw(live, directory):
    """kills the raw QEMU still running, if any, and removes its socket directory"""
    if live is not None:
        live.kill()
    for name in os.listdir(directory):
        os.unlink(os.path.join(directory, name))
    os.rmdir(directory)


def raw_qemu(args):
    directory = tempfile.mkdtemp(prefix="swiftvirt-qemu-raw-")
    starts, quits = [], []
    live = None
    try:
        for i in range(args.warmup + args.rounds):
            t0 = time.perf_counter()
            live = RawQMP(directory, i)
            live.execute("cont")
            t1 = time.perf_counter()
            live.quit()
            t2 = time.perf_counter()
            live = None
            if i >= args.warmup:
                starts.append(t1 - t0)
                quits.append(t2 - t1)
    finally:
        clean_up_raw(live, directory)
    return {"start_to_running_ms": median_ms(starts), "quit_ms": median_ms(quits)}


def wait_until_idle(pid, limit=30.0):
    """waits until process pid uses under a tenth of a CPU: SeaBIOS with nothing to boot
    spins a whole CPU for its first seconds here, which would swamp a 2-CPU machine"""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_ticks():
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    deadline = time.monotonic() + limit
    previous = cpu_ticks()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu_ticks()
        if now - previous <= 0.2 * tick / 10:
            return
        previous = now
    raise RuntimeError("QEMU %d still busy after %.0f s" % (pid, limit))


def raw_qmp_rounds():
    """the --raw-qmp-rounds mode: query-status round trips, as many at a time as asked, once
    the guest has settled"""
    directory = tempfile.mkdtemp(prefix="swiftvirt-qemu-raw-")
    live = None
    try:
        live = RawQMP(directory, 0)
        live.execute("cont")
        wait_until_idle(live.process.pid)
        print("ready", flush=True)
        for line in sys.stdin:
            durations = []
            for _ in range(int(line)):
                t0 = time.perf_counter()
                live.execute("query-status")
                durations.append(time.perf_counter() - t0)
            print(json.dumps(durations), flush=True)
        live.quit()
        live = None
    finally:
        clean_up_raw(live, directory)
    return 0


def main():
    if sys.argv[1:] == ["--raw-qmp-rounds"]:
        return raw_qmp_rounds()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("xml_file", help="the domain XML, with {name} where the name goes")
    ap.add_argument("rounds", nargs="?", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--stop-timeout", type=float, default=15.0)
    ap.add_argument("--no-subreaper", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        ref.die("must run as root")
    with open(args.xml_file) as f:
        args.xml = f.read()
    args.driver_src = next((d for d in ref.DRIVER_DIR_CANDIDATES
                            if os.path.exists(os.path.join(d, QemuLibvirtBench.DRIVER_MODULE))), None)
    if args.driver_src is None or not os.access(ref.LIBVIRTD, os.X_OK) or not os.access(QEMU, os.X_OK):
        ref.die("needs libvirtd, libvirt_driver_qemu.so and %s (scripts/install-test-deps)" % QEMU)
    os.makedirs(ref.BASE, exist_ok=True)
    lock = open(ref.LOCK_FILE, "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    notes = []
    ref.cleanup_stale(notes)
    state = ref.State()
    state.save()
    bench = QemuLibvirtBench(args, state, notes)
    try:
        bench.start()
        bench.run()
    finally:
        clean = bench.stop()
    if clean:
        state.clear()
    raw = raw_qemu(args)
    out = {"libvirt": bench.result(), "raw": raw, "notes": notes}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
