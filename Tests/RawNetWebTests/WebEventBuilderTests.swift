import Foundation
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetView
import RawNetWire
import RawNetContracts
@testable import RawNetWeb
import Testing

/// The page's view of the trace: links resolved, protocols named, layers as `trace --layers`,
/// fast batches counted honestly, gaps kept as gaps.
struct WebEventBuilderTests {
    let topology = try! TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "basic")
    let alice = IPv4Address(10, 0, 1, 10), bob = IPv4Address(10, 0, 2, 20)
    let aliceMAC = MACAddress([2, 0, 0, 0, 0, 1]), routerMAC = MACAddress([2, 0, 0, 0, 0, 2])

    func echo(id: UInt16) -> [UInt8] {
        Frame.ipv4(ethernet: EthernetHeader(destination: routerMAC, source: aliceMAC, etherType: .ipv4),
                   ip: IPv4Header(identification: id, protocolNumber: .icmp, source: alice, destination: bob),
                   icmp: .echoRequest(identifier: 1, sequence: id, payload: [1, 2, 3]))
    }

    func tcp(_ flags: TCPFlags, window: UInt16, options: TCPOptionList = [], fromAlice: Bool = true) -> [UInt8] {
        let header = TCPHeader(sourcePort: fromAlice ? 40000 : 7000, destinationPort: fromAlice ? 7000 : 40000,
                               sequenceNumber: 100, acknowledgmentNumber: 200, flags: flags, window: window, options: options)
        return Frame.ipv4(ethernet: EthernetHeader(destination: routerMAC, source: aliceMAC, etherType: .ipv4),
                          ip: IPv4Header(identification: 5, protocolNumber: .tcp, source: fromAlice ? alice : bob,
                                         destination: fromAlice ? bob : alice),
                          tcp: header, payload: [])
    }

    func event(_ kind: TraceEvent.Kind, _ node: String, _ interface: String?, at ms: Int64, frame: [UInt8]? = nil,
               reason: String? = nil, detail: String? = nil) -> TraceEvent {
        TraceEvent(time: 1_000_000_000_000 + ms * 1_000_000, node: node, interface: interface, kind: kind,
                   frame: frame, reason: reason, detail: detail)
    }

    @Test func sentAndReceivedFramesLieOnTheirLinkInTheirDirection() throws {
        var builder = WebEventBuilder(topology: topology)
        let frame = echo(id: 1)
        let messages = builder.messages(for: [
            event(.sent, "alice", "eth0", at: 0, frame: frame),
            event(.received, "r1", "eth0", at: 1, frame: frame),
            event(.sent, "bob", "eth0", at: 3, frame: frame),
        ])
        let events = try #require(messages.first?.events)
        #expect(messages.count == 1 && messages[0].type == "events")
        #expect(events.map(\.link) == [0, 0, 1])
        #expect(events.map(\.toB) == [true, true, false], "alice→r1 is a→b; bob sends b→a on r1:eth1-bob:eth0")
        #expect(events.map(\.proto) == ["icmp", "icmp", "icmp"])
        #expect(events.map(\.hop) == [true, false, true], "the received twin of a sent frame is not a hop of its own")
        // The page lists both ends' lines, as `trace --both-ends` does (README): the receiver's is kept, marked.
        #expect(events[1].line.contains("r1:eth0") && events[1].line.contains("←"), "\(events[1].line)")
        #expect(events.map(\.id) == [0, 1, 2])
        #expect(events[1].t == 1)
        var formatter = TraceFormatter()
        #expect(events[0].line == formatter.format(event(.sent, "alice", "eth0", at: 0, frame: frame)))
        #expect(events[0].layers?.contains("ICMP") == true && events[0].layers?.contains("IPv4") == true)
    }

    @Test func protocolsAreNamedByTheHighestLayer() {
        #expect(WebEventBuilder.protocolName(of: tcp([.syn], window: 100)) == "tcp")
        #expect(WebEventBuilder.protocolName(of: echo(id: 2)) == "icmp")
        let arp = Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: aliceMAC, etherType: .arp),
                            arp: .request(senderMAC: aliceMAC, senderIP: alice, targetIP: IPv4Address(10, 0, 1, 1)))
        #expect(WebEventBuilder.protocolName(of: arp) == "arp")
        let dns = Frame.ipv4(ethernet: EthernetHeader(destination: routerMAC, source: aliceMAC, etherType: .ipv4),
                             ip: IPv4Header(identification: 9, protocolNumber: .udp, source: alice, destination: bob),
                             udp: UDPHeader(sourcePort: 5000, destinationPort: 53), payload: [0])
        #expect(WebEventBuilder.protocolName(of: dns) == "dns")
        #expect(WebEventBuilder.protocolName(of: [1, 2, 3]) == "other")
    }

    @Test func layersScaleTheWindowAsTraceLayersDoes() throws {
        let syn = tcp([.syn], window: 64240, options: [.windowScale(7)])
        let synAck = tcp([.syn, .ack], window: 65535, options: [.windowScale(7)], fromAlice: false)
        let data = tcp([.ack], window: 100)
        let batch = [event(.sent, "alice", "eth0", at: 0, frame: syn), event(.sent, "bob", "eth0", at: 1, frame: synAck),
                     event(.sent, "alice", "eth0", at: 2, frame: data)]
        var builder = WebEventBuilder(topology: topology)
        let events = try #require(builder.messages(for: batch).first?.events)
        var formatter = TraceFormatter()
        formatter.sequenceBases = TCPSequenceBases()   // as `rawnet trace --layers` counts by default
        let expected = batch.map { formatter.formatWithLayers($0) }
        // The same line, and the same boxes drawn as wide as the page's panel holds.
        #expect(expected[2].hasPrefix(events[2].line + "\n"))
        #expect(events[2].layers == LayerView.render(frame: data, windowScales: formatter.windowScales, width: WebEventBuilder.layerColumns))
        #expect(events[2].layers != LayerView.render(frame: data), "the scale learnt from the SYNs is applied")
    }

    /// Live, the boxes are kept to be drawn when a frame is opened: what the store draws then is
    /// what the page got with each frame before (window scales as known when the frame came,
    /// both languages), and the oldest frames are forgotten beyond the store's bytes.
    @Test func keptLayers_areDrawnOnRequestAsTheyWouldHaveBeenSent() throws {
        let syn = tcp([.syn], window: 64240, options: [.windowScale(7)])
        let synAck = tcp([.syn, .ack], window: 65535, options: [.windowScale(7)], fromAlice: false)
        let data = tcp([.ack], window: 100)
        let batch = [event(.sent, "alice", "eth0", at: 0, frame: data), event(.sent, "alice", "eth0", at: 1, frame: syn),
                     event(.sent, "bob", "eth0", at: 2, frame: synAck), event(.sent, "alice", "eth0", at: 3, frame: data),
                     event(.note, "r1", nil, at: 4, frame: nil)]
        var eager = WebEventBuilder(topology: topology)
        let store = LayerStore()
        var lazy = WebEventBuilder(topology: topology, layerStore: store)
        let sent = try #require(eager.messages(for: batch).first?.events)
        let light = try #require(lazy.messages(for: batch).first?.events)
        #expect(sent.count == 5 && light.count == 5)
        for (full, kept) in zip(sent, light) {
            #expect(kept.layers == nil && kept.layersKo == nil)
            #expect(kept.line == full.line && kept.lineKo == full.lineKo)
            guard full.layers != nil else {
                #expect(kept.hasLayers == nil && store.layers(id: kept.id) == nil)
                continue
            }
            #expect(kept.hasLayers == true)
            let drawn = try #require(store.layers(id: kept.id))
            #expect(drawn.en == full.layers && drawn.ko == full.layersKo, "frame #\(kept.id)")
        }
        // The same segment reads "scale unknown" before the handshake and scaled after it.
        #expect(store.layers(id: 0)?.en.contains("scale unknown") == true)
        #expect(store.layers(id: 3)?.en.contains("× 128") == true)

        let small = LayerStore(byteLimit: 3 * data.count)
        for id in 0..<10 { small.keep(id: id, frame: data, scales: TCPWindowScales()) }
        #expect(small.count == 3 && small.layers(id: 6) == nil && small.layers(id: 7) != nil && small.layers(id: 9) != nil)
        #expect(small.whyNot(id: 9) == nil)
        #expect(small.whyNot(id: 6)?.en.contains("no longer kept") == true)
        #expect(small.whyNot(id: 10)?.en == "no frame #10 has been shown yet")
        #expect(store.whyNot(id: 4)?.en == "event #4 holds no frame", "the note among the kept frames")
    }

    @Test func aBatchTooLargeIsCountedPerLinkAndGapsStayGaps() throws {
        var builder = WebEventBuilder(topology: topology, maxEventsPerBatch: 4)
        var batch: [TraceEvent] = []
        for i in 0..<6 { batch.append(event(.sent, "alice", "eth0", at: Int64(i), frame: echo(id: UInt16(i)))) }
        batch.append(event(.dropped, "alice", "eth0", at: 7, frame: echo(id: 9), reason: "injected loss"))
        batch.append(event(.dropped, "alice", "eth0", at: 8, frame: echo(id: 10), reason: "injected loss"))
        batch.append(event(.note, "r1", "eth1", at: 8, detail: "forwarded 10.0.1.10 > 10.0.2.20, TTL now 63"))
        batch.append(event(.lost, "r1", nil, at: 9, reason: "subscriber too slow", detail: "events=40"))
        let messages = builder.messages(for: batch)
        #expect(messages.map(\.type) == ["counts", "events"])
        let counts = try #require(messages[0].counts)
        #expect(messages[0].total == 9, "every event but the gap is counted")
        #expect(counts.reduce(0) { $0 + $1.count } == 9)
        #expect(counts.first { $0.kind == "note" }?.reason == "forwarded", "a note is counted by its first word, as a daemon counts it")
        #expect(counts.first { $0.kind == "sent" }?.count == 6)
        let drops = try #require(counts.first { $0.kind == "dropped" })
        #expect(drops.count == 2 && drops.reason == "injected loss" && drops.link == 0)
        #expect(drops.reasonKo == "인위적\u{A0}손실", "a drop's reason in the glossary's Korean: \(drops.reasonKo ?? "nil")")
        #expect(messages[0].from == 0 && messages[0].to == 9)
        #expect(messages[1].events?.map(\.kind) == ["lost"])
        #expect(messages[1].events?.first?.line.contains("lost") == true)
        // Ids keep counting across counted batches.
        let next = builder.messages(for: [event(.sent, "alice", "eth0", at: 20, frame: echo(id: 11))])
        #expect(next.first?.events?.first?.id == 10)
    }

    /// What a daemon counted itself (`counted`, over its detail budget) reaches the page as one
    /// `counts` message per batch, each count on its link and direction with its bytes, beside
    /// the events that came one by one.
    @Test func countsFromTheDaemonsBecomeOneCountsMessageOnTheirLinks() throws {
        var builder = WebEventBuilder(topology: topology)
        var r1 = TraceSummary(), bob = TraceSummary()
        for i in 0..<5 { r1.add(event(.received, "r1", "eth0", at: 10 + Int64(i), frame: echo(id: UInt16(i)))) }
        for i in 0..<3 { r1.add(event(.sent, "r1", "eth1", at: 11 + Int64(i), frame: echo(id: UInt16(i)))) }
        r1.add(event(.dropped, "r1", "eth1", at: 14, frame: echo(id: 7), reason: "queue overflow"))
        bob.add(event(.received, "bob", "eth0", at: 12, frame: echo(id: 1)))
        let batch = [event(.sent, "alice", "eth0", at: 0, frame: echo(id: 0)),
                     r1.event(node: "r1"), bob.event(node: "bob")]
        let messages = builder.messages(for: batch)
        #expect(messages.map(\.type) == ["events", "counts"])
        #expect(messages[0].events?.count == 1)
        let counted = messages[1]
        #expect(counted.total == 10)
        #expect(counted.from == 10)
        #expect(counted.to == 14)
        let counts = try #require(counted.counts)
        #expect(counts.reduce(0) { $0 + $1.count } == 10)
        let arriving = try #require(counts.first { $0.node == "r1" && $0.kind == "received" })
        #expect(arriving.link == 0)
        #expect(arriving.toB == true)
        #expect(arriving.proto == "icmp")
        #expect(arriving.count == 5)
        #expect(arriving.bytes == 5 * echo(id: 0).count)
        let leaving = try #require(counts.first { $0.node == "r1" && $0.kind == "sent" })
        #expect(leaving.link == 1)
        #expect(leaving.toB == true)
        #expect(leaving.count == 3)
        let drop = try #require(counts.first { $0.kind == "dropped" })
        #expect(drop.link == 1)
        #expect(drop.reason == "queue overflow" && drop.reasonKo == "큐\u{A0}넘침", "\(drop.reasonKo ?? "nil")")
        #expect(drop.count == 1)
        let atBob = try #require(counts.first { $0.node == "bob" })
        #expect(atBob.link == 1)
        #expect(atBob.toB == true)
        #expect(atBob.kind == "received")
    }

    func segment(sequence: UInt32, payload: [UInt8]) -> [UInt8] {
        let header = TCPHeader(sourcePort: 40000, destinationPort: 7000, sequenceNumber: sequence,
                               acknowledgmentNumber: 200, flags: [.ack, .psh], window: 100)
        return Frame.ipv4(ethernet: EthernetHeader(destination: routerMAC, source: aliceMAC, etherType: .ipv4),
                          ip: IPv4Header(identification: UInt16(sequence & 0xFFFF), protocolNumber: .tcp, source: alice, destination: bob),
                          tcp: header, payload: payload)
    }

    /// A lost segment sent at 0 ms and again at 200 ms (timeout), a later one sent once at 1 ms:
    /// alice's trace, r1 forwarding the copy, and a copy alice sends later at 400 ms.
    var lossAndRetransmission: [TraceEvent] {
        let lost = segment(sequence: 100, payload: Array("hello".utf8))
        let next = segment(sequence: 105, payload: Array("world".utf8))
        return [
            event(.sent, "alice", "eth0", at: 0, frame: lost),
            event(.sent, "alice", "eth0", at: 1, frame: next),
            event(.transport, "alice", nil, at: 200, detail: "event=retransmit conn=10.0.1.10:40000>10.0.2.20:7000 seq=100 len=5 reason=timeout"),
            event(.transport, "alice", nil, at: 200, detail: "event=state conn=10.0.1.10:40000>10.0.2.20:7000 from=SYN-SENT to=ESTABLISHED"),
            event(.sent, "alice", "eth0", at: 200, frame: lost),
            event(.sent, "r1", "eth1", at: 201, frame: lost),
            event(.sent, "alice", "eth0", at: 400, frame: lost),
        ]
    }

    @Test func koreanLinesAndBoxesUseTheTerminalViewsWords() throws {
        var builder = WebEventBuilder(topology: topology)
        let drop = event(.dropped, "alice", "eth0", at: 0, frame: echo(id: 1), reason: "injected loss")
        let ev = try #require(builder.messages(for: [drop]).first?.events?.first)
        var formatter = TraceFormatter()
        let line = formatter.format(drop)
        #expect(ev.line == line)
        #expect(ev.lineKo == KoreanViews.translate(line), "the tour's Korean for the same line")
        #expect(ev.lineKo?.contains("버려짐 (인위적\u{A0}손실)") == true, "\(ev.lineKo ?? "")")
        #expect(ev.reason == "injected loss" && ev.reasonKo == "인위적\u{A0}손실", "the drop's mark on its link, in Korean")
        let boxes = try #require(ev.layersKo)
        for words in ["이더넷 II", "목적지", "출발지", "식별자", "헤더 체크섬", "✓ 맞음", "14바이트"] {
            #expect(boxes.contains(words), "\(words) in\n\(boxes)")
        }
        // Hangul takes two columns: the boxes stay as wide as the English ones, what the panel holds.
        for row in boxes.split(separator: "\n") where row.hasPrefix("│") || row.hasPrefix("┌") || row.hasPrefix("└") {
            #expect(DisplayWidth.of(String(row)) == WebEventBuilder.layerColumns, "\(row)")
        }
        #expect(ev.layers?.contains("Ethernet II") == true && ev.layers?.contains("이더넷") == false)
    }

    @Test func retransmissionsAreMarkedFromTheTraceNotFromArrivalOrder() {
        let events = lossAndRetransmission
        var inOrder = WebEventBuilder(topology: topology)
        let shown = inOrder.messages(for: events).flatMap { $0.events ?? [] }
        #expect(shown.map(\.retransmit) == [false, false, true, false, true, false, false],
                "the announcement and alice's copy at 200 ms; not the original, not r1 forwarding it, not a later copy")
        // Each says why, as the trace does, in both languages.
        #expect(shown.map(\.why) == [nil, nil, "timeout", nil, "timeout", nil, nil])
        #expect(shown[4].whyKo == "타임아웃")

        // The same events, the frame before its announcement and in separate batches: the same marks.
        let swapped = [events[4], events[0], events[1]] + [events[3], events[2]] + [events[5], events[6]]
        let orders: [[[TraceEvent]]] = [[events], [swapped], [Array(swapped[0..<3]), Array(swapped[3..<5]), Array(swapped[5...])],
                                        events.map { [$0] }, events.reversed().map { [$0] }]
        var results: [[Bool]] = []
        for batches in orders {
            var builder = WebEventBuilder(topology: topology)
            var flags: [Int: Bool] = [:]
            var order: [TraceEvent] = []
            for batch in batches {
                order += batch
                for message in builder.messages(for: batch) {
                    for ev in message.events ?? [] {
                        flags[ev.id] = ev.retransmit
                        #expect(ev.retransmit == (ev.why == "timeout"), "a mark says why: \(ev)")
                    }
                    for (index, id) in (message.ids ?? []).enumerated() {
                        flags[id] = true
                        #expect(message.whys?[index] == "timeout" && message.whysKo?[index] == "타임아웃", "\(message)")
                    }
                }
            }
            // Back to the original order of `events`, by identity of each event.
            results.append(events.map { wanted in
                let index = order.firstIndex { $0.time == wanted.time && $0.node == wanted.node && $0.detail == wanted.detail && $0.frame == wanted.frame && $0.interface == wanted.interface }!
                return flags[index] ?? false
            })
        }
        for result in results { #expect(result == [false, false, true, false, true, false, false]) }
    }
}

