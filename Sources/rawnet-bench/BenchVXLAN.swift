import ArgumentParser
import Foundation
import RawNetBench
import RawNetPlatform

/// `rawnet bench vxlan`: TCP goodput between alice and bob when the r1–bob
/// link is a VXLAN tunnel between two network namespaces (`rawnet up --part`),
/// against the same lab with every node in one namespace, interleaved run by run.
struct BenchVXLAN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vxlan",
        abstract: "TCP goodput and segments/s across a VXLAN link between two namespaces against the same lab on one machine (root)."
    )

    @Option(help: "Megabytes per transfer.") var megabytes = 20
    @Option(help: "Runs per side (medians are reported; at least 5 for figures that are kept).") var runs = 5
    @Option(help: "The rawnet executable (default: beside this one).") var rawnet: String?

    func validate() throws {
        guard megabytes > 0, runs > 0 else { throw ValidationError("--megabytes and --runs must be positive") }
    }

    func run() throws {
        guard getuid() == 0 else { throw BenchError("network namespaces need root") }
        let executable = try LabSides.locateRawnet(explicit: rawnet)
        let tag = "rnbvx\(getpid() % 100_000)"
        let base = "/tmp/\(tag)"
        let (one, two) = ("\(tag)-m1", "\(tag)-m2")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer {
            for namespace in [one, two] {
                _ = try? sh("ip netns exec \(namespace) '\(executable)' down --lab bvx", base: base + "/" + namespace)
                _ = try? Shell.run(["ip", "netns", "delete", namespace])
            }
            try? FileManager.default.removeItem(atPath: base)
        }
        for namespace in [one, two] {
            try Shell.check(["ip", "netns", "add", namespace])
            try Shell.check(["ip", "-n", namespace, "link", "set", "lo", "up"])
        }
        try Shell.check(["ip", "link", "add", "\(tag)a", "netns", one, "type", "veth", "peer", "name", "\(tag)b", "netns", two])
        for (namespace, interface, address) in [(one, "\(tag)a", "10.251.0.1/24"), (two, "\(tag)b", "10.251.0.2/24")] {
            try Shell.check(["ip", "-n", namespace, "addr", "add", address, "dev", interface])
            try Shell.check(["ip", "-n", namespace, "link", "set", interface, "up"])
        }
        let topology = """
            name: bvx
            machines:
              m1: { address: 10.251.0.1, nodes: [alice, r1] }
              m2: { address: 10.251.0.2, nodes: [bob] }
            nodes:
              alice:  { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              bob:    { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
              r1:     { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
            links:
              - endpoints: [alice:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]

            """
        let file = base + "/bvx.yaml"
        try topology.write(toFile: file, atomically: true, encoding: .utf8)
        let data = base + "/data.bin"
        try sh("head -c \(megabytes * 1_048_576) /dev/urandom > '\(data)'", base: base)

        print("rawnet bench vxlan: \(megabytes) MB alice → bob per run, \(runs) runs per side, interleaved")
        var seconds: [String: [Double]] = ["local": [], "vxlan": []]
        for run in 1...runs {
            for side in ["local", "vxlan"] {
                let time = try measure(side: side, run: run, executable: executable, file: file, data: data,
                                       namespaces: (one, two), base: base)
                seconds[side, default: []].append(time)
                print("  run \(run) \(side): \(String(format: "%.3f", time)) s")
            }
        }
        let bytes = Double(megabytes * 1_048_576)
        // Full-sized segments carry MSS = MTU − 40 bytes: 1460 on the local link, 1410 over the tunnel.
        var medians: [String: Double] = [:]
        for side in ["local", "vxlan"] {
            let median = Statistics.median(seconds[side] ?? []) ?? 0
            medians[side] = median
            let mss = side == "local" ? 1460.0 : 1410.0
            print("\(side): median \(String(format: "%.3f", median)) s, \(String(format: "%.1f", bytes * 8 / median / 1e6)) Mbit/s, "
                  + "\(Int(bytes / mss / median)) segments/s")
        }
        if let local = medians["local"], let vxlan = medians["vxlan"], vxlan > 0 {
            print("ratio vxlan/local goodput: \(String(format: "%.3f", local / vxlan))")
        }
    }

    /// One transfer on a fresh lab of `side`: seconds from the sender's start to the listener's end.
    private func measure(side: String, run: Int, executable: String, file: String, data: String,
                         namespaces: (String, String), base: String) throws -> Double {
        let (one, two) = namespaces
        let baseOne = base + "/\(one)", baseTwo = base + "/\(two)"
        let bobNamespace = side == "local" ? one : two
        let bobBase = side == "local" ? baseOne : baseTwo
        if side == "local" {
            try sh("ip netns exec \(one) '\(executable)' up '\(file)'", base: baseOne)
        } else {
            try sh("ip netns exec \(one) '\(executable)' up '\(file)' --part m1", base: baseOne)
            try sh("ip netns exec \(two) '\(executable)' up '\(file)' --part m2", base: baseTwo)
        }
        defer {
            _ = try? sh("ip netns exec \(one) '\(executable)' down --lab bvx", base: baseOne)
            if side != "local" { _ = try? sh("ip netns exec \(two) '\(executable)' down --lab bvx", base: baseTwo) }
        }
        let port = 7400 + run
        let listener = try Shell.start(["/bin/sh", "-c",
            "XDG_RUNTIME_DIR='\(bobBase)' exec ip netns exec \(bobNamespace) '\(executable)' nc bob -l \(port) > /dev/null"],
            logPath: base + "/listen.log")
        for _ in 0..<200 {
            if let sockets = try? sh("ip netns exec \(bobNamespace) '\(executable)' sockets bob", base: bobBase),
               sockets.contains(":\(port)") { break }
            usleep(50_000)
        }
        let start = MonotonicClock.now()
        try sh("ip netns exec \(one) '\(executable)' nc alice 10.0.2.20 \(port) < '\(data)'", base: baseOne)
        while (try Processes.reap(listener)) == nil {
            usleep(1_000)
            if MonotonicClock.now() - start > 300_000_000_000 { throw BenchError("the \(side) transfer did not end in 300 s") }
        }
        return Double(MonotonicClock.now() - start) / 1e9
    }

    @discardableResult
    private func sh(_ command: String, base: String) throws -> String {
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Output goes to a file, not a pipe: daemons `up` starts must not hold a reader open.
        let log = base + "/sh.log"
        try? FileManager.default.removeItem(atPath: log)
        let pid = try Shell.start(["/bin/sh", "-c", "XDG_RUNTIME_DIR='\(base)' " + command], logPath: log)
        let start = MonotonicClock.now()
        var exit: ProcessExit?
        while exit == nil {
            exit = try Processes.reap(pid)
            if exit == nil { usleep(2_000) }
            if MonotonicClock.now() - start > 300_000_000_000 { throw BenchError("`\(command)` did not end in 300 s") }
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard case .exited(code: 0)? = exit else { throw BenchError("`\(command)` failed: \(output)") }
        return output
    }
}
