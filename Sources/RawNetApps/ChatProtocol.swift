/// The chat's wire conventions (see README, "Chat protocol"):
///
/// - **TCP**: lines of UTF-8 ending in `\n`. A client's first line is its
///   name; every later line is a message. The room sends each message to
///   every client (the sender too) as `NAME: text`, and announces
///   `* NAME joined from ADDRESS:PORT` and `* NAME left`.
/// - **UDP**: one line per datagram. A client first sends `HELLO NAME`, and
///   `BYE NAME after N lines` when it quits (`Goodbye`); each message is `SEQ NAME: text`, SEQ counting
///   from 1 per client. The room relays every message datagram unchanged to
///   every client it heard a HELLO from (the sender too), and sends notices
///   as `* …`. To a client that joins it says where each sender's numbering
///   stands (`Numbering`). Receivers track SEQ per sender to spot lost, late and
///   duplicated lines; nothing is resent.
/// - **Both**: the room bridges them. A UDP message reaches TCP clients as
///   `NAME (udp #SEQ): text`; a TCP client's line reaches UDP clients as
///   `SEQ NAME (tcp): text`, SEQ counted by the room per TCP client.
public enum ChatProtocol {
    /// A UDP chat message: `SEQ NAME: text`.
    public struct Datagram: Sendable, Equatable {
        public var sequence: Int
        public var name: String
        public var text: String

        public init(sequence: Int, name: String, text: String) {
            self.sequence = sequence
            self.name = name
            self.text = text
        }

        public var encoded: [UInt8] { Array("\(sequence) \(name): \(text)".utf8) }

        /// Reads a message datagram; nil for anything else (notices, HELLO, BYE, garbage).
        public init?(parsing bytes: [UInt8]) {
            let line = String(decoding: bytes, as: UTF8.self)
            guard let space = line.firstIndex(of: " "), let sequence = Int(line[..<space]), sequence > 0 else {
                return nil
            }
            let rest = line[line.index(after: space)...]
            guard let colon = rest.firstRange(of: ": ") else { return nil }
            self.init(sequence: sequence, name: String(rest[..<colon.lowerBound]),
                      text: String(rest[colon.upperBound...]))
        }
    }

    /// Where a sender's numbering stood when a UDP client joined: the room sends one to the
    /// joining client for each sender it has relayed lines from, as the notice
    /// `* NAME had sent N line(s) before you joined`, so the client's first line from NAME,
    /// numbered N+1, is not taken for the last of N lost ones.
    public struct Numbering: Sendable, Equatable {
        public var name: String
        public var count: Int

        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }

        public var encoded: [UInt8] {
            Array("* \(name) had sent \(count) \(count == 1 ? "line" : "lines") before you joined".utf8)
        }

