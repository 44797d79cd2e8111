import RawNetContracts
import RawNetCore
import RawNetSocket
import RawNetView
import RawNetWire

/// `rawnet chat HOST --connect DEST:PORT [--name NAME] [--udp]`: reads lines
/// from standard input and sends them to the room; shows what the room
/// sends. Slash commands change this host's link while chatting (through
/// the host daemon's control socket) or show the connection's TCP internals.
public struct ChatClient {
    public var room: IPv4Address
    public var port: UInt16
    public var name: String
    public var isUDP = false
    /// Colours and a prompt (when standard output is a terminal).
    public var isColored = false
    /// The language of the chat's own words and of the room's notices on this screen
    /// (what members type is shown as typed).
    public var language: ViewLanguage = .en
    /// The terminal is in character mode and the chat draws the line being typed itself
    /// (`LineEditor`), below the lines it prints, so arriving lines never split it.
    public var editsLine = false
    /// For slash commands that impair the host's link; nil disables them.
    public var control: HostControl?
    /// UDP: how long to wait for late lines after the end of input.
    public var lingerAfterInput: Duration = .seconds(1)
    /// `lingerAfterInput` in seconds, on the terminal's clock.
    var lingerSeconds: Double {
        Double(lingerAfterInput.components.seconds) + Double(lingerAfterInput.components.attoseconds) / 1e18
    }

    public init(room: IPv4Address, port: UInt16, name: String) {
        self.room = room
        self.port = port
        self.name = name
    }

    /// What a UDP session saw, printed at the end (and used by tests).
    public struct Summary: Sendable, Equatable {
        public var received = 0
        public var lost = 0
        public var late = 0
        public var duplicates = 0
    }

    /// Runs until standard input ends, `/quit`, or the room goes away.
    /// `show` gets every line for the screen.
    @discardableResult
    public func run(on host: HostConnection, show: @escaping (String) -> Void) throws(NetworkError) -> Summary {
        var session = ChatSession(client: self, show: show)
        // However it ends (`/quit`, end of input, the room gone, an error joining), the prompt
        // row is cleared: what comes next (the shell's prompt, an error) starts on a clean row.
        defer { session.end() }
        return try isUDP ? session.runUDP(on: host) : session.runTCP(on: host)
    }
}

/// One running chat: the screen, the slash commands, the impairment in force.
struct ChatSession {
    let client: ChatClient
    let show: (String) -> Void
    /// What is in force on each interface this chat changed, as the host last answered
    /// (nil: a perfect wire), for the reminder at the end.
    var impairment: [String: String] = [:]
    /// The interfaces it changed, in the host's order.
    var impairedInterfaces: [String] = []
    var input = LineBuffer()
    var summary = ChatClient.Summary()
    /// TCP: whether the chat said its lines are not being acknowledged, and when it last looked.
    var isStalled = false
    var lastStallCheck = 0.0
    /// UDP: the numbers of every sender's lines, as they came (`/stats` counts from it too).
    var tracker = ChatSequenceTracker()

    /// The line being typed, when the chat draws it (`ChatClient.editsLine`).
    let typing: TypedLine?

    /// `terminal` writes what draws the line being typed (the terminal itself, but in tests).
    init(client: ChatClient, show: @escaping (String) -> Void, terminal: @escaping (String) -> Void = AppTerminal.write) {
        self.client = client
        guard client.editsLine else {
            self.show = show
            typing = nil
            return
        }
        let typing = TypedLine(prompt: client.isColored ? "\u{1B}[2m>\u{1B}[0m " : "> ", promptWidth: 2, terminal: terminal)
        self.typing = typing
        // Every line printed goes above the line being typed, which is drawn again under it.
        self.show = { line in
            guard typing.isOpen else { return show(line) }
            terminal(LineEditor.clear)
            show(line)
            typing.redraw()
        }
        typing.redraw()
    }

    /// The chat is over: the prompt row is cleared and nothing is drawn under the last lines.
    func end() {
        typing?.close()
    }

