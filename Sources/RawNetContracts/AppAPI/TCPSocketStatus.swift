
/// A TCP socket's state and internals, as the host reports them
/// (`TCPStream.status()`), e.g. for a chat's `/stats`.
public struct TCPSocketStatus: Sendable, Equatable, CustomStringConvertible {
    /// Every reported field, by name: `state`, `rto` and `srtt` (microseconds),
    /// `cwnd`, `ssthresh`, `retrans`, `timeouts`, `recvq`, `sendq`, `bytes_sent`, …
    public var fields: [String: String]
    /// The fields in the order the host gave them.
    public var text: String

    public init(parsing text: String) {
        self.text = text
        var fields: [String: String] = [:]
        for word in text.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        self.fields = fields
    }

    public var state: String { fields["state"] ?? "?" }
    public var retransmissions: Int { fields["retrans"].flatMap { Int($0) } ?? 0 }
    public var congestionWindow: Int? { fields["cwnd"].flatMap { Int($0) } }
    /// The retransmission timeout.
    public var rto: Duration? { fields["rto"].flatMap { Int64($0) }.map { .microseconds($0) } }
    public var smoothedRTT: Duration? { fields["srtt"].flatMap { Int64($0) }.map { .microseconds($0) } }

    public var description: String { text }
}
