import XCTest
import WBTraining
@testable import WBSweeps

/// Random spec texts built from the grammar's pieces and from arbitrary characters: the parser either returns a spec
/// whose point count is the product of its axes, or throws a `SweepError` with a message; it never traps or hangs.
final class SweepSpecFuzzTests: XCTestCase {
    static let inputs = 20_000

    func testParserNeverTrapsAndErrorsAreMessages() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["wd=", "frac=", "seeds=", "data_seeds=", "p=", "lr=", "template=", "jobs=", "on=", "step", "..", ",", " ",
                      "0", "1", "0.3", "1e-3", "-1", "40k", "\"", "'", "=", "slurm", "local", "--yes", "--print", "abc",
                      "sbatch=", "time=", "partition=", "999999999999", "0.1", "task=", "add", "mul", "é", "/", "name="]
        var parsed = 0, refused = 0
        for n in 0..<Self.inputs {
            var text = ""
            let length = Int.random(in: 0...14, using: &rng)
            for _ in 0..<length {
                if n % 4 == 0 {
                    text.append(Character(UnicodeScalar(UInt8.random(in: 32...126, using: &rng))))
                } else {
                    text += pieces.randomElement(using: &rng)!
                }
            }
            do {
                let spec = try SweepSpec.parse(name: "fuzz", text: text)
                XCTAssertEqual(spec.pointCount, spec.axes.reduce(1) { $0 * $1.values.count })
                XCTAssertLessThanOrEqual(spec.pointCount, SweepSpec.maximumPoints)
                for axis in spec.axes { XCTAssertGreaterThanOrEqual(axis.values.count, 2, text) }
                parsed += 1
            } catch let error as SweepError {
                XCTAssertFalse(error.description.isEmpty)
                refused += 1
            } catch {
                XCTFail("\(text): not a SweepError: \(error)")
            }
        }
        XCTAssertEqual(parsed + refused, Self.inputs)
        XCTAssertGreaterThan(parsed, 100, "the fuzzer should also make valid specs")
        XCTAssertGreaterThan(refused, 100)
    }
}
