import RawNetWire
import Testing

/// The HTTP/1.1 parser (RFC 9112): heads, body framing, chunked coding, limits.
@Suite struct HTTPMessageTests {
    static let request = Array("GET /index.html?x=1 HTTP/1.1\r\nHost: bob\r\nUser-Agent: t/1\r\nAccept:  */* \r\n\r\n".utf8)

    /// Feeds `bytes` to a scanner in two pieces split at `split`; the head's range once found.
    func scanSplit(_ bytes: [UInt8], at split: Int, limits: HTTPLimits = HTTPLimits()) throws -> Range<Int>? {
        var scanner = HTTPHeadScanner(limits: limits)
        var buffer = Array(bytes[..<split])
        if let range = try scanner.scan(buffer) { return range }
        buffer += bytes[split...]
        return try scanner.scan(buffer)
    }

    @Test func requestHeadParsesWithFieldsTrimmedAndNamesWithoutCase() throws {
        let head = try HTTPRequestHead(parsing: Self.request[...])
        #expect(head.method == "GET")
        #expect(head.target == "/index.html?x=1")
        #expect(head.version == .http11)
        #expect(head.headers["host"] == "bob")
        #expect(head.headers["ACCEPT"] == "*/*")
        #expect(head.headers.fields.count == 3)
        #expect(head.keepsAlive)
    }

    @Test func headIsFoundWhateverWhereTheBytesAreSplit() throws {
        let extra = Array("GET /next HTTP/1.1\r\n".utf8)  // a pipelined request's start follows
        let bytes = Self.request + extra
        for split in 0...bytes.count {
            let range = try scanSplit(bytes, at: split)
            #expect(range == 0..<Self.request.count, "split at \(split)")
        }
    }

    @Test func bareLineFeedsAndLeadingEmptyLinesAreAccepted() throws {
        let bytes = Array("\r\n\nGET / HTTP/1.0\nX: y\n\n".utf8)
        var scanner = HTTPHeadScanner()
        let range = try #require(try scanner.scan(bytes))
        #expect(range == 3..<bytes.count)
        let head = try HTTPRequestHead(parsing: bytes[range])
        #expect(head.version == .http10)
        #expect(head.headers["x"] == "y")
        #expect(!head.keepsAlive)
    }

    @Test func scannerResetFindsThePipelinedHead() throws {
        let second = Array("HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        var buffer = Self.request + second
        var scanner = HTTPHeadScanner()
        let first = try #require(try scanner.scan(buffer))
        buffer.removeFirst(first.upperBound)
        scanner.reset()
        let range = try #require(try scanner.scan(buffer))
        #expect(try HTTPRequestHead(parsing: buffer[range]).method == "HEAD")
    }

    @Test func oversizedHeadIsRefusedBeforeItEnds() throws {
        var scanner = HTTPHeadScanner(limits: HTTPLimits(maximumHeadBytes: 100))
        let bytes = Array("GET / HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: 0x61, count: 200)
        #expect(throws: HTTPError.headTooLarge) { try scanner.scan(bytes) }
        var endless = HTTPHeadScanner(limits: HTTPLimits(maximumHeadBytes: 100))
        #expect(throws: HTTPError.headTooLarge) { try endless.scan([UInt8](repeating: 0x0A, count: 200)) }
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "A: b\r\n", count: 101) + "\r\n"
        #expect(throws: HTTPError.headTooLarge) { try HTTPRequestHead(parsing: Array(many.utf8)[...]) }
    }

    @Test(arguments: [
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",          // two spaces
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",          // trailing space
        "GET /\r\nHost: h\r\n\r\n",                   // HTTP/0.9 form
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",           // not a token
        "GET / http/1.1\r\nHost: h\r\n\r\n",           // version name is case-sensitive
        "GET / HTTP/1.10\r\nHost: h\r\n\r\n",
        "GET /\u{7f} HTTP/1.1\r\nHost: h\r\n\r\n",     // DEL in the target
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",          // space before the colon (RFC 9112 §5.1)
        "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",// obsolete line folding
        "GET / HTTP/1.1\r\nHost h\r\n\r\n",            // no colon
        "GET / HTTP/1.1\r\n: v\r\nHost: h\r\n\r\n",    // empty name
        "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n",     // control byte in a value
        "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",     // bare CR
        "GET / HTTP/1.1\r\n\r\n",                      // HTTP/1.1 without Host
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",// two Hosts
    ])
    func malformedRequestsAreRefusedWith400(_ text: String) {
        do {
            _ = try HTTPRequestHead(parsing: Array(text.utf8)[...])
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.status == 400, "\(text.debugDescription): \(error)")
        }
    }

    @Test func otherMajorVersionsAre505() {
        #expect(throws: HTTPError.unsupportedVersion) { try HTTPRequestHead(parsing: Array("GET / HTTP/2.0\r\n\r\n".utf8)[...]) }
    }

