import RawNetBenchPlatform
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import RawNetSim
import RawNetSocket
import RawNetWire

/// scale: a generated lab (routers in a tree, hosts spread over them). Every
/// hook brings up its own copy of the lab and takes it down before returning,
/// so a failing run leaves nothing behind. Daemons are not pinned here: a
/// hundred processes share the machine.
struct ScaleLab: Sendable {
    var settings: LabSettings
    var routers: Int
    var hosts: Int

    private func generator() throws -> TopologyGenerator {
        try TopologyGenerator(name: "scale", routers: routers, hosts: hosts, shape: .tree)
    }

    private func start() throws -> BenchLab {
        try BenchLab(yaml: try generator().yaml(), executable: try settings.executable())
    }

    /// Seconds from starting the supervisor until every daemon answers `status`.
    func upTime(labFile: String) throws -> Double {
        let yaml = String(decoding: try FileSystem.readBytes(at: labFile), as: UTF8.self)
        let executable = try settings.executable()
        let started = MonotonicClock.now()
        let lab = try BenchLab(yaml: yaml, executable: executable)
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        lab.stop()
        return elapsed
    }

    /// The largest resident set (VmRSS) of any daemon of the idle lab, in MB (10^6 bytes).
    /// The daemons must be `rawnetd` (what `rawnet up` runs when it was built).
    func idleMemory() throws -> Double {
        let lab = try start()
        defer { lab.stop() }
        MonotonicClock.sleep(for: .seconds(1))
        var largest = 0
        for (node, pid) in lab.pids {
            let executable = Processes.executablePath(of: pid) ?? "(unknown)"
            guard executable.hasSuffix("/" + DaemonArguments.daemonExecutableName) else {
                throw BenchError("\(node) runs \(executable), not \(DaemonArguments.daemonExecutableName): build it beside rawnet")
            }
            guard let kilobytes = Self.residentKilobytes(pid: pid) else { throw BenchError("no VmRSS for \(node) (pid \(pid))") }
            largest = max(largest, kilobytes)
        }
        return Double(largest) * 1024 / 1e6
    }

    /// VmRSS of a process in kB, from /proc/PID/status.
    static func residentKilobytes(pid: Int32) -> Int? {
        guard let bytes = try? FileSystem.readBytes(at: "/proc/\(pid)/status") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    /// Percentage of hosts that get an echo reply from a far host (the host on
    /// the deepest router; that host pings the first one), three tries of a second.
    func reachability() throws -> Double {
        let generator = try generator()
        guard let far = generator.farHostPair() else { throw BenchError("the lab needs at least two hosts") }
        let lab = try start()
        defer { lab.stop() }
        var reached = 0
        for index in 0..<hosts {
            let target = index == far.to ? far.from : far.to
            let address = IPv4Address(TopologyGenerator.hostAddress(target))!
            let host = try HostConnection(runDirectory: lab.runDirectory, host: TopologyGenerator.hostName(index), appName: "bench-ping")
            defer { host.close() }
            let socket = try ICMPSocket(host)
            attempts: for attempt in 0..<3 {
                try socket.sendEcho(to: address, sequence: UInt16(attempt), payload: Array("rawnet bench".utf8))
                let deadline = MonotonicClock.now() + 1_000_000_000
                while MonotonicClock.now() < deadline {
                    guard let received = try socket.receive(timeout: .nanoseconds(deadline - MonotonicClock.now())) else { break }
                    if received.from == address, case .echoReply(_, UInt16(attempt), _) = received.message {
                        reached += 1
                        break attempts
                    }
                }
            }
        }
        return Double(reached) * 100 / Double(hosts)
    }

    /// The TCP memory budget the far pair needs for `count` idle connections
    /// (4 KB each, and a quarter more for their buffers), in whole megabytes; nil
    /// when the default budget holds them.
    static func tcpMemory(forConnections count: Int) -> Int? {
        let megabyte = 1024 * 1024
        let needed = count * 4 * 1024 * 5 / 4
        guard needed > TCPMemoryLimit.defaultBytes else { return nil }
        return min((needed + megabyte - 1) / megabyte * megabyte, TCPMemoryLimit.maximumBytes)
    }

    /// Percentage of `count` connections, all open at once between the far
    /// host pair, whose payload reached the server intact and came back intact.
    /// When the default budget (24 MB, about 6,000 connections) cannot hold
    /// them, the pair's `tcp_mem:` is raised as a lab would raise it.
    func concurrentConnections(_ count: Int) throws -> Double {
        var generator = try generator()
        guard let far = generator.farHostPair() else { throw BenchError("the lab needs at least two hosts") }
        if let memory = Self.tcpMemory(forConnections: count) {
            generator.tcpMemory = [far.from: memory, far.to: memory]
        }
        let lab = try BenchLab(yaml: generator.yaml(), executable: try settings.executable())
        defer { lab.stop() }
        return try ConcurrentEcho.run(runDirectory: lab.runDirectory, client: TopologyGenerator.hostName(far.from),
                                      server: TopologyGenerator.hostName(far.to),
                                      serverAddress: IPv4Address(TopologyGenerator.hostAddress(far.to))!, count: count)
    }
}

/// sim: RawNetSim bulk transfers of 64 KiB at 10 % loss in both directions
/// (RTT 10 ms), handshake to both sides closed, per second of process CPU time.
enum SimulationSide {
    static func transfersPerCPUSecond(context: RunContext) throws -> Double {
        let count = context.isSmoke ? 20 : 1_000
        let firstSeed = UInt64(context.index * count)
        let outcome = try PinnedThread.run(cpus: context.cpus.endpoints) { () -> (failures: [String], cpu: Double) in
            var configuration = TCPConfiguration()
            configuration.recordsEvents = false
            let link = SimLinkSettings(delay: .milliseconds(5), loss: 0.1)
            var failures: [String] = []
            let started = ProcessCPUClock.now()
            for seed in firstSeed..<(firstSeed + UInt64(count)) {
                var transfer = TCPTransfer(size: 64 * 1024, seed: seed, forward: link, backward: link)
                transfer.clientConfiguration = configuration
                transfer.serverConfiguration = configuration
                let result = transfer.run()
                if !result.isSuccess || !result.digestsMatch { failures.append("seed \(seed): \(result)") }
            }
            return (failures, Double(ProcessCPUClock.now() - started) / 1e9)
        }
        guard outcome.failures.isEmpty else {
            throw BenchError("\(outcome.failures.count) of \(count) simulated transfers failed; first: \(outcome.failures[0])")
        }
        return Double(count) / outcome.cpu
    }
}
