import Foundation
import RawNetCore
import RawNetLabModel
import RawNetWatch

/// Reads the lab's merged trace (`TraceStream`, as `rawnet trace` does) on its own thread
/// and publishes what `WebEventBuilder` makes of each batch to the hub.
final class TracePump: @unchecked Sendable {
    private let hub: EventHub
    private let recent: RecentEvents
    private let layers: LayerStore
    private let located: LabLocator.Located
    private let topology: Topology
    private let stopLock = NSLock()
    private var stopped = false
    private let encoder = JSONEncoder()
    /// Why the stream could not start or ended, when it did.
    private(set) var endNote: String?

    init(hub: EventHub, recent: RecentEvents, layers: LayerStore, located: LabLocator.Located, topology: Topology) {
        self.hub = hub
        self.recent = recent
        self.layers = layers
        self.located = located
        self.topology = topology
    }

    /// Events a second each daemon streams one by one to the page; beyond that it counts
    /// them per interface per interval (`TraceSummary`), so a lab forwarding at full speed
    /// spends a count per frame on the page, not an encoded event.
    static let detailBudget = 50

    /// Subscribes to every daemon (a node without one is left out, as `rawnet trace` with no
    /// target does) and starts the reading thread. Throws when no daemon answers.
    func start() throws {
        let stream = try TraceStream(runDirectory: located.runDirectory, nodes: topology.nodes.map(\.name),
                                     skippingAbsent: true, detailBudget: Self.detailBudget)
        // The stream is handed to the thread and used only there from then on.
        let handed = Handed(stream)
        let thread = Thread { [self] in run(handed.stream) }
        thread.name = "rawnet-web-trace"
        thread.start()
    }

    func stop() { stopLock.withLock { stopped = true } }
    private var isStopped: Bool { stopLock.withLock { stopped } }

    private func run(_ stream: TraceStream) {
        // Live, a frame's boxes are drawn when the page opens it (`/api/layers`), not for every frame.
        var builder = WebEventBuilder(topology: topology, layerStore: layers)
        while !isStopped {
            stream.read(for: .milliseconds(200))
            let ended = stream.isFinished
            var events = ended ? stream.takeAll() : stream.take()
            // A node's stream ending (its daemon stopped) or coming back is listed as a note of that node.
            for change in stream.takeChanges() {
                events.append(TraceEvent(time: change.time, node: change.node, kind: .note, detail: change.text(korean: false)))
            }
            recent.append(events)
            for message in builder.messages(for: events) { publish(message) }
            if ended {
                publish(WebMessage(type: "ended"))
                break
            }
        }
        stream.close()
    }

    private func publish(_ message: WebMessage) { Self.publish(message, to: hub, encoder: encoder) }

    private static func publish(_ message: WebMessage, to hub: EventHub, encoder: JSONEncoder) {
        guard let data = try? encoder.encode(message) else { return }
        hub.publish(String(decoding: data, as: UTF8.self))
    }

    /// A saved trace for the page to step through: a `replay` message (the page starts
    /// paused), then every event one by one, never counted, in messages of 200.
    static func replay(_ events: [TraceEvent], topology: Topology, to hub: EventHub) {
        let encoder = JSONEncoder()
        var builder = WebEventBuilder(topology: topology, maxEventsPerBatch: .max)
        publish(WebMessage(type: "replay", total: events.count), to: hub, encoder: encoder)
        var start = 0
        while start < events.count {
            let end = min(events.count, start + 200)
            for message in builder.messages(for: Array(events[start..<end])) { publish(message, to: hub, encoder: encoder) }
            start = end
        }
        publish(WebMessage(type: "ended"), to: hub, encoder: encoder)
    }
}

/// A stream moved to the reading thread, which alone uses it afterwards.
private struct Handed: @unchecked Sendable {
    let stream: TraceStream
    init(_ stream: TraceStream) { self.stream = stream }
}