    /// The lines typed since the last look, and whether input ended (end of file, Ctrl-D on
    /// an empty line, Ctrl-C). Blocks until standard input has something.
    mutating func readTyped() throws(NetworkError) -> (lines: [String], ended: Bool) {
        let bytes = try AppTerminal.readInput()
        guard let typing else {
            input.append(bytes, atEnd: bytes.isEmpty)
            var lines: [String] = []
            while let line = input.nextLine() { lines.append(line) }
            return (lines, bytes.isEmpty)
        }
        guard !bytes.isEmpty else { typing.close(); return ([], true) }
        var lines: [String] = []
        for event in typing.editor.feed(bytes) {
            switch event {
            case .line(let text):
                // The line stays on the screen as typed, as a terminal's own echo would leave it.
                typing.terminal(LineEditor.clear + typing.prompt + text + "\n")
                lines.append(text)
            case .endOfInput, .interrupt:
                typing.close()
                return (lines, true)
            }
        }
        typing.redraw()
        return (lines, false)
    }

    // MARK: TCP

    mutating func runTCP(on host: HostConnection) throws(NetworkError) -> ChatClient.Summary {
        // Said before the handshake, which may take long: a lost SYN is sent again after 1 s, then 3 s, 7 s, …
        show(paint(say("chat: connecting to room \(client.room):\(client.port) over TCP …",
                       "채팅: 대화방 \(client.room):\(client.port)에 TCP로 연결하는 중 …"), .dim))
        let stream = try TCPStream.connect(host, to: client.room, port: client.port,
                                           options: TCPOptions(isNagleEnabled: false))
        show(paint(say("chat: \(client.name) on \(host.host) (\(stream.localAddress):\(stream.localPort)) → room \(client.room):\(client.port) over TCP. /help for commands.",
                       "채팅: \(host.host)의 \(client.name) (\(stream.localAddress):\(stream.localPort)) → 대화방 \(client.room):\(client.port), TCP. 명령은 /help로 봅니다."), .dim))
        try stream.write(client.name + "\n")
        var isInputDone = false
        while true {
            while let line = try stream.readLine(timeout: .zero) { show(render(line)) }
            if stream.isEndOfStream {
                show(paint(say("* the room closed the connection", "* 대화방이 연결을 닫았습니다"), .dim))
                stream.close()
                remindOfImpairment()
                return summary
            }
            if isInputDone {
                // A FIN after every line typed; then what the room still says is read until it
                // closes its side (or a moment passes), so no line it sent is left unread, which
                // would make the close a RST that could overtake the last lines on their way.
                try? stream.shutdownWrite()
                let linger = client.lingerSeconds
                let deadline = AppTerminal.monotonicSeconds() + linger
                do {
                    while !stream.isEndOfStream, AppTerminal.monotonicSeconds() < deadline {
                        if let line = try stream.readLine(timeout: .milliseconds(50)) { show(render(line)) }
                    }
                } catch {
                    // The room went away meanwhile: nothing more to read.
                }
                stream.close()
                remindOfImpairment()
                return summary
            }
            // Woken at least once a second, to notice a connection that stopped being acknowledged.
            let ready = try host.wait(timeout: .seconds(1), alsoWatching: [AppTerminal.standardInput])
            watchForStall(stream)
            guard ready.contains(AppTerminal.standardInput) else { continue }
            let (lines, ended) = try readTyped()
            if ended { isInputDone = true }
            for line in lines {
                if line.hasPrefix("/") {
                    if command(line, stream: stream) == .quit { isInputDone = true; break }
                } else if !line.isEmpty {
                    try stream.write(line + "\n")
                }
            }
        }
    }

