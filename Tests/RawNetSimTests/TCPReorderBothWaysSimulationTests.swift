import Testing
import RawNetCore
import RawNetSim

/// The shape of `rawnet bench reorder` on the virtual clock: 5 % reordering
/// and 5 ms delay on both directions (data and ACKs overtake), nothing lost,
/// timestamps on. A reordered ACK arrives behind a later one with an older
/// timestamp; it must still be read, or the D-SACKs it carries are lost to
/// the sender (no undo, no wider reordering window).
@Suite struct TCPReorderBothWaysSimulationTests {
    static func run(seed: Int) -> TCPTransferResult {
        let link = SimLinkSettings(delay: .milliseconds(5), reorder: 0.05)
        var t = TCPTransfer(size: 2 * 1024 * 1024, seed: UInt64(seed), forward: link, backward: link)
        var config = TCPConfiguration()
        config.recordsEvents = false
        t.clientConfiguration = config
        t.serverConfiguration = config
        t.timeLimit = .seconds(120)
        return t.run()
    }

    @Test func everyDSACKTheReceiverSends_isReadByTheSender() {
        var sent = 0, read = 0, spurious = 0, retransmissions = 0
        for seed in 0..<4 {
            let result = Self.run(seed: seed)
            #expect(result.isSuccess, "seed \(seed): \(result)")
            guard let client = result.clientStats, let server = result.serverStats else { continue }
            sent += server.dsacksSent
            read += client.dsacksReceived
            spurious += client.spuriousRetransmissions
            retransmissions += client.retransmissions
        }
        print("reorder both ways: retrans=\(retransmissions) spurious=\(spurious) dsack sent=\(sent) read=\(read)")
        #expect(sent > 0)
        // Nothing is lost on the links: every ACK arrives, so nearly every
        // D-SACK is read. (Before reordered pure ACKs passed PAWS, about a
        // fifth were dropped unread in rawnet bench reorder; the simulation
        // still leaves out a few, 2 of 38 here, not yet traced.)
        #expect(read * 10 >= sent * 9)
    }
}
