import Foundation
import RawNetWire
import Testing

@Suite struct BPDUTests {
    private let root = BridgeID(priority: 4096, address: MACAddress("02:00:00:00:00:01")!)
    private let bridge = BridgeID(priority: 32768, address: MACAddress("02:00:00:00:00:02")!)
    private let port = MACAddress("02:00:00:00:10:02")!

    private var configuration: BPDU.Configuration {
        BPDU.Configuration(topologyChange: true, topologyChangeAcknowledgment: false, rootID: root, rootPathCost: 19,
                           bridgeID: bridge, portID: 0x8002, messageAge: 1, maxAge: 512, helloTime: 128, forwardDelay: 256)
    }

    /// 802.3 header (length 38), LLC 42 42 03, then the 35-byte configuration BPDU, padded to 60 bytes.
    private let configurationFrame = bytes(
        "0180c2000000" + "020000001002" + "0026" + "424203"
        + "0000" + "00" + "00" + "01" + "1000020000000001" + "00000013" + "8000020000000002" + "8002"
        + "0001" + "0200" + "0080" + "0100" + String(repeating: "00", count: 8))

    @Test func configurationBPDUMatchesGoldenBytes() throws {
        let frame = BPDU.configuration(configuration).frame(from: port)
        #expect(frame.count == 60)
        #expect(hexString(frame) == hexString(configurationFrame))
        #expect(try BPDU(frame: configurationFrame) == .configuration(configuration))
    }

    @Test func topologyChangeNotificationMatchesGoldenBytes() throws {
        let golden = bytes("0180c2000000" + "020000001002" + "0007" + "424203" + "00000080" + String(repeating: "00", count: 39))
        #expect(hexString(BPDU.topologyChangeNotification.frame(from: port)) == hexString(golden))
        #expect(try BPDU(frame: golden) == .topologyChangeNotification)
    }

    @Test func aDecodedFrameKeepsTheBPDUForItsOneLine() throws {
        let decoded = DecodedFrame(parsing: configurationFrame)
        #expect(decoded.error == nil)
        guard case .other(let type, let payload) = decoded.payload else {
            Issue.record("a BPDU decoded as \(decoded.payload)")
            return
        }
        #expect(type.rawValue == 38)
        #expect(BPDU.inPayload(payload) == .configuration(configuration))
        #expect(BPDU.inPayload(payload)?.description
                == "STP config root 4096.02:00:00:00:00:01 cost 19 bridge 32768.02:00:00:00:00:02 port 0x8002 age 3ms [TC]")
        #expect(BPDU.inPayload([0x42, 0x42]) == nil)
        #expect(BPDU.inPayload([0xAA, 0xAA, 0x03, 0, 0, 0, 0x80]) == nil)
    }

    @Test func bridgeIdentifiersCompareByPriorityThenAddress() {
        #expect(root < bridge)
        #expect(BridgeID(priority: 32768, address: MACAddress("02:00:00:00:00:01")!) < bridge)
        #expect(BridgeID(priority: 0, address: MACAddress("ff:ff:ff:ff:ff:fe")!) < root)
        #expect(BridgeID(value: bridge.value) == bridge)
        #expect(bridge.description == "32768.02:00:00:00:00:02")
    }

    @Test func badFramesAreErrorsNamingTheField() {
        var wrongLLC = configurationFrame
        wrongLLC[15] = 0xAA
        #expect(throws: WireError.badValue(layer: "LLC", field: "ssap", value: 0xAA, expected: "0x42")) {
            try BPDU(frame: wrongLLC)
        }
        var type = configurationFrame
        type[20] = 0x07
        #expect(throws: WireError.self) { try BPDU(frame: type) }
        var long = configurationFrame
        long[13] = 0xff  // a length past the frame's end
        #expect(throws: WireError.self) { try BPDU(frame: long) }
        var short = configurationFrame
        short[12] = 0
        short[13] = 1  // shorter than the LLC header
        #expect(throws: WireError.self) { try BPDU(frame: short) }
        #expect(throws: WireError.self) { try BPDU(frame: Array(configurationFrame[0..<30])) }
        #expect(throws: WireError.self) { try BPDU(frame: Golden.arpRequest) }
        #expect(BPDU.isAddressedToBridges(configurationFrame))
        #expect(!BPDU.isAddressedToBridges(Golden.arpRequest))
    }

    /// Both kinds as a switch sends them: tshark dissects them as STP, every field as written.
    @Test func tsharkDissectsBPDUsCleanly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TsharkTests.tshark),
                     "tshark is required for this test but \(TsharkTests.tshark) is missing: install the tshark package")
        var writer = PcapngWriter()
        let link = writer.addInterface(name: "sw2:p1")
        for (index, frame) in [BPDU.configuration(configuration).frame(from: port),
                               BPDU.topologyChangeNotification.frame(from: port)].enumerated() {
            writer.addPacket(interface: link, timestampNanoseconds: 1_700_000_000_000_000_000 + UInt64(index), bytes: frame)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rawnet-bpdu-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(writer.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fields = ["frame.protocols", "_ws.malformed", "_ws.expert.severity", "llc.dsap", "stp.type", "stp.flags.tc",
                      "stp.root.prio", "stp.root.hw", "stp.root.cost", "stp.bridge.prio", "stp.bridge.hw", "stp.port",
                      "stp.msg_age", "stp.max_age", "stp.hello", "stp.forward"]
        let rows = try TsharkTests().dissect(file, fields: fields)
        try #require(rows.count == 2)
        for row in rows {
            #expect(row["_ws.malformed"] == nil)
            #expect((row["_ws.expert.severity"] ?? []).compactMap { Int($0) }.allSatisfy { $0 < 0x0080_0000 })
            #expect(row["frame.protocols"]?.first?.hasSuffix("llc:stp") == true, "\(row)")
        }
        #expect(rows[0]["stp.type"] == ["0x00"])
        #expect(rows[0]["stp.flags.tc"] == ["1"])
        #expect(rows[0]["stp.root.prio"] == ["4096"] && rows[0]["stp.root.hw"] == ["02:00:00:00:00:01"])
        #expect(rows[0]["stp.root.cost"] == ["19"])
        #expect(rows[0]["stp.bridge.prio"] == ["32768"] && rows[0]["stp.bridge.hw"] == ["02:00:00:00:00:02"])
        #expect(rows[0]["stp.port"] == ["0x8002"])
        #expect(rows[0]["stp.max_age"] == ["2"] && rows[0]["stp.hello"] == ["0.5"] && rows[0]["stp.forward"] == ["1"])
        #expect(rows[1]["stp.type"] == ["0x80"])
    }
}
