import Foundation
import XCTest
import WBTestSupport
import WBNotebook
@testable import WBShell
@testable import WBTraining

/// Recording sessions to notebooks and replaying them.
final class NotebookShellTests: ShellRunnerTestCase {
    let tiny = "train p=23 d_model=32 d_mlp=128 epochs=200 name=nb"

    /// A runner whose session is recorded to `url`, cell by cell, as at the prompt.
    private func recordingRunner(to url: URL) throws -> ShellRunner {
        let runner = makeRunner()
        let recorder = try NotebookRecorder(url: url)
        runner.session.recorder = recorder
        runner.onLine = { try? recorder.record($0) }
        return runner
    }

    func testRecordingSavesEveryCellAndAppends() throws {
        let url = root.appendingPathComponent("Notebooks/study.wbnb")
        let runner = try recordingRunner(to: url)
        runner.run(line: "# # My study")
        XCTAssertEqual(try Notebook.read(from: url).cells.count, 1, "saved after the first cell")
        runner.run(line: tiny)
        runner.run(line: "plot loss; at 100")
        runner.run(line: "at epoch banana")
        let book = try Notebook.read(from: url)
        XCTAssertEqual(book.cells.map(\.kind), [.note, .command, .command, .command])
        XCTAssertEqual(book.cells[0].source, "# My study")
        XCTAssertEqual(book.title, "My study")
        XCTAssertEqual(book.cells[2].source, "plot loss; at 100")
        guard case .figure(let title, let svg, _) = book.cells[2].outputs[0] else { return XCTFail("a figure first") }
        XCTAssertEqual(title, "Loss — nb")
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(book.cells[2].outputs[1], .text("epoch 100: " + (book.cells[2].outputs[1].textValue.dropFirst(11))))
        guard case .error(let message) = book.cells[3].outputs.last else { return XCTFail("the error is recorded") }
        XCTAssertTrue(message.contains("expected an epoch"), message)
        XCTAssertNotNil(book.volatile[book.cells[1].id]?["seconds"], "wall time kept apart")
        // `save` moves the recording; reopening appends.
        runner.run(line: "save Notebooks/renamed.wbnb")
        let renamed = root.appendingPathComponent("Notebooks/renamed.wbnb")
        XCTAssertEqual(try Notebook.read(from: renamed).cells.count, 5)
        let again = try NotebookRecorder(url: renamed)
        XCTAssertEqual(again.notebook.cells.count, 5)
    }

