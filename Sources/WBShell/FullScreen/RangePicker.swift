import Foundation
import WBTraining

/// The model of `range pick`: a cursor over a run's epochs, the ranges picked so far (starting from the run's current
/// selection), a pending range whose ends are set with `[` and `]`, and the step. Pure: `handle(_:)` turns a key into
/// the next state, so key sequences are tested without a terminal; `RangePickerFrame` draws a state and
/// `RangePickerView` connects both to the terminal.
///
/// Keys: ←/→ move by `unit` (a round number of epochs near one chart column), Shift/Ctrl+←/→ and PgUp/PgDn by ten units,
/// Home/End to the ends; `[` / `]` set the start / end at the cursor (until both are set the other end follows the
/// cursor; reversed ends are swapped); `+`/`-` (or ↑/↓) step through round steps, digits type a step; `a` adds the
/// pending range to the list; Backspace undoes (a typed digit, the pending range, then the last range); `z` zooms the
/// chart in around the cursor, `x` (or `Z`) out, `r` back to the whole run (`ChartZoom`: the unit shrinks with the
/// window, which follows the cursor); Enter confirms; Esc, `q` or Ctrl-C cancel.
public struct RangePicker: Equatable {
    /// How picking ended. `confirmed(nil)` clears the selection (every range was removed).
    public enum Outcome: Equatable { case confirmed(EpochSet?), cancelled }

    /// The epochs the cursor moves over: from the first to the last epoch with metrics or a checkpoint.
    public let lowest: Int
    public let highest: Int
    /// Epochs that have a checkpoint.
    public let checkpoints: [Int]
    /// The selection when picking started.
    public let initial: EpochSet?

    public private(set) var cursor: Int
    /// Ranges added so far (the initial selection's first).
    public private(set) var ranges: [EpochSet.Item]
    public private(set) var start: Int?
    public private(set) var end: Int?
    public private(set) var step: Int
    /// What the last key did or why it did nothing (shown in the frame's header).
    public private(set) var message: String?
    public private(set) var outcome: Outcome?
    /// Width of the chart in cells; sets the cursor's unit.
    public var chartColumns: Int = 100
    /// The epochs the chart shows (the whole run until `z` zooms in).
    public private(set) var zoom: ChartZoom
    /// Digits typed in a row build one step (`2`, `5` → 25).
    private var typingStep = false
    /// The step before the first typed digit (Backspace over every digit brings it back).
    private var stepBeforeTyping = 1

    /// The largest step digits can type.
    static let maximumStep = 10_000_000

    /// - Parameters:
    ///   - epochs: epochs with metrics (the curves' x values), sorted.
    ///   - checkpoints: epochs with a checkpoint, sorted.
    ///   - selection: the current selection, whose ranges the picker starts from.
    ///   - cursor: where the cursor starts (the session's epoch), clamped into the run.
    public init(epochs: [Int], checkpoints: [Int], selection: EpochSet?, cursor: Int?) {
        lowest = min(epochs.first ?? 0, checkpoints.first ?? Int.max)
        highest = max(epochs.last ?? 0, checkpoints.last ?? 0, lowest)
        self.checkpoints = checkpoints
        initial = selection
        ranges = selection?.items ?? []
        self.cursor = min(highest, max(lowest, cursor ?? lowest))
        zoom = ChartZoom(lowest: lowest, highest: highest)
        step = Self.defaultStep(selection: selection, checkpoints: checkpoints, span: highest - lowest)
    }

    /// The step of the selection's last range; else the spacing of the checkpoints when it gives at least ten across the
    /// run; else a round step giving about twenty.
    static func defaultStep(selection: EpochSet?, checkpoints: [Int], span: Int) -> Int {
        if let last = selection?.items.last(where: { $0.end > $0.start }) { return last.step }
        var gaps: [Int: Int] = [:]
        for (a, b) in zip(checkpoints, checkpoints.dropFirst()) { gaps[b - a, default: 0] += 1 }
        if let common = gaps.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key, common > 0, span / common >= 10 {
            return common
        }
        return roundNumber(near: Double(span) / 20)
    }

