import RawNetContracts
import RawNetCore
import RawNetWire

/// TCP events as `transport` trace events, written by the core's `TCPTraceEvent`.
extension HostTransport {
    func trace(_ events: [(TCPConnectionID, TCPEvent)]) {
        for (id, event) in events {
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
            broadcast(TraceEvent(time: traceTime(), node: node.name, kind: .transport, detail: text))
        }
    }
}
