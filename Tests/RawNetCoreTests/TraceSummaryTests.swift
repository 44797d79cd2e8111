import Foundation
import Testing
@testable import RawNetCore
import RawNetWire

/// Milliseconds as the nanoseconds trace times count.
private func ms(_ milliseconds: Int) -> Int64 { Int64(milliseconds) * 1_000_000 }

/// The detail budget a `rawnet web` subscription asks for, on a virtual clock (the events' own
/// times), and the `counted` event that carries what it counted.
@Suite struct TraceSummaryTests {

    /// An Ethernet II frame holding IPv4 with `protocolNumber` and, for TCP or UDP, ports.
    static func frame(protocolNumber: UInt8, source: UInt16 = 40000, destination: UInt16 = 7000,
                      vlan: Bool = false, length: Int = 60) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        if vlan { bytes += [0x81, 0x00, 0x00, 0x0A] }
        bytes += [0x08, 0x00]
        var ip = [UInt8](repeating: 0, count: 20)
        ip[0] = 0x45
        ip[9] = protocolNumber
        bytes += ip + [UInt8(source >> 8), UInt8(source & 0xFF), UInt8(destination >> 8), UInt8(destination & 0xFF)]
        if bytes.count < length { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        return bytes
    }

    static func sent(_ time: Int64, interface: String = "eth0", frame: [UInt8] = frame(protocolNumber: 6)) -> TraceEvent {
        TraceEvent(time: time, node: "r1", interface: interface, kind: .sent, frame: frame)
    }

    /// A quiet daemon's burst goes out in detail up to one second's worth (`burst`); the rest
    /// of that window is counted, due when the window ends; a flood that goes on gets
    /// `eventsPerWindow` a window.
    @Test func aBurst_isDetailedUpToASecondsWorth_thenCountedUntilItsWindowEnds_aFloodGetsTheRate() throws {
        var budget = TraceDetailBudget(eventsPerSecond: 50, window: .milliseconds(200))
        #expect(budget.eventsPerWindow == 10 && budget.burst == 50)
        // 100 frames 1 ms apart, all inside the first window (0 to 200 ms).
        var detailed = 0
        for index in 0..<100 where budget.admit(Self.sent(ms(index))) { detailed += 1 }
        #expect(detailed == 50)
        let end = ms(200)
        #expect(budget.deadline == end)
        let early = budget.takeDue(now: ms(199))
        #expect(early == nil, "the window is not over yet")
        let due = budget.takeDue(now: ms(200))
        let counts = try #require(due)
        #expect(counts.events == 50)
        let first = ms(50), last = ms(99)
        #expect(counts.firstTime == first)
        #expect(counts.lastTime == last)
        let key = TraceSummary.Key(interface: "eth0", kind: .sent, proto: "tcp", reason: nil)
        let tally = TraceSummary.Tally(events: 50, bytes: 3000)
        #expect(counts.tallies == [key: tally])
        let again = budget.takeDue(now: ms(400))
        #expect(again == nil, "handed out once")
        #expect(budget.deadline == nil)
        // The flood goes on, a frame a millisecond: each window now details its share, 10.
        var perWindow: [Int] = []
        for window in 0..<5 {
            var shown = 0
            for index in 0..<200 where budget.admit(Self.sent(ms(250 + window * 200 + index))) { shown += 1 }
            perWindow.append(shown)
            _ = budget.takeDue(now: ms(250 + window * 200 + 200))
        }
        #expect(perWindow == [10, 10, 10, 10, 10], "\(perWindow)")
        // After a quiet second the next burst is detailed in full again.
        detailed = 0
        for index in 0..<40 where budget.admit(Self.sent(ms(3_000 + index))) { detailed += 1 }
        #expect(detailed == 40)
    }

    /// A ping every half second on a quiet lab, each a burst of 12 events in 3 ms (ARP,
    /// the echo and its reply through a router): nothing is counted, every event is shown.
    @Test func aPingsFewFramesOnAQuietLab_areAllShown() {
        var budget = TraceDetailBudget(eventsPerSecond: 50)
        var counted = 0
        for ping in 0..<10 {
            for event in 0..<12 where !budget.admit(Self.sent(ms(ping * 500) + Int64(event) * 250_000)) { counted += 1 }
            _ = budget.takeDue(now: ms(ping * 500 + 400))
        }
        #expect(counted == 0)
    }

