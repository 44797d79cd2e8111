import RawNetCore
import RawNetLabModel
import RawNetView
import RawNetWatch
import RawNetWire

/// One trace event as the page reads it: where it happened (the link and its direction,
/// resolved from the topology), the protocol that colours it, the `rawnet trace` line,
/// and for a frame the layer boxes of `trace --layers` (window scaling learnt from the
/// SYNs seen before it, as there).
public struct WebEvent: Codable, Sendable, Equatable {
    /// Position in the stream, from 0.
    public var id: Int
    /// Milliseconds since the first event of the stream.
    public var t: Double
    public var node: String
    public var iface: String?
    /// `TraceEvent.Kind` as text: sent, received, dropped, impaired, transport, note, lost.
    public var kind: String
    /// Index of the link in the topology's list, when the event happened on a cabled interface.
    public var link: Int?
    /// True when the frame travels from the link's end `a` to its end `b`.
    public var toB: Bool?
    /// arp, icmp, udp, tcp, dns, http or other; nil when the event holds no frame.
    public var proto: String?
    /// The event as `rawnet trace` prints it.
    public var line: String
    /// The frame's headers in boxes, as `rawnet trace --layers` prints them.
    public var layers: String?
    /// The line and the boxes in Korean (`KoreanViews`, the tour's words), when they differ.
    public var lineKo: String?
    public var layersKo: String?
    /// True when the boxes were not sent but are kept for the page to ask for (`LayerStore`).
    public var hasLayers: Bool?
    /// For a TCP or UDP frame: its ports and addresses as `rawnet ladder` names a connection
    /// (sender first): a TCP frame's panel opens its connection; a chat's own frames are found by it.
    public var conn: String?
    /// Why it was dropped or how it was impaired.
    public var reason: String?
    /// A drop's reason in Korean (`WebCount.korean`), when it differs: the mark on the link in Korean.
    public var reasonKo: String?
    /// True for the one line per cable crossing `rawnet trace` shows (the sending end's).
    public var hop: Bool
    /// True for a TCP retransmission: the transport event saying so, and the frame carrying it.
    public var retransmit: Bool
    /// Why it was sent again, when its sender said so ("RACK", "timeout"), and in Korean.
    public var why: String?
    public var whyKo: String?
}

extension WebEvent {
    /// A retransmission's reason in the words of the trace and the ladder, and in Korean.
    static func why(_ reason: TCPRetransmitReason) -> (en: String, ko: String) {
        let words = RetransmissionMarks.words(for: reason)
        let korean = KoreanViews.translate("(\(words))").replacing("\u{A0}", with: " ")
        return (words, String(korean.dropFirst().dropLast()))
    }
}

/// Frame events counted per link, direction, protocol, kind and reason over one interval:
/// what the page gets instead of each event when they come too fast to draw one by one.
public struct WebCount: Codable, Sendable, Equatable, Hashable {
    public var link: Int?
    public var node: String
    public var toB: Bool?
    public var proto: String?
    public var kind: String
    public var reason: String?
    /// A drop's reason in Korean (`KoreanViews`, the glossary's words), when it differs.
    public var reasonKo: String?
    public var count: Int
    /// Bytes of the frames counted, when a daemon counted them (`TraceSummary`).
    public var bytes: Int?
}

extension WebCount {
    /// A drop's reason in Korean, nil when there is none or it reads the same (other kinds'
    /// words are the page's to translate).
    static func korean(_ reason: String?, kind: String) -> String? {
        guard kind == TraceEvent.Kind.dropped.rawValue, let reason else { return nil }
        let korean = KoreanViews.translate(reason)
        return korean == reason ? nil : korean
    }
}

/// What one WebSocket text message carries.
public struct WebMessage: Codable, Sendable, Equatable {
    /// `events` (each one), `counts` (an interval counted), `gap` (messages the page missed), or
    /// `retransmits` (frames sent earlier now known to be retransmissions).
    public var type: String
    public var events: [WebEvent]?
    /// For `counts`: the interval, its first and last time (ms), and every event in it counted.
    public var counts: [WebCount]?
    public var from: Double?
    public var to: Double?
    public var total: Int?
    /// For `gap`: how many messages this page did not get (it read too slowly).
    public var missed: Int?

    /// For `retransmits`: ids of frames sent earlier that a later event showed to carry a retransmission,
    /// and why each was sent again (`whys`, in Korean `whysKo`).
    public var ids: [Int]?
    public var whys: [String]?
    public var whysKo: [String]?

    public static func events(_ events: [WebEvent]) -> WebMessage { WebMessage(type: "events", events: events) }
    public static func retransmits(_ marks: [(id: Int, reason: TCPRetransmitReason)]) -> WebMessage {
        var message = WebMessage(type: "retransmits", ids: marks.map(\.id))
        message.whys = marks.map { WebEvent.why($0.reason).en }
        message.whysKo = marks.map { WebEvent.why($0.reason).ko }
        return message
    }
}

