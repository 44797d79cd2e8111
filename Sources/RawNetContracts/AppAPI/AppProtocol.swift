import RawNetWire

/// The app API: the messages an app and its host daemon exchange over the
/// host's `NODE.api` Unix SOCK_SEQPACKET socket (one message per packet).
///
/// Every message starts with the same 9 bytes, all integers big-endian:
///
///     0      1              5              9
///     +------+--------------+--------------+---------------------+---------+
///     | kind | request id   | socket id    | kind-specific fields| payload |
///     +------+--------------+--------------+---------------------+---------+
///
/// The app numbers its requests; the host answers each with one `reply`
/// carrying the same request id. Messages the host sends on its own
/// (`datagram`, `error`, `icmpError`) carry request id 0. Socket ids are chosen
/// by the host in `open` and are never 0. The payload is whatever follows the
/// fixed fields (to the end of the packet).
///
/// Kind-specific fields (after the 9-byte head):
///
/// | kind | name        | fields                                      | payload |
/// |------|-------------|---------------------------------------------|---------|
/// | 0x01 | hello       | pid u32, features u32 (`AppFeatures`)       | app name (UTF-8) |
/// | 0x02 | open        | protocol u8 (1 ICMP, 17 UDP, 6 TCP)         | – |
/// | 0x03 | bind        | address 4, port u16 (0: ephemeral)          | – |
/// | 0x04 | connect     | address 4, port u16                         | – |
/// | 0x05 | sendTo      | address 4, port u16                         | data |
/// | 0x06 | send        | –                                           | data |
/// | 0x07 | setOption   | option u8, value i32                        | – |
/// | 0x08 | close       | –                                           | – |
/// | 0x80 | reply       | status u8, local address 4, local port u16  | message (UTF-8) |
/// | 0x81 | datagram    | from address 4, from port u16, ttl u8       | data |
/// | 0x82 | error       | status u8                                   | message (UTF-8) |
/// | 0x83 | icmpError   | from 4, type u8, code u8, original destination 4, original port u16 | – |
///
/// TCP (kinds 0x10–0x1F and 0x90–0x9F):
///
/// | kind | name        | fields                                      | payload |
/// |------|-------------|---------------------------------------------|---------|
/// | 0x10 | listen      | backlog u16                                 | – |
/// | 0x11 | shutdown    | how u8 (0 read, 1 write, 2 both)            | – |
/// | 0x12 | status      | –                                           | – |
/// | 0x13 | write       | – (request id 0: never answered)            | data |
/// | 0x14 | consumed    | bytes u32 (request id 0: never answered)    | – |
/// | 0x90 | accepted    | new socket u32, peer 4, peer port u16, local 4, local port u16 | – |
/// | 0x91 | streamData  | –                                           | data |
/// | 0x92 | peerClosed  | –                                           | – |
/// | 0x93 | sent        | count u32                                   | – |
/// | 0x94 | writable    | free space u32                              | – |
/// | 0x95 | credit      | bytes u32                                   | – |
/// | 0x96 | streamBatch | – (socket id 0)                             | records: socket u32, length u32, data |
///
/// A TCP `connect` is answered when the handshake ends: `reply` ok, or
/// connectionRefused (RST), hostUnreachable (ICMP), timedOut. Stream bytes go
/// out in one of two ways:
/// - `send`, answered by `sent` (how many bytes the send buffer took,
///   possibly fewer than offered, possibly 0); after a short `sent` the host
///   sends `writable` once the buffer has room again. One round trip per write.
/// - With the `writeCredit` feature (said in `hello`), writes need no answer:
///   the host grants bytes of send-buffer space with `credit` (first right
///   after the connect `reply` or the `accepted`, then whenever at least a
///   quarter of the buffer, at most 64 KiB, is free and not yet granted), and
///   the app sends `write` messages carrying at most the credit it holds. The
///   host takes every byte of such a write into the send buffer: granted space
///   is reserved, so it neither refuses nor queues anything beyond the buffer.
///   A write beyond the credit is a protocol error (`error`, bytes dropped).
///   Bytes written after the connection ended are dropped; the end itself
///   arrives as `error` (reset, time-out), which the library throws on the
///   next call, as an OS does for writes after a reset.
/// With the `streamBatch` feature the host gathers the stream bytes of one
/// TCP pass for all of the app's sockets into `streamBatch` messages (each at
/// most 64 KiB), one record per piece that would have been a `streamData`,
/// in the same order; any other message to the app first sends the batch.
/// The host pushes `streamData`
/// only while the app keeps reading its end of the app connection; when the app
/// stops, the TCP receive window closes.
/// With the `receiveCredit` feature the app also says what it consumed: it
/// sends `consumed` (never answered) with the bytes its reads handed over
/// since the last one (stream bytes; for a datagram, `receiveCost(ofDatagram:)`),
/// at the latest once they reach a quarter of the socket's window or when
/// nothing of the socket is left unread. The host then keeps at most
/// `streamReceiveWindow` stream bytes per socket sent and not consumed (the
/// rest waits in the TCP receive buffer, whose window closes to the peer),
/// and charges datagrams to the socket's receive buffer (`datagramReceiveBuffer`)
/// until consumed, dropping (counted, traced) those beyond it. It also knows
/// whether bytes were left unread when the app closes a socket or dies: that
/// resets the connection, as Linux does. `accepted` arrives on the listening
/// socket for each new connection (the new socket belongs to the same app).
/// `peerClosed` is end of stream (FIN after all data). Resets and time-outs of
/// an established connection arrive as `error`. `status` is answered by `reply`
/// whose message is `key=value` pairs separated by spaces (see `TCPSocketStatus`).
///
/// Size: a message is at most `AppMessage.maximumLength` (65,536) bytes, head
/// included, either way. That holds the largest UDP datagram (65,507 bytes),
/// a whole ICMP message and a `streamBatch`; a TCP `write` or `send` carries at
/// most `maximumWritePayload` (65,527) bytes, so the library splits larger
/// writes. The host reads each message whole: a longer one is never cut short
/// but refused, with a `reply` of status messageTooLong to its request, or
/// for a `write` an `error` of that status (its bytes are dropped).
///
/// ICMP sockets work like Linux "ping sockets": the socket's local port is
/// the echo identifier. The app sends whole ICMP messages (`sendTo` with port
/// 0); the host puts in the identifier and the checksum. It receives echo
/// replies with that identifier and ICMP errors quoting its echo requests,
/// as whole ICMP messages in `datagram`.
public enum AppMessageKind: UInt8, Sendable {
    case hello = 0x01, open = 0x02, bind = 0x03, connect = 0x04
    case sendTo = 0x05, send = 0x06, setOption = 0x07, close = 0x08
    case listen = 0x10, shutdown = 0x11, status = 0x12, write = 0x13, consumed = 0x14
    case reply = 0x80, datagram = 0x81, error = 0x82, icmpError = 0x83
    case accepted = 0x90, streamData = 0x91, peerClosed = 0x92, sent = 0x93, writable = 0x94, credit = 0x95
    case streamBatch = 0x96
}

