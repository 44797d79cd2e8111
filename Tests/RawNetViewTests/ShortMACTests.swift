import RawNetWire
import Testing
@testable import RawNetView

/// How a trace line names MAC addresses.
@Suite struct ShortMACTests {
    @Test func unicastShowsItsLastThreeBytes_broadcastAndMulticastAreNeverCut() {
        #expect(Text.shortMAC(MACAddress(0x02_0c_ff_42_28_47)) == "42:28:47")
        #expect(Text.shortMAC(.broadcast) == "broadcast")
        #expect(Text.shortMAC(MACAddress(0x01_80_c2_00_00_00)) == "01:80:c2:00:00:00",
                "the spanning tree's group, not an all-zero address")
        #expect(Text.shortMAC(MACAddress(0x01_00_5e_00_00_09)) == "01:00:5e:00:00:09", "RIP's group 224.0.0.9")
    }
}
