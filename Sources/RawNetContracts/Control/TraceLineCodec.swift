import RawNetCore
import RawNetJSON

/// A trace event's JSON line, written and read byte by byte: the message daemons
/// stream most (every frame of a transfer while a capture runs), so it does not go
/// through the generic Codable codec on either side (`ControlCodec.encodeTraceLine`,
/// `decodeTraceLine`).
///
/// The line is the one the generic codec writes (`ControlCodec.encodeLine`), to the
/// byte: compact, keys sorted, nil optionals left out, the frame as lowercase hex,
/// strings escaped the same way, a newline at the end. The reader takes any JSON the
/// generic decoder reads for this type, keys in any order, whitespace between tokens,
/// unknown keys skipped; where it meets something it does not handle itself (an
/// escaped key, a time written as `1e9`, an unknown kind, bad hex) it answers nil and
/// leaves the verdict to the generic decoder, so it never accepts what that rejects.
extension TraceEvent {
    /// This event as one JSON line, newline included.
    public func jsonLine() -> [UInt8] {
        var node = self.node, kind = self.kind.rawValue
        var interface = self.interface, reason = self.reason, detail = self.detail
        var total = 1 + (Self.timeKey.utf8CodeUnitCount + Self.digitCount(time)) + 2   // { "time":N } \n
        total += Self.nodeKey.utf8CodeUnitCount + Self.escapedCount(&node) + 1
        total += Self.kindKey.utf8CodeUnitCount + Self.escapedCount(&kind) + 1
        if interface != nil { total += Self.interfaceKey.utf8CodeUnitCount + Self.escapedCount(&interface!) + 1 }
        if reason != nil { total += Self.reasonKey.utf8CodeUnitCount + Self.escapedCount(&reason!) + 1 }
        if detail != nil { total += Self.detailKey.utf8CodeUnitCount + Self.escapedCount(&detail!) + 1 }
        if let frame { total += Self.frameKey.utf8CodeUnitCount + 2 * frame.count + 3 }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var out = LineWriter(buffer: buffer)
            out.byte(UInt8(ascii: "{"))
            if detail != nil { out.member(Self.detailKey, &detail!) }
            if let frame {
                out.raw(Self.frameKey)
                out.byte(UInt8(ascii: "\""))
                out.hex(frame)
                out.raw("\",")
            }
            if interface != nil { out.member(Self.interfaceKey, &interface!) }
            out.member(Self.kindKey, &kind)
            out.member(Self.nodeKey, &node)
            if reason != nil { out.member(Self.reasonKey, &reason!) }
            out.raw(Self.timeKey)
            out.integer(time)
            out.raw("}\n")
            precondition(out.count == total, "a trace line's length was miscounted")
            count = out.count
        }
    }

    /// The event of one JSON line (surrounding whitespace and the newline allowed), or
    /// nil where this reader does not recognise the line: ask the generic decoder then.
    public init?(jsonLine line: some Collection<UInt8>) {
        let read = { (bytes: UnsafeBufferPointer<UInt8>) -> TraceEvent? in
            var reader = LineReader(bytes: bytes)
            return try? reader.event()
        }
        guard let event = line.withContiguousStorageIfAvailable(read) ?? Array(line).withUnsafeBufferPointer(read) else {
            return nil
        }
        self = event
    }

    // The keys as written, in the sorted order of the generic encoder.
    fileprivate static let detailKey: StaticString = "\"detail\":"
    fileprivate static let frameKey: StaticString = "\"frame\":"
    fileprivate static let interfaceKey: StaticString = "\"interface\":"
    fileprivate static let kindKey: StaticString = "\"kind\":"
    fileprivate static let nodeKey: StaticString = "\"node\":"
    fileprivate static let reasonKey: StaticString = "\"reason\":"
    fileprivate static let timeKey: StaticString = "\"time\":"

    /// Bytes of `value` in decimal.
    fileprivate static func digitCount(_ value: Int64) -> Int {
        var magnitude = value.magnitude, digits = value < 0 ? 2 : 1
        while magnitude >= 10 { magnitude /= 10; digits += 1 }
        return digits
    }

    /// Bytes of `text` as a JSON string, quotes included.
    fileprivate static func escapedCount(_ text: inout String) -> Int {
        text.withUTF8 { bytes in
            var count = bytes.count + 2
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                count += JSONEscape.letter(escaping: byte) == nil ? 5 : 1   // \u00XX or \n
            }
            return count
        }
    }
}

