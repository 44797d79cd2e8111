import RawNetView
import Testing

/// Trace lines and ladders made to fit a terminal's columns (`rawnet trace` and
/// `rawnet ladder` on a terminal, or with `--width`): nothing cut, nothing wider.
@Suite struct FitTests {
    @Test func traceLine_wrapsUnderItsText_andKeepsEveryWord() {
        let line = "    1.499 alice:eth0  → be:06:b2>42:28:47 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 1 | ICMP echo request id 49152 seq 1 len 56"
        let lines = TraceFormatter.fit(line, width: 80)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
        #expect(lines[1].hasPrefix(String(repeating: " ", count: 24)) && lines[1].dropFirst(24).first != " ")
        let words = { (text: String) in text.split(separator: " ") }
        #expect(lines.flatMap(words) == words(line))
        #expect(TraceFormatter.fit("    0.000 r1:eth0     # short", width: 80) == ["    0.000 r1:eth0     # short"])
    }

    /// A mark is never left at a line's end apart from its words: "↻ retransmission (RACK)"
    /// and "✗ DROPPED" move to the next line whole; the spaces printed stay plain spaces.
    @Test func traceLine_keepsItsMarksWhole() {
        let line = "    6.829 alice:eth0  · be:06:b2>42:28:47 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 17 | TCP 49152 > 7100 [.] "
            + "seq 4345:5793 ack 1 win 2048 len 1448 [TS val 3504931676 ecr 167986297] ↻ retransmission (RACK) ✗ DROPPED (injected loss)"
        let lines = TraceFormatter.fit(line, width: 80)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(lines)")
        #expect(lines.contains { $0.contains("↻ retransmission (RACK)") }, "\(lines)")
        #expect(lines.contains { $0.contains("✗ DROPPED") }, "\(lines)")
        #expect(!lines.contains { $0.hasSuffix("↻") || $0.hasSuffix("✗") || $0.hasSuffix("retransmission") })
        #expect(!lines.joined().contains("\u{A0}"))
    }

    @Test func ladder_titlesSplit_notesGoBetweenTheLanes_noLineWider() {
        let text = """
             time (ms)  client alice 10.0.1.10:49152                 server bob 10.0.2.20:7000
                        │                                            │
                 1.460  │─ SYN seq=0 ───────────────────────────────▶│
                67.901  │─ DATA seq=11 ack=45 len=7 ────────────────▶│  ↻ retransmission (tail-loss probe) after the first copy was lost
                        │                                            │
            """
        let lines = Ladder.fit(text, width: 70)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 70 }, "\(lines.joined(separator: "\n"))")
        #expect(lines[0].hasSuffix("client alice 10.0.1.10:49152"))
        #expect(lines[1].hasSuffix("server bob 10.0.2.20:7000") && DisplayWidth.of(lines[1]) == DisplayWidth.of(lines[2]))
        #expect(lines.contains { $0.contains("67.901") && $0.hasSuffix("▶│") })
        let notes = lines.filter { $0.hasPrefix("            │ ") && $0.hasSuffix(" │") && !$0.contains("─") }
        #expect(notes.map { $0.dropFirst(13).dropLast(2).trimmingSpaces }.filter { !$0.isEmpty }.joined(separator: " ")
                == "↻ retransmission (tail-loss probe) after the first copy was lost")
        #expect(Ladder.fit(text, width: 200).count == 5)
    }

    /// A note's mark goes to the next line with the words it marks, never left alone at a line's end.
    @Test func ladder_noteMarks_stayWithTheirWords() {
        let lanes = "             │                            │"
        let row = "      12.000 │─ DATA seq=11 len=7 ───────▶│  ↻ 재전송 (꼬리 손실 프로브); ✗ alice:eth0에서 손실 (인위적 손실)"
        for width in 30...60 {
            let lines = Ladder.fitRow(row, lanes: lanes, width: width)
            let notes = lines.dropFirst().map { $0.dropFirst(15).dropLast(2).trimmingSpaces }
            #expect(!notes.contains { $0.hasSuffix("✗") || $0.hasSuffix("↻") }, "width \(width):\n\(lines.joined(separator: "\n"))")
            #expect(!lines.joined().contains("\u{A0}"))
            #expect(notes.joined(separator: " ").contains("✗ alice:eth0에서"), "\(notes)")
        }
    }
}

private extension Substring {
    var trimmingSpaces: String { String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
