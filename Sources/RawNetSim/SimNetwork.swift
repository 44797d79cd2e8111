import RawNetCore
import RawNetWire

/// A deterministic in-process network: TCP stacks joined by seeded links, and a
/// virtual clock that jumps straight to the next thing that can happen.
public struct SimNetwork<Link: SimLinkModel>: Sendable {
    public private(set) var now = Instant.zero
    public var stacks: [TCPStack]
    /// Links keyed by (source stack index, destination stack index).
    public var links: [Int: Link] = [:]
    /// Packets dropped at a receiver because their checksum failed.
    public private(set) var checksumDrops = 0
    /// Every segment put on a wire, with its time, if tracing is on.
    public var trace: [(Instant, TCPSegment)]?

    public init(stacks: [TCPStack]) { self.stacks = stacks }

    public mutating func connect(_ from: Int, _ to: Int, with link: Link) {
        links[from * 1000 + to] = link
    }

    private func index(of address: IPv4Address) -> Int? {
        stacks.firstIndex { $0.address == address }
    }

    /// Polls every stack and delivers everything due at the current instant until
    /// nothing moves. Returns true if anything happened.
    @discardableResult
    public mutating func settle() -> Bool {
        var anything = false
        for _ in 0..<10_000 {
            var moved = false
            for i in stacks.indices {
                let segments = stacks[i].poll(now: now)
                for segment in segments {
                    moved = true
                    trace?.append((now, segment))
                    guard let j = index(of: segment.destination), links[i * 1000 + j] != nil else { continue }
                    links[i * 1000 + j]!.submit(SimPacket(segment: segment), now: now)
                }
            }
            for key in links.keys.sorted() {
                let packets = links[key]!.release(now: now)
                let destination = key % 1000
                for packet in packets {
                    moved = true
                    if packet.isCorrupted { checksumDrops += 1; continue }
                    stacks[destination].handle(packet.segment, now: now)
                }
            }
            if !moved { break }
            anything = true
        }
        return anything
    }

    /// The earliest instant at which a timer or a link has something to do.
    public func nextDeadline() -> Instant? {
        var earliest: Instant?
        func consider(_ d: Instant?) {
            if let d, earliest == nil || d < earliest! { earliest = d }
        }
        for stack in stacks { consider(stack.nextDeadline()) }
        for link in links.values { consider(link.nextDeadline()) }
        return earliest
    }

    /// Moves the clock to `instant` (never backwards).
    public mutating func advance(to instant: Instant) {
        if instant > now { now = instant }
    }
}
