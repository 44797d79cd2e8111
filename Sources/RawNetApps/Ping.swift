import RawNetContracts
import RawNetSocket
import RawNetWire

/// Counts and round-trip times of one ping run, as ping's closing lines show them.
public struct PingSummary: Sendable, Equatable {
    public var transmitted = 0
    public var received = 0
    /// ICMP errors and send failures.
    public var errors = 0
    /// Of `errors`, those an ICMP message reported (the rest: requests that could not be sent).
    public var icmpErrors = 0
    /// Round-trip times in milliseconds, in arrival order.
    public var roundTripTimes: [Double] = []
    /// Milliseconds from the start to the last request sent, as Linux's iputils ping
    /// counts the `time` of its statistics (not the wait for the last reply after it).
    public var elapsedMilliseconds = 0.0

    public var lossPercent: Double {
        transmitted == 0 ? 0 : Double(transmitted - received) * 100 / Double(transmitted)
    }

    /// The two closing lines (after the `--- NAME ping statistics ---` header).
    public var lines: [String] {
        var first = "\(transmitted) packets transmitted, \(received) received"
        if errors > 0 { first += ", +\(errors) errors" }
        first += ", \(Ping.format(lossPercent, maximumDecimals: 4))% packet loss, time \(Int(max(0, elapsedMilliseconds).rounded()))ms"
        guard !roundTripTimes.isEmpty else { return [first] }
        let count = Double(roundTripTimes.count)
        let minimum = roundTripTimes.min()!, maximum = roundTripTimes.max()!
        let mean = roundTripTimes.reduce(0, +) / count
        let meanOfSquares = roundTripTimes.map { $0 * $0 }.reduce(0, +) / count
        let deviation = (max(0, meanOfSquares - mean * mean)).squareRoot()
        let values = [minimum, mean, maximum, deviation].map { Ping.fixed($0, decimals: 3) }
        return [first, "rtt min/avg/max/mdev = \(values.joined(separator: "/")) ms"]
    }
}

/// `ping`: ICMP echo requests through an `ICMPSocket`, printing each reply and
/// error as Linux ping does, then the statistics.
public struct Ping {
    public var destination: IPv4Address
    /// What the user typed (a node name or the address), for the header lines.
    public var destinationName: String
    /// Stop after this many requests (nil: until `shouldStop` says so, or the deadline).
    /// With a `deadline`, after this many replies (or errors) instead, as Linux's
    /// `ping -c N -w S`: a request that goes unanswered is followed by more.
    public var count: Int? = 4
    public var interval: Duration = .seconds(1)
    /// How long to wait for the last reply (`-W`); not used with a `deadline`, which
    /// is the wait then.
    public var lastReplyTimeout: Duration = .seconds(2)
    /// When set (`-w`), ping ends this long after it started, whatever the count; also
    /// at the count's replies, or at the first ICMP error, as Linux's ping does.
    public var deadline: Duration?
    /// When set, and nothing at all has answered by the last request, how long to wait
    /// for it instead (if longer): long enough for an ARP that gets no answer to end in
    /// "Destination Host Unreachable", as Linux's ping waits longer when nothing came back.
    public var silentTimeout: Duration?
    /// Bytes of ICMP data (56 gives 64-byte ICMP messages, 84-byte packets).
    public var payloadSize = 56
    public var timeToLive: UInt8?
    /// `-q`: only the first line and the statistics, no line per reply or error (as iputils).
    public var isQuiet = false

    public init(destination: IPv4Address, destinationName: String? = nil) {
        self.destination = destination
        self.destinationName = destinationName ?? destination.description
    }

