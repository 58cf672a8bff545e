import Foundation
import WBShell

/// A test case whose working directory is `root` for the test (notebook paths are relative to it), with shell runners
/// over fresh sessions there: runs in `root/runs`, WB_HOME in `root/home`, displayed text collected in `shown`.
open class ShellRunnerTestCase: TemporaryFolderTestCase {
    private var previousDirectory: String!
    public var shown: [String] = []

    open override func setUpWithError() throws {
        try super.setUpWithError()
        previousDirectory = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(root.path)
    }

    open override func tearDownWithError() throws {
        FileManager.default.changeCurrentDirectoryPath(previousDirectory)
        try super.tearDownWithError()
    }

    /// A runner over a new session on `root`, not a terminal: plain text, standard output appended to `shown`.
    public func makeRunner() -> ShellRunner {
        let session = Session(runsRoot: root.appendingPathComponent("runs"), home: root.appendingPathComponent("home"))
        return ShellRunner(executor: CommandExecutor(session: session),
                           display: TerminalDisplay(interactive: false, color: false, out: { self.shown.append($0) }, err: { _ in }))
    }
}
