import RawNetCore
import RawNetWire

/// A failed expectation in a ``TCPScript``.
public struct TCPScriptError: Error, CustomStringConvertible {
    public var description: String
}

extension Instant {
    /// An instant this many milliseconds after the origin (for scripts).
    public static func at(ms: Double) -> Instant { Instant(nanoseconds: Int64(ms * 1_000_000)) }
}

/// A scripted test of one connection against an imaginary peer: "at t, deliver
/// segment S; expect segment T at t′; expect nothing until t″". Sequence numbers
/// in a script are relative: `seq` counts from the sender's ISN and `ack` from
/// the other side's ISN, so 1 is the first data byte after the SYN.
public struct TCPScript {
    public static let localAddress = IPv4Address(10, 0, 0, 1)
    public static let remoteAddress = IPv4Address(10, 0, 0, 2)
    public static let localPort: UInt16 = 40000
    public static let remotePort: UInt16 = 80
    public static let id = TCPConnectionID(localAddress: localAddress, localPort: localPort,
                                           remoteAddress: remoteAddress, remotePort: remotePort)

    public var connection: TCPConnection
    public private(set) var now = Instant.zero
    public let iss: SequenceNumber
    public let peerISS: SequenceNumber
    /// Segments the connection sent that no expectation has consumed yet.
    public private(set) var unread: [(time: Instant, segment: TCPSegment)] = []
    /// Every segment sent so far.
    public private(set) var sent: [(time: Instant, segment: TCPSegment)] = []

    /// A configuration with the optional extras off, so scripts stay short.
    public static var plainConfiguration: TCPConfiguration {
        var c = TCPConfiguration()
        c.isTimestampsEnabled = false
        c.isWindowScalingEnabled = false
        c.isSACKEnabled = false
        c.isDelayedAckEnabled = false
        c.isNagleEnabled = false
        return c
    }

    init(connection: TCPConnection, iss: SequenceNumber, peerISS: SequenceNumber) {
        self.connection = connection
        self.iss = iss
        self.peerISS = peerISS
    }

    /// A connection that has just been opened actively at t = 0 (SYN pending).
    public static func activeOpen(_ configuration: TCPConfiguration = plainConfiguration,
                                  iss: UInt32 = 1000, peerISS: UInt32 = 5000) -> TCPScript {
        let c = TCPConnection.connect(id: id, configuration: configuration,
                                      initialSequenceNumber: SequenceNumber(iss), now: .zero)
        var script = TCPScript(connection: c, iss: SequenceNumber(iss), peerISS: SequenceNumber(peerISS))
        script.collect()
        return script
    }

    /// A connection created by a listener from the peer's SYN at t = 0 (SYN-ACK pending).
    public static func passiveOpen(_ configuration: TCPConfiguration = plainConfiguration,
                                   synOptions: TCPOptionList = [.maximumSegmentSize(1460)],
                                   iss: UInt32 = 1000, peerISS: UInt32 = 5000) -> TCPScript {
        let syn = TCPSegment(source: remoteAddress, destination: localAddress,
                             header: TCPHeader(sourcePort: remotePort, destinationPort: localPort,
                                               sequenceNumber: peerISS, acknowledgmentNumber: 0,
                                               flags: [.syn], window: 65535, options: synOptions))
        let c = TCPConnection(acceptingSYN: syn, configuration: configuration,
                              initialSequenceNumber: SequenceNumber(iss), now: .zero)!
        var script = TCPScript(connection: c, iss: SequenceNumber(iss), peerISS: SequenceNumber(peerISS))
        script.collect()
        return script
    }

    /// An ESTABLISHED connection (opened actively, handshake done at t = 0, nothing unread).
    public static func established(_ configuration: TCPConfiguration = plainConfiguration,
                                   peerWindow: UInt16 = 65535, peerOptions: TCPOptionList = [.maximumSegmentSize(1000)])
        throws -> TCPScript {
        var script = activeOpen(configuration)
        try script.expectSegment(flags: [.syn])
        script.deliver(script.peer([.syn, .ack], seq: 0, ack: 1, window: peerWindow, options: peerOptions))
        try script.expectSegment(flags: [.ack], seq: 1, ack: 1)
        guard script.connection.state == .established else {
            throw TCPScriptError(description: "fixture did not reach ESTABLISHED: \(script.connection.state)")
        }
        return script
    }

    // MARK: Building the peer's segments

