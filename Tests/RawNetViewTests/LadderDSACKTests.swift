@testable import RawNetView
import RawNetWire
import Testing

/// A D-SACK says bytes arrived twice, not which copy came first. When the original of those
/// bytes was lost and the second copy was one the network made of the resend, the ladder says
/// that the sender's "spurious" is not what happened.
@Suite struct LadderDSACKTests {
    /// The client's data at `seq` (len 11), observed sent and then lost or received.
    func data(seq: UInt32, lost: Bool, resend: Bool = false, networkCopy: Bool = false, at time: Int64) -> TCPTransmission {
        var t = TCPTransmission(fromClient: true, tcp: TCPHeader(sourcePort: 40000, destinationPort: 7000, sequenceNumber: seq,
                                                                   acknowledgmentNumber: 1, flags: [.ack, .psh], window: 1000),
                                ipIdentification: 7, payloadLength: 11)
        t.sentTime = time
        if lost { t.droppedTime = time + 1 } else { t.receivedTime = time + 1 }
        t.isRetransmission = resend
        t.isNetworkDuplicate = networkCopy
        return t
    }

    /// The server's ACK of 112 with a D-SACK of 101-112.
    func dsackAck(at time: Int64) -> TCPTransmission {
        var t = TCPTransmission(fromClient: false, tcp: TCPHeader(sourcePort: 7000, destinationPort: 40000, sequenceNumber: 1,
                                                                    acknowledgmentNumber: 112, flags: [.ack], window: 1000,
                                                                    options: [.sack([SACKBlock(left: 101, right: 112)])]),
                                ipIdentification: 9, payloadLength: 0)
        t.sentTime = time
        return t
    }

    @Test func aDSACKOfTheNetworksCopyOfAResend_isSaidToBeThat() {
        let lostOriginal = [data(seq: 101, lost: true, at: 0), data(seq: 101, lost: false, resend: true, at: 300),
                            data(seq: 101, lost: false, resend: true, networkCopy: true, at: 301)]
        #expect(Ladder.reportsOnlyANetworkCopy(dsackAck(at: 310), in: lostOriginal + [dsackAck(at: 310)]))
        // The original arrived after all (late): the resend was needless, as the sender says.
        let lateOriginal = [data(seq: 101, lost: false, at: 0), data(seq: 101, lost: false, resend: true, at: 300),
                            data(seq: 101, lost: false, resend: true, networkCopy: true, at: 301)]
        #expect(!Ladder.reportsOnlyANetworkCopy(dsackAck(at: 310), in: lateOriginal))
        // No copy by the network: the D-SACK came from the original and the resend.
        let plain = [data(seq: 101, lost: false, at: 0), data(seq: 101, lost: false, resend: true, at: 300)]
        #expect(!Ladder.reportsOnlyANetworkCopy(dsackAck(at: 310), in: plain))
        // The original never seen (the watch began later): nothing is claimed about it.
        let unseen = Array(lostOriginal.dropFirst())
        #expect(!Ladder.reportsOnlyANetworkCopy(dsackAck(at: 310), in: unseen))
        #expect(KoreanViews.translate(Ladder.networkCopyDSACKNote).replacing("\u{A0}", with: " ").hasPrefix("⧉ 네트워크가 만든 복제의 D-SACK"))
    }
}
