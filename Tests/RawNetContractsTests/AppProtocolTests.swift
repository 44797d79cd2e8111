import RawNetContracts
import RawNetSocket
import RawNetWire
import Testing

struct AppProtocolTests {
    @Test func sendTo_encodesHeadFieldsAndPayload() throws {
        let message = AppMessage.sendTo(request: 0x0102_0304, socket: 7, address: IPv4Address(10, 0, 2, 20),
                                        port: 33434, payload: [0xAA, 0xBB])
        let bytes = message.encoded()
        #expect(bytes == [0x05, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x07,
                          10, 0, 2, 20, 0x82, 0x9A, 0xAA, 0xBB])
        #expect(try AppMessage(decoding: bytes) == message)
    }

    @Test func everyKind_roundTrips() throws {
        let address = IPv4Address(10, 0, 1, 10)
        let messages: [AppMessage] = [
            .hello(request: 1, pid: 4242, features: .writeCredit, name: "ping"),
            .hello(request: 1, pid: 4242, features: [], name: ""),
            .open(request: 2, protocol: .udp),
            .bind(request: 3, socket: 9, address: .any, port: 0),
            .connect(request: 4, socket: 9, address: address, port: 7),
            .send(request: 5, socket: 9, payload: Array("hi".utf8)),
            .setOption(request: 6, socket: 9, option: .timeToLive, value: 3),
            .close(request: 7, socket: 9),
            .reply(request: 8, socket: 9, status: .addressInUse, localAddress: address, localPort: 49152, message: "busy"),
            .datagram(socket: 9, from: address, port: 53, timeToLive: 63, payload: [1, 2, 3]),
            .error(socket: 9, status: .connectionRefused, message: "port unreachable"),
            .icmpError(socket: 9, from: IPv4Address(10, 0, 1, 1), type: 11, code: 0,
                       originalDestination: address, originalPort: 33435),
            .listen(request: 10, socket: 9, backlog: 16),
            .shutdown(request: 11, socket: 9, how: .write),
            .status(request: 12, socket: 9),
            .setOption(request: 13, socket: 9, option: .congestionControl, value: 1),
            .accepted(socket: 9, newSocket: 10, peer: address, peerPort: 49153, localAddress: IPv4Address(10, 0, 2, 20),
                      localPort: 7000),
            .streamData(socket: 10, payload: Array("line\n".utf8)),
            .peerClosed(socket: 10),
            .sent(request: 14, socket: 10, count: 65_000),
            .writable(socket: 10, freeSpace: 16_384),
            .write(socket: 10, payload: Array("bytes".utf8)),
            .write(socket: 10, payload: []),
            .credit(socket: 10, bytes: 262_144),
            .streamBatch([AppStreamChunk(socket: 10, payload: [1, 2]), AppStreamChunk(socket: 11, payload: []),
                          AppStreamChunk(socket: 10, payload: [3])]),
            .streamBatch([]),
        ]
        for message in messages {
            #expect(try AppMessage(decoding: message.encoded()) == message)
        }
    }

    @Test func tcpMessages_haveTheDocumentedLayout() throws {
        // accepted: kind 0x90, request 0, listener 9, new socket 10, peer 10.0.1.10:49153, local 10.0.2.20:7000
        let accepted = AppMessage.accepted(socket: 9, newSocket: 10, peer: IPv4Address(10, 0, 1, 10), peerPort: 49153,
                                           localAddress: IPv4Address(10, 0, 2, 20), localPort: 7000).encoded()
        #expect(accepted == [0x90, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 10, 10, 0, 1, 10, 0xC0, 0x01, 10, 0, 2, 20, 0x1B, 0x58])
        let sent = AppMessage.sent(request: 5, socket: 10, count: 1000).encoded()
        #expect(sent == [0x93, 0, 0, 0, 5, 0, 0, 0, 10, 0, 0, 0x03, 0xE8])
        let credit = AppMessage.credit(socket: 10, bytes: 65_536).encoded()
        #expect(credit == [0x95, 0, 0, 0, 0, 0, 0, 0, 10, 0, 1, 0, 0])
        let write = AppMessage.write(socket: 10, payload: [0xAB]).encoded()
        #expect(write == [0x13, 0, 0, 0, 0, 0, 0, 0, 10, 0xAB])
        #expect(AppMessage.encodedWrite(socket: 10, payload: [0xAB, 0xCD][1...]) == [0x13, 0, 0, 0, 0, 0, 0, 0, 10, 0xCD])
        let hello = AppMessage.hello(request: 1, pid: 7, features: .writeCredit, name: "a").encoded()
        #expect(hello == [0x01, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0x61])
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: [0x95, 0, 0, 0, 0, 0, 0, 0, 9, 0]) }
        // streamBatch: head with socket 0, then socket u32, length u32, bytes per record.
        let batch = AppMessage.streamBatch([AppStreamChunk(socket: 10, payload: [0xAB])]).encoded()
        #expect(batch == [0x96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 1, 0xAB])
        for length in 10..<batch.count {  // a record cut anywhere is refused
            #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: Array(batch[..<length])) }
        }
        let lying = [0x96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0xFF, 0xFF, 0xFF, 0xFF, 0xAB] as [UInt8]
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: lying) }
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: [0x11, 0, 0, 0, 1, 0, 0, 0, 9, 7]) }
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: [0x90, 0, 0, 0, 0, 0, 0, 0, 9, 0]) }
    }

    @Test func truncatedOrUnknownMessages_throwAndNeverTrap() {
        let good = AppMessage.icmpError(socket: 1, from: .any, type: 3, code: 3, originalDestination: .any,
                                        originalPort: 1).encoded()
        for length in 0..<good.count {
            #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: Array(good[..<length])) }
        }
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: [0x7F, 0, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: AppMessage.DecodingError.self) { try AppMessage(decoding: [0x02, 0, 0, 0, 1, 0, 0, 0, 0, 99]) }
    }

    @Test func statuses_readLikeErrno() {
        #expect(NetworkError(status: .connectionRefused)?.description == "connection refused")
        #expect(NetworkError(status: .hostUnreachable)?.description == "host unreachable")
        #expect(NetworkError(status: .ok) == nil)
    }
}