    /// A TCP chat whose lines stopped being acknowledged shows nothing by itself (TCP keeps
    /// them and resends): once the retransmission timer has backed off to `stallRTO` or more
    /// with lines unacknowledged, say so, and say when the room acknowledges everything again.
    mutating func watchForStall(_ stream: TCPStream) {
        let now = AppTerminal.monotonicSeconds()
        guard now - lastStallCheck >= 1 else { return }
        lastStallCheck = now
        guard let status = try? stream.status() else { return }
        let waiting = status.sendQueue ?? 0
        if !isStalled, waiting > 0, let rto = status.rto, rto > Self.stallRTO {
            isStalled = true
            let rtoText = TCPSocketStatus.readableTime(rto)
            show(paint(say("* the room has not acknowledged for a while: \(waiting) bytes wait, resent \(status.retransmissions) times so far, "
                           + "the timer backed off to \(rtoText) (a node down, a cable cut, or heavy loss on the way: rawnet status); "
                           + "TCP keeps them and goes on resending",
                           "* 대화방이 한동안 확인 응답(ACK)을 보내지 않았습니다: \(waiting)바이트가 기다리는 중, 지금까지 재전송 \(status.retransmissions)회, "
                           + "타이머는 \(rtoText)까지 늘었습니다 (노드가 멈췄거나 케이블이 끊겼거나 가는 길의 손실이 큼: rawnet status). "
                           + "TCP는 줄을 간직하고 계속 다시 보냅니다"), .warning))
        } else if isStalled, waiting == 0 {
            isStalled = false
            show(paint(say("* the room acknowledges again: every line sent got through",
                           "* 대화방이 다시 확인 응답을 보냅니다: 보낸 줄이 모두 도착했습니다"), .dim))
        }
    }

    /// The retransmission timeout beyond which a connection is stalled: several backoffs past
    /// any round trip of the lab (the initial timeout is 1 s). Exactly 3 s is what data starts
    /// with after a handshake whose SYN was lost (RFC 6298 §5.7), not yet a stall.
    static let stallRTO: Duration = .seconds(3)

    // MARK: UDP

