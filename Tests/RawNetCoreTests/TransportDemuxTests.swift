import RawNetCore
import RawNetWire
import Testing

/// The quote of an ICMP error: an IPv4 header (20 bytes, or `options` more)
/// for `protocolNumber` from `source` to `destination`, then `transport` bytes.
private func quote(_ protocolNumber: UInt8, from source: IPv4Address = IPv4Address(10, 0, 0, 1),
                   to destination: IPv4Address = IPv4Address(10, 0, 0, 2), options: Int = 0,
                   transport: [UInt8]) -> [UInt8] {
    let headerLength = 20 + options
    let total = headerLength + 8
    var bytes: [UInt8] = [0x40 | UInt8(headerLength / 4), 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0, 0,
                          64, protocolNumber, 0, 0]
    for address in [source, destination] {
        let value = address.value
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
    bytes += [UInt8](repeating: 1, count: options)  // NOP options
    return bytes + transport
}

private let alice = IPv4Address(10, 0, 0, 1)
private let bob = IPv4Address(10, 0, 0, 2)
private let carol = IPv4Address(10, 0, 0, 3)

@Suite("Transport demultiplexing")
struct TransportDemuxTests {
    @Test("a quoted UDP header names both ports")
    func quotedUDP() {
        let quoted = QuotedTransport(quote: quote(17, transport: [0xC0, 0x01, 0x1B, 0x58, 0, 8, 0, 0]))
        #expect(quoted == .udp(source: alice, sourcePort: 0xC001, destination: bob, destinationPort: 7000))
    }

    @Test("a quoted TCP header names the connection, local side first")
    func quotedTCP() {
        let quoted = QuotedTransport(quote: quote(6, transport: [0xC0, 0x02, 0, 80, 0, 0, 0, 1]))
        #expect(quoted == .tcp(TCPConnectionID(localAddress: alice, localPort: 0xC002, remoteAddress: bob,
                                               remotePort: 80)))
    }

    @Test("a quoted echo request names its identifier; an echo reply quoted names nothing")
    func quotedEcho() {
        #expect(QuotedTransport(quote: quote(1, transport: [8, 0, 0, 0, 0x12, 0x34, 0, 1]))
                == .echoRequest(identifier: 0x1234))
        #expect(QuotedTransport(quote: quote(1, transport: [0, 0, 0, 0, 0x12, 0x34, 0, 1])) == nil)
    }

    @Test("IP options in the quote move the ports along")
    func quotedWithOptions() {
        let quoted = QuotedTransport(quote: quote(17, options: 4, transport: [0, 53, 0, 54]))
        #expect(quoted == .udp(source: alice, sourcePort: 53, destination: bob, destinationPort: 54))
    }

    @Test("short, empty and malformed quotes name nothing and do not crash",
          arguments: [
              [UInt8](),
              [0x45],
              Array(quote(17, transport: []).prefix(19)),
              quote(17, transport: [0xC0]),
              quote(17, transport: [0xC0, 0x01, 0x1B]),
              quote(6, transport: [0, 80, 0]),
              quote(1, transport: [8, 0, 0, 0, 0x12]),
              quote(47, transport: [0, 0, 0, 0]),
              [0x4F] + [UInt8](repeating: 0, count: 30),  // header length 60 beyond the quote
              [0x41] + [UInt8](repeating: 0, count: 30),  // header length 4
              [0x65] + [UInt8](repeating: 0, count: 30),  // IPv6
          ])
    func malformedQuotes(bytes: [UInt8]) {
        #expect(QuotedTransport(quote: bytes) == nil)
        #expect(QuotedTransport(quotedBy: .destinationUnreachable(.port, quoted: bytes)) == nil)
    }

    @Test("only ICMP errors quote")
    func onlyErrorsQuote() {
        let bytes = quote(17, transport: [0, 53, 0, 54])
        #expect(QuotedTransport(quotedBy: .echoReply(identifier: 1, sequence: 1, payload: bytes)) == nil)
        #expect(QuotedTransport(quotedBy: .timeExceeded(.timeToLive, quoted: bytes)) != nil)
    }

    @Test("a datagram goes to the socket on its port; none there is noUDPSocket")
    func udpByPort() {
        var demux = TransportDemux()
        do { let bound = demux.bindUDP(port: 7000, UDPBinding(socket: 1)); #expect(bound) }
        #expect(demux.udpSocket(port: 7000, destination: bob, source: alice, sourcePort: 5) == 1)
        #expect(demux.udpSocket(port: 7001, destination: bob, source: alice, sourcePort: 5) == nil)
        let packet = DeliveredPacket(header: IPv4Header(protocolNumber: .udp, source: alice, destination: bob),
                                     transport: .udp(UDPHeader(sourcePort: 5, destinationPort: 7001), payload: []),
                                     packet: [], interface: 0)
        #expect(demux.target(of: packet) == .noUDPSocket)
    }

    @Test("a port holds one socket; unbinding frees it, but only by its holder")
    func udpBindingConflicts() {
        var demux = TransportDemux()
        do { let bound = demux.bindUDP(port: 7000, UDPBinding(socket: 1)); #expect(bound) }
        do { let bound = demux.bindUDP(port: 7000, UDPBinding(socket: 2)); #expect(!bound) }
        demux.unbindUDP(port: 7000, socket: 2)
        #expect(demux.isUDPPortBound(7000))
        demux.unbindUDP(port: 7000, socket: 1)
        #expect(!demux.isUDPPortBound(7000))
        do { let bound = demux.bindUDP(port: 7000, UDPBinding(socket: 2)); #expect(bound) }
    }

    @Test("a connected socket hears only its peer; a bound address only its own")
    func connectedAndAddressBound() {
        var demux = TransportDemux()
        _ = demux.bindUDP(port: 7000, UDPBinding(socket: 1, peerAddress: carol, peerPort: 9))
        #expect(demux.udpSocket(port: 7000, destination: bob, source: carol, sourcePort: 9) == 1)
        #expect(demux.udpSocket(port: 7000, destination: bob, source: carol, sourcePort: 10) == nil)
        #expect(demux.udpSocket(port: 7000, destination: bob, source: alice, sourcePort: 9) == nil)
        _ = demux.bindUDP(port: 7001, UDPBinding(socket: 2, localAddress: bob))
        #expect(demux.udpSocket(port: 7001, destination: bob, source: alice, sourcePort: 1) == 2)
        #expect(demux.udpSocket(port: 7001, destination: carol, source: alice, sourcePort: 1) == nil)
        demux.updateUDP(port: 7000, UDPBinding(socket: 1))
        #expect(demux.udpSocket(port: 7000, destination: bob, source: alice, sourcePort: 1) == 1)
    }

    @Test("echo replies go by identifier; an identifier has one holder")
    func echoByIdentifier() {
        var demux = TransportDemux()
        do { let bound = demux.bindEcho(identifier: 0x1234, socket: 3); #expect(bound) }
        do { let bound = demux.bindEcho(identifier: 0x1234, socket: 4); #expect(!bound) }
        #expect(demux.target(of: .echoReply(identifier: 0x1234, sequence: 1, payload: [])) == .echoReply(socket: 3))
        #expect(demux.target(of: .echoReply(identifier: 0x1235, sequence: 1, payload: [])) == TransportTarget.none)
        do { let bound = demux.bindEcho(identifier: 0x2000, socket: 3, previous: 0x1234); #expect(bound) }
        #expect(demux.echoSocket(identifier: 0x1234) == nil)
        #expect(demux.echoSocket(identifier: 0x2000) == 3)
    }

    @Test("ICMP errors go to the socket whose packet they quote")
    func errorsToQuotingSocket() {
        var demux = TransportDemux()
        _ = demux.bindUDP(port: 0xC001, UDPBinding(socket: 1, peerAddress: bob, peerPort: 7000))
        _ = demux.bindUDP(port: 0xC002, UDPBinding(socket: 2))
        _ = demux.bindEcho(identifier: 0x1234, socket: 3)
        let toConnected = quote(17, transport: [0xC0, 0x01, 0x1B, 0x58])
        #expect(demux.target(of: .destinationUnreachable(.port, quoted: toConnected))
                == .udpError(socket: 1, destination: bob, port: 7000, isConnectedPeer: true))
        let fromUnconnected = quote(17, transport: [0xC0, 0x02, 0x1B, 0x58])
        #expect(demux.target(of: .destinationUnreachable(.port, quoted: fromUnconnected))
                == .udpError(socket: 2, destination: bob, port: 7000, isConnectedPeer: false))
        let unknownPort = quote(17, transport: [0xC0, 0x03, 0x1B, 0x58])
        #expect(demux.target(of: .destinationUnreachable(.port, quoted: unknownPort)) == TransportTarget.none)
        let echo = quote(1, transport: [8, 0, 0, 0, 0x12, 0x34, 0, 7])
        #expect(demux.target(of: .timeExceeded(.timeToLive, quoted: echo)) == .echoError(socket: 3))
        let segment = quote(6, transport: [0xC0, 0x09, 0, 80])
        #expect(demux.target(of: .destinationUnreachable(.host, quoted: segment))
                == .tcpError(TCPConnectionID(localAddress: alice, localPort: 0xC009, remoteAddress: bob, remotePort: 80)))
        #expect(demux.target(of: .destinationUnreachable(.port, quoted: [0x45, 0])) == TransportTarget.none)
    }
}