    @Test func statusLinesParseWithAndWithoutReason() throws {
        let ok = try HTTPResponseHead(parsing: Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".utf8)[...])
        #expect(ok.status == 200 && ok.reason == "OK" && ok.headers["content-length"] == "5")
        let bare = try HTTPResponseHead(parsing: Array("HTTP/1.0 404\r\n\r\n".utf8)[...])
        #expect(bare.status == 404 && bare.reason == "" && bare.version == .http10)
        for bad in ["HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 X", "HTTP/1.1  200 OK", "HTTX/1.1 200 OK"] {
            #expect(throws: HTTPError.self, "\(bad)") { try HTTPResponseHead(parsing: Array((bad + "\r\n\r\n").utf8)[...]) }
        }
    }

    @Test func encodedHeadsParseBack() throws {
        var request = HTTPRequestHead(method: "HEAD", target: "/a%20b", headers: ["Host": "bob:8080"])
        request.headers.append("Connection", "close")
        let parsed = try HTTPRequestHead(parsing: request.encoded[...])
        #expect(parsed == request)
        #expect(!parsed.keepsAlive)
        let response = HTTPResponseHead(status: 413, headers: ["Content-Length": "0"])
        #expect(try HTTPResponseHead(parsing: response.encoded[...]) == response)
        #expect(response.reason == "Content Too Large")
    }

    /// What a client makes of obs-text (RFC 9110 §5.5) in a response: the reason and values
    /// keep their bytes (read as text, each byte that is not UTF-8 is U+FFFD); such a
    /// Transfer-Encoding is not chunked, so the body runs until the close (RFC 9112 §6.3,
    /// item 4), and such a Content-Length is malformed.
    @Test func obsTextInAResponse_isKeptAndFramedAsRFC9112Says() throws {
        let head = Array("HTTP/1.1 200 Ok".utf8) + [0xE9] + Array("\r\nX: ".utf8) + [0x80, 0xFF]
            + Array("\r\nTransfer-Encoding: ".utf8) + [0xFF] + Array("\r\n\r\n".utf8)
        let response = try HTTPResponseHead(parsing: head[...])
        #expect(response.reasonBytes == Array("Ok".utf8) + [0xE9] && response.reason == "Ok\u{FFFD}")
        #expect(response.headers.fields[0].valueBytes == [0x80, 0xFF] && response.headers["X"] == "\u{FFFD}\u{FFFD}")
        #expect(try HTTPBodyFraming.response(response.headers, status: 200, requestMethod: "GET") == .untilClose)
        let length = Array("HTTP/1.1 200 OK\r\nContent-Length: 1".utf8) + [0xB9] + Array("\r\n\r\n".utf8)
        let withLength = try HTTPResponseHead(parsing: length[...])
        #expect(throws: HTTPError.malformed("bad Content-Length")) {
            try HTTPBodyFraming.response(withLength.headers, status: 200, requestMethod: "GET")
        }
    }

