// The softmax-collapse chart (Prieto et al. 2025): the share of training examples whose float32 softmax of the correct
// class rounds to exactly 1, beside the test accuracy, over epochs.
extension Figure {
    /// Softmax collapse (solid) and test accuracy (dashed) of one run, both fractions in [0, 1], with the current
    /// checkpoint as an epoch indicator. A run that stalls shows collapse rising while test accuracy stays flat.
    public static func softmaxCollapse(run name: String, epochs: [Int], collapse: [Double], testAccuracy: [Double],
                                       currentEpoch: Int? = nil) -> Figure {
        var series = [Series("softmax collapse (train)", epochs: epochs, values: collapse, color: 0, dashed: false)]
        if !testAccuracy.isEmpty {
            series.append(Series("test accuracy", epochs: Array(epochs.prefix(testAccuracy.count)), values: testAccuracy, color: 1,
                                 dashed: true))
        }
        var panel = Panel(x: Axis("epoch"), y: Axis("fraction", range: 0...1), series: series)
        panel.marks = marks(currentEpoch: currentEpoch, selection: nil)
        return Figure(title: "Softmax collapse" + (name.isEmpty ? "" : " — " + name), panel: panel)
    }
}
