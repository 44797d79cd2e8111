import ArgumentParser
import RawNetApps
import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetView
import RawNetWire

/// A host of the located lab, connected for an app.
struct AppHost {
    let connection: HostConnection
    let runDirectory: String
    let topology: Topology

    init(_ host: String, labOption: LabOption, app: String) throws {
        let located = try labOption.locate()
        topology = try located.topology()
        guard let node = topology.node(named: host) else { throw noSuchHost(host, topology: topology) }
        guard node.kind == .host else { throw notAHost(node, topology: topology) }
        runDirectory = located.runDirectory
        do {
            connection = try HostConnection(runDirectory: runDirectory, host: host, appName: app)
        } catch {
            throw Failure("\(error)")
        }
    }

    func resolve(_ text: String) throws -> IPv4Address {
        try resolveDestination(text, topology: topology, connection: connection, runDirectory: runDirectory)
    }

    /// `DEST:PORT` with DEST a node name or an address.
    func resolveEndpoint(_ text: String) throws -> (IPv4Address, UInt16) {
        let endpoint: DestinationPort
        do { endpoint = try DestinationPort(parsing: text) } catch { throw UsageFailure(error.described(in: text)) }
        return (try resolve(endpoint.destination), endpoint.port)
    }
}

struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "A terminal chat over TCP or UDP between hosts of the lab.", usage: "rawnet chat <host> (--listen <port> | --connect <dest:port>) [<options>]",
        discussion: """
        Run a room with --listen PORT (TCP and UDP on that port), then join it from any host with \
        --connect DEST:PORT. Every line reaches every member; lines that crossed between TCP and UDP \
        members are marked (udp #N) or (tcp).
        Inside the chat: /loss 20%, /reorder 20%, /delay 50ms, /duplicate 5% impair the link of the \
        host the chat runs on (a refused value changes nothing); /clear gives the perfect wire back; \
        /stats shows the connection's TCP internals; /quit leaves. An impairment still set at the end \
        stays on the link, and the chat says so.
        With --lang ko (or a Korean locale) the chat's own words and the room's notices and marks         are in Korean; what members type is shown as typed, and the wire keeps the protocol's words.
        """)

    @Argument(help: "The host to run on.") var host: String
    @Option(help: ArgumentHelp("Run a room on this port.", valueName: "port"), transform: listeningPort) var listen: UInt16?
    @Option(help: ArgumentHelp("Join the room at DEST:PORT (DEST: node name or address).", valueName: "dest:port")) var connect: String?
    @Option(help: "Your name in the room (default: the host's name).") var name: String?
    @Flag(help: "Chat over UDP: lines carry sequence numbers; lost and late lines are marked.") var udp = false
    @Flag(help: "Plain text even on a terminal.") var noColor = false
    @OptionGroup var languageOption: LanguageOption
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard (listen == nil) != (connect == nil) else { throw ValidationError("give either --listen PORT or --connect DEST:PORT") }
        if let name, !ChatProtocol.isValidName(name) {
            throw ValidationError("--name must be 1-32 characters without spaces or colons")
        }
    }

    func run() throws {
        let app = try AppHost(host, labOption: labOption, app: listen != nil ? "chat-room" : "chat")
        if let listen {
            // The room's terminal shows the room; a line typed there is answered with how to join,
            // since it goes nowhere (read only from a terminal this process owns in the foreground).
            var typed = RoomTerminalTyping(isWatching: AppTerminal.isInputTerminal && !AppTerminal.isInputBackgroundTerminal)
            let join = "rawnet chat HOST --connect \(host):\(listen) --name NAME"
            let hint = languageOption.language == .ko
                ? "(이 터미널은 대화방을 보여 주기만 합니다. 여기 입력한 것은 보내지 않습니다. 채팅하려면 다른 터미널에서 들어오세요: \(join))"
                : "(this terminal only shows the room: what you type here is not sent; to chat, join from another terminal: \(join))"
            var room = ChatRoom(port: listen)
            room.language = languageOption.language
            // Ctrl-C closes the room and says so (the members see their connection end).
            let interrupt = InterruptFlag()
            do {
                try room.run(on: app.connection, until: {
                    if typed.lineWasTyped() { AppTerminal.write(TerminalLines.fit(hint, fd: 1) + "\n") }
                    return interrupt.isSet
                }) { AppTerminal.write(TerminalLines.fit($0, fd: 1) + "\n") }
            } catch {
                // Said as the joining chat says its failures (`오류: 채팅: …`), with what to do when the port is taken.
                throw Failure(AppFailure.fitted(AppFailure.chat(error, room: (host, listen), language: languageOption.language),
                                                after: languageOption.language == .ko ? "오류: " : "Error: ",
                                                columns: Terminal.columns(of: 2)))
            }
            if interrupt.isSet {
                // On a row of its own: the terminal has just echoed ^C.
                if AppTerminal.isOutputTerminal { AppTerminal.write("\n") }
                AppTerminal.write(TerminalLines.fit(languageOption.language == .ko
                    ? "대화방을 닫았습니다 (Ctrl-C). 들어와 있던 사람들에게는 연결이 끝났다고 보입니다"
                    : "room closed (Ctrl-C): its members see their connection end", fd: 1) + "\n")
            }
            return
        }
        let (address, port) = try app.resolveEndpoint(connect ?? "")
        var client = ChatClient(room: address, port: port, name: name ?? host)
        client.isUDP = udp
        client.language = languageOption.language
        client.isColored = !noColor && AppTerminal.isOutputTerminal
        client.control = try? HostControl(runDirectory: app.runDirectory, host: host)
        // On a terminal the chat draws the line being typed itself, under the lines that come;
        // the terminal gets its settings back however the chat ends.
        let mode = AppTerminal.isOutputTerminal && !AppTerminal.isInputBackgroundTerminal ? AppTerminal.enterCharacterMode() : nil
        defer { if let mode { AppTerminal.restoreMode(mode) } }
        client.editsLine = mode != nil
        do {
            try client.run(on: app.connection) { AppTerminal.write(TerminalLines.fit($0, fd: 1) + "\n") }
        } catch {
            // On its own row (the chat cleared its prompt), broken at spaces to the terminal's width.
            throw Failure(AppFailure.fitted(AppFailure.chat(error, language: client.language),
                                            after: client.language == .ko ? "오류: " : "Error: ", columns: Terminal.columns(of: 2)))
        }
    }
}

