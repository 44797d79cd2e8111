import Glibc
import RawNetPlatform
import Testing

/// A daemon lets go of the code pages its start-up touched: they leave its resident size,
/// and the code it runs afterwards comes back from the page cache.
@Suite struct CodeResidencyTests {
    /// Kilobytes of file-backed pages this process has resident (`RssFile` in /proc/self/status).
    static func residentFileKilobytes() throws -> Int {
        let status = String(decoding: try FileSystem.readBytes(at: "/proc/self/status"), as: UTF8.self)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test func releasingCode_shrinksTheResidentFilePages_andTheProcessRunsOn() throws {
        let before = try Self.residentFileKilobytes()
        let advised = CodeResidency.releaseUnusedCode()
        let after = try Self.residentFileKilobytes()
        #expect(advised > 1 << 20, "the program's and libraries' code mappings were advised: \(advised) bytes")
        #expect(after < before, "resident file pages \(before) kB before, \(after) kB after")
        // Code runs on: a little of everything, faulted back in.
        var numbers = (0..<10_000).map { ($0 * 7919) % 10_007 }
        numbers.sort()
        #expect(numbers.first == 0 && numbers.count == 10_000)
        #expect("\(numbers[5])".count >= 1)
        print("code residency: \(before) kB of file pages resident before, \(after) kB after, \(advised >> 10) kB advised")
    }
}
