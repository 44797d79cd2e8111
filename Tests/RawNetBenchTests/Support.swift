import Foundation
@testable import RawNetBench

enum JSONDecoderHelper {
    static func decode(_ text: String) throws -> BenchReport {
        try BenchReport(json: Data(text.utf8))
    }
}
