import Foundation

/// Heatmap cells and the colour bar in SVG.
extension SVGRenderer {
    /// Most colour levels when quantising heatmaps (level 255 is reserved for missing values).
    static let heatLevels = 255

    /// The colour levels this renderer uses (`SVGOptions.heatmapLevels`, clamped to 2…255).
    var levelCount: Int { min(SVGRenderer.heatLevels, max(2, options.heatmapLevels)) }

    func drawHeatmap(_ h: Heatmap, layout L: SVGPanelLayout, index: Int, into w: inout SVGWriter) {
        guard h.rows > 0, h.columns > 0,
              let fx0 = L.scales.x.fraction(h.x.lowerBound), let fx1 = L.scales.x.fraction(h.x.upperBound),
              let fy0 = L.scales.y.fraction(h.y.lowerBound), let fy1 = L.scales.y.fraction(h.y.upperBound) else { return }
        let plot = L.plot
        let left = plot.x + min(fx0, fx1) * plot.w, right = plot.x + max(fx0, fx1) * plot.w
        let top = plot.y + (1 - max(fy0, fy1)) * plot.h, bottom = plot.y + (1 - min(fy0, fy1)) * plot.h
        let flipX = fx1 < fx0, rowZeroAtTop = fy0 > fy1

        // Quantise into display order (row 0 = top, column 0 = left). +∞ cells with a fill of their own take the slot
        // after the map's colors (one level fewer for the map when all 255 are in use; a map without such cells is
        // drawn as it would be without the fill).
        let filled = h.infinityFill != nil && h.values.contains(.infinity)
        let colors = filled ? min(levelCount, SVGRenderer.heatLevels - 1) : levelCount
        let levels = quantize(h, colors: colors, flipX: flipX, rowZeroAtTop: rowZeroAtTop)
        var lut = Palette.lookupTable(h.colorScale.map, levels: colors)
        if filled, let fill = h.infinityFill { lut.append(Palette.seriesColor(fill.color)) }

        // PNG: each cell becomes a block of kx × ky image pixels, about one per viewBox unit, so the cells stay
        // sharp even in viewers that smooth images (browsers also honour image-rendering: pixelated).
        var png: [UInt8] = []
        if options.heatmapEncoding != .vector {
            let most = max(1, options.heatmapPixelScale)
            let kx = min(most, max(1, Int(((right - left) / Double(h.columns)).rounded(.up))))
            let ky = min(most, max(1, Int(((bottom - top) / Double(h.rows)).rounded(.up))))
            // Missing cells (255) take the palette slot after the colors, which is transparent.
            let missing = UInt8(lut.count)
            let indices = lut.count == 255 ? levels : levels.map { $0 == 255 ? missing : $0 }
            png = PNGEncoder.indexed(width: h.columns * kx, height: h.rows * ky,
                                     indices: upscale(indices, columns: h.columns, rows: h.rows, kx: kx, ky: ky),
                                     palette: lut + [RGB(0, 0, 0)], transparentIndex: missing)
        }
        var encoding = options.heatmapEncoding
        if encoding == .auto {
            // Vector cost: about 17 bytes per run of equal colour in a row; PNG cost: base64 of the bytes.
            var runs = 0
            for r in 0..<h.rows {
                var prev: UInt8? = nil
                for c in 0..<h.columns {
                    let l = levels[r * h.columns + c]
                    if l != prev && l != 255 { runs += 1 }
                    prev = l
                }
            }
            encoding = runs * 17 <= png.count * 4 / 3 ? .vector : .png
        }
        if encoding == .png {
            w.raw("<image x=\"")
            w.num(left)
            w.raw("\" y=\"")
            w.num(top)
            w.raw("\" width=\"")
            w.num(right - left)
            w.raw("\" height=\"")
            w.num(bottom - top)
            w.raw("\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,")
            w.raw(Data(png).base64EncodedString())
            w.raw("\"/>\n")
        } else {
            // One path per colour level; each run of equal cells in a row is one rectangle in cell units.
            var paths = [[UInt8]](repeating: [], count: 256)
            for r in 0..<h.rows {
                var c = 0
                while c < h.columns {
                    let l = levels[r * h.columns + c]
                    var e = c + 1
                    while e < h.columns && levels[r * h.columns + e] == l { e += 1 }
                    if l != 255 {
                        let len = e - c
                        paths[Int(l)].append(contentsOf: "M\(c) \(r)h\(len)v1h-\(len)z".utf8)
                    }
                    c = e
                }
            }
            w.raw("<g transform=\"translate(")
            w.num(left)
            w.raw(" ")
            w.num(top)
            w.raw(") scale(")
            NumberFormat.append((right - left) / Double(h.columns), decimals: 5, to: &w.bytes)
            w.raw(" ")
            NumberFormat.append((bottom - top) / Double(h.rows), decimals: 5, to: &w.bytes)
            w.raw(")\" shape-rendering=\"crispEdges\">\n")
            for (l, p) in paths.enumerated() where !p.isEmpty {
                w.raw("<path fill=\"\(lut[l].hex)\" d=\"")
                w.bytes.append(contentsOf: p)
                w.raw("\"/>\n")
            }
            w.raw("</g>\n")
        }
        if let bx = L.colorBarX { drawColorBar(h, x: bx, layout: L, index: index, into: &w) }
    }

