import Foundation
import XCTest
import WBPlotting
@testable import WBShell
@testable import WBTraining

/// `range pick` without a terminal: the state machine (keys → ranges, step, outcome) and the frames it draws.
final class RangePickerTests: XCTestCase {
    /// A run of 200 epochs (metrics every epoch) with checkpoints every 20.
    let epochs = Array(0...200)
    let checkpoints = Array(stride(from: 0, through: 200, by: 20))

    func picker(selection: String? = nil, cursor: Int? = nil, columns: Int = 101) throws -> RangePicker {
        var picker = RangePicker(epochs: epochs, checkpoints: checkpoints, selection: try selection.map(EpochSet.parse), cursor: cursor)
        picker.chartColumns = columns
        return picker
    }

    func press(_ keys: [Key], on picker: inout RangePicker) { for key in keys { picker.handle(key) } }
    func repeated(_ key: Key, _ count: Int) -> [Key] { Array(repeating: key, count: count) }
    func typed(_ text: String) -> [Key] { text.map { .character($0) } }

    func testMovingSettingEndsAndConfirming() throws {
        var p = try picker()
        XCTAssertEqual(p.cursor, 0)
        XCTAssertEqual(p.unit, 2, "200 epochs over 100 columns")
        XCTAssertEqual(p.step, 20, "the checkpoint spacing, since it gives ten or more")
        press(repeated(.right([]), 5) + typed("["), on: &p)
        XCTAssertEqual(p.start, 10)
        XCTAssertEqual(p.pending, EpochSet.Item(start: 10, end: 10, step: 1), "the cursor stands in for the end")
        press([.right(.shift)], on: &p)
        XCTAssertEqual(p.cursor, 20, "big steps land on multiples of ten units")
        press([.pageDown, .pageDown, .left([])], on: &p)
        XCTAssertEqual(p.cursor, 58)
        XCTAssertEqual(p.pending, EpochSet.Item(start: 10, end: 58, step: 20), "the pending range follows the cursor")
        XCTAssertFalse(p.pendingIsFixed)
        press(typed("]") + [.right([])], on: &p)
        XCTAssertEqual(p.pending, EpochSet.Item(start: 10, end: 58, step: 20), "both ends fixed: the cursor no longer matters")
        press(typed("+"), on: &p)
        XCTAssertEqual(p.step, 25)
        XCTAssertNil(p.outcome)
        press([.enter], on: &p)
        let set = try EpochSet.parse("10..58 step 25")
        XCTAssertEqual(p.outcome, .confirmed(set))
        XCTAssertEqual(set.description, "10..58 step 25")
        XCTAssertEqual(try set.epochs(), [10, 35])
        press([.right([]), .escape], on: &p)
        XCTAssertEqual(p.outcome, .confirmed(set), "keys after the outcome change nothing")
    }

    func testReversedEndsAreSwapped() throws {
        var p = try picker(cursor: 120)
        press(typed("[") + repeated(.pageUp, 4) + typed("]"), on: &p)
        XCTAssertEqual(p.start, 120)
        XCTAssertEqual(p.end, 40)
        XCTAssertEqual(p.pending, EpochSet.Item(start: 40, end: 120, step: 20))
        press([.enter], on: &p)
        XCTAssertEqual(p.outcome, .confirmed(try EpochSet.parse("40..120 step 20")))
        // Only an end set: the range runs from the cursor to it, whichever side the cursor is on.
        var q = try picker(cursor: 100)
        press(typed("]") + [.end], on: &q)
        XCTAssertEqual(q.pending, EpochSet.Item(start: 100, end: 200, step: 20))
    }

    func testCursorIsClampedToTheRun() throws {
        var p = try picker(cursor: 5000)
        XCTAssertEqual(p.cursor, 200, "a start beyond the run is clamped")
        press([.right([]), .pageDown, .right(.shift)], on: &p)
        XCTAssertEqual(p.cursor, 200)
        press([.home, .left([]), .pageUp, .left(.shift)], on: &p)
        XCTAssertEqual(p.cursor, 0)
        press([.end], on: &p)
        XCTAssertEqual(p.cursor, 200)
        var q = RangePicker(epochs: Array(50...150), checkpoints: [50, 100, 150], selection: nil, cursor: nil)
        q.chartColumns = 51
        XCTAssertEqual(q.cursor, 50)
        press([.left([]), .pageUp], on: &q)
        XCTAssertEqual(q.cursor, 50)
        press([.right([])], on: &q)
        XCTAssertEqual(q.cursor, 52, "moves land on multiples of the unit")
    }