        /// Reads the notice; nil for anything else.
        public init?(parsing bytes: [UInt8]) {
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.hasPrefix("* "), let said = line.ranges(of: " had sent ").last else { return nil }
            let rest = line[said.upperBound...]
            guard let space = rest.firstIndex(of: " "), let count = Int(rest[..<space]), count > 0,
                  rest[space...] == (count == 1 ? " line before you joined" : " lines before you joined") else { return nil }
            let nameStart = line.index(line.startIndex, offsetBy: 2)
            guard said.lowerBound > nameStart else { return nil }
            let name = String(line[nameStart..<said.lowerBound])
            self.init(name: name, count: count)
        }
    }

    /// A UDP member leaving: `BYE NAME after N lines`, with how many lines it sent, so the room
    /// can tell which of its last lines never came (no later line would show that gap). A
    /// plain `BYE NAME` (no count) is read too.
    public struct Goodbye: Sendable, Equatable {
        public var name: String
        /// Lines the member sent; nil when its BYE did not say.
        public var sent: Int?

        public init(name: String, sent: Int?) {
            self.name = name
            self.sent = sent
        }

        public var encoded: [UInt8] {
            Array(("BYE \(name)" + (sent.map { " after \($0) \($0 == 1 ? "line" : "lines")" } ?? "")).utf8)
        }

        public init?(parsing bytes: [UInt8]) {
            let words = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
            guard words.count >= 2, words[0] == "BYE" else { return nil }
            if words.count == 5, words[2] == "after", let count = Int(words[3]), count >= 0, ["line", "lines"].contains(words[4]) {
                self.init(name: String(words[1]), sent: count)
            } else {
                self.init(name: words.dropFirst().joined(separator: " "), sent: nil)
            }
        }
    }

    /// The room's notice that a UDP member left after `sent` lines, and how many of its last
    /// ones never reached the room: `* al left after 15 lines (the last 2, #14-15, never reached the room)`.
    public static func leftNotice(_ name: String, sent: Int?, unseenAtEnd: Int) -> String {
        guard let sent else { return "* \(name) left" }
        var text = "* \(name) left after \(sent) \(sent == 1 ? "line" : "lines")"
        if unseenAtEnd > 0 {
            let lines = unseenAtEnd == 1 ? "#\(sent)" : "#\(sent - unseenAtEnd + 1)-\(sent)"
            text += unseenAtEnd == 1 ? " (the last, \(lines), never reached the room)"
                : " (the last \(unseenAtEnd), \(lines), never reached the room)"
        }
        return text
    }

    /// How many lines a member sent, from the room's notice that it left after them; nil otherwise.
    public static func leftCount(_ bytes: [UInt8]) -> Int? {
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("* "), let after = line.firstRange(of: " left after ") else { return nil }
        return Int(line[after.upperBound...].prefix { $0.isNumber })
    }

    /// The member a room notice says joined or left (`* NAME joined from ADDRESS:PORT`,
    /// `* NAME left`, `* NAME left after N lines …`): a UDP member that comes back numbers
    /// its lines from 1 again.
    public static func comingOrGoing(_ bytes: [UInt8]) -> String? {
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("* ") else { return nil }
        let rest = line.dropFirst(2)
        if rest.hasSuffix(" left") { return String(rest.dropLast(5)) }
        if let after = rest.firstRange(of: " left after "), !rest[..<after.lowerBound].contains(" ") {
            return String(rest[..<after.lowerBound])
        }
        if let joined = rest.ranges(of: " joined from ").last { return String(rest[..<joined.lowerBound]) }
        return nil
    }

    /// `text` as a terminal may show it: control characters (C0 but tab, DEL, C1) in the
    /// caret notation of `cat -v` (ESC is `^[`, a form feed `^L`), so a member's line can
    /// neither colour, clear nor ring anyone's terminal.
    public static func visible(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case _ where !isControl(scalar): out.append(scalar)
            case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
            case 0x80...0x9F: out.append(contentsOf: "M-^".unicodeScalars); out.append(Unicode.Scalar(UInt8(scalar.value - 0x40)))
            default: out.append("^"); out.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            }
        }
        return String(out)
    }

    /// A name usable in the protocol: no spaces, colons or control characters, 1–32 characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 32 && name.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0 != ":" && $0.value != 0x7F
        }
    }
}

/// Per-sender bookkeeping of UDP chat sequence numbers: what arrived in
/// order, late (out of order), twice, or never.
public struct ChatSequenceTracker: Sendable {
    /// What one arriving message means.
    public enum Verdict: Sendable, Equatable {
        /// The next expected line.
        case inOrder
        /// Ahead of the next expected: `missing` lines were skipped (maybe lost, maybe late).
        case gap(missing: Int)
        /// Earlier than a line already shown: it arrived out of order.
        case late
        /// Seen before.
        case duplicate
    }

