import RawNetContracts
import RawNetTestSupport
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// Runs the real `rawnet` command with a private run-directory base, as a user would.
final class CommandRunner {
    let base: String
    let executable: String
    private var counter = 0
    private nonisolated(unsafe) static var instances = 0

    init() throws {
        executable = try RawNetRunner.builtExecutable()
        Processes.tetherChildrenToThisProcess()
        Self.instances += 1
        base = "/tmp/rns-\(Processes.currentPID)-\(Self.instances)"
        try? FileSystem.removeTree(at: base)
        try FileSystem.makeDirectories(base, mode: 0o700)
    }

    deinit {
        _ = try? run(["down", "--lab", "asymmetric"])
        _ = try? run(["down", "--lab", "basic"])
        try? FileSystem.removeTree(at: base)
    }

    var configDirectory: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Config"
    }

    /// Runs `rawnet arguments` with `$XDG_RUNTIME_DIR` set to `runtimeDirectory`
    /// (default: `base`), as uid and gid `user` when given (through setpriv).
    func run(_ arguments: [String], timeout: Duration = .seconds(30), runtimeDirectory: String? = nil,
             user: UInt32? = nil) throws -> (status: Int32, output: String) {
        counter += 1
        let outputPath = base + "/out-\(counter).txt"
        var environment = ProcessEnvironment.all
        environment["XDG_RUNTIME_DIR"] = runtimeDirectory ?? base
        environment["RAWNET_LAB"] = nil
        var program = executable, programArguments = arguments
        if let user {
            program = "/usr/bin/setpriv"
            guard FileSystem.isExecutableFile(program) else { throw TestFailure("setpriv (util-linux) is missing") }
            programArguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--", executable] + arguments
        }
        let pid = try Processes.spawn(executable: program, arguments: programArguments, logPath: outputPath,
                                      environment: environment)
        let deadline = MonotonicClock.now() + timeout.nanosecondsForTest
        while true {
            if let exit = try Processes.reap(pid) {
                let output = String(decoding: (try? FileSystem.readBytes(at: outputPath)) ?? [], as: UTF8.self)
                guard case .exited(let code) = exit else { throw TestFailure("rawnet \(arguments) ended by \(exit):\n\(output)") }
                return (code, output)
            }
            if MonotonicClock.now() > deadline {
                try? Processes.kill(pid, signal: SignalNumber.kill)
                throw TestFailure("rawnet \(arguments) did not finish in time")
            }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }

    func pids(lab: String) -> [Int32] {
        let directory = base + "/rawnet/" + lab
        let files = (try? FileSystem.listDirectory(directory)) ?? []
        return files.filter { $0.hasSuffix(".pid") }.compactMap { PIDFile(path: directory + "/" + $0).read() }
    }
}

extension Duration {
    fileprivate var nanosecondsForTest: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

@Suite(.serialized)
struct LabSupervisorTests {
    @Test func upDefaultLab_statusPingBothWays_down() throws {
        let rawnet = try CommandRunner()
        let up = try rawnet.run(["up"])
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("lab 'basic' is up"))

        let status = try rawnet.run(["status"])
        #expect(status.status == 0)
        for node in ["alice", "bob", "r1"] { #expect(status.output.contains(node)) }
        #expect(!status.output.contains("DOWN"), "\(status.output)")

        let there = try rawnet.run(["ping", "alice", "bob", "-c", "2", "-i", "0.05"])
        #expect(there.status == 0, "\(there.output)")
        #expect(there.output.contains("2 packets transmitted, 2 received, 0% packet loss"), "\(there.output)")
        let back = try rawnet.run(["ping", "bob", "alice", "-c", "2", "-i", "0.05"])
        #expect(back.output.contains("2 packets transmitted, 2 received, 0% packet loss"), "\(back.output)")

        // Each daemon logs to a file in the run directory.
        let log = String(decoding: try FileSystem.readBytes(at: rawnet.base + "/rawnet/basic/r1.log"), as: UTF8.self)
        #expect(!log.isEmpty)

        let down = try rawnet.run(["down"])
        #expect(down.status == 0, "\(down.output)")
        #expect(!FileSystem.exists(rawnet.base + "/rawnet/basic"))
        let after = try rawnet.run(["status"])
        #expect(after.status != 0)
        #expect(after.output.contains("no lab is running"))
    }