/// The hub: history for late pages, bounded memory, and a slow page told what it missed.
struct EventHubTests {
    @Test func aLatePageGetsTheHistoryAndTrimmedHistoryIsAGap() async {
        let hub = EventHub(historyBytes: 10, queueLimit: 100)
        for text in ["aaaa", "bbbb", "cccc", "dddd"] { hub.publish(text) }
        #expect(hub.trimmedCount == 2)
        let (id, messages) = hub.subscribe()
        hub.publish("eeee")
        hub.unsubscribe(id)
        var got: [String] = []
        for await message in messages { got.append(message) }
        #expect(got == [#"{"type":"gap","missed":2}"#, "cccc", "dddd", #"{"type":"history_end"}"#, "eeee"])
    }

    /// A history longer than a page's queue: the page gets its newest part after a gap, and the
    /// end of the history always arrives (the page tells the past from the lab being busy by it).
    @Test func aLongHistory_givesItsNewestPart_andAlwaysItsEnd() async {
        let hub = EventHub(historyBytes: 1 << 20, queueLimit: 3)
        for i in 0..<10 { hub.publish("m\(i)") }
        let (id, messages) = hub.subscribe()
        hub.unsubscribe(id)
        var got: [String] = []
        for await message in messages { got.append(message) }
        #expect(got == [#"{"type":"gap","missed":8}"#, "m8", "m9", #"{"type":"history_end"}"#])
    }

