import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetWatch
import Testing

struct TraceSelectionTests {
    let topology = TopologyLoader.defaultLab()

    func event(_ node: String, _ interface: String?, _ kind: TraceEvent.Kind, time: Int64, frame: [UInt8]? = [1, 2, 3]) -> TraceEvent {
        TraceEvent(time: time, node: node, interface: interface, kind: kind, frame: frame)
    }

    /// A flood read in one batch (a bulk transfer, a watcher that fell behind): every received
    /// twin pairs with its sent line, each sent line is shown once, and a received line whose
    /// sender was not watched is shown; the batch costs its length, not its square.
    @Test func aLargeBatch_pairsEveryTwinOnce() {
        var hops = HopFilter(topology: topology)
        var batch: [TraceEvent] = []
        for index in 0..<40_000 {
            let frame = (0..<60).map { UInt8(truncatingIfNeeded: index >> ($0 % 3 * 8)) } + [UInt8(index % 251)]
            let time = Int64(index) * 1_000
            batch.append(event("alice", "eth0", .sent, time: time, frame: frame))
            batch.append(event("r1", "eth0", .received, time: time + 500, frame: frame))
        }
        batch.append(event("r1", "eth0", .received, time: 50_000_000, frame: [9, 9, 9]))
        let shown = hops.admit(batch)
        #expect(zip(batch, shown).filter { $0.1 && $0.0.kind == .sent }.count == 40_000)
        #expect(zip(batch, shown).filter { $0.1 && $0.0.kind == .received }.count == 1, "only the unpaired one")
    }

    @Test func targets_nodeInterfaceAndLink() throws {
        let all = try TraceSelection(targets: [], topology: topology)
        #expect(all.nodes == topology.nodes.map(\.name))
        #expect(all.includes(event("bob", "eth0", .sent, time: 0)))

        let node = try TraceSelection(targets: ["r1"], topology: topology)
        #expect(node.nodes == ["r1"])
        #expect(node.includes(event("r1", nil, .note, time: 0, frame: nil)))
        #expect(!node.includes(event("alice", "eth0", .sent, time: 0)))

        let interface = try TraceSelection(targets: ["r1:eth1"], topology: topology)
        #expect(interface.includes(event("r1", "eth1", .sent, time: 0)))
        #expect(!interface.includes(event("r1", "eth0", .sent, time: 0)))

        let link = try TraceSelection(targets: ["alice-r1"], topology: topology)
        #expect(Set(link.nodes) == ["alice", "r1"])
        #expect(link.includes(event("r1", "eth0", .received, time: 0)))
        #expect(!link.includes(event("r1", "eth1", .sent, time: 0)))
        let named = try TraceSelection(targets: ["alice:eth0-r1:eth0"], topology: topology)
        #expect(named.scopes == link.scopes)
    }

    @Test func targets_errorsNameTheChoices() {
        #expect(throws: TraceSelectionError.self) { try TraceSelection(targets: ["carol"], topology: topology) }
        do {
            _ = try TraceSelection(targets: ["r1:eth9"], topology: topology)
            Issue.record("r1:eth9 accepted")
        } catch {
            #expect(error.description.contains("node 'r1' has no interface 'eth9' (has eth0, eth1)"))
        }
    }

    @Test func hops_oneLinePerFramePerCable_inEitherStampOrder() {
        var hops = HopFilter(topology: topology)
        // alice sends, r1 receives (stamped earlier than the send), r1 forwards, bob receives.
        let batch = [
            event("r1", "eth0", .received, time: 10, frame: [9, 9]),
            event("alice", "eth0", .sent, time: 11, frame: [9, 9]),
            event("r1", "eth1", .sent, time: 20, frame: [8, 8]),
            event("bob", "eth0", .received, time: 21, frame: [8, 8]),
            event("r1", "eth1", .dropped, time: 30, frame: [7]),
        ]
        #expect(hops.admit(batch) == [false, true, true, false, true])
        // A received frame whose twin came in an earlier batch is still recognised.
        #expect(hops.admit([event("alice", "eth0", .sent, time: 40, frame: [6])]) == [true])
        #expect(hops.admit([event("r1", "eth0", .received, time: 41, frame: [6])]) == [false])
        // One whose sender is not watched shows.
        #expect(hops.admit([event("r1", "eth0", .received, time: 50, frame: [5])]) == [true])
    }

