import RawNetPlatform
import RawNetSocket
import Synchronization

/// The scene on waiting for the network: two apps on bob, one blocked in `receive`
/// (its thread does nothing until a datagram comes), one polling a socket without
/// waiting (timeout zero) and doing other work between polls. Each runs on its own
/// thread with its own connection to bob's host daemon, as two programs would.
extension Demo {
    static let waiterPort: UInt16 = 7100
    static let pollerPort: UInt16 = 7101

    /// What one app did, written by its thread.
    struct WaitReport: Sendable {
        var isReady = false
        var received: String?
        var waited: Duration = .zero
        var polls = 0
        var otherWork = 0
        var failure: String?
    }

    final class WaitBoard: Sendable {
        let waiter = Mutex(WaitReport())
        let poller = Mutex(WaitReport())
    }

    func waitingScene() throws {
        let board = WaitBoard()
        let directory = runDirectory
        let limit = Duration.seconds(5)
        let waiter = try startApp("waiter") {
            let socket = try UDPSocket(try HostConnection(runDirectory: directory, host: "bob", appName: "waiter"))
            try socket.bind(port: Self.waiterPort)
            board.waiter.withLock { $0.isReady = true }
            let start = ContinuousClock.now
            let datagram = try socket.receive(timeout: limit)  // blocks: this thread does nothing else
            let waited = ContinuousClock.now - start
            board.waiter.withLock {
                $0.received = datagram.map { String(decoding: $0.payload, as: UTF8.self) }
                $0.waited = waited
            }
            try? socket.close()
        } failed: { error in board.waiter.withLock { $0.failure = error } }
        let poller = try startApp("poller") {
            let socket = try UDPSocket(try HostConnection(runDirectory: directory, host: "bob", appName: "poller"))
            try socket.bind(port: Self.pollerPort)
            board.poller.withLock { $0.isReady = true }
            let start = ContinuousClock.now
            while ContinuousClock.now - start < limit {
                board.poller.withLock { $0.polls += 1 }
                if let datagram = try socket.receive(timeout: .zero) {  // returns at once
                    let waited = ContinuousClock.now - start
                    board.poller.withLock { $0.received = String(decoding: datagram.payload, as: UTF8.self); $0.waited = waited }
                    break
                }
                // Nothing yet: a step of other work (a game would draw a frame here).
                MonotonicClock.sleep(for: .milliseconds(10))
                board.poller.withLock { $0.otherWork += 1 }
            }
            try? socket.close()
        } failed: { error in board.poller.withLock { $0.failure = error } }

        let readyBy = ContinuousClock.now + .seconds(3)
        while !(board.waiter.withLock { $0.isReady } && board.poller.withLock { $0.isReady }),
              ContinuousClock.now < readyBy { MonotonicClock.sleep(for: .milliseconds(10)) }
        MonotonicClock.sleep(for: .milliseconds(300))
        let alice = try host("alice", app: "udp-sender")
        let sender = try UDPSocket(alice)
        try sender.bind(port: 0)
        try sender.send(Array("for the waiter".utf8), to: Self.bobAddress, port: Self.waiterPort)
        try sender.send(Array("for the poller".utf8), to: Self.bobAddress, port: Self.pollerPort)
        waiter.join()
        poller.join()
        try? sender.close()
        let events = collect()
        ask(DemoText.waitingQuestion)
        show(events, filter: "udp and (port 7100 or port 7101)", limit: 6)
        let w = board.waiter.withLock { $0 }, p = board.poller.withLock { $0 }
        let seconds = { (d: Duration) in String(format2: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
        labelled([
            (DemoText.waiterPrinted, DemoText.waiterLine(seconds(w.waited), w.received ?? w.failure ?? "-").text(options.language)),
            (DemoText.pollerPrinted, DemoText.pollerLine(p.polls, p.otherWork, p.received ?? p.failure ?? "-").text(options.language)),
        ])
        check(w.received == "for the waiter" && w.waited >= .milliseconds(250),
              Said(en: "the waiter's receive returned only when its datagram came, \(seconds(w.waited)) s later",
                   ko: "기다리는 앱의 receive는 데이터그램이 온 뒤에야, \(seconds(w.waited))초 만에 돌아왔습니다"))
        check(p.received == "for the poller" && p.otherWork >= 10,
              Said(en: "the poller found nothing \(p.otherWork) times and did other work each time, then got its datagram",
                   ko: "폴링하는 앱은 \(p.otherWork)번 빈손으로 돌아와 그때마다 다른 일을 하고, 그다음 데이터그램을 받았습니다"))
    }

    /// Runs one app's body on its own thread; an error goes to `failed`.
    private func startApp(_ name: String, _ body: @escaping @Sendable () throws -> Void,
                          failed: @escaping @Sendable (String) -> Void) throws -> PlatformThread {
        do {
            return try PlatformThread.start {
                do { try body() } catch { failed("\(error)") }
            }
        } catch {
            throw DemoFailure("cannot start the \(name) app's thread: \(error)")
        }
    }
}

extension String {
    /// `value` with two decimals, e.g. 0.31.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let cents = hundredths % 100
        self = "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
