import RawNetCore
import RawNetWire

/// How one piece of application data is wrapped on its way down the stack — the
/// first scene of `rawnet demo`: app data → TCP segment (or UDP datagram) → IP
/// packet → Ethernet frame, each step adding a header, with byte counts:
///
///     1. Application data: what the chat app hands to its socket           6 bytes
///        ┌────────────┐
///        │ "hello⏎"   │
///        └────────────┘
///     2. TCP segment = TCP header 20 + data 6                              26 bytes
///        ┌────────────┬────────────┐
///        │ TCP 20     │ data 6     │
///        └────────────┴────────────┘
///        the TCP header adds: ports 40000 → 7000, seq 1001, ack 5001, flags [P.]
///     …
public enum Encapsulation {
    /// The staircase for `frame`, an Ethernet frame carrying IPv4 and TCP, UDP or ICMP.
    /// Frames carrying anything else get a shorter staircase. Lines fit 78 columns
    /// (long "header adds" lines wrap, never inside a two-word Korean term, which
    /// holds a no-break space); `language` picks English or Korean words. A TCP window is
    /// stated as the receiver reads it: the field times the scale `windowScales` learnt from
    /// the connection's SYNs, in bytes (`window field 2048 (×128 = 262144 bytes)`), or the
    /// field with "scale unknown" when the handshake was not seen.
    public static func render(frame: [UInt8], usesColour: Bool = false, language: ViewLanguage = .en,
                              windowScales: TCPWindowScales = TCPWindowScales()) -> String {
        let painter = TextPainter(usesColour: usesColour)
        let t = { (en: String, ko: String) in language == .ko ? ko : en }
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let eth = decoded.ethernet else { return "not an Ethernet frame (\(frame.count) bytes)\n" }

        // Cells from the innermost outwards; each step prepends one.
        var cells: [(String, Int)] = []
        var steps: [String] = []
        func step(_ number: Int, _ title: String, total: Int, adds: String?) {
            let heading = "\(number). " + title
            var out = painter.paint(Text.rightPad(heading, 66), .heading) + Text.leftPad(t("\(total) bytes", "\(total)바이트"), 10) + "\n"
            out += drawCells(cells)
            if let adds {
                for line in DisplayWidth.wrap(adds, width: 76, indent: "   ", continuation: "     ") { out += line + "\n" }
            }
            steps.append(out)
        }

        guard case .ipv4(let ip, let transport) = decoded.payload else {
            let inner = frame.count - EthernetView.headerLength
            cells = [(t("payload", "페이로드") + " \(inner)", inner)]
            cells.insert((t("Ethernet", "이더넷") + " 14", 14), at: 0)
            step(1, t("Ethernet frame carrying \(eth.etherType)", "\(eth.etherType)을 실은 이더넷 프레임"), total: frame.count,
                 adds: t("the Ethernet header adds: ", "이더넷 헤더가 더하는 것: ") + "\(eth.source) → \(eth.destination), "
                    + t("type", "타입") + " \(eth.etherType)")
            return steps.joined(separator: "\n")
        }

        var number = 1
        var transportLength = Int(ip.totalLength) - ip.headerLength
        switch transport {
        case .tcp(let tcp, let data):
            cells = [(dataCell(data, language: language), data.count)]
            step(number, t(applicationData.en, applicationData.ko), total: data.count, adds: nil)
            number += 1
            cells.insert(("TCP \(tcp.headerLength)", tcp.headerLength), at: 0)
            step(number, t("TCP segment = TCP header \(tcp.headerLength) + data \(data.count)",
                           "TCP 세그먼트 = TCP 헤더 \(tcp.headerLength) + 데이터 \(data.count)"),
                 total: tcp.headerLength + data.count,
                 adds: t("the TCP header adds: ports \(tcp.sourcePort) → \(tcp.destinationPort), seq \(tcp.sequenceNumber), ack \(tcp.acknowledgmentNumber), flags [\(FrameText.flags(tcp.flags))], ",
                         "TCP 헤더가 더하는 것: 포트 \(tcp.sourcePort) → \(tcp.destinationPort), 순서\u{A0}번호 \(tcp.sequenceNumber), 확인응답\u{A0}번호 \(tcp.acknowledgmentNumber), 플래그 [\(FrameText.flags(tcp.flags))], ")
                    + windowText(tcp.window, windowScales.reading(tcp, source: ip.source, destination: ip.destination),
                                 language: language))
            transportLength = tcp.headerLength + data.count
        case .udp(let udp, let data):
            cells = [(dataCell(data, language: language), data.count)]
            step(number, t(applicationData.en, applicationData.ko), total: data.count, adds: nil)
            number += 1
            cells.insert(("UDP 8", 8), at: 0)
            step(number, t("UDP datagram = UDP header 8 + data \(data.count)", "UDP 데이터그램 = UDP 헤더 8 + 데이터 \(data.count)"),
                 total: 8 + data.count,
                 adds: t("the UDP header adds only: ports \(udp.sourcePort) → \(udp.destinationPort), length \(udp.length), checksum",
                         "UDP 헤더가 더하는 것은 이것뿐: 포트 \(udp.sourcePort) → \(udp.destinationPort), 길이 \(udp.length), 체크섬"))
            transportLength = 8 + data.count
        case .icmp(let icmp):
            cells = [("ICMP \(icmp.length)", icmp.length)]
            step(number, t("ICMP message", "ICMP 메시지"), total: icmp.length, adds: "ICMP: " + FrameText.icmpName(icmp))
            transportLength = icmp.length
        default:
            cells = [(t("payload", "페이로드") + " \(transportLength)", transportLength)]
            step(number, t("IP payload", "IP 페이로드"), total: transportLength, adds: nil)
        }
        number += 1
        cells.insert(("IPv4 \(ip.headerLength)", ip.headerLength), at: 0)
        let inside = transportLabel(transport, language: language)
        step(number, t("IP packet = IPv4 header \(ip.headerLength) + \(inside) \(transportLength)",
                       "IP 패킷 = IPv4 헤더 \(ip.headerLength) + \(inside) \(transportLength)"),
             total: ip.headerLength + transportLength,
             adds: t("the IPv4 header adds: \(ip.source) → \(ip.destination), TTL \(ip.timeToLive), id \(ip.identification), protocol \(ip.protocolNumber)",
                     "IPv4 헤더가 더하는 것: \(ip.source) → \(ip.destination), TTL \(ip.timeToLive), 식별자 \(ip.identification), 프로토콜 \(ip.protocolNumber)"))
        number += 1
        cells.insert((t("Ethernet", "이더넷") + " 14", 14), at: 0)
        let padding = frame.count - EthernetView.headerLength - Int(ip.totalLength)
        if padding > 0 { cells.append((t("pad", "패딩") + " \(padding)", padding)) }
        step(number, t("Ethernet frame = Ethernet header 14 + IP packet \(ip.totalLength)", "이더넷 프레임 = 이더넷 헤더 14 + IP 패킷 \(ip.totalLength)")
             + (padding > 0 ? t(" + padding \(padding)", " + 패딩 \(padding)") : ""), total: frame.count,
             adds: t("the Ethernet header adds: MAC \(eth.source) → \(eth.destination), type \(eth.etherType)",
                     "이더넷 헤더가 더하는 것: MAC \(eth.source) → \(eth.destination), 타입 \(eth.etherType)"))
        return steps.joined(separator: "\n")
    }

