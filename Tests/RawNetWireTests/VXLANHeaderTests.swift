import Testing
@testable import RawNetWire

@Suite struct VXLANHeaderTests {
    /// RFC 7348 section 5: flags 0x08 (I), 24 reserved bits, the VNI in bytes 4-6, 8 reserved bits.
    @Test func golden_bytes_vni_0x123456() throws {
        var out: [UInt8] = []
        VXLANHeader(vni: 0x12_3456).serialize(into: &out)
        #expect(out == [0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00])
        #expect(try VXLANHeader(parsing: out) == VXLANHeader(vni: 0x12_3456))
    }

    @Test func golden_bytes_smallest_and_largest_vni() throws {
        #expect(VXLANHeader(vni: 1).encapsulate([0xAA]) == [0x08, 0, 0, 0, 0, 0, 0x01, 0, 0xAA])
        var out: [UInt8] = []
        VXLANHeader(vni: VXLANHeader.maximumVNI).serialize(into: &out)
        #expect(out == [0x08, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0])
    }

    @Test func reserved_bits_are_ignored_on_receipt() throws {
        // RFC 7348: reserved fields are ignored by the receiver; only the I flag matters.
        let header = try VXLANHeader(parsing: [0xFF, 0xAB, 0xCD, 0xEF, 0x00, 0x10, 0x00, 0x77])
        #expect(header.vni == 0x1000)
    }

    @Test func missing_I_flag_and_short_header_are_named() {
        #expect(throws: WireError.badValue(layer: "VXLAN", field: "flags", value: 0, expected: "the I flag (0x08) set")) {
            _ = try VXLANHeader(parsing: [0, 0, 0, 0, 0, 0, 1, 0])
        }
        #expect(throws: WireError.truncated(layer: "VXLAN", field: "header", needed: 8, available: 7)) {
            _ = try VXLANHeader(parsing: [0x08, 0, 0, 0, 0, 0, 1])
        }
    }

    @Test func overhead_is_outer_ethernet_ipv4_udp_and_vxlan() {
        #expect(VXLANHeader.overhead == EthernetView.headerLength + 20 + UDPView.headerLength + VXLANHeader.length)
        #expect(VXLANHeader.defaultPort == 4789)
    }
}
