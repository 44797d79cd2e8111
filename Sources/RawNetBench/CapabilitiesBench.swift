import Foundation
import RawNetPlatform

/// Issue 21 goal 4: the capabilities added since the core (an attached Linux
/// node, a switch, a routing protocol, DNS and HTTP services, a capture) cost
/// the data path nothing when they run beside it. For each capability two labs
/// are up at once, the same but for that capability: `alice — r1 — bob` plus a
/// third network on r1:eth2. In each round a transfer of `size` bytes goes
/// `rawnet nc alice → bob` through r1 (TCP goodput, which is r1 forwarding
/// every segment), first in one lab, then in the other, alternating which goes
/// first; the medians are compared.
///
/// - `linux`: the third network's end is a `kind: linux` node, attached
///   (`rawnet attach`: a namespace and a bridge daemon; needs root);
///   without: a RawNet host there.
/// - `switch`: r1:eth2 goes to a switch running STP with two hosts behind it;
///   without: one host.
/// - `rip`: r1 and a second router on eth2 run RIP with a 1 s update; without:
///   static routes.
/// - `services`: bob serves DNS and HTTP, alice has bob as resolver; without: none.
/// - `capture`: `rawnet capture` writes every link of the lab to files during
///   the transfers; without: no capture (the same lab, alternating).
public struct CapabilitiesBench: Sendable {
    public var rawnet: String
    public var rounds: Int
    public var size: Int
    public var capabilities: [String]
    public var log: @Sendable (String) -> Void

    public static let all = ["linux", "switch", "rip", "services", "capture"]

    public init(rawnet: String, rounds: Int, size: Int, capabilities: [String] = all,
                log: @escaping @Sendable (String) -> Void) {
        self.rawnet = rawnet
        self.rounds = rounds
        self.size = size
        self.capabilities = capabilities
        self.log = log
    }

    /// One capability's goodputs (Mbit/s) without and with it, in run order.
    public struct Result: Sendable {
        public var capability: String
        public var without: [Double] = []
        public var with: [Double] = []

        /// The median of `values` (`Statistics.median`), 0 for none.
        public static func median(_ values: [Double]) -> Double { Statistics.median(values) ?? 0 }

        public var ratio: Double {
            let reference = Self.median(without)
            return reference > 0 ? Self.median(with) / reference : 0
        }

        /// Goal 4: within 10 % of the lab without the capability.
        public var isMet: Bool { ratio >= 0.9 }
    }

    /// The lab's YAML, named `name`, with or without `capability`.
    public static func yaml(name: String, capability: String, with: Bool, files: String) -> String {
        var nodes = [
            "alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1\(with && capability == "services" ? ", resolver: 10.0.2.20" : "") }",
            "bob: { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1"
                + (with && capability == "services" ? ", services: [dns, {http: {port: 80, root: \(files)/www}}]" : "") + " }",
        ]
        var links = ["[alice:eth0, r1:eth0]", "[r1:eth1, bob:eth0]"]
        let rip = with && capability == "rip" ? ", rip: { update: 1s, timeout: 6s, garbage: 4s, damping: 100ms }" : ""
        nodes.append("r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24, eth2: 10.0.3.1/24 }\(rip) }")
        switch (capability, with) {
        case ("linux", true):
            nodes.append("carol: { kind: linux, ip: 10.0.3.30/24, gateway: 10.0.3.1 }")
            links.append("[r1:eth2, carol:eth0]")
        case ("switch", true):
            nodes.append("sw1: { kind: switch, ports: [p1, p2, p3], stp: on }")
            nodes.append("carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }")
            nodes.append("dave: { kind: host, ip: 10.0.3.40/24, gateway: 10.0.3.1 }")
            links += ["[r1:eth2, sw1:p1]", "[sw1:p2, carol:eth0]", "[sw1:p3, dave:eth0]"]
        case ("rip", true):
            nodes.append("r2: { kind: router, interfaces: { eth0: 10.0.3.2/24, eth1: 10.0.4.1/24 }\(rip) }")
            nodes.append("dave: { kind: host, ip: 10.0.4.40/24, gateway: 10.0.4.1 }")
            links += ["[r1:eth2, r2:eth0]", "[r2:eth1, dave:eth0]"]
        default:
            nodes.append("carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }")
            links.append("[r1:eth2, carol:eth0]")
        }
        return "name: \(name)\nnodes:\n" + nodes.map { "  " + $0 + "\n" }.joined()
            + "links:\n" + links.map { "  - endpoints: \($0)\n" }.joined()
    }

