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
        abstract: "TCP goodput and segments/s across a VXLAN link between two namespaces against the same lab on one machine (root).", usage: "rawnet bench vxlan [<options>]"
    )

    @Option(help: "Megabytes per transfer.") var megabytes = 20
    @Option(help: "Runs per side (medians are reported; at least 5 for figures that are kept).") var runs = 5
    @Option(help: "The rawnet executable (default: beside this one).") var rawnet: String?

    func validate() throws {
        guard megabytes > 0, runs > 0 else { throw ValidationError("--megabytes and --runs must be positive") }
    }

    func run() throws {
        let pair = try NamespacePair(prefix: "rnbvx", subnet: "10.251.0", executable: try LabSides.locateRawnet(explicit: rawnet))
        defer { pair.close(labs: ["bvx"]) }
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
        let file = pair.base + "/bvx.yaml"
        try topology.write(toFile: file, atomically: true, encoding: .utf8)
        let data = pair.base + "/data.bin"
        try Shell.check(["/bin/sh", "-c", "head -c \(megabytes * 1_048_576) /dev/urandom > '\(data)'"])

        print("rawnet bench vxlan: \(megabytes) MB alice → bob per run, \(runs) runs per side, interleaved")
        var seconds: [String: [Double]] = ["local": [], "vxlan": []]
        for run in 1...runs {
            for side in ["local", "vxlan"] {
                let time = try measure(side: side, run: run, pair: pair, file: file, data: data)
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
    private func measure(side: String, run: Int, pair: NamespacePair, file: String, data: String) throws -> Double {
        let bobNamespace = side == "local" ? pair.one : pair.two
        if side == "local" {
            try pair.rawnet(pair.one, "up '\(file)'")
        } else {
            try pair.rawnet(pair.one, "up '\(file)' --part m1")
            try pair.rawnet(pair.two, "up '\(file)' --part m2")
        }
        defer {
            _ = try? pair.rawnet(pair.one, "down --lab bvx")
            if side != "local" { _ = try? pair.rawnet(pair.two, "down --lab bvx") }
        }
        let port = 7400 + run
        let listener = try pair.start(bobNamespace, "nc bob -l \(port)", extra: "> /dev/null", log: "listen.log")
        for _ in 0..<200 {
            if let sockets = try? pair.rawnet(bobNamespace, "sockets bob"), sockets.contains(":\(port)") { break }
            usleep(50_000)
        }
        let start = MonotonicClock.now()
        try pair.rawnet(pair.one, "nc alice 10.0.2.20 \(port) < '\(data)'")
        try pair.wait(listener, log: "listen.log", command: "nc bob -l \(port)")
        return Double(MonotonicClock.now() - start) / 1e9
    }
}