    mutating func runUDP(on host: HostConnection) throws(NetworkError) -> ChatClient.Summary {
        let socket = try UDPSocket(host)
        try socket.connect(to: client.room, port: client.port)
        show(paint(say("chat: \(client.name) on \(host.host) (port \(socket.localPort)) → room \(client.room):\(client.port) over UDP: lines may be lost or come out of order. /help for commands.",
                       "채팅: \(host.host)의 \(client.name) (포트 \(socket.localPort)) → 대화방 \(client.room):\(client.port), UDP: 줄이 손실되거나 순서가 바뀔 수 있습니다. 명령은 /help로 봅니다."), .dim))
        try socket.send(Array("HELLO \(client.name)".utf8))
        var sequence = 0
        // Its own lines come back numbered from 1: a gap in them is never "before you joined".
        tracker.own(client.name)
        var inputEndedAt: Double?
        while true {
            while let datagram = try receiveUDP(socket) {
                guard let message = ChatProtocol.Datagram(parsing: datagram.payload) else {
                    if let numbering = ChatProtocol.Numbering(parsing: datagram.payload) {
                        tracker.start(numbering.name, after: numbering.count)
                    } else {
                        tracker.follow(notice: datagram.payload)
                    }
                    let notice = Self.udpNotice(String(decoding: datagram.payload, as: UTF8.self))
                    show(paint(ChatProtocol.visible(roomLine(notice)), .dim))
                    continue
                }
                // Numbered as it came, so a mark's "#4–#5" points at lines on the screen.
                let line = render("\(message.name) #\(message.sequence): \(message.text)")
                let verdict = tracker.record(message.name, sequence: message.sequence)
                let mark = client.language == .ko ? tracker.markKorean(verdict, sequence: message.sequence, from: message.name)
                    : tracker.mark(verdict, sequence: message.sequence, from: message.name)
                switch verdict {
                case .inOrder: show(line)
                case .gap:
                    let whose = message.name == client.name ? say("(your own lines, back through the room)", "(내가 보낸 줄, 대화방을 거쳐 돌아온 것)")
                        : say("(from \(message.name))", "(\(message.name)에게서)")
                    show(paint(mark ?? "", .warning) + " " + paint(whose, .dim))
                    show(line)
                case .late, .duplicate: show(line + " " + paint(mark ?? "", .warning))
                }
            }
            if let ended = inputEndedAt {
                let linger = client.lingerSeconds
                if AppTerminal.monotonicSeconds() - ended >= linger { break }
                try host.wait(timeout: .milliseconds(50))
                continue
            }
            let ready = try host.wait(timeout: nil, alsoWatching: [AppTerminal.standardInput])
            guard ready.contains(AppTerminal.standardInput) else { continue }
            let (lines, ended) = try readTyped()
            var quits = ended
            for line in lines {
                if line.hasPrefix("/") {
                    if command(line, stream: nil) == .quit { quits = true; break }
                } else if !line.isEmpty {
                    sequence += 1
                    try? socket.send(ChatProtocol.Datagram(sequence: sequence, name: client.name, text: line).encoded)
                }
            }
            if quits { inputEndedAt = AppTerminal.monotonicSeconds() }
        }
        try? socket.send(ChatProtocol.Goodbye(name: client.name, sent: sequence).encoded)
        // Its own lines come back through the room: those that never did are lost too, the last ones included.
        let ownUnseenAtEnd = tracker.ended(client.name, after: sequence)
        let ownMissing = tracker.missing(from: client.name) + ownUnseenAtEnd
        summary = ChatClient.Summary(received: tracker.receivedCount, lost: tracker.missingCount,
                                     late: tracker.lateCount, duplicates: tracker.duplicateCount)
        show(paint(say("udp summary: received \(summary.received), lost \(summary.lost), out of order \(summary.late), duplicates \(summary.duplicates)",
                       "udp 요약: 받음 \(summary.received), 잃음 \(summary.lost), 순서 어긋남 \(summary.late), 중복 \(summary.duplicates)"), .dim))
        if sequence > 0 {
            let lines = "\(sequence) \(sequence == 1 ? "line" : "lines")"
            show(paint(ownMissing == 0
                       ? say("udp: \(sequence == 1 ? "your line" : "all \(lines) of yours") came back through the room",
                             "udp: 보낸 \(sequence)줄이 모두 대화방을 거쳐 돌아왔습니다")
                       : say("udp: of your \(lines), \(ownMissing) never came back through the room",
                             "udp: 보낸 \(sequence)줄 중 \(ownMissing)줄이 대화방을 거쳐 돌아오지 않았습니다"), .dim))
        }
        try? socket.close()
        remindOfImpairment()
        return summary
    }

    /// A room notice to a UDP member, as the room and its TCP members read it. The room tells
    /// UDP members "* al left after N lines" and itself and TCP members "… (udp)" (the wire is
    /// kept); only a UDP member says how many lines it sent, so that one is shown as the room
    /// shows it. (Its own join stays "* bo joined from …": the wire does not say how others joined.)
    static func udpNotice(_ line: String) -> String {
        if ChatProtocol.leftCount(Array(line.utf8)) != nil, !line.hasSuffix(" (udp)") {
            return line + " (udp)"
        }
        return line
    }