/// What an app's library understands beyond the base protocol, said in `hello`.
public struct AppFeatures: OptionSet, Sendable, Equatable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// TCP writes by `write` within `credit` the host grants, with no answer
    /// per write (instead of `send` and `sent`).
    public static let writeCredit = AppFeatures(rawValue: 1)
    /// Stream bytes of several sockets in one `streamBatch` message.
    public static let streamBatch = AppFeatures(rawValue: 2)
    /// The app reports what its reads consumed (`consumed`); the host sends
    /// each socket only within its receive window.
    public static let receiveCredit = AppFeatures(rawValue: 4)
}

/// One record of a `streamBatch`: stream bytes for one socket.
public struct AppStreamChunk: Sendable, Equatable {
    public var socket: UInt32
    public var payload: [UInt8]
    public init(socket: UInt32, payload: [UInt8]) {
        self.socket = socket
        self.payload = payload
    }
}

/// Transport protocols an app can open a socket for.
public enum AppProtocolNumber: UInt8, Sendable, CustomStringConvertible {
    case icmp = 1
    case tcp = 6
    case udp = 17

    public var description: String {
        switch self {
        case .icmp: return "icmp"
        case .tcp: return "tcp"
        case .udp: return "udp"
        }
    }
}

/// Socket options for `setOption`.
public enum AppSocketOption: UInt8, Sendable {
    /// The IPv4 TTL of packets the socket sends (1–255; 0 restores the default 64).
    case timeToLive = 1
    /// When non-zero, ICMP errors about this UDP socket's datagrams arrive as
    /// `icmpError` messages (like Linux `IP_RECVERR`), as traceroute needs.
    case receiveErrors = 2
    /// TCP: non-zero turns Nagle's algorithm off (like `TCP_NODELAY`).
    case noDelay = 3
    /// TCP: 0 acknowledges every segment at once, non-zero delays ACKs (the default).
    case delayedAck = 4
    /// TCP: congestion control, 0 NewReno (the default), 1 CUBIC, 2 BBR.
    case congestionControl = 5
    /// TCP: send buffer size in bytes.
    case sendBufferSize = 6
    /// TCP: receive buffer size in bytes (the largest window offered).
    case receiveBufferSize = 7
}

