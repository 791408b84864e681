import JSON
import Testing
import VirtError
@testable import JSON

@Suite("JSON values")
struct JSONValueTests {
    @Test("members keep their order and numbers their text; output has no spaces")
    func roundTrip() throws {
        let value = try JSONValue(parsing: #" {"return": {"status": "running", "singlestep": false, "running": true, "n": -1.50e3, "z": null, "list": [1, 2 ,3]}, "id": "libvirt-1"} "#)
        #expect(value.serialized == #"{"return":{"status":"running","singlestep":false,"running":true,"n":-1.50e3,"z":null,"list":[1,2,3]},"id":"libvirt-1"}"#)
        #expect(value["return"]?["status"]?.stringValue == "running")
        #expect(value["return"]?["list"]?.arrayValue?.count == 3)
        #expect(value["missing"] == nil)
    }

    @Test("strings: escapes and surrogate pairs in, minimal escapes out")
    func strings() throws {
        let value = try JSONValue(parsing: #""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\u0001""#)
        #expect(value.stringValue == "a\"b\\c/d\n\té😀\u{1}")
        #expect(value.serialized == #""a\"b\\c/d\n\té😀\u0001""#)
    }

    @Test("integers are read as integers only when they are")
    func numbers() throws {
        #expect(try JSONValue(parsing: "18446744073709551615").uint64Value == UInt64.max)
        #expect(try JSONValue(parsing: "-9223372036854775808").int64Value == Int64.min)
        #expect(try JSONValue(parsing: "1.5").int64Value == nil)
        #expect(try JSONValue(parsing: "1.5").doubleValue == 1.5)
        #expect(JSONValue.int(42).serialized == "42")
    }

    @Test("setting a member replaces it in place or appends it")
    func setting() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2}"#)
        #expect(value.setting("a", to: .bool(true)).serialized == #"{"a":true,"b":2}"#)
        #expect(value.setting("c", to: .null).serialized == #"{"a":1,"b":2,"c":null}"#)
    }

    @Test("beautified text is yajl's, as virsh --pretty prints it")
    func beautified() throws {
        let value = try JSONValue(parsing: #"{"return":{"status":"running","cpus":[0,1],"none":{},"empty":[]},"id":"x"}"#)
        #expect(value.beautified == """
            {
              "return": {
                "status": "running",
                "cpus": [
                  0,
                  1
                ],
                "none": {

                },
                "empty": [

                ]
              },
              "id": "x"
            }
            """)
        #expect(JSONValue.string("a\nb").beautified == #""a\nb""#)
        #expect(JSONValue.object([:]).beautified == "{\n\n}")
    }

    @Test("malformed text is refused with libvirt's error", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"a\u{1}b\"", "{} {}", "[1] x", "\"\\u12G4\"", "{1:2}",
    ])
    func malformed(text: String) {
        let error = #expect(throws: VirError.self) { try JSONValue(parsing: text) }
        #expect(error?.code == .internalError)
        #expect(error?.message.hasPrefix("internal error: cannot parse json ") == true)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: VirError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22][...]) }
    }

    @Test("nesting deeper than the limit is refused instead of exhausting the stack")
    func deepNesting() throws {
        let limit = JSONParser.maximumDepth
        _ = try JSONValue(parsing: String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        #expect(throws: VirError.self) { try JSONValue(parsing: String(repeating: "[", count: 100_000)) }
    }
}
