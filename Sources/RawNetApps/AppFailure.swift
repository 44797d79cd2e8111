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