    /// A TCP window field in words, as the receiver reads it (never the bare field, which a
    /// learner would take for bytes). No-break spaces keep the product on one line.
    static func windowText(_ window: UInt16, _ reading: TCPWindowScales.Reading, language: ViewLanguage) -> String {
        let ko = language == .ko
        let nb = "\u{A0}"
        switch reading {
        case .scaled(let shift):
            let product = "(×\(1 << shift)\(nb)=\(nb)\(Int(window) << shift)" + (ko ? "바이트)" : "\(nb)bytes)")
            return (ko ? "윈도우\(nb)필드 " : "window field ") + "\(window) " + product
        case .synUnscaled, .notNegotiated:
            return ko ? "윈도우 \(window)바이트" : "window \(window) bytes"
        case .unknown:
            return ko ? "윈도우\(nb)필드 \(window) (배율 모름)" : "window field \(window) (scale unknown)"
        }
    }

    static let applicationData = (en: "Application data: what the app hands to its socket",
                                  ko: "애플리케이션 데이터: 앱이 소켓에 건네는 것")

    static func transportLabel(_ transport: DecodedFrame.Transport, language: ViewLanguage = .en) -> String {
        let ko = language == .ko
        switch transport {
        case .tcp: return ko ? "TCP 세그먼트" : "TCP segment"
        case .udp: return ko ? "UDP 데이터그램" : "UDP datagram"
        case .icmp: return ko ? "ICMP 메시지" : "ICMP message"
        default: return ko ? "페이로드" : "payload"
        }
    }

    static func dataCell(_ data: [UInt8], language: ViewLanguage = .en) -> String {
        data.isEmpty ? (language == .ko ? "데이터 없음" : "no data") : "\"" + Text.truncate(Text.readable(data), 24) + "\""
    }

    /// One row of cells, each as wide as its text plus padding, joined by `┬ │ ┴`.
    static func drawCells(_ cells: [(String, Int)]) -> String {
        let widths = cells.map { DisplayWidth.of($0.0) + 4 }
        var top = "   ┌", middle = "   │", bottom = "   └"
        for (i, cell) in cells.enumerated() {
            let last = i == cells.count - 1
            top += String(repeating: "─", count: widths[i]) + (last ? "┐" : "┬")
            middle += Text.rightPad(" " + cell.0, widths[i]) + "│"
            bottom += String(repeating: "─", count: widths[i]) + (last ? "┘" : "┴")
        }
        return top + "\n" + middle + "\n" + bottom + "\n"
    }
}
