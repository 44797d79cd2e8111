import Glibc

/// What happened to one datagram handed to the kernel.
public enum SendOutcome: Equatable, Sendable {
    /// The kernel took the whole datagram.
    case sent
    /// The receiver's queue (or our send buffer) is full; try again when writable.
    case wouldBlock
    /// Nobody is bound at the destination (ENOENT, ECONNREFUSED, ...). Not fatal.
    case peerGone(Errno)
    /// Any other failure, e.g. EMSGSIZE for an oversized datagram.
    case failed(Errno)
}

/// A non-blocking Unix datagram socket (SOCK_DGRAM), optionally bound to a
/// path. Closes its descriptor, and removes the file it bound, on deinit.
public final class UnixDatagramSocket {
    public let fileDescriptor: FileDescriptor
    /// The path this socket is bound to, if any.
    public let boundAddress: UnixSocketAddress?
    /// The destination set with `connect(to:)`, if any.
    public private(set) var connectedAddress: UnixSocketAddress?
    private var isClosed = false

    /// An unbound socket (for sending only).
    public init() throws(SocketError) {
        fileDescriptor = try SocketCalls.open(.datagram)
        boundAddress = nil
    }

    /// A socket bound at `path`; a stale socket file there is removed first.
    /// - Throws: `SocketError.pathTooLong` for a path over 107 bytes, or a bind failure.
    public convenience init(boundTo path: String) throws(SocketError) {
        try self.init(boundTo: UnixSocketAddress(path: path))
    }

    public init(boundTo address: UnixSocketAddress) throws(SocketError) {
        let fd = try SocketCalls.open(.datagram)
        do {
            try SocketCalls.bind(fd, to: address)
        } catch {
            fd.close()
            throw error
        }
        fileDescriptor = fd
        boundAddress = address
    }

    /// A socket bound to an abstract name (Linux: `name` starts with a NUL byte
    /// and names no file), e.g. a link end's sending socket (`LinkPort.senderName`).
    public init(boundToAbstractName name: [UInt8]) throws(SocketError) {
        precondition(name.first == 0 && name.count <= UnixSocketAddress.maximumPathLength + 1, "not an abstract name")
        let fd = try SocketCalls.open(.datagram)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd.rawValue, $0, length) }
        }
        guard result == 0 else {
            let error = Errno.current
            fd.close()
            throw .failed(operation: "bind", path: "@" + String(decoding: name.dropFirst(), as: UTF8.self), errno: error)
        }
        fileDescriptor = fd
        boundAddress = nil
    }

    deinit { close() }

    /// Closes the socket and removes its bound file. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        fileDescriptor.close()
        if let boundAddress { unlink(boundAddress.path) }
    }

    /// Connects to a peer path, so plain `send(_:)` goes there and writability
    /// (POLLOUT) reflects the peer's receive queue. Throws the raw errno:
    /// ENOENT or ECONNREFUSED mean the peer is not there yet.
    public func connect(to address: UnixSocketAddress) throws(Errno) {
        try SocketCalls.connect(fileDescriptor, to: address)
        connectedAddress = address
    }

    /// Sends one datagram to `address` without blocking.
    public func send(_ bytes: UnsafeRawBufferPointer, to address: UnixSocketAddress) -> SendOutcome {
        let result = address.withSockAddr { pointer, length in
            Self.classify {
                sendto(fileDescriptor.rawValue, bytes.baseAddress, bytes.count,
                       Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), pointer, length)
            }
        }
        return result
    }

    /// Sends one datagram to `path` without blocking.
    public func send(_ bytes: [UInt8], to path: String) throws(SocketError) -> SendOutcome {
        let address = try UnixSocketAddress(path: path)
        return bytes.withUnsafeBytes { send($0, to: address) }
    }

    /// Sends one datagram to the connected peer without blocking.
    public func send(_ bytes: UnsafeRawBufferPointer) -> SendOutcome {
        Self.classify {
            Glibc.send(fileDescriptor.rawValue, bytes.baseAddress, bytes.count,
                       Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
        }
    }

    /// Sends one datagram to the connected peer without blocking.
    public func send(_ bytes: [UInt8]) -> SendOutcome {
        bytes.withUnsafeBytes { send($0) }
    }

    /// Receives one datagram into `buffer`.
    /// - Returns: its length (truncated to the buffer if longer), or nil when none is waiting.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt {
                recv(fileDescriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Receives one datagram into `buffer` and the sender's address into
    /// `sender`: its path's bytes, an abstract name with its leading NUL, or
    /// nothing for an unbound sender.
    /// - Returns: its length (truncated to the buffer if longer), or nil when none is waiting.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, sender: inout SenderAddress) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt {
                sender.length = socklen_t(MemoryLayout<sockaddr_un>.size)
                return withUnsafeMutablePointer(to: &sender.address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fileDescriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT),
                                 $0, &sender.length)
                    }
                }
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Where a received datagram came from, filled by `receive(into:sender:)`
    /// without allocating (it is read for every frame on a datagram link).
    public struct SenderAddress {
        var address = sockaddr_un()
        var length: socklen_t = 0

        public init() {}

        /// Whether the sender is the socket named by `name`: path bytes (a
        /// trailing NUL the kernel may report is ignored) or an abstract name
        /// with its leading NUL. An unbound sender matches no name.
        public func matches(_ name: [UInt8]) -> Bool {
            var count = Int(length) - MemoryLayout<sa_family_t>.size
            guard count > 0, !name.isEmpty else { return false }
            return withUnsafeBytes(of: address.sun_path) { raw in
                if raw[0] != 0 { while count > 0 && raw[count - 1] == 0 { count -= 1 } }
                return count == name.count && raw.prefix(count).elementsEqual(name)
            }
        }
    }

    /// Receives one datagram as a new array (at most `maximumLength` bytes), or nil.
    public func receive(maximumLength: Int = 65_536) throws(Errno) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximumLength)
        let count = try Errno.rethrowing { try buffer.withUnsafeMutableBytes { try receive(into: $0) } }
        guard let count else { return nil }
        buffer.removeSubrange(count...)
        return buffer
    }

    private static func classify(_ call: () -> Int) -> SendOutcome {
        do {
            try retryingOnInterrupt(call)
            return .sent
        } catch {
            if error == .wouldBlock { return .wouldBlock }
            if error.meansPeerAbsent { return .peerGone(error) }
            return .failed(error)
        }
    }
}
