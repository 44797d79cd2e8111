import RawNetContracts
import RawNetCore
import RawNetWire

/// TCP events as `transport` trace events: the `key=value` text of each.
extension HostTransport {
    // MARK: Trace

    func trace(_ events: [(TCPConnectionID, TCPEvent)]) {
        for (id, event) in events {
            let conn = "conn=\(id.localAddress):\(id.localPort)>\(id.remoteAddress):\(id.remotePort)"
            var text: String
            switch event.kind {
            case .stateChanged(let from, let to):
                text = "event=state \(conn) from=\(from) to=\(to)"
            case .retransmitted(let sequence, let length, let reason):
                let cwnd = tcp.connection(id)?.stats
                text = "event=retransmit \(conn) seq=\(sequence) len=\(length) reason=\(Self.reasonWord(reason))"
                if let cwnd { text += " cwnd=\(cwnd.congestionWindow) ssthresh=\(cwnd.slowStartThreshold)" }
            case .retransmissionTimeout(let rto, let backoff):
                text = "event=rto \(conn) rto=\(Self.microseconds(rto)) backoff=\(backoff)"
            case .enteredRecovery(let sack, let cwnd, let ssthresh):
                text = "event=recovery \(conn) sack=\(sack) cwnd=\(cwnd) ssthresh=\(ssthresh)"
            case .exitedRecovery(let cwnd):
                text = "event=recovered \(conn) cwnd=\(cwnd)"
            case .sendWindowChanged(let window):
                text = "event=snd_wnd \(conn) wnd=\(window)"
            case .receiveWindowChanged(let window):
                text = "event=rcv_wnd \(conn) wnd=\(window)"
            case .zeroWindowProbe:
                text = "event=zero_window_probe \(conn)"
            case .challengeACK:
                text = "event=challenge_ack \(conn)"
            case .keepaliveProbe:
                text = "event=keepalive \(conn)"
            case .failed(let error):
                text = "event=failed \(conn) error=\(Self.errorWord(error)) \(error)"
            }
            broadcast(TraceEvent(time: traceTime(), node: node.name, kind: .transport, detail: text))
        }
    }

    static func reasonWord(_ reason: TCPRetransmitReason) -> String {
        switch reason {
        case .timeout: return "timeout"
        case .fastRetransmit: return "dupack"
        case .partialAck: return "partial_ack"
        case .sackLoss: return "sack"
        case .rackLoss: return "rack"
        case .lossProbe: return "tlp"
        }
    }

    static func errorWord(_ error: TCPConnectionError) -> String {
        switch error {
        case .connectionRefused: return "refused"
        case .connectionReset: return "reset"
        case .timedOut: return "timed_out"
        case .keepaliveTimedOut: return "keepalive_timed_out"
        case .aborted: return "aborted"
        }
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

