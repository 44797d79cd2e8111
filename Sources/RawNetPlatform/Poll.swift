import Glibc

extension FileDescriptor {
    /// Waits until the descriptor is readable (or hung up), at most `timeout`.
    /// Returns false on timeout. For simple blocking clients (the CLI, tests);
    /// daemons use the event loop instead.
    public func waitReadable(timeout: Duration) -> Bool {
        wait(events: Int16(POLLIN), timeout: timeout)
    }

    /// Waits until the descriptor is writable, at most `timeout`.
    public func waitWritable(timeout: Duration) -> Bool {
        wait(events: Int16(POLLOUT), timeout: timeout)
    }

    /// Whether the other end of this connection has closed or shut down its
    /// writing side, looked at now without waiting (poll: POLLHUP, POLLRDHUP, POLLERR).
    public var hasHungUp: Bool {
        let readHangUp: Int16 = 0x2000  // POLLRDHUP (Linux), which Glibc's module does not export
        var pfd = pollfd(fd: rawValue, events: readHangUp, revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        return pfd.revents & (Int16(POLLHUP) | Int16(POLLERR) | readHangUp) != 0
    }

    private func wait(events: Int16, timeout: Duration) -> Bool {
        let deadline = MonotonicClock.now() + timeout.components.seconds * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000
        while true {
            let remaining = max(0, deadline - MonotonicClock.now())
            var pfd = pollfd(fd: rawValue, events: events, revents: 0)
            let ms = Int32(clamping: (remaining + 999_999) / 1_000_000)
            let result = poll(&pfd, 1, ms)
            if result > 0 { return true }
            if result == 0 { return false }
            if errno != EINTR { return true }  // let the caller's read report the error
        }
    }
}

extension FileDescriptor {
    /// Waits until at least one of `descriptors` is readable (or hung up), at
    /// most `timeout` (nil: for ever). Returns the readable ones (empty on timeout).
    public static func waitReadable(_ descriptors: [FileDescriptor], timeout: Duration?) -> [FileDescriptor] {
        guard !descriptors.isEmpty else { return [] }
        var fds = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
        let deadline = timeout.map {
            MonotonicClock.now() + $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000
        }
        while true {
            var ms: Int32 = -1
            if let deadline { ms = Int32(clamping: (max(0, deadline - MonotonicClock.now()) + 999_999) / 1_000_000) }
            let result = poll(&fds, nfds_t(fds.count), ms)
            if result > 0 {
                return zip(descriptors, fds).filter { $0.1.revents != 0 }.map(\.0)
            }
            if result == 0 { return [] }
            if errno != EINTR { return descriptors }  // let the callers' reads report the error
        }
    }

    /// Standard input, output and error.
    public static let standardInput = FileDescriptor(rawValue: 0)
    public static let standardOutput = FileDescriptor(rawValue: 1)
    public static let standardError = FileDescriptor(rawValue: 2)

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool { isatty(rawValue) == 1 }
}
