import ArgumentParser
import RawNetApps
import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire

struct DNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns", abstract: "Name servers on the lab's hosts.", subcommands: [DNSServe.self])
}

struct DNSServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run an authoritative name server on a host (UDP and TCP port 53).", usage: "rawnet dns serve <host> [<options>]",
        discussion: """
            Without --zone it serves the lab zone `lab.`: every node (NODE.lab), every interface \
            (IF.NODE.lab) and a PTR record for every address. --zone FILE serves the zones of a \
            master file instead (RFC 1035 format: $ORIGIN, $TTL, SOA, NS, A, CNAME, PTR, MX, TXT); \
            --lab-zone serves the lab zone too. A topology starts one with `services: [dns]`.
            """)

    @Argument(help: "The host to serve on.") var host: String
    @Option(help: "A master (zone) file to serve; may be given more than once.") var zone: [String] = []
    @Option(help: ArgumentHelp("Master-file text to serve, as a topology's `records:` gives it; records inside the lab zone join it.",
                               valueName: "text")) var records: [String] = []
    @Flag(inversion: .prefixedNo, help: "Serve the lab zone (default: only without --zone).") var labZone: Bool?
    @Flag(help: "Print nothing per query (what `rawnet up` runs).") var quiet = false
    @Flag(help: .hidden) var recursive = false
    @Option(help: .hidden) var runDir: String?
    @OptionGroup var labOption: LabOption

    func run() throws {
        let runDirectory: String
        if let runDir { runDirectory = runDir } else { runDirectory = try labOption.locate().runDirectory }
        let topology: Topology
        do { topology = try LabConfig.load(path: SocketPaths(runDirectory: runDirectory).labConfigFile) } catch {
            throw Failure("\(error)")
        }
        guard let node = topology.node(named: host), node.kind == .host else {
            throw UsageFailure("lab '\(topology.name)' has no host '\(host)'")
        }
        if recursive { return try runRecursive(runDirectory: runDirectory) }
        var zones: [DNSZone] = []
        if labZone ?? (zone.isEmpty && records.isEmpty) { zones += topology.labZones(server: host) }
        for file in zone {
            let text = try readZoneFile(file)
            do { zones = try DNSMasterFile.zones(from: text, adding: zones) } catch { throw Failure("dns: \(file) \(error)") }
        }
        for text in records {
            do { zones = try DNSMasterFile.zones(from: text, adding: zones) } catch { throw Failure("dns: records \(error)") }
        }
        let server = DNSServer(authority: DNSAuthority(zones: zones))
        let report = statsWriter(runDirectory: runDirectory)
        try serve(runDirectory: runDirectory,
                  readyLine: "\(zones.map(\.origin.description).joined(separator: " ")) on \(host) port 53 (udp, tcp)") {
            connection, ready, log, stop throws(NetworkError) in
            _ = try server.run(on: connection, ready: ready, log: log, report: report, shouldStop: stop)
        }
    }
}

extension DNSServe {
    /// Writes the server's counters to `HOST.dns.stats`, where `rawnet status` reads them.
    func statsWriter(runDirectory: String) -> (DNSServer.Counters) -> Void {
        let file = SocketPaths(runDirectory: runDirectory).serviceStatsFile(node: host, service: "dns")
        return { counters in try? FileSystem.writeBytes(Array(counters.lines.joined(separator: "\n").utf8), to: file) }
    }

    func readZoneFile(_ file: String) throws -> String {
        do { return String(decoding: try FileSystem.readBytes(at: file), as: UTF8.self) } catch {
            throw Failure("dns: cannot read \(file): \(error)")
        }
    }

    /// Connects to the host, runs `body` (a server loop) until the host goes or Ctrl-C,
    /// printing the ready line `up` waits for and, unless --quiet, one line per query.
    func serve(runDirectory: String, readyLine: String,
               _ body: (HostConnection, () -> Void, (String) -> Void, () -> Bool) throws(NetworkError) -> Void) throws {
        let connection: HostConnection
        do { connection = try HostConnection(runDirectory: runDirectory, host: host, appName: "dns") } catch {
            throw Failure("\(error)")
        }
        let interrupt = InterruptFlag()
        do {
            try body(connection, {
                print("\(LabSupervisor.serviceReadyLine) \(readyLine)")
                Terminal.flushStandardOutput()
            }, { line in
                guard !quiet else { return }
                print(line)
                Terminal.flushStandardOutput()
            }, { interrupt.isSet })
        } catch .hostClosedConnection {
            return  // the host's daemon stopped: the lab is going down
        } catch {
            throw Failure("dns: \(error)")
        }
    }

