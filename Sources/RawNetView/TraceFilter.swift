import RawNetCore
import RawNetWire

/// Which trace events to show, parsed from the text given to `rawnet trace`,
/// `capture`, `ladder` and `plot`:
///
///     tcp   udp   icmp   arp            a protocol
///     port 7000                         TCP or UDP source or destination port
///     host 10.0.1.10                    IPv4 source or destination (ARP: sender or target)
///     node alice                        events of one node
///     on r1:eth1                        events of one interface
///     dropped                           drop events only
///     seq 27                            a TCP segment whose data (or SYN/FIN) starts at 27
///     event cwnd                        TCP events of one kind (the `event=` word:
///                                       state, retransmit, rto, cwnd, recovery, …)
///     not X    X and Y    X Y    X or Y    ( X )
///
/// `and` binds tighter than `or`; `and` may be left out. The empty text selects
/// everything. Events without a frame (transport, notes) match `node`/`on`, `tcp`
/// (transport events are TCP's), and `port`/`host` through a `conn=` field in their
/// detail (see `TCPTraceEvent`). `seq` compares the number as sent on the wire, except
/// where a caller passes the connection's initial sequence number (`--drop-next`, see
/// `TraceFilterChooser`): then it is relative, as the ladder shows it.
public indirect enum TraceFilter: Hashable, Sendable, CustomStringConvertible {
    case everything
    case tcp, udp, icmp, arp
    case dropped
    case port(UInt16)
    case seq(UInt32)
    case host(IPv4Address)
    case node(String)
    case interface(node: String, interface: String)
    /// TCP events whose `event=` word is this (`not event cwnd` quiets a busy trace).
    case event(String)
    case not(TraceFilter)
    case and(TraceFilter, TraceFilter)
    case or(TraceFilter, TraceFilter)

    /// Parses filter text; errors say which word is wrong and what was expected.
    public init(parsing text: String) throws(TraceFilterError) {
        var parser = TraceFilterParser(text: text)
        self = try parser.parseAll()
    }

    /// True when `event` is selected.
    public func matches(_ event: TraceEvent) -> Bool {
        let decoded = event.frame.map { DecodedFrame(parsing: $0, verifyChecksums: false) }
        return matches(event, decoded: decoded)
    }

    /// True when `event` is selected; `decoded` is its frame, already decoded (saves work when
    /// the caller decodes anyway).
    public func matches(_ event: TraceEvent, decoded: DecodedFrame?) -> Bool {
        matches(event, decoded: decoded, sequenceBase: nil)
    }

    /// True when `event` is selected; `seq` counts from `sequenceBase` (the initial sequence
    /// number of the segment's sender) when one is given.
    public func matches(_ event: TraceEvent, decoded: DecodedFrame?, sequenceBase: UInt32?) -> Bool {
        switch self {
        case .everything: return true
        case .not(let inner): return !inner.matches(event, decoded: decoded, sequenceBase: sequenceBase)
        case .and(let a, let b):
            return a.matches(event, decoded: decoded, sequenceBase: sequenceBase)
                && b.matches(event, decoded: decoded, sequenceBase: sequenceBase)
        case .or(let a, let b):
            return a.matches(event, decoded: decoded, sequenceBase: sequenceBase)
                || b.matches(event, decoded: decoded, sequenceBase: sequenceBase)
        case .seq(let number):
            // Only segments that occupy sequence space: a bare ACK carries the next number too.
            guard let decoded, let tcp = decoded.tcp else { return false }
            let occupies = decoded.applicationData?.isEmpty == false || tcp.flags.contains(.syn)
                || tcp.flags.contains(.fin)
            return occupies && tcp.sequenceNumber &- (sequenceBase ?? 0) == number
        case .node(let name): return event.node == name
        case .interface(let node, let interface): return event.node == node && event.interface == interface
        case .dropped: return event.kind == .dropped
        case .event(let name):
            guard event.kind == .transport, let detail = event.detail else { return false }
            return TCPTraceEvent(detail: detail)?.name == name
        case .tcp:
            if let decoded { return decoded.tcp != nil }
            return event.kind == .transport
        case .udp: return decoded?.udp != nil
        case .icmp: return decoded?.icmp != nil
        case .arp: return decoded?.arp != nil
        case .port(let port):
            if let decoded {
                if let tcp = decoded.tcp { return tcp.sourcePort == port || tcp.destinationPort == port }
                if let udp = decoded.udp { return udp.sourcePort == port || udp.destinationPort == port }
                return false
            }
            guard let conn = connection(of: event) else { return false }
            return conn.local.port == port || conn.remote.port == port
        case .host(let address):
            if let decoded {
                if let ip = decoded.ipv4 { return ip.source == address || ip.destination == address }
                if let arp = decoded.arp { return arp.senderIP == address || arp.targetIP == address }
                return false
            }
            guard let conn = connection(of: event) else { return false }
            return conn.local.address == address || conn.remote.address == address
        }
    }

    private func connection(of event: TraceEvent) -> (local: TCPEndpoint, remote: TCPEndpoint)? {
        guard event.kind == .transport, let detail = event.detail else { return nil }
        return TCPTraceEvent(detail: detail).map { TCPEndpoint.ends(of: $0.connection) }
    }

    /// The filter written back as text that parses to the same filter.
    public var description: String {
        switch self {
        case .everything: return ""
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .icmp: return "icmp"
        case .arp: return "arp"
        case .dropped: return "dropped"
        case .port(let port): return "port \(port)"
        case .seq(let number): return "seq \(number)"
        case .host(let address): return "host \(address)"
        case .node(let name): return "node \(name)"
        case .interface(let node, let interface): return "on \(node):\(interface)"
        case .event(let name): return "event \(name)"
        case .not(let inner): return "not \(inner.operandText)"
        case .and(let a, let b): return "\(a.operandText) and \(b.operandText)"
        case .or(let a, let b): return "\(a) or \(b)"
        }
    }

    private var operandText: String {
        switch self {
        case .and, .or: return "(\(self))"
        default: return description
        }
    }
}

