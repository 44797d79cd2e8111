import Foundation
import RawNetLab
import RawNetPlatform
import RawNetTestSupport
import Testing

/// Namespaces this test creates stand in for machines; a veth pair between
/// them is the underlay. Every address used lives only inside them.
final class Underlay {
    let runner: RawNetRunner
    let tag = String(UUID().uuidString.prefix(6)).lowercased()
    private(set) var namespaces: [String] = []

    init(_ runner: RawNetRunner) { self.runner = runner }

    /// Two namespaces `first` and `second` joined by a veth pair, addressed `a` and `b`:
    /// the namespaces and the veth ends' names.
    static func pair(_ runner: RawNetRunner, _ first: String, _ a: String, _ second: String, _ b: String, link: String)
        throws -> (underlay: Underlay, first: String, second: String, firstVeth: String, secondVeth: String) {
        try LinuxPeer.requireTool("ip", package: "iproute2")
        try LinuxPeer.requireTool("ethtool", package: "ethtool")
        let underlay = Underlay(runner)
        let one = try underlay.namespace(first), two = try underlay.namespace(second)
        let (vethOne, vethTwo) = try underlay.join(one, a, two, b, name: link + underlay.tag.prefix(4))
        return (underlay, one, two, vethOne, vethTwo)
    }

    deinit {
        for namespace in namespaces { _ = try? LinuxNamespaces.ip(["netns", "delete", namespace]) }
    }

    /// `ip ARGS`, failing the test loudly when it fails.
    func ip(_ arguments: [String]) throws {
        let output = try LinuxNamespaces.ip(arguments)
        guard output.status == 0 else { throw TestFailure("ip \(arguments.joined(separator: " ")): \(output.errors)") }
    }

    /// A new namespace `rnvx<tag>-NAME` with its loopback up.
    func namespace(_ name: String) throws -> String {
        let namespace = "rnvx\(tag)-\(name)"
        try ip(["netns", "add", namespace])
        namespaces.append(namespace)
        try ip(["-n", namespace, "link", "set", "lo", "up"])
        return namespace
    }

    /// Joins two namespaces with a veth pair addressed `a`/24 and `b`/24, with
    /// checksum offload off, so captured outer UDP checksums are the real ones.
    func join(_ first: String, _ a: String, _ second: String, _ b: String, name: String) throws -> (String, String) {
        let (ifA, ifB) = ("\(name)a", "\(name)b")
        try ip(["link", "add", ifA, "netns", first, "type", "veth", "peer", "name", ifB, "netns", second])
        for (namespace, interface, address) in [(first, ifA, a), (second, ifB, b)] {
            try ip(["-n", namespace, "addr", "add", address + "/24", "dev", interface])
            try ip(["-n", namespace, "link", "set", interface, "up"])
            _ = try shell("ip netns exec \(namespace) ethtool -K \(interface) tx off rx off", name: "ethtool-\(interface)", wait: 20)
        }
        return (ifA, ifB)
    }

    /// The run-directory base of the part running in `namespace` (distinct per part).
    func base(_ namespace: String) -> String { runner.base + "/" + namespace }

    /// `sh -c COMMAND` with the part's run-directory base; its output in BASE/name.out. Returns the pid.
    @discardableResult
    func start(_ command: String, name: String, base: String? = nil) throws -> Int32 {
        var environment = runner.environment
        if let base {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            environment["XDG_RUNTIME_DIR"] = base
        }
        return try Processes.spawn(executable: "/bin/sh", arguments: ["-c", command],
                                   logPath: runner.base + "/\(name).out", environment: environment)
    }

    /// Runs `sh -c COMMAND` to its end: its status and output.
    func shell(_ command: String, name: String, base: String? = nil, wait: Double = 60) throws -> (status: Int32?, output: String) {
        let pid = try start(command, name: name, base: base)
        let status = try runner.wait(pid, timeout: wait)
        return (status, output(name))
    }

    /// `rawnet ARGS` inside `namespace`, with that part's run directory.
    func rawnet(_ namespace: String, _ arguments: String, name: String, wait: Double = 60) throws -> (status: Int32?, output: String) {
        try shell("exec ip netns exec \(namespace) '\(runner.executable)' \(arguments)", name: name, base: base(namespace), wait: wait)
    }