    /// What is kept of one sender: its highest line, which of the last `window` lines came,
    /// and how many older ones never did. Bounded, whatever a sender numbers its lines.
    private struct Sender: Sendable {
        var highest: Int
        /// Lines the sender had sent before this receiver joined: not expected here.
        var before: Int
        /// Lines above `highest - window` (and above `before`) that arrived.
        var recent: Set<Int> = []
        /// Lines at or below `highest - window` that had not come when the window left them.
        var lostBehind = 0
        /// The first line heard from a sender no notice announced, when it was not line 1:
        /// the lines before it may have been sent before this receiver joined (the room's
        /// notice of where the numbering stood is one datagram, and may be lost), so they are
        /// marked as not seen here and not counted lost.
        var firstHeard: Int?

        var missing: Int {
            let floor = Swift.max(before, highest - ChatSequenceTracker.window)
            return saturated(lostBehind, Swift.max(0, highest - floor - recent.count))
        }
    }

    /// How many of a sender's latest line numbers are remembered, to tell a late line from
    /// a duplicate. A line older than that is taken for a late one.
    static let window = 256
    /// How many senders are followed; lines of senders beyond are shown unmarked.
    static let maximumSenders = 256

    private var senders: [String: Sender] = [:]
    /// Lines that arrived late.
    public private(set) var lateCount = 0
    public private(set) var duplicateCount = 0
    public private(set) var receivedCount = 0

    public init() {}

    /// The receiver's own name: its own lines come back through the room numbered from 1 as
    /// it sent them since it joined, so none of them is ever "sent before you joined", and no
    /// notice of the room restarts or starts their count.
    public private(set) var ownName: String?

    /// Follows the receiver's own lines (`ownName`) from line 1.
    public mutating func own(_ name: String) {
        ownName = name
        senders.removeValue(forKey: name)
        if senders.count < Self.maximumSenders { senders[name] = Sender(highest: 0, before: 0) }
    }

    /// `name` had sent `count` lines before this receiver joined (the room's `Numbering`):
    /// its next line is `count + 1`. Ignored once a line from `name` has arrived.
    public mutating func start(_ name: String, after count: Int) {
        guard senders[name] == nil, name != ownName, count > 0, senders.count < Self.maximumSenders else { return }
        senders[name] = Sender(highest: count, before: count)
    }

    /// `name` left or joined again: its next line is numbered from 1, a new count. What it
    /// never delivered before stays counted as missing.
    public mutating func restart(_ name: String) {
        retiredMissing = saturated(retiredMissing, senders.removeValue(forKey: name)?.missing ?? 0)
        if senders.count < Self.maximumSenders { senders[name] = Sender(highest: 0, before: 0) }
    }

    /// Lines missing from senders since restarted.
    private var retiredMissing = 0

    public mutating func record(_ name: String, sequence: Int) -> Verdict {
        if senders[name] == nil, senders.count < Self.maximumSenders, sequence > 1 {
            // Unannounced, and not from line 1: where its numbering stood is not known here.
            senders[name] = Sender(highest: sequence, before: sequence - 1, recent: [sequence], firstHeard: sequence)
            receivedCount += 1
            return .gap(missing: sequence - 1)
        }
        guard var sender = senders[name] ?? (senders.count < Self.maximumSenders ? Sender(highest: 0, before: 0) : nil) else {
            receivedCount += 1
            return .inOrder
        }
        defer { senders[name] = sender }
        let top = sender.highest
        let floor = Swift.max(sender.before, top - Self.window)
        if sequence <= floor {
            // Older than what is remembered (or sent before this receiver joined): late.
            receivedCount += 1
            lateCount += 1
            return .late
        }
        if sequence <= top {
            guard sender.recent.insert(sequence).inserted else {
                duplicateCount += 1
                return .duplicate
            }
            receivedCount += 1
            lateCount += 1
            return .late
        }
        // A new highest line: what the window leaves behind unseen is counted missing.
        receivedCount += 1
        let newFloor = Swift.max(sender.before, sequence - Self.window)
        if newFloor > floor {
            let leaving = sender.recent.filter { $0 <= newFloor }
            // Left unseen below the old top, and never reached the window above it (saturating:
            // a hostile sender may number a line Int.max).
            sender.lostBehind = saturated(sender.lostBehind, Swift.min(newFloor, top) - floor - leaving.count)
            sender.lostBehind = saturated(sender.lostBehind, Swift.max(0, newFloor - Swift.max(top, floor)))
            sender.recent.subtract(leaving)
        }
        sender.recent.insert(sequence)
        sender.highest = sequence
        return sequence == top + 1 ? .inOrder : .gap(missing: sequence - top - 1)
    }

