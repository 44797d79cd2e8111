import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWire

/// Scenes on TCP: encapsulation of a chat line, the handshake, delivery under
/// loss, ordering under reordering, the close. bob listens on port 7000; each
/// scene opens its own connection from alice, so each ladder starts clean.
extension Demo {
    static let chatPort: UInt16 = 7000

    /// A connected pair: alice's stream and bob's accepted stream.
    struct ChatPair {
        let listener: TCPListener
        let alice: TCPStream
        let bob: TCPStream
        var key: TCPConnectionKey {
            TCPConnectionKey(client: TCPEndpoint(address: alice.localAddress, port: alice.localPort),
                             server: TCPEndpoint(address: Demo.bobAddress, port: Demo.chatPort))
        }
        func close() {
            alice.close()
            bob.close()
            listener.close()
        }
    }

    /// bob listens, alice connects (Nagle off, so each line is its own segment, as a chat app would want).
    func openChat() throws -> ChatPair {
        do {
            let listener = try TCPListener(try host("bob", app: "chat-server"), port: Self.chatPort)
            let alice = try TCPStream.connect(try host("alice", app: "chat"), to: Self.bobAddress, port: Self.chatPort,
                                              options: TCPOptions(isNagleEnabled: false), timeout: .seconds(5))
            guard let bob = try listener.accept(timeout: .seconds(5)) else { throw DemoFailure("bob accepted nothing") }
            return ChatPair(listener: listener, alice: alice, bob: bob)
        } catch let error as DemoFailure {
            throw error
        } catch {
            throw DemoFailure("TCP chat between alice and bob: \(error)")
        }
    }

    /// Sends `lines` from alice (one write each, `gap` apart) and reads them at bob within `timeout`.
    func chat(_ pair: ChatPair, lines: [String], gap: Duration, timeout: Duration) throws -> [String] {
        for line in lines {
            try pair.alice.write(line + "\n")
            if gap > .zero { MonotonicClock.sleep(for: gap) }
        }
        var read: [String] = []
        let deadline = ContinuousClock.now + timeout
        while read.count < lines.count, ContinuousClock.now < deadline {
            if let line = try pair.bob.readLine(timeout: .milliseconds(200)) { read.append(line) }
            if pair.bob.isEndOfStream { break }
        }
        return read
    }

    /// Prints ladder rows of `key` (those `keep` selects, at most `limit`), times relative
    /// to the scene; rows left out are counted, with `hidden` saying which they are.
    func showLadder(_ events: [TraceEvent], key: TCPConnectionKey, limit: Int = 16,
                    hidden: (Int) -> Said = DemoText.rowsHidden,
                    keep: (Ladder.Row) -> Bool = { _ in true }) -> Ladder {
        let ladder = Ladder(events: events, connection: key, startTime: sceneStart)
        let kept = ladder.rows.filter(keep)
        say(painter.paint(Self.shellLines(Self.inLanguage("rawnet ladder --connection '\(key)'", options.language)), .time))
        let text = Ladder(events: events, connection: key, startTime: sceneStart)
            .renderText(usesColour: options.usesColour, translate: view)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // The title, the note that numbers count from the first segment seen (when said), the
        // blank lane line, then the chosen rows in order.
        let laneIndex = ladder.countsFromFirstSeen ? 2 : 1
        let header = [lines[0], lines[laneIndex]]
        let rowLines = Array(lines.dropFirst(laneIndex + 1).prefix(ladder.rows.count))
        // Titles wider than the tour: the server's moves to a line of its own, ending at its lane.
        if let titles = header.first, let lanes = header.last {
            let note = laneIndex == 2 ? DisplayWidth.wrap(lines[1], width: Self.width - 2, continuation: "  ") : []
            for line in Ladder.fitTitles(titles, lanes: lanes, width: Self.width - 2) + note + [lanes] { say("  " + line) }
        }
        if kept.count < ladder.rows.count {
            say(painter.paint("    " + hidden(ladder.rows.count - kept.count).text(options.language), .time))
        }
        var shown = 0
        for (row, line) in zip(ladder.rows, rowLines) where kept.contains(row) {
            if shown == limit { say(painter.paint("    " + DemoText.more(kept.count - limit).text(options.language), .time)); break }
            for part in ladderRow(line, lanes: header.last ?? "") { say(part) }
            shown += 1
        }
        return ladder
    }

