/// The chat's wire conventions (see README, "Chat protocol"):
///
/// - **TCP**: lines of UTF-8 ending in `\n`. A client's first line is its
///   name; every later line is a message. The room sends each message to
///   every client (the sender too) as `NAME: text`, and announces
///   `* NAME joined from ADDRESS:PORT` and `* NAME left`.
/// - **UDP**: one line per datagram. A client first sends `HELLO NAME`, and
///   `BYE NAME` when it quits; each message is `SEQ NAME: text`, SEQ counting
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

    /// The member a room notice says joined or left (`* NAME joined from ADDRESS:PORT`,
    /// `* NAME left`): a UDP member that comes back numbers its lines from 1 again.
    public static func comingOrGoing(_ bytes: [UInt8]) -> String? {
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("* ") else { return nil }
        let rest = line.dropFirst(2)
        if rest.hasSuffix(" left") { return String(rest.dropLast(5)) }
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

    private var highest: [String: Int] = [:]
    private var seen: [String: Set<Int>] = [:]
    /// Lines each sender had sent before this receiver joined (`start`): not expected here.
    private var before: [String: Int] = [:]
    /// Lines that arrived late.
    public private(set) var lateCount = 0
    public private(set) var duplicateCount = 0
    public private(set) var receivedCount = 0

    public init() {}

    /// `name` had sent `count` lines before this receiver joined (the room's `Numbering`):
    /// its next line is `count + 1`. Ignored once a line from `name` has arrived.
    public mutating func start(_ name: String, after count: Int) {
        guard seen[name] == nil, count > 0 else { return }
        before[name] = count
        highest[name] = count
    }

    /// `name` left or joined again: its next line is numbered from 1, a new count. What it
    /// never delivered before stays counted as missing.
    public mutating func restart(_ name: String) {
        retiredMissing += missing(of: name)
        highest[name] = nil
        seen[name] = nil
        before[name] = nil
    }

    /// Lines missing from senders since restarted.
    private var retiredMissing = 0

    public mutating func record(_ name: String, sequence: Int) -> Verdict {
        if seen[name, default: []].contains(sequence) {
            duplicateCount += 1
            return .duplicate
        }
        seen[name, default: []].insert(sequence)
        receivedCount += 1
        let top = highest[name] ?? 0
        if sequence == top + 1 {
            highest[name] = sequence
            return .inOrder
        }
        if sequence > top {
            highest[name] = sequence
            return .gap(missing: sequence - top - 1)
        }
        lateCount += 1
        return .late
    }

    /// The highest line number seen from `name`.
    public func highest(from name: String) -> Int? { highest[name] }

    /// The marks a receiving screen shows for `verdict` of line `sequence`. A gap is
    /// not called a loss: the skipped lines may still come, late. A line that fills
    /// a gap says which later line it followed; what never came is counted as lost
    /// only at the end (`missingCount`).
    public func mark(_ verdict: Verdict, sequence: Int, from name: String) -> String? {
        switch verdict {
        case .inOrder: return nil
        case .gap(let missing):
            let first = sequence - missing
            return missing == 1 ? "[missing #\(first): lost or late]" : "[missing #\(first)–#\(sequence - 1): lost or late]"
        case .late: return "[out of order: after #\(highest[name] ?? sequence)]"
        case .duplicate: return "[duplicate]"
        }
    }

    /// `mark` in Korean, for views that speak it.
    public func markKorean(_ verdict: Verdict, sequence: Int, from name: String) -> String? {
        switch verdict {
        case .inOrder: return nil
        case .gap(let missing):
            let first = sequence - missing
            return missing == 1 ? "[#\(first) 빠짐: 잃었거나 늦음]" : "[#\(first)–#\(sequence - 1) 빠짐: 잃었거나 늦음]"
        case .late: return "[순서 어긋남: #\(highest[name] ?? sequence) 다음에 옴]"
        case .duplicate: return "[중복]"
        }
    }

    /// Lines below the highest sequence seen that never arrived, over all senders.
    /// Lines sent before this receiver joined are not counted.
    public var missingCount: Int {
        highest.keys.reduce(retiredMissing) { total, name in total + missing(of: name) }
    }

    private func missing(of name: String) -> Int {
        guard let top = highest[name] else { return 0 }
        let base = before[name] ?? 0
        return top - base - (seen[name]?.count { $0 > base } ?? 0)
    }
}
