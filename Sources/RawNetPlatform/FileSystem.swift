import Glibc

/// Errors from file helpers, naming the path.
public struct FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Errno

    public var description: String { "\(operation) \(path): \(errno)" }
}

/// Small file helpers (bytes in, bytes out) for state files such as JSON.
public enum FileSystem {
    /// The whole file as bytes.
    public static func readBytes(at path: String) throws(FileSystemError) -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_CLOEXEC, operation: "open")
        defer { fd.close() }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count: Int?
            do {
                count = try Errno.rethrowing { try chunk.withUnsafeMutableBytes { try fd.read(into: $0) } }
            } catch {
                throw FileSystemError(operation: "read", path: path, errno: error)
            }
            guard let count, count > 0 else { return result }
            result += chunk[..<count]
        }
    }

    /// Writes the bytes to a temporary file beside `path`, then renames it into
    /// place, so readers never see half a file.
    public static func writeBytes(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileSystemError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: mode, operation: "create")
        do {
            try fd.writeAll(bytes)
        } catch {
            fd.close()
            unlink(temporary)
            throw FileSystemError(operation: "write", path: temporary, errno: error)
        }
        fd.close()
        if rename(temporary, path) != 0 {
            let error = Errno.current
            unlink(temporary)
            throw FileSystemError(operation: "rename to", path: path, errno: error)
        }
    }

    /// Whether something exists at `path` (without following a final symlink).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether two paths name the same file (same device and inode, following links).
    public static func isSameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// Whether `path` is a regular file this process may execute (following symlinks).
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// Removes a file; a missing file is not an error.
    public static func removeFile(at path: String) throws(FileSystemError) {
        if unlink(path) != 0, Errno.current != .noSuchFile {
            throw FileSystemError(operation: "remove", path: path, errno: .current)
        }
    }

    /// Creates a FIFO (named pipe), e.g. to feed a child's standard input bit by bit.
    public static func makeFIFO(at path: String, mode: mode_t = 0o600) throws(FileSystemError) {
        if mkfifo(path, mode) != 0 {
            throw FileSystemError(operation: "mkfifo", path: path, errno: .current)
        }
    }

    /// Opens a FIFO's writing end without waiting for a reader (Linux opens a
    /// FIFO read-write at once), so a child can then open it for reading.
    /// Open it before spawning the child. Closing it is the reader's end of file.
    public static func openFIFOForWriting(_ path: String) throws(FileSystemError) -> FileDescriptor {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(operation: "open", path: path, errno: .current) }
        return FileDescriptor(rawValue: fd)
    }

    /// Opens a file for reading without blocking (a FIFO opens even with no writer yet).
    /// The caller closes the descriptor.
    public static func openForReading(_ path: String) throws(FileSystemError) -> FileDescriptor {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(operation: "open", path: path, errno: .current) }
        return FileDescriptor(rawValue: fd)
    }

    /// Creates `path` and any missing parents with `mode`; existing ones are kept.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0, Errno.current != .fileExists {
                throw FileSystemError(operation: "mkdir", path: prefix, errno: .current)
            }
        }
    }

    /// Names in a directory, sorted, without "." and "..".
    public static func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else {
            throw FileSystemError(operation: "list", path: path, errno: .current)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or a directory with everything in it; missing is fine.
    public static func removeTree(at path: String) throws(FileSystemError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try listDirectory(path) { try removeTree(at: path + "/" + name) }
            if rmdir(path) != 0 { throw FileSystemError(operation: "rmdir", path: path, errno: .current) }
        } else {
            try removeFile(at: path)
        }
    }

    /// Opens (creating if needed, mode 0644) `path` for appending, for files that
    /// grow while a tool runs (saved traces, live captures).
    /// Opens `path` for writing from its start, created or emptied (a device such as
    /// /dev/null stays what it is, unlike `writeBytes`, which renames a new file into place).
    public static func openForWriting(_ path: String, mode: mode_t = 0o644) throws(FileSystemError) -> FileDescriptor {
        try open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: mode, operation: "open")
    }

    public static func openForAppending(_ path: String) throws(FileSystemError) -> FileDescriptor {
        try open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode: 0o644, operation: "open")
    }

    private static func open(_ path: String, _ flags: Int32, mode: mode_t = 0, operation: String) throws(FileSystemError) -> FileDescriptor {
        do {
            return FileDescriptor(rawValue: try retryingOnInterrupt { Glibc.open(path, flags, mode) })
        } catch {
            throw FileSystemError(operation: operation, path: path, errno: error)
        }
    }
}

/// A file holding one process id, as daemons leave in their run directory.
public struct PIDFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Writes `pid` (default: this process) followed by a newline.
    public func write(_ pid: Int32 = getpid()) throws(FileSystemError) {
        try FileSystem.writeBytes(Array("\(pid)\n".utf8), to: path, mode: 0o644)
    }

    /// The recorded pid, or nil when the file is missing or malformed.
    public func read() -> Int32? {
        guard let bytes = try? FileSystem.readBytes(at: path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    public func remove() { try? FileSystem.removeFile(at: path) }
}

extension String {
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

extension FileSystem {
    /// The process's working directory ("/" if it cannot be read).
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        // The path's bytes up to its terminating NUL, invalid UTF-8 repaired as `String(cString:)` does.
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
