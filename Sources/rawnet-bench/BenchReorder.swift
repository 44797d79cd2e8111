import ArgumentParser
import RawNetBench

/// `rawnet bench reorder`: spurious retransmissions of RawNet and of Linux on
/// the same lab, in one run, under 5 % reordering and 5 ms delay (needs root).
struct BenchReorder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorder",
        abstract: "Spurious retransmissions under 5 % reorder + 5 ms delay: Linux → RawNet and RawNet → Linux through one RawNet router, counted from both senders' counters (needs root).")

    @Option(help: "Rounds (one transfer each way per round; medians are over rounds).") var runs = 5
    @Option(help: "Bytes per transfer.") var size = 4 * 1024 * 1024
    @Option(help: "The rawnet executable (default: beside rawnet-bench, or $RAWNET).") var rawnet: String?

    func validate() throws {
        guard runs >= 1, size >= 1 else { throw ValidationError("--runs and --size must be positive") }
    }

    func run() throws {
        let bench = ReorderBench(rawnet: try LabSides.locateRawnet(explicit: rawnet), rounds: runs, size: size,
                                 log: { print($0) })
        let rounds = try bench.run()
        func median(_ values: [Int]) -> String {
            let sorted = values.sorted()
            return sorted.isEmpty ? "-" : "\(sorted[sorted.count / 2])"
        }
        func row(_ name: String, _ linux: (ReorderBench.Round) -> Int, _ rawnet: (ReorderBench.Round) -> Int) -> String {
            let l = rounds.map(linux), r = rounds.map(rawnet)
            return "| \(name) | \(median(l)) (\(l.map(String.init).joined(separator: ", "))) | \(median(r)) (\(r.map(String.init).joined(separator: ", "))) |"
        }
        print("")
        print("\(rounds.count) rounds of \(size) bytes each way; medians, then every round")
        print("| per connection | Linux sender | RawNet sender |")
        print("|---|---|---|")
        print(row("retransmitted segments", \.linuxRetransmissions, \.rawnetRetransmissions))
        print(row("D-SACKs received (ACKs reporting a duplicate)", \.linuxDSACKsReceived, \.rawnetDSACKsReceived))
        print(row("needless retransmissions (segments the receiver's D-SACKs reported)",
                  \.linuxDSACKedSegments, \.rawnetSpurious))
        print(row("D-SACKs Linux sent as receiver", { _ in 0 }, \.linuxDSACKsSent))
        print(row("window cuts undone", \.linuxUndos, \.rawnetUndos))
        func goodput(_ seconds: (ReorderBench.Round) -> Double) -> String {
            func tenth(_ value: Double) -> String { "\((value * 10).rounded() / 10)" }
            let values = rounds.map { ReorderBench.Round.megabits(size, in: seconds($0)) }
            let sorted = values.sorted()
            return "\(tenth(sorted[sorted.count / 2])) (" + values.map(tenth).joined(separator: ", ") + ")"
        }
        print("| goodput, Mbit/s (start of the sender to end of the receiver) | \(goodput(\.linuxSeconds)) | \(goodput(\.rawnetSeconds)) |")
        let lossy = rounds.enumerated().filter { !$0.element.isLossless }.map { $0.offset + 1 }
        print(lossy.isEmpty
              ? "every round was lossless (no drop in RawNet's nodes or Linux's receiver): every retransmission was needless"
              : "rounds \(lossy.map(String.init).joined(separator: ", ")) dropped something (see their lines): "
                + "a retransmission there may have been needed")
        func goal(_ what: String, _ linux: (ReorderBench.Round) -> Int, _ rawnet: (ReorderBench.Round) -> Int) {
            let linuxTotal = rounds.map(linux).reduce(0, +), rawnetTotal = rounds.map(rawnet).reduce(0, +)
            let ratio = linuxTotal > 0 ? Double(rawnetTotal) / Double(linuxTotal) : .infinity
            print("goal (RawNet ≤ Linux, all rounds), \(what): \(rawnetTotal) vs \(linuxTotal), "
                  + "\((ratio * 100).rounded() / 100) ×: " + (rawnetTotal <= linuxTotal ? "met" : "not met"))
        }
        // Issue 14 §3.4: no more needless retransmissions than Linux on the same connections,
        // in segments as the receivers reported them, and (lossless rounds) as the senders sent them.
        goal("needless segments D-SACKed", \.linuxDSACKedSegments, \.rawnetSpurious)
        if lossy.isEmpty { goal("segments retransmitted, all needless", \.linuxRetransmissions, \.rawnetRetransmissions) }
    }
}
