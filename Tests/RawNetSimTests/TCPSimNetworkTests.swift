import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Whole networks of stacks in one process: demultiplexing, several peers,
/// simultaneous open through real links.
@Suite struct TCPSimNetworkTests {
    let a = IPv4Address(10, 0, 0, 1)
    let b = IPv4Address(10, 0, 0, 2)
    let c = IPv4Address(10, 0, 0, 3)

    /// Runs the network until `done` holds or nothing is left to happen.
    func run<L: SimLinkModel>(_ net: inout SimNetwork<L>, until limit: Duration = .seconds(600),
                              step: (inout SimNetwork<L>) -> Bool) -> Bool {
        while true {
            net.settle()
            if step(&net) { return true }
            net.settle()
            guard let next = net.nextDeadline(), next - .zero <= limit else { return false }
            net.advance(to: next)
        }
    }

    @Test func simultaneousOpen_throughLinks_bothSidesEstablishOneConnection() throws {
        var sa = TCPStack(address: a, initialSequenceNumbers: .seeded(1))
        var sb = TCPStack(address: b, initialSequenceNumbers: .seeded(2))
        let ida = try sa.connect(to: b, port: 7000, localPort: 6000, now: .zero)
        let idb = try sb.connect(to: a, port: 6000, localPort: 7000, now: .zero)
        var net = SimNetwork<SeededLink>(stacks: [sa, sb])
        net.connect(0, 1, with: SeededLink(settings: SimLinkSettings(delay: .milliseconds(5)), seed: 1))
        net.connect(1, 0, with: SeededLink(settings: SimLinkSettings(delay: .milliseconds(5)), seed: 2))
        net.trace = []
        let ok = run(&net, until: .seconds(5)) { net in
            net.stacks[0].connection(ida)?.state == .established && net.stacks[1].connection(idb)?.state == .established
        }
        #expect(ok)
        let flags = net.trace!.map { $0.1.flags }
        #expect(flags.filter { $0 == [.syn] }.count == 2)
        #expect(flags.filter { $0 == [.syn, .ack] }.count == 2)
        #expect(net.stacks[0].connections.count == 1 && net.stacks[1].connections.count == 1)
    }

    @Test func twoClientsOneServer_lossyLinks_eachStreamArrivesIntactOnItsOwnConnection() throws {
        var server = TCPStack(address: c, initialSequenceNumbers: .seeded(3))
        try server.listen(port: 80, backlog: 4)
        var ca = TCPStack(address: a, initialSequenceNumbers: .seeded(4))
        var cb = TCPStack(address: b, initialSequenceNumbers: .seeded(5))
        let ida = try ca.connect(to: c, port: 80, now: .zero)
        let idb = try cb.connect(to: c, port: 80, localPort: ida.localPort, now: .zero)
        let lossy = SimLinkSettings(delay: .milliseconds(2), loss: 0.05, reorder: 0.1, duplicate: 0.02, corrupt: 0.02)
        var net = SimNetwork<SeededLink>(stacks: [ca, cb, server])
        for (i, j) in [(0, 2), (2, 0), (1, 2), (2, 1)] {
            net.connect(i, j, with: SeededLink(settings: lossy, seed: UInt64(10 * i + j)))
        }
        let payloads: [[UInt8]] = [Array(repeating: 0xAA, count: 100_000), (0..<150_000).map { UInt8(truncatingIfNeeded: $0 / 7) }]
        var written = [0, 0]
        var closed = [false, false]
        var accepted: [TCPConnectionID] = []
        var received: [TCPConnectionID: [UInt8]] = [:]
        let ids = [ida, idb]
        let ok = run(&net) { net in
            for k in 0..<2 {
                if written[k] < payloads[k].count, let n = try? net.stacks[k].send(payloads[k][written[k]...], on: ids[k]) {
                    written[k] += n
                }
                if written[k] == payloads[k].count && !closed[k] {
                    net.stacks[k].close(ids[k], now: net.now)
                    closed[k] = true
                }
            }
            while let id = net.stacks[2].accept(port: 80) { accepted.append(id) }
            for id in accepted { received[id, default: []] += net.stacks[2].receive(on: id) }
            return accepted.count == 2 && accepted.allSatisfy { net.stacks[2].connection($0)?.isEndOfStream == true }
        }
        #expect(ok)
        #expect(Set(accepted.map(\.remoteAddress)) == [a, b])
        for id in accepted {
            let expected = id.remoteAddress == a ? payloads[0] : payloads[1]
            #expect(SHA256.hash(received[id] ?? []) == SHA256.hash(expected))
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownAnswers() {
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash([UInt8]()))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(SHA256.hash(long))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The million-'a' message of the FIPS 180 examples: many whole blocks hashed in place.
    @Test func millionAs_knownAnswer() {
        #expect(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Pieces ending just before, on and just after block edges, and around the 56-byte padding edge.
    @Test func piecesAroundBlockEdges_equalOneShot() {
        let data = (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        for sizes in [[1], [55], [56], [63], [64], [65], [127, 1], [63, 2, 64], [200, 9, 64]] {
            var h = SHA256()
            var offset = 0
            var turn = 0
            while offset < data.count {
                let end = min(offset + sizes[turn % sizes.count], data.count)
                h.update(data[offset..<end])
                offset = end
                turn += 1
            }
            #expect(h.finalize() == SHA256.hash(data), "pieces \(sizes)")
        }
        for length in [55, 56, 63, 64, 65, 119, 120] {
            var h = SHA256()
            h.update(data[..<length].map { $0 })  // an Array, not a slice
            #expect(h.finalize() == SHA256.hash(AnySequenceCollection(data[..<length])), "length \(length)")
        }
    }

    @Test func streaming_equalsOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256()
        for chunk in stride(from: 0, to: data.count, by: 777) { h.update(data[chunk..<min(chunk + 777, data.count)]) }
        #expect(h.finalize() == SHA256.hash(data))
    }
}

/// A collection without contiguous storage, so `SHA256.update` takes its copying path.
private struct AnySequenceCollection: Collection {
    let base: ArraySlice<UInt8>
    init(_ base: ArraySlice<UInt8>) { self.base = base }
    var startIndex: Int { base.startIndex }
    var endIndex: Int { base.endIndex }
    func index(after i: Int) -> Int { i + 1 }
    subscript(position: Int) -> UInt8 { base[position] }
}
