/// What a watch says when a node's stream ends (its daemon stopped) or comes back after
/// it started again (`TraceStream` in RawNetWatch), in both languages; and, for the web
/// page, whose notes are written in English once, a line's English notes read in Korean.
public enum StreamNotes {
    public static func ended(_ node: String, korean: Bool) -> String {
        korean ? "* \(node)의 추적 스트림이 끝났습니다 (데몬이 멈춤: rawnet stop이나 비정상 종료). 다시 켜지면 이어서 지켜봅니다"
            : "* \(node)'s stream ended (its daemon stopped: rawnet stop, or a crash); it is watched again when it starts"
    }

    /// `seconds`: how long the daemon ran before it was watched again ("0.31"), when known.
    public static func resumed(_ node: String, seconds: String?, korean: Bool) -> String {
        if korean {
            return "* \(node)을(를) 다시 지켜봅니다" + (seconds.map { ": 데몬이 켜진 뒤 처음 \($0)초 동안의 이벤트는 보이지 않습니다" } ?? "")
        }
        return "* \(node) is watched again" + (seconds.map { "; what it did in the \($0) s since it started is not shown" } ?? "")
    }

    /// `text` with each English note of this kind in Korean; anything else as it was.
    public static func korean(_ text: String) -> String {
        guard text.contains("* ") else { return text }
        var out = text
        out.replace(#/\* (\S+)'s stream ended \(its daemon stopped: rawnet stop, or a crash\); it is watched again when it starts/#) {
            ended(String($0.1), korean: true)
        }
        out.replace(#/\* (\S+) is watched again; what it did in the ([0-9.]+) s since it started is not shown/#) {
            resumed(String($0.1), seconds: String($0.2), korean: true)
        }
        out.replace(#/\* (\S+) is watched again(?!;)/#) { resumed(String($0.1), seconds: nil, korean: true) }
        return out
    }
}
