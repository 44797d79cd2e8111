import RawNetCore

extension TransportDetail {
    /// The detail for a `transport` trace event from what a TCP connection recorded, in the
    /// convention `TransportDetail` documents (`conn=` is `connection`, local endpoint first):
    ///
    /// | `TCPEvent.Kind` | detail |
    /// |---|---|
    /// | `stateChanged` | `event=state from=ESTABLISHED to=FIN-WAIT-1` |
    /// | `retransmitted` | `event=retransmit seq=… len=… reason=timeout\|dupack\|partial_ack\|sack\|rack\|tlp` |
    /// | `retransmissionTimeout` | `event=rto rto=… backoff=…` (rto in microseconds) |
    /// | `enteredRecovery` | `event=recovery sack=yes\|no cwnd=… ssthresh=…` |
    /// | `exitedRecovery` | `event=recovery_end cwnd=…` |
    /// | `sendWindowChanged`, `receiveWindowChanged` | `event=send_window wnd=…`, `event=receive_window wnd=…` |
    /// | `zeroWindowProbe`, `challengeACK`, `keepaliveProbe` | `event=zero_window_probe`, `event=challenge_ack`, `event=keepalive` |
    /// | `failed` | `event=failed` then the error in words |
    public init(_ event: TCPEvent, connection: TCPConnectionID) {
        let conn = "\(connection.localAddress):\(connection.localPort)>\(connection.remoteAddress):\(connection.remotePort)"
        switch event.kind {
        case .stateChanged(let from, let to):
            self.init(fields: ["event": "state", "conn": conn, "from": from.description, "to": to.description])
        case .retransmitted(let sequence, let length, let reason):
            let name = switch reason {
            case .timeout: "timeout"
            case .fastRetransmit: "dupack"
            case .partialAck: "partial_ack"
            case .sackLoss: "sack"
            case .rackLoss: "rack"
            case .lossProbe: "tlp"
            }
            self.init(fields: ["event": "retransmit", "conn": conn, "seq": "\(sequence)", "len": "\(length)", "reason": name])
        case .retransmissionTimeout(let rto, let backoff):
            self.init(fields: ["event": "rto", "conn": conn, "rto": "\(rto.nanoseconds / 1_000)", "backoff": "\(backoff)"])
        case .enteredRecovery(let sack, let cwnd, let ssthresh):
            self.init(fields: ["event": "recovery", "conn": conn, "sack": sack ? "yes" : "no",
                               "cwnd": "\(cwnd)", "ssthresh": "\(ssthresh)"])
        case .exitedRecovery(let cwnd):
            self.init(fields: ["event": "recovery_end", "conn": conn, "cwnd": "\(cwnd)"])
        case .sendWindowChanged(let window):
            self.init(fields: ["event": "send_window", "conn": conn, "wnd": "\(window)"])
        case .receiveWindowChanged(let window):
            self.init(fields: ["event": "receive_window", "conn": conn, "wnd": "\(window)"])
        case .zeroWindowProbe:
            self.init(fields: ["event": "zero_window_probe", "conn": conn])
        case .challengeACK:
            self.init(fields: ["event": "challenge_ack", "conn": conn])
        case .keepaliveProbe:
            self.init(fields: ["event": "keepalive", "conn": conn])
        case .failed(let error):
            self.init(fields: ["event": "failed", "conn": conn], freeText: error.description)
        }
    }

    /// `event=cwnd conn=… cwnd=… ssthresh=…`: what the plot's lower panel draws. Emit it
    /// whenever the congestion window or threshold changes (e.g. from `TCPConnectionStats`).
    public static func congestion(window: Int, threshold: Int, connection: TCPConnectionID) -> TransportDetail {
        let conn = "\(connection.localAddress):\(connection.localPort)>\(connection.remoteAddress):\(connection.remotePort)"
        return TransportDetail(fields: ["event": "cwnd", "conn": conn, "cwnd": "\(window)", "ssthresh": "\(threshold)"])
    }
}
