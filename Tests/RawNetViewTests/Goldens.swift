/// Expected renderings of the scripted exchange and the single frames, checked by eye
/// against the frames the fixtures build (see Fixture.swift) and pinned here.
enum Goldens {
    static let exchangeTrace = """
    0.000 alice       • TCP event=cwnd conn=10.0.1.10:40000>10.0.2.20:7000 cwnd=14600 ssthresh=65535
    0.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 1 | TCP 40000 > 7000 [S] seq 1000 win 64240 len 0 [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7]
    1.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 1 | TCP 40000 > 7000 [S] seq 1000 win 64240 len 0 [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7]
    2.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 1 | TCP 7000 > 40000 [S.] seq 5000 ack 1001 win 65160 len 0 [mss 1460,sackOK,TS val 200 ecr 100,nop,wscale 7]
    3.000 alice:eth0  ← 00:01:01>00:0a:01 | IPv4 10.0.2.20 > 10.0.1.10 ttl 63 id 1 | TCP 7000 > 40000 [S.] seq 5000 ack 1001 win 65160 len 0 [mss 1460,sackOK,TS val 200 ecr 100,nop,wscale 7]
    4.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 2 | TCP 40000 > 7000 [.] seq 1001 ack 5001 win 65535 len 0
    5.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 2 | TCP 40000 > 7000 [.] seq 1001 ack 5001 win 65535 len 0
   10.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 3 | TCP 40000 > 7000 [P.] seq 1001:1007 ack 5001 win 65535 len 6
   11.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 3 | TCP 40000 > 7000 [P.] seq 1001:1007 ack 5001 win 65535 len 6
   12.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 2 | TCP 7000 > 40000 [.] seq 5001 ack 1007 win 65535 len 0
   13.000 alice:eth0  ← 00:01:01>00:0a:01 | IPv4 10.0.2.20 > 10.0.1.10 ttl 63 id 2 | TCP 7000 > 40000 [.] seq 5001 ack 1007 win 65535 len 0
   20.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 4 | TCP 40000 > 7000 [P.] seq 1007:1013 ack 5001 win 65535 len 6
   20.500 r1:eth1     · 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 4 | TCP 40000 > 7000 [P.] seq 1007:1013 ack 5001 win 65535 len 6 ✗ DROPPED (injected loss)
   21.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 5 | TCP 40000 > 7000 [P.] seq 1013:1019 ack 5001 win 65535 len 6
   22.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 5 | TCP 40000 > 7000 [P.] seq 1013:1019 ack 5001 win 65535 len 6
   23.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 3 | TCP 7000 > 40000 [.] seq 5001 ack 1007 win 65535 len 0 [nop,nop,sack 1 {1013:1019}]
   24.000 alice:eth0  ← 00:01:01>00:0a:01 | IPv4 10.0.2.20 > 10.0.1.10 ttl 63 id 3 | TCP 7000 > 40000 [.] seq 5001 ack 1007 win 65535 len 0 [nop,nop,sack 1 {1013:1019}]
   24.000 alice       • TCP event=cwnd conn=10.0.1.10:40000>10.0.2.20:7000 cwnd=17520 ssthresh=65535
  220.000 alice       • TCP event=retransmit conn=10.0.1.10:40000>10.0.2.20:7000 seq=1007 len=6 reason=timeout — the same bytes sent again
  220.000 alice       • TCP event=cwnd conn=10.0.1.10:40000>10.0.2.20:7000 cwnd=1460 ssthresh=8760
  220.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 6 | TCP 40000 > 7000 [P.] seq 1007:1013 ack 5001 win 65535 len 6
  221.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 6 | TCP 40000 > 7000 [P.] seq 1007:1013 ack 5001 win 65535 len 6
  222.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 4 | TCP 7000 > 40000 [.] seq 5001 ack 1019 win 65535 len 0
  223.000 alice:eth0  ← 00:01:01>00:0a:01 | IPv4 10.0.2.20 > 10.0.1.10 ttl 63 id 4 | TCP 7000 > 40000 [.] seq 5001 ack 1019 win 65535 len 0
  223.000 alice       • TCP event=cwnd conn=10.0.1.10:40000>10.0.2.20:7000 cwnd=2920 ssthresh=8760
  300.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 7 | TCP 40000 > 7000 [F.] seq 1019 ack 5001 win 65535 len 0
  301.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 7 | TCP 40000 > 7000 [F.] seq 1019 ack 5001 win 65535 len 0
  302.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 5 | TCP 7000 > 40000 [F.] seq 5001 ack 1020 win 65535 len 0
  303.000 alice:eth0  ← 00:01:01>00:0a:01 | IPv4 10.0.2.20 > 10.0.1.10 ttl 63 id 5 | TCP 7000 > 40000 [F.] seq 5001 ack 1020 win 65535 len 0
  304.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 8 | TCP 40000 > 7000 [.] seq 1020 ack 5002 win 65535 len 0
  304.000 alice       • TCP event=state conn=10.0.1.10:40000>10.0.2.20:7000 from=FIN_WAIT_2 to=TIME_WAIT — both sides closed: waiting out late segments
  305.000 bob:eth0    ← 00:01:02>00:0b:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 63 id 8 | TCP 40000 > 7000 [.] seq 1020 ack 5002 win 65535 len 0
"""