    /// Starts `rawnet ARGS` inside `namespace` in the background (`extra` is appended to the shell line).
    func startRawnet(_ namespace: String, _ arguments: String, name: String, extra: String = "") throws -> Int32 {
        try start("exec ip netns exec \(namespace) '\(runner.executable)' \(arguments) \(extra)", name: name, base: base(namespace))
    }

    /// Waits until dumpcap has written the capture's first block (it captures from then on).
    func waitForCapture(_ path: String) throws {
        for _ in 0..<200 {
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 {
                usleep(300_000)
                return
            }
            usleep(50_000)
        }
        throw TestFailure("dumpcap wrote nothing to \(path): \(output("dumpcap"))")
    }

    func output(_ name: String) -> String {
        (try? String(contentsOfFile: runner.base + "/\(name).out", encoding: .utf8)) ?? ""
    }

    /// Brings a part of a topology up in its namespace.
    func up(_ namespace: String, file: String, part: String) throws {
        _ = try upOutput(namespace, file: file, part: part)
    }

    /// Brings a part up and returns what `up` printed.
    func upOutput(_ namespace: String, file: String, part: String) throws -> String {
        let up = try rawnet(namespace, "up '\(file)' --part \(part)", name: "up-\(part)-\(UUID().uuidString.prefix(4))")
        guard up.status == 0 else { throw TestFailure("rawnet up --part \(part) failed:\n\(up.output)") }
        return up.output
    }

    /// Runs `rawnet status` in `namespace` until its output contains `text`: the seconds that took, nil after `limit`.
    func waitForStatus(_ namespace: String, containing text: String, limit: Double) throws -> Double? {
        let start = Date()
        var attempt = 0
        while Date().timeIntervalSince(start) < limit {
            attempt += 1
            // A name of its own per call: an output file is appended to, never truncated.
            if try rawnet(namespace, "status", name: "status-wait-\(UUID().uuidString.prefix(8))-\(attempt)").output.contains(text) {
                return Date().timeIntervalSince(start)
            }
            usleep(200_000)
        }
        return nil
    }

