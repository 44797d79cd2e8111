import RawNetCore
import RawNetWire
import Testing
@testable import RawNetView

/// The chooser behind `--drop-next`: trace filters on frames leaving one interface,
/// `seq` relative to the SYN it saw, as the ladder numbers segments.
@Suite struct TraceFilterChooserTests {
    /// The frames alice sent in the scripted exchange, in order.
    static var aliceSent: [[UInt8]] {
        Fixture.exchange.filter { $0.node == "alice" && $0.kind == .sent }.compactMap(\.frame)
    }

    func chosen(_ text: String, in frames: [[UInt8]] = aliceSent) throws -> [UInt16] {
        var chooser = TraceFilterChooser(filter: try TraceFilter(parsing: text), node: "alice", interface: "eth0")
        return frames.filter { chooser.chooses($0) }.compactMap { DecodedFrame(parsing: $0).ipv4?.identification }
    }

    @Test func seqIsRelativeToTheSYN_andPicksDataNotBareACKs() throws {
        // Relative 1 is "hello" (IP id 3), not the handshake ACK (id 2) that carries the same number.
        #expect(try chosen("tcp and seq 1") == [3])
        // Relative 7 is "lost!" and its retransmission (ids 4 and 6); the rule's count picks the first.
        #expect(try chosen("tcp and seq 7") == [4, 6])
        #expect(try chosen("seq 0") == [1], "the SYN itself is 0")
        #expect(try chosen("seq 1007").isEmpty, "with the SYN seen, numbers are relative")
    }

    @Test func withoutTheSYN_seqIsTheNumberOnTheWire() throws {
        let noSYN = Array(Self.aliceSent.dropFirst())
        #expect(try chosen("seq 1007", in: noSYN) == [4, 6])
        #expect(try chosen("seq 7", in: noSYN).isEmpty)
    }

    @Test func otherWordsMatchAsInTrace() throws {
        #expect(try chosen("node alice and port 7000").count == Self.aliceSent.count)
        #expect(try chosen("on alice:eth0 and udp").isEmpty)
        #expect(try chosen("node bob").isEmpty)
        #expect(try TraceFilter(parsing: "tcp and seq 27").description == "tcp and seq 27")
        #expect(throws: TraceFilterError.self) { try TraceFilter(parsing: "seq -1") }
    }
}