    /// A ladder row in the tour's width: a row whose notes do not fit beside the
    /// lanes keeps its arrow, and the notes go on the lines below it, between the
    /// lanes (`lanes` is the ladder's empty lane line).
    func ladderRow(_ line: String, lanes: String) -> [String] {
        Ladder.fitRow(line, lanes: lanes, width: Self.width - 2).map { "  " + $0 }
    }

    static func label(_ row: Ladder.Row) -> String? {
        if case .segment(_, _, let label, _, _) = row { return label }
        return nil
    }

    static func annotations(_ row: Ladder.Row) -> [String] {
        if case .segment(_, _, _, _, let annotations) = row { return annotations }
        return []
    }

    /// What the SYNs among `events` say about window scaling, so a window is stated in bytes.
    static func windowScales(of events: [TraceEvent]) -> TCPWindowScales {
        var scales = TCPWindowScales()
        for event in events { if let frame = event.frame { scales.observe(frame: frame) } }
        return scales
    }

    func encapsulationScene() throws {
        let pair = try openChat()
        defer { pair.close() }
        let read = try chat(pair, lines: ["hello, bob"], gap: .zero, timeout: .seconds(3))
        let events = collect()
        let frame = events.first { event in
            guard event.node == "alice", event.kind == .sent, let frame = event.frame,
                  case .tcp(let tcp, let data)? = DecodedFrame(parsing: frame, verifyChecksums: false).transport else { return false }
            return tcp.destinationPort == Self.chatPort && !data.isEmpty
        }?.frame
        if let frame {
            for line in Encapsulation.render(frame: frame, usesColour: options.usesColour,
                                             language: options.language == .ko ? .ko : .en,
                                             windowScales: Self.windowScales(of: events))
                .split(separator: "\n", omittingEmptySubsequences: false) { say("  " + line) }
            say(wrap(Said(en: "⏎ is the line feed (LF, byte 0a) the chat ends each line with.",
                          ko: "⏎는 채팅이 줄마다 끝에 붙이는 줄 바꿈 문자(LF, 바이트 0a)입니다.").text(options.language)))
        }
        check(frame != nil, Said(en: "the TCP segment carrying \"hello, bob\" as it left alice:eth0, in an IP packet in an Ethernet frame",
              ko: "\"hello, bob\"을 실은 TCP 세그먼트가 IP 패킷에, 그 패킷이 이더넷 프레임에 담겨 alice:eth0을 떠났습니다"))
        check(read == ["hello, bob"], Said(en: "bob's app read the line unchanged",
              ko: "bob의 앱이 그 줄을 그대로 읽었습니다"))
    }

    func tcpScene(_ scene: DemoScene) throws {
        switch scene {
        case .handshake: try handshakeScene()
        case .delivery: try deliveryScene()
        case .ordering: try orderingScene()
        case .close: try closeScene()
        default: break
        }
    }

    func handshakeScene() throws {
        let pair = try openChat()
        defer { pair.close() }
        _ = try chat(pair, lines: ["hi"], gap: .zero, timeout: .seconds(3))
        let events = collect()
        let ladder = showLadder(events, key: pair.key, limit: 5)
        let labels = ladder.rows.compactMap(Self.label).prefix(3).map { String($0.prefix(while: { $0 != " " })) }
        check(labels == ["SYN", "SYN-ACK", "ACK"], Said(en: "the first three segments: SYN, SYN-ACK, ACK (saw \(labels.joined(separator: ", ")))",
              ko: "처음 세 세그먼트: SYN, SYN-ACK, ACK (본 것: \(labels.joined(separator: ", ")))"))
    }

