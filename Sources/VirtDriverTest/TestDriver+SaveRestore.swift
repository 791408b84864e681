import VirtCore
import VirtError
import VirtXML

extension TestDriver {
    /// Corresponds to `virDomainSaveFlags`: writes the live definition to `path` in the
    /// test driver's save format and stops the domain.
    public func save(_ domain: DomainIdentity, to path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try flags.check(supported: [], function: "testDomainSaveFlags")
        guard xml == nil else { throw VirError(.argumentUnsupported, "xml modification unsupported", domain: .test) }
        try mutate { node, events throws(VirError) in
            try Self.stop(domain, reason: .shutoffSaved, detail: .stoppedSaved, node: &node, events: &events) { d throws(VirError) in
                guard d.isActive else { throw Self.notRunning }
                let image = d.definition.format(DomainFormatOptions(id: d.id, secure: true))
                try SaveImage.write(xml: image, to: path, domainName: d.definition.name)
            }
        }
    }

    /// Corresponds to `virDomainRestoreFlags`: starts the domain saved in `path`.
    public func restore(from path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try flags.check(supported: [], function: "testDomainRestoreFlags")
        guard xml == nil else { throw VirError(.argumentUnsupported, "xml modification unsupported", domain: .test) }
        let definition = try TestDefaults.parse(try SaveImage.read(from: path))
        try mutate { node, events throws(VirError) in
            _ = try Self.startNew(definition, reason: .runningRestored, detail: .startedRestored, node: &node, events: &events)
        }
    }
}

extension TestDriver {
    /// Corresponds to `virDomainSaveImageGetXMLDesc`: the definition in the save image at
    /// `path`, parsed and formatted again as libvirt's test driver does (with no id).
    public func saveImageXML(path: String, flags: DomainXMLFlags) async throws -> String {
        try flags.check(supported: .secure, function: "testDomainSaveImageGetXMLDesc")
        return try TestDefaults.parse(try SaveImage.read(from: path)).format(DomainFormatOptions(secure: flags.contains(.secure)))
    }

    /// Corresponds to `virDomainCoreDump`. With `VIR_DUMP_CRASH` the guest crashes after the
    /// dump and its `on_crash` policy applies: `destroy` stops it (STOPPED/CRASHED, as
    /// libvirt's test driver always does), `preserve` leaves it crashed for inspection,
    /// and the restart policies keep it running (CRASHED/PANICKED, reason "crashed").
    public func coreDump(_ domain: DomainIdentity, to path: String, flags: DumpFlags) async throws {
        try flags.check(supported: .crash, function: "testDomainCoreDumpWithFormat")
        try mutate { node, events throws(VirError) in
            let current = try node.domain(domain)
            guard current.isActive else { throw Self.notRunning }
            try SaveImage.writeCoreDump(to: path, domainName: current.definition.name)
            guard flags.contains(.crash) else { return }
            switch current.definition.onCrash {
            case .destroy, .coredumpDestroy:
                try Self.stop(domain, reason: .shutoffCrashed, detail: .stoppedCrashed, node: &node, events: &events) { _ throws(VirError) in }
            case .preserve:
                let identity = try node.withDomain(domain) { d throws(VirError) in
                    d.state = .crashed
                    d.reason = .crashedPanicked
                    return d.identity
                }
                events.append(DomainEvent(domain: identity, type: .crashed, detail: .crashedPanicked))
            case .restart, .renameRestart, .coredumpRestart:
                let identity = try node.withDomain(domain) { d throws(VirError) in
                    d.state = .running
                    d.reason = .runningCrashed
                    return d.identity
                }
                events.append(DomainEvent(domain: identity, type: .crashed, detail: .crashedPanicked))
            }
        }
    }
}
