/// HTTP/1.1 messages as RFC 9112 frames them: the head (start line and header
/// fields), how the body is delimited, and chunked transfer coding. Pure: bytes
/// in, values or an `HTTPError` out, with limits on everything a peer controls.
/// The server and client of `rawnet http` and the trace's `HTTP …` lines use it.

/// Why a message was refused, and the status a server answers with.
public enum HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not HTTP/1.x syntax (400).
    case malformed(String)
    /// The head is longer than the limit, or has too many fields (413, as the lab's issue asks).
    case headTooLarge
    /// The body is longer than the limit (413).
    case bodyTooLarge
    /// A version other than HTTP/1.x (505).
    case unsupportedVersion
    /// A transfer coding other than chunked (501).
    case unsupportedTransferCoding

    /// The status a server answers this error with.
    public var status: Int {
        switch self {
        case .malformed: return 400
        case .headTooLarge, .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferCoding: return 501
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed HTTP: \(why)"
        case .headTooLarge: return "HTTP head too large"
        case .bodyTooLarge: return "HTTP body too large"
        case .unsupportedVersion: return "unsupported HTTP version"
        case .unsupportedTransferCoding: return "unsupported transfer coding"
        }
    }
}

/// What a parser accepts at most.
public struct HTTPLimits: Sendable, Equatable {
    /// Bytes of a head: start line, fields and the empty line (and of a chunked trailer).
    public var maximumHeadBytes = 8_192
    /// Header fields in a head.
    public var maximumFieldCount = 100
    /// Bytes of a body (after removing chunked coding).
    public var maximumBodyBytes = 1 << 20
    /// Bytes of a chunk-size line, extensions included.
    public var maximumChunkLineBytes = 256

    public init(maximumHeadBytes: Int = 8_192, maximumFieldCount: Int = 100, maximumBodyBytes: Int = 1 << 20,
                maximumChunkLineBytes: Int = 256) {
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumFieldCount = maximumFieldCount
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumChunkLineBytes = maximumChunkLineBytes
    }
}

public struct HTTPVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public static let http11 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
    public static func < (a: HTTPVersion, b: HTTPVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    /// `HTTP/D.D` exactly (RFC 9112 §2.3: the name is case-sensitive).
    init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)) else { return nil }
        let major = bytes[bytes.startIndex + 5], dot = bytes[bytes.startIndex + 6], minor = bytes[bytes.startIndex + 7]
        guard HTTPSyntax.isDigit(major), dot == 0x2E, HTTPSyntax.isDigit(minor) else { return nil }
        self.init(major: Int(major - 0x30), minor: Int(minor - 0x30))
    }
}

/// One header field. The value is kept as the bytes received: obs-text
/// (0x80–0xFF, RFC 9110 §5.5) is not UTF-8, and a field re-encodes byte for byte.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var valueBytes: [UInt8]
    public init(name: String, value: String) { self.name = name; valueBytes = Array(value.utf8) }
    public init(name: String, valueBytes: [UInt8]) { self.name = name; self.valueBytes = valueBytes }

    /// The value as text; a byte that is not UTF-8 reads as U+FFFD.
    public var value: String {
        get { String(decoding: valueBytes, as: UTF8.self) }
        set { valueBytes = Array(newValue.utf8) }
    }
}

/// Header fields in the order received; names compare without case.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public var fields: [HTTPField]

    public init(_ fields: [HTTPField] = []) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { HTTPField(name: $0.0, value: $0.1) }
    }

    /// Every value of the fields named `name`.
    public func values(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of the field named `name`.
    public subscript(name: String) -> String? { values(name).first }

    /// The comma-separated list elements of every field named `name`, lower-cased and trimmed.
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }
            .map { HTTPSyntax.trimmed(Array($0.utf8)[...]) }
            .map { String(decoding: $0, as: UTF8.self).lowercased() }
            .filter { !$0.isEmpty }
    }

    /// Whether a message of `version` with these fields leaves the connection open
    /// (RFC 9112 §9.3: HTTP/1.1 unless `close`, HTTP/1.0 only with `keep-alive`).
    public func keepsAlive(_ version: HTTPVersion) -> Bool {
        let connection = tokens("Connection")
        if connection.contains("close") { return false }
        return version >= .http11 || connection.contains("keep-alive")
    }

    public mutating func append(_ name: String, _ value: String) { fields.append(HTTPField(name: name, value: value)) }

    /// `Name: value` lines, each ended by CRLF, appended to `bytes`.
    func encode(into bytes: inout [UInt8]) {
        for field in fields {
            bytes += field.name.utf8
            bytes += [0x3A, 0x20]
            bytes += field.valueBytes
            bytes += [0x0D, 0x0A]
        }
        bytes += [0x0D, 0x0A]
    }
}