    /// A recursive resolver: `--zone` files are its root hints (`. NS a.root.` and the root servers' A records).
    func runRecursive(runDirectory: String) throws {
        var roots: [IPv4Address] = []
        for file in zone {
            let text = try readZoneFile(file)
            do { roots += try DNSMasterFile.rootServers(from: text) } catch { throw Failure("dns: \(file) \(error)") }
        }
        for text in records {
            do { roots += try DNSMasterFile.rootServers(from: text) } catch { throw Failure("dns: records \(error)") }
        }
        guard !roots.isEmpty else {
            throw Failure("dns: a recursive resolver needs root hints: --zone FILE or --records with '. NS NAME' and NAME's A record")
        }
        let server = DNSRecursiveServer(roots: roots)
        let report = statsWriter(runDirectory: runDirectory)
        try serve(runDirectory: runDirectory,
                  readyLine: "recursively from the roots \(roots.map(\.description).joined(separator: " ")) on \(host) port 53 (udp, tcp)") {
            connection, ready, log, stop throws(NetworkError) in
            try server.run(on: connection, ready: ready, log: log, report: report, shouldStop: stop)
        }
    }
}

struct DigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dig",
        abstract: "Ask a name server from a host, printed like dig.",
        discussion: """
              rawnet dig HOST NAME [TYPE] [@SERVER] [+trace] [+short] \\
                  [+norecurse] [+noedns] [-x ADDRESS]
            SERVER is an address or a node name; by default the host's resolver from the topology \
            (a name server started by hand, `rawnet dns serve HOST`, is asked only as @HOST). \
            +trace walks down one referral at a time, from SERVER, else from a root server the resolver names (as dig). \
            Questions carry an EDNS OPT (1232 bytes) unless +noedns.
            """)

    @Argument(help: "The host to ask from.") var host: String
    @Argument(parsing: .captureForPassthrough, help: "NAME [TYPE] [@SERVER] [+trace] [+short] [+norecurse] [+noedns] [-x ADDRESS]")
    var words: [String] = []
    @OptionGroup var labOption: LabOption

    func run() throws {
        var name: String?, typeText: String?, serverText: String?
        var trace = false, short = false, recurse = true, reverse = false, edns = true
        var labOption = labOption
        var remaining = words[...]
        while let word = remaining.popFirst() {
            if word == "--lab", let lab = remaining.popFirst() {
                labOption.lab = lab
            } else if word.hasPrefix("--lab=") {
                labOption.lab = String(word.dropFirst(6))
            } else if word.hasPrefix("@") {
                serverText = String(word.dropFirst())
            } else if word == "+trace" {
                trace = true
            } else if word == "+short" {
                short = true
            } else if word == "+norecurse" || word == "+norec" {
                recurse = false
            } else if word == "+noedns" {
                edns = false
            } else if word == "-x" {
                reverse = true
            } else if word.hasPrefix("+") || word.hasPrefix("-") {
                throw UsageFailure("dig: unknown option '\(word)' (known: +trace +short +norecurse +noedns -x)")
            } else if name == nil {
                name = word
            } else if typeText == nil {
                typeText = word
            } else {
                throw UsageFailure("dig: too many words: '\(word)'")
            }
        }
        guard let name else { throw UsageFailure("dig: give a NAME to look up") }
        let app = try AppHost(host, labOption: labOption, app: "dig")
        let topology = app.topology
        let server: IPv4Address
        if let serverText {
            if let address = IPv4Address(serverText) { server = address } else {
                do { server = try topology.resolveAddress(serverText) } catch { throw UsageFailure("dig: \(error)") }
            }
        } else if let node = topology.node(named: host), let resolver = topology.resolver(for: node) {
            server = resolver
        } else {
            throw Failure("dig: no @SERVER given, and " + Self.noServerAdvice(host: host, name: reverse ? "-x \(name)" : name,
                                                                                 topology: topology,
                                                                                 runDirectory: app.runDirectory))
        }
        var question: DNSName
        var type = DNSRecordType.a
        if reverse {
            guard let address = IPv4Address(name) else { throw UsageFailure("dig: -x needs an IPv4 address, not '\(name)'") }
            question = DNSName(reverseOf: address)
            type = .ptr
        } else {
            do { question = try DNSName(name) } catch { throw UsageFailure("dig: '\(name)' is not a valid name (\(error))") }
        }
        if let typeText {
            guard let parsed = DNSRecordType(typeText) else { throw UsageFailure("dig: unknown type '\(typeText)'") }
            type = parsed
        }
        let resolver = DNSResolver(connection: app.connection, server: server)
        resolver.usesEDNS = edns
        var dig = Dig(name: question, type: type, server: server)
        dig.recursionDesired = recurse
        dig.short = short
        dig.startsAtRoot = serverText == nil
        do {
            if trace {
                try dig.trace(resolver: resolver) { print($0) }
            } else {
                try dig.run(resolver: resolver) { print($0) }
            }
        } catch {
            print(";; \(error)")
            throw ExitCode(9)  // dig's status when no reply came
        }
    }
}

extension DigCommand {
    /// Why dig has no server to ask, and what would ask one: a name server started by hand
    /// (found running) is named with the `@HOST` that asks it.
    static func noServerAdvice(host: String, name: String, topology: Topology, runDirectory: String) -> String {
        let reason = noResolverText(host: host, topology: topology)
        let servers = handStartedNameServers(topology: topology, runDirectory: runDirectory)
        if let server = servers.first {
            return reason + ". " + handStartedNote(servers) + " `rawnet dig \(host) \(name) @\(server)` asks it."
        }
        return reason + ". Start a name server (`rawnet dns serve HOST`) and ask it with @HOST,"
            + " or give a host `services: [dns]` in the topology."
    }
}
