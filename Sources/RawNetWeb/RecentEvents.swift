import Foundation
import RawNetCore
import RawNetView

/// The last events of the stream (at most `limit`), for the views drawn from many events at
/// once: a TCP connection's ladder (`Ladder`, as `rawnet ladder`) and its time-sequence plot
/// (`TCPPlot`, as `rawnet plot`).
public final class RecentEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [TraceEvent] = []
    private var dropped = 0
    public let limit: Int

    public init(limit: Int = 20_000) { self.limit = limit }

    public func append(_ batch: [TraceEvent]) {
        lock.withLock {
            events += batch
            if events.count > limit {
                dropped += events.count - limit
                events.removeFirst(events.count - limit)
            }
        }
    }

    public var all: [TraceEvent] { lock.withLock { events } }

    /// The TCP connections in the kept events, as `rawnet ladder --list` names them.
    public func connections() -> [String] { Ladder.connections(in: all).map(\.description) }

    /// One connection's ladder text and plot SVG; nil when the kept events do not hold it.
    public func connection(_ text: String) -> WebConnection? {
        let events = all
        guard let wanted = TCPConnectionKey(text),
              let key = Ladder.connections(in: events).first(where: { $0.contains(wanted.client, wanted.server) })
        else { return nil }
        return WebConnection(name: key.description,
                             ladder: Ladder(events: events, connection: key).renderText(),
                             plot: TCPPlot(events: events, connection: key).renderSVG(),
                             keptEvents: events.count, olderEventsDropped: lock.withLock { dropped })
    }
}

/// What the page shows for a connection.
public struct WebConnection: Codable, Sendable {
    public var name: String
    public var ladder: String
    public var plot: String
    /// Events the view was drawn from, and how many older ones were no longer kept.
    public var keptEvents: Int
    public var olderEventsDropped: Int
}
