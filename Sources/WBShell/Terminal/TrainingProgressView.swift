import Foundation
import WBPlotting
import WBTraining

/// Shows training progress. On a terminal: one live block redrawn in place about twice a second (epoch / total, losses,
/// accuracies, epochs per second, ETA, and a braille chart of both losses so far). Otherwise: a plain line every few
/// seconds (pipes, logs, CI).
///
/// At the interactive prompt (`keys` given), `d` switches the block to the dashboard of the latest checkpoint and back;
/// the dashboard is rebuilt (through `dashboard`) whenever training saves a new checkpoint while it is shown. Keys are
/// read unechoed one at a time while training runs (`CbreakInput`; Ctrl-C still stops training).
public final class TrainingProgressView {
    private let interactive: Bool
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var drawnLines = 0
    private var epochs: [Int] = []
    private var trainLoss: [Double] = []
    private var testLoss: [Double] = []
    private var latest: TrainingProgress?
    /// Where keys come from (standard input at the prompt), and how to build a checkpoint's dashboard.
    private let keyInput: Int32?
    private let makeDashboard: ((RunFolder, Int) throws -> Dashboard)?
    private var keys: KeyReader?
    private var cbreak: CbreakInput?
    /// The window, for the dashboard (tests set a fixed one).
    public var size: () -> (columns: Int, rows: Int) = {
        let environment = TerminalEnvironment.detect(fd: STDERR_FILENO)
        return (environment.width, environment.height)
    }
    private var showingDashboard = false
    private var dashboard: Dashboard?
    private var dashboardProblem: String?
    private var latestCheckpoint: Int?

    public init(interactive: Bool = isatty(STDERR_FILENO) != 0, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                keys: Int32? = nil, dashboard: ((RunFolder, Int) throws -> Dashboard)? = nil) {
        self.interactive = interactive
        self.write = write
        keyInput = interactive && dashboard != nil ? keys : nil
        makeDashboard = dashboard
    }

    deinit { cbreak?.restore() }

    public func update(_ p: TrainingProgress) {
        epochs.append(p.latest.epoch)
        trainLoss.append(p.latest.trainLoss)
        testLoss.append(p.latest.testLoss)
        latest = p
        if let saved = p.savedCheckpoint { latestCheckpoint = saved }
        var now = Date()
        var redraw = false
        if pollKeys() {
            showingDashboard.toggle()
            redraw = true
            if showingDashboard { buildDashboard(p) }
        } else if showingDashboard, p.savedCheckpoint != nil {
            buildDashboard(p)
            redraw = true
        }
        now = Date()
        guard redraw || now.timeIntervalSince(lastDraw) >= (interactive ? 0.5 : 5) || p.epoch == p.targetEpochs else { return }
        lastDraw = now
        draw(p)
    }

    /// Whether `d` was pressed since the last update (other keys are dropped).
    private func pollKeys() -> Bool {
        guard let fd = keyInput else { return false }
        if keys == nil {
            cbreak = CbreakInput(fd: fd)
            keys = KeyReader(fd: fd, escapeTimeout: 0)
        }
        var toggle = false
        while let key = try? keys?.next(timeout: 0) {
            if key == .character("d") || key == .character("D") { toggle.toggle() }
        }
        return toggle
    }

    /// The dashboard of the latest checkpoint (saved in this session, else the newest on disk).
    private func buildDashboard(_ p: TrainingProgress) {
        guard let run = p.run, let make = makeDashboard else { return }
        guard let epoch = latestCheckpoint ?? run.checkpointEpochs().last else {
            dashboardProblem = "no checkpoint yet; the dashboard appears at the first one"
            return
        }
        do {
            dashboard = try make(run, epoch)
            dashboardProblem = nil
        } catch {
            dashboardProblem = "the dashboard of epoch \(epoch): \(error)"
        }
    }

    private func draw(_ p: TrainingProgress) {
        guard interactive else {
            write(Self.describe(p) + "\n")
            return
        }
        let hint = keyInput == nil ? "" : showingDashboard ? "   d: loss chart" : "   d: dashboard"
        // One screen line (a wrapped line would throw off the redraw), cut to the window.
        var lines = [String((Self.describe(p) + hint).prefix(max(20, size().columns - 1)))]
        if showingDashboard {
            let window = size()
            if let problem = dashboardProblem {
                lines.append(problem)
            } else if let dashboard {
                // Two rows fewer than the window: the block is redrawn by moving up over it, which needs it on screen.
                let layout = DashboardTerminalLayout(width: window.columns, height: window.rows - 2,
                                                     colorMode: TerminalEnvironment.detect(fd: STDERR_FILENO).colorMode)
                do { lines += try layout.render(dashboard) } catch { lines.append("\(error)") }
            }
        } else if epochs.count >= 2 {
            let size = TerminalEnvironment.detect(fd: STDERR_FILENO)
            var environment = size
            environment.width = min(size.width, 110)
            environment.height = 12
            let curves = RunCurves(name: "training", epochs: epochs, trainLoss: trainLoss, testLoss: testLoss)
            lines += environment.renderer.render(Figure.lossCurves(curves)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last == "" { lines.removeLast() }
        }
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A\r\u{1B}[J" : ""
        text += lines.joined(separator: "\n") + "\n"
        drawnLines = lines.count
        write(text)
    }

    /// Draws the final state (if the last update was skipped by the throttle) and ends the block; the terminal's input
    /// mode is restored.
    public func finish() {
        cbreak?.restore()
        cbreak = nil
        keys = nil
        if let p = latest, interactive, lastDraw != .distantPast, Date().timeIntervalSince(lastDraw) > 0 { draw(p) }
        drawnLines = 0
        latest = nil
    }

    public static func describe(_ p: TrainingProgress) -> String {
        let m = p.latest
        let percent = Double(p.epoch) / Double(max(p.targetEpochs, 1)) * 100
        let rate = p.secondsPerEpoch > 0 ? 1 / p.secondsPerEpoch : 0
        return (p.variant.map { "\($0) │ " } ?? "") + String(format: "epoch %d/%d (%.0f%%)  train %.3e  test %.3e  acc %.1f%%/%.1f%%  %.1f epochs/s  ETA %@",
                      p.epoch, p.targetEpochs, percent, m.trainLoss, m.testLoss, m.trainAccuracy * 100, m.testAccuracy * 100,
                      rate, duration(p.remainingSeconds))
    }

    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
