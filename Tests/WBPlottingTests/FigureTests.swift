import XCTest
@testable import WBPlotting

final class FigureTests: XCTestCase {
    func testTitleIsKept() {
        XCTAssertEqual(Figure(title: "loss").title, "loss")
    }
}
