import RawNetCore
import Testing

@Suite struct NetworkDropReasonTests {
    @Test func impairmentDrops_countAsInjectedLossOrQueueOverflow() {
        #expect(DropReason(ImpairmentDropReason.randomLoss) == .injectedLoss)
        #expect(DropReason(ImpairmentDropReason.burstLoss) == .injectedLoss)
        #expect(DropReason(ImpairmentDropReason.queueFull) == .queueOverflow)
    }

    @Test func reasonsReadAsTheDesignNamesThem() {
        #expect(DropReason.noARPAnswer.description == "no ARP answer")
        #expect(DropReason.ttlExpired.description == "TTL expired")
        #expect(Set(DropReason.allCases.map(\.rawValue)).count == DropReason.allCases.count)
    }

    @Test func counters_countPerReason() {
        var counters = InterfaceCounters()
        counters.countReceived(bytes: 60)
        counters.countSent(bytes: 98)
        counters.countDrop(.badChecksum)
        counters.countDrop(.badChecksum)
        counters.countDrop(.noRoute)
        #expect(counters.totalDrops == 3)
        #expect(counters[.badChecksum] == 2)
        #expect(counters[.linkDown] == 0)
        #expect(counters.receivedBytes == 60)
        #expect(counters.sentFrames == 1)
    }
}
