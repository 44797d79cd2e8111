import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct LadderTests {
    @Test func scriptedExchange_matchesGoldenDiagram() {
        let ladder = Ladder(events: Fixture.exchange)
        #expect(ladder.connection == TCPConnectionKey("10.0.1.10:40000>10.0.2.20:7000"))
        #expect(ladder.clientNode == "alice" && ladder.serverNode == "bob")
        #expect(ladder.renderText() == Goldens.ladder + "\n")
    }

    @Test func scriptedExchange_matchesGoldenMermaid() {
        let mermaid = Ladder(events: Fixture.exchange).renderMermaid()
        #expect(mermaid == Goldens.mermaid + "\n")
        #expect(MermaidCheck.problems(mermaid) == [])
    }

    @Test func textRows_allHaveTheServerLaneInTheSameColumn() {
        let text = stripANSI(Ladder(events: Fixture.exchange).renderText(usesColour: true))
        let lanes = text.split(separator: "\n").dropFirst().map { line -> Int? in
            let chars = Array(line)
            return chars.indices.filter { chars[$0] == "│" }.last
        }
        #expect(Set(lanes.compactMap { $0 }).count == 1)
        #expect(lanes.allSatisfy { $0 != nil })
    }

    /// Seen from alice alone: the lost segment is not marked lost (nobody saw it dropped),
    /// but resending bytes already sent is still a retransmission, with the reason from alice's event.
    @Test func oneObservationPoint_stillFindsTheRetransmission() {
        let ladder = Ladder(events: Fixture.exchange.filter { $0.node == "alice" })
        let segments = ladder.rows.compactMap { row -> (String, [String])? in
            if case .segment(_, _, let label, _, let annotations) = row { return (label, annotations) }
            return nil
        }
        #expect(segments.count == 13)
        #expect(segments.filter { $0.1.contains("↻ retransmission (timeout)") }.map(\.0) == ["DATA seq=7 ack=1 len=6"])
        #expect(!segments.contains { $0.1.contains { $0.hasPrefix("✗") } })
    }

    /// The state a side enters as it builds its last ACK is noted after that ACK's row, at its
    /// time (the side is in that state then), though the state event came a few microseconds
    /// before the frame left: no row's time runs backwards. A note with no segment of its side
    /// soon after stays at its own time.
    @Test func timeWaitNote_followsTheACKItWasEnteredWith() throws {
        func rows(noteAt time: Double) -> [String] {
            let events = Fixture.exchange.map { event -> TraceEvent in
                guard event.kind == .transport, event.detail?.contains("to=TIME_WAIT") == true else { return event }
                var moved = event
                moved.time = Fixture.at(time)
                return moved
            }.sorted { $0.time < $1.time }
            return Ladder(events: events).renderText().split(separator: "\n").map(String.init)
        }
        let early = rows(noteAt: 303.995)
        let ack = try #require(early.firstIndex { $0.contains("ACK seq=20 ack=2") })
        let ackTime = try #require(early[ack].split(separator: " ").first.map(String.init))
        #expect(early[ack + 1].contains("\(ackTime)  │ alice enters TIME-WAIT"), "\(early)")
        #expect(ackTime != "303.995", "the ACK left after the state changed")
        let alone = rows(noteAt: 250)
        let note = try #require(alone.firstIndex { $0.contains("enters TIME-WAIT") })
        #expect(alone[note + 1].contains("FIN-ACK seq=19"), "\(alone)")
    }

    /// Events a watcher lost while the connection ran are a row of their own where they were
    /// lost, saying until when and how many; the rows are not joined across the gap as if
    /// nothing were missing. A gap outside the connection's time is not drawn.
    @Test func lostEvents_areAGapRow_notJoinedOver() throws {
        let lost = TraceEvent(time: Fixture.at(100), node: "r1", kind: .lost, reason: TraceGap.subscriberTooSlow,
                              detail: "events=3 first=\(Fixture.at(100)) last=\(Fixture.at(180)) frames.eth1=3")
        let events = (Fixture.exchange + [lost]).sorted { $0.time < $1.time }
        let ladder = Ladder(events: events)
        let text = ladder.renderText()
        let rows = text.split(separator: "\n").map(String.init)
        let row = try #require(rows.firstIndex { $0.contains("⋯ events missing here, until 180.000 ms") }, "\(text)")
        #expect(rows[row].hasPrefix("   100.000  │") && rows[row].contains("3 events from r1 lost (subscriber too slow), 3 of them frames (eth1 3)"))
        #expect(rows[row - 1].contains("duplicate ACK") && rows[row + 1].contains("220.000"), "in time order: \(rows)")
        let lanes = Set(rows.dropFirst().map { line in line.firstIndex(of: "│").map { line.distance(from: line.startIndex, to: $0) } })
        #expect(lanes.count == 1, "the client lane stays in one column")
        let korean = ladder.renderText(translate: KoreanViews.translate).replacing("\u{A0}", with: " ")
        #expect(korean.contains("⋯ 여기서 이벤트 빠짐, 180.000 ms까지") && korean.contains("r1의 이벤트 3개 놓침 (구독자가 너무 느림), 그중 프레임 3개 (eth1 3)"),
                "\(korean)")
        #expect(ladder.renderMermaid().contains("Note over C,S: 100.000 ms 3 events from r1 lost"))
        let later = TraceEvent(time: Fixture.at(900), node: "r1", kind: .lost, reason: TraceGap.subscriberTooSlow,
                               detail: "events=2 first=\(Fixture.at(900)) last=\(Fixture.at(901))")
        #expect(!Ladder(events: Fixture.exchange + [later]).renderText().contains("missing"), "after the connection's last row")
    }

    /// Without transport events a resent range is still a retransmission, without a reason.
    @Test func retransmissionWithoutTransportEvent_hasNoReason() {
        let ladder = Ladder(events: Fixture.exchange.filter { $0.kind != .transport })
        let text = ladder.renderText()
        #expect(text.contains("│  ↻ retransmission\n"))
        #expect(!text.contains("TIME-WAIT"))
    }

    @Test func retransmitEventsByReason_areShown() {
        var events = Fixture.exchange.filter { !($0.detail?.contains("retransmit") ?? false) }
        events.append(Fixture.transport("alice", at: 219.5,
                                        "event=retransmit conn=10.0.1.10:40000>10.0.2.20:7000 seq=1007 len=6 reason=sack"))
        let text = Ladder(events: events).renderText()
        #expect(text.contains("↻ retransmission (SACK)"))
    }

    /// RFC 5681 §2: same ACK number and window as the sender's last ACK, no data,
    /// with data outstanding. An ACK that moves forward never is one, however
    /// many rows lie between it and the last ACK.
    @Test func duplicateACK_isJudgedOverTheWholeConnection() {
        typealias F = Fixture
        var e: [TraceEvent] = []
        e += F.segment(from: F.alice, sentAt: 0, arrivesAt: 1, id: 1, seq: 1000, ack: 0, flags: .syn, options: F.synOptions)
        e += F.segment(from: F.bob, sentAt: 2, arrivesAt: 3, id: 1, seq: 5000, ack: 1001, flags: [.syn, .ack])
        e += F.segment(from: F.alice, sentAt: 4, arrivesAt: 5, id: 2, seq: 1001, ack: 5001, flags: .ack)
        for (i, seq) in [1001, 1007, 1013].enumerated() {
            e += F.segment(from: F.alice, sentAt: 10 + Double(i), arrivesAt: seq == 1007 ? nil : 20 + Double(i),
                           droppedAt: seq == 1007 ? 12.5 : nil, id: UInt16(3 + i), seq: UInt32(seq), ack: 5001,
                           flags: [.psh, .ack], payload: "lines\n")
        }
        e += F.segment(from: F.bob, sentAt: 21, arrivesAt: 22, id: 2, seq: 5001, ack: 1007, flags: .ack)  // moves
        e += F.segment(from: F.bob, sentAt: 23, arrivesAt: 24, id: 3, seq: 5001, ack: 1007, flags: .ack,
                       options: [.noOperation, .noOperation, .sack([SACKBlock(left: 1013, right: 1019)])])  // dup
        e += F.segment(from: F.bob, sentAt: 25, arrivesAt: 26, id: 4, seq: 5001, ack: 1007, flags: .ack,
                       window: 1000)  // window update, not a dup
        e += F.segment(from: F.alice, sentAt: 30, arrivesAt: 31, id: 6, seq: 1007, ack: 5001, flags: [.psh, .ack],
                       payload: "lines\n")
        e += F.segment(from: F.bob, sentAt: 32, arrivesAt: 33, id: 5, seq: 5001, ack: 1019, flags: .ack, window: 1000)  // moves
        e += F.segment(from: F.bob, sentAt: 34, arrivesAt: 35, id: 6, seq: 5001, ack: 1019, flags: .ack, window: 1000)  // nothing outstanding
        let ladder = Ladder(events: e.sorted { $0.time < $1.time })
        let acks = ladder.rows.compactMap { row -> (String, Bool)? in
            guard case .segment(_, false, let label, _, let notes) = row, label.hasPrefix("ACK") else { return nil }
            return (label, notes.contains("duplicate ACK"))
        }
        #expect(acks.map(\.0) == ["ACK seq=1 ack=7", "ACK seq=1 ack=7 SACK=13-19", "ACK seq=1 ack=7",
                                   "ACK seq=1 ack=19", "ACK seq=1 ack=19"])
        #expect(acks.map(\.1) == [false, true, false, false, false])
    }

    /// A D-SACK (RFC 2883) is labelled as one: a first block below the cumulative ACK, or
    /// inside the second block, reports bytes received twice, not a hole.
    @Test func dsack_isLabelledAsOne() {
        typealias F = Fixture
        var e = F.exchange.filter { $0.time < F.at(25) }
        e += F.segment(from: F.bob, sentAt: 30, arrivesAt: 31, id: 7, seq: 5001, ack: 1019, flags: .ack,
                       options: [.noOperation, .noOperation, .sack([SACKBlock(left: 1007, right: 1013)])])
        e += F.segment(from: F.bob, sentAt: 32, arrivesAt: 33, id: 8, seq: 5001, ack: 1007, flags: .ack,
                       options: [.noOperation, .noOperation,
                                 .sack([SACKBlock(left: 1013, right: 1019), SACKBlock(left: 1013, right: 1025)])])
        let labels = Ladder(events: e.sorted { $0.time < $1.time }).rows.compactMap { row -> String? in
            guard case .segment(_, false, let label, _, _) = row, label.contains("SACK") else { return nil }
            return label
        }
        #expect(labels == ["ACK seq=1 ack=7 SACK=13-19", "ACK seq=1 ack=19 D-SACK=7-13", "ACK seq=1 ack=7 D-SACK=13-19 SACK=13-25"])
    }

    /// A trace that starts after the handshake, with a segment from the server:
    /// the client is still the end with the ephemeral port.
    @Test func connectionBegunBeforeTheTrace_keepsClientAndServer() throws {
        let events = Fixture.exchange.filter { $0.time >= Fixture.at(12) }
        let ladder = Ladder(events: events)
        #expect(ladder.connection == TCPConnectionKey("10.0.1.10:40000>10.0.2.20:7000"))
        #expect(ladder.clientNode == "alice" && ladder.serverNode == "bob")
        #expect(ladder.renderText().hasPrefix(" time (ms)  client alice"))
        // Its numbers count from the first segment seen, and the ladder says so, in both languages.
        #expect(ladder.countsFromFirstSeen)
        // Said under the titles, before any row: seq=0 there is not a SYN's number.
        let lines = ladder.renderText().split(separator: "\n")
        #expect(lines[1] == "  (SYN not seen: seq and ack count from the first segment seen)", "\(lines)")
        let fitted = Ladder.fit(ladder.renderText(), width: 80)
        let note = try #require(fitted.firstIndex { $0.hasPrefix("  (SYN not seen") }, "\(fitted)")
        #expect(fitted[(note + 1)...].allSatisfy { $0.contains("│") }, "\(fitted)")
        #expect(ladder.renderText(translate: KoreanViews.translate).replacing("\u{A0}", with: " ")
                .contains("(SYN을 보지 못함: seq와 ack는 처음 본 세그먼트부터 셈)"))
        #expect(!Ladder(events: Fixture.exchange).countsFromFirstSeen, "both SYNs seen")
    }

    @Test func severalConnections_listedAndSelectable() {
        // A second connection from alice's port 40001, later in time.
        let other = Fixture.segment(from: Fixture.alice, sentAt: 400, arrivesAt: 401, id: 20, seq: 9000, ack: 0, flags: .syn)
            .map { event -> TraceEvent in
                var e = event
                var frame = e.frame!
                frame[34] = 0x9C; frame[35] = 0x41   // source port 40001 (checksum not needed here)
                e.frame = frame
                return e
            }
        let events = Fixture.exchange + other
        let keys = Ladder.connections(in: events)
        #expect(keys.map(\.description) == ["10.0.1.10:40000>10.0.2.20:7000", "10.0.1.10:40001>10.0.2.20:7000"])
        let second = Ladder(events: events, connection: keys[1])
        #expect(second.rows.count == 1)
        #expect(second.renderText().contains("│─ SYN seq=0 ─"))
    }

    @Test func timeWindow_keepsOnlyThoseEvents() {
        let window = Fixture.at(200)...Fixture.at(250)
        let ladder = Ladder(events: Fixture.exchange, timeWindow: window)
        #expect(ladder.startTime == Fixture.at(220))
        #expect(ladder.rows.count == 2)
        // Only the window's segments: ISNs unknown, so numbers are relative to the first seen.
        #expect(ladder.renderText().contains("    0.000  │─ DATA seq=0 ack=0 len=6 "))
    }

    @Test func noTCP_saysSo() {
        #expect(Ladder(events: GoldenInputs.otherFrames.filter { $0.frame.map { DecodedFrame(parsing: $0).tcp == nil } ?? true })
            .renderText() == "no TCP connection in these events\n")
        #expect(MermaidCheck.problems(Ladder(events: []).renderMermaid()) == [])
    }

    @Test func arrows_areExactlyTheLaneWidth() {
        for width in [30, 44, 60] {
            for fromClient in [true, false] {
                for lost in [true, false] {
                    let arrow = Ladder.arrow(label: "DATA seq=1 ack=1 len=6", fromClient: fromClient, isLost: lost, width: width)
                    #expect(arrow.count == width, "\(arrow)")
                }
            }
        }
    }

    @Test func mermaidText_removesWhatMermaidWouldMisread() {
        #expect(Ladder.mermaidText("a;b#c\nd") == "a,bno.c d")
        #expect(Ladder.mermaidText("host 10.0.1.10:40000", isName: true) == "host 10.0.1.10 port 40000")
        #expect(Ladder.mermaidText("lost at r1:eth1") == "lost at r1:eth1")
    }
}

