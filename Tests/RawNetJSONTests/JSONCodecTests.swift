import FoundationEssentials
import RawNetJSON
import Testing

private enum Shape: Codable, Equatable {
    case point
    case circle(radius: Double)
    case label(String, size: Int)
}

private struct Sample: Codable, Equatable {
    var name: String
    var count: Int
    var small: Int8
    var huge: UInt64
    var lowest: Int64
    var ratio: Double
    var tiny: Double
    var flag: Bool
    var missing: String?
    var present: Int?
    var list: [UInt8]
    var nested: [[String]]
    var table: [String: Int]
    var numbered: [Int: String]
    var shapes: [Shape]
}

private let sample = Sample(
    name: "a \"quoted\" \\ back/slash\n\t\u{1}é😀", count: -42, small: -128, huge: .max, lowest: .min,
    ratio: 0.1, tiny: 1e-7, flag: true, missing: nil, present: 7, list: [0, 255, 16],
    nested: [[], ["x", "y"]], table: ["b": 2, "a": 1], numbered: [3: "three"],
    shapes: [.point, .circle(radius: 2.5), .label("hi", size: 12)])

@Suite struct JSONCodecTests {
    @Test func roundTrip_keepsEveryValue() throws {
        let bytes = try JSONNodeEncoder().encode(sample)
        #expect(try JSONNodeDecoder().decode(Sample.self, from: bytes) == sample)
    }

    @Test func text_isCompactSortedAndOmitsNil() throws {
        struct Small: Encodable { var b: [Bool?]; var a: Double; var c: String?; var d: String }
        let text = String(decoding: try JSONNodeEncoder().encode(Small(b: [true, nil], a: 1, c: nil, d: "x\"y\n")), as: UTF8.self)
        #expect(text == #"{"a":1,"b":[true,null],"d":"x\"y\n"}"#)
        #expect(try JSONNodeEncoder().encodeNode(UInt64.max) == .number("18446744073709551615"))
        #expect(try JSONNodeEncoder().encodeNode(0.5) == .number("0.5"))
        #expect(try JSONNodeEncoder().encodeNode(-3.0) == .number("-3"))
    }

    @Test func foundationReadsOurText_andWeReadFoundations() throws {
        let ours = try JSONNodeEncoder().encode(sample)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(ours)) == sample)
        let theirs = try JSONEncoder().encode(sample)
        #expect(try JSONNodeDecoder().decode(Sample.self, from: [UInt8](theirs)) == sample)
    }

    /// Escapes at a string's ends, side by side and after long plain runs (a frame's hex)
    /// read back the same, by this decoder and by Foundation's.
    @Test func strings_escapeAtTheEndsAndBetweenLongRuns() throws {
        let hex = String(repeating: "0123456789abcdef", count: 200)
        let texts = ["", "\"", "\\", "abc\"", "\"abc", "\n\n", "\u{0}", hex + "\u{1F}", "\t" + hex, hex + "\"" + hex,
                     "é\"😀\\x", String(repeating: "\"", count: 50)]
        let bytes = try JSONNodeEncoder().encode(texts)
        #expect(try JSONNodeDecoder().decode([String].self, from: bytes) == texts)
        #expect(try JSONDecoder().decode([String].self, from: Data(bytes)) == texts)
        #expect(String(decoding: try JSONNodeEncoder().encode(["a\u{1}b"]), as: UTF8.self) == #"["a\u0001b"]"#)
    }

    @Test func nonFiniteDoubles_areEncodingErrors() {
        #expect(throws: EncodingError.self) { try JSONNodeEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONNodeEncoder().encode(["x": Double.infinity]) }
    }

    @Test func parsing_readsEscapesSurrogatesAndNumbers() throws {
        let node = try JSONNode(parsing: Array(#" { "s" : "\u00e9\ud83d\ude00\/\b" , "n" : [-0.5e+3, 0, 12] , "z": null } "#.utf8))
        #expect(node == .object(["s": .string("é😀/\u{8}"), "n": .array([.number("-0.5e+3"), .number("0"), .number("12")]),
                                 "z": .null]))
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "-", "1e", "\"\\x\"", "\"a\u{1}b\"", "tru", "[1] x",
                      "{\"a\" 1}", "{1:2}", "\"\\ud800\"", "\"\\udc00\"", "\"\\u12\"", "\"open", "[\"a\"", "nul"])
    func badText_isASyntaxError(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: Array(text.utf8)) }
    }

    @Test func deepNesting_isRefused_notAStackOverflow() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? JSONNode(parsing: Array(fine.utf8))) != nil)
    }

    @Test func mismatches_areDecodingErrors() {
        struct Count: Decodable { var count: Int }
        struct Byte: Decodable { var byte: UInt8 }
        let decoder = JSONNodeDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(Count.self, from: Array(#"{"count":"3"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Count.self, from: Array(#"{"other":3}"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Count.self, from: Array(#"{"count":3.5}"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Byte.self, from: Array(#"{"byte":300}"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Count.self, from: Array(#"[1]"#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Count.self, from: Array(#"{"count":"#.utf8)) }
        #expect((try? decoder.decode(Count.self, from: Array(#"{"count":3.0}"#.utf8)))?.count == 3)
    }

    @Test func garbage_neverTraps() {
        var generator = SystemRandomNumberGenerator()
        let valid = (try? JSONNodeEncoder().encode(sample)) ?? []
        #expect(!valid.isEmpty)
        for _ in 0..<500 {
            var bytes = valid
            for _ in 0..<3 {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? JSONNodeDecoder().decode(Sample.self, from: bytes)
        }
    }
}
