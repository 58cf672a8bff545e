import Foundation
import XCTest
@testable import WBKernel

/// `ParentWatch`: which front ends are watched and when one counts as gone.
final class ParentWatchTests: XCTestCase {
    func testNothingIsWatchedWithoutAFrontEndPid() {
        for environment in [[:], ["JPY_PARENT_PID": "1"], ["JPY_PARENT_PID": "0"], ["JPY_PARENT_PID": "a pid"]] {
            let watch = ParentWatch(environment: environment)
            XCTAssertNil(watch.frontEnd, "\(environment)")
            XCTAssertFalse(watch.frontEndIsGone, "\(environment)")
        }
    }

    func testALiveFrontEndIsNotGone() {
        let watch = ParentWatch(environment: ["JPY_PARENT_PID": " \(getppid()) "])
        XCTAssertEqual(watch.frontEnd, getppid())
        XCTAssertFalse(watch.frontEndIsGone)
    }

    func testAFrontEndThatExitedIsGone() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()   // exited and reaped: no process has its pid now
        let watch = ParentWatch(environment: ["JPY_PARENT_PID": "\(process.processIdentifier)"])
        XCTAssertTrue(watch.frontEndIsGone)
    }
}
