// Builder for the progress measures chart.
extension Figure {
    /// Progress measures over epochs on one log chart, with memorization, circuit formation and cleanup shaded
    /// when the phase boundaries are known.
    public static func progressMeasures(_ pm: ProgressMeasureCurves, currentEpoch: Int? = nil) -> Figure {
        let series = pm.series.enumerated().map { i, s in Series(s.name, epochs: s.epochs, values: s.values, color: i) }
        let marks = phaseMarks(pm.phases, first: pm.series.compactMap { $0.epochs.first }.min(),
                               last: pm.series.compactMap { $0.epochs.last }.max(), currentEpoch: currentEpoch)
        let panel = Panel(x: Axis("epoch"), y: Axis("value", scale: .log), series: series, marks: marks,
                          legend: series.count >= 1 ? .entries(series.enumerated().map { LegendEntry($1.name, color: $0) }) : .hidden)
        return Figure(title: "Progress measures", panel: panel)
    }

    /// The three phases as bands clamped to the epochs drawn, [first, last] (so a chart of a narrow selection keeps its own
    /// x range; a phase outside it becomes an empty band and the colours stay tied to the phases), and the current
    /// checkpoint's indicator.
    static func phaseMarks(_ phases: PhaseBoundaries?, first: Int?, last: Int?, currentEpoch: Int?) -> [Mark] {
        var marks: [Mark] = []
        if let ph = phases, let first, let last {
            func band(_ a: Int, _ b: Int, _ label: String) -> Mark {
                .phase(start: Double(min(max(a, first), last)), end: Double(min(max(b, first), last)), label: label)
            }
            marks.append(band(first, ph.memorizationEnd, "memorisation"))
            marks.append(band(ph.memorizationEnd, ph.circuitFormationEnd, "circuit formation"))
            marks.append(band(ph.circuitFormationEnd, ph.cleanupEnd, "cleanup"))
        }
        if let e = currentEpoch { marks.append(.epochIndicator(x: Double(e), label: "epoch \(e)")) }
        return marks
    }
}
