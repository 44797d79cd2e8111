/// Allocation-free collections for TCP options: `SACKBlockList` (the blocks of one SACK
/// option) and `TCPOptionList` (the options of one header).
///
///     var options: TCPOptionList = [.noOperation, .noOperation, .timestamps(value: 1, echoReply: 0)]
///     options.append(.sack([SACKBlock(left: 100, right: 200)]))
///
/// Both behave like arrays (random access, mutable, range-replaceable, array literals) but
/// keep their contents inline, so parsing a header allocates nothing for options (an
/// `.unknown` option's data array is made only when that element is read). Both are
/// bounded by the 40 bytes of option space: a SACK option holds at most 4 blocks, a list
/// at most 40 bytes of options; going past either traps.

/// The blocks of one SACK option (RFC 2018): at most `capacity` (4), stored inline.
public struct SACKBlockList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                             ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// The most blocks one SACK option can carry in 40 bytes of TCP options.
    public static let capacity = 4

    @usableFromInline var block0 = SACKBlock(left: 0, right: 0)
    @usableFromInline var block1 = SACKBlock(left: 0, right: 0)
    @usableFromInline var block2 = SACKBlock(left: 0, right: 0)
    @usableFromInline var block3 = SACKBlock(left: 0, right: 0)
    @usableFromInline var storedCount: UInt8 = 0

    @inlinable public init() {}

    public init(arrayLiteral elements: SACKBlock...) {
        for block in elements { append(block) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { Int(storedCount) }

    @inlinable
    public subscript(position: Int) -> SACKBlock {
        get {
            precondition(position >= 0 && position < Int(storedCount), "SACK block index out of range")
            switch position {
            case 0: return block0
            case 1: return block1
            case 2: return block2
            default: return block3
            }
        }
        set {
            precondition(position >= 0 && position < Int(storedCount), "SACK block index out of range")
            store(newValue, at: position)
        }
    }

    @inlinable @inline(__always)
    mutating func store(_ block: SACKBlock, at position: Int) {
        switch position {
        case 0: block0 = block
        case 1: block1 = block
        case 2: block2 = block
        default: block3 = block
        }
    }

    /// Appends `block`. Precondition: fewer than `capacity` blocks are held.
    @inlinable @inline(__always)
    public mutating func append(_ block: SACKBlock) {
        precondition(storedCount < 4, "a SACK option holds at most 4 blocks")
        store(block, at: Int(storedCount))
        storedCount &+= 1
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C)
    where C.Element == SACKBlock {
        var result = SACKBlockList()
        for block in self[..<subrange.lowerBound] { result.append(block) }
        for block in newElements { result.append(block) }
        for block in self[subrange.upperBound...] { result.append(block) }
        self = result
    }

    public static func == (lhs: SACKBlockList, rhs: SACKBlockList) -> Bool {
        lhs.storedCount == rhs.storedCount && lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedCount)
        for block in self { hasher.combine(block) }
    }

    public var description: String { Array(self).description }
}