    func testStepKeysAndDigits() throws {
        var p = try picker()
        press(typed("+"), on: &p); XCTAssertEqual(p.step, 25)
        press(typed("++"), on: &p); XCTAssertEqual(p.step, 100)
        press(typed("-"), on: &p); XCTAssertEqual(p.step, 50)
        press([.down([]), .down([])], on: &p); XCTAssertEqual(p.step, 20, "↓ is -")
        press([.up([])], on: &p); XCTAssertEqual(p.step, 25, "↑ is +")
        press(repeated(.character("-"), 10), on: &p); XCTAssertEqual(p.step, 1, "never below 1")
        press(typed("37"), on: &p); XCTAssertEqual(p.step, 37, "digits typed in a row make one number")
        press(typed("-"), on: &p); XCTAssertEqual(p.step, 25, "- goes to the next round step below")
        press(typed("4") + [.home] + typed("5"), on: &p)
        XCTAssertEqual(p.step, 5, "another key in between starts a new number")
        press(typed("0"), on: &p); XCTAssertEqual(p.step, 50)
        press([.backspace], on: &p); XCTAssertEqual(p.step, 5, "Backspace erases a typed digit")
        press([.backspace], on: &p); XCTAssertEqual(p.step, 4, "…and erasing the last brings back the step before it")
        press([.home] + typed("0"), on: &p)
        XCTAssertEqual(p.step, 4, "a step cannot start with 0")
        XCTAssertEqual(p.message, "a step is at least 1: type 1-9 first")
        press(typed("99999999"), on: &p)
        XCTAssertEqual(p.step, 9_999_999)
        XCTAssertEqual(p.message, "a step is at most 10000000")
        // A range of one epoch has step 1 (so its spec reads back the same).
        var q = try picker(cursor: 40)
        press(typed("[]") + [.enter], on: &q)
        XCTAssertEqual(q.outcome, .confirmed(EpochSet(items: [.init(start: 40, end: 40, step: 1)])))
    }

    func testSeveralRangesAndUndo() throws {
        var p = try picker()
        press(typed("[") + repeated(.right([]), 10) + typed("]") + typed("10a"), on: &p)
        XCTAssertEqual(p.ranges, [EpochSet.Item(start: 0, end: 20, step: 10)])
        XCTAssertNil(p.pending, "adding clears the pending range")
        XCTAssertEqual(p.message, "added 0..20 step 10; mark the next range or press Enter")
        press(typed("a"), on: &p)
        XCTAssertEqual(p.message, "nothing to add: [ marks a start, ] an end")
        press([.end] + typed("[") + repeated(.pageUp, 5) + typed("50") + [.enter], on: &p)
        let expected = try EpochSet.parse("0..20 step 10, 100..200 step 50")
        XCTAssertEqual(p.outcome, .confirmed(expected), "Enter adds the pending range, then confirms")
        XCTAssertEqual(try EpochSet.parse(expected.description), expected, "the spec reads back as the same set")
        // Backspace: the pending range first, then the last range.
        var q = try picker()
        press(typed("[") + [.end] + typed("]a[") + [.backspace], on: &q)
        XCTAssertNil(q.start)
        XCTAssertEqual(q.ranges.count, 1)
        press([.backspace], on: &q)
        XCTAssertEqual(q.ranges, [])
        XCTAssertEqual(q.message, "removed 0..200 step 20")
        press([.backspace], on: &q)
        XCTAssertEqual(q.message, "nothing to undo")
        press([.enter], on: &q)
        XCTAssertNil(q.outcome, "Enter with nothing picked and no selection does nothing")
        XCTAssertEqual(q.message, "nothing picked yet: [ marks a start, ] an end; Esc leaves")
    }

