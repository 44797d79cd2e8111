import RawNetContracts
import RawNetCore
import RawNetWire

/// What the host's sockets look like from outside: the `status` answer of a
/// TCP socket and the `sockets` control answer, whose `internals` is that same text.
extension HostTransport {
    func socketList() -> [SocketInfo] {
        sockets.sockets.values.sorted { $0.id < $1.id }.map { socket in
            var info = SocketInfo(id: socket.id, app: socket.owner, protocolName: socket.protocolNumber.description,
                                  local: "\(socket.localAddress):\(socket.localPort)",
                                  peer: socket.peerAddress.map { "\($0):\(socket.peerPort)" })
            if let identity = apps.identity(of: socket.owner) {
                info.appName = identity.name
                info.pid = identity.pid
            }
            if socket.protocolNumber == .tcp {
                let text = statusText(of: socket)
                var fields: [String: String] = [:]
                for word in text.split(separator: " ") {
                    if let eq = word.firstIndex(of: "=") { fields[String(word[..<eq])] = String(word[word.index(after: eq)...]) }
                }
                info.state = fields["state"]
                info.receiveQueue = fields["recvq"].flatMap { Int($0) }
                info.sendQueue = fields["sendq"].flatMap { Int($0) }
                info.internals = text
            } else {
                info.state = socket.isConnected ? "ESTAB" : "UNCONN"
                info.receiveQueue = 0
                info.sendQueue = 0
            }
            return info
        }
    }

    /// The socket's state and TCP internals as `key=value` words.
    func statusText(of socket: HostSocket) -> String {
        var words = ["proto=tcp", "local=\(socket.localAddress):\(socket.localPort)"]
        if socket.tcp.isListening {
            let listener = tcp.listeners[socket.localPort]
            words.append("state=LISTEN")
            words.append("recvq=\(listener?.ready.count ?? 0)")
            words.append("sendq=\(listener?.backlog ?? 0)")
            return words.joined(separator: " ")
        }
        guard let id = socket.tcp.connection, let connection = tcp.connection(id) else {
            words.append("state=CLOSED")
            return words.joined(separator: " ")
        }
        let s = connection.stats
        words.append("peer=\(id.remoteAddress):\(id.remotePort)")
        words.append("state=\(s.state)")
        words.append("recvq=\(connection.availableByteCount)")
        words.append("sendq=\(connection.unacknowledgedByteCount)")
        words.append("rto=\(Self.microseconds(s.rto))")
        if let srtt = s.smoothedRTT { words.append("srtt=\(Self.microseconds(srtt))") }
        words.append("rttvar=\(Self.microseconds(s.rttVariation))")
        words.append("cwnd=\(s.congestionWindow)")
        words.append("ssthresh=\(s.slowStartThreshold)")
        words.append("mss=\(s.sendMSS)")
        words.append("snd_wnd=\(s.sendWindow)")
        words.append("rcv_wnd=\(s.receiveWindow)")
        words.append("retrans=\(s.retransmissions)")
        words.append("timeouts=\(s.timeouts)")
        words.append("fast_retrans=\(s.fastRetransmits)")
        words.append("dupacks=\(s.totalDuplicateAcks)")
        words.append("bytes_sent=\(s.bytesSent)")
        words.append("bytes_retrans=\(s.bytesRetransmitted)")
        words.append("bytes_received=\(s.bytesReceived)")
        words.append("segs_out=\(s.segmentsSent)")
        words.append("segs_in=\(s.segmentsReceived)")
        words.append("sack=\(s.isSACKPermitted)")
        words.append("timestamps=\(s.isTimestampsEnabled)")
        words.append("congestion=\(connection.configuration.congestionControl.rawValue)")
        words.append("tlp=\(s.lossProbes) rack_lost=\(s.segmentsMarkedLost)")
        if let bbr = s.bbr {
            words.append("bbr_mode=\(bbr.mode.rawValue) bbr_bw=\(Int(bbr.bandwidth)) pacing_rate=\(Int(bbr.pacingRate))")
            if let minRTT = bbr.minRTT { words.append("min_rtt=\(Self.microseconds(minRTT))") }
        }
        words.append("nagle=\(connection.configuration.isNagleEnabled)")
        words.append("delayed_ack=\(connection.configuration.isDelayedAckEnabled)")
        if s.isInRecovery { words.append("recovery=true") }
        return words.joined(separator: " ")
    }
}
