/// Series, heatmaps, marks and axis groups drawn on the terminal canvas.
extension TerminalRenderer {
    /// Colour of a palette slot for a cell.
    func style(_ slot: Int?) -> CellStyle { CellStyle(fg: slot.map(Palette.seriesColor)) }

    func drawSeries(_ panel: Panel, geo: PlotGeometry, into c: inout TextCanvas) {
        var braille = BrailleCanvas(columns: geo.columns, rows: geo.rows)
        var usedBraille = false
        for (i, s) in panel.series.enumerated() {
            let color = Palette.seriesColor(s.color ?? i)
            switch s.kind {
            case .bars:
                drawBars(s, color: color, geo: geo, into: &c)
            case .points:
                usedBraille = true
                for j in 0..<s.count {
                    if let x = geo.px(s.x[j]), let y = geo.py(s.y[j]) { braille.set(Int(x.rounded()), Int(y.rounded()), color: color) }
                }
            case .line:
                usedBraille = true
                var px: [Double] = [], py: [Double] = []
                var phase = 0
                func flush() {
                    guard !px.isEmpty else { return }
                    let keep = Downsample.minMaxIndices(px: px, y: py)
                    if keep.count == 1 { braille.set(Int(px[keep[0]].rounded()), Int(py[keep[0]].rounded()), color: color) }
                    for k in 1..<max(1, keep.count) {
                        braille.line(px[keep[k - 1]], py[keep[k - 1]], px[keep[k]], py[keep[k]], color: color, dashed: s.dashed, phase: &phase)
                    }
                    px.removeAll(keepingCapacity: true)
                    py.removeAll(keepingCapacity: true)
                }
                for j in 0..<s.count {
                    if let x = geo.px(s.x[j]), let y = geo.py(s.y[j]) {
                        px.append(x)
                        py.append(y)
                    } else {
                        flush()
                    }
                }
                flush()
            }
        }
        // Reference lines and the epoch indicator are dotted into the braille layer too, so they never hide curves.
        for m in panel.marks {
            switch m {
            case .referenceLine(let v, _):
                guard let y = geo.py(v), y >= -0.5, y <= Double(geo.pixelHeight) - 0.5 else { continue }
                usedBraille = true
                for x in stride(from: 0, to: geo.pixelWidth, by: 2) { braille.set(x, Int(y.rounded()), color: nil) }
            case .epochIndicator(let v, _) where panel.heatmap == nil:
                guard let x = geo.px(v), x >= -0.5, x <= Double(geo.pixelWidth) - 0.5 else { continue }
                usedBraille = true
                for y in 0..<geo.pixelHeight { braille.set(Int(x.rounded()), y, color: nil) }
            default: break
            }
        }
        guard usedBraille else { return }
        for r in 0..<geo.rows {
            for col in 0..<geo.columns {
                guard let ch = braille.character(col, r) else { continue }
                c.set(geo.left + col, geo.top + r, ch, CellStyle(fg: braille.color(col, r)))
            }
        }
    }

    /// Vertical bars with eighth-block tops.
    private func drawBars(_ s: Series, color: RGB, geo: PlotGeometry, into c: inout TextCanvas) {
        let eighths: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let cols = (0..<s.count).compactMap { geo.scales.x.fraction(s.x[$0]).map { $0 * Double(geo.columns) } }
        var gap = Double.infinity
        let sorted = cols.sorted()
        for i in 1..<max(1, sorted.count) where sorted[i] > sorted[i - 1] { gap = min(gap, sorted[i] - sorted[i - 1]) }
        let barW = gap.isFinite ? max(1, Int(gap * 0.7)) : 1
        let baseF: Double = geo.scales.y.axis.scale == .linear ? (geo.scales.y.fraction(max(geo.scales.y.lo, min(0, geo.scales.y.hi))) ?? 0) : 0
        for j in 0..<s.count {
            guard let fx = geo.scales.x.fraction(s.x[j]), let fy = geo.scales.y.fraction(s.y[j]) else { continue }
            let center = fx * Double(geo.columns)
            let start = Int((center - Double(barW) / 2).rounded())
            let total = Int(((min(1, fy) - baseF) * Double(geo.rows) * 8).rounded())
            guard total > 0 else { continue }
            let baseRow = Int((baseF * Double(geo.rows)).rounded())
            for col in max(0, start)..<min(geo.columns, start + barW) {
                var remaining = total
                var r = geo.rows - 1 - baseRow
                while remaining > 0 && r >= 0 {
                    let piece = min(8, remaining)
                    c.set(geo.left + col, geo.top + r, eighths[piece - 1], CellStyle(fg: color))
                    remaining -= piece
                    r -= 1
                }
            }
        }
    }

