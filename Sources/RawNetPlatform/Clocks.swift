import Glibc

/// The monotonic clock (CLOCK_MONOTONIC), in nanoseconds since an arbitrary
/// origin. Event-loop deadlines and `now` for the core come from here.
public enum MonotonicClock {
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// The wall clock (CLOCK_REALTIME) in nanoseconds since the Unix epoch, for
/// pcap timestamps and logs. Never used for deadlines.
public enum WallClock {
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

extension MonotonicClock {
    /// Blocks the calling thread for `duration` (for CLI tools and tests, never in a daemon's loop).
    public static func sleep(for duration: Duration) {
        let ns = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        var request = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
