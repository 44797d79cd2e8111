import Foundation
@testable import RawNetBench

enum JSONDecoderHelper {
    static func decode(_ text: String) throws -> BenchReport {
        try JSONDecoder().decode(BenchReport.self, from: Data(text.utf8))
    }
}
