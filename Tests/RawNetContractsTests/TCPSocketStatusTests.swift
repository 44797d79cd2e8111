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
