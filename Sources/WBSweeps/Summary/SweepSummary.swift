import Foundation
import WBTraining
import WBSupport

/// Per point, from its metrics (`RunMilestones`): the epoch train accuracy first reached 99 %, test accuracy 50 %, 95 %
/// and 99 %, the test-loss peak and its epoch, and the final losses and accuracy; for finished points whose task has a
/// Fourier reading, the key frequencies and the share of clustered neurons of the final checkpoint (`circuits`, filled
/// by the shell from the analyses, which this module does not link). `sweep table NAME` shows it and writes it to
/// `runs/NAME/summary.csv`.
public struct SweepSummary: Sendable {
    /// What the analyses of a finished point's final checkpoint found.
    public struct Circuit: Sendable, Equatable {
        public var keyFrequencies: [Int]
        /// Neurons in single-frequency clusters, as a fraction of all.
        public var clusteredShare: Double
        public init(keyFrequencies: [Int], clusteredShare: Double) {
            self.keyFrequencies = keyFrequencies; self.clusteredShare = clusteredShare
        }
    }

    /// One point: its state and the milestones of its metrics so far.
    public struct Row: Sendable {
        public var point: SweepPoint
        public var state: PointState
        public var milestones: RunMilestones
        public var epoch: Int?
        /// Why its worker failed, for a failed point.
        public var error: String?
    }
    public var name: String
    public var axes: [SweepAxis]
    public var rows: [Row]
    /// By point name: the circuit of each finished point analysed so far.
    public var circuits: [String: Circuit] = [:]

    public static func read(_ folder: SweepFolder) throws -> SweepSummary {
        let manifest = try folder.readManifest()
        let rows = manifest.points.map { record -> Row in
            let run = folder.run(record.point)
            let metrics = (try? run.readMetrics()) ?? []
            var state = folder.inspect(record.point).state
            // The folders cannot tell a failure; sweep.json keeps it until the point is tried again.
            if state != .finished && record.state == .failed { state = .failed }
            return Row(point: record.point, state: state, milestones: RunMilestones(metrics), epoch: metrics.last?.epoch,
                       error: state == .failed ? record.error : nil)
        }
        return SweepSummary(name: manifest.name, axes: manifest.axes, rows: rows)
    }

    static let milestoneColumns = ["train_acc_99", "test_acc_50", "test_acc_95", "test_acc_99", "test_loss_peak_epoch",
                                   "test_loss_peak", "final_epoch", "final_train_loss", "final_test_loss", "final_test_acc",
                                   "key_frequencies", "clustered_share"]

    /// The CSV: `point`, the swept keys, `state`, then the milestones (empty where a run never got there).
    public func csv() -> String {
        var lines = [(["point"] + axes.map(\.label) + ["state"] + Self.milestoneColumns).joined(separator: ",")]
        for row in rows {
            let m = row.milestones
            func epoch(_ e: Int?) -> String { e.map(String.init) ?? "" }
            func real(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
            var cells = ["\"\(row.point.name)\""] + axes.map { row.point.values[$0.key] ?? "" } + [row.state.rawValue]
            cells += [epoch(m.trainAccuracy99), epoch(m.testAccuracy50), epoch(m.testAccuracy95), epoch(m.testAccuracy99),
                      epoch(m.testLossPeak?.epoch), real(m.testLossPeak?.loss), epoch(m.final?.epoch),
                      real(m.final?.trainLoss), real(m.final?.testLoss), real(m.final?.testAccuracy)]
            let circuit = circuits[row.point.name]
            cells += [circuit.map { $0.keyFrequencies.map(String.init).joined(separator: " ") } ?? "",
                      real(circuit?.clusteredShare)]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as text: one row per point.
    public func render() -> String {
        var table = [["point", "state", "train 99%", "test 50%", "test 95%", "test 99%", "loss peak", "final test loss", "test acc",
                      "key frequencies", "clustered"]]
        for row in rows {
            let m = row.milestones
            // Nothing measured (queued, or failed before its first epoch): blank, not "never".
            func epoch(_ e: Int?) -> String { e.map(String.init) ?? (m.final == nil ? "" : "never") }
            table.append([row.point.name, row.state.rawValue, epoch(m.trainAccuracy99), epoch(m.testAccuracy50),
                          epoch(m.testAccuracy95), epoch(m.testAccuracy99),
                          m.testLossPeak.map { String(format: "%.3g @%d", $0.loss, $0.epoch) } ?? "",
                          m.final.map { String(format: "%.3e", $0.testLoss) } ?? "",
                          m.final.map { String(format: "%.1f%%", $0.testAccuracy * 100) } ?? "",
                          circuits[row.point.name].map { $0.keyFrequencies.map(String.init).joined(separator: ",") } ?? "",
                          circuits[row.point.name].map { String(format: "%.0f%%", $0.clusteredShare * 100) } ?? ""])
        }
        let failures = rows.filter { $0.state == .failed }.map { "\($0.point.name) failed: \($0.error ?? "no reason recorded")" }
        return "sweep \(name): epochs at which each point first reached the threshold (never: not within its epochs)\n"
            + TextTable.render(table) + failures.map { "\n" + $0 }.joined()
    }

    /// Writes `summary.csv` atomically.
    public func write(to folder: SweepFolder) throws {
        try AtomicFile.write(csv(), to: folder.summaryURL)
    }
}

/// A per-point measure a sweep figure shows.
public enum SweepMeasure: String, Sendable, CaseIterable {
    case test95 = "test95", test99 = "test99", test50 = "test50", train99 = "train99", peak = "peak"
    case finalTestLoss = "test_loss", finalTestAccuracy = "test_acc"

    /// What the measure is, for axis labels.
    public var label: String {
        switch self {
        case .test95: return "epochs to 95% test accuracy"
        case .test99: return "epochs to 99% test accuracy"
        case .test50: return "epochs to 50% test accuracy"
        case .train99: return "epochs to 99% train accuracy"
        case .peak: return "epoch of the test-loss peak"
        case .finalTestLoss: return "final test loss"
        case .finalTestAccuracy: return "final test accuracy"
        }
    }

    /// Whether a point that never got there has no value ("never") rather than a number.
    public var canBeNever: Bool { self != .finalTestLoss && self != .finalTestAccuracy && self != .peak }

    /// The measure of one point: nil for "never" (or nothing measured yet).
    public func value(_ m: RunMilestones) -> Double? {
        switch self {
        case .test95: return m.testAccuracy95.map(Double.init)
        case .test99: return m.testAccuracy99.map(Double.init)
        case .test50: return m.testAccuracy50.map(Double.init)
        case .train99: return m.trainAccuracy99.map(Double.init)
        case .peak: return m.testLossPeak.map { Double($0.epoch) }
        case .finalTestLoss: return m.final?.testLoss
        case .finalTestAccuracy: return m.final?.testAccuracy
        }
    }
}
