import Glibc

/// Errors from creating, binding and connecting sockets, with the path involved.
public enum SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not fit in `sun_path` (at most `limit` bytes, NUL excluded).
    case pathTooLong(path: String, byteCount: Int, limit: Int)
    /// An empty path was given.
    case emptyPath
    /// A system call failed.
    case failed(operation: String, path: String?, errno: Errno)

    public var description: String {
        switch self {
        case let .pathTooLong(path, byteCount, limit):
            return "socket path is \(byteCount) bytes, longer than the \(limit)-byte limit of sun_path: \(path)"
        case .emptyPath:
            return "socket path is empty"
        case let .failed(operation, path, errno):
            if let path { return "\(operation) \(path): \(errno)" }
            return "\(operation): \(errno)"
        }
    }
}

/// A Unix domain socket address: a filesystem path that fits in `sun_path`.
/// Checked once at creation, so no later call can truncate it.
public struct UnixSocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// Longest path in bytes (sun_path holds 108 bytes including the final NUL).
    public static let maximumPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    public let path: String

    /// - Throws: `SocketError.pathTooLong` naming the path and its byte count, or `.emptyPath`.
    public init(path: String) throws(SocketError) {
        let count = path.utf8.count
        if count == 0 { throw .emptyPath }
        if count > Self.maximumPathLength {
            throw .pathTooLong(path: path, byteCount: count, limit: Self.maximumPathLength)
        }
        self.path = path
    }

    public var description: String { path }

    /// Calls `body` with a filled `sockaddr_un` and its length.
    func withSockAddr<R, E: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R
    ) throws(E) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return try withUnsafePointer(to: &address) { (pointer) throws(E) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (generic) throws(E) -> R in
                try body(generic, length)
            }
        }
    }
}

/// The three Unix socket types RawNet uses.
public enum UnixSocketKind: Sendable, CaseIterable {
    case datagram, seqpacket, stream

    var rawType: Int32 {
        switch self {
        case .datagram: return Int32(SOCK_DGRAM.rawValue)
        case .seqpacket: return Int32(SOCK_SEQPACKET.rawValue)
        case .stream: return Int32(SOCK_STREAM.rawValue)
        }
    }
}

/// Low-level socket helpers shared by the socket types.
enum SocketCalls {
    /// A new non-blocking, close-on-exec Unix socket.
    static func open(_ kind: UnixSocketKind) throws(SocketError) -> FileDescriptor {
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        do {
            let fd = try retryingOnInterrupt { socket(AF_UNIX, kind.rawType | flags, 0) }
            return FileDescriptor(rawValue: fd)
        } catch {
            throw .failed(operation: "socket", path: nil, errno: error)
        }
    }

    /// Removes a stale socket file at `path` (only if it is a socket), then binds.
    static func bind(_ fd: FileDescriptor, to address: UnixSocketAddress) throws(SocketError) {
        removeStaleSocketFile(at: address.path)
        do {
            _ = try address.withSockAddr { (pointer, length) throws(Errno) in
                try retryingOnInterrupt { Glibc.bind(fd.rawValue, pointer, length) }
            }
        } catch {
            throw .failed(operation: "bind", path: address.path, errno: error)
        }
    }

    /// Connects; throws the raw `Errno` so callers can tell "peer absent" apart.
    static func connect(_ fd: FileDescriptor, to address: UnixSocketAddress) throws(Errno) {
        _ = try address.withSockAddr { (pointer, length) throws(Errno) in
            try retryingOnInterrupt { Glibc.connect(fd.rawValue, pointer, length) }
        }
    }

    /// Unlinks `path` if it names a socket file; leaves other files alone.
    static func removeStaleSocketFile(at path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
    }

    /// Sets an integer socket option.
    static func setOption(_ fd: FileDescriptor, level: Int32, name: Int32, value: Int32) throws(Errno) {
        var value = value
        try retryingOnInterrupt {
            setsockopt(fd.rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }
}
