import RawNetContracts
import RawNetSocket
import RawNetWire
import Testing

/// The socket library on its own, without a host daemon.
@Suite struct SocketLibraryTests {
    @Test func tcpOptions_becomeTheAppProtocolsSetOptionPairs() {
        let options = TCPOptions(isNagleEnabled: false, isDelayedAckEnabled: true, congestionControl: .bbr,
                                 sendBufferSize: 65536, receiveBufferSize: 131072)
        let pairs = options.settings.map { "\($0.0):\($0.1)" }
        #expect(pairs == ["\(AppSocketOption.noDelay):1", "\(AppSocketOption.delayedAck):1",
                          "\(AppSocketOption.congestionControl):2", "\(AppSocketOption.sendBufferSize):65536",
                          "\(AppSocketOption.receiveBufferSize):131072"])
        #expect(TCPOptions().settings.isEmpty)
        #expect(TCPCongestion.allCases.map(\.optionValue) == [0, 1, 2])
    }

    @Test func aHostThatIsNotRunning_isAClearError() {
        let directory = "/tmp/rawnet-socket-tests-\(UInt32.random(in: 0 ... .max))"
        #expect(HostConnection.appAPIPath(runDirectory: directory, host: "alice") == directory + "/alice.api")
        do {
            _ = try HostConnection(runDirectory: directory, host: "alice", appName: "test")
            Issue.record("connected to a host that does not exist")
        } catch {
            guard case .hostNotRunning(let host, let path, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(host == "alice" && path == directory + "/alice.api")
            #expect("\(error)".contains("alice"))
        }
        do {
            _ = try HostControl(runDirectory: directory, host: "bob")
            Issue.record("reached the control socket of a host that does not exist")
        } catch {
            guard case .hostNotRunning(let host, let path, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(host == "bob" && path == directory + "/bob.ctl")
        }
    }

    @Test func appMessages_roundTripThroughTheirEncoding() throws {
        let messages: [AppMessage] = [
            .connect(request: 7, socket: 3, address: IPv4Address(10, 0, 2, 20), port: 7000),
            .write(socket: 3, payload: Array("hello".utf8)),
            .peerClosed(socket: 3),
        ]
        for message in messages {
            #expect(try AppMessage(decoding: message.encoded()) == message)
        }
    }
}
