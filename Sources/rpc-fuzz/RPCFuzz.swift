// rpc-fuzz: feeds arbitrary bytes to the protocol's decoders, the code that reads what a
// client or daemon sends: the frame reader, the header, and the XDR decoders of the
// structs virtd and the remote driver read first. A decoded value must encode back to what
// decodes to it again. Nothing may crash, hang or grow without bound.
//
// Built two ways:
// - `scripts/fuzz SECONDS` builds it with `-sanitize=fuzzer,address -DFUZZING` and runs
//   libFuzzer for a bounded time (CI runs it);
// - a plain build replays the files given as arguments (a corpus, or a crash libFuzzer
//   saved), so that a finding can be reproduced in a debugger.
import VirtError
import VirtRPC
import XDR

/// Every decoder the input goes through.
func exercise(_ bytes: [UInt8]) {
    var reader = FrameReader()
    reader.append(bytes)
    while let packet = try? reader.next() {
        _ = try? packet.descriptorCount()
        roundTrip(packet, RemoteConnectOpenArgs.self)
        roundTrip(packet, RemoteDomainDefineXmlFlagsArgs.self)
        roundTrip(packet, RemoteConnectListAllDomainsRet.self)
        roundTrip(packet, RemoteDomainGetVcpusRet.self)
        roundTrip(packet, RemoteDomainPinVcpuFlagsArgs.self)
        roundTrip(packet, RemoteDomainSnapshotCreateXmlArgs.self)
        roundTrip(packet, RemoteDomainListAllSnapshotsRet.self)
        roundTrip(packet, RemoteDomainEventCallbackLifecycleMsg.self)
        roundTrip(packet, RemoteNodeGetInfoRet.self)
        roundTrip(packet, RemoteError.self)
    }
}

/// Decodes `packet` as `T`; a value that decodes must survive an encode and decode unchanged.
func roundTrip<T: XDRCodable & Equatable>(_ packet: Packet, _ type: T.Type) {
    guard let value = try? packet.decode(T.self) else { return }
    var encoder = XDREncoder()
    value.encode(to: &encoder)
    let again = try? T(xdrBytes: encoder.bytes)
    precondition(again == value, "\(T.self) did not survive an encode and decode")
}

#if FUZZING
/// libFuzzer's driver (`-sanitize=fuzzer` links it).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    exercise(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// The executable's entry point under SwiftPM's name for it: hands over to libFuzzer.
@_cdecl("rpc_fuzz_main")
func rpcFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
import Foundation

/// The plain build: replays each file given as an argument.
@main
enum RPCFuzzReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("rpc-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            exercise(Array(data))
            print("\(path): ok")
        }
    }
}
#endif