/// A request line and its fields.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// Parses a whole head (as `HTTPHeadScanner` delimits it, the empty line included).
    public init(parsing head: ArraySlice<UInt8>, limits: HTTPLimits = HTTPLimits()) throws(HTTPError) {
        let lines = try HTTPSyntax.lines(of: head, limits: limits)
        guard let first = lines.first else { throw .malformed("no request line") }
        let line = try HTTPSyntax.requestLine(first)
        self.init(method: line.method, target: line.target, version: line.version,
                  headers: try HTTPSyntax.fields(lines.dropFirst(), limits: limits))
        // RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host is refused.
        if version >= .http11 && headers.values("Host").count != 1 { throw .malformed("HTTP/1.1 needs one Host field") }
    }

    /// Whether the connection may carry another request after this one's response.
    public var keepsAlive: Bool { headers.keepsAlive(version) }

    /// The request line, fields and empty line, as sent.
    public var encoded: [UInt8] {
        var bytes = Array("\(method) \(target) \(version)\r\n".utf8)
        headers.encode(into: &bytes)
        return bytes
    }
}

/// A status line and its fields.
public struct HTTPResponseHead: Sendable, Equatable {
    public var version: HTTPVersion
    public var status: Int
    /// The reason phrase as received: like a field value it may hold obs-text.
    public var reasonBytes: [UInt8]
    public var headers: HTTPHeaders

    public init(status: Int, reason: String? = nil, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders()) {
        self.init(status: status, reasonBytes: Array((reason ?? HTTPResponseHead.reason(for: status)).utf8),
                  version: version, headers: headers)
    }

    public init(status: Int, reasonBytes: [UInt8], version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders()) {
        self.version = version
        self.status = status
        self.reasonBytes = reasonBytes
        self.headers = headers
    }

    /// The reason phrase as text; a byte that is not UTF-8 reads as U+FFFD.
    public var reason: String {
        get { String(decoding: reasonBytes, as: UTF8.self) }
        set { reasonBytes = Array(newValue.utf8) }
    }

    public init(parsing head: ArraySlice<UInt8>, limits: HTTPLimits = HTTPLimits()) throws(HTTPError) {
        let lines = try HTTPSyntax.lines(of: head, limits: limits)
        guard let first = lines.first else { throw .malformed("no status line") }
        let line = try HTTPSyntax.statusLine(first)
        self.init(status: line.status, reasonBytes: line.reason, version: line.version,
                  headers: try HTTPSyntax.fields(lines.dropFirst(), limits: limits))
    }

    /// The status line, fields and empty line, as sent.
    public var encoded: [UInt8] {
        var bytes = Array("\(version) \(status) ".utf8) + reasonBytes + [0x0D, 0x0A]
        headers.encode(into: &bytes)
        return bytes
    }

