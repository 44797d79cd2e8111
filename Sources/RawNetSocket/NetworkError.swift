import RawNetContracts

/// What can go wrong with a RawNet socket, with readable descriptions
/// ("connection refused", "host unreachable").
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case addressInUse
    /// A UDP datagram met a closed port (ICMP port unreachable), or a TCP connect was refused.
    case connectionRefused
    case hostUnreachable
    case networkUnreachable
    case timedOut
    case connectionReset
    case notConnected
    case invalidArgument(String)
    case badSocket
    case protocolNotSupported
    case messageTooLong
    /// The host's TCP buffers reached its memory budget: no new connection now (ENOBUFS).
    case noBufferSpace
    /// The host daemon's app API socket is missing or refuses connections.
    case hostNotRunning(host: String, path: String, reason: String)
    /// The host daemon closed the app connection (it stopped or restarted).
    case hostClosedConnection
    /// The host sent something this library does not understand.
    case protocolError(String)

    /// The error for a status code the host answered with (nil for `ok`).
    public init?(status: AppStatus, message: String = "") {
        switch status {
        case .ok: return nil
        case .addressInUse: self = .addressInUse
        case .connectionRefused: self = .connectionRefused
        case .hostUnreachable: self = .hostUnreachable
        case .networkUnreachable: self = .networkUnreachable
        case .timedOut: self = .timedOut
        case .connectionReset: self = .connectionReset
        case .notConnected: self = .notConnected
        case .invalidArgument: self = .invalidArgument(message)
        case .badSocket: self = .badSocket
        case .protocolNotSupported: self = .protocolNotSupported
        case .messageTooLong: self = .messageTooLong
        case .protocolError: self = .protocolError(message)
        case .noBufferSpace: self = .noBufferSpace
        }
    }

    public var description: String {
        switch self {
        case .addressInUse: return "address already in use"
        case .connectionRefused: return "connection refused"
        case .hostUnreachable: return "host unreachable"
        case .networkUnreachable: return "network is unreachable"
        case .timedOut: return "timed out"
        case .connectionReset: return "connection reset by peer"
        case .notConnected: return "socket is not connected"
        case .invalidArgument(let detail): return detail.isEmpty ? "invalid argument" : "invalid argument: \(detail)"
        case .badSocket: return "bad socket"
        case .protocolNotSupported: return "protocol not supported"
        case .messageTooLong: return "message too long"
        case .noBufferSpace: return "no buffer space available"
        case .hostNotRunning(let host, let path, let reason):
            return "host \(host) is not running (cannot connect to \(path): \(reason))"
        case .hostClosedConnection: return "the host daemon closed the connection (the lab stopped, or the host ended: see `rawnet status`)"
        case .protocolError(let detail): return "app API protocol error: \(detail)"
        }
    }
}
