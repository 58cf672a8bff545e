import WBPlotting

/// `range pick` on the terminal: hands keys to the `RangePicker` and draws it with `RangePickerFrame` (run by
/// `FullScreen.run`, or by a test that feeds keys directly).
public final class RangePickerView: FullScreenView {
    public private(set) var picker: RangePicker
    let curves: RunCurves
    let runName: String

    init(picker: RangePicker, curves: RunCurves, runName: String) {
        self.picker = picker
        self.curves = curves
        self.runName = runName
    }

    public func frame(columns: Int, rows: Int, colorMode: TerminalColorMode) -> [String] {
        // The chart's plot area is the window less the y labels and the frame (about seven cells).
        picker.chartColumns = max(10, columns - 7)
        return RangePickerFrame(picker: picker, curves: curves, runName: runName).lines(columns: columns, rows: rows, colorMode: colorMode)
    }

    public func handle(_ key: Key) -> Bool {
        picker.handle(key)
        return picker.outcome == nil
    }
}