struct NCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nc", abstract: "Standard input to a TCP or UDP socket and the socket to standard output, like netcat.", usage: "rawnet nc <host> [<target> ...] [<options>]",
        discussion: """
          rawnet nc bob -l 9000 > received.bin &        (one connection on bob)
          rawnet nc alice bob 9000 --stats < file.bin   (send a file from alice)
        The sender ends when bob acknowledged every byte and both sides are done. \
        A listener that would read a terminal it does not own (started with & in an \
        interactive shell), or one given -d, reads no input: it only receives. With \
        --stats a summary goes to standard error at the end; a sender's time and rate \
        run until the peer acknowledged every byte, and nc exits non-zero when that \
        did not happen (connection reset, peer gone).
        """)

    @Argument(help: "The host to run on.") var host: String
    @Argument(help: "DEST PORT to connect to (DEST: node name or address).") var target: [String] = []
    @Option(name: .short, help: ArgumentHelp("Listen on this port instead.", valueName: "port"), transform: listeningPort) var listenPort: UInt16?
    @Flag(help: "UDP instead of TCP.") var udp = false
    @Option(help: "UDP: most bytes of standard input per datagram (larger than the link's MTU: sent in fragments).")
    var datagramSize: Int = 1400
    @Flag(help: "Print bytes sent and received and bytes/s to standard error at the end.") var stats = false
    @Flag(help: "Turn Nagle's algorithm off (TCP_NODELAY).") var noDelay = false
    @Option(help: "Congestion control: newreno, cubic or bbr.") var congestion: String?
    @Flag(name: .short, help: "Say what happens on standard error.") var verbose = false
    @Flag(name: .customShort("d"), help: "Do not read standard input: only receive (TCP: send the FIN at once).")
    var noInput = false
    @OptionGroup var labOption: LabOption

    func validate() throws {
        if listenPort == nil && target.count != 2 { throw ValidationError("give DEST PORT, or -l PORT") }
        if listenPort != nil && !target.isEmpty { throw ValidationError("-l PORT takes no DEST PORT") }
        if !(1...65_507).contains(datagramSize) { throw ValidationError("--datagram-size must be 1-65507") }
        if let congestion, TCPCongestion(rawValue: congestion.lowercased()) == nil {
            throw ValidationError("--congestion is newreno, cubic or bbr")
        }
    }

    func run() throws {
        let app = try AppHost(host, labOption: labOption, app: "nc")
        let mode: NetCat.Mode
        if let listenPort {
            mode = .listen(port: listenPort)
        } else {
            let port: UInt16
            do { port = try DestinationPort.port(target[1]) } catch { throw UsageFailure("\(error)") }
            mode = .connect(address: try app.resolve(target[0]), port: port)
        }
        var nc = NetCat(mode: mode)
        nc.isUDP = udp
        // In the background of an interactive shell the terminal is not ours to read
        // (a read would stop the process): receive only, so the sender can finish.
        nc.readsInput = !noInput && !AppTerminal.isInputBackgroundTerminal
        nc.datagramSize = datagramSize
        nc.options.isNagleEnabled = noDelay ? false : nil
        nc.options.congestionControl = congestion.flatMap { TCPCongestion(rawValue: $0.lowercased()) }
        do {
            let summary = try nc.run(on: app.connection) { if verbose { AppTerminal.writeError(TerminalLines.fit("nc: \($0)", fd: 2) + "\n") } }
            if stats { AppTerminal.writeError(TerminalLines.fit("nc: \(summary)", fd: 2) + "\n") }
        } catch {
            throw Failure.app("nc", error)
        }
    }
}