    // MARK: derived

    /// Epochs one ←/→ moves: the round number (1, 2, 5 × 10ⁿ) nearest to one chart column (of the zoomed window).
    public var unit: Int { Self.roundNumber(near: Double(zoom.span) / Double(max(1, chartColumns - 1))) }

    /// The range being drawn: between the set ends, the cursor standing in for an end not set yet; nil before `[` or `]`.
    public var pending: EpochSet.Item? {
        guard start != nil || end != nil else { return nil }
        let a = start ?? cursor, b = end ?? cursor
        let lo = min(a, b), hi = max(a, b)
        return EpochSet.Item(start: lo, end: hi, step: lo == hi ? 1 : step)
    }

    /// Whether both ends were set (else one follows the cursor).
    public var pendingIsFixed: Bool { start != nil && end != nil }

    /// The selection Enter would confirm: the ranges and the pending one; nil when there are none.
    public var result: EpochSet? {
        let items = ranges + (pending.map { [$0] } ?? [])
        return items.isEmpty ? nil : EpochSet(items: items)
    }

    // MARK: keys

    public mutating func handle(_ key: Key) {
        guard outcome == nil else { return }
        message = nil
        let wasTyping = typingStep
        typingStep = false
        switch key {
        case .left(let modifiers): move(by: modifiers.isEmpty ? -unit : -10 * unit)
        case .right(let modifiers): move(by: modifiers.isEmpty ? unit : 10 * unit)
        case .pageUp: move(by: -10 * unit)
        case .pageDown: move(by: 10 * unit)
        case .home: cursor = lowest; zoom.follow(cursor)
        case .end: cursor = highest; zoom.follow(cursor)
        case .character("["):
            start = cursor
            message = end == nil ? "start \(cursor); move and press ] for the end" : "start \(cursor)"
        case .character("]"):
            end = cursor
            message = start == nil ? "end \(cursor); move and press [ for the start" : "end \(cursor)"
        case .character("+"), .character("="), .up:
            setStep(Self.roundSteps(upTo: Self.maximumStep).first { $0 > step } ?? step)
        case .character("-"), .character("_"), .down:
            setStep(Self.roundSteps(upTo: step).last { $0 < step } ?? 1)
        case .character(let c) where c.isASCII && c.isNumber:
            typeDigit(Int(String(c))!, continuing: wasTyping)
        case .character("a"), .character("A"):
            addPending()
        case .character("z"):
            message = zoom.zoomIn(around: cursor) ? "←/→ move by \(unit)" : "zoomed in as far as it goes"
        case .character("x"), .character("Z"):
            message = zoom.zoomOut(around: cursor) ? "←/→ move by \(unit)" : "the whole run is shown (z zooms in)"
        case .character("r"), .character("R"):
            zoom.reset()
            message = "the whole run: ←/→ move by \(unit)"

        case .backspace, .delete:
            undo(typing: wasTyping)
        case .enter:
            confirm()
        case .escape, .interrupt, .endOfInput, .character("q"), .character("Q"):
            outcome = .cancelled
        default:
            message = "keys: ←/→ move, [ ] ends, +/- or digits step, a add, z/x zoom, r whole run, Enter apply, Esc cancel"
        }
    }

    private mutating func move(by delta: Int) {
        guard delta != 0 else { return }
        let size = abs(delta)
        // To the next multiple of the move in that direction, so the cursor stays on round epochs.
        let target = delta > 0 ? (Self.floorDiv(cursor, size) + 1) * size : (Self.ceilDiv(cursor, size) - 1) * size
        cursor = min(highest, max(lowest, target))
        zoom.follow(cursor)
    }

    private mutating func setStep(_ value: Int) {
        step = max(1, min(Self.maximumStep, value))
        message = "step \(step)"
    }

