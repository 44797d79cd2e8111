import RawNetCore
import RawNetWire

/// An IPv4 address and port, written `10.0.1.10:40000`.
public struct TCPEndpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16

    public init(address: IPv4Address, port: UInt16) {
        self.address = address
        self.port = port
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), let port = UInt16(parts[1]) else { return nil }
        self.init(address: address, port: port)
    }

    public var description: String { "\(address):\(port)" }

    public static func < (lhs: TCPEndpoint, rhs: TCPEndpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}

extension TCPEndpoint {
    /// The two ends of a connection, local first.
    static func ends(of id: TCPConnectionID) -> (local: TCPEndpoint, remote: TCPEndpoint) {
        (TCPEndpoint(address: id.localAddress, port: id.localPort), TCPEndpoint(address: id.remoteAddress, port: id.remotePort))
    }
}
