import Glibc
import RawNetPlatform

/// Measures how many frames per second one Unix socket type carries between
/// two threads (one blocking sender, one blocking receiver), as a link would.
public enum SocketBenchmark {
    public struct Result: Sendable {
        public var kind: UnixSocketKind
        public var frames: Int
        public var frameSize: Int
        public var seconds: Double
        public var framesPerSecond: Double { Double(frames) / seconds }
    }

    /// Sends `frames` frames of `frameSize` bytes through a fresh socket pair
    /// of `kind` (datagram: receiver bound at a path, sender connected to it;
    /// seqpacket: listener, connect, accept) under `directory`.
    public static func run(kind: UnixSocketKind, frames: Int, frameSize: Int = 1514, directory: String) throws -> Result {
        precondition(kind != .stream, "links carry frames: datagram or seqpacket")
        let path = directory + "/bench-\(getpid())-\(kind).sock"
        let receiveFD: FileDescriptor
        let sendFD: FileDescriptor
        var owners: [AnyObject] = []
        switch kind {
        case .datagram:
            let receiver = try UnixDatagramSocket(boundTo: path)
            let sender = try UnixDatagramSocket()
            try sender.connect(to: UnixSocketAddress(path: path))
            owners = [receiver, sender]
            receiveFD = receiver.fileDescriptor
            sendFD = sender.fileDescriptor
        case .seqpacket, .stream:
            let listener = try UnixListener(kind: .seqpacket, path: path)
            let client = try UnixConnection.connect(kind: .seqpacket, to: path)
            guard let server = try listener.accept() else { throw Errno.wouldBlock }
            owners = [listener, client, server]
            receiveFD = server.fileDescriptor
            sendFD = client.fileDescriptor
        }
        try receiveFD.setNonBlocking(false)
        try sendFD.setNonBlocking(false)
        let started = MonotonicClock.now()
        let receiverThread = try PlatformThread.start {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
            defer { buffer.deallocate() }
            var count = 0
            while count < frames {
                if recv(receiveFD.rawValue, buffer.baseAddress, buffer.count, 0) > 0 { count += 1 }
            }
        }
        let frame = [UInt8](repeating: 0x5A, count: frameSize)
        frame.withUnsafeBytes { bytes in
            var sent = 0
            while sent < frames {
                if Glibc.send(sendFD.rawValue, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count { sent += 1 }
            }
        }
        receiverThread.join()
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        withExtendedLifetime(owners) {}
        return Result(kind: kind, frames: frames, frameSize: frameSize, seconds: elapsed)
    }

    /// Runs each kind `runs` times, alternating, and returns the median frames/s per kind.
    public static func compare(frames: Int, frameSize: Int = 1514, runs: Int = 5, directory: String) throws -> [(UnixSocketKind, median: Double, all: [Double])] {
        var rates: [UnixSocketKind: [Double]] = [:]
        for _ in 0..<max(runs, 1) {
            for kind in [UnixSocketKind.datagram, .seqpacket] {
                rates[kind, default: []].append(try run(kind: kind, frames: frames, frameSize: frameSize, directory: directory).framesPerSecond)
            }
        }
        return [UnixSocketKind.datagram, .seqpacket].map { kind in
            let sorted = rates[kind, default: []].sorted()
            return (kind, sorted[sorted.count / 2], sorted)
        }
    }
}
