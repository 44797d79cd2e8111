import RawNetCore
import RawNetWire

/// A TCP connection seen in a trace: the client (who sent the first SYN, or the
/// first segment seen) and the server.
public struct TCPConnectionKey: Hashable, Sendable, CustomStringConvertible {
    public var client: TCPEndpoint
    public var server: TCPEndpoint

    public init(client: TCPEndpoint, server: TCPEndpoint) {
        self.client = client
        self.server = server
    }

    /// Parses `A.B.C.D:P>E.F.G.H:Q` (client first), e.g. from the CLI.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ">", omittingEmptySubsequences: false)
        guard parts.count == 2, let c = TCPEndpoint(parts[0]), let s = TCPEndpoint(parts[1]) else { return nil }
        self.init(client: c, server: s)
    }

    public var description: String { "\(client)>\(server)" }

    /// True when the two endpoints are this connection's, in either order.
    public func contains(_ a: TCPEndpoint, _ b: TCPEndpoint) -> Bool {
        (a == client && b == server) || (a == server && b == client)
    }
}

/// One segment as it travelled: every observation of the same frame (sent by one
/// node, received by another, dropped on the way) grouped together.
struct TCPTransmission {
    var fromClient: Bool
    var tcp: TCPHeader
    var ipIdentification: UInt16
    var payloadLength: Int
    /// The first `sent` observation (the sender's, when it is traced).
    var sentTime: Int64?
    /// The last `received` observation (the receiver's, after any routers), and its node.
    var receivedTime: Int64?
    var receivedNode: String?
    var droppedTime: Int64?
    /// `kind@node:interface` of every observation: the same place seeing the same frame
    /// twice means the network made a copy.
    var observations: Set<String> = []
    /// `node:interface` of the drop, and its node.
    var dropPlace: String?
    var dropNode: String?
    var dropReason: String?
    /// What an impairment did to it (delayed, corrupted, …).
    var impairments: [String] = []
    /// An impairment seen before the frame was sent (the sender's own egress held it back):
    /// where and when, so the hold's length is said once the frame leaves.
    /// Its note is the first impairment: the hold made the transmission.
    var heldBeforeSending: (place: String, time: Int64)?
    /// The TSval of its timestamps option (RFC 7323), if any.
    var timestampValue: UInt32? { tcp.timestamps?.value }
    var isRetransmission = false
    var retransmissionReason: String?
    /// A second copy of the same frame (same IP id), made by the network.
    var isNetworkDuplicate = false

    /// Earliest observation.
    /// (A frame still held at its sender's egress when the events end has only the hold's time.)
    var time: Int64 { [sentTime, receivedTime, droppedTime].compactMap { $0 }.min() ?? heldBeforeSending?.time ?? 0 }
    /// Sequence space used: data, plus one each for SYN and FIN.
    var sequenceLength: UInt32 {
        UInt32(payloadLength) + (tcp.flags.contains(.syn) ? 1 : 0) + (tcp.flags.contains(.fin) ? 1 : 0)
    }
    /// Dropped, and not received anywhere after the drop. A router stamps a frame it receives
    /// and then drops on its way out with one time (one wake-up of its loop): received there at
    /// the drop's own time is not past the drop.
    var isLost: Bool {
        guard let droppedTime else { return false }
        guard let receivedTime else { return true }
        return receivedTime < droppedTime || (receivedTime == droppedTime && receivedNode == dropNode)
    }

    func matches(_ other: TCPTransmission) -> Bool {
        fromClient == other.fromClient && ipIdentification == other.ipIdentification
            && tcp.sequenceNumber == other.tcp.sequenceNumber && tcp.acknowledgmentNumber == other.tcp.acknowledgmentNumber
            && tcp.flags == other.tcp.flags && payloadLength == other.payloadLength
    }
}

/// A transport event of the connection worth showing on its own (e.g. TIME_WAIT).
struct TCPFlowNote {
    var time: Int64
    var atClient: Bool
    var text: String
}

/// The analysis the ladder and the plot share: the segments of one connection,
/// grouped, with retransmissions found and explained, plus its transport events.
struct TCPFlow {
    var key: TCPConnectionKey
    var transmissions: [TCPTransmission] = []
    var notes: [TCPFlowNote] = []
    /// Transport events of this connection, with the side they belong to.
    var transportEvents: [(time: Int64, atClient: Bool, event: TCPTraceEvent)] = []
    /// The node that owns each endpoint, judged from the evidence: a node that sends the
    /// side's frames with the highest TTL made them; failing that, the node that receives
    /// frames for it with the lowest TTL is the last hop's far end.
    private var nodeEvidence: [Bool: (node: String, score: Int)] = [:]
    var clientNode: String? { nodeEvidence[true]?.node }
    var serverNode: String? { nodeEvidence[false]?.node }
    var clientISN: UInt32?
    var serverISN: UInt32?

