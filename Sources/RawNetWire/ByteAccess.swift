/// Internal helpers: big-endian loads from raw buffers and big-endian appends to byte arrays.
///
/// Loads are unchecked in release builds; every caller validates the length first
/// (that is what the checked views are for).

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    func loadUInt8(at offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable @inline(__always)
    func loadUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func loadUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func loadMAC(at offset: Int) -> MACAddress {
        let high = UInt64(loadUInt16(at: offset))
        let low = UInt64(loadUInt32(at: offset + 2))
        return MACAddress(high << 32 | low)
    }

    @inline(__always)
    func loadIPv4(at offset: Int) -> IPv4Address {
        IPv4Address(loadUInt32(at: offset))
    }

    /// Copies `range` into a new array (empty when the range is empty).
    @inlinable @inline(__always)
    func copyBytes(_ range: Range<Int>) -> [UInt8] {
        range.isEmpty ? [] : Array(self[range])
    }

    /// Throws `truncated` unless at least `needed` bytes are present.
    @inline(__always)
    func require(_ needed: Int, layer: String, field: String) throws(WireError) {
        if count < needed {
            throw WireError.truncated(layer: layer, field: field, needed: needed, available: count)
        }
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendMAC(_ address: MACAddress) {
        appendUInt16(UInt16(truncatingIfNeeded: address.value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: address.value))
    }

    @inline(__always)
    mutating func appendIPv4(_ address: IPv4Address) {
        appendUInt32(address.value)
    }

    /// Overwrites two bytes at `offset` with `value` in network order.
    @inline(__always)
    mutating func storeUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always)
    func loadUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the typed error of the body.
    @inline(__always)
    func withWireBytes<R>(_ body: (UnsafeRawBufferPointer) throws(WireError) -> R) throws(WireError) -> R {
        let result: Result<R, WireError> = withUnsafeBytes { raw in
            do throws(WireError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}

extension ArraySlice where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the typed error of the body.
    @inline(__always)
    func withWireBytes<R>(_ body: (UnsafeRawBufferPointer) throws(WireError) -> R) throws(WireError) -> R {
        let result: Result<R, WireError> = withUnsafeBytes { raw in
            do throws(WireError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}
