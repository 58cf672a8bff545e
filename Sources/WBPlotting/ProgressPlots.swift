// Builder for the progress measures chart.
extension Figure {
    /// Progress measures over epochs on one log chart, with memorization, circuit formation and cleanup shaded
    /// when the phase boundaries are known.
    public static func progressMeasures(_ pm: ProgressMeasures, currentEpoch: Int? = nil) -> Figure {
        let series = pm.series.enumerated().map { i, s in Series(s.name, epochs: s.epochs, values: s.values, color: i) }
        var marks: [Mark] = []
        if let ph = pm.phases {
            let first = pm.series.compactMap { $0.epochs.first }.min() ?? 0
            marks.append(.phase(start: Double(first), end: Double(ph.memorizationEnd), label: "memorization"))
            marks.append(.phase(start: Double(ph.memorizationEnd), end: Double(ph.circuitFormationEnd), label: "circuit formation"))
            marks.append(.phase(start: Double(ph.circuitFormationEnd), end: Double(ph.cleanupEnd), label: "cleanup"))
        }
        if let e = currentEpoch { marks.append(.epochIndicator(x: Double(e), label: "epoch \(e)")) }
        let panel = Panel(x: Axis("epoch"), y: Axis("value", scale: .log), series: series, marks: marks,
                          legend: series.count >= 1 ? .entries(series.enumerated().map { LegendEntry($1.name, color: $0) }) : .hidden)
        return Figure(title: "Progress measures", panel: panel)
    }
}
