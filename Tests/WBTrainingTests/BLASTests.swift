import XCTest
@testable import WBTraining

final class BLASTests: XCTestCase {
    func testThreadCountCanBeSet() {
        BLASThreads.set(1)
        XCTAssertEqual(BLASThreads.current, 1)
        BLASThreads.set(2)
        XCTAssertEqual(BLASThreads.current, 2)
    }
}
