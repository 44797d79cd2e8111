import Testing
@testable import RawNetWire

@Suite struct LinkLayerTests {
    @Test func ethernet_golden_parsesAndSerializesBack() throws {
        let eth = try EthernetHeader(parsing: Golden.udp)
        #expect(eth.destination == Lab.routerMAC)
        #expect(eth.source == Lab.aliceMAC)
        #expect(eth.etherType == .ipv4)
        var out: [UInt8] = []
        eth.serialize(into: &out)
        #expect(out == Array(Golden.udp[0..<14]))
    }

    @Test func ethernet_truncated_namesHeader() {
        #expect(throws: WireError.truncated(layer: "Ethernet", field: "header", needed: 14, available: 13)) {
            try EthernetHeader(parsing: Array(Golden.udp[0..<13]))
        }
    }

    @Test func arpRequest_golden() throws {
        let eth = try EthernetHeader(parsing: Golden.arpRequest)
        #expect(eth.destination == .broadcast && eth.etherType == .arp)
        let arp = try ARPPacket(parsing: Array(Golden.arpRequest[14...]))
        #expect(arp == ARPPacket(operation: .request, senderMAC: Lab.aliceMAC, senderIP: Lab.alice,
                                 targetMAC: .zero, targetIP: Lab.router))
        #expect(arp == .request(senderMAC: Lab.aliceMAC, senderIP: Lab.alice, targetIP: Lab.router))
        #expect(Frame.arp(ethernet: eth, arp: arp) == Golden.arpRequest)
    }

    @Test func arpReply_golden() throws {
        let eth = try EthernetHeader(parsing: Golden.arpReply)
        let arp = try ARPPacket(parsing: Array(Golden.arpReply[14...]))
        let request = ARPPacket.request(senderMAC: Lab.aliceMAC, senderIP: Lab.alice, targetIP: Lab.router)
        #expect(arp == .reply(to: request, mac: Lab.routerMAC))
        #expect(arp.operation == .reply && arp.senderIP == Lab.router && arp.targetMAC == Lab.aliceMAC)
        #expect(Frame.arp(ethernet: eth, arp: arp) == Golden.arpReply)
    }

    @Test func arp_badFields_areNamed() {
        var packet = Array(Golden.arpRequest[14..<42])
        packet[1] = 6
        #expect(throws: WireError.badValue(layer: "ARP", field: "hardwareType", value: 6, expected: "1 (Ethernet)")) {
            try ARPPacket(parsing: packet)
        }
        packet = Array(Golden.arpRequest[14..<42])
        packet[5] = 16
        #expect((try? ARPPacket(parsing: packet)) == nil)
        #expect(throws: WireError.truncated(layer: "ARP", field: "packet", needed: 28, available: 27)) {
            try ARPPacket(parsing: Array(Golden.arpRequest[14..<41]))
        }
    }

    @Test func macAddress_textForms() {
        #expect(MACAddress("02:00:00:00:00:0a")?.description == "02:00:00:00:00:0a")
        #expect(MACAddress("AA-BB-CC-DD-EE-FF")?.value == 0xAABB_CCDD_EEFF)
        #expect(MACAddress("aa:bb:cc:dd:ee") == nil)
        #expect(MACAddress("aa:bb:cc:dd:ee:fg") == nil)
        #expect(MACAddress.broadcast.isBroadcast && MACAddress.broadcast.isMulticast)
        #expect(!MACAddress.derived(from: "alice:eth0").isMulticast)
        #expect(MACAddress.derived(from: "alice:eth0") == MACAddress.derived(from: "alice:eth0"))
    }

    @Test func ipv4Address_textFormsAndPrefixes() throws {
        #expect(IPv4Address("10.0.1.10")?.description == "10.0.1.10")
        #expect(IPv4Address("256.0.0.1") == nil)
        #expect(IPv4Address("1.2.3") == nil)
        #expect(IPv4Address("1.2.3.4.5") == nil)
        #expect(IPv4Address("1..3.4") == nil)
        let prefix = try #require(IPv4Prefix("10.0.1.77/24"))
        #expect(prefix.description == "10.0.1.0/24")
        #expect(prefix.contains(IPv4Address("10.0.1.255")!))
        #expect(!prefix.contains(IPv4Address("10.0.2.1")!))
        #expect(prefix.broadcast == IPv4Address("10.0.1.255"))
        #expect(prefix.mask == IPv4Address("255.255.255.0"))
        #expect(IPv4Prefix("0.0.0.0/0")!.contains(IPv4Address("8.8.8.8")!))
        #expect(IPv4Prefix("10.0.0.0/33") == nil)
        let interface = try #require(IPv4InterfaceAddress("10.0.1.10/24"))
        #expect(interface.prefix.network == IPv4Address("10.0.1.0"))
        #expect(interface.description == "10.0.1.10/24")
    }
}
