import ArgumentParser
import RawNetApps
import RawNetContracts
import RawNetDaemon
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// The error for an app started on a node the lab does not have, naming the hosts it has.
func noSuchHost(_ host: String, topology: Topology) -> UsageFailure {
    UsageFailure(topology.noNodeMessage(host, kind: .host))
}

/// The error for an app started on a router or switch: "'r1' is a router; apps run on
/// hosts (hosts: alice, bob)".
func notAHost(_ node: TopologyNode, topology: Topology) -> UsageFailure {
    let hosts = topology.nodes.filter { $0.kind == .host }.map(\.name)
    return UsageFailure("'\(node.name)' is a \(node.kind.rawValue); apps run on hosts (hosts: \(hosts.joined(separator: ", ")))")
}

/// Connects to a host of the located lab and resolves DEST (a node name or an address).
func openHost(_ host: String, destination: String, labOption: LabOption, app: String) throws
    -> (HostConnection, IPv4Address) {
    let located = try labOption.locate()
    let topology = try located.topology()
    guard let node = topology.node(named: host) else {
        throw noSuchHost(host, topology: topology)
    }
    guard node.kind == .host else { throw notAHost(node, topology: topology) }
    let connection: HostConnection
    do {
        connection = try HostConnection(runDirectory: located.runDirectory, host: host, appName: app)
    } catch {
        throw Failure("\(error)")
    }
    return (connection, try resolveDestination(destination, topology: topology, connection: connection,
                                               runDirectory: located.runDirectory))
}

struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Send ICMP echo requests from a host, like ping.", usage: "rawnet ping <host> <destination> [<options>]")

    @Argument(help: "The host to ping from.") var host: String
    @Argument(help: "A name (bob, bob.lab, resolved by the lab's DNS when it has one), a node name or an IPv4 address.") var destination: String
    @Option(name: .short, help: ArgumentHelp("Stop after N requests (default: 4; given -w and no -c, ping runs until the deadline). With -w: after N replies, sending more while some go unanswered, as Linux's ping.", valueName: "count")) var count: Int?
    @Option(name: .short, help: ArgumentHelp("Seconds between requests.", valueName: "seconds")) var interval: Double = 1
    @Option(name: .customShort("W"), help: ArgumentHelp("Seconds to wait for the last reply (default: 2, or 4 when nothing has answered, so a neighbour that never answers ARP ends in Destination Host Unreachable).", valueName: "seconds")) var wait: Double?
    @Option(name: .customShort("w"), help: ArgumentHelp("Deadline: stop after this many seconds, whatever the count (earlier at -c's replies, or at an ICMP error).", valueName: "seconds")) var deadline: Double?
    @Option(name: .short, help: ArgumentHelp("Data bytes per request.", valueName: "bytes")) var size: Int = 56
    @Option(name: .short, help: ArgumentHelp("TTL of the requests.", valueName: "ttl")) var ttl: UInt8?
    @Flag(name: .short, help: "Quiet: only the first line and the statistics.") var quiet = false
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard count.map({ $0 > 0 }) ?? true else { throw ValidationError("-c needs a positive count") }
        guard interval > 0 else { throw ValidationError("-i needs positive seconds") }
        guard wait.map({ $0 > 0 }) ?? true else { throw ValidationError("-W needs positive seconds") }
        guard deadline.map({ $0 > 0 }) ?? true else { throw ValidationError("-w needs positive seconds") }
        guard (0...65_000).contains(size) else { throw ValidationError("-s must be 0-65000") }
    }

    func run() throws {
        let (connection, address) = try openHost(host, destination: destination, labOption: labOption, app: "ping")
        var ping = Ping(destination: address, destinationName: destination)
        // As Linux's ping, -w without -c pings until the deadline; without either, 4 requests.
        ping.count = count ?? (deadline == nil ? 4 : nil)
        ping.interval = .milliseconds(Int64(interval * 1000))
        ping.deadline = deadline.map { .milliseconds(Int64($0 * 1000)) }
        if let wait {
            ping.lastReplyTimeout = .milliseconds(Int64(wait * 1000))
        } else {
            ping.silentTimeout = .seconds(4)   // the ARP cache gives up after 3 s
        }
        ping.payloadSize = size
        ping.timeToLive = ttl
        ping.isQuiet = quiet
        // Ctrl-C ends the pinging, not the process: the statistics follow, as with ping.
        let interrupt = InterruptFlag()
        let summary: PingSummary
        do {
            summary = try ping.run(on: connection, output: { print($0); Terminal.flushStandardOutput() },
                                   shouldStop: { interrupt.isSet })
        } catch {
            throw Failure("ping: \(error)")
        }
        let status = ping.exitStatus(summary)
        if status != 0 { throw ExitCode(status) }
    }
}

struct TracerouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traceroute", abstract: "Show the routers on the path from a host, like traceroute (UDP probes).", usage: "rawnet traceroute <host> <destination> [<options>]")

    @Argument(help: "The host to trace from.") var host: String
    @Argument(help: "A name (bob, bob.lab, resolved by the lab's DNS when it has one), a node name or an IPv4 address.") var destination: String
    @Option(name: .short, help: ArgumentHelp("Most hops to try.", valueName: "hops")) var maxHops: Int = 30
    @Option(name: .short, help: ArgumentHelp("Probes per hop.", valueName: "probes")) var queries: Int = 3
    @Option(name: .short, help: ArgumentHelp("Seconds to wait for each probe's answer.", valueName: "seconds")) var wait: Double = 2
    @Flag(name: .short, help: "Print addresses only: no reverse (PTR) lookup of each hop.") var numeric = false
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard (1...255).contains(maxHops) else { throw ValidationError("-m must be 1-255") }
        guard (1...10).contains(queries) else { throw ValidationError("-q must be 1-10") }
        guard wait > 0 else { throw ValidationError("-w needs positive seconds") }
    }

    func run() throws {
        let (connection, address) = try openHost(host, destination: destination, labOption: labOption, app: "traceroute")
        var traceroute = Traceroute(destination: address, destinationName: destination)
        traceroute.maximumHops = maxHops
        traceroute.probesPerHop = queries
        traceroute.probeTimeout = .milliseconds(Int64(wait * 1000))
        if !numeric, let resolver = try labResolver(for: connection, labOption: labOption) {
            // As Linux traceroute: each hop named by its PTR record; one try of a second at most.
            resolver.attempts = 1
            resolver.timeout = .seconds(1)
            traceroute.nameBudget = resolver.timeout
            traceroute.nameOf = { resolver.name(of: $0) }
        }
        do {
            _ = try traceroute.run(on: connection) { print($0) }
        } catch {
            throw Failure("traceroute: \(error)")
        }
    }
}

/// Set by Ctrl-C (SIGINT) instead of the process ending, for commands that
/// finish their work and report first. Checking it polls the signal pipe.
final class InterruptFlag {
    private let loop: EventLoop?
    private var interrupted = false

    init() {
        loop = try? EventLoop()
        try? loop?.onSignal(SignalNumber.interrupt) { [unowned self] _ in self.interrupted = true }
    }

    var isSet: Bool {
        if !interrupted { try? loop?.runOnce(timeout: .zero) }
        return interrupted
    }
}
