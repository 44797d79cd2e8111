import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetWire

/// pcapng files a daemon writes itself: `capture interface=eth0 file=PATH` on a
/// control connection records every frame that interface sends or receives —
/// the frames `rawnet capture` would store from the `sent` and `received` trace
/// events there, with the same times — until `capture stop`, or until the
/// connection closes (the capture process ended however it ended).
///
/// The default `rawnet capture` (a file per link, no filter) asks the daemon at
/// each link's recorded end for this, so a captured frame costs the data path a
/// copy into a buffer, not a trace line encoded, sent and decoded by another
/// process. Nothing is ever lost to a slow reader: the buffer is written out
/// when it holds 64 KiB, and otherwise at most `flushDelay` after its first
/// frame, so the file grows while the capture runs (Wireshark can open it).
/// A write that fails ends that file's capture; `capture stop` says why.
final class FrameCaptures {
    struct File {
        let client: Int
        let interface: String
        let path: String
        var descriptor: FileDescriptor?
        var writer: PcapngWriter
        var packets = 0
        var failure: String?
    }

    /// Written when a file's buffer holds this much.
    static let flushSize = 64 * 1024
    /// The longest a captured frame waits in memory.
    static let flushDelay: Duration = .milliseconds(100)

    private(set) var files: [File] = []
    private var flushTimer: TimerID?
    /// The interfaces some file records (a frame of any other costs one lookup).
    private var recorded: Set<String> = []

    var isEmpty: Bool { files.isEmpty }

    /// The `capture` command of client `client`: `interface=NAME file=PATH` starts a file,
    /// `stop` ends the client's files and answers how many packets each holds.
    func command(_ args: [String: String], client: Int, node: String, interfaceNames: [String]) -> ControlResponse {
        if args["stop"] != nil {
            return .success(stop(client: client))
        }
        guard let interface = args["interface"], let path = args["file"] else {
            return .failure("capture: give interface=NAME file=/ABSOLUTE/PATH, or stop")
        }
        guard interfaceNames.contains(interface) else {
            let known = interfaceNames.isEmpty ? "none" : interfaceNames.joined(separator: ", ")
            return .failure("capture: \(node) has no interface '\(interface)' (it has \(known))")
        }
        guard path.hasPrefix("/") else { return .failure("capture file=\(path): give an absolute path") }
        guard !files.contains(where: { $0.client == client && $0.interface == interface }) else {
            return .failure("capture: \(node):\(interface) is already recorded on this connection")
        }
        let descriptor: FileDescriptor
        do {
            try FileSystem.writeBytes([], to: path, mode: 0o644)
            descriptor = try FileSystem.openForAppending(path)
        } catch {
            return .failure("capture: cannot write \(path): \(error)")
        }
        var writer = PcapngWriter()
        _ = writer.addInterface(name: node + ":" + interface)
        var file = File(client: client, interface: interface, path: path, descriptor: descriptor, writer: writer)
        write(&file)   // the section and interface at once: an idle link's file is a valid capture
        if let failure = file.failure { return .failure("capture: \(failure)") }
        files.append(file)
        recorded.insert(interface)
        return .success(["capturing": node + ":" + interface])
    }

    /// Records `frame` in every file of `interface` (a frame sent or received there at `time`).
    func add(_ frame: [UInt8], interface: String, time: Int64, loop: EventLoop?) {
        guard recorded.contains(interface) else { return }
        var waiting = false
        for index in files.indices where files[index].interface == interface && files[index].descriptor != nil {
            files[index].writer.addPacket(interface: 0, timestampNanoseconds: UInt64(max(0, time)), bytes: frame)
            files[index].packets += 1
            if files[index].writer.pendingBytes.count >= Self.flushSize {
                write(&files[index])
            } else {
                waiting = true
            }
        }
        if waiting, flushTimer == nil, let loop {
            flushTimer = loop.schedule(after: Self.flushDelay) { [weak self] in
                guard let self else { return }
                self.flushTimer = nil
                self.flush()
            }
        }
    }

    /// Writes every file's buffer.
    func flush() {
        for index in files.indices { write(&files[index]) }
    }

    /// Ends client `client`'s files (written out and closed); the packets each holds, by interface.
    @discardableResult
    func stop(client: Int) -> [String: String] {
        var answer: [String: String] = [:]
        for index in files.indices where files[index].client == client {
            write(&files[index])
            files[index].descriptor?.close()
            files[index].descriptor = nil
            answer[files[index].interface] = files[index].failure.map { "failed after \(files[index].packets) packets: \($0)" }
                ?? String(files[index].packets)
        }
        files.removeAll { $0.client == client }
        recorded = Set(files.map(\.interface))
        return answer
    }

    /// Ends every file (the daemon stops).
    func stopAll() {
        for client in Set(files.map(\.client)) { stop(client: client) }
    }

    private func write(_ file: inout File) {
        guard let descriptor = file.descriptor else { return }
        do {
            try file.writer.drain { bytes in try descriptor.writeAll(bytes) }
        } catch {
            // A full disk or a removed mount: this file ends here, the daemon goes on.
            file.failure = "cannot write \(file.path): \(error)"
            descriptor.close()
            file.descriptor = nil
        }
    }
}