    /// Pings through `connection`, writing lines to `output`.
    /// - Parameter shouldStop: polled between requests (e.g. after Ctrl-C).
    public func run(on connection: HostConnection, output: (String) -> Void,
                    shouldStop: () -> Bool = { false }) throws(NetworkError) -> PingSummary {
        let socket = try ICMPSocket(connection)
        if let timeToLive { try socket.setTimeToLive(timeToLive) }
        let clock = ContinuousClock()
        let start = clock.now
        var summary = PingSummary()
        var sentAt: [UInt16: ContinuousClock.Instant] = [:]
        var answered: Set<UInt16> = []
        output("PING \(destinationName) (\(destination)) \(payloadSize)(\(payloadSize + 28)) bytes of data.")

        var sequence: UInt16 = 0
        var nextSend = start
        var lastSent = start
        let end = deadline.map { start.advanced(by: $0) }
        while shouldSend(after: summary), !shouldStop() {
            if let end, clock.now >= end { break }
            sequence &+= 1
            summary.transmitted += 1
            lastSent = clock.now
            sentAt[sequence] = lastSent
            do {
                try socket.sendEcho(to: destination, sequence: sequence, payload: Self.payload(size: payloadSize))
            } catch {
                summary.errors += 1
                output("ping: sendmsg: \(Self.capitalized(error.description))")
            }
            nextSend = nextSend.advanced(by: interval)
            var waitUntil = nextSend
            if deadline == nil, let count, summary.transmitted >= count {
                // The last request: its reply is waited for, then ping ends.
                var lastWait = lastReplyTimeout
                if let silentTimeout, summary.received + summary.errors == 0 { lastWait = max(lastWait, silentTimeout) }
                waitUntil = clock.now.advanced(by: lastWait)
            }
            if let end { waitUntil = min(waitUntil, end) }
            try receive(on: socket, until: waitUntil, clock: clock, sentAt: sentAt, answered: &answered,
                        summary: &summary, output: output, shouldStop: shouldStop)
        }
        summary.elapsedMilliseconds = Self.milliseconds(lastSent - start)
        try? socket.close()
        output("")
        output("--- \(destinationName) ping statistics ---")
        summary.lines.forEach(output)
        return summary
    }

    private func receive(on socket: ICMPSocket, until waitEnd: ContinuousClock.Instant, clock: ContinuousClock,
                         sentAt: [UInt16: ContinuousClock.Instant], answered: inout Set<UInt16>,
                         summary: inout PingSummary, output: (String) -> Void,
                         shouldStop: () -> Bool) throws(NetworkError) {
        while true {
            if isFinished(summary) { return }
            if shouldStop() { return }
            let remaining = waitEnd - clock.now
            guard remaining > .zero else { return }
            // In slices, so a stop (Ctrl-C) is seen within a tenth of a second.
            guard let received = try socket.receive(timeout: min(remaining, .milliseconds(100))) else { continue }
            switch received.message {
            case .echoReply(_, let sequence, _):
                guard let sent = sentAt[sequence] else { continue }
                // In whole microseconds, as iputils keeps it: the reply's `time=` and the summary's
                // min/avg/max come from the same number.
                let rtt = Self.wholeMicroseconds(Self.milliseconds(clock.now - sent))
                let duplicate = !answered.insert(sequence).inserted
                if !duplicate {
                    summary.received += 1
                    summary.roundTripTimes.append(rtt)
                }
                if !isQuiet {
                    output("\(received.length) bytes from \(received.from): icmp_seq=\(sequence) ttl=\(received.timeToLive) time=\(Self.roundTrip(rtt)) ms\(duplicate ? " (DUP!)" : "")")
                }
            case .destinationUnreachable, .timeExceeded:
                let sequence = Self.quotedSequence(received.message)
                summary.errors += 1
                summary.icmpErrors += 1
                if !isQuiet {
                    output("From \(received.from) icmp_seq=\(sequence.map(String.init) ?? "?") \(Self.errorText(received.message))")
                }
            default:
                continue
            }
        }
    }

    /// Whether another request is due (when its time comes): without a deadline, until
    /// `count` are sent; with one, until `count` are answered (by a reply or an error)
    /// or an ICMP error came, as Linux's ping does given `-w`.
    func shouldSend(after summary: PingSummary) -> Bool {
        guard deadline != nil else { return count.map { summary.transmitted < $0 } ?? true }
        if summary.icmpErrors > 0 { return false }
        return count.map { summary.received + summary.errors < $0 } ?? true
    }

