import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView

@Suite struct TCPEventGlossTests {
    static let connection = TCPConnectionID(localAddress: IPv4Address(10, 0, 1, 10), localPort: 40000,
                                            remoteAddress: IPv4Address(10, 0, 2, 20), remotePort: 7000)

    static func line(_ kind: TCPTraceEvent.Kind, language: ViewLanguage = .en) -> String {
        let detail = TCPTraceEvent(connection: connection, kind: kind).detail
        var formatter = TraceFormatter(startTime: 0)
        formatter.language = language
        return formatter.line(for: TraceEvent(time: 1_000_000, node: "alice", kind: .transport, detail: detail))
    }

    @Test func theHandshakeAndTheCloseAreSaidInPlainWords_afterTheFieldsThatFiltersRead() {
        let open = Self.line(.stateChanged(from: .closed, to: .synSent))
        #expect(open.hasSuffix("from=CLOSED to=SYN-SENT — opening: SYN sent (handshake 1/3)"), "\(open)")
        #expect(Self.line(.stateChanged(from: .listen, to: .synReceived)).hasSuffix("— a SYN came: SYN+ACK answers it (handshake 2/3)"))
        #expect(Self.line(.stateChanged(from: .synSent, to: .established)).hasSuffix("— SYN+ACK came: an ACK completes the handshake (3/3)"))
        #expect(Self.line(.stateChanged(from: .established, to: .closeWait)).hasSuffix("— the peer's FIN came: it sends no more"))
        #expect(Self.line(.stateChanged(from: .lastAck, to: .closed)).hasSuffix("— its FIN acknowledged: the connection is gone"))
        #expect(Self.line(.retransmissionTimeout(rto: .milliseconds(400), backoff: 1))
                    .hasSuffix("backoff=1 — no ACK in time: resent, and the next wait is doubled"))
    }

    /// A recovery the timer began is not called a fast recovery found before the timer.
    @Test func aRecoveryAfterTheTimeout_isNotCalledFast() {
        let fast = Self.line(.enteredRecovery(sack: true))
        #expect(fast.hasSuffix("sack=yes — loss seen before the timer: fast recovery, a smaller window"), "\(fast)")
        let timed = Self.line(.enteredRecovery(sack: true, afterTimeout: true))
        #expect(timed.hasSuffix("sack=yes after=rto — after the timeout: all unacknowledged bytes count as lost, resent as the window regrows from one segment"), "\(timed)")
        #expect(!timed.contains("fast recovery"))
    }

    @Test func numbersThatNameThemselvesAndComeByTheHundred_getNoGloss() {
        for kind: TCPTraceEvent.Kind in [.congestionChanged, .sendWindowChanged(65535), .receiveWindowChanged(1024)] {
            #expect(!Self.line(kind).contains(" — "), "\(Self.line(kind))")
        }
    }

    /// Every gloss any event can get has its Korean, and a Korean trace shows that instead.
    @Test func everyGlossHasItsKorean() {
        var kinds: [TCPTraceEvent.Kind] = [
            .retransmitted(sequence: 1, length: 1, reason: .timeout), .retransmissionTimeout(rto: .seconds(1), backoff: 1),
            .enteredRecovery(sack: true), .enteredRecovery(sack: true, afterTimeout: true), .exitedRecovery, .zeroWindowProbe, .challengeACK, .keepaliveProbe,
            .failed(.connectionReset), .dsackSent(sequence: 1, length: 1), .dsackReceived(sequence: 1, length: 1), .undo,
        ]
        for from in TCPState.allCases { for to in TCPState.allCases where from != to { kinds.append(.stateChanged(from: from, to: to)) } }
        let known = Set(TCPEventGloss.korean.map(\.0))
        var glossed = 0
        for kind in kinds {
            guard let phrase = TCPEventGloss.phrase(TCPTraceEvent(connection: Self.connection, kind: kind)) else { continue }
            glossed += 1
            #expect(known.contains(phrase), "no Korean for \(phrase)")
            let korean = Self.line(kind, language: .ko).replacing("\u{A0}", with: " ")
            let expected = TCPEventGloss.korean.first { $0.0 == phrase }?.1 ?? "?"
            #expect(korean.hasSuffix(" — " + expected), "\(korean)")
        }
        #expect(glossed >= 20)
    }
}
