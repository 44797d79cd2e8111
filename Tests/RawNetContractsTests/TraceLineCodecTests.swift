import RawNetContracts
import RawNetCore
import RawNetJSON
import Testing

/// The hand-written trace line codec against the generic one: the same bytes out,
/// the same events in, either way round; hostile lines an error, never a crash.
struct TraceLineCodecTests {
    static let kinds: [TraceEvent.Kind] = [.received, .sent, .dropped, .impaired, .transport, .note, .lost, .counted]

    /// Texts that need every kind of care: quotes, backslashes, control bytes, DEL,
    /// a slash, Korean, an emoji (a surrogate pair when escaped), the empty string.
    static let awkwardTexts = [
        "", "r1", "eth0", "say \"hi\"", #"C:\path\to"#, "line\nbreak\ttab\rreturn", "\u{00}\u{01}\u{08}\u{0C}\u{1F}",
        "\u{7F}", "a/b", "라우터 한국어 경로", "😀 emoji 🇰🇷", "mixed \"한\\글\"\n😀\u{1B}[0m",
    ]

    static func generic(_ event: TraceEvent) throws -> [UInt8] {
        try ControlCodec.encodeLine(event)
    }

    static func genericDecode(_ line: [UInt8]) throws -> TraceEvent {
        try ControlCodec.decodeLine(TraceEvent.self, from: line)
    }

    /// Every path through the two codecs gives back `event`, and both write the same bytes.
    static func checkRoundTrips(_ event: TraceEvent, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = event.jsonLine()
        let generic = try generic(event)
        #expect(fast == generic, "fast and generic lines differ", sourceLocation: sourceLocation)
        #expect(TraceEvent(jsonLine: fast) == event, "fast → fast", sourceLocation: sourceLocation)
        #expect(try genericDecode(fast) == event, "fast → generic", sourceLocation: sourceLocation)
        #expect(TraceEvent(jsonLine: generic) == event, "generic → fast", sourceLocation: sourceLocation)
        #expect(try ControlCodec.decodeTraceLine(from: fast) == event, sourceLocation: sourceLocation)
        #expect(ControlCodec.encodeTraceLine(event) == fast, sourceLocation: sourceLocation)
    }

    @Test func everyKindWithAndWithoutEachOptional_roundTrips() throws {
        var count = 0
        for kind in Self.kinds {
            for mask in 0..<16 {
                let event = TraceEvent(
                    time: 1_733_390_000_123_456_789 + Int64(mask), node: "r1",
                    interface: mask & 1 != 0 ? "eth\(mask)" : nil, kind: kind,
                    frame: mask & 2 != 0 ? (0..<60).map { UInt8(truncatingIfNeeded: $0 &* 37) } : nil,
                    reason: mask & 4 != 0 ? "ttl-exceeded" : nil, detail: mask & 8 != 0 ? "cwnd 10 → 20" : nil)
                try Self.checkRoundTrips(event)
                count += 1
            }
        }
        #expect(count == 128)
    }

