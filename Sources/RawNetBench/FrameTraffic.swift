import RawNetPlatform

/// Errors of the benchmark traffic generators and references.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One direction through a forwarder: frames written to `inject` (a socket
/// the forwarder is bound at or listens at) come out at `collect`.
///
/// Datagram: `collect` is a path we bind, and frames are sent as `injectAs`
/// when given (a router port takes datagrams only from its peer). Seqpacket: `collect` is the
/// forwarder's other listening socket, which we connect to; both connections
/// open with a link hello standing for `injectAs` / `collectAs` (the
/// neighbour interfaces' paths, which a router port checks), and traffic
/// starts once the forwarder answered both.
public struct FramePath: Sendable, Equatable {
    public var inject: String
    public var collect: String
    public var socketKind: LinkSocketKind
    public var injectAs: String?
    public var collectAs: String?
    /// Seqpacket only: ARP requests the harness sends from its inject and collect
    /// ends once connected, waiting for each answer, so that a router whose
    /// neighbours' cables closed between runs (no carrier, its ARP cache
    /// flushed as Linux flushes it) knows them again before traffic starts.
    public var arpRequests: ARPRequests?

    /// The ARP request each end of a path sends before traffic.
    public struct ARPRequests: Sendable, Equatable {
        public var inject: [UInt8]
        public var collect: [UInt8]
    }

    public init(inject: String, collect: String, socketKind: LinkSocketKind = .datagram,
                injectAs: String? = nil, collectAs: String? = nil, arpRequests: ARPRequests? = nil) {
        self.inject = inject
        self.collect = collect
        self.socketKind = socketKind
        self.injectAs = injectAs
        self.collectAs = collectAs
        self.arpRequests = arpRequests
    }
}

extension FramePath {
    /// Both directions through a forwarder whose link sockets are `leftPort` and
    /// `rightPort`, the harness standing for the neighbours `leftSocket` and
    /// `rightSocket`: on datagram links it binds those; on seqpacket links it
    /// connects to the forwarder's sockets with a hello naming them.
    /// `arpRequests`: what the left and right neighbours ask on seqpacket links before traffic.
    static func pair(_ kind: LinkSocketKind, leftPort: String, rightPort: String, leftSocket: String,
                     rightSocket: String, arpRequests: (left: [UInt8], right: [UInt8])? = nil)
        -> (leftToRight: FramePath, rightToLeft: FramePath) {
        switch kind {
        case .datagram:
            return (FramePath(inject: leftPort, collect: rightSocket, injectAs: leftSocket),
                    FramePath(inject: rightPort, collect: leftSocket, injectAs: rightSocket))
        case .seqpacket:
            return (FramePath(inject: leftPort, collect: rightPort, socketKind: .seqpacket,
                              injectAs: leftSocket, collectAs: rightSocket,
                              arpRequests: arpRequests.map { .init(inject: $0.left, collect: $0.right) }),
                    FramePath(inject: rightPort, collect: leftPort, socketKind: .seqpacket,
                              injectAs: rightSocket, collectAs: leftSocket,
                              arpRequests: arpRequests.map { .init(inject: $0.right, collect: $0.left) }))
        }
    }
}

