import Foundation
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `kind: linux` in topology files: read like a host, checked for names Linux accepts.
@Suite struct LinuxNodeTopologyTests {
    @Test func linuxNodeReadsLikeAHostAndRoundTrips() throws {
        let yaml = """
            name: t
            nodes:
              pc:  { kind: linux, interfaces: { eth0: 10.0.1.10/24, eth1: 10.0.3.10/24 }, gateway: 10.0.1.1,
                     routes: [ { to: 10.0.9.0/24, via: 10.0.3.1 } ] }
              r1:  { kind: router, interfaces: { eth0: 10.0.1.1/24 } }
            links:
              - endpoints: [pc:eth0, r1:eth0]
            """
        let topology = try TopologyLoader.parse(yaml: yaml, file: "t.yaml")
        let node = try #require(topology.node(named: "pc"))
        #expect(node.kind == .linux && !node.kind.hasDaemon)
        #expect(node.interfaces.map(\.name) == ["eth0", "eth1"])
        #expect(node.gateway?.description == "10.0.1.1" && node.routes.count == 1)
        #expect(try TopologyLoader.parse(yaml: topology.yamlText, file: "again") == topology)
    }

    @Test func linuxInterfaceNamesMustSuitLinux() {
        let yaml = """
            name: t
            nodes:
              pc: { kind: linux, interfaces: { averyveryverylongname: 10.0.1.10/24, lo: 10.0.2.10/24 } }
            links: []
            """
        var issues: [String] = []
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "t.yaml")
            Issue.record("names Linux refuses were accepted")
        } catch {
            issues = error.issues.map(\.description)
        }
        #expect(issues.contains { $0.contains("node 'pc'") && $0.contains("interfaces.averyveryverylongname")
                && $0.contains("at most 15 characters") })
        #expect(issues.contains { $0.contains("interfaces.lo") && $0.contains("loopback") })
    }

    @Test func unknownKindNamesLinuxAmongTheChoices() {
        let yaml = "name: t\nnodes:\n  pc: { kind: pc, ip: 10.0.1.10/24 }\nlinks: []\n"
        do {
            _ = try TopologyLoader.parse(yaml: yaml, file: "t.yaml")
            Issue.record("a bad kind was accepted")
        } catch {
            #expect(error.issues.map(\.description).contains { $0.contains("(expected host, router, linux or switch)") })
        }
    }
}

/// A lab with a linux node, through the real `rawnet` command, as a user runs it.
@Suite(.serialized) struct AttachTests {
    /// linux — r1 — bob; the lab's name carries this process's pid, so its
    /// namespace (`rawnet-LAB.linux`) cannot meet another run's.
    static func yaml(lab: String, socket: String) -> String {
        """
        name: \(lab)
        link_socket: \(socket)
        nodes:
          linux: { kind: linux,  ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [linux:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]

        """
    }

    /// Starts the lab; `body` runs with it, and the lab and its namespace are
    /// gone afterwards whatever happened.
    func withLab(_ lab: String, socket: String = "seqpacket",
                 _ body: (RawNetRunner, String) throws -> Void) throws {
        try LinuxPeer.withLab(lab, yaml: Self.yaml(lab: lab, socket: socket), body)
    }

    static var labSuffix: String { String(Processes.currentPID) }

    static func namespaces() -> String {
        (try? LinuxNamespaces.ip(["netns", "list"]))?.output ?? ""
    }

    @Test func upStartsNoDaemonForALinuxNodeAndWatchingSkipsIt() throws {
        try withLab("lx\(Self.labSuffix)") { runner, _ in
            let status = try runner.run(["status"])
            #expect(status.status == 0)
            #expect(status.output.contains("linux      linux   not attached (rawnet attach linux)"), "\(status.output)")
            // r1's cable to linux waits for the attach; r1 itself is up.
            #expect(status.output.contains("r1         router  pid"))
            let trace = try runner.run(["trace", "--duration", "0.5"])
            #expect(trace.status == 0, "trace refused: \(trace.output)")
            #expect(trace.output.contains("not watching linux"))
            let korean = try runner.run(["trace", "--lang", "ko", "--duration", "0.5"])
            #expect(korean.status == 0 && korean.output.contains("linux은(는) 지켜보지 않습니다"), "\(korean.output)")
            let capture = try runner.run(["capture", "-w", runner.base + "/c.pcapng", "--duration", "0.5"])
            #expect(capture.status == 0, "capture refused: \(capture.output)")
            let exec = try runner.run(["exec", "linux", "--", "true"])
            #expect(exec.status != 0 && exec.output.contains("not attached"))
            let wrong = try runner.run(["attach", "r1"])
            #expect(wrong.status != 0)
            #expect(wrong.output.contains(Processes.isRoot ? "only nodes of kind linux" : "needs root"), "\(wrong.output)")
        }
    }

