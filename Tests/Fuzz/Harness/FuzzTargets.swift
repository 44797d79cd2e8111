// Coverage-guided fuzz targets for every decoder RawNet has (libFuzzer).
//
// Built only when the manifest is evaluated with RAWNET_FUZZ=1 and linked with
// `-sanitize=fuzzer` (main.swift hands control to libFuzzer's driver: SwiftPM
// gives an executable its own `main`); `scripts/fuzz` builds and runs it. RAWNET_FUZZ_DECODER picks the decoder one run exercises, so each gets its
// own corpus, coverage and execution count:
//
//   ethernet arp ipv4 icmp udp tcp dns appapi control topology http rip vlan bpdu
//
// Besides "no crash", a decoded value must survive its own encoder where the
// format makes that exact (the properties the unit tests state for the seeds).
import Glibc
import RawNetApps
import RawNetContracts
import RawNetCore
import RawNetJSON
import RawNetLab
import RawNetLabModel
import RawNetWire

enum Decoder: String, CaseIterable {
    case ethernet, arp, ipv4, icmp, udp, tcp, dns, appapi, control, topology, http, rip, vlan, bpdu
}

nonisolated(unsafe) var selected: Decoder?

/// Picks the decoder (or writes the app API seeds and exits).
func fuzzInitialize() {
    let name = getenv("RAWNET_FUZZ_DECODER").map { String(cString: $0) } ?? ""
    guard let decoder = Decoder(rawValue: name) else {
        let names = Decoder.allCases.map(\.rawValue).joined(separator: " ")
        printError("rawnet-fuzz: set RAWNET_FUZZ_DECODER to one of: \(names)")
        exit(2)
    }
    selected = decoder
    if decoder == .appapi, let dir = getenv("RAWNET_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) {
        writeAppAPISeeds(to: dir)
        exit(0)
    }
}

/// One message of every kind, from the app API's own encoder: the seeds of `appapi`
/// (Tests/Fuzz/corpus/appapi, written once with RAWNET_FUZZ_WRITE_SEEDS=DIR).
func writeAppAPISeeds(to dir: String) {
    let bob = IPv4Address(10, 0, 2, 20), alice = IPv4Address(10, 0, 1, 10)
    let messages: [AppMessage] = [
        .hello(request: 1, pid: 4242, features: [.writeCredit, .streamBatch], name: "chat"),
        .open(request: 2, protocol: .tcp),
        .bind(request: 3, socket: 1, address: .any, port: 7000),
        .connect(request: 4, socket: 1, address: bob, port: 7000),
        .sendTo(request: 5, socket: 2, address: bob, port: 4242, payload: Array("hi".utf8)),
        .send(request: 6, socket: 1, payload: Array("hello".utf8)),
        .setOption(request: 7, socket: 1, option: .noDelay, value: 1),
        .close(request: 8, socket: 1),
        .listen(request: 9, socket: 1, backlog: 16),
        .shutdown(request: 10, socket: 1, how: .write),
        .status(request: 11, socket: 1),
        .write(socket: 1, payload: Array("line\n".utf8)),
        .reply(request: 4, socket: 1, status: .ok, localAddress: alice, localPort: 49152, message: ""),
        .reply(request: 4, socket: 1, status: .connectionRefused, localAddress: .any, localPort: 0, message: "refused"),
        .datagram(socket: 2, from: bob, port: 4242, timeToLive: 63, payload: [1, 2, 3]),
        .error(socket: 1, status: .connectionReset, message: "connection reset by peer"),
        .icmpError(socket: 2, from: bob, type: 3, code: 3, originalDestination: bob, originalPort: 4242),
        .accepted(socket: 1, newSocket: 3, peer: alice, peerPort: 49152, localAddress: bob, localPort: 7000),
        .streamData(socket: 3, payload: Array("bob: hi\n".utf8)),
        .peerClosed(socket: 3),
        .sent(request: 5, socket: 2, count: 2),
        .writable(socket: 1, freeSpace: 65536),
        .credit(socket: 1, bytes: 65536),
        .streamBatch([AppStreamChunk(socket: 1, payload: [0x41]), AppStreamChunk(socket: 3, payload: [0x42, 0x43])]),
    ]
    for (index, message) in messages.enumerated() {
        let bytes = message.encoded()
        guard let file = fopen("\(dir)/message-\(index)", "wb") else { continue }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    switch selected! {
    case .ethernet: fuzzEthernet(raw)
    case .arp: fuzzARP(raw)
    case .ipv4: fuzzIPv4(raw)
    case .icmp: fuzzICMP(raw)
    case .udp: fuzzUDP(raw)
    case .tcp: fuzzTCP(raw)
    case .dns: fuzzDNS(raw)
    case .appapi: fuzzAppAPI(Array(raw))
    case .control: fuzzControl(Array(raw))
    case .topology: fuzzTopology(Array(raw))
    case .http: fuzzHTTP(Array(raw))
    case .rip: fuzzRIP(raw)
    case .vlan: fuzzVLAN(Array(raw))
    case .bpdu: fuzzBPDU(Array(raw))
    }
    return 0
}

func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Stops the run with the property that failed; libFuzzer saves the input.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        printError("rawnet-fuzz: property failed: \(message())")
        abort()
    }
}