/// A filter that cannot be parsed: the message names the word and what was expected.
public struct TraceFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. `port needs a number from 0 to 65535, got 'http'`.
    public var message: String
    /// The 1-based position of the offending word in the filter (0 for the end of the text).
    public var wordNumber: Int

    public var description: String {
        wordNumber == 0 ? "bad filter: \(message)" : "bad filter (word \(wordNumber)): \(message)"
    }
}

struct TraceFilterParser {
    private var words: [String]
    private var index = 0

    static let expected = "tcp, udp, icmp, arp, dropped, port N, seq N, host A.B.C.D, node NAME, on NODE:IF, event NAME, not, ("
    /// The words a condition starts with, for "did you mean" (`prot` → port).
    static let keywords = ["tcp", "udp", "icmp", "arp", "dropped", "port", "seq", "host", "node", "on", "event", "not",
                           "interface", "and", "or"]

    /// The `event=` words of TCP events, as `event NAME` takes them.
    static let eventNames = ["state", "retransmit", "rto", "recovery", "recovery_end", "cwnd", "send_window",
                             "receive_window", "zero_window_probe", "challenge_ack", "keepalive", "failed",
                             "dsack_sent", "dsack_received", "undo"]

    init(text: String) {
        var words: [String] = []
        var current = ""
        for ch in text {
            if ch == "!" && current.isEmpty {
                words.append("!")
            } else if ch == "(" || ch == ")" || ch.isWhitespace {
                if !current.isEmpty { words.append(current); current = "" }
                if !ch.isWhitespace { words.append(String(ch)) }
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
    }

    mutating func parseAll() throws(TraceFilterError) -> TraceFilter {
        if words.isEmpty { return .everything }
        let filter = try parseOr()
        if index < words.count {
            throw error(words[index] == ")" ? "')' without a matching '('" : "unexpected '\(words[index])' here", at: index)
        }
        return filter
    }

    private func error(_ message: String, at position: Int) -> TraceFilterError {
        TraceFilterError(message: message, wordNumber: position < words.count ? position + 1 : 0)
    }

    private var peek: String? { index < words.count ? words[index].lowercased() : nil }

    private mutating func parseOr() throws(TraceFilterError) -> TraceFilter {
        var left = try parseAnd()
        while let word = peek, word == "or" || word == "||" {
            index += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(TraceFilterError) -> TraceFilter {
        var left = try parseUnary()
        while let word = peek, word != "or", word != "||", word != ")" {
            if word == "and" || word == "&&" { index += 1 }
            left = .and(left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(TraceFilterError) -> TraceFilter {
        guard let word = peek else {
            throw error("the filter ends where a condition was expected (\(Self.expected))", at: index)
        }
        let position = index
        index += 1
        switch word {
        case "not", "!": return .not(try parseUnary())
        case "(":
            let inner = try parseOr()
            guard peek == ")" else { throw error("'(' is never closed", at: position) }
            index += 1
            return inner
        case "tcp": return .tcp
        case "udp": return .udp
        case "icmp": return .icmp
        case "arp": return .arp
        case "dropped", "drops": return .dropped
        case "port":
            let value = try argument(after: word, at: position, what: "a number from 0 to 65535")
            guard let port = UInt16(value) else {
                throw error("port needs a number from 0 to 65535, got '\(value)'", at: position + 1)
            }
            return .port(port)
        case "seq":
            let value = try argument(after: word, at: position, what: "a sequence number")
            guard let number = UInt32(value) else {
                throw error("seq needs a number from 0 to 4294967295, got '\(value)'", at: position + 1)
            }
            return .seq(number)
        case "host":
            let value = try argument(after: word, at: position, what: "an IPv4 address such as 10.0.1.10")
            guard let address = IPv4Address(value) else {
                // A name is most likely a node: say the word that takes one.
                let named = value.first?.isLetter == true ? "; a node's events: 'node \(value)'" : ""
                throw error("host needs an IPv4 address such as 10.0.1.10, got '\(value)'\(named)", at: position + 1)
            }
            return .host(address)
        case "node":
            return .node(try argument(after: word, at: position, what: "a node name"))
        case "event":
            let value = try argument(after: word, at: position, what: "a TCP event word such as cwnd")
            guard Self.eventNames.contains(value) else {
                throw error("event needs one of \(Self.eventNames.joined(separator: ", ")), got '\(value)'", at: position + 1)
            }
            return .event(value)
        case "on", "interface":
            let value = try argument(after: word, at: position, what: "NODE:INTERFACE such as r1:eth0")
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw error("\(word) needs NODE:INTERFACE such as r1:eth0, got '\(value)'", at: position + 1)
            }
            return .interface(node: String(parts[0]), interface: String(parts[1]))
        case "and", "&&", "or", "||", ")":
            throw error("'\(words[position])' needs a condition before it", at: position)
        default:
            let suggestion = NameSuggestion.nearest(to: words[position], among: Self.keywords)
                .map { "did you mean '\($0)'? " } ?? ""
            throw error("unknown word '\(words[position])'; \(suggestion)expected one of \(Self.expected)", at: position)
        }
    }

    private mutating func argument(after keyword: String, at position: Int, what: String) throws(TraceFilterError) -> String {
        guard index < words.count, words[index] != "(", words[index] != ")" else {
            throw error("\(keyword) needs \(what)", at: index < words.count ? index : words.count)
        }
        defer { index += 1 }
        return words[index]
    }
}
