#!/usr/bin/python3
"""
rpc_client.py - the python3-libvirt client of `virt-bench rpc`, run the same way against
virtd and against libvirtd (both serving the test driver over test+unix).

Usage:
  rpc_client.py info URI CALLS ROUNDS     dom.info() CALLS times per round: the median
                                          calls/s, and p50/p99 latency over every call (us)
  rpc_client.py openclose URI COUNT       libvirt.open + close COUNT times: median ms
  rpc_client.py burst URI CALLS           one client of a parallel run: its start and end
                                          (time.time()) around CALLS dom.info() calls, and
                                          the CPU time it used for them (s)

Prints one JSON object on stdout.
"""
import json
import statistics
import sys
import time

import libvirt


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def info(uri, calls, rounds):
    conn = libvirt.open(uri)
    dom = conn.lookupByName("test")
    rates, latencies = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            before = time.perf_counter()
            dom.info()
            latencies.append(time.perf_counter() - before)
        rates.append(calls / (time.perf_counter() - start))
    conn.close()
    return {"rate": statistics.median(rates), "p50": percentile(latencies, 0.5) * 1e6, "p99": percentile(latencies, 0.99) * 1e6}


def openclose(uri, count):
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        libvirt.open(uri).close()
        samples.append(time.perf_counter() - start)
    return {"openclose": statistics.median(samples) * 1e3}


def burst(uri, calls):
    conn = libvirt.open(uri)
    dom = conn.lookupByName("test")
    dom.info()
    start, cpu = time.time(), time.process_time()
    for _ in range(calls):
        dom.info()
    end, cpu = time.time(), time.process_time() - cpu
    conn.close()
    return {"start": start, "end": end, "calls": calls, "cpu": cpu}


if __name__ == "__main__":
    mode, uri = sys.argv[1], sys.argv[2]
    if mode == "info":
        result = info(uri, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "openclose":
        result = openclose(uri, int(sys.argv[3]))
    else:
        result = burst(uri, int(sys.argv[3]))
    print(json.dumps(result))
