/// Allocation-free collections for TCP options: `SACKBlockList` (the blocks of one SACK
/// option) and `TCPOptionList` (the options of one header).
///
///     var options: TCPOptionList = [.noOperation, .noOperation, .timestamps(value: 1, echoReply: 0)]
///     options.append(.sack([SACKBlock(left: 100, right: 200)]))
///
/// Both behave like arrays (random access, mutable, range-replaceable, array literals) but
/// keep their elements inline, so parsing a header allocates nothing for options. A SACK
/// option holds at most 4 blocks (all that fit in 40 bytes of options); appending a fifth
/// traps. An option list keeps its first 6 options inline and any further ones (only
/// possible with many NOPs or small unknown options) in an array.

/// The blocks of one SACK option (RFC 2018): at most `capacity` (4), stored inline.
public struct SACKBlockList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                             ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// The most blocks one SACK option can carry in 40 bytes of TCP options.
    public static let capacity = 4

    private var block0 = SACKBlock(left: 0, right: 0)
    private var block1 = SACKBlock(left: 0, right: 0)
    private var block2 = SACKBlock(left: 0, right: 0)
    private var block3 = SACKBlock(left: 0, right: 0)
    private var storedCount: UInt8 = 0

    public init() {}

    public init(arrayLiteral elements: SACKBlock...) {
        for block in elements { append(block) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(storedCount) }

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

    @inline(__always)
    private mutating func store(_ block: SACKBlock, at position: Int) {
        switch position {
        case 0: block0 = block
        case 1: block1 = block
        case 2: block2 = block
        default: block3 = block
        }
    }

    /// Appends `block`. Precondition: fewer than `capacity` blocks are held.
    @inline(__always)
    public mutating func append(_ block: SACKBlock) {
        precondition(storedCount < UInt8(Self.capacity), "a SACK option holds at most 4 blocks")
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

/// The options of one TCP header, in order. The first `inlineCapacity` (6) are stored
/// inline; more go to an array.
public struct TCPOptionList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                             ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// Options held without allocation.
    public static let inlineCapacity = 6

    private var option0 = TCPOption.noOperation
    private var option1 = TCPOption.noOperation
    private var option2 = TCPOption.noOperation
    private var option3 = TCPOption.noOperation
    private var option4 = TCPOption.noOperation
    private var option5 = TCPOption.noOperation
    private var inlineCount: UInt8 = 0
    /// Options after the sixth; empty (no allocation) in the common case.
    private var overflow: [TCPOption] = []

    public init() {}

    public init(arrayLiteral elements: TCPOption...) {
        for option in elements { append(option) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(inlineCount) + overflow.count }

    public subscript(position: Int) -> TCPOption {
        get {
            precondition(position >= 0 && position < endIndex, "TCP option index out of range")
            switch position {
            case 0: return option0
            case 1: return option1
            case 2: return option2
            case 3: return option3
            case 4: return option4
            case 5: return option5
            default: return overflow[position - Self.inlineCapacity]
            }
        }
        set {
            precondition(position >= 0 && position < endIndex, "TCP option index out of range")
            store(newValue, at: position)
        }
    }

    @inline(__always)
    private mutating func store(_ option: TCPOption, at position: Int) {
        switch position {
        case 0: option0 = option
        case 1: option1 = option
        case 2: option2 = option
        case 3: option3 = option
        case 4: option4 = option
        case 5: option5 = option
        default: overflow[position - Self.inlineCapacity] = option
        }
    }

    @inline(__always)
    public mutating func append(_ option: TCPOption) {
        if inlineCount < UInt8(Self.inlineCapacity) {
            store(option, at: Int(inlineCount))
            inlineCount &+= 1
        } else {
            overflow.append(option)
        }
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
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for option in self { hasher.combine(option) }
    }

    public var description: String { Array(self).description }
}

extension TCPOption {
    /// A SACK option from an array of blocks (at most 4).
    public static func sack(_ blocks: [SACKBlock]) -> TCPOption {
        .sack(SACKBlockList(blocks))
    }
}
