import Glibc

/// Errors about lab names and run directories.
public enum RunDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Lab names are 1–64 characters from letters, digits, '-', '_' and '.', not starting with '.'.
    case invalidLabName(String)
    /// A directory on the way to the run directory that another user could
    /// change (see `RunDirectory.checkTrusted()`), e.g. "… is owned by uid 65534".
    case untrusted(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidLabName(let name):
            return "invalid lab name \"\(name)\": use 1-64 letters, digits, '-', '_' or '.', not starting with '.'"
        case let .untrusted(path, reason):
            return "\(path) \(reason); refusing to use it as a run directory "
                + "(every directory on the way must belong to root or uid \(geteuid()), be no symbolic link, "
                + "and be writable by others only with the sticky bit)"
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
    /// tightens the lab directory itself to 0700 if it already existed. Every
    /// directory on the way is checked before and after (`checkTrusted()`).
    public func create() throws(RunDirectoryError) {
        try checkTrusted()
        do {
            try FileSystem.makeDirectories(path, mode: 0o700)
        } catch {
            throw .untrusted(path: error.path, reason: "cannot be created (\(error.errno))")
        }
        // Checked again: a name another user slipped in between the check and mkdir shows now.
        try checkTrusted()
        if chmod(path, 0o700) != 0 { throw .untrusted(path: path, reason: "cannot be made private (\(Errno.current))") }
    }

    /// Refuses a run directory another user could tamper with, as OpenSSH's
    /// StrictModes refuses a key file: each existing component of the path,
    /// from `/` down to the lab's own directory, is looked at without following
    /// links (lstat) and must be a directory, not a symbolic link, owned by root
    /// or by this user, and not writable by others unless sticky (as /tmp is).
    /// Components that do not exist yet are fine (`create` makes them, 0700).
    public func checkTrusted() throws(RunDirectoryError) {
        try Self.checkTrusted(path: path)
    }

    /// `checkTrusted()` for any absolute or relative directory path.
    public static func checkTrusted(path: String) throws(RunDirectoryError) {
        let user = geteuid()
        var prefix = path.hasPrefix("/") ? "" : "."
        var components = path.split(separator: "/").map(String.init)
        if path.hasPrefix("/") { components.insert("", at: 0) }
        for component in components {
            prefix = component.isEmpty ? "/" : (prefix == "/" ? "/" : prefix + "/") + component
            var info = stat()
            guard lstat(prefix, &info) == 0 else {
                if Errno.current == .noSuchFile { return }
                throw .untrusted(path: prefix, reason: "cannot be examined (\(Errno.current))")
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK { throw .untrusted(path: prefix, reason: "is a symbolic link") }
            if type != S_IFDIR { throw .untrusted(path: prefix, reason: "is not a directory") }
            if info.st_uid != 0 && info.st_uid != user {
                throw .untrusted(path: prefix, reason: "is owned by uid \(info.st_uid)")
            }
            if info.st_mode & S_IWOTH != 0 && info.st_mode & S_ISVTX == 0 {
                throw .untrusted(path: prefix, reason: "is writable by others and not sticky")
            }
        }
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
