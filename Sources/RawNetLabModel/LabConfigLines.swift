/// The lines of `lab.conf` as byte ranges, and the look at one field of each
/// that picks a daemon's part of the lab without parsing the rest. A daemon of
/// a thousand-node lab reads the whole file, so this stays a plain byte scan.
enum LabConfigLines {
    typealias Line = (number: Int, range: Range<Int>)
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), equals = UInt8(ascii: "="),
                       colon = UInt8(ascii: ":")

    /// Every line, numbered from 1, without its LF (nor a CR before it).
    static func lines(_ bytes: Bytes) -> [Line] {
        var lines: [Line] = []
        var start = 0, number = 1
        for index in 0..<bytes.count where bytes[index] == newline {
            lines.append((number, start..<trimmed(bytes, start, index)))
            start = index + 1
            number += 1
        }
        lines.append((number, start..<trimmed(bytes, start, bytes.count)))
        return lines
    }

    private static func trimmed(_ bytes: Bytes, _ start: Int, _ end: Int) -> Int {
        end > start && bytes[end - 1] == carriageReturn ? end - 1 : end
    }

    /// The lines the daemon of `node` needs: the lab, its own records, the links
    /// it is on and the impairments on its own ends, the node, interface and
    /// other records of the nodes at those links' other ends, and every remote
    /// record. Lines this does not know (the header, comments, a misspelt
    /// keyword) stay, so a broken file still fails where it is broken.
    static func slice(_ bytes: Bytes, _ lines: [Line], for node: [UInt8]) -> [Line] {
        var neighbours: [[UInt8]] = [node]
        for line in lines where matches(bytes, keyword(bytes, line.range), "link") {
            guard let a = field(bytes, line.range, "a").map({ nodePart(bytes, $0) }),
                  let b = field(bytes, line.range, "b").map({ nodePart(bytes, $0) }) else { continue }
            if matches(bytes, a, node) { neighbours.append(Array(bytes[b])) }
            if matches(bytes, b, node) { neighbours.append(Array(bytes[a])) }
        }
        func isNeighbour(_ key: String, _ range: Range<Int>) -> Bool {
            guard let value = field(bytes, range, key) else { return true }
            return neighbours.contains { matches(bytes, value, $0) }
        }
        return lines.filter { line in
            let word = keyword(bytes, line.range)
            if matches(bytes, word, "node") { return isNeighbour("name", line.range) }
            for kind in ["interface", "route", "rip", "stp", "service"] where matches(bytes, word, kind) {
                return isNeighbour("node", line.range)
            }
            if matches(bytes, word, "link") {
                guard let a = field(bytes, line.range, "a"), let b = field(bytes, line.range, "b") else { return true }
                return matches(bytes, nodePart(bytes, a), node) || matches(bytes, nodePart(bytes, b), node)
            }
            if matches(bytes, word, "impair") {
                return field(bytes, line.range, "from").map { matches(bytes, nodePart(bytes, $0), node) } ?? true
            }
            return true
        }
    }

    /// The first word of a line.
    static func keyword(_ bytes: Bytes, _ line: Range<Int>) -> Range<Int> {
        var start = line.lowerBound
        while start < line.upperBound, bytes[start] == space || bytes[start] == tab { start += 1 }
        var end = start
        while end < line.upperBound, bytes[end] != space && bytes[end] != tab { end += 1 }
        return start..<end
    }

    /// Where the value of `key=` is in a line, nil when no word of it starts so.
    static func field(_ bytes: Bytes, _ line: Range<Int>, _ key: String) -> Range<Int>? {
        var index = line.lowerBound
        while index < line.upperBound {
            while index < line.upperBound, bytes[index] == space || bytes[index] == tab { index += 1 }
            let wordStart = index
            while index < line.upperBound, bytes[index] != space && bytes[index] != tab { index += 1 }
            var keyEnd = wordStart
            for byte in key.utf8 {
                guard keyEnd < index, bytes[keyEnd] == byte else { keyEnd = -1; break }
                keyEnd += 1
            }
            if keyEnd >= 0, keyEnd < index, bytes[keyEnd] == equals { return (keyEnd + 1)..<index }
        }
        return nil
    }

    /// `node` of a `node:interface` value.
    static func nodePart(_ bytes: Bytes, _ value: Range<Int>) -> Range<Int> {
        var end = value.lowerBound
        while end < value.upperBound, bytes[end] != colon { end += 1 }
        return value.lowerBound..<end
    }

    static func matches(_ bytes: Bytes, _ range: Range<Int>, _ expected: String) -> Bool {
        range.count == expected.utf8.count && zip(range, expected.utf8).allSatisfy { bytes[$0] == $1 }
    }

    static func matches(_ bytes: Bytes, _ range: Range<Int>, _ expected: [UInt8]) -> Bool {
        range.count == expected.count && zip(range, expected).allSatisfy { bytes[$0] == $1 }
    }
}
