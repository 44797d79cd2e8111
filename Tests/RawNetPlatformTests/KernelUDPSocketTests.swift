import Glibc
import Testing
@testable import RawNetPlatform

/// Kernel UDP sockets over the loopback only.
@Suite struct KernelUDPSocketTests {
    static let loopback: UInt32 = 0x7F00_0001

    /// Two sockets on free loopback ports.
    func pair() throws -> (KernelUDPSocket, KernelUDPSocket) {
        var sockets: [KernelUDPSocket] = []
        var port = UInt16(40_000 + Int(getpid() % 10_000))
        while sockets.count < 2, port < 65_000 {
            if let socket = try? KernelUDPSocket(boundTo: Self.loopback, port: port) { sockets.append(socket) }
            port += 1
        }
        guard sockets.count == 2 else { throw SocketError.emptyPath }
        return (sockets[0], sockets[1])
    }

    @Test func datagram_arrives_with_its_senders_address_and_port() throws {
        let (a, b) = try pair()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { buffer.deallocate() }
        #expect(b.receive(into: buffer) == .none)
        let payload: [UInt8] = [0x08, 0, 0, 0, 0, 0, 42, 0, 1, 2, 3]
        #expect(payload.withUnsafeBytes { a.send($0, to: Self.loopback, port: b.localPort) } == .sent)
        var reception = KernelUDPSocket.Reception.none
        for _ in 0..<100 {
            reception = b.receive(into: buffer)
            if reception != .none { break }
            usleep(1_000)
        }
        #expect(reception == .datagram(count: payload.count, address: Self.loopback, port: a.localPort))
        #expect(Array(buffer.prefix(payload.count)) == payload)
        #expect(b.receive(into: buffer) == .none)
    }

    @Test func binding_an_address_this_machine_lacks_names_it() {
        // 192.0.2.1 (TEST-NET-1) is on no interface here; binding sends nothing.
        #expect {
            _ = try KernelUDPSocket(boundTo: 0xC000_0201, port: 4789)
        } throws: { error in
            "\(error)".contains("192.0.2.1:4789") && "\(error)".contains("EADDRNOTAVAIL")
        }
    }
}