    /// The usual reason phrase of a status code.
    public static func reason(for status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

/// How a message's body ends (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
    /// Until the server closes the connection (responses only).
    case untilClose

    /// A request's framing: chunked, a Content-Length, or no body. Both
    /// Transfer-Encoding and Content-Length, or a coding other than chunked, are refused.
    public static func request(_ headers: HTTPHeaders, limits: HTTPLimits = HTTPLimits()) throws(HTTPError) -> HTTPBodyFraming {
        let codings = headers.tokens("Transfer-Encoding")
        if !headers.values("Transfer-Encoding").isEmpty {
            guard headers.values("Content-Length").isEmpty else {
                throw .malformed("both Transfer-Encoding and Content-Length")
            }
            guard codings.last == "chunked" else { throw .malformed("Transfer-Encoding does not end in chunked") }
            guard codings == ["chunked"] else { throw .unsupportedTransferCoding }
            return .chunked
        }
        guard let length = try contentLength(headers) else { return .none }
        guard length <= limits.maximumBodyBytes else { throw .bodyTooLarge }
        return length == 0 ? .none : .length(length)
    }

    /// A response's framing, given the status and the method of the request it answers.
    public static func response(_ headers: HTTPHeaders, status: Int, requestMethod: String) throws(HTTPError)
        -> HTTPBodyFraming {
        if requestMethod == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 { return .none }
        if !headers.values("Transfer-Encoding").isEmpty {
            return headers.tokens("Transfer-Encoding").last == "chunked" ? .chunked : .untilClose
        }
        guard let length = try contentLength(headers) else { return .untilClose }
        return length == 0 ? .none : .length(length)
    }

    /// The Content-Length (nil without one); a list of equal values counts as one (§6.3, item 5).
    static func contentLength(_ headers: HTTPHeaders) throws(HTTPError) -> Int? {
        let values = headers.values("Content-Length").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard !values.isEmpty else { return nil }
        var length: Int?
        for value in values {
            let digits = HTTPSyntax.trimmed(Array(value.utf8)[...])
            guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(HTTPSyntax.isDigit) else {
                throw .malformed("bad Content-Length")
            }
            let parsed = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if let length, length != parsed { throw .malformed("conflicting Content-Length values") }
            length = parsed
        }
        return length
    }
}

/// Finds where a head ends in bytes that arrive piece by piece, without
/// reading a byte twice. Lines may end in CRLF or a bare LF (RFC 9112 §2.2);
/// empty lines before a request line are skipped (§2.2).
public struct HTTPHeadScanner: Sendable {
    public var limits: HTTPLimits
    private var scanned = 0
    private var start = 0
    private var lineStart = 0
    private var isSkippingEmptyLines = true

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// The head's range in `buffer` (the caller appends to it between calls and
    /// resets the scanner after taking a head), nil while it is incomplete.
    /// Throws `headTooLarge` once more than the limit arrived without an end.
    public mutating func scan(_ buffer: [UInt8]) throws(HTTPError) -> Range<Int>? {
        while scanned < buffer.count {
            let byte = buffer[scanned]
            scanned += 1
            guard byte == 0x0A else { continue }
            var line = lineStart..<(scanned - 1)
            if !line.isEmpty && buffer[line.upperBound - 1] == 0x0D { line = line.lowerBound..<(line.upperBound - 1) }
            lineStart = scanned
            if line.isEmpty {
                if isSkippingEmptyLines {
                    start = scanned
                    if start > limits.maximumHeadBytes { throw .headTooLarge }
                    continue
                }
                let head = start..<scanned
                if head.count > limits.maximumHeadBytes { throw .headTooLarge }
                return head
            }
            isSkippingEmptyLines = false
        }
        if scanned - start > limits.maximumHeadBytes { throw .headTooLarge }
        return nil
    }

    /// Ready for the next head, which starts at `offset` of a buffer that was cut there (0) or not.
    public mutating func reset(at offset: Int = 0) {
        scanned = offset
        start = offset
        lineStart = offset
        isSkippingEmptyLines = true
    }
}

/// Decodes a chunked body (RFC 9112 §7.1) as its bytes arrive; stops after
/// the trailer section, so bytes after it (the next message) are left alone.
/// Chunk extensions are skipped; trailer fields are read and dropped.
public struct HTTPChunkedDecoder: Sendable {
    private enum State: Sendable, Equatable {
        case size(value: Int, digits: Int, lineBytes: Int, inExtension: Bool)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLine(bytes: Int, sawCR: Bool)
        case done
    }

    public var limits: HTTPLimits
    private var state = State.size(value: 0, digits: 0, lineBytes: 0, inExtension: false)
    private var bodyBytes = 0
    private var trailerBytes = 0

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// Whether the last chunk and the trailer section have been read.
    public var isComplete: Bool { state == .done }

