import Glibc

/// Finding a byte in a buffer with the C library's `memchr`, which reads a word or a vector
/// at a time: line readers look for the newline of every trace line (3 KB for a full frame).
public enum ByteSearch {
    /// The index of the first `byte` in `bytes` at or after `start`; nil when there is none.
    public static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        guard start >= 0, start < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                  let found = memchr(base + start, Int32(byte), buffer.count - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