    /// A datagram if one is here. An ICMP error about what was sent is shown, not fatal: over
    /// UDP it is news of one datagram, and the path may come back (a cable plugged in again).
    private func receiveUDP(_ socket: UDPSocket) throws(NetworkError) -> UDPDatagram? {
        do {
            return try socket.receive(timeout: .zero)
        } catch .connectionRefused {
            show(paint(say("* no room answers on \(client.room):\(client.port) (ICMP port unreachable)",
                           "* \(client.room):\(client.port)에서 답하는 대화방이 없습니다 (ICMP port unreachable)"), .warning))
            return nil
        } catch .hostUnreachable {
            show(paint(say("* \(client.room) unreachable (ICMP host unreachable): a node on the way, this host or a router, "
                           + "asked ARP for its next hop and got no answer (a node stopped, a cable down or unplugged, "
                           + "or an impairment losing ARP: rawnet status, rawnet impair --show); lines go on being sent",
                           "* \(client.room)에 닿을 수 없음 (ICMP host unreachable): 가는 길의 노드(이 호스트나 라우터)가 "
                           + "다음 홉을 ARP로 찾았지만 답이 없었습니다 (노드가 멈췄거나, 케이블이 내려갔거나 뽑혔거나, "
                           + "인위적 장애로 ARP가 손실됨: rawnet status, rawnet impair --show). 줄은 계속 보냅니다"), .warning))
            return nil
        } catch .networkUnreachable {
            show(paint(say("* no route to \(client.room) (ICMP network unreachable); lines go on being sent",
                           "* \(client.room)까지 가는 경로가 없습니다 (ICMP network unreachable). 줄은 계속 보냅니다"), .warning))
            return nil
        }
    }

    // MARK: Slash commands

    enum CommandResult { case handled, quit }

    mutating func command(_ line: String, stream: TCPStream?) -> CommandResult {
        let words = line.split(separator: " ").map(String.init)
        let verb = words.first?.dropFirst().lowercased() ?? ""
        switch verb {
        case "quit", "exit":
            return .quit
        case "help":
            show(paint(say("/loss 20%  /reorder 20%  /delay 50ms  /jitter 10ms  /duplicate 5%  /corrupt 1%",
                           "/loss 20%  /reorder 20%  /delay 50ms  /jitter 10ms  /duplicate 5%  /corrupt 1%"), .dim))
            show(paint(say("  impair what this host sends (0 turns one off); /clear: a perfect wire again",
                           "  이 호스트가 내보내는 프레임에 인위적 장애를 겁니다 (0은 끄기). /clear: 장애 없는 상태로 되돌립니다"), .dim))
            show(paint(client.isUDP
                       ? say("/stats (the lines counted so far: received, missing, out of order, duplicates)  /quit",
                             "/stats (지금까지 센 줄: 받음, 빠짐, 순서 어긋남, 중복)  /quit (나가기)")
                       : say("/stats (TCP internals: state, rto, srtt, cwnd, retransmissions)  /quit",
                             "/stats (TCP 내부 상태: 상태, rto, srtt, cwnd, 재전송)  /quit (나가기)"), .dim))
        case "loss", "reorder", "delay", "duplicate", "corrupt", "jitter":
            guard words.count == 2 else {
                let example = verb == "delay" || verb == "jitter" ? "50ms" : "20%"
                show(paint(say("usage: /\(verb) VALUE, e.g. /\(verb) \(example)", "사용법: /\(verb) 값, 예: /\(verb) \(example)"), .warning))
                break
            }
            // Only this setting changes: the others in force stay, whoever set them.
            let value = ["0", "0%", "0ms", "off"].contains(words[1].lowercased())
                ? (verb == "delay" || verb == "jitter" ? "0ms" : "0%") : words[1]
            applyImpairment("\(verb) \(value)")
        case "clear":
            applyImpairment(nil)
        case "stats":
            guard let stream else {
                // Missing so far: a line counted here may still come, late.
                let (received, missing, late, duplicates) = (tracker.receivedCount, tracker.missingCount,
                                                             tracker.lateCount, tracker.duplicateCount)
                show(paint(say("udp so far: received \(received), missing \(missing), out of order \(late), duplicates \(duplicates) "
                               + "(UDP has no connection state: the lines' numbers are all there is; a missing line may "
                               + "still come late; at /quit the missing ones count as lost, though a lost last line shows only "
                               + "once a later line or its sender's leaving reveals it)",
                               "udp 지금까지: 받음 \(received), 빠짐 \(missing), 순서 어긋남 \(late), 중복 \(duplicates) "
                               + "(UDP에는 연결 상태가 없어 줄 번호가 전부입니다. 빠진 줄은 늦게 올 수도 있고, "
                               + "/quit 때 빠진 줄은 잃음으로 셉니다. 다만 맨 끝 줄을 잃은 것은 다음 줄이 오거나 보낸 이가 나가야 드러납니다)"), .dim))
                break
            }
            do {
                let status = try stream.status()
                let time: (Duration?) -> String = TCPSocketStatus.readableTime
                let window: (Int?) -> String = TCPSocketStatus.readableWindow
                let measures = "tcp \(status.state)  rto \(time(status.rto))  srtt \(time(status.smoothedRTT))  cwnd \(window(status.congestionWindow))  ssthresh \(window(status.slowStartThreshold))"
                show(paint(say("\(measures)  retransmissions \(status.retransmissions) (\(status.retransmissionReasons()))  D-SACKs in \(status.dsacksReceived) out \(status.dsacksSent)  window cuts undone \(status.undos)  sent \(status.bytesSent) B (resends included)  received \(status.bytesReceived) B",
                               "\(measures)  재전송 \(status.retransmissions)회 (\(status.retransmissionReasons(language: "ko")))  D-SACK 받음 \(status.dsacksReceived) 보냄 \(status.dsacksSent)  윈도우 축소 되돌림 \(status.undos)회  보냄 \(status.bytesSent) B (재전송 포함)  받음 \(status.bytesReceived) B"), .dim))
            } catch {
                show(paint(say("stats: \(error)", "통계: \(error)"), .warning))
            }
        default:
            let known = ["quit", "exit", "help", "loss", "reorder", "delay", "duplicate", "corrupt", "jitter", "clear", "stats"]
            let guess = NameSuggestion.nearest(to: verb, among: known)
            show(paint(say("unknown command \(line)\(guess.map { " (did you mean /\($0)?)" } ?? ""); /help lists them",
                           "모르는 명령입니다: \(line)\(guess.map { " (혹시 /\($0)?)" } ?? ""). 명령은 /help로 봅니다"), .warning))
        }
        return .handled
    }

