import Foundation
import WBSweeps

/// Shows a running sweep. On a terminal: a live table redrawn in place about twice a second (done, running, queued,
/// failed, an ETA, and one line per running point with its epoch and test accuracy). Otherwise: a plain line every few
/// seconds.
public final class SweepProgressView {
    private let interactive: Bool
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var drawnLines = 0

    public init(interactive: Bool = isatty(STDERR_FILENO) != 0,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.interactive = interactive
        self.write = write
    }

    public func update(_ p: SweepProgress) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= (interactive ? 0.5 : 5) || p.stopping else { return }
        lastDraw = now
        let lines = Self.lines(p)
        if interactive {
            var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)F" : ""
            for line in lines { text += "\u{1B}[2K" + line + "\n" }
            if lines.count < drawnLines {
                for _ in lines.count..<drawnLines { text += "\u{1B}[2K\n" }
                text += "\u{1B}[\(drawnLines - lines.count)F"
            }
            write(text)
            drawnLines = lines.count
        } else {
            write(lines[0] + "\n")
        }
    }

    /// Leaves the table where it is (the next output goes below it).
    public func finish() { drawnLines = 0 }

    /// The table: a header line, then one line per running point.
    public static func lines(_ p: SweepProgress) -> [String] {
        let done = p.finished
        var header = "sweep \(p.name): \(done)/\(p.total) done, \(p.running.count) running, \(p.queued) queued"
        if p.failed > 0 { header += ", \(p.failed) failed" }
        header += String(format: " — %@ elapsed", duration(p.elapsedSeconds))
        if let eta = p.etaSeconds { header += ", ETA " + duration(eta) }
        if p.stopping { header += " — stopping: workers save their checkpoints…" }
        let width = p.running.map(\.name.count).max() ?? 0
        return [header] + p.running.map { r in
            let accuracy = r.testAccuracy.map { String(format: "test %5.1f%%", $0 * 100) } ?? ""
            let line = "  \(r.name.padding(toLength: width, withPad: " ", startingAt: 0))  epoch \(r.epoch)/\(r.target)  \(accuracy)"
            return accuracy.isEmpty ? String(line.dropLast(2)) : line
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
