/// The bytes the application has written and the peer has not yet acknowledged,
/// indexed by absolute stream index (byte 0 is the first byte ever written).
public struct TCPSendBuffer: Sendable {
    /// The most bytes held at once. Lowering it below `count` keeps what is
    /// held and takes nothing more until the buffer drains below the new size.
    public var capacity: Int {
        didSet { capacity = Swift.max(capacity, 1) }
    }
    private var storage: [UInt8] = []
    private var head = 0
    /// Stream index of the first byte still held.
    public private(set) var startIndex = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "send buffer capacity must be positive")
        self.capacity = capacity
    }

    /// Number of bytes held.
    public var count: Int { storage.count - head }
    /// Stream index one past the last byte written.
    public var endIndex: Int { startIndex + count }
    /// Room left for new bytes.
    public var freeSpace: Int { Swift.max(capacity - count, 0) }
    public var isEmpty: Bool { count == 0 }

    /// Appends as many of `bytes` as fit and returns how many were taken.
    @discardableResult
    public mutating func append(_ bytes: some Collection<UInt8>) -> Int {
        let taken = Swift.min(bytes.count, freeSpace)
        guard taken > 0 else { return 0 }
        storage.append(contentsOf: bytes.prefix(taken))
        return taken
    }

    /// Copies `count` bytes starting at stream index `index` (clipped to what is held).
    public func bytes(from index: Int, count: Int) -> [UInt8] {
        let lower = Swift.max(index, startIndex)
        let upper = Swift.min(index + count, endIndex)
        guard lower < upper else { return [] }
        let base = head - startIndex
        return Array(storage[(base + lower)..<(base + upper)])
    }

    /// Forgets every byte before stream index `index` (they were acknowledged).
    public mutating func removeBytes(before index: Int) {
        let upto = Swift.min(index, endIndex)
        guard upto > startIndex else { return }
        head += upto - startIndex
        startIndex = upto
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
