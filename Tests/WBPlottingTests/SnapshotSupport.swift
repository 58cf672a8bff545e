import Foundation
import XCTest

/// Compares `text` with `Snapshots/<name>` next to this file. `WB_UPDATE_SNAPSHOTS=1` re-records.
/// A missing snapshot is recorded and the test fails, so a new snapshot is always looked at once.
func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = dir.appendingPathComponent(name)
    let update = ProcessInfo.processInfo.environment["WB_UPDATE_SNAPSHOTS"] == "1"
    if update || !FileManager.default.fileExists(atPath: url.path) {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        if !update { XCTFail("recorded new snapshot \(name); review it and run again", file: file, line: line) }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("cannot read snapshot \(name)", file: file, line: line)
        return
    }
    if expected != text {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? min(a.count, b.count)
        let got = first < b.count ? String(b[first]) : "<end>"
        let want = first < a.count ? String(a[first]) : "<end>"
        XCTFail("snapshot \(name) differs at line \(first + 1):\n  want: \(want.prefix(200))\n  got:  \(got.prefix(200))\n(WB_UPDATE_SNAPSHOTS=1 re-records)",
                file: file, line: line)
    }
}
