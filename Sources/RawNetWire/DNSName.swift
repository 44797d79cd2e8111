/// A domain name (RFC 1035 section 3.1): a list of labels, the root last and
/// implied. Labels are bytes, 1 to 63 each; the name on the wire (labels with
/// their length bytes and the root's zero) is at most 255 bytes. Names compare
/// and hash without regard to ASCII case, as DNS does (RFC 4343); the case given
/// is kept for printing.
///
///     let name = try DNSName("bob.lab")     // "bob.lab."
///     name.isSubdomain(of: try DNSName("lab"))   // true
public struct DNSName: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// Labels from the leftmost; the root is the empty list.
    public private(set) var labels: [[UInt8]]

    public static let maximumLabelLength = 63
    public static let maximumWireLength = 255
    public static let root = DNSName(checkedLabels: [])

    init(checkedLabels: [[UInt8]]) { labels = checkedLabels }

    /// A name from labels; throws when a label is empty or too long, or the name is too long.
    public init(labels: [[UInt8]]) throws(WireError) {
        var length = 1
        for label in labels {
            guard (1...Self.maximumLabelLength).contains(label.count) else {
                throw WireError.badValue(layer: "DNS", field: "name.label", value: UInt64(label.count), expected: "1-63 bytes")
            }
            length += 1 + label.count
        }
        guard length <= Self.maximumWireLength else {
            throw WireError.badValue(layer: "DNS", field: "name", value: UInt64(length), expected: "at most 255 bytes")
        }
        self.labels = labels
    }

    /// Reads dotted text: `bob.lab`, `bob.lab.` and `.` (the root). A trailing dot is optional.
    /// `\.` keeps a dot inside a label and `\DDD` is a byte in decimal, as in master files.
    public init(_ text: String) throws(WireError) {
        if text == "." {
            self = .root
            return
        }
        var labels: [[UInt8]] = []
        var label: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x5C, index + 1 < bytes.count {  // backslash
                let digits = bytes[(index + 1)...].prefix(3)
                if digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) {
                    let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                    guard value <= 255 else {
                        throw WireError.badValue(layer: "DNS", field: "name.escape", value: UInt64(value), expected: "\\000-\\255")
                    }
                    label.append(UInt8(value))
                    index += 4
                } else {
                    label.append(bytes[index + 1])
                    index += 2
                }
                continue
            }
            if byte == 0x2E {  // dot
                guard !label.isEmpty else {
                    throw WireError.badValue(layer: "DNS", field: "name.label", value: 0, expected: "1-63 bytes")
                }
                labels.append(label)
                label = []
            } else {
                label.append(byte)
            }
            index += 1
        }
        if !label.isEmpty { labels.append(label) }
        try self.init(labels: labels)
    }

    /// The bytes this name takes on the wire without compression.
    public var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    public var isRoot: Bool { labels.isEmpty }

    /// The name with its first label removed (the root's parent is the root).
    public var parent: DNSName { DNSName(checkedLabels: Array(labels.dropFirst())) }

    /// This name under `other`: `bob` prefixed to `lab.` is `bob.lab.`.
    public func appending(_ suffix: DNSName) throws(WireError) -> DNSName {
        try DNSName(labels: labels + suffix.labels)
    }

    /// Whether this name is `other` or lies below it.
    public func isSubdomain(of other: DNSName) -> Bool {
        guard labels.count >= other.labels.count else { return false }
        let tail = labels.suffix(other.labels.count)
        return zip(tail, other.labels).allSatisfy { Self.sameLabel($0, $1) }
    }

    /// The labels lowercased (ASCII), the form compared, hashed and used to find compression targets.
    public var canonicalLabels: [[UInt8]] { labels.map(Self.lowercased) }

    static func lowercased(_ label: [UInt8]) -> [UInt8] {
        label.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    static func sameLabel(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x == y || ((0x41...0x5A).contains(x) || (0x61...0x7A).contains(x)) && x | 0x20 == y | 0x20
        }
    }

    public static func == (a: DNSName, b: DNSName) -> Bool {
        a.labels.count == b.labels.count && zip(a.labels, b.labels).allSatisfy { sameLabel($0, $1) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalLabels)
    }

    /// Canonical order (RFC 4034 section 6.1): by labels from the right, each compared lowercased.
    public static func < (a: DNSName, b: DNSName) -> Bool {
        let left = a.canonicalLabels.reversed().map { $0 }, right = b.canonicalLabels.reversed().map { $0 }
        for (x, y) in zip(left, right) where x != y {
            return x.lexicographicallyPrecedes(y)
        }
        return left.count < right.count
    }

    /// Dotted text with the final dot; bytes outside printable ASCII, dots and
    /// backslashes in a label are escaped as `\DDD` / `\.`.
    public var description: String {
        if labels.isEmpty { return "." }
        var text = ""
        for label in labels {
            for byte in label { text += presentationByte(byte, escaping: [0x2E, 0x5C], printable: 0x21...0x7E) }
            text += "."
        }
        return text
    }

    /// The reverse-lookup name of an address: `20.2.0.10.in-addr.arpa.` for 10.0.2.20 (RFC 1035 section 3.5).
    public init(reverseOf address: IPv4Address) {
        let (a, b, c, d) = address.octets
        let labels = [d, c, b, a].map { Array(String($0).utf8) } + [Array("in-addr".utf8), Array("arpa".utf8)]
        self.init(checkedLabels: labels)
    }

    /// The address a reverse-lookup name stands for, or nil when this is not one.
    public var reverseAddress: IPv4Address? {
        guard labels.count == 6, Self.sameLabel(labels[4], Array("in-addr".utf8)),
              Self.sameLabel(labels[5], Array("arpa".utf8)) else { return nil }
        var octets: [UInt8] = []
        for label in labels[0..<4].reversed() {
            guard let text = String(validating: label, as: UTF8.self), let value = UInt8(text),
                  String(value) == text else { return nil }
            octets.append(value)
        }
        return IPv4Address(octets[0], octets[1], octets[2], octets[3])
    }
}

