import RawNetContracts
import RawNetLabModel
import RawNetView
import RawNetWire

/// One end of a TCP connection as its host reports it now (the `sockets` control command,
/// what `rawnet sockets -i` prints): state, windows, timers and retransmissions by reason,
/// every key of `TCPSocketStatus` as the host wrote it.
public struct WebTCPInternals: Codable, Sendable, Equatable {
    public var node: String
    public var local: String
    public var peer: String
    /// Every field (`TCPSocketStatus.Key` raw names: state, cwnd, ssthresh, srtt, rto, retrans_rto, …);
    /// times in microseconds, windows in bytes, as the host writes them.
    public var fields: [String: String]
    /// The same fields as `rawnet sockets -i` prints them (times with units, `-` for an unset ssthresh).
    public var shown: [String: String]
    /// Retransmissions by reason in the words of `sockets -i` and chat's `/stats`, English and Korean.
    public var reasons: String
    public var reasonsKo: String
}

/// The live internals of both ends of a connection, or why an end has none.
public struct WebTCPInternalsAnswer: Codable, Sendable {
    public var name: String
    public var ends: [WebTCPInternals]
    /// Per end without internals (not a RawNet host, or the connection is gone): why.
    public var missing: [String]
}

enum WebInternals {
    /// Asks the host of each end of `key` (the node holding its address) for its sockets
    /// and keeps the one of this connection.
    static func gather(_ key: TCPConnectionKey, located: LabLocator.Located) -> WebTCPInternalsAnswer {
        var answer = WebTCPInternalsAnswer(name: key.description, ends: [], missing: [])
        let topology: Topology
        do { topology = try located.topology() } catch {
            answer.missing.append("\(error)")
            return answer
        }
        for (local, peer) in [(key.client, key.server), (key.server, key.client)] {
            let localText = "\(local)", peerText = "\(peer)"
            guard let node = topology.nodes.first(where: { node in
                node.kind == .host && node.interfaces.contains { $0.address.address == local.address } }) else {
                answer.missing.append("\(localText): no RawNet host holds this address")
                continue
            }
            do {
                let client = try ControlClient(path: located.paths.control(node: node.name))
                let response = try client.request(ControlRequest(command: "sockets"))
                let sockets = try response.result?.decode([SocketInfo].self) ?? []
                guard let socket = sockets.first(where: { $0.protocolName == "tcp" && $0.local == localText && $0.peer == peerText }),
                      let internals = socket.internals else {
                    answer.missing.append("\(node.name) \(localText): the connection is gone (closed)")
                    continue
                }
                let status = TCPSocketStatus(parsing: internals)
                var fields = Dictionary(uniqueKeysWithValues: status.fields.map { ($0.key.rawValue, $0.value) })
                var shown = Dictionary(uniqueKeysWithValues: status.fields.map {
                    ($0.key.rawValue, TCPSocketStatus.readableValue(of: $0.key, $0.value)) })
                if fields["state"] == nil, let state = socket.state { fields["state"] = state; shown["state"] = state }
                answer.ends.append(WebTCPInternals(node: node.name, local: localText, peer: peerText, fields: fields, shown: shown,
                                                   reasons: status.retransmissionReasons(),
                                                   reasonsKo: status.retransmissionReasons(language: "ko")))
            } catch {
                answer.missing.append("\(node.name): \(error)")
            }
        }
        return answer
    }
}
