/// The release every RawNet executable reports: `rawnet --version`,
/// `rawnetd --version` and `rawnet-bench --version` print it after their name.
public enum RawNetVersion {
    public static let current = "0.13.0"

    /// What `PROGRAM --version` prints, e.g. `rawnet 0.13.0`.
    public static func line(program: String) -> String { "\(program) \(current)" }
}
