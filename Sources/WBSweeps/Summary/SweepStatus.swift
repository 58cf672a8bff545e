import Foundation
import WBSupport
import WBTraining

/// `sweep status NAME`: one row per point (state, epoch reached, latest test accuracy, seconds trained, disk), then the
/// disk the whole sweep uses (`disk: 412.3 MB`, every file under `runs/NAME`) and where its points keep their moments,
/// from `sweep.json` and the points' run folders, so it is right while the sweep runs in another process, and after a kill.
public struct SweepStatus: Sendable {
    /// One point as `sweep status` shows it.
    public struct Row: Sendable, Equatable {
        public var point: String
        public var state: PointState
        public var epoch: Int?
        public var target: Int
        public var testAccuracy: Double?
        public var seconds: Double
        public var bytes: Int64
        public var error: String?
    }
    public var name: String
    public var rows: [Row]
    /// The process running the sweep, when one holds its lock.
    public var runningPID: Int32?
    public var slurmJobID: String?
    /// The bytes of every file under the sweep's folder (`runs/NAME`): the points' runs, `sweep.json`, the summary.
    public var totalBytes: Int64
    /// Where the points keep their AdamW moments (`moments`), each policy once, in the points' order.
    public var moments: [MomentsPolicy]

    /// Reads the sweep. `slurmRunning` marks the points Slurm reports as running (on=slurm).
    public static func read(_ folder: SweepFolder, slurmRunning: Set<Int> = []) throws -> SweepStatus {
        let manifest = try folder.readManifest()
        let holder = SweepLock.holder(folder)
        var rows: [Row] = []
        for record in manifest.points {
            let point = record.point
            let run = folder.run(point)
            var (state, _) = folder.inspect(point)
            let metrics = (try? run.readMetrics()) ?? []
            if state != .finished {
                if record.state == .failed { state = .failed }
                if record.state == .running && holder != nil { state = .running }
                if slurmRunning.contains(point.index) { state = .running }
            }
            let bytes = run.exists ? SweepFolder.diskBytes(run.url) : 0
            rows.append(Row(point: point.name, state: state, epoch: run.exists ? (metrics.last?.epoch ?? 0) : nil,
                            target: point.config.epochs, testAccuracy: metrics.last?.testAccuracy, seconds: record.seconds,
                            bytes: bytes, error: record.error))
        }
        var moments: [MomentsPolicy] = []
        for record in manifest.points where !moments.contains(record.point.config.moments) {
            moments.append(record.point.config.moments)
        }
        return SweepStatus(name: manifest.name, rows: rows, runningPID: holder, slurmJobID: manifest.slurmJobID,
                           totalBytes: folder.diskBytes(), moments: moments)
    }

    /// Counts by state, in the order of `PointState.allCases`, e.g. `4 finished, 2 running, 6 queued`.
    public var counts: String {
        PointState.allCases.compactMap { state in
            let n = rows.filter { $0.state == state }.count
            return n == 0 ? nil : "\(n) \(state.rawValue)"
        }.joined(separator: ", ")
    }

    /// The table as text.
    public func render() -> String {
        var table = [["point", "state", "epoch", "test acc", "seconds", "disk"]]
        for row in rows {
            table.append([row.point, row.state.rawValue, row.epoch.map { "\($0)/\(row.target)" } ?? "–/\(row.target)",
                          row.testAccuracy.map { String(format: "%.1f%%", $0 * 100) } ?? "–",
                          String(format: "%.1f", row.seconds), Self.bytes(row.bytes)])
        }
        var lines = ["sweep \(name): \(rows.count) points — \(counts)"
                     + (runningPID.map { " (running in process \($0))" } ?? "") + (slurmJobID.map { " (Slurm job \($0))" } ?? "")]
        lines.append(TextTable.render(table))
        lines.append("disk: \(Self.bytes(totalBytes))" + (momentsNote.map { " (\($0))" } ?? ""))
        for row in rows where row.state == .failed { lines.append("\(row.point) failed: \(row.error ?? "no reason recorded")") }
        return lines.joined(separator: "\n")
    }

    /// Where the points keep their AdamW moments, in words.
    var momentsNote: String? {
        switch moments {
        case [.latest]: return "moments=latest: the AdamW moments in each point's epoch 0 and newest checkpoint only"
        case [.every]: return "moments=every: the AdamW moments in every checkpoint"
        case []: return nil
        default: return "moments=" + moments.map(\.rawValue).joined(separator: " and ") + " by point"
        }
    }

    /// `1.2 MB`.
    public static func bytes(_ n: Int64) -> String {
        let value = Double(n)
        if value < 1e3 { return "\(n) B" }
        if value < 1e6 { return String(format: "%.1f kB", value / 1e3) }
        if value < 1e9 { return String(format: "%.1f MB", value / 1e6) }
        return String(format: "%.2f GB", value / 1e9)
    }
}