    static let otherFramesTrace = """
    0.000 alice:eth0  → 00:0a:01>broadcast | ARP who-has 10.0.1.1 tell 10.0.1.10
    0.400 alice:eth0  ← 00:01:01>00:0a:01 | ARP 10.0.1.1 is-at 02:00:00:00:01:01
    1.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 9 | UDP 5000 > 7001 len 7
    1.500 alice:eth0  · 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 9 | UDP 5000 > 7001 len 7 ~ delayed 50ms
    2.000 alice:eth0  → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 10 | ICMP echo request id 77 seq 3 len 32
    2.250 r1:eth0     → 00:01:01>00:0a:01 | IPv4 10.0.1.1 > 10.0.1.10 ttl 64 id 1 | ICMP time exceeded in transit (TTL 0) (for 10.0.1.10 > 10.0.2.20 UDP port 33434)
    3.000 bob:eth0    → 00:0b:01>00:01:02 | IPv4 10.0.2.20 > 10.0.1.10 ttl 64 id 6 | ICMP port unreachable (for 10.0.1.10 > 10.0.2.20 UDP port 7001)
    4.000 r1:eth1     · 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 3 | TCP 40000 > 7000 [P.] seq 1001:1007 ack 5001 win 65535 len 6 ~ corrupted byte 56 bit 2
    4.000 r1:eth1     → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 id 3 | TCP 40000 > 7000 [P.] seq 1001:1007 ack 5001 win 65535 len 6 ⚠ bad checksum (TCP)
    4.100 r1:eth1     → 00:0a:01>00:01:01 | IPv4 10.0.1.10 > 10.0.2.20 ttl 65 id 3 | TCP 40000 > 7000 [P.] seq 1001:1007 ack 5001 win 65535 len 6 ⚠ bad checksum (IPv4)
    4.200 r1:eth1     ← 00:0a:01>00:01:01 | undecoded 26 bytes ⚠ malformed: IPv4.totalLength: truncated, needs 46 bytes, 26 available
    4.300 r1:eth1     ← undecoded 2 bytes ⚠ malformed: Ethernet.header: truncated, needs 14 bytes, 2 available
    5.000 r1          # link eth1 down
"""

    static let ladder = """
 time (ms)  client alice 10.0.1.10:40000                 server bob 10.0.2.20:7000
            │                                            │
     0.000  │─ SYN seq=0 ───────────────────────────────▶│
     2.000  │◀───────────────────── SYN-ACK seq=0 ack=1 ─│
     4.000  │─ ACK seq=1 ack=1 ─────────────────────────▶│
    10.000  │─ DATA seq=1 ack=1 len=6 ──────────────────▶│
    12.000  │◀───────────────────────── ACK seq=1 ack=7 ─│
    20.000  │─ DATA seq=7 ack=1 len=6 ────✗              │  ✗ lost at r1:eth1 (injected loss)
    21.000  │─ DATA seq=13 ack=1 len=6 ─────────────────▶│
    23.000  │◀────────────── ACK seq=1 ack=7 SACK=13-19 ─│  duplicate ACK
   220.000  │─ DATA seq=7 ack=1 len=6 ──────────────────▶│  ↻ retransmission (timeout)
   222.000  │◀──────────────────────── ACK seq=1 ack=19 ─│
   300.000  │─ FIN-ACK seq=19 ack=1 ────────────────────▶│
   302.000  │◀──────────────────── FIN-ACK seq=1 ack=20 ─│
   304.000  │─ ACK seq=20 ack=2 ────────────────────────▶│
   304.000  │ alice enters TIME-WAIT                     │
            │                                            │
"""