    @Test func aSlowPageIsToldHowManyMessagesItMissed() async {
        let hub = EventHub(historyBytes: 0, queueLimit: 2)
        let (id, messages) = hub.subscribe()
        for i in 0..<6 { hub.publish("m\(i)") }
        var iterator = messages.makeAsyncIterator()
        var first: [String] = []
        for _ in 0..<3 { if let message = await iterator.next() { first.append(message) } }
        #expect(first == [#"{"type":"history_end"}"#, "m0", "m1"], "the queue holds queueLimit + 1")
        hub.publish("m6")
        hub.unsubscribe(id)
        var rest: [String] = []
        while let message = await iterator.next() { rest.append(message) }
        #expect(rest == [#"{"type":"gap","missed":4}"#, "m6"])
        #expect(hub.subscriberCount == 0)
    }
}

/// The change the page and `rawnet impair` share: the same checks, the same words.
struct ImpairChangeTests {
    @Test func aBadValueIsRefusedNamingItsFlag() {
        #expect(throws: ImpairChangeError.self) { try ImpairChange(options: ["loss": "150%"]).validate() }
        do {
            try ImpairChange(options: ["loss": "150%"]).validate()
        } catch {
            #expect(error.description.hasPrefix("--loss 150% is out of range"), "\(error)")
            #expect(error.description.components(separatedBy: "loss").count == 2, "the setting is named once: \(error)")
            #expect(error.isInvalidValue)
        }
        do {
            try ImpairChange(options: ["gemodel": "x"]).validate()
        } catch {
            #expect(error.description.hasPrefix("--loss-burst x: "), "\(error)")
        }
    }