    /// Appends the body's bytes in `input` to `body`; returns how many bytes of
    /// `input` belonged to the chunked body (all of them until it is complete).
    public mutating func decode(_ input: ArraySlice<UInt8>, into body: inout [UInt8]) throws(HTTPError) -> Int {
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            switch state {
            case .done:
                return index - input.startIndex
            case .size(let value, let digits, let lineBytes, let inExtension):
                guard lineBytes < limits.maximumChunkLineBytes else { throw .malformed("chunk-size line too long") }
                if byte == 0x0D || byte == 0x0A {
                    guard digits > 0 else { throw .malformed("chunk without a size") }
                    if byte == 0x0A { throw .malformed("chunk-size line without CR") }
                    state = .sizeLF(value: value)
                } else if inExtension {
                    guard byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80 else {
                        throw .malformed("control byte in a chunk extension")
                    }
                    state = .size(value: value, digits: digits, lineBytes: lineBytes + 1, inExtension: true)
                } else if let digit = HTTPSyntax.hexValue(byte) {
                    guard digits < 15 else { throw .bodyTooLarge }
                    state = .size(value: value * 16 + digit, digits: digits + 1, lineBytes: lineBytes + 1, inExtension: false)
                } else if digits > 0 && (byte == 0x3B || byte == 0x20 || byte == 0x09) {
                    state = .size(value: value, digits: digits, lineBytes: lineBytes + 1, inExtension: true)
                } else {
                    throw .malformed("bad chunk size")
                }
            case .sizeLF(let value):
                guard byte == 0x0A else { throw .malformed("chunk-size line without LF") }
                if value == 0 {
                    state = .trailerLine(bytes: 0, sawCR: false)
                } else {
                    guard value <= limits.maximumBodyBytes - bodyBytes else { throw .bodyTooLarge }
                    state = .data(remaining: value)
                }
            case .data(let remaining):
                let count = min(remaining, input.endIndex - index)
                body.append(contentsOf: input[index..<(index + count)])
                bodyBytes += count
                index += count
                state = remaining == count ? .dataCR : .data(remaining: remaining - count)
                continue
            case .dataCR:
                guard byte == 0x0D else { throw .malformed("chunk data longer than its size") }
                state = .dataLF
            case .dataLF:
                guard byte == 0x0A else { throw .malformed("chunk data without CRLF") }
                state = .size(value: 0, digits: 0, lineBytes: 0, inExtension: false)
            case .trailerLine(let bytes, let sawCR):
                trailerBytes += 1
                guard trailerBytes <= limits.maximumHeadBytes else { throw .headTooLarge }
                if sawCR {
                    guard byte == 0x0A else { throw .malformed("CR without LF in the trailer") }
                    state = bytes == 0 ? .done : .trailerLine(bytes: 0, sawCR: false)
                } else if byte == 0x0D {
                    state = .trailerLine(bytes: bytes, sawCR: true)
                } else if byte == 0x0A {
                    throw .malformed("trailer line without CR")
                } else {
                    guard byte == 0x09 || byte >= 0x20 else { throw .malformed("control byte in the trailer") }
                    state = .trailerLine(bytes: bytes + 1, sawCR: false)
                }
            }
            index += 1
        }
        return index - input.startIndex
    }

    /// `bytes` as one chunk (nothing for no bytes: an empty chunk would end the body).
    public static func chunk(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        return Array((String(bytes.count, radix: 16, uppercase: true) + "\r\n").utf8) + bytes + [0x0D, 0x0A]
    }

    /// The last chunk and an empty trailer section.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
}

/// The one-line name of an HTTP message whose first line `payload` starts
/// with (`GET /index.html`, `200 OK`), for traces; nil when it starts none.
public enum HTTPStartLine {
    public static func summary(_ payload: some Collection<UInt8>) -> String? {
        let prefix = Array(payload.prefix(1_024))
        guard let newline = prefix.firstIndex(of: 0x0A) else { return nil }
        var line = prefix[..<newline]
        if line.last == 0x0D { line = line.dropLast() }
        if let request = try? HTTPSyntax.requestLine(line) {
            let target = request.target.count > 60 ? String(request.target.prefix(59)) + "…" : request.target
            return "\(request.method) \(target)"
        }
        if let status = try? HTTPSyntax.statusLine(line) {
            let reason = String(decoding: status.reason, as: UTF8.self)
            return reason.isEmpty ? "\(status.status)" : "\(status.status) \(reason)"
        }
        return nil
    }
}

