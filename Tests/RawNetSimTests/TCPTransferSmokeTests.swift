import Testing
import RawNetCore
@testable import RawNetSim

@Suite struct TCPTransferSmokeTests {
    @Test func cleanLink_transfers256KiB_andClosesBothSides() {
        let transfer = TCPTransfer(size: 256 * 1024, seed: 1, forward: SimLinkSettings(), backward: SimLinkSettings())
        let result = transfer.run()
        #expect(result.isSuccess, "\(result)")
    }

    @Test func lossyLink_transfers256KiB() {
        let s = SimLinkSettings(loss: 0.2, reorder: 0.2, duplicate: 0.05, corrupt: 0.05)
        for seed in 0..<20 as Range<UInt64> {
            let result = TCPTransfer(size: 256 * 1024, seed: seed, forward: s, backward: s).run()
            #expect(result.isSuccess, "\(result)")
        }
    }
}
