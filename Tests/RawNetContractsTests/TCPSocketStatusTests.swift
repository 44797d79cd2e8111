import RawNetContracts
@testable import RawNetCore
import Testing

/// `TCPSocketStatus` is the one writer and reader of a socket's internals.
@Suite struct TCPSocketStatusTests {
    static func stats() -> TCPConnectionStats {
        TCPConnectionStats(
            state: .established, sndUna: 1, sndNxt: 1, sndMax: 1, rcvNxt: 1, sendWindow: 65535, receiveWindow: 4096,
            smoothedRTT: .microseconds(1500), rttVariation: .microseconds(700), rto: .milliseconds(200),
            congestionWindow: 14600, slowStartThreshold: 8760, isInRecovery: true, retransmissions: 6, timeouts: 2,
            fastRetransmits: 3, duplicateAcks: 0, totalDuplicateAcks: 9, sackScoreboard: [], reassemblyHoles: [],
            bytesSent: 1000, bytesRetransmitted: 60, bytesReceived: 20, segmentsSent: 10, segmentsReceived: 8,
            sendMSS: 1460, sendWindowShift: 7, receiveWindowShift: 7, isSACKPermitted: true, isTimestampsEnabled: false)
    }

    @Test func aConnection_readsBackField_byField() {
        let written = TCPSocketStatus.connection(
            local: "10.0.1.10:40000", peer: "10.0.2.20:7000", stats: Self.stats(), receiveQueue: 5, sendQueue: 7,
            congestionControl: "cubic", isNagleEnabled: false, isDelayedAckEnabled: true)
        let read = TCPSocketStatus(parsing: written.text)
        #expect(read == written)
        #expect(read.state == "ESTABLISHED")
        #expect(read.rto == .milliseconds(200) && read.smoothedRTT == .microseconds(1500))
        #expect(read.congestionWindow == 14600 && read.slowStartThreshold == 8760)
        #expect(read.retransmissions == 6 && read.timeouts == 2 && read.fastRetransmissions == 3)
        #expect(read.bytesSent == 1000 && read.bytesReceived == 20)
        #expect(read.receiveQueue == 5 && read.sendQueue == 7)
        #expect(read[.congestion] == "cubic" && read[.nagle] == "false" && read[.recovery] == "true")
        #expect(read[.bbrMode] == nil)
        #expect(written.text.hasPrefix("proto=tcp local=10.0.1.10:40000 peer=10.0.2.20:7000 state=ESTABLISHED recvq=5 sendq=7 rto=200000"))
    }

