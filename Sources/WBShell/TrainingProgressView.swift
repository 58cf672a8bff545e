import Foundation
import WBTraining

/// Shows training progress: a line updated in place on a terminal (about twice a second), plain lines every few seconds
/// otherwise (pipes, logs, CI).
public final class TrainingProgressView {
    private let interactive: Bool
    private var lastDraw = Date.distantPast
    private var drew = false
    private let write: (String) -> Void

    public init(interactive: Bool = isatty(STDERR_FILENO) != 0, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.write = write
    }

    public func update(_ p: TrainingProgress) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= (interactive ? 0.5 : 5) || p.epoch == p.targetEpochs else { return }
        lastDraw = now
        drew = true
        write(interactive ? "\r\u{1B}[2K" + Self.describe(p) : Self.describe(p) + "\n")
    }

    /// Ends the in-place line.
    public func finish() {
        if interactive && drew { write("\n") }
        drew = false
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
