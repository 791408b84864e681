#!/usr/bin/python3
"""Builds the Linux guest of SwiftVirt's QEMU tests from Debian's packages, into DIR:

  DIR/vmlinux        Debian's kernel (linux-image-amd64's), uncompressed from its bzImage:
                     an ELF that QEMU boots through its PVH entry, with no firmware.
  DIR/initramfs.gz   busybox-static; the virtio (console, balloon, net), pvpanic and ACPI
                     button modules; and Debian's qemu-guest-agent with the libraries it
                     links. Its /init brings the NICs up, starts qemu-ga on the
                     org.qemu.guest_agent.0 port and powers the guest off when the ACPI
                     power button is pressed (busybox acpid).

Usage: build_linux_guest.py DIR. Idempotent: a DIR built from the same packages by the same
recipe (this file) is kept.
Needs root (apt-get download, dpkg -x), busybox-static and the host's glib (which
scripts/install-test-deps brings with QEMU).
"""

import gzip
import hashlib
import lzma
import os
import shutil
import stat
import subprocess
import sys
import tempfile

MODULES = ["virtio_pci", "virtio_console", "virtio_balloon", "virtio_net", "pvpanic_mmio", "button", "evdev"]
INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for module in $(cat /modules.order); do insmod /modules/$module; done
mkdir -p /tmp /var/run /run /etc/acpi/PWRF
printf '#!/bin/sh\npoweroff -f\n' > /etc/acpi/PWRF/00000080
chmod +x /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /tmp/acpid.log -p /tmp/acpid.pid
for link in /sys/class/net/eth*; do [ -e "$link" ] && ip link set "${link##*/}" up; done
for port in /sys/class/virtio-ports/*; do
    [ "$(cat $port/name 2>/dev/null)" = org.qemu.guest_agent.0 ] && agent=/dev/${port##*/}
