import Foundation

/// Hands each WebSocket message to every page connected, and keeps the recent ones for a
/// page that connects later (at most `historyBytes` of them; what was trimmed is counted
/// and told to that page as a gap). A page that reads too slowly loses messages from its
/// own queue (at most `queueLimit` wait); how many is counted and sent as a `gap` message.
public final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 0
    private var history: [String] = []
    private var historySize = 0
    private var trimmed = 0
    public let historyBytes: Int
    public let queueLimit: Int

    private struct Subscriber {
        var continuation: AsyncStream<String>.Continuation
        var missed = 0
    }

    public init(historyBytes: Int = 8 << 20, queueLimit: Int = 256) {
        self.historyBytes = historyBytes
        self.queueLimit = queueLimit
    }

    /// Messages trimmed from the history so far.
    public var trimmedCount: Int { lock.withLock { trimmed } }

    /// Sends `message` to every page and keeps it in the history.
    public func publish(_ message: String) {
        lock.withLock {
            history.append(message)
            historySize += message.utf8.count
            var drop = 0
            while historySize > historyBytes && drop < history.count - 1 {
                historySize -= history[drop].utf8.count
                drop += 1
            }
            if drop > 0 {
                history.removeFirst(drop)
                trimmed += drop
            }
            for id in subscribers.keys { deliver(message, to: id) }
        }
    }

    private func deliver(_ message: String, to id: Int) {
        guard var subscriber = subscribers[id] else { return }
        if subscriber.missed > 0 {
            if case .enqueued = subscriber.continuation.yield(Self.gap(subscriber.missed)) { subscriber.missed = 0 }
        }
        if subscriber.missed == 0, case .enqueued = subscriber.continuation.yield(message) {
        } else {
            subscriber.missed += 1
        }
        subscribers[id] = subscriber
    }

    /// A `gap` message: `missed` messages this page did not get.
    static func gap(_ missed: Int) -> String { #"{"type":"gap","missed":\#(missed)}"# }

    /// Sent after the history to a new page: what follows is happening now.
    static let historyEnd = #"{"type":"history_end"}"#

    /// A new page: the newest of the history that its queue holds (after a gap message counting
    /// the rest), a `history_end` message, then every new message.
    public func subscribe() -> (id: Int, messages: AsyncStream<String>) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit + 1))
        let id: Int = lock.withLock {
            let id = nextID
            nextID += 1
            subscribers[id] = Subscriber(continuation: continuation)
            // The newest of the history that fits the page's queue beside a gap message and the
            // end marker, so the marker always arrives; older messages are counted in the gap.
            let shown = history.suffix(max(0, queueLimit - 1))
            let skipped = trimmed + history.count - shown.count
            if skipped > 0 { deliver(Self.gap(skipped), to: id) }
            for message in shown { deliver(message, to: id) }
            deliver(Self.historyEnd, to: id)
            return id
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: Int) {
        let subscriber = lock.withLock { subscribers.removeValue(forKey: id) }
        subscriber?.continuation.finish()
    }

    /// Pages connected now.
    public var subscriberCount: Int { lock.withLock { subscribers.count } }
}
