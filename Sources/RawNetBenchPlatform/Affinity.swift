import Glibc
import CRawNetBench
import RawNetPlatform

/// CPU pinning, so that benchmark sides run on the same CPUs run after run.
extension Processes {
    /// Restricts process (or thread id) `pid` to the given CPU numbers.
    public static func pin(pid: Int32, cpus: [Int]) throws(Errno) {
        try setAffinity(pid, cpus)
    }

    /// Restricts the calling thread to the given CPU numbers. Threads and
    /// processes it starts afterwards inherit the restriction.
    public static func pinCurrentThread(cpus: [Int]) throws(Errno) {
        try setAffinity(0, cpus)
    }

    /// How many CPUs the calling thread may run on.
    public static var allowedCPUCount: Int {
        max(1, Int(rawnet_allowed_cpu_count()))
    }

    /// The CPU the calling thread runs on at this moment, if known.
    public static var currentCPU: Int? {
        let cpu = rawnet_current_cpu()
        return cpu < 0 ? nil : Int(cpu)
    }

    private static func setAffinity(_ pid: Int32, _ cpus: [Int]) throws(Errno) {
        let numbers = cpus.map { Int32($0) }
        let status = numbers.withUnsafeBufferPointer {
            rawnet_set_affinity(pid, $0.baseAddress, Int32($0.count))
        }
        if status != 0 { throw Errno.current }
    }
}