    /// Connections in order of first appearance.
    static func connections(in events: [TraceEvent]) -> [TCPConnectionKey] {
        var keys: [TCPConnectionKey] = []
        for event in events where event.kind != .transport && event.kind != .note {
            guard let frame = event.frame else { continue }
            let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
            guard let ip = decoded.ipv4, let tcp = decoded.tcp else { continue }
            let a = TCPEndpoint(address: ip.source, port: tcp.sourcePort)
            let b = TCPEndpoint(address: ip.destination, port: tcp.destinationPort)
            if let index = keys.firstIndex(where: { $0.contains(a, b) }) {
                // A SYN without ACK names the client even if an earlier segment was seen first.
                if tcp.flags.contains(.syn) && !tcp.flags.contains(.ack) && keys[index].client != a {
                    keys[index] = TCPConnectionKey(client: a, server: b)
                }
            } else {
                keys.append(guessedKey(source: a, destination: b, flags: tcp.flags))
            }
        }
        return keys
    }

    /// Who is the client, from the first segment seen: a SYN's sender, a SYN-ACK's
    /// receiver; for a connection that began before the trace (no SYN), the end
    /// with the lower port is taken for the server (a listening port is lower
    /// than the ephemeral ports clients get), as Wireshark guesses.
    static func guessedKey(source a: TCPEndpoint, destination b: TCPEndpoint, flags: TCPFlags) -> TCPConnectionKey {
        if flags.contains(.syn) {
            return flags.contains(.ack) ? TCPConnectionKey(client: b, server: a) : TCPConnectionKey(client: a, server: b)
        }
        return a.port < b.port ? TCPConnectionKey(client: b, server: a) : TCPConnectionKey(client: a, server: b)
    }

    init(key: TCPConnectionKey, events: [TraceEvent]) {
        self.key = key
        let ordered = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var pendingTransport: [TraceEvent] = []
        for event in ordered {
            switch event.kind {
            case .transport: pendingTransport.append(event)
            case .note, .lost: continue
            default: observe(event)
            }
        }
        for event in pendingTransport { attach(transport: event) }
        findRetransmissions()
    }

    private mutating func observe(_ event: TraceEvent) {
        guard let frame = event.frame else { return }
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let ip = decoded.ipv4, case .tcp(let tcp, let data)? = decoded.transport else { return }
        let source = TCPEndpoint(address: ip.source, port: tcp.sourcePort)
        let destination = TCPEndpoint(address: ip.destination, port: tcp.destinationPort)
        guard key.contains(source, destination) else { return }
        let fromClient = source == key.client
        switch event.kind {
        case .sent: consider(event.node, forClient: fromClient, score: 1000 + Int(ip.timeToLive))
        case .received: consider(event.node, forClient: !fromClient, score: 512 - Int(ip.timeToLive))
        default: break
        }
        if tcp.flags.contains(.syn) {
            if fromClient { clientISN = clientISN ?? tcp.sequenceNumber } else { serverISN = serverISN ?? tcp.sequenceNumber }
        }
        var candidate = TCPTransmission(fromClient: fromClient, tcp: tcp, ipIdentification: ip.identification,
                                        payloadLength: data.count)
        let place = event.node + (event.interface.map { ":" + $0 } ?? "")
        // The latest transmission of the same frame not yet seen this way at this place
        // (a router receives and sends the same frame; only a copy is seen twice at one place).
        let observation = "\(event.kind.rawValue)@\(place)"
        let index = transmissions.lastIndex { t in
            t.matches(candidate) && (event.kind == .impaired || !t.observations.contains(observation))
        }
        if event.kind == .impaired {
            // The reason says what happened ("delayed 25ms"); the detail repeats it with the
            // engine's frame number, so it is shown only when there is no reason.
            let text = event.reason ?? event.detail ?? "impaired"
            if let index {
                transmissions[index].impairments.append("\(text) at \(place)")
            } else {
                // The sender's own egress took it before it was sent (held back, delayed): the
                // frame is sent later, and its row says so.
                candidate.impairments.append("\(text) at \(place)")
                candidate.heldBeforeSending = (place, event.time)
                transmissions.append(candidate)
            }
            return
        }
        if let index {
            apply(event, place: place, to: &transmissions[index])
        } else {
            candidate.isNetworkDuplicate = transmissions.contains { $0.matches(candidate) }
            apply(event, place: place, to: &candidate)
            transmissions.append(candidate)
        }
    }

    private mutating func consider(_ node: String, forClient: Bool, score: Int) {
        if let best = nodeEvidence[forClient], best.score >= score { return }
        nodeEvidence[forClient] = (node, score)
    }

