// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RawNet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rawnet", targets: ["rawnet"]),
        .executable(name: "rawnet-relay", targets: ["rawnet-relay"]),
        .library(name: "RawNetSocket", targets: ["RawNetSocket"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // Wire formats, checksums, pcapng. No I/O.
        .target(name: "RawNetWire"),
        // I/O-free engines: ARP, routing, IPv4, ICMP, UDP, TCP, impairments.
        .target(name: "RawNetCore", dependencies: [
            "RawNetWire",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // Deterministic in-process network with a virtual clock.
        .target(name: "RawNetSim", dependencies: ["RawNetCore", "RawNetWire"]),
        // Private C shim for Linux calls the Glibc module does not export
        // (epoll, eventfd, pipe2, a signal handler); used only by RawNetPlatform.
        .target(name: "CRawNetPlatform"),
        // The only Glibc user: sockets, event loop, clocks, processes.
        .target(name: "RawNetPlatform", dependencies: [
            "CRawNetPlatform",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // Router and host daemons, control, app API, topology, supervisor.
        .target(name: "RawNetDaemon", dependencies: [
            "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetSocket",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // Watching: trace lines, per-layer views, ladder diagrams, SVG plots, capture files.
        .target(name: "RawNetView", dependencies: ["RawNetCore", "RawNetWire"]),
        // The socket library apps link.
        .target(name: "RawNetSocket", dependencies: ["RawNetPlatform", "RawNetWire"]),
        // chat, ping, traceroute, nc, demo: built on RawNetSocket only.
        .target(name: "RawNetApps", dependencies: ["RawNetSocket", "RawNetWire"]),
        // Watching a running lab (trace streams from many daemons, saved traces) and
        // the guided tour `rawnet demo`: needs the daemons, the views and the apps.
        .target(name: "RawNetTour", dependencies: [
            "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetDaemon",
            "RawNetSocket", "RawNetApps", "RawNetView",
        ]),
        // Benchmark harness: scenarios, references (relay, Linux namespaces), reports, lab generator.
        .target(name: "RawNetBench", dependencies: [
            "RawNetPlatform", "RawNetCore", "RawNetWire", "RawNetDaemon", "RawNetSocket", "RawNetSim",
        ]),
        .executableTarget(name: "rawnet", dependencies: [
            "RawNetWire", "RawNetCore", "RawNetSim", "RawNetPlatform",
            "RawNetDaemon", "RawNetSocket", "RawNetApps", "RawNetView", "RawNetTour", "RawNetBench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Minimal C relay: the reference for forwarding benchmarks.
        .executableTarget(name: "rawnet-relay"),

        .testTarget(name: "RawNetWireTests", dependencies: ["RawNetWire"]),
        .testTarget(name: "RawNetCoreTests", dependencies: ["RawNetCore", "RawNetWire"]),
        .testTarget(name: "RawNetSimTests", dependencies: ["RawNetSim", "RawNetCore", "RawNetWire"]),
        .testTarget(name: "RawNetPlatformTests", dependencies: ["RawNetPlatform"]),
        .testTarget(name: "RawNetDaemonTests", dependencies: [
            "RawNetDaemon", "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetSocket", "RawNetSim",
        ]),
        .testTarget(name: "RawNetViewTests", dependencies: ["RawNetView", "RawNetCore", "RawNetWire"]),
        .testTarget(name: "RawNetTourTests", dependencies: [
            "RawNetTour", "RawNetView", "RawNetDaemon", "RawNetPlatform", "RawNetCore", "RawNetWire", "RawNetSocket",
        ]),
        .testTarget(name: "RawNetBenchTests", dependencies: ["RawNetBench", "RawNetDaemon", "RawNetPlatform", "RawNetWire"]),
        .testTarget(name: "RawNetAppsTests", dependencies: ["RawNetApps", "RawNetSocket", "RawNetWire"]),
    ],
    swiftLanguageModes: [.v6]
)
