// Builders for the embedding's dominant frequencies: at one epoch (bars over k) and over epochs (heatmap).
extension Figure {
    /// Norm of the embedding's Fourier components per frequency at one epoch, as bars over k = 1…(p−1)/2.
    /// `norms[k - 1]` is frequency k. Key frequencies, when given, are drawn in the accent colour and labelled.
    public static func dominantFrequencies(_ norms: [Double], epoch: Int? = nil, keyFrequencies: [Int] = []) -> Figure {
        let keys = Set(keyFrequencies)
        var other = Series("other", kind: .bars, x: [], y: [], color: 0)
        var key = Series("key frequency", kind: .bars, x: [], y: [], color: 1)
        var marks: [Mark] = []
        for (i, v) in norms.enumerated() {
            let k = i + 1
            if keys.contains(k) {
                key.x.append(Double(k))
                key.y.append(v)
                marks.append(.annotation(x: Double(k), y: v, text: "\(k)"))
            } else {
                other.x.append(Double(k))
                other.y.append(v)
            }
        }
        let panel = Panel(x: Axis("frequency k"), y: Axis("‖W_E component‖"),
                          series: key.x.isEmpty ? [other] : [other, key], marks: marks,
                          legend: key.x.isEmpty ? .hidden : .auto)
        return Figure(title: "Embedding frequencies" + (epoch.map { " at epoch \($0)" } ?? ""), panel: panel)
    }

    /// How the embedding's frequency norms evolve: a heatmap of frequency (rows, k = 1 at the bottom) × epoch.
    /// Evenly spaced epochs get an epoch axis; otherwise columns are checkpoints, labelled with their epochs.
    public static func frequencyEvolution(_ evo: FrequencyEvolutionCurves, currentEpoch: Int? = nil) -> Figure {
        let rows = evo.norms.count
        let cols = evo.epochs.count
        var values = [Double](repeating: .nan, count: rows * cols)
        for (r, row) in evo.norms.enumerated() {
            for c in 0..<min(cols, row.count) { values[r * cols + c] = row[c] }
        }
        let (xExtent, xAxis, markX) = epochColumns(evo.epochs)
        var panel = Panel(x: xAxis, y: Axis("frequency k"),
                          heatmap: Heatmap(rows: rows, columns: cols, values: values, x: xExtent,
                                           y: 0.5...(Double(rows) + 0.5), colorScale: ColorScale(label: "‖W_E component‖")))
        if let e = currentEpoch, let x = markX(e) { panel.marks = [.epochIndicator(x: x, label: "epoch \(e)")] }
        return Figure(title: "Embedding frequencies over epochs", panel: panel)
    }

    /// The x extent and axis for heatmap columns at `epochs`, and where an epoch falls on it.
    static func epochColumns(_ epochs: [Int]) -> (ClosedRange<Double>, Axis, (Int) -> Double?) {
        let n = epochs.count
        guard n > 0 else { return (0...1, Axis("epoch"), { _ in nil }) }
        let step = n > 1 ? Double(epochs[1] - epochs[0]) : 1
        let even = n > 1 && step > 0 && zip(epochs, epochs.dropFirst()).allSatisfy { Double($1 - $0) == step }
        if even || n == 1 {
            let lo = Double(epochs[0]) - step / 2, hi = Double(epochs[n - 1]) + step / 2
            return (lo...hi, Axis("epoch"), { Double($0) })
        }
        // Uneven: one column per checkpoint, ticks at a few columns labelled with their epochs.
        let every = max(1, n / 6)
        let ticks = stride(from: 0, to: n, by: every).map { AxisTick(Double($0) + 0.5, NumberFormat.compact(Double(epochs[$0]))) }
        let position: (Int) -> Double? = { e in
            guard let i = epochs.lastIndex(where: { $0 <= e }) else { return nil }
            return Double(i) + 0.5
        }
        return (0...Double(n), Axis("epoch (checkpoints)", ticks: ticks), position)
    }
}
