import Glibc
import CRawNetPlatform

/// A Linux TAP device (`/dev/net/tun`, IFF_TAP | IFF_NO_PI): the kernel's side
/// of an Ethernet interface whose wire is this process. Every read returns one
/// whole Ethernet frame the kernel sent out of the interface; every write hands
/// the kernel one frame as if it had arrived on it. Non-blocking; the device
/// exists while the descriptor is open (it is not made persistent).
public final class TapDevice {
    /// The interface name inside the network namespace the device was made in.
    public let name: String
    public let fileDescriptor: FileDescriptor
    private var isClosed = false

    /// Creates the device `name` in the calling thread's network namespace.
    /// - Throws: `Errno` (EPERM without CAP_NET_ADMIN, EBUSY when a device of
    ///   that name exists, ENAMETOOLONG beyond 15 bytes).
    public init(name: String) throws(Errno) {
        let fd = rawnet_tap_open(name)
        if fd < 0 { throw Errno.current }
        self.name = name
        fileDescriptor = FileDescriptor(rawValue: fd)
    }

    deinit { close() }

    /// Reads one frame into `buffer`; nil when none is waiting.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        try fileDescriptor.read(into: buffer)
    }

    /// Hands one frame to the kernel. False when it would block (the kernel's
    /// backlog is full); the frame is then not taken.
    public func write(_ frame: UnsafeRawBufferPointer) throws(Errno) -> Bool {
        try fileDescriptor.write(frame) != nil
    }

    /// Closes the descriptor, which removes the device.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        fileDescriptor.close()
    }
}

/// Network namespaces by path (`/run/netns/NAME`, as `ip netns add` makes them).
public enum NetworkNamespace {
    /// Where `ip netns` keeps the named namespaces.
    public static let directory = "/run/netns"

    /// The path of the named namespace `name`.
    public static func path(named name: String) -> String { directory + "/" + name }

    /// Moves the calling thread into the network namespace at `path`. Sockets
    /// and devices it creates afterwards live there; Unix sockets bound to
    /// file paths stay reachable from every namespace.
    public static func enter(path: String) throws(Errno) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Errno.current }
        defer { Glibc.close(fd) }
        if rawnet_set_net_namespace(fd) != 0 { throw Errno.current }
    }
}

extension Processes {
    /// Whether this process runs with root's effective user id.
    public static var isRoot: Bool { geteuid() == 0 }
}