    /// Each cell repeated into a kx × ky block.
    private func upscale(_ levels: [UInt8], columns: Int, rows: Int, kx: Int, ky: Int) -> [UInt8] {
        if kx == 1 && ky == 1 { return levels }
        let width = columns * kx
        var out = [UInt8](repeating: 0, count: width * rows * ky)
        for r in 0..<rows {
            let base = r * ky * width
            for c in 0..<columns {
                let v = levels[r * columns + c]
                for k in 0..<kx { out[base + c * kx + k] = v }
            }
            for k in 1..<ky { out.replaceSubrange((base + k * width)..<(base + (k + 1) * width), with: out[base..<(base + width)]) }
        }
        return out
    }

    /// Level 0…`colors` − 1 per cell in display order; `colors` for a +∞ cell drawn in `infinityFill`; 255 for the
    /// cells left empty (NaN, and +∞ without a fill).
    private func quantize(_ h: Heatmap, colors: Int, flipX: Bool, rowZeroAtTop: Bool) -> [UInt8] {
        let r = h.valueRange
        let lo = r.lowerBound, span = r.upperBound - r.lowerBound
        let top = Double(colors - 1)
        var out = [UInt8](repeating: 255, count: h.rows * h.columns)
        for row in 0..<h.rows {
            let dr = rowZeroAtTop ? row : h.rows - 1 - row
            for col in 0..<h.columns {
                let v = h.values[row * h.columns + col]
                let dc = flipX ? h.columns - 1 - col : col
                if h.isInfinityFilled(v) { out[dr * h.columns + dc] = UInt8(colors); continue }
                guard v.isFinite else { continue }
                let t = min(1, max(0, (v - lo) / span))
                out[dr * h.columns + dc] = UInt8((t * top).rounded())
            }
        }
        return out
    }

    private func drawColorBar(_ h: Heatmap, x: Double, layout L: SVGPanelLayout, index: Int, into w: inout SVGWriter) {
        let plot = L.plot
        let range = h.valueRange
        w.raw("<defs><linearGradient id=\"")
        w.id("g\(index)")
        w.raw("\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for i in 0...10 {
            let t = Double(i) / 10
            w.raw("<stop offset=\"")
            w.num(t)
            w.raw("\" stop-color=\"\(Palette.color(h.colorScale.map, t).hex)\"/>")
        }
        w.raw("</linearGradient></defs>\n")
        w.rect(x, plot.y, 12, plot.h, extra: "fill=\"url(#\u{1}-g\(index))\"")  // \u{1}: the id placeholder
        let ticks = Ticks.linear(range.lowerBound, range.upperBound, target: max(2, Int(plot.h / 50)))
        let labels = Ticks.linearLabels(ticks)
        var maxW = 0.0
        for (t, label) in zip(ticks, labels) {
            let f = (t - range.lowerBound) / (range.upperBound - range.lowerBound)
            let y = plot.bottom - f * plot.h
            w.line(x + 12, y, x + 15, y, cls: "tk")
            w.label(label, x: x + 17, y: y + 3.8, anchor: "start")
            maxW = max(maxW, TextMetrics.width(label, size: SVGPanelLayout.tickFont))
        }
        if !h.colorScale.label.isEmpty {
            let lx = x + 17 + maxW + 12
            w.raw("<text transform=\"translate(")
            w.num(lx)
            w.raw(" ")
            w.num(plot.y + plot.h / 2)
            w.raw(") rotate(-90)\" text-anchor=\"middle\" class=\"al\">")
            w.text(h.colorScale.label)
            w.raw("</text>\n")
        }
    }
}