    @Test func afterTheWindow_eventsJoinCountsNotYetSent_soNothingIsDetailedOutOfOrder() throws {
        var budget = TraceDetailBudget(eventsPerSecond: 5, window: .milliseconds(200))
        #expect(budget.burst == 5)
        for index in 0..<5 {
            let passed = budget.admit(Self.sent(ms(index)))
            #expect(passed)
        }
        let passed5 = budget.admit(Self.sent(ms(5)))
        #expect(!passed5)
        // The window is over but its counts are not out: later frames are counted with them.
        let passed6 = budget.admit(Self.sent(ms(300)))
        #expect(!passed6)
        let due = budget.takeDue(now: ms(300))
        let counts = try #require(due)
        let last = ms(300)
        #expect(counts.events == 2)
        #expect(counts.lastTime == last)
        let passed7 = budget.admit(Self.sent(ms(301)))
        #expect(passed7)
    }

    @Test func gapsAndCounts_alwaysPass_notesAreCountedByTheirFirstWord() {
        var budget = TraceDetailBudget(eventsPerSecond: 1, window: .milliseconds(200))
        let passed8 = budget.admit(Self.sent(0))
        #expect(passed8)
        let passed9 = budget.admit(Self.sent(1))
        #expect(!passed9)
        let forwarded = budget.admit(TraceEvent(time: 2, node: "r1", interface: "eth1", kind: .note,
                                                detail: "forwarded 10.0.1.10 > 10.0.2.20, TTL now 63"))
        #expect(!forwarded)
        let passed10 = budget.admit(TraceGap().event(node: "r1"))
        #expect(passed10)
        let passed11 = budget.admit(TraceSummary().event(node: "r1"))
        #expect(passed11)
        #expect(budget.summary.events == 2)
        #expect(budget.summary.tallies[TraceSummary.Key(interface: "eth1", kind: .note, proto: nil, reason: "forwarded")]?.events == 1)
    }

    @Test func countsThatCouldNotBeSent_arePutBackAndMerged() throws {
        var budget = TraceDetailBudget(eventsPerSecond: 5, window: .milliseconds(200))
        for index in 0..<6 { _ = budget.admit(Self.sent(Int64(index))) }   // five detailed (the burst), one counted
        let firstDue = budget.takeDue(now: ms(200))
        let first = try #require(firstDue)
        budget.putBack(first)
        let passed12 = budget.admit(Self.sent(ms(210)))
        #expect(!passed12, "counted with the counts that wait")
        let bothDue = budget.takeDue(now: ms(210))
        let both = try #require(bothDue)
        let last = ms(210)
        #expect(both.events == 2)
        #expect(both.firstTime == 5)
        #expect(both.lastTime == last)
    }

    @Test func everyEvent_isEitherDetailedOrCounted() {
        var budget = TraceDetailBudget(eventsPerSecond: 100, window: .milliseconds(100))
        var random = SeededRandom(seed: 7)
        var time: Int64 = 0, detailed = 0, counted = 0
        for _ in 0..<20_000 {
            time += Int64(random.next() % 400_000)   // 0 to 0.4 ms apart
            if budget.admit(Self.sent(time)) { detailed += 1 }
            if let counts = budget.takeDue(now: time) { counted += counts.events }
        }
        counted += budget.summary.events
        #expect(detailed + counted == 20_000)
        #expect(counted > detailed, "a flood is mostly counted")
    }