done
[ -n "$agent" ] && qemu-ga -m virtio-serial -p "$agent" -f /tmp/qemu-ga.pid -d
echo SWIFTVIRT-GUEST-READY > /dev/ttyS0
while true; do sleep 3600; done
"""


def run(*argv, **kwargs):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True, **kwargs).stdout


def kernel_package():
    for line in run("apt-cache", "depends", "linux-image-amd64").splitlines():
        if line.strip().startswith("Depends: linux-image-"):
            return line.split()[1]
    raise SystemExit("build_linux_guest: linux-image-amd64 names no kernel package")


def download(packages, into):
    try:
        run("apt-get", "download", *packages, cwd=into, stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        run("apt-get", "update", "-qq")
        run("apt-get", "download", *packages, cwd=into, stderr=subprocess.DEVNULL)


def uncompressed_kernel(bzimage):
    """The vmlinux inside a bzImage: the XZ stream after the setup code, decompressed."""
    data = open(bzimage, "rb").read()
    start = data.find(b"\xfd7zXZ\x00")
    if start < 0:
        raise SystemExit("build_linux_guest: %s has no XZ payload" % bzimage)
    vmlinux = lzma.LZMADecompressor().decompress(data[start:])
    if not vmlinux.startswith(b"\x7fELF"):
        raise SystemExit("build_linux_guest: the payload of %s is not an ELF kernel" % bzimage)
    return vmlinux


def module_depends(path):
    """The modules a .ko needs: the `depends=` entry of its .modinfo section (what depmod
    reads; the host has no kmod, and Debian runs depmod only at install)."""
    data = open(path, "rb").read()
    at = data.find(b"\0depends=")
    if at < 0:
        return []
    value = data[at + len(b"\0depends="):data.index(b"\0", at + 1)].decode()
    return [name for name in value.split(",") if name]


def module_order(root, version):
    """The modules to load, each after the ones it depends on, as paths under the tree."""
    base = os.path.join(root, "lib/modules", version)
    by_name = {}
    for directory, _, files in os.walk(os.path.join(base, "kernel")):
        for name in files:
            if name.endswith(".ko"):
                by_name[name[:-3].replace("-", "_")] = os.path.join(directory, name)
    order = []

    def visit(name):
        path = by_name[name.replace("-", "_")]
        for needed in module_depends(path):
            visit(needed)
        if path not in order:
            order.append(path)
    for name in MODULES:
        visit(name)
    return order


def libraries(binary):
    """The shared libraries `binary` links, and the dynamic loader, as host paths."""
    found = []
    for line in run("ldd", binary).splitlines():
        parts = line.split()
        path = parts[2] if "=>" in parts and len(parts) > 2 else parts[0]
        if path.startswith("/"):
            found.append(path)
    return found


def newc(root):
    """The tree at `root` as a newc cpio archive (what the kernel unpacks as initramfs)."""
    out = bytearray()
    number = 0

    def entry(name, st, body):
        nonlocal number
        number += 1
        fields = [number, st.st_mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(name) + 1, 0]
        header = b"070701" + b"".join(b"%08X" % v for v in fields)
        out.extend(header + name.encode() + b"\0")
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(body)
        out.extend(b"\0" * (-len(out) % 4))

    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(subdirectories) + sorted(files):
            path = os.path.join(directory, name)
            st = os.lstat(path)
            relative = os.path.relpath(path, root)
            if stat.S_ISLNK(st.st_mode):
                body = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                body = open(path, "rb").read()
            else:
                body = b""
            entry(relative, st, body)
    entry("TRAILER!!!", os.stat(root), b"")
    return bytes(out)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = os.path.abspath(sys.argv[1])
    kernel = kernel_package()
    stamp = os.path.join(out, "packages")
    recipe = hashlib.sha256(open(__file__, "rb").read()).hexdigest()
    wanted = "\n".join([kernel, run("dpkg-query", "-W", "-f=${Version}", "busybox-static"), recipe]) + "\n"
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return 0
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="swiftvirt-guest-") as work:
        download([kernel, "qemu-guest-agent"], work)
        extracted = os.path.join(work, "root")
        for deb in os.listdir(work):
            if deb.endswith(".deb"):
                run("dpkg", "-x", os.path.join(work, deb), extracted)
        version = kernel[len("linux-image-"):]
        with open(os.path.join(out, "vmlinux.new"), "wb") as f:
            f.write(uncompressed_kernel(os.path.join(extracted, "boot", "vmlinuz-" + version)))
        tree = os.path.join(work, "initramfs")
        for sub in ("bin", "sbin", "proc", "sys", "dev", "modules", "usr/sbin"):
            os.makedirs(os.path.join(tree, sub), exist_ok=True)
        shutil.copy("/bin/busybox", os.path.join(tree, "bin/busybox"))
        order = module_order(extracted, version)
        for path in order:
            shutil.copy(path, os.path.join(tree, "modules", os.path.basename(path)))
        with open(os.path.join(tree, "modules.order"), "w") as f:
            f.write("\n".join(os.path.basename(p) for p in order) + "\n")
        agent = os.path.join(extracted, "usr/sbin/qemu-ga")
        shutil.copy(agent, os.path.join(tree, "usr/sbin/qemu-ga"))
        for library in libraries(agent):
            target = os.path.join(tree, library.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(library, target)
        os.symlink("/bin/busybox", os.path.join(tree, "sbin/shutdown"))
        with open(os.path.join(tree, "init"), "w") as f:
            f.write(INIT)
        os.chmod(os.path.join(tree, "init"), 0o755)
        with gzip.open(os.path.join(out, "initramfs.gz.new"), "wb", compresslevel=1) as f:
            f.write(newc(tree))
    os.replace(os.path.join(out, "vmlinux.new"), os.path.join(out, "vmlinux"))
    os.replace(os.path.join(out, "initramfs.gz.new"), os.path.join(out, "initramfs.gz"))
    with open(stamp, "w") as f:
        f.write(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