    /// Half blocks: the upper half of a cell is one pixel, the lower half the next; colours by the map, and +∞ cells in
    /// `infinityFill`'s colour. Without colour, an ASCII density ramp stands in, and a full block (the legend's sample)
    /// for +∞ cells.
    func drawHeatmap(_ h: Heatmap, geo: PlotGeometry, into c: inout TextCanvas) {
        guard h.rows > 0, h.columns > 0,
              let fx0 = geo.scales.x.fraction(h.x.lowerBound), let fx1 = geo.scales.x.fraction(h.x.upperBound),
              let fy0 = geo.scales.y.fraction(h.y.lowerBound), let fy1 = geo.scales.y.fraction(h.y.upperBound) else { return }
        let range = h.valueRange
        let lo = range.lowerBound, span = range.upperBound - range.lowerBound
        let pxW = geo.columns, pxH = geo.rows * 2
        // Average of the cells under a pixel (box filter when shrinking, nearest when enlarging).
        func sample(_ px: Int, _ py: Int) -> Double? {
            let fa = Double(px) / Double(pxW), fb = Double(px + 1) / Double(pxW)
            let ga = 1 - Double(py + 1) / Double(pxH), gb = 1 - Double(py) / Double(pxH)
            func range(_ a: Double, _ b: Double, _ f0: Double, _ f1: Double, _ n: Int) -> Range<Int>? {
                let u0 = (a - f0) / (f1 - f0) * Double(n), u1 = (b - f0) / (f1 - f0) * Double(n)
                let lo = min(u0, u1), hi = max(u0, u1)
                let mid = (lo + hi) / 2
                guard mid >= 0, mid < Double(n) else { return nil }
                let s = max(0, Int(lo.rounded(.down))), e = min(n, max(s + 1, Int(hi.rounded(.up))))
                return s..<e
            }
            guard let cr = range(fa, fb, fx0, fx1, h.columns), let rr = range(ga, gb, fy0, fy1, h.rows) else { return nil }
            var sum = 0.0, n = 0, filled = 0
            for r in rr {
                for col in cr {
                    let v = h.values[r * h.columns + col]
                    if v.isFinite {
                        sum += v
                        n += 1
                    } else if h.isInfinityFilled(v) {
                        filled += 1
                    }
                }
            }
            // +∞ stands for a pixel whose cells are all drawn in the fill.
            return n > 0 ? (sum / Double(n) - lo) / span : filled > 0 ? .infinity : nil
        }
        func color(_ t: Double) -> RGB {
            t == .infinity ? Palette.seriesColor(h.infinityFill?.color ?? 0) : Palette.color(h.colorScale.map, t)
        }
        let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
        for r in 0..<geo.rows {
            for col in 0..<geo.columns {
                let top = sample(col, 2 * r), bottom = sample(col, 2 * r + 1)
                let x = geo.left + col, y = geo.top + r
                if colorMode == .none {
                    let vals = [top, bottom].compactMap { $0 }
                    guard !vals.isEmpty else { continue }
                    let finite = vals.filter(\.isFinite)
                    guard !finite.isEmpty else { c.set(x, y, "█"); continue }
                    let t = min(1, max(0, finite.reduce(0, +) / Double(finite.count)))
                    c.set(x, y, ramp[min(ramp.count - 1, Int(t * Double(ramp.count - 1) + 0.5))])
                    continue
                }
                switch (top, bottom) {
                case let (t?, b?): c.set(x, y, "▀", CellStyle(fg: color(t), bg: color(b)))
                case let (t?, nil): c.set(x, y, "▀", CellStyle(fg: color(t)))
                case let (nil, b?): c.set(x, y, "▄", CellStyle(fg: color(b)))
                default: break
                }
            }
        }
    }

    func drawColorBar(_ h: Heatmap, x: Int, top: Int, rows: Int, labels: (String, String), into c: inout TextCanvas) {
        let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
        for r in 0..<rows {
            let denom = Double(max(1, 2 * rows - 1))
            let tTop = 1 - Double(2 * r) / denom, tBottom = 1 - Double(2 * r + 1) / denom
            for k in 0..<2 {
                if colorMode == .none {
                    let t = (tTop + tBottom) / 2
                    c.set(x + k, top + r, ramp[min(ramp.count - 1, Int(t * Double(ramp.count - 1) + 0.5))])
                } else {
                    c.set(x + k, top + r, "▀", CellStyle(fg: Palette.color(h.colorScale.map, tTop), bg: Palette.color(h.colorScale.map, tBottom)))
                }
            }
        }
        c.put(labels.0, x + 3, top)
        c.put(labels.1, x + 3, top + rows - 1)
    }

