import Testing
import RawNetCore
@testable import RawNetSim

@Suite struct TCPTransferSmokeTests {
    @Test func cleanLink_transfers256KiB_andClosesBothSides() {
        let transfer = TCPTransfer(size: 256 * 1024, seed: 1, forward: SimLinkSettings(), backward: SimLinkSettings())
        let result = transfer.run()
        #expect(result.isSuccess, "\(result)")
    }

    /// Every `recovery_end` a trace shows closes a `recovery` it showed: a timeout that starts
    /// RACK's recovery announces it as any recovery is, so no end comes without a start and
    /// none twice (a timeout during a recovery ends it, then begins the timeout's own).
    @Test func recoveryEvents_comeInPairs_throughTimeouts() {
        let s = SimLinkSettings(loss: 0.2, reorder: 0.2)
        var timeouts = 0, recoveries = 0
        for seed in 0..<12 as Range<UInt64> {
            let result = TCPTransfer(size: 128 * 1024, seed: seed, forward: s, backward: s).run()
            #expect(result.isSuccess, "\(result)")
            var inRecovery: [String: Bool] = [:]
            for line in result.eventLog {
                let words = line.split(separator: " ")
                guard words.count >= 4 else { continue }
                let side = "\(words[0]) \(words[1])", kind = words[3]
                if kind.hasPrefix("retransmissionTimeout") { timeouts += 1 }
                if kind.hasPrefix("enteredRecovery") {
                    #expect(inRecovery[side] != true, "seed \(seed): a second start without an end: \(line)")
                    inRecovery[side] = true
                    recoveries += 1
                } else if kind.hasPrefix("exitedRecovery") {
                    #expect(inRecovery[side] == true, "seed \(seed): an end without a start: \(line)")
                    inRecovery[side] = false
                }
            }
        }
        #expect(timeouts > 0 && recoveries > 0, "the runs took timeouts (\(timeouts)) and recoveries (\(recoveries))")
    }

    @Test func lossyLink_transfers256KiB() {
        let s = SimLinkSettings(loss: 0.2, reorder: 0.2, duplicate: 0.05, corrupt: 0.05)
        for seed in 0..<20 as Range<UInt64> {
            let result = TCPTransfer(size: 256 * 1024, seed: seed, forward: s, backward: s).run()
            #expect(result.isSuccess, "\(result)")
        }
    }
}
