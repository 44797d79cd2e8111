import Glibc

/// CPU time this process has used on all its threads (CLOCK_PROCESS_CPUTIME_ID),
/// in nanoseconds: for "work per CPU-second" benchmarks. Never used for deadlines.
public enum ProcessCPUClock {
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// CPU seconds used so far.
    public static var seconds: Double { Double(now()) / 1e9 }
}