/// App output on a terminal, broken at spaces to its width (the lines after the first
/// indented two more than the first); whole lines into a pipe or a file.
enum TerminalLines {
    static func fit(_ text: String, fd: Int32) -> String {
        guard let columns = Terminal.columns(of: fd) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let line = expandingTabs(String(line))
            guard DisplayWidth.of(line) > columns else { return line }
            let indent = String(repeating: " ", count: min(line.prefix { $0 == " " }.count + 2, columns / 2))
            return DisplayWidth.wrap(line, width: columns, continuation: indent).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Tabs turned into the spaces a terminal shows for them (stops every 8 columns).
    static func expandingTabs(_ line: String) -> String {
        guard line.contains("\t") else { return line }
        var out = ""
        for character in line {
            if character == "\t" {
                out += String(repeating: " ", count: 8 - DisplayWidth.of(out) % 8)
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// Lines typed into a chat room's own terminal, noticed without waiting: the room reads
/// standard input only to say that nothing typed there is sent.
struct RoomTerminalTyping {
    var isWatching: Bool

    /// Whether a whole line was typed since the last look (what was typed is discarded).
    mutating func lineWasTyped() -> Bool {
        guard isWatching else { return false }
        var sawLine = false
        while FileDescriptor.standardInput.waitReadable(timeout: .zero) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count: Int?
            do {
                count = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) -> Int? in
                    try FileDescriptor.standardInput.read(into: raw)
                }
            } catch {
                isWatching = false   // a terminal that fails to read: stop looking at it
                break
            }
            guard let read = count else { break }   // nothing after all
            if read == 0 {   // end of input (Ctrl-D): nothing more to look at
                isWatching = false
                break
            }
            if buffer[..<read].contains(0x0A) { sawLine = true }
        }
        return sawLine
    }
}

/// A port to listen on, read as every app reads a port: "port 99999 is out of range (1–65535)".
func listeningPort(_ text: String) throws -> UInt16 {
    do { return try DestinationPort.port(text) } catch { throw ValidationError(error.description) }
}