/// A small structural check of Mermaid sequence diagrams: the header, declared
/// participants, and every other line a message or a note between declared ones.
enum MermaidCheck {
    static func problems(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var problems: [String] = []
        if lines.last == "" { lines.removeLast() } else { problems.append("no final newline") }
        guard lines.first == "sequenceDiagram" else { return ["first line is not sequenceDiagram"] }
        var participants = Set<String>()
        for (n, line) in lines.enumerated().dropFirst() {
            guard line.hasPrefix("    ") else { problems.append("line \(n + 1) not indented"); continue }
            let body = line.dropFirst(4)
            if body.contains(";") || body.contains("#") { problems.append("line \(n + 1) has ; or #") }
            if body.hasPrefix("participant ") {
                let words = body.split(separator: " ", maxSplits: 3)
                guard words.count == 4, words[2] == "as", !words[3].contains(":") else {
                    problems.append("line \(n + 1): bad participant"); continue
                }
                participants.insert(String(words[1]))
            } else if body.hasPrefix("Note over ") {
                let rest = body.dropFirst("Note over ".count)
                guard let colon = rest.firstIndex(of: ":") else { problems.append("line \(n + 1): note without text"); continue }
                let who = rest[..<colon].split(separator: ",").map { trimmed($0) }
                if !who.allSatisfy({ participants.contains($0) || participants.isEmpty && $0 == "client" }) {
                    problems.append("line \(n + 1): note over an undeclared participant")
                }
            } else if let colon = body.firstIndex(of: ":") {
                let head = String(body[..<colon])
                let arrows = ["->>", "-x", "-->>", "--x", "->", "-)"]
                guard let arrow = arrows.first(where: { head.contains($0) }),
                      let range = head.range(of: arrow) else {
                    problems.append("line \(n + 1): no arrow"); continue
                }
                let from = String(head[..<range.lowerBound]), to = String(head[range.upperBound...])
                if !participants.contains(from) || !participants.contains(to) {
                    problems.append("line \(n + 1): arrow between undeclared participants \(from) \(to)")
                }
                if trimmed(body[body.index(after: colon)...]).isEmpty {
                    problems.append("line \(n + 1): empty message")
                }
            } else {
                problems.append("line \(n + 1): not a participant, message or note")
            }
        }
        return problems
    }
}


