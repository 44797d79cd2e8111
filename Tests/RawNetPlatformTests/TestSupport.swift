import Glibc
@testable import RawNetPlatform

/// A fresh private directory under /tmp, removed with everything in it by `remove()`.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/rawnet-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileSystem.removeTree(at: path) }
}

/// Runs the loop until `condition` holds or `timeout` passes; returns the condition.
func run(_ loop: EventLoop, until condition: () -> Bool, timeout: Duration = .seconds(5)) throws -> Bool {
    let limit = MonotonicClock.now() + timeout.wholeNanoseconds
    while !condition() && MonotonicClock.now() < limit {
        try loop.runOnce(timeout: .milliseconds(20))
    }
    return condition()
}
