import RawNetWire

/// A TCP event as it travels in a `transport` trace event: what a connection
/// recorded (`TCPEvent.Kind`), which connection, and the congestion state at
/// that moment. This is the one encoder and the one decoder of TCP trace
/// details; daemons write `detail`, and every view (trace, ladder, plot,
/// filters) reads it back with `init?(detail:)`.
///
/// The detail is words separated by single spaces; `key=value` words are
/// fields (values hold no spaces), other words are free text for people.
/// The keys are `Key.allCases`; README lists them (a test holds the two together):
///
///     event=state conn=10.0.1.10:40000>10.0.2.20:7000 from=SYN-SENT to=ESTABLISHED
///     event=retransmit conn=… seq=1007 len=6 reason=dupack cwnd=2920 ssthresh=2920
///     event=cwnd conn=… cwnd=14600 ssthresh=65535
public struct TCPTraceEvent: Sendable, Hashable {
    /// The connection, this node's endpoint first.
    public var connection: TCPConnectionID
    public var kind: Kind
    /// The congestion window and slow-start threshold after the event, when known.
    public var congestion: Congestion?
    /// A retransmission's TSval (`tsval=`), when its segment carries timestamps: the copy the
    /// event names is the frame with this TSval, not an original that left later.
    public var timestampValue: UInt32?

    public struct Congestion: Sendable, Hashable {
        public var window: Int
        /// Nil when the event tells the window only.
        public var threshold: Int?
        /// A threshold not set yet (`TCPCongestionControl.unsetThreshold`, "infinite" before
        /// the first loss) is nil: it is left out, as `ss` leaves it out, not shown as a number.
        public init(window: Int, threshold: Int?) {
            self.window = window
            self.threshold = threshold.flatMap { $0 >= TCPCongestionControl.unsetThreshold ? nil : $0 }
        }
    }

    public enum Kind: Sendable, Hashable {
        case stateChanged(from: TCPState, to: TCPState)
        case retransmitted(sequence: UInt32, length: Int, reason: TCPRetransmitReason)
        /// The retransmission timer expired; `rto` is the new (backed-off) timeout.
        case retransmissionTimeout(rto: Duration, backoff: Int)
        /// `afterTimeout`: begun by the retransmission timer (`after=rto`).
        case enteredRecovery(sack: Bool, afterTimeout: Bool = false)
        case exitedRecovery
        case congestionChanged
        case sendWindowChanged(Int)
        case receiveWindowChanged(Int)
        case zeroWindowProbe
        case challengeACK
        case keepaliveProbe
        case failed(TCPConnectionError)
        /// An ACK reported a duplicate (RFC 2883 D-SACK): its first sequence number and length.
        case dsackSent(sequence: UInt32, length: Int)
        /// The peer reported bytes it received twice.
        case dsackReceived(sequence: UInt32, length: Int)
        /// A congestion response proved spurious and was undone.
        case undo
    }

    /// Every key a TCP trace detail may carry.
    public enum Key: String, CaseIterable, Sendable {
        case event, conn, from, to, seq, len, reason, rto, backoff, sack, after, wnd, error, cwnd, ssthresh, tsval
    }

    public init(connection: TCPConnectionID, kind: Kind, congestion: Congestion? = nil) {
        self.connection = connection
        self.kind = kind
        self.congestion = congestion
    }

    /// The trace form of what a connection recorded. `congestion` is the
    /// connection's window now (added to retransmissions).
    public init(_ event: TCPEvent, connection: TCPConnectionID, congestion: Congestion? = nil) {
        self.connection = connection
        switch event.kind {
        case .stateChanged(let from, let to): kind = .stateChanged(from: from, to: to)
        case .retransmitted(let sequence, let length, let reason):
            kind = .retransmitted(sequence: sequence, length: length, reason: reason)
            self.congestion = congestion
            timestampValue = event.timestampValue
        case .retransmissionTimeout(let rto, let backoff): kind = .retransmissionTimeout(rto: rto, backoff: backoff)
        case .enteredRecovery(let sack, let cwnd, let ssthresh, let afterTimeout):
            kind = .enteredRecovery(sack: sack, afterTimeout: afterTimeout)
            self.congestion = Congestion(window: cwnd, threshold: ssthresh)
        case .exitedRecovery(let cwnd):
            kind = .exitedRecovery
            self.congestion = Congestion(window: cwnd, threshold: congestion?.threshold)
        case .congestionChanged(let cwnd, let ssthresh):
            kind = .congestionChanged
            self.congestion = Congestion(window: cwnd, threshold: ssthresh)
        case .sendWindowChanged(let window): kind = .sendWindowChanged(window)
        case .receiveWindowChanged(let window): kind = .receiveWindowChanged(window)
        case .zeroWindowProbe: kind = .zeroWindowProbe
        case .challengeACK: kind = .challengeACK
        case .keepaliveProbe: kind = .keepaliveProbe
        case .failed(let error): kind = .failed(error)
        case .dsackSent(let sequence, let length): kind = .dsackSent(sequence: sequence, length: length)
        case .dsackReceived(let sequence, let length): kind = .dsackReceived(sequence: sequence, length: length)
        case .undo(let cwnd, let ssthresh):
            kind = .undo
            self.congestion = Congestion(window: cwnd, threshold: ssthresh)
        }
    }

