import ArgumentParser
import Glibc
import RawNetView

/// `--lang en|ko` of the commands that speak both languages. Without it the language is
/// `RAWNET_LANG`'s, else the locale's (the first of LC_ALL, LC_MESSAGES and LANG that is
/// set: Korean when it begins with "ko", as ko_KR.UTF-8 does), else English.
struct LanguageOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Language of the command's own words: en or ko (default: RAWNET_LANG, else ko under a Korean locale such as LANG=ko_KR.UTF-8, else en).",
        valueName: "en|ko"))
    var lang: String?

    func validate() throws {
        if let lang, Self.named(lang) == nil { throw ValidationError("--lang must be en or ko, not '\(lang)'") }
        if lang == nil, let value = Self.environment("RAWNET_LANG"), Self.named(value) == nil {
            throw ValidationError("RAWNET_LANG must be en or ko, not '\(value)'")
        }
    }

    var language: ViewLanguage {
        if let lang, let chosen = Self.named(lang) { return chosen }
        return Self.fromEnvironment(Self.environment)
    }

    static func named(_ text: String) -> ViewLanguage? {
        switch text.lowercased() {
        case "en": .en
        case "ko": .ko
        default: nil
        }
    }

    /// The language the environment chooses: RAWNET_LANG, else the locale's messages.
    static func fromEnvironment(_ lookup: (String) -> String?) -> ViewLanguage {
        if let value = lookup("RAWNET_LANG"), let chosen = named(value) { return chosen }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = lookup(name), !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("ko") ? .ko : .en
        }
        return .en
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
