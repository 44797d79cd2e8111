import RawNetPlatform

/// `rawnet demo --tmux`: a tmux session on the tour lab with a live trace, a chat
/// server and client, and the lab's status.
enum DemoTmux {
    static func open(executable: String) throws {
        let candidates = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        guard let tmux = candidates.first(where: FileSystem.exists) else {
            throw Failure("tmux is not installed; install it (e.g. `apt-get install tmux` or `brew install tmux`) or run the demo without --tmux")
        }
        let session = "rawnet-tour"
        // A tmux server started earlier keeps its own environment, not the caller's:
        // each pane is told where the lab's sockets are.
        let runtime = ProcessEnvironment.value("XDG_RUNTIME_DIR").map { "XDG_RUNTIME_DIR=" + shellQuoted($0) }
            ?? "-u XDG_RUNTIME_DIR"
        let rawnet = "env \(runtime) RAWNET_LAB=tour " + shellQuoted(executable)
        let steps: [[String]] = [
            ["new-session", "-d", "-s", session, "-x", "200", "-y", "50", rawnet + " trace --filter 'not arp'; read"],
            ["split-window", "-h", "-t", session, rawnet + " chat bob --listen 7000; read"],
            ["split-window", "-v", "-t", session, "sleep 1; " + rawnet + " chat alice --connect bob:7000; read"],
            ["split-window", "-v", "-t", "\(session):0.0", "watch -n 2 " + rawnet + " status"],
            ["select-pane", "-t", "\(session):0.2"],
        ]
        for arguments in steps {
            let pid: Int32
            do { pid = try Processes.spawn(executable: tmux, arguments: arguments) } catch {
                throw Failure("cannot run tmux: \(error)")
            }
            while (try? Processes.reap(pid)) ?? nil == nil { MonotonicClock.sleep(for: .milliseconds(20)) }
        }
        print("tmux session '\(session)' is ready on lab 'tour': attach with  tmux attach -t \(session)")
        print("(it keeps running; end it with  tmux kill-session -t \(session); rawnet down --lab tour)")
    }

    /// `text` as one word for sh, in single quotes.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
