import Foundation
import WBTraining

/// Shows training progress: one line updated in place on a terminal (at most ~10 times a second), plain lines every
/// few seconds otherwise (logs, pipes, CI).
final class ProgressLine {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private let plainInterval: TimeInterval = 5

    func update(_ p: TrainingProgress) {
        let now = Date()
        let due = now.timeIntervalSince(lastDraw) >= (interactive ? 0.1 : plainInterval)
        guard due || p.epoch == p.targetEpochs else { return }
        lastDraw = now
        let line = Self.describe(p)
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() { if interactive { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func describe(_ p: TrainingProgress) -> String {
        let m = p.latest
        let percent = Double(p.epoch) / Double(max(p.targetEpochs, 1)) * 100
        return String(format: "epoch %d/%d (%.0f%%)  train %.3e  test %.3e  acc %.1f%%/%.1f%%  %.1f ms/epoch  ETA %@",
                      p.epoch, p.targetEpochs, percent, m.trainLoss, m.testLoss, m.trainAccuracy * 100, m.testAccuracy * 100,
                      p.secondsPerEpoch * 1000, duration(p.remainingSeconds))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
