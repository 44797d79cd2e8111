import Glibc
import CRawNetPlatform
import HeapModule

/// Identifies a scheduled timer, for `EventLoop.cancel(_:)`.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// A single-threaded event loop over epoll: descriptor readiness handlers,
/// one-shot and repeating timers on the monotonic clock, signal handlers run
/// on the loop (self-pipe), and a cross-thread wake-up (eventfd). It blocks
/// only inside `epoll_wait`. Not thread-safe: use it from the thread that runs
/// it, except through `waker` / `execute(_:)`.
public final class EventLoop {
    private struct Registration {
        var onReadable: (() -> Void)?
        var onWritable: (() -> Void)?
        var generation: UInt32
        var isAdded: Bool
    }

    /// Registrations indexed by descriptor number: descriptors are small
    /// integers, and a wake-up looks one up per ready event, so an array
    /// saves the hashing a dictionary costs on every frame.
    private struct RegistrationTable {
        private var slots: [Registration?] = []

        subscript(fd: Int32) -> Registration? {
            get { fd >= 0 && Int(fd) < slots.count ? slots[Int(fd)] : nil }
            set {
                guard fd >= 0 else { return }
                let index = Int(fd)
                if index >= slots.count {
                    guard newValue != nil else { return }
                    slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count))
                }
                slots[index] = newValue
            }
        }

        mutating func removeValue(forKey fd: Int32) -> Registration? {
            let old = self[fd]
            self[fd] = nil
            return old
        }
    }

    private struct TimerEntry: Comparable {
        var deadline: Int64
        var id: UInt64
        static func < (a: TimerEntry, b: TimerEntry) -> Bool {
            (a.deadline, a.id) < (b.deadline, b.id)
        }
    }

    private struct TimerAction {
        var interval: Int64?
        var action: () -> Void
    }

    private let epoll: FileDescriptor
    private var registrations = RegistrationTable()
    private var nextGeneration: UInt32 = 1
    private var timers = Heap<TimerEntry>()
    private var timerActions: [UInt64: TimerAction] = [:]
    private var nextTimerID: UInt64 = 1
    private var signalPipe: (read: FileDescriptor, write: FileDescriptor)?
    private var signalHandlers: [Int32: (Int32) -> Void] = [:]
    private var isStopping = false
    private var sendBatchDepth = 0
    private var sendBatchMembers: [any SendBatching] = []

    /// Wakes the loop from any thread; also carries work submitted with `execute`.
    public let waker: Waker

    /// Called on the loop after any `waker.wake()`.
    public var onWake: (() -> Void)?

    /// Called on the loop once per wake-up, before any handler or timer runs,
    /// with the monotonic time (nanoseconds) of the wake-up: the one clock
    /// reading the loop makes for it, which its due timers are judged by too.
    /// Handlers of that wake-up can take it as their `now`.
    public var beforeEvents: ((Int64) -> Void)?

    /// Called on the loop once per wake-up, after every ready handler and due
    /// timer ran and before the loop waits again: work worth doing once for a
    /// whole burst of input (a transport pass after a batch of frames).
    public var afterEvents: (() -> Void)?

    public init() throws(Errno) {
        epoll = FileDescriptor(rawValue: try retryingOnInterrupt { epoll_create1(Int32(EPOLL_CLOEXEC)) })
        do {
            waker = try Waker()
        } catch {
            epoll.close()
            throw error
        }
        try setReadHandler(for: waker.fileDescriptor) { [unowned self] in self.handleWake() }
    }

    deinit {
        if let signalPipe {
            for signal in signalHandlers.keys { rawnet_signal_unforward(signal, signalPipe.write.rawValue) }
            signalPipe.read.close()
            signalPipe.write.close()
        }
        epoll.close()
    }

    // MARK: Descriptors

    /// Sets (or with nil removes) the handler run while `fd` is readable
    /// (level-triggered: it runs again until the data is consumed).
    public func setReadHandler(for fd: FileDescriptor, _ handler: (() -> Void)?) throws(Errno) {
        var registration = registrations[fd.rawValue] ?? newRegistration()
        registration.onReadable = handler
        try update(fd, registration)
    }

    /// Sets (or with nil removes) the handler run while `fd` is writable.
    /// Register writable interest only while you have something to write.
    public func setWriteHandler(for fd: FileDescriptor, _ handler: (() -> Void)?) throws(Errno) {
        var registration = registrations[fd.rawValue] ?? newRegistration()
        registration.onWritable = handler
        try update(fd, registration)
    }

    /// Forgets every handler of `fd`. Call before closing a watched descriptor.
    public func remove(_ fd: FileDescriptor) {
        guard let registration = registrations.removeValue(forKey: fd.rawValue) else { return }
        if registration.isAdded { _ = epoll_ctl(epoll.rawValue, EPOLL_CTL_DEL, fd.rawValue, nil) }
    }

    /// Whether `fd` has writable interest now (for tests and status).
    public func isWatchingWritable(_ fd: FileDescriptor) -> Bool {
        registrations[fd.rawValue]?.onWritable != nil
    }

    private func newRegistration() -> Registration {
        defer { nextGeneration &+= 1 }
        return Registration(onReadable: nil, onWritable: nil, generation: nextGeneration, isAdded: false)
    }

    private func update(_ fd: FileDescriptor, _ registration: Registration) throws(Errno) {
        var registration = registration
        var events: UInt32 = 0
        if registration.onReadable != nil { events |= EPOLLIN.rawValue }
        if registration.onWritable != nil { events |= EPOLLOUT.rawValue }
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(registration.generation) << 32 | UInt64(UInt32(bitPattern: fd.rawValue))
        if events == 0 {
            if registration.isAdded { _ = epoll_ctl(epoll.rawValue, EPOLL_CTL_DEL, fd.rawValue, nil) }
            registrations[fd.rawValue] = nil
            return
        }
        let operation = registration.isAdded ? EPOLL_CTL_MOD : EPOLL_CTL_ADD
        try retryingOnInterrupt { epoll_ctl(epoll.rawValue, operation, fd.rawValue, &event) }
        registration.isAdded = true
        registrations[fd.rawValue] = registration
    }

    // MARK: Timers

    /// Runs `action` once at `deadline` (monotonic nanoseconds). Timers with
    /// equal deadlines run in the order they were scheduled.
    @discardableResult
    public func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> TimerID {
        addTimer(deadline: deadline, interval: nil, action: action)
    }

    /// Runs `action` once after `delay`.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping () -> Void) -> TimerID {
        addTimer(deadline: MonotonicClock.now() &+ delay.wholeNanoseconds, interval: nil, action: action)
    }

    /// Runs `action` every `interval` (first after one interval) until cancelled.
    /// A late loop does not run missed ticks back to back; the next tick is
    /// one interval after the one that ran.
    @discardableResult
    public func scheduleRepeating(every interval: Duration, _ action: @escaping () -> Void) -> TimerID {
        let step = max(interval.wholeNanoseconds, 1)
        return addTimer(deadline: MonotonicClock.now() &+ step, interval: step, action: action)
    }

    /// Cancels a timer; cancelling a fired or unknown timer does nothing.
    public func cancel(_ timer: TimerID) {
        timerActions[timer.value] = nil
    }

    /// The earliest pending deadline, if any.
    public var nextDeadline: Int64? {
        pruneCancelledTimers()
        return timers.min?.deadline
    }

    private func addTimer(deadline: Int64, interval: Int64?, action: @escaping () -> Void) -> TimerID {
        let id = nextTimerID
        nextTimerID += 1
        timers.insert(TimerEntry(deadline: deadline, id: id))
        timerActions[id] = TimerAction(interval: interval, action: action)
        return TimerID(value: id)
    }

    private func pruneCancelledTimers() {
        while let first = timers.min, timerActions[first.id] == nil { _ = timers.popMin() }
    }

    /// Runs the timers due now. A timer scheduled by one of them runs on a
    /// later round at the earliest, so one that keeps rescheduling itself in
    /// the past cannot keep the loop from its descriptors.
    private func runDueTimers(now: Int64) {
        let firstNew = nextTimerID
        while !isStopping, let first = timers.min, first.deadline <= now {
            if first.id >= firstNew && timerActions[first.id]?.interval == nil { break }
            _ = timers.popMin()
            guard let timer = timerActions[first.id] else { continue }
            if let interval = timer.interval {
                timers.insert(TimerEntry(deadline: max(first.deadline &+ interval, now), id: first.id))
            } else {
                timerActions[first.id] = nil
            }
            timer.action()
        }
    }

    // MARK: Signals

    /// Runs `handler` on the loop whenever `signal` arrives (SIGTERM, SIGINT,
    /// SIGCHLD, ...). The process-wide disposition is set to a small handler
    /// that only writes to this loop's pipe.
    public func onSignal(_ signal: Int32, _ handler: @escaping (Int32) -> Void) throws(Errno) {
        let pipe = try signalPipeCreatingIfNeeded()
        if signalHandlers[signal] == nil {
            if rawnet_signal_forward(signal, pipe.write.rawValue) != 0 { throw Errno.current }
        }
        signalHandlers[signal] = handler
    }

    /// Stops handling `signal` here (the default disposition returns when no
    /// other loop listens).
    public func removeSignalHandler(_ signal: Int32) {
        guard signalHandlers.removeValue(forKey: signal) != nil, let signalPipe else { return }
        rawnet_signal_unforward(signal, signalPipe.write.rawValue)
    }

    /// Ignores SIGPIPE process-wide (sockets here use MSG_NOSIGNAL anyway).
    public static func ignoreBrokenPipeSignal() {
        signal(SIGPIPE, SIG_IGN)
    }

    private func signalPipeCreatingIfNeeded() throws(Errno) -> (read: FileDescriptor, write: FileDescriptor) {
        if let signalPipe { return signalPipe }
        var fds: [Int32] = [-1, -1]
        try retryingOnInterrupt { rawnet_pipe2(&fds, O_NONBLOCK | O_CLOEXEC) }
        let pipe = (read: FileDescriptor(rawValue: fds[0]), write: FileDescriptor(rawValue: fds[1]))
        signalPipe = pipe
        try setReadHandler(for: pipe.read) { [unowned self] in self.drainSignals() }
        return pipe
    }

    private func drainSignals() {
        guard let signalPipe else { return }
        var bytes = [UInt8](repeating: 0, count: 64)
        while true {
            let count = (try? bytes.withUnsafeMutableBytes { try signalPipe.read.read(into: $0) }) ?? nil
            guard let count, count > 0 else { return }
            for byte in bytes[..<count] {
                let signal = Int32(byte)
                signalHandlers[signal]?(signal)
            }
        }
    }

    // MARK: Cross-thread

    /// Queues `work` to run on the loop; callable from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        waker.submit(work)
    }

    private func handleWake() {
        for work in waker.takePending() { work() }
        onWake?()
    }

    // MARK: Batched sends

    /// True while a burst is being handled (`batchingSends`): a link port then
    /// holds what it is asked to send and writes it all in one system call
    /// when the burst ends, instead of one call per frame.
    public var isBatchingSends: Bool { sendBatchDepth > 0 }

    /// Runs `body` as one burst: sends made in it (through ports that batch)
    /// are written when the outermost burst ends, in the order they were made.
    public func batchingSends<Result>(_ body: () throws(Errno) -> Result) throws(Errno) -> Result {
        sendBatchDepth += 1
        defer { endSendBatch() }
        return try body()
    }

    /// Runs `body` as one burst (see the throwing form).
    public func batchingSends<Result>(_ body: () -> Result) -> Result {
        sendBatchDepth += 1
        defer { endSendBatch() }
        return body()
    }

    /// A port holding sends until the burst ends: `flushSends()` is called once, then.
    public func flushAtEndOfBatch(_ member: any SendBatching) {
        precondition(isBatchingSends, "no burst to hold sends for")
        sendBatchMembers.append(member)
    }

    private func endSendBatch() {
        sendBatchDepth -= 1
        guard sendBatchDepth == 0 else { return }
        // Outside the burst now: whatever a flush sends goes out at once.
        let members = sendBatchMembers
        sendBatchMembers.removeAll(keepingCapacity: true)
        for member in members { member.flushSends() }
    }

    // MARK: Running

    /// Runs until `stop()`. Handlers and timers run on the calling thread.
    public func run() throws(Errno) {
        isStopping = false
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while !isStopping {
            try runOnce(events: &events, timeoutMilliseconds: timeoutUntilNextTimer())
        }
    }

    /// Waits at most `timeout` (or until the next timer) and handles what is ready once.
    public func runOnce(timeout: Duration) throws(Errno) {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        let limit = Int32(clamping: (timeout.wholeNanoseconds + 999_999) / 1_000_000)
        let untilTimer = timeoutUntilNextTimer()
        try runOnce(events: &events, timeoutMilliseconds: untilTimer < 0 ? limit : min(limit, untilTimer))
    }

    /// Makes `run()` return after the current handler.
    public func stop() {
        isStopping = true
    }

    private func timeoutUntilNextTimer() -> Int32 {
        guard let deadline = nextDeadline else { return -1 }
        let remaining = deadline &- MonotonicClock.now()
        if remaining <= 0 { return 0 }
        // Round up so the loop never wakes just before a deadline and spins.
        return Int32(clamping: (remaining + 999_999) / 1_000_000)
    }

    private func runOnce(events: inout [epoll_event], timeoutMilliseconds: Int32) throws(Errno) {
        let capacity = Int32(events.count)
        let ready: Int32 = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(epoll.rawValue, buffer.baseAddress, capacity, timeoutMilliseconds)
        }
        if ready < 0 {
            let error = Errno.current
            if error == .interrupted { return }
            throw error
        }
        let now = MonotonicClock.now()
        beforeEvents?(now)
        for index in 0..<Int(ready) where !isStopping {
            let event = events[index]
            let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: event.data.u64))
            let generation = UInt32(truncatingIfNeeded: event.data.u64 >> 32)
            let flags = event.events
            let errorOrHangUp = flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
            if flags & EPOLLIN.rawValue != 0 || errorOrHangUp,
               let registration = registrations[fd], registration.generation == generation,
               let handler = registration.onReadable {
                handler()
            }
            if flags & EPOLLOUT.rawValue != 0 || errorOrHangUp,
               let registration = registrations[fd], registration.generation == generation,
               let handler = registration.onWritable {
                handler()
            }
        }
        runDueTimers(now: now)
        if !isStopping, let afterEvents { batchingSends { afterEvents() } }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }
}

/// Something that holds sends during a burst (`EventLoop.batchingSends`) and writes them when it ends.
public protocol SendBatching: AnyObject {
    func flushSends()
}
