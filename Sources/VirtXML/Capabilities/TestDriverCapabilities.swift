extension HostCapabilities {
    /// The capabilities of libvirt's test driver (`testBuildCapabilities` for `test:///default`):
    /// an i686 host with two NUMA cells of eight CPUs and hvm and xen guests.
    public static let testDriverDefault: HostCapabilities = {
        var caps = HostCapabilities(cpu: HostCPU(arch: "i686", features: ["pae", "nonpae"],
                                                 pageSizes: [4, 8, 2048, 1_048_576]))
        caps.iommu = false
        caps.cells = (0..<2).map { cellID in
            let firstPage: Cell.Pages = cellID == 0 ? .init(sizeKiB: 4, count: 524_288) : .init(sizeKiB: 8, count: 524_288)
            let cpus = (0..<8).map { core in
                let id = UInt32(cellID * 8 + core)
                return Cell.CPU(id: id, socketID: UInt32(cellID), coreID: UInt32(core), siblings: "\(id)")
            }
            return Cell(id: UInt32(cellID), memoryKiB: cellID == 0 ? 2_097_152 : 4_194_304,
                        pages: [firstPage, .init(sizeKiB: 2048, count: 0), .init(sizeKiB: 1_048_576, count: 0)],
                        cpus: cpus)
        }
        caps.securityModels = [SecurityModel(model: "testSecurity")]
        caps.guests = ["hvm", "xen"].map { osType in
            var guest = Guest(osType: osType, arch: "i686", wordSize: 32)
            guest.emulator = "/usr/bin/test-hv"
            guest.domains = [Guest.Domain(type: "test")]
            guest.features = [Guest.Feature("pae"), Guest.Feature("nonpae")]
            return guest
        }
        return caps
    }()
}
