import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// `rawnet stop NODE` and `rawnet start NODE` on real daemons: one machine of a
/// running lab switched off and on again, the others left running.
@Suite(.serialized) struct NodePowerTests {
    /// bob with an HTTP service, so that starting bob again must start its service too.
    static func yaml(lab: String) -> String {
        TopologyLoader.defaultLabYAML(named: lab).replacingOccurrences(
            of: "ip: 10.0.2.20/24,", with: "services: [{http: {port: 8080, root: www}}], ip: 10.0.2.20/24,")
    }

    static func status(_ runner: RawNetRunner, _ node: String, lab: String) throws -> String {
        try runner.run(["status", node, "--lab", lab]).output
    }

    @Test func stoppingARouter_takesItsNeighboursCarrier_startingItBringsTheLabBack() throws {
        let runner = try RawNetRunner()
        let lab = "pw\(Processes.currentPID)"
        try FileManager.default.createDirectory(atPath: runner.base + "/www", withIntermediateDirectories: true)
        try "page\n".write(toFile: runner.base + "/www/index.html", atomically: true, encoding: .utf8)
        let file = runner.base + "/lab.yaml"
        try Self.yaml(lab: lab).write(toFile: file, atomically: true, encoding: .utf8)
        defer { _ = try? runner.run(["down", "--lab", lab]) }
        let up = try runner.run(["up", file])
        try #require(up.status == 0, "rawnet up failed:\n\(up.output)\(up.errors)")
        let r1Before = try Self.status(runner, "r1", lab: lab)

        // Switched off: r1's daemon ends; alice and bob run on without a carrier.
        let stop = try runner.run(["stop", "r1", "--lab", lab])
        #expect(stop.status == 0 && stop.output.contains("r1 is stopped"), "\(stop.output)\(stop.errors)")
        #expect(try Self.status(runner, "r1", lab: lab).contains("DOWN (not running; rawnet start r1)"))
        // The whole lab's status names the node that is down and ends with status 1.
        let whole = try runner.run(["status", "--lab", lab])
        #expect(whole.status == 1 && whole.output.contains("1 of 3 nodes not running: r1 (`rawnet start NODE` starts one again)"),
                "\(whole.output)")
        #expect(try runner.run(["status", "alice", "--lab", lab]).status == 0, "a running node's own status is 0")
        for host in ["alice", "bob"] {
            var line = ""
            for _ in 0..<40 {
                line = try Self.status(runner, host, lab: lab)
                if line.contains("NO-CARRIER") { break }
                usleep(50_000)
            }
            #expect(line.contains("NO-CARRIER"), "\(host): \(line)")
        }
        let alice = try runner.run(["status", "alice", "--lab", lab]).output
        #expect(alice.contains("the cable's other end (r1:eth0) is not connected"), "\(alice)")
        let log = try String(contentsOfFile: runner.base + "/rawnet/\(lab)/alice.log", encoding: .utf8)
        #expect(log.contains("eth0 carrier lost: r1:eth0's cable closed (its daemon stopped)"), "\(log.suffix(800))")
        // As on Linux with the cable's far end off: the route stays (linkdown), ARP gets no
        // answer, and ping says so after ARP's time rather than "Network is unreachable" at once.
        let routes = try runner.run(["routes", "alice", "--lab", lab]).output
        #expect(routes.contains("default via 10.0.1.1 dev eth0") && routes.contains("linkdown"), "\(routes)")
        let lost = try runner.run(["ping", "alice", "bob", "-c", "1", "--lab", lab])
        #expect(lost.status == 1, "\(lost.output)")
        #expect(lost.output.contains("From 10.0.1.10 icmp_seq=1 Destination Host Unreachable"), "\(lost.output)")
        #expect(!lost.output.contains("Network is unreachable"), "\(lost.output)")
        #expect(try Self.status(runner, "alice", lab: lab).contains("no carrier"))

        // Mistakes are named: a node stopped already, a node the lab lacks, `up` on a lab partly running.
        let again = try runner.run(["stop", "r1", "--lab", lab])
        #expect(again.status == 1 && again.errors.contains("r1 is not running"), "\(again.errors)")
        // Impairing or showing a stopped node says so as status does, with what brings it back.
        let impair = try runner.run(["impair", "r1:eth0", "--loss", "5%", "--lab", lab])
        #expect(impair.status == 1 && impair.errors.contains("r1 is not running (rawnet start r1); nothing was changed")
                && !impair.errors.contains("ENOENT"), "\(impair.errors)")
        let shown = try runner.run(["impair", "--show", "--lab", lab, "--width", "80"])
        #expect(shown.output.contains("(r1 is not running (rawnet start r1))"), "\(shown.output)")
        let unknown = try runner.run(["stop", "r9", "--lab", lab])
        #expect(unknown.status == 64 && unknown.errors.contains("has no node 'r9'"), "\(unknown.errors)")
        let upAgain = try runner.run(["up", file])
        #expect(upAgain.status == 1 && upAgain.errors.contains("without r1:\n  `rawnet start r1 --lab \(lab)` starts it again"),
                "\(upAgain.errors)")

        // Switched on: the same router, carriers back, traffic flows.
        let start = try runner.run(["start", "r1", "--lab", lab])
        #expect(start.status == 0 && start.output.contains("r1 is running again")
                && start.output.contains("`rawnet impair` settings, are not kept"), "\(start.output)\(start.errors)")
        let pid = { (text: String) in text.split(separator: " ").drop { $0 != "pid" }.dropFirst().first.map(String.init) }
        #expect(pid(try Self.status(runner, "r1", lab: lab)) != pid(r1Before), "a new daemon")
        let ping = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.2", "--lab", lab])
        #expect(ping.status == 0 && ping.output.contains("2 received"), "\(ping.output)")
        #expect(!(try Self.status(runner, "alice", lab: lab)).contains("NO-CARRIER"))
        let running = try runner.run(["start", "r1", "--lab", lab])
        #expect(running.status == 1 && running.errors.contains("r1 is already running"), "\(running.errors)")

        // A host switched off and on gets its service back, as `rawnet up` started it.
        #expect(try runner.run(["stop", "bob", "--lab", lab]).status == 0)
        #expect(try runner.run(["start", "bob", "--lab", lab]).status == 0)
        let fetch = try runner.run(["http", "get", "alice", "http://bob:8080/", "--lab", lab])
        #expect(fetch.status == 0 && fetch.output.contains("page"), "\(fetch.output)\(fetch.errors)")
    }
}
