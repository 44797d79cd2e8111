import ArgumentParser
import Foundation
import RawNetBench
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// `rawnet bench split`: a generated lab (200 nodes by default) split over two
/// network namespaces joined by a veth pair (two parts, `rawnet up --part`,
/// one VXLAN link between them), against the same lab in one namespace, the
/// two sides alternating run by run: the time to bring the lab up, and then
/// the time until every host has an echo reply from a host in the other part.
struct BenchSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Time to up and to full reachability of a generated lab split over two namespaces (VXLAN) against the same lab in one (root).", usage: "rawnet bench split [<options>]"
    )

    @Option(help: "Routers of the generated lab (a tree).") var routers = 60
    @Option(help: "Hosts of the generated lab.") var hosts = 140
    @Option(help: "Runs per side (medians are reported; at least 5 for figures that are kept).") var runs = 5
    @Option(help: "The rawnet executable (default: beside this one).") var rawnet: String?

    func validate() throws {
        guard runs > 0, (3...TopologyGenerator.routerLimit).contains(routers), hosts >= 2 else {
            throw ValidationError("--runs must be positive, --routers at least 3, --hosts at least 2")
        }
    }

    static let lab = "bsplit"

    func run() throws {
        let pair = try NamespacePair(prefix: "rnbsp", subnet: "10.252.0", executable: try LabSides.locateRawnet(explicit: rawnet))
        defer { pair.close(labs: [Self.lab]) }
        let generator = try TopologyGenerator(name: Self.lab, routers: routers, hosts: hosts, shape: .tree)
        let (yaml, secondHosts) = generator.split(first: "10.252.0.1", second: "10.252.0.2")
        let file = pair.base + "/\(Self.lab).yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        // Each host pings a host of the other part: the first host (on the root) and the farthest one under the split subtree.
        let far = generator.farHostPair().map(\.to).flatMap { secondHosts.contains($0) ? $0 : nil } ?? secondHosts.max()!
        let targets = (0..<hosts).map { secondHosts.contains($0) ? 0 : far }

        print("rawnet bench split: \(routers + hosts) nodes (\(routers) routers, \(hosts) hosts), "
              + "\(hosts - secondHosts.count) + \(secondHosts.count) hosts in the two parts, \(runs) runs per side, interleaved")
        var upTimes: [String: [Double]] = [:], reachTimes: [String: [Double]] = [:]
        for run in 1...runs {
            for side in ["one", "split"] {
                let (up, reach) = try measure(side: side, pair: pair, file: file, secondHosts: secondHosts, targets: targets)
                upTimes[side, default: []].append(up)
                reachTimes[side, default: []].append(reach)
                print("  run \(run) \(side): up \(String(format: "%.2f", up)) s, all reached \(String(format: "%.2f", reach)) s later")
            }
        }
        for side in ["one", "split"] {
            let up = Statistics.median(upTimes[side] ?? []) ?? 0, reach = Statistics.median(reachTimes[side] ?? []) ?? 0
            print("\(side): median up \(String(format: "%.2f", up)) s, reachability \(String(format: "%.2f", reach)) s")
        }
        if let one = Statistics.median(upTimes["one"] ?? []), let split = Statistics.median(upTimes["split"] ?? []),
           let reachOne = Statistics.median(reachTimes["one"] ?? []), let reachSplit = Statistics.median(reachTimes["split"] ?? []) {
            print("ratio split/one: up \(String(format: "%.2f", split / one)), reachability \(String(format: "%.2f", reachSplit / reachOne))")
        }
    }

    /// One fresh lab of `side`: seconds to up (both parts started at once, as
    /// two machines would), then seconds until every host heard its target.
    private func measure(side: String, pair: NamespacePair, file: String, secondHosts: Set<Int>,
                         targets: [Int]) throws -> (up: Double, reach: Double) {
        let start = MonotonicClock.now()
        if side == "one" {
            try pair.rawnet(pair.one, "up '\(file)'")
        } else {
            let first = try pair.start(pair.one, "up '\(file)' --part m1", log: "up-m1.log")
            let second = try pair.start(pair.two, "up '\(file)' --part m2", log: "up-m2.log")
            try pair.wait(first, log: "up-m1.log", command: "up --part m1")
            try pair.wait(second, log: "up-m2.log", command: "up --part m2")
        }
        let up = Double(MonotonicClock.now() - start) / 1e9
        defer {
            _ = try? pair.rawnet(pair.one, "down --lab \(Self.lab)")
            if side == "split" { _ = try? pair.rawnet(pair.two, "down --lab \(Self.lab)") }
        }
        let reached = MonotonicClock.now()
        try reachEveryone(runDirectory: { host in
            pair.runDirectory(side == "split" && secondHosts.contains(host) ? pair.two : pair.one, lab: Self.lab)
        }, targets: targets)
        return (up, Double(MonotonicClock.now() - reached) / 1e9)
    }

    /// Every host sends an echo request to its target every 200 ms until it has a reply (60 s at most).
    private func reachEveryone(runDirectory: (Int) -> String, targets: [Int]) throws {
        var sockets: [(connection: HostConnection, socket: ICMPSocket)] = []
        defer { for entry in sockets { try? entry.socket.close(); entry.connection.close() } }
        for host in targets.indices {
            let connection = try HostConnection(runDirectory: runDirectory(host), host: TopologyGenerator.hostName(host),
                                                appName: "bench-split")
            sockets.append((connection, try ICMPSocket(connection)))
        }
        let addresses = targets.map { IPv4Address(TopologyGenerator.hostAddress($0))! }
        var waiting = Set(targets.indices)
        let deadline = MonotonicClock.now() + 60_000_000_000
        var round: UInt16 = 0
        while !waiting.isEmpty {
            guard MonotonicClock.now() < deadline else {
                let names = waiting.sorted().prefix(5).map { TopologyGenerator.hostName($0) }.joined(separator: ", ")
                throw BenchError("\(waiting.count) hosts had no reply in 60 s (\(names) …)")
            }
            round &+= 1
            for host in waiting {
                try sockets[host].socket.sendEcho(to: addresses[host], sequence: round, payload: Array("rawnet bench".utf8))
            }
            let roundEnd = MonotonicClock.now() + 200_000_000
            while MonotonicClock.now() < roundEnd, !waiting.isEmpty {
                for host in waiting {
                    while let received = try sockets[host].socket.receive(timeout: .zero) {
                        if received.from == addresses[host], case .echoReply = received.message { waiting.remove(host); break }
                    }
                }
                usleep(2_000)
            }
        }
    }
}