    @Test func countsAreKeyedByInterfaceKindProtocolAndReason_andReadBack() throws {
        var summary = TraceSummary()
        let udp = Self.frame(protocolNumber: 17, length: 100)
        summary.add(Self.sent(5, interface: "eth1", frame: udp))
        summary.add(Self.sent(6, interface: "eth1", frame: udp))
        summary.add(TraceEvent(time: 7, node: "r1", interface: "eth0", kind: .dropped, frame: udp, reason: "injected loss"))
        summary.add(TraceEvent(time: 8, node: "r1", interface: "eth0", kind: .impaired, frame: udp, reason: "corrupted byte 27 bit 3"))
        summary.add(TraceEvent(time: 9, node: "r1", interface: "eth0", kind: .impaired, frame: udp, reason: "corrupted byte 30 bit 1"))
        summary.add(TraceEvent(time: 4, node: "r1", kind: .transport, detail: "event=retransmit conn=a>b seq=1 len=2 reason=timeout"))
        summary.add(TraceEvent(time: 10, node: "r1", interface: "eth0", kind: .dropped, frame: udp, reason: "odd, 50% = bad"))
        #expect(summary.events == 7)
        #expect(summary.firstTime == 4)
        #expect(summary.lastTime == 10)
        typealias Key = TraceSummary.Key
        #expect(summary.tallies[Key(interface: "eth1", kind: .sent, proto: "udp", reason: nil)] == .init(events: 2, bytes: 200))
        #expect(summary.tallies[Key(interface: "eth0", kind: .impaired, proto: "udp", reason: "corrupted")]?.events == 2)
        #expect(summary.tallies[Key(interface: nil, kind: .transport, proto: nil, reason: "retransmit")]?.events == 1)
        let event = summary.event(node: "r1")
        #expect(event.kind == .counted)
        #expect(event.time == 4)
        #expect(event.reason == TraceSummary.overBudget)
        #expect(event.detail?.contains("c=eth0,dropped,udp,injected%20loss,1,100") == true, "\(event.detail ?? "")")
        #expect(event.detail?.contains("c=eth0,dropped,udp,odd%2c%2050%25%20%3d%20bad,1,100") == true, "\(event.detail ?? "")")
        #expect(TraceSummary(event) == summary)
        // Through the JSON line a daemon writes, too.
        let line = try JSONLine.roundTrip(event)
        #expect(TraceSummary(line) == summary)
    }

    @Test func keysAreBounded_furtherOnesCountedByKindAlone() {
        var summary = TraceSummary()
        for index in 0..<(TraceSummary.maximumKeys + 10) {
            summary.add(TraceEvent(time: 1, node: "r1", interface: "eth0", kind: .dropped, reason: "reason \(index)"))
        }
        #expect(summary.tallies.count == TraceSummary.maximumKeys + 1)
        #expect(summary.tallies[TraceSummary.Key(interface: nil, kind: .dropped, proto: nil, reason: nil)]?.events == 10)
        #expect(summary.events == TraceSummary.maximumKeys + 10)
    }

    /// A daemon asks `wouldAdmit` before it builds an event and counts by key when no
    /// subscriber takes it: fed the same events, that budget decides and counts exactly as
    /// one that is handed every built event.
    @Test func countingByKeyWithoutTheEvent_matchesAdmittingTheBuiltEvent() throws {
        var built = TraceDetailBudget(eventsPerSecond: 20, window: .milliseconds(200))
        var keyed = built
        var decisions: [Bool] = []
        for index in 0..<600 {
            let time = ms(index)
            let event: TraceEvent
            switch index % 4 {
            case 0: event = Self.sent(time, interface: index % 8 == 0 ? "eth0" : "eth1")
            case 1: event = TraceEvent(time: time, node: "r1", interface: "eth1", kind: .note,
                                       detail: "forwarded 10.0.1.10 > 10.0.2.20, TTL now 63")
            case 2: event = TraceEvent(time: time, node: "r1", interface: "eth0", kind: .dropped,
                                       frame: Self.frame(protocolNumber: 17), reason: "injected loss", detail: "impairment")
            default: event = TraceEvent(time: time, node: "alice", kind: .transport,
                                        detail: "event=cwnd conn=10.0.1.10:4000>10.0.2.20:80 cwnd=2896")
            }
            let admitted = built.admit(event)
            let would = keyed.wouldAdmit(time: time)
            #expect(admitted == would, "event \(index)")
            if would {
                _ = keyed.admit(event)
            } else {
                keyed.count(TraceSummary.key(interface: event.interface, kind: event.kind, frame: event.frame,
                                             reason: event.reason, detail: event.detail),
                            bytes: event.frame?.count ?? 0, time: time)
            }
            decisions.append(admitted)
            if index % 250 == 249 {   // the daemon sends the counts now and then
                let one = built.takeDue(now: time), other = keyed.takeDue(now: time)
                #expect(one == other)
            }
        }
        #expect(built.summary == keyed.summary)
        #expect(decisions.filter { $0 }.count > 10 && decisions.filter { !$0 }.count > 400)
        let taken = keyed.takeDue(now: ms(10_000))
        let due = try #require(taken)
        #expect(due.tallies[TraceSummary.Key(interface: nil, kind: .transport, proto: nil, reason: "cwnd")] != nil)
        #expect(due.tallies[TraceSummary.Key(interface: "eth0", kind: .dropped, proto: "udp", reason: "injected loss")] != nil)
    }

