import Testing
import VirtError
import VirtXML

/// `virScaleInteger` / `virDomainParseMemory` unit rules.
struct MemorySizeTests {
    @Test(arguments: [
        ("1", nil, 1),
        ("1", "KiB", 1), ("1", "k", 1), ("1", "K", 1), ("1", "kib", 1),
        ("1000", "KB", 977), ("1", "kb", 1),
        ("1", "b", 1), ("1024", "bytes", 1), ("1025", "byte", 2), ("0", "bytes", 0),
        ("1", "M", 1024), ("1", "MiB", 1024), ("1", "MB", 977),
        ("1", "G", 1_048_576), ("1", "GB", 976_563),
        ("1", "T", 1_073_741_824), ("1", "TB", 976_562_500),
        ("1", "P", 1_099_511_627_776), ("1", "PiB", 1_099_511_627_776), ("1", "PB", 976_562_500_000),
        ("7", "E", 7 * 1_125_899_906_842_624), ("7", "EB", 6_835_937_500_000_000), ("7", "EiB", 7 * 1_125_899_906_842_624),
        (" 12 ", "KiB", 12),
    ] as [(String, String?, UInt64)])
    func converts(value: String, unit: String?, kib: UInt64) throws {
        #expect(try MemorySize.kibibytes(value, unit: unit, path: "./memory[1]") == kib)
    }

    @Test func boundary() throws {
        let max = MemorySize.maximumBytes
        #expect(try MemorySize.kibibytes("\(max)", unit: "b", path: "x") == max / 1024 + 1)
        let over = try #require(throws: VirError.self) { try MemorySize.kibibytes("\(max + 1)", unit: "bytes", path: "x") }
        #expect(over.code == .overflow && over.message == "numerical overflow: value too large: \(max + 1)bytes")
        #expect(try MemorySize.kibibytes("\(max / 1024)", unit: nil, path: "x") == max / 1024)
        #expect(throws: VirError.self) { try MemorySize.kibibytes("\(max / 1024 + 1)", unit: nil, path: "x") }
        #expect(throws: VirError.self) { try MemorySize.kibibytes("8", unit: "EiB", path: "x") }
        #expect(throws: VirError.self) { try MemorySize.kibibytes("18446744073709551616", unit: "b", path: "x") }
    }

    @Test(arguments: ["XB", "KiBB", "Ki", "kibi", "Q", "iB"])
    func unknownSuffix(unit: String) throws {
        let error = try #require(throws: VirError.self) { try MemorySize.kibibytes("1", unit: unit, path: "x") }
        #expect(error.code == .invalidArg)
        #expect(error.message == "invalid argument: unknown suffix '\(unit)'")
    }

    @Test(arguments: ["-1", "1.5", "", "0x10", "+1", "1 2"])
    func invalidNumbers(value: String) throws {
        let error = try #require(throws: VirError.self) { try MemorySize.kibibytes(value, unit: nil, path: "./memory[1]") }
        #expect(error.code == .xmlError)
        #expect(error.message.contains("./memory[1]"))
    }

    @Test func cpuSets() {
        #expect(CPUSet(parsing: "1-4,^3,6")?.description == "1-2,4,6")
        #expect(CPUSet(parsing: "0,1,2,5")?.description == "0-2,5")
        #expect(CPUSet(parsing: "^1") == nil)
        #expect(CPUSet(parsing: "3-1") == nil)
        #expect(CPUSet(parsing: "a") == nil)
        #expect(CPUSet(parsing: "99999") == nil)
    }
}
