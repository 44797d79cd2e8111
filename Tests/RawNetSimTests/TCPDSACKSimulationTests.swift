import Testing
import RawNetCore
import RawNetSim

/// Reordering without loss: every retransmission is spurious, and the
/// receiver counts each copy that reaches it twice. The same seeded transfers
/// run with D-SACK handling on and off; reading D-SACKs (a wider RACK
/// reordering window, undo) must cut the spurious retransmissions clearly.
/// 2 MiB transfers: the window grows over the first few reorderings, and the
/// gain shows over the rest of the transfer.
@Suite struct TCPDSACKSimulationTests {
    struct Totals: CustomStringConvertible {
        var retransmissions = 0
        var duplicatesReceived = 0
        var dsacksReceived = 0
        var spurious = 0
        var undos = 0
        var description: String {
            "retrans=\(retransmissions) dup_in=\(duplicatesReceived) dsack_in=\(dsacksReceived) "
                + "spurious=\(spurious) undo=\(undos)"
        }
    }

    static func run(dsack: Bool, congestion: TCPCongestionAlgorithm, seeds: Range<Int>) -> Totals {
        var totals = Totals()
        let results = onEveryCore(Array(seeds)) { seed -> TCPTransferResult in
            // 5 % of data segments skip the 5 ms delay (netem style); ACKs are in order.
            let forward = SimLinkSettings(delay: .milliseconds(5), reorder: 0.05)
            let backward = SimLinkSettings(delay: .milliseconds(5))
            var t = TCPTransfer(size: 2 * 1024 * 1024, seed: UInt64(seed), forward: forward, backward: backward)
            var config = TCPConfiguration()
            config.recordsEvents = false
            config.congestionControl = congestion
            config.isDSACKEnabled = dsack
            t.clientConfiguration = config
            t.serverConfiguration = config
            t.timeLimit = .seconds(120)
            return t.run()
        }
        for (seed, result) in zip(seeds, results) {
            #expect(result.isSuccess, "seed \(seed) dsack=\(dsack): \(result)")
            guard let client = result.clientStats, let server = result.serverStats else { continue }
            totals.retransmissions += client.retransmissions
            totals.duplicatesReceived += server.duplicateSegmentsReceived
            totals.dsacksReceived += client.dsacksReceived
            totals.spurious += client.spuriousRetransmissions
            totals.undos += client.undos
        }
        return totals
    }

    @Test(arguments: [TCPCongestionAlgorithm.newReno, .cubic])
    func reorder5Percent_dsackCutsSpuriousRetransmissions(congestion: TCPCongestionAlgorithm) {
        let seeds = 0..<4
        let off = Self.run(dsack: false, congestion: congestion, seeds: seeds)
        let on = Self.run(dsack: true, congestion: congestion, seeds: seeds)
        print("dsack sim \(congestion): off \(off); on \(on)")
        // Without loss every retransmission is spurious, and arrives as a duplicate.
        #expect(off.retransmissions > 50)
        #expect(off.dsacksReceived == 0 && off.undos == 0)
        #expect(on.dsacksReceived > 0 && on.spurious > 0 && on.undos > 0)
        // At most half the spurious retransmissions with D-SACK: once the
        // reordering window has grown, reordering costs no retransmission.
        #expect(on.retransmissions * 2 <= off.retransmissions)
        #expect(on.duplicatesReceived * 2 <= off.duplicatesReceived)
    }
}
