import RawNetContracts
import RawNetPlatform
import Synchronization

/// The serial executor of one `AsyncHostConnection`: a dedicated thread
/// running an epoll `EventLoop`. Every job of the actor, and every descriptor
/// handler and timer the actor registers, runs on that one thread, one at a
/// time, so the actor's state is never touched from two threads at once.
///
/// Other threads only call `enqueue` / `execute`, which hand work to the loop
/// through its mutex-guarded waker (an eventfd). Everything else here
/// checks, at run time, that it is called on the loop thread.
final class HostIOExecutor: SerialExecutor, @unchecked Sendable {
    // Safety: `loop` is used only on the loop thread (checked by `requireLoopThread`),
    // except `loop.execute`, which is thread-safe (Waker: mutex + eventfd).
    // `threadID` is atomic; `isStopping` is read and written on the loop thread only.
    private let loop: EventLoop
    private let threadID = Atomic<UInt>(0)

    init() throws(NetworkError) {
        do {
            loop = try EventLoop()
        } catch {
            throw .protocolError("cannot create an event loop: \(error)")
        }
        let thread: PlatformThread
        do {
            thread = try PlatformThread.start { [self] in
                threadID.store(PlatformThread.currentID, ordering: .releasing)
                try? loop.run()
                threadID.store(0, ordering: .releasing)
            }
        } catch {
            throw .protocolError("cannot start the I/O thread: \(error)")
        }
        thread.detach()
    }

    /// Whether the caller runs on the loop thread.
    var isOnLoopThread: Bool {
        threadID.load(ordering: .acquiring) == PlatformThread.currentID
    }

    // MARK: SerialExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    func checkIsolated() {
        precondition(isOnLoopThread, "not on the host connection's I/O thread")
    }

    // MARK: Loop access (loop thread only)

    /// Runs `work` on the loop thread soon; callable from any thread.
    func execute(_ work: @escaping @Sendable () -> Void) {
        loop.execute(work)
    }

    /// Ends the loop (and its thread) once the current work is done; callable from any thread.
    /// Work handed over afterwards never runs, so call it only when nothing can use the executor any more.
    func stop() {
        loop.execute { [self] in loop.stop() }
    }

    func setReadHandler(for descriptor: FileDescriptor, _ handler: (() -> Void)?) {
        requireLoopThread()
        try? loop.setReadHandler(for: descriptor, handler)
    }

    func setWriteHandler(for descriptor: FileDescriptor, _ handler: (() -> Void)?) {
        requireLoopThread()
        try? loop.setWriteHandler(for: descriptor, handler)
    }

    func remove(_ descriptor: FileDescriptor) {
        requireLoopThread()
        loop.remove(descriptor)
    }

    func schedule(after delay: Duration, _ action: @escaping () -> Void) -> TimerID {
        requireLoopThread()
        return loop.schedule(after: delay, action)
    }

    func cancel(_ timer: TimerID) {
        requireLoopThread()
        loop.cancel(timer)
    }

    private func requireLoopThread() {
        precondition(isOnLoopThread, "the event loop is used off its thread")
    }
}
