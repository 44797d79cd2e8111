import Foundation
import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWatch
import RawNetWire
import Testing

/// Nothing observed is lost unseen, and no effect is stamped before its cause, on a real
/// lab alice — r1 — bob (the default lab).
@Suite(.serialized) struct ObservationTests {
    /// Each interface's frames the daemon counted: received and sent ("out" counts only what
    /// left for the link: a frame its link port dropped is a drop, not a frame sent).
    static func frameCounts(_ runner: RawNetRunner, nodes: [String] = ["alice", "r1", "bob"]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes {
            let client = try ControlClient(path: runner.base + "/rawnet/basic/\(node).ctl")
            let answer = try client.request(ControlRequest(command: "status"))
            let status = try #require(answer.result).decode(NodeStatus.self)
            for interface in status.interfaces {
                let c = interface.counters
                counts[node + ":" + interface.name] = c.receivedFrames + c.sentFrames
            }
        }
        return counts
    }

    /// A capture of a 20 MB transfer through r1, and a subscriber that stops reading meanwhile:
    /// both stay connected, and for every interface the frames they hold plus the frames their
    /// gaps count are exactly the frames the daemons counted. The capture marks its gaps in
    /// the file (interface statistics, drop counts tshark reads), and tshark finds it clean.
    @Test func capture_ofABulkTransfer_holdsEveryFrameOrCountsItsGaps() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let before = try Self.frameCounts(runner)

        let pcap = runner.base + "/bulk.pcapng"
        let (capture, capturePrinted) = try runner.start(["capture", "--every-interface", "-w", pcap], name: "capture")
        try runner.waitForOutput(capturePrinted, containing: "Ctrl-C stops")
        // A watcher that reads nothing while the transfer runs: before, r1 cut it off at 4 MiB behind.
        let stalled = try ControlClient(path: directory + "/r1.ctl")
        #expect(try stalled.request(ControlRequest(command: "subscribe")).ok)

        let size = 20 * 1_000_000
        try #require(try Self.transfer(size, port: 9000, in: directory) == size, "bob read the whole transfer")
        usleep(1_000_000)
        let after = try Self.frameCounts(runner)

        try Processes.kill(capture, signal: SignalNumber.interrupt)
        #expect(try runner.wait(capture, timeout: 60) == 0)
        let printed = (try? String(contentsOfFile: capturePrinted, encoding: .utf8)) ?? ""