    public func run() throws -> [Result] {
        if capabilities.contains("linux") {
            guard Processes.isRoot else { throw BenchError("the linux capability attaches a namespace: run as root, or leave it out") }
        }
        let tag = "cb\(Processes.currentPID)"
        let directory = NSTemporaryDirectory() + "rawnet-capabilities-\(tag)"
        try FileManager.default.createDirectory(atPath: directory + "/www", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("hello,world\n".utf8).write(to: URL(fileURLWithPath: directory + "/www/index.html"))
        let file = directory + "/data.bin"
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 11) }).write(to: URL(fileURLWithPath: file))

        var results: [Result] = []
        for capability in capabilities {
            guard Self.all.contains(capability) else {
                throw BenchError("unknown capability '\(capability)' (expected \(Self.all.joined(separator: ", ")))")
            }
            let labs = ["\(tag)a", "\(tag)b"]
            defer { for lab in labs { _ = try? command(["down", "--lab", lab], in: directory) } }
            for (lab, with) in zip(labs, [false, true]) {
                let path = directory + "/\(lab).yaml"
                try Self.yaml(name: lab, capability: capability, with: with, files: directory)
                    .write(toFile: path, atomically: true, encoding: .utf8)
                _ = try command(["up", path], in: directory)
            }
            if capability == "linux" { _ = try command(["attach", "carol", "--lab", labs[1]], in: directory) }
            var capture: Int32?
            if capability == "capture" {
                capture = try Shell.start([rawnet, "capture", "-w", directory + "/cap.pcapng", "--lab", labs[1]],
                                          logPath: directory + "/capture.log")
                try RawnetCommand.waitUntil("the capture starts") {
                    ((try? String(contentsOfFile: directory + "/capture.log", encoding: .utf8)) ?? "").contains("captur")
                }
            }
            defer { if let capture { Shell.stop(pid: capture) } }
            if capability == "services" {
                let answer = try command(["dig", "alice", "bob.lab", "--lab", labs[1]], in: directory)
                log("  \(capability): dig bob.lab on the lab with it: \(answer.split(separator: "\n").first ?? "")")
            }
            var result = Result(capability: capability)
            for round in 0..<rounds {
                let order = round % 2 == 0 ? [false, true] : [true, false]
                for with in order {
                    let megabits = try transfer(lab: labs[with ? 1 : 0], file: file, port: 20_000 + round * 2 + (with ? 1 : 0),
                                                in: directory)
                    if with { result.with.append(megabits) } else { result.without.append(megabits) }
                }
            }
            log("\(capability): without \(result.without.map { String(format: "%.1f", $0) }), "
                + "with \(result.with.map { String(format: "%.1f", $0) }) Mbit/s, ratio \(String(format: "%.3f", result.ratio))")
            results.append(result)
            if capability == "capture" { try? FileManager.default.removeItem(atPath: directory + "/cap.pcapng") }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix("cap.") {
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
        }
        return results
    }

    /// Goodput in Mbit/s of `file` sent `rawnet nc alice → bob` in `lab`, from
    /// starting the sender until the receiver ends; the bytes are checked.
    func transfer(lab: String, file: String, port: Int, in directory: String) throws -> Double {
        let received = directory + "/received-\(lab)-\(port).bin"
        let listener = try Shell.start(["/bin/sh", "-c", "exec '\(rawnet)' nc bob -l \(port) --lab \(lab) > '\(received)'"],
                                       logPath: directory + "/nc-\(port).log")
        try RawnetCommand.waitUntil("bob listens on \(port)") {
            ((try? command(["sockets", "bob", "--lab", lab], in: directory)) ?? "").contains(":\(port) ")
        }
        let started = Date()
        _ = try command(["nc", "alice", "10.0.2.20", String(port), "--lab", lab], in: directory, input: file)
        // Checked every millisecond: the end is timed, not the polling.
        try RawnetCommand.waitUntil("rawnet nc -l on \(port) ends", poll: 0.001) { !Shell.isRunning(pid: listener) }
        let seconds = Date().timeIntervalSince(started)
        defer { try? FileManager.default.removeItem(atPath: received) }
        guard FileManager.default.contentsEqual(atPath: received, andPath: file) else {
            throw BenchError("lab \(lab): bob received other bytes than alice sent (port \(port))")
        }
        return Double(size) * 8 / seconds / 1e6
    }

    /// `rawnet ARGUMENTS`, its output in a file of `directory` (see `RawnetCommand`).
    func command(_ arguments: [String], in directory: String, input: String? = nil) throws -> String {
        try RawnetCommand(rawnet: rawnet, directory: directory).run(arguments, input: input)
    }
}
