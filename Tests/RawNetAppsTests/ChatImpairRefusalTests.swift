@testable import RawNetApps
import RawNetSocket
import Testing

/// The chat's line for a refused impairment change says why once, in the words
/// of whoever refused it, and what the link keeps.
@Suite struct ChatImpairRefusalTests {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    @Test func aValueTheImpairmentCodeRefuses_isShownInItsOwnWords() {
        let line = ChatSession.impairRefusal(Refusal(description: "loss: 140% is out of range (allowed: 0% to 100%)"),
                                             kept: "perfect wire")
        #expect(line == "impair: loss: 140% is out of range (allowed: 0% to 100%); nothing changed, the link keeps: perfect wire")
    }

    @Test func aRefusalByTheHost_isNotWrappedInInvalidArgument() {
        let host = NetworkError.invalidArgument("alice runs with the impairment engine bypassed")
        #expect("\(host)".hasPrefix("invalid argument: "), "the error's own text, for contrast: \(host)")
        let line = ChatSession.impairRefusal(host, kept: "loss 30%")
        #expect(line == "impair: alice runs with the impairment engine bypassed; nothing changed, the link keeps: loss 30%")
        let other = ChatSession.impairRefusal(NetworkError.timedOut, kept: "unknown (the host does not answer)")
        #expect(other == "impair: \(NetworkError.timedOut); nothing changed, the link keeps: unknown (the host does not answer)")
    }
}
