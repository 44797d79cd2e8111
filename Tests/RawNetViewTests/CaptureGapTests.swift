import Foundation
import RawNetCore
import RawNetWire
import Testing
@testable import RawNetView

/// A `lost` event (frames a daemon could not stream to a slow watcher) in a capture and a trace.
@Suite struct CaptureGapTests {
    static func lostEvent(at time: Int64) -> TraceEvent {
        var gap = TraceGap()
        let frame = FixtureFrames.udp
        for offset in 0..<3 { gap.add(TraceEvent(time: time + Int64(offset), node: "alice", interface: "eth0", kind: .sent, frame: frame)) }
        gap.add(TraceEvent(time: time + 5, node: "alice", kind: .transport, detail: "event=state conn=a>b from=SYN-SENT to=ESTABLISHED"))
        return gap.event(node: "alice")
    }

    @Test func gap_marksDropCountOnTheNextPacket_andInterfaceStatistics() throws {
        var capture = CaptureWriter()
        let t = Fixture.at(10)
        capture.add(TraceEvent(time: t, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp))
        capture.add(Self.lostEvent(at: t + 100))
        capture.add(TraceEvent(time: t + 200, node: "bob", interface: "eth0", kind: .received, frame: FixtureFrames.udp))
        capture.add(TraceEvent(time: t + 300, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp))
        capture.add(Self.lostEvent(at: t + 400))   // at the end: only the statistics carry it
        #expect(capture.packetCount == 3)
        #expect(capture.droppedCount == 6)
        let file = try PcapngReader(parsing: capture.takeBytes())
        #expect(file.packets.map(\.dropCount) == [nil, nil, 3])
        #expect(file.statistics.map(\.interface) == [0, 0])
        #expect(file.statistics.map(\.interfaceDrops) == [3, 6])

        // Wireshark reads the count as the frame's "Drop Count".
        try #require(FileManager.default.isExecutableFile(atPath: CaptureTests.tshark),
                     "this test needs tshark at \(CaptureTests.tshark); install the tshark package")
        var again = CaptureWriter()
        again.add(TraceEvent(time: t, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp))
        again.add(Self.lostEvent(at: t + 100))
        again.add(TraceEvent(time: t + 300, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rawnet-gap-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(again.takeBytes()).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CaptureTests.tshark)
        process.arguments = ["-r", path.path, "-T", "fields", "-e", "frame.drop_count", "-e", "_ws.malformed"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }
                == ["", "3"], "tshark drop counts: \(text)")
    }

    @Test func traceLine_saysHowManyEventsAndFramesWereLost() {
        let formatter = TraceFormatter(startTime: Fixture.at(0))
        let line = formatter.line(for: Self.lostEvent(at: Fixture.at(12)))
        #expect(line == "   12.000 alice       … 4 events from alice lost (subscriber too slow), 3 of them frames (eth0 3)")
    }
}
