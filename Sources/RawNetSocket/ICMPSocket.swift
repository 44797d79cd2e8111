import RawNetContracts
import RawNetWire

/// An ICMP message received on an `ICMPSocket`.
public struct ICMPReceived: Sendable, Equatable {
    /// Who sent it (the pinged host, or a router reporting an error).
    public var from: IPv4Address
    /// The TTL the IPv4 packet arrived with.
    public var timeToLive: UInt8
    public var message: ICMPMessage
    /// The ICMP message length in bytes (header and data).
    public var length: Int
}

/// An ICMP echo socket on a RawNet host, like Linux's unprivileged "ping
/// socket": the host gives it an echo identifier, delivers echo replies with
/// that identifier and ICMP errors quoting its requests.
public final class ICMPSocket {
    public let connection: HostConnection
    public let id: UInt32
    /// The echo identifier the host puts in every request this socket sends.
    public private(set) var identifier: UInt16
    private var isClosed = false

    /// Opens an ICMP socket; the host chooses a free identifier.
    public init(_ connection: HostConnection) throws(NetworkError) {
        self.connection = connection
        let reply = try connection.request { .open(request: $0, protocol: .icmp) }
        id = reply.socket
        identifier = reply.localPort
    }

    deinit {
        if !isClosed { connection.post { [id] in .close(request: $0, socket: id) } }
    }

    /// The TTL of requests sent from now on (1–255).
    public func setTimeToLive(_ ttl: UInt8) throws(NetworkError) {
        _ = try connection.request { [id] in
            .setOption(request: $0, socket: id, option: .timeToLive, value: Int32(ttl))
        }
    }

    /// Sends an echo request with this socket's identifier.
    public func sendEcho(to destination: IPv4Address, sequence: UInt16, payload: [UInt8]) throws(NetworkError) {
        var bytes: [UInt8] = []
        ICMPMessage.echoRequest(identifier: identifier, sequence: sequence, payload: payload).serialize(into: &bytes)
        _ = try connection.request { [id] in .sendTo(request: $0, socket: id, address: destination, port: 0, payload: bytes) }
    }

    /// The next echo reply or ICMP error for this socket, or nil after `timeout`.
    public func receive(timeout: Duration?) throws(NetworkError) -> ICMPReceived? {
        while true {
            switch try connection.nextEvent(socket: id, timeout: timeout) {
            case nil: return nil
            case .datagram(let from, _, let ttl, let payload)?:
                guard let message = try? ICMPMessage(parsing: payload, verifyChecksum: false) else { continue }
                return ICMPReceived(from: from, timeToLive: ttl, message: message, length: payload.count)
            case .error(let error)?: throw error
            case .icmpError?, .accepted?, .streamData?, .endOfStream?, .writable?: continue
            }
        }
    }

    /// Closes the socket.
    public func close() throws(NetworkError) {
        guard !isClosed else { return }
        isClosed = true
        connection.forget(socket: id)
        _ = try connection.request { [id] in .close(request: $0, socket: id) }
    }
}
