import Foundation
import RawNetPlatform

/// Spurious retransmissions under reordering, RawNet against Linux on the
/// same lab in one run: `linux — r1 — bob` with a linux node attached
/// (`rawnet attach`, needs root), 5 % reordering and 5 ms delay on both
/// directions of the linux–r1 link. Each round moves `size` bytes Linux →
/// RawNet (Python sends, `rawnet nc -l` on bob receives) and `size` bytes
/// RawNet → Linux (`rawnet nc` on bob sends, Python receives), each on a new
/// connection, and reads both senders' counters:
///
/// - Linux, from `nstat` in its namespace (differences over the round):
///   `TcpRetransSegs`, `TcpExtTCPDSACKRecv` (ACKs carrying a D-SACK),
///   `TcpExtTCPDSACKRecvSegs` (the segments those D-SACKs reported received
///   twice), `TcpExtTCPDSACKOldSent` + `TcpExtTCPDSACKOfoSent` (duplicates
///   Linux received while RawNet sent), the undo counters, and the receive
///   drops (`TcpExtTCPOFODrop`, `TcpExtTCPRcvQDrop`, `TcpExtPruneCalled`,
///   `TcpExtTCPBacklogDrop`).
/// - RawNet, from `rawnet sockets bob -i` (the sending connection waits in
///   FIN-WAIT-2 with its final counters while Linux holds its end open): `retrans`, `dsack_received` (D-SACKs),
///   `spurious_retrans` (the segments they reported), `undo`; and every drop
///   `rawnet status` counts in the lab.
///
/// Nothing is lost or duplicated on the wire, so every duplicate a receiver
/// reports is a needless retransmission of its sender. Each round checks that:
/// a round in which RawNet's nodes or Linux's receiver dropped anything (but
/// a segment for a connection already closed) is marked, since a
/// retransmission there may have been needed. The two senders
/// are compared in segments (a D-SACK can cover several: Linux's
/// `TCPDSACKRecv` counts ACKs, not segments).
public struct ReorderBench: Sendable {
    public var rawnet: String
    public var rounds: Int
    public var size: Int
    public var reorder = "5%"
    public var delay = "5ms"
    public var log: @Sendable (String) -> Void

    public init(rawnet: String, rounds: Int, size: Int, log: @escaping @Sendable (String) -> Void) {
        self.rawnet = rawnet
        self.rounds = rounds
        self.size = size
        self.log = log
    }

    /// One round's counters.
    public struct Round: Sendable, CustomStringConvertible {
        /// Linux as sender (Linux → RawNet).
        public var linuxRetransmissions = 0
        public var linuxDSACKsReceived = 0
        /// Segments Linux's D-SACKs-received reported (`TcpExtTCPDSACKRecvSegs`).
        public var linuxDSACKedSegments = 0
        public var linuxUndos = 0
        /// RawNet as sender (RawNet → Linux).
        public var rawnetRetransmissions = 0
        public var rawnetDSACKsReceived = 0
        public var rawnetSpurious = 0
        public var rawnetUndos = 0
        /// D-SACKs Linux sent while receiving RawNet's data.
        public var linuxDSACKsSent = 0
        /// Frames RawNet's nodes dropped during the round (every reason `rawnet status`
        /// counts), and segments Linux's TCP dropped as receiver: both 0 in a lossless round.
        public var labDrops = 0
        public var linuxReceiveDrops = 0
        /// Nothing was dropped: every retransmission of the round was needless.
        public var isLossless: Bool { labDrops == 0 && linuxReceiveDrops == 0 }
        /// Seconds each transfer took, from starting the sending program until
        /// the receiving one ended (both include starting a process).
        public var linuxSeconds = 0.0
        public var rawnetSeconds = 0.0

        /// Goodput of a transfer of `size` bytes, Mbit/s.
        public static func megabits(_ size: Int, in seconds: Double) -> Double {
            seconds > 0 ? Double(size) * 8 / seconds / 1e6 : 0
        }

