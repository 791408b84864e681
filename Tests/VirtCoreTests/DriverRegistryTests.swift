import Testing
import VirtCore

/// What a daemon asks the registry before it opens a URI: whether the open may block.
struct DriverRegistryTests {
    @Test func onlyADriverThatPromisedIsOpenedWithoutBlocking() {
        var drivers = DriverRegistry()
        drivers.register("test", opensMayBlock: false) { _, _ in nil }
        drivers.register("lxc") { _, _ in nil }
        #expect(!drivers.openMayBlock("test:///default"))
        #expect(!drivers.openMayBlock("test:///tmp/node.xml"))
        #expect(drivers.openMayBlock("lxc:///"))
        #expect(drivers.openMayBlock("qemu:///system"), "a driver the registry does not know")
        #expect(drivers.openMayBlock("not a uri"))
    }
}
