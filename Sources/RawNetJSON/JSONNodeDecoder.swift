/// Decodes `Decodable` values from JSON without Foundation. Mismatches are
/// `DecodingError`s with the coding path, as `JSONDecoder` reports them; a
/// number decodes as an integer type only when it is exactly one.
public struct JSONNodeDecoder: Sendable {
    public init() {}

    /// Parses JSON text and decodes it.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let node: JSONNode
        do { node = try JSONNode(parsing: bytes) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description, underlyingError: error))
        }
        return try decode(type, from: node)
    }

    /// Decodes a tree.
    public func decode<T: Decodable>(_ type: T.Type, from node: JSONNode) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: []))
    }
}

struct NodeDecoder: Decoder {
    let node: JSONNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else {
            throw Unboxing.mismatch([String: JSONNode].self, node, codingPath)
        }
        return KeyedDecodingContainer(KeyedNodeDecoding<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = node else { throw Unboxing.mismatch([JSONNode].self, node, codingPath) }
        return UnkeyedNodeDecoding(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeDecoding(node: node, codingPath: codingPath)
    }
}

/// Reading primitive values out of nodes.
enum Unboxing {
    static func mismatch(_ type: Any.Type, _ node: JSONNode, _ path: [any CodingKey]) -> DecodingError {
        let found: String
        switch node {
        case .null: found = "null"
        case .bool: found = "a boolean"
        case .number: found = "a number"
        case .string: found = "a string"
        case .array: found = "an array"
        case .object: found = "an object"
        }
        return DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(found)"))
    }

    static func bool(_ node: JSONNode, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(Bool.self, node, path) }
        return value
    }

    static func string(_ node: JSONNode, _ path: [any CodingKey]) throws -> String {
        guard case .string(let value) = node else { throw mismatch(String.self, node, path) }
        return value
    }

    static func double(_ node: JSONNode, _ path: [any CodingKey]) throws -> Double {
        guard case .number(let text) = node, let value = Double(text) else { throw mismatch(Double.self, node, path) }
        return value
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ node: JSONNode, _ path: [any CodingKey]) throws -> T {
        guard case .number(let text) = node else { throw mismatch(type, node, path) }
        if let value = T(text) { return value }
        if let double = Double(text), let value = T(exactly: double) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(text) does not fit in \(type)"))
    }

    static func value<T: Decodable>(_ type: T.Type, _ node: JSONNode, _ path: [any CodingKey]) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: path))
    }
}

struct KeyedNodeDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONNode]
    var codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func node(_ key: Key) throws -> JSONNode {
        guard let node = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for '\(key.stringValue)'"))
        }
        return node
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try node(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Unboxing.bool(node(key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Unboxing.string(node(key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Unboxing.double(node(key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try Unboxing.double(node(key), path(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Unboxing.integer(type, node(key), path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Unboxing.integer(type, node(key), path(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try Unboxing.value(type, node(key), path(key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: node(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: node(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        NodeDecoder(node: members["super"] ?? .null, codingPath: codingPath + [IndexKey(stringValue: "super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: members[key.stringValue] ?? .null, codingPath: path(key))
    }
}

struct UnkeyedNodeDecoding: UnkeyedDecodingContainer {
    let items: [JSONNode]
    var codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [JSONNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next<T>(_ type: T.Type) throws -> (JSONNode, [any CodingKey]) {
        let path = codingPath + [IndexKey(intValue: currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "the array has no more items"))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let (n, p) = try next(type); return try Unboxing.bool(n, p) }
    mutating func decode(_ type: String.Type) throws -> String { let (n, p) = try next(type); return try Unboxing.string(n, p) }
    mutating func decode(_ type: Double.Type) throws -> Double { let (n, p) = try next(type); return try Unboxing.double(n, p) }
    mutating func decode(_ type: Float.Type) throws -> Float { let (n, p) = try next(type); return Float(try Unboxing.double(n, p)) }
    mutating func decode(_ type: Int.Type) throws -> Int { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (n, p) = try next(type); return try Unboxing.integer(type, n, p) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { let (n, p) = try next(type); return try Unboxing.value(type, n, p) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (node, path) = try next([String: JSONNode].self)
        return try NodeDecoder(node: node, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (node, path) = try next([JSONNode].self)
        return try NodeDecoder(node: node, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (node, path) = try next(JSONNode.self)
        return NodeDecoder(node: node, codingPath: path)
    }
}

struct SingleNodeDecoding: SingleValueDecodingContainer {
    let node: JSONNode
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { node == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try Unboxing.bool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Unboxing.string(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Unboxing.double(node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try Unboxing.double(node, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Unboxing.integer(type, node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Unboxing.integer(type, node, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Unboxing.value(type, node, codingPath) }
}
