import Foundation
import RawNetApps
import RawNetContracts
import RawNetLabModel
import RawNetSocket
import RawNetWire

/// What the page asks to join (the query of `/chat`): on `host`, the room at `room` (an
/// address or a node's name) and `port`, over TCP or UDP, as `name`.
struct WebChatRequest: Sendable {
    var host: String
    var room: String
    var port: UInt16
    var isUDP: Bool
    var name: String

    /// Reads the query; the error says which field is wrong.
    init(query: [String: String]) throws(WebChatError) {
        guard let host = query["host"], !host.isEmpty else { throw WebChatError("choose a host to chat from") }
        guard let room = query["room"], !room.isEmpty else { throw WebChatError("choose the room's host or address") }
        guard let portText = query["port"], let port = UInt16(portText), port > 0 else {
            throw WebChatError("the room's port must be from 1 to 65535, not '\(query["port"] ?? "")'")
        }
        let name = query["name"] ?? "web"
        guard ChatProtocol.isValidName(name) else {
            throw WebChatError("a chat name is 1 to 32 characters without spaces or colons, not '\(name)'")
        }
        let transport = (query["proto"] ?? "tcp").lowercased()
        guard ["tcp", "udp"].contains(transport) else { throw WebChatError("tcp or udp, not '\(transport)'") }
        self.host = host
        self.room = room
        self.port = port
        self.isUDP = transport == "udp"
        self.name = name
    }
}

struct WebChatError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One chat member for a page: a client of the room on a lab host, through the socket
/// library exactly as `rawnet chat HOST --connect ROOM:PORT` is (TCP: its name as the first
/// line, then lines; UDP: `HELLO`, numbered datagrams, `BYE`). It runs on its own thread;
/// the page's lines wait in a bounded queue, and what the room sends goes to `show`.
final class WebChatMember: @unchecked Sendable {
    let request: WebChatRequest
    let runDirectory: String
    let roomAddress: IPv4Address
    /// The host's first address (a UDP socket connected without binding may name none).
    let hostAddress: IPv4Address
    private let lock = NSLock()
    private var outbox: [String] = []
    private var stopped = false
    /// Lines from the page refused because `outboxLimit` were already waiting.
    private(set) var refusedLines = 0
    let outboxLimit = 64

    init(request: WebChatRequest, runDirectory: String, topology: Topology) throws(WebChatError) {
        self.request = request
        self.runDirectory = runDirectory
        guard topology.node(named: request.host)?.kind == .host else {
            throw WebChatError("'\(request.host)' is not a host of lab '\(topology.name)'")
        }
        do {
            roomAddress = try topology.resolveAddress(request.room)
            hostAddress = try topology.resolveAddress(request.host)
        } catch {
            throw WebChatError(error.description)
        }
    }

    /// Queues a line for the room; false when the queue is full (the line is counted and not sent).
    func send(_ line: String) -> Bool {
        lock.withLock {
            guard outbox.count < outboxLimit else { refusedLines += 1; return false }
            outbox.append(line)
            return true
        }
    }

    func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }
    private func takeOutbox() -> [String] { lock.withLock { defer { outbox = [] }; return outbox } }

    /// Starts the member's thread; `joined` gets the member's own address and port once it
    /// has a socket, `show` each line for the page, `end` the reason it ended.
    func start(joined: @escaping @Sendable (String) -> Void, show: @escaping @Sendable (String) -> Void,
               end: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            do {
                let host = try HostConnection(runDirectory: runDirectory, host: request.host, appName: "web-chat")
                let reason = try request.isUDP ? runUDP(host, joined: joined, show: show) : runTCP(host, joined: joined, show: show)
                host.close()
                end(reason)
            } catch {
                end("\(error)")
            }
        }
        thread.name = "rawnet-web-chat"
        thread.start()
    }

    private func runTCP(_ host: HostConnection, joined: (String) -> Void, show: (String) -> Void) throws(NetworkError) -> String {
        let stream = try TCPStream.connect(host, to: roomAddress, port: request.port,
                                           options: TCPOptions(isNagleEnabled: false))
        joined("\(stream.localAddress):\(stream.localPort)")
        show("* \(request.name) on \(request.host) (\(stream.localAddress):\(stream.localPort)) → room \(roomAddress):\(request.port) over TCP")
        try stream.write(request.name + "\n")
        while !isStopped {
            while let line = try stream.readLine(timeout: .zero) { show(line) }
            if stream.isEndOfStream {
                stream.close()
                return "the room closed the connection"
            }
            for line in takeOutbox() { try stream.write(line + "\n") }
            try host.wait(timeout: .milliseconds(20))
        }
        stream.close()
        return "left"
    }

    private func runUDP(_ host: HostConnection, joined: (String) -> Void, show: (String) -> Void) throws(NetworkError) -> String {
        let socket = try UDPSocket(host)
        try socket.connect(to: roomAddress, port: request.port)
        joined("\(socket.localAddress == .any ? hostAddress : socket.localAddress):\(socket.localPort)")
        show("* \(request.name) on \(request.host) (port \(socket.localPort)) → room \(roomAddress):\(request.port) over UDP")
        try socket.send(Array("HELLO \(request.name)".utf8))
        var sequence = 0
        var tracker = ChatSequenceTracker()
        while !isStopped {
            while true {
                let datagram: UDPDatagram?
                do { datagram = try socket.receive(timeout: .zero) } catch .connectionRefused {
                    show("* no room answers on \(roomAddress):\(request.port) (ICMP port unreachable)")
                    continue
                }
                guard let datagram else { break }
                guard let message = ChatProtocol.Datagram(parsing: datagram.payload) else {
                    show(String(decoding: datagram.payload, as: UTF8.self))
                    continue
                }
                let verdict = tracker.record(message.name, sequence: message.sequence)
                let mark = tracker.mark(verdict, sequence: message.sequence, from: message.name)
                show("\(message.name): \(message.text)" + (mark.map { " " + $0 } ?? ""))
            }
            for line in takeOutbox() {
                sequence += 1
                try? socket.send(ChatProtocol.Datagram(sequence: sequence, name: request.name, text: line).encoded)
            }
            try host.wait(timeout: .milliseconds(20))
        }
        try? socket.send(Array("BYE \(request.name)".utf8))
        try? socket.close()
        return "left"
    }
}