        public var description: String {
            "linux→rawnet: linux retrans \(linuxRetransmissions), D-SACKs received \(linuxDSACKsReceived) "
                + "(\(linuxDSACKedSegments) segments), undos \(linuxUndos); "
                + "rawnet→linux: rawnet retrans \(rawnetRetransmissions), D-SACKs received \(rawnetDSACKsReceived) "
                + "(Linux sent \(linuxDSACKsSent)), spurious \(rawnetSpurious), undos \(rawnetUndos); "
                + "seconds linux \(String(format: "%.2f", linuxSeconds)), rawnet \(String(format: "%.2f", rawnetSeconds)); "
                + "drops: lab \(labDrops), Linux receiver \(linuxReceiveDrops)"
        }
    }

    static let sendScript = """
        import socket, sys
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
        left = int(sys.argv[3]); chunk = bytes(range(256)) * 256
        while left > 0:
            left -= s.send(chunk[:min(left, len(chunk))])
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536): pass
        s.close()
        """

    /// Receives until the peer's FIN and prints the count, then keeps its end
    /// open until the file named by its second argument exists: the sender
    /// stays in FIN-WAIT-2, where its counters are final and nothing of Linux's
    /// can end the connection before they are read (a late retransmission
    /// reaching a closed Linux socket draws a RST, which ends TIME-WAIT).
    static let receiveScript = """
        import os, socket, sys, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("0.0.0.0", int(sys.argv[1]))); l.listen(1)
        c, _ = l.accept(); total = 0
        while True:
            d = c.recv(262144)
            if not d: break
            total += len(d)
        print(total, flush=True)
        deadline = time.time() + 120
        while not os.path.exists(sys.argv[2]) and time.time() < deadline: time.sleep(0.01)
        c.close()
        """

