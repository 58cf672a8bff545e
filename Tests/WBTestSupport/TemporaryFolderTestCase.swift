import Foundation
import XCTest

/// A test case with a fresh empty folder, `root`, made before each test and removed after it (shared by the test targets).
open class TemporaryFolderTestCase: XCTestCase {
    public var root: URL!

    open override func setUpWithError() throws {
        try super.setUpWithError()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wb-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    open override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
        try super.tearDownWithError()
    }
}
