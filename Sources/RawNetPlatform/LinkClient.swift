/// A program's own end on a link socket, for tools, tests and benchmarks
/// that put frames on a cable or stand in for a node.
///
/// Without an identity it only injects: datagram frames are sent to the port's
/// path (a datagram port counts them as "not from the link's peer" drops),
/// seqpacket frames on a connection that opens with no hello (the port
/// reads them as frames from the wire and never sends back). With an identity,
/// the path of the interface it stands for, it is that interface's end of the
/// cable: a datagram client binds the identity path (where the port sends) and
/// sends from a socket bound to that interface's sending name
/// (`LinkPort.senderName`); a seqpacket client opens with a `LinkHello`
/// naming the identity, so the port takes the connection as its cable, answers
/// with its own hello (`waitForAnswer`) and sends its frames on it. Sockets
/// are non-blocking; `receive` waits with poll.
public final class LinkClient {
    public let kind: LinkSocketKind
    /// The socket frames are sent on.
    public var sendDescriptor: FileDescriptor { connection?.fileDescriptor ?? sender!.fileDescriptor }
    /// The socket frames arrive on (nil for a datagram client with no identity).
    public var receiveDescriptor: FileDescriptor? { connection?.fileDescriptor ?? receiver?.fileDescriptor }
    private var connection: UnixConnection?
    private var sender: UnixDatagramSocket?
    private var receiver: UnixDatagramSocket?
    private var hasAnswer = false

    /// Connects to the link socket at `path`, standing for `identity` if given.
    /// - Throws: `SocketError` (path too long, no socket there, ...).
    public init(kind: LinkSocketKind, connectingTo path: String, as identity: String? = nil) throws(SocketError) {
        self.kind = kind
        switch kind {
        case .datagram:
            if let identity { receiver = try UnixDatagramSocket(boundTo: identity) }
            // Standing for an interface, it sends as that interface's port does, so the peer takes its frames.
            let socket: UnixDatagramSocket
            if let identity {
                socket = try UnixDatagramSocket(boundToAbstractName: LinkPort.senderName(standingFor: identity))
            } else {
                socket = try UnixDatagramSocket()
            }
            let address = try UnixSocketAddress(path: path)
            do {
                try socket.connect(to: address)
            } catch {
                throw .failed(operation: "connect", path: path, errno: error)
            }
            sender = socket
        case .seqpacket:
            if let identity { _ = try UnixSocketAddress(path: identity) }
            let connection = try UnixConnection.connect(kind: .seqpacket, to: path)
            if let identity {
                do {
                    _ = try connection.write(LinkHello.message(from: identity))
                } catch {
                    throw .failed(operation: "send hello", path: path, errno: error)
                }
            }
            self.connection = connection
        }
    }

    /// Closes the sockets (removing a bound identity path).
    public func close() {
        connection?.close()
        sender?.close()
        receiver?.close()
    }

    /// Sends one frame without blocking: the outcome as for a datagram. An
    /// empty frame is not sent on seqpacket (`EINVAL`): a zero-length message
    /// reads as end of file there, and the port would close the connection.
    public func send(_ frame: [UInt8]) -> SendOutcome {
        if let sender { return sender.send(frame) }
        if frame.isEmpty { return .failed(.invalidArgument) }
        do {
            return try connection!.write(frame) == nil ? .wouldBlock : .sent
        } catch {
            return error.meansPeerAbsent || error == .notConnected ? .peerGone(error) : .failed(error)
        }
    }

    /// Waits up to `timeout` for one frame and returns it, nil on timeout.
    /// On a seqpacket client the port's hello answer is skipped.
    /// - Throws: the receive error; `Errno.connectionReset` when the port closed the connection.
    public func receive(timeout: Duration) throws(Errno) -> [UInt8]? {
        guard let descriptor = receiveDescriptor else { return nil }
        let limit = MonotonicClock.now() + timeout.wholeNanoseconds
        while true {
            if let frame = try receiveNow() {
                if !hasAnswer, kind == .seqpacket, LinkHello.path(in: frame) != nil {
                    hasAnswer = true
                    continue
                }
                return frame
            }
            let left = limit - MonotonicClock.now()
            guard left > 0, descriptor.waitReadable(timeout: .nanoseconds(left)) else { return nil }
        }
    }

    /// Seqpacket: waits until the port answered the hello, i.e. took this
    /// connection as its cable. Frames that arrive first are discarded.
    /// Datagram: true at once (there is nothing to wait for).
    public func waitForAnswer(timeout: Duration) throws(Errno) -> Bool {
        guard kind == .seqpacket, let connection else { return true }
        let limit = MonotonicClock.now() + timeout.wholeNanoseconds
        while !hasAnswer {
            if let message = try receiveNow() {
                if LinkHello.path(in: message) != nil { hasAnswer = true }
                continue
            }
            let left = limit - MonotonicClock.now()
            guard left > 0, connection.fileDescriptor.waitReadable(timeout: .nanoseconds(left)) else { return false }
        }
        return true
    }

    private func receiveNow() throws(Errno) -> [UInt8]? {
        if let receiver { return try receiver.receive() }
        guard let connection else { return nil }
        guard let message = try connection.read() else { return nil }
        if message.isEmpty { throw .connectionReset }
        return message
    }
}