    /// A segment from the peer. `seq` counts from the peer's ISN, `ack` from ours.
    public func peer(_ flags: TCPFlags, seq: Int, ack: Int? = nil, window: UInt16 = 65535,
                     payload: [UInt8] = [], options: TCPOptionList = []) -> TCPSegment {
        var f = flags
        if ack != nil { f.insert(.ack) }
        let header = TCPHeader(sourcePort: Self.remotePort, destinationPort: Self.localPort,
                               sequenceNumber: (peerISS + seq).rawValue,
                               acknowledgmentNumber: ack.map { (iss + $0).rawValue } ?? 0,
                               flags: f, window: window, options: options)
        return TCPSegment(source: Self.remoteAddress, destination: Self.localAddress, header: header, payload: payload)
    }

    /// SACK option for relative ranges of our own sequence space.
    public func sack(_ ranges: [Range<Int>]) -> TCPOption {
        .sack(SACKBlockList(ranges.map { SACKBlock(left: (iss + $0.lowerBound).rawValue, right: (iss + $0.upperBound).rawValue) }))
    }

    /// Relative sequence number of one of our segments.
    public func relativeSeq(_ segment: TCPSegment) -> Int { segment.sequenceNumber - iss }
    /// Relative acknowledgment number of one of our segments.
    public func relativeAck(_ segment: TCPSegment) -> Int { segment.acknowledgmentNumber - peerISS }

    // MARK: Steps

    /// Runs the clock to `time` (firing timers on the way), then hands `segment` over.
    public mutating func deliver(_ segment: TCPSegment, at time: Instant? = nil) {
        if let time { advance(to: time) }
        connection.handle(segment, now: now)
        collect()
    }

    /// Runs the clock to `time`, polling at every deadline on the way.
    public mutating func advance(to time: Instant) {
        var guardCount = 0
        while let deadline = connection.nextDeadline(), deadline <= time, guardCount < 10_000 {
            guardCount += 1
            if deadline > now { now = deadline }
            collect()
        }
        if time > now { now = time }
        collect()
    }

    /// Application actions at the current time.
    @discardableResult
    public mutating func send(_ bytes: [UInt8]) throws -> Int {
        defer { collect() }
        return try connection.send(bytes)
    }

    public mutating func read(maxCount: Int = .max) -> [UInt8] {
        defer { collect() }
        return connection.receive(maxCount: maxCount)
    }

    public mutating func close() {
        connection.close(now: now)
        collect()
    }

    public mutating func abort() {
        connection.abort(now: now)
        collect()
    }

    private mutating func collect() {
        for segment in connection.poll(now: now) {
            unread.append((now, segment))
            sent.append((now, segment))
        }
    }

    // MARK: Expectations

    /// Expects the next unread segment (running the clock to `time` first if none
    /// is unread) and checks each field given. Returns the segment.
    @discardableResult
    public mutating func expectSegment(at time: Instant? = nil, flags: TCPFlags? = nil, seq: Int? = nil,
                                       ack: Int? = nil, payloadCount: Int? = nil, window: UInt16? = nil,
                                       _ check: ((TCPSegment) -> Bool)? = nil) throws -> TCPSegment {
        if unread.isEmpty, let time { advance(to: time) }
        guard !unread.isEmpty else {
            throw TCPScriptError(description: "expected a segment\(time.map { " at \($0)" } ?? ""), got nothing (now \(now))")
        }
        let (sentAt, segment) = unread.removeFirst()
        var problems: [String] = []
        if let time, sentAt != time { problems.append("sent at \(sentAt), expected \(time)") }
        if let flags, segment.flags != flags { problems.append("flags \(segment.flags.rawValue), expected \(flags.rawValue)") }
        if let seq, relativeSeq(segment) != seq { problems.append("seq \(relativeSeq(segment)), expected \(seq)") }
        if let ack, relativeAck(segment) != ack { problems.append("ack \(relativeAck(segment)), expected \(ack)") }
        if let payloadCount, segment.payload.count != payloadCount {
            problems.append("payload \(segment.payload.count) bytes, expected \(payloadCount)")
        }
        if let window, segment.header.window != window { problems.append("window \(segment.header.window), expected \(window)") }
        if let check, !check(segment) { problems.append("custom check failed") }
        guard problems.isEmpty else {
            throw TCPScriptError(description: "segment \(segment): " + problems.joined(separator: "; "))
        }
        return segment
    }

    /// Expects that nothing is sent from now until `time` (inclusive).
    public mutating func expectNothing(until time: Instant) throws {
        if let first = unread.first {
            throw TCPScriptError(description: "expected nothing, but \(first.segment) was sent at \(first.time)")
        }
        advance(to: time)
        if let first = unread.first {
            throw TCPScriptError(description: "expected nothing until \(time), but \(first.segment) was sent at \(first.time)")
        }
    }

    /// Drops unread segments (when a test does not care about them).
    public mutating func discardUnread() { unread.removeAll() }
}
