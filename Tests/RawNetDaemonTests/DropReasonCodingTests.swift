import Foundation
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import Testing

@Suite struct DropReasonCodingTests {
    @Test func counters_encodeDropsKeyedByReadableReason() throws {
        var counters = InterfaceCounters()
        counters.countDrop(.badChecksum)
        counters.countDrop(.badChecksum)
        counters.countDrop(.noRoute)
        let json = String(decoding: try JSONEncoder().encode(counters), as: UTF8.self)
        #expect(json.contains("\"bad checksum\":2"))
        let back = try JSONDecoder().decode(InterfaceCounters.self, from: Data(json.utf8))
        #expect(back == counters)
    }

    @Test func linkPortDrops_mapToDropReasons() {
        #expect(DropReason(LinkDropReason.queueOverflow) == .queueOverflow)
        #expect(DropReason(LinkDropReason.peerDown) == .noPeer)
        #expect(DropReason(LinkDropReason.notConnected) == .noPeer)
        #expect(DropReason(LinkDropReason.sendFailed) == .sendFailed)
    }
}
