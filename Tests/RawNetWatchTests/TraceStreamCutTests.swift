import Foundation
import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWatch
import RawNetWire
import Testing

/// A trace stream that stops reading is never followed by its daemon's
/// memory, yet stays subscribed: the daemon counts what it could not queue and,
/// once the stream reads again, says how much it missed.
@Suite(.serialized) struct TraceStreamCutTests {
    @Test func aStalledStream_isNotCut_andLearnsWhatItMissed() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)\(up.errors)")
        defer { _ = try? runner.run(["down"]) }
        let directory = runner.base + "/rawnet/basic"
        let stream = try TraceStream(runDirectory: directory, nodes: ["r1"])
        // The stream is not read while alice sends to bob through r1: r1's lines for it pile up past its share.
        let socket = try UDPSocket(try HostConnection(runDirectory: directory, host: "alice", appName: "flood"))
        let payload = [UInt8](repeating: 0x5A, count: 1400)
        let r1 = try ControlClient(path: SocketPaths(runDirectory: directory).control(node: "r1"))
        var queued = 0
        var cut = 0
        for _ in 0..<30 where queued < 3 * 1024 * 1024 {
            for _ in 0..<300 { try socket.send(payload, to: IPv4Address(10, 0, 2, 20), port: 9) }
            usleep(200_000)
            let status = try r1.request(ControlRequest(command: "status"))
            let budgets = try #require(status.result).decode(NodeStatus.self).budgets
            queued = budgets?.controlQueuedBytes ?? 0
            cut = budgets?.controlClientsCut ?? 0
        }
        #expect(queued >= 3 * 1024 * 1024, "r1 never queued much for the stalled stream")
        // More than its 4 MiB share would hold: what does not fit is counted, not queued.
        for _ in 0..<5 {
            for _ in 0..<300 { try socket.send(payload, to: IPv4Address(10, 0, 2, 20), port: 9) }
            usleep(200_000)
        }
        cut = try #require(try r1.request(ControlRequest(command: "status")).result)
            .decode(NodeStatus.self).budgets?.controlClientsCut ?? 0
        #expect(cut == 0)
        // Reading now gives the events r1 had queued, then one `lost` event counting the rest.
        var events = 0
        var missed = 0
        for _ in 0..<100 where missed == 0 {
            stream.read(for: .milliseconds(100))
            for event in stream.takeAll() {
                events += 1
                guard event.kind == .lost else { continue }
                let words = (event.detail ?? "").split(separator: " ")
                missed += words.first { $0.hasPrefix("events=") }.flatMap { Int($0.dropFirst(7)) } ?? 0
            }
        }
        #expect(events > 0)
        #expect(missed > 0, "no gap was reported to the stream")
        #expect(stream.endedNodes.isEmpty, "the stream was ended: \(stream.endReasons)")
        #expect(stream.badLines == 0)
    }
}