    func testStartsFromTheCurrentSelection() throws {
        var p = try picker(selection: "0..50 step 10, 150")
        XCTAssertEqual(p.ranges.count, 2)
        XCTAssertEqual(p.step, 10, "the step of the selection's last range")
        XCTAssertEqual(p.result, try EpochSet.parse("0..50 step 10, 150"))
        press([.backspace, .enter], on: &p)
        XCTAssertEqual(p.outcome, .confirmed(try EpochSet.parse("0..50 step 10")))
        var q = try picker(selection: "0..50 step 10")
        press([.backspace, .enter], on: &q)
        XCTAssertEqual(q.outcome, .confirmed(nil), "every range removed: Enter clears the selection")
    }

    func testCancelKeys() throws {
        for key in [Key.escape, .interrupt, .character("q"), .endOfInput] {
            var p = try picker(selection: "0..50 step 10")
            press(typed("[") + [.end] + typed("]a") + [key], on: &p)
            XCTAssertEqual(p.outcome, .cancelled, "\(key)")
            XCTAssertEqual(p.initial, try EpochSet.parse("0..50 step 10"))
        }
    }

    func testTooManyEpochsAreRefusedInThePicker() throws {
        var p = RangePicker(epochs: [0, 40_000], checkpoints: [0, 40_000], selection: nil, cursor: 0)
        press(typed("1[") + [.end] + typed("]") + [.enter], on: &p)
        XCTAssertNil(p.outcome)
        XCTAssertEqual(p.message, "it names 40001 epochs; at most \(CheckpointSelection.maximumEpochs) are allowed; use a coarser step (+ or digits)")
        press(typed("a"), on: &p)
        XCTAssertEqual(p.ranges, [], "not added either")
        press(typed("5") + [.enter], on: &p)
        XCTAssertEqual(p.outcome, .confirmed(try EpochSet.parse("0..40000 step 5")))
    }

    /// `z` halves the chart's window around the cursor, `x` (or `Z`) doubles it, `r` shows the whole run; the unit
    /// shrinks with the window and the window follows the cursor.
    func testZoomKeys() throws {
        var p = RangePicker(epochs: Array(stride(from: 0, through: 4000, by: 10)), checkpoints: [0, 2000, 4000], selection: nil,
                            cursor: 1000)
        p.chartColumns = 101
        XCTAssertEqual(p.zoom.window, 0...4000)
        XCTAssertEqual(p.unit, 50)
        press(typed("z"), on: &p)
        XCTAssertEqual(p.zoom.window, 0...2000, "half the run around the cursor, kept inside the run")
        XCTAssertEqual(p.unit, 20)
        XCTAssertEqual(p.message, "←/→ move by 20", "the header names the zoom")
        press(typed("z"), on: &p)
        XCTAssertEqual(p.zoom.window, 500...1500)
        XCTAssertEqual(p.zoom.description, "epochs 500–1,500 (zoom 4×)")
        XCTAssertEqual(p.unit, 10)
        press([.right([])], on: &p)
        XCTAssertEqual(p.cursor, 1010, "the cursor moves by the zoomed unit")
        press([.end], on: &p)
        XCTAssertEqual(p.zoom.window, 3000...4000, "the window follows the cursor")
        press([.pageUp, .pageUp], on: &p)
        XCTAssertEqual(p.cursor, 3800)
        XCTAssertEqual(p.zoom.window, 3000...4000, "inside the window it stays")
        press(repeated(.pageUp, 10), on: &p)
        XCTAssertEqual(p.cursor, 2800)
        XCTAssertEqual(p.zoom.window, 2800...3800, "left behind: it moves just enough")
        press(typed("x"), on: &p)
        XCTAssertEqual(p.zoom.window, 1800...3800)
        XCTAssertEqual(p.unit, 20)
        press(typed("Z"), on: &p)
        XCTAssertEqual(p.zoom.window, 0...4000)
        press(typed("x"), on: &p)
        XCTAssertEqual(p.message, "the whole run is shown (z zooms in)")
        press(typed("zzzzzzzz"), on: &p)
        XCTAssertEqual(p.zoom.level, 256, "4000 epochs / 256 ≥ 8")
        XCTAssertEqual(p.zoom.window, 2793...2808)
        XCTAssertEqual(p.unit, 1)
        press(typed("z"), on: &p)
        XCTAssertEqual(p.message, "zoomed in as far as it goes")
        XCTAssertEqual(p.zoom.level, 256)
        press(typed("r"), on: &p)
        XCTAssertEqual(p.zoom.window, 0...4000)
        XCTAssertEqual(p.message, "the whole run: ←/→ move by 50")
        XCTAssertNil(p.outcome, "zooming never ends the pick")
        XCTAssertEqual(p.ranges, [])
    }

