import Glibc
import CRawNetBench
import RawNetPlatform

/// Kernel TCP connect timing for the Linux reference benchmark. Each side runs
/// on its own thread that first enters a network namespace (created by the
/// benchmark, see `ip netns`), so the traffic exists only inside those
/// namespaces. Nothing here is used by daemons.
public enum NamespaceTCPProbe {
    /// Moves the calling thread into the network namespace file at `path`
    /// (e.g. `/run/netns/NAME`). Sockets it opens afterwards live there.
    public static func enterNetworkNamespace(path: String) throws(Errno) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Errno.current }
        defer { Glibc.close(fd) }
        if rawnet_enter_net_namespace(fd) != 0 { throw Errno.current }
    }

    /// A blocking IPv4 listener that accepts and closes connections until
    /// `close()` is called from another thread (which wakes `acceptUntilClosed`).
    public final class Listener: @unchecked Sendable {
        // Safety: `fd` is set once in init; `close` uses shutdown, safe across threads.
        private let fd: Int32

        /// Listens on `address:port` (dotted IPv4 text).
        public init(address: String, port: UInt16) throws(Errno) {
            let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if socketFD < 0 { throw Errno.current }
            var one: Int32 = 1
            setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var socketAddress = try NamespaceTCPProbe.socketAddress(address, port)
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound != 0 || Glibc.listen(socketFD, 1024) != 0 {
                let error = Errno.current
                Glibc.close(socketFD)
                throw error
            }
            fd = socketFD
        }

        /// Accepts and immediately closes connections; returns how many, once closed.
        public func acceptUntilClosed() -> Int {
            var count = 0
            while true {
                let client = accept(fd, nil, nil)
                if client >= 0 { Glibc.close(client); count += 1; continue }
                if Errno.current.rawValue == EINTR || Errno.current.rawValue == ECONNABORTED { continue }
                return count
            }
        }

        /// Stops the accept loop and releases the socket.
        public func close() {
            shutdown(fd, Int32(SHUT_RDWR))
        }

        deinit { Glibc.close(fd) }
    }

    /// Opens `count` TCP connections to `address:port` one after the other and
    /// returns each `connect` call's duration in seconds (the three-way
    /// handshake as the client sees it). Each connection is closed right away.
    public static func connectTimes(to address: String, port: UInt16, count: Int) throws(Errno) -> [Double] {
        var socketAddress = try socketAddress(address, port)
        var times: [Double] = []
        times.reserveCapacity(count)
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { throw Errno.current }
            // No TIME_WAIT on our side: thousands of connects must not run out of ports.
            var noLinger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &noLinger, socklen_t(MemoryLayout<linger>.size))
            let started = MonotonicClock.now()
            let status = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let ended = MonotonicClock.now()
            if status != 0 {
                let error = Errno.current
                Glibc.close(fd)
                throw error
            }
            Glibc.close(fd)
            times.append(Double(ended - started) / 1e9)
        }
        return times
    }

    private static func socketAddress(_ text: String, _ port: UInt16) throws(Errno) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        if inet_pton(AF_INET, text, &result.sin_addr) != 1 { throw Errno.invalidArgument }
        return result
    }
}
