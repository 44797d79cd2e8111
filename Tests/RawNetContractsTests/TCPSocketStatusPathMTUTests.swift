import RawNetContracts
import RawNetCore
import Testing

/// The path MTU a connection follows shows as `pmtu` beside `mss` (`rawnet sockets -i`, chat's `/stats`).
@Suite struct TCPSocketStatusPathMTUTests {
    @Test func pathMTU_isWrittenAfterTheMSS_andReadBack() {
        var stats = TCPSocketStatusTests.stats()
        stats.sendMSS = 948
        stats.pathMTU = 1000
        let status = TCPSocketStatus.connection(
            local: "a", peer: "b", stats: stats, receiveQueue: 0, sendQueue: 0, congestionControl: "cubic",
            isNagleEnabled: true, isDelayedAckEnabled: true)
        #expect(status.text.contains(" mss=948 pmtu=1000 snd_wnd="))
        let read = TCPSocketStatus(parsing: status.text)
        #expect(read.maximumSegmentSize == 948 && read.pathMTU == 1000)
        #expect(status.readable(skipping: []).contains("pmtu 1000"))

        stats.pathMTU = nil
        let without = TCPSocketStatus.connection(
            local: "a", peer: "b", stats: stats, receiveQueue: 0, sendQueue: 0, congestionControl: "cubic",
            isNagleEnabled: true, isDelayedAckEnabled: true)
        #expect(!without.text.contains("pmtu") && TCPSocketStatus(parsing: without.text).pathMTU == nil)
    }
}