/// What a request target names on a server.
public enum HTTPTarget {
    /// The path a request target names, percent-decoded and with dot segments
    /// removed (RFC 3986 §5.2.4), so it never climbs above the root; nil when
    /// the target is neither origin-form nor an `http://` absolute-form.
    public static func path(of target: String) -> String? {
        var rest = Substring(target)
        if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst(7)
            guard let slash = rest.firstIndex(of: "/") else { return "/" }
            rest = rest[slash...]
        }
        guard rest.hasPrefix("/") else { return nil }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        var bytes: [UInt8] = []
        var utf8 = Array(rest.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == 0x25 {  // %
                guard utf8.count >= 2, let high = HTTPSyntax.hexValue(utf8.popFirst()!), let low = HTTPSyntax.hexValue(utf8.popFirst()!) else { return nil }
                let decoded = UInt8(high * 16 + low)
                guard decoded != 0 else { return nil }
                bytes.append(decoded)
            } else {
                bytes.append(byte)
            }
        }
        var segments: [Substring] = []
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for part in parts {
            switch part {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(part)
            }
        }
        let endsInDirectory = parts.last.map { $0.isEmpty || $0 == "." || $0 == ".." } ?? true
        var path = "/" + segments.filter { !$0.isEmpty }.joined(separator: "/")
        if endsInDirectory && !path.hasSuffix("/") { path += "/" }
        return path
    }
}

/// The grammar pieces RFC 9110 and 9112 share.
enum HTTPSyntax {
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// Without leading and trailing spaces and tabs (OWS).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// The lines of a head without their CRLF or LF, leading empty lines and the final empty line dropped.
    static func lines(of head: ArraySlice<UInt8>, limits: HTTPLimits) throws(HTTPError) -> [ArraySlice<UInt8>] {
        guard head.count <= limits.maximumHeadBytes else { throw .headTooLarge }
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        for index in head.indices where head[index] == 0x0A {
            var line = head[start..<index]
            if line.last == 0x0D { line = line.dropLast() }
            start = index + 1
            if line.isEmpty {
                if lines.isEmpty { continue }
                return lines
            }
            if line.contains(0x0D) { throw .malformed("CR inside a line") }
            lines.append(line)
            if lines.count > limits.maximumFieldCount + 1 { throw .headTooLarge }
        }
        throw .malformed("head without an empty line")
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    static func requestLine(_ line: ArraySlice<UInt8>) throws(HTTPError)
        -> (method: String, target: String, version: HTTPVersion) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("request line is not method, target and version") }
        let method = parts[0], target = parts[1], versionText = parts[2]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { throw .malformed("bad method") }
        guard !target.isEmpty, target.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .malformed("bad request target")
        }
        guard let version = HTTPVersion(versionText) else { throw .malformed("bad HTTP version") }
        guard version.major == 1 else { throw .unsupportedVersion }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), version)
    }

    /// `HTTP-version SP status-code SP [reason-phrase]` (RFC 9112 §4); the second space may be missing.
    static func statusLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (version: HTTPVersion, status: Int, reason: [UInt8]) {
        guard line.count >= 12, let version = HTTPVersion(line.prefix(8)), line[line.startIndex + 8] == 0x20 else {
            throw .malformed("bad status line")
        }
        let code = line.dropFirst(9).prefix(3)
        guard code.allSatisfy(isDigit), code.first != 0x30 else { throw .malformed("bad status code") }
        let rest = line.dropFirst(12)
        if let first = rest.first, first != 0x20 { throw .malformed("bad status code") }
        let reason = rest.dropFirst()
        guard reason.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else { throw .malformed("control byte in the reason") }
        guard version.major == 1 else { throw .unsupportedVersion }
        return (version, code.reduce(0) { $0 * 10 + Int($1 - 0x30) }, Array(reason))
    }

    /// `field-name ":" OWS field-value OWS` lines (RFC 9112 §5). No space before
    /// the colon and no obsolete line folding (§5.1, §5.2: both refused).
    static func fields(_ lines: ArraySlice<ArraySlice<UInt8>>, limits: HTTPLimits) throws(HTTPError) -> HTTPHeaders {
        guard lines.count <= limits.maximumFieldCount else { throw .headTooLarge }
        var headers = HTTPHeaders()
        for line in lines {
            guard let first = line.first, first != 0x20 && first != 0x09 else { throw .malformed("obsolete line folding") }
            guard let colon = line.firstIndex(of: 0x3A) else { throw .malformed("field without a colon") }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw .malformed("bad field name") }
            let value = trimmed(line[(colon + 1)...])
            guard value.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else {
                throw .malformed("control byte in a field value")
            }
            headers.fields.append(HTTPField(name: String(decoding: name, as: UTF8.self), valueBytes: Array(value)))
        }
        return headers
    }
}
