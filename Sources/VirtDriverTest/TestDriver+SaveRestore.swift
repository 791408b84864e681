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