/// Equal bytes, but for the 16-bit checksum at `offset`, which may differ in form only:
/// one's complement has two zeros, and a received 0xFFFF where the encoder writes 0x0000
/// (or the reverse) verifies all the same (RFC 1071; Linux accepts both). Found by this fuzzer.
func sameExceptChecksum(_ a: [UInt8], _ b: [UInt8], at offset: Int) -> Bool {
    guard a.count == b.count, a.count >= offset + 2 else { return a == b }
    let equivalent: Set<UInt16> = [0x0000, 0xFFFF]
    let x = UInt16(a[offset]) << 8 | UInt16(a[offset + 1]), y = UInt16(b[offset]) << 8 | UInt16(b[offset + 1])
    return a[..<offset] == b[..<offset] && a[(offset + 2)...] == b[(offset + 2)...]
        && (x == y || (equivalent.contains(x) && equivalent.contains(y)))
}

func serialized(_ body: (inout [UInt8]) -> Void) -> [UInt8] {
    var out: [UInt8] = []
    body(&out)
    return out
}

/// The whole-frame decoder every watcher uses (Ethernet, then ARP or IPv4 and
/// its transport), plus the Ethernet header alone.
func fuzzEthernet(_ raw: UnsafeRawBufferPointer) {
    let decoded = DecodedFrame(parsing: raw, verifyChecksums: true)
    _ = decoded.layers
    _ = decoded.applicationData
    _ = DecodedFrame(parsing: raw, verifyChecksums: false).description
    if let header = try? EthernetHeader(parsing: raw) {
        let again = serialized { header.serialize(into: &$0) }
        require(again == Array(raw.prefix(again.count)), "Ethernet header does not serialize back")
    }
}

func fuzzARP(_ raw: UnsafeRawBufferPointer) {
    guard let packet = try? ARPPacket(parsing: raw) else { return }
    _ = packet.description
    let again = serialized { packet.serialize(into: &$0) }
    require(Array(again.prefix(ARPView.length)) == Array(raw.prefix(ARPView.length)),
            "ARP packet does not serialize back")
}

func fuzzIPv4(_ raw: UnsafeRawBufferPointer) {
    for full in [true, false] {
        guard let header = try? IPv4Header(parsing: raw, verifyChecksum: true, requireFullPacket: full) else { continue }
        _ = header.description
        let again = serialized { header.serialize(into: &$0) }
        require(sameExceptChecksum(again, Array(raw.prefix(header.headerLength)), at: 10),
                "IPv4 header does not serialize back")
        require((try? IPv4Header(parsing: again, verifyChecksum: true, requireFullPacket: false)) != nil,
                "IPv4 header re-encoded does not verify")
    }
    _ = try? IPv4Header(parsing: raw, verifyChecksum: false, requireFullPacket: false)
    var packet = Array(raw)
    if let ttl = try? IPv4Header.decrementTTL(inPacket: &packet) {
        let after = try? IPv4Header(parsing: packet, verifyChecksum: false, requireFullPacket: false)
        require(after?.timeToLive == ttl, "decrementTTL reports a TTL the packet does not hold")
    }
}

