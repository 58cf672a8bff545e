import Foundation
import WBTestSupport
import XCTest
import WBNotebook
import WBPlotting
import WBAnalysis
@testable import WBShell
@testable import WBTraining

/// `dashboard` at the prompt: parsing, the dashboard of the cursor's checkpoint, cursor moves while it is shown,
/// `dashboard over` (limits, warnings, the recorded block), and redrawing in place at a terminal.
final class DashboardShellTests: ExecutorTestCase {
    func dashboards(_ output: CellOutput) -> [Dashboard] {
        output.blocks.compactMap { if case .dashboard(let d) = $0 { return d } else { return nil } }
    }

    func testParsing() throws {
        XCTAssertEqual(try Parser.parse("dashboard"), [.dashboard(DashboardRequest())])
        XCTAssertEqual(try Parser.parse("dash"), [.dashboard(DashboardRequest())])
        XCTAssertEqual(try Parser.parse("dashboard neurons 3,17, 40"), [.dashboard(DashboardRequest(neurons: [3, 17, 40]))])
        XCTAssertEqual(try Parser.parse("dashboard live"), [.dashboard(DashboardRequest(mode: .live))])
        XCTAssertEqual(try Parser.parse("dashboard at 1.5k"), [.dashboard(DashboardRequest(mode: .at(1500)))])
        XCTAssertEqual(try Parser.parse("dash at epoch 200 neurons 4"), [.dashboard(DashboardRequest(mode: .at(200), neurons: [4]))])
        XCTAssertEqual(try Parser.parse("DASH live neurons 5"), [.dashboard(DashboardRequest(mode: .live, neurons: [5]))])
        XCTAssertEqual(try Parser.parse("dashboard over range"), [.dashboard(DashboardRequest(mode: .over(.selection)))])
        XCTAssertEqual(try Parser.parse("dashboard over all neurons 1,2"), [.dashboard(DashboardRequest(mode: .over(.all), neurons: [1, 2]))])
        XCTAssertEqual(try Parser.parse("dashboard over 0..3000 step 100, 4000 neurons 7"),
                       [.dashboard(DashboardRequest(mode: .over(.epochs(try EpochSet.parse("0..3000 step 100, 4000"))), neurons: [7]))])
        let completion = Completion(runNames: { [] }, templateNames: { [] }, analysisNames: { [] })
        XCTAssertEqual(completion.complete(line: "das", word: "das"), ["dashboard"])
        XCTAssertEqual(completion.complete(line: "dashboard ", word: ""), ["at", "live", "neurons", "over"])
        XCTAssertEqual(completion.complete(line: "dash o", word: "o"), ["over"])
        XCTAssertEqual(completion.complete(line: "dashboard over ", word: ""), ["all", "range"])
        XCTAssertEqual(completion.complete(line: "dashboard over r", word: "r"), ["range"])
        func refused(_ line: String, _ message: String) {
            XCTAssertThrowsError(try Parser.parse(line), line) { XCTAssertTrue("\($0)".contains(message), "\(line): \($0)") }
        }
        refused("dashboard lve", "`dashboard` takes at N, live, over SELECTION or neurons N,M, not 'lve'. Did you mean 'live'?")
        refused("dashboard at", "expected `dashboard at N` with an epoch (e.g. dashboard at 1500)")
        refused("dashboard at x", "expected `dashboard at N` with an epoch")
        refused("dashboard over", "expected what to go over: `dashboard over range`")
        refused("dashboard over 0..x", "expected A..B with whole numbers")
        refused("dashboard neurons", "expected neuron numbers after `neurons`")
        refused("dashboard neurons a", "expected neuron numbers (e.g. neurons 3,17), not 'a'")
        refused("dashboard neurons 1,2,3,4,5,6,7", "at most 6 neurons fit on the dashboard")
        refused("dashboard live 3", "`dashboard live` takes only `neurons N,M` after it")
    }

    func testTheDashboardOfTheCursorAndMovesWhileItIsShown() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=300 name=d")
        XCTAssertThrowsError(try run("dashboard neurons 128")) { XCTAssertEqual("\($0)", "neuron 128 does not exist: this model has neurons 0…127") }
        let first = try XCTUnwrap(dashboards(try run("at 200; dashboard")).first)
        XCTAssertEqual(first.epoch, 200)
        XCTAssertEqual(first.position, 3)
        XCTAssertEqual(first.checkpointCount, 4)
        let metrics = try XCTUnwrap(executor.session.run?.metrics(at: 200))
        XCTAssertEqual(first.numbers.trainLoss, metrics.trainLoss)
        XCTAssertEqual(first.numbers.testAccuracy, metrics.testAccuracy)
        XCTAssertNotNil(first.numbers.restrictedLoss, "progress measures ran")
        XCTAssertNotNil(first.numbers.clusteredShare)
        XCTAssertEqual(first.frequencyNorms.count, 11)
        XCTAssertEqual(first.neurons.count, 3)
        XCTAssertEqual(first.neurons[0].values.count, 23 * 23)
        XCTAssertEqual(first.curves.epochs.count, 301)