    /// Two losses made on purpose, one of each kind TCP recovers from: line 4
    /// in the middle (later lines draw duplicate ACKs, and alice resends it at
    /// once: a fast retransmission) and line 10, the last (nothing follows to
    /// draw an ACK: a tail-loss probe, lost too, then the retransmission timer).
    /// Each loss lasts exactly as long as the scene needs: alice's status answers
    /// only after her host handled the write (and sent the segment) in the same
    /// wake-up, so the wire is cleared after the segment left.
    func deliveryScene() throws {
        let pair = try openChat()
        defer { pair.close() }
        let lines = (1...10).map { "line \($0) of 10" }
        let lossOn: [String: String] = ["interface": "eth0", "settings": "loss 100%"]
        let clear: [String: String] = ["interface": "eth0", "action": "clear"]
        let before = { (n: Int) in Said(en: "before line \(n)", ko: "\(n)번 줄 앞").text(self.options.language) }
        let after = { (n: Int) in Said(en: "after line \(n)", ko: "\(n)번 줄 뒤").text(self.options.language) }
        func write(_ number: Int, gap: Duration = .milliseconds(20)) throws {
            try pair.alice.write(lines[number - 1] + "\n")
            if gap > .zero { MonotonicClock.sleep(for: gap) }
        }
        let status: TCPSocketStatus
        do {
            for n in 1...3 { try write(n) }
            say("  $ rawnet impair alice:eth0 --loss 100%   # \(before(4))")
            try control("alice", "impair", lossOn)
            try write(4, gap: .zero)
            _ = try pair.alice.status()
            try control("alice", "impair", clear)
            say("  $ rawnet impair alice:eth0 --clear       # \(after(4))")
            for n in 5...9 { try write(n) }
            MonotonicClock.sleep(for: .milliseconds(100))
            say("  $ rawnet impair alice:eth0 --loss 100%   # \(before(10))")
            try control("alice", "impair", lossOn)
            let sentAgain = { (s: TCPSocketStatus) in s.retransmissions(.lossProbe) + s.retransmissions(.timeout) }
            let earlier = sentAgain(try pair.alice.status())
            try write(10, gap: .zero)
            // Keep the wire lossy until the first copy sent again (the probe) is lost too.
            let deadline = ContinuousClock.now + .seconds(2)
            while sentAgain(try pair.alice.status()) == earlier, ContinuousClock.now < deadline {
                MonotonicClock.sleep(for: .milliseconds(5))
            }
            try control("alice", "impair", clear)
            say("  $ rawnet impair alice:eth0 --clear       # \(after(10))")
        } catch {
            _ = try? control("alice", "impair", clear)
            throw error
        }
        var read: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while read.count < lines.count, ContinuousClock.now < deadline, !pair.bob.isEndOfStream {
            if let line = try pair.bob.readLine(timeout: .milliseconds(200)) { read.append(line) }
        }
        status = try pair.alice.status()
        let events = collect()
        let ladder = showLadder(events, key: pair.key, limit: 80)
        labelled([(Said(en: "bob's app read:", ko: "bob의 앱이 읽은 것:"),
                   read.map { $0.replacing(" of 10", with: "").replacing(" ", with: "\u{A0}") }.joined(separator: ", ")),
                  (Said(en: "alice's /stats:", ko: "alice의 /stats:"),
                   (options.language == .ko ? "재전송 " : "retransmissions ")
                   + "\(status.retransmissions) (\(status.retransmissionReasons(language: options.language.rawValue)))")])
        let lost = ladder.rows.filter { if case .segment(_, true, _, let lostAt?, _) = $0 { return lostAt.hasPrefix("alice") } else { return false } }.count
        // Line 4 starts at byte 40 of the stream, line 10 at byte 118 (each "line N of 10\n").
        func resent(at seq: Int) -> [(row: Int, note: String)] {
            ladder.rows.indices.filter { Self.label(ladder.rows[$0])?.hasPrefix("DATA seq=\(seq) ") ?? false }
                .flatMap { row in
                    Self.annotations(ladder.rows[row]).compactMap { note in
                        note.hasPrefix("↻ retransmission") ? (row, String(note.split(separator: ";")[0])) : nil
                    }
                }
        }
        let fastResend = resent(at: 40).first {
            $0.note.contains("(RACK)") || $0.note.contains("duplicate ACKs") || $0.note.contains("(SACK)")
        }
        let fast = fastResend?.note
        // The ACK that set it off: bob's last before it, with a SACK block, a few milliseconds earlier.
        let trigger = fastResend.flatMap { resend in
            ladder.rows[..<resend.row].last { row in
                if case .segment(_, false, _, _, _) = row { return true } else { return false }
            }.flatMap { ack in
                (Self.label(ack)?.contains("SACK=") ?? false)
                    && ladder.rows[resend.row].time - ack.time < 50_000_000 ? ack : nil
            }
        }
        let timeout = resent(at: 118).first { $0.note.contains("(timeout)") }
        check(lost >= 2, Said(en: "\(lost) segments from alice lost on the cable (✗ in the ladder): line 4 and line 10 at least",
              ko: "alice가 보낸 세그먼트 \(lost)개가 케이블에서 사라졌습니다 (사다리 그림의 ✗): 적어도 4번 줄과 10번 줄"))
        // "↻ retransmission (RACK)" → "↻ RACK": the reason the ladder names.
        let fastNote = "↻ " + view(String((fast ?? "(RACK)").split(separator: "(").last?.dropLast() ?? "RACK"))
        check(trigger != nil && status.retransmissions(.rack) + status.retransmissions(.duplicateAcks) > 0,
              Said(en: "line 4 was sent again right after an ACK whose SACK showed later lines arrived, not after a timer: a fast retransmission (\(fastNote))",
                   ko: "4번 줄은 타이머가 아니라, 뒤의 줄이 도착했음을 SACK으로 알린 ACK 직후에 다시 보내졌습니다: 빠른 재전송 (\(fastNote))"))
        check(timeout != nil && status.retransmissions(.timeout) > 0,
              Said(en: "line 10 was sent again when the retransmission timer ran out (↻ timeout)",
                   ko: "10번 줄은 재전송 타이머가 끝났을 때 다시 보내졌습니다 (↻ 타임아웃)"))
        check(read == lines, Said(en: "all 10 lines arrived, in order",
              ko: "10줄이 모두 순서대로 도착했습니다"))
    }

