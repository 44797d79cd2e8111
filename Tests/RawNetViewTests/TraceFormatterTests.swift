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

    @Test func packetTracedAboveEthernet_saysSoInsteadOfZeroMACs() {
        // A host traces "no socket on port" with a blank Ethernet header in front of the IPv4 packet.
        let packet = Array(FixtureFrames.udp.dropFirst(14))
        let frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + packet
        let event = TraceEvent(time: Fixture.t0, node: "bob", interface: "eth0", kind: .dropped, frame: frame,
                               reason: "no socket on port")
        let line = TraceFormatter(startTime: Fixture.t0).line(for: event)
        #expect(line.contains("(IP layer: no frame) | IPv4 "), "\(line)")
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
