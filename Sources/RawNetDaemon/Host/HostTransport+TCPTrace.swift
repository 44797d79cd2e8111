import RawNetContracts
import RawNetCore
import RawNetWire

/// TCP events as `transport` trace events, written by the core's `TCPTraceEvent`.
extension HostTransport {
    /// Traces `events`, stamped `time`.
    func trace(_ events: [(TCPConnectionID, TCPEvent)], at time: Int64) {
        for (id, event) in events {
            let build = {
                var congestion: TCPTraceEvent.Congestion?
                switch event.kind {
                case .retransmitted, .exitedRecovery:
                    congestion = self.tcp.inspect(id) {
                        TCPTraceEvent.Congestion(window: $0.congestionWindow, threshold: $0.slowStartThreshold)
                    }
                default:
                    break
                }
                let text = TCPTraceEvent(event, connection: id, congestion: congestion).detail
                return TraceEvent(time: time, node: self.node.name, kind: .transport, detail: text)
            }
            guard let offer else {
                broadcast(build())
                continue
            }
            let name = TCPTraceEvent(event, connection: id, congestion: nil).name
            offer(time, TraceSummary.Key(interface: nil, kind: .transport, proto: nil, reason: name), build)
        }
    }
}
