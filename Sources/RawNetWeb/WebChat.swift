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
        guard let host = query["host"], !host.isEmpty else {
            throw WebChatError("choose a host to chat from", ko: "채팅할 호스트를 고르세요")
        }
        guard let room = query["room"], !room.isEmpty else {
            throw WebChatError("choose the room's host or address", ko: "방이 있는 호스트나 주소를 고르세요")
        }
        guard let portText = query["port"], let port = try? DestinationPort.port(portText) else {
            let given = query["port"] ?? ""
            throw WebChatError("the room's port must be from 1 to 65535, not '\(given)'",
                               ko: "방의 포트는 1부터 65535까지입니다('\(given)'은 안 됩니다)")
        }
        let name = query["name"] ?? "web"
        guard ChatProtocol.isValidName(name) else {
            throw WebChatError("a chat name is 1 to 32 characters without spaces or colons, not '\(name)'",
                               ko: "채팅 이름은 공백과 콜론 없이 1~32자입니다('\(name)'은 안 됩니다)")
        }
        let transport = (query["proto"] ?? "tcp").lowercased()
        guard ["tcp", "udp"].contains(transport) else {
            throw WebChatError("tcp or udp, not '\(transport)'", ko: "tcp나 udp 중 하나입니다('\(transport)'은 안 됩니다)")
        }
        self.host = host
        self.room = room
        self.port = port
        self.isUDP = transport == "udp"
        self.name = name
    }
}

/// A note of the page's chat in both of the page's languages; the page shows the one chosen.
struct WebChatText: Sendable, Equatable {
    var en: String
    var ko: String
    /// What the room sent: the same in either language.
    init(_ en: String, ko: String? = nil) {
        self.en = en
        self.ko = ko ?? en
    }
}

struct WebChatError: Error, CustomStringConvertible {
    var text: WebChatText
    var description: String { text.en }
    init(_ en: String, ko: String) { text = WebChatText(en, ko: ko) }
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
            throw WebChatError("'\(request.host)' is not a host of lab '\(topology.name)'",
                               ko: "'\(request.host)'은 실습 네트워크 '\(topology.name)'의 호스트가 아닙니다")
        }
        do {
            roomAddress = try topology.resolveAddress(request.room)
            hostAddress = try topology.resolveAddress(request.host)
        } catch {
            throw WebChatError(error.description, ko: "주소를 알 수 없습니다: \(error.description)")
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
    func start(joined: @escaping @Sendable (String) -> Void, show: @escaping @Sendable (WebChatText) -> Void,
               end: @escaping @Sendable (WebChatText) -> Void) {
        let thread = Thread { [self] in
            do {
                let host = try HostConnection(runDirectory: runDirectory, host: request.host, appName: "web-chat")
                let reason = try request.isUDP ? runUDP(host, joined: joined, show: show) : runTCP(host, joined: joined, show: show)
                host.close()
                end(reason)
            } catch let error as NetworkError {
                end(WebChatText(error.description, ko: error.koreanDescription))
            } catch {
                end(WebChatText("\(error)", ko: "오류: \(error)"))
            }
        }
        thread.name = "rawnet-web-chat"
        thread.start()
    }

    private func runTCP(_ host: HostConnection, joined: (String) -> Void,
                        show: (WebChatText) -> Void) throws(NetworkError) -> WebChatText {
        let stream = try TCPStream.connect(host, to: roomAddress, port: request.port,
                                           options: TCPOptions(isNagleEnabled: false))
        let local = "\(stream.localAddress):\(stream.localPort)"
        joined(local)
        let room = "\(roomAddress):\(request.port)"
        show(WebChatText("* \(request.name) on \(request.host) (\(local)) → room \(room) over TCP",
                         ko: "* \(request.host)의 \(request.name)(\(local)) → 방 \(room), TCP로"))
        try stream.write(request.name + "\n")
        while !isStopped {
            while let line = try stream.readLine(timeout: .zero) { show(WebChatText(line, ko: ChatProtocol.korean(line))) }
            if stream.isEndOfStream {
                stream.close()
                return WebChatText("the room closed the connection", ko: "방이 연결을 닫았습니다")
            }
            for line in takeOutbox() { try stream.write(line + "\n") }
            try host.wait(timeout: .milliseconds(20))
        }
        stream.close()
        return WebChatText("left", ko: "나갔습니다")
    }

    private func runUDP(_ host: HostConnection, joined: (String) -> Void,
                        show: (WebChatText) -> Void) throws(NetworkError) -> WebChatText {
        let socket = try UDPSocket(host)
        try socket.connect(to: roomAddress, port: request.port)
        joined("\(socket.localAddress == .any ? hostAddress : socket.localAddress):\(socket.localPort)")
        let room = "\(roomAddress):\(request.port)"
        show(WebChatText("* \(request.name) on \(request.host) (port \(socket.localPort)) → room \(room) over UDP",
                         ko: "* \(request.host)의 \(request.name)(포트 \(socket.localPort)) → 방 \(room), UDP로"))
        try socket.send(Array("HELLO \(request.name)".utf8))
        var sequence = 0
        var tracker = ChatSequenceTracker()
        while !isStopped {
            while true {
                let datagram: UDPDatagram?
                do { datagram = try socket.receive(timeout: .zero) } catch .connectionRefused {
                    show(WebChatText("* no room answers on \(room) (ICMP port unreachable)",
                                     ko: "* \(room)에서 답하는 방이 없습니다 (ICMP port unreachable)"))
                    continue
                }
                guard let datagram else { break }
                guard let message = ChatProtocol.Datagram(parsing: datagram.payload) else {
                    if let numbering = ChatProtocol.Numbering(parsing: datagram.payload) {
                        tracker.start(numbering.name, after: numbering.count)
                        let notice = String(decoding: datagram.payload, as: UTF8.self)
                        show(WebChatText(notice, ko: ChatProtocol.korean(notice)))
                        continue
                    }
                    tracker.follow(notice: datagram.payload)
                    let notice = String(decoding: datagram.payload, as: UTF8.self)
                    show(WebChatText(notice, ko: ChatProtocol.korean(notice)))
                    continue
                }
                let verdict = tracker.record(message.name, sequence: message.sequence)
                let line = "\(message.name) #\(message.sequence): \(message.text)"   // numbered, as the terminal chat shows it
                let mark = tracker.mark(verdict, sequence: message.sequence, from: message.name)
                let markKo = tracker.markKorean(verdict, sequence: message.sequence, from: message.name)
                show(WebChatText(line + (mark.map { " " + $0 } ?? ""), ko: line + (markKo.map { " " + $0 } ?? "")))
            }
            for line in takeOutbox() {
                sequence += 1
                try? socket.send(ChatProtocol.Datagram(sequence: sequence, name: request.name, text: line).encoded)
            }
            try host.wait(timeout: .milliseconds(20))
        }
        try? socket.send(ChatProtocol.Goodbye(name: request.name, sent: sequence).encoded)
        try? socket.close()
        return WebChatText("left", ko: "나갔습니다")
    }
}
