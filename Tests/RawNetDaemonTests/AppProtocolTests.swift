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
            .hello(request: 1, pid: 4242, name: "ping"),
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
        ]
        for message in messages {
            #expect(try AppMessage(decoding: message.encoded()) == message)
        }
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
