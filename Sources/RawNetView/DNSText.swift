import RawNetWire

/// DNS messages in the trace, one line each (`DNS query A bob.lab`,
/// `DNS answer A bob.lab 10.0.2.20`), and as the application box of `--layers`.
enum DNSText {
    static let port: UInt16 = 53

    /// The DNS message a UDP datagram or TCP segment to or from port 53 carries, if it decodes.
    static func message(sourcePort: UInt16, destinationPort: UInt16, data: [UInt8], isTCP: Bool) -> DNSMessage? {
        guard sourcePort == port || destinationPort == port, !data.isEmpty else { return nil }
        if isTCP {
            // One message after its two-byte length, as a resolver sends it in one segment.
            guard data.count >= 2, Int(data[0]) << 8 | Int(data[1]) == data.count - 2 else { return nil }
            return try? DNSMessage(parsing: Array(data[2...]))
        }
        return try? DNSMessage(parsing: data)
    }

    static func name(_ name: DNSName) -> String {
        name.isRoot ? "." : String(name.description.dropLast())
    }

    static func line(_ message: DNSMessage) -> String {
        guard let question = message.questions.first else {
            return "DNS \(message.header.isResponse ? "answer" : "query") (no question)"
        }
        let asked = "\(question.type) \(name(question.name))"
        guard message.header.isResponse else { return "DNS query \(asked)" }
        var text: String
        let header = message.header
        if header.responseCode != .noError {
            text = "DNS answer \(asked) \(header.responseCode)"
        } else if !message.answers.isEmpty {
            text = "DNS answer \(asked) " + message.answers.map { record in
                record.type == question.type ? record.data.presentation : "\(record.type) \(record.data.presentation)"
            }.joined(separator: ", ")
        } else if !header.isAuthoritative, message.authority.contains(where: { $0.type == .ns }) {
            let servers = message.authority.compactMap { $0.type == .ns ? $0.data.targetName.map(name) : nil }
            text = "DNS referral \(asked) to \(servers.joined(separator: " "))"
        } else {
            text = "DNS answer \(asked) (no records)"
        }
        if header.isTruncated { text += " (truncated)" }
        return text
    }

    /// The top box of `--layers`: header fields and each section's records.
    static func box(_ message: DNSMessage, size: Int) -> Box {
        var box = Box(title: "DNS", size: "\(size) bytes")
        let header = message.header
        box.field("ID", "\(header.id)")
        box.field("Flags", header.flagNames.isEmpty ? "none (a query)" : header.flagNames.joined(separator: " "))
        box.field("Status", "\(header.responseCode)")
        for question in message.questions { box.field("Question", "\(name(question.name)) \(question.type)") }
        for (title, records) in [("Answer", message.answers), ("Authority", message.authority),
                                 ("Additional", message.additional)] {
            for record in records {
                box.field(title, "\(name(record.name)) \(record.ttl) \(record.type) \(record.data.presentation)")
            }
        }
        return box
    }
}
