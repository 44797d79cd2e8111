import RawNetSocket
import RawNetWire

/// `rawnet dig`: one question to a name server, printed as dig prints it
/// (header, flags, sections, TTLs, the server, the time, the size); with
/// `+trace`, the walk down from the server asked, one referral at a time.
public struct Dig {
    public var name: DNSName
    public var type: DNSRecordType
    public var server: IPv4Address
    public var recursionDesired = true
    public var short = false
    /// `+trace` without `@SERVER`: ask the resolver for the root servers first, as dig does.
    public var startsAtRoot = false

    public init(name: DNSName, type: DNSRecordType, server: IPv4Address) {
        self.name = name
        self.type = type
        self.server = server
    }

    /// Asks and prints; throws when no answer came.
    public func run(resolver: DNSResolver, output: (String) -> Void) throws(ResolveError) {
        let exchange = try resolver.query(name, type: type, server: server, recursionDesired: recursionDesired)
        if short {
            for record in exchange.response.answers { output(record.data.presentation) }
            return
        }
        output("; <<>> rawnet dig <<>> @\(server) \(name) \(type)")
        output(";; Got answer:")
        for line in Self.lines(exchange.response) { output(line) }
        output(Self.footer(exchange))
    }

    /// Walks from `server` down the referrals (RD clear), printing each step's
    /// records and who sent them, until an answer, an error or 16 steps.
    public func trace(resolver: DNSResolver, output: (String) -> Void) throws(ResolveError) {
        output("; <<>> rawnet dig <<>> +trace @\(server) \(name) \(type)")
        var current = server
        if startsAtRoot, let root = rootServer(resolver: resolver, output: output) { current = root }
        var asked: Set<IPv4Address> = []
        for _ in 0..<16 {
            asked.insert(current)
            let exchange = try resolver.query(name, type: type, server: current, recursionDesired: false)
            let response = exchange.response
            for record in response.answers + response.authority { output(record.description) }
            output(";; Received \(exchange.size) bytes from \(current)#53 in \(Self.milliseconds(exchange.seconds)) ms"
                   + (response.header.isAuthoritative ? " (authoritative)" : ""))
            output("")
            guard response.header.responseCode == .noError, response.answers.isEmpty,
                  !response.header.isAuthoritative else { return }
            let servers = response.authority.compactMap { $0.type == .ns ? $0.data.targetName : nil }
            let glue = response.additional.compactMap { record -> IPv4Address? in
                guard case .a(let address) = record.data, servers.contains(record.name) else { return nil }
                return address
            }
            guard let next = glue.first(where: { !asked.contains($0) }) else {
                output(";; no address for the next name server (\(servers.map(\.description).joined(separator: ", "))); the walk stops")
                return
            }
            current = next
        }
        output(";; more than 16 referrals; the walk stops")
    }

    /// As dig: the walk starts at a root server the resolver names (`. NS`), when it
    /// names one; a server that serves no root (an authoritative-only one) is walked from itself.
    func rootServer(resolver: DNSResolver, output: (String) -> Void) -> IPv4Address? {
        guard let roots = try? resolver.query(.root, type: .ns, server: server),
              roots.response.header.responseCode == .noError else { return nil }
        let names = roots.response.answers.compactMap { $0.type == .ns ? $0.data.targetName : nil }
        for record in roots.response.answers { output(record.description) }
        output(";; Received \(roots.size) bytes from \(server)#53 in \(Self.milliseconds(roots.seconds)) ms")
        output("")
        for name in names {
            let glue = roots.response.additional.first { $0.name == name }
            if case .a(let address)? = glue?.data { return address }
            if let address = try? resolver.lookup(name, type: .a).compactMap({ record -> IPv4Address? in
                if case .a(let address) = record.data { return address }
                return nil
            }).first {
                return address
            }
        }
        return nil
    }

    /// The header, flags, the OPT pseudo-section and the sections, as dig shows them.
    public static func lines(_ message: DNSMessage) -> [String] {
        let header = message.header
        let opcode = header.opcode == 0 ? "QUERY" : "OPCODE\(header.opcode)"
        var lines = [
            ";; ->>HEADER<<- opcode: \(opcode), status: \(header.responseCode), id: \(header.id)",
            ";; flags: \(header.flagNames.joined(separator: " ")); QUERY: \(message.questions.count), "
                + "ANSWER: \(message.answers.count), AUTHORITY: \(message.authority.count), ADDITIONAL: \(message.additional.count)",
        ]
        if let edns = message.edns {
            lines += ["", ";; OPT PSEUDOSECTION:", edns.summary]
        }
        if !message.questions.isEmpty {
            lines += ["", ";; QUESTION SECTION:"]
            for question in message.questions { lines.append(";\(question.name)\t\t\tIN\t\(question.type)") }
        }
        for (title, records) in [("ANSWER", message.answers), ("AUTHORITY", message.authority),
                                 ("ADDITIONAL", message.additional.filter { $0.type != .opt })] where !records.isEmpty {
            lines += ["", ";; \(title) SECTION:"]
            lines += records.map(\.description)
        }
        return lines
    }

    /// `;; Query time: 3 msec` and the server, the transport, the size.
    public static func footer(_ exchange: DNSExchange) -> String {
        let transport = exchange.usedTCP ? "TCP" : "UDP"
        let retries = exchange.attempts > 1 ? "\n;; (answered on try \(exchange.attempts))" : ""
        return "\n;; Query time: \(milliseconds(exchange.seconds)) msec\n"
            + ";; SERVER: \(exchange.server)#53(\(exchange.server)) (\(transport))\n"
            + ";; MSG SIZE  rcvd: \(exchange.size)" + (exchange.usedTCP ? " (truncated over UDP, asked again over TCP)" : "")
            + retries
    }

    public static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