    func testReplayIsByteIdenticalAndCheckFindsChanges() throws {
        let url = root.appendingPathComponent("replay.wbnb")
        try "# # Replay\n\(tiny)\nrange 0..200 step 100\nanalyze freq\nat 100; plot freq\ninfo\n".write(to: url, atomically: true, encoding: .utf8)
        let first = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions())
        XCTAssertNil(first.failedCell)
        try first.notebook.write(to: url)
        let second = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions())
        XCTAssertEqual(second.notebook.cells, first.notebook.cells, "a replay on the same inputs gives the same outputs")
        XCTAssertTrue(first.notebook.cells[5].outputs.contains(.text("run: nb (runs/nb)")) == false)
        var check = ReplayOptions()
        check.check = true
        XCTAssertEqual(NotebookReplayer(runner: makeRunner()).replay(second.notebook, options: check).differences, [])
        // A recorded output that no longer matches is reported with the cell and what changed.
        var edited = second.notebook
        edited.cells[1].outputs = [.text("nb: finished at epoch 200: train loss 9.999e-01")]
        let differences = NotebookReplayer(runner: makeRunner()).replay(edited, options: check).differences
        XCTAssertEqual(differences.count, 1)
        XCTAssertTrue(differences[0].hasPrefix("cell 2 `\(tiny)`: output 1: "), differences[0])
        // --set overrides train cells.
        var set = ReplayOptions()
        set.overrides = ["wd=0.5", "name=nb-wd"]
        let overridden = NotebookReplayer(runner: makeRunner()).replay(second.notebook, options: set)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/nb-wd/config.json").path))
        XCTAssertNil(overridden.failedCell)
    }

    /// On the kernels that recorded a cell its outputs must come back exactly; recorded elsewhere (or before wb recorded
    /// its kernels), numbers may drift within the tolerance, and the report says how far, without quoting figures.
    func testCheckIsExactOnTheSameKernelsAndMeasuresDriftAcrossKernels() throws {
        let url = root.appendingPathComponent("drift.wbnb")
        try "\(tiny)\nplot loss\n".write(to: url, atomically: true, encoding: .utf8)
        let recorded = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: url), options: ReplayOptions()).notebook
        let trainID = recorded.cells[0].id, plotID = recorded.cells[1].id
        XCTAssertEqual(recorded.volatile[trainID]?["numerics"], NumericPlatform.currentKernels, "each cell records its kernels")
        guard case .text(let summary) = recorded.cells[0].outputs[0] else { return XCTFail("a text output") }
        let loss = try XCTUnwrap(OutputComparison.tokens(summary).compactMap(Double.init).first { $0 < 10 && $0 != 200 })
        func nudged(by factor: Double) -> Notebook {
            var book = recorded
            let text = summary.replacingOccurrences(of: String(format: "%.3e", loss), with: String(format: "%.3e", loss * factor))
            XCTAssertNotEqual(text, summary)
            book.cells[0].outputs = [.text(text)]
            return book
        }
        var check = ReplayOptions()
        check.check = true
        // Same kernels: the last printed digit counts.
        let exact = NotebookReplayer(runner: makeRunner()).replay(nudged(by: 1.001), options: check)
        XCTAssertEqual(exact.differences.count, 1, "\(exact.differences)")
        XCTAssertEqual(exact.otherPlatforms, [])
        // Other kernels: a 0.1 % move passes and is reported; a 3× move fails.
        var elsewhere = nudged(by: 1.001)
        elsewhere.volatile[trainID]?["numerics"] = "x86_64/openblas-0.3.21/SkylakeX/unpinned"
        elsewhere.volatile[plotID]?["numerics"] = nil
        let drifted = NotebookReplayer(runner: makeRunner()).replay(elsewhere, options: check)
        XCTAssertEqual(drifted.differences, [])
        XCTAssertEqual(drifted.otherPlatforms, ["x86_64/openblas-0.3.21/SkylakeX/unpinned",
                                                "an unrecorded platform (made before wb recorded its kernels)"])
        XCTAssertEqual(drifted.drifts.count, 1, "\(drifted.drifts)")
        XCTAssertTrue(drifted.drifts[0].hasPrefix("cell 1 `\(tiny)`: 1 of "), drifted.drifts[0])
        XCTAssertTrue(drifted.drifts[0].range(of: #"\(0\.\d+ %\)$"#, options: .regularExpression) != nil, drifted.drifts[0])
        var far = nudged(by: 3)
        far.volatile[trainID]?["numerics"] = "elsewhere"
        let failed = NotebookReplayer(runner: makeRunner()).replay(far, options: check)
        XCTAssertEqual(failed.differences.count, 1)
        XCTAssertTrue(failed.differences[0].contains("more than the drift tolerance 50 %"), failed.differences[0])
        // A figure drawn from other data is counted, never dumped; one with another title fails.
        var figure = recorded
        figure.volatile[plotID]?["numerics"] = "elsewhere"
        guard case .figure(let title, let svg, _) = recorded.cells[1].outputs[0] else { return XCTFail("a figure") }
        figure.cells[1].outputs = [.figure(title: title, svg: svg + "<g>1 2 3</g>")]
        let redrawn = NotebookReplayer(runner: makeRunner()).replay(figure, options: check)
        XCTAssertEqual(redrawn.differences, [])
        XCTAssertEqual(redrawn.drifts, ["cell 2 `plot loss`: 1 figure redrawn from other data"])
        figure.cells[1].outputs = [.figure(title: "Accuracy", svg: svg)]
        let retitled = NotebookReplayer(runner: makeRunner()).replay(figure, options: check)
        XCTAssertEqual(retitled.differences.count, 1)
        XCTAssertFalse(retitled.differences[0].contains("<svg"), retitled.differences[0])
    }

    /// An unnamed session goes to the working folder's Notebooks/, except in a checkout of wb (whose Notebooks/ is the
    /// shipped set), and to $WB_HOME/notebooks when there is no Notebooks/.
    func testSessionsAreNeverRecordedIntoTheShippedNotebooks() throws {
        let home = root.appendingPathComponent("home"), work = root.appendingPathComponent("work")
        let manager = FileManager.default
        try manager.createDirectory(at: work, withIntermediateDirectories: true)
        func folder() -> String { NotebookRecorder.sessionURL(home: home, workingFolder: work).deletingLastPathComponent().path }
        XCTAssertEqual(folder(), home.appendingPathComponent("notebooks").path)
        try manager.createDirectory(at: work.appendingPathComponent("Notebooks"), withIntermediateDirectories: true)
        XCTAssertEqual(folder(), work.appendingPathComponent("Notebooks").path)
        try "// swift-tools-version:6.0\n".write(to: work.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try manager.createDirectory(at: work.appendingPathComponent("Sources/WBShell"), withIntermediateDirectories: true)
        XCTAssertEqual(folder(), home.appendingPathComponent("notebooks").path, "a checkout of wb keeps its Notebooks/ shipped")
        XCTAssertTrue(NotebookRecorder.sessionURL(home: home, workingFolder: work).lastPathComponent.hasPrefix("session-"))
    }

    /// `export` at the prompt writes the session's notebook as it stands; in a replay, the notebook being replayed.
    func testExportWritesTheSessionsNotebook() throws {
        let url = root.appendingPathComponent("Notebooks/study.wbnb")
        let runner = try recordingRunner(to: url)
        runner.run(line: "# # Exported study")
        runner.run(line: tiny)
        XCTAssertEqual(runner.run(line: "export"), .ok)
        let html = try String(contentsOf: root.appendingPathComponent("Notebooks/study.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Exported study"), html)
        XCTAssertTrue(html.contains("name=nb"), html)
        XCTAssertEqual(runner.run(line: "export to report.ipynb"), .ok)
        let ipynb = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("report.ipynb"))) as? [String: Any]
        XCTAssertEqual(ipynb?["nbformat"] as? Int, 4)
        XCTAssertEqual((ipynb?["cells"] as? [Any])?.count, 3, "the note, train and the first export, as the notebook stood")
        let book = try Notebook.read(from: url)
        XCTAssertEqual(book.cells.last?.outputs, [.text("wrote report.ipynb (3 cells)")])
        XCTAssertThrowsError(try Parser.parse("export to report.pdf")) { error in
            XCTAssertTrue("\(error)".contains("FILE.html (one self-contained page) or FILE.ipynb (Jupyter), not 'report.pdf'"), "\(error)")
        }
        XCTAssertEqual(try Parser.parse("export to Notebooks/r.html"), [.export(path: "Notebooks/r.html")])
        XCTAssertEqual(try Parser.parse("EXPORT"), [.export(path: nil)])
        let completion = Completion(runNames: { [] }, templateNames: { [] }, analysisNames: { [] })
        XCTAssertEqual(completion.complete(line: "exp", word: "exp"), ["export"])
        XCTAssertEqual(completion.complete(line: "export ", word: ""), ["to"])
        let unrecorded = makeRunner()
        XCTAssertEqual(unrecorded.run(line: "export"), .failed)
        // Replayed, `export` writes the notebook being replayed, next to it.
        let replayed = root.appendingPathComponent("replayed.wbnb")
        try "# # Replayed\n\(tiny)\nexport\n".write(to: replayed, atomically: true, encoding: .utf8)
        let result = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: replayed), options: ReplayOptions(), from: replayed)
        XCTAssertNil(result.failedCell)
        let report = try String(contentsOf: root.appendingPathComponent("replayed.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("Replayed"), report)
    }

    /// `plot loss; export to r.html` typed as one line: the report holds the plot (the commands before `export` on its
    /// line), though the line's cell is recorded only when the line ends. At the prompt and in a replay.
    func testExportOnTheLineOfAPlotIncludesThePlot() throws {
        let url = root.appendingPathComponent("Notebooks/line.wbnb")
        let runner = try recordingRunner(to: url)
        runner.run(line: tiny)
        XCTAssertEqual(runner.run(line: "plot loss; export to r.html"), .ok)
        let html = try String(contentsOf: root.appendingPathComponent("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<figcaption>Loss — nb</figcaption>"), "the plot typed before export on its line is in the report")
        let book = try Notebook.read(from: url)
        XCTAssertEqual(book.cells.last?.source, "plot loss; export to r.html")
        XCTAssertEqual(book.cells.last?.outputs.last, .text("wrote r.html (2 cells)"))
        XCTAssertNil(runner.session.lineInProgress, "cleared when the line ends")
        let replayed = root.appendingPathComponent("replayed-line.wbnb")
        try "\(tiny)\nplot acc; export to replayed-line.html\n".write(to: replayed, atomically: true, encoding: .utf8)
        let result = NotebookReplayer(runner: makeRunner()).replay(try Notebook.read(from: replayed), options: ReplayOptions(), from: replayed)
        XCTAssertNil(result.failedCell)
        let report = try String(contentsOf: root.appendingPathComponent("replayed-line.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("<figcaption>Accuracy — nb</figcaption>"), "in a replay too")
    }

    func testReplayCannotWriteOutsideItsFolders() throws {
        let runner = makeRunner()
        runner.session.writeRoots = [root, runner.session.home]
        let book = try Notebook.parse("\(tiny)\nplot loss to /tmp/../etc/wb-escape.svg\n")
        let result = NotebookReplayer(runner: runner).replay(book, options: ReplayOptions())
        XCTAssertEqual(result.failedCell, 2)
        guard case .error(let message) = result.notebook.cells[1].outputs.last else { return XCTFail("refused") }
        XCTAssertTrue(message.contains("outside the working folder and $WB_HOME"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/wb-escape.svg"))
    }
}

private extension NotebookOutput {
    var textValue: String { if case .text(let s) = self { return s } else { return "" } }
}

/// The notebooks shipped in Notebooks/ read and write back byte for byte, and hold outputs from a replay.
final class ShippedNotebookTests: XCTestCase {
    /// The shipped set, by name (a session recorded into Notebooks/ is not one of them).
    static let shipped = ["grokking.wbnb", "nanda2023.wbnb", "quickstart.wbnb", "grokfast.wbnb", "operations.wbnb", "sweep.wbnb",
                          "literature.wbnb", "llc.wbnb"]

    func testShippedNotebooksRoundTrip() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        for name in Self.shipped {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let notebook = try Notebook.parse(text, path: name)
            XCTAssertEqual(notebook.serialized(), text, "\(name) round-trips")
            XCTAssertNotNil(notebook.title, name)
            for cell in notebook.cells where cell.kind == .command {
                XCTAssertNoThrow(try Parser.parse(cell.source), "\(name): \(cell.source)")
            }
        }
        let grokking = try Notebook.read(from: folder.appendingPathComponent("grokking.wbnb"))
        let train = try XCTUnwrap(grokking.cells.first { $0.source.hasPrefix("train ") })
        XCTAssertEqual(train.outputs.count, 1)
        guard case .text(let summary) = train.outputs[0] else { return XCTFail("a text output") }
        XCTAssertTrue(summary.contains("accuracy 100.0% train / 100.0% test"), "the shipped outputs show a model that grokked: \(summary)")
        XCTAssertGreaterThanOrEqual(grokking.cells.flatMap(\.outputs).filter { if case .figure = $0 { return true } else { return false } }.count, 8)
    }

    /// The recorded `compare` tables of the Grokfast and operations notebooks: every run reached 95 % test accuracy, and
    /// the notes quote the epochs the table shows.
    func testGrokfastAndOperationsNotebooksRecordTheirMilestones() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        for (name, runs) in [("grokfast.wbnb", ["demo-1700", "demo-grokfast-ema"]),
                             ("operations.wbnb", ["ops-add", "ops-sub", "ops-mul", "ops-div", "ops-x2y2"])] {
            let notebook = try Notebook.read(from: folder.appendingPathComponent(name))
            let compare = try XCTUnwrap(notebook.cells.first { $0.source.hasPrefix("compare ") }, name)
            let table = compare.outputs.compactMap { output -> String? in if case .text(let t) = output { return t } else { return nil } }
                .joined(separator: "\n")
            let notes = notebook.cells.filter { $0.kind != .command }.map(\.source).joined(separator: "\n")
            for run in runs {
                let row = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix(run + " ") }, "\(name): \(run) in \(table)")
                let columns = row.split(separator: " ").map(String.init)
                // run, task words…, train 99 %, test 50 %, test 95 %, test 99 %, final loss: the 95 % epoch is 3rd from last.
                let epoch95 = columns[columns.count - 3]
                XCTAssertNotNil(Int(epoch95), "\(name): \(run) reached 95 % test accuracy: \(row)")
                XCTAssertTrue(notes.contains(Self.thousands(epoch95)), "\(name): the notes quote \(run)'s 95 % epoch \(epoch95)")
            }
        }
    }

    /// The literature notebook's recorded `compare` tables: the notes quote each run's 95 % epoch, or say it never got
    /// there, and the two softmax-collapse charts were recorded.
    func testLiteratureNotebookQuotesItsMilestones() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        let notebook = try Notebook.read(from: folder.appendingPathComponent("literature.wbnb"))
        let notes = notebook.cells.filter { $0.kind != .command }.map(\.source).joined(separator: "\n")
        let tables = notebook.cells.filter { $0.source.hasPrefix("compare ") }.flatMap(\.outputs)
            .compactMap { output -> String? in if case .text(let t) = output { return t } else { return nil } }.joined(separator: "\n")
        for run in ["lit-adam", "lit-adam-grokfast", "lit-adamw", "lit-adamw-grokfast", "lit-ce", "lit-orthograd", "lit-stablemax"] {
            let row = try XCTUnwrap(tables.split(separator: "\n").first { $0.hasPrefix(run + " ") }, "\(run) in \(tables)")
            let columns = row.split(separator: " ").map(String.init)
            let epoch95 = columns[columns.count - 3]
            if Int(epoch95) != nil {
                XCTAssertTrue(notes.contains("\(run)") && notes.contains(Self.thousands(epoch95)),
                              "the notes quote \(run)'s 95 % epoch \(epoch95)")
            } else {
                XCTAssertTrue(notes.contains("\(run)") && notes.contains("never"), "the notes say \(run) never reached 95 %")
            }
        }
        let collapse = notebook.cells.filter { $0.source == "plot collapse" }
        XCTAssertEqual(collapse.count, 2)
        for cell in collapse {
            guard case .figure(let title, _, _) = try XCTUnwrap(cell.outputs.first) else { return XCTFail("a figure") }
            XCTAssertTrue(title.hasPrefix("Softmax collapse — lit-"), title)
        }
    }

    /// The LLC notebook's recorded table shows what its notes say: λ̂ rises while the model memorises and falls while it
    /// groks, and the notes quote the peak and the last value.
    func testLLCNotebookShowsTheRiseAndFallItsNotesQuote() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        let notebook = try Notebook.read(from: folder.appendingPathComponent("llc.wbnb"))
        let cell = try XCTUnwrap(notebook.cells.first { $0.source == "analyze llc" })
        let table = cell.outputs.compactMap { output -> String? in if case .text(let t) = output { return t } else { return nil } }
            .joined(separator: "\n")
        var values: [(epoch: Int, llc: Double)] = []
        for line in table.split(separator: "\n") {
            let columns = line.split(separator: " ")
            if columns.count >= 5, let epoch = Int(columns[0]), columns[1] == "all", let llc = Double(columns[3]) { values.append((epoch, llc)) }
        }
        XCTAssertEqual(values.count, 31)
        let peak = try XCTUnwrap(values.max { $0.llc < $1.llc })
        XCTAssertLessThanOrEqual(peak.epoch, 500, "the peak comes with memorisation")
        XCTAssertGreaterThan(peak.llc, 5 * values[0].llc)
        XCTAssertLessThan(values.last!.llc, peak.llc / 3, "λ̂ falls as the model groks")
        let notes = notebook.cells.filter { $0.kind != .command }.map(\.source).joined(separator: "\n")
        XCTAssertTrue(notes.contains(String(format: "%.0f at epoch %d", peak.llc, peak.epoch)), "the notes quote the peak \(peak)")
        XCTAssertTrue(notes.contains(String(format: "to %.0f at", values.last!.llc)), "the notes quote the last value \(values.last!.llc)")
    }

    /// The recorded phase diagram of the sweep notebook draws its never cells in a colour of their own (a vermillion
    /// fill and legend swatch), not as markers: the 6 cells its note names (frac 0.5 at every wd, wd 0.3 below frac 0.9).
    func testSweepNotebookDrawsNeverAsAColor() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Notebooks").standardizedFileURL
        let notebook = try Notebook.read(from: folder.appendingPathComponent("sweep.wbnb"))
        let phase = try XCTUnwrap(notebook.cells.first { $0.source == "plot sweep frac wd" })
        guard case .figure(_, let svg, _) = try XCTUnwrap(phase.outputs.first) else { return XCTFail("a figure") }
        let never = "#d55e00"
        XCTAssertTrue(svg.contains("height=\"10\" fill=\"\(never)\"/>"), "the legend's swatch")
        XCTAssertTrue(svg.contains(">never (not within the epochs)<"))
        XCTAssertFalse(svg.contains("class=\"pts\""), "no markers")
        // The cells: one path of rectangles `Mx yhWv1h-Wz` in cell units.
        let marker = "<path fill=\"\(never)\" d=\""
        let path = try XCTUnwrap(svg.components(separatedBy: marker).dropFirst().first?.prefix { $0 != "\"" })
        let widths = path.split(separator: "z").compactMap { rect in rect.split(separator: "h").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) } }
        XCTAssertEqual(widths.reduce(0, +), 6, "never cells: \(path)")
    }

    /// 1509 → "1,509" (notes write numbers with thousands separators).
    static func thousands(_ digits: String) -> String {
        guard let value = Int(digits), value >= 1000 else { return digits }
        return "\(value / 1000),\(String(format: "%03d", value % 1000))"
    }
}
