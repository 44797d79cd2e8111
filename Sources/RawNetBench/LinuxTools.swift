import Foundation

/// The system tools the Linux reference needs, and the Debian packages that hold them.
public enum LinuxTools {
    /// Tool name → Debian package.
    public static let required: [(tool: String, package: String)] = [
        ("ip", "iproute2"),
        ("nft", "nftables"),
        ("ethtool", "ethtool"),
        ("iperf3", "iperf3"),
        ("taskset", "util-linux"),
        ("sysctl", "procps"),
    ]

    /// The packages to install: `apt-get install -y iperf3 nftables ethtool`.
    public static let packagesToInstall = ["iperf3", "nftables", "ethtool"]

    /// Packages whose tools are missing from PATH.
    public static func missingPackages() -> [String] {
        var missing: [String] = []
        for (tool, package) in required where Shell.which(tool) == nil && !missing.contains(package) {
            missing.append(package)
        }
        return missing
    }

    /// Whether this process runs as root (namespaces and nftables need it).
    public static func isRoot() -> Bool {
        (try? Shell.run(["id", "-u"]))?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }

    /// Checks root and tools; installs missing packages with apt-get when
    /// `installing` is true, otherwise fails naming them and the command to run.
    public static func ensureReady(installing: Bool, log: @Sendable (String) -> Void) throws {
        guard isRoot() else {
            throw BenchError("the Linux reference needs root (network namespaces, nftables); run as root")
        }
        var missing = missingPackages()
        if !missing.isEmpty && installing {
            log("installing \(missing.joined(separator: " ")) with apt-get")
            try Shell.check(["apt-get", "update"])
            let output = try Shell.run(["apt-get", "install", "-y", "--no-install-recommends"] + missing,
                                       environment: ["DEBIAN_FRONTEND": "noninteractive"])
            if output.status != 0 {
                throw BenchError("apt-get install \(missing.joined(separator: " ")) failed: \(output.standardError)")
            }
            missing = missingPackages()
        }
        guard missing.isEmpty else {
            throw BenchError("the Linux reference needs these Debian packages, which are missing: \(missing.joined(separator: " ")). "
                + "Install them with `apt-get install -y \(missing.joined(separator: " "))`, or pass --install")
        }
    }

    /// Makes sure a congestion control (e.g. `bbr`) is available, loading its module if needed.
    public static func ensureCongestionControl(_ name: String) throws {
        func available() -> Bool {
            let text = (try? Shell.check(["sysctl", "-n", "net.ipv4.tcp_available_congestion_control"])) ?? ""
            return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains { $0 == name }
        }
        if available() { return }
        _ = try? Shell.run(["modprobe", "tcp_\(name)"])
        guard available() else {
            throw BenchError("TCP congestion control '\(name)' is not available in this kernel (modprobe tcp_\(name) failed)")
        }
    }
}
