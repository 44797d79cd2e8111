import Glibc

/// A raw file descriptor with typed, EINTR-safe operations. A plain value: it
/// does not close itself. Owning types (sockets, the event loop) close theirs.
public struct FileDescriptor: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public var description: String { "fd \(rawValue)" }

    /// Closes the descriptor. EINTR is not retried (Linux always releases it).
    public func close() {
        _ = Glibc.close(rawValue)
    }

    /// Reads up to `buffer.count` bytes.
    /// - Returns: the byte count (0 at end of file), or nil when the read would block.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Writes the bytes once (possibly partially).
    /// - Returns: bytes written, or nil when the write would block.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int? {
        do {
            return try retryingOnInterrupt { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }
        } catch where error == .wouldBlock {
            return nil
        }
    }

    /// Writes all bytes, blocking if the descriptor is blocking. For files and
    /// pipes used by helpers, not for the packet path.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let written = try retryingOnInterrupt {
                bytes.withUnsafeBytes { raw in
                    Glibc.write(rawValue, raw.baseAddress! + start, raw.count - start)
                }
            }
            offset += written
        }
    }

    /// Turns O_NONBLOCK on or off.
    public func setNonBlocking(_ on: Bool = true) throws(Errno) {
        let flags = try retryingOnInterrupt { fcntl(rawValue, F_GETFL) }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags { try retryingOnInterrupt { fcntl(rawValue, F_SETFL, wanted) } }
    }

    /// Whether O_NONBLOCK is set.
    public var isNonBlocking: Bool {
        (fcntl(rawValue, F_GETFL) & O_NONBLOCK) != 0
    }

    /// Whether FD_CLOEXEC is set.
    public var isCloseOnExec: Bool {
        (fcntl(rawValue, F_GETFD) & FD_CLOEXEC) != 0
    }
}