func fuzzICMP(_ raw: UnsafeRawBufferPointer) {
    _ = ICMPMessage.quote(Array(raw))
    _ = ICMPMessage.errorQuote(Array(raw))
    _ = try? ICMPMessage(parsing: raw, verifyChecksum: false).description
    guard let message = try? ICMPMessage(parsing: raw, verifyChecksum: true) else { return }
    _ = message.quoted
    let again = serialized { message.serialize(into: &$0) }
    require(sameExceptChecksum(again, Array(raw), at: 2), "ICMP message does not serialize back")
    require((try? ICMPMessage(parsing: again, verifyChecksum: true)) == message, "ICMP message re-encoded differs")
}

/// The first 8 input bytes are the pseudo-header's addresses, the rest the segment.
func pseudoHeader(_ raw: UnsafeRawBufferPointer) -> (IPv4PseudoHeader, UnsafeRawBufferPointer)? {
    guard raw.count >= 8 else { return nil }
    var source: UInt32 = 0, destination: UInt32 = 0
    for i in 0..<4 {
        source = source << 8 | UInt32(raw[i])
        destination = destination << 8 | UInt32(raw[4 + i])
    }
    return (IPv4PseudoHeader(source: IPv4Address(source), destination: IPv4Address(destination)),
            UnsafeRawBufferPointer(rebasing: raw[8...]))
}

func fuzzUDP(_ raw: UnsafeRawBufferPointer) {
    guard let (pseudo, segment) = pseudoHeader(raw) else { return }
    _ = try? UDPHeader(parsing: segment)
    guard let header = try? UDPHeader(parsing: segment, pseudoHeader: pseudo) else { return }
    let payload = UnsafeRawBufferPointer(rebasing: segment[8..<Int(header.length)])
    let again = serialized { header.serialize(into: &$0, payload: payload, pseudoHeader: pseudo) }
    require((try? UDPHeader(parsing: again, pseudoHeader: pseudo)) != nil, "UDP datagram re-encoded does not verify")
}

func fuzzTCP(_ raw: UnsafeRawBufferPointer) {
    guard let (pseudo, segment) = pseudoHeader(raw) else { return }
    guard let view = try? TCPView(segment) else { return }
    _ = try? view.options()
    _ = try? TCPHeader(parsing: segment)
    guard let header = try? TCPHeader(parsing: segment, pseudoHeader: pseudo) else { return }
    _ = header.description
    // The wire's data offset (options re-encoded may be shorter: end-of-list and padding go).
    let payload = Array(segment[view.headerLength...])
    let again = serialized { header.serialize(into: &$0, payload: payload, pseudoHeader: pseudo) }
    guard let reparsed = try? TCPHeader(parsing: again, pseudoHeader: pseudo) else {
        require(false, "TCP segment re-encoded does not parse")
        return
    }
    require(reparsed.options == header.options && reparsed.flags == header.flags
            && reparsed.sequenceNumber == header.sequenceNumber, "TCP segment re-encoded differs")
}

/// App API messages both ways: what a host reads from apps and apps from the host.
func fuzzAppAPI(_ bytes: [UInt8]) {
    guard let message = try? AppMessage(decoding: bytes) else { return }
    _ = message.requestID
    let encoded = message.encoded()
    let again = try? AppMessage(decoding: encoded)
    require(again == message, "app message re-encoded decodes differently: \(message)")
}

/// One control line: as the daemon reads requests and as clients read answers.
func fuzzControl(_ line: [UInt8]) {
    if let request = try? ControlCodec.decodeLine(ControlRequest.self, from: line) {
        let encoded = try? ControlCodec.encodeLine(request)
        let again = encoded.flatMap { try? ControlCodec.decodeLine(ControlRequest.self, from: $0.dropLast()) }
        require(again == request, "control request re-encoded decodes differently")
    }
    if let response = try? ControlCodec.decodeLine(ControlResponse.self, from: line) {
        _ = try? ControlCodec.encodeLine(response)
        _ = try? response.result?.decode(NodeStatus.self)
    }
    _ = try? JSONNodeDecoder().decode(JSONValue.self, from: line)
}

