import RawNetCore
import RawNetWire

/// One simulated bulk transfer: a client connects, writes `size` seeded random
/// bytes and closes; the server accepts, reads to end of stream and closes.
/// Everything is derived from `seed`, so a failing run replays exactly.
public struct TCPTransfer: Sendable {
    public var size: Int
    public var seed: UInt64
    public var forward: SimLinkSettings
    public var backward: SimLinkSettings
    public var clientConfiguration = TCPConfiguration()
    public var serverConfiguration = TCPConfiguration()
    /// Keep every segment put on a wire in the result (for replaying a failure).
    public var recordsTrace = false
    /// Which link model carries the segments.
    public var linkModel: LinkModel = .impairmentEngine
    /// Give up (and report failure) after this much simulated time.
    public var timeLimit: Duration = .seconds(3600)

    public enum LinkModel: String, Sendable {
        /// Real serialized segments through ``ImpairmentEngine`` (checksums catch corruption).
        case impairmentEngine
        /// The small built-in ``SeededLink`` (segment values; corruption flagged).
        case simple
    }

    public static let clientAddress = IPv4Address(10, 0, 1, 10)
    public static let serverAddress = IPv4Address(10, 0, 2, 20)
    public static let serverPort: UInt16 = 5001

    public init(size: Int, seed: UInt64, forward: SimLinkSettings, backward: SimLinkSettings) {
        self.size = size
        self.seed = seed
        self.forward = forward
        self.backward = backward
    }

    /// The command-line style description that replays this run.
    public var replayDescription: String {
        "TCPTransfer(size: \(size), seed: \(seed)) forward[\(forward)] backward[\(backward)] "
            + "cc=\(clientConfiguration.congestionControl) sack=\(clientConfiguration.isSACKEnabled)"
    }

    public func run() -> TCPTransferResult {
        let root = SeededRandom(seed: seed)
        func seedFor(_ label: String) -> UInt64 {
            var generator = root.derived(label)
            return generator.next()
        }
        var client = TCPStack(address: Self.clientAddress, configuration: clientConfiguration,
                              initialSequenceNumbers: .seeded(seedFor("client-isn")))
        var server = TCPStack(address: Self.serverAddress, configuration: serverConfiguration,
                              initialSequenceNumbers: .seeded(seedFor("server-isn")))
        // Each random word gives eight bytes, lowest first.
        var bytesRandom = root.derived("data")
        let data = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let word = bytesRandom.next().littleEndian
                withUnsafeBytes(of: word) { bytes in
                    for byte in bytes where offset < size {
                        buffer[offset] = byte
                        offset += 1
                    }
                }
            }
            count = size
        }
        try? server.listen(port: Self.serverPort, backlog: 4)
        let clientID = try! client.connect(to: Self.serverAddress, port: Self.serverPort, now: Instant.zero)
        switch linkModel {
        case .simple:
            var network = SimNetwork<SeededLink>(stacks: [client, server])
            network.connect(0, 1, with: SeededLink(settings: forward, seed: seedFor("forward")))
            network.connect(1, 0, with: SeededLink(settings: backward, seed: seedFor("backward")))
            return drive(&network, clientID: clientID, data: data)
        case .impairmentEngine:
            var network = SimNetwork<ImpairedLink>(stacks: [client, server])
            network.connect(0, 1, with: ImpairedLink(settings: ImpairedLink.settings(for: forward), seed: seedFor("forward"),
                                                     source: Self.clientAddress, destination: Self.serverAddress))
            network.connect(1, 0, with: ImpairedLink(settings: ImpairedLink.settings(for: backward), seed: seedFor("backward"),
                                                     source: Self.serverAddress, destination: Self.clientAddress))
            return drive(&network, clientID: clientID, data: data)
        }
    }

    private func drive<Link: SimLinkModel>(_ network: inout SimNetwork<Link>, clientID: TCPConnectionID,
                                           data: [UInt8]) -> TCPTransferResult {

        if recordsTrace { network.trace = [] }
        var written = 0
        var clientClosed = false
        var serverID: TCPConnectionID?
        var serverClosed = false
        var received = 0
        // Each piece read is compared with the bytes sent at its offset: the
        // same verdict as comparing digests of the whole stream, without hashing it.
        var receivedMatches = true
        var dataDoneAt: Instant?
        var finishedAt: Instant?
        var failure: String?
        var clientStatsAtEnd: TCPConnectionStats?
        var serverStatsAtEnd: TCPConnectionStats?
        var clientSendBufferCapacity: Int?
        var serverReceiveBufferCapacity: Int?
        var establishedAt: Instant?
        var eventLog: [String] = []

        var steps = 0
        while true {
            steps += 1
            // Applications.
            var acted = true
            while acted {
                acted = false
                if written < size, let n = try? network.stacks[0].send(data[written...], on: clientID), n > 0 {
                    written += n
                    acted = true
                }
                if written == size && !clientClosed {
                    network.stacks[0].close(clientID, now: network.now)
                    network.stacks[0].release(clientID, now: network.now)
                    clientClosed = true
                }
                if serverID == nil { serverID = network.stacks[1].accept(port: Self.serverPort) }
                if let id = serverID {
                    let bytes = network.stacks[1].receive(on: id)
                    if !bytes.isEmpty {
                        receivedMatches = receivedMatches && received + bytes.count <= size
                            && bytes.elementsEqual(data[received..<(received + bytes.count)])
                        received += bytes.count
                        acted = true
                    }
                    if !serverClosed, let c = network.stacks[1].connection(id), c.isEndOfStream {
                        serverReceiveBufferCapacity = c.receiveBufferCapacity
                        serverStatsAtEnd = c.stats
                        clientSendBufferCapacity = network.stacks[0].connection(clientID)?.sendBufferCapacity
                        network.stacks[1].close(id, now: network.now)
                        network.stacks[1].release(id, now: network.now)
                        serverClosed = true
                        dataDoneAt = network.now
                        clientStatsAtEnd = network.stacks[0].connection(clientID)?.stats
                    }
                }
                if network.settle() { acted = true }
                if clientConfiguration.recordsEvents {
                    for i in 0..<2 {
                        for (id, event) in network.stacks[i].drainEvents() {
                            switch event.kind {
                            case .retransmissionTimeout, .enteredRecovery, .exitedRecovery, .stateChanged, .retransmitted:
                                eventLog.append("\(i == 0 ? "client" : "server") \(id.localPort) \(event)")
                            default: break
                            }
                        }
                    }
                }
            }
            let clientState = network.stacks[0].connection(clientID)
            let serverState = serverID.flatMap { network.stacks[1].connection($0) }
            if establishedAt == nil, let state = clientState?.state, state.isSynchronized, state != .synReceived {
                establishedAt = network.now
            }
            if let e = clientState?.error ?? serverState?.error {
                failure = "connection failed: \(e)"
                break
            }
            let clientDone = clientState == nil || clientState!.state == .timeWait || clientState!.state == .closed
            let serverDone = serverClosed && (serverState == nil || serverState!.state == .closed)
            if clientDone && serverDone && finishedAt == nil { finishedAt = network.now }
            if clientState == nil && serverDone { break }
            guard let next = network.nextDeadline() else {
                if finishedAt == nil { failure = "stalled: nothing left to happen" }
                break
            }
            if next - .zero > timeLimit {
                failure = "time limit \(timeLimit) exceeded"
                break
            }
            network.advance(to: next)
        }
        let bytesMatch = receivedMatches && received == size
        if failure == nil && !bytesMatch {
            failure = "data mismatch: received \(received) of \(size) bytes"
        }
        return TCPTransferResult(
            transfer: self, failure: failure, bytesReceived: received,
            digestsMatch: bytesMatch,
            dataCompletedAt: dataDoneAt.map { $0 - .zero },
            establishedAt: establishedAt.map { $0 - .zero },
            closedAt: finishedAt.map { $0 - .zero },
            clientStats: clientStatsAtEnd ?? network.stacks[0].connection(clientID)?.stats,
            serverStats: serverStatsAtEnd,
            steps: steps, clientSendBufferCapacity: clientSendBufferCapacity,
            serverReceiveBufferCapacity: serverReceiveBufferCapacity, eventLog: eventLog,
            trace: network.trace?.map { "\($0.0) \($0.1)" } ?? [])
    }
}

