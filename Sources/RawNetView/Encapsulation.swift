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
    /// Frames carrying anything else get a shorter staircase.
    public static func render(frame: [UInt8], usesColour: Bool = false) -> String {
        let painter = TextPainter(usesColour: usesColour)
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let eth = decoded.ethernet else { return "not an Ethernet frame (\(frame.count) bytes)\n" }

        // Cells from the innermost outwards; each step prepends one.
        var cells: [(String, Int)] = []
        var steps: [String] = []
        func step(_ number: Int, _ title: String, total: Int, adds: String?) {
            let heading = "\(number). " + title
            var out = painter.paint(Text.rightPad(heading, 66), .heading) + Text.leftPad("\(total) bytes", 10) + "\n"
            out += drawCells(cells)
            if let adds { out += "   " + adds + "\n" }
            steps.append(out)
        }

        guard case .ipv4(let ip, let transport) = decoded.payload else {
            let inner = frame.count - EthernetView.headerLength
            cells = [("payload \(inner)", inner)]
            cells.insert(("Ethernet 14", 14), at: 0)
            step(1, "Ethernet frame carrying \(eth.etherType)", total: frame.count,
                 adds: "the Ethernet header adds: \(eth.source) → \(eth.destination), type \(eth.etherType)")
            return steps.joined(separator: "\n")
        }

        var number = 1
        var transportLength = Int(ip.totalLength) - ip.headerLength
        switch transport {
        case .tcp(let tcp, let data):
            cells = [(dataCell(data), data.count)]
            step(number, "Application data: what the app hands to its socket", total: data.count, adds: nil)
            number += 1
            cells.insert(("TCP \(tcp.headerLength)", tcp.headerLength), at: 0)
            step(number, "TCP segment = TCP header \(tcp.headerLength) + data \(data.count)",
                 total: tcp.headerLength + data.count,
                 adds: "the TCP header adds: ports \(tcp.sourcePort) → \(tcp.destinationPort), seq \(tcp.sequenceNumber), ack \(tcp.acknowledgmentNumber), flags [\(FrameText.flags(tcp.flags))], window \(tcp.window)")
            transportLength = tcp.headerLength + data.count
        case .udp(let udp, let data):
            cells = [(dataCell(data), data.count)]
            step(number, "Application data: what the app hands to its socket", total: data.count, adds: nil)
            number += 1
            cells.insert(("UDP 8", 8), at: 0)
            step(number, "UDP datagram = UDP header 8 + data \(data.count)", total: 8 + data.count,
                 adds: "the UDP header adds only: ports \(udp.sourcePort) → \(udp.destinationPort), length \(udp.length), checksum")
            transportLength = 8 + data.count
        case .icmp(let icmp):
            cells = [("ICMP \(icmp.length)", icmp.length)]
            step(number, "ICMP message", total: icmp.length, adds: "ICMP: " + FrameText.icmpName(icmp))
            transportLength = icmp.length
        default:
            cells = [("payload \(transportLength)", transportLength)]
            step(number, "IP payload", total: transportLength, adds: nil)
        }
        number += 1
        cells.insert(("IPv4 \(ip.headerLength)", ip.headerLength), at: 0)
        let inside = transportLabel(transport)
        step(number, "IP packet = IPv4 header \(ip.headerLength) + \(inside) \(transportLength)",
             total: ip.headerLength + transportLength,
             adds: "the IPv4 header adds: \(ip.source) → \(ip.destination), TTL \(ip.timeToLive), id \(ip.identification), protocol \(ip.protocolNumber)")
        number += 1
        cells.insert(("Ethernet 14", 14), at: 0)
        let padding = frame.count - EthernetView.headerLength - Int(ip.totalLength)
        if padding > 0 { cells.append(("pad \(padding)", padding)) }
        step(number, "Ethernet frame = Ethernet header 14 + IP packet \(ip.totalLength)"
             + (padding > 0 ? " + padding \(padding)" : ""), total: frame.count,
             adds: "the Ethernet header adds: MAC \(eth.source) → \(eth.destination), type \(eth.etherType)")
        return steps.joined(separator: "\n")
    }

    static func transportLabel(_ transport: DecodedFrame.Transport) -> String {
        switch transport {
        case .tcp: return "TCP segment"
        case .udp: return "UDP datagram"
        case .icmp: return "ICMP message"
        default: return "payload"
        }
    }

    static func dataCell(_ data: [UInt8]) -> String {
        data.isEmpty ? "no data" : "\"" + Text.truncate(Text.printable(data), 24) + "\""
    }

    /// One row of cells, each as wide as its text plus padding, joined by `┬ │ ┴`.
    static func drawCells(_ cells: [(String, Int)]) -> String {
        let widths = cells.map { $0.0.count + 4 }
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
