import DequeModule

/// The bytes the application has written and the peer has not yet acknowledged,
/// indexed by absolute stream index (byte 0 is the first byte ever written).
///
/// The bytes are kept as the chunks they were written in: a large write is
/// held as the array the app handed over (no copy), small writes are gathered
/// into one chunk, and an acknowledgement drops whole chunks from the front
/// (nothing is shifted). Only a segment's payload is copied out.
public struct TCPSendBuffer: Sendable {
    /// The most bytes held at once. Lowering it below `count` keeps what is
    /// held and takes nothing more until the buffer drains below the new size.
    public var capacity: Int {
        didSet { capacity = Swift.max(capacity, 1) }
    }
    /// Writes from this size up are kept as they came; smaller ones are
    /// appended to a last chunk that is still smaller than this.
    static let gatheringLimit = 16 * 1024

    /// Bytes as written, with the stream index of each chunk's first byte.
    private struct Chunk {
        var start: Int
        var bytes: [UInt8]
        var end: Int { start + bytes.count }
    }
    private var chunks = Deque<Chunk>()
    /// Stream index of the first byte still held.
    public private(set) var startIndex = 0
    /// Stream index one past the last byte written.
    public private(set) var endIndex = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "send buffer capacity must be positive")
        self.capacity = capacity
    }

    /// Number of bytes held.
    public var count: Int { endIndex - startIndex }
    /// Room left for new bytes.
    public var freeSpace: Int { Swift.max(capacity - count, 0) }
    public var isEmpty: Bool { count == 0 }

    /// Appends as many of `bytes` as fit and returns how many were taken.
    @discardableResult
    public mutating func append(_ bytes: some Collection<UInt8>) -> Int {
        let taken = Swift.min(bytes.count, freeSpace)
        guard taken > 0 else { return 0 }
        if taken < Self.gatheringLimit, !chunks.isEmpty, chunks[chunks.count - 1].bytes.count < Self.gatheringLimit {
            chunks[chunks.count - 1].bytes.append(contentsOf: bytes.prefix(taken))
        } else if taken == bytes.count, taken >= Self.gatheringLimit, let whole = bytes as? [UInt8] {
            chunks.append(Chunk(start: endIndex, bytes: whole))
        } else {
            var chunk = Chunk(start: endIndex, bytes: [])
            chunk.bytes.reserveCapacity(Swift.max(taken, Self.gatheringLimit))
            chunk.bytes.append(contentsOf: bytes.prefix(taken))
            chunks.append(chunk)
        }
        endIndex += taken
        return taken
    }

    /// Copies `count` bytes starting at stream index `index` (clipped to what is held).
    public func bytes(from index: Int, count: Int) -> [UInt8] {
        var lower = Swift.max(index, startIndex)
        let upper = Swift.min(index + count, endIndex)
        guard lower < upper else { return [] }
        var result: [UInt8] = []
        result.reserveCapacity(upper - lower)
        var slot = chunkSlot(containing: lower)
        while lower < upper {
            let chunk = chunks[slot]
            let end = Swift.min(upper, chunk.end)
            result.append(contentsOf: chunk.bytes[(lower - chunk.start)..<(end - chunk.start)])
            lower = end
            slot += 1
        }
        return result
    }

    /// Forgets every byte before stream index `index` (they were acknowledged).
    public mutating func removeBytes(before index: Int) {
        let upto = Swift.min(index, endIndex)
        guard upto > startIndex else { return }
        startIndex = upto
        while let first = chunks.first, first.end <= upto { chunks.removeFirst() }
    }

    /// The chunk holding stream index `index` (startIndex ≤ index < endIndex).
    private func chunkSlot(containing index: Int) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if chunks[middle].start <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