    /// Changes `change` (e.g. "delay 5ms") on the host's link, keeping the other settings
    /// in force, or clears the link (nil); when the value is refused (here, in the impairment
    /// code's words, before the host is asked) or the host refuses, nothing changes, and the
    /// chat says what is in force, as the host says (another terminal may have set it).
    private mutating func applyImpairment(_ change: String?) {
        guard let control = client.control else {
            show(paint(say("impairments need the host's control socket", "인위적 장애를 걸려면 호스트의 제어 소켓이 있어야 합니다"), .warning))
            return
        }
        do {
            if let change { try Self.check(change) }
            for (interface, peer) in try control.interfacePeers() {
                let now = try control.updateImpairment(interface: interface, settings: change)
                if !impairedInterfaces.contains(interface) { impairedInterfaces.append(interface) }
                impairment[interface] = now.isPerfect ? nil : now.settings
                // Impairments act on frames leaving an interface: say which way this is.
                let way = "\(control.host):\(interface)" + (peer.map { " → \($0)" } ?? "")
                show(paint(say("* \(way) now: \(now.settings)", "* \(way) 이제: \(KoreanViews.impairmentSettings(now.settings))"), .dim))
                if change?.hasPrefix("reorder ") == true, now.settings.contains("reorder"), !now.settings.contains("delay") {
                    // Without a delay a reordered frame waits for a later one to pass it: lines are far apart.
                    let consequence = client.isUDP
                        ? "between chat lines that is long, so a line may arrive after the next one, or late; "
                        : "between chat lines that is long, so TCP may resend it first (spurious, as /stats shows); "
                    let consequenceKo = client.isUDP
                        ? "채팅 줄 사이로는 긴 시간이라, 줄이 다음 줄보다 뒤에 오거나 늦게 올 수 있습니다. "
                        : "채팅 줄 사이로는 긴 시간이라, TCP가 먼저 다시 보낼 수 있습니다 (/stats에 보이는 불필요한 재전송). "
                    show(paint(say("  a reordered frame waits until a later one passes it (at most the hold-back time, 1 s unless set): "
                                   + consequence + "/delay 20ms with it reorders without that wait",
                                   "  순서를 바꿀 프레임은 뒤의 프레임이 앞지를 때까지 기다립니다 (길어야 보류 시간, 정하지 않으면 1초): "
                                   + consequenceKo + "/delay 20ms를 함께 주면 그 기다림 없이 순서가 바뀝니다"), .dim))
                }
            }
        } catch {
            let kept: String
            if let interfaces = try? control.interfaceNames(), !interfaces.isEmpty {
                let settings = interfaces.map { interface in
                    (try? control.impairment(interface: interface)).map(settingsWords) ?? say("unknown", "알 수 없음")
                }
                kept = interfaces.count == 1 ? settings[0]
                    : zip(interfaces, settings).map { "\($0): \($1)" }.joined(separator: "; ")
            } else {
                kept = say("unknown (the host does not answer)", "알 수 없음 (호스트가 답하지 않음)")
            }
            show(paint(Self.impairRefusal(error, kept: kept, change: change, language: client.language), .warning))
        }
    }

