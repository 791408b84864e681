import Testing
import VirtError
import VirtRPC
import XDR

/// Frames, headers and the decoder's refusals of malformed input.
struct FramingTests {
    private func decodeFailure(_ body: () throws(VirError) -> Void) -> VirError? {
        do throws(VirError) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aVoidCallIsExactly28Bytes() throws {
        let call = Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.connectClose.rawValue, type: .call, serial: 7))
        #expect(call.frame == bytes("0000001c 20008086 00000001 00000002 00000000 00000007 00000000"))
        var reader = FrameReader()
        reader.append(call.frame)
        #expect(try reader.next() == call)
        #expect(try reader.next() == nil && reader.pendingByteCount == 0)
    }

    @Test func theReaderJoinsPacketsSplitAcrossReadsAndSeparatesPacketsInOneRead() throws {
        let first = Packet(header: PacketHeader(program: .remote, procedure: 23, type: .call, serial: 1), body: RemoteDomainLookupByNameArgs(name: "demo"))
        let second = Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.ping.rawValue, type: .message, serial: 0))
        let stream = first.frame + second.frame
        var reader = FrameReader()
        var packets: [Packet] = []
        for byte in stream {  // one byte at a time
            reader.append([byte])
            while let packet = try reader.next() { packets.append(packet) }
        }
        #expect(packets == [first, second])
        #expect(try packets[0].decode(RemoteDomainLookupByNameArgs.self).name == "demo")
        var whole = FrameReader()
        whole.append(stream)
        #expect(try whole.next() == first)
        #expect(try whole.next() == second)
    }

    @Test(arguments: [UInt32(0), 27, 33_554_437, UInt32.max])
    func aLengthWordOutOfRangeIsRefusedBeforeItsBody(length: UInt32) {
        var reader = FrameReader()
        var encoder = XDREncoder()
        encoder.encode(length)
        reader.append(encoder.bytes)
        let error = decodeFailure { () throws(VirError) in _ = try reader.next() }
        #expect(error?.code == .rpc && error?.domain == .rpc)
    }

    @Test func theLargestFrameLibvirtAcceptsIsAccepted() throws {
        try Packet.checkLength(33_554_436)
        try Packet.checkLength(28)
    }

    @Test func anUnknownTypeOrStatusInTheHeaderIsRefused() {
        let badType = bytes("20008086 00000001 00000001 00000009 00000000 00000000")
        let badStatus = bytes("20008086 00000001 00000001 00000000 00000000 00000005")
        for body in [badType, badStatus] {
            #expect(decodeFailure { () throws(VirError) in _ = try Packet(frameBody: body) }?.message == "Unable to decode message payload")
        }
    }

    @Test func truncatedOversizedAndTrailingPayloadsAreRefused() {
        let cases: [(String, [UInt8])] = [
            ("truncated string", bytes("00000010 64656d6f")),
            ("string longer than the protocol allows", bytes("00400001")),
            ("trailing bytes", bytes("00000004 64656d6f 00000000")),
            ("not UTF-8", bytes("00000002 c3280000")),
        ]
        for (what, payload) in cases {
            let error = decodeFailure { () throws(VirError) in _ = try RemoteDomainLookupByNameArgs(xdrBytes: payload) }
            #expect(error?.code == .rpc, "\(what)")
        }
        // An array whose count exceeds what the payload could hold, before any allocation.
        #expect(decodeFailure { () throws(VirError) in _ = try RemoteConnectListAllDomainsRet(xdrBytes: bytes("0000ffff 00000000")) }?.code == .rpc)
        // An optional whose discriminant is neither 0 nor 1.
        #expect(decodeFailure { () throws(VirError) in _ = try RemoteConnectOpenArgs(xdrBytes: bytes("00000002 00000000")) }?.code == .rpc)
        // A typed parameter of an unknown type.
        #expect(decodeFailure { () throws(VirError) in _ = try RemoteTypedParameter(xdrBytes: bytes("00000001 66000000 00000009 00000000")) }?.code == .rpc)
    }

    @Test func descriptorsAreCountedAfterTheHeaderOfWithFDsPackets() throws {
        var payload = XDREncoder()
        payload.encode(UInt32(2))
        RemoteDomainCreateXmlWithFilesArgs(xmlDesc: "<domain/>", flags: 0).encode(to: &payload)
        let packet = Packet(header: PacketHeader(program: .remote, procedure: 309, type: .callWithFDs, serial: 3), payload: payload.bytes)
        #expect(try packet.descriptorCount() == 2)
        #expect(try packet.decode(RemoteDomainCreateXmlWithFilesArgs.self).xmlDesc == "<domain/>")
        var tooMany = XDREncoder()
        tooMany.encode(UInt32(33))
        let hostile = Packet(header: packet.header, payload: tooMany.bytes)
        #expect(decodeFailure { () throws(VirError) in _ = try hostile.descriptorCount() }?.code == .rpc)
    }

    @Test func aWithFDsPacketWaitsForItsCarrierBytesAndTakesTheirDescriptors() throws {
        var payload = XDREncoder()
        payload.encode(UInt32(2))
        RemoteDomainCreateXmlWithFilesArgs(xmlDesc: "<domain/>", flags: 0).encode(to: &payload)
        let call = Packet(header: PacketHeader(program: .remote, procedure: 309, type: .callWithFDs, serial: 3), payload: payload.bytes)
        let next = Packet(header: PacketHeader(program: .remote, procedure: 1, type: .call, serial: 4))
        var reader = FrameReader()
        reader.append(call.frame)
        #expect(try reader.next() == nil, "its two carrier bytes are still to come")
        reader.append([0], descriptors: [70])
        #expect(try reader.next() == nil)
        reader.append([0] + next.frame, descriptors: [71])
        let received = try #require(try reader.next())
        #expect(received.descriptors == [70, 71] && received.payload == call.payload)
        #expect(try reader.next() == Packet(header: next.header), "the carrier bytes are not part of the next frame")

        // Carrier bytes that come without descriptors break the protocol.
        var cheated = FrameReader()
        cheated.append(call.frame + [0, 0], descriptors: [72])
        #expect(decodeFailure { () throws(VirError) in _ = try cheated.next() }?.message == "2 file descriptors announced, 1 received")
    }

    @Test func aReplyWithDescriptorsCarriesOnlyTheirCount() throws {
        let call = PacketHeader(program: .lxc, procedure: 1, type: .call, serial: 9)
        let reply = Packet(header: call.reply(withDescriptors: true), body: XDRVoid(), descriptors: [5, 6, 7])
        #expect(reply.header.type == .replyWithFDs && reply.payload == [0, 0, 0, 3] && reply.descriptors == [5, 6, 7])
    }

    @Test func aReplyEchoesItsCallsProgramProcedureAndSerial() {
        let call = PacketHeader(program: .lxc, procedure: 1, type: .callWithFDs, serial: 41)
        let reply = call.reply(status: .ok, withDescriptors: true)
        #expect(reply == PacketHeader(program: .lxc, procedure: 1, type: .replyWithFDs, serial: 41, status: .ok))
        #expect(call.reply(status: .error).type == .reply)
    }
}
