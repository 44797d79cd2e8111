// swift-tools-version:6.0
import PackageDescription

// The hot modules (wire formats, the engines, the simulator, the platform layer and
// the daemons) are optimized in debug builds too, with assertions kept: the suite
// and `swift run` use debug builds, and unoptimized these modules spent seven
// times the CPU (the in-process tests: 210 s against 30 s of user time).
let fast: [SwiftSetting] = [
    .unsafeFlags(["-O", "-assert-config", "Debug"], .when(configuration: .debug)),
    // Release builds leave out the run-time exclusivity checks (2.5 % of a host's samples
    // in a bulk transfer); debug builds, which the suite runs, keep them.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "RawNet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rawnet", targets: ["rawnet"]),
        .executable(name: "rawnetd", targets: ["rawnetd"]),
        .executable(name: "rawnet-bench", targets: ["rawnet-bench"]),
        .executable(name: "rawnet-relay", targets: ["rawnet-relay"]),
        .library(name: "RawNetSocket", targets: ["RawNetSocket"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        // Wire formats, checksums, pcapng. No I/O.
        .target(name: "RawNetWire", swiftSettings: fast),
        // A small JSON codec over Codable without Foundation, for the control protocol.
        .target(name: "RawNetJSON", swiftSettings: fast),
        // I/O-free engines: ARP, routing, IPv4, ICMP, UDP, TCP, impairments.
        .target(name: "RawNetCore", dependencies: [
            "RawNetWire",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: fast),
        // Deterministic in-process network with a virtual clock.
        .target(name: "RawNetSim", dependencies: ["RawNetCore", "RawNetWire"], swiftSettings: fast),
        // Private C shim for Linux calls the Glibc module does not export
        // (epoll, eventfd, pipe2, a signal handler); used only by RawNetPlatform.
        .target(name: "CRawNetPlatform"),
        // The only Glibc user: sockets, event loop, clocks, processes.
        .target(name: "RawNetPlatform", dependencies: [
            "CRawNetPlatform",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: fast),
        // The contracts between processes: the app API (messages, status codes, TCPOptions),
        // the control protocol and its one client, node status, socket-path rules.
        .target(name: "RawNetContracts", dependencies: ["RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetJSON"]),
        // The lab model: topology, lab.conf (what daemons read), lab lookup, a daemon's command line.
        // No Yams and no Foundation.
        .target(name: "RawNetLabModel", dependencies: ["RawNetContracts", "RawNetCore", "RawNetWire", "RawNetPlatform"]),
        // Router and host daemons: the loop, link ports, impairments, the IP node, control and
        // the host's transport. No Yams and no Foundation: this is what every daemon process maps.
        .target(name: "RawNetDaemon", dependencies: [
            "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetContracts", "RawNetLabModel", "RawNetJSON", "RawNetView",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "DequeModule", package: "swift-collections"),
        ], swiftSettings: fast),
        // Topology files (YAML) and the lab supervisor behind `rawnet up`/`down`.
        .target(name: "RawNetLab", dependencies: [
            "RawNetLabModel", "RawNetContracts", "RawNetCore", "RawNetWire", "RawNetPlatform",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Watching: trace lines, per-layer views, ladder diagrams, SVG plots, capture files.
        .target(name: "RawNetView", dependencies: ["RawNetCore", "RawNetWire"]),
        // The socket library apps link.
        .target(name: "RawNetSocket", dependencies: ["RawNetContracts", "RawNetPlatform", "RawNetWire", "RawNetJSON"]),
        // chat, ping, traceroute, nc, demo: built on RawNetSocket only.
        .target(name: "RawNetApps", dependencies: ["RawNetSocket", "RawNetWire", "RawNetCore", "RawNetView"]),
        // Watching a running lab: trace streams from many daemons merged by time,
        // selections and the hop filter, saved traces.
        .target(name: "RawNetWatch", dependencies: [
            "RawNetContracts", "RawNetLabModel", "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetView",
        ]),
        // `rawnet web`: the lab in a browser (HTTP, WebSocket, the page). Linked by `rawnet`
        // only, never by `rawnetd`: Hummingbird, NIO and Foundation stay out of the daemon.
        .target(name: "RawNetWeb", dependencies: [
            "RawNetContracts", "RawNetLabModel", "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetView", "RawNetWatch",
            "RawNetSocket", "RawNetApps",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The guided tour `rawnet demo` only: needs the lab, the watching, the views and the apps.
        .target(name: "RawNetTour", dependencies: [
            "RawNetCore", "RawNetWire", "RawNetPlatform", "RawNetContracts", "RawNetLabModel",
            "RawNetSocket", "RawNetApps", "RawNetView", "RawNetLab", "RawNetWatch",
        ]),
        // Private C shim for the GNU calls only benchmarks make (CPU affinity, entering a
        // network namespace); used only by RawNetBenchPlatform.
        .target(name: "CRawNetBench"),
        // System code only benchmarks use: CPU pinning, process CPU time, the Unix socket
        // comparison, kernel TCP connect timing inside a namespace. No daemon links it.
        .target(name: "RawNetBenchPlatform", dependencies: ["CRawNetBench", "RawNetPlatform"]),
        // Benchmark harness: scenarios, references (relay, Linux namespaces), reports, lab generator.
        .target(name: "RawNetBench", dependencies: [
            "RawNetPlatform", "RawNetBenchPlatform", "RawNetCore", "RawNetWire", "RawNetContracts", "RawNetLabModel", "RawNetDaemon",
            "RawNetSocket", "RawNetSim", "RawNetLab", "RawNetApps",
        ]),
        // The command line. No benchmark or simulation code: `rawnet bench …` and `rawnet gen …`
        // execute `rawnet-bench` beside it. `rawnetd` is listed so that building `rawnet` (also
        // `swift run rawnet`) builds it too: `rawnet up` runs the daemons with it (DESIGN.md,
        // "Daemon executable"). `rawnet-bench` is not listed: SwiftPM links the libraries of a
        // listed executable into `rawnet` (RawNetBench, RawNetSim); `swift build` builds it.
        .executableTarget(name: "rawnet", dependencies: [
            "RawNetWire", "RawNetCore", "RawNetPlatform",
            "RawNetContracts", "RawNetLabModel", "RawNetDaemon", "RawNetLab", "RawNetSocket", "RawNetApps", "RawNetView", "RawNetWatch", "RawNetTour",
            "RawNetWeb", "rawnetd",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // One node daemon and nothing else: small in memory (no Foundation, Yams, ArgumentParser).
        // Linked with the Swift runtime inside (-static-stdlib): only the parts it uses are
        // resident (BENCHMARKS.md, "Memory per daemon"). rawnet itself stays dynamic.
        .executableTarget(name: "rawnetd", dependencies: ["RawNetDaemon", "RawNetLabModel", "RawNetPlatform"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux]))]),
        // The benchmark command line: every `rawnet bench` subcommand and `gen`. The only
        // executable that links the harness (and through it RawNetSim).
        .executableTarget(name: "rawnet-bench", dependencies: [
            "RawNetBench", "RawNetBenchPlatform", "RawNetCore", "RawNetWire", "RawNetPlatform",
            "RawNetContracts", "RawNetLabModel", "RawNetDaemon", "RawNetLab",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Minimal C relay: the reference for forwarding benchmarks.
        .executableTarget(name: "rawnet-relay"),

        .testTarget(name: "RawNetWireTests", dependencies: ["RawNetWire"]),
        .testTarget(name: "RawNetJSONTests", dependencies: ["RawNetJSON"]),
        // The core's tests, the scripted TCP tests (TCPScript from RawNetSim) among them.
        .testTarget(name: "RawNetCoreTests", dependencies: ["RawNetCore", "RawNetWire", "RawNetSim"]),
        .testTarget(name: "RawNetSimTests", dependencies: ["RawNetSim", "RawNetCore", "RawNetWire"]),
        .testTarget(name: "RawNetPlatformTests", dependencies: ["RawNetPlatform"]),
        .testTarget(name: "RawNetContractsTests", dependencies: ["RawNetContracts", "RawNetCore", "RawNetWire", "RawNetJSON"]),
        .testTarget(name: "RawNetLabModelTests", dependencies: ["RawNetLabModel", "RawNetLab", "RawNetContracts", "RawNetWire"]),
        .testTarget(name: "RawNetLabTests", dependencies: [
            "RawNetLab", "RawNetLabModel", "RawNetContracts", "RawNetTestSupport", "RawNetCore", "RawNetWire", "RawNetPlatform",
            "RawNetSocket",
        ]),
        .testTarget(name: "RawNetSocketTests", dependencies: ["RawNetSocket", "RawNetContracts", "RawNetWire"]),
        .testTarget(name: "RawNetBenchPlatformTests", dependencies: ["RawNetBenchPlatform"]),
        .testTarget(name: "RawNetDaemonTests", dependencies: [
            "RawNetDaemon", "RawNetContracts", "RawNetLabModel", "RawNetLab", "RawNetCore", "RawNetWire", "RawNetPlatform",
            "RawNetSocket", "RawNetSim", "RawNetTestSupport", "RawNetView",
        ]),
        .testTarget(name: "RawNetViewTests", dependencies: ["RawNetView", "RawNetCore", "RawNetWire"]),
        // Runs the built executables as a user would (and tshark on captures), for the
        // watch, tour and bench tests.
        .target(name: "RawNetTestSupport", dependencies: ["RawNetPlatform"], path: "Tests/RawNetTestSupport"),
        .testTarget(name: "RawNetWatchTests", dependencies: [
            "RawNetWatch", "RawNetTestSupport", "RawNetContracts", "RawNetLabModel", "RawNetLab", "RawNetCore", "RawNetWire", "RawNetSocket",
        ]),
        .testTarget(name: "RawNetTourTests", dependencies: ["RawNetTour", "RawNetView", "RawNetLab", "RawNetTestSupport"]),
        .testTarget(name: "RawNetBenchTests", dependencies: ["RawNetBench", "RawNetBenchPlatform", "RawNetTestSupport", "RawNetContracts", "RawNetLabModel", "RawNetDaemon", "RawNetLab", "RawNetPlatform", "RawNetWire"]),
        .testTarget(name: "RawNetAppsTests", dependencies: ["RawNetApps", "RawNetSocket", "RawNetWire"]),
        // The web view's pure parts, and the page in headless Chromium against a real lab.
        .testTarget(name: "RawNetWebTests", dependencies: [
            "RawNetWeb", "RawNetTestSupport", "RawNetCore", "RawNetWire", "RawNetLabModel", "RawNetContracts", "RawNetLab", "RawNetView",
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (Tests/Fuzz): only when RAWNET_FUZZ=1, so the normal build and `swift test`
// never see them; `scripts/fuzz` builds `rawnet-fuzz` with `-sanitize=fuzzer` (libFuzzer's
// `main`) in its own scratch path, .build-fuzz.
if Context.environment["RAWNET_FUZZ"] == "1" {
    package.products.append(.executable(name: "rawnet-fuzz", targets: ["rawnet-fuzz"]))
    package.targets.append(.executableTarget(
        name: "rawnet-fuzz",
        dependencies: ["RawNetWire", "RawNetJSON", "RawNetCore", "RawNetContracts", "RawNetLabModel", "RawNetLab", "RawNetApps"],
        path: "Tests/Fuzz/Harness"))
}
