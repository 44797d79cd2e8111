import RawNetContracts
import RawNetCore
import RawNetWire

/// TCP events as `transport` trace events, written by the core's `TCPTraceEvent`.
extension HostTransport {
    func trace(_ events: [(TCPConnectionID, TCPEvent)]) {
        for (id, event) in events {
            let time = traceTime()
            guard takesDetail(time) else {
                let name = TCPTraceEvent(event, connection: id, congestion: nil).name
                countEvent(TraceSummary.Key(interface: nil, kind: .transport, proto: nil, reason: name), time)
                continue
            }
            var congestion: TCPTraceEvent.Congestion?
            switch event.kind {
            case .retransmitted, .exitedRecovery:
                congestion = tcp.inspect(id) {
                    TCPTraceEvent.Congestion(window: $0.congestionWindow, threshold: $0.slowStartThreshold)
                }
            default:
                break
            }
            let text = TCPTraceEvent(event, connection: id, congestion: congestion).detail
            broadcast(TraceEvent(time: time, node: node.name, kind: .transport, detail: text))
        }
    }
}