    static let mermaid = """
sequenceDiagram
    participant C as client alice 10.0.1.10 port 40000
    participant S as server bob 10.0.2.20 port 7000
    C->>S: 0.000 ms SYN seq=0
    S->>C: 2.000 ms SYN-ACK seq=0 ack=1
    C->>S: 4.000 ms ACK seq=1 ack=1
    C->>S: 10.000 ms DATA seq=1 ack=1 len=6
    S->>C: 12.000 ms ACK seq=1 ack=7
    C-xS: 20.000 ms DATA seq=7 ack=1 len=6 (✗ lost at r1:eth1 (injected loss))
    C->>S: 21.000 ms DATA seq=13 ack=1 len=6
    S->>C: 23.000 ms ACK seq=1 ack=7 SACK=13-19 (duplicate ACK)
    C->>S: 220.000 ms DATA seq=7 ack=1 len=6 (↻ retransmission (timeout))
    S->>C: 222.000 ms ACK seq=1 ack=19
    C->>S: 300.000 ms FIN-ACK seq=19 ack=1
    S->>C: 302.000 ms FIN-ACK seq=1 ack=20
    C->>S: 304.000 ms ACK seq=20 ack=2
    Note over C: 304.000 ms alice enters TIME-WAIT
"""

    static let helloLayers = """
┌─ Ethernet II ─────────────────────────────────────────────────── 14 bytes ─┐
│ Destination       02:00:00:00:01:01                                        │
│ Source            02:00:00:00:0a:01                                        │
│ Type              0x0800 (IPv4)                                            │
└────────────────────────────────────────────────────────────────────────────┘
┌─ IPv4 ─────────────────────────────────────────────────── 20 bytes header ─┐
│ Version           4                                                        │
│ Header length     20 bytes (IHL 5)                                         │
│ DSCP / ECN        0 / 0                                                    │
│ Total length      46 bytes                                                 │
│ Identification    3 (0x0003)                                               │
│ Flags             DF don't fragment                                        │
│ Fragment offset   0 bytes                                                  │
│ Time to live      64 hops                                                  │
│ Protocol          6 (TCP)                                                  │
│ Header checksum   0x23aa ✓ verifies                                        │
│ Source            10.0.1.10                                                │
│ Destination       10.0.2.20                                                │
└────────────────────────────────────────────────────────────────────────────┘
┌─ TCP ──────────────────────────────────────────────────── 20 bytes header ─┐
│ Source port       40000                                                    │
│ Destination port  7000                                                     │
│ Sequence number   1001                                                     │
│ Acknowledgment    5001                                                     │
│ Header length     20 bytes (data offset 5)                                 │
│ Flags             ACK PSH [P.]                                             │
│ Window            65535, scale unknown (handshake not seen)                │
│ Checksum          0x85c2 ✓ verifies                                        │
│ Urgent pointer    0                                                        │
│ Options           none                                                     │
└────────────────────────────────────────────────────────────────────────────┘
┌─ Application data ─────────────────────────────────────────────── 6 bytes ─┐
│ Text: "hello⏎"                                                             │
│ 0000  68 65 6c 6c 6f 0a                                hello.              │
└────────────────────────────────────────────────────────────────────────────┘
"""

    static let helloEncapsulation = """
1. Application data: what the app hands to its socket                6 bytes
   ┌────────────┐
   │ "hello⏎"   │
   └────────────┘

2. TCP segment = TCP header 20 + data 6                             26 bytes
   ┌──────────┬────────────┐
   │ TCP 20   │ "hello⏎"   │
   └──────────┴────────────┘
   the TCP header adds: ports 40000 → 7000, seq 1001, ack 5001, flags [P.],
     window field 65535 (scale unknown)

3. IP packet = IPv4 header 20 + TCP segment 26                      46 bytes
   ┌───────────┬──────────┬────────────┐
   │ IPv4 20   │ TCP 20   │ "hello⏎"   │
   └───────────┴──────────┴────────────┘
   the IPv4 header adds: 10.0.1.10 → 10.0.2.20, TTL 64, id 3, protocol TCP

4. Ethernet frame = Ethernet header 14 + IP packet 46               60 bytes
   ┌───────────────┬───────────┬──────────┬────────────┐
   │ Ethernet 14   │ IPv4 20   │ TCP 20   │ "hello⏎"   │
   └───────────────┴───────────┴──────────┴────────────┘
   the Ethernet header adds: MAC 02:00:00:00:0a:01 → 02:00:00:00:01:01, type
     IPv4
"""
}
