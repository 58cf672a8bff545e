import Foundation
import XCTest
import WBTestSupport

/// The shipped grokking notebook replays to its recorded outputs (exactly on the kernels that recorded it, within the
/// drift tolerance elsewhere). It reuses the run `Scripts/test` trains with the notebook's config
/// (`WB_GROKKING_RUNS`, the folder holding `grokking-demo`), so only the analyses, figures and dashboard are redone.
final class GrokkingNotebookCheckTests: TemporaryFolderTestCase {
    func testShippedGrokkingNotebookPassesItsCheck() throws {
        guard let runs = ProcessInfo.processInfo.environment["WB_GROKKING_RUNS"] else {
            throw XCTSkip("set WB_GROKKING_RUNS to a folder holding grokking-demo, trained with grokking.wbnb's config")
        }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks/grokking.wbnb")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: shipped, to: root.appendingPathComponent("Notebooks/grokking.wbnb"))
        let (status, out, err) = try wb(["run", "Notebooks/grokking.wbnb", "--check", "--runs", runs])
        XCTAssertEqual(status, 0, out + err)
        XCTAssertTrue(out.contains("check passed: every output of Notebooks/grokking.wbnb matches"), out + err)
        XCTAssertFalse(err.contains("train p=113") && out.contains("finished at epoch 3000 in"), "the run is reused, not retrained")
    }
}