/// How `shutdown` closes a TCP socket, as `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`.
public enum AppShutdown: UInt8, Sendable {
    case read = 0, write = 1, both = 2
}

/// Result codes, modelled on errno.
public enum AppStatus: UInt8, Error, Sendable, Equatable, CustomStringConvertible {
    case ok = 0
    case addressInUse = 1
    case connectionRefused = 2
    case hostUnreachable = 3
    case networkUnreachable = 4
    case timedOut = 5
    case connectionReset = 6
    case notConnected = 7
    case invalidArgument = 8
    case badSocket = 9
    case protocolNotSupported = 10
    case messageTooLong = 11
    case protocolError = 12
    /// The host's TCP buffers reached its memory budget (Linux's ENOBUFS).
    case noBufferSpace = 13

    /// The text Linux's `strerror` would give, in lower case.
    public var description: String {
        switch self {
        case .ok: return "success"
        case .addressInUse: return "address already in use"
        case .connectionRefused: return "connection refused"
        case .hostUnreachable: return "no route to host"
        case .networkUnreachable: return "network is unreachable"
        case .timedOut: return "timed out"
        case .connectionReset: return "connection reset by peer"
        case .notConnected: return "socket is not connected"
        case .invalidArgument: return "invalid argument"
        case .badSocket: return "bad socket"
        case .protocolNotSupported: return "protocol not supported"
        case .messageTooLong: return "message too long"
        case .protocolError: return "protocol error"
        case .noBufferSpace: return "no buffer space available"
        }
    }
}

/// First ephemeral port (RFC 6335's dynamic range, 49152–65535), used when an
/// app binds port 0 or sends from an unbound socket.
public let appEphemeralPorts: ClosedRange<UInt16> = 49152...65535

