import Foundation

// The local learning coefficient's charts: λ̂ over epochs beside the test loss, refined λ̂ per component, the chains'
// loss traces, and the calibration grid.

/// λ̂ of one component over epochs, with its standard error (empty when unknown).
public struct LLCSeries: Sendable, Equatable {
    public var component: String
    public var epochs: [Int]
    public var values: [Double]
    public var standardErrors: [Double]

    public init(component: String, epochs: [Int], values: [Double], standardErrors: [Double] = []) {
        self.component = component; self.epochs = epochs; self.values = values; self.standardErrors = standardErrors
    }
}

extension Figure {
    /// λ̂ over epochs (one line per component; with a single component, dashed lines at λ̂ ± one standard error)
    /// above the test loss on a log axis, both panels with the phases shaded and the current checkpoint marked.
    public static func llcOverTime(run name: String, series: [LLCSeries], testLoss: MetricSeries?, phases: PhaseBoundaries?,
                                   currentEpoch: Int? = nil, settings: String) -> Figure {
        var lines: [Series] = []
        for (i, s) in series.enumerated() {
            lines.append(Series(series.count == 1 ? "λ̂ (\(s.component))" : s.component, kind: .line, epochs: s.epochs,
                                values: s.values, color: i))
            if series.count == 1, s.standardErrors.count == s.values.count, s.standardErrors.contains(where: { $0 > 0 }) {
                lines.append(Series("± 1 standard error", epochs: s.epochs, values: zip(s.values, s.standardErrors).map { $0 + $1 },
                                    color: i, dashed: true))
                lines.append(Series("", epochs: s.epochs, values: zip(s.values, s.standardErrors).map { $0 - $1 }, color: i, dashed: true))
            }
        }
        let allEpochs = series.flatMap(\.epochs) + (testLoss?.epochs ?? [])
        let marks = phaseMarks(phases, first: allEpochs.min(), last: allEpochs.max(), currentEpoch: currentEpoch)
        let legend = Legend.entries(lines.enumerated().compactMap { _, s in
            s.name.isEmpty ? nil : LegendEntry(s.name, color: s.color, dashed: s.dashed)
        })
        var panels = [Panel(title: "local learning coefficient λ̂", x: Axis("epoch"), y: Axis("λ̂"), series: lines,
                            marks: marks, legend: legend)]
        if let testLoss {
            panels.append(Panel(title: "test loss", x: Axis("epoch"), y: Axis("loss", scale: .log),
                                series: [Series("test loss", epochs: testLoss.epochs, values: testLoss.values, color: 1, dashed: true)],
                                marks: marks, legend: .hidden))
        }
        var figure = Figure(title: "Local learning coefficient" + (name.isEmpty ? "" : " — " + name), panels: panels)
        figure.subtitle = settings
        return figure
    }

    /// The loss of every SGLD step of each chain (burn-in shaded), with L(w*) as a reference line: chains that settle
    /// run flat after the burn-in; a diverging chain climbs out of the chart.
    public static func llcTraces(run name: String, epoch: Int, component: String, chains: [[Double]], burnin: Int,
                                 initialLoss: Double, settings: String) -> Figure {
        let series = chains.enumerated().map { i, losses in
            Series("chain \(i)", x: losses.indices.map(Double.init), y: losses, color: i)
        }
        var marks: [Mark] = [.referenceLine(y: initialLoss, label: "L(w*)")]
        if burnin > 0 { marks.insert(.phase(start: 0, end: Double(burnin), label: "burn-in"), at: 0) }
        let panel = Panel(x: Axis("SGLD step"), y: Axis("minibatch loss L_B"), series: series, marks: marks,
                          legend: .entries(series.enumerated().map { LegendEntry($1.name, color: $0) }))
        var figure = Figure(title: "SGLD chains at epoch \(epoch), \(component)" + (name.isEmpty ? "" : " — " + name), panel: panel)
        figure.subtitle = settings
        return figure
    }

    /// The calibration grid: λ̂ per (ε, nβ) cell as a heatmap, each cell annotated with λ̂ or why it is unusable.
    public static func llcCalibration(run name: String, epoch: Int, eps: [String], nbeta: [String], values: [Double],
                                      verdicts: [String]) -> Figure {
        let rows = nbeta.count, columns = eps.count
        let shown = zip(values, verdicts).map { $1 == "diverged" ? Double.nan : $0 }
        let heatmap = Heatmap(rows: rows, columns: columns, values: shown, x: 0...Double(columns), y: 0...Double(rows),
                              colorScale: ColorScale(map: .viridis, label: "λ̂"))
        var marks: [Mark] = []
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                let text = verdicts[i] == "diverged" ? "diverged" : String(format: "%.3g", values[i]) + (verdicts[i] == "ok" ? "" : " *")
                marks.append(.annotation(x: Double(c) + 0.5, y: Double(r) + 0.5, text: text))
            }
        }
        let panel = Panel(x: Axis("ε (step size)", ticks: eps.enumerated().map { AxisTick(Double($0.offset) + 0.5, $0.element) }),
                          y: Axis("nβ", ticks: nbeta.enumerated().map { AxisTick(Double($0.offset) + 0.5, $0.element) }),
                          heatmap: heatmap, marks: marks, legend: .hidden)
        var figure = Figure(title: "LLC calibration at epoch \(epoch)" + (name.isEmpty ? "" : " — " + name), panel: panel)
        figure.subtitle = "* not settled (the draws still trend); blank: diverged"
        return figure
    }
}
