// Builders for the dashboard: one figure per checkpoint (all panels as a grid), the per-checkpoint part of a
// dashboard over many checkpoints, and the loss chart they share (one epoch indicator per checkpoint).
extension Figure {
    /// Panels per grid row in dashboard figures.
    public static let dashboardColumns = 3

    /// The whole dashboard of one checkpoint as one figure: loss curves, λ̂ (when estimated), embedding frequencies and
    /// cluster sizes, then the neuron heatmaps, three panels a row; the key numbers are the subtitle.
    public static func dashboard(_ d: Dashboard) -> Figure {
        Figure(title: d.heading, subtitle: d.numbers.line(epoch: d.epoch),
               panels: [lossPanel(d.curves, currentEpoch: d.epoch, selection: d.selection)] + checkpointPanels(d),
               columns: dashboardColumns)
    }

    /// What changes from checkpoint to checkpoint (frequencies, clusters, neurons, key numbers), for a dashboard over
    /// many checkpoints whose loss chart is drawn once (`dashboardLoss`).
    public static func dashboardFrame(_ d: Dashboard) -> Figure {
        Figure(title: "\(d.run) at epoch \(d.epoch)\(d.basisSuffix)", subtitle: d.numbers.line(epoch: d.epoch), panels: checkpointPanels(d),
               columns: dashboardColumns)
    }

    /// The loss curves with one epoch indicator per epoch of `epochs`, in order; render with
    /// `SVGOptions.switchableEpochIndicators` so a page shows one at a time.
    public static func dashboardLoss(_ curves: RunCurves, selection: EpochSelection?, epochs: [Int]) -> Figure {
        var panel = lossPanel(curves, currentEpoch: nil, selection: selection)
        panel.marks += epochs.map { .epochIndicator(x: Double($0), label: "epoch \($0)") }
        panel.title = ""
        return Figure(title: "Loss — \(curves.name)", panel: panel)
    }

    /// The panels that depend on the checkpoint: λ̂ (when estimated), frequencies (when computed), cluster sizes (when
    /// computed), neurons.
    static func checkpointPanels(_ d: Dashboard) -> [Panel] {
        [llcPanel(d), frequencyPanel(d), d.clusters.map(clusterSizes)].compactMap { $0 } + neuronPanels(d)
    }

    /// λ̂ over the checkpoints estimated so far, with the epoch indicator at the dashboard's checkpoint (± one standard
    /// error dashed, as `plot llc`).
    static func llcPanel(_ d: Dashboard) -> Panel? {
        guard let llc = d.llc, !llc.epochs.isEmpty else { return nil }
        var panel = llcOverTime(run: "", series: [llc], testLoss: nil, phases: nil, currentEpoch: d.epoch, settings: "").panels[0]
        panel.title = "λ̂ (local learning coefficient)"
        panel.legend = .hidden
        return panel
    }

    static func frequencyPanel(_ d: Dashboard) -> Panel? {
        guard !d.frequencyNorms.isEmpty else { return nil }
        var panel = dominantFrequencies(d.frequencyNorms, keyFrequencies: d.dominantFrequencies).panels[0]
        panel.title = "Embedding frequencies"
        panel.legend = .hidden
        return panel
    }

    /// One activation heatmap per neuron, titled with the neuron and its cluster.
    static func neuronPanels(_ d: Dashboard) -> [Panel] {
        d.neurons.enumerated().map { i, grid in
            var panel = neuronActivations([grid]).panels[0]
            if i < d.neuronClusters.count { panel.title += d.neuronClusters[i].map { " (k=\($0))" } ?? " (no cluster)" }
            return panel
        }
    }

    static func lossPanel(_ curves: RunCurves, currentEpoch: Int?, selection: EpochSelection?) -> Panel {
        var panel = lossCurves(curves, currentEpoch: currentEpoch, selection: selection).panels[0]
        panel.title = "Loss"
        return panel
    }

    /// Most clusters a cluster-size chart shows (the largest ones); the rest are summed into "other".
    public static let maxClusterBars = 10

    /// Neurons per frequency cluster as bars (k on the x axis), unclustered neurons as a last bar "none".
    public static func clusterSizes(_ c: ClusterSizes) -> Panel {
        let ranked = c.frequencies.indices.sorted { (c.sizes[$0], -c.frequencies[$0]) > (c.sizes[$1], -c.frequencies[$1]) }
        let shown = ranked.prefix(maxClusterBars).sorted { c.frequencies[$0] < c.frequencies[$1] }
        let other = ranked.dropFirst(maxClusterBars).reduce(0) { $0 + c.sizes[$1] }
        // One slot per bar; each series has NaN where the other's bars are, so both get the same bar width.
        var ticks: [AxisTick] = []
        var clustered: [Double] = []
        for (slot, i) in shown.enumerated() {
            clustered.append(Double(c.sizes[i]))
            ticks.append(AxisTick(Double(slot + 1), "\(c.frequencies[i])"))
        }
        if other > 0 {
            clustered.append(Double(other))
            ticks.append(AxisTick(Double(clustered.count), "other"))
        }
        let position = Double(clustered.count + 1)
        ticks.append(AxisTick(position, "none"))
        let slots = (1...Int(position)).map(Double.init)
        let bars = Series("clustered", kind: .bars, x: slots, y: clustered + [.nan], color: 0)
        let rest = Series("not clustered", kind: .bars, x: slots, y: clustered.map { _ in .nan } + [Double(c.unclustered)], color: 1)
        let share = c.neurons == 0 ? 0 : Double(c.neurons - c.unclustered) / Double(c.neurons) * 100
        let title = String(format: "Neuron clusters: %.0f%% of %d", share, c.neurons)
        return Panel(title: title, x: Axis("cluster frequency k", range: 0.5...(position + 0.5), ticks: ticks),
                     y: Axis("neurons"), series: [bars, rest], legend: .hidden)
    }
}

extension SVGOptions {
    /// Dashboard figures: wider (three panels a row), with hover values; the shared loss chart of a dashboard over many
    /// checkpoints also has switchable epoch indicators (`dashboardLoss`).
    /// Heatmaps are one image pixel a cell with 64 colour levels: a dashboard over 50 checkpoints holds 150 of them.
    public static let dashboard = SVGOptions(width: 960, tooltips: true, heatmapPixelScale: 1, heatmapLevels: 64)
    public static let dashboardLoss = SVGOptions(width: 960, panelHeight: 300, tooltips: true, switchableEpochIndicators: true)
}
