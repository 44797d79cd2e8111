import Testing
import RawNetWire
@testable import RawNetView

@Suite struct RIPFrameTextTests {
    @Test func ripResponse_showsItsRoutesInTheTraceLine() {
        let entries = (0..<6).map { RIPMessage.Entry(prefix: IPv4Prefix("10.0.\($0).0/24")!, metric: $0 == 1 ? 16 : 2) }
        let message = RIPMessage(command: .response, entries: entries)
        let text = FrameText.transport(.udp(UDPHeader(sourcePort: 520, destinationPort: 520), payload: message.bytes))
        #expect(text == "UDP 520 > 520 len 124 RIPv2 response 10.0.0.0/24 metric 2, 10.0.1.0/24 metric 16, "
                + "10.0.2.0/24 metric 2, 10.0.3.0/24 metric 2, +2 more")
        let request = FrameText.transport(.udp(UDPHeader(sourcePort: 520, destinationPort: 520),
                                               payload: RIPMessage.wholeTableRequest.bytes))
        #expect(request == "UDP 520 > 520 len 24 RIPv2 request whole table")
        // Not RIP after all: the plain UDP line.
        #expect(FrameText.transport(.udp(UDPHeader(sourcePort: 520, destinationPort: 520), payload: [1, 2, 3]))
                == "UDP 520 > 520 len 3")
    }
}