    /// `sockets -i` lays a connection's internals on lines that fit 80 columns after the tab
    /// (8) and a space, each "name value" whole on one line: a terminal never parts them.
    @Test func socketsInternals_fit80Columns_withNamesBesideTheirValues() {
        let (status, socket) = Self.connectionSocket()
        let lines = SocketInfo.table([socket], internals: true).split(separator: "\n").map(String.init)
        let internals = lines.filter { $0.hasPrefix("\t ") }
        #expect(internals.count >= 3, "\(lines)")
        for line in internals { #expect(8 + line.count - 1 <= 80, "\(line.count): \(line)") }
        let parts = status.readableParts(skipping: [.proto, .local, .peer, .state, .recvq, .sendq])
        // Nothing lost or reordered: the same words in the same order.
        let words = { (text: String) in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        #expect(words(internals.joined(separator: " ")) == words(parts.joined(separator: " ")))
        // Names stay with their values: every line starts with a name and its value (or, after
        // a line break inside the retransmission reasons, with a reason and its count).
        for line in internals { #expect(words(line).count >= 2, "\(line)") }
        #expect(parts.contains("mss 1460") && parts.contains("congestion newreno"), "\(parts)")
    }

    /// A connection's internals and its row in a listing.
    static func connectionSocket() -> (status: TCPSocketStatus, socket: SocketInfo) {
        let status = TCPSocketStatus.connection(
            local: "10.0.1.10:40000", peer: "10.0.2.20:7000", stats: stats(), receiveQueue: 5, sendQueue: 7,
            congestionControl: "newreno", isNagleEnabled: false, isDelayedAckEnabled: true)
        let socket = SocketInfo(id: 3, app: 1, protocolName: "tcp", local: "10.0.1.10:40000", peer: "10.0.2.20:7000",
                                state: "ESTAB", appName: "chat", pid: 42, receiveQueue: 5, sendQueue: 7, internals: status.text)
        return (status, socket)
    }

    /// `sockets -i --lang ko`: the reasons and notes in Korean, on lines that still fit 80
    /// columns counted as a terminal counts Hangul (two each); the names stay those of `ss`.
    @Test func socketsInternalsInKorean_fit80Columns() {
        var socket = Self.connectionSocket().socket
        let table = SocketInfo.table([socket], internals: true, language: "ko")
        let internals = table.split(separator: "\n").map(String.init).filter { $0.hasPrefix("\t ") }
        #expect(table.contains("타임아웃으로") && table.contains("rto ") && table.contains("cwnd "), "\(table)")
        #expect(!table.contains("timeout "), "\(table)")
        for line in internals {
            let columns = line.unicodeScalars.reduce(0) { $0 + ((0xAC00...0xD7A3).contains($1.value) ? 2 : 1) }
            #expect(8 + columns - 1 <= 80, "\(columns): \(line)")
        }
        socket.internals = nil
        socket.drops = 3
        #expect(SocketInfo.table([socket], internals: false, language: "ko").contains("\t 버림 3 (받기 큐가 가득 참)"))
        #expect(SocketInfo.table([], internals: false, language: "ko").hasSuffix("(소켓 없음)"))
    }

    /// On a terminal too narrow for the whole row (80 columns), each row's process goes on
    /// the line under it, so no row wraps; with room, or piped, it stays the last column.
    @Test func socketsListing_putsTheProcessUnderItsRow_whenTheRowIsWiderThanTheTerminal() {
        let listener = SocketInfo(id: 1, app: 1, protocolName: "tcp", local: "*:7000", state: "LISTEN",
                                  appName: "chat-room", pid: 717, receiveQueue: 0, sendQueue: 32)
        let connection = SocketInfo(id: 3, app: 1, protocolName: "tcp", local: "10.0.2.20:7000", peer: "10.0.1.10:49152",
                                    state: "ESTABLISHED", appName: "chat-room", pid: 717, receiveQueue: 0, sendQueue: 0)
        let orphan = SocketInfo(id: 0, app: 0, protocolName: "tcp", local: "10.0.2.20:7000", peer: "10.0.1.10:49153",
                                state: "TIME-WAIT", receiveQueue: 0, sendQueue: 0)
        let wide = SocketInfo.table([listener, connection, orphan], internals: false)
        #expect(wide.split(separator: "\n").count == 4 && wide.contains("32      *:7000"), "\(wide)")
        #expect(SocketInfo.table([listener, connection, orphan], internals: false, width: 200) == wide)
        let narrow = SocketInfo.table([listener, connection, orphan], internals: false, width: 80)
        let lines = narrow.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.replacing("\t", with: "        ").count <= 80 }, "\(narrow)")
        #expect(lines.first?.hasSuffix("Peer Address:Port") == true, "\(narrow)")
        #expect(lines[1] == "\t Process", "the header's Process goes under it, where the processes are: \(narrow)")
        #expect(lines.count == 7, "a process line under each owned socket, none under the orphan: \(narrow)")
        #expect(lines[3] == "\t (\"chat-room\",pid=717,sock=1)" && lines[5] == "\t (\"chat-room\",pid=717,sock=3)", "\(narrow)")
        #expect(lines[6].hasPrefix("tcp    TIME-WAIT") && !lines[6].contains("("), "\(narrow)")
    }

    /// `sockets -i` names the Process column in every layout, as the listing without -i does:
    /// the last header cell when the rows fit, the header's second line when each process goes
    /// under its row (there, before the internals lines of the row).
    @Test func socketsInternals_headerNamesTheProcessColumn_inEveryLayout() {
        let status = TCPSocketStatus.connection(
            local: "10.0.2.20:7000", peer: "10.0.1.10:49152", stats: Self.stats(), receiveQueue: 0, sendQueue: 0,
            congestionControl: "newreno", isNagleEnabled: false, isDelayedAckEnabled: true)
        let connection = SocketInfo(id: 3, app: 1, protocolName: "tcp", local: "10.0.2.20:7000", peer: "10.0.1.10:49152",
                                    state: "ESTABLISHED", appName: "chat-room", pid: 717, receiveQueue: 0, sendQueue: 0,
                                    internals: status.text)
        for width in [nil, 200, 80] {
            for internals in [false, true] {
                let lines = SocketInfo.table([connection], internals: internals, width: width).split(separator: "\n").map(String.init)
                let process = "(\"chat-room\",pid=717,sock=3)"
                let inRow = lines[0].hasSuffix("  Process") && lines[1].hasSuffix(process)
                let below = lines[0].hasSuffix("Peer Address:Port") && lines[1] == "\t Process" && lines[3] == "\t " + process
                #expect(width == 80 ? below : inRow, "width \(String(describing: width)), -i \(internals):\n\(lines.joined(separator: "\n"))")
                #expect(lines.filter { $0.contains("Process") }.count == 1)
                #expect(internals == lines.contains { $0.hasPrefix("\t rto ") }, "\(lines)")
            }
        }
    }

    @Test func everyWrittenKey_isAKnownKey() {
        let text = TCPSocketStatus.connection(
            local: "a", peer: "b", stats: Self.stats(), receiveQueue: 0, sendQueue: 0, congestionControl: "newreno",
            isNagleEnabled: true, isDelayedAckEnabled: true).text
        for word in text.split(separator: " ") {
            let key = String(word.split(separator: "=")[0])
            #expect(TCPSocketStatus.Key(rawValue: key) != nil, "\(key)")
        }
    }

    @Test func listenersAndClosedSockets() {
        let listening = TCPSocketStatus(parsing: TCPSocketStatus.listening(local: "0.0.0.0:7000", ready: 2, backlog: 16).text)
        #expect(listening.state == "LISTEN" && listening.receiveQueue == 2 && listening.sendQueue == 16)
        #expect(TCPSocketStatus(parsing: TCPSocketStatus.closed(local: "0.0.0.0:0").text).state == "CLOSED")
        let odd = TCPSocketStatus(parsing: "state=ESTABLISHED nonsense cwnd=abc future_key=1")
        #expect(odd.state == "ESTABLISHED" && odd.congestionWindow == nil && odd.retransmissions == 0)
    }

    @Test func readable_showsTimesWithUnits_andAnUnsetSSThreshAsADash() {
        var stats = Self.stats()
        stats.smoothedRTT = .microseconds(1234)
        stats.rttVariation = .microseconds(617)
        stats.slowStartThreshold = Int.max / 2
        let status = TCPSocketStatus.connection(
            local: "a", peer: "b", stats: stats, receiveQueue: 0, sendQueue: 0, congestionControl: "cubic",
            isNagleEnabled: true, isDelayedAckEnabled: true)
        // The wire form stays machine-readable: microseconds, the raw threshold.
        #expect(status.text.contains("rto=200000 srtt=1234 rttvar=617"))
        #expect(status.text.contains("ssthresh=\(Int.max / 2)"))
        let text = status.readable(skipping: [.proto, .local, .peer, .state, .recvq, .sendq])
        #expect(text.hasPrefix("rto 200ms  srtt 1.2ms  rttvar 617µs  cwnd 14600  ssthresh -  mss 1460"), "\(text)")
        #expect(!text.contains("4611686018427387903"))
        #expect(!text.contains("proto") && !text.contains("state"))
        #expect(TCPSocketStatus(parsing: "rto=1000000 future=3 odd").readable() == "rto 1s  future 3  odd")
        // A minimum over a 10 s window says so: it may stand above srtt, which remembers longer.
        #expect(TCPSocketStatus(parsing: "srtt=2900 min_rtt=7000").readable() == "srtt 2.9ms  min_rtt 7ms (last 10 s)")
        #expect(TCPSocketStatus(parsing: "min_rtt=7000").readableParts(language: "ko") == ["min_rtt 7ms (최근 10초)"])
    }

    /// Retransmissions by reason travel as `retrans_*` words, read back typed,
    /// and show in learner's words; `spurious` only from a host that counts it.
    @Test func retransmissionReasons_travelAndReadInWords() {
        var stats = Self.stats()
        stats.retransmitsBy.timeout = 2
        stats.retransmitsBy.duplicateAcks = 1
        stats.retransmitsBy.rack = 2
        stats.retransmitsBy.lossProbe = 1
        let written = TCPSocketStatus.connection(
            local: "a", peer: "b", stats: stats, receiveQueue: 0, sendQueue: 0, congestionControl: "cubic",
            isNagleEnabled: true, isDelayedAckEnabled: true)
        #expect(written.text.contains("retrans_rto=2 retrans_dupack=1 retrans_rack=2 retrans_tlp=1"))
        let read = TCPSocketStatus(parsing: written.text)
        #expect(read.retransmissions(.timeout) == 2 && read.retransmissions(.duplicateAcks) == 1)
        #expect(read.retransmissions(.rack) == 2 && read.retransmissions(.lossProbe) == 1)
        #expect(read.spuriousRetransmissionsIfCounted == 0)
        #expect(read.retransmissionReasons() == "timeout 2, three duplicate ACKs 1, RACK 2, tail-loss probe 1; spurious 0")
        #expect(read.retransmissionReasons(language: "ko")
                == "타임아웃으로 2회, 중복 ACK 세 개로 1회, RACK으로 2회, 꼬리 손실 프로브로 1회; 불필요 0회")
        let text = read.readable(skipping: [.proto, .local, .peer, .state, .recvq, .sendq])
        #expect(text.contains("retrans 6 (timeout 2, three duplicate ACKs 1, RACK 2, tail-loss probe 1; spurious 0)"),
                "\(text)")
        #expect(!text.contains("retrans_rto"))
        // The timer's expiries are not the segments they resent: a name that says so.
        #expect(text.contains("rto_expiries 2") && !text.contains("timeouts"), "\(text)")
        // A host that does not count needless retransmissions: no "spurious" at all.
        let older = TCPSocketStatus(parsing: "retrans=1 retrans_rto=1 retrans_dupack=0 retrans_rack=0 retrans_tlp=0")
        #expect(older.spuriousRetransmissionsIfCounted == nil)
        #expect(older.retransmissionReasons() == "timeout 1, three duplicate ACKs 0, RACK 0, tail-loss probe 0")
        // An older host without the reason words: the plain count, as it came.
        #expect(TCPSocketStatus(parsing: "retrans=3").readable() == "retrans 3")
    }

    @Test func readableTimes() {
        let time = TCPSocketStatus.readableTime(microseconds:)
        #expect(time(0) == "0µs" && time(850) == "850µs")
        #expect(time(1000) == "1ms" && time(1200) == "1.2ms" && time(12_340) == "12.3ms" && time(99_990) == "100ms")
        #expect(time(200_000) == "200ms" && time(1_500_000) == "1.5s" && time(60_000_000) == "60s")
        #expect(TCPSocketStatus.readableTime(nil) == "-")
        #expect(TCPSocketStatus.readableTime(.milliseconds(40)) == "40ms")
        #expect(TCPSocketStatus.readableWindow(8760) == "8760" && TCPSocketStatus.readableWindow(Int.max / 2) == "-")
        #expect(TCPSocketStatus.readableWindow(nil) == "-")
    }
}