    @Test func upRefusesARunningLab_cleansACrashedOne_downWorksAfterACrash() throws {
        let rawnet = try CommandRunner()
        let file = rawnet.configDirectory + "/asymmetric.yaml"
        #expect(try rawnet.run(["up", file]).status == 0)

        let again = try rawnet.run(["up", file])
        #expect(again.status != 0)
        #expect(again.output.contains("already running"), "\(again.output)")

        // Crash every daemon: the run directory stays behind with stale pids.
        let pids = rawnet.pids(lab: "asymmetric")
        #expect(pids.count == 6)
        for pid in pids { try? Processes.kill(pid, signal: SignalNumber.kill) }
        for _ in 0..<200 where pids.contains(where: Processes.isAlive) { MonotonicClock.sleep(for: .milliseconds(10)) }

        let status = try rawnet.run(["status", "--lab", "asymmetric"])
        #expect(status.output.contains("DOWN (not running; rawnet start "), "\(status.output)")
        #expect(status.status == 1 && status.output.contains("no node of lab 'asymmetric' is running: `rawnet up` starts it again"),
                "\(status.output)")

        let restarted = try rawnet.run(["up", file])
        #expect(restarted.status == 0, "\(restarted.output)")
        #expect(restarted.output.contains("cleaned up the run directory of a lab that had crashed"))

        // Crash again, then `down` still works and leaves nothing behind.
        for pid in rawnet.pids(lab: "asymmetric") { try? Processes.kill(pid, signal: SignalNumber.kill) }
        let down = try rawnet.run(["down", "--lab", "asymmetric"])
        #expect(down.status == 0, "\(down.output)")
        #expect(!FileSystem.exists(rawnet.base + "/rawnet/asymmetric"))
    }

    @Test func asymmetricLab_tracerouteShowsTheWayOut_andTheOtherWayBack() throws {
        let rawnet = try CommandRunner()
        #expect(try rawnet.run(["up", rawnet.configDirectory + "/asymmetric.yaml"]).status == 0)
        let out = try rawnet.run(["traceroute", "alice", "bob", "-w", "1"])
        let outHops = hops(out.output)
        #expect(outHops == ["10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.3.20"], "\(out.output)")
        let back = try rawnet.run(["traceroute", "bob", "alice", "-w", "1"])
        let backHops = hops(back.output)
        #expect(backHops == ["10.0.3.1", "10.0.34.4", "10.0.41.1", "10.0.1.10"], "\(back.output)")
        _ = try rawnet.run(["down", "--lab", "asymmetric"])
    }

    @Test func badTopologyFile_isRefusedBeforeAnythingStarts() throws {
        let rawnet = try CommandRunner()
        let path = rawnet.base + "/bad.yaml"
        try FileSystem.writeBytes(Array("""
        name: broken
        nodes:
          a: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.9.1 }
          r: { kind: router, interfaces: { eth0: 10.0.1.1/24 } }
        links:
          - endpoints: [a:eth0, r:eth7]
        """.utf8), to: path)
        let up = try rawnet.run(["up", path])
        #expect(up.status != 0)
        #expect(up.output.contains("node 'a'"), "\(up.output)")
        #expect(up.output.contains("gateway"), "\(up.output)")
        #expect(up.output.contains("eth7"), "\(up.output)")
        #expect(!FileSystem.exists(rawnet.base + "/rawnet/broken"))
    }

    /// The address of each hop line of traceroute's output.
    private func hops(_ output: String) -> [String] {
        output.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 2, Int(fields[0]) != nil else { return nil }
            return String(fields[1])
        }
    }
}
