import XCTest
@testable import WBTraining

final class ConfigTests: XCTestCase {
    func testDefaultsAreThePapers() throws {
        let c = TrainingConfig()
        XCTAssertEqual([c.p, c.dModel, c.heads, c.dMLP, c.warmup, c.epochs, c.dataSeed], [113, 128, 4, 512, 10, 40_000, 0])
        XCTAssertEqual([c.frac, c.lr, c.wd, c.beta1, c.beta2, c.eps], [0.3, 1e-3, 1.0, 0.9, 0.98, 1e-8])
        XCTAssertNoThrow(try c.validate())
        XCTAssertEqual(c.checkpointEpochs().count, 401)
        XCTAssertEqual(c.checkpointEpochs().prefix(3), [0, 100, 200])
        XCTAssertEqual(c.checkpointEpochs().last, 40_000)
    }

    func testWarmupScheduleMatchesLambdaLR() {
        let c = TrainingConfig()
        XCTAssertEqual(c.learningRate(atEpoch: 0), 0)
        XCTAssertEqual(c.learningRate(atEpoch: 1), 1e-4, accuracy: 1e-18)
        XCTAssertEqual(c.learningRate(atEpoch: 9), 9e-4, accuracy: 1e-18)
        XCTAssertEqual(c.learningRate(atEpoch: 10), 1e-3)
        XCTAssertEqual(c.learningRate(atEpoch: 5000), 1e-3)
    }

    func testAssignmentsAcceptPromptNumbers() throws {
        let c = try TrainingConfig().applying(["p=23", "epochs=40k", "lr=3e-3", "frac=0.5", "d_mlp=1_024", "name=my-run",
                                               "checkpoints=0..1000 step 100, 1500"])
        XCTAssertEqual(c.p, 23); XCTAssertEqual(c.epochs, 40_000); XCTAssertEqual(c.lr, 3e-3); XCTAssertEqual(c.dMLP, 1024)
        XCTAssertEqual(c.checkpointEpochs().suffix(3), [1000, 1500, 40_000])
    }

    func testBadValuesNameKeyValueAndWhatIsAllowed() {
        let cases: [(String, String)] = [
            ("p=100", "p=100 is not allowed: a prime number in 3...257"),
            ("p=2", "a prime number in 3...257"),
            ("frac=1.5", "frac=1.5 is not allowed: a fraction strictly between 0 and 1"),
            ("heads=3", "heads=3 is not allowed: a whole number ≥ 1 that divides d_model=128"),
            ("lr=abc", "lr=abc is not allowed: a number"),
            ("epochs=-5", "epochs=-5 is not allowed"),
            ("name=../x", "name=../x is not allowed"),
            ("checkpoints=0..100 step 0", "the step must be a whole number ≥ 1"),
            ("checkpoints=0..50000 step 100", "50000 is beyond"),
            ("beta2=1", "beta2=1.0 is not allowed: a number in [0, 1)"),
        ]
        for (assignment, expected) in cases {
            XCTAssertThrowsError(try TrainingConfig().applying([assignment]), assignment) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(assignment): \(error)")
            }
        }
        XCTAssertThrowsError(try TrainingConfig().applying(["epoch=10"])) { error in
            XCTAssertTrue("\(error)".contains("unknown config key 'epoch'. Did you mean 'epochs'?"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingConfig().applying(["p"])) { error in
            XCTAssertTrue("\(error)".contains("'p' is not a key=value pair"), "\(error)")
        }
    }

    func testEpochSetParsing() throws {
        XCTAssertEqual(try EpochSet.parse("0..1000 step 250, 1500, 2k").epochs(), [0, 250, 500, 750, 1000, 1500, 2000])
        XCTAssertEqual(try EpochSet.parse("5..8").epochs(), [5, 6, 7, 8])
        XCTAssertEqual(try EpochSet.parse("0..10 step 4").epochs(), [0, 4, 8])
        XCTAssertEqual(try EpochSet.parse("0..1000 step 100, 1000..2000 step 500").description, "0..1000 step 100, 1000..2000 step 500")
        for bad in ["", "a..b", "10..5", "0..10 by 2", "1,,2", "-3"] {
            XCTAssertThrowsError(try EpochSet.parse(bad), bad)
        }
        XCTAssertThrowsError(try EpochSet.parse("0..10M").epochs()) { XCTAssertTrue("\($0)".contains("at most")) }
    }

    func testTrajectoryHashIgnoresNameAndLength() throws {
        let a = try TrainingConfig().applying(["name=a", "epochs=100"])
        let b = try TrainingConfig().applying(["name=b", "epochs=200"])
        let c = try TrainingConfig().applying(["name=a", "epochs=100", "wd=0.5"])
        XCTAssertEqual(a.trajectoryHash, b.trajectoryHash)
        XCTAssertNotEqual(a.trajectoryHash, c.trajectoryHash)
    }
}
