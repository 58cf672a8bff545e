// Builders for MLP neurons: activation heatmaps over (a, b) and the neuron × frequency cluster matrix.
extension Figure {
    /// Activation heatmaps over the input grid, one panel per neuron, `columns` per row.
    /// Rows are a (0 at the top), columns are b; each panel has its own colour bar.
    public static func neuronActivations(_ grids: [NeuronGrid], columns: Int = 3, epoch: Int? = nil) -> Figure {
        let panels = grids.map { g -> Panel in
            let p = Double(g.p)
            let heat = Heatmap(rows: g.p, columns: g.p, values: g.values.map(Double.init), x: 0...p, y: 0...p,
                               colorScale: ColorScale(label: ""))
            return Panel(title: "neuron \(g.neuron)", x: Axis("b"), y: Axis("a", reversed: true), heatmap: heat, aspect: 1)
        }
        let title = "Neuron activations" + (epoch.map { " at epoch \($0)" } ?? "")
        return Figure(title: title, panels: panels, columns: min(columns, max(1, grids.count)))
    }

    /// The fraction of each neuron's variance explained by each frequency, as a frequency × neuron heatmap.
    /// Neurons are sorted by cluster (by k, unclustered last; within a cluster by how well the frequency explains
    /// them), cluster sizes label the x axis, and the colour bar sits outside the plot.
    public static func neuronClusters(_ m: NeuronFrequencyClusters) -> Figure {
        let n = m.neurons.count, f = m.frequencies.count
        func best(_ i: Int) -> Double { m.fraction[i].max() ?? 0 }
        func argmax(_ i: Int) -> Int { m.fraction[i].indices.max(by: { m.fraction[i][$0] < m.fraction[i][$1] }) ?? 0 }
        let order = (0..<n).sorted { a, b in
            let ka = m.clusters[a] ?? Int.max, kb = m.clusters[b] ?? Int.max
            if ka != kb { return ka < kb }
            if ka == Int.max {  // unclustered: by their strongest frequency, so the leftovers still show structure
                let fa = argmax(a), fb = argmax(b)
                if fa != fb { return fa < fb }
            }
            let fa = best(a), fb = best(b)
            if fa != fb { return fa > fb }
            return m.neurons[a] < m.neurons[b]
        }
        var values = [Double](repeating: .nan, count: f * n)
        for (col, i) in order.enumerated() {
            for j in 0..<min(f, m.fraction[i].count) { values[j * n + col] = m.fraction[i][j] }
        }
        // Groups: consecutive runs of equal cluster in sorted order.
        var groups: [AxisGroup] = []
        var start = 0
        while start < n {
            let k = m.clusters[order[start]]
            var end = start
            while end < n && m.clusters[order[end]] == k { end += 1 }
            let name = k.map { "k=\($0)" } ?? "none"
            groups.append(AxisGroup(start: Double(start), end: Double(end), label: "\(name) (\(end - start))"))
            start = end
        }
        // y ticks at the cluster frequencies (or a few evenly spaced ones when there are no clusters).
        let clusterKs = Set(m.clusters.compactMap { $0 })
        var ticks: [AxisTick] = []
        for (j, k) in m.frequencies.enumerated() where clusterKs.contains(k) { ticks.append(AxisTick(Double(j + 1), "\(k)")) }
        if ticks.isEmpty {
            let every = max(1, f / 6)
            ticks = stride(from: 0, to: f, by: every).map { AxisTick(Double($0 + 1), "\(m.frequencies[$0])") }
        }
        let heat = Heatmap(rows: f, columns: n, values: values, x: 0...Double(n), y: 0.5...(Double(f) + 0.5),
                           colorScale: ColorScale(range: 0...1, label: "fraction explained"))
        let panel = Panel(x: Axis("neurons, sorted by cluster", ticks: [], groups: groups),
                          y: Axis("frequency k", ticks: ticks), heatmap: heat)
        let clustered = m.clusters.filter { $0 != nil }.count
        return Figure(title: "Neuron frequency clusters (\(clustered) of \(n) neurons clustered)", panel: panel)
    }
}