    /// While a budget refuses detail (`refusesUntil`), a daemon tallies frames with integer adds
    /// (and notes and TCP events under their keys)
    /// and hands the tally over later: the budget ends up with the counts, first and last times
    /// it would have had from counting each frame by its key; `refusesUntil` agrees with `wouldAdmit`.
    @Test func framesTalliedWhileTheBudgetRefuses_countAsEachFrameCountedByKey() throws {
        var each = TraceDetailBudget(eventsPerSecond: 20, window: .milliseconds(200))
        var tallied = each
        var tally = TraceFrameTally()
        var talliedFrames = 0
        let frames = [Self.frame(protocolNumber: 6), Self.frame(protocolNumber: 17, source: 53),
                      Self.frame(protocolNumber: 1), Self.frame(protocolNumber: 6, destination: 80, vlan: true)]
        for index in 0..<900 {
            let time = ms(index) / 2
            let frame = frames[index % frames.count]
            let interface = index % 3 == 0 ? "eth0" : (index % 3 == 1 ? "eth1" : nil)
            let kind: TraceEvent.Kind = index % 5 == 0 ? .received : .sent
            // Every seventh event is a note or a TCP event, tallied under its key.
            let noteText = index % 2 == 0 ? "forwarded 10.0.1.10 → 10.0.2.20" : "ARP who-has 10.0.2.20"
            let isNote = index % 7 == 3, isTCP = index % 7 == 5
            let event = isNote ? TraceEvent(time: time, node: "r1", interface: interface, kind: .note, frame: nil, detail: noteText)
                : isTCP ? TraceEvent(time: time, node: "r1", interface: nil, kind: .transport, frame: nil,
                                     detail: index % 2 == 0 ? "event=cwnd cwnd=14600" : "event=retransmit seq=1")
                : TraceEvent(time: time, node: "r1", interface: interface, kind: kind, frame: frame)
            if let until = tallied.refusesUntil(from: time) {
                #expect(time < until)
                #expect(!tallied.wouldAdmit(time: time) && !tallied.wouldAdmit(time: until - 1), "frame \(index)")
            } else {
                #expect(tallied.wouldAdmit(time: time), "frame \(index)")
            }
            if let until = tallied.refusesUntil(from: time), time < until {
                if isNote || isTCP {
                    tally.add(TraceSummary.key(interface: event.interface, kind: event.kind, frame: nil, reason: nil,
                                               detail: event.detail), bytes: 0, time: time)
                } else {
                    tally.add(interface: interface, kind: kind, frame: frame, time: time)
                }
                talliedFrames += 1
                let admitted = each.admit(event)
                #expect(!admitted)
            } else {
                for (key, counts) in tally.take() { tallied.count(key, counts, first: tally.first, last: tally.last) }
                let one = tallied.admit(event), other = each.admit(event)
                #expect(one == other, "frame \(index)")
            }
            if index % 300 == 299 {   // the daemon hands the tally over before it takes the counts
                for (key, counts) in tally.take() { tallied.count(key, counts, first: tally.first, last: tally.last) }
                let one = tallied.takeDue(now: time), other = each.takeDue(now: time)
                #expect(one == other)
            }
        }
        for (key, counts) in tally.take() { tallied.count(key, counts, first: tally.first, last: tally.last) }
        #expect(tally.isEmpty)
        #expect(tallied.summary == each.summary)
        #expect(talliedFrames > 600, "most frames were tallied: \(talliedFrames)")
        let taken = tallied.takeDue(now: ms(10_000))
        let due = try #require(taken)
        #expect(due.tallies[TraceSummary.Key(interface: nil, kind: .sent, proto: "dns", reason: nil)] != nil)
        #expect(due.tallies[TraceSummary.Key(interface: "eth0", kind: .received, proto: "tcp", reason: nil)] != nil)
        #expect(due.tallies[TraceSummary.Key(interface: "eth1", kind: .note, proto: nil, reason: "forwarded")] != nil)
        #expect(due.tallies[TraceSummary.Key(interface: nil, kind: .transport, proto: nil, reason: "retransmit")] != nil)
    }

