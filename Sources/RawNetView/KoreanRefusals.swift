/// A refused impairment value in Korean: what `rawnet impair --lang ko` prints and what the
/// page shows in Korean when a value is refused. The English comes from the one validation
/// (`ImpairChange`, `ImpairmentSettingsError`); its forms are read back here, and a form this
/// does not know stays English rather than be half translated.
public enum KoreanRefusals {
    /// The Korean of `english`, or nil when it is not a form this knows.
    public static func impairment(_ english: String) -> String? {
        var text = english
        var tail = ""
        if text.hasSuffix(nothingChanged.en) {
            text.removeLast(nothingChanged.en.count)
            tail = nothingChanged.ko
        }
        // "--loss 140% is out of range (allowed: 0% to 100%)"
        if let match = text.wholeMatch(of: #/(--\S+ \S+) is out of range \(allowed: (.+)\)/#) {
            return "\(match.1): 허용 범위를 벗어났습니다 (허용: \(allowed(String(match.2))))" + tail
        }
        // "--delay 5: cannot read '5' (expected a unit, such as 20ms, 1.5s or 500us)"
        // "--loss-burst 1%,x: gemodel r: cannot read 'x' (expected …)"
        if let match = text.wholeMatch(of: #/(--\S+ .+?): cannot read '(.*)' \(expected (.+)\)/#) {
            let wanted = expectations[String(match.3)] ?? String(match.3)
            return "\(match.1): 읽을 수 없는 값 '\(match.2)' (\(wanted))" + tail
        }
        return nil
    }

    static let nothingChanged = (en: "; nothing was changed", ko: "; 아무것도 바꾸지 않았습니다")

    /// What an option allows, in Korean; unknown words stay as they are.
    static func allowed(_ text: String) -> String {
        if let match = text.wholeMatch(of: #/a fraction from 0 to 1, or 0% to 100%; did you mean (\S+)%\?/#) {
            return "0에서 1 사이의 비율, 또는 0%에서 100%; \(match.1)%를 뜻했나요?"
        }
        if let match = text.wholeMatch(of: #/(\S+) or more/#) { return "\(match.1) 이상" }
        return ranges[text] ?? text
    }

    static let ranges: [String: String] = [
        "0% to 100%": "0%에서 100%",
        "1bit to 9000000tbit": "1bit에서 9000000tbit",
        "less than 292 years": "292년 미만",
    ]

    static let expectations: [String: String] = [
        "a percentage such as 20% or 0.5%, or a fraction such as 0.2": "20%나 0.5% 같은 백분율, 또는 0.2 같은 비율이어야 합니다",
        "a unit, such as 20ms, 1.5s or 500us": "20ms, 1.5s, 500us처럼 단위가 있어야 합니다",
        "a duration in s, ms, us or ns": "s, ms, us, ns 단위의 시간이어야 합니다",
        "a duration such as 20ms, 1.5s or 500us": "20ms, 1.5s, 500us 같은 시간이어야 합니다",
        "a rate such as 2mbit, 100kbit, 9600bit or 1mbps": "2mbit, 100kbit, 9600bit, 1mbps 같은 속도여야 합니다",
        "a whole number": "정수여야 합니다",
        "a whole number from 0 to 18446744073709551615": "0에서 18446744073709551615 사이의 정수여야 합니다",
        "uniform or normal": "uniform 또는 normal이어야 합니다",
        "P,R,1-H,1-K such as 1%,30%,100%,0%": "1%,30%,100%,0% 같은 P,R,1-H,1-K여야 합니다",
    ]
}