    @Test func settingsAreSentInAFixedOrderWithoutSpaces() throws {
        let change = ImpairChange(options: ["delay": "50 ms", "loss": "30%"])
        try change.validate()
        #expect(change.settingsText == "loss 30% delay 50ms")
        #expect(!change.isEmpty && ImpairChange(options: [:]).isEmpty && !ImpairChange(options: [:], clear: true).isEmpty)
    }
}

/// The topology as the page gets it, from what the daemons answered.
struct WebTopologyTests {
    let topology = try! TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "basic")

    func status(_ node: String, _ interfaces: [(String, Bool)]) -> NodeStatus {
        NodeStatus(node: node, kind: "host", pid: 1, uptimeSeconds: 1, interfaces: interfaces.map { name, up in
            InterfaceStatus(name: name, mac: "02:00:00:00:00:01", address: "10.0.0.1/24", peer: nil, isUp: up,
                            queuedFrames: 0, counters: InterfaceCounters(), impairment: nil)
        })
    }

    @Test func linksCarryEachDirectionsSettingsAndTheirState() throws {
        var counters = ImpairmentCounters()
        counters.droppedRandomLoss = 4
        counters.droppedOnRequest = 1
        let view = WebTopology(
            lab: "basic", topology: topology,
            statuses: ["alice": status("alice", [("eth0", true)]), "r1": status("r1", [("eth0", true), ("eth1", false)])],
            impairments: ["alice:eth0": .success(ImpairAnswer(interface: "eth0", settings: "loss 30%", isPerfect: false, counters: counters)),
                          "r1:eth0": .failure(ImpairChangeError("r1: not running"))])
        #expect(view.nodes.map(\.name) == ["alice", "bob", "r1"])
        #expect(view.nodes.map(\.running) == [true, false, true])
        #expect(view.nodes[0].interfaces.first?.address == "10.0.1.10/24")
        #expect(view.nodes[1].interfaces.first?.up == nil, "bob did not answer")
        let first = view.links[0]
        #expect(first.name == "alice:eth0-r1:eth0" && first.aNode == "alice" && first.bNode == "r1")
        #expect(first.aToB.settings == "loss 30%" && !first.aToB.perfect && first.aToB.lost == 5)
        #expect(first.aToB.settingsKo == "손실 30%" && first.bToA.settingsKo == "?")
        #expect(view.nodes.map(\.kindKo) == ["호스트", "호스트", "라우터"])
        #expect(first.bToA.error == "r1: not running" && first.bToA.settings == "?")
        #expect(first.up == true)
        #expect(view.links[1].up == false, "r1:eth1 is down, so r1-bob is")
        #expect(view.links[1].bToA.error == "not asked")
    }

    /// A link's badge in Korean: the settings' words in the glossary's terms, their values as
    /// `rawnet impair --show` prints them; a node's kind too.
    @Test func settingsAndKindsReadInKorean() throws {
        let nbsp = "\u{A0}"
        #expect(KoreanViews.impairmentSettings("loss 15%") == "손실 15%")
        #expect(KoreanViews.impairmentSettings("reorder 50%") == "순서\(nbsp)바뀜 50%")
        #expect(KoreanViews.impairmentSettings("delay 10ms ±8ms (normal)") == "지연 10ms ±8ms (정규분포)")
        #expect(KoreanViews.impairmentSettings("duplicate 50% · corrupt 20%") == "복제 50% · 손상 20%")
        #expect(KoreanViews.impairmentSettings("rate 1mbit queue 64") == "속도\(nbsp)제한 1mbit 큐 64")
        #expect(KoreanViews.impairmentSettings("queue 20") == "큐 20")
        #expect(KoreanViews.impairmentSettings("perfect wire") == "장애 없음 (perfect wire)", "as `impair --show --lang ko` says it")
        // Every word `ImpairmentSettings.description` writes has its Korean: no English word is left.
        var settings = ImpairmentSettings.perfect
        settings.loss = 0.1
        settings.lossBurst = try ImpairmentSettings(parsing: "gemodel 1%,30%").lossBurst
        settings.reorder = 0.25
        settings.reorderGap = 5
        settings.holdBack = 3
        settings.holdBackTimeout = .milliseconds(500)
        settings.delay = .milliseconds(50)
        settings.jitter = .milliseconds(5)
        settings.distribution = .uniform
        settings.duplicate = 0.01
        settings.corrupt = 0.02
        settings.rateBitsPerSecond = 2_000_000
        settings.seed = 7
        let english = settings.description, korean = KoreanViews.impairmentSettings(english)
        #expect(korean.split(separator: " ").filter { $0.contains(/[a-z]/) }.allSatisfy { $0.contains(/\d/) },
                "only values keep Latin letters: \(english) → \(korean)")
        #expect(korean.split(separator: " ").filter { $0.contains(/\d/) } == english.split(separator: " ").filter { $0.contains(/\d/) },
                "the values are unchanged: \(english) → \(korean)")
        #expect(NodeKind.allCases.map { "\($0.rawValue) \(WebTopology.korean($0))" }
                == ["host 호스트", "router 라우터", "linux 리눅스", "switch 스위치"])
    }

    /// `rawnet down` while `rawnet web` runs: GET /api/topology answers a JSON error the page shows
    /// (503, in both languages), not an empty 500; with `lab.conf` back it draws the lab again.
    @Test func aLabThatIsDownIsAnsweredAsAJSONError() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("rawnet-web-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let directory = base + "/basic"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let paths = SocketPaths(runDirectory: directory)
        try LabConfig.write(topology, to: paths)
        let located = try LabLocator.locate("basic", base: base)
        guard case .success(let view) = WebTopology.answer(located) else {
            Issue.record("the lab's lab.conf is there, yet no topology")
            return
        }
        #expect(view.lab == "basic" && view.nodes.map(\.name) == ["alice", "bob", "r1"] && !view.nodes.contains { $0.running })

        // `rawnet down` removes lab.conf (and the run directory) while the server runs.
        try FileManager.default.removeItem(atPath: paths.labConfigFile)
        guard case .failure(let problem) = WebTopology.answer(located) else {
            Issue.record("no lab.conf, yet a topology")
            return
        }
        #expect(problem.status == 503)
        #expect(problem.error == "lab 'basic' is not running; start it with `rawnet up`")
        #expect(problem.errorKo.contains("'basic'") && problem.errorKo.contains("rawnet up") && problem.errorKo.contains("실습 네트워크"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as? [String: String]
        #expect(json == ["error": problem.error, "errorKo": problem.errorKo], "the page's error shape, no status inside")

        // The lab comes back: the same server draws it again.
        try LabConfig.write(topology, to: paths)
        guard case .success = WebTopology.answer(located) else {
            Issue.record("lab.conf is back, yet no topology")
            return
        }
    }

    /// A node switched off (`rawnet stop r1`): no status from it, its neighbours' ends NO-CARRIER.
    /// The page draws their interfaces and both links down, not up.
    @Test func aStoppedNodesLinks_andItsNeighboursEnds_areDown() throws {
        let topology = try TopologyLoader.parse(yaml: TopologyLoader.defaultLabYAML, file: "basic")
        var alice = status("alice", [("eth0", true)])
        alice.interfaces[0].hasCarrier = false
        let bob = status("bob", [("eth0", true)])
        let view = WebTopology(lab: "basic", topology: topology, statuses: ["alice": alice, "bob": bob], impairments: [:])
        #expect(view.nodes.first { $0.name == "alice" }?.interfaces.first?.up == false, "NO-CARRIER is not up")
        #expect(view.nodes.first { $0.name == "bob" }?.interfaces.first?.up == true)
        #expect(view.nodes.first { $0.name == "r1" }?.running == false)
        #expect(view.links.map(\.up) == [false, false], "both of r1's links are down: \(view.links.map(\.up))")
    }

    @Test func aPartDrawsTheOtherMachinesNodesAsRemote() throws {
        let yaml = TopologyLoader.defaultLabYAML + "machines:\n  m1: { address: 10.250.0.1, nodes: [alice, r1] }\n"
            + "  m2: { address: 10.250.0.2, nodes: [bob] }\n"
        let part = try TopologyLoader.parse(yaml: yaml, file: "basic", part: "m1")
        let view = WebTopology(lab: "basic", topology: part, statuses: ["r1": status("r1", [("eth0", true), ("eth1", true)])],
                               impairments: [:])
        #expect(view.nodes.map(\.name) == ["alice", "r1", "bob"], "every end of every link is a node the page can place")
        #expect(view.nodes.map(\.remote) == [nil, nil, "remote, part m2, 10.250.0.2"])
        #expect(view.nodes[2].interfaces.first?.address == "10.0.2.20/24")
        #expect(view.links.map(\.bNode).allSatisfy { name in view.nodes.contains { $0.name == name } })
    }
}
