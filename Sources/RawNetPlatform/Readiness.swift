import Glibc

extension FileDescriptor {
    /// Blocks until the descriptor is readable (or hung up), at most `timeout`;
    /// a nil timeout waits for ever. EINTR restarts the wait with what is left.
    /// - Returns: true when readable, false when the time ran out.
    public func waitUntilReadable(timeout: Duration?) throws(Errno) -> Bool {
        let deadline = timeout.map { MonotonicClock.now() &+ $0.wholeNanoseconds }
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline &- MonotonicClock.now()
                milliseconds = remaining <= 0 ? 0 : Int32(clamping: (remaining + 999_999) / 1_000_000)
            }
            var entry = pollfd(fd: rawValue, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready == 0 { return false }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }
}

/// Signal numbers the daemons and tools use, so that modules other than this
/// one need not import Glibc.
public enum SignalNumber {
    public static let hangUp = SIGHUP
    public static let interrupt = SIGINT
    public static let kill = SIGKILL
    public static let terminate = SIGTERM
}
