import Foundation
import Testing
@testable import RawNetWire

/// Writes one frame of each kind to a pcapng file and has tshark dissect it with
/// checksum validation on. Fails (never skips) when /usr/bin/tshark is missing.
@Suite struct TsharkTests {
    static let tshark = "/usr/bin/tshark"
    static let fields = [
        "frame.number", "frame.interface_name", "_ws.malformed", "_ws.expert.severity", "eth.type",
        "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.src.hw_mac",
        "ip.src", "ip.dst", "ip.ttl", "ip.checksum.status",
        "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.checksum.status",
        "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status",
        "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.flags.syn", "tcp.options.mss_val",
        "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.timestamp.tsval",
        "tcp.options.sack_le", "tcp.options.sack_re", "tcp.len", "tcp.checksum.status",
        "vlan.id", "vlan.priority", "vlan.etype",
    ]

    /// Runs tshark on `file`; one dictionary per frame: field -> values (all occurrences).
    func dissect(_ file: URL, fields: [String] = fields) throws -> [[String: [String]]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tshark)
        var arguments = ["-r", file.path, "-n",
                         "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                         "-o", "udp.check_checksum:TRUE", "-o", "tcp.relative_sequence_numbers:FALSE",
                         "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for field in fields { arguments += ["-e", field] }
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tshark failed: \(errorText)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            var row: [String: [String]] = [:]
            for (field, column) in zip(fields, columns) where !column.isEmpty {
                row[field] = column.split(separator: ",").map(String.init)
            }
            return row
        }
    }

    @Test func everyKindOfFrame_dissectsCleanly() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tshark) else {
            Issue.record("tshark is required for this test but \(Self.tshark) is missing: install the tshark package")
            return
        }
        var writer = PcapngWriter()
        let eth0 = writer.addInterface(name: "alice:eth0")
        let eth1 = writer.addInterface(name: "r1:eth0")
        let frames = Captures.frames
        for (index, (_, frame)) in frames.enumerated() {
            writer.addPacket(interface: index % 2 == 0 ? eth0 : eth1,
                             timestampNanoseconds: 1_700_000_000_000_000_000 + UInt64(index) * 1_000_000, bytes: frame)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rawnet-wire-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(writer.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let rows = try dissect(file)
        try #require(rows.count == frames.count, "tshark saw \(rows.count) frames")
        for (index, row) in rows.enumerated() {
            let name = frames[index].0
            #expect(row["_ws.malformed"] == nil, "\(name): malformed")
            let severities = (row["_ws.expert.severity"] ?? []).compactMap { Int($0) }
            // 0x00800000 is PI_ERROR (bad checksums are errors too).
            #expect(severities.allSatisfy { $0 < 0x0080_0000 }, "\(name): expert error \(severities)")
            for field in ["ip.checksum.status", "icmp.checksum.status", "tcp.checksum.status"] {
                #expect((row[field] ?? []).allSatisfy { $0 == "1" }, "\(name): \(field) = \(row[field] ?? [])")
            }
            #expect(row["frame.interface_name"] == [index % 2 == 0 ? "alice:eth0" : "r1:eth0"], "\(name)")
        }
        func row(_ name: String) -> [String: [String]] { rows[frames.firstIndex { $0.0 == name }!] }

        #expect(row("arpRequest")["arp.opcode"] == ["1"])
        #expect(row("arpRequest")["arp.src.proto_ipv4"] == ["10.0.1.10"])
        #expect(row("arpRequest")["arp.dst.proto_ipv4"] == ["10.0.1.1"])
        #expect(row("arpReply")["arp.opcode"] == ["2"])
        #expect(row("arpReply")["arp.src.hw_mac"] == ["02:00:00:00:00:01"])

        #expect(row("echoRequest")["icmp.type"] == ["8"])
        #expect(row("echoRequest")["icmp.ident"]?.first == "4660")
        #expect(row("echoRequest")["icmp.seq"]?.first == "1")
        #expect(row("echoReply")["icmp.type"] == ["0"])
        #expect(row("echoReply")["ip.ttl"] == ["63"])

        let unreachable = row("portUnreachable")
        #expect(unreachable["icmp.type"] == ["3"] && unreachable["icmp.code"] == ["3"])
        #expect(unreachable["ip.src"] == ["10.0.2.20", "10.0.1.10"], "outer then quoted header")
        #expect(unreachable["udp.dstport"] == ["4242"])
        let expired = row("timeExceeded")
        #expect(expired["icmp.type"] == ["11"] && expired["icmp.code"] == ["0"])
        #expect(expired["ip.ttl"] == ["64", "1"])
        #expect(expired["udp.dstport"] == ["33434"])

        let udp = row("udp")
        #expect(udp["udp.srcport"] == ["40000"] && udp["udp.dstport"] == ["4242"] && udp["udp.length"] == ["14"])
        #expect(udp["udp.checksum.status"] == ["1"])

        let syn = row("tcpSyn")
        #expect(syn["tcp.flags.syn"] == ["1"] && syn["tcp.seq_raw"] == ["1000"])
        #expect(syn["tcp.options.mss_val"] == ["1460"])
        #expect(syn["tcp.options.wscale.shift"] == ["7"])
        #expect(syn["tcp.options.sack_perm"] != nil)
        #expect(syn["tcp.options.timestamp.tsval"] == ["111"])
        #expect(syn["tcp.checksum.status"] == ["1"])

        let data = row("tcpData")
        #expect(data["tcp.options.sack_le"] == ["6001", "8001"])
        #expect(data["tcp.options.sack_re"] == ["7001", "9001"])
        #expect(data["tcp.options.timestamp.tsval"] == ["112"])
        #expect(data["tcp.len"] == ["14"])
        #expect(data["tcp.checksum.status"] == ["1"])
    }
}
