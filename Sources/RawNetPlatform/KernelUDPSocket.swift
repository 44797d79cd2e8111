import Glibc

/// A non-blocking kernel UDP socket over IPv4, bound to one local address
/// and port: what carries a VXLAN link's datagrams between machines.
/// Addresses are 32-bit values in host order (this module knows no `IPv4Address`).
public final class KernelUDPSocket {
    public let fileDescriptor: FileDescriptor
    public let localAddress: UInt32
    public let localPort: UInt16
    private var isClosed = false

    /// Binds `address:port` (SO_REUSEADDR, so a restarted end binds again at once).
    /// - Throws: `SocketError.failed` naming the address, e.g. EADDRNOTAVAIL when
    ///   no interface of this machine (namespace) holds the address.
    public init(boundTo address: UInt32, port: UInt16) throws(SocketError) {
        let name = "\(Self.text(address)):\(port)"
        let raw = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw .failed(operation: "socket", path: name, errno: .current) }
        let fd = FileDescriptor(rawValue: raw)
        var on: Int32 = 1
        _ = setsockopt(raw, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = Self.socketAddress(address, port)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = Errno.current
            fd.close()
            throw .failed(operation: "bind", path: name, errno: error)
        }
        fileDescriptor = fd
        localAddress = address
        localPort = port
    }

    deinit { close() }

    /// Closes the socket. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        fileDescriptor.close()
    }

    /// Sends one datagram to `address:port` without blocking. A remote with no
    /// route (EHOSTUNREACH, ENETUNREACH) or that answered with ICMP port
    /// unreachable (ECONNREFUSED, reported on the next send) is `peerGone`.
    public func send(_ bytes: UnsafeRawBufferPointer, to address: UInt32, port: UInt16) -> SendOutcome {
        var destination = Self.socketAddress(address, port)
        do {
            try retryingOnInterrupt {
                withUnsafePointer(to: &destination) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fileDescriptor.rawValue, bytes.baseAddress, bytes.count,
                               Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            return .sent
        } catch {
            if error == .wouldBlock || error == .noBufferSpace { return .wouldBlock }
            if error.meansPeerAbsent || error.rawValue == EHOSTUNREACH || error.rawValue == ENETUNREACH
                || error.rawValue == EHOSTDOWN { return .peerGone(error) }
            return .failed(error)
        }
    }

    /// Receives one datagram into `buffer`, with its sender's address and port.
    /// - Returns: nil when none is waiting. An ICMP error queued on the socket
    ///   (ECONNREFUSED from an earlier send) is consumed and reported as `.refused`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) -> Reception {
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        do {
            let count = try retryingOnInterrupt {
                withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fileDescriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
            }
            return .datagram(count: count, address: UInt32(bigEndian: source.sin_addr.s_addr),
                             port: UInt16(bigEndian: source.sin_port))
        } catch {
            if error == .wouldBlock { return .none }
            return .refused(error)
        }
    }

    /// What `receive(into:)` found.
    public enum Reception: Equatable {
        case datagram(count: Int, address: UInt32, port: UInt16)
        case none
        /// An error the kernel queued on the socket (an ICMP error for an earlier datagram).
        case refused(Errno)
    }

    private static func socketAddress(_ address: UInt32, _ port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr.s_addr = address.bigEndian
        return result
    }

    /// Dotted text for messages.
    static func text(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }
}