    @Test func framesOfEveryLengthUpToAFullEthernetFrame_roundTrip() throws {
        for length in 0...1514 {
            let frame = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ length) }
            try Self.checkRoundTrips(TraceEvent(time: Int64(length), node: "h1", interface: "eth0", kind: .sent, frame: frame))
        }
    }

    @Test func awkwardStrings_roundTripInEveryField() throws {
        for text in Self.awkwardTexts {
            try Self.checkRoundTrips(TraceEvent(time: -1, node: text, interface: text, kind: .note, reason: text, detail: text))
            try Self.checkRoundTrips(TraceEvent(time: 0, node: text, kind: .dropped, frame: [0xFF, 0x00], reason: text))
        }
        // Every control byte, escaped as the generic encoder escapes it.
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x22, 0x5C, 0x7F], as: UTF8.self)
        try Self.checkRoundTrips(TraceEvent(time: 7, node: controls, kind: .note, detail: controls))
    }

    @Test func extremeTimes_roundTrip() throws {
        for time in [Int64.min, Int64.min + 1, -1_000_000_007, -1, 0, 1, 9, 10, 99, 100, Int64.max - 1, Int64.max] {
            try Self.checkRoundTrips(TraceEvent(time: time, node: "n", kind: .lost, detail: "3 events"))
        }
    }

    @Test func seededRandomEvents_roundTripBothWays() throws {
        var random = SeededRandom(seed: 0x5EED_2026_1205)
        let pieces = Self.awkwardTexts + ["a", "\"", "\\", "\u{00}", "é", "\u{10FFFF}", "ab cd"]
        func text() -> String {
            (0..<random.below(6)).map { _ in pieces[random.below(pieces.count)] }.joined()
        }
        for _ in 0..<3000 {
            let time: Int64 = random.below(8) == 0 ? [Int64.min, Int64.max, 0][random.below(3)] : Int64(bitPattern: random.next())
            let event = TraceEvent(
                time: time, node: text(),
                interface: random.below(2) == 0 ? nil : text(),
                kind: Self.kinds[random.below(Self.kinds.count)],
                frame: random.below(2) == 0 ? nil : (0..<random.below(1515)).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                reason: random.below(2) == 0 ? nil : text(),
                detail: random.below(2) == 0 ? nil : text())
            try Self.checkRoundTrips(event)
        }
    }

    /// Lines another writer could send: keys in another order, whitespace between tokens,
    /// escapes the encoders never write, null for an absent optional, upper-case hex,
    /// keys a later version adds.
    @Test func otherSpellingsOfTheSameEvent_areRead() throws {
        let expected = TraceEvent(time: -5, node: "r/é😀\n", interface: "eth0", kind: .sent, frame: [0xAB, 0xCD, 0x01],
                                  reason: nil, detail: "\t\u{08}\u{0C}\"\\")
        let lines = [
            #" { "kind" : "sent" , "node" : "r\/\u00e9\ud83d\ude00\n" ,"time":-5, "frame":"ABcD01", "interface":"eth0", "detail":"\t\b\f\"\\" } "# + "\r\n",
            #"{"time":-5,"node":"r/é😀\n","interface":"eth0","kind":"sent","frame":"abcd01","reason":null,"detail":"\u0009\u0008\u000C\u0022\u005c"}"#,
            #"{"later":{"nested":[1,-0.5e+3,true,false,null,"s\"",{}],"x":[]},"time":-5,"node":"r/é😀\n","#
                + #""interface":"eth0","kind":"sent","frame":"abcd01","detail":"\t\b\f\"\\","zz":12.5E-1,"한":"글"}"#,
            // A later value for the same key wins, as in the generic decoder.
            #"{"time":1,"time":-5,"node":"x","node":"r/é😀\n","interface":"eth0","kind":"note","kind":"sent","frame":"00","frame":"abcd01","detail":"\t\b\f\"\\"}"#,
        ]
        for line in lines {
            let bytes = Array(line.utf8)
            #expect(TraceEvent(jsonLine: bytes) == expected, "\(line)")
            #expect(try Self.genericDecode(bytes) == expected, "\(line)")
        }
        // A slice of a larger buffer reads the same as an array.
        let both = Array((lines[0] + "\n" + lines[1]).utf8)
        let first = both.split(separator: 0x0A, maxSplits: 1)[0]
        #expect(TraceEvent(jsonLine: first) == expected)
    }

    /// What the fast reader leaves to the generic decoder is still read, through `decodeTraceLine`.
    @Test func linesTheFastReaderLeavesToTheGenericDecoder_areStillRead() throws {
        let lines = [
            #"{"time":1e3,"node":"r1","kind":"sent"}"#,
            #"{"time":1000.0,"node":"r1","kind":"sent"}"#,
            #"{"\u0074ime":1000,"node":"r1","kind":"sent"}"#,
        ]
        for line in lines {
            #expect(TraceEvent(jsonLine: Array(line.utf8)) == nil, "\(line)")
            #expect(try ControlCodec.decodeTraceLine(from: Array(line.utf8)) == TraceEvent(time: 1000, node: "r1", kind: .sent))
        }
        let escapedHex = Array(#"{"time":1,"node":"r1","kind":"sent","frame":"0\u0030"}"#.utf8)
        #expect(TraceEvent(jsonLine: escapedHex) == nil)
        #expect(try ControlCodec.decodeTraceLine(from: escapedHex) == TraceEvent(time: 1, node: "r1", kind: .sent, frame: [0]))
    }

    @Test func hostileLines_areErrorsNotCrashes() throws {
        let good = Array(TraceEvent(time: 1_733_390_000_000_000_000, node: "r1", interface: "eth0", kind: .sent,
                                    frame: Array(0..<64), reason: "x", detail: "한😀").jsonLine())
        var hostile: [[UInt8]] = (0..<good.count - 1).map { Array(good[0..<$0]) }   // every truncation
        hostile += [
            #"{"time":1,"node":"r1","kind":"sent","frame":"abc"}"#,            // odd-length hex
            #"{"time":1,"node":"r1","kind":"sent","frame":"zz"}"#,             // not hex
            #"{"time":1,"node":"r1","kind":"sent","frame":12}"#,               // wrong types
            #"{"time":"1","node":"r1","kind":"sent"}"#,
            #"{"time":1,"node":7,"kind":"sent"}"#,
            #"{"time":1,"node":"r1","kind":"sent","interface":false}"#,
            #"{"time":1,"node":null,"kind":"sent"}"#,
            #"{"time":1,"node":"r1","kind":"flying"}"#,                        // unknown kind
            #"{"node":"r1","kind":"sent"}"#,                                     // missing keys
            #"{"time":1,"kind":"sent"}"#,
            #"{}"#, "[]", "null", "", " ", "\n",
            #"{"time":9223372036854775808,"node":"r1","kind":"sent"}"#,         // huge numbers
            #"{"time":-92233720368547758090,"node":"r1","kind":"sent"}"#,
            #"{"time":99999999999999999999999999999999,"node":"r1","kind":"sent"}"#,
            #"{"time":1e400,"node":"r1","kind":"sent"}"#,
            #"{"time":01,"node":"r1","kind":"sent"}"#,                          // not JSON
            #"{"time":-,"node":"r1","kind":"sent"}"#,
            #"{"time":1,"node":"r1","kind":"sent",}"#,
            #"{"time":1,"node":"r1","kind":"sent"} x"#,
            #"{"time":1,"node":"r1","kind":"sent"}}"#,
            #"{"time":1,"node":"r1\","kind":"sent"}"#,
            #"{"time":1,"node":"\ud800","kind":"sent"}"#,                       // lone surrogates
            #"{"time":1,"node":"\udc00","kind":"sent"}"#,
            #"{"time":1,"node":"\ud800\u0041","kind":"sent"}"#,
            #"{"time":1,"node":"\u12","kind":"sent"}"#,
            #"{"time":1,"node":"\x","kind":"sent"}"#,
            #"{"time":1,"node":"r1","kind":"sent","x":[1,2"#,
            #"{"time":1,"node":"r1","kind":"sent","x":tru}"#,
            String(repeating: "[", count: 100_000),
            #"{"time":1,"node":"r1","kind":"sent","x":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}",
        ].map { Array($0.utf8) }
        hostile.append(Array(#"{"time":1,"node":"a"#.utf8) + [0x0A] + Array(#"","kind":"sent"}"#.utf8))   // raw control byte
        hostile.append(Array(#"{"time":1,"node":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#"","kind":"sent"}"#.utf8))   // not UTF-8
        var random = SeededRandom(seed: 21)
        for _ in 0..<500 { hostile.append((0..<random.below(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }) }
        for line in hostile {
            #expect(TraceEvent(jsonLine: line) == nil, "\(String(decoding: line.prefix(200), as: UTF8.self))")
            #expect(throws: (any Error).self) { try ControlCodec.decodeTraceLine(from: line) }
        }
    }

    /// Damaged lines: whatever the fast reader accepts, the generic decoder reads as the same event.
    @Test func damagedLines_fastReaderNeverDisagreesWithTheGenericDecoder() throws {
        var random = SeededRandom(seed: 4)
        let insertions = Array(#" "\{}[],:n0-.eu/"#.utf8)
        var accepted = 0
        for round in 0..<3000 {
            let event = TraceEvent(time: Int64(bitPattern: random.next()), node: Self.awkwardTexts[round % Self.awkwardTexts.count],
                                   interface: round % 3 == 0 ? nil : "eth1", kind: Self.kinds[round % Self.kinds.count],
                                   frame: round % 2 == 0 ? nil : (0..<random.below(80)).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                                   reason: round % 5 == 0 ? "why" : nil, detail: round % 4 == 0 ? "a \"b\" c" : nil)
            var line = event.jsonLine()
            for _ in 0...random.below(3) where !line.isEmpty {
                let at = random.below(line.count)
                switch random.below(4) {
                case 0: line[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: line.remove(at: at)
                case 2: line.insert(insertions[random.below(insertions.count)], at: at)
                default: line.removeSubrange(at...)
                }
            }
            let generic = try? Self.genericDecode(line)
            if let fast = TraceEvent(jsonLine: line) {
                accepted += 1
                #expect(fast == generic, "\(String(decoding: line, as: UTF8.self))")
            }
            #expect((try? ControlCodec.decodeTraceLine(from: line)) == generic)
        }
        #expect(accepted > 0)
    }
}

private extension SeededRandom {
    /// A whole number in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
