import ArgumentParser
import RawNetApps
import RawNetContracts
import RawNetPlatform
import RawNetSocket
import RawNetWire

struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "An HTTP/1.1 server and a curl-like client on hosts of the lab.",
        subcommands: [HTTPServe.self, HTTPGet.self])
}

struct HTTPServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve files (GET and HEAD) from a host.", usage: "rawnet http serve <host> [<options>]",
        discussion: """
        Files come from --root; / is index.html there, or the built-in page, which shows the request \
        it received (also at /_request, always). Connections stay open for up to --max-requests \
        requests; a silent connection ends after --idle-timeout seconds and a request still arriving \
        after --request-timeout seconds gets 408. Malformed requests get 400, other methods 405, \
        oversized heads and bodies 413; each is logged.
        """)

    @Argument(help: "The host to serve from.") var host: String
    @Option(help: "The TCP port.") var port: UInt16 = 80
    @Option(help: ArgumentHelp("The text of / (index.html), when --root has none.", valueName: "text")) var index: String?
    @Option(help: "The directory whose files are served (none: only the built-in page).") var root: String?
    @Option(help: "Requests per connection before the server closes it.") var maxRequests = 100
    @Option(help: "Seconds a connection may stay silent.") var idleTimeout = 15.0
    @Option(help: "Seconds a request may take to arrive whole.") var requestTimeout = 10.0
    @Option(help: .hidden) var runDir: String?
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard maxRequests > 0 else { throw ValidationError("--max-requests must be positive") }
        guard idleTimeout > 0, requestTimeout > 0 else { throw ValidationError("time limits must be positive") }
    }

    func run() throws {
        // Started by `rawnet up` for a `services:` entry: the lab's run directory is given.
        let connection: HostConnection
        if let runDir {
            do { connection = try HostConnection(runDirectory: runDir, host: host, appName: "http") } catch {
                throw Failure("\(error)")
            }
        } else {
            connection = try AppHost(host, labOption: labOption, app: "http").connection
        }
        var settings = HTTPServerSettings()
        settings.maximumRequestsPerConnection = maxRequests
        settings.idleTimeout = idleTimeout
        settings.requestTimeout = requestTimeout
        let root = self.root.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        let indexPage = index.map { Array($0.utf8) }
        let server = HTTPServer(port: port, settings: settings) { path in
            let file = root.map { Self.readFile($0 + path) } ?? .notFound
            if file == .notFound, path == "/index.html", let indexPage { return .file(indexPage) }
            return file
        }
        let interrupt = InterruptFlag()
        do {
            try server.run(on: connection, until: { interrupt.isSet }) { line in
                print("http: \(line)")
                Terminal.flushStandardOutput()
            }
        } catch .hostClosedConnection where runDir != nil {
            return  // the host's daemon stopped: the lab is going down
        } catch {
            throw Failure("http serve: \(error)")
        }
    }

    /// Files up to 64 MiB are served; a directory, a missing file or an unreadable one is not found.
    static func readFile(_ path: String, limit: Int = 64 << 20) -> HTTPFileAnswer {
        guard let fd = try? FileSystem.openForReading(path) else { return .notFound }
        defer { fd.close() }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count: Int?
            do {
                count = try chunk.withUnsafeMutableBytes { (buffer) throws(Errno) -> Int? in try fd.read(into: buffer) }
            } catch {
                return .notFound  // a directory, or unreadable
            }
            guard let count, count > 0 else { return .file(contents) }
            contents += chunk[..<count]
            if contents.count > limit { return .tooLarge }
        }
    }
}