private func trimmed(_ text: some StringProtocol) -> String {
    var s = Substring(text)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
}

@Suite struct LadderRouterTests {
    /// The exchange as r1 sees it too: every frame received on one interface and sent on
    /// the other. Forwarded frames are the same transmission, not network duplicates.
    static var withRouter: [TraceEvent] {
        var events = Fixture.exchange
        for e in Fixture.exchange where e.kind == .sent && e.frame != nil {
            let fromAlice = e.node == "alice"
            let inbound = TraceEvent(time: e.time + 300_000, node: "r1", interface: fromAlice ? "eth0" : "eth1",
                                     kind: .received, frame: e.frame)
            events.append(inbound)
            let lost = Fixture.exchange.contains { $0.kind == .dropped && $0.time > e.time && $0.time - e.time < 1_000_000 }
            if !lost {
                let far = Fixture.exchange.first { $0.kind == .received && $0.time > e.time && $0.time - e.time <= 1_000_000 }!
                events.append(TraceEvent(time: e.time + 600_000, node: "r1", interface: fromAlice ? "eth1" : "eth0",
                                         kind: .sent, frame: far.frame))
            }
        }
        return events.sorted { $0.time < $1.time }
    }

    @Test func forwardedFrames_areOneArrowEach() {
        let router = Ladder(events: Self.withRouter)
        let endpoints = Ladder(events: Fixture.exchange)
        #expect(router.rows == endpoints.rows)
        #expect(router.renderText() == Goldens.ladder + "\n")
    }