    /// Whether nothing more is to be waited for: no request is due and every one sent
    /// was answered (by a reply or an error).
    func isFinished(_ summary: PingSummary) -> Bool {
        guard !shouldSend(after: summary) else { return false }
        return deadline != nil || summary.received + summary.errors >= summary.transmitted
    }

    /// Linux ping's exit status for a run: 0 when a reply came, 1 when none did, or,
    /// given a deadline and a count, when fewer replies than the count came.
    public func exitStatus(_ summary: PingSummary) -> Int32 {
        if summary.received == 0 { return 1 }
        if deadline != nil, let count, summary.received < count { return 1 }
        return 0
    }

    /// Linux ping's words for an ICMP error.
    public static func errorText(_ message: ICMPMessage) -> String {
        switch message {
        case .timeExceeded(let code, _):
            return code.code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded"
        case .destinationUnreachable(let code, _):
            switch code.code {
            case 0: return "Destination Net Unreachable"
            case 1: return "Destination Host Unreachable"
            case 2: return "Destination Protocol Unreachable"
            case 3: return "Destination Port Unreachable"
            case 4: return "Frag needed"
            case 13: return "Packet filtered"
            default: return "Dest Unreachable, Bad Code: \(code.code)"
            }
        default:
            return message.description
        }
    }

    /// The sequence number of the echo request an ICMP error quotes.
    static func quotedSequence(_ message: ICMPMessage) -> UInt16? {
        guard let header = message.quotedIPv4Header else { return nil }
        let inner = message.quoted.dropFirst(header.headerLength)
        guard inner.count >= 8 else { return nil }
        let start = inner.startIndex
        return UInt16(inner[start + 6]) << 8 | UInt16(inner[start + 7])
    }

    /// Echo data like Linux ping's: bytes counting up from 0x10 after the first 8.
    static func payload(size: Int) -> [UInt8] {
        (0..<max(0, size)).map { $0 < 8 ? 0 : UInt8(truncatingIfNeeded: 0x10 + $0 - 8) }
    }

    /// `ms` cut to whole microseconds (what iputils measures in).
    static func wholeMicroseconds(_ ms: Double) -> Double {
        Double(Int((max(0, ms) * 1_000_000).rounded()) / 1000) / 1000
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// A reply's `time=` as Linux's iputils ping prints it, from whole microseconds:
    /// three decimals below 1 ms, two below 10 ms, one below 100 ms, none above
    /// (each rounded, so 9.996 ms is `10.0` and 99.96 ms is `100`).
    static func roundTrip(_ ms: Double) -> String {
        // Through whole nanoseconds first, so 0.045 ms is 45 µs and not 44.999….
        let micros = Int((max(0, ms) * 1_000_000).rounded()) / 1000
        if micros >= 100_000 - 50 { return String((micros + 500) / 1000) }
        if micros >= 10_000 - 5 { return decimal(micros + 50, divisor: 100, digits: 1) }
        if micros >= 1000 { return decimal(micros + 5, divisor: 10, digits: 2) }
        return decimal(micros, divisor: 1, digits: 3)
    }

    /// `micros` as milliseconds with `digits` decimals, the rest dropped.
    private static func decimal(_ micros: Int, divisor: Int, digits: Int) -> String {
        var fraction = String((micros % 1000) / divisor)
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(micros / 1000).\(fraction)"
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(Int(rounded))
        guard decimals > 0 else { return text }
        var fraction = Int(((rounded - Double(Int(rounded))) * scale).rounded())
        if fraction < 0 { fraction = -fraction }
        var digits = String(fraction)
        while digits.count < decimals { digits = "0" + digits }
        text += "." + digits
        return text
    }

    /// Up to `maximumDecimals` decimals, trailing zeros removed (as ping prints the loss).
    static func format(_ value: Double, maximumDecimals: Int) -> String {
        var text = fixed(value, decimals: maximumDecimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
