import RawNetContracts
import RawNetPlatform
import RawNetWire

/// One app's connection to a host daemon's app API, for Swift concurrency:
/// the async counterpart of `HostConnection`, shared by any number of tasks.
///
/// An echo server on bob and a client on alice:
///
///     let bobHost = try await AsyncHostConnection(runDirectory: dir, host: "bob", appName: "echo")
///     let listener = try await AsyncTCPListener(bobHost, port: 7)
///     Task {
///         for try await stream in listener.connections {
///             Task {
///                 for try await line in stream.lines { try await stream.write(line + "\n") }
///                 await stream.close()
///             }
///         }
///     }
///
///     let aliceHost = try await AsyncHostConnection(runDirectory: dir, host: "alice", appName: "client")
///     let stream = try await AsyncTCPStream.connect(aliceHost, to: IPv4Address(10, 0, 2, 20), port: 7)
///     try await stream.write("hello\n")
///     print(try await stream.readLine() ?? "(closed)")   // hello
///     await stream.close()
///
/// **Threading.** The actor runs on its own executor: one thread per
/// connection, running an epoll loop over the app API socket. Messages from
/// the host are read and filed on that thread, waiting tasks are resumed
/// from it, and every method of the actor runs on it, so there is exactly one
/// thread that ever touches the connection's state.
///
/// **Errors** are `NetworkError` values ("connection refused", "connection
/// reset by peer", …); calls that wait for the network (connect, read,
/// write, accept, receive) also throw `CancellationError` when their task is
/// cancelled.
///
/// **Cancellation** of a task waiting in `read`, `readLine`, `accept` or
/// `receive` leaves the socket open and its data intact: nothing is consumed,
/// the next call gets what arrives. A cancelled `connect` closes the socket.
/// A cancelled `write` may have sent a prefix of its bytes; close the stream.
///
/// **Flow control.** Received bytes wait here until read, within receive
/// credit (`AppFeatures.receiveCredit`, as `HostConnection`): the host sends a
/// stream at most `AppMessage.streamReceiveWindow` bytes ahead of what its
/// reads took (the rest waits in the host, whose TCP window then closes to the
/// peer), and a socket's datagrams not yet received count against its
/// `AppMessage.datagramReceiveBuffer`: beyond it the host drops them, counted
/// and traced as "socket receive queue full". So every socket holds a bounded
/// amount here, whatever the other sockets' tasks do. Besides, once more than
/// `bufferLimit` bytes are waiting in all and no task waits for anything, the
/// connection stops reading from the host.
public actor AsyncHostConnection {
    /// The host's name.
    public nonisolated let host: String
    /// How long a request may wait for the host's reply.
    public nonisolated let requestTimeout: Duration
    /// Unread bytes (stream data and datagrams) beyond which reading pauses.
    public nonisolated let bufferLimit: Int

    nonisolated let executor: HostIOExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let connection: UnixConnection
    private var nextRequest: UInt32 = 1
    private var pending: [UInt32: PendingRequest] = [:]
    private var outbox: [[UInt8]] = []
    private var isWatchingReadable = false
    private var scratch = [UInt8](repeating: 0, count: AppMessage.maximumLength)
    /// Why the connection ended, once it did.
    private(set) var closedReason: NetworkError?
    var sockets: [UInt32: AsyncSocketState] = [:]
    var bufferedByteCount = 0
    /// What reads took and the host has not heard of yet.
    var receiveCredit = ReceiveCreditLedger()
    private var nextWaiterToken = 1

    private struct PendingRequest {
        var continuation: CheckedContinuation<ReplyInfo, any Error>
        var timer: TimerID
    }

    /// What a reply said.
    struct ReplyInfo: Sendable {
        var socket: UInt32
        var localAddress: IPv4Address
        var localPort: UInt16
        var message = ""
        /// For a TCP `send`: how many bytes the host took.
        var count = 0
    }

    /// Connects to `host`'s app API in `runDirectory` and says hello.
    /// Throws `hostNotRunning` when the host's daemon is not there.
    public init(runDirectory: String, host: String, appName: String, requestTimeout: Duration = .seconds(5),
                bufferLimit: Int = 4 << 20) async throws(NetworkError) {
        self.host = host
        self.requestTimeout = requestTimeout
        self.bufferLimit = bufferLimit
        let path = HostConnection.appAPIPath(runDirectory: runDirectory, host: host)
        do {
            connection = try UnixConnection.connect(kind: .seqpacket, to: path)
        } catch {
            throw .hostNotRunning(host: host, path: path, reason: "\(error)")
        }
        executor = try HostIOExecutor()
        // From here on the initializer runs on the executor's thread.
        updateReadInterest()
        let pid = UInt32(bitPattern: Processes.currentPID)
        _ = try await typedRequest { .hello(request: $0, pid: pid, features: [.receiveCredit], name: appName) }
    }

    deinit {
        // Nothing can run on this actor any more; the fd closes with `connection`.
        executor.stop()
    }

    /// Closes the connection: the host closes every socket of this app (a
    /// connection whose received bytes were left unread is reset, as Linux
    /// does), and every waiting call throws `hostClosedConnection`.
    ///
    /// What is still queued for the host goes out first: its last `consumed`
    /// reports decide whether each stream is closed or reset. If the host's
    /// socket is full, this waits for room, at most `requestTimeout`.
    public func close() {
        if closedReason == nil {
            for message in receiveCredit.flushAll() { send(message) }
            flushOutboxBeforeClosing()
        }
        end(.hostClosedConnection)
    }

    /// Writes the outbox out, waiting for room in the host's socket for at most `requestTimeout`.
    private func flushOutboxBeforeClosing() {
        let deadline = ContinuousClock.now + requestTimeout
        flushOutbox()
        while !outbox.isEmpty, closedReason == nil {
            let left = deadline - ContinuousClock.now
            guard left > .zero, connection.fileDescriptor.waitWritable(timeout: left) else { return }
            flushOutbox()
        }
    }

    /// Bytes the host sent and no socket has read yet (stream data and datagram
    /// payloads waiting here). Each socket holds at most its receive window.
    public var unreadByteCount: Int { bufferedByteCount }

    /// Whether the connection is closed (by `close()` or by the host).
    public var isClosed: Bool { closedReason != nil }

    // MARK: Requests

    /// Sends a request and waits for its reply; a reply with an error status
    /// throws it. With `isCancellable`, a cancelled task stops waiting and
    /// throws `CancellationError` (the host still acts on the request).
    func request(timeout: Duration? = nil, isCancellable: Bool = false,
                 _ make: (UInt32) -> AppMessage) async throws -> ReplyInfo {
        if let closedReason { throw closedReason }
        if isCancellable { try Task.checkCancellation() }
        let id = nextRequest
        nextRequest = nextRequest == UInt32.max ? 1 : nextRequest + 1
        let message = make(id)
        guard isCancellable else {
            return try await awaitReply(to: message, id: id, timeout: timeout, isCancellable: false)
        }
        // The operation calls an isolated method, so the waiting starts on this actor's thread.
        return try await withTaskCancellationHandler {
            try await self.awaitReply(to: message, id: id, timeout: timeout, isCancellable: true)
        } onCancel: {
            post { $0.finishRequest(id, with: .failure(CancellationError())) }
        }
    }

    /// Sends `message` and waits for its reply. A cancellation that came
    /// before this runs is seen here; one that comes later finds the request pending.
    private func awaitReply(to message: AppMessage, id: UInt32, timeout: Duration?, isCancellable: Bool)
        async throws -> ReplyInfo {
        if isCancellable { try Task.checkCancellation() }
        if let closedReason { throw closedReason }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ReplyInfo, any Error>) in
            let timer = executor.schedule(after: timeout ?? requestTimeout) { [weak self] in
                self?.assumeIsolated { $0.finishRequest(id, with: .failure(NetworkError.timedOut)) }
            }
            pending[id] = PendingRequest(continuation: continuation, timer: timer)
            updateReadInterest()
            send(message)
        }
    }

    /// `request` for calls that cannot be cancelled, with a typed error.
    func typedRequest(timeout: Duration? = nil, _ make: (UInt32) -> AppMessage) async throws(NetworkError)
        -> ReplyInfo {
        do {
            return try await request(timeout: timeout, make)
        } catch {
            throw NetworkError(error)
        }
    }

    /// Sends a request and forgets its reply.
    func post(_ make: (UInt32) -> AppMessage) {
        guard closedReason == nil else { return }
        let id = nextRequest
        nextRequest = nextRequest == UInt32.max ? 1 : nextRequest + 1
        send(make(id))
    }

    /// Runs `work` on the actor soon; callable from anywhere (deinit, cancellation handlers).
    nonisolated func post(_ work: @escaping @Sendable (isolated AsyncHostConnection) -> Void) {
        executor.execute { [self] in assumeIsolated(work) }
    }

    private func finishRequest(_ id: UInt32, with result: Result<ReplyInfo, any Error>) {
        guard let request = pending.removeValue(forKey: id) else { return }
        executor.cancel(request.timer)
        request.continuation.resume(with: result)
        updateReadInterest()
    }

    // MARK: Waiting for socket events

    /// Suspends until something happens on socket `id` (`wakeWaiters`), the
    /// connection ends, or the task is cancelled (`CancellationError`).
    func waitForEvent(on id: UInt32) async throws {
        try Task.checkCancellation()
        if let closedReason { throw closedReason }
        guard let generation = sockets[id]?.generation else { throw NetworkError.badSocket }
        let token = nextWaiterToken
        nextWaiterToken += 1
        try await withTaskCancellationHandler {
            try await self.suspendWaiter(token, on: id, unlessPast: generation)
        } onCancel: {
            post { $0.cancelWaiter(token, on: id) }
        }
    }

    /// Registers the waiter, unless something already happened on the socket
    /// since the caller looked (its `generation` moved on while this task was
    /// between the caller and here), so no wake-up is ever missed.
    private func suspendWaiter(_ token: Int, on id: UInt32, unlessPast generation: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if Task.isCancelled {
                continuation.resume(throwing: CancellationError())
            } else if let closedReason {
                continuation.resume(throwing: closedReason)
            } else if sockets[id] == nil {
                continuation.resume(throwing: NetworkError.badSocket)
            } else if sockets[id]!.generation != generation {
                continuation.resume()
            } else {
                sockets[id]!.waiters[token] = continuation
                updateReadInterest()
            }
        }
    }

    private func cancelWaiter(_ token: Int, on id: UInt32) {
        guard let waiter = sockets[id]?.waiters.removeValue(forKey: token) else { return }
        waiter.resume(throwing: CancellationError())
        updateReadInterest()
    }

    /// Resumes every task waiting on socket `id`; they look again at its state.
    func wakeWaiters(on id: UInt32) {
        guard let waiters = sockets[id]?.waiters else { return }
        sockets[id]!.generation &+= 1
        guard !waiters.isEmpty else { return }
        sockets[id]!.waiters = [:]
        for waiter in waiters.values { waiter.resume() }
    }

    // MARK: The app API socket

    /// Reads from the host while someone waits for it, or while little is buffered.
    func updateReadInterest() {
        let wanted = closedReason == nil
            && (!pending.isEmpty || bufferedByteCount < bufferLimit || sockets.values.contains { !$0.waiters.isEmpty })
        guard wanted != isWatchingReadable else { return }
        isWatchingReadable = wanted
        executor.setReadHandler(for: connection.fileDescriptor, wanted ? { [weak self] in
            self?.assumeIsolated { $0.readMessages() }
        } : nil)
    }

    private func readMessages() {
        for _ in 0..<64 where closedReason == nil {
            let count: Int?
            do {
                count = try scratch.withUnsafeMutableBytes { buffer throws(Errno) in try connection.readMessage(into: buffer) }
            } catch {
                return end(.hostClosedConnection)
            }
            guard let count else { break }
            if count == 0 { return end(.hostClosedConnection) }
            guard count <= scratch.count else {
                return end(.protocolError("the host sent \(count) bytes in one message; at most \(scratch.count) are allowed"))
            }
            guard let message = try? AppMessage(decoding: Array(scratch[..<count])) else {
                return end(.protocolError("the host sent a message this library cannot decode"))
            }
            file(message)
        }
        updateReadInterest()
    }

    private func file(_ message: AppMessage) {
        switch message {
        case .reply(let request, let socket, let status, let address, let port, let text):
            let result: Result<ReplyInfo, any Error> = NetworkError(status: status, message: text).map { .failure($0) }
                ?? .success(ReplyInfo(socket: socket, localAddress: address, localPort: port, message: text))
            finishRequest(request, with: result)
        case .sent(let request, let socket, let count):
            finishRequest(request, with: .success(ReplyInfo(socket: socket, localAddress: .any, localPort: 0,
                                                            count: Int(count))))
        default:
            fileEvent(message)
        }
    }

    func send(_ message: AppMessage) {
        let bytes = message.encoded()
        if outbox.isEmpty {
            do {
                if try connection.write(bytes) != nil { return }
            } catch {
                return end(.hostClosedConnection)
            }
            executor.setWriteHandler(for: connection.fileDescriptor) { [weak self] in
                self?.assumeIsolated { $0.flushOutbox() }
            }
        }
        outbox.append(bytes)
    }

    private func flushOutbox() {
        while let first = outbox.first {
            do {
                guard try connection.write(first) != nil else { return }
            } catch {
                return end(.hostClosedConnection)
            }
            outbox.removeFirst()
        }
        executor.setWriteHandler(for: connection.fileDescriptor, nil)
    }

    /// Ends the connection for `reason`: fails every request and wakes every waiter.
    private func end(_ reason: NetworkError) {
        guard closedReason == nil else { return }
        closedReason = reason
        isWatchingReadable = false
        executor.remove(connection.fileDescriptor)
        connection.close()
        outbox.removeAll()
        for (id, request) in pending {
            executor.cancel(request.timer)
            pending[id] = nil
            request.continuation.resume(throwing: reason)
        }
        for id in sockets.keys { wakeWaiters(on: id) }
    }
}

extension NetworkError {
    /// `error` if it is a `NetworkError`, else a protocol error describing it.
    init(_ error: any Error) {
        self = error as? NetworkError ?? .protocolError("\(error)")
    }
}