/// Traffic through a forwarder over Unix sockets, as links carry it
/// (datagram or seqpacket, as the path says): blocking sender and receiver
/// threads pinned to the endpoint CPUs.
public enum FrameTraffic {
    /// Sends `count` copies of `frame` into `path.inject` and counts them out
    /// at `path.collect`. Returns frames per second from the first send to the
    /// last frame received. Fails if frames stop arriving for `stallTimeout`.
    public static func throughput(through path: FramePath, frame: [UInt8], count: Int, cpus: [Int],
                                  stallTimeout: Duration = .seconds(3)) throws -> Double {
        let ends = try FrameEnds(path)
        let sender = ends.sender
        try sender.setNonBlocking(false)
        let outcome = Outcome()
        let receiveFD = ends.receiver
        let isSeqpacket = path.socketKind == .seqpacket
        let receiverThread = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
            defer { buffer.deallocate() }
            var received = 0
            while received < count {
                do {
                    if let length = try receiveFD.read(into: buffer) {
                        if length == 0 && isSeqpacket {
                            outcome.failure = "the forwarder closed the connection at \(path.collect) after \(received) of \(count)"
                            break
                        }
                        if length == frame.count { received += 1 }
                        continue
                    }
                } catch {
                    outcome.failure = "receive at \(path.collect): \(error)"
                    break
                }
                if !receiveFD.waitReadable(timeout: stallTimeout) {
                    outcome.failure = "frames stopped arriving at \(path.collect) after \(received) of \(count)"
                    break
                }
            }
            outcome.finishedAt = MonotonicClock.now()
            outcome.received = received
        }
        let started = MonotonicClock.now()
        let sendFD = sender
        let sendFailure = try PinnedThread.run(cpus: cpus) { () -> String? in
            frame.withUnsafeBytes { bytes in
                for _ in 0..<count {
                    do {
                        _ = try sendFD.write(bytes)
                    } catch {
                        return "send to \(path.inject): \(error)"
                    }
                }
                return nil
            }
        }
        receiverThread.join()
        withExtendedLifetime(ends) {}
        if let failure = sendFailure ?? outcome.failure { throw BenchError(failure) }
        let seconds = Double(outcome.finishedAt - started) / 1e9
        return Double(outcome.received) / seconds
    }

    /// Bounces one frame `rounds` times: out through `forward`, echoed by a
    /// thread back through `back`. Returns each round trip in seconds.
    public static func roundTrips(forward: FramePath, back: FramePath, frame: [UInt8], rounds: Int, cpus: [Int],
                                  timeout: Duration = .seconds(2)) throws -> [Double] {
        guard forward.socketKind == back.socketKind else {
            throw BenchError("round trips need both directions on one socket type")
        }
        // Datagram: four sockets, one bound or connected per path end. Seqpacket:
        // a connection carries both directions, so the forward path's two
        // connections are all it takes (the far one echoes on itself, the near
        // one hears the answer).
        let farFD, echoFD, nearFD, sendFD: FileDescriptor
        let owners: [AnyObject]
        switch forward.socketKind {
        case .datagram:
            let farEnd = try UnixDatagramSocket(boundTo: forward.collect)
            let nearEnd = try UnixDatagramSocket(boundTo: back.collect)
            let echoSender = try connectedSender(to: back.inject, as: back.injectAs)
            let sender = try connectedSender(to: forward.inject, as: forward.injectAs)
            (farFD, echoFD, nearFD, sendFD) = (farEnd.fileDescriptor, echoSender.fileDescriptor,
                                               nearEnd.fileDescriptor, sender.fileDescriptor)
            owners = [farEnd, nearEnd, echoSender, sender]
        case .seqpacket:
            let ends = try FrameEnds(forward)
            (farFD, echoFD, nearFD, sendFD) = (ends.receiver, ends.receiver, ends.sender, ends.sender)
            owners = [ends]
        }
        let outcome = Outcome()
        let echoThread = try PlatformThread.start {
            try? CPUs.pinCurrentThread(cpus)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
            defer { buffer.deallocate() }
            var echoed = 0
            while echoed < rounds {
                guard farFD.waitReadable(timeout: timeout) else {
                    outcome.failure = "no frame reached \(forward.collect) after \(echoed) round trips"
                    return
                }
                guard let length = try? farFD.read(into: buffer) else { continue }
                _ = try? echoFD.write(UnsafeRawBufferPointer(rebasing: buffer[..<length]))
                echoed += 1
            }
        }
        let measured = try PinnedThread.run(cpus: cpus) { () -> Result<[Double], BenchError> in
            Result { () throws(BenchError) -> [Double] in
                try bounce(frame: frame, rounds: rounds, sendFD: sendFD, nearFD: nearFD, timeout: timeout,
                           answerPath: back.collect)
            }
        }
        echoThread.join()
        withExtendedLifetime(owners) {}
        if let failure = outcome.failure { throw BenchError(failure) }
        return try measured.get()
    }

    private static func bounce(frame: [UInt8], rounds: Int, sendFD: FileDescriptor, nearFD: FileDescriptor,
                               timeout: Duration, answerPath: String) throws(BenchError) -> [Double] {
        var times: [Double] = []
        times.reserveCapacity(rounds)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { buffer.deallocate() }
        for round in 0..<rounds {
            let started = MonotonicClock.now()
            do {
                _ = try frame.withUnsafeBytes { bytes throws(Errno) in try sendFD.write(bytes) }
                var answered = false
                while !answered {
                    guard nearFD.waitReadable(timeout: timeout) else {
                        throw BenchError("round trip \(round + 1) got no answer at \(answerPath)")
                    }
                    if let length = try nearFD.read(into: buffer), length == frame.count { answered = true }
                }
            } catch let error as BenchError {
                throw error
            } catch {
                throw BenchError("round trip \(round + 1): \(error)")
            }
            times.append(Double(MonotonicClock.now() - started) / 1e9)
        }
        return times
    }

    /// A datagram socket connected to `path`, retrying while the forwarder is
    /// still starting (up to two seconds): unbound, or sending as the link end
    /// at `identity` (a RawNet port takes datagrams only from its peer).
    static func connectedSender(to path: String, as identity: String? = nil) throws -> UnixDatagramSocket {
        let socket = try identity.map { try UnixDatagramSocket(boundToAbstractName: LinkPort.senderName(standingFor: $0)) }
            ?? UnixDatagramSocket()
        let address = try UnixSocketAddress(path: path)
        var lastError: Error?
        for _ in 0..<200 {
            do {
                try socket.connect(to: address)
                return socket
            } catch {
                lastError = error
                MonotonicClock.sleep(for: .milliseconds(10))
            }
        }
        throw BenchError("cannot connect to \(path): \(lastError.map { "\($0)" } ?? "unknown error")")
    }

    /// Results a worker thread leaves for the thread that joins it.
    private final class Outcome: @unchecked Sendable {
        // Safety: written by the worker before it ends, read after `join`.
        var failure: String?
        var received = 0
        var finishedAt: Int64 = 0
    }
}