    func orderingScene() throws {
        let pair = try openChat()
        defer { pair.close() }
        try control("r1", "impair", ["interface": "eth1", "settings": "delay 25ms reorder 30% seed 3"])
        say("  $ rawnet impair r1:eth1 --delay 25ms --reorder 30% --seed 3")
        let lines = (1...10).map { "line \($0) of 10" }
        let read: [String]
        do {
            read = try chat(pair, lines: lines, gap: .milliseconds(5), timeout: .seconds(10))
        } catch {
            _ = try? control("r1", "impair", ["interface": "eth1", "action": "clear"])
            throw error
        }
        _ = try? control("r1", "impair", ["interface": "eth1", "action": "clear"])
        let events = collect()
        // The order data segments reached bob's interface.
        var arrivals: [Int] = []
        for event in events where event.node == "bob" && event.kind == .received {
            guard let frame = event.frame, case .tcp(let tcp, let data)? = DecodedFrame(parsing: frame, verifyChecksums: false).transport,
                  tcp.destinationPort == Self.chatPort, tcp.sourcePort == pair.alice.localPort, !data.isEmpty else { continue }
            // Each line is its own segment ("line N of 10\n"); a retransmission shows its number again.
            let text = String(decoding: data, as: UTF8.self)
            if let number = Int(text.split(separator: " ").dropFirst().first ?? "") { arrivals.append(number) }
        }
        let ladder = showLadder(events, key: pair.key, limit: 80)
        var outOfOrder: [Int] = []
        for (index, n) in arrivals.enumerated() where arrivals[..<index].contains(where: { $0 > n }) && !outOfOrder.contains(n) {
            outOfOrder.append(n)
        }
        // Lines that reached bob more than once: alice sent them again though they were only late.
        var twice: [Int] = []
        for n in arrivals where arrivals.filter({ $0 == n }).count > 1 && !twice.contains(n) { twice.append(n) }
        var rows = [(Said(en: "segments reached bob in the order:", ko: "세그먼트가 bob에 닿은 순서:"),
                     arrivals.map(String.init).joined(separator: " ")),
                    (Said(en: "bob's app read:", ko: "bob의 앱이 읽은 순서:"),
                     read.compactMap { $0.split(separator: " ").dropFirst().first }.joined(separator: " "))]
        if !twice.isEmpty {
            // A line that came three times or more says how many: "2 (×3)".
            let counted = twice.sorted().map { n in
                let times = arrivals.filter { $0 == n }.count
                return times > 2 ? "\(n) (×\(times))" : String(n)
            }.joined(separator: ", ")
            rows.append((Said(en: "reached bob more than once:", ko: "bob에 두 번 이상 닿은 줄:"),
                         Said(en: "lines \(counted), sent again though only late (spurious retransmissions)",
                              ko: "\(counted)번 줄. 늦었을 뿐인데 다시 보낸 것(불필요한 재전송)").text(options.language)))
        }
        let sackACK = ladder.rows.compactMap { row -> String? in
            guard case .segment(_, false, let label, _, _) = row, label.contains("SACK=") else { return nil }
            return label
        }.first
        if let sackACK {
            rows.append((Said(en: "an ACK while a line was missing:", ko: "줄이 빠져 있을 때의 ACK:"), sackACK))
        }
        labelled(rows)
        check(!outOfOrder.isEmpty, Said(en: "lines \(outOfOrder.map(String.init).joined(separator: ", ")) reached bob after a later one",
              ko: "\(outOfOrder.map(String.init).joined(separator: ", "))번 줄은 뒤의 줄보다 늦게 bob에 닿았습니다"))
        check(read == lines, Said(en: "bob's app read all 10 lines in the order sent",
              ko: "bob의 앱은 10줄을 보낸 순서대로 모두 읽었습니다"))
    }