    @Test(arguments: ["seqpacket", "datagram"])
    func attachedLinuxPingsAndIsPinged(socket: String) throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        let lab = "lp\(socket.prefix(1))\(Self.labSuffix)"
        try withLab(lab, socket: socket) { runner, namespace in
            let attach = try runner.run(["attach", "linux"])
            try #require(attach.status == 0, "attach failed:\n\(attach.output)")
            #expect(Self.namespaces().contains(namespace))
            let status = try runner.run(["status"])
            #expect(status.output.contains("attached in namespace \(namespace)"), "\(status.output)")
            #expect(!status.output.contains("not connected"), "\(status.output)")

            let trace = try runner.start(["trace", "--duration", "4"], name: "trace")
            try runner.waitForOutput(trace.outputPath, containing: "tracing")
            let toBob = try runner.run(["exec", "linux", "--", "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.2.20"])
            #expect(toBob.status == 0 && toBob.output.contains(" 0% packet loss"), "\(toBob.output)")
            let toRouter = try runner.run(["exec", "linux", "--", "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.1.1"])
            #expect(toRouter.status == 0 && toRouter.output.contains(" 0% packet loss"), "\(toRouter.output)")
            let fromBob = try runner.run(["ping", "bob", "10.0.1.10", "-c", "3", "-i", "0.2"])
            #expect(fromBob.status == 0 && fromBob.output.contains("3 received"), "\(fromBob.output)")
            // The exit status of the command is exec's.
            #expect(try runner.run(["exec", "linux", "--", "sh", "-c", "exit 7"]).status == 7)

            #expect(try runner.wait(trace.pid, timeout: 20) == 0)
            let traced = (try? String(contentsOfFile: trace.outputPath, encoding: .utf8)) ?? ""
            #expect(traced.contains("linux:eth0  → "), "the attached end's frames are traced:\n\(traced)")

            let down = try runner.run(["down", "--lab", lab])
            #expect(down.status == 0, "\(down.output)")
            #expect(!Self.namespaces().contains(namespace), "rawnet down left the namespace behind")
        }
    }

    @Test func tcpBetweenLinuxAndRawNetIsByteExactCleanAndUnderLoss() throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        let lab = "lt\(Self.labSuffix)"
        try withLab(lab) { runner, namespace in
            let attach = try runner.run(["attach", "linux"])
            try #require(attach.status == 0, "attach failed:\n\(attach.output)")
            let source = try LinuxPeer.randomFile(runner, name: "data.bin", count: 1_000_000)
            _ = try LinuxPeer.writeScript(runner)
            var port = 9000
            func transfers(_ label: String) throws {
                port += 2
                try LinuxPeer.transferBothWays(runner, source: source, port: port, label: label)
            }
            try transfers("clean")
            let impair = try runner.run(["impair", "linux-r1", "--loss", "5%"])
            try #require(impair.status == 0, "\(impair.output)")
            try transfers("5% loss")
            // Both directions lost frames: the bridge's egress (Linux → lab) and r1's (lab → Linux).
            let show = try runner.run(["impair", "linux-r1", "--show"])
            for line in show.output.split(separator: "\n") where line.contains("loss 5%") {
                let lost = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first.flatMap { Int($0) } ?? 0
                #expect(lost > 0, "no frame lost: \(line)")
            }
            #expect(show.output.components(separatedBy: "loss 5%").count == 3, "\(show.output)")

            let down = try runner.run(["down", "--lab", lab])
            #expect(down.status == 0, "\(down.output)")
            #expect(!Self.namespaces().contains(namespace), "rawnet down left the namespace behind")
        }
    }
}

extension RawNetRunner {
    /// Starts `sh -c COMMAND` (for redirections) with this runner's environment; returns its pid.
    func startShell(_ command: String, name: String) throws -> Int32 {
        try Processes.spawn(executable: "/bin/sh", arguments: ["-c", command], logPath: base + "/\(name).out",
                            environment: environment)
    }

    /// Runs `sh -c COMMAND` to its end; its exit status (nil after `timeout` seconds, then killed).
    func runShell(_ command: String, timeout: Double) throws -> Int32? {
        let pid = try startShell(command, name: "sh-\(UUID().uuidString.prefix(8))")
        return try wait(pid, timeout: timeout)
    }
}
