import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import Testing

/// What one `rawnet ping` run printed, read back.
struct PingRun {
    var output: String
    var transmitted: Int
    var received: Int
    /// `icmp_seq` of every reply line.
    var repliedSequences: Set<Int>
    /// The average round trip in milliseconds, nil when nothing came back.
    var averageMilliseconds: Double?

    var lost: Int { transmitted - received }
    var lossRatio: Double { Double(lost) / Double(transmitted) }
    /// Sequence numbers 1...transmitted that got no reply.
    var lostSequences: [Int] { (1...max(transmitted, 1)).filter { !repliedSequences.contains($0) } }

    init(output: String) throws {
        self.output = output
        let lines = output.split(separator: "\n").map(String.init)
        guard let summary = lines.first(where: { $0.contains("packets transmitted") }) else {
            throw HarnessError("no ping summary in:\n\(output)")
        }
        let words = summary.split(separator: " ")
        guard words.count > 3, let sent = Int(words[0]), let got = Int(words[3]) else {
            throw HarnessError("cannot read the ping summary '\(summary)'")
        }
        transmitted = sent
        received = got
        repliedSequences = Set(lines.compactMap { line -> Int? in
            guard line.contains(" bytes from "), let range = line.firstRange(of: "icmp_seq=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        })
        averageMilliseconds = lines.first { $0.hasPrefix("rtt min/avg/max/mdev = ") }.flatMap { line in
            let values = line.dropFirst("rtt min/avg/max/mdev = ".count).split(separator: "/")
            return values.count == 4 ? Double(values[1]) : nil
        }
    }
}

extension DaemonTestLab {
    /// Runs `rawnet ping alice bob` with a short interval and reads the result.
    func ping(count: Int, interval: String = "0.01", from host: String = "alice", to destination: String = "bob")
        throws -> PingRun {
        let run = try rawnet(["ping", host, destination, "-c", String(count), "-i", interval, "-W", "1"],
                             timeout: .seconds(30))
        return try PingRun(output: run.output)
    }

    /// Runs `rawnet impair ARGS` and requires it to succeed.
    @discardableResult
    func impair(_ arguments: [String]) throws -> String {
        let run = try rawnet(["impair"] + arguments)
        guard run.status == 0 else { throw HarnessError("rawnet impair \(arguments) failed (\(run.status)):\n\(run.output)") }
        return run.output
    }

    /// The egress impairment of one interface, as its daemon reports it.
    func impairment(_ node: String, _ interface: String) throws -> ImpairAnswer {
        let response = try control(node, "impair", ["interface": interface, "action": "show"])
        guard response.ok, let result = response.result else { throw HarnessError("impair show on \(node): \(response)") }
        return try result.decode(ImpairAnswer.self)
    }

    /// Every link direction's settings text, "from → to" to settings.
    func allImpairments() throws -> [String: String] {
        var result: [String: String] = [:]
        for direction in topology.linkDirections {
            result[direction.description] = try impairment(direction.from.node, direction.from.interface).settings
        }
        return result
    }
}
