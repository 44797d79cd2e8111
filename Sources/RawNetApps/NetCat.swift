import RawNetContracts
import RawNetSocket
import RawNetWire

/// `rawnet nc`: standard input to a socket, the socket to standard output,
/// byte for byte, like netcat. Over TCP the end of standard input sends a FIN
/// (half close) and nc ends once the peer has acknowledged every byte and the
/// FIN (delivery, not just handing bytes to the host) and has closed its
/// direction too; over UDP each read of standard input is one datagram, and it
/// ends at the end of input. Without input to send (`readsInput` false) a TCP
/// nc sends its FIN at once and only receives.
public struct NetCat {
    public enum Mode: Sendable, Equatable {
        /// Wait for one connection (TCP) or the first datagram (UDP) on this port.
        case listen(port: UInt16)
        case connect(address: IPv4Address, port: UInt16)
    }

    /// What went through, for scripts and benchmarks.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var bytesSent = 0
        public var bytesReceived = 0
        /// From connection (or first datagram) to the end.
        public var seconds = 0.0
        /// TCP: from connection until the peer acknowledged every byte sent and the FIN.
        public var deliverySeconds: Double?

        public var description: String {
            // A sender's rate is its delivery rate: bytes the peer acknowledged, over the time that took.
            let isSender = bytesSent >= bytesReceived
            let time = isSender ? (deliverySeconds ?? seconds) : seconds
            let rate = time > 0 ? Double(max(bytesSent, bytesReceived)) / time : 0
            let delivered = deliverySeconds != nil && bytesSent > 0 ? " (all acknowledged)" : ""
            return "sent \(bytesSent) bytes\(delivered), received \(bytesReceived) bytes in "
                + String(format3(time)) + " s (\(Int(rate)) bytes/s, " + format3(rate * 8 / 1e6) + " Mbit/s)"
        }
    }

    public var mode: Mode
    public var isUDP = false
    public var options = TCPOptions()
    /// Largest UDP datagram sent (bytes of standard input per datagram).
    public var datagramSize = 1400
    /// UDP: after the end of input, how long the peer may stay silent before nc ends.
    public var quietPeriod = 2.0
    /// Read standard input (false: send nothing, only receive — `-d`, or a listener
    /// in the background of an interactive shell, whose terminal it may not read).
    public var readsInput = true

    public init(mode: Mode) { self.mode = mode }

    /// Runs until done. `note` gets status lines (meant for standard error).
    public func run(on host: HostConnection, note: (String) -> Void) throws(NetworkError) -> Summary {
        isUDP ? try runUDP(on: host, note: note) : try runTCP(on: host, note: note)
    }

    private func runTCP(on host: HostConnection, note: (String) -> Void) throws(NetworkError) -> Summary {
        let stream: TCPStream
        switch mode {
        case .listen(let port):
            let listener = try TCPListener(host, port: port, backlog: 1, options: options)
            note("listening on tcp port \(listener.localPort)")
            guard let accepted = try listener.accept() else { throw .timedOut }
            listener.close()
            stream = accepted
            note("connection from \(stream.remoteAddress):\(stream.remotePort)")
        case .connect(let address, let port):
            stream = try TCPStream.connect(host, to: address, port: port, options: options)
            note("connected to \(address):\(port) from port \(stream.localPort)")
        }
        var summary = Summary()
        let start = AppTerminal.monotonicSeconds()
        var isInputDone = !readsInput
        if isInputDone {
            note("not reading standard input: receiving only")
            try stream.shutdownWrite()
        }
        // Input the host's send buffer had no room for yet. nc goes on receiving while it
        // waits (a netcat polls both ways): two ncs that both send more than their windows
        // hold never wait on each other, and a peer that stops reading does not stop nc's.
        var unsent: ArraySlice<UInt8> = []
        while true {
            while !stream.isEndOfStream, let bytes = try stream.read(timeout: .zero), !bytes.isEmpty {
                summary.bytesReceived += bytes.count
                AppTerminal.write(bytes)
            }
            if stream.isEndOfStream && isInputDone {  // both directions are done
                // Only what the peer acknowledged was delivered: a reset or a
                // give-up on the way throws here, and nc fails.
                try stream.waitUntilDelivered()
                summary.deliverySeconds = AppTerminal.monotonicSeconds() - start
                stream.close()
                summary.seconds = AppTerminal.monotonicSeconds() - start
                note("the peer acknowledged all \(summary.bytesSent) bytes and the FIN")
                return summary
            }
            if !unsent.isEmpty {
                let taken = try stream.writeAvailable(Array(unsent))
                summary.bytesSent += taken
                unsent = unsent.dropFirst(taken)
            }
            // Standard input is read again only once the host took everything read before.
            let watched = isInputDone || !unsent.isEmpty ? [] : [AppTerminal.standardInput]
            let ready = try host.wait(timeout: nil, alsoWatching: watched)
            if ready.contains(AppTerminal.standardInput) {
                let input = try AppTerminal.readInput()
                if input.isEmpty {
                    isInputDone = true
                    try stream.shutdownWrite()
                } else {
                    let taken = try stream.writeAvailable(input)
                    summary.bytesSent += taken
                    unsent = input[taken...]
                }
            }
        }
    }

    private func runUDP(on host: HostConnection, note: (String) -> Void) throws(NetworkError) -> Summary {
        let socket = try UDPSocket(host)
        var summary = Summary()
        var peer: (IPv4Address, UInt16)?
        switch mode {
        case .listen(let port):
            try socket.bind(port: port)
            note("listening on udp port \(socket.localPort)")
        case .connect(let address, let port):
            try socket.connect(to: address, port: port)
            peer = (address, port)
        }
        let start = AppTerminal.monotonicSeconds()
        var isInputDone = false
        var quietSince = AppTerminal.monotonicSeconds()
        while true {
            while let datagram = try socket.receive(timeout: .zero) {
                quietSince = AppTerminal.monotonicSeconds()
                if peer == nil {
                    peer = (datagram.from, datagram.port)
                    note("datagrams from \(datagram.from):\(datagram.port)")
                }
                summary.bytesReceived += datagram.payload.count
                AppTerminal.write(datagram.payload)
            }
            // Once input ended, wait for stragglers until the peer is quiet for `quietPeriod`.
            // Receiving only: done once the peer has been quiet as long.
            let isSending = readsInput && !isInputDone
            if (isInputDone || (!readsInput && peer != nil)) && AppTerminal.monotonicSeconds() - quietSince >= quietPeriod { break }
            let watched = !isSending || peer == nil ? [] : [AppTerminal.standardInput]
            let ready = try host.wait(timeout: !isSending || peer == nil ? .milliseconds(200) : nil,
                                      alsoWatching: watched)
            if ready.contains(AppTerminal.standardInput), let (address, port) = peer {
                let input = try AppTerminal.readInput(maxCount: datagramSize)
                if input.isEmpty {
                    isInputDone = true
                    quietSince = AppTerminal.monotonicSeconds()
                } else {
                    try socket.send(input, to: address, port: port)
                    summary.bytesSent += input.count
                }
            }
        }
        summary.seconds = AppTerminal.monotonicSeconds() - start
        try? socket.close()
        return summary
    }

}

/// Seconds with three decimals, without Foundation.
func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
