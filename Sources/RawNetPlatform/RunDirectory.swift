import Glibc

/// Errors about lab names and run directories.
public enum RunDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Lab names are 1–64 characters from letters, digits, '-', '_' and '.', not starting with '.'.
    case invalidLabName(String)

    public var description: String {
        switch self {
        case .invalidLabName(let name):
            return "invalid lab name \"\(name)\": use 1-64 letters, digits, '-', '_' or '.', not starting with '.'"
        }
    }
}

/// The private directory where one lab keeps its sockets, pid files and state:
/// `$XDG_RUNTIME_DIR/rawnet/LAB`, or `/tmp/rawnet-$UID/LAB` without it.
public struct RunDirectory: Sendable, Hashable {
    public let labName: String
    public let path: String

    /// The directory holding all labs of this user.
    public static func baseDirectory() -> String {
        if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), runtime.hasPrefix("/") {
            return runtime + "/rawnet"
        }
        return "/tmp/rawnet-\(getuid())"
    }

    /// The run directory of lab `labName` under `base` (default: `baseDirectory()`).
    public init(labName: String, base: String? = nil) throws(RunDirectoryError) {
        let allowed = labName.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        guard allowed, !labName.isEmpty, labName.utf8.count <= 64, !labName.hasPrefix(".") else {
            throw .invalidLabName(labName)
        }
        self.labName = labName
        self.path = (base ?? Self.baseDirectory()) + "/" + labName
    }

    /// Creates the directory and its missing parents with mode 0700 and
    /// tightens the lab directory itself to 0700 if it already existed.
    public func create() throws(FileSystemError) {
        try FileSystem.makeDirectories(path, mode: 0o700)
        if chmod(path, 0o700) != 0 { throw FileSystemError(operation: "chmod", path: path, errno: .current) }
    }

    /// The path of `name` inside this directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Whether the directory exists.
    public var exists: Bool { FileSystem.exists(path) }

    /// Names of the entries inside, sorted.
    public func list() throws(FileSystemError) -> [String] { try FileSystem.listDirectory(path) }

    /// Removes the directory and everything in it.
    public func remove() throws(FileSystemError) { try FileSystem.removeTree(at: path) }

    /// The pid file of `node` (e.g. `r1.pid`).
    public func pidFile(for node: String) -> PIDFile { PIDFile(path: file(node + ".pid")) }

    /// Names of the labs that have a run directory under `base`.
    public static func listLabs(base: String? = nil) -> [String] {
        (try? FileSystem.listDirectory(base ?? baseDirectory())) ?? []
    }
}