    func testRoundNumbers() {
        XCTAssertEqual([0.3, 1, 1.4, 1.5, 2.9, 3.3, 7, 571, 1000].map(RangePicker.roundNumber), [1, 1, 1, 2, 2, 5, 5, 500, 1000])
        XCTAssertEqual(RangePicker.roundSteps(upTo: 1000), [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000])
    }

    // MARK: frames

    let curves = SampleData.run(name: "demo", count: 201)

    func view(selection: String? = nil) throws -> RangePickerView {
        RangePickerView(picker: RangePicker(epochs: epochs, checkpoints: checkpoints, selection: try selection.map(EpochSet.parse), cursor: nil),
                        curves: curves, runName: "demo")
    }

    func testFrameAt80x24() throws {
        let v = try view()
        _ = v.frame(columns: 80, rows: 24, colorMode: .none)
        for key in [.home] + repeated(.right([]), 10) + typed("[") + repeated(.pageDown, 2) + repeated(.right([]), 5) + typed("]") {
            XCTAssertTrue(v.handle(key), "\(key) keeps the picker open")
        }
        let frame = v.frame(columns: 80, rows: 24, colorMode: .none)
        let expected = """
        range pick — demo · end 70
        ━━ train   ╍╍ test
            ┌─ loss ──────────────────▼ epoch 70 ─────────────────────────────────────┐
            │      ⡀⡀  ⢀   ⢀ ⡀⢀ ⡀     ⢸                                               │
            │⣰⠉⠉⠉⠉⠈⠁⠈⠈⠁⠁⠉⠉⠉⠁⠈⠈⠁⠉⠈⠉⠉⠉⠑⠒⢺⠠⡄⡀                                            │
         10⁰┤⠈⠢⡄                      ⢸  ⠈⠐⠂⡄                                         │
            │  ⠈⠲⢄                    ⢸      ⠙⠠⡀⡀       ⢠                             │
            │    ⠈⠑⢄⡀                 ⢸         ⠁⠲⢀⡀    ⢸                             │
            │       ⠘⢤                ⢸             ⠒⢄⡀ ⠈⡆                            │
        10⁻³┤         ⠉⠓⠤⣀⣀           ⢸               ⠈⠑⠇⣁                            │
            │              ⠉⠉⠙⠒⠒⠢⠤⠢⠤⢄⣀⣸⣀⣀⣀                ⠘⠂⠤⣀                        │
            │                         ⢸  ⠈⠉⠉⠑⠚⠒⠒⠢⠴⠤⠤⡤⣀⣀⣀⣀⡀    ⠉⠉⠑⠒⠒⠤⠠⠄⠤⢠⠄⣀⢀⣀⡀⢀        │
            │                         ⢸                  ⠈⠉⠉⠉⠓⠒⠒⠒⠢⠢⠤⠤⡠⣠⣀⣀⣀   ⠁⠈⠁⠉⠐⠁⠒⠒⠂│
        10⁻⁶┤                         ⢸                                   ⠉⠉⠉⠉⠑⠒⠒⠒⠒⠲⠤⠤│
            │                         ⢸                                               │
            └┬──────┬──────┬───────┬──────┬──────┬──────┬──────┬───────┬──────┬──────┬┘
             0     20     40      60     80     100    120    140     160    180    200
                                               epoch
        ckpt ·      ◆━━━━━━◆━━━━━━━◆━━┫   ·      ·      ·      ·       ·      ·      ·
        cursor 70 · train loss 1.102e-04 · test loss 8.900e+00 · no checkpoint
        pending 20..70 step 20 → 3 epochs: 3 ◆ with checkpoints, 0 ◇ without
        Enter applies: range 20..70 step 20 → 3 epochs, 3 with checkpoints
        ←/→ move  ⇧←/⇧→ PgUp/PgDn ×10  Home/End  [ start  ] end  +/- or 0-9 step (20)
        a add range  ⌫ undo  z/x zoom (1×)  r whole run  Enter apply  Esc/q cancel
        """
        XCTAssertEqual(frame.joined(separator: "\n"), expected)
        XCTAssertFalse(v.handle(.enter), "Enter ends it")
        XCTAssertEqual(v.picker.outcome, .confirmed(try EpochSet.parse("20..70 step 20")))
    }