/// One app API message, decoded.
public enum AppMessage: Sendable, Equatable {
    case hello(request: UInt32, pid: UInt32, features: AppFeatures, name: String)
    case open(request: UInt32, protocol: AppProtocolNumber)
    case bind(request: UInt32, socket: UInt32, address: IPv4Address, port: UInt16)
    case connect(request: UInt32, socket: UInt32, address: IPv4Address, port: UInt16)
    case sendTo(request: UInt32, socket: UInt32, address: IPv4Address, port: UInt16, payload: [UInt8])
    case send(request: UInt32, socket: UInt32, payload: [UInt8])
    case setOption(request: UInt32, socket: UInt32, option: AppSocketOption, value: Int32)
    case close(request: UInt32, socket: UInt32)
    case listen(request: UInt32, socket: UInt32, backlog: UInt16)
    case shutdown(request: UInt32, socket: UInt32, how: AppShutdown)
    case status(request: UInt32, socket: UInt32)
    /// Stream bytes within the app's credit; never answered.
    case write(socket: UInt32, payload: [UInt8])
    /// The app's reads consumed `bytes` of the socket (`receiveCredit`); never answered.
    case consumed(socket: UInt32, bytes: UInt32)
    case reply(request: UInt32, socket: UInt32, status: AppStatus, localAddress: IPv4Address, localPort: UInt16,
               message: String)
    case datagram(socket: UInt32, from: IPv4Address, port: UInt16, timeToLive: UInt8, payload: [UInt8])
    case error(socket: UInt32, status: AppStatus, message: String)
    case icmpError(socket: UInt32, from: IPv4Address, type: UInt8, code: UInt8,
                   originalDestination: IPv4Address, originalPort: UInt16)
    case accepted(socket: UInt32, newSocket: UInt32, peer: IPv4Address, peerPort: UInt16,
                  localAddress: IPv4Address, localPort: UInt16)
    case streamData(socket: UInt32, payload: [UInt8])
    case peerClosed(socket: UInt32)
    case sent(request: UInt32, socket: UInt32, count: UInt32)
    case writable(socket: UInt32, freeSpace: UInt32)
    /// More bytes of send buffer the app may fill with `write`.
    case credit(socket: UInt32, bytes: UInt32)
    /// Stream bytes for several sockets, in order.
    case streamBatch([AppStreamChunk])

    /// The longest message either side sends, its 9-byte head included (64 KiB).
    public static let maximumLength = 65_536
    /// The most stream bytes one `write` or `send` carries.
    public static let maximumWritePayload = maximumLength - 9
    /// The largest UDP payload (65,535 minus the IPv4 and UDP headers), as Linux's
    /// limit before `EMSGSIZE`.
    public static let maximumUDPPayload = 65_507
    /// Stream bytes the host keeps sent to one socket of a `receiveCredit`
    /// app and not yet consumed (the library's unread stream data is at most this).
    public static let streamReceiveWindow = 256 * 1024
    /// Bytes (by `receiveCost(ofDatagram:)`) one UDP or ICMP socket's datagrams
    /// may take while its app has not read them: Linux's default `SO_RCVBUF`
    /// (`net.core.rmem_default`).
    public static let datagramReceiveBuffer = 212_992
    /// What a datagram costs the receive buffer of its socket until the app
    /// consumes it: its payload and the bookkeeping of one message, so a flood
    /// of tiny datagrams fills a buffer too, as Linux counts each packet's overhead.
    public static func receiveCost(ofDatagram payloadCount: Int) -> Int { payloadCount + 256 }

    /// The text of a messageTooLong refusal of a message of `length` bytes.
    public static func tooLongText(_ length: Int) -> String {
        "message too long: \(length) bytes; the app API takes at most \(maximumLength)"
    }

