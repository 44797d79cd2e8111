import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct TraceFormatterTests {
    @Test func scriptedExchange_matchesGoldenLines() {
        var formatter = TraceFormatter()
        #expect(formatter.format(Fixture.exchange) == Goldens.exchangeTrace + "\n")
        #expect(formatter.startTime == Fixture.t0)
    }

    @Test func arpUDPICMPImpairedCorruptedTruncated_matchGoldenLines() {
        var formatter = TraceFormatter()
        #expect(formatter.format(GoldenInputs.otherFrames) == Goldens.otherFramesTrace + "\n")
    }

    @Test func colour_wrapsPartsInANSIOnlyWhenAsked() {
        let drop = Fixture.exchange.first { $0.kind == .dropped }!
        var plain = TraceFormatter(startTime: Fixture.t0)
        var colour = TraceFormatter(startTime: Fixture.t0, usesColour: true)
        let plainLine = plain.format(drop), colourLine = colour.format(drop)
        #expect(!plainLine.contains("\u{1B}"))
        #expect(colourLine.contains("\u{1B}[1;31m✗ DROPPED (injected loss)\u{1B}[0m"))
        // Without the escape codes the two lines are the same.
        #expect(stripANSI(colourLine) == plainLine)
    }

    @Test func transportEvent_withoutConventionStillShowsItsText() {
        let event = TraceEvent(time: Fixture.t0 + 1_234_567, node: "alice", kind: .transport,
                               detail: "retransmitting after 3 duplicate ACKs")
        let formatter = TraceFormatter(startTime: Fixture.t0)
        #expect(formatter.line(for: event) == "    1.235 alice       • TCP retransmitting after 3 duplicate ACKs")
    }

    @Test func dropWithoutReason_saysSo() {
        let event = TraceEvent(time: Fixture.t0, node: "r1", interface: "eth0", kind: .dropped, frame: FixtureFrames.udp)
        #expect(TraceFormatter(startTime: Fixture.t0).line(for: event).hasSuffix("✗ DROPPED (no reason given)"))
    }

    /// Counting from each side's SYN, as tcpdump: the SYN and SYN-ACK show the numbers on the
    /// wire, later segments count seq from their sender's SYN and ack and SACK blocks from
    /// their receiver's, and a retransmission event's seq counts alike. A connection whose
    /// SYN was not seen keeps the wire's numbers, marked (abs); a formatter that does not
    /// count shows the wire's, unmarked.
    @Test func sequenceNumbers_countFromEachSidesSYN_whenItWasSeen() {
        let alice = Fixture.alice, bob = Fixture.bob
        func sent(_ frame: [UInt8], _ ms: Double) -> TraceEvent {
            TraceEvent(time: Fixture.at(ms), node: "alice", interface: "eth0", kind: .sent, frame: frame)
        }
        let syn = sent(Fixture.tcpFrame(from: alice, farSide: false, id: 1, seq: 1000, ack: 0, flags: [.syn]), 0)
        let synAck = sent(Fixture.tcpFrame(from: bob, farSide: false, id: 1, seq: 5000, ack: 1001, flags: [.syn, .ack]), 1)
        let data = sent(Fixture.tcpFrame(from: alice, farSide: false, id: 2, seq: 1001, ack: 5001, flags: [.psh, .ack],
                                         payload: Array("hello\n".utf8)), 2)
        let sack = sent(Fixture.tcpFrame(from: bob, farSide: false, id: 2, seq: 5001, ack: 1001, flags: [.ack],
                                         options: [.sack([SACKBlock(left: 1013, right: 1019)])]), 3)
        let detail = TCPTraceEvent(connection: TCPConnectionID(localAddress: alice.ip, localPort: alice.port,
                                                               remoteAddress: bob.ip, remotePort: bob.port),
                                   kind: .retransmitted(sequence: 1001, length: 6, reason: .timeout)).detail
        let resent = TraceEvent(time: Fixture.at(4), node: "alice", kind: .transport, detail: detail)

        var counting = TraceFormatter(startTime: Fixture.t0)
        counting.sequenceBases = TCPSequenceBases()
        let lines = [syn, synAck, data, sack, resent].map { counting.format($0) }
        #expect(lines[0].contains("[S] seq 1000 win"), "\(lines[0])")
        #expect(lines[1].contains("[S.] seq 5000 ack 1001 win"), "\(lines[1])")
        #expect(lines[2].contains("[P.] seq 1:7 ack 1 win"), "\(lines[2])")
        #expect(lines[3].contains("[.] seq 1 ack 1 win") && lines[3].contains("sack 1 {13:19}"), "\(lines[3])")
        #expect(lines[4].contains("event=retransmit") && lines[4].contains(" seq=1 len=6"), "\(lines[4])")

        #expect(!lines.contains { $0.contains("(abs)") }, "counted, or a SYN's own: nothing marked")

        var wire = TraceFormatter(startTime: Fixture.t0)
        #expect(wire.format(data).contains("seq 1001:1007 ack 5001 win"), "--absolute: nothing marked either")
        #expect(wire.format(resent).contains(" seq=1001 "))
        // No SYN seen: the wire's numbers, each marked as such where the others would count.
        var late = TraceFormatter(startTime: Fixture.t0)
        late.sequenceBases = TCPSequenceBases()
        #expect(late.format(data).contains("seq 1001:1007(abs) ack 5001(abs) win"), "no SYN seen: the wire's numbers")
        #expect(late.format(sack).contains("[.] seq 5001(abs) ack 1001(abs) win") && late.format(sack).contains("sack 1 {1013:1019}(abs)"))
        #expect(late.format(resent).contains(" seq=1001(abs) len=6"))
        // Only bob's SYN-ACK seen: bob's numbers count from it, alice's stay the wire's.
        var half = TraceFormatter(startTime: Fixture.t0)
        half.sequenceBases = TCPSequenceBases()
        #expect(half.format(synAck).contains("[S.] seq 5000 ack 1001 win"), "a SYN's own numbers are not marked")
        #expect(half.format(data).contains("seq 1001:1007(abs) ack 1 win"), "\(half.format(data))")
        #expect(half.format(sack).contains("[.] seq 1 ack 1001(abs) win"))
    }

    @Test func packetTracedAboveEthernet_saysSoInsteadOfZeroMACs() {
        // A host traces "no socket on port" with a blank Ethernet header in front of the IPv4 packet.
        let packet = Array(FixtureFrames.udp.dropFirst(14))
        let frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + packet
        let event = TraceEvent(time: Fixture.t0, node: "bob", interface: "eth0", kind: .dropped, frame: frame,
                               reason: "no socket on port")
        let line = TraceFormatter(startTime: Fixture.t0).line(for: event)
        #expect(line.contains("(seen in the IP layer: no Ethernet header) | IPv4 "), "\(line)")
        #expect(!line.contains("00:00:00"))
    }

    @Test func extremeTimes_doNotTrap() {
        let events = [TraceEvent(time: .max, node: "a", kind: .note, detail: "late"),
                      TraceEvent(time: .min, node: "a", kind: .note, detail: "early")]
        var formatter = TraceFormatter()
        #expect(formatter.format(events).split(separator: "\n").count == 2)
        let tcp = Fixture.exchange.enumerated().map { i, e -> TraceEvent in
            var copy = e
            copy.time = i % 2 == 0 ? .max - Int64(i) : .min + Int64(i)
            return copy
        }
        #expect(!Ladder(events: tcp).renderText().isEmpty)
        #expect(XMLCheck.problem(in: TCPPlot(events: tcp).renderSVG()) == nil)
    }

    @Test func withLayers_addsTheBoxesAfterTheLine() {
        var formatter = TraceFormatter(startTime: Fixture.t0)
        let event = TraceEvent(time: Fixture.t0, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.hello)
        let text = formatter.formatWithLayers(event)
        #expect(text == formatter.line(for: event) + "\n" + Goldens.helloLayers + "\n")
    }

    @Test func millisecondText_roundsToMicroseconds() {
        #expect(Text.milliseconds(nanoseconds: 0) == "0.000")
        #expect(Text.milliseconds(nanoseconds: 1_499) == "0.001")
        #expect(Text.milliseconds(nanoseconds: 12_345_678) == "12.346")
        #expect(Text.milliseconds(nanoseconds: -2_000_000) == "-2.000")
    }

    /// Every frame of the fixtures cut at every length and with every single bit flipped
    /// in its first 60 bytes: the renderers never trap and always produce text.
    @Test func damagedFrames_renderWithoutTrapping() {
        let frames = Fixture.exchange.compactMap(\.frame) + GoldenInputs.otherFrames.compactMap(\.frame)
        let formatter = TraceFormatter(startTime: Fixture.t0)
        var count = 0
        for frame in frames.prefix(8) + [FixtureFrames.timeExceeded, FixtureFrames.arpRequest] {
            var variants: [[UInt8]] = (0...frame.count).map { Array(frame.prefix($0)) }
            for byte in 0..<min(frame.count, 60) {
                for bit in 0..<8 { variants.append(FixtureFrames.flipped(frame, byte: byte, bit: bit)) }
            }
            for variant in variants {
                let event = TraceEvent(time: Fixture.t0, node: "x", interface: "eth0", kind: .received, frame: variant)
                #expect(!formatter.line(for: event).isEmpty)
                #expect(!LayerView.render(frame: variant).isEmpty)
                #expect(!Encapsulation.render(frame: variant).isEmpty)
                count += 1
            }
        }
        #expect(count > 4000)
    }

    @Test func bitFlippedTCPHeader_isMarkedBadChecksum() {
        // Byte 48 is the TCP window's high byte: structure intact, checksum wrong.
        let event = TraceEvent(time: Fixture.t0, node: "bob", interface: "eth0", kind: .received,
                               frame: FixtureFrames.flipped(FixtureFrames.hello, byte: 48, bit: 7))
        let line = TraceFormatter(startTime: Fixture.t0).line(for: event)
        #expect(line.contains("win 32767"))
        #expect(line.hasSuffix("⚠ bad checksum (TCP)"))
    }
}

func stripANSI(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for ch in text {
        if inEscape { if ch == "m" { inEscape = false }; continue }
        if ch == "\u{1B}" { inEscape = true; continue }
        out.append(ch)
    }
    return out
}