        // While shown, a cursor move shows the dashboard at the new checkpoint, with the same neurons, instead of the
        // cursor line.
        let next = try run("next")
        XCTAssertEqual(next.blocks.count, 1)
        let moved = try XCTUnwrap(dashboards(next).first)
        XCTAssertEqual(moved.epoch, 300)
        XCTAssertEqual(moved.neurons.map(\.neuron), first.neurons.map(\.neuron))
        XCTAssertEqual(try run("next").plainText, "already at the last checkpoint (300)", "no move, no dashboard")
        let at = try run("at 160")
        XCTAssertEqual(at.plainText, "epoch 160 has no checkpoint; at 200, the nearest")
        XCTAssertEqual(dashboards(at).first?.epoch, 200)
        // Any other command ends it.
        _ = try run("info")
        XCTAssertTrue(dashboards(try run("prev")).isEmpty)

        // `dashboard at N` moves the cursor first, keeping only the note about a missing checkpoint.
        let atOutput = try run("dashboard at 140")
        XCTAssertEqual(atOutput.plainText, "epoch 140 has no checkpoint; at 100, the nearest")
        XCTAssertEqual(dashboards(atOutput).first?.epoch, 100)
        XCTAssertEqual(executor.session.epoch, 100)
        XCTAssertEqual(try run("dashboard at 300").blocks.count, 1)