    /// Why a message could not be decoded.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "bad app API message: \(reason)" }
    }

    /// The request id (0 for messages the host sends unasked).
    public var requestID: UInt32 {
        switch self {
        case .hello(let r, _, _, _), .open(let r, _): return r
        case .bind(let r, _, _, _), .connect(let r, _, _, _), .sendTo(let r, _, _, _, _): return r
        case .send(let r, _, _), .setOption(let r, _, _, _), .close(let r, _): return r
        case .listen(let r, _, _), .shutdown(let r, _, _), .status(let r, _): return r
        case .reply(let r, _, _, _, _, _), .sent(let r, _, _): return r
        case .datagram, .error, .icmpError, .accepted, .streamData, .peerClosed, .writable, .write, .credit, .streamBatch,
             .consumed: return 0
        }
    }

    /// Serializes the message.
    public func encoded() -> [UInt8] {
        var out = MessageWriter()
        switch self {
        case .hello(let r, let pid, let features, let name):
            out.head(.hello, r, 0); out.u32(pid); out.u32(features.rawValue); out.bytes(Array(name.utf8))
        case .open(let r, let proto):
            out.head(.open, r, 0); out.u8(proto.rawValue)
        case .bind(let r, let s, let address, let port):
            out.head(.bind, r, s); out.address(address); out.u16(port)
        case .connect(let r, let s, let address, let port):
            out.head(.connect, r, s); out.address(address); out.u16(port)
        case .sendTo(let r, let s, let address, let port, let payload):
            out.head(.sendTo, r, s); out.address(address); out.u16(port); out.bytes(payload)
        case .send(let r, let s, let payload):
            out.head(.send, r, s); out.bytes(payload)
        case .setOption(let r, let s, let option, let value):
            out.head(.setOption, r, s); out.u8(option.rawValue); out.u32(UInt32(bitPattern: value))
        case .close(let r, let s):
            out.head(.close, r, s)
        case .reply(let r, let s, let status, let address, let port, let message):
            out.head(.reply, r, s); out.u8(status.rawValue); out.address(address); out.u16(port)
            out.bytes(Array(message.utf8))
        case .datagram(let s, let from, let port, let ttl, let payload):
            out.head(.datagram, 0, s); out.address(from); out.u16(port); out.u8(ttl); out.bytes(payload)
        case .error(let s, let status, let message):
            out.head(.error, 0, s); out.u8(status.rawValue); out.bytes(Array(message.utf8))
        case .icmpError(let s, let from, let type, let code, let destination, let port):
            out.head(.icmpError, 0, s); out.address(from); out.u8(type); out.u8(code)
            out.address(destination); out.u16(port)
        case .listen(let r, let s, let backlog):
            out.head(.listen, r, s); out.u16(backlog)
        case .shutdown(let r, let s, let how):
            out.head(.shutdown, r, s); out.u8(how.rawValue)
        case .status(let r, let s):
            out.head(.status, r, s)
        case .write(let s, let payload):
            out.head(.write, 0, s); out.bytes(payload)
        case .consumed(let s, let bytes):
            out.head(.consumed, 0, s); out.u32(bytes)
        case .accepted(let s, let new, let peer, let peerPort, let local, let localPort):
            out.head(.accepted, 0, s); out.u32(new); out.address(peer); out.u16(peerPort)
            out.address(local); out.u16(localPort)
        case .streamData(let s, let payload):
            out.head(.streamData, 0, s); out.bytes(payload)
        case .peerClosed(let s):
            out.head(.peerClosed, 0, s)
        case .sent(let r, let s, let count):
            out.head(.sent, r, s); out.u32(count)
        case .writable(let s, let free):
            out.head(.writable, 0, s); out.u32(free)
        case .credit(let s, let bytes):
            out.head(.credit, 0, s); out.u32(bytes)
        case .streamBatch(let chunks):
            out.head(.streamBatch, 0, 0)
            for chunk in chunks { Self.appendRecord(socket: chunk.socket, payload: chunk.payload[...], to: &out.buffer) }
        }
        return out.buffer
    }

    /// The bytes of `.write(socket:payload:)`, made straight from a slice (one copy).
    public static func encodedWrite(socket: UInt32, payload: ArraySlice<UInt8>) -> [UInt8] {
        var out = MessageWriter()
        out.buffer.reserveCapacity(9 + payload.count)
        out.head(.write, 0, socket)
        out.buffer.append(contentsOf: payload)
        return out.buffer
    }

    /// The 9-byte head of a `streamBatch`, to which `appendRecord` adds records.
    public static let streamBatchHead: [UInt8] = {
        var out = MessageWriter()
        out.head(.streamBatch, 0, 0)
        return out.buffer
    }()

    /// Appends one `streamBatch` record (socket, length, bytes) to `buffer`.
    public static func appendRecord(socket: UInt32, payload: ArraySlice<UInt8>, to buffer: inout [UInt8]) {
        appendRecord(socket: socket, to: &buffer) { $0.append(contentsOf: payload) }
    }

    /// Appends one `streamBatch` record whose bytes `fill` appends to `buffer`
    /// itself (no copy in between); the length is written once they are there.
    public static func appendRecord(socket: UInt32, to buffer: inout [UInt8], payload fill: (inout [UInt8]) -> Void) {
        buffer.appendBigEndian(socket)
        let lengthIndex = buffer.count
        buffer.appendBigEndian(UInt32(0))
        fill(&buffer)
        let length = UInt32(buffer.count - lengthIndex - 4)
        for offset in 0..<4 {
            buffer[lengthIndex + offset] = UInt8(truncatingIfNeeded: length >> UInt32(24 - 8 * offset))
        }
    }

    /// Decodes one message; never traps on bad bytes.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        try self.init(decoding: bytes[...])
    }

    /// Decodes one message from `bytes` (e.g. the filled part of a read
    /// buffer): only payloads are copied out.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodingError) {
        var reader = MessageReader(bytes: bytes)
        let rawKind = try reader.u8("kind")
        guard let kind = AppMessageKind(rawValue: rawKind) else {
            throw DecodingError(reason: "unknown kind 0x\(String(rawKind, radix: 16))")
        }
        let r = try reader.u32("request id")
        let s = try reader.u32("socket id")
        switch kind {
        case .hello:
            let pid = try reader.u32("pid")
            let features = AppFeatures(rawValue: try reader.u32("features"))
            self = .hello(request: r, pid: pid, features: features, name: String(decoding: reader.rest(), as: UTF8.self))
        case .open:
            let raw = try reader.u8("protocol")
            guard let proto = AppProtocolNumber(rawValue: raw) else {
                throw DecodingError(reason: "unknown protocol \(raw)")
            }
            self = .open(request: r, protocol: proto)
        case .bind:
            self = .bind(request: r, socket: s, address: try reader.address(), port: try reader.u16("port"))
        case .connect:
            self = .connect(request: r, socket: s, address: try reader.address(), port: try reader.u16("port"))
        case .sendTo:
            let address = try reader.address()
            let port = try reader.u16("port")
            self = .sendTo(request: r, socket: s, address: address, port: port, payload: reader.rest())
        case .send:
            self = .send(request: r, socket: s, payload: reader.rest())
        case .setOption:
            let raw = try reader.u8("option")
            guard let option = AppSocketOption(rawValue: raw) else {
                throw DecodingError(reason: "unknown option \(raw)")
            }
            self = .setOption(request: r, socket: s, option: option, value: Int32(bitPattern: try reader.u32("value")))
        case .close:
            self = .close(request: r, socket: s)
        case .reply:
            let status = try reader.status()
            let address = try reader.address()
            let port = try reader.u16("port")
            self = .reply(request: r, socket: s, status: status, localAddress: address, localPort: port,
                          message: String(decoding: reader.rest(), as: UTF8.self))
        case .datagram:
            let from = try reader.address()
            let port = try reader.u16("port")
            let ttl = try reader.u8("ttl")
            self = .datagram(socket: s, from: from, port: port, timeToLive: ttl, payload: reader.rest())
        case .error:
            let status = try reader.status()
            self = .error(socket: s, status: status, message: String(decoding: reader.rest(), as: UTF8.self))
        case .icmpError:
            let from = try reader.address()
            let type = try reader.u8("type")
            let code = try reader.u8("code")
            let destination = try reader.address()
            self = .icmpError(socket: s, from: from, type: type, code: code, originalDestination: destination,
                              originalPort: try reader.u16("original port"))
        case .listen:
            self = .listen(request: r, socket: s, backlog: try reader.u16("backlog"))
        case .shutdown:
            let raw = try reader.u8("how")
            guard let how = AppShutdown(rawValue: raw) else { throw DecodingError(reason: "unknown shutdown \(raw)") }
            self = .shutdown(request: r, socket: s, how: how)
        case .status:
            self = .status(request: r, socket: s)
        case .write:
            self = .write(socket: s, payload: reader.rest())
        case .consumed:
            self = .consumed(socket: s, bytes: try reader.u32("bytes"))
        case .accepted:
            let new = try reader.u32("new socket")
            let peer = try reader.address()
            let peerPort = try reader.u16("peer port")
            let local = try reader.address()
            self = .accepted(socket: s, newSocket: new, peer: peer, peerPort: peerPort, localAddress: local,
                             localPort: try reader.u16("local port"))
        case .streamData:
            self = .streamData(socket: s, payload: reader.rest())
        case .peerClosed:
            self = .peerClosed(socket: s)
        case .sent:
            self = .sent(request: r, socket: s, count: try reader.u32("count"))
        case .writable:
            self = .writable(socket: s, freeSpace: try reader.u32("free space"))
        case .credit:
            self = .credit(socket: s, bytes: try reader.u32("bytes"))
        case .streamBatch:
            var chunks: [AppStreamChunk] = []
            while !reader.isAtEnd {
                let socket = try reader.u32("record socket")
                let count = Int(try reader.u32("record length"))
                chunks.append(AppStreamChunk(socket: socket, payload: try reader.bytes(count, "record data")))
            }
            self = .streamBatch(chunks)
        }
    }
}

