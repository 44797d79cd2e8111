import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWire

/// Scenes beyond watching: the learner kills one chosen segment (`--drop-next`) or
/// flips one bit in it (`--corrupt-next`), predicts what TCP does next, then sees it.
extension Demo {
    /// Six lines of 13 bytes: segment N carries bytes 13·(N−1)+1 … 13·N, so segment 3 starts at 27.
    static let thirteenByteLines = (1...6).map { "part \($0) of 6." }

    /// One TCP segment of the pair's connection as it crossed a cable, numbered as the ladder numbers it.
    struct SeenSegment {
        var event: TraceEvent
        var fromAlice: Bool
        var seq: Int64
        var ack: Int64
        var length: Int
        var sack: [String]
    }

    /// The segments of `pair`'s connection in `events`, with relative numbers (from each side's SYN).
    func segments(of pair: ChatPair, in events: [TraceEvent]) -> [SeenSegment] {
        var decoded: [(TraceEvent, TCPHeader, Int, Bool)] = []
        for event in events {
            guard let frame = event.frame,
                  case .tcp(let tcp, let data)? = DecodedFrame(parsing: frame, verifyChecksums: false).transport else { continue }
            let fromAlice = tcp.sourcePort == pair.alice.localPort && tcp.destinationPort == Self.chatPort
            let toAlice = tcp.destinationPort == pair.alice.localPort && tcp.sourcePort == Self.chatPort
            guard fromAlice || toAlice else { continue }
            decoded.append((event, tcp, data.count, fromAlice))
        }
        let aliceISN = decoded.first { $0.3 && $0.1.flags.contains(.syn) }?.1.sequenceNumber ?? 0
        let bobISN = decoded.first { !$0.3 && $0.1.flags.contains(.syn) }?.1.sequenceNumber ?? 0
        return decoded.map { event, tcp, length, fromAlice in
            let own = fromAlice ? aliceISN : bobISN, other = fromAlice ? bobISN : aliceISN
            let sack = tcp.options.flatMap { option -> [String] in
                guard case .sack(let blocks) = option else { return [] }
                return blocks.map { "\(Int64($0.left &- other))-\(Int64($0.right &- other))" }
            }
            return SeenSegment(event: event, fromAlice: fromAlice, seq: Int64(tcp.sequenceNumber &- own),
                               ack: Int64(tcp.acknowledgmentNumber &- other), length: length, sack: sack)
        }
    }

    /// Sets a one-shot rule on alice's egress (`drop-next` or `corrupt-next`), runs the six-line
    /// chat over a fresh connection, and returns the pair, what bob read and the scene's events.
    /// The first `before` lines are written and read first, so the chosen segment starts
    /// exactly after them (TCP may join lines waiting together in one segment).
    func chatWithRule(_ action: String, filter: String, before: Int) throws -> (ChatPair, [String], [TraceEvent]) {
        try control("alice", "impair", ["interface": "eth0", "action": action, "filter": filter])
        say("  $ rawnet impair alice:eth0 --\(action) '\(filter)'")
        let pair: ChatPair
        let read: [String]
        do {
            pair = try openChat()
            let lines = Self.thirteenByteLines
            read = try chat(pair, lines: Array(lines[..<before]), gap: .milliseconds(20), timeout: .seconds(5))
                + chat(pair, lines: Array(lines[before...]), gap: .milliseconds(20), timeout: .seconds(10))
        } catch {
            _ = try? control("alice", "impair", ["interface": "eth0", "action": "clear"])
            throw error
        }
        _ = try? control("alice", "impair", ["interface": "eth0", "action": "clear"])
        return (pair, read, collect(quiet: .milliseconds(300)))
    }

