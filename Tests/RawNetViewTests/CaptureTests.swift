import Testing
import Foundation
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct CaptureTests {
    static let tshark = "/usr/bin/tshark"

    @Test func choosesSentAndReceivedFrames_oneInterfacePerNodeInterface() throws {
        var capture = CaptureWriter()
        let events = Fixture.exchange
        let added = capture.add(events)
        #expect(added == 25)    // 26 frames, less the one dropped at r1:eth1; transport events have none
        #expect(capture.interfaceNames == ["alice:eth0", "bob:eth0"])
        let file = try PcapngReader(parsing: capture.takeBytes())
        #expect(file.interfaces.map(\.name) == ["alice:eth0", "bob:eth0"])
        #expect(file.packets.count == 25)
        let kept = events.filter(CaptureWriter.captures)
        #expect(file.packets.map(\.bytes) == kept.map(\.frame!))
        #expect(file.packets.map(\.timestampNanoseconds) == kept.map { UInt64($0.time) })
        #expect(capture.takeBytes().isEmpty)
    }

    @Test func onlyAt_keepsTheNamedInterfacesFramesAndGapsOnly() throws {
        var capture = CaptureWriter(onlyAt: ["bob:eth0"])
        let events = Fixture.exchange
        let kept = events.filter { CaptureWriter.captures($0) && $0.node == "bob" && $0.interface == "eth0" }
        #expect(!kept.isEmpty && kept.count < events.filter(CaptureWriter.captures).count)
        let added = capture.add(events)
        #expect(added == kept.count)
        #expect(capture.interfaceNames == ["bob:eth0"])
        // A gap on an interface not recorded marks nothing.
        var gap = TraceGap()
        for event in events where event.node == "alice" && CaptureWriter.captures(event) { gap.add(event) }
        #expect(gap.frameCount > 0)
        let gapAdded = capture.add(gap.event(node: "alice"))
        #expect(!gapAdded)
        #expect(capture.droppedCount == 0 && capture.interfaceNames == ["bob:eth0"])
        let file = try PcapngReader(parsing: capture.takeBytes())
        #expect(file.packets.map(\.bytes) == kept.map(\.frame!))
    }

    @Test func streamedInPieces_sameBytesAsAtOnce() throws {
        var whole = CaptureWriter(), pieces = CaptureWriter()
        whole.add(Fixture.exchange)
        var bytes: [UInt8] = []
        for event in Fixture.exchange {
            pieces.add(event)
            bytes += pieces.takeBytes()
        }
        #expect(bytes == whole.takeBytes())
    }

    /// tshark reads the capture with checksum validation on: every packet dissects
    /// without malformed or error-level expert info, the interface names are there,
    /// and only the frame corrupted on purpose has a bad checksum.
    @Test func tshark_readsTheCaptureCleanly() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tshark) else {
            Issue.record("this test needs tshark at \(Self.tshark); install the tshark package")
            return
        }
        var capture = CaptureWriter()
        capture.add(Fixture.exchange)
        let t = Fixture.at(400)
        let extra = [
            TraceEvent(time: t, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.arpRequest),
            TraceEvent(time: t + 1, node: "r1", interface: "eth0", kind: .sent, frame: FixtureFrames.arpReply),
            TraceEvent(time: t + 2, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.udp),
            TraceEvent(time: t + 3, node: "alice", interface: "eth0", kind: .sent, frame: FixtureFrames.echoRequest),
            TraceEvent(time: t + 4, node: "r1", interface: "eth0", kind: .sent, frame: FixtureFrames.timeExceeded),
            TraceEvent(time: t + 5, node: "bob", interface: "eth0", kind: .sent, frame: FixtureFrames.portUnreachable),
            TraceEvent(time: t + 6, node: "r1", interface: "eth1", kind: .sent,
                       frame: FixtureFrames.flipped(FixtureFrames.hello, byte: 56, bit: 2)),
        ]
        capture.add(extra)
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("rawnet-view-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(capture.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let fields = ["frame.number", "frame.interface_name", "_ws.malformed", "_ws.expert.severity",
                      "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tshark)
        process.arguments = ["-r", file.path, "-n", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                             "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=\t",
                             "-E", "occurrence=a", "-E", "aggregator=,"] + fields.flatMap { ["-e", $0] }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "tshark failed: \(errorText)")

        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            var row: [String: String] = [:]
            for (field, column) in zip(fields, line.split(separator: "\t", omittingEmptySubsequences: false)) where !column.isEmpty {
                row[field] = String(column)
            }
            return row
        }
        try #require(rows.count == 25 + extra.count, "tshark saw \(rows.count) packets")
        #expect(rows[25 + 2]["udp.checksum.status"] == "1", "the UDP datagram's own checksum verifies")
        #expect(Set(rows.compactMap { $0["frame.interface_name"] }) == ["alice:eth0", "bob:eth0", "r1:eth0", "r1:eth1"])
        for (index, row) in rows.enumerated() {
            let isCorrupted = index == rows.count - 1
            #expect(row["_ws.malformed"] == nil, "packet \(index + 1) malformed")
            // 1 is good, 0 bad; 2 (unverified) appears for the UDP header an ICMP error quotes,
            // whose data is cut off (RFC 792 quotes only its first 8 bytes).
            for field in ["ip.checksum.status", "udp.checksum.status", "icmp.checksum.status"] {
                let values = (row[field] ?? "").split(separator: ",")
                #expect(values.allSatisfy { $0 == "1" || $0 == "2" }, "packet \(index + 1): \(field) = \(values)")
                if field != "udp.checksum.status" {
                    #expect(values.first.map { $0 == "1" } ?? true, "packet \(index + 1): \(field) = \(values)")
                }
            }
            let tcpStatus = row["tcp.checksum.status"]
            if isCorrupted {
                #expect(tcpStatus == "0", "the corrupted segment must be flagged bad, got \(tcpStatus ?? "nothing")")
            } else {
                #expect(tcpStatus == nil || tcpStatus == "1", "packet \(index + 1): tcp checksum \(tcpStatus ?? "")")
                let severities = (row["_ws.expert.severity"] ?? "").split(separator: ",").compactMap { Int($0) }
                #expect(severities.allSatisfy { $0 < 0x0080_0000 }, "packet \(index + 1): expert error \(severities)")
            }
        }
    }
}