    /// What a daemon counts a note under without writing it is the first word the note's text would have.
    @Test func aNodeEventsTraceWord_isTheFirstWordOfItsText() throws {
        let a = try #require(IPv4Address("10.0.1.10")), b = try #require(IPv4Address("10.0.2.20"))
        let mac = try #require(MACAddress("02:00:00:00:00:01"))
        let events: [NodeEvent] = [
            .arpRequestSent(interface: 0, target: a), .arpResolved(interface: 0, address: a, macAddress: mac),
            .arpGaveUp(interface: 1, address: b), .forwarded(from: 0, to: 1, source: a, destination: b, timeToLive: 63),
            .icmpErrorSent(type: 11, code: 0, destination: a), .icmpErrorRateLimited(type: 3, code: 3, destination: a),
            .echoAnswered(to: a, identifier: 1, sequence: 2), .fragmented(interface: 1, identification: 7, count: 3, mtu: 576),
            .reassembled(source: a, identification: 7, count: 3, length: 3000),
        ]
        for event in events {
            #expect(event.traceWord == String(event.description.prefix { $0 != " " }), "\(event)")
            let note = TraceEvent(event, node: "r1", interfaceNames: ["eth0", "eth1"], time: 1)
            #expect(TraceSummary.reasonWord(of: note) == event.traceWord)
        }
    }

    /// Summaries with the same counts are equal whatever order their keys were first seen in.
    @Test func summaries_areEqualByTheirCounts_notTheOrderOfTheirKeys() {
        var one = TraceSummary(), other = TraceSummary()
        one.add(Self.sent(1, interface: "eth0"))
        one.add(Self.sent(2, interface: "eth1"))
        other.add(Self.sent(2, interface: "eth1"))
        other.add(Self.sent(1, interface: "eth0"))
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        other.add(Self.sent(2, interface: "eth1"))
        #expect(one != other)
    }

    @Test func otherEventsAndBadDetails_readAsNoSummary() {
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .note, detail: "events=3")) == nil)
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .counted)) == nil)
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .counted, detail: "events=-1")) == nil)
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .counted, detail: "c=eth0,sent,tcp,,x,1")) == nil)
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .counted, detail: "c=eth0,flying,tcp,,1,1")) == nil)
        #expect(TraceSummary(TraceEvent(time: 1, node: "a", kind: .counted, detail: "c=eth0,sent,tcp,%4,1,1")) == nil)
    }

    @Test func theProtocolOfAFrame_isReadFromItsBytes() {
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 1)) == "icmp")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 17)) == "udp")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 17, source: 53)) == "dns")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 6)) == "tcp")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 6, destination: 8080)) == "http")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 6, destination: 80, vlan: true)) == "http")
        #expect(TraceSummary.protocolName(ofFrame: Self.frame(protocolNumber: 47)) == "other")
        var arp = [UInt8](repeating: 0, count: 42)
        arp[12] = 0x08; arp[13] = 0x06
        #expect(TraceSummary.protocolName(ofFrame: arp) == "arp")
        #expect(TraceSummary.protocolName(ofFrame: [0x08, 0x00]) == "other")
        var fragment = Self.frame(protocolNumber: 6, destination: 80)
        fragment[14 + 7] = 0x10   // a later fragment: no ports to read
        #expect(TraceSummary.protocolName(ofFrame: fragment) == "other")
    }
}

/// A trace event through JSON and back (its `Codable` form, as control lines carry it).
enum JSONLine {
    static func roundTrip(_ event: TraceEvent) throws -> TraceEvent {
        try JSONDecoder().decode(TraceEvent.self, from: JSONEncoder().encode(event))
    }
}
