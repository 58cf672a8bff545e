import Foundation
import WBShell

/// A test case (shared by the unit and end-to-end test targets) with a command executor over a fresh session: runs in `root/runs`, WB_HOME in `root/home`.
open class ExecutorTestCase: TemporaryFolderTestCase {
    public var executor: CommandExecutor!

    open override func setUpWithError() throws {
        try super.setUpWithError()
        executor = CommandExecutor(session: Session(runsRoot: root.appendingPathComponent("runs"), home: root.appendingPathComponent("home")))
    }

    /// Parses `line` and executes its commands in order; their outputs joined.
    @discardableResult
    public func run(_ line: String, context: ExecutionContext = ExecutionContext()) throws -> CellOutput {
        var output = CellOutput()
        for command in try Parser.parse(line) { output.append(contentsOf: try executor.execute(command, context: context)) }
        return output
    }
}