        let chosen = try XCTUnwrap(dashboards(try run("dashboard neurons 5, 9")).first)
        XCTAssertEqual(chosen.neurons.map(\.neuron), [5, 9])
        XCTAssertEqual(dashboards(try run("first")).first?.neurons.map(\.neuron), [5, 9])
        _ = try run("last")
        // In a notebook it is one figure with every panel.
        let recorded = NotebookRecorder.outputs(try run("dashboard"), error: nil)
        guard case .figure(let title, let svg, _) = recorded[0] else { return XCTFail("\(recorded)") }
        XCTAssertEqual(title, "Dashboard — d at epoch 300 (checkpoint 4 of 4)")
        XCTAssertTrue(svg.contains(">Loss</text>") && svg.contains(">Embedding frequencies</text>") && svg.contains("class=\"tip\""))
    }

    func testDashboardOverRecordsEveryCheckpointOnce() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=300 name=o")
        let output = try run("dashboard over 0..400 step 100 neurons 1,2")
        XCTAssertTrue(output.plainText.contains("warning: 1 of these epochs have no checkpoint (400); they are skipped"), output.plainText)
        XCTAssertTrue(output.plainText.contains("dashboard over 4 checkpoints of o (epochs 0, 100, 200, 300), neurons 1, 2"), output.plainText)
        guard case .dashboardSeries(let series) = output.blocks.last else { return XCTFail("no series") }
        XCTAssertEqual(series.epochs, [0, 100, 200, 300])
        XCTAssertTrue(series.frames.allSatisfy { $0.neurons.map(\.neuron) == [1, 2] })
        XCTAssertTrue(output.figures.isEmpty, "nothing to draw at the terminal")

        let recorded = NotebookRecorder.outputs(output, error: nil)
        guard case .dashboard(let dashboard) = recorded.last else { return XCTFail("\(recorded)") }
        XCTAssertEqual(dashboard.title, "Dashboard — o, 4 checkpoints")
        XCTAssertEqual(dashboard.frames.map(\.epoch), [0, 100, 200, 300])
        XCTAssertEqual(dashboard.shared.components(separatedBy: "<g class=\"wbi\"").count - 1, 4, "one indicator per frame")
        XCTAssertFalse(dashboard.frames[0].svg.contains(">Loss</text>"), "the loss chart is drawn once, in the shared part")
        XCTAssertTrue(dashboard.frames[2].svg.contains("o at epoch 200"))
        // The notebook round-trips it.
        let notebook = Notebook(cells: [NotebookCell(id: "c1", kind: .command, source: "dashboard over range", outputs: recorded)])
        XCTAssertEqual(try Notebook.parse(notebook.serialized()), notebook)

        // Without a selection `over range` is every checkpoint; with one, the selected ones.
        _ = try run("range 100..300 step 200")
        guard case .dashboardSeries(let selected) = try run("dashboard over range").blocks.last else { return XCTFail() }
        XCTAssertEqual(selected.epochs, [100, 300])
        guard case .dashboardSeries(let all) = try run("dashboard over all").blocks.last else { return XCTFail() }
        XCTAssertEqual(all.epochs, [0, 100, 200, 300])
        XCTAssertThrowsError(try run("dashboard over 50..60")) {
            XCTAssertEqual("\($0)", "none of the epochs 50..60 has a checkpoint (checkpoints: 0, 100, 200, 300)")
        }
    }

    func testTooManyCheckpointsAreRefusedWithACoarserStep() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=210 checkpoints=\"0..210 step 1\" name=many")
        XCTAssertThrowsError(try run("dashboard over all")) {
            XCTAssertEqual("\($0)", "a dashboard over 211 checkpoints is more than one report holds (at most 200). "
                + "Choose a coarser step, e.g. `dashboard over 0..210 step 2`")
        }
        guard case .dashboardSeries(let series) = try run("dashboard over 0..210 step 2").blocks.last else { return XCTFail() }
        XCTAssertEqual(series.frames.count, 106)
        XCTAssertEqual(CommandExecutor.coarserStep(first: 0, last: 40_000, limit: 200), 500)
        XCTAssertEqual(CommandExecutor.coarserStep(first: 1000, last: 2000, limit: 200), 10)
    }

    func testTheDisplayRedrawsADashboardInPlace() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=200 name=r")
        var written: [String] = []
        let display = TerminalDisplay(interactive: true, color: false, out: { written.append($0) }, err: { _ in })
        display.size = { (120, 40) }
        display.inputEntered()
        display.show(try run("dashboard"))
        let height = written[0].split(separator: "\n").count
        XCTAssertEqual(height, 38, "the terminal's height, less the command line and the prompt")
        XCTAssertFalse(written[0].contains("\u{1B}["), "the first one is printed as is")
        display.inputEntered()
        display.show(try run("prev"))
        XCTAssertTrue(written[1].hasPrefix("\u{1B}[\(height + 1)A\r\u{1B}[J"), "up over the dashboard and the command line")
        XCTAssertTrue(written[1].contains("Dashboard — r at epoch 100"))
        // After other output, or two lines typed, it is printed below instead.
        display.line("something else")
        display.inputEntered()
        display.show(try run("dashboard"))
        XCTAssertFalse(written[3].hasPrefix("\u{1B}["))
        display.inputEntered()
        display.inputEntered()
        display.show(try run("next"))
        XCTAssertFalse(written[4].hasPrefix("\u{1B}["))
        // A terminal too small says how large it must be.
        display.size = { (80, 12) }
        display.show(try run("dashboard"))
        XCTAssertTrue(written.last!.contains("warning: the dashboard needs a terminal of at least 96×23 (or 40×"), written.last!)
        XCTAssertTrue(written.last!.contains("this one is 80×12"), written.last!)
    }

    func testLiveViewStepsAndSaysWhenItComputes() throws {
        var loads: [Int] = []
        let curves = SampleData.run(name: "v", count: 20, every: 50)
        let view = LiveDashboardView(epochs: [0, 100, 200, 300], start: 180) { epoch in
            loads.append(epoch)
            if epoch == 300 { throw ShellError("checkpoint 300 cannot be read") }
            return Dashboard(run: "v", epoch: epoch, numbers: DashboardNumbers(trainLoss: 1), curves: curves)
        }
        XCTAssertEqual(view.epoch, 200, "starts at the checkpoint nearest the cursor")
        try view.prepare()
        XCTAssertEqual(view.frame(columns: 100, rows: 30, colorMode: .none).first, "Dashboard — v at epoch 200")
        XCTAssertNil(view.refreshInterval, "nothing to build")
        XCTAssertTrue(view.handle(.left([])))
        // A checkpoint not built yet: first a frame saying so (the old dashboard stays), then the new one.
        XCTAssertNotNil(view.refreshInterval)
        var lines = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertEqual(lines.first, "Dashboard — v at epoch 200")
        XCTAssertTrue(lines.last!.hasPrefix("computing epoch 100"), lines.last!)
        lines = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertEqual(lines.first, "Dashboard — v at epoch 100")
        XCTAssertEqual(lines.last, "checkpoint 2 of 4 · ←/→ step · PgUp/PgDn 10 · Home/End · z/x zoom (1×) · r whole run · q leaves")
        XCTAssertEqual(loads, [200, 100])
        // Built ones come from memory.
        _ = view.handle(.right([]))
        XCTAssertEqual(view.frame(columns: 100, rows: 30, colorMode: .none).first, "Dashboard — v at epoch 200")
        XCTAssertEqual(loads, [200, 100])
        // A failure is shown in the footer, and not retried on every frame.
        _ = view.handle(.end)
        _ = view.frame(columns: 100, rows: 30, colorMode: .none)
        lines = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertEqual(lines.last, "epoch 300: checkpoint 300 cannot be read")
        XCTAssertNil(view.refreshInterval)
        _ = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertEqual(loads, [200, 100, 300])
        _ = view.handle(.home)
        XCTAssertEqual(view.epoch, 0)
        _ = view.handle(.pageDown)
        XCTAssertEqual(view.epoch, 300)
        XCTAssertTrue(view.handle(.character("y")), "other keys are ignored")
        // Too small a window says so; the keys that leave.
        XCTAssertTrue(view.frame(columns: 50, rows: 20, colorMode: .none).joined(separator: " ").contains("the dashboard needs a terminal"))
        for key in [Key.character("q"), .escape, .enter, .interrupt] { XCTAssertFalse(view.handle(key)) }
    }

    /// z zooms the loss chart in around the shown checkpoint, x out, r back to the whole run; the window follows the
    /// checkpoints and the loss chart's title and the footer name the zoom.
    func testLiveViewZoomsTheLossChart() throws {
        let curves = SampleData.run(name: "v", count: 61, every: 50)
        let view = LiveDashboardView(epochs: Array(stride(from: 0, through: 3000, by: 500)), start: 1000) { epoch in
            Dashboard(run: "v", epoch: epoch, numbers: DashboardNumbers(trainLoss: 1), curves: curves)
        }
        try view.prepare()
        XCTAssertEqual(view.zoom.window, 0...3000)
        for key in "zz" { XCTAssertTrue(view.handle(.character(key))) }
        XCTAssertEqual(view.zoom.window, 625...1375, "a quarter of the run around epoch 1000")
        var lines = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertTrue(lines.contains { $0.contains("Loss — epochs 625–1,375 (zoom 4×)") }, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.last, "checkpoint 3 of 7 · ←/→ step · PgUp/PgDn 10 · Home/End · z/x zoom (4×) · r whole run · q leaves")
        let axis = try XCTUnwrap(lines.firstIndex { $0.contains("epoch") && $0.trimmingCharacters(in: .whitespaces) == "epoch" })
        XCTAssertTrue(lines[axis - 1].contains("800") && !lines[axis - 1].contains("2000"), "the x axis runs over the window: \(lines[axis - 1])")
        _ = view.handle(.right([]))
        XCTAssertEqual(view.zoom.window, 750...1500, "the window follows the checkpoint")
        _ = view.handle(.character("x"))
        XCTAssertEqual(view.zoom.window, 750...2250)
        _ = view.handle(.character("r"))
        XCTAssertEqual(view.zoom.window, 0...3000)
        lines = view.frame(columns: 100, rows: 30, colorMode: .none)
        XCTAssertFalse(lines.contains { $0.contains("zoom 4×") || $0.contains("Loss — epochs") })
    }

    func testTheTrainingBlockSwitchesToTheDashboardOfTheLatestCheckpoint() throws {
        _ = try run("train p=23 d_model=32 d_mlp=128 epochs=300 name=tb")
        let folder = try XCTUnwrap(executor.session.run?.folder)
        var pipe: [Int32] = [0, 0]
        XCTAssertEqual(makePipe(&pipe), 0)
        defer { close(pipe[0]); close(pipe[1]) }
        var written: [String] = []
        var built: [Int] = []
        let view = TrainingProgressView(interactive: true, write: { written.append($0) }, keys: pipe[0]) { [executor] run, epoch in
            built.append(epoch)
            return try executor!.trainingDashboard(run, epoch: epoch)
        }
        view.size = { (120, 40) }
        let metrics = try XCTUnwrap(executor.session.run?.metrics.last)
        func progress(_ epoch: Int, saved: Int? = nil) -> TrainingProgress {
            var row = metrics
            row.epoch = epoch
            return TrainingProgress(epoch: epoch, targetEpochs: 1000, startEpoch: 0, latest: row, elapsedSeconds: 1,
                                    savedCheckpoint: saved, run: folder)
        }
        view.update(progress(301))
        XCTAssertTrue(written.last!.hasPrefix("epoch 301/1000"), written.last!)
        XCTAssertTrue(written.last!.contains("   d: dashboard\n"), "the key is named")
        // `d`: the dashboard of the newest checkpoint, at once.
        _ = "d".withCString { write(pipe[1], $0, 1) }
        view.update(progress(302))
        XCTAssertEqual(built, [300])
        XCTAssertTrue(written.last!.contains("   d: loss chart\nDashboard — tb at epoch 300 (checkpoint 4 of 4)\n"), written.last!)
        XCTAssertLessThanOrEqual(written.last!.split(separator: "\n").count, 39, "fits the window, so it can be redrawn in place")
        // A new checkpoint while it is shown: rebuilt; other updates reuse it.
        view.update(progress(303))
        XCTAssertEqual(built, [300])
        view.update(progress(400, saved: 200))
        XCTAssertEqual(built, [300, 200])
        XCTAssertTrue(written.last!.contains("Dashboard — tb at epoch 200"), written.last!)
        // `d` again: the loss chart; other keys do nothing.
        _ = "xd".withCString { write(pipe[1], $0, 2) }
        view.update(progress(401))
        XCTAssertTrue(written.last!.contains("   d: dashboard\n"), written.last!)
        XCTAssertFalse(written.last!.contains("Dashboard —"))
        view.finish()
        // Without keys (pipes, scripts) nothing changes.
        var plain: [String] = []
        let quiet = TrainingProgressView(interactive: false, write: { plain.append($0) })
        quiet.update(progress(10))
        XCTAssertFalse(plain.joined().contains("d: dashboard"))
    }
}

