import ArgumentParser
import RawNetPlatform
import RawNetView

/// Help in Korean: under Korean (`RawNet.language`, as for errors) every help request the
/// parser answers — `--help`, `-h`, `help [COMMAND …]`, a command with subcommands given
/// none — prints `KoreanHelp`'s page instead of the parser's. The parser still decides
/// what was asked and for which command: its own page for that command, asked for with no
/// wrapping, is what `KoreanHelp` reads. The version, and the pages that stay English
/// (`KoreanHelp.englishOnlyCommands`), are the parser's as they are.
extension RawNet {
    /// The Korean page for a request that ended the parse cleanly (`error`), or nil.
    static func koreanHelp(for error: any Error) -> String? {
        KoreanHelp.page(fullMessage(for: error, columns: KoreanHelp.unwrappedColumns), width: helpColumns)
    }

    /// The width the parser wraps its pages to: COLUMNS when set, else the terminal's, else 80.
    static var helpColumns: Int {
        if let text = LanguageOption.environment("COLUMNS"), let columns = Int(text), columns > 0 { return columns }
        return Terminal.columns(of: 1) ?? 80
    }

    /// Prints a help page and ends with status 0, as the parser does after its own.
    static func printHelp(_ page: String) -> Never {
        try? FileDescriptor.standardOutput.writeAll(Array(page.utf8))
        exit(withError: ExitCode.success)
    }
}