    @Test func capturePoints_oneEndPerLink_theSecondUnlessItIsNotWatched() {
        // The default lab: alice:eth0–r1:eth0 and r1:eth1–bob:eth0.
        let all = CapturePoints(topology: topology, watched: ["alice", "r1", "bob"])
        #expect(all.places == ["r1:eth0", "bob:eth0"])
        let withoutBob = CapturePoints(topology: topology, watched: ["alice", "r1"])
        #expect(withoutBob.places == ["r1:eth0", "r1:eth1"])
        #expect(CapturePoints(topology: topology, watched: []).places.isEmpty)
    }

    @Test func captureFiles_arePerLinkBesideTheName_theInterfacesOnlyWhenTwoLinksJoinTheSameNodes() throws {
        let files = CapturePoints(topology: topology, watched: ["alice", "r1", "bob"]).files(beside: "/tmp/lab.pcapng")
        #expect(files.map(\.path) == ["/tmp/lab.alice-r1.pcapng", "/tmp/lab.r1-bob.pcapng"])
        #expect(files.map(\.place) == ["r1:eth0", "bob:eth0"])
        let twice = try TopologyLoader.parse(yaml: """
            name: twice
            nodes:
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
              r2: { kind: router, interfaces: { eth0: 10.0.1.2/24, eth1: 10.0.2.2/24 } }
            links:
              - endpoints: [r1:eth0, r2:eth0]
              - endpoints: [r1:eth1, r2:eth1]
            """, file: "twice.yaml")
        #expect(CapturePoints(topology: twice, watched: ["r1", "r2"]).files(beside: "cap").map(\.path)
                == ["cap.r1.eth0-r2.eth0.pcapng", "cap.r1.eth1-r2.eth1.pcapng"])
        let one = try TopologyLoader.parse(yaml: """
            name: one
            nodes:
              a: { kind: host, ip: 10.0.1.1/24 }
              b: { kind: host, ip: 10.0.1.2/24 }
            links:
              - endpoints: [a:eth0, b:eth0]
            """, file: "one.yaml")
        #expect(CapturePoints(topology: one, watched: ["a", "b"]).files(beside: "x.pcapng").map(\.path) == ["x.pcapng"])
    }
}


/// The lines a capture ends with, per file: a count, a daemon that stopped, or a file
/// whose daemon could not go on writing (its answer to `capture stop` read back).
struct CaptureSummaryTests {
    @Test func aFailedWriteReadsAsItsOwnLine_notAsACount() {
        #expect(CaptureOutcome(answer: "412") == .written(412))
        #expect(CaptureOutcome(answer: "failed after 12 packets: cannot write /x/a.pcapng: ENOSPC")
                == .failed(packets: 12, reason: "cannot write /x/a.pcapng: ENOSPC"))
        #expect(CaptureOutcome(answer: "something else") == .failed(packets: 0, reason: "something else"))
        let lines = PerLinkCapture.summaryLines([
            (path: "lab.alice-r1.pcapng", place: "r1:eth0", outcome: CaptureOutcome(answer: "412")),
            (path: "lab.r1-bob.pcapng", place: "r1:eth1",
             outcome: CaptureOutcome(answer: "failed after 12 packets: cannot write /x: ENOSPC")),
            (path: "lab.r1-r2.pcapng", place: "r2:eth0", outcome: CaptureOutcome(answer: "7")),
            (path: "lab.r2-carol.pcapng", place: "carol:eth0", outcome: nil),
        ])
        #expect(lines == [
            "  lab.alice-r1.pcapng  412 packets (r1:eth0)",
            "  lab.r1-bob.pcapng    (r1:eth1) stopped after 12 packets: cannot write /x: ENOSPC",
            "  lab.r1-r2.pcapng       7 packets (r2:eth0)",
            "  lab.r2-carol.pcapng  (carol:eth0, until carol stopped)",
        ])
    }
}