    /// Starts lab `lab` in `namespace`: alice alone (10.0.2.10/24), her eth0 a VXLAN link `{ vxlan: { TUNNEL } }`.
    /// False (with the issue recorded) when `up` failed.
    func upAliceAlone(_ namespace: String, lab: String, tunnel: String) throws -> Bool {
        let file = runner.base + "/\(lab).yaml"
        try """
            name: \(lab)
            nodes:
              alice: { kind: host, ip: 10.0.2.10/24 }
            links:
              - endpoints: [alice:eth0, { vxlan: { \(tunnel) } }]

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let up = try rawnet(namespace, "up '\(file)'", name: "up-\(lab)")
        #expect(up.status == 0, "\(up.output)")
        return up.status == 0
    }

    func down(_ namespace: String, lab: String) {
        _ = try? rawnet(namespace, "down --lab \(lab)", name: "down-\(UUID().uuidString.prefix(4))")
    }

    /// Waits until `host` in `namespace` lists a listener on `port`.
    func waitForListener(_ namespace: String, host: String, port: Int) throws {
        for attempt in 0..<200 {
            let sockets = try rawnet(namespace, "sockets \(host)", name: "sockets-\(attempt)")
            if sockets.output.contains(":\(port)"), sockets.output.lowercased().contains("listen") { return }
            usleep(50_000)
        }
        throw TestFailure("no listener on \(host):\(port)")
    }

    /// Sends `source` from alice (namespace `from`) to `rawnet nc -l` on bob (namespace `to`) and returns what arrived.
    func transfer(_ source: String, from: String, to: String, port: Int, destination: String = "10.0.2.20",
                  timeout: Double = 180) throws -> Data? {
        let received = runner.base + "/received-\(port).bin"
        let listener = try startRawnet(to, "nc bob -l \(port)", name: "listen-\(port)", extra: "> '\(received)'")
        try waitForListener(to, host: "bob", port: port)
        let sender = try startRawnet(from, "nc alice \(destination) \(port)", name: "send-\(port)", extra: "< '\(source)'")
        #expect(try runner.wait(sender, timeout: timeout) == 0, "sender: \(output("send-\(port)"))")
        #expect(try runner.wait(listener, timeout: 30) == 0, "listener: \(output("listen-\(port)"))")
        return try? Data(contentsOf: URL(fileURLWithPath: received))
    }
}

/// One topology, two namespaces: alice and r1 run in one, bob in the other,
/// and the r1–bob link is a VXLAN tunnel over the veth underlay.
@Suite(.serialized) struct VXLANLabTests {
    static let topology = splitLabYAML.replacingOccurrences(of: "name: split", with: "name: vx")
        .replacingOccurrences(of: "    impair: { a_to_b: { loss: 1% }, b_to_a: { delay: 5ms } }\n", with: "")

    @Test func split_lab_pings_traces_and_carries_5MB_byte_exact_with_clean_capture() throws {
        try LinuxPeer.requireTool("dumpcap", package: "wireshark-common")
        let runner = try RawNetRunner()
        let (underlay, m1, m2, veth1, _) = try Underlay.pair(runner, "m1", "10.250.0.1", "m2", "10.250.0.2", link: "vx")
        let file = runner.base + "/vx.yaml"
        try Self.topology.write(toFile: file, atomically: true, encoding: .utf8)
        let upM1 = try underlay.upOutput(m1, file: file, part: "m1")
        defer { underlay.down(m1, lab: "vx") }
        try underlay.up(m2, file: file, part: "m2")
        defer { underlay.down(m2, lab: "vx") }
        // The other part's nodes are listed by name, and the tunnel's far end by its topology name.
        #expect(upM1.contains("bob        host    part m2     eth0 10.0.2.20/24"), "\(upM1)")
        #expect(upM1.contains("over vxlan vni 2 10.250.0.1:4789 > 10.250.0.2:4789 to bob:eth0 (remote, part m2, 10.250.0.2)"), "\(upM1)")

        let capture = runner.base + "/underlay.pcapng"
        let dumpcap = try underlay.start("exec ip netns exec \(m1) dumpcap -q -i \(veth1) -w '\(capture)'", name: "dumpcap")
        try underlay.waitForCapture(capture)

        // RawNet's own capture and trace of the tunnelled interface: the inner frames, and the tunnel named.
        let innerFile = runner.base + "/inner.pcapng"
        let rawCapture = try underlay.startRawnet(m1, "capture r1:eth1 -w '\(innerFile)' --duration 5", name: "capture")
        let rawTrace = try underlay.startRawnet(m1, "trace r1:eth1 --duration 5", name: "trace")
        for name in ["capture", "trace"] { try runner.waitForOutput(runner.base + "/\(name).out", containing: "Ctrl-C stops") }

        // bob runs in the other part: its name is enough.
        let ping = try underlay.rawnet(m1, "ping alice bob -c 3 -i 0.2", name: "ping")
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("3 received") || ping.output.contains("3 packets received"), "\(ping.output)")

        #expect(try runner.wait(rawCapture, timeout: 30) == 0, "\(underlay.output("capture"))")
        #expect(try runner.wait(rawTrace, timeout: 30) == 0, "\(underlay.output("trace"))")
        let innerVerdict = try TsharkVerdict(file: innerFile)
        #expect(innerVerdict.packets >= 6 && innerVerdict.malformed == 0 && innerVerdict.badChecksums.isEmpty,
                "inner capture: \(innerVerdict.packets) packets, malformed \(innerVerdict.malformedFrames), bad \(innerVerdict.badChecksums)")
        #expect(try TsharkVerdict.fields(innerFile, filter: "icmp.type == 0", fields: ["ip.src"]).count >= 3)
        #expect(underlay.output("trace").contains("bob:eth0 (remote, part m2, 10.250.0.2) over vxlan vni 2 10.250.0.1:4789 > 10.250.0.2:4789"),
                "\(underlay.output("trace"))")

        let trace = try underlay.rawnet(m1, "traceroute alice bob -q 1 -w 1", name: "traceroute")
        #expect(trace.status == 0, "\(trace.output)")
        let hops = trace.output.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true }
        #expect(hops.count == 2 && hops[0].contains("10.0.1.1") && hops[1].contains("10.0.2.20"), "\(trace.output)")

        let source = try LinuxPeer.randomFile(runner, name: "five.bin", count: 5 * 1024 * 1024)
        #expect(try underlay.transfer(source, from: m1, to: m2, port: 7100, destination: "bob")
                    == (try Data(contentsOf: URL(fileURLWithPath: source))),
                "5 MB across the tunnel differ")

        // The same across a lossy tunnel: each end's egress loses 2%.
        for (namespace, end) in [(m1, "r1:eth1"), (m2, "bob:eth0")] {
            let impair = try underlay.rawnet(namespace, "impair \(end) --loss 2% --seed 7", name: "impair-\(namespace)")
            #expect(impair.status == 0, "\(impair.output)")
        }
        #expect(try underlay.transfer(source, from: m1, to: m2, port: 7101) == (try Data(contentsOf: URL(fileURLWithPath: source))),
                "5 MB across the lossy tunnel differ")
        let lossy = try underlay.rawnet(m1, "status", name: "status-lossy")
        #expect(lossy.output.contains("injected loss"), "\(lossy.output)")
        // A perfect tunnel again, so the pings below count replies, not the 2 % loss.
        for (namespace, end) in [(m1, "r1:eth1"), (m2, "bob:eth0")] {
            let clear = try underlay.rawnet(namespace, "impair \(end) --clear", name: "clear-\(namespace)")
            #expect(clear.status == 0, "\(clear.output)")
        }

        // Status on each machine names the tunnel, its far end by name, and says frames arrive.
        for (namespace, node, local, far) in [(m1, "r1", "10.250.0.1", "bob:eth0 (remote, part m2, 10.250.0.2)"),
                                              (m2, "bob", "10.250.0.2", "r1:eth1 (remote, part m1, 10.250.0.1)")] {
            let status = try underlay.rawnet(namespace, "status", name: "status-\(node)")
            #expect(status.output.contains("vxlan vni 2 \(local):4789 >"), "\(status.output)")
            #expect(status.output.contains(": up, last frame"), "\(status.output)")
            #expect(status.output.contains("↔ \(far)"), "\(status.output)")
        }
        // From the other side too: nc and ping by the name of a node in m1.
        let back = try underlay.rawnet(m2, "ping bob alice -c 2 -i 0.2", name: "ping-back")
        #expect(back.output.contains("2 received") || back.output.contains("2 packets received"), "\(back.output)")

        try? Processes.kill(dumpcap, signal: SignalNumber.interrupt)
        _ = try runner.wait(dumpcap, timeout: 10)
        let verdict = try TsharkVerdict(file: capture)
        #expect(verdict.packets > 3000, "captured \(verdict.packets) packets")
        #expect(verdict.malformed == 0, "malformed: \(verdict.malformedFrames)")
        #expect(verdict.badChecksums.isEmpty, "bad checksums in frames \(verdict.badChecksums.prefix(10))")
        let inner = try TsharkVerdict.fields(capture, filter: "vxlan.vni == 2 && icmp.type == 0", fields: ["ip.src"])
        #expect(inner.count >= 3, "echo replies inside VXLAN: \(inner.count)")
        let tcp = try TsharkVerdict.fields(capture, filter: "vxlan && tcp.dstport == 7100", fields: ["frame.number"])
        #expect(tcp.count > 1000, "TCP segments inside VXLAN: \(tcp.count)")
        let stray = try TsharkVerdict.fields(capture, filter: "udp && !vxlan && !arp", fields: ["frame.number"])
        #expect(stray.isEmpty, "UDP that is not VXLAN on the underlay: \(stray.count)")
    }

    @Test func linux_vxlan_device_is_the_far_end_for_ping_and_tcp() throws {
        try LinuxPeer.requireTool("ping", package: "iputils-ping")
        let runner = try RawNetRunner()
        let (underlay, m1, lx, _, vethLinux) = try Underlay.pair(runner, "m1", "10.250.1.1", "lx", "10.250.1.2", link: "vl")
        try underlay.ip(["-n", lx, "link", "add", "vx0", "type", "vxlan", "id", "77", "remote", "10.250.1.1",
                         "local", "10.250.1.2", "dstport", "4789", "dev", vethLinux])
        try underlay.ip(["-n", lx, "addr", "add", "10.0.2.30/24", "dev", "vx0"])
        try underlay.ip(["-n", lx, "link", "set", "vx0", "up"])
        guard try underlay.upAliceAlone(m1, lab: "vl", tunnel: "remote: 10.250.1.2, vni: 77, local: 10.250.1.1") else { return }
        defer { underlay.down(m1, lab: "vl") }

        let ping = try underlay.shell("exec ip netns exec \(lx) ping -c 3 -i 0.2 -W 2 10.0.2.10", name: "linux-ping")
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("3 received"), "\(ping.output)")

        // Linux's TCP sends 1 MB to `rawnet nc -l` on alice.
        let script = try LinuxPeer.writeScript(runner)
        let source = try LinuxPeer.randomFile(runner, name: "one.bin", count: 1024 * 1024)
        let received = runner.base + "/from-linux.bin"
        let listener = try underlay.startRawnet(m1, "nc alice -l 7200", name: "listen-7200", extra: "> '\(received)'")
        for attempt in 0..<200 {
            let sockets = try underlay.rawnet(m1, "sockets alice", name: "sockets-vl-\(attempt)")
            if sockets.output.contains(":7200") { break }
            usleep(50_000)
        }
        let send = try underlay.shell("exec ip netns exec \(lx) '\(LinuxPeer.python)' '\(script)' send 10.0.2.10 7200 '\(source)'",
                                      name: "linux-send", wait: 120)
        #expect(send.status == 0, "\(send.output)")
        #expect(try runner.wait(listener, timeout: 30) == 0, "\(underlay.output("listen-7200"))")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: received))) == (try Data(contentsOf: URL(fileURLWithPath: source))),
                "1 MB from Linux differs")

        // A datagram from the Linux side with another VNI is a counted drop.
        try underlay.ip(["-n", lx, "link", "add", "vx1", "type", "vxlan", "id", "78", "remote", "10.250.1.1",
                         "local", "10.250.1.2", "dstport", "4789", "dev", vethLinux])
        try underlay.ip(["-n", lx, "addr", "add", "10.0.3.30/24", "dev", "vx1"])
        try underlay.ip(["-n", lx, "link", "set", "vx1", "up"])
        _ = try underlay.shell("exec ip netns exec \(lx) ping -c 2 -i 0.2 -W 1 10.0.3.10", name: "linux-ping-78")
        // A stranger on the underlay, and the remote sending a header without the I flag: counted drops too.
        try underlay.ip(["-n", lx, "addr", "add", "10.250.1.3/24", "dev", vethLinux])
        let forge = """
            import socket
            frame = bytes.fromhex("ffffffffffff02000000000108060001080006040001020000000001" + "0a00021e" + "000000000000" + "0a00020a")
            stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            stranger.bind(("10.250.1.3", 0))
            stranger.sendto(bytes([8, 0, 0, 0, 0, 0, 77, 0]) + frame, ("10.250.1.1", 4789))
            remote = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            remote.bind(("10.250.1.2", 0))
            remote.sendto(bytes([0, 0, 0, 0, 0, 0, 77, 0]) + frame, ("10.250.1.1", 4789))
            print("sent")
            """
        try forge.write(toFile: runner.base + "/forge.py", atomically: true, encoding: .utf8)
        let forged = try underlay.shell("exec ip netns exec \(lx) '\(LinuxPeer.python)' '\(runner.base)/forge.py'", name: "forge")
        #expect(forged.status == 0 && forged.output.contains("sent"), "\(forged.output)")
        usleep(300_000)
        let status = try underlay.rawnet(m1, "status", name: "status-vl")
        #expect(status.output.contains("not from the link's peer"), "\(status.output)")
        #expect(status.output.contains("bad VXLAN header"), "\(status.output)")
        #expect(status.output.contains("wrong VNI"), "\(status.output)")
        #expect(status.output.contains("vxlan vni 77 10.250.1.1:4789 > 10.250.1.2:4789: up"), "\(status.output)")
    }

    @Test func tunnel_goes_down_when_the_remote_goes_away_and_tcp_survives_the_outage() throws {
        let runner = try RawNetRunner()
        let (underlay, m1, m2, _, veth2) = try Underlay.pair(runner, "m1", "10.250.0.1", "m2", "10.250.0.2", link: "vo")
        let file = runner.base + "/vo.yaml"
        try Self.topology.replacingOccurrences(of: "name: vx", with: "name: vo").write(toFile: file, atomically: true, encoding: .utf8)
        try underlay.up(m1, file: file, part: "m1")
        defer { underlay.down(m1, lab: "vo") }
        try underlay.up(m2, file: file, part: "m2")
        defer { underlay.down(m2, lab: "vo") }
        // 2 MB at 4 Mbit/s: about 4 s on the wire, so the outage falls inside the transfer.
        #expect(try underlay.rawnet(m1, "impair r1:eth1 --rate 4mbit", name: "rate").status == 0)

        let source = try LinuxPeer.randomFile(runner, name: "two.bin", count: 2 * 1024 * 1024)
        let received = runner.base + "/outage.bin"
        let listener = try underlay.startRawnet(m2, "nc bob -l 7300", name: "listen-7300", extra: "> '\(received)'")
        try underlay.waitForListener(m2, host: "bob", port: 7300)
        let sender = try underlay.startRawnet(m1, "nc alice 10.0.2.20 7300", name: "send-7300", extra: "< '\(source)'")
        usleep(1_000_000)
        try underlay.ip(["-n", m2, "link", "set", veth2, "down"])
        usleep(4_500_000)
        let silent = try underlay.rawnet(m1, "status", name: "status-silent")
        #expect(silent.output.contains("vxlan vni 2 10.250.0.1:4789 > 10.250.0.2:4789: down"), "\(silent.output)")
        try underlay.ip(["-n", m2, "link", "set", veth2, "up"])

        #expect(try runner.wait(sender, timeout: 120) == 0, "sender: \(underlay.output("send-7300"))")
        #expect(try runner.wait(listener, timeout: 30) == 0, "listener: \(underlay.output("listen-7300"))")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: received))) == (try Data(contentsOf: URL(fileURLWithPath: source))),
                "2 MB across the outage differ")
        let back = try underlay.rawnet(m1, "status", name: "status-back")
        #expect(back.output.contains("vxlan vni 2 10.250.0.1:4789 > 10.250.0.2:4789: up"), "\(back.output)")
        #expect(back.output.contains("time(s) after down"), "\(back.output)")
    }

    @Test func keepalives_show_a_killed_remote_part_down_within_the_bound_and_up_when_it_restarts() throws {
        let runner = try RawNetRunner()
        let (underlay, m1, m2, _, _) = try Underlay.pair(runner, "m1", "10.250.4.1", "m2", "10.250.4.2", link: "vk")
        let file = runner.base + "/vk.yaml"
        try Self.topology.replacingOccurrences(of: "name: vx", with: "name: vk")
            .replacingOccurrences(of: "10.250.0.", with: "10.250.4.").write(toFile: file, atomically: true, encoding: .utf8)
        try underlay.up(m1, file: file, part: "m1")
        defer { underlay.down(m1, lab: "vk") }
        try underlay.up(m2, file: file, part: "m2")
        defer { underlay.down(m2, lab: "vk") }
        let tunnel = "vxlan vni 2 10.250.4.1:4789 > 10.250.4.2:4789"

        // The lab sends nothing (no app runs, no routing protocol): only keepalives cross, and both ends are up.
        #expect(try underlay.waitForStatus(m1, containing: "\(tunnel): up", limit: 5) != nil)
        usleep(2_500_000)
        let idle = try underlay.rawnet(m1, "status", name: "status-idle")
        #expect(idle.output.contains("\(tunnel): up, last frame"), "\(idle.output)")
        #expect(idle.output.contains("keepalive 1 s, down after 3 s"), "\(idle.output)")
        #expect(idle.output.contains("in 0 frames/0 B, out 0 frames/0 B"), "keepalives are not lab frames: \(idle.output)")
        let heard = idle.output.firstMatch(of: /keepalives (\d+) sent\/(\d+) heard/)
        #expect(heard.map { Int($0.1)! >= 2 && Int($0.2)! >= 2 } == true, "\(idle.output)")

        // The remote part goes away: within 3 missed intervals (and a keepalive's slack) the link shows down.
        let watch = try underlay.startRawnet(m1, "trace r1:eth1 --duration 12", name: "trace-vk")
        try runner.waitForOutput(runner.base + "/trace-vk.out", containing: "Ctrl-C stops")
        underlay.down(m2, lab: "vk")
        let downAfter = try underlay.waitForStatus(m1, containing: "\(tunnel): down", limit: 8)
        #expect(downAfter != nil && downAfter! <= 5, "down after \(String(describing: downAfter)) s")

        // It comes back: up again with its first frame.
        try underlay.up(m2, file: file, part: "m2")
        let upAfter = try underlay.waitForStatus(m1, containing: "\(tunnel): up", limit: 5)
        #expect(upAfter != nil && upAfter! <= 3, "up after \(String(describing: upAfter)) s")
        let back = try underlay.rawnet(m1, "status", name: "status-back-vk")
        #expect(back.output.contains("back 1 time(s) after down"), "\(back.output)")
        let ping = try underlay.rawnet(m1, "ping alice bob -c 2 -i 0.2", name: "ping-vk")
        #expect(ping.output.contains("2 received") || ping.output.contains("2 packets received"), "\(ping.output)")
        // The trace told both changes.
        #expect(try runner.wait(watch, timeout: 30) == 0, "\(underlay.output("trace-vk"))")
        let trace = underlay.output("trace-vk")
        #expect(trace.contains("remote down: bob:eth0 (remote, part m2, 10.250.4.2) over \(tunnel): nothing heard for 3s"), "\(trace)")
        #expect(trace.contains("remote up: bob:eth0 (remote, part m2, 10.250.4.2)"), "\(trace)")
    }

    @Test func an_attached_linux_node_ends_a_link_to_the_other_part_for_ping_and_tcp() throws {
        try LinuxPeer.requireTool("ping", package: "iputils-ping")
        try LinuxPeer.requireTool("nsenter", package: "util-linux")
        let runner = try RawNetRunner()
        let (underlay, m1, m2, _, _) = try Underlay.pair(runner, "m1", "10.250.5.1", "m2", "10.250.5.2", link: "vn")
        let file = runner.base + "/vn.yaml"
        try """
            name: vn
            nodes:
              lx:  { kind: linux,  ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1:  { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
              bob: { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [lx:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]
            machines:
              m1: { address: 10.250.5.1, nodes: [lx] }
              m2: { address: 10.250.5.2, nodes: [r1, bob] }

            """.write(toFile: file, atomically: true, encoding: .utf8)
        try underlay.up(m1, file: file, part: "m1")
        defer { underlay.down(m1, lab: "vn") }
        try underlay.up(m2, file: file, part: "m2")
        defer { underlay.down(m2, lab: "vn") }
        // `ip netns exec` would give attach a mount namespace of its own, where the node's namespace
        // it records would not outlive it; nsenter changes only the network namespace, as on a machine.
        let attach = try underlay.shell("exec nsenter --net=/run/netns/\(m1) '\(runner.executable)' attach lx", name: "attach-lx",
                                        base: underlay.base(m1))
        #expect(attach.status == 0, "\(attach.output)")
        let namespace = try #require(attach.output.firstMatch(of: /namespace (\S+),/).map { String($0.1) }, "\(attach.output)")
        defer { _ = try? LinuxNamespaces.ip(["netns", "delete", namespace]) }
        #expect(attach.output.contains("mtu 1450"), "\(attach.output)")

        let ping = try underlay.shell("exec ip netns exec \(namespace) ping -c 3 -i 0.2 -W 2 10.0.2.20", name: "lx-ping")
        #expect(ping.status == 0 && ping.output.contains("3 received"), "\(ping.output)")

        // Linux's TCP sends 1 MB to `rawnet nc -l` on bob, in the other part.
        let script = try LinuxPeer.writeScript(runner)
        let source = try LinuxPeer.randomFile(runner, name: "lx-one.bin", count: 1024 * 1024)
        let received = runner.base + "/lx-received.bin"
        let listener = try underlay.startRawnet(m2, "nc bob -l 7500", name: "listen-7500", extra: "> '\(received)'")
        try underlay.waitForListener(m2, host: "bob", port: 7500)
        let send = try underlay.shell("exec ip netns exec \(namespace) '\(LinuxPeer.python)' '\(script)' send 10.0.2.20 7500 '\(source)'",
                                      name: "lx-send", wait: 120)
        #expect(send.status == 0, "\(send.output)")
        #expect(try runner.wait(listener, timeout: 30) == 0, "\(underlay.output("listen-7500"))")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: received))) == (try Data(contentsOf: URL(fileURLWithPath: source))),
                "1 MB from the attached Linux node differs")

        // The bridge's status names the tunnel and its far end; both ends are up.
        let status = try underlay.rawnet(m1, "status", name: "status-lx")
        #expect(status.output.contains("↔ r1:eth0 (remote, part m2, 10.250.5.2)"), "\(status.output)")
        #expect(status.output.contains("vxlan vni 1 10.250.5.1:4789 > 10.250.5.2:4789: up"), "\(status.output)")
        let far = try underlay.rawnet(m2, "status", name: "status-r1")
        #expect(far.output.contains("↔ lx:eth0 (remote, part m1, 10.250.5.1)"), "\(far.output)")
        #expect(far.output.contains("vxlan vni 1 10.250.5.2:4789 > 10.250.5.1:4789: up"), "\(far.output)")
    }

    @Test func a_switch_port_ends_a_link_to_the_other_part() throws {
        let runner = try RawNetRunner()
        let (underlay, m1, m2, _, _) = try Underlay.pair(runner, "m1", "10.250.6.1", "m2", "10.250.6.2", link: "vw")
        let file = runner.base + "/vw.yaml"
        try """
            name: vw
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24 }
              bob:   { kind: host, ip: 10.0.1.20/24 }
              sw1:   { kind: switch, ports: [p1, p2] }
            links:
              - endpoints: [alice:eth0, sw1:p1]
              - endpoints: [sw1:p2, bob:eth0]
            machines:
              m1: { address: 10.250.6.1, nodes: [alice, sw1] }
              m2: { address: 10.250.6.2, nodes: [bob] }

            """.write(toFile: file, atomically: true, encoding: .utf8)
        try underlay.up(m1, file: file, part: "m1")
        defer { underlay.down(m1, lab: "vw") }
        try underlay.up(m2, file: file, part: "m2")
        defer { underlay.down(m2, lab: "vw") }
        let ping = try underlay.rawnet(m1, "ping alice bob -c 3 -i 0.2", name: "ping-vw")
        #expect(ping.output.contains("3 received") || ping.output.contains("3 packets received"), "\(ping.output)")
        let status = try underlay.rawnet(m1, "status", name: "status-vw")
        #expect(status.output.contains("↔ bob:eth0 (remote, part m2, 10.250.6.2)"), "\(status.output)")
        #expect(status.output.contains("vxlan vni 2 10.250.6.1:4789 > 10.250.6.2:4789: up"), "\(status.output)")
    }

    @Test func an_unreachable_remote_is_counted_no_peer_drops_with_the_error_shown() throws {
        try LinuxPeer.requireTool("ip", package: "iproute2")
        let runner = try RawNetRunner()
        let underlay = Underlay(runner)
        let m1 = try underlay.namespace("m1")
        // The local address on a veth pair inside the one namespace; no route leads to the remote.
        try underlay.ip(["-n", m1, "link", "add", "u0", "type", "veth", "peer", "name", "u1"])
        try underlay.ip(["-n", m1, "addr", "add", "10.250.2.1/24", "dev", "u0"])
        try underlay.ip(["-n", m1, "link", "set", "u0", "up"])
        try underlay.ip(["-n", m1, "link", "set", "u1", "up"])
        guard try underlay.upAliceAlone(m1, lab: "vu", tunnel: "remote: 10.99.0.9, vni: 5, local: 10.250.2.1") else { return }
        defer { underlay.down(m1, lab: "vu") }
        let ping = try underlay.rawnet(m1, "ping alice 10.0.2.20 -c 2 -i 0.2 -W 1", name: "ping-vu")
        #expect(ping.status != 0, "\(ping.output)")
        let status = try underlay.rawnet(m1, "status", name: "status-vu")
        #expect(status.output.contains("no peer on the cable"), "\(status.output)")
        #expect(status.output.contains("vxlan vni 5 10.250.2.1:4789 > 10.99.0.9:4789: waiting")
                    || status.output.contains("vxlan vni 5 10.250.2.1:4789 > 10.99.0.9:4789: down, nothing heard yet"), "\(status.output)")
        #expect(status.output.contains("last error ENETUNREACH"), "\(status.output)")
    }
}
