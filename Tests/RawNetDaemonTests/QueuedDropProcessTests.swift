import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetPlatform
import Testing

/// Frames waiting in a link's egress queue when its cable breaks: real daemons,
/// a peer that stops reading and then dies.
@Suite struct QueuedDropProcessTests {
    @Test func framesWaitingForADeadPeer_areCountedAsNoPeer_andNeverAsSent() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0, "ARP is resolved on every hop")
        let before = try lab.status("r1").interfaces[1].counters
        let stream = try ControlClient(path: lab.paths.control(node: "r1"))
        #expect(try stream.request(ControlRequest(command: "subscribe")).ok)
        let bob = try #require(lab.pids["bob"])
        try Processes.kill(bob, signal: SignalNumber.stop)
        // bob reads nothing now: r1's frames towards it fill the socket, then r1's egress queue.
        let flood = try lab.rawnet(["ping", "alice", "bob", "-c", "500", "-i", "0.001", "-s", "1400", "-W", "0.2"])
        #expect(flood.status == 1, "no replies: \(flood.output)")
        let stalled = try lab.status("r1").interfaces[1]
        let queued = stalled.queuedFrames
        #expect(queued > 0, "frames wait in r1:eth1's queue")
        try lab.kill("bob", signal: SignalNumber.kill)
        var after = stalled.counters
        for _ in 0..<100 where after[.noPeer] < queued {
            MonotonicClock.sleep(for: .milliseconds(20))
            after = try lab.status("r1").interfaces[1].counters
        }
        #expect(after[.noPeer] == queued, "each frame that waited is a 'no peer on the cable' drop")
        let forwarded = 500 - (after[.queueOverflow] - before[.queueOverflow])
        #expect(after.sentFrames - before.sentFrames == forwarded - queued,
                "'out' counts only what left: \(after.sentFrames - before.sentFrames) of \(forwarded) handed to the link")
        var traced = 0
        while let line = try stream.nextLine(timeout: .milliseconds(300)) {
            let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
            if event.kind == .dropped && event.reason == DropReason.noPeer.rawValue {
                traced += 1
                #expect(event.interface == "eth1" && event.frame != nil)
                #expect(event.detail?.contains("after waiting in the link's egress queue") == true)
            }
        }
        #expect(traced == queued, "each is traced as dropped")
    }
}
