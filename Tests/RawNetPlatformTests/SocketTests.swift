import Glibc
import Testing
@testable import RawNetPlatform

@Suite struct SocketTests {
    @Test func datagramRoundTrip() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let a = try UnixDatagramSocket(boundTo: dir.file("a.sock"))
        let b = try UnixDatagramSocket(boundTo: dir.file("b.sock"))
        let frame: [UInt8] = Array(0..<200).map { UInt8($0) }
        #expect(try a.send(frame, to: dir.file("b.sock")) == .sent)
        #expect(try b.receive() == frame)
        #expect(try b.receive() == nil)
        #expect(try b.send([1, 2, 3], to: dir.file("a.sock")) == .sent)
        #expect(try a.receive() == [1, 2, 3])
    }

    @Test func sendingToMissingPeerIsPeerGone() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let a = try UnixDatagramSocket(boundTo: dir.file("a.sock"))
        #expect(try a.send([1], to: dir.file("nobody.sock")) == .peerGone(.noSuchFile))
        #expect(Errno.noSuchFile.name == "ENOENT")
        #expect(Errno.connectionRefused.description.hasPrefix("ECONNREFUSED ("))
    }

    @Test func pathTooLongIsATypedError() throws {
        let path = "/tmp/" + String(repeating: "x", count: 103)  // 108 bytes
        #expect(throws: SocketError.pathTooLong(path: path, byteCount: 108, limit: 107)) {
            _ = try UnixDatagramSocket(boundTo: path)
        }
        let error = SocketError.pathTooLong(path: path, byteCount: 108, limit: 107)
        #expect(error.description.contains("108 bytes"))
        #expect(error.description.contains(path))
        // 107 bytes is the largest that fits.
        #expect(throws: Never.self) { _ = try UnixSocketAddress(path: String(path.dropLast())) }
    }

    @Test func staleSocketFileIsReplacedAndRemovedOnClose() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.sock")
        do {
            let first = try UnixDatagramSocket(boundTo: path)
            // Simulate a crash: the file stays although the socket is gone.
            first.fileDescriptor.close()
        }
        let second = try UnixDatagramSocket(boundTo: path)
        #expect(access(path, F_OK) == 0)
        second.close()
        #expect(access(path, F_OK) != 0)
    }

    @Test(arguments: [UnixSocketKind.stream, .seqpacket])
    func listenerAndConnectionExchange(kind: UnixSocketKind) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let listener = try UnixListener(kind: kind, path: dir.file("l.sock"))
        #expect(try listener.accept() == nil)
        let client = try UnixConnection.connect(kind: kind, to: dir.file("l.sock"))
        let server = try #require(try listener.accept())
        #expect(try client.write(Array("hello".utf8)) == 5)
        #expect(try server.read() == Array("hello".utf8))
        #expect(try server.read() == nil)
        #expect(try server.write([9, 8, 7]) == 3)
        #expect(try client.read() == [9, 8, 7])
        client.close()
        #expect(try server.read() == [])
    }

    /// Several seqpacket messages in one call, each in its own slot: lengths as sent, a longer
    /// message cut to its slot, nil when nothing waits, and lengths of 0 once the peer closed.
    @Test func seqpacketMessagesReadInOneCall() throws {
        let (a, b) = try UnixConnection.pair(kind: .seqpacket)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 * 8, alignment: 8)
        let lengths = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        defer { buffer.deallocate(); lengths.deallocate() }
        #expect(try b.readMessages(into: buffer, slotSize: 8, lengths: lengths) == nil)
        for message in [[1, 2, 3], [4], Array(10...21)] as [[UInt8]] { #expect(try a.write(message) == message.count) }
        #expect(try b.readMessages(into: buffer, slotSize: 8, lengths: lengths) == 3)
        #expect(Array(lengths[..<3]) == [3, 1, 8], "a longer message reads as its slot's bytes")
        let slots = (0..<3).map { Array(UnsafeRawBufferPointer(rebasing: buffer[($0 * 8)..<($0 * 8 + min(lengths[$0], 8))])) }
        #expect(slots == [[1, 2, 3], [4], Array(10...17)])
        #expect(try b.readMessages(into: buffer, slotSize: 8, lengths: lengths) == nil)
        #expect(try a.write([5, 6]) == 2)
        a.close()
        let afterClose = try #require(try b.readMessages(into: buffer, slotSize: 8, lengths: lengths))
        #expect(afterClose >= 2 && lengths[0] == 2 && lengths[1] == 0, "the message, then the close")
    }

    @Test func connectingToNobodyNamesThePath() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("none.sock")
        #expect(throws: SocketError.failed(operation: "connect", path: path, errno: .noSuchFile)) {
            _ = try UnixConnection.connect(to: path)
        }
    }

    @Test func fileDescriptorFlags() throws {
        let socket = try UnixDatagramSocket()
        #expect(socket.fileDescriptor.isNonBlocking)
        #expect(socket.fileDescriptor.isCloseOnExec)
        try socket.fileDescriptor.setNonBlocking(false)
        #expect(!socket.fileDescriptor.isNonBlocking)
    }
}
