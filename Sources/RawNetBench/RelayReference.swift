import RawNetPlatform
import Synchronization

/// The minimal C relay (`rawnet-relay`) running between two pairs of sockets:
/// the reference forwarder for the forward, tcp and latency scenarios.
/// Frames injected at `leftToRight.inject` come out at `leftToRight.collect`,
/// and the reverse for `rightToLeft`. Over datagram sockets (the relay binds
/// and sends to paths) or seqpacket ones (`--seqpacket`: the relay listens and
/// the harness connects to both sides).
public final class RelayReference: @unchecked Sendable {
    // Safety: immutable after init except `isStopped`, touched only by the owning scenario.
    public let leftToRight: FramePath
    public let rightToLeft: FramePath
    public let socketKind: LinkSocketKind
    private let pid: Int32
    private var isStopped = false

    /// Starts the relay, pinned to `cpus`, with its sockets in `workDirectory`.
    public init(executable: String, workDirectory: String, cpus: [Int],
                socketKind: LinkSocketKind = .datagram) throws {
        let stem = "\(workDirectory)/rnbench-\(Processes.currentPID)-\(Self.nextSerial())"
        let bindA = stem + "-a.in", peerA = stem + "-a.out"
        let bindB = stem + "-b.in", peerB = stem + "-b.out"
        self.socketKind = socketKind
        let arguments: [String]
        switch socketKind {
        case .datagram:
            leftToRight = FramePath(inject: bindA, collect: peerB)
            rightToLeft = FramePath(inject: bindB, collect: peerA)
            arguments = [bindA, peerA, bindB, peerB]
        case .seqpacket:
            // The relay answers any hello; the names only mirror the datagram layout.
            leftToRight = FramePath(inject: bindA, collect: bindB, socketKind: .seqpacket, injectAs: peerA, collectAs: peerB)
            rightToLeft = FramePath(inject: bindB, collect: bindA, socketKind: .seqpacket, injectAs: peerB, collectAs: peerA)
            arguments = ["--seqpacket", bindA, bindB]
        }
        pid = try Processes.spawn(executable: executable, arguments: arguments, logPath: stem + ".log")
        do {
            try CPUs.pin(pid: pid, cpus)
            try Self.waitForSockets([bindA, bindB], pid: pid)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Stops the relay (SIGTERM, then SIGKILL after a second) and reaps it.
    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        try? Processes.kill(pid, signal: 15)
        for attempt in 0..<200 {
            if (try? Processes.reap(pid)) != nil { return }
            if attempt == 100 { try? Processes.kill(pid, signal: 9) }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }

    /// Finds `rawnet-relay`: `explicit` if given, else `$RAWNET_RELAY`, else next
    /// to the running executable or in one of its parent directories (test
    /// bundles live one or two levels below the build products).
    public static func locate(explicit: String? = nil) throws -> String {
        if let explicit {
            guard FileSystem.exists(explicit) else { throw BenchError("no rawnet-relay at \(explicit)") }
            return explicit
        }
        if let fromEnvironment = ProcessEnvironment.value("RAWNET_RELAY"), FileSystem.exists(fromEnvironment) {
            return fromEnvironment
        }
        if let executable = Processes.currentExecutablePath() {
            var directory = executable
            for _ in 0..<4 {
                guard let slash = directory.lastIndex(of: "/"), slash != directory.startIndex else { break }
                directory = String(directory[..<slash])
                let candidate = directory + "/rawnet-relay"
                if FileSystem.exists(candidate) { return candidate }
            }
        }
        throw BenchError("cannot find the rawnet-relay executable: build it (swift build --product rawnet-relay), or set RAWNET_RELAY or --relay")
    }

    private static func waitForSockets(_ paths: [String], pid: Int32) throws {
        for _ in 0..<300 {
            if paths.allSatisfy(FileSystem.exists) { return }
            if let exit = try? Processes.reap(pid) { throw BenchError("rawnet-relay \(exit) before binding its sockets") }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
        throw BenchError("rawnet-relay did not bind \(paths.joined(separator: ", ")) within 3 s")
    }

    private static let serial = Atomic<Int>(0)
    private static func nextSerial() -> Int { serial.add(1, ordering: .relaxed).newValue }
}
