import Foundation
import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWatch
import RawNetWire
import Testing

/// A trace stream that stops reading is cut by its daemon, never followed by
/// the daemon's memory, and learns why.
@Suite(.serialized) struct TraceStreamCutTests {
    @Test func aStalledStream_isCut_andItsLastLineSaysWhy() throws {
        let runner = try RawNetRunner()
        let up = try runner.run(["up"])
        try #require(up.status == 0, "\(up.output)\(up.errors)")
        let directory = runner.base + "/rawnet/basic"
        let stream = try TraceStream(runDirectory: directory, nodes: ["r1"])
        // The stream is not read while alice sends to bob through r1: r1's lines for it pile up past 4 MiB.
        let socket = try UDPSocket(try HostConnection(runDirectory: directory, host: "alice", appName: "flood"))
        let payload = [UInt8](repeating: 0x5A, count: 1400)
        let r1 = try ControlClient(path: SocketPaths(runDirectory: directory).control(node: "r1"))
        var cut = 0
        for _ in 0..<30 where cut == 0 {
            for _ in 0..<300 { try socket.send(payload, to: IPv4Address(10, 0, 2, 20), port: 9) }
            usleep(200_000)
            let status = try r1.request(ControlRequest(command: "status"))
            cut = try #require(status.result).decode(NodeStatus.self).budgets?.controlClientsCut ?? 0
        }
        #expect(cut == 1)
        // Reading now gives the events r1 had sent, then the end of the stream and why.
        var events = 0
        for _ in 0..<100 where stream.endedNodes.isEmpty {
            stream.read(for: .milliseconds(100))
            events += stream.takeAll().count
        }
        #expect(stream.endedNodes == ["r1"])
        #expect(events > 0)
        #expect(stream.endReasons["r1"]?.contains("fell") == true, "\(stream.endReasons)")
        #expect(stream.endReasons["r1"]?.hasSuffix("disconnected; what followed was not sent") == true)
        #expect(stream.badLines == 0)
    }
}