@Suite struct SocketPathsTests {
    @Test func everyFile_isNamedInsideTheRunDirectory() {
        let paths = SocketPaths(runDirectory: "/run/user/0/rawnet/lab///")
        #expect(paths.runDirectory == "/run/user/0/rawnet/lab")
        #expect(paths.link(node: "alice", interface: "eth0") == "/run/user/0/rawnet/lab/alice.eth0")
        #expect(paths.control(node: "r1") == "/run/user/0/rawnet/lab/r1.ctl")
        #expect(paths.appAPI(node: "bob") == "/run/user/0/rawnet/lab/bob.api")
        #expect(paths.labConfigFile == "/run/user/0/rawnet/lab/lab.conf")
        #expect(SocketPaths.reservedSuffixes.contains("ctl") && SocketPaths.maximumLength == 107)
    }
}

@Suite struct ControlCodecTests {
    @Test func requestsAndResponses_travelAsOneLineEach() throws {
        let line = try ControlCodec.encodeLine(ControlRequest(command: "impair", args: ["interface": "eth0"]))
        #expect(line.last == 0x0A && line.dropLast().allSatisfy { $0 != 0x0A })
        let back = try ControlCodec.decodeLine(ControlRequest.self, from: line.dropLast())
        #expect(back.command == "impair" && back.args["interface"] == "eth0")
        let answer = ImpairAnswer(interface: "eth0", settings: "loss 20%", isPerfect: false)
        let value = try JSONValue(encoding: answer)
        #expect(try value.decode(ImpairAnswer.self) == answer)
    }
}
