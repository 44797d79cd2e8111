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