struct HTTPGet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Fetch URLs from a host, like curl.", usage: "rawnet http get <host> <urls> ... [<options>]",
        discussion: """
        URL is http://DEST[:PORT]/PATH with DEST a node name or an address. Several URLs to the same \
        server share one connection while the server keeps it open (keep-alive). The body goes to \
        standard output (or -o FILE); -v prints the request and response heads on standard error. \
        Exits 0 when every response came whole, whatever its status, as curl does. With --fail, \
        as curl's, a response with a status of 400 or more leaves no body on standard output \
        (or in FILE) but a line on standard error, the other URLs are still fetched, and the \
        exit status is 22.
        """)

    @Argument(help: "The host to fetch from.") var host: String
    @Argument(help: "The URLs to fetch.") var urls: [String]
    @Flag(name: [.customShort("v"), .long], help: "Print the request and response heads on standard error.") var verbose = false
    @Option(name: [.customShort("o"), .long], help: "Write the bodies to FILE instead of standard output.") var output: String?
    @Option(name: [.customShort("X"), .long], help: "The request method (GET, HEAD, or any other, to see 405).")
    var request = "GET"
    @Option(name: [.customShort("H"), .long], help: "An extra request field, 'Name: value' (repeatable).")
    var header: [String] = []
    @Flag(name: [.customShort("f"), .long],
          help: "On a status of 400 or more: no body, an error on standard error, exit 22 (curl's --fail).")
    var fail = false
    @Option(help: "Seconds to wait for each response.") var timeout = 60
    @OptionGroup var labOption: LabOption

    func run() throws {
        let parsed = try urls.map { text in
            do { return try HTTPURL(reading: text) } catch { throw UsageFailure("\(error)") }
        }
        var extra = HTTPHeaders()
        for field in header {
            guard let colon = field.firstIndex(of: ":") else { throw UsageFailure("-H needs 'Name: value'") }
            extra.append(String(field[..<colon]), String(field[field.index(after: colon)...].drop { $0 == " " }))
        }
        let app = try AppHost(host, labOption: labOption, app: "http-get")
        var bodies: [UInt8] = []
        var failed = false
        var open: HTTPClientConnection?
        var openURL: HTTPURL?
        for (index, url) in parsed.enumerated() {
            let address = try app.resolve(url.host)
            do {
                if let current = open, openURL?.host != url.host || openURL?.port != url.port {
                    current.close()
                    open = nil
                }
                let connection: HTTPClientConnection
                if let open {
                    connection = open
                    note("* reusing the connection to \(url.host) port \(url.port)")
                } else {
                    connection = try HTTPClientConnection(host: app.connection, address: address, port: url.port)
                    note("* connected to \(url.host) (\(address)) port \(url.port) from port \(connection.stream.localPort)")
                    open = connection
                    openURL = url
                }
                let head = HTTPClientConnection.request(request, url, extra: extra, closes: index == parsed.count - 1)
                for line in String(decoding: head.encoded, as: UTF8.self).split(separator: "\r\n") { note("> \(line)") }
                note(">")
                try connection.send(head)
                let response = try connection.readResponse(method: request, timeout: .seconds(Int64(timeout)))
                for line in String(decoding: response.head.encoded, as: UTF8.self).split(separator: "\r\n") { note("< \(line)") }
                note("<")
                if fail && response.head.status >= 400 {
                    // As curl --fail: the error page is not the document asked for, so it is not written.
                    failed = true
                    AppTerminal.writeError("http get: (22) \(urls[index]): the requested URL returned error: "
                                           + "\(response.head.status)\n")
                } else if output == nil {
                    AppTerminal.write(response.body)
                } else {
                    bodies += response.body
                }
                if !response.keepsAlive {
                    connection.close()
                    open = nil
                }
            } catch {
                throw Failure.app("http get \(urls[index])", error)
            }
        }
        open?.close()
        if let output {
            do {
                let file = try FileSystem.openForWriting(output)
                defer { file.close() }
                do { try file.writeAll(bodies) } catch { throw Failure("write \(output): \(error)") }
            } catch let error as FileSystemError {
                throw Failure("\(error)")
            }
        }
        if failed { throw ExitCode(22) }
    }

    private func note(_ line: String) {
        guard verbose else { return }
        AppTerminal.writeError(line + "\n")
    }
}
