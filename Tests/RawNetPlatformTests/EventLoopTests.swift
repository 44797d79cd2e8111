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

    /// Handlers are kept by descriptor number: a high number works beside a low
    /// one, and removing one (or a number never watched) leaves the other alone.
    @Test func handlersOnFarApartDescriptors_stayApart() throws {
        let (left, right) = try UnixConnection.pair()
        let (nearLeft, nearRight) = try UnixConnection.pair()
        let high = fcntl(right.fileDescriptor.rawValue, F_DUPFD_CLOEXEC, 900)
        try #require(high >= 900)
        defer { close(high) }
        let far = FileDescriptor(rawValue: high)
        let loop = try EventLoop()
        var seen: [String] = []
        try loop.setReadHandler(for: far) {
            var byte: UInt8 = 0
            if recv(high, &byte, 1, Int32(MSG_DONTWAIT)) == 1 { seen.append("far \(byte)") }
        }
        try loop.setReadHandler(for: nearRight.fileDescriptor) {
            if let bytes = try? nearRight.read(), let byte = bytes.first { seen.append("near \(byte)") }
        }
        loop.remove(FileDescriptor(rawValue: 899))
        _ = try left.write([7])
        _ = try nearLeft.write([8])
        #expect(try run(loop, until: { seen.count == 2 }))
        #expect(Set(seen) == ["far 7", "near 8"])
        loop.remove(far)
        _ = try left.write([9])
        _ = try nearLeft.write([10])
        #expect(try run(loop, until: { seen.count == 3 }))
        try loop.runOnce(timeout: .milliseconds(10))
        #expect(seen.last == "near 10")
        #expect(seen.count == 3)
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
