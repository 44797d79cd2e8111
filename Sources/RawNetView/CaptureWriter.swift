import RawNetCore
import RawNetWire

/// Turns trace events into a pcapng capture for Wireshark (`rawnet capture -w FILE`),
/// using RawNetWire's `PcapngWriter`.
///
/// - One pcapng interface per `node:interface` seen, named that way (`r1:eth0`), added
///   the first time it carries a packet.
/// - **Which events become packets:** `sent` and `received` events that carry a frame
///   and name an interface — the bytes that really crossed a cable, as a packet
///   capture on that interface would see them. A frame forwarded by a router thus
///   appears once per interface it crossed (as in a real multi-interface capture).
/// - **One point per link** (`onlyAt`): given the `node:interface` places to record, frames and
///   gaps of every other interface are left out, so a frame crossing a cable is stored once
///   (see `CapturePoints` in RawNetWatch for how `rawnet capture` picks them).
/// - Not captured: `dropped` frames (the writer has no per-packet comment to mark them,
///   and a capture should show what was on the wire), `impaired` events (the
///   following `sent` event carries the resulting bytes, corrupted or not),
///   `transport` and `note` events (no frame).
/// - Timestamps are the events' wall-clock nanoseconds (`if_tsresol` 9).
/// - **Gaps:** a `lost` event (frames a daemon could not stream to a slow subscriber,
///   `TraceGap`) is marked as Wireshark expects a capture's losses: the next packet of each
///   interface it names carries `epb_dropcount`, and an interface statistics block gives
///   that interface's total lost so far (`isb_ifdrop`), as dumpcap records kernel drops.
///
///     var capture = CaptureWriter()
///     for event in events { capture.add(event) }
///     try write(capture.takeBytes())   // as often as wanted; the first bytes hold the section header
public struct CaptureWriter: Sendable {
    private var writer: PcapngWriter
    private var interfaces: [String: Int] = [:]
    /// Interface names in pcapng order.
    public private(set) var interfaceNames: [String] = []
    /// Packets written so far.
    public private(set) var packetCount = 0
    /// Frames lost so far, per pcapng interface (indices as `interfaceNames`).
    public private(set) var dropped: [Int: UInt64] = [:]
    /// Lost frames not yet attached to a packet, per pcapng interface.
    private var unmarkedDrops: [Int: UInt64] = [:]

    /// Every frame lost so far, on any interface.
    public var droppedCount: UInt64 { dropped.values.reduce(0, +) }

    /// The `node:interface` places recorded; nil records every interface.
    public let onlyAt: Set<String>?

    public init(application: String = "RawNet", onlyAt: Set<String>? = nil) {
        writer = PcapngWriter(application: application)
        self.onlyAt = onlyAt
    }

    private func records(_ place: String) -> Bool { onlyAt?.contains(place) ?? true }

    /// True when `event` would become a packet.
    public static func captures(_ event: TraceEvent) -> Bool {
        event.isWireFrame
    }

    /// Adds `event` as a packet if it is one (see `captures`), or marks the gap a `lost`
    /// event stands for; returns whether a packet was added.
    @discardableResult
    public mutating func add(_ event: TraceEvent) -> Bool {
        if let gap = TraceGap(event) {
            markGap(gap, node: event.node)
            return false
        }
        guard CaptureWriter.captures(event), let frame = event.frame, let interface = event.interface else { return false }
        let place = event.node + ":" + interface
        guard records(place) else { return false }
        let index = interfaceIndex(place)
        writer.addPacket(interface: index, timestampNanoseconds: UInt64(max(0, event.time)), bytes: frame,
                         dropCount: unmarkedDrops.removeValue(forKey: index))
        packetCount += 1
        return true
    }

    private mutating func interfaceIndex(_ name: String) -> Int {
        if let known = interfaces[name] { return known }
        let index = writer.addInterface(name: name)
        interfaces[name] = index
        interfaceNames.append(name)
        return index
    }

    private mutating func markGap(_ gap: TraceGap, node: String) {
        for interface in gap.frames.keys.sorted() {
            guard let count = gap.frames[interface], count > 0, records(node + ":" + interface) else { continue }
            let index = interfaceIndex(node + ":" + interface)
            unmarkedDrops[index, default: 0] += UInt64(count)
            dropped[index, default: 0] += UInt64(count)
            writer.addStatistics(interface: index, timestampNanoseconds: UInt64(max(0, gap.lastTime)),
                                 dropped: dropped[index] ?? 0)
        }
    }

    /// Adds every event that is a packet; returns how many were added.
    @discardableResult
    public mutating func add(_ events: [TraceEvent]) -> Int {
        events.reduce(0) { count, event in count + (add(event) ? 1 : 0) }
    }

    /// The pcapng bytes produced since the last call (the first call includes the section header).
    public mutating func takeBytes() -> [UInt8] { writer.takeBytes() }
}
