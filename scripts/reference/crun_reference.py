#!/usr/bin/env python3
"""crun side of virt-bench: `crun_reference.py MODE BUNDLE ROUNDS` prints a JSON object of
medians in milliseconds.

The bundle has the host's /usr (read-only) as its filesystem and pid, mount, uts, ipc and
cgroup namespaces. crun 1.8 refuses this machine's hybrid cgroup layout, so run it in a
private mount namespace where an empty file hides the empty cgroup v2 hierarchy's
controllers (virt-bench does).

MODE run:    `crun run` of /bin/true until it exits            -> {"run_ms"}
MODE detach: `crun run --detach` of sleep 1000, 64 MiB, until it runs,
             then `crun delete --force`                          -> {"create_ms", "destroy_ms"}
"""
import json
import os
import statistics
import subprocess
import sys
import time

WARMUP = 10


def make_bundle(bundle, args, memory=None):
    os.makedirs(bundle + "/rootfs", exist_ok=True)
    if os.path.exists(bundle + "/config.json"):
        os.remove(bundle + "/config.json")
    subprocess.run(["crun", "spec"], cwd=bundle, check=True)
    with open(bundle + "/config.json") as f:
        config = json.load(f)
    config["process"]["args"] = args
    config["process"]["terminal"] = False
    config["root"] = {"path": "rootfs", "readonly": True}
    config["mounts"] = [m for m in config["mounts"] if m["destination"] in ("/proc", "/dev")] + [
        {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]}]
    config["linux"]["namespaces"] = [{"type": t} for t in ("pid", "mount", "uts", "ipc", "cgroup")]
    if memory:
        config["linux"].setdefault("resources", {})["memory"] = {"limit": memory}
    with open(bundle + "/config.json", "w") as f:
        json.dump(config, f)
    for directory in ("usr", "proc", "dev"):
        os.makedirs(bundle + "/rootfs/" + directory, exist_ok=True)
    for link, target in (("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64"), ("sbin", "usr/sbin")):
        if not os.path.lexists(bundle + "/rootfs/" + link):
            os.symlink(target, bundle + "/rootfs/" + link)


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main():
    mode, bundle, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    name = "swiftvirt-bench-%d-%%d" % os.getpid()
    if mode == "run":
        make_bundle(bundle, ["/bin/true"])
        samples = [timed(["crun", "run", "--bundle", bundle, name % i]) for i in range(rounds + WARMUP)]
        print(json.dumps({"run_ms": statistics.median(samples[WARMUP:])}))
    elif mode == "detach":
        make_bundle(bundle, ["/bin/sh", "-c", "sleep 1000"], memory=64 << 20)
        creates, destroys = [], []
        for i in range(rounds + WARMUP):
            creates.append(timed(["crun", "run", "--detach", "--bundle", bundle, name % i]))
            destroys.append(timed(["crun", "delete", "--force", name % i]))
        print(json.dumps({"create_ms": statistics.median(creates[WARMUP:]),
                          "destroy_ms": statistics.median(destroys[WARMUP:])}))
    else:
        sys.exit("usage: crun_reference.py run|detach BUNDLE ROUNDS")


if __name__ == "__main__":
    main()