/// The harness's two sockets on one `FramePath`: where it sends and where it receives.
final class FrameEnds {
    let sender: FileDescriptor
    let receiver: FileDescriptor
    private let owners: [AnyObject]

    init(_ path: FramePath) throws {
        switch path.socketKind {
        case .datagram:
            let receiver = try UnixDatagramSocket(boundTo: path.collect)
            let sender = try FrameTraffic.connectedSender(to: path.inject, as: path.injectAs)
            self.sender = sender.fileDescriptor
            self.receiver = receiver.fileDescriptor
            owners = [receiver, sender]
        case .seqpacket:
            let collector = try FrameEnds.connect(to: path.collect, as: path.collectAs)
            let injector = try FrameEnds.connect(to: path.inject, as: path.injectAs)
            if let requests = path.arpRequests {
                try Self.ask(requests.inject, through: injector, at: path.inject)
                try Self.ask(requests.collect, through: collector, at: path.collect)
            }
            sender = injector.sendDescriptor
            receiver = collector.sendDescriptor
            owners = [collector, injector]
        }
    }

    /// Sends an ARP request through `client` until an ARP reply comes back on it.
    static func ask(_ request: [UInt8], through client: LinkClient, at path: String) throws {
        for _ in 0..<20 {
            _ = client.send(request)
            var frames = 10
            while frames > 0, let reply = try client.receive(timeout: .milliseconds(50)) {
                frames -= 1
                // EtherType 0x0806 (ARP), operation 2 (reply).
                if reply.count >= 22, reply[12] == 0x08, reply[13] == 0x06, reply[20] == 0, reply[21] == 2 { return }
            }
        }
        throw BenchError("no ARP answer at \(path)")
    }

    /// Connects (retrying while the forwarder starts) and waits for the hello answer.
    private static func connect(to path: String, as identity: String?) throws -> LinkClient {
        var lastError: Error?
        for _ in 0..<200 {
            do {
                let client = try LinkClient(kind: .seqpacket, connectingTo: path, as: identity)
                if identity != nil, try !client.waitForAnswer(timeout: .seconds(2)) {
                    throw BenchError("no link hello answer from \(path)")
                }
                return client
            } catch {
                lastError = error
                MonotonicClock.sleep(for: .milliseconds(10))
            }
        }
        throw BenchError("cannot connect to \(path): \(lastError.map { "\($0)" } ?? "unknown error")")
    }
}

/// Runs a closure on a fresh thread pinned to some CPUs and returns its value,
/// so the calling thread's own affinity is left alone.
public enum PinnedThread {
    public static func run<T: Sendable>(cpus: [Int], _ body: @escaping @Sendable () -> T) throws -> T {
        let box = ResultBox<T>()
        let thread = try PlatformThread.start {
            do {
                try CPUs.pinCurrentThread(cpus)
            } catch {
                box.pinFailure = "cannot pin a thread to CPU \(cpus): \(error)"
                return
            }
            box.value = body()
        }
        thread.join()
        if let failure = box.pinFailure { throw BenchError(failure) }
        guard let value = box.value else { throw BenchError("the pinned thread gave no result") }
        return value
    }

    private final class ResultBox<T>: @unchecked Sendable {
        // Safety: written by the worker before it ends, read after `join`.
        var value: T?
        var pinFailure: String?
    }
}
