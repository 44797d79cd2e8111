import Testing
import RawNetCore
@testable import RawNetView

@Suite struct KoreanRefusalsTests {
    @Test func theRefusalsOfImpairmentValues_readInKorean() {
        #expect(KoreanRefusals.impairment("--loss 140% is out of range (allowed: 0% to 100%)")
                == "--loss 140%: 허용 범위를 벗어났습니다 (허용: 0%에서 100%)")
        #expect(KoreanRefusals.impairment("--loss 30 is out of range (allowed: a fraction from 0 to 1, or 0% to 100%; did you mean 30%?)")
                == "--loss 30: 허용 범위를 벗어났습니다 (허용: 0에서 1 사이의 비율, 또는 0%에서 100%; 30%를 뜻했나요?)")
        #expect(KoreanRefusals.impairment("--delay 5: cannot read '5' (expected a unit, such as 20ms, 1.5s or 500us)")
                == "--delay 5: 읽을 수 없는 값 '5' (20ms, 1.5s, 500us처럼 단위가 있어야 합니다)")
        #expect(KoreanRefusals.impairment("--queue 0 is out of range (allowed: 1 or more); nothing was changed")
                == "--queue 0: 허용 범위를 벗어났습니다 (허용: 1 이상); 아무것도 바꾸지 않았습니다")
        #expect(KoreanRefusals.impairment("r1 is not running (rawnet start r1); nothing was changed") == nil,
                "a form it does not know stays English")
    }

    /// Every refusal the settings can give for a value reads in Korean with no English
    /// sentence left (the option, the value and units stay as typed).
    @Test func everyValueRefusalOfTheSettings_hasItsKorean() {
        let bad: [(String, String)] = [("loss", "140%"), ("loss", "30"), ("loss", "x"), ("delay", "5"), ("delay", "5xs"),
                                      ("delay", "-5ms"), ("jitter", "abc"), ("rate", "fast"), ("rate", "0bit"), ("queue", "0"),
                                      ("queue", "many"), ("seed", "-1"), ("distribution", "pareto"), ("loss-burst", "1%,x")]
        for (option, value) in bad {
            var settings = ImpairmentSettings.perfect
            do {
                try settings.set(option, to: value)
                Issue.record("\(option) \(value) was taken")
            } catch {
                // As the command line names the flag once: "--loss 140% is out of range …", "--delay 5: cannot read …".
                let english = ImpairmentSettings.refusal(flag: option, option: option, value: value, error.description)
                let korean = KoreanRefusals.impairment(english)
                #expect(korean != nil, "no Korean for: \(english)")
                for word in ["is out of range", "cannot read", "expected", "allowed", "or more", "such as"] {
                    #expect(korean?.contains(word) != true, "\(korean ?? "")")
                }
            }
        }
    }
}
