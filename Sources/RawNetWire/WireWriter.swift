/// Internal: big-endian stores into a buffer whose size was computed first, so hot
/// serializers grow the output array once instead of appending byte by byte.
struct WireWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset: Int

    init(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        self.buffer = buffer
        self.offset = offset
    }

    @inline(__always) mutating func put(_ value: UInt8) {
        buffer.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset &+= 1
    }

    @inline(__always) mutating func put(_ value: UInt16) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        offset &+= 2
    }

    @inline(__always) mutating func put(_ value: UInt32) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
        offset &+= 4
    }

    @inline(__always) mutating func put(_ address: MACAddress) {
        put(UInt16(truncatingIfNeeded: address.value >> 32))
        put(UInt32(truncatingIfNeeded: address.value))
    }

    @inline(__always) mutating func put(_ bytes: UnsafeRawBufferPointer) {
        if let source = bytes.baseAddress, !bytes.isEmpty {
            (buffer.baseAddress! + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        offset &+= bytes.count
    }

    @inline(__always) mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { put($0) }
    }

    /// Skips `count` bytes (already zero).
    @inline(__always) mutating func skip(_ count: Int) { offset &+= count }

    /// Overwrites a 16-bit field at an absolute offset.
    @inline(__always) func store(_ value: UInt16, at position: Int) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: position, as: UInt16.self)
    }

    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[range])
    }
}

/// Zero bytes to append a header's room from (headers are at most 60 bytes; Ethernet, VLAN, IPv4
/// and TCP with options together fit).
let wireZeroBytes = [UInt8](repeating: 0, count: 128)

extension Array where Element == UInt8 {
    /// Appends `count` zero bytes and lets `body` fill them through a `WireWriter`.
    @inline(__always)
    mutating func appendWriting(_ count: Int, _ body: (inout WireWriter) -> Void) {
        let start = self.count
        if count <= wireZeroBytes.count {
            wireZeroBytes.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<count])) }   // one copy, not a loop
        } else {
            append(contentsOf: repeatElement(0, count: count))
        }
        withUnsafeMutableBytes { raw in
            var writer = WireWriter(raw, at: start)
            body(&writer)
        }
    }
}