    /// Refuses a value the impairment code does not take ("loss 140%", "delay 50"), in its words,
    /// before the host is asked.
    static func check(_ change: String) throws {
        _ = try ImpairmentSettings(parsing: change)
    }

    /// The line for an impairment change that was refused: the reason once, as the impairment
    /// code or the host gives it (not wrapped in "invalid argument"), and what the link keeps.
    /// On a Korean screen a value refused (`change`, e.g. "loss 140%", as the slash command gave
    /// it) reads as `rawnet impair --lang ko` says it, the command named as typed: "/loss 140%: 허용
    /// 범위를 벗어났습니다 …"; a reason that has no Korean form stays English.
    static func impairRefusal(_ error: any Error, kept: String, change: String? = nil, language: ViewLanguage = .en) -> String {
        let reason: String
        if case NetworkError.invalidArgument(let detail)? = error as? NetworkError, !detail.isEmpty {
            reason = detail
        } else {
            reason = "\(error)"
        }
        guard language == .ko else { return "impair: \(reason); nothing changed, the link keeps: \(kept)" }
        if let korean = koreanRefusal(reason, change: change) {
            return "\(korean). 아무것도 바꾸지 않았습니다. 링크는 그대로입니다: \(kept)"
        }
        return "impair: \(reason). 아무것도 바꾸지 않았습니다. 링크는 그대로입니다: \(kept)"
    }

    /// The impairment code's refusal of the slash command's value in Korean, or nil. Its words
    /// ("loss: 140% is out of range …", "delay: cannot read '50' …") are shaped as the command
    /// line says them ("--loss 140% is out of range …", "--delay 50: cannot read '50' …"), the
    /// form `KoreanRefusals` reads, and the flag given back as the chat's command ("/loss").
    static func koreanRefusal(_ reason: String, change: String?) -> String? {
        guard let words = change?.split(separator: " ", maxSplits: 1).map(String.init), words.count == 2 else { return nil }
        let (option, value) = (words[0], words[1])
        guard reason.hasPrefix(option + ": ") else { return nil }
        let commandLine = ImpairmentSettings.refusal(flag: option, option: option, value: value, reason)
        guard let korean = KoreanRefusals.impairment(commandLine), korean.hasPrefix("--\(option) ") else { return nil }
        return "/" + korean.dropFirst(2)
    }

    /// At the end of the chat: an impairment it changed outlives it, so say so — as the host
    /// says it is now (another terminal, or another chat on this host, may have changed or
    /// cleared it since); what the host does not answer for, the chat's last word on it.
    private func remindOfImpairment() {
        guard let control = client.control else { return }
        for interface in impairedInterfaces {
            let now = (try? control.impairment(interface: interface)) ?? impairment[interface]
            guard let settings = now, settings != "perfect wire" else { continue }
            show(paint(say("* \(control.host):\(interface) keeps \(settings) after this chat; undo it with /clear before /quit, "
                           + "or with: rawnet impair \(control.host):\(interface) --clear",
                           "* 이 채팅이 끝나도 \(control.host):\(interface)의 인위적 장애는 남습니다: \(settingsWords(settings)). "
                           + "/quit 전에 /clear로, 또는 rawnet impair \(control.host):\(interface) --clear로 되돌리세요"), .warning))
        }
    }