    private mutating func typeDigit(_ digit: Int, continuing: Bool) {
        if continuing {
            let value = step * 10 + digit
            guard value <= Self.maximumStep else {
                message = "a step is at most \(Self.maximumStep)"
                typingStep = true
                return
            }
            step = value
        } else {
            guard digit > 0 else {
                message = "a step is at least 1: type 1-9 first"
                return
            }
            stepBeforeTyping = step
            step = digit
        }
        typingStep = true
        message = "step \(step) (more digits add to it, ⌫ erases one)"
    }

    private mutating func undo(typing: Bool) {
        if typing {
            typingStep = step >= 10
            step = typingStep ? step / 10 : stepBeforeTyping
            message = "step \(step)"
        } else if start != nil || end != nil {
            start = nil
            end = nil
            message = "pending range removed"
        } else if let last = ranges.popLast() {
            message = "removed \(EpochSet(items: [last]))"
        } else {
            message = "nothing to undo"
        }
    }

    /// Adds the pending range to `ranges` when the result stays within what `range` accepts.
    private mutating func addPending() {
        guard let item = pending else {
            message = "nothing to add: [ marks a start, ] an end"
            return
        }
        guard let problem = Self.problem(ranges + [item]) else {
            ranges.append(item)
            start = nil
            end = nil
            message = "added \(EpochSet(items: [item])); mark the next range or press Enter"
            return
        }
        message = problem
    }

    private mutating func confirm() {
        if let item = pending {
            if let problem = Self.problem(ranges + [item]) {
                message = problem
                return
            }
            ranges.append(item)
            start = nil
            end = nil
        }
        if ranges.isEmpty {
            guard initial != nil else {
                message = "nothing picked yet: [ marks a start, ] an end; Esc leaves"
                return
            }
            outcome = .confirmed(nil)
        } else {
            outcome = .confirmed(EpochSet(items: ranges))
        }
    }

    /// Why these ranges would be refused as a selection (too many epochs), or nil.
    static func problem(_ items: [EpochSet.Item]) -> String? {
        do { _ = try CheckpointSelection(EpochSet(items: items)) } catch let error as EpochSetError {
            return error.reason + "; use a coarser step (+ or digits)"
        } catch {
            return "\(error)"
        }
        return nil
    }

    // MARK: round numbers

    /// The nearest of 1, 2, 5, 10, 20, 50, … to `value` (on a log scale), at least 1.
    static func roundNumber(near value: Double) -> Int {
        guard value > 1 else { return 1 }
        var best = 1
        var magnitude = 1
        while magnitude <= Int.max / 100 {
            for m in [1, 2, 5] {
                let candidate = m * magnitude
                if abs(log(Double(candidate) / value)) < abs(log(Double(best) / value)) { best = candidate }
            }
            if Double(magnitude) > value { break }
            magnitude *= 10
        }
        return best
    }

    /// Steps `+` and `-` go through: 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, … up to `limit`.
    static func roundSteps(upTo limit: Int) -> [Int] {
        var steps = [1, 2, 5]
        var magnitude = 10
        while magnitude <= limit {
            steps += [magnitude, 2 * magnitude, 5 * magnitude / 2, 5 * magnitude]
            magnitude *= 10
        }
        return steps.filter { $0 <= max(1, limit) }
    }

    /// The keys, for `help range`.
    public static let helpLines = [
        "←/→ move (a round number of epochs near one chart column); Shift+←/→, PgUp/PgDn ten times that; Home/End",
        "[ and ] set the start and end at the cursor (until both are set, the cursor is the other end)",
        "+ and - (or ↑/↓) step through 1 2 5 10 20 25 50 …; digits type a step (2 then 5: 25)",
        "a adds the range and starts another; Backspace undoes (a digit, the pending range, the last range)",
        "z zooms the chart in around the cursor (half the epochs, and ←/→ move by half as many), x or Z zooms out,",
        "r shows the whole run again; the zoomed chart follows the cursor when it leaves it",
        "Enter applies (with the pending range); Esc, q or Ctrl-C leave the selection as it was",
        "under the chart: ┣━┫ ranges, ◆ selected epochs with a checkpoint, ◇ without one, · other checkpoints",
    ]

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
}
