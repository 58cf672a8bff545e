import Foundation
import WBPlotting
import WBTraining

/// Shows training progress. On a terminal: one live block redrawn in place about twice a second (epoch / total, losses,
/// accuracies, epochs per second, ETA, and a braille chart of both losses so far). Otherwise: a plain line every few
/// seconds (pipes, logs, CI).
public final class TrainingProgressView {
    private let interactive: Bool
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var drawnLines = 0
    private var epochs: [Int] = []
    private var trainLoss: [Double] = []
    private var testLoss: [Double] = []
    private var latest: TrainingProgress?

    public init(interactive: Bool = isatty(STDERR_FILENO) != 0, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.write = write
    }

    public func update(_ p: TrainingProgress) {
        epochs.append(p.latest.epoch)
        trainLoss.append(p.latest.trainLoss)
        testLoss.append(p.latest.testLoss)
        latest = p
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= (interactive ? 0.5 : 5) || p.epoch == p.targetEpochs else { return }
        lastDraw = now
        draw(p)
    }

    private func draw(_ p: TrainingProgress) {
        guard interactive else {
            write(Self.describe(p) + "\n")
            return
        }
        var lines = [Self.describe(p)]
        if epochs.count >= 2 {
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

    /// Draws the final state (if the last update was skipped by the throttle) and ends the block.
    public func finish() {
        if let p = latest, interactive, lastDraw != .distantPast, Date().timeIntervalSince(lastDraw) > 0 { draw(p) }
        drawnLines = 0
        latest = nil
    }

    public static func describe(_ p: TrainingProgress) -> String {
        let m = p.latest
        let percent = Double(p.epoch) / Double(max(p.targetEpochs, 1)) * 100
        let rate = p.secondsPerEpoch > 0 ? 1 / p.secondsPerEpoch : 0
        return String(format: "epoch %d/%d (%.0f%%)  train %.3e  test %.3e  acc %.1f%%/%.1f%%  %.1f epochs/s  ETA %@",
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