/// Writes into memory sized beforehand; every write checks that it fits.
private struct LineWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    private mutating func room(_ needed: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(needed <= buffer.count - count, "a trace line's length was miscounted")
        defer { count += needed }
        return buffer.baseAddress! + count
    }

    mutating func byte(_ byte: UInt8) { room(1).initialize(to: byte) }

    mutating func raw(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        room(length).initialize(from: text.utf8Start, count: length)
    }

    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        room(bytes.count).initialize(from: source, count: bytes.count)
    }

    /// `"key":"value",`
    mutating func member(_ key: StaticString, _ value: inout String) {
        raw(key)
        string(&value)
        byte(UInt8(ascii: ","))
    }

    /// `text` as a JSON string: runs that need no escape are copied whole.
    mutating func string(_ text: inout String) {
        byte(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                copy(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                if let letter = JSONEscape.letter(escaping: byte) {
                    self.byte(UInt8(ascii: "\\"))
                    self.byte(letter)
                } else {
                    raw("\\u00")
                    hex([byte])
                }
            }
            copy(UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        byte(UInt8(ascii: "\""))
    }

    /// Bytes as lowercase hex.
    mutating func hex(_ bytes: [UInt8]) {
        TraceEvent.writeHex(bytes, to: UnsafeMutableRawPointer(room(2 * bytes.count)))
    }

    /// `value` in decimal.
    mutating func integer(_ value: Int64) {
        let length = TraceEvent.digitCount(value)
        let out = room(length)
        var magnitude = value.magnitude
        var index = length - 1
        repeat {
            out[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
        if value < 0 { out[0] = UInt8(ascii: "-") }
    }
}

/// What the reader does not handle itself; the caller turns it into nil.
private struct Unrecognised: Error {}

/// Reads one trace line; every byte read is checked against the end first.
private struct LineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// Nesting the reader follows inside an unknown key's value before leaving it to the generic decoder.
    static let maximumDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws(Unrecognised) {
        guard current == byte else { throw Unrecognised() }
        index += 1
    }

    mutating func event() throws(Unrecognised) -> TraceEvent {
        var time: Int64?, node: String?, kind: TraceEvent.Kind?
        var interface: String?, frame: [UInt8]?, reason: String?, detail: String?
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if current == UInt8(ascii: "}") { throw Unrecognised() }   // no time, node or kind
        while true {
            skipWhitespace()
            let key = try self.key()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            // A later value for the same key wins, as in the generic decoder.
            switch key {
            case .time: time = try integer()
            case .node: node = try string()
            case .kind:
                guard let value = TraceEvent.Kind(rawValue: try string()) else { throw Unrecognised() }
                kind = value
            case .interface: interface = try optionalString()
            case .reason: reason = try optionalString()
            case .detail: detail = try optionalString()
            case .frame: frame = try null() ? nil : try hexBytes()
            case .other: try skipValue(depth: 1)
            }
            skipWhitespace()
            guard let separator = current else { throw Unrecognised() }
            index += 1
            if separator == UInt8(ascii: ",") { continue }
            guard separator == UInt8(ascii: "}") else { throw Unrecognised() }
            break
        }
        skipWhitespace()
        guard index == bytes.count, let time, let node, let kind else { throw Unrecognised() }
        return TraceEvent(time: time, node: node, interface: interface, kind: kind,
                          frame: frame, reason: reason, detail: detail)
    }

    enum Key { case time, node, kind, interface, reason, detail, frame, other }

    /// A member's key; one with an escape is left to the generic decoder.
    mutating func key() throws(Unrecognised) -> Key {
        try expect(UInt8(ascii: "\""))
        let start = index
        var ascii = true
        while true {
            guard let byte = current else { throw Unrecognised() }
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { throw Unrecognised() }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        if !ascii {
            guard String(validating: name, as: UTF8.self) != nil else { throw Unrecognised() }
            return .other
        }
        func named(_ text: StaticString) -> Bool {
            text.utf8CodeUnitCount == name.count
                && UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount).elementsEqual(name)
        }
        switch name.count {
        case 4: return named("time") ? .time : named("node") ? .node : named("kind") ? .kind : .other
        case 5: return named("frame") ? .frame : .other
        case 6: return named("reason") ? .reason : named("detail") ? .detail : .other
        case 9: return named("interface") ? .interface : .other
        default: return .other
        }
    }

    /// `null` (consumed), or false with nothing consumed.
    mutating func null() throws(Unrecognised) -> Bool {
        guard current == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ word: StaticString) throws(Unrecognised) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count,
              UnsafeBufferPointer(rebasing: bytes[index..<index + expected.count]).elementsEqual(expected) else {
            throw Unrecognised()
        }
        index += expected.count
    }

    mutating func optionalString() throws(Unrecognised) -> String? {
        try null() ? nil : try string()
    }

    /// A string value: unescaped runs in one piece, escapes as the generic decoder reads them.
    mutating func string() throws(Unrecognised) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count, bytes[index] >= 0x20, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
        if current == UInt8(ascii: "\"") {
            index += 1
            return try Self.text(UnsafeBufferPointer(rebasing: bytes[start..<index - 1]))
        }
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw Unrecognised() }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = current else { throw Unrecognised() }
                index += 1
                if let byte = JSONEscape.byte(escapedAs: escape) {
                    out.append(byte)
                } else if escape == UInt8(ascii: "u") {
                    out.append(contentsOf: try unicodeEscape().utf8)
                } else {
                    throw Unrecognised()
                }
            case 0x00..<0x20: throw Unrecognised()
            default: out.append(byte)
            }
        }
        throw Unrecognised()
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) throws(Unrecognised) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Unrecognised() }
        return text
    }

    /// The scalar of `\uXXXX` (index after the `u`), a surrogate pair joined.
    mutating func unicodeEscape() throws(Unrecognised) -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800...0xDBFF).contains(first) {
            try expect(UInt8(ascii: "\\"))
            try expect(UInt8(ascii: "u"))
            let second = try hex4()
            guard (0xDC00...0xDFFF).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                throw Unrecognised()
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw Unrecognised() }   // a lone low surrogate
        return scalar
    }

    mutating func hex4() throws(Unrecognised) -> UInt32 {
        guard bytes.count - index >= 4, let value = JSONEscape.codeUnit(hex: bytes[index..<index + 4]) else {
            throw Unrecognised()
        }
        index += 4
        return value
    }

    /// A whole number that fits in Int64, written plainly; a fraction or an exponent is
    /// left to the generic decoder.
    mutating func integer() throws(Unrecognised) -> Int64 {
        let negative = current == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var magnitude: UInt64 = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw Unrecognised() }
            magnitude = sum
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unrecognised() }
        if let next = current, next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw Unrecognised()
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Unrecognised() }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Unrecognised() }
        return Int64(magnitude)
    }

    /// A frame's hex, either case, read in place up to the closing quote.
    mutating func hexBytes() throws(Unrecognised) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        let (frame, digits) = TraceEvent.bytes(fromHexPrefixOf: UnsafeBufferPointer(rebasing: bytes[index...]))
        guard digits < bytes.count - index, bytes[index + digits] == UInt8(ascii: "\"") else { throw Unrecognised() }
        index += digits + 1
        return frame
    }

    /// Passes over an unknown key's value, checking it as the generic decoder would.
    mutating func skipValue(depth: Int) throws(Unrecognised) {
        guard let byte = current else { throw Unrecognised() }
        switch byte {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw Unrecognised() }
            let object = byte == UInt8(ascii: "{")
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if current == close { index += 1; return }
            while true {
                skipWhitespace()
                if object {
                    _ = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let separator = current else { throw Unrecognised() }
                index += 1
                if separator == UInt8(ascii: ",") { continue }
                guard separator == close else { throw Unrecognised() }
                return
            }
        default: throw Unrecognised()
        }
    }

    /// A JSON number (RFC 8259's grammar), passed over.
    mutating func number() throws(Unrecognised) {
        if current == UInt8(ascii: "-") { index += 1 }
        let start = index
        try digits()
        if index - start > 1, bytes[start] == UInt8(ascii: "0") { throw Unrecognised() }
        if current == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    /// One or more decimal digits.
    mutating func digits() throws(Unrecognised) {
        let start = index
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { throw Unrecognised() }
    }
}

/// Trace events, the lines daemons stream most, go through a codec written for them
/// (`TraceEvent.jsonLine`, `TraceEvent(jsonLine:)`); the generic one stays the
/// reference: the same bytes on the wire, and the reader of last resort.
extension ControlCodec {
    /// The line `encodeLine(event)` writes, byte for byte, without Codable.
    public static func encodeTraceLine(_ event: TraceEvent) -> [UInt8] {
        event.jsonLine()
    }

    /// A trace event from its line: the hand-written reader, and the generic decoder for
    /// whatever that one does not recognise (which then also says what is wrong).
    public static func decodeTraceLine(from line: some Collection<UInt8>) throws -> TraceEvent {
        if let event = TraceEvent(jsonLine: line) { return event }
        return try decodeLine(TraceEvent.self, from: line)
    }
}
