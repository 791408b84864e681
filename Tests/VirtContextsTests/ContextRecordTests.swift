import Testing
import VirtError
@testable import VirtContexts

@Suite("Security contexts: the record file")
struct ContextRecordTests {
    static let full = ContextRecord(
        xid: 42, initPID: 1234, initIdentity: .pidfsInode(987_654), hasInit: true, designatedInitPID: 77,
        controllers: ["freezer", "memory", "pids"], namespaces: 0x7E02_0000, createdAt: 1_763_700_000.25, timeOffset: -5_000,
        boundingSet: 0xa80425fb, name: "web front end", processLimit: 64, cgroupInode: 4_321)

    @Test func roundTripsEveryField() throws {
        let text = String(decoding: Self.full.encoded(), as: UTF8.self)
        #expect(try ContextRecord(parsing: text) == Self.full)
        var minimal = Self.full
        minimal.designatedInitPID = nil
        minimal.processLimit = nil
        minimal.cgroupInode = nil
        minimal.controllers = []
        minimal.name = ""
        minimal.initIdentity = .startTime(5)
        #expect(try ContextRecord(parsing: String(decoding: minimal.encoded(), as: UTF8.self)) == minimal)
    }

    @Test("a record with a missing or malformed field is an internal error, not a crash", arguments: [
        "", "xid 42\n", "garbage", "xid forty-two\ninit-pid 1\n",
    ])
    func corruptRecordsAreRefused(text: String) {
        #expect(throws: VirError.self) { try ContextRecord(parsing: text) }
        do { _ = try ContextRecord(parsing: text) } catch { #expect(error.code == .internalError) }
    }

    @Test func aMalformedOptionalFieldIsRefusedToo() {
        let text = String(decoding: Self.full.encoded(), as: UTF8.self).replacingOccurrences(of: "process-limit 64", with: "process-limit lots")
        #expect(throws: VirError.self) { try ContextRecord(parsing: text) }
    }
}
