import RawNetCore
import RawNetSocket
import RawNetView
import RawNetWire

/// Scenes that need TCP sockets: encapsulation of a chat line, handshake,
/// delivery under loss, ordering under reordering, the close.
extension Demo {
    func encapsulationScene() throws {
        // Until TCP sockets exist, the same line travels in a UDP datagram.
        skipForTCP(.encapsulation)
        let bob = try host("bob", app: "chat")
        let receiver = try UDPSocket(bob)
        try receiver.bind(port: 7000)
        let alice = try host("alice", app: "chat")
        let sender = try UDPSocket(alice)
        try sender.bind(port: 0)
        try sender.send(Array("hello, bob\n".utf8), to: Self.bobAddress, port: 7000)
        _ = try receiver.receive(timeout: .seconds(1))
        let events = collect()
        let frame = events.first { $0.node == "alice" && $0.kind == .sent && isUDP($0, to: 7000) }?.frame
        if let frame {
            for line in Encapsulation.render(frame: frame, usesColour: options.usesColour).split(separator: "\n", omittingEmptySubsequences: false) {
                say("  " + line)
            }
        }
        check(frame != nil, "the frame carrying \"hello, bob\" as it left alice:eth0")
        try? sender.close(); try? receiver.close()
    }

    func tcpScene(_ scene: DemoScene) throws {
        skipForTCP(scene)
    }
}
