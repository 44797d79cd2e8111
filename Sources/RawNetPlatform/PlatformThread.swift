import Glibc

/// A plain OS thread, for benchmarks and tests that need a second sender or
/// receiver. Daemons stay single-threaded.
public final class PlatformThread: @unchecked Sendable {
    // Safety: `handle` is written once before `start` returns and read by `join`.
    private var handle = pthread_t()

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private init() {}

    /// Starts `body` on a new thread.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(Errno) -> PlatformThread {
        let thread = PlatformThread()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let status = pthread_create(&thread.handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            throw Errno(rawValue: status)
        }
        return thread
    }

    /// Waits for the thread to finish.
    public func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread free its resources when it ends; do not `join` it after this.
    public func detach() {
        pthread_detach(handle)
    }

    /// An identifier of the calling thread (`pthread_self`), never 0; equal
    /// only for the same thread while it runs.
    public static var currentID: UInt {
        UInt(pthread_self())
    }
}
