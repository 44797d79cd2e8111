import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// The memory a host's TCP connections take — each one's buffers
/// (`TCPConnection.bufferedByteCount`) and a fixed cost for the connection
/// itself — against one budget for the whole host, as Linux's `tcp_mem`.
struct TCPMemory {
    /// The most the host's connections may take together: the node's `tcp_mem:`,
    /// else `TCPMemoryLimit.defaultBytes` (24 MB).
    let budget: Int
    /// What a connection costs beyond its buffers (its state, timers, tables):
    /// measured at 3.8 KB a connection (BENCHMARKS.md, issue 21 goal 3).
    static let connectionCost = 4 * 1024

    private(set) var bytes: ByteBudget<TCPConnectionID>

    init(budget: Int = TCPMemoryLimit.defaultBytes) {
        self.budget = budget
        bytes = ByteBudget(holderLimit: .max, totalLimit: budget)
    }
    /// SYNs and data segments dropped, connects refused, for the budget.
    private(set) var droppedSegments = 0
    private(set) var refusedConnects = 0
    /// Send credit was held back for the budget: once it is over, every socket is brought up to date.
    var isCreditHeldBack = false

    /// Whether the connections take the whole budget: no new connection, no
    /// more data for connections that hold unread bytes, no more send credit.
    var isUnderPressure: Bool { bytes.total >= budget }

    var total: Int { bytes.total }

    mutating func record(_ count: Int?, for id: TCPConnectionID) {
        if let count { bytes.set(Self.connectionCost + count, for: id) } else { bytes.forget(id) }
    }

    mutating func forgetAll() { bytes = ByteBudget(holderLimit: .max, totalLimit: budget) }

    mutating func countDroppedSegment() { droppedSegments += 1 }
    mutating func countRefusedConnect() { refusedConnects += 1 }

    /// Why the host refuses, for a drop's detail or an app's error.
    var pressureText: String { "TCP buffers take \(bytes.total) of \(budget) bytes (the host's tcp_mem)" }
}

extension HostTransport {
    /// Brings connection `id`'s share of the budget up to date (nothing once it is gone).
    func accountMemory(of id: TCPConnectionID) {
        tcpMemory.record(tcp.inspect(id, { $0.bufferedByteCount }), for: id)
    }

    /// Counts every connection afresh (once a second), so a connection the
    /// stack forgot without a pass visiting it leaves the count too.
    func recountTCPMemory() {
        tcpMemory.forgetAll()
        for id in tcp.connectionIDs { accountMemory(of: id) }
        if tcpMemory.isCreditHeldBack && !tcpMemory.isUnderPressure {
            tcpMemory.isCreditHeldBack = false
            for id in tcp.connectionIDs { tcpRun.markDirty(id) }
            requestTCPPass()
        }
    }

    /// Whether an arriving segment must be dropped for the budget: a SYN that
    /// would open a connection, or data for a connection that already holds
    /// bytes its app has not read (one whose app keeps up still gets its data,
    /// as Linux lets a socket with an empty queue take one more). Counts and
    /// traces the drop.
    func dropsForMemory(_ segment: TCPSegment, id: TCPConnectionID, packet: DeliveredPacket) -> Bool {
        guard tcpMemory.isUnderPressure else { return false }
        let flags = segment.header.flags
        let isNewConnection = flags.contains(.syn) && !flags.contains(.ack) && !tcp.hasConnection(id)
        let holdsUnread = !segment.payload.isEmpty
            && (tcp.inspect(id, { $0.availableByteCount }) ?? 0) > 0
        guard isNewConnection || holdsUnread else { return false }
        tcpMemory.countDroppedSegment()
        network.countDrop(.tcpMemoryPressure, packet: packet,
                          detail: "\(isNewConnection ? "SYN" : "data for \(id)"): \(tcpMemory.pressureText)")
        return true
    }
}