/// Turns the merged trace stream into messages for the page. Pure: it only holds the
/// formatter (start time, window scales) and the hop filter of `rawnet trace`.
public struct WebEventBuilder: Sendable {
    public let topology: Topology
    /// Above this many events in one batch, the batch is counted rather than sent one by one.
    public var maxEventsPerBatch: Int
    /// TCP numbers count from each side's SYN among the events formatted, as `rawnet trace` shows them.
    private var formatter = { var formatter = TraceFormatter(); formatter.sequenceBases = TCPSequenceBases(); return formatter }()
    private var hops: HopFilter
    private var nextID = 0
    /// Which sent frames carry a retransmission, whichever order events and frames come in.
    private var marks = RetransmissionMarks()
    /// Frames already sent to the page that a later retransmission event showed to be one.
    private var lateMarks: [(id: Int, reason: TCPRetransmitReason)] = []

    /// Where frames go whose boxes are drawn only when asked for; nil: drawn for every frame sent.
    public let layerStore: LayerStore?

    /// Columns of the layer boxes the page shows: what its side panel (420 px, 12 px monospace)
    /// holds without scrolling sideways; longer values wrap inside their box, as in a narrow terminal.
    public static let layerColumns = 50

    public init(topology: Topology, maxEventsPerBatch: Int = 150, layerStore: LayerStore? = nil) {
        self.topology = topology
        self.maxEventsPerBatch = maxEventsPerBatch
        self.layerStore = layerStore
        hops = HopFilter(topology: topology)
    }

    /// The messages for one batch of events in time order: one `events` message, or when the
    /// batch is larger than `maxEventsPerBatch`, a `counts` message for all its events but
    /// gaps, which always come one by one (a gap is shown as a gap). What the daemons
    /// counted themselves (`counted` events) becomes one more `counts` message.
    public mutating func messages(for events: [TraceEvent]) -> [WebMessage] {
        let summaries = events.filter { $0.kind == .counted }
        let batch = summaries.isEmpty ? events : events.filter { $0.kind != .counted }
        defer { layerStore?.shown(through: nextID - 1) }
        return messages(forEach: batch) + (countsMessage(for: summaries).map { [$0] } ?? [])
    }

    /// The daemons' counts of one batch as one `counts` message; nil when there are none.
    mutating func countsMessage(for summaries: [TraceEvent]) -> WebMessage? {
        var counts: [WebCount] = []
        var first = Int64.max, last = Int64.min, total = 0
        for event in summaries {
            guard let summary = TraceSummary(event), !summary.isEmpty else { continue }
            first = min(first, summary.firstTime)
            last = max(last, summary.lastTime)
            total += summary.events
            for key in summary.tallies.keys.sorted() {
                let tally = summary.tallies[key] ?? TraceSummary.Tally()
                let (link, toB) = place(node: event.node, interface: key.interface, kind: key.kind)
                counts.append(WebCount(link: link, node: event.node, toB: toB, proto: key.proto, kind: key.kind.rawValue,
                                       reason: key.reason, reasonKo: WebCount.korean(key.reason, kind: key.kind.rawValue),
                                       count: tally.events, bytes: tally.bytes))
            }
        }
        guard total > 0 else { return nil }
        if formatter.startTime == nil { formatter.startTime = first }
        let start = formatter.startTime ?? first
        var message = WebMessage(type: "counts")
        message.counts = counts
        message.from = Double(first &- start) / 1e6
        message.to = Double(last &- start) / 1e6
        message.total = total
        return message
    }

    /// The link an event on `node`'s `interface` happened on, and whether it went from end a to end b.
    func place(node: String, interface: String?, kind: TraceEvent.Kind) -> (link: Int?, toB: Bool?) {
        guard let interface else { return (nil, nil) }
        let end = LinkEndpoint(node: node, interface: interface)
        guard let index = topology.links.firstIndex(where: { $0.a == end || $0.b == end }) else { return (nil, nil) }
        let isEndA = topology.links[index].a == end
        return (index, kind == .received ? !isEndA : isEndA)
    }