/// Topology YAML (what `rawnet up` reads) and lab.conf (what daemons read).
func fuzzTopology(_ bytes: [UInt8]) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    if let topology = try? TopologyLoader.parse(yaml: text, file: "fuzz.yaml") {
        let conf = LabConfig.text(for: topology)
        let back = try? LabConfig.parse(conf, file: "fuzz.conf")
        require(back.map { LabConfig.text(for: $0) } == conf, "lab.conf of a parsed topology does not read back")
        // A daemon's part of the file holds its node exactly as the whole file does.
        for node in topology.nodes.prefix(8) {
            let slice = try? LabConfig.parse(conf, file: "fuzz.conf", onlyFor: node.name)
            require(slice?.node(named: node.name) == node, "the part of lab.conf for \(node.name) differs from the whole")
        }
    }
    _ = try? LabConfig.parse(text, file: "fuzz.conf")
    _ = try? LabConfig.parse(text, file: "fuzz.conf", onlyFor: "a")
}

/// A DNS message: decoding never traps, and what decodes re-encodes (compressed
/// its own way) to bytes that decode to the same message, within 512 bytes too.
func fuzzDNS(_ raw: UnsafeRawBufferPointer) {
    guard let message = try? DNSMessage(raw) else { return }
    for record in message.answers + message.authority + message.additional { _ = record.description }
    let again = message.serialize()
    let decoded = try? DNSMessage(parsing: again)
    require(decoded == message, "DNS message re-encoded decodes differently")
    let small = message.serialize(limit: DNSMessage.udpLimit)
    require(small.count <= max(DNSMessage.udpLimit, again.count) , "DNS message exceeds its limit")
    require((try? DNSMessage(parsing: small)) != nil, "DNS message cut to 512 bytes does not decode")
}

/// HTTP/1.1 (RFC 9112) as the server and client read it: heads, framing, chunked
/// bodies, targets, and a whole server session fed the bytes in two pieces.
func fuzzHTTP(_ bytes: [UInt8]) {
    var scanner = HTTPHeadScanner()
    if let range = try? scanner.scan(bytes) {
        if let request = try? HTTPRequestHead(parsing: bytes[range]) {
            let again = try? HTTPRequestHead(parsing: request.encoded[...])
            require(again == request, "HTTP request head re-encoded parses differently")
            _ = try? HTTPBodyFraming.request(request.headers)
            if let path = HTTPTarget.path(of: request.target) {
                require(path.hasPrefix("/") && !path.split(separator: "/").contains(".."), "target path climbs: \(path)")
            }
        }
        if let response = try? HTTPResponseHead(parsing: bytes[range]) {
            let again = try? HTTPResponseHead(parsing: response.encoded[...])
            require(again == response, "HTTP response head re-encoded parses differently")
            _ = try? HTTPBodyFraming.response(response.headers, status: response.status, requestMethod: "GET")
        }
    }
    _ = HTTPStartLine.summary(bytes)
    // Chunked decoding is the same whether the bytes come whole or in two pieces.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var whole = HTTPChunkedDecoder(), pieces = HTTPChunkedDecoder()
    var wholeBody: [UInt8] = [], piecesBody: [UInt8] = []
    let wholeUsed = try? whole.decode(bytes[...], into: &wholeBody)
    var piecesUsed: Int? = nil
    if let first = try? pieces.decode(bytes[..<split], into: &piecesBody) {
        piecesUsed = pieces.isComplete ? first : (try? pieces.decode(bytes[split...], into: &piecesBody)).map { $0 + first }
    }
    require(wholeUsed == piecesUsed && (wholeUsed == nil || wholeBody == piecesBody), "chunked decoding depends on the split")
    // A server session never traps and answers the same however the bytes are cut.
    func serve(_ parts: [[UInt8]]) -> [UInt8] {
        var session = HTTPSession(settings: HTTPServerSettings(), peer: "fuzz", now: 0) { path in
            path == "/index.html" ? .file([1, 2, 3]) : .notFound
        }
        return parts.flatMap { session.receive($0, now: 1) } + session.endOfInput()
    }
    require(serve([bytes]) == serve([Array(bytes[..<split]), Array(bytes[split...])]), "server answers depend on the split")
}