    /// The congestion window after the event, when the event says it.
    public var congestionWindow: Int? { congestion?.window }
    /// The slow-start threshold after the event, when the event says it.
    public var slowStartThreshold: Int? { congestion?.threshold }

    // MARK: Encoding

    /// The `event=` word of each kind.
    public var name: String {
        switch kind {
        case .stateChanged: "state"
        case .retransmitted: "retransmit"
        case .retransmissionTimeout: "rto"
        case .enteredRecovery: "recovery"
        case .exitedRecovery: "recovery_end"
        case .congestionChanged: "cwnd"
        case .sendWindowChanged: "send_window"
        case .receiveWindowChanged: "receive_window"
        case .zeroWindowProbe: "zero_window_probe"
        case .challengeACK: "challenge_ack"
        case .keepaliveProbe: "keepalive"
        case .failed: "failed"
        case .dsackSent: "dsack_sent"
        case .dsackReceived: "dsack_received"
        case .undo: "undo"
        }
    }

    /// The text for `TraceEvent.detail`.
    public var detail: String {
        var text = "event=\(name) conn=\(Self.text(connection))"
        func add(_ key: Key, _ value: some CustomStringConvertible) {
            text += " \(key.rawValue)=\(value)"
        }
        switch kind {
        case .stateChanged(let from, let to):
            add(.from, from)
            add(.to, to)
        case .retransmitted(let sequence, let length, let reason):
            add(.seq, sequence)
            add(.len, length)
            add(.reason, Self.word(reason))
            if let timestampValue { add(.tsval, timestampValue) }
        case .dsackSent(let sequence, let length), .dsackReceived(let sequence, let length):
            add(.seq, sequence)
            add(.len, length)
        case .retransmissionTimeout(let rto, let backoff):
            add(.rto, Self.millisecondsText(rto))
            add(.backoff, backoff)
        case .enteredRecovery(let sack, let afterTimeout):
            add(.sack, sack ? "yes" : "no")
            if afterTimeout { add(.after, "rto") }
        case .sendWindowChanged(let window), .receiveWindowChanged(let window):
            add(.wnd, window)
        case .failed(let error):
            add(.error, Self.word(error))
        case .exitedRecovery, .congestionChanged, .zeroWindowProbe, .challengeACK, .keepaliveProbe, .undo:
            break
        }
        if let congestion {
            add(.cwnd, congestion.window)
            if let threshold = congestion.threshold { add(.ssthresh, threshold) }
        }
        if case .failed(let error) = kind { text += " \(error)" }
        return text
    }

    // MARK: Decoding

    /// Reads a detail written by `detail`; nil when it is not a TCP event
    /// (no known `event=`, or no `conn=`). Unknown keys and free text are ignored.
    public init?(detail: String) {
        var fields: [Key: Substring] = [:]
        for word in detail.split(separator: " ", omittingEmptySubsequences: true) {
            guard let eq = word.firstIndex(of: "="), let key = Key(rawValue: String(word[..<eq])) else { continue }
            fields[key] = word[word.index(after: eq)...]
        }
        guard let event = fields[.event], let conn = fields[.conn].flatMap(Self.connection(parsing:)) else { return nil }
        func int(_ key: Key) -> Int? { fields[key].flatMap { Int($0) } }
        let kind: Kind
        switch event {
        case "state":
            guard let from = fields[.from].flatMap(Self.state(parsing:)),
                  let to = fields[.to].flatMap(Self.state(parsing:)) else { return nil }
            kind = .stateChanged(from: from, to: to)
        case "retransmit":
            guard let sequence = fields[.seq].flatMap({ UInt32($0) }), let length = int(.len),
                  let reason = fields[.reason].flatMap(Self.reason(parsing:)) else { return nil }
            kind = .retransmitted(sequence: sequence, length: length, reason: reason)
        case "rto":
            guard let rto = fields[.rto].flatMap(Self.duration(parsing:)), let backoff = int(.backoff) else { return nil }
            kind = .retransmissionTimeout(rto: rto, backoff: backoff)
        case "recovery": kind = .enteredRecovery(sack: fields[.sack] == "yes", afterTimeout: fields[.after] == "rto")
        case "recovery_end": kind = .exitedRecovery
        case "cwnd": kind = .congestionChanged
        case "send_window", "receive_window":
            guard let window = int(.wnd) else { return nil }
            kind = event == "send_window" ? .sendWindowChanged(window) : .receiveWindowChanged(window)
        case "zero_window_probe": kind = .zeroWindowProbe
        case "challenge_ack": kind = .challengeACK
        case "keepalive": kind = .keepaliveProbe
        case "dsack_sent", "dsack_received":
            guard let sequence = fields[.seq].flatMap({ UInt32($0) }), let length = int(.len) else { return nil }
            kind = event == "dsack_sent" ? .dsackSent(sequence: sequence, length: length)
                : .dsackReceived(sequence: sequence, length: length)
        case "undo": kind = .undo
        case "failed":
            guard let error = fields[.error].flatMap(Self.error(parsing:)) else { return nil }
            kind = .failed(error)
        default: return nil
        }
        self.init(connection: conn, kind: kind)
        if let window = int(.cwnd) { congestion = Congestion(window: window, threshold: int(.ssthresh)) }
        if case .retransmitted = kind { timestampValue = fields[.tsval].flatMap { UInt32($0) } }
    }

