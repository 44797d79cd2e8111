import RawNetCore

/// What a TCP trace event means, in a few plain words after its fields, for a reader who
/// does not know TCP's state names yet:
///
///     • TCP event=state conn=… from=CLOSED to=SYN-SENT — opening: SYN sent (handshake 1/3)
///
/// The fields stay as they are (filters and scripts read them); the gloss only follows them.
/// Events that come by the hundred in a transfer and say a number that names itself (`cwnd`,
/// `send_window`, `receive_window`) get none. Each gloss is a fixed phrase, so
/// `KoreanViews.translate` says it in Korean (`KoreanViews.glossPhrases`).
public enum TCPEventGloss {
    /// The words after the fields, starting with " — ", or "" for an event that gets none.
    public static func suffix(_ event: TCPTraceEvent) -> String {
        phrase(event).map { " — " + $0 } ?? ""
    }

    /// The gloss of `event`, nil for one that gets none.
    public static func phrase(_ event: TCPTraceEvent) -> String? {
        switch event.kind {
        case .stateChanged(let from, let to): state(from: from, to: to)
        case .retransmitted: "the same bytes sent again"
        case .retransmissionTimeout: "no ACK in time: resent, and the next wait is doubled"
        case .enteredRecovery(_, let afterTimeout):
            afterTimeout ? "after the timeout: all unacknowledged bytes count as lost, resent as the window regrows from one segment"
                : "loss seen before the timer: fast recovery, a smaller window"
        case .exitedRecovery: "recovery over: the lost bytes are acknowledged"
        case .zeroWindowProbe: "the peer's window is 0: asking whether it opened"
        case .challengeACK: "a segment that does not fit: answered with an ACK (RFC 5961)"
        case .keepaliveProbe: "quiet for long: asking whether the peer is still there"
        case .failed: "the connection failed"
        case .dsackSent: "these bytes came twice: the sender is told (D-SACK)"
        case .dsackReceived: "the peer got these bytes twice (D-SACK)"
        case .undo: "the resend was not needed: the window is given back"
        case .congestionChanged, .sendWindowChanged, .receiveWindowChanged: nil
        }
    }

    static func state(from: TCPState, to: TCPState) -> String? {
        switch (from, to) {
        case (.closed, .synSent): "opening: SYN sent (handshake 1/3)"
        case (_, .synReceived): "a SYN came: SYN+ACK answers it (handshake 2/3)"
        case (.synSent, .established): "SYN+ACK came: an ACK completes the handshake (3/3)"
        case (.synReceived, .established): "the handshake's last ACK came: connected"
        case (.established, .finWait1): "closing its side: FIN sent"
        case (_, .closeWait): "the peer's FIN came: it sends no more"
        case (.closeWait, .lastAck): "closing too: FIN sent, waiting for its ACK"
        case (.finWait1, .finWait2): "its FIN acknowledged: waiting for the peer's FIN"
        case (.finWait1, .closing): "both sent FIN at once: waiting for the ACK"
        case (_, .timeWait): "both sides closed: waiting out late segments"
        case (.lastAck, .closed): "its FIN acknowledged: the connection is gone"
        case (.timeWait, .closed): "the wait is over: the connection is gone"
        case (_, .closed): "the connection is gone"
        case (_, .listen): "waiting for a SYN"
        default: nil
        }
    }

    /// Every gloss with its Korean, for `KoreanViews.translate`, which takes them in this order:
    /// a phrase comes before any shorter one it holds ("the connection is gone").
    static let korean: [(String, String)] = [
        ("opening: SYN sent (handshake 1/3)", "연결 시작: SYN 보냄 (3-way handshake 1/3)"),
        ("a SYN came: SYN+ACK answers it (handshake 2/3)", "SYN 받음: SYN+ACK로 답함 (3-way handshake 2/3)"),
        ("SYN+ACK came: an ACK completes the handshake (3/3)", "SYN+ACK 받음: ACK로 3-way handshake를 마침 (3/3)"),
        ("the handshake's last ACK came: connected", "3-way handshake의 마지막 ACK 받음: 연결됨"),
        ("closing its side: FIN sent", "이쪽을 닫음: FIN 보냄"),
        ("the peer's FIN came: it sends no more", "상대의 FIN 받음: 상대는 더 보내지 않음"),
        ("closing too: FIN sent, waiting for its ACK", "이쪽도 닫음: FIN을 보내고 그 ACK를 기다림"),
        ("its FIN acknowledged: waiting for the peer's FIN", "이쪽 FIN이 확인됨: 상대의 FIN을 기다림"),
        ("both sent FIN at once: waiting for the ACK", "양쪽이 동시에 FIN을 보냄: ACK를 기다림"),
        ("both sides closed: waiting out late segments", "양쪽 모두 닫음: 늦게 오는 세그먼트가 사라지기를 기다림"),
        ("its FIN acknowledged: the connection is gone", "이쪽 FIN이 확인됨: 연결이 닫힘"),
        ("the wait is over: the connection is gone", "기다림이 끝남: 연결이 닫힘"),
        ("the connection is gone", "연결이 닫힘"),
        ("waiting for a SYN", "SYN을 기다림"),
        ("the same bytes sent again", "같은 바이트를 다시 보냄"),
        ("no ACK in time: resent, and the next wait is doubled", "제때 ACK가 없음: 다시 보내고 다음 기다림은 두 배"),
        ("after the timeout: all unacknowledged bytes count as lost, resent as the window regrows from one segment",
         "시간 초과 뒤: 확인받지 못한 바이트를 모두 잃은 것으로 보고, 한 세그먼트부터 다시 커지는 윈도우로 다시 보냄"),
        ("loss seen before the timer: fast recovery, a smaller window", "타이머 전에 손실을 알아챔: 빠른 복구, 윈도우를 줄임"),
        ("recovery over: the lost bytes are acknowledged", "복구 끝: 잃었던 바이트가 확인됨"),
        ("the peer's window is 0: asking whether it opened", "상대의 윈도우가 0: 열렸는지 물어봄"),
        ("a segment that does not fit: answered with an ACK (RFC 5961)", "맞지 않는 세그먼트: ACK로 답함 (RFC 5961)"),
        ("quiet for long: asking whether the peer is still there", "오래 조용함: 상대가 아직 있는지 물어봄"),
        ("the connection failed", "연결 실패"),
        ("these bytes came twice: the sender is told (D-SACK)", "이 바이트가 두 번 옴: 보낸 쪽에 알림 (D-SACK)"),
        ("the peer got these bytes twice (D-SACK)", "상대가 이 바이트를 두 번 받음 (D-SACK)"),
        ("the resend was not needed: the window is given back", "다시 보낼 필요가 없었음: 윈도우를 되돌림"),
    ]
}
