import RawNetSocket
import RawNetView

/// An app's failure as the terminal shows it (`Error: chat: …`, `오류: 채팅: …`): what the
/// lab says a network error means, and the message broken to the terminal's width.
public enum AppFailure {
    /// What "host unreachable" means in the lab and where to look, after `host unreachable: `
    /// (`Failure.app` of the command line; its Korean is `NetworkError.koreanDescription`).
    /// In RawNet, as in Linux, a node on the way sent ARP requests for the next hop and none was
    /// answered: a node stopped or a cable cut on the way says it as well as an address nobody has.
    public static let hostUnreachableHint = "nobody answered ARP for the next hop on the way."
        + " A node on the way stopped or a cable is cut (rawnet status), no node has that address,"
        + " or the ARP requests were lost to an impairment (rawnet impair --show; rawnet trace --filter arp). Try again."

    /// What "connection refused" means to a chat joining a room, after `connection refused: `
    /// (in Korean, `NetworkError.koreanDescription` says it).
    public static let noRoomHint = "no room listens on that port"

    /// The chat's failure as printed after `Error: ` or `오류: `: `chat: …` in English, `채팅: …`
    /// in Korean, the network error with what it means for a chat: a room's port taken (`room`:
    /// the host and port the room was to open on), no room where a chat joined, a node stopped
    /// on the way (`hostUnreachableHint`).
    public static func chat(_ error: NetworkError, room: (host: String, port: UInt16)? = nil, language: ViewLanguage) -> String {
        if language == .ko {
            var text = "채팅: \(error.koreanDescription)"
            if error == .addressInUse, let room {
                text += ": \(room.host)의 포트 \(room.port)에 대화방이 이미 열려 있을 수 있습니다."
                    + " 그 방에 들어가려면 --connect \(room.host):\(room.port), 새 방은 다른 포트로 여세요"
            }
            return text
        }
        if error == .addressInUse, let room {
            return "chat: \(error): port \(room.port) on \(room.host) is taken (a room may already be open there:"
                + " join it with --connect \(room.host):\(room.port), or pick another port)"
        }
        switch error {
        case .connectionRefused: return "chat: \(error): \(noRoomHint)"
        case .hostUnreachable: return "chat: \(error): \(hostUnreachableHint)"
        default: return "chat: \(error)"
        }
    }

    /// `message` as printed after `prefix` ("Error: ", "오류: ") on a terminal `columns` wide,
    /// without the prefix: broken at spaces (a Hangul syllable is two columns, `DisplayWidth`),
    /// the first line counting the prefix, the others indented by two. Unchanged when `columns`
    /// is nil (not a terminal) or too narrow to be worth it.
    public static func fitted(_ message: String, after prefix: String, columns: Int?) -> String {
        guard let columns, columns > DisplayWidth.of(prefix) + 20 else { return message }
        return message.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line -> String in
            let lead = index == 0 ? prefix : ""
            let lines = DisplayWidth.wrap(lead + line, width: columns, continuation: "  ")
            guard let first = lines.first, first.hasPrefix(lead) else { return String(line) }
            return ([String(first.dropFirst(lead.count))] + lines.dropFirst()).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
