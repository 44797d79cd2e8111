import RawNetContracts
import RawNetSocket
import RawNetView
import RawNetWire

/// `rawnet chat HOST --listen PORT`: a chat room. TCP clients on PORT and UDP
/// clients on the same port number (see `ChatProtocol`), bridged: every line
/// reaches every member, marked when it crossed over — a UDP member's line
/// reaches TCP members as `NAME (udp #SEQ): text`, a TCP member's line reaches
/// UDP members as a datagram from `NAME (tcp)`, numbered by the room so their
/// screens mark its losses too. Runs until the process is stopped; `log` gets
/// one line per join, leave and message.
public struct ChatRoom {
    public var port: UInt16
    /// The language of the room's own screen; what goes on the wire is the protocol's.
    public var language: ViewLanguage = .en
    public init(port: UInt16) { self.port = port }
    /// The most members over UDP a room takes.
    static let maximumUDPMembers = 256

    private final class Member {
        let stream: TCPStream
        var name: String?
        var isGone = false
        init(stream: TCPStream) { self.stream = stream }
        var label: String { "\(stream.remoteAddress):\(stream.remotePort)" }
    }

    /// Runs the room; returns only on a host error. `until` is asked between
    /// rounds whether to stop (tests); `log` gets every event.
    public func run(on host: HostConnection, until shouldStop: () -> Bool = { false },
                    log shown: (String) -> Void) throws(NetworkError) {
        let isKorean = language == .ko
        // The room's screen: its notices and marks in Korean when it speaks Korean.
        func log(_ line: String) { shown(isKorean ? ChatProtocol.korean(line) : line) }
        let listener = try TCPListener(host, port: port, backlog: 32, options: TCPOptions(isNagleEnabled: false))
        let udp = try UDPSocket(host)
        try udp.bind(port: listener.localPort)
        log(isKorean ? "대화방을 열었습니다: \(host.host) 포트 \(listener.localPort) (TCP와 UDP)"
            : "room open on \(host.host) port \(listener.localPort) (tcp and udp)")
        log(isKorean ? "이 터미널은 대화방을 보여 주기만 합니다. 채팅하려면 다른 터미널에서 들어오세요:"
            : "this terminal only shows the room; to chat, join it from another one:")
        log("  rawnet chat HOST --connect \(host.host):\(listener.localPort) --name NAME")
        var members: [Member] = []
        var udpPeers: [String: (IPv4Address, UInt16)] = [:]  // "address:port" → peer
        var udpNames: [String: String] = [:]
        var bridgedSequence: [String: Int] = [:]  // per TCP member name, for its lines sent over UDP
        // Per UDP sender, what reached the room: its gaps are shown to TCP members, and its
        // highest line tells a newcomer where that sender's numbering stands.
        var arrivals = ChatSequenceTracker()

        func broadcastTCP(_ line: String) {
            for member in members where member.name != nil && !member.isGone {
                do { try member.stream.write(line + "\n") } catch { member.isGone = true }
            }
        }
        func broadcastUDP(_ bytes: [UInt8]) {
            for (address, port) in udpPeers.values { try? udp.send(bytes, to: address, port: port) }
        }
        /// A notice for everyone (TCP and UDP members alike).
        func broadcast(_ line: String) {
            log(line)
            broadcastTCP(line)
            broadcastUDP(Array(line.utf8))
        }
        /// A TCP member's line: as it is to TCP members, numbered and marked to UDP members.
        func broadcastMessage(from name: String, _ line: String) {
            let text = ChatProtocol.visible(line)
            shown("\(name): \(text)")
            broadcastTCP("\(name): \(text)")
            let bridged = "\(name) (tcp)"
            bridgedSequence[bridged, default: 0] += 1
            broadcastUDP(ChatProtocol.Datagram(sequence: bridgedSequence[bridged]!, name: bridged, text: text).encoded)
        }

        while !shouldStop() {
            try host.wait(timeout: .milliseconds(500))
            while let stream = try listener.accept(timeout: .zero) { members.append(Member(stream: stream)) }
            for member in members where !member.isGone {
                do {
                    while let line = try member.stream.readLine(timeout: .zero) {
                        if let name = member.name {
                            broadcastMessage(from: name, line)
                        } else {
                            let wanted = line.trimmingSpaces()
                            member.name = ChatProtocol.isValidName(wanted) ? wanted : "guest\(member.stream.remotePort)"
                            broadcast("* \(member.name!) joined from \(member.label)")
                        }
                    }
                    if member.stream.isEndOfStream { member.isGone = true }
                } catch {
                    member.isGone = true
                }
            }
            for member in members where member.isGone {
                member.stream.close()
                if let name = member.name {
                    member.name = nil
                    // Back, it is numbered from 1 again (UDP members restart it on the notice),
                    // and a newcomer is not told of lines from a member no longer here.
                    bridgedSequence["\(name) (tcp)"] = nil
                    broadcast("* \(name) left")
                }
            }
            members.removeAll { $0.isGone }
            while let datagram = try? udp.receive(timeout: .zero) {
                let key = "\(datagram.from):\(datagram.port)"
                let text = String(decoding: datagram.payload, as: UTF8.self)
                if text.hasPrefix("HELLO ") {
                    // A name as a TCP member's is checked; and the members are bounded, as a
                    // room hears datagrams from anyone.
                    let wanted = String(text.dropFirst(6)).trimmingSpaces()
                    let name = ChatProtocol.isValidName(wanted) ? wanted : "guest\(datagram.port)"
                    guard udpPeers[key] != nil || udpPeers.count < Self.maximumUDPMembers else {
                        try? udp.send(Array("* the room is full (\(Self.maximumUDPMembers) members over udp)".utf8),
                                      to: datagram.from, port: datagram.port)
                        continue
                    }
                    udpPeers[key] = (datagram.from, datagram.port)
                    udpNames[key] = name
                    arrivals.restart(name)
                    log("* \(name) joined over udp from \(key)")
                    broadcastUDP(Array("* \(name) joined from \(key)".utf8))
                    broadcastTCP("* \(name) joined over udp from \(key)")
                    // Where each sender's numbering stands, so the newcomer's first line from
                    // each is not taken for the end of a run of lost ones.
                    let counts = bridgedSequence.merging(arrivals.highestLines) { max($0, $1) }
                    for (sender, count) in counts.sorted(by: { $0.key < $1.key }) where sender != name {
                        try? udp.send(ChatProtocol.Numbering(name: sender, count: count).encoded,
                                      to: datagram.from, port: datagram.port)
                    }
                } else if text.hasPrefix("BYE ") {
                    let name = udpNames[key] ?? key
                    let sent = ChatProtocol.Goodbye(parsing: datagram.payload)?.sent
                    // Its last lines that never came: no later line of its own would show the gap.
                    let unseen = sent.map { arrivals.ended(name, after: $0) } ?? 0
                    udpPeers[key] = nil
                    udpNames[key] = nil
                    arrivals.restart(name)   // back, it numbers from 1 again
                    let notice = ChatProtocol.leftNotice(name, sent: sent, unseenAtEnd: unseen)
                    log(notice + " (udp)")
                    broadcastUDP(Array(notice.utf8))
                    broadcastTCP(notice + " (udp)")
                } else if udpPeers[key] != nil, let message = ChatProtocol.Datagram(parsing: datagram.payload) {
                    let text = ChatProtocol.visible(message.text)
                    broadcastUDP(datagram.payload)
                    // TCP members learn the gaps the room saw, as a UDP member's screen marks them.
                    let verdict = arrivals.record(message.name, sequence: message.sequence)
                    let mark = arrivals.mark(verdict, sequence: message.sequence, from: message.name)
                    let line = "\(message.name) (udp #\(message.sequence)): \(text)"
                    switch verdict {
                    case .inOrder:
                        shown("\(message.name) #\(message.sequence): \(text)")
                        broadcastTCP(line)
                    case .gap:
                        shown(isKorean ? "\(ChatSequenceTracker.koreanMark(mark ?? "") ?? "") (\(message.name)에게서)"
                            : "\(mark ?? "") (from \(message.name))")
                        shown("\(message.name) #\(message.sequence): \(text)")
                        broadcastTCP("\(mark ?? "") (from \(message.name), as the room saw it)")
                        broadcastTCP(line)
                    case .late, .duplicate:
                        let shownMark = isKorean ? ChatSequenceTracker.koreanMark(mark ?? "") ?? "" : mark ?? ""
                        shown("\(message.name) #\(message.sequence): \(text) \(shownMark)")
                        broadcastTCP(line + " " + (mark ?? ""))
                    }
                }
            }
        }
        listener.close()
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
