@testable import RawNetDaemon
import RawNetContracts
import RawNetCore
import RawNetWire
import Testing

@Suite("Byte budgets")
struct ByteBudgetTests {
    @Test func admits_withinBothTheHoldersAndTheSharedLimit() {
        var budget = ByteBudget<Int>(holderLimit: 100, totalLimit: 150)
        #expect(budget.admits(100, for: 1))
        #expect(!budget.admits(101, for: 1))
        budget.add(90, for: 1)
        #expect(budget.admits(10, for: 1) && !budget.admits(11, for: 1))
        #expect(budget.admits(60, for: 2) && !budget.admits(61, for: 2))  // the shared limit binds first
        budget.add(60, for: 2)
        #expect(budget.total == 150 && !budget.isOverTotal)
        budget.add(1, for: 2)
        #expect(budget.isOverTotal && !budget.isOverLimit(2))
    }

    @Test func remove_andForget_giveBytesBack_neverBelowZero() {
        var budget = ByteBudget<UInt32>(holderLimit: 212_992)
        budget.add(1000, for: 7)
        budget.add(500, for: 8)
        budget.remove(400, for: 7)
        #expect(budget.bytes(of: 7) == 600 && budget.total == 1100)
        budget.remove(10_000, for: 7)
        #expect(budget.bytes(of: 7) == 0 && budget.total == 500 && budget.holderCount == 1)
        budget.forget(8)
        #expect(budget.total == 0 && budget.holderCount == 0)
        budget.remove(5, for: 9)
        #expect(budget.total == 0)
        budget.set(300, for: 9)
        budget.set(100, for: 9)
        #expect(budget.total == 100 && budget.bytes(of: 9) == 100)
        budget.set(0, for: 9)
        #expect(budget.total == 0 && budget.holderCount == 0)
    }

    @Test func largestHolder_isTheOneFurthestBehind() {
        var budget = ByteBudget<Int>(holderLimit: 1000, totalLimit: 1000)
        #expect(budget.largestHolder == nil)
        budget.add(300, for: 1)
        budget.add(500, for: 2)
        budget.add(250, for: 3)
        #expect(budget.isOverTotal)
        #expect(budget.largestHolder == 2)
        budget.forget(2)
        #expect(!budget.isOverTotal && budget.largestHolder == 1)
        budget.add(1001, for: 4)
        #expect(budget.isOverLimit(4))
    }

    @Test func appProtocolLimits_holdTheLargestMessagesEachSideSends() {
        // The largest UDP datagram, a whole ICMP message and a full write fit in one message.
        let udp = AppMessage.sendTo(request: 1, socket: 1, address: .any, port: 9,
                                    payload: [UInt8](repeating: 0, count: AppMessage.maximumUDPPayload))
        let datagram = AppMessage.datagram(socket: 1, from: .any, port: 9, timeToLive: 64,
                                           payload: [UInt8](repeating: 0, count: 65_535 - 20))
        let write = AppMessage.write(socket: 1, payload: [UInt8](repeating: 0, count: AppMessage.maximumWritePayload))
        #expect(udp.encoded().count <= AppMessage.maximumLength)
        #expect(datagram.encoded().count <= AppMessage.maximumLength)
        #expect(write.encoded().count == AppMessage.maximumLength)
        #expect(AppServer.batchLimit <= AppMessage.maximumLength)
    }
}

@Suite("Host transport: full receive queues")
struct HostTransportReceiveQueueTests {
    @Test("UDP: a datagram for a socket whose receive queue is full is a counted, traced 'socket receive queue full' drop")
    func udpFullReceiveQueue() throws {
        let pair = HostPair()
        pair.b.call(1) { .hello(request: $0, pid: 22, features: [], name: "sink") }
        let server = pair.b.open(1, .udp)
        pair.b.call(1) { .bind(request: $0, socket: server, address: .any, port: 7000) }
        let client = pair.a.open(1, .udp)
        func send(_ byte: UInt8) {
            pair.a.call(1) { .sendTo(request: $0, socket: client, address: pair.b.address, port: 7000, payload: [byte]) }
            pair.exchange()
        }
        send(1)
        pair.b.apps.fullSockets = [server]
        send(2)
        send(3)
        let delivered = pair.b.apps.take(1).compactMap { message -> [UInt8]? in
            if case .datagram(server, _, _, _, let payload) = message { return payload }
            return nil
        }
        #expect(delivered == [[1]])
        let drops = pair.b.drops.filter { $0.reason == .socketQueueFull }
        #expect(drops.count == 2)
        #expect(drops.first?.detail?.contains("socket \(server) of app 'sink' on port 7000") == true)
        #expect(pair.b.ip.interfaces[0].counters[.socketQueueFull] == 2)
        let listed = try #require(pair.b.transport.socketList().first { $0.id == server })
        #expect(listed.drops == 2)
        // No ICMP error goes back: the port has a socket, it is only full (as Linux).
        #expect(pair.b.noSocketPackets == 0)
    }
}
