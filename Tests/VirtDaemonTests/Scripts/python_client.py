#!/usr/bin/python3
"""The same libvirt-python calls against a daemon (virtd or libvirtd), with lifecycle events
through libvirt's default event loop. Prints one line per result, for the test to compare
between the two daemons.  Usage: python_client.py URI SCRATCH_DIR"""
import sys
import threading
import time

import libvirt
import libvirt_qemu

uri, scratch = sys.argv[1], sys.argv[2]
libvirt.virEventRegisterDefaultImpl()
stop = False


def loop():
    while not stop:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()
conn = libvirt.open(uri)
events = []
callback = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                       lambda c, d, event, detail, _: events.append((d.name(), event, detail)), None)
out = []


def show(label, call):
    try:
        out.append("%s: %r" % (label, call()))
    except libvirt.libvirtError as error:
        out.append("%s: error %d/%d %s" % (label, error.get_error_code(), error.get_error_domain(), error.get_error_message()))


xml = ("<domain type='test'><name>py</name><uuid>0f0e0d0c-0b0a-0908-0706-050403020100</uuid>"
       "<memory unit='KiB'>1048576</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>")
test = conn.lookupByName("test")
show("type", conn.getType)
show("list", lambda: sorted(d.name() for d in conn.listAllDomains()))
show("info", lambda: test.info()[:4])
show("state", test.state)
show("isActive", test.isActive)
show("maxMemory", test.maxMemory)
show("nodeInfo", conn.getInfo)
show("qemuMonitorCommand", lambda: libvirt_qemu.qemuMonitorCommand(test, '{"execute":"query-status"}', 0))
with open("/dev/null") as passed:
    show("qemuMonitorCommandWithFiles", lambda: libvirt_qemu.qemuMonitorCommandWithFiles(test, '{"execute":"query-status"}', [passed.fileno()]))
show("qemuAgentCommand", lambda: libvirt_qemu.qemuAgentCommand(test, '{"execute":"guest-ping"}', -1, 0))
show("define", lambda: conn.defineXML(xml).name())
dom = conn.lookupByName("py")
show("start", dom.create)
show("setMemory", lambda: dom.setMemory(524288))
show("info", lambda: dom.info()[:4])
show("setVcpus", lambda: dom.setVcpus(1))
show("vcpus", lambda: [v[:2] for v in dom.vcpus()[0]])
show("pin", lambda: dom.pinVcpu(0, (True, False)))
show("pinInfo", lambda: dom.vcpuPinInfo(0)[0][:2])
show("suspend", dom.suspend)
show("state", dom.state)
show("resume", dom.resume)
show("snapshot", lambda: dom.snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>").getName())
show("snapshots", lambda: [s.getName() for s in dom.listAllSnapshots()])
show("current", lambda: dom.snapshotCurrent().getName())
show("save", lambda: dom.save(scratch + "/py.save"))
show("state", dom.state)
show("saveImageGetXMLDesc", lambda: "<name>py</name>" in conn.saveImageGetXMLDesc(scratch + "/py.save"))
show("saveImageGetXMLDesc missing", lambda: conn.saveImageGetXMLDesc("no-such-dir/missing.save"))
show("restore", lambda: conn.restore(scratch + "/py.save"))
show("state", dom.state)
show("destroy", dom.destroy)
show("destroy again", dom.destroy)
show("snapshotDelete", lambda: dom.snapshotLookupByName("s1").delete())
show("undefine", dom.undefine)
show("lookup", lambda: conn.lookupByName("py"))
show("bad xml", lambda: conn.defineXML("<domain"))
deadline = time.time() + 5
while not any(event == libvirt.VIR_DOMAIN_EVENT_UNDEFINED for _, event, _ in events) and time.time() < deadline:
    time.sleep(0.01)
conn.domainEventDeregisterAny(callback)
out.append("events: %r" % events)
stop = True
conn.close()
print("\n".join(out))
