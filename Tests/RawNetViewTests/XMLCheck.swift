/// A small XML 1.0 well-formedness check (enough for SVG): one root element, tags
/// properly nested and closed, attributes quoted and not repeated, `<` never in text
/// or attribute values, every `&` a known entity or character reference.
/// Returns the first problem, or nil when the document is well formed.
enum XMLCheck {
    static func problem(in document: String) -> String? {
        let c = Array(document.unicodeScalars)
        var i = 0
        var stack: [String] = []
        var roots = 0

        func isNameChar(_ s: Unicode.Scalar) -> Bool {
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == ":" || s == "."
        }
        func name() -> String? {
            let start = i
            while i < c.count, isNameChar(c[i]) { i += 1 }
            guard i > start, !("0"..."9").contains(c[start]), c[start] != "-" else { return nil }
            return String(String.UnicodeScalarView(c[start..<i]))
        }
        func skipSpace() { while i < c.count, [" ", "\n", "\t", "\r"].contains(c[i]) { i += 1 } }
        func entity() -> String? {
            // At "&": read up to ";".
            var j = i + 1
            var text = ""
            while j < c.count, c[j] != ";", j - i < 12 { text.unicodeScalars.append(c[j]); j += 1 }
            guard j < c.count, c[j] == ";" else { return "unterminated entity at \(i)" }
            let known = ["amp", "lt", "gt", "quot", "apos"]
            if known.contains(text) || (text.hasPrefix("#x") && text.count > 2 && text.dropFirst(2).allSatisfy(\.isHexDigit))
                || (text.hasPrefix("#") && text.count > 1 && text.dropFirst().allSatisfy(\.isNumber)) {
                i = j + 1
                return nil
            }
            return "unknown entity &\(text); at \(i)"
        }
        func starts(_ s: String) -> Bool {
            let t = Array(s.unicodeScalars)
            return i + t.count <= c.count && Array(c[i..<i + t.count]) == t
        }

        while i < c.count {
            if c[i] == "<" {
                if starts("<?") {
                    while i < c.count, !starts("?>") { i += 1 }
                    guard i < c.count else { return "unterminated processing instruction" }
                    i += 2
                } else if starts("<!--") {
                    i += 4
                    while i < c.count, !starts("-->") { i += 1 }
                    guard i < c.count else { return "unterminated comment" }
                    i += 3
                } else if starts("</") {
                    i += 2
                    guard let n = name() else { return "bad closing tag name at \(i)" }
                    skipSpace()
                    guard i < c.count, c[i] == ">" else { return "closing tag </\(n) not ended by >" }
                    i += 1
                    guard stack.last == n else { return "</\(n)> closes <\(stack.last ?? "nothing")>" }
                    stack.removeLast()
                } else {
                    i += 1
                    guard let n = name() else { return "bad tag name at \(i)" }
                    if stack.isEmpty {
                        roots += 1
                        if roots > 1 { return "second root element <\(n)>" }
                    }
                    var seen = Set<String>()
                    while true {
                        skipSpace()
                        guard i < c.count else { return "tag <\(n) never ends" }
                        if c[i] == ">" { i += 1; stack.append(n); break }
                        if starts("/>") { i += 2; break }
                        guard let attribute = name() else { return "bad attribute in <\(n)> at \(i)" }
                        guard seen.insert(attribute).inserted else { return "attribute \(attribute) repeated in <\(n)>" }
                        skipSpace()
                        guard i < c.count, c[i] == "=" else { return "attribute \(attribute) without = in <\(n)>" }
                        i += 1
                        skipSpace()
                        guard i < c.count, c[i] == "\"" || c[i] == "'" else { return "attribute \(attribute) not quoted" }
                        let quote = c[i]
                        i += 1
                        while i < c.count, c[i] != quote {
                            if c[i] == "<" { return "< inside attribute \(attribute)" }
                            if c[i] == "&" { if let p = entity() { return p } } else { i += 1 }
                        }
                        guard i < c.count else { return "attribute \(attribute) never closed" }
                        i += 1
                    }
                }
            } else if c[i] == "&" {
                if let p = entity() { return p }
            } else {
                if stack.isEmpty && ![" ", "\n", "\t", "\r"].contains(c[i]) { return "text outside the root element at \(i)" }
                if c[i].value < 0x20 && ![0x09, 0x0A, 0x0D].contains(c[i].value) { return "control character at \(i)" }
                i += 1
            }
        }
        if !stack.isEmpty { return "<\(stack.last!)> never closed" }
        if roots == 0 { return "no root element" }
        return nil
    }
}
