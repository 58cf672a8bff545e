/// Which logged curve a run chart shows.
public enum RunMetric: String, Sendable, Equatable, Codable, CaseIterable {
    /// Train (solid) and test (dashed) loss, log scale.
    case loss
    /// Train (solid) and test (dashed) accuracy.
    case accuracy
    case learningRate
    case gradNorm

    var title: String {
        switch self {
        case .loss: return "Loss"
        case .accuracy: return "Accuracy"
        case .learningRate: return "Learning rate"
        case .gradNorm: return "Gradient norm"
        }
    }
}

// Builders for the training curves: loss, accuracy, learning rate, gradient norm, and several runs overlaid.
extension Figure {
    /// Train and test loss of one run on a log axis, with the current checkpoint as an epoch indicator and
    /// the checkpoint selection as highlighted ranges with checkpoint markers.
    public static func lossCurves(_ run: RunCurves, currentEpoch: Int? = nil, selection: EpochSelection? = nil) -> Figure {
        runChart(run, metric: .loss, currentEpoch: currentEpoch, selection: selection)
    }

    /// Train and test accuracy of one run.
    public static func accuracyCurves(_ run: RunCurves, currentEpoch: Int? = nil, selection: EpochSelection? = nil) -> Figure {
        runChart(run, metric: .accuracy, currentEpoch: currentEpoch, selection: selection)
    }

    /// Learning rate over epochs.
    public static func learningRateCurve(_ run: RunCurves, currentEpoch: Int? = nil) -> Figure {
        runChart(run, metric: .learningRate, currentEpoch: currentEpoch, selection: nil)
    }

    /// Gradient norm over epochs (log scale).
    public static func gradientNormCurve(_ run: RunCurves, currentEpoch: Int? = nil) -> Figure {
        runChart(run, metric: .gradNorm, currentEpoch: currentEpoch, selection: nil)
    }

    /// One run, one metric. Loss and gradient norm use a log axis.
    public static func runChart(_ run: RunCurves, metric: RunMetric, currentEpoch: Int? = nil, selection: EpochSelection? = nil) -> Figure {
        let series = curves(of: run, metric: metric, color: nil, named: true)
        var panel = Panel(x: Axis("epoch"), y: yAxis(metric), series: series)
        panel.marks = marks(currentEpoch: currentEpoch, selection: selection)
        return Figure(title: metric.title + (run.name.isEmpty ? "" : " — " + run.name), panel: panel)
    }

    /// Several runs overlaid on one chart: one colour per run, train solid and test dashed, and a legend
    /// naming each run (plus the train/test line styles when both are drawn).
    public static func runComparison(_ runs: [RunCurves], metric: RunMetric = .loss, currentEpoch: Int? = nil) -> Figure {
        var series: [Series] = []
        var entries: [LegendEntry] = []
        for (i, run) in runs.enumerated() {
            series += curves(of: run, metric: metric, color: i, named: false)
            entries.append(LegendEntry(run.name, color: i))
        }
        if metric == .loss || metric == .accuracy {
            entries.append(LegendEntry("train", color: nil))
            entries.append(LegendEntry("test", color: nil, dashed: true))
        }
        var panel = Panel(x: Axis("epoch"), y: yAxis(metric), series: series, legend: .entries(entries))
        panel.marks = marks(currentEpoch: currentEpoch, selection: nil)
        return Figure(title: metric.title + ": " + runs.map(\.name).joined(separator: ", "), panel: panel)
    }

    private static func yAxis(_ metric: RunMetric) -> Axis {
        switch metric {
        case .loss: return Axis("loss", scale: .log)
        case .accuracy: return Axis("accuracy", range: 0...1)
        case .learningRate: return Axis("learning rate")
        case .gradNorm: return Axis("gradient norm", scale: .log)
        }
    }

    private static func curves(of run: RunCurves, metric: RunMetric, color: Int?, named: Bool) -> [Series] {
        func s(_ label: String, _ values: [Double], slot: Int, dashed: Bool) -> Series? {
            guard !values.isEmpty else { return nil }
            let name = named ? label : ""
            return Series(name, epochs: Array(run.epochs.prefix(values.count)), values: values, color: color ?? slot, dashed: dashed)
        }
        switch metric {
        case .loss: return [s("train", run.trainLoss, slot: 0, dashed: false), s("test", run.testLoss, slot: 1, dashed: true)].compactMap { $0 }
        case .accuracy: return [s("train", run.trainAcc, slot: 0, dashed: false), s("test", run.testAcc, slot: 1, dashed: true)].compactMap { $0 }
        case .learningRate: return [s("learning rate", run.lr, slot: 0, dashed: false)].compactMap { $0 }
        case .gradNorm: return [s("gradient norm", run.gradNorm, slot: 0, dashed: false)].compactMap { $0 }
        }
    }

    /// Epoch indicator at the current checkpoint; selection ranges as highlights; checkpoint markers (available,
    /// selected, and selected without a checkpoint).
    static func marks(currentEpoch: Int?, selection: EpochSelection?) -> [Mark] {
        var marks: [Mark] = []
        if let sel = selection {
            for r in sel.ranges {
                marks.append(.highlight(start: Double(r.start), end: Double(r.end), label: "\(r.start)–\(r.end) step \(r.step)"))
            }
            let chosen = Set(sel.epochs), available = Set(sel.available)
            let others = sel.available.filter { !chosen.contains($0) }
            let present = sel.epochs.filter { available.contains($0) }, missing = sel.epochs.filter { !available.contains($0) }
            if !others.isEmpty { marks.append(.checkpoints(x: others.map(Double.init), selected: false)) }
            if !missing.isEmpty { marks.append(.missingCheckpoints(x: missing.map(Double.init))) }
            if !present.isEmpty { marks.append(.checkpoints(x: present.map(Double.init), selected: true)) }
        }
        if let e = currentEpoch { marks.append(.epochIndicator(x: Double(e), label: "epoch \(e)")) }
        return marks
    }
}