    func drawMarks(_ marks: [Mark], geo: PlotGeometry, rows: Rows, heatmap: Bool, into c: inout TextCanvas) {
        let right = geo.left + geo.columns
        var phase = 0
        for m in marks {
            switch m {
            case .phase(let a, let b, let label):
                guard let pr = rows.phases, let c0 = geo.clampedColumn(a), let c1 = geo.clampedColumn(b) else { continue }
                let st = style(SVGRenderer.phaseSlots[phase % SVGRenderer.phaseSlots.count])
                phase += 1
                let lo = min(c0, c1), hi = max(c0, c1)
                for x in lo...hi { c.set(x, pr, "─", st) }
                c.set(lo, pr, "├", st)
                c.set(hi, pr, "┤", st)
                let room = hi - lo - 1
                if room >= 2 {
                    var name = TextCanvas.sanitize(label)
                    if TextCanvas.displayWidth(name) > room { name = String(name.prefix(max(1, room - 1))) + "…" }
                    let nw = TextCanvas.displayWidth(name)
                    if nw <= room { c.put(name, lo + 1 + (room - nw) / 2, pr, st) }
                }
            case .highlight(let a, let b, _):
                guard let sr = rows.strip, let c0 = geo.clampedColumn(a), let c1 = geo.clampedColumn(b) else { continue }
                let lo = min(c0, c1), hi = max(c0, c1)
                if shadesHighlights && colorMode != .none {
                    for x in lo...hi {
                        for r in geo.top..<(geo.top + geo.rows) {
                            var cell = c.style(x, r)
                            if cell.bg == nil { cell.bg = Self.highlightShade }
                            c.setStyle(x, r, cell)
                        }
                    }
                }
                for x in lo...hi { c.set(x, sr, "━", CellStyle(bold: true)) }
                c.set(lo, sr, "┣", CellStyle(bold: true))
                c.set(hi, sr, "┫", CellStyle(bold: true))
            case .epochIndicator(let v, let label):
                guard let col = geo.column(v), col >= geo.left, col < right else { continue }
                c.set(col, rows.top, "▼", CellStyle(bold: true))
                let text = " " + label + " "
                let tw = TextCanvas.displayWidth(text)
                if col + 1 + tw <= right { c.put(text, col + 1, rows.top, CellStyle(bold: true)) } else if col - tw >= geo.left {
                    c.put(text, col - tw, rows.top, CellStyle(bold: true))
                }
            case .referenceLine(let v, let label):
                guard let r = geo.row(v), r >= geo.top, r < geo.top + geo.rows, !label.isEmpty else { continue }
                let lw = TextCanvas.displayWidth(label)
                c.put(label, max(geo.left, right - lw), r)
            case .annotation(let xv, let yv, let text):
                guard let col = geo.column(xv), let r = geo.row(yv) else { continue }
                let row = max(geo.top, min(geo.top + geo.rows - 1, r - 1))
                let tw = TextCanvas.displayWidth(text)
                c.put(text, min(max(geo.left, col - tw / 2), right - tw), row, maxX: right)
            case .checkpoints, .missingCheckpoints: break
            }
        }
        // Epoch indicator on heatmaps: a column of bars over the cells, keeping the cell colour as background.
        if heatmap {
            for m in marks {
                guard case .epochIndicator(let v, _) = m, let col = geo.column(v), col >= geo.left, col < right else { continue }
                for r in geo.top..<(geo.top + geo.rows) {
                    let under = c.style(col, r)
                    c.set(col, r, colorMode == .none ? "|" : "│", CellStyle(fg: RGB(255, 255, 255), bg: under.fg, bold: true))
                }
            }
        }
        // Checkpoints: available as dots, selected as diamonds, selected but missing as hollow diamonds (a column with
        // both shows the filled one), in the strip under the axis.
        if let sr = rows.strip {
            c.put("ckpt", max(0, geo.left - 6), sr, maxX: geo.left - 1)
            for m in marks {
                let xs: [Double], glyph: Character
                switch m {
                case .checkpoints(let v, let selected): (xs, glyph) = (v, selected ? "◆" : "·")
                case .missingCheckpoints(let v): (xs, glyph) = (v, "◇")
                default: continue
                }
                for v in xs {
                    guard let col = geo.column(v), col >= geo.left, col < right else { continue }
                    switch glyph {
                    case "◆": c.set(col, sr, glyph, CellStyle(bold: true))
                    case "◇": if c[col, sr] != "◆" { c.set(col, sr, glyph) }
                    default: if c[col, sr] == " " { c.set(col, sr, glyph) }
                    }
                }
            }
        }
    }

    /// Labelled spans under the x axis: a bracket row and two label rows; a label goes on the first row where it
    /// starts inside its span without touching its neighbour, else it is left out.
    func drawGroups(_ groups: [AxisGroup], geo: PlotGeometry, row: Int, into c: inout TextCanvas) {
        var lastEnd = [-1, -1]
        for g in groups {
            guard let a = geo.scales.x.fraction(g.start), let b = geo.scales.x.fraction(g.end) else { continue }
            let c0 = geo.left + Int((min(a, b) * Double(geo.columns)).rounded())
            let c1 = geo.left + Int((max(a, b) * Double(geo.columns)).rounded()) - 1
            guard c1 >= c0 else { continue }
            for x in c0...c1 { c.set(x, row, "─") }
            c.set(c0, row, "└")
            if c1 > c0 { c.set(c1, row, "┘") }
            let label = TextCanvas.sanitize(g.label)
            let lw = TextCanvas.displayWidth(label)
            let span = c1 - c0 + 1
            for k in 0..<2 {
                let start = max(c0 + (span - lw) / 2, lastEnd[k] + 2, 0)
                guard start <= c1, start + lw <= c.width else { continue }
                c.put(label, start, row + 1 + k)
                lastEnd[k] = start + lw
                break
            }
        }
    }
}