    private func apply(_ event: TraceEvent, place: String, to t: inout TCPTransmission) {
        t.observations.insert("\(event.kind.rawValue)@\(place)")
        switch event.kind {
        case .sent:
            t.sentTime = t.sentTime ?? event.time
            if let held = t.heldBeforeSending, held.place == place, !t.impairments.isEmpty {
                // The row stands where the frame left; the note says how long it had waited,
                // when what was done to it makes a frame wait (a copy or a flipped bit does not).
                let note = t.impairments[0]
                if ["delayed", "held back", "reordered", "queued"].contains(where: { note.hasPrefix($0) }) {
                    t.impairments[0] += " for \(Text.milliseconds(nanoseconds: event.time &- held.time)) ms"
                }
                t.heldBeforeSending = nil
            }
        case .received:
            t.receivedTime = event.time
            t.receivedNode = event.node
        case .dropped:
            t.droppedTime = event.time
            t.dropPlace = place
            t.dropNode = event.node
            t.dropReason = event.reason ?? event.detail
        default: break
        }
    }

    /// Which side a transport event belongs to: by `conn=`, else by node name; nil if not this connection's.
    private func side(of event: TCPTraceEvent) -> Bool? {
        let conn = TCPEndpoint.ends(of: event.connection)
        guard key.contains(conn.local, conn.remote) else { return nil }
        return conn.local == key.client
    }

    private mutating func attach(transport event: TraceEvent) {
        guard let detail = event.detail.flatMap(TCPTraceEvent.init(detail:)),
              let atClient = side(of: detail) else { return }
        transportEvents.append((event.time, atClient, detail))
        if case .stateChanged(_, to: .timeWait) = detail.kind {
            let node = (atClient ? clientNode : serverNode) ?? (atClient ? "client" : "server")
            notes.append(TCPFlowNote(time: event.time, atClient: atClient, text: "\(node) enters TIME-WAIT"))
        }
    }

    private mutating func findRetransmissions() {
        transmissions.sort { $0.time < $1.time }
        // Per direction (true: the client's bytes), the rule `rawnet trace` marks frames by too.
        var resends = TCPResendCheck<Bool>()
        var usedReasons = Set<Int>()
        for i in transmissions.indices {
            let t = transmissions[i]
            let length = t.sequenceLength
            guard length > 0, !t.isNetworkDuplicate else { continue }
            if resends.isResend(t.fromClient, sequence: t.tcp.sequenceNumber, length: length,
                                identification: t.ipIdentification) {
                transmissions[i].isRetransmission = true
            }
            // A `retransmit` event of the sender, at or shortly before this send, naming this sequence number
            // and, when both carry timestamps, this copy's TSval (an original its sender's queue let out
            // after the copy sent again is not the retransmission).
            let candidates = transportEvents.indices.filter { j in
                let e = transportEvents[j]
                guard case .retransmitted(let sequence, _, _) = e.event.kind else { return false }
                if let named = e.event.timestampValue, let carried = t.timestampValue, named != carried { return false }
                return !usedReasons.contains(j) && e.atClient == t.fromClient && sequence == t.tcp.sequenceNumber
                    && e.time <= t.time && t.time &- e.time <= 1_000_000_000
            }
            if let j = candidates.last, case .retransmitted(_, _, let reason) = transportEvents[j].event.kind {
                usedReasons.insert(j)
                transmissions[i].isRetransmission = true
                transmissions[i].retransmissionReason = Self.words(for: reason)
            }
        }
        // Retransmit events that matched no segment still deserve a line.
        for (j, e) in transportEvents.enumerated() where !usedReasons.contains(j) {
            guard case .retransmitted(let sequence, _, let reason) = e.event.kind else { continue }
            let text = "retransmit seq=\(relative(sequence, fromClient: e.atClient)) (\(Self.words(for: reason)))"
            notes.append(TCPFlowNote(time: e.time, atClient: e.atClient, text: text))
        }
        notes.sort { $0.time < $1.time }
    }

    /// Why a segment was sent again, in the words the ladder prints: the timer ran
    /// out, three duplicate ACKs, a SACK-marked hole or a partial ACK in the
    /// recovery they began, RACK (a segment sent later was acknowledged), or a
    /// tail-loss probe (no ACK for about two round trips).
    static func words(for reason: TCPRetransmitReason) -> String {
        switch reason {
        case .timeout: "timeout"
        case .fastRetransmit: "three duplicate ACKs"
        case .sackLoss: "SACK"
        case .partialAck: "partial ACK"
        case .rackLoss: "RACK"
        case .lossProbe: "tail-loss probe"
        }
    }

    /// A sequence number relative to the sender's initial sequence number.
    func relative(_ seq: UInt32, fromClient: Bool) -> Int64 {
        let isn = (fromClient ? clientISN : serverISN) ?? firstSequence(fromClient: fromClient) ?? seq
        return Int64(seq &- isn)
    }

    /// An acknowledgment number relative to the other side's initial sequence number.
    func relativeAck(_ ack: UInt32, fromClient: Bool) -> Int64 {
        relative(ack, fromClient: !fromClient)
    }

    private func firstSequence(fromClient: Bool) -> UInt32? {
        transmissions.first { $0.fromClient == fromClient }?.tcp.sequenceNumber
    }
}