    @Test func routerAlone_seesTheLossAndTheRetransmission() {
        let ladder = Ladder(events: Self.withRouter.filter { $0.node == "r1" })
        let text = ladder.renderText()
        #expect(text.contains("✗ lost at r1:eth1 (injected loss)"))
        #expect(text.contains("↻ retransmission (timeout)") == false)   // alice's transport event is not r1's
        #expect(text.contains("│  ↻ retransmission\n"))
        #expect(!text.contains("duplicate made by the network"))
    }

    @Test func aFrameARouterReceivesAndDropsInOneWakeUp_isLost_notDelivered() {
        // r1 stamps its receive on eth0 and its drop on eth1 with one time (one wake-up of its loop).
        let sent = Fixture.segment(from: Fixture.alice, sentAt: 10, arrivesAt: nil,
                                   id: 9, seq: 1, ack: 1, flags: [.ack, .psh], payload: "lost on the far cable")
        let frame = sent[0].frame!
        let far = Fixture.tcpFrame(from: Fixture.alice, farSide: true, id: 9, seq: 1, ack: 1, flags: [.ack, .psh],
                                   payload: Array("lost on the far cable".utf8))
        let events = sent + [
            TraceEvent(time: Fixture.at(11), node: "r1", interface: "eth0", kind: .received, frame: frame),
            TraceEvent(time: Fixture.at(11), node: "r1", interface: "eth1", kind: .dropped, frame: far,
                       reason: "dropped on request"),
        ]
        let text = Ladder(events: events).renderText()
        #expect(text.contains("✗ lost at r1:eth1 (dropped on request)"), "\(text)")
        #expect(text.contains("──✗"), "\(text)")
    }

    @Test func aCopySeenTwiceAtOnePlace_isANetworkDuplicate() {
        var events = Fixture.exchange
        let data = events.first { $0.kind == .received && $0.node == "bob" && ($0.frame?.count ?? 0) == 60 && $0.time == Fixture.at(11) }!
        var copy = data
        copy.time += 2_000_000
        events.append(copy)
        let text = Ladder(events: events.sorted { $0.time < $1.time }).renderText()
        #expect(text.contains("⧉ duplicate made by the network"))
    }
}