    @Test func requestFramingFollowsRFC9112Section6() throws {
        #expect(try HTTPBodyFraming.request([:]) == HTTPBodyFraming.none)
        #expect(try HTTPBodyFraming.request(["Content-Length": "12"]) == .length(12))
        #expect(try HTTPBodyFraming.request(["Content-Length": "7, 7"]) == .length(7))
        #expect(try HTTPBodyFraming.request(["Transfer-Encoding": "chunked"]) == .chunked)
        #expect(throws: HTTPError.self) { try HTTPBodyFraming.request(["Content-Length": "7, 8"]) }
        #expect(throws: HTTPError.self) { try HTTPBodyFraming.request(["Content-Length": "-1"]) }
        #expect(throws: HTTPError.self) { try HTTPBodyFraming.request(["Content-Length": "1e3"]) }
        #expect(throws: HTTPError.self) {
            try HTTPBodyFraming.request(["Transfer-Encoding": "chunked", "Content-Length": "3"])
        }
        #expect(throws: HTTPError.malformed("Transfer-Encoding does not end in chunked")) {
            try HTTPBodyFraming.request(["Transfer-Encoding": "gzip"])
        }
        #expect(throws: HTTPError.unsupportedTransferCoding) {
            try HTTPBodyFraming.request(["Transfer-Encoding": "gzip, chunked"])
        }
        #expect(throws: HTTPError.bodyTooLarge) {
            try HTTPBodyFraming.request(["Content-Length": "2000"], limits: HTTPLimits(maximumBodyBytes: 1000))
        }
    }

    @Test func responseFramingDependsOnMethodAndStatus() throws {
        #expect(try HTTPBodyFraming.response(["Content-Length": "9"], status: 200, requestMethod: "HEAD") == HTTPBodyFraming.none)
        #expect(try HTTPBodyFraming.response(["Content-Length": "9"], status: 304, requestMethod: "GET") == HTTPBodyFraming.none)
        #expect(try HTTPBodyFraming.response([:], status: 200, requestMethod: "GET") == .untilClose)
        #expect(try HTTPBodyFraming.response(["Transfer-Encoding": "chunked"], status: 200, requestMethod: "GET") == .chunked)
        #expect(try HTTPBodyFraming.response(["Content-Length": "9"], status: 200, requestMethod: "GET") == .length(9))
    }

    static let chunkedBody = Array("5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nTrailer: x\r\n\r\n".utf8)

    @Test func chunkedBodyDecodesWhateverWhereTheBytesAreSplit() throws {
        let next = Array("GET / HTTP/1.1\r\n".utf8)
        let bytes = Self.chunkedBody + next
        for split in 0...bytes.count {
            var decoder = HTTPChunkedDecoder()
            var body: [UInt8] = []
            var used = try decoder.decode(bytes[..<split], into: &body)
            if !decoder.isComplete {
                #expect(used == split)
                used += try decoder.decode(bytes[split...], into: &body)
            }
            #expect(decoder.isComplete, "split at \(split)")
            #expect(used == Self.chunkedBody.count, "split at \(split)")
            #expect(String(decoding: body, as: UTF8.self) == "hello, world!!!", "split at \(split)")
        }
    }

    @Test func chunkedBodyDecodesByteByByte() throws {
        var decoder = HTTPChunkedDecoder()
        var body: [UInt8] = []
        for byte in Self.chunkedBody { _ = try decoder.decode([byte][...], into: &body) }
        #expect(decoder.isComplete && body == Array("hello, world!!!".utf8))
    }

    @Test(arguments: [
        "x\r\n", "\r\n", "5\nhello\r\n0\r\n\r\n", "5\r\nhelloX\r\n", "5\r\nhello\rX", "-1\r\n",
        "5\r\nhello\r\n0\r\nbad\nline\r\n\r\n", "3;\u{1}\r\n", "0\r\nA\u{1}: b\r\n\r\n",
    ])
    func malformedChunkedBodiesAreRefused(_ text: String) {
        var decoder = HTTPChunkedDecoder()
        var body: [UInt8] = []
        #expect(throws: HTTPError.self, "\(text.debugDescription)") { _ = try decoder.decode(Array(text.utf8)[...], into: &body) }
    }

    @Test func chunkedLimitsHold() {
        var decoder = HTTPChunkedDecoder(limits: HTTPLimits(maximumBodyBytes: 10))
        var body: [UInt8] = []
        #expect(throws: HTTPError.bodyTooLarge) { _ = try decoder.decode(Array("B\r\n".utf8)[...], into: &body) }
        var huge = HTTPChunkedDecoder()
        #expect(throws: HTTPError.bodyTooLarge) { _ = try huge.decode(Array("FFFFFFFFFFFFFFFFFFFF\r\n".utf8)[...], into: &body) }
        var longLine = HTTPChunkedDecoder(limits: HTTPLimits(maximumChunkLineBytes: 16))
        let line = "1;" + String(repeating: "a", count: 40) + "\r\n"
        #expect(throws: HTTPError.self) { _ = try longLine.decode(Array(line.utf8)[...], into: &body) }
    }

    @Test func chunkEncodingRoundTrips() throws {
        let data = [UInt8](0..<200)
        let encoded = HTTPChunkedDecoder.chunk(data[..<100]) + HTTPChunkedDecoder.chunk(data[100...])
            + HTTPChunkedDecoder.chunk([][...]) + HTTPChunkedDecoder.lastChunk
        #expect(encoded.starts(with: Array("64\r\n".utf8)))
        var decoder = HTTPChunkedDecoder()
        var body: [UInt8] = []
        #expect(try decoder.decode(encoded[...], into: &body) == encoded.count)
        #expect(decoder.isComplete && body == data)
    }

    @Test func startLineSummariesNameRequestsAndResponsesOnly() {
        #expect(HTTPStartLine.summary(Self.request) == "GET /index.html?x=1")
        #expect(HTTPStartLine.summary(Array("HTTP/1.1 404 Not Found\r\nX".utf8)) == "404 Not Found")
        #expect(HTTPStartLine.summary(Array("GET /partial".utf8)) == nil)  // the line does not end here
        #expect(HTTPStartLine.summary(Array("hello world\n".utf8)) == nil)
        #expect(HTTPStartLine.summary([0xff, 0x00, 0x0A]) == nil)
        let long = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n"
        #expect(HTTPStartLine.summary(Array(long.utf8))?.count == 64)
    }

    @Test func targetPathsAreDecodedAndNeverClimbAboveTheRoot() {
        #expect(HTTPTarget.path(of: "/a/b.html?q=1") == "/a/b.html")
        #expect(HTTPTarget.path(of: "/a%20b") == "/a b")
        #expect(HTTPTarget.path(of: "/../../etc/passwd") == "/etc/passwd")
        #expect(HTTPTarget.path(of: "/a/%2e%2e/%2E%2E/x") == "/x")
        #expect(HTTPTarget.path(of: "/dir/") == "/dir/")
        #expect(HTTPTarget.path(of: "/dir/..") == "/")
        #expect(HTTPTarget.path(of: "http://bob:8080/x") == "/x")
        #expect(HTTPTarget.path(of: "http://bob") == "/")
        #expect(HTTPTarget.path(of: "*") == nil)
        #expect(HTTPTarget.path(of: "/a%00") == nil)
        #expect(HTTPTarget.path(of: "/a%zz") == nil)
        #expect(HTTPTarget.path(of: "/a%4") == nil)
    }
}
