import RawNetCore
import Testing

/// A trace event carries its frame as hex text: every byte survives the round
/// trip, either case reads, and anything that is not hex pairs is refused.
@Suite struct TraceEventHexTests {
    @Test func everyByte_roundTrips_inEitherCase() {
        let bytes = (0...255).map(UInt8.init) + [0x00, 0xFF, 0x7E]
        let hex = TraceEvent.hex(bytes)
        #expect(hex.count == bytes.count * 2)
        #expect(hex.hasPrefix("000102") && hex.hasSuffix("00ff7e"))
        #expect(TraceEvent.bytes(fromHex: hex) == bytes)
        #expect(TraceEvent.bytes(fromHex: hex.uppercased()) == bytes)
        #expect(TraceEvent.hex([]) == "" && TraceEvent.bytes(fromHex: "") == [])
    }

    @Test func notHexPairs_areRefused() {
        for text in ["0", "abc", "0g", "g0", "00 ", "é0", "0\u{0}", "ab-d"] {
            #expect(TraceEvent.bytes(fromHex: text) == nil, "\(text)")
        }
    }
}
