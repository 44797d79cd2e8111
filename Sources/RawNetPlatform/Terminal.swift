import CRawNetPlatform
import Glibc

/// The process's standard streams as a terminal program sees them: whether
/// they are terminals (colour, prompts) and flushing standard output when it
/// is a pipe, so a live tool's lines reach the reader as they happen.
public enum Terminal {
    /// True when `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// True when standard output is a terminal (and not a pipe or a file).
    public static var standardOutputIsTerminal: Bool { isTerminal(STDOUT_FILENO) }

    /// True when standard input is a terminal.
    public static var standardInputIsTerminal: Bool { isTerminal(STDIN_FILENO) }

    /// True when standard input is a terminal this process may not read: it runs
    /// in the background of an interactive shell (`cmd &`), where a read would
    /// stop it (SIGTTIN) until it is brought to the foreground.
    public static var standardInputIsBackgroundTerminal: Bool {
        guard isTerminal(STDIN_FILENO) else { return false }
        let foreground = tcgetpgrp(STDIN_FILENO)
        return foreground >= 0 && foreground != getpgrp()
    }

    /// Columns of the terminal standard output is, when it is one (else nil: a pipe or a
    /// file takes whole lines). `COLUMNS` in the environment wins, as for other tools.
    public static var standardOutputColumns: Int? { columns(of: STDOUT_FILENO) }

    /// Columns of the terminal `fd` is, or nil when it is not a terminal.
    public static func columns(of fd: Int32) -> Int? {
        guard isTerminal(fd) else { return nil }
        if let text = ProcessEnvironment.value("COLUMNS"), let columns = Int(text), columns >= 20 { return columns }
        let columns = Int(rawnet_terminal_columns(fd))
        return columns >= 20 ? columns : 80
    }

    /// The terminal settings of standard input before `enterCharacterMode`, for `restore`.
    public struct SavedMode: Sendable {
        fileprivate let settings: termios
    }

    /// Puts the terminal of standard input in character mode: keys come one by one as they are
    /// typed, not echoed, and Ctrl-C, Ctrl-Z and Ctrl-\\ come as keys instead of signals, so the
    /// program draws the line itself and can always give the terminal back (`restore`).
    /// Nil when standard input is not a terminal or the mode could not be set.
    public static func enterCharacterMode() -> SavedMode? {
        guard isTerminal(STDIN_FILENO) else { return nil }
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return nil }
        let saved = SavedMode(settings: settings)
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSADRAIN, &settings) == 0 else { return nil }
        return saved
    }

    /// Gives the terminal back the settings it had before `enterCharacterMode`.
    public static func restore(_ mode: SavedMode) {
        var settings = mode.settings
        _ = tcsetattr(STDIN_FILENO, TCSADRAIN, &settings)
    }

    /// Pushes what `print` has buffered to standard output now.
    public static func flushStandardOutput() { fflush(nil) }  // nil: every output stream

    /// True when colour should be used on standard output: a terminal, and
    /// `NO_COLOR` not set (https://no-color.org).
    public static var prefersColour: Bool {
        standardOutputIsTerminal && (ProcessEnvironment.value("NO_COLOR") ?? "").isEmpty
    }
}
