import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// Daemons do not outlive what they belong to: a lab whose run directory is
/// removed stops, and a daemon tethered (`RAWNET_TETHER_PID`) to a process
/// that ends stops too, cleanly, removing its socket files.
@Suite(.serialized) struct TetherTests {
    static let yaml = TopologyLoader.defaultLabYAML(named: "tether")

    private func waitForExit(_ pid: Int32, within timeout: Duration) -> ProcessExit? {
        let deadline = MonotonicClock.now() + timeout.nanoseconds
        while MonotonicClock.now() < deadline {
            if let exit = try? Processes.reap(pid) { return exit }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func daemonTetheredToAnEndedProcessShutsDownCleanly() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        try lab.kill("r1", signal: SignalNumber.terminate)
        // The tether lives until the test ends it, so a slow start of r1 cannot outlast it.
        let sleeper = try Processes.spawn(executable: "/bin/sleep", arguments: ["60"])
        defer { try? Processes.kill(sleeper, signal: SignalNumber.kill); _ = try? Processes.reap(sleeper) }
        var environment = ProcessEnvironment.all
        environment[Processes.tetherVariable] = String(sleeper)
        let router = try Processes.spawn(executable: lab.executable, arguments: ["router", "r1", "--run-dir", lab.runDirectory],
                                         logPath: lab.paths.logFile(node: "r1"), environment: environment)
        defer { try? Processes.kill(router, signal: SignalNumber.kill); _ = try? Processes.reap(router) }
        let ping = try lab.rawnet(["ping", "alice", "bob", "-c", "1", "-W", "10"])
        #expect(ping.status == 0, "r1 forwards while its tether lives: \(ping.output)")

        try Processes.kill(sleeper, signal: SignalNumber.terminate)
        #expect(waitForExit(sleeper, within: .seconds(5)) == .signaled(signal: SignalNumber.terminate))
        let exit = waitForExit(router, within: .seconds(5))
        #expect(exit == .exited(code: 0), "r1 after its tether ended: \(String(describing: exit))\n\(lab.log("r1"))")
        #expect(lab.log("r1").contains("pid \(sleeper), which started this lab, has ended"))
        #expect(!FileSystem.exists(lab.paths.control(node: "r1")), "r1 removed its control socket")
        #expect(lab.isRunning("alice") && lab.isRunning("bob"), "the hosts, tethered to this test, still run")
    }

    @Test func labWhoseRunDirectoryIsRemovedStops() throws {
        let lab = try DaemonTestLab(yaml: Self.yaml)
        defer { lab.stop() }
        let pids = lab.pids
        try FileSystem.removeTree(at: lab.runDirectory)
        for (node, pid) in pids.sorted(by: { $0.key < $1.key }) {
            let exit = waitForExit(pid, within: .seconds(5))
            #expect(exit == .exited(code: 0), "\(node) after its run directory went: \(String(describing: exit))")
        }
    }
}
