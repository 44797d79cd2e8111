import Glibc
import CRawNetPlatform

/// A POSIX error number with a readable name (`ENOENT`) and the system's
/// description ("No such file or directory").
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(rawValue: rawnet_errno()) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let inProgress = Errno(rawValue: EINPROGRESS)
    public static let addressInUse = Errno(rawValue: EADDRINUSE)
    public static let notConnected = Errno(rawValue: ENOTCONN)
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    public static let noChild = Errno(rawValue: ECHILD)
    public static let badDescriptor = Errno(rawValue: EBADF)
    public static let invalidArgument = Errno(rawValue: EINVAL)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let messageTooLong = Errno(rawValue: EMSGSIZE)
    public static let noBufferSpace = Errno(rawValue: ENOBUFS)

    /// True for the errors that mean "a datagram peer is not there right now"
    /// (no socket file, or a file nobody is bound to).
    public var meansPeerAbsent: Bool {
        rawValue == ENOENT || rawValue == ECONNREFUSED || rawValue == ENOTCONN
            || rawValue == ECONNRESET || rawValue == EPIPE
    }

    /// The symbolic name, e.g. `"ECONNREFUSED"`, or `"errno N"` when unknown.
    public var name: String {
        Errno.names[rawValue] ?? "errno \(rawValue)"
    }

    /// The system's message for this error.
    public var message: String {
        guard let text = strerror(rawValue) else { return "unknown error" }
        return String(cString: text)
    }

    public var description: String { "\(name) (\(message))" }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
        ENXIO: "ENXIO", E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY",
        EEXIST: "EEXIST", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
        ENFILE: "ENFILE", EMFILE: "EMFILE", ENOSPC: "ENOSPC", EPIPE: "EPIPE",
        ENAMETOOLONG: "ENAMETOOLONG", ENOTEMPTY: "ENOTEMPTY", ENOTSOCK: "ENOTSOCK",
        EMSGSIZE: "EMSGSIZE", EPROTOTYPE: "EPROTOTYPE", EOPNOTSUPP: "EOPNOTSUPP",
        EADDRINUSE: "EADDRINUSE", EADDRNOTAVAIL: "EADDRNOTAVAIL", ENOBUFS: "ENOBUFS",
        EISCONN: "EISCONN", ENOTCONN: "ENOTCONN", ETIMEDOUT: "ETIMEDOUT",
        ECONNREFUSED: "ECONNREFUSED", ECONNRESET: "ECONNRESET", EINPROGRESS: "EINPROGRESS",
        EALREADY: "EALREADY", EDESTADDRREQ: "EDESTADDRREQ", ELOOP: "ELOOP",
        ENETUNREACH: "ENETUNREACH", EHOSTUNREACH: "EHOSTUNREACH", EHOSTDOWN: "EHOSTDOWN",
    ]
}

extension Errno {
    /// Runs `body` (which only throws `Errno`, through an untyped `rethrows`
    /// API such as `withUnsafeBytes`) and restores the typed error.
    static func rethrowing<R>(_ body: () throws -> R) throws(Errno) -> R {
        do { return try body() } catch let error as Errno { throw error } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

/// Runs a system call, retrying while it fails with `EINTR`. Every wrapper in
/// this module goes through here, so interrupted calls are handled in one place.
/// - Returns: the call's non-negative result.
/// - Throws: `Errno` for any other failure (result -1).
@discardableResult
func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) throws(Errno) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Errno.current
        if error.rawValue != EINTR { throw error }
    }
}