    // MARK: Words

    /// `10.0.1.10:40000>10.0.2.20:7000`, local endpoint first.
    public static func text(_ id: TCPConnectionID) -> String {
        "\(id.localAddress):\(id.localPort)>\(id.remoteAddress):\(id.remotePort)"
    }

    public static func connection(parsing text: some StringProtocol) -> TCPConnectionID? {
        let sides = text.split(separator: ">", omittingEmptySubsequences: false)
        guard sides.count == 2 else { return nil }
        func endpoint(_ side: some StringProtocol) -> (IPv4Address, UInt16)? {
            let parts = side.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPv4Address(parts[0]), let port = UInt16(parts[1]) else { return nil }
            return (address, port)
        }
        guard let local = endpoint(sides[0]), let remote = endpoint(sides[1]) else { return nil }
        return TCPConnectionID(localAddress: local.0, localPort: local.1, remoteAddress: remote.0, remotePort: remote.1)
    }

    /// A state in RFC 9293 spelling (`TIME-WAIT`; `TIME_WAIT` is read the same way).
    public static func state(parsing text: some StringProtocol) -> TCPState? {
        let spelled = text.uppercased().replacing("_", with: "-")
        return TCPState.allCases.first { $0.description == spelled }
    }

    /// The `reason=` word of a retransmission.
    public static func word(_ reason: TCPRetransmitReason) -> String {
        switch reason {
        case .timeout: "timeout"
        case .fastRetransmit: "dupack"
        case .partialAck: "partial_ack"
        case .sackLoss: "sack"
        case .rackLoss: "rack"
        case .lossProbe: "tlp"
        }
    }

    public static func reason(parsing word: some StringProtocol) -> TCPRetransmitReason? {
        [TCPRetransmitReason.timeout, .fastRetransmit, .partialAck, .sackLoss, .rackLoss, .lossProbe]
            .first { Self.word($0) == word }
    }

    /// The `error=` word of a failure.
    public static func word(_ error: TCPConnectionError) -> String {
        switch error {
        case .connectionRefused: "refused"
        case .connectionReset: "reset"
        case .timedOut: "timed_out"
        case .keepaliveTimedOut: "keepalive_timed_out"
        case .aborted: "aborted"
        }
    }

    public static func error(parsing word: some StringProtocol) -> TCPConnectionError? {
        switch word {
        case "refused": .connectionRefused
        case "reset": .connectionReset
        case "timed_out": .timedOut(retransmissions: 0)
        case "keepalive_timed_out": .keepaliveTimedOut
        case "aborted": .aborted
        default: nil
        }
    }

    /// A duration in whole microseconds, as trace and socket details give times.
    /// A duration in milliseconds with its unit, to the microsecond: `200ms`, `1.25ms`.
    public static func millisecondsText(_ duration: Duration) -> String {
        let micro = microseconds(duration)
        let sign = micro < 0 ? "-" : ""
        let whole = abs(micro) / 1000, fraction = abs(micro) % 1000
        guard fraction != 0 else { return "\(sign)\(whole)ms" }
        var digits = String(fraction + 1000).dropFirst()   // three digits, leading zeros kept
        while digits.hasSuffix("0") { digits = digits.dropLast() }
        return "\(sign)\(whole).\(digits)ms"
    }

    /// Reads `200ms` or `1.25ms` (as `millisecondsText` writes), or a bare number of
    /// microseconds (as traces saved before the unit was written have it).
    public static func duration(parsing text: some StringProtocol) -> Duration? {
        if text.hasSuffix("ms") {
            let number = text.dropLast(2)
            let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let whole = Int64(parts[0]), whole >= 0 else { return nil }
            var micro = whole * 1000
            if parts.count == 2 {
                let digits = parts[1]
                guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0 else { return nil }
                micro += value * Int64([1, 100, 10, 1][digits.count])
            }
            return .microseconds(micro)
        }
        return Int64(text).map { .microseconds($0) }
    }

    public static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
