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