        // The stalled subscriber: still connected; what it got plus what its gaps count is everything.
        var delivered: [String: Int] = [:], lostFrames: [String: Int] = [:], gaps = 0
        while let line = try stalled.nextLine(timeout: .seconds(2)) {
            let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
            if let gap = TraceGap(event) {
                gaps += 1
                for (interface, count) in gap.frames { lostFrames["r1:" + interface, default: 0] += count }
            } else if event.isWireFrame, let interface = event.interface {
                delivered["r1:" + interface, default: 0] += 1
            }
        }
        #expect(gaps >= 1, "a subscriber that read nothing during 20 MB must have a gap")
        for place in ["r1:eth0", "r1:eth1"] {
            let expected = after[place]! - before[place]!
            #expect(delivered[place, default: 0] + lostFrames[place, default: 0] == expected,
                    "\(place): \(delivered[place, default: 0]) delivered + \(lostFrames[place, default: 0]) lost ≠ \(expected) counted")
        }

        // The capture (every interface): per interface, packets plus the last statistics' drops are exactly what was counted.
        let file = try PcapngReader(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: pcap))))
        var packets: [String: Int] = [:], marked: [String: UInt64] = [:], drops: [String: UInt64] = [:]
        for packet in file.packets {
            let name = file.interfaces[packet.interface].name ?? "?"
            packets[name, default: 0] += 1
            marked[name, default: 0] += packet.dropCount ?? 0
        }
        for statistics in file.statistics { drops[file.interfaces[statistics.interface].name ?? "?"] = statistics.interfaceDrops ?? 0 }
        for (place, count) in after {
            let expected = count - before[place]!
            #expect(packets[place, default: 0] + Int(drops[place, default: 0]) == expected,
                    "\(place): \(packets[place, default: 0]) captured + \(drops[place, default: 0]) marked lost ≠ \(expected) counted")
            #expect(marked[place, default: 0] <= drops[place, default: 0])
        }
        #expect(after["alice:eth0"]! - before["alice:eth0"]! > 14_000, "the transfer's segments and ACKs crossed alice:eth0")
        print("capture of 20 MB: \(file.packets.count) packets, lost \(drops); stalled subscriber: \(gaps) gaps")
        let lost = drops.values.reduce(0, +)
        if lost > 0 {
            #expect(printed.contains("lost (subscriber too slow)"), "the gap is said on screen:\n\(printed)")
            #expect(printed.contains("\(lost) frames lost, marked in the file"), "\(printed)")
        }
        let verdict = try TsharkVerdict(file: pcap)
        #expect(verdict.packets == file.packets.count)
        #expect(verdict.malformed == 0 && verdict.badChecksums.isEmpty)
    }

    /// The default capture (a file per link, no filter) is written by the daemons themselves:
    /// after a 20 MB transfer each link's file holds exactly the frames its recorded end
    /// counted — none lost however busy the lab — the summary says so per file, and tshark
    /// finds the files clean.
    @Test func defaultCapture_writtenByTheDaemons_holdsEveryFrameOfEachLink() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let before = try Self.frameCounts(runner)
        let (capture, capturePrinted) = try runner.start(["capture", "-w", runner.base + "/lab.pcapng"], name: "capture")
        try runner.waitForOutput(capturePrinted, containing: "Ctrl-C stops")

        let size = 20 * 1_000_000
        try #require(try Self.transfer(size, port: 9001, in: directory) == size, "bob read the whole transfer")
        usleep(500_000)
        let after = try Self.frameCounts(runner)
        try Processes.kill(capture, signal: SignalNumber.interrupt)
        #expect(try runner.wait(capture, timeout: 60) == 0)
        let printed = (try? String(contentsOfFile: capturePrinted, encoding: .utf8)) ?? ""

        let files = ["r1:eth0": runner.base + "/lab.alice-r1.pcapng", "bob:eth0": runner.base + "/lab.r1-bob.pcapng"]
        for (place, path) in files {
            let expected = after[place]! - before[place]!
            let file = try PcapngReader(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(file.interfaces.map(\.name) == [place])
            #expect(file.packets.count == expected, "\(path): \(file.packets.count) packets, \(place) counted \(expected)")
            #expect(file.statistics.isEmpty && file.packets.allSatisfy { $0.dropCount == nil }, "no gap in \(path)")
            #expect(printed.contains("\(expected) packets (\(place))"), "\(printed)")
            let verdict = try TsharkVerdict(file: path)
            #expect(verdict.packets == expected && verdict.malformed == 0 && verdict.badChecksums.isEmpty,
                    "\(path): tshark read \(verdict.packets), \(verdict.malformed) malformed, bad checksums \(verdict.badChecksums)")
        }
        #expect(after["bob:eth0"]! - before["bob:eth0"]! > 14_000, "the transfer's segments and ACKs crossed bob:eth0")
    }

    /// The lab stopping under a running default capture: the capture ends by itself, says the
    /// daemons went away, and every file is whole (the daemons write out what they held).
    @Test func defaultCapture_whenTheLabStops_endsAndLeavesWholeFiles() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let (capture, capturePrinted) = try runner.start(["capture", "-w", runner.base + "/lab.pcapng"], name: "capture")
        try runner.waitForOutput(capturePrinted, containing: "Ctrl-C stops")
        let ping = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.05"])
        #expect(ping.output.contains("2 received"), "\(ping.output)")
        #expect(try runner.run(["down", "--lab", "basic"]).status == 0)
        #expect(try runner.wait(capture, timeout: 20) == 0)
        let printed = (try? String(contentsOfFile: capturePrinted, encoding: .utf8)) ?? ""
        #expect(printed.contains("the daemons of alice, bob, r1 went away during the capture"), "\(printed)")
        #expect(printed.contains("(bob:eth0, until bob stopped)"), "\(printed)")
        let echoes = try TsharkVerdict.fields(runner.base + "/lab.r1-bob.pcapng", filter: "icmp", fields: ["icmp.type"])
        #expect(echoes.count == 4, "\(echoes)")
    }

    /// A daemon's `capture` command: what it refuses, and a capture process that goes away without
    /// a word (killed) still leaves a whole file: the daemon writes what it held and closes it.
    @Test func captureCommand_refusesBadRequests_andEndsTheFileWhenItsClientGoes() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let path = runner.base + "/r1-eth1.pcapng"
        var client: ControlClient? = try ControlClient(path: directory + "/r1.ctl")
        func ask(_ args: [String: String]) throws -> ControlResponse {
            try #require(client).request(ControlRequest(command: "capture", args: args))
        }
        let unknown = try ask(["interface": "eth7", "file": path])
        #expect(!unknown.ok && (unknown.error ?? "").contains("r1 has no interface 'eth7' (it has eth0, eth1)"), "\(unknown)")
        let bare = try ask([:])
        #expect(!bare.ok && (bare.error ?? "").contains("give interface=NAME file=/ABSOLUTE/PATH, or stop"), "\(bare)")
        let relative = try ask(["interface": "eth1", "file": "r1.pcapng"])
        #expect(!relative.ok && (relative.error ?? "").contains("give an absolute path"), "\(relative)")
        let unwritable = try ask(["interface": "eth1", "file": runner.base + "/no/such/directory/x.pcapng"])
        #expect(!unwritable.ok && (unwritable.error ?? "").contains("cannot write"), "\(unwritable)")
        #expect(try ask(["interface": "eth1", "file": path]).ok)
        let twice = try ask(["interface": "eth1", "file": path])
        #expect(!twice.ok && (twice.error ?? "").contains("already recorded"), "\(twice)")

        let ping = try runner.run(["ping", "alice", "bob", "-c", "3", "-i", "0.05"])
        #expect(ping.output.contains("3 received"), "\(ping.output)")
        client = nil   // the connection closes, as when the capture process is killed
        var echoes: [[String]] = []
        for _ in 0..<50 where echoes.count < 6 {
            usleep(100_000)
            echoes = (try? TsharkVerdict.fields(path, filter: "icmp", fields: ["icmp.type"])) ?? []
        }
        #expect(echoes.map { $0.first ?? "" }.sorted() == ["0", "0", "0", "8", "8", "8"], "\(echoes)")
        let file = try PcapngReader(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(file.interfaces.map(\.name) == ["r1:eth1"])
        // Nothing more is written once its client is gone.
        let size = file.packets.count
        _ = try runner.run(["ping", "alice", "bob", "-c", "2", "-i", "0.05"])
        let later = try PcapngReader(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(later.packets.count == size)
    }

    /// A frame written in answer to one just read is stamped when it is written, not with
    /// the read's time: at bob's end of the cable each echo reply comes strictly after its
    /// request, as a capture on Linux shows a reply's processing time.
    @Test func aReplyIsStampedAfterItsRequest_atTheNodeThatAnswers() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let path = runner.base + "/bob-eth0.pcapng"
        let client = try ControlClient(path: runner.base + "/rawnet/basic/bob.ctl")
        #expect(try client.request(ControlRequest(command: "capture", args: ["interface": "eth0", "file": path])).ok)
        let ping = try runner.run(["ping", "alice", "bob", "-c", "3", "-i", "0.05"])
        #expect(ping.output.contains("3 received"), "\(ping.output)")
        #expect(try client.request(ControlRequest(command: "capture", args: ["stop": "1"])).ok)
        let packets = try PcapngReader(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).packets
        // Ethernet 14 + IPv4 20: the ICMP type, then its identifier and sequence number.
        let echoes = packets.filter { $0.bytes.count > 41 && $0.bytes[12] == 0x08 && $0.bytes[13] == 0x00 && $0.bytes[23] == 1 }
        let requests = echoes.filter { $0.bytes[34] == 8 }, replies = echoes.filter { $0.bytes[34] == 0 }
        #expect(requests.count == 3 && replies.count == 3, "\(echoes.count) echoes")
        for (request, reply) in zip(requests, replies) {
            #expect(Array(request.bytes[38..<42]) == Array(reply.bytes[38..<42]), "the same id and sequence")
            #expect(reply.timestampNanoseconds > request.timestampNanoseconds,
                    "reply at \(reply.timestampNanoseconds), request at \(request.timestampNanoseconds)")
        }
    }

    /// A subscriber that asks for detail only up to a rate (as `rawnet web` does) during a flood:
    /// it gets some events one by one and `counted` events for the rest, and per r1 interface
    /// and direction the two add up to exactly what a full subscriber got at the same time
    /// (plus what its gaps count). A bad budget is refused.
    @Test func aBudgetedSubscriber_getsEveryFrameEitherInDetailOrCounted() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let refused = try ControlClient(path: directory + "/r1.ctl").request(ControlRequest(command: "subscribe", args: ["budget": "0"]))
        #expect(!refused.ok && (refused.error ?? "").contains("budget=0"), "\(refused)")

        let full = try ControlClient(path: directory + "/r1.ctl")
        #expect(try full.request(ControlRequest(command: "subscribe")).ok)
        let budgeted = try TraceStream(runDirectory: directory, nodes: ["alice", "r1", "bob"], detailBudget: 20)
        let flood = try runner.run(["ping", "alice", "bob", "-c", "400", "-i", "0.001", "-W", "2"], timeout: 30)
        #expect(flood.output.contains("400 packets transmitted"), "\(flood.output)")
        usleep(400_000)   // the last interval's counts are due 200 ms after it began
        budgeted.readUntilQuiet(quiet: .milliseconds(400), limit: .seconds(10))
        let streamed = budgeted.takeAll()

        // place ("r1:eth0 sent") → frames, from each side.
        var wanted: [String: Int] = [:], got: [String: Int] = [:]
        var detailed = 0, summaries = 0
        while let line = try full.nextLine(timeout: .milliseconds(500)) {
            let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
            if let gap = TraceGap(event) {
                Issue.record("the full subscriber fell behind, \(gap.events) events lost; the comparison needs them all")
            } else if event.isWireFrame {
                wanted["r1:\(event.interface!) \(event.kind.rawValue)", default: 0] += 1
            }
        }
        for event in streamed {
            #expect(event.kind != .lost, "the budgeted subscriber needs no gap: \(event)")
            if let summary = TraceSummary(event) {
                summaries += 1
                #expect(event.reason == TraceSummary.overBudget)
                guard event.node == "r1" else { continue }
                for (key, tally) in summary.tallies where key.kind == .sent || key.kind == .received {
                    got["r1:\(key.interface ?? "?") \(key.kind.rawValue)", default: 0] += tally.events
                    #expect(key.proto == "icmp" || key.proto == "arp", "\(key)")
                }
            } else if event.isWireFrame {
                if event.node == "r1" { got["r1:\(event.interface!) \(event.kind.rawValue)", default: 0] += 1 }
                detailed += 1
            }
        }
        #expect(Set(streamed.filter { $0.kind == .counted }.map(\.node)) == ["alice", "r1", "bob"],
                "each daemon counted its part of the flood")
        #expect(summaries >= 3 && detailed > 0)
        #expect(wanted["r1:eth0 received", default: 0] >= 400 && wanted["r1:eth1 sent", default: 0] >= 400, "\(wanted)")
        #expect(got == wanted, "detailed + counted per place equals the full stream")
        print("budgeted subscriber: \(detailed) frames in detail, \(summaries) counted events; full: \(wanted)")
    }

    /// A budgeted subscriber alone (as `rawnet web` is when nothing else watches): a daemon
    /// then builds no event it would only count, but counts it by its key; per interface the
    /// frames in detail plus the frames counted are exactly the frames the daemon counted, r1's
    /// "forwarded" notes match the TCP frames it received, and the hosts count TCP events.
    @Test func aBudgetedSubscriberAlone_getsEveryFrameInDetailOrCounted_duringABulkTransfer() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let budgeted = try TraceStream(runDirectory: directory, nodes: ["alice", "r1", "bob"], detailBudget: 20)
        usleep(200_000)
        let before = try Self.frameCounts(runner)
        let size = 4 * 1_000_000
        try #require(try Self.transfer(size, port: 9002, in: directory) == size, "bob read the whole transfer")
        usleep(300_000)
        let after = try Self.frameCounts(runner)
        usleep(300_000)   // the last interval's counts are due 200 ms after it began
        budgeted.readUntilQuiet(quiet: .milliseconds(400), limit: .seconds(20))
        var got: [String: Int] = [:], forwarded = 0, r1TCPReceived = 0, transportCounted: [String: Int] = [:]
        var detailed = 0, counted = 0
        for event in budgeted.takeAll() {
            #expect(event.kind != .lost, "nothing was too slow here: \(event)")
            if let summary = TraceSummary(event) {
                for (key, tally) in summary.tallies {
                    let place = event.node + ":" + (key.interface ?? "?")
                    switch key.kind {
                    case .sent, .received:
                        got[place, default: 0] += tally.events
                        counted += tally.events
                        if event.node == "r1" && key.kind == .received && key.proto == "tcp" { r1TCPReceived += tally.events }
                    case .note where event.node == "r1" && key.reason == "forwarded": forwarded += tally.events
                    case .transport: transportCounted[event.node, default: 0] += tally.events
                    default: break
                    }
                }
            } else if event.isWireFrame, let interface = event.interface {
                got[event.node + ":" + interface, default: 0] += 1
                detailed += 1
                if event.node == "r1", event.kind == .received, let frame = event.frame,
                   TraceSummary.protocolName(ofFrame: frame) == "tcp" { r1TCPReceived += 1 }
            } else if event.node == "r1", event.kind == .note, event.detail?.hasPrefix("forwarded ") == true {
                forwarded += 1
            }
        }
        // Frames around the transfer (ARP, a stray retransmission) count on both sides, so compare
        // each interface's whole window: the stream was read until quiet after `after`.
        for (place, count) in after {
            #expect(got[place, default: 0] == count - before[place]!,
                    "\(place): \(got[place, default: 0]) in detail or counted ≠ \(count - before[place]!) the daemon counted")
        }
        #expect(counted > 1_000 && detailed > 0, "mostly counted: \(counted) counted, \(detailed) in detail")
        #expect(r1TCPReceived > 1_000 && forwarded == r1TCPReceived, "r1 noted \(forwarded) forwarded of \(r1TCPReceived) TCP frames received")
        #expect(transportCounted["alice", default: 0] > 0, "alice's TCP events were counted: \(transportCounted)")
        print("budgeted subscriber alone: \(detailed) frames in detail, \(counted) counted, r1 forwarded \(forwarded)")
    }

    /// A stream scoped to interfaces (as the default capture asks, one end of each link): r1
    /// streams only eth0's frames, every one of them (its counters say how many), alice is not
    /// subscribed at all, and an interface a node does not have is refused, naming the ones it has.
    @Test func aScopedStream_getsOnlyItsInterfaces_everyFrameOfThem() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let directory = runner.base + "/rawnet/basic"
        let refused = try ControlClient(path: directory + "/r1.ctl")
            .request(ControlRequest(command: "subscribe", args: ["interfaces": "eth0,eth7"]))
        #expect(!refused.ok && (refused.error ?? "").contains("no interface 'eth7' (it has eth0, eth1)"), "\(refused)")

        let stream = try TraceStream(runDirectory: directory, nodes: ["alice", "r1", "bob"]) { answering in
            #expect(answering == ["alice", "r1", "bob"])
            return ["alice": [], "r1": ["eth0"]]   // bob: everything
        }
        #expect(stream.nodes == ["r1", "bob"] && stream.unneededNodes == ["alice"])
        usleep(200_000)
        let before = try Self.frameCounts(runner)
        try #require(try Self.transfer(2_000_000, port: 9003, in: directory) == 2_000_000)
        usleep(300_000)
        let after = try Self.frameCounts(runner)
        stream.readUntilQuiet(quiet: .milliseconds(400), limit: .seconds(20))
        // Read only now, the stream may have fallen behind: what a gap counts is part of the whole.
        var frames: [String: Int] = [:], lost: [String: Int] = [:]
        for event in stream.takeAll() {
            #expect(event.node != "alice", "alice was not subscribed: \(event)")
            if let gap = TraceGap(event) {
                for (interface, count) in gap.frames { lost[event.node + ":" + interface, default: 0] += count }
                continue
            }
            if event.node == "r1" { #expect(event.interface == "eth0", "r1 streams eth0 only: \(event)") }
            if event.isWireFrame { frames[event.node + ":" + event.interface!, default: 0] += 1 }
        }
        #expect(lost["r1:eth1"] == nil, "a gap counts only what the stream asked for: \(lost)")
        for place in ["r1:eth0", "bob:eth0"] {
            #expect(frames[place, default: 0] + lost[place, default: 0] == after[place]! - before[place]!,
                    "\(place): \(frames[place, default: 0]) streamed + \(lost[place, default: 0]) in gaps")
        }
        #expect(frames["r1:eth1"] == nil && frames["r1:eth0", default: 0] > 1_000)
    }

    /// Pings and a traceroute through r1, traced: every frame's sent line at one end of a
    /// cable comes before its received line at the other (by time and in the saved order), a
    /// router's forwarded frame after its arrival, and a time-exceeded after its probe.
    @Test func trace_showsCausesBeforeEffects_acrossDaemons() throws {
        let runner = try RawNetRunner()
        try #require(try runner.run(["up"]).status == 0)
        defer { _ = try? runner.run(["down", "--lab", "basic"]) }
        let saved = runner.base + "/causal.jsonl"
        let (trace, printedPath) = try runner.start(["trace", "--save", saved], name: "trace")
        try runner.waitForOutput(printedPath, containing: "Ctrl-C stops")
        #expect(try runner.run(["ping", "alice", "bob", "-c", "40", "-i", "0.02"]).status == 0)
        #expect(try runner.run(["traceroute", "alice", "bob"]).status == 0)
        // And a bulk transfer, where routers read frames of both directions in one wake-up.
        #expect(try Self.transfer(2_000_000, port: 9001, in: runner.base + "/rawnet/basic") == 2_000_000)
        usleep(300_000)
        try Processes.kill(trace, signal: SignalNumber.interrupt)
        #expect(try runner.wait(trace, timeout: 20) == 0)
        let events = try TraceFile.read(path: saved)

        /// (node:interface, kind) → (time, position) per IPv4 packet, keyed by source, destination and identification.
        var seen: [String: [String: (time: Int64, index: Int)]] = [:]
        var quotes: [(probe: String, error: String)] = []
        var ambiguous: Set<String> = []
        for (index, event) in events.enumerated() where event.isWireFrame {
            let frame = event.frame!
            guard frame.count >= 34, frame[12] == 0x08, frame[13] == 0x00 else { continue }
            let key = Self.packetKey(frame, at: 14)
            let place = event.node + ":" + event.interface! + " " + event.kind.rawValue
            // The same bytes twice at one place (a retransmission) cannot be paired: left out.
            if seen[key]?[place] != nil { ambiguous.insert(key) }
            seen[key, default: [:]][place] = (event.time, index)
            let headerLength = Int(frame[14] & 0x0F) * 4
            if frame[23] == 1, frame.count >= 14 + headerLength + 8 + 20, frame[14 + headerLength] == 11 {
                quotes.append((Self.packetKey(frame, at: 14 + headerLength + 8), key))
            }
        }
        func expectOrder(_ key: String, _ steps: [String]) {
            guard let places = seen[key] else { Issue.record("packet \(key) not traced"); return }
            let found = steps.compactMap { places[$0] }
            #expect(found.count == steps.count, "\(key): traced at \(places.keys.sorted()), wanted \(steps)")
            for (a, b) in zip(found, found.dropFirst()) {
                #expect(a.time <= b.time && a.index < b.index, "\(key): \(steps) stamped \(found.map(\.time)) at lines \(found.map(\.index))")
            }
        }
        var requests = 0, replies = 0
        for key in seen.keys {
            if key.hasPrefix("10.0.1.10>10.0.2.20 1 ") {
                requests += 1
                expectOrder(key, ["alice:eth0 sent", "r1:eth0 received", "r1:eth1 sent", "bob:eth0 received"])
            } else if key.hasPrefix("10.0.2.20>10.0.1.10 1 ") {
                replies += 1
                expectOrder(key, ["bob:eth0 sent", "r1:eth1 received", "r1:eth0 sent", "alice:eth0 received"])
            }
        }
        #expect(requests >= 40 && replies >= 40, "\(requests) requests, \(replies) replies")

        // TCP segments seen at all four places (a loaded trace may have gaps): stamps in causal order.
        // Only stamps here: the saved order of a stream that fell far behind is the merge's business.
        var segments = 0
        for (key, places) in seen where !ambiguous.contains(key) && key.contains(" 6 ") {
            let forward = key.hasPrefix("10.0.1.10>")
            let steps = forward ? ["alice:eth0 sent", "r1:eth0 received", "r1:eth1 sent", "bob:eth0 received"]
                                : ["bob:eth0 sent", "r1:eth1 received", "r1:eth0 sent", "alice:eth0 received"]
            let times = steps.compactMap { places[$0]?.time }
            guard times.count == 4 else { continue }
            segments += 1
            #expect(times == times.sorted(), "\(key): \(steps) stamped \(times)")
        }
        #expect(segments >= 200, "only \(segments) TCP segments were traced at all four places")
        #expect(!quotes.isEmpty, "traceroute's first probe met a time exceeded at r1")
        for (probe, error) in quotes {
            guard let sentAt = seen[probe]?["alice:eth0 sent"], let arrived = seen[probe]?["r1:eth0 received"],
                  let answered = seen[error]?["r1:eth0 sent"], let back = seen[error]?["alice:eth0 received"] else {
                Issue.record("probe \(probe) or its error \(error) not traced at both ends"); continue
            }
            let chain = [sentAt, arrived, answered, back]
            for (a, b) in zip(chain, chain.dropFirst()) {
                #expect(a.time <= b.time && a.index < b.index, "probe \(probe): \(chain.map(\.time)) at lines \(chain.map(\.index))")
            }
        }
    }

    /// Sends `size` bytes from alice to bob:`port` over TCP and returns how many bob read.
    static func transfer(_ size: Int, port: UInt16, in directory: String) throws -> Int {
        let listener = try RawNetSocket.TCPListener(try HostConnection(runDirectory: directory, host: "bob", appName: "sink"), port: port)
        defer { listener.close() }
        let client = try TCPStream.connect(try HostConnection(runDirectory: directory, host: "alice", appName: "source"),
                                           to: IPv4Address("10.0.2.20")!, port: port, timeout: .seconds(5))
        let server = try #require(try listener.accept(timeout: .seconds(5)))
        defer { server.close() }
        let received = ReceivedCount()
        nonisolated(unsafe) let reading = server   // read only by the thread until it finishes
        let reader = Thread {
            while let bytes = try? reading.read(maxCount: 1 << 20, timeout: .seconds(30)), !bytes.isEmpty { received.add(bytes.count) }
            received.finish()
        }
        reader.start()
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        var sent = 0
        while sent < size {
            let piece = min(chunk.count, size - sent)
            try client.write(Array(chunk[..<piece]))
            sent += piece
        }
        client.close()
        return received.waitForEnd(seconds: 120)
    }

    /// `source>destination protocol identification` of the IPv4 header at `offset`, and for a
    /// whole TCP segment its sequence and acknowledgement numbers and length.
    static func packetKey(_ bytes: [UInt8], at offset: Int) -> String {
        let source = bytes[offset + 12..<offset + 16].map(String.init).joined(separator: ".")
        let destination = bytes[offset + 16..<offset + 20].map(String.init).joined(separator: ".")
        let identification = Int(bytes[offset + 4]) << 8 | Int(bytes[offset + 5])
        var key = "\(source)>\(destination) \(bytes[offset + 9]) \(identification)"
        let headerLength = Int(bytes[offset] & 0x0F) * 4
        if bytes[offset + 9] == 6, bytes.count >= offset + headerLength + 16 {
            key += " " + bytes[offset + headerLength + 4..<offset + headerLength + 12].map(String.init).joined(separator: ":")
            key += " \(bytes.count - offset)"
        }
        return key
    }
}

/// Bytes a reader thread has read, and whether it saw the end.
final class ReceivedCount: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0
    private var ended = false

    func add(_ bytes: Int) {
        condition.lock(); count += bytes; condition.unlock()
    }

    func finish() {
        condition.lock(); ended = true; condition.broadcast(); condition.unlock()
    }

    /// The count once the reader ended (or when `seconds` passed).
    func waitForEnd(seconds: Double) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !ended && condition.wait(until: deadline) {}
        return count
    }
}
