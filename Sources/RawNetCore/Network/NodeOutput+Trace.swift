extension NodeEvent: CustomStringConvertible {
    public var description: String {
        switch self {
        case .arpRequestSent(_, let target):
            return "ARP who-has \(target)"
        case .arpResolved(_, let address, let mac):
            return "ARP \(address) is-at \(mac)"
        case .arpGaveUp(_, let address):
            return "ARP gave up on \(address): no answer"
        case .forwarded(_, _, let source, let destination, let ttl):
            return "forwarded \(source) > \(destination), TTL now \(ttl)"
        case .icmpErrorSent(let type, let code, let destination):
            return "ICMP \(Self.icmpErrorName(type: type, code: code)) sent to \(destination)"
        case .icmpErrorRateLimited(let type, let code, let destination):
            return "ICMP \(Self.icmpErrorName(type: type, code: code)) to \(destination) not sent: "
                + "rate limit (a burst of a few per destination, then one per interval, as routers do)"
        case .echoAnswered(let destination, let identifier, let sequence):
            return "echo reply to \(destination) id \(identifier) seq \(sequence)"
        case .fragmented(_, let identification, let count, let mtu):
            return "fragmented id \(identification) into \(count) for mtu \(mtu)"
        case .reassembled(let source, let identification, let count, let length):
            return "reassembled id \(identification) from \(source): \(count) fragments, \(length) bytes"
        }
    }

    static func icmpErrorName(type: UInt8, code: UInt8) -> String {
        switch (type, code) {
        case (11, 0): return "time exceeded (TTL)"
        case (3, 0): return "network unreachable"
        case (3, 1): return "host unreachable"
        case (3, 2): return "protocol unreachable"
        case (3, 3): return "port unreachable"
        case (3, 4): return "fragmentation needed"
        case (11, 1): return "time exceeded (reassembly)"
        default: return "type \(type) code \(code)"
        }
    }

    /// The first word of `description`, without formatting the rest: what a trace
    /// summary counts a note under.
    public var traceWord: String {
        switch self {
        case .arpRequestSent, .arpResolved, .arpGaveUp: "ARP"
        case .forwarded: "forwarded"
        case .icmpErrorSent, .icmpErrorRateLimited: "ICMP"
        case .echoAnswered: "echo"
        case .fragmented: "fragmented"
        case .reassembled: "reassembled"
        }
    }

    /// The interface the event concerns, if any.
    public var interface: Int? {
        switch self {
        case .arpRequestSent(let interface, _), .arpResolved(let interface, _, _), .arpGaveUp(let interface, _):
            return interface
        case .forwarded(_, let to, _, _, _):
            return to
        case .fragmented(let interface, _, _, _):
            return interface
        case .icmpErrorSent, .icmpErrorRateLimited, .echoAnswered, .reassembled:
            return nil
        }
    }
}

extension TraceEvent {
    /// The trace record of a drop inside an `IPNode`.
    public init(_ drop: DropRecord, node: String, interfaceNames: [String], time: Int64) {
        self.init(time: time, node: node, interface: drop.interface.flatMap { interfaceNames.name(at: $0) },
                  kind: .dropped, frame: drop.bytes, reason: drop.reason.rawValue, detail: drop.detail)
    }

    /// The trace record of something an `IPNode` did besides moving frames.
    public init(_ event: NodeEvent, node: String, interfaceNames: [String], time: Int64) {
        self.init(time: time, node: node, interface: event.interface.flatMap { interfaceNames.name(at: $0) },
                  kind: .note, detail: event.description)
    }
}

extension Array where Element == String {
    fileprivate func name(at index: Int) -> String? {
        indices.contains(index) ? self[index] : nil
    }
}
