/// Where two byte strings first differ, or nil when they are the same: for
/// megabyte transfers, where `#expect(received == data)` would, on failure,
/// compute a diff of millions of elements and hold the suite for many minutes.
public func byteDifference(_ received: [UInt8], _ expected: [UInt8]) -> String? {
    if received == expected { return nil }
    let common = min(received.count, expected.count)
    let first = (0..<common).first { received[$0] != expected[$0] }
    if let first {
        return "\(received.count) bytes against \(expected.count) expected; first difference at byte \(first) "
            + "(\(received[first]) instead of \(expected[first]))"
    }
    return "\(received.count) bytes against \(expected.count) expected; the shorter is a prefix of the longer"
}
