import Foundation
import WBSupport
import WBNotebook
import WBShell
import WBTestSupport
import WBTraining
import XCTest
@testable import WBKernel

/// The one command loop behind every way in: the same lines typed at the prompt (`ShellRunner`), replayed from a
/// notebook (`NotebookReplayer`) and run as Jupyter cells (`CellRunner`) give the same outputs, message for message.
final class CommandLoopTests: ShellRunnerTestCase {
    /// Lines as a user types them: a short training run, text, a figure and a move on one line, another figure, and an
    /// error last (the replay stops there).
    static let lines = [
        "train p=11 d_model=16 d_mlp=32 heads=1 epochs=20 name=loop",
        "info",
        "plot loss; at 10",
        "plot freq",
        "frobnicate",
    ]

    /// The outputs of each line as Jupyter messages (type, content): what a front end would be sent.
    private typealias Messages = [[String]]

    private func messages(_ outputs: [NotebookOutput]) -> [String] {
        outputs.map { output in
            let jupyter = JupyterOutput(output)  // as the kernel sends it: with the PNG beside an SVG
            return jupyter.messageType + " " + Self.text(jupyter.content)
        }
    }

    private static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// Where two lists of messages first differ, shortly (nil when they are equal).
    private static func firstDifference(_ a: [String], _ b: [String]) -> String? {
        guard a != b else { return nil }
        guard a.count == b.count else { return "\(a.count) messages against \(b.count): \(a.map { $0.prefix(60) }) / \(b.map { $0.prefix(60) })" }
        let i = a.indices.first { a[$0] != b[$0] }!
        let x = Array(a[i]), y = Array(b[i])
        let at = x.indices.first { $0 >= y.count || x[$0] != y[$0] } ?? x.count
        return "message \(i + 1) differs at character \(at): …\(String(x[max(0, at - 80)..<min(x.count, at + 80)])) / …\(String(y[max(0, at - 80)..<min(y.count, at + 80)]))"
    }

    /// A fresh session whose runs live in `folder` (the working directory is `root`, so `export to` writes there).
    private func session(_ folder: String) -> Session {
        Session(runsRoot: root.appendingPathComponent(folder).appendingPathComponent("runs"),
                home: root.appendingPathComponent(folder).appendingPathComponent("home"))
    }

    func testThePromptANotebookReplayAndAKernelCellGiveTheSameOutputs() throws {
        // The prompt (as `wb -c` runs it): one recorded line per line.
        let terminal = ShellRunner(executor: CommandExecutor(session: session("terminal")),
                                   display: TerminalDisplay(interactive: false, color: false, out: { _ in }, err: { _ in }))
        var typed: Messages = []
        terminal.onLine = { typed.append(self.messages(NotebookRecorder.outputs($0.output, error: $0.error))) }
        for line in Self.lines { terminal.run(line: line) }

        // A notebook of those lines, replayed.
        let replayer = NotebookReplayer(runner: ShellRunner(executor: CommandExecutor(session: session("replay")),
                                                            display: TerminalDisplay(interactive: false, color: false,
                                                                                     out: { _ in }, err: { _ in })))
        var notebook = Notebook()
        for (i, line) in Self.lines.enumerated() { notebook.cells.append(NotebookCell(id: "c\(i + 1)", kind: .command, source: line)) }
        let replayed = replayer.replay(notebook, options: ReplayOptions())
        XCTAssertEqual(replayed.failedCell, Self.lines.count, "the replay stops at the error, the last cell")
        let fromReplay: Messages = replayed.notebook.cells.map { messages($0.outputs) }

        // Jupyter cells, one line each: the messages a front end receives, without the live display's (the progress
        // line and chart while training, which have a display_id).
        let kernel = CellRunner(executor: CommandExecutor(session: session("kernel")))
        var fromKernel: Messages = []
        for line in Self.lines {
            var sent: [String] = []
            _ = kernel.run(line, cancel: CancellationToken(), publish: { type, content in
                if case .object(let fields) = content, case .object(let transient)? = fields["transient"], !transient.isEmpty { return }
                if type == "update_display_data" { return }
                sent.append(type + " " + Self.text(content))
            })
            fromKernel.append(sent)
        }

        XCTAssertEqual(typed.count, Self.lines.count)
        XCTAssertTrue(typed.allSatisfy { !$0.isEmpty }, "every line shows something")
        XCTAssertTrue(typed[2].contains { $0.hasPrefix("display_data ") } && typed[3].contains { $0.hasPrefix("display_data ") })
        XCTAssertTrue(typed[4].first?.hasPrefix("error ") ?? false)
        for i in Self.lines.indices {
            XCTAssertEqual(Self.firstDifference(typed[i], fromReplay[i]), nil, "prompt and replay, line \(i + 1): \(Self.lines[i])")
            XCTAssertEqual(Self.firstDifference(typed[i], fromKernel[i]), nil, "prompt and kernel, line \(i + 1): \(Self.lines[i])")
        }
    }
}