// MARK: - Reading and writing names inside a message

/// Reads a possibly compressed name at `offset` in `message`; returns it and the
/// offset just after it (after the first pointer, if any). A pointer must point
/// before itself, so a chain of them always ends; a name past 255 bytes, a
/// label type other than 0 or 3 (pointer), or a name running off the message
/// is an error.
func readDNSName(in message: UnsafeRawBufferPointer, at offset: Int, field: String) throws(WireError) -> (DNSName, Int) {
    var labels: [[UInt8]] = []
    var position = offset
    var end: Int?
    var wireLength = 1
    /// Pointers must go strictly backwards: below the lowest point read so far.
    var limit = offset
    while true {
        guard position < message.count else {
            throw WireError.truncated(layer: "DNS", field: field, needed: position + 1, available: message.count)
        }
        let length = message.loadUInt8(at: position)
        switch length & 0xC0 {
        case 0x00:
            if length == 0 {
                return (DNSName(checkedLabels: labels), end ?? position + 1)
            }
            let count = Int(length)
            guard position + 1 + count <= message.count else {
                throw WireError.truncated(layer: "DNS", field: field, needed: position + 1 + count, available: message.count)
            }
            wireLength += 1 + count
            guard wireLength <= DNSName.maximumWireLength else {
                throw WireError.badValue(layer: "DNS", field: field, value: UInt64(wireLength), expected: "a name of at most 255 bytes")
            }
            labels.append(message.copyBytes((position + 1)..<(position + 1 + count)))
            position += 1 + count
        case 0xC0:
            guard position + 2 <= message.count else {
                throw WireError.truncated(layer: "DNS", field: field, needed: position + 2, available: message.count)
            }
            let target = Int(message.loadUInt16(at: position) & 0x3FFF)
            guard target < limit else {
                throw WireError.badValue(layer: "DNS", field: field + ".pointer", value: UInt64(target),
                                         expected: "an offset before \(limit) (pointers go backwards)")
            }
            if end == nil { end = position + 2 }
            limit = target
            position = target
        default:
            throw WireError.badValue(layer: "DNS", field: field + ".labelType", value: UInt64(length >> 6),
                                     expected: "0 (label) or 3 (pointer)")
        }
    }
}

/// Writes names into a message, pointing at earlier copies of their suffixes (RFC 1035 section 4.1.4).
struct DNSNameCompressor {
    /// Lowercased suffix labels → offset where that suffix was written.
    var offsets: [[[UInt8]]: Int] = [:]

    mutating func write(_ name: DNSName, into bytes: inout [UInt8], compress: Bool = true) {
        let canonical = name.canonicalLabels
        for index in name.labels.indices {
            let suffix = Array(canonical[index...])
            if compress, let target = offsets[suffix] {
                bytes.appendUInt16(0xC000 | UInt16(target))
                return
            }
            if bytes.count <= 0x3FFF { offsets[suffix] = bytes.count }
            bytes.append(UInt8(name.labels[index].count))
            bytes.append(contentsOf: name.labels[index])
        }
        bytes.append(0)
    }
}

/// One byte of a name or string as master files write it: `\c` for the bytes in
/// `escaping`, itself when printable, else `\DDD` in decimal.
func presentationByte(_ byte: UInt8, escaping: Set<UInt8>, printable: ClosedRange<UInt8>) -> String {
    if escaping.contains(byte) { return "\\" + String(UnicodeScalar(byte)) }
    if printable.contains(byte) { return String(UnicodeScalar(byte)) }
    let digits = String(byte)
    return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
}
