/// One thing a daemon saw or did, as streamed by `subscribe` on its control
/// socket and consumed by `rawnet trace`, `capture`, `ladder`, `plot` and the demo.
/// Frames travel whole, so any consumer can decode every layer itself.
public struct TraceEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A frame arrived on an interface (after any ingress impairment).
        case received
        /// A frame left on an interface (after egress impairment decided its fate).
        case sent
        /// A frame was dropped; `reason` says why (a `DropReason` or impairment reason).
        case dropped
        /// The impairment acted on a frame: delayed, duplicated, corrupted, reordered, held back.
        case impaired
        /// A transport-layer event: TCP state change, retransmission and why, window change.
        case transport
        /// Anything else worth showing (link up/down, ARP resolution failed, ...).
        case note
        /// Events this subscriber did not get: its daemon could not hold them while it
        /// was too far behind. `detail` counts them (`TraceGap`); `time` is the first one's.
        case lost
        /// Events streamed as counts rather than one by one, to a subscriber that asked for
        /// detail only up to a rate (`TraceSummary` writes and reads its detail).
        case counted
    }

    /// Wall-clock time in nanoseconds since the Unix epoch.
    public var time: Int64
    public var node: String
    public var interface: String?
    public var kind: Kind
    /// The whole Ethernet frame, when the event concerns one.
    public var frame: [UInt8]?
    /// Drop reason or impairment action, short and human-readable.
    public var reason: String?
    /// Free text: TCP event details, notes.
    public var detail: String?

    public init(time: Int64, node: String, interface: String? = nil, kind: Kind,
                frame: [UInt8]? = nil, reason: String? = nil, detail: String? = nil) {
        self.time = time
        self.node = node
        self.interface = interface
        self.kind = kind
        self.frame = frame
        self.reason = reason
        self.detail = detail
    }

    /// True for a frame that crossed a cable (`sent` or `received` on an interface):
    /// what a packet capture on that interface holds.
    public var isWireFrame: Bool {
        (kind == .sent || kind == .received) && frame != nil && interface != nil
    }

    enum CodingKeys: String, CodingKey { case time, node, interface, kind, frame, reason, detail }

    // Frames are carried as lowercase hex in JSON: compact, readable, no Foundation needed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decode(Int64.self, forKey: .time)
        node = try c.decode(String.self, forKey: .node)
        interface = try c.decodeIfPresent(String.self, forKey: .interface)
        kind = try c.decode(Kind.self, forKey: .kind)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
        if let hex = try c.decodeIfPresent(String.self, forKey: .frame) {
            guard let bytes = TraceEvent.bytes(fromHex: hex) else {
                throw DecodingError.dataCorruptedError(forKey: .frame, in: c, debugDescription: "frame is not hex")
            }
            frame = bytes
        } else {
            frame = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(node, forKey: .node)
        try c.encodeIfPresent(interface, forKey: .interface)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(detail, forKey: .detail)
        if let frame { try c.encode(TraceEvent.hex(frame), forKey: .frame) }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    public static func hex(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            writeHex(bytes, to: UnsafeMutableRawPointer(out.baseAddress!))
            return bytes.count * 2
        }
    }

    /// Writes `bytes` as lowercase hex, `2 * bytes.count` bytes at `out`: one store a byte,
    /// through a table of digit pairs. (A trace line writes its frame straight into the line.)
    public static func writeHex(_ bytes: [UInt8], to out: UnsafeMutableRawPointer) {
        hexPairs.withUnsafeBufferPointer { pairs in
            let pairs = pairs.baseAddress!
            bytes.withUnsafeBufferPointer { bytes in
                for index in 0..<bytes.count {
                    out.storeBytes(of: pairs[Int(bytes[index])], toByteOffset: 2 &* index, as: UInt16.self)
                }
            }
        }
    }

    /// Each byte as its two lowercase hex digits, as they lie in memory (high digit first).
    private static let hexPairs: [UInt16] = (0..<256).map {
        (UInt16(hexDigits[$0 >> 4]) | UInt16(hexDigits[$0 & 0x0F]) << 8).littleEndian
    }

    public static func bytes(fromHex hex: String) -> [UInt8]? {
        var hex = hex
        return hex.withUTF8 { utf8 -> [UInt8]? in
            let (bytes, digits) = Self.bytes(fromHexPrefixOf: utf8)
            return digits == utf8.count ? bytes : nil
        }
    }

    /// The bytes of the hex digits (either case) that `text` starts with, read two at a
    /// time up to the first pair that is not two digits, and how many digits that was.
    /// (A trace line reads its frame in place, up to the closing quote.)
    public static func bytes(fromHexPrefixOf text: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], digits: Int) {
        guard let source = text.baseAddress else { return ([], 0) }
        var digits = 0
        let bytes = nibbles.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: text.count / 2) { out, count in
                var pair = 0
                while 2 &* pair &+ 1 < text.count {
                    let high = table[Int(source[2 &* pair])], low = table[Int(source[2 &* pair &+ 1])]
                    guard (high | low) & 0xF0 == 0 else { break }   // 0xFF marks a byte that is no digit
                    out[pair] = high << 4 | low
                    pair &+= 1
                }
                count = pair
                digits = 2 &* pair
            }
        }
        return (bytes, digits)
    }

    /// Each byte's value as a hex digit (either case), 0xFF for a byte that is none.
    private static let nibbles: [UInt8] = (0...255).map { c -> UInt8 in
        switch c {
        case 0x30...0x39: return UInt8(c - 0x30)
        case 0x61...0x66: return UInt8(c - 0x61 + 10)
        case 0x41...0x46: return UInt8(c - 0x41 + 10)
        default: return 0xFF
        }
    }
}
