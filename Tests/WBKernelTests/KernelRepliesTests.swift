import Foundation
import WBShell
import XCTest
@testable import WBKernel

/// The replies that describe the language: completion with cursor positions, inspection, `is_complete`, history.
final class KernelRepliesTests: XCTestCase {
    let completion = Completion(runNames: { ["demo", "quickstart"] }, templateNames: { ["paper"] }, analysisNames: { ["freq"] })

    func testCompletionReplacesTheWordBeforeTheCursor() {
        let first = KernelReplies.complete(code: "tra", cursor: 3, completion: completion)
        XCTAssertEqual(first["matches"], ["train"])
        XCTAssertEqual(first["cursor_start"], 0)
        XCTAssertEqual(first["cursor_end"], 3)
        // On the second line of a cell, after a multi-byte character: positions count code points.
        let code = "# épreuve\nload qu"
        let second = KernelReplies.complete(code: code, cursor: code.unicodeScalars.count, completion: completion)
        XCTAssertEqual(second["matches"], ["quickstart"])
        XCTAssertEqual(second["cursor_start"], .int(code.unicodeScalars.count - 2))
        // The cursor in the middle of a line completes what is before it.
        let middle = KernelReplies.complete(code: "train wd=1 ep", cursor: 8, completion: completion)
        XCTAssertEqual(middle["matches"], ["wd="])
        XCTAssertEqual(middle["cursor_start"], 6)
        XCTAssertEqual(KernelReplies.complete(code: "info; ru", cursor: 8, completion: completion)["matches"], ["runs"])
        XCTAssertEqual(KernelReplies.complete(code: "x", cursor: 99, completion: completion)["cursor_end"], 1)
    }

    func testInspectGivesTheHelpOfTheWordUnderTheCursor() {
        let executor = CommandExecutor(session: Session())
        let range = KernelReplies.inspect(code: "range 1000..3000 step 100", cursor: 3, executor: executor)
        XCTAssertEqual(range["found"], true)
        XCTAssertTrue(range["data"]?["text/plain"]?.string?.hasPrefix("range ") ?? false)
        XCTAssertTrue(range["data"]?["text/plain"]?.string?.contains("example:") ?? false)
        let key = KernelReplies.inspect(code: "train frac=0.3", cursor: 8, executor: executor)
        XCTAssertTrue(key["data"]?["text/plain"]?.string?.contains("config key frac") ?? false)
        XCTAssertEqual(KernelReplies.inspect(code: "qqq", cursor: 1, executor: executor)["found"], false)
        XCTAssertEqual(KernelReplies.word(in: "plot freq", at: 9), "freq")
        XCTAssertEqual(KernelReplies.word(in: "plot freq", at: 4), "plot")
    }

    func testIsComplete() {
        XCTAssertEqual(KernelReplies.isComplete(code: "info\nwb> runs")["status"], "complete")
        XCTAssertEqual(KernelReplies.isComplete(code: "info\nbogus-command")["status"], "invalid")
        XCTAssertEqual(KernelReplies.isComplete(code: "")["status"], "complete")
    }

    func testHistoryTailRangeAndSearch() {
        var history = CellHistory()
        history.append(count: 1, input: "train p=23", output: "done\n")
        history.append(count: 2, input: "info", output: "run: x\n")
        history.append(count: 3, input: "train p=31", output: "")
        history.append(count: 4, input: "info", output: "run: y\n")
        XCTAssertEqual(history.reply(["hist_access_type": "tail", "n": 2])["history"], [[1, 3, "train p=31"], [1, 4, "info"]])
        XCTAssertEqual(history.reply(["hist_access_type": "range", "start": 2, "stop": 3])["history"], [[1, 2, "info"]])
        XCTAssertEqual(history.reply(["hist_access_type": "search", "pattern": "train*"])["history"],
                       [[1, 1, "train p=23"], [1, 3, "train p=31"]])
        XCTAssertEqual(history.reply(["hist_access_type": "search", "pattern": "in?o", "unique": true])["history"], [[1, 4, "info"]])
        XCTAssertEqual(history.reply(["hist_access_type": "tail", "n": 1, "output": true])["history"], [[1, 4, ["info", "run: y\n"]]])
        XCTAssertEqual(history.reply(["hist_access_type": "tail", "n": -3])["history"], [])
        XCTAssertTrue(CellHistory.glob("*a*b?", matches: "xxaxxbc"))
        XCTAssertFalse(CellHistory.glob("a*", matches: "ba"))
    }
}
