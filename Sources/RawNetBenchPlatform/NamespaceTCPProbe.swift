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

        /// Accepts one connection (waiting at most `acceptTimeout` seconds) and
        /// reads from it for `seconds` counted from the accept, or until it ends.
        /// Returns the bytes read and the seconds that took; the connection is closed.
        public func receiveBulk(seconds: Double, acceptTimeout: Double = 15) throws(Errno) -> (bytes: Int, seconds: Double) {
            NamespaceTCPProbe.setTimeout(fd, SO_RCVTIMEO, seconds: acceptTimeout)
            var client: Int32 = -1
            while client < 0 {
                client = accept(fd, nil, nil)
                if client < 0 && Errno.current.rawValue != EINTR { throw Errno.current }
            }
            defer { Glibc.close(client) }
            let started = MonotonicClock.now()
            let deadline = started + Int64(seconds * 1e9)
            NamespaceTCPProbe.setTimeout(client, SO_RCVTIMEO, seconds: 0.05)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var bytes = 0
            while MonotonicClock.now() < deadline {
                let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if count > 0 { bytes += count; continue }
                if count == 0 { break }
                let error = Errno.current.rawValue
                if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { continue }
                throw Errno.current
            }
            return (bytes, Double(MonotonicClock.now() - started) / 1e9)
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

    /// Connects to `address:port` and sends 64 KiB blocks until `keepGoing`
    /// says stop (asked at least every 50 ms) or the peer ends the connection.
    /// Returns the bytes the kernel took.
    public static func sendBulk(to address: String, port: UInt16, keepGoing: () -> Bool) throws(Errno) -> Int {
        var socketAddress = try socketAddress(address, port)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw Errno.current }
        defer { Glibc.close(fd) }
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 { throw Errno.current }
        setTimeout(fd, SO_SNDTIMEO, seconds: 0.05)
        let block = [UInt8](repeating: 0x61, count: 65_536)
        var bytes = 0
        while keepGoing() {
            let count = block.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 { bytes += count; continue }
            let error = Errno.current.rawValue
            if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { continue }
            if error == EPIPE || error == ECONNRESET { break }
            throw Errno.current
        }
        return bytes
    }

    fileprivate static func setTimeout(_ fd: Int32, _ option: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func socketAddress(_ text: String, _ port: UInt16) throws(Errno) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        if inet_pton(AF_INET, text, &result.sin_addr) != 1 { throw Errno.invalidArgument }
        return result
    }
}
