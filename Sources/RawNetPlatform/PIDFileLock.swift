import CRawNetPlatform
import Glibc

/// A daemon's proof of life: its pid file, held open with a POSIX write lock
/// (fcntl F_SETLK) for as long as the process lives. The kernel drops the lock
/// when the process ends, however it ends, so a lock holder is always a live
/// process, and `PIDFile.lockHolder()` names it (F_GETLK) whatever the file says.
public final class PIDFileLock {
    public let path: String
    private var descriptor: FileDescriptor?

    init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Replaces the file's text with `pid` and a newline, in place (the locked
    /// file stays the same file).
    public func write(_ pid: Int32 = getpid()) throws(FileSystemError) {
        guard let descriptor else { throw FileSystemError(operation: "write", path: path, errno: Errno(rawValue: EBADF)) }
        do throws(Errno) {
            guard ftruncate(descriptor.rawValue, 0) == 0, lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
                throw Errno.current
            }
            try descriptor.writeAll(Array("\(pid)\n".utf8))
        } catch {
            throw FileSystemError(operation: "write", path: path, errno: error)
        }
    }

    /// Releases the lock (closing the file). The process ending does the same.
    public func release() {
        descriptor?.close()
        descriptor = nil
    }

    deinit { release() }
}

extension PIDFile {
    /// Creates the file (never through a symbolic link) and locks it, leaving
    /// its text as it was; `PIDFileLock.write` records the pid once the process
    /// is ready. Keep the returned lock for the life of the process.
    /// - Throws: `FileSystemError`; `EAGAIN` when another live process holds
    ///   the lock (the same node runs already).
    public func lock() throws(FileSystemError) -> PIDFileLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(operation: "open", path: path, errno: .current) }
        let file = FileDescriptor(rawValue: fd)
        guard rawnet_lock_whole_file(fd) == 0 else {
            let error = Errno.current
            file.close()
            let busy = error.rawValue == EAGAIN || error.rawValue == EACCES
            throw FileSystemError(operation: busy ? "lock (held by another process)" : "lock", path: path,
                                  errno: busy ? Errno(rawValue: EAGAIN) : error)
        }
        return PIDFileLock(path: path, descriptor: file)
    }

    /// `lock()`, then `write(pid)` on the lock.
    public func lockAndWrite(_ pid: Int32 = getpid()) throws(FileSystemError) -> PIDFileLock {
        let held = try lock()
        try held.write(pid)
        return held
    }

    /// The pid of the live process holding this file's lock (the daemon that
    /// wrote it), or nil when nobody holds it: the file is missing, its writer
    /// has ended, or it was written by someone else. Never follows a symbolic link.
    public func lockHolder() -> Int32? {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        let holder = rawnet_lock_holder(fd)
        return holder > 0 ? holder : nil
    }
}