    private mutating func messages(forEach batch: [TraceEvent]) -> [WebMessage] {
        guard !batch.isEmpty else { return [] }
        let hopMask = hops.admit(batch)
        if batch.count <= maxEventsPerBatch {
            var events: [WebEvent] = []
            for (event, hop) in zip(batch, hopMask) { events.append(webEvent(event, hop: hop, withLayers: true)) }
            // A mark may name a frame of this batch (set here) or one already sent (a `retransmits` message).
            let first = events.first?.id ?? nextID
            var earlier: [(id: Int, reason: TCPRetransmitReason)] = []
            for mark in lateMarks {
                guard mark.id >= first else { earlier.append(mark); continue }
                events[mark.id - first].retransmit = true
                (events[mark.id - first].why, events[mark.id - first].whyKo) = WebEvent.why(mark.reason)
            }
            lateMarks = []
            return (earlier.isEmpty ? [] : [.retransmits(earlier)]) + [.events(events)]
        }
        var counts: [WebCount: Int] = [:]
        var order: [WebCount] = []
        var gaps: [WebEvent] = []
        var first = Double.infinity, last = -Double.infinity
        for (event, hop) in zip(batch, hopMask) {
            let web = webEvent(event, hop: hop, withLayers: false)
            first = min(first, web.t)
            last = max(last, web.t)
            if event.kind == .lost { gaps.append(web); continue }
            // Keyed as the daemons key what they count: a note by its first word ("forwarded"), a
            // TCP event by its name, an impairment by its action, a drop by its reason.
            let reason = TraceSummary.reasonWord(of: event)
            let key = WebCount(link: web.link, node: web.node, toB: web.toB, proto: web.proto, kind: web.kind,
                               reason: reason, reasonKo: WebCount.korean(reason, kind: web.kind), count: 0, bytes: nil)
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        var message = WebMessage(type: "counts")
        message.counts = order.map { key in
            var counted = key
            counted.count = counts[key] ?? 0
            return counted
        }
        message.from = first
        message.to = last
        message.total = batch.count - gaps.count
        let earlier = lateMarks
        lateMarks = []
        return (earlier.isEmpty ? [] : [.retransmits(earlier)]) + (gaps.isEmpty ? [message] : [message, .events(gaps)])
    }

    /// One event for the page; `withLayers` renders the header boxes of its frame.
    public mutating func webEvent(_ event: TraceEvent, hop: Bool, withLayers: Bool) -> WebEvent {
        let line = formatter.format(event)
        var layers: String?
        var layersKo: String?
        if let frame = event.frame {
            if withLayers {
                formatter.windowScales.observe(frame: frame)
                if let layerStore {
                    layerStore.keep(id: nextID, frame: frame, scales: formatter.windowScales)
                } else {
                    layers = LayerView.render(frame: frame, usesColour: false, windowScales: formatter.windowScales,
                                              width: Self.layerColumns)
                    layersKo = LayerView.render(frame: frame, usesColour: false, windowScales: formatter.windowScales,
                                                language: .ko, width: Self.layerColumns)
                }
            } else {
                formatter.observe(event)
            }
        }
        let (link, toB) = place(node: event.node, interface: event.interface, kind: event.kind)
        let start = formatter.startTime ?? event.time
        var web = WebEvent(id: nextID, t: Double(event.time &- start) / 1e6, node: event.node, iface: event.interface,
                           kind: event.kind.rawValue, link: link, toB: toB,
                           proto: event.frame.map { Self.protocolName(of: $0) }, line: line, layers: layers,
                           reason: event.reason, reasonKo: WebCount.korean(event.reason, kind: event.kind.rawValue),
                           hop: hop, retransmit: false)
        if let reason = retransmissionReason(event, id: nextID) {
            web.retransmit = true
            (web.why, web.whyKo) = WebEvent.why(reason)
        }
        if withLayers {
            let korean = KoreanViews.translate(line)
            if korean != line { web.lineKo = korean }
            web.layersKo = layersKo
            if layerStore != nil && event.frame != nil { web.hasLayers = true }
            if let frame = event.frame, case .ipv4(let ip, let transport) = DecodedFrame(parsing: frame).payload {
                switch transport {
                case .tcp(let header, _): web.conn = "\(ip.source):\(header.sourcePort)>\(ip.destination):\(header.destinationPort)"
                case .udp(let header, _): web.conn = "\(ip.source):\(header.sourcePort)>\(ip.destination):\(header.destinationPort)"
                default: break
                }
            }
        }
        nextID += 1
        return web
    }

    /// True for a transport event announcing a retransmission, and for a frame already known
    /// to carry one (`RetransmissionMarks`); a frame found to be one only by a later event
    /// is marked when that event comes (`lateMarks`).
    mutating func retransmissionReason(_ event: TraceEvent, id: Int) -> TCPRetransmitReason? {
        var own: TCPRetransmitReason?
        for claim in marks.note(event, id: id) {
            if claim.id == id { own = claim.reason } else { lateMarks.append((claim.id, claim.reason)) }
        }
        if event.kind == .transport, let detail = event.detail, let tcp = TCPTraceEvent(detail: detail),
           case .retransmitted(_, _, let reason) = tcp.kind { return reason }
        return own
    }

    /// The protocol a frame is coloured by: the highest layer RawNet names.
    public static func protocolName(of frame: [UInt8]) -> String {
        TraceSummary.protocolName(ofFrame: frame)
    }
}
