import Glibc
import CRawNetPlatform

/// Wakes an `EventLoop` from any thread through an eventfd, optionally
/// carrying work to run on the loop. Owns the eventfd; it closes when the last
/// reference goes, so a thread holding a waker never writes to a reused fd.
public final class Waker: @unchecked Sendable {
    // Safety: `fileDescriptor` is immutable; `pending` is guarded by `lock`.
    public let fileDescriptor: FileDescriptor
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var pending: [@Sendable () -> Void] = []

    init() throws(Errno) {
        let fd = try retryingOnInterrupt { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
        fileDescriptor = FileDescriptor(rawValue: fd)
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        fileDescriptor.close()
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Makes the loop's `epoll_wait` return; the loop then runs its `onWake`.
    public func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { try? fileDescriptor.write($0) }
    }

    /// Queues work for the loop and wakes it.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(lock)
        pending.append(work)
        pthread_mutex_unlock(lock)
        wake()
    }

    /// Clears the eventfd counter and hands over queued work (loop side).
    func takePending() -> [@Sendable () -> Void] {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { try? fileDescriptor.read(into: $0) }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let work = pending
        pending.removeAll()
        return work
    }
}
