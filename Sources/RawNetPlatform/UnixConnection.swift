import Glibc
import CRawNetPlatform

/// A listening Unix socket (SOCK_STREAM or SOCK_SEQPACKET) bound at a path.
/// Non-blocking; closes and removes its file on deinit.
public final class UnixListener {
    public let fileDescriptor: FileDescriptor
    public let address: UnixSocketAddress
    public let kind: UnixSocketKind
    private var isClosed = false

    /// Binds (removing a stale socket file first) and listens.
    /// - Throws: `SocketError` (path too long, bind or listen failure).
    public init(kind: UnixSocketKind = .stream, path: String, backlog: Int32 = 64) throws(SocketError) {
        precondition(kind != .datagram, "a listener needs SOCK_STREAM or SOCK_SEQPACKET")
        let address = try UnixSocketAddress(path: path)
        let fd = try SocketCalls.open(kind)
        do {
            try SocketCalls.bind(fd, to: address)
        } catch {
            fd.close()
            throw error
        }
        do {
            try retryingOnInterrupt { Glibc.listen(fd.rawValue, backlog) }
        } catch {
            unlink(address.path)
            fd.close()
            throw .failed(operation: "listen", path: path, errno: error)
        }
        self.fileDescriptor = fd
        self.address = address
        self.kind = kind
    }

    deinit { close() }

    /// Closes the listener and removes its socket file. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        fileDescriptor.close()
        unlink(address.path)
    }

    /// Accepts one pending connection, or returns nil when none is waiting.
    public func accept() throws(Errno) -> UnixConnection? {
        do {
            let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
            let fd = try retryingOnInterrupt { rawnet_accept4(fileDescriptor.rawValue, flags) }
            return UnixConnection(adopting: FileDescriptor(rawValue: fd), kind: kind)
        } catch where error == .wouldBlock {
            return nil
        }
    }
}

/// A connected Unix stream or seqpacket socket. Non-blocking; closes on deinit.
/// For seqpacket, each `write` is one message and each `read` returns one.
public final class UnixConnection {
    public let fileDescriptor: FileDescriptor
    public let kind: UnixSocketKind
    private var isClosed = false

    /// Takes ownership of an already connected descriptor.
    public init(adopting fileDescriptor: FileDescriptor, kind: UnixSocketKind) {
        self.fileDescriptor = fileDescriptor
        self.kind = kind
    }

    /// Connects to a listener at `path` without blocking. Unix connects either
    /// complete at once or fail; a full backlog throws `EAGAIN`, no listener
    /// throws `ENOENT` or `ECONNREFUSED` (inside `SocketError.failed`).
    public static func connect(kind: UnixSocketKind = .stream, to path: String) throws(SocketError) -> UnixConnection {
        let address = try UnixSocketAddress(path: path)
        let fd = try SocketCalls.open(kind)
        do {
            try SocketCalls.connect(fd, to: address)
        } catch {
            fd.close()
            throw .failed(operation: "connect", path: path, errno: error)
        }
        return UnixConnection(adopting: fd, kind: kind)
    }

    /// A connected pair (socketpair), handy for tests and in-process plumbing.
    public static func pair(kind: UnixSocketKind = .stream) throws(Errno) -> (UnixConnection, UnixConnection) {
        var fds: [Int32] = [0, 0]
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        try retryingOnInterrupt { socketpair(AF_UNIX, kind.rawType | flags, 0, &fds) }
        return (UnixConnection(adopting: FileDescriptor(rawValue: fds[0]), kind: kind),
                UnixConnection(adopting: FileDescriptor(rawValue: fds[1]), kind: kind))
    }

    deinit { close() }

    /// Closes the descriptor. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        fileDescriptor.close()
    }

    /// Reads what is available: a byte count (0 = peer closed), or nil if it would block.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt {
                recv(fileDescriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Reads one message (seqpacket) into `buffer` and returns its whole
    /// length: more than `buffer.count` when it did not fit, and then only the
    /// first `buffer.count` bytes were read and the rest is gone (`MSG_TRUNC`).
    /// 0 means the peer closed, nil that nothing is waiting.
    public func readMessage(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt {
                recv(fileDescriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT) | Int32(MSG_TRUNC))
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Reads up to `lengths.count` messages (seqpacket) in one call, into
    /// consecutive slots of `slotSize` bytes of `buffer`, their lengths into
    /// `lengths`: the count read (a length of 0 is the peer's close), or nil
    /// when nothing is waiting. A message longer than a slot keeps the slot's bytes
    /// (and its length reads as the slot's).
    public func readMessages(into buffer: UnsafeMutableRawBufferPointer, slotSize: Int,
                             lengths: UnsafeMutableBufferPointer<Int>) throws(Errno) -> Int? {
        precondition(slotSize > 0 && slotSize * lengths.count <= buffer.count, "slots beyond the buffer")
        do {
            return try retryingOnInterrupt {
                Int(rawnet_receive_messages(fileDescriptor.rawValue, buffer.baseAddress, slotSize,
                                            UInt32(lengths.count), lengths.baseAddress))
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Reads up to `maximumLength` bytes: `[]` means the peer closed, nil means nothing yet.
    public func read(maximumLength: Int = 65_536) throws(Errno) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximumLength)
        let count = try Errno.rethrowing { try buffer.withUnsafeMutableBytes { try read(into: $0) } }
        guard let count else { return nil }
        buffer.removeSubrange(count...)
        return buffer
    }

    /// Writes without blocking and without SIGPIPE: bytes taken (possibly
    /// fewer than given for a stream), or nil when it would block.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt {
                Glibc.send(fileDescriptor.rawValue, bytes.baseAddress, bytes.count,
                           Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
            }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Writes `frames[range]` as one message each in one call (sendmmsg), without
    /// blocking and without SIGPIPE: how many were taken (the first ones), or nil
    /// when the first would block. An error after the first is reported by the next write.
    public func writeMessages(_ frames: [[UInt8]], _ range: Range<Int>) throws(Errno) -> Int? {
        let count = min(range.count, Int(RAWNET_RECEIVE_BATCH))
        guard count > 0 else { return 0 }
        let frame = { (index: Int) in frames[range.lowerBound + index] }
        let descriptor = fileDescriptor.rawValue
        do {
            return Int(try retryingOnInterrupt {
                withUnsafeTemporaryAllocation(of: UnsafeRawPointer?.self, capacity: count) { bases in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { lengths in
                        // Each frame's bytes are pinned by a nested withUnsafeBytes while the call runs.
                        func pinned(_ index: Int) -> Int32 {
                            if index == count {
                                return rawnet_send_messages(descriptor, bases.baseAddress, lengths.baseAddress, UInt32(count))
                            }
                            return frame(index).withUnsafeBytes { bytes in
                                bases[index] = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
                                lengths[index] = bytes.count
                                return pinned(index + 1)
                            }
                        }
                        return pinned(0)
                    }
                }
            })
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Writes without blocking: see `write(_:)` for raw buffers.
    public func write(_ bytes: [UInt8]) throws(Errno) -> Int? {
        try Errno.rethrowing { try bytes.withUnsafeBytes { try write($0) } }
    }

}
