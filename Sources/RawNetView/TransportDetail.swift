import RawNetWire

/// The `detail` text of a `transport` trace event, in a small parseable convention
/// so that the TCP code can emit it and the ladder, plot and filters can read it.
///
/// **Convention.** The detail is a list of words separated by single spaces.
/// A word `key=value` is a field (keys are lowercase ASCII; values contain no
/// spaces); any other word is free text for people. Known keys:
///
/// | key | value | meaning |
/// |---|---|---|
/// | `event` | `retransmit`, `state`, `cwnd`, `rtt`, … | what happened |
/// | `conn` | `10.0.1.10:40000>10.0.2.20:7000` | the connection, this node's endpoint first |
/// | `seq` | decimal, absolute | first sequence number concerned |
/// | `len` | decimal | bytes concerned |
/// | `reason` | `timeout`, `dupack`, `partial_ack`, `sack`, `rack`, `tlp` | why a segment was retransmitted |
/// | `from`, `to` | `SYN-SENT`, `ESTABLISHED`, `TIME-WAIT`, … (`_` for `-` accepted) | a state change |
/// | `cwnd`, `ssthresh` | decimal bytes | congestion window and slow-start threshold |
/// | `rto`, `srtt` | decimal microseconds | timer values |
///
/// Examples a TCP connection emits:
///
///     event=retransmit conn=10.0.1.10:40000>10.0.2.20:7000 seq=1001 len=5 reason=timeout
///     event=state conn=10.0.1.10:40000>10.0.2.20:7000 from=FIN-WAIT-2 to=TIME-WAIT
///     event=cwnd conn=10.0.1.10:40000>10.0.2.20:7000 cwnd=14600 ssthresh=65535
///
/// Build one with `TransportDetail(fields:)`, or from a `TCPEvent` with
/// `TransportDetail(_:connection:)`, and use `text` as the event's detail.
public struct TransportDetail: Hashable, Sendable, CustomStringConvertible {
    /// Fields in the order they appeared.
    public private(set) var fields: [(key: String, value: String)]
    /// Words that are not `key=value`, joined by spaces.
    public private(set) var freeText: String

    public static func == (lhs: TransportDetail, rhs: TransportDetail) -> Bool {
        lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Reads a detail string; never fails (unknown words become free text).
    public init(parsing text: String) {
        var fields: [(key: String, value: String)] = []
        var free: [Substring] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if let eq = word.firstIndex(of: "="), eq != word.startIndex,
               word[..<eq].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                fields.append((String(word[..<eq]), String(word[word.index(after: eq)...])))
            } else {
                free.append(word)
            }
        }
        self.fields = fields
        self.freeText = free.joined(separator: " ")
    }

    /// Builds a detail from fields (spaces inside values become `_`) and optional free text.
    public init(fields: KeyValuePairs<String, String>, freeText: String = "") {
        self.fields = fields.map { ($0.key, $0.value.replacing(" ", with: "_")) }
        self.freeText = freeText
    }

    /// The text to store in `TraceEvent.detail`.
    public var text: String {
        var words = fields.map { "\($0.key)=\($0.value)" }
        if !freeText.isEmpty { words.append(freeText) }
        return words.joined(separator: " ")
    }

    public var description: String { text }

    /// The value of the last field named `key`.
    public subscript(key: String) -> String? { fields.last { $0.key == key }?.value }

    public var event: String? { self["event"] }
    public var reason: String? { self["reason"] }
    public var congestionWindow: Int? { self["cwnd"].flatMap { Int($0) } }
    public var slowStartThreshold: Int? { self["ssthresh"].flatMap { Int($0) } }
    public var sequenceNumber: UInt32? { self["seq"].flatMap { UInt32($0) } }
    public var length: Int? { self["len"].flatMap { Int($0) } }
    /// The state entered (`to=`), if this is a state change, in RFC 9293 spelling
    /// (`TIME-WAIT`; `TIME_WAIT` is read the same way).
    public var newState: String? { self["to"].map { $0.uppercased().replacing("_", with: "-") } }

    /// The connection named by `conn=`, local endpoint first.
    public var connection: (local: TCPEndpoint, remote: TCPEndpoint)? {
        guard let text = self["conn"] else { return nil }
        let parts = text.split(separator: ">", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = TCPEndpoint(parts[0]), let b = TCPEndpoint(parts[1]) else { return nil }
        return (a, b)
    }

    /// True when the text says a segment was retransmitted (by `event=` or, for
    /// free-form details, by the word "retransmit").
    public var isRetransmission: Bool {
        if let event { return event.hasPrefix("retransmit") }
        return freeText.lowercased().contains("retransmi")
    }

    /// Why a retransmission happened, normalised to `timeout`, `duplicate ACKs` or `SACK`;
    /// taken from `reason=` or guessed from free text.
    public var retransmissionReason: String? {
        let source = (reason ?? freeText).lowercased()
        if source.contains("timeout") || source.contains("rto") { return "timeout" }
        if source.contains("dup") { return "duplicate ACKs" }
        if source.contains("sack") { return "SACK" }
        if source.contains("partial") { return "partial ACK" }
        return reason
    }
}

/// An IPv4 address and port, written `10.0.1.10:40000`.
public struct TCPEndpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16

    public init(address: IPv4Address, port: UInt16) {
        self.address = address
        self.port = port
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), let port = UInt16(parts[1]) else { return nil }
        self.init(address: address, port: port)
    }

    public var description: String { "\(address):\(port)" }

    public static func < (lhs: TCPEndpoint, rhs: TCPEndpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}
