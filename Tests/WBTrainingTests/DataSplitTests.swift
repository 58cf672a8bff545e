import Crypto
import XCTest
@testable import WBTraining

/// The split reproduces Python's `random.seed(0); random.shuffle(pairs)` (check values: `docs/numerics.md`).
final class DataSplitTests: XCTestCase {
    func testPaperSplitCheckValues() {
        let split = DataSplit.shuffled(p: 113, frac: 0.3, seed: 0)
        XCTAssertEqual(split.trainIndices.count, 3830)
        XCTAssertEqual(split.testIndices.count, 8939)
        let firstTrain = split.trainIndices.prefix(8).map { [$0 / 113, $0 % 113] }
        XCTAssertEqual(firstTrain, [[18, 34], [10, 83], [55, 28], [25, 51], [63, 65], [14, 104], [27, 56], [35, 77]])
        let firstTest = split.testIndices.prefix(8).map { [$0 / 113, $0 % 113] }
        XCTAssertEqual(firstTest, [[50, 67], [92, 107], [29, 14], [76, 53], [78, 80], [77, 58], [97, 1], [39, 59]])
        XCTAssertEqual(split.trainIndices.reduce(0, +), 24_672_933)
        let joined = split.trainIndices.map(String.init).joined(separator: ",")
        let sha = Insecure.SHA1.hash(data: Data(joined.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(sha, "32cdc2191321beee7d8302a7c51f4c054dc5b77d")
    }

    func testGoldenSplitIsPythonShuffleToo() throws {
        let initial = try Golden.initial()
        XCTAssertEqual(DataSplit.shuffled(p: 23, frac: 0.3, seed: 0).trainIndices, initial.trainIndices)
    }

    func testExplicitSplitRejectsBadIndices() {
        XCTAssertThrowsError(try DataSplit.explicit(p: 5, trainIndices: [0, 25])) { error in
            XCTAssertTrue("\(error)".contains("0..<25"), "\(error)")
        }
        XCTAssertThrowsError(try DataSplit.explicit(p: 5, trainIndices: [3, 3])) { error in
            XCTAssertTrue("\(error)".contains("3 repeats"), "\(error)")
        }
        XCTAssertEqual(try DataSplit.explicit(p: 3, trainIndices: [4, 0]).testIndices, [1, 2, 3, 5, 6, 7, 8])
    }

    func testMersenneTwisterMatchesCPython() {
        // random.seed(0); [random.getrandbits(32) for _ in range(3)] and random.random() in CPython 3.11.
        var rng = MersenneTwister(seed: 0)
        XCTAssertEqual([rng.next32(), rng.next32(), rng.next32()], [3_626_764_237, 1_654_615_998, 3_255_389_356])
        var again = MersenneTwister(seed: 0)
        XCTAssertEqual(again.nextDouble(), 0.8444218515250481)
    }
}
