import RawNetContracts
import RawNetSocket
import RawNetWire

/// One hop of a traceroute: what each probe heard.
public struct TracerouteHop: Sendable, Equatable {
    public struct Probe: Sendable, Equatable {
        /// Who answered (nil: no answer in time, printed `*`).
        public var from: IPv4Address?
        public var milliseconds: Double?
        /// `!H`, `!N`, `!P` … for unreachable answers other than port unreachable.
        public var annotation: String?
    }

    public var timeToLive: Int
    public var probes: [Probe]

    /// The hop's line as traceroute prints it, e.g. ` 2  10.0.12.2  0.512 ms  0.401 ms  0.388 ms`,
    /// or with an address's name from `names`, ` 2  eth1.r2.lab (10.0.12.2)  0.512 ms …`.
    public func line(names: [IPv4Address: String] = [:]) -> String {
        var text = timeToLive < 10 ? " \(timeToLive) " : "\(timeToLive) "
        var lastAddress: IPv4Address?
        for probe in probes {
            guard let from = probe.from, let ms = probe.milliseconds else {
                text += " *"
                continue
            }
            if from != lastAddress {
                text += names[from].map { " \($0) (\(from))" } ?? " \(from)"
                lastAddress = from
            }
            text += "  \(Ping.fixed(ms, decimals: 3)) ms"
            if let annotation = probe.annotation { text += " \(annotation)" }
        }
        return text
    }
}

/// `traceroute`: UDP probes to ports 33434 and up with TTL 1, 2, … (three per
/// hop); routers answer ICMP time exceeded, the destination port unreachable.
public struct Traceroute {
    public var destination: IPv4Address
    public var destinationName: String
    public var maximumHops = 30
    public var probesPerHop = 3
    public var firstPort: UInt16 = 33434
    /// How long each probe waits for its answer.
    public var probeTimeout: Duration = .seconds(2)
    /// UDP data per probe: 32 bytes make the 60-byte packets Linux traceroute sends.
    public var payloadSize = 32
    /// Names an address by a reverse (PTR) lookup, nil when it has none; unset, hops
    /// are printed as addresses only (`-n`). Each address is asked once; the lookups
    /// of one hop stop once they have taken `nameBudget`, so a silent resolver holds
    /// the trace up at most that long per hop.
    public var nameOf: ((IPv4Address) -> String?)?
    public var nameBudget: Duration = .seconds(1)

    public init(destination: IPv4Address, destinationName: String? = nil) {
        self.destination = destination
        self.destinationName = destinationName ?? destination.description
    }

    /// Runs the trace, printing the header and one line per hop.
    /// - Returns: the hops; the last one holds the destination if it was reached.
    public func run(on connection: HostConnection, output: (String) -> Void) throws(NetworkError) -> [TracerouteHop] {
        let socket = try UDPSocket(connection)
        try socket.bind(port: 0)
        try socket.setReceivesErrors(true)
        output("traceroute to \(destinationName) (\(destination)), \(maximumHops) hops max, \(payloadSize + 28) byte packets")
        let clock = ContinuousClock()
        var hops: [TracerouteHop] = []
        var names: [IPv4Address: String] = [:]
        var asked: Set<IPv4Address> = []
        var port = firstPort
        for ttl in 1...maximumHops {
            try socket.setTimeToLive(UInt8(ttl))
            var hop = TracerouteHop(timeToLive: ttl, probes: [])
            var isDone = false
            for _ in 0..<probesPerHop {
                let probePort = port
                port = port == UInt16.max ? firstPort : port + 1
                let sent = clock.now
                do {
                    try socket.send([UInt8](repeating: 0x40, count: payloadSize), to: destination, port: probePort)
                } catch {
                    output("send: \(error)")
                    hop.probes.append(.init())
                    continue
                }
                guard let report = try awaitReport(on: socket, port: probePort, deadline: sent.advanced(by: probeTimeout),
                                                   clock: clock) else {
                    hop.probes.append(.init())
                    continue
                }
                let ms = Ping.milliseconds(clock.now - sent)
                var annotation: String?
                if report.type == 3 {
                    isDone = true
                    switch report.code {
                    case 3: annotation = nil
                    case 0: annotation = "!N"
                    case 1: annotation = "!H"
                    case 2: annotation = "!P"
                    default: annotation = "!\(report.code)"
                    }
                }
                hop.probes.append(.init(from: report.from, milliseconds: ms, annotation: annotation))
            }
            if let nameOf {
                let start = clock.now
                for address in hop.probes.compactMap(\.from) where !asked.contains(address) {
                    guard clock.now - start < nameBudget else { break }
                    asked.insert(address)
                    if let name = nameOf(address) { names[address] = name.hasSuffix(".") ? String(name.dropLast()) : name }
                }
            }
            output(hop.line(names: names))
            hops.append(hop)
            if isDone { break }
        }
        try? socket.close()
        return hops
    }

    private func awaitReport(on socket: UDPSocket, port: UInt16, deadline: ContinuousClock.Instant,
                             clock: ContinuousClock) throws(NetworkError) -> ICMPErrorReport? {
        while true {
            let remaining = deadline - clock.now
            guard remaining > .zero, let event = try socket.receiveEvent(timeout: remaining) else { return nil }
            if case .icmpError(let report) = event, report.originalPort == port,
               report.originalDestination == destination {
                return report
            }
        }
    }
}