/// `pipe(2)` from whichever C library the platform has.
func makePipe(_ fds: inout [Int32]) -> Int32 {
    fds.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
}

/// The dashboard's λ̂ panel.
final class DashboardLLCTests: ExecutorTestCase {
    func dashboards(_ output: CellOutput) -> [Dashboard] {
        output.blocks.compactMap { if case .dashboard(let d) = $0 { return d } else { return nil } }
    }

    /// λ̂ where `analyze llc` estimated it with the run's defaults: a panel over the checkpoints with the cursor's epoch
    /// marked, and the number beside the others; nothing before any estimate. A replay shows only what it estimated.
    func testTheDashboardShowsTheLLCEstimatedWithTheRunsDefaults() throws {
        _ = try run("train p=23 d_model=16 heads=2 d_mlp=32 epochs=40 checkpoints=\"0..40 step 10\" name=lam")
        XCTAssertNil(try XCTUnwrap(dashboards(try run("dashboard")).first).llc)
        _ = try run("llc defaults llc_chains=2 llc_draws=20 llc_burnin=5")
        _ = try run("range 0..40 step 20")
        let analyzed = try run("analyze llc").plainText
        XCTAssertTrue(analyzed.hasPrefix("local learning coefficient of lam at 3 checkpoints"), analyzed)
        _ = try run("at epoch 20")
        let dashboard = try XCTUnwrap(dashboards(try run("dashboard")).first)
        let llc = try XCTUnwrap(dashboard.llc)
        XCTAssertEqual(llc.epochs, [0, 20, 40])
        let runner = try LLCRunner(run: try XCTUnwrap(executor.session.run).folder)
        let estimate = try XCTUnwrap(runner.cachedEstimates().first { $0.epoch == 20 })
        XCTAssertEqual(dashboard.numbers.llc, estimate.llc)
        XCTAssertEqual(llc.values[1], estimate.llc)
        XCTAssertTrue(dashboard.numbers.line(epoch: 20).contains(" · λ̂ " + String(format: "%.4g", estimate.llc!)), dashboard.numbers.line(epoch: 20))
        let figure = Figure.dashboard(dashboard)
        let panel = try XCTUnwrap(figure.panels.first { $0.title == "λ̂ (local learning coefficient)" })
        XCTAssertTrue(panel.marks.contains(.epochIndicator(x: 20, label: "epoch 20")), "\(panel.marks)")
        let screen = try DashboardTerminalLayout(width: 120, height: 40).render(dashboard).joined(separator: "\n")
        XCTAssertTrue(screen.contains("λ̂ (local learning"), screen)
        // A replay of the same run sees only the estimates it made or read itself.
        let replay = CommandExecutor(session: Session(runsRoot: root.appendingPathComponent("runs"), home: root.appendingPathComponent("home")))
        replay.session.restoresReusedRuns = true
        _ = try replay.execute(try Parser.parse("load lam")[0])
        XCTAssertNil(try XCTUnwrap(dashboards(try replay.execute(try Parser.parse("dashboard")[0])).first).llc)
        _ = try replay.execute(try Parser.parse("range 0..40 step 40")[0])
        _ = try replay.execute(try Parser.parse("plot llc")[0])
        XCTAssertEqual(try XCTUnwrap(dashboards(try replay.execute(try Parser.parse("dashboard")[0])).first).llc?.epochs, [0, 40])
    }
}
