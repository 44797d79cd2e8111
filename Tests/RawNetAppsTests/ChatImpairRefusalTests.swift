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

/// On a Korean screen a refused value reads as `rawnet impair --lang ko` says it
/// (`KoreanRefusals`), the command named as the chat's: "/loss 140%".
@Suite struct ChatImpairRefusalKoreanTests {
    static func refusal(_ change: String) throws -> String {
        do {
            try ChatSession.check(change)
        } catch {
            return ChatSession.impairRefusal(error, kept: "장애 없음 (perfect wire)", change: change, language: .ko)
        }
        throw ChatImpairRefusalTests.Refusal(description: "\(change) was not refused")
    }

    @Test func anOutOfRangeValue_readsInKorean() throws {
        let line = try Self.refusal("loss 140%")
        #expect(line == "/loss 140%: 허용 범위를 벗어났습니다 (허용: 0%에서 100%). 아무것도 바꾸지 않았습니다. 링크는 그대로입니다: 장애 없음 (perfect wire)")
        #expect(!line.contains("out of range") && !line.contains("impair:"), "\(line)")
    }

    @Test func aPlainNumber_readsInKorean_withTheGuess() throws {
        let line = try Self.refusal("loss 20")
        #expect(line.hasPrefix("/loss 20: 허용 범위를 벗어났습니다 (허용: 0에서 1 사이의 비율, 또는 0%에서 100%; 20%를 뜻했나요?)"), "\(line)")
        #expect(line.hasSuffix(". 아무것도 바꾸지 않았습니다. 링크는 그대로입니다: 장애 없음 (perfect wire)"), "\(line)")
    }

    @Test func aDelayWithoutAUnit_readsInKorean() throws {
        let line = try Self.refusal("delay 50")
        #expect(line.hasPrefix("/delay 50: 읽을 수 없는 값 '50' (20ms, 1.5s, 500us처럼 단위가 있어야 합니다)"), "\(line)")
        #expect(!line.contains("cannot read"), "\(line)")
        let jitter = try Self.refusal("jitter x")
        #expect(jitter.hasPrefix("/jitter x: 읽을 수 없는 값 'x'"), "\(jitter)")
    }

    @Test func anEnglishChat_isAsItWas() throws {
        let change = "loss 140%"
        var english = ""
        do { try ChatSession.check(change) } catch {
            english = ChatSession.impairRefusal(error, kept: "perfect wire", change: change)
        }
        #expect(english == "impair: loss: 140% is out of range (allowed: 0% to 100%); nothing changed, the link keeps: perfect wire")
    }

    @Test func aReasonWithNoKoreanForm_staysEnglish_afterImpair() {
        let host = NetworkError.invalidArgument("alice runs with the impairment engine bypassed")
        let line = ChatSession.impairRefusal(host, kept: "손실 30%", change: "loss 20%", language: .ko)
        #expect(line == "impair: alice runs with the impairment engine bypassed. 아무것도 바꾸지 않았습니다. 링크는 그대로입니다: 손실 30%")
    }
}