    // MARK: Screen

    enum Style { case dim, warning }

    /// The chat's own words in the screen's language.
    func say(_ english: String, _ korean: @autoclosure () -> String) -> String {
        client.language == .ko ? korean() : english
    }

    /// A room's line (notice, mark or member's line) in the screen's language.
    func roomLine(_ line: String) -> String {
        client.language == .ko ? ChatProtocol.korean(line) : line
    }

    /// Impairment settings as the host gives them, in the screen's language.
    func settingsWords(_ settings: String) -> String {
        client.language == .ko ? KoreanViews.impairmentSettings(settings) : settings
    }

    func paint(_ text: String, _ style: Style) -> String {
        guard client.isColored else { return text }
        switch style {
        case .dim: return "\u{1B}[2m\(text)\u{1B}[0m"
        case .warning: return "\u{1B}[33m\(text)\u{1B}[0m"
        }
    }

    /// A room line with the speaker's name in a colour of its own.
    func render(_ received: String) -> String {
        let line = ChatProtocol.visible(roomLine(received))  // what others typed never drives this terminal
        guard client.isColored else { return line }
        if line.hasPrefix("* ") { return paint(line, .dim) }
        guard let colon = line.firstIndex(of: ":") else { return line }
        let speaker = line[..<colon]
        let colours = [31, 32, 34, 35, 36, 91, 92, 94, 95, 96]
        // One colour per member, whatever number its line carries (`sam #4`, `sam (udp #4)`).
        let member = speaker.replacing(#/ (?:#\d+|\(udp #\d+\))$/#, with: "")
        let hash = member.unicodeScalars.reduce(5381) { ($0 &* 33) &+ Int($1.value) }
        let colour = colours[abs(hash) % colours.count]
        return "\u{1B}[1;\(colour)m\(speaker)\u{1B}[0m" + line[colon...]
    }
}

/// Splits bytes from standard input into lines.
struct LineBuffer {
    private var bytes: [UInt8] = []
    private var ended = false

    mutating func append(_ more: [UInt8], atEnd: Bool) {
        bytes += more
        if atEnd { ended = true }
    }

    mutating func nextLine() -> String? {
        if let newline = bytes.firstIndex(of: 0x0A) {
            var line = Array(bytes[..<newline])
            bytes.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            return String(decoding: line, as: UTF8.self)
        }
        if ended && !bytes.isEmpty {
            defer { bytes.removeAll() }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }
}

/// The chat's line being typed on a terminal: the editor, and drawing it (`LineEditor`).
final class TypedLine {
    var editor = LineEditor()
    /// False once input ended: nothing is drawn under the chat's last lines.
    private(set) var isOpen = true
    let prompt: String
    let promptWidth: Int
    /// Where the drawing goes: the terminal.
    let terminal: (String) -> Void

    init(prompt: String, promptWidth: Int, terminal: @escaping (String) -> Void = AppTerminal.write) {
        self.prompt = prompt
        self.promptWidth = promptWidth
        self.terminal = terminal
    }

    /// Draws the line as it stands, from the start of the terminal's row (cleared first).
    func redraw() {
        guard isOpen else { return }
        terminal(editor.rendered(prompt: prompt, promptWidth: promptWidth, columns: AppTerminal.outputColumns ?? 80))
    }

    /// Input ended, or the chat: the row is cleared and left to the chat's last lines (or to
    /// whatever the terminal shows next, the shell's prompt or an error).
    func close() {
        guard isOpen else { return }
        isOpen = false
        terminal(LineEditor.clear)
    }
}