    func testFrameAt120x40WithColorAndSeveralRanges() throws {
        let v = try view(selection: "150..200 step 10")
        _ = v.frame(columns: 120, rows: 40, colorMode: .ansi256)
        XCTAssertEqual(v.picker.unit, 2, "200 epochs over a 113-column chart")
        for key in [.home] + repeated(.right([]), 10) + typed("[") + repeated(.pageDown, 2) + repeated(.right([]), 5) + typed("]25") {
            _ = v.handle(key)
        }
        let color = v.frame(columns: 120, rows: 40, colorMode: .ansi256)
        XCTAssertEqual(color.count, 40)
        XCTAssertTrue(color[0].hasPrefix("\u{1B}[1mrange pick — demo · step 25"), color[0])
        let plain = color.map(Self.stripEscapes)
        XCTAssertEqual(plain, v.frame(columns: 120, rows: 40, colorMode: .none), "colour only adds escape codes")
        for line in plain { XCTAssertLessThanOrEqual(line.count, 120, line) }
        let strip = try XCTUnwrap(plain.first { $0.hasPrefix("ckpt") })
        // Columns: epoch e sits at 5 + round(e / 200 × 112).
        func column(_ epoch: Int) -> Int { 5 + Int((Double(epoch) / 200 * 112).rounded()) }
        func glyph(_ epoch: Int) -> Character { Array(strip)[column(epoch)] }
        XCTAssertEqual([20, 45, 70].map(glyph), ["◆", "◇", "◇"], "the pending range's epochs: with and without checkpoints")
        XCTAssertEqual([0, 100, 120].map(glyph), ["·", "·", "·"], "other checkpoints")
        XCTAssertEqual([40, 60].map(glyph), ["━", "━"], "inside a range, the range's bar")
        XCTAssertEqual([150, 160, 170, 180, 190, 200].map(glyph), ["◇", "◆", "◇", "◆", "◇", "◆"], "the selection the picker started from")
        XCTAssertEqual(glyph(155), "━")
        XCTAssertEqual(Array(plain[2])[column(70)], "▼", "the cursor on the top border")
        XCTAssertEqual(Array(plain[3])[column(70)], "⢸", "and as a line through the chart")
        XCTAssertEqual(Array(plain.suffix(5)), [
            "cursor 70 · train loss 1.102e-04 · test loss 8.900e+00 · no checkpoint · accuracy 100.0%/50.5%",
            "pending 20..70 step 25 → 3 epochs: 1 ◆ with checkpoints, 2 ◇ without",
            "Enter applies: range 150..200 step 10, 20..70 step 25 → 9 epochs, 4 with checkpoints",
            "←/→ move  ⇧←/⇧→ PgUp/PgDn ×10  Home/End  [ start  ] end  +/- or 0-9 step (25)  a add range  ⌫ undo  z/x zoom (1×)",
            "r whole run  Enter apply  Esc/q cancel",
        ])
        // The ranges are shaded in the plot area (a background colour), and only there.
        let plotRow = color[6]
        XCTAssertTrue(plotRow.contains("\u{1B}[48;5;"), "a shaded background in the plot area")
        let shadedColumns = Self.shadedColumns(plotRow)
        XCTAssertEqual(shadedColumns.first, column(20))
        XCTAssertTrue(shadedColumns.contains(column(70)) && shadedColumns.contains(column(150)) && shadedColumns.contains(column(200)))
        XCTAssertFalse(shadedColumns.contains(column(100)))
    }