    public func run() throws -> [Round] {
        guard Processes.isRoot else { throw BenchError("the reorder bench attaches a Linux namespace: run it as root") }
        guard let python = Shell.which("python3") else { throw BenchError("python3 is not installed (apt-get install python3)") }
        let lab = "rb\(Processes.currentPID)"
        let directory = NSTemporaryDirectory() + "rawnet-reorder-\(lab)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            _ = try? command(["down", "--lab", lab], in: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let yaml = """
            name: \(lab)
            nodes:
              linux: { kind: linux,  ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              bob:   { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
              r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
            links:
              - endpoints: [linux:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]

            """
        try yaml.write(toFile: directory + "/lab.yaml", atomically: true, encoding: .utf8)
        try Data(Self.sendScript.utf8).write(to: URL(fileURLWithPath: directory + "/send.py"))
        try Data(Self.receiveScript.utf8).write(to: URL(fileURLWithPath: directory + "/receive.py"))
        let file = directory + "/data.bin"
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }).write(to: URL(fileURLWithPath: file))

        // `up` and `attach` leave daemons running, so no command here runs
        // through a pipe the daemons could inherit and hold open.
        _ = try command(["up", directory + "/lab.yaml"], in: directory)
        _ = try command(["attach", "linux", "--lab", lab], in: directory)
        _ = try command(["impair", "linux-r1", "--reorder", reorder, "--delay", delay, "--lab", lab], in: directory)
        log("lab \(lab): linux — r1 — bob, reorder \(reorder) and delay \(delay) both ways on linux–r1")

        var results: [Round] = []
        var port = 20_000
        for index in 0..<rounds {
            var round = Round()
            let dropsBefore = try labDrops(lab, in: directory)
            // Linux → RawNet.
            port += 1
            let before = try nstat(lab, in: directory)
            let listener = try Shell.start(["/bin/sh", "-c", "exec '\(rawnet)' nc bob -l \(port) --lab \(lab) > /dev/null"],
                                           logPath: directory + "/nc-\(port).log")
            try RawnetCommand.waitUntil("bob listens on \(port)") {
                ((try? command(["sockets", "bob", "--lab", lab], in: directory)) ?? "").contains(":\(port) ")
            }
            var started = Date()
            _ = try command(["exec", "linux", "--lab", lab, "--", python, directory + "/send.py",
                             "10.0.2.20", String(port), String(size)], in: directory)
            try RawnetCommand.waitUntil("rawnet nc -l on \(port) ends") { !Shell.isRunning(pid: listener) }
            round.linuxSeconds = Date().timeIntervalSince(started)
            let middle = try nstat(lab, in: directory)
            round.linuxRetransmissions = middle["TcpRetransSegs", default: 0] - before["TcpRetransSegs", default: 0]
            round.linuxDSACKsReceived = middle["TcpExtTCPDSACKRecv", default: 0] - before["TcpExtTCPDSACKRecv", default: 0]
            round.linuxDSACKedSegments = middle["TcpExtTCPDSACKRecvSegs", default: 0] - before["TcpExtTCPDSACKRecvSegs", default: 0]
            round.linuxUndos = middle["TcpExtTCPDSACKUndo", default: 0] - before["TcpExtTCPDSACKUndo", default: 0]
                + middle["TcpExtTCPLossUndo", default: 0] - before["TcpExtTCPLossUndo", default: 0]
                + middle["TcpExtTCPFullUndo", default: 0] - before["TcpExtTCPFullUndo", default: 0]
                + middle["TcpExtTCPPartialUndo", default: 0] - before["TcpExtTCPPartialUndo", default: 0]

            // RawNet → Linux.
            port += 1
            let release = directory + "/release-\(port)"
            let receiveLog = directory + "/receive-\(port).log"
            let receiver = try Shell.start([rawnet, "exec", "linux", "--lab", lab, "--", python,
                                            directory + "/receive.py", String(port), release],
                                           logPath: receiveLog)
            try RawnetCommand.waitUntil("Linux listens on \(port)") {
                ((try? command(["exec", "linux", "--lab", lab, "--", "ss", "-ltn"], in: directory)) ?? "")
                    .contains(":\(port) ")
            }
            started = Date()
            // nc ends when both sides are done, so it runs beside the reads below.
            let sender = try Shell.start(["/bin/sh", "-c", "exec '\(rawnet)' nc bob 10.0.1.10 \(port) --lab \(lab) "
                                            + "< '\(file)' > /dev/null"],
                                         logPath: directory + "/nc-\(port).log")
            var received = ""
            try RawnetCommand.waitUntil("the Linux receiver on \(port) reads the end of the data") {
                received = ((try? String(contentsOfFile: receiveLog, encoding: .utf8)) ?? "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return !received.isEmpty || !Shell.isRunning(pid: receiver)
            }
            round.rawnetSeconds = Date().timeIntervalSince(started)
            guard received == String(size) else {
                throw BenchError("Linux received \(received.isEmpty ? "nothing" : received) bytes, not \(size)")
            }
            // Linux holds its end open, so bob's connection waits in FIN-WAIT-2 once its
            // FIN is acknowledged: nothing is in flight and its counters are final.
            let internals = try senderInternals(lab: lab, port: port, in: directory, whenIn: "FIN-WAIT-2")
            FileManager.default.createFile(atPath: release, contents: nil)
            try RawnetCommand.waitUntil("the Linux receiver on \(port) ends") { !Shell.isRunning(pid: receiver) }
            try RawnetCommand.waitUntil("rawnet nc to \(port) ends") { !Shell.isRunning(pid: sender) }
            let after = try nstat(lab, in: directory)
            round.linuxDSACKsSent = after["TcpExtTCPDSACKOldSent", default: 0] - middle["TcpExtTCPDSACKOldSent", default: 0]
                + after["TcpExtTCPDSACKOfoSent", default: 0] - middle["TcpExtTCPDSACKOfoSent", default: 0]
            round.linuxReceiveDrops = Self.receiveDrops.reduce(0) { $0 + after[$1, default: 0] - before[$1, default: 0] }
            let dropsAfter = try labDrops(lab, in: directory)
            round.labDrops = dropsAfter.total - dropsBefore.total
            if round.labDrops > 0 { log("  drops in the lab so far:\n" + dropsAfter.lines.joined(separator: "\n")) }
            round.rawnetRetransmissions = internals["retrans"] ?? 0
            round.rawnetDSACKsReceived = internals["dsack_received"] ?? 0
            round.rawnetSpurious = internals["spurious_retrans"] ?? 0
            round.rawnetUndos = internals["undo"] ?? 0
            log("round \(index + 1): \(round)")
            results.append(round)
        }
        return results
    }

    /// Linux's counters of segments its TCP received and threw away.
    static let receiveDrops = ["TcpExtTCPOFODrop", "TcpExtTCPRcvQDrop", "TcpExtPruneCalled", "TcpExtTCPBacklogDrop"]

    /// Every drop `rawnet status` counts in the lab, summed over nodes,
    /// interfaces and reasons (absolute), but for segments to a connection
    /// already gone (see `harmlessReasons`); and the status lines with drops.
    func labDrops(_ lab: String, in directory: String) throws -> (total: Int, lines: [String]) {
        let text = try command(["status", "--lab", lab], in: directory)
        return (Self.sumOfDrops(inStatus: text), text.split(separator: "\n").filter { $0.contains("drops ") }.map(String.init))
    }

    /// Drops that lose no data: a segment for a connection its receiver has
    /// closed (a late duplicate of the peer's last ACK or FIN, answered by a
    /// reset) comes after the receiver read everything.
    static let harmlessReasons: Set<String> = ["no socket on port"]

    /// The sum of the per-reason counts of `rawnet status` output's `drops N: C reason, …`
    /// lines, leaving out `harmlessReasons`.
    public static func sumOfDrops(inStatus text: String) -> Int {
        text.split(separator: "\n").reduce(0) { total, line in
            guard let range = line.range(of: "drops "), let colon = line[range.upperBound...].firstIndex(of: ":") else {
                return total
            }
            let reasons = line[line.index(after: colon)...].split(separator: ",").compactMap { part -> (Int, String)? in
                let words = part.split(separator: " ", maxSplits: 1)
                guard words.count == 2, let count = Int(words[0]) else { return nil }
                return (count, String(words[1]))
            }
            return total + reasons.filter { !harmlessReasons.contains($0.1) }.reduce(0) { $0 + $1.0 }
        }
    }

    /// Linux's TCP counters in the linux node's namespace, absolute.
    func nstat(_ lab: String, in directory: String) throws -> [String: Int] {
        let text = try command(["exec", "linux", "--lab", lab, "--", "nstat", "-asz"], in: directory)
        var counters: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.count >= 2, let value = Int(words[1]) { counters[String(words[0])] = value }
        }
        guard counters["TcpRetransSegs"] != nil else { throw BenchError("nstat gave no TcpRetransSegs:\n\(text)") }
        return counters
    }

    /// The integer internals of bob's connection to 10.0.1.10:`port`, from
    /// `rawnet sockets bob -i`, once its row shows `state`.
    func senderInternals(lab: String, port: Int, in directory: String, whenIn state: String) throws -> [String: Int] {
        var text = ""
        var found: (lines: [Substring], row: Int)?
        do {
            try RawnetCommand.waitUntil("bob's connection to 10.0.1.10:\(port) is in \(state)", timeout: 30) {
                text = (try? command(["sockets", "bob", "-i", "--lab", lab], in: directory)) ?? ""
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                guard let row = lines.firstIndex(where: { $0.contains("10.0.1.10:\(port)") }), row + 1 < lines.count,
                      lines[row].contains(state) else { return false }
                found = (lines, row)
                return true
            }
        } catch {
            throw BenchError("\(error); last seen:\n\(text)")
        }
        guard let (lines, row) = found else { throw BenchError("bob holds no connection to 10.0.1.10:\(port):\n\(text)") }
        let values = Self.internals(following: row, in: lines)
        log("  bob → linux:\(port): " + values.map { "\($0.key) \($0.value)" }.sorted().joined(separator: "  "))
        guard values["retrans"] != nil, values["spurious_retrans"] != nil else {
            throw BenchError("bob's connection to 10.0.1.10:\(port) shows no retrans or spurious_retrans counter:\n\(text)")
        }
        return values
    }

    /// The integer `name value` pairs of the internals `rawnet sockets -i` prints under
    /// row `row`: every following line that starts with a tab, read as one text, without
    /// the parenthesized breakdowns (`retrans 180 (timeout 0, …)` may span lines).
    static func internals(following row: Int, in lines: [Substring]) -> [String: Int] {
        let text = lines[(row + 1)...].prefix { $0.hasPrefix("\t") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "  ")
        var plain = "", depth = 0
        for character in text {
            if character == "(" { depth += 1 } else if character == ")" { depth = max(0, depth - 1) } else if depth == 0 { plain.append(character) }
        }
        var values: [String: Int] = [:]
        for pair in plain.components(separatedBy: "  ") {
            let parts = pair.split(separator: " ")
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    /// `rawnet ARGUMENTS`, its output in a file of `directory` (see `RawnetCommand`).
    func command(_ arguments: [String], in directory: String, input: String? = nil) throws -> String {
        try RawnetCommand(rawnet: rawnet, directory: directory).run(arguments, input: input)
    }
}