    /// `name` said it sent `count` lines in all (leaving): those above the highest seen never
    /// came, and no later line will show it, so they are counted missing now. Returns how many.
    public mutating func ended(_ name: String, after count: Int) -> Int {
        guard let sender = senders[name], count > sender.highest else { return 0 }
        let unseen = count - sender.highest
        retiredMissing = saturated(retiredMissing, unseen)
        return unseen
    }

    /// Follows a room notice that a member joined or left: it numbers from 1 again, and one
    /// that left after N lines has its last lines that never came here counted missing. A TCP
    /// member's lines reach UDP members as `NAME (tcp)`, numbered by the room from 1 again
    /// when it comes back, so that sender restarts too.
    public mutating func follow(notice bytes: [UInt8]) {
        guard let member = ChatProtocol.comingOrGoing(bytes), member != ownName else { return }
        if let sent = ChatProtocol.leftCount(bytes) { _ = ended(member, after: sent) }
        restart(member)
        if senders["\(member) (tcp)"] != nil { restart("\(member) (tcp)") }
    }

    /// Lines of `name` that did not come (so far).
    public func missing(from name: String) -> Int { senders[name]?.missing ?? 0 }

    /// The highest line number seen from `name`.
    public func highest(from name: String) -> Int? { senders[name]?.highest }

    /// Each sender's highest line number, for those that sent one since (re)starting.
    public var highestLines: [String: Int] { senders.compactMapValues { $0.highest > 0 ? $0.highest : nil } }

    /// The marks a receiving screen shows for `verdict` of line `sequence`. A gap is
    /// not called a loss: the skipped lines may still come, late. A line that fills
    /// a gap says which later line it followed; what never came is counted as lost
    /// only at the end (`missingCount`).
    public func mark(_ verdict: Verdict, sequence: Int, from name: String) -> String? {
        switch verdict {
        case .inOrder: return nil
        case .gap(let missing):
            let first = sequence - missing
            let lines = missing == 1 ? "#\(first)" : "#\(first)–#\(sequence - 1)"
            if senders[name]?.firstHeard == sequence { return "[\(lines) not seen here: sent before you joined, or lost]" }
            return "[missing \(lines): lost or late]"
        case .late: return "[out of order: after #\(senders[name]?.highest ?? sequence)]"
        case .duplicate: return "[duplicate]"
        }
    }

    /// `mark` in Korean, for views that speak it.
    public func markKorean(_ verdict: Verdict, sequence: Int, from name: String) -> String? {
        switch verdict {
        case .inOrder: return nil
        case .gap(let missing):
            let first = sequence - missing
            let lines = missing == 1 ? "#\(first)" : "#\(first)–#\(sequence - 1)"
            if senders[name]?.firstHeard == sequence { return "[\(lines) 여기서 못 봄: 참여 전에 보냈거나 잃음]" }
            return "[\(lines) 빠짐: 잃었거나 늦음]"
        case .late: return "[순서 어긋남: #\(senders[name]?.highest ?? sequence) 다음에 옴]"
        case .duplicate: return "[중복]"
        }
    }

    /// Line numbers held to tell late lines from duplicates, over all senders (at most
    /// `window` for each of at most `maximumSenders`).
    var rememberedLineCount: Int { senders.values.reduce(0) { $0 + $1.recent.count } }

    /// Lines below the highest sequence seen that never arrived, over all senders.
    /// Lines sent before this receiver joined are not counted.
    public var missingCount: Int {
        senders.values.reduce(retiredMissing) { saturated($0, $1.missing) }
    }
}

/// `a + b`, or Int.max where that would overflow (counts of lines, never negative).
private func saturated(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
}
