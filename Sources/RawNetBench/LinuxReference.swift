import Foundation
import RawNetBenchPlatform
import RawNetPlatform

/// Kernel TCP measured in a `LinuxLab`: iperf3 goodput from h1 to h2 through
/// r1, and TCP connect times from h1 to h2. iperf3 client and server run
/// pinned to the endpoint CPUs (the kernel forwards in softirq context).
public final class LinuxReference: @unchecked Sendable {
    // Safety: used by one scenario thread.
    public let lab: LinuxLab
    private let server: Int32
    private let cpus: CPUPlan
    private let workDirectory: String
    private var isStopped = false
    public static let iperfPort = 5201

    /// Builds the lab and starts an iperf3 server in h2.
    public init(cpus: CPUPlan, workDirectory: String, log: @escaping @Sendable (String) -> Void) throws {
        lab = try LinuxLab(log: log)
        self.cpus = cpus
        self.workDirectory = workDirectory
        do {
            server = try Shell.start(
                ["ip", "netns", "exec", lab.h2, "taskset", "-c", Self.list(cpus.endpoints),
                 "iperf3", "--server", "--bind", LinuxLab.h2Address, "--port", String(Self.iperfPort)],
                logPath: "\(workDirectory)/\(lab.h2)-iperf3.log")
        } catch {
            lab.tearDown()
            throw error
        }
        do {
            try waitForServer()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Stops the server and deletes the namespaces.
    public func stop() {
        if !isStopped { Shell.stop(pid: server) }
        isStopped = true
        lab.tearDown()
    }

    /// One iperf3 transfer of `seconds` from h1 to h2 with congestion control
    /// `algorithm` (`bbr`, `cubic`) while r1 drops `lossPercent` % of the data.
    /// - Returns: goodput in Mbit/s as the receiver counted it.
    public func goodput(algorithm: String, lossPercent: Int, seconds: Int) throws -> Double {
        try lab.setLoss(percent: lossPercent)
        var lastError: Error?
        for _ in 0..<3 {
            let output = try Shell.run(
                ["ip", "netns", "exec", lab.h1, "taskset", "-c", Self.list(cpus.endpoints),
                 "iperf3", "--client", LinuxLab.h2Address, "--port", String(Self.iperfPort),
                 "--time", String(seconds), "--congestion", algorithm, "--json"])
            do {
                return try Self.receivedMegabitsPerSecond(json: output.standardOutput)
            } catch {
                // The server answers "busy" for a moment after the previous test; try again.
                lastError = error
                MonotonicClock.sleep(for: .milliseconds(300))
            }
        }
        throw lastError ?? BenchError("iperf3 failed")
    }

    /// Times `count` TCP connects from h1 to a listener in h2, in seconds each.
    public func connectTimes(count: Int) throws -> [Double] {
        let port: UInt16 = 5301
        let serverPath = lab.handlePath(lab.h2), clientPath = lab.handlePath(lab.h1)
        try lab.setLoss(percent: 0)
        let listenerBox = ListenerBox()
        let listenerThread = try PlatformThread.start {
            do {
                try CPUs.pinCurrentThread(self.cpus.endpoints)
                try NamespaceTCPProbe.enterNetworkNamespace(path: serverPath)
                let listener = try NamespaceTCPProbe.Listener(address: LinuxLab.h2Address, port: port)
                listenerBox.listener = listener
                listenerBox.ready.signal()
                _ = listener.acceptUntilClosed()
            } catch {
                listenerBox.failure = "listener in \(serverPath): \(error)"
                listenerBox.ready.signal()
            }
        }
        listenerBox.ready.wait()
        defer {
            listenerBox.listener?.close()
            listenerThread.join()
        }
        if let failure = listenerBox.failure { throw BenchError(failure) }
        let result = try PinnedThread.run(cpus: cpus.endpoints) { () -> Result<[Double], BenchError> in
            do {
                try NamespaceTCPProbe.enterNetworkNamespace(path: clientPath)
                return .success(try NamespaceTCPProbe.connectTimes(to: LinuxLab.h2Address, port: port, count: count))
            } catch {
                return .failure(BenchError("connect from \(clientPath): \(error)"))
            }
        }
        return try result.get()
    }

    /// Reads `end.sum_received.bits_per_second` from iperf3's JSON report.
    public static func receivedMegabitsPerSecond(json: String) throws -> Double {
        struct Report: Decodable {
            struct End: Decodable {
                struct Sum: Decodable { var bits_per_second: Double }
                var sum_received: Sum?
            }
            var end: End?
            var error: String?
        }
        let report: Report
        do {
            report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        } catch {
            throw BenchError("iperf3 printed no readable JSON report: \(json.prefix(200))")
        }
        if let error = report.error { throw BenchError("iperf3: \(error)") }
        guard let received = report.end?.sum_received else { throw BenchError("iperf3 report has no end.sum_received") }
        return received.bits_per_second / 1e6
    }

    private func waitForServer() throws {
        // iperf3 opens its port within milliseconds; a connect probe would count as a test, so just wait.
        for _ in 0..<50 {
            let sockets = (try? Shell.run(["ip", "netns", "exec", lab.h2, "ss", "-ltn"]))?.standardOutput ?? ""
            if sockets.contains(":\(Self.iperfPort)") { return }
            if !Shell.isRunning(pid: server) { throw BenchError("iperf3 server in \(lab.h2) ended at once (see \(workDirectory)/\(lab.h2)-iperf3.log)") }
            MonotonicClock.sleep(for: .milliseconds(50))
        }
        throw BenchError("iperf3 server in \(lab.h2) did not listen within 2.5 s")
    }

    private static func list(_ cpus: [Int]) -> String { cpus.map(String.init).joined(separator: ",") }

    private final class ListenerBox: @unchecked Sendable {
        // Safety: written before `ready` is signalled, read after waiting on it.
        var listener: NamespaceTCPProbe.Listener?
        var failure: String?
        let ready = DispatchSemaphore(value: 0)
    }
}
