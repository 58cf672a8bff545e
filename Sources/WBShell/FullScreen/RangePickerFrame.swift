import Foundation
import WBPlotting
import WBTraining

/// Draws one frame of `range pick` for a window size: a header (the run and what the last key did), the loss chart
/// filling the window (the cursor as the epoch line, picked and pending ranges shaded with handles in the strip, ◆ for
/// selected epochs with a checkpoint, ◇ without, · for other checkpoints), the values under the cursor, the pending
/// range, the selection Enter would apply, and the keys. Pure: the same state and size always give the same lines.
struct RangePickerFrame {
    var picker: RangePicker
    var curves: RunCurves
    var runName: String

    static let minimumColumns = 40
    static let minimumRows = 16

    /// The lines of the frame: exactly `rows` of them, none wider than `columns` cells.
    func lines(columns: Int, rows: Int, colorMode: TerminalColorMode) -> [String] {
        guard columns >= Self.minimumColumns, rows >= Self.minimumRows else {
            let text = "range pick needs a window of at least \(Self.minimumColumns)×\(Self.minimumRows) (this one is "
                + "\(columns)×\(rows)); Esc leaves"
            return [Self.fit(text, max(1, columns))] + Array(repeating: "", count: max(0, rows - 1))
        }
        let keys = Self.wrap(Self.keyHelp(step: picker.step, zoom: picker.zoom.level), width: columns, maxLines: 2)
        let status = [cursorLine(width: columns), pendingLine(), selectionLine()].map { Self.fit($0, columns) }
        let chartRows = rows - 1 - status.count - keys.count
        var header = "range pick — \(runName)"
        if picker.zoom.isZoomed { header += " · " + picker.zoom.description }
        if let message = picker.message { header += " · " + message }
        header = Self.fit(header, columns)
        if colorMode != .none { header = "\u{1B}[1m" + header + "\u{1B}[0m" }
        return [header] + chart(columns: columns, rows: chartRows, colorMode: colorMode) + status + keys
    }

    /// The loss chart with the picker's marks, exactly `rows` lines.
    func chart(columns: Int, rows: Int, colorMode: TerminalColorMode) -> [String] {
        var renderer = TerminalRenderer(width: columns, height: rows, colorMode: colorMode)
        renderer.shadesHighlights = true
        var figure = Figure.lossCurves(curves, currentEpoch: picker.cursor, selection: selection)
        figure.title = ""
        if picker.zoom.isZoomed {
            let window = Double(picker.zoom.window.lowerBound)...Double(picker.zoom.window.upperBound)
            figure.panels = figure.panels.map { $0.windowed(window) }
        }
        var lines = renderer.render(figure).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if lines.count > rows { lines.removeLast(lines.count - rows) }
        return lines + Array(repeating: "", count: rows - lines.count)
    }

    /// The picked and pending ranges and the epochs they select, for the chart's marks.
    var selection: EpochSelection {
        let epochs = picker.result.flatMap { try? CheckpointSelection($0).epochs } ?? []
        return EpochSelection(picker.result ?? EpochSet(items: []), epochs: epochs, available: picker.checkpoints)
    }

    /// The epoch under the cursor, its losses, whether it has a checkpoint, and its accuracies when they fit `width`.
    func cursorLine(width: Int) -> String {
        let epoch = picker.cursor
        var text = "cursor \(epoch)"
        var accuracy: String?
        if let index = nearestRow(to: epoch) {
            if curves.epochs[index] != epoch { text += " (metrics of \(curves.epochs[index]))" }
            func value(_ values: [Double], _ format: String) -> String? {
                index < values.count ? String(format: format, values[index]) : nil
            }
            if let train = value(curves.trainLoss, "%.3e"), let test = value(curves.testLoss, "%.3e") {
                text += " · train loss \(train) · test loss \(test)"
            }
            if let train = value(curves.trainAcc.map { $0 * 100 }, "%.1f%%"), let test = value(curves.testAcc.map { $0 * 100 }, "%.1f%%") {
                accuracy = " · accuracy \(train)/\(test)"
            }
        }
        text += Self.binarySearch(picker.checkpoints, epoch) ? " · ◆ checkpoint" : " · no checkpoint"
        if let accuracy, text.count + accuracy.count <= width { text += accuracy }
        return text
    }

    func pendingLine() -> String {
        guard let item = picker.pending else {
            return "pending: none ([ marks a start, ] an end at the cursor) · step \(picker.step)"
        }
        let count = (item.end - item.start) / item.step + 1
        let present = picker.checkpoints.filter { $0 >= item.start && $0 <= item.end && ($0 - item.start) % item.step == 0 }.count
        var text = "pending \(EpochSet(items: [item]))"
        if !picker.pendingIsFixed { text += " (one end at the cursor)" }
        return text + " → \(count) epoch\(count == 1 ? "" : "s"): \(present) ◆ with checkpoints, \(count - present) ◇ without"
    }

    func selectionLine() -> String {
        guard let set = picker.result else {
            return picker.initial == nil ? "Enter applies: nothing picked yet (no selection: every checkpoint is used)"
                : "Enter applies: range clear (every checkpoint is used)"
        }
        var text = "Enter applies: range \(set)"
        do {
            let epochs = try CheckpointSelection(set).epochs
            let present = epochs.filter { Self.binarySearch(picker.checkpoints, $0) }.count
            text += " → \(epochs.count) epochs, \(present) with checkpoints"
        } catch let error as EpochSetError {
            text += " — refused: \(error.reason)"
        } catch {
            text += " — refused: \(error)"
        }
        if let initial = picker.initial, initial == set { text += " (unchanged)" }
        return text
    }

    /// The metrics row nearest to `epoch` (the earlier on a tie).
    func nearestRow(to epoch: Int) -> Int? {
        let epochs = curves.epochs
        guard !epochs.isEmpty else { return nil }
        var lo = 0, hi = epochs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if epochs[mid] < epoch { lo = mid + 1 } else { hi = mid }
        }
        if lo == epochs.count { return epochs.count - 1 }
        if lo > 0, epoch - epochs[lo - 1] <= epochs[lo] - epoch { return lo - 1 }
        return lo
    }

    static func keyHelp(step: Int, zoom: Int) -> [String] {
        ["←/→ move", "⇧←/⇧→ PgUp/PgDn ×10", "Home/End", "[ start", "] end", "+/- or 0-9 step (\(step))", "a add range",
         "⌫ undo", "z/x zoom (\(zoom)×)", "r whole run", "Enter apply", "Esc/q cancel"]
    }

    /// Items joined by two spaces into at most `maxLines` lines of `width` (the last line cut if needed).
    static func wrap(_ items: [String], width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for item in items {
            let candidate = current.isEmpty ? item : current + "  " + item
            if candidate.count <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = item
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines - 1)) + [lines[(maxLines - 1)...].joined(separator: "  ")]
        }
        return lines.map { fit($0, width) }
    }

    /// `text` cut to `width` characters, with an ellipsis when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    static func binarySearch(_ sorted: [Int], _ value: Int) -> Bool {
        var lo = 0, hi = sorted.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if sorted[mid] == value { return true }
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid - 1 }
        }
        return false
    }
}
