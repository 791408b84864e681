import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// Loads `test:///PATH.xml`: a node description in the format of libvirt's test driver.
///
/// ```xml
/// <node>
///   <cpu><mhz>6000</mhz><model>i986</model><active>50</active>
///        <nodes>4</nodes><sockets>4</sockets><cores>4</cores><threads>2</threads></cpu>
///   <memory>8192000</memory>
///   <domain type='test'>…</domain>          <!-- inline -->
///   <domain file='other.xml'/>               <!-- relative to this file -->
/// </node>
/// ```
/// Domains start running unless they carry `<test:runstate>5</test:runstate>` (shut off)
/// or another state number; `<test:transient/>` makes one transient.
enum TestNodeFile {
    static func load(path: String) throws(VirError) -> TestNode {
        let document = try XMLParser.parse(bytes: try readFile(path), documentName: path, errorDomain: .test)
        let root = document.root
        guard root.name == "node" else {
            throw VirError(.xmlError, "Root element is not 'node'", domain: .test)
        }
        var info = DefaultTestNode.nodeInfo
        if let cpu = root.child("cpu") {
            info.mhz = try number(cpu, "mhz", default: info.mhz)
            info.nodes = try number(cpu, "nodes", default: info.nodes)
            info.sockets = try number(cpu, "sockets", default: info.sockets)
            info.cores = try number(cpu, "cores", default: info.cores)
            info.threads = try number(cpu, "threads", default: info.threads)
            info.cpus = min(try number(cpu, "active", default: UInt32(info.maximumCPUs)), UInt32(info.maximumCPUs))
            if let model = cpu.child("model")?.text, !model.isEmpty {
                guard model.utf8.count < 32 else { throw VirError(.xmlError, "Model \(model) too big for destination", domain: .test) }
                info.model = model
            }
        }
        if let memory = root.child("memory") {
            guard let kib = UInt64(memory.text.trimmed) else { throw VirError(.xmlError, "invalid node memory value", domain: .test) }
            info.memory = kib
        }
        var node = TestNode(nodeInfo: info, capabilities: .testDriverDefault)
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        for element in root.elements where element.name == "domain" {
            var source = element
            if let file = element.attribute("file") {
                let absolute = file.hasPrefix("/") ? file : directory + "/" + file
                source = try XMLParser.parse(bytes: try readFile(absolute), documentName: absolute, errorDomain: .test).root
            }
            try add(source, to: &node)
        }
        return node
    }

    private static func add(_ element: XMLElement, to node: inout TestNode) throws(VirError) {
        let runstate = element.elements.first { $0.name.hasSuffix(":runstate") }.flatMap { Int32($0.text.trimmed) }
        let transient = element.elements.contains { $0.name.hasSuffix(":transient") }
        var cleaned = element
        cleaned.children.removeAll {
            if case .element(let child) = $0 { return child.name.hasPrefix("test:") }
            return false
        }
        let definition = try TestDefaults.parse(XMLWriter.format(cleaned))
        if try node.existingForAdd(definition) != nil {
            throw VirError(.operationFailed, "domain '\(definition.name)' is already defined", domain: .domain)
        }
        var domain = TestDomain(definition: definition, isPersistent: !transient)
        let state = runstate.flatMap(DomainState.init(rawValue:)) ?? .running
        if state != .shutoff {
            node.markStarted(&domain, reason: .runningBooted)
            domain.state = state
        }
        node.store(domain)
    }

    private static func number(_ parent: XMLElement, _ name: String, default value: UInt32) throws(VirError) -> UInt32 {
        guard let element = parent.child(name) else { return value }
        guard let parsed = UInt32(element.text.trimmed), parsed > 0 else {
            throw VirError(.xmlError, "invalid node cpu \(name) value", domain: .test)
        }
        return parsed
    }

    static func readFile(_ path: String) throws(VirError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VirError(.systemError, "Failed to open file '\(path)': \(String(cString: strerror(errno)))", domain: .test)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw VirError(.systemError, "Failed to read file '\(path)': \(String(cString: strerror(errno)))", domain: .test)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            guard bytes.count <= 16 << 20 else { throw VirError(.xmlError, "file '\(path)' is too large", domain: .test) }
        }
        return bytes
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
