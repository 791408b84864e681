import Testing
import VirtError
import VirtRPC
import XDR

/// Hex (spaces ignored) to bytes.
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Byte fixtures captured between stock virsh and libvirtd 9.0.0 (the reference's
/// examples), annotated field by field, decoded and encoded back.
struct WireFixtureTests {
    static let demoUUID = bytes("6695eb01 f6a4 8304 79aa 97f2502e193f")

    @Test func aDomainNotFoundErrorDecodesToItsVirErrorAndEncodesBackByteForByte() throws {
        let payload = bytes("""
            0000002a 0000000c
            00000001 00000010 446f6d61 696e206e 6f742066 6f756e64
            00000002
            00000000
            00000001 00000010 446f6d61 696e206e 6f742066 6f756e64
            00000000 00000000
            ffffffff ffffffff
            00000000
            """)  // code 42, domain 12, message, level 2, no dom, str1, no str2/str3, int1/int2 -1, no net
        #expect(payload.count == 84)
        let wire = try RemoteError(xdrBytes: payload)
        let error = wire.virError
        #expect(error.code == .noDomain && error.domain == .test)
        #expect(error.message == "Domain not found" && error.str1 == "Domain not found" && error.str2 == nil)
        #expect(error.int1 == 0 && error.int2 == 0)
        #expect(wire.xdrBytes == payload)
        #expect(RemoteError(error).xdrBytes == payload)
    }

    @Test func aLifecycleCallbackEventCarriesItsCallbackIDThenTheMessage() throws {
        let payload = bytes("00000000") + bytes("00000004 64656d6f") + Self.demoUUID + bytes("ffffffff 00000000 00000000")
        // callbackID 0; dom { "demo", uuid, id -1 }; event 0 (Defined); detail 0 (Added)
        let event = try RemoteDomainEventCallbackLifecycleMsg(xdrBytes: payload)
        #expect(event.callbackID == 0)
        #expect(event.msg.dom == RemoteNonnullDomain(name: "demo", uuid: Self.demoUUID, id: -1))
        #expect(event.msg.event == 0 && event.msg.detail == 0)
        #expect(event.xdrBytes == payload)
    }

    @Test func nodeInfoWidensEachCharOfTheModelToFourBytes() throws {
        var model = [Int32](repeating: 0, count: 32)
        for (index, byte) in "i686".utf8.enumerated() { model[index] = Int32(byte) }
        let info = RemoteNodeGetInfoRet(model: model, memory: 8_388_608, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2)
        let encoded = info.xdrBytes
        #expect(encoded.count == 128 + 8 + 6 * 4)
        #expect(Array(encoded[0..<20]) == bytes("00000069 00000036 00000038 00000036 00000000"))
        #expect(try RemoteNodeGetInfoRet(xdrBytes: encoded) == info)
    }

    @Test func stringsArePaddedToFourBytesWithoutANul() {
        var encoder = XDREncoder()
        encoder.encode("TEST")
        encoder.encode("demo1")
        encoder.encode("")
        #expect(encoder.bytes == bytes("00000004 54455354  00000005 64656d6f 31000000  00000000"))
    }

    @Test func aTypedParameterIsItsNameThenTheUnion() throws {
        let parameter = RemoteTypedParameter(field: "hard_limit", value: .ullong(9_007_199_254_740_991))
        let encoded = parameter.xdrBytes
        #expect(encoded == bytes("0000000a 68617264 5f6c696d 69740000  00000004  001fffff ffffffff"))
        #expect(try RemoteTypedParameter(xdrBytes: encoded) == parameter)
        for value: RemoteTypedParameter.Value in [.int(-1), .uint(7), .llong(-2), .double(0.5), .boolean(true), .string("x")] {
            let round = RemoteTypedParameter(field: "f", value: value)
            #expect(try RemoteTypedParameter(xdrBytes: round.xdrBytes) == round)
        }
    }

    @Test func procedureNumbersAreLibvirts() {
        #expect(RemoteProcedure.connectOpen.rawValue == 1)
        #expect(RemoteProcedure.domainGetInfo.rawValue == 16)
        #expect(RemoteProcedure.connectListAllDomains.rawValue == 273)
        #expect(RemoteProcedure.domainEventCallbackLifecycle.rawValue == 318)
        #expect(RemoteProcedure.connectListAllDomains.libvirtName == "REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS")
        #expect(QEMUProcedure.domainMonitorCommand.rawValue == 1 && QEMUProcedure.domainAgentCommand.rawValue == 3)
        #expect(LXCProcedure.domainOpenNamespace.rawValue == 1)
        #expect(KeepaliveProcedure.ping.rawValue == 1 && KeepaliveProcedure.pong.rawValue == 2)
    }
}
