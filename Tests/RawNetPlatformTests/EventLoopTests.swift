import Glibc
import Testing
@testable import RawNetPlatform

@Suite struct EventLoopTests {
    @Test func timersFireInDeadlineOrder() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        let now = MonotonicClock.now()
        loop.schedule(at: now + 30_000_000) { fired.append("30ms") }
        loop.schedule(at: now + 10_000_000) { fired.append("10ms") }
        loop.schedule(at: now + 10_000_000) { fired.append("10ms-second") }
        let cancelled = loop.schedule(at: now + 5_000_000) { fired.append("cancelled") }
        loop.schedule(after: .milliseconds(20)) { fired.append("20ms") }
        loop.schedule(at: now + 40_000_000) { loop.stop() }
        loop.cancel(cancelled)
        try loop.run()
        #expect(fired == ["10ms", "10ms-second", "20ms", "30ms"])
        #expect(MonotonicClock.now() - now >= 40_000_000)
    }

    @Test func repeatingTimerRepeatsUntilCancelled() throws {
        let loop = try EventLoop()
        var ticks = 0
        var timer: TimerID?
        timer = loop.scheduleRepeating(every: .milliseconds(5)) {
            ticks += 1
            if ticks == 4, let timer { loop.cancel(timer) }
        }
        loop.schedule(after: .milliseconds(60)) { loop.stop() }
        try loop.run()
        #expect(ticks == 4)
        #expect(loop.nextDeadline == nil)
    }

    @Test func readableHandlerRunsAndCanBeRemoved() throws {
        let (left, right) = try UnixConnection.pair()
        let loop = try EventLoop()
        var received: [UInt8] = []
        try loop.setReadHandler(for: right.fileDescriptor) {
            received += (try? right.read()) ?? nil ?? []
        }
        _ = try left.write([1, 2, 3])
        #expect(try run(loop, until: { received == [1, 2, 3] }))
        loop.remove(right.fileDescriptor)
        _ = try left.write([4])
        try loop.runOnce(timeout: .milliseconds(10))
        #expect(received == [1, 2, 3])
    }

    @Test func signalIsHandledOnTheLoop() throws {
        let loop = try EventLoop()
        var seen: [Int32] = []
        try loop.onSignal(SIGUSR2) { seen.append($0) }
        defer { loop.removeSignalHandler(SIGUSR2) }
        try Processes.kill(getpid(), signal: SIGUSR2)
        #expect(try run(loop, until: { seen == [SIGUSR2] }))
    }

    @Test func otherThreadsWakeTheLoop() throws {
        let loop = try EventLoop()
        var wakes = 0
        loop.onWake = { wakes += 1 }
        let waker = loop.waker
        let thread = try PlatformThread.start {
            usleep(10_000)
            waker.wake()
        }
        // Nothing else is registered: only the other thread's wake can end this wait.
        #expect(try run(loop, until: { wakes >= 1 }))
        thread.join()
    }
}
