import Testing
@testable import RawNetWire

/// Inputs the fuzzer (`scripts/fuzz`, RELIABILITY.md) found, kept as tests.
@Suite struct FuzzRegressionTests {
    /// 16-bit big-endian word at `offset`.
    private func word(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }

    /// ipv4 finding: a header whose stored checksum is 0xFFFF where the sum of the rest
    /// is 0xFFFF, one's complement's other zero. It verifies (as in Linux and Wireshark);
    /// re-encoded it carries 0x0000, which verifies too, and every other byte is kept.
    @Test func ipv4_checksumNegativeZero_verifiesAndReencodesAsPositiveZero() throws {
        let input: [UInt8] = [0x46, 0x00, 0x00, 0x21, 0x00, 0x0a, 0x40, 0x00, 0x40, 0x11, 0xff, 0xff, 0x8e, 0xa0,
                              0x0a, 0x00, 0x01, 0x0a, 0x0a, 0x00, 0x02, 0x14, 0x94, 0x04, 0x00, 0x00]
        let header = try IPv4Header(parsing: input, verifyChecksum: true, requireFullPacket: false)
        #expect(throws: WireError.self) { try IPv4Header(parsing: input, verifyChecksum: true, requireFullPacket: true) }
        var again: [UInt8] = []
        header.serialize(into: &again)
        #expect(again.count == 24)
        #expect(word(again, 10) == 0x0000)
        #expect(Array(again[..<10]) == Array(input[..<10]) && Array(again[12..<24]) == Array(input[12..<24]))
        // The value keeps the checksum it read; otherwise the two are the same header.
        #expect(header.checksum == 0xFFFF)
        var positive = header
        positive.checksum = 0x0000
        #expect(try IPv4Header(parsing: again, verifyChecksum: true, requireFullPacket: false) == positive)
    }

    /// icmp finding: 14 bytes of 0xFF, an unknown type whose checksum 0xFFFF verifies;
    /// re-encoded with 0x0000 it verifies and decodes to the same message.
    @Test func icmp_checksumNegativeZero_verifiesAndReencodesAsPositiveZero() throws {
        let input = [UInt8](repeating: 0xFF, count: 14)
        let message = try ICMPMessage(parsing: input, verifyChecksum: true)
        #expect(message == .other(type: 255, code: 255, restOfHeader: 0xFFFF_FFFF, body: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        var again: [UInt8] = []
        message.serialize(into: &again)
        #expect(word(again, 2) == 0x0000)
        #expect(Array(again[4...]) == Array(input[4...]) && Array(again[..<2]) == Array(input[..<2]))
        #expect(try ICMPMessage(parsing: again, verifyChecksum: true) == message)
    }

    /// http finding: field values with obs-text bytes (0x80–0xFF, RFC 9110 §5.5) were kept
    /// as text, each byte that is not UTF-8 becoming U+FFFD, three bytes when re-encoded: a
    /// head within the 8,192-byte limit re-encoded beyond it and no longer parsed. Values (and
    /// a response's reason phrase, which may hold obs-text too) now keep their bytes.
    @Test func http_obsTextFieldValue_reencodedHeadStillParses() throws {
        let obsText = [UInt8](repeating: 0xFF, count: 3000) + [0xE1, 0x9D, 0x80, 0x20, 0xC3]
        let head = Array("GET / HTTP/1.1\r\nHost: b\r\nX: ".utf8) + obsText + Array("\r\n\r\n".utf8)
        let request = try HTTPRequestHead(parsing: head[...])
        #expect(request.headers.fields[1].valueBytes == obsText)
        #expect(request.encoded == head)
        #expect(try HTTPRequestHead(parsing: request.encoded[...]) == request)

        let status = Array("HTTP/1.1 200 ".utf8) + obsText + Array("\r\nX: ".utf8) + obsText + Array("\r\n\r\n".utf8)
        let response = try HTTPResponseHead(parsing: status[...])
        #expect(response.reasonBytes == obsText && response.headers.fields[0].valueBytes == obsText)
        #expect(response.encoded == status)
        #expect(try HTTPResponseHead(parsing: response.encoded[...]) == response)
    }
}