/// What a ``TCPTransfer`` achieved.
public struct TCPTransferResult: Sendable, CustomStringConvertible {
    public var transfer: TCPTransfer
    /// nil when the bytes arrived intact and both sides closed cleanly.
    public var failure: String?
    public var bytesReceived: Int
    /// True when the server read exactly the bytes the client wrote, in order
    /// (compared piece by piece as they were read).
    public var digestsMatch: Bool
    /// When the server read the end of stream.
    public var dataCompletedAt: Duration?
    /// When the client reached ESTABLISHED.
    public var establishedAt: Duration?
    /// From ESTABLISHED to the server reading the end of stream: the data phase
    /// alone, without a handshake slowed by a lost SYN.
    public var dataDuration: Duration? {
        guard let done = dataCompletedAt, let start = establishedAt else { return nil }
        return done - start
    }
    /// When both sides had closed (client in TIME-WAIT or CLOSED, server CLOSED).
    public var closedAt: Duration?
    public var clientStats: TCPConnectionStats?
    /// The receiving side's internals when the data was all read (duplicates it received among them).
    public var serverStats: TCPConnectionStats?
    public var steps: Int
    /// The client's send buffer and the server's receive buffer when the data
    /// was all read (grown by autotuning when it is on).
    public var clientSendBufferCapacity: Int?
    public var serverReceiveBufferCapacity: Int?
    /// Connection events (state changes, timeouts, recovery, retransmissions) when recorded.
    public var eventLog: [String] = []
    /// Every segment sent, as text, when ``TCPTransfer/recordsTrace`` is set.
    public var trace: [String] = []

    public var isSuccess: Bool { failure == nil && closedAt != nil }

    public var description: String {
        var text = isSuccess ? "ok" : "FAILED (\(failure ?? "did not close"))"
        text += ": \(transfer.replayDescription) received=\(bytesReceived)"
        if let t = dataCompletedAt { text += " data@\(t)" }
        if let t = closedAt { text += " closed@\(t)" }
        return text
    }
}