/// The options of one TCP header, in order, held as their wire encoding in 40 inline bytes
/// (the most a header has room for) plus a table of where each option starts. Reading an
/// element decodes it; appending encodes it. Precondition on `append`: the options stay
/// within 40 bytes (a header cannot carry more).
public struct TCPOptionList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                             ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// Bytes of options a TCP header can carry.
    public static let byteCapacity = 40
    @usableFromInline typealias Forty = (UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The options back to back as on the wire (no end-of-list padding); zero past `byteCount`.
    @usableFromInline var bytes: Forty = (0, 0, 0, 0, 0)
    /// Byte offset of each option; bit 7 marks one held as `.unknown`. Zero past `optionCount`.
    @usableFromInline var starts: Forty = (0, 0, 0, 0, 0)
    @usableFromInline var byteCount: UInt8 = 0
    @usableFromInline var optionCount: UInt8 = 0

    @inlinable public init() {}

    public init(arrayLiteral elements: TCPOption...) {
        for option in elements { append(option) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { Int(optionCount) }

    /// Bytes the options take on the wire, before padding.
    @inlinable public var encodedLength: Int { Int(byteCount) }

    /// Calls `body` with the encoded options (`encodedLength` bytes).
    @inline(__always)
    func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: bytes) { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(byteCount)])) }
    }

    @inlinable @inline(__always)
    func start(_ position: Int) -> UInt8 {
        withUnsafeBytes(of: starts) { $0.load(fromByteOffset: position, as: UInt8.self) }
    }

    @inlinable
    public subscript(position: Int) -> TCPOption {
        @inline(__always) get {
            precondition(position >= 0 && position < Int(optionCount), "TCP option index out of range")
            let mark = start(position)
            let from = Int(mark & 0x3F)
            let to = position + 1 < Int(optionCount) ? Int(start(position + 1) & 0x3F) : Int(byteCount)
            return withUnsafeBytes(of: bytes) { raw in
                let kind = raw.loadUInt8(at: from)
                if mark & 0x80 != 0 { return .unknown(kind: kind, data: raw.copyBytes(from + 2..<to)) }
                switch kind {
                case 0: return .endOfList
                case 1: return .noOperation
                case 2: return .maximumSegmentSize(raw.loadUInt16(at: from + 2))
                case 3: return .windowScale(raw.loadUInt8(at: from + 2))
                case 4: return .sackPermitted
                case 5:
                    var blocks = SACKBlockList()
                    var j = from + 2
                    while j + 8 <= to {
                        blocks.append(SACKBlock(left: raw.loadUInt32(at: j), right: raw.loadUInt32(at: j + 4)))
                        j += 8
                    }
                    return .sack(blocks)
                default: return .timestamps(value: raw.loadUInt32(at: from + 2), echoReply: raw.loadUInt32(at: from + 6))
                }
            }
        }
        set {
            precondition(position >= 0 && position < Int(optionCount), "TCP option index out of range")
            replaceSubrange(position..<position + 1, with: CollectionOfOne(newValue))
        }
    }

    /// Appends `option`. Precondition: the options stay within `byteCapacity` bytes.
    public mutating func append(_ option: TCPOption) {
        let length = option.encodedLength
        precondition(Int(byteCount) + length <= Self.byteCapacity, "TCP options exceed 40 bytes")
        let offset = Int(byteCount)
        withUnsafeMutableBytes(of: &bytes) { raw in
            var writer = WireWriter(raw, at: offset)
            option.write(to: &writer)
        }
        var mark = UInt8(offset)
        if case .unknown = option { mark |= 0x80 }
        recordStart(mark)
        byteCount &+= UInt8(length)
    }

    @inline(__always)
    private mutating func recordStart(_ mark: UInt8) {
        let position = Int(optionCount)
        withUnsafeMutableBytes(of: &starts) { $0.storeBytes(of: mark, toByteOffset: position, as: UInt8.self) }
        optionCount &+= 1
    }

    /// Parser's entry: records an option already checked to start at `offset` of the
    /// bytes that `finishParsing` copies.
    @inline(__always)
    mutating func noteParsedOption(at offset: Int, isUnknown: Bool) {
        recordStart(UInt8(truncatingIfNeeded: offset) | (isUnknown ? 0x80 : 0))
    }

    /// Parser's entry: copies the checked option bytes (at most 40).
    @inline(__always)
    mutating func finishParsing(_ encoded: UnsafeRawBufferPointer) {
        let count = Swift.min(encoded.count, Self.byteCapacity)
        withUnsafeMutableBytes(of: &bytes) { raw in
            if count > 0 { raw.baseAddress!.copyMemory(from: encoded.baseAddress!, byteCount: count) }
        }
        byteCount = UInt8(count)
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C)
    where C.Element == TCPOption {
        var result = TCPOptionList()
        for option in self[..<subrange.lowerBound] { result.append(option) }
        for option in newElements { result.append(option) }
        for option in self[subrange.upperBound...] { result.append(option) }
        self = result
    }

    public static func == (lhs: TCPOptionList, rhs: TCPOptionList) -> Bool {
        lhs.byteCount == rhs.byteCount && lhs.optionCount == rhs.optionCount
            && lhs.bytes == rhs.bytes && lhs.starts == rhs.starts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(optionCount)
        withEncodedBytes { hasher.combine(bytes: $0) }
        withUnsafeBytes(of: starts) { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<Int(optionCount)])) }
    }

    public var description: String { Array(self).description }
}

extension TCPOption {
    /// A SACK option from an array of blocks (at most 4).
    public static func sack(_ blocks: [SACKBlock]) -> TCPOption {
        .sack(SACKBlockList(blocks))
    }
}
