import Foundation
import WBTestSupport
@testable import WBShell

/// A test case with a command executor over a fresh session: runs in `root/runs`, WB_HOME in `root/home`.
class ExecutorTestCase: TemporaryFolderTestCase {
    var executor: CommandExecutor!

    override func setUpWithError() throws {
        try super.setUpWithError()
        executor = CommandExecutor(session: Session(runsRoot: root.appendingPathComponent("runs"), home: root.appendingPathComponent("home")))
    }

    /// Parses `line` and executes its commands in order; their outputs joined.
    @discardableResult
    func run(_ line: String, context: ExecutionContext = ExecutionContext()) throws -> CellOutput {
        var output = CellOutput()
        for command in try Parser.parse(line) { output.append(contentsOf: try executor.execute(command, context: context)) }
        return output
    }
}
