import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Send- and receive-buffer autotuning: buffers start small, grow only while
/// a connection moves data faster than they let it, stop at their limit, and
/// a size set by the application stays fixed.
@Suite struct TCPBufferAutotuningTests {
    /// 1 ms RTT at 1 Gbit/s: a bandwidth-delay product of 125 kB, twice the 64 KiB start.
    static func transfer(autotuned: Bool) -> TCPTransferResult {
        var config = TCPConfiguration()
        config.recordsEvents = false
        config.congestionControl = .bbr
        if autotuned {
            config.sendBufferLimit = 4 * 1024 * 1024
            config.receiveBufferLimit = 4 * 1024 * 1024
        }
        let link = SimLinkSettings(delay: .microseconds(500), rate: 1_000_000_000)
        var transfer = TCPTransfer(size: 3_000_000, seed: 7, forward: link, backward: link)
        transfer.clientConfiguration = config
        transfer.serverConfiguration = config
        return transfer.run()
    }

    @Test func autotuning_growsBothBuffers_andLiftsTheWindowLimit() throws {
        let fixed = Self.transfer(autotuned: false)
        let tuned = Self.transfer(autotuned: true)
        #expect(fixed.isSuccess && tuned.isSuccess)
        let fixedDuration = try #require(fixed.dataDuration)
        let tunedDuration = try #require(tuned.dataDuration)
        #expect(fixed.serverReceiveBufferCapacity == 64 * 1024)
        #expect(fixed.clientSendBufferCapacity == 64 * 1024)
        let receive = try #require(tuned.serverReceiveBufferCapacity)
        let send = try #require(tuned.clientSendBufferCapacity)
        #expect(receive > 128 * 1024 && receive <= 4 * 1024 * 1024, "receive buffer \(receive)")
        #expect(send > 128 * 1024 && send <= 4 * 1024 * 1024, "send buffer \(send)")
        // 64 KiB per RTT is at most 65 MB/s; grown buffers carry the link's 125 MB/s.
        #expect(tunedDuration * 1.5 < fixedDuration, "fixed \(fixedDuration), autotuned \(tunedDuration)")
    }

    @Test func windowScale_isChosenForTheLimit_whileTheFirstWindowIsTheStartingSize() throws {
        var c = TCPScript.plainConfiguration
        c.isWindowScalingEnabled = true
        c.receiveBufferSize = 64 * 1024
        c.receiveBufferLimit = 4 * 1024 * 1024
        var s = TCPScript.activeOpen(c)
        let syn = try s.expectSegment(flags: [.syn])
        #expect(syn.header.options.contains(.windowScale(7)))
        #expect(syn.header.window == 65535)
        s.deliver(s.peer([.syn, .ack], seq: 0, ack: 1, window: 1000, options: [.maximumSegmentSize(1000), .windowScale(2)]))
        let ack = try s.expectSegment(flags: [.ack])
        #expect(Int(ack.header.window) << 7 == 64 * 1024)
        #expect(s.connection.receiveBufferCapacity == 64 * 1024)
    }

    @Test func sizeSetByTheApplication_endsSendAutotuning() throws {
        var c = TCPScript.plainConfiguration
        c.sendBufferLimit = 4 * 1024 * 1024
        var s = try TCPScript.established(c)
        s.connection.setSendBufferSize(32 * 1024)
        #expect(s.connection.configuration.sendBufferLimit == nil)
        #expect(s.connection.sendBufferCapacity == 32 * 1024)
    }
}
