import RawNetContracts
import RawNetLabModel
import RawNetPlatform

extension LabSupervisor {
    /// What `attach` did.
    public struct AttachReport: Sendable {
        public var node: TopologyNode
        public var namespace: String
        /// The bridge process (`rawnetd linux NODE`), recorded in `NODE.pid`.
        public var pid: Int32
        /// Cabled interfaces whose seqpacket cable was not up when `attach` returned
        /// (the peer daemon is down, say); they connect once the peer is back.
        public var unconnected: [String]
    }

    /// Joins the linux node `nodeName` of the running lab `labName` to the lab
    /// (root only): creates its network namespace `rawnet-LAB.NODE` (recorded
    /// in `NODE.netns`), switches IPv6 off there (the lab is IPv4), starts the
    /// bridge process (`rawnetd linux NODE`, a TAP device per interface inside
    /// the namespace, `NODE.pid`, `NODE.ctl`), then gives each device the
    /// topology's MAC, address and MTU, brings it up and adds the routes.
    /// On any failure everything made so far is removed again.
    public func attach(node nodeName: String, labName: String, readyTimeout: Duration = .seconds(10))
        throws(LabError) -> AttachReport {
        let fail = { (reason: String) -> LabError in .attachFailed(node: nodeName, reason: reason) }
        guard Processes.isRoot else {
            throw fail("attaching needs root (it creates a network namespace and a TAP device); run it with sudo")
        }
        let runDirectory = try trustedRunDirectory(labName: labName)
        let paths = SocketPaths(runDirectory: runDirectory.path)
        let topology: Topology
        do { topology = try LabConfig.load(path: paths.labConfigFile) } catch {
            throw fail("lab '\(labName)' is not running (\(error))")
        }
        guard let node = topology.node(named: nodeName) else {
            throw fail(topology.noNodeMessage(nodeName))
        }
        guard node.kind == .linux else {
            throw fail("it is a \(node.kind.rawValue), run by a RawNet daemon; only nodes of kind linux are attached")
        }
        let namespace = LinuxNamespaces.name(lab: labName, node: nodeName)
        if case .daemon(let pid) = Self.nodeProcess(node: nodeName, in: runDirectory) {
            throw fail("it is attached already (bridge pid \(pid), namespace \(namespace)); `rawnet down` ends the lab")
        }
        // A record left by a bridge that died: that namespace is ours, start afresh.
        if let old = LinuxNamespaces.recorded(node: nodeName, paths: paths), old == namespace {
            if let problem = LinuxNamespaces.remove(old, record: paths.namespaceRecord(node: nodeName)) {
                throw fail("cannot remove the namespace of an earlier attach: \(problem)")
            }
        }
        if LinuxNamespaces.exists(namespace) {
            throw fail("a network namespace named '\(namespace)' exists and this lab did not record it as its own; "
                       + "it is left alone (remove it with `ip netns delete \(namespace)` if it is stale)")
        }

        try LinuxNamespaces.check(["netns", "add", namespace], node: nodeName)
        var bridge: Int32?
        func undo() {
            if let bridge {
                try? Processes.kill(bridge, signal: SignalNumber.kill)
                _ = try? Processes.reap(bridge)
            }
            _ = LinuxNamespaces.remove(namespace, record: paths.namespaceRecord(node: nodeName))
            try? FileSystem.removeFile(at: paths.pidFile(node: nodeName))
        }
        do throws(LabError) {
            do {
                try FileSystem.writeBytes(Array((namespace + "\n").utf8), to: paths.namespaceRecord(node: nodeName))
            } catch {
                // Not recorded, so `down` would not remove it: remove it now.
                _ = try? LinuxNamespaces.ip(["netns", "delete", namespace])
                throw fail("cannot record the namespace: \(error)")
            }
            // The lab is IPv4 only: no router solicitations or MLD reports on its wires.
            _ = try? LinuxNamespaces.ip(["netns", "exec", namespace, "sysctl", "-q", "-w",
                                         "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"])
            try LinuxNamespaces.check(["-n", namespace, "link", "set", "dev", "lo", "up"], node: nodeName)

            do {
                bridge = try Processes.spawn(executable: daemonExecutable,
                                             arguments: [NodeKind.linux.rawValue, nodeName, "--run-dir", runDirectory.path],
                                             logPath: paths.logFile(node: nodeName))
            } catch {
                throw fail("cannot start the bridge (\(daemonExecutable)): \(error)")
            }
            _ = try waitForBridge(bridge!, node: nodeName, paths: paths, timeout: readyTimeout)
            for interface in node.interfaces {
                try LinuxNamespaces.check(["-n", namespace, "link", "set", "dev", interface.name,
                                           "address", interface.macAddress.description,
                                           "mtu", String(interface.mtu), "up"], node: nodeName)
                try LinuxNamespaces.check(["-n", namespace, "address", "add", interface.address.description,
                                           "dev", interface.name], node: nodeName)
            }
            if let gateway = node.gateway {
                try LinuxNamespaces.check(["-n", namespace, "route", "add", "default", "via", gateway.description],
                                          node: nodeName)
            }
            for route in node.routes {
                let destination = route.destination.length == 0 ? "default" : route.destination.description
                try LinuxNamespaces.check(["-n", namespace, "route", "add", destination,
                                           "via", route.nextHop.description], node: nodeName)
            }
        } catch {
            undo()
            throw error
        }
        let unconnected = waitForCables(node: nodeName, paths: paths, timeout: .seconds(3))
        return AttachReport(node: node, namespace: namespace, pid: bridge!, unconnected: unconnected)
    }

    /// Waits until the bridge answers `status` (its TAP devices exist by then).
    private func waitForBridge(_ pid: Int32, node: String, paths: SocketPaths, timeout: Duration)
        throws(LabError) -> NodeStatus {
        let deadline = MonotonicClock.now() + timeout.nanoseconds
        while true {
            if !Processes.isAlive(pid) || ((try? Processes.reap(pid)) ?? nil) != nil {
                throw .attachFailed(node: node, reason: "the bridge exited while starting; the end of its log:\n"
                                    + logTail(paths.logFile(node: node)))
            }
            if let status = bridgeStatus(node: node, paths: paths) { return status }
            if MonotonicClock.now() > deadline {
                throw .attachFailed(node: node, reason: "the bridge did not answer on \(paths.control(node: node)) in time")
            }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
    }

    private func bridgeStatus(node: String, paths: SocketPaths) -> NodeStatus? {
        guard let client = try? ControlClient(path: paths.control(node: node)),
              let answer = try? client.request(ControlRequest(command: "status"), timeout: .milliseconds(500)),
              answer.ok else { return nil }
        return try? answer.result?.decode(NodeStatus.self)
    }

    /// The cabled interfaces whose seqpacket cable is still not up after `timeout`.
    private func waitForCables(node: String, paths: SocketPaths, timeout: Duration) -> [String] {
        let deadline = MonotonicClock.now() + timeout.nanoseconds
        while true {
            let waiting = bridgeStatus(node: node, paths: paths).map { status in
                status.interfaces.filter { $0.peer != nil && $0.isLinkConnected == false }.map(\.name)
            } ?? []
            if waiting.isEmpty || MonotonicClock.now() > deadline { return waiting }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
    }
}