private struct MessageWriter {
    var buffer: [UInt8] = []
    mutating func head(_ kind: AppMessageKind, _ request: UInt32, _ socket: UInt32) {
        u8(kind.rawValue); u32(request); u32(socket)
    }
    mutating func u8(_ value: UInt8) { buffer.append(value) }
    mutating func u16(_ value: UInt16) { buffer.append(UInt8(value >> 8)); buffer.append(UInt8(value & 0xFF)) }
    mutating func u32(_ value: UInt32) { buffer.appendBigEndian(value) }
    mutating func address(_ value: IPv4Address) { u32(value.value) }
    mutating func bytes(_ value: [UInt8]) { buffer.append(contentsOf: value) }
}

extension Array where Element == UInt8 {
    /// Appends `value` most significant byte first, as every field of the protocol.
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

private struct MessageReader {
    let bytes: ArraySlice<UInt8>
    /// Position in `bytes` (an index of the slice, not counted from zero).
    var offset: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    mutating func u8(_ field: String) throws(AppMessage.DecodingError) -> UInt8 {
        guard offset < bytes.endIndex else { throw AppMessage.DecodingError(reason: "too short for \(field)") }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func u16(_ field: String) throws(AppMessage.DecodingError) -> UInt16 {
        UInt16(try u8(field)) << 8 | UInt16(try u8(field))
    }
    mutating func u32(_ field: String) throws(AppMessage.DecodingError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try u8(field)) }
        return value
    }
    mutating func address() throws(AppMessage.DecodingError) -> IPv4Address { IPv4Address(try u32("address")) }
    mutating func status() throws(AppMessage.DecodingError) -> AppStatus {
        let raw = try u8("status")
        return AppStatus(rawValue: raw) ?? .protocolError
    }
    var isAtEnd: Bool { offset >= bytes.endIndex }
    mutating func bytes(_ count: Int, _ field: String) throws(AppMessage.DecodingError) -> [UInt8] {
        guard count <= bytes.endIndex - offset else { throw AppMessage.DecodingError(reason: "too short for \(field)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
    mutating func rest() -> [UInt8] {
        defer { offset = bytes.endIndex }
        return offset < bytes.endIndex ? Array(bytes[offset...]) : []
    }
}