    func dropOneScene() throws {
        let (pair, read, events) = try chatWithRule("drop-next", filter: "tcp and port 7000 and seq 27", before: 2)
        // Closed before the question: a chat typed by hand meanwhile must not join the tour's own.
        pair.close()
        ask(DemoText.dropOneQuestion)
        let seen = segments(of: pair, in: events)
        let killed = seen.first { $0.fromAlice && $0.event.kind == .dropped && $0.event.reason == DropReason.onRequest.rawValue }
        let asking = seen.filter { !$0.fromAlice && $0.event.node == "bob" && $0.event.kind == .sent && $0.ack == 27 }
        let dupACKs = asking.count - 1  // the first ACK of 27 acknowledged segment 2
        let resent = seen.contains { $0.fromAlice && $0.event.node == "bob" && $0.event.kind == .received && $0.seq == 27 }
        _ = showLadder(events, key: pair.key, limit: 14, hidden: DemoText.rowsBesideTheLoss, keep: { row in
            (Self.label(row)?.hasPrefix("DATA") ?? false) || !Self.annotations(row).isEmpty
                || (Self.label(row)?.contains("ack=27") ?? false)
        })
        let sack = asking.last?.sack.joined(separator: ", ") ?? ""
        let bytes = killed?.length ?? 0
        check(killed?.seq == 27 && bytes > 0,
              Said(en: "alice:eth0 dropped exactly the chosen frame, on request: seq 27, \(bytes) bytes",
                   ko: "alice:eth0은 고른 프레임 하나만 요청대로 버렸습니다: seq 27, \(bytes)바이트"))
        check(dupACKs >= 1 && !sack.isEmpty,
              Said(en: "bob answered segment 4 with a duplicate ACK, ack=27 again (\(dupACKs) in all; SACK \(sack))",
                   ko: "bob은 세그먼트 4에 중복 ACK로 답했습니다: 다시 ack=27 (중복 ACK \(dupACKs)개, SACK \(sack))"))
        check(resent, Said(en: "alice sent seq 27 again and it reached bob",
                           ko: "alice가 seq 27을 다시 보냈고, 이번에는 bob에 닿았습니다"))
        check(read == Self.thirteenByteLines, Said(en: "bob's app read all 6 lines, in order",
                                                   ko: "bob의 앱은 6줄을 모두 순서대로 읽었습니다"))
    }

    func corruptionScene() throws {
        let (pair, read, events) = try chatWithRule("corrupt-next", filter: "tcp and port 7000 and seq 14", before: 1)
        // Closed before the question: a chat typed by hand meanwhile must not join the tour's own.
        pair.close()
        ask(DemoText.corruptionQuestion)
        show(events, filter: "node bob and dropped")
        let seen = segments(of: pair, in: events)
        let caught = seen.first { $0.fromAlice && $0.event.node == "bob" && $0.event.kind == .dropped
            && $0.event.reason == DropReason.badChecksum.rawValue }
        let repaired = seen.contains { $0.fromAlice && $0.event.node == "bob" && $0.event.kind == .received
            && $0.seq == 14 && $0.event.time > (caught?.event.time ?? .max) }
        check(caught?.seq == 14, Said(en: "bob found the TCP checksum wrong and dropped seq 14 (bad checksum)",
                                      ko: "bob이 TCP 체크섬이 틀린 것을 찾아 seq 14를 버렸습니다 (잘못된 체크섬)"))
        check(repaired, Said(en: "alice sent seq 14 again, intact, and bob took it",
                             ko: "alice가 seq 14를 성한 채로 다시 보냈고, bob이 받았습니다"))
        check(read == Self.thirteenByteLines, Said(en: "bob's app read all 6 lines unchanged, in order",
                                                   ko: "bob의 앱은 6줄을 바뀐 곳 없이 순서대로 모두 읽었습니다"))
    }

    /// Asks a question before the evidence: with `--step` on a terminal the learner picks
    /// 1–3 (and Enter); otherwise the question and the answer are printed without waiting.
    func ask(_ question: Question) {
        let language = options.language
        say(painter.paint(wrap("? " + question.question.text(language), indent: "  ", continuation: "    "), .place))
        for (number, choice) in question.choices.enumerated() {
            say(wrap("\(number + 1)) " + choice.text(language), indent: "    ", continuation: "       "))
        }
        var picked: Int?
        if options.isStepping, Terminal.standardInputIsTerminal {
            say(painter.paint("  " + DemoText.pickOne.text(language), .time))
            while !interrupted, picked == nil {
                stream.read(for: .milliseconds(100))
                if stream.isInterrupted { interrupted = true; break }
                if FileDescriptor.standardInput.waitReadable(timeout: .zero) {
                    guard let line = readLine() else { break }
                    let answer = String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
                    if answer.isEmpty { break }  // Enter alone: show the answer
                    picked = Int(answer).flatMap { (1...question.choices.count).contains($0) ? $0 : nil }
                    if picked == nil { say(painter.paint(wrap(DemoText.notAChoice(answer).text(language), indent: "  ", continuation: "  "), .time)) }
                }
            }
        }
        let verdict: Said
        if let picked {
            verdict = picked == question.answer ? DemoText.rightAnswer : DemoText.otherAnswer
        } else {
            verdict = DemoText.theAnswer
        }
        say(painter.paint(wrap("→ " + verdict.text(language) + " \(question.answer)) "
                               + question.choices[question.answer - 1].text(language), indent: "  ",
                               continuation: "    "), .outgoing))
        say(wrap(question.why.text(language), indent: "    "))
    }
}

/// A multiple-choice question the tour asks before it shows the evidence.
struct Question: Sendable {
    var question: Said
    var choices: [Said]
    /// The right choice, 1-based.
    var answer: Int
    /// Why, in a sentence or two; the evidence below shows it.
    var why: Said
}