    func closeScene() throws {
        let pair = try openChat()
        _ = try chat(pair, lines: ["bye"], gap: .zero, timeout: .seconds(3))
        pair.alice.close()  // FIN
        // bob reads the end of the stream, then closes his side: his FIN.
        let deadline = ContinuousClock.now + .seconds(3)
        while !pair.bob.isEndOfStream, ContinuousClock.now < deadline { _ = try? pair.bob.read(timeout: .milliseconds(100)) }
        let sawEnd = pair.bob.isEndOfStream
        pair.bob.close()
        pair.listener.close()
        let events = collect(quiet: .milliseconds(300))
        var closing = false
        let ladder = showLadder(events, key: pair.key, limit: 8, hidden: DemoText.rowsBeforeClose) { row in
            if let label = Self.label(row), label.hasPrefix("FIN") { closing = true }
            return closing
        }
        let labels = ladder.rows.compactMap(Self.label)
        let fins = labels.filter { $0.hasPrefix("FIN") }.count
        let firstFIN = labels.firstIndex { $0.hasPrefix("FIN") } ?? labels.count
        let acksAfter = labels[firstFIN...].filter { $0.hasPrefix("ACK") }.count
        check(sawEnd, Said(en: "bob's app read the end of the stream after alice closed",
              ko: "alice가 닫은 뒤 bob의 앱이 스트림의 끝을 읽었습니다"))
        check(fins == 2 && acksAfter >= 1, Said(en: "two FINs (one per direction), each acknowledged (saw \(fins) FINs, \(acksAfter) ACKs after the first)",
              ko: "FIN 두 개 (방향마다 하나), 각각 ACK를 받았습니다 (본 것: FIN \(fins)개, 첫 FIN 뒤 ACK \(acksAfter)개)"))
    }
}