    /// Zoomed in twice around epoch 70: the header names the window and the zoom, the chart's x axis runs over those
    /// epochs only (the y axis fitted to them), and the keys show the zoom.
    func testFrameZoomedIn() throws {
        let v = try view(selection: "40..80 step 20")
        _ = v.frame(columns: 80, rows: 24, colorMode: .none)
        for key in [.home] + repeated(.right([]), 35) + typed("zz") { _ = v.handle(key) }
        XCTAssertEqual(v.picker.cursor, 70)
        let frame = v.frame(columns: 80, rows: 24, colorMode: .none)
        let expected = """
        range pick — demo · epochs 45–95 (zoom 4×) · ←/→ move by 1
        ━━ train   ╍╍ test
            ┌─ loss ─────────────────────────────▼ epoch 70 ──────────────────────────┐
         10²┤                                    ⢸                                    │
            │⠉⠒ ⠒⠁⠈⠉ ⠒⠂⠐⠉ ⠒⠒ ⠒⠂⠐⠒ ⠒⠂⠠⠒ ⠒⠒ ⠤⠄⠠⠤ ⢄⡀⢸⣀ ⣀                                 │
            │                                    ⢸   ⠉ ⠉⠂⠐⠒ ⠢⠄⢀⣀⡀                     │
         10⁰┤                                    ⢸               ⠉⠉ ⠉⠂⠐⠒ ⢄⡀           │
            │                                    ⢸                         ⠈⠉⠁⠈⠒ ⠤⠄⢀⣀ │
            │                                    ⢸                                    │
        10⁻²┤                                    ⢸                                    │
            │                                    ⢸                                    │
            │                                    ⢸                                    │
            │⠉⠒⠒⠒⠒⠒⠒⠤⠤⠤⠤⠒⠢⠤⠤⠤⠤⠤⠤⠤⠤⢄⣀⣀⣀⣀⣀⣀⣀⣀   ⣀⡀ ⢸                                    │
        10⁻⁴┤                              ⠉⠉⠉ ⠈⠉⢹⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠢⠤⠤⠤⠤⠤⠤⢄⣀⠤⠤⠤⣀│
            │                                    ⢸                                    │
            └───────┬──────────────┬─────────────┬─────────────┬──────────────┬───────┘
                   50             60            70            80             90
                                               epoch
        ckpt ┣━━━━━━━━━━━━━━━━━━━━━◆━━━━━━━━━━━━━━━━━━━━━━━━━━━◆
        cursor 70 · train loss 1.102e-04 · test loss 8.900e+00 · no checkpoint
        pending: none ([ marks a start, ] an end at the cursor) · step 20
        Enter applies: range 40..80 step 20 → 3 epochs, 3 with checkpoints (unchanged)
        ←/→ move  ⇧←/⇧→ PgUp/PgDn ×10  Home/End  [ start  ] end  +/- or 0-9 step (20)
        a add range  ⌫ undo  z/x zoom (4×)  r whole run  Enter apply  Esc/q cancel
        """
        XCTAssertEqual(frame.joined(separator: "\n"), expected)
    }

    func testTooSmallAWindowSaysSo() throws {
        let frame = try view().frame(columns: 30, rows: 10, colorMode: .none)
        XCTAssertEqual(frame.count, 10)
        XCTAssertEqual(frame[0], "range pick needs a window of …")
        let wide = try view().frame(columns: 100, rows: 12, colorMode: .none)
        XCTAssertEqual(wide[0], "range pick needs a window of at least 40×16 (this one is 100×12); Esc leaves")
    }

    static func stripEscapes(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    /// The display columns of a line drawn with a background color.
    static func shadedColumns(_ line: String) -> [Int] {
        var columns: [Int] = []
        var column = 0
        var shaded = false
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "\u{1B}", let end = line[index...].firstIndex(of: "m") {
                let codes = line[line.index(index, offsetBy: 2)..<end]
                if codes.hasPrefix("48;") || codes.contains(";48;") { shaded = true }
                if codes == "0" || codes.hasSuffix("49") { shaded = false }
                index = line.index(after: end)
                continue
            }
            if shaded { columns.append(column) }
            column += 1
            index = line.index(after: index)
        }
        return columns
    }
}
