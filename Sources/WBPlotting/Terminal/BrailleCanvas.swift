/// A canvas of braille characters: each cell holds 2 × 4 dots, so a `columns × rows` canvas has
/// `2·columns × 4·rows` pixels. Pixel (0, 0) is the top-left. Each cell has one colour: the last one drawn.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private(set) var dots: [UInt8]
    private(set) var colors: [RGB?]

    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }

    /// Dot bits by [column within cell][row within cell] (Unicode braille patterns, U+2800 + bits).
    private static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        dots = Array(repeating: 0, count: self.columns * self.rows)
        colors = Array(repeating: nil, count: self.columns * self.rows)
    }

    /// Sets one pixel; pixels outside the canvas are ignored.
    @inline(__always)
    mutating func set(_ px: Int, _ py: Int, color: RGB?) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let cell = (py >> 2) * columns + (px >> 1)
        dots[cell] |= BrailleCanvas.bits[px & 1][py & 3]
        colors[cell] = color
    }

    /// A straight line between two pixel positions (doubles, rounded); `dashed` draws 4 pixels on, 3 off.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: RGB?, dashed: Bool = false, phase: inout Int) {
        // Clip very long lines to a margin around the canvas so off-screen points cannot cost much.
        let lim = Double(max(pixelWidth, pixelHeight) * 4)
        guard abs(x0) < lim * 4 || abs(x1) < lim * 4 else { return }
        let ax = Int(x0.rounded()), ay = Int(max(-lim, min(lim, y0)).rounded())
        let bx = Int(x1.rounded()), by = Int(max(-lim, min(lim, y1)).rounded())
        let dx = abs(bx - ax), dy = -abs(by - ay)
        let sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1
        var err = dx + dy, x = ax, y = ay
        while true {
            if !dashed || phase % 7 < 4 { set(x, y, color: color) }
            phase += 1
            if x == bx && y == by { break }
            let e2 = 2 * err
            if e2 >= dy {
                err += dy
                x += sx
            }
            if e2 <= dx {
                err += dx
                y += sy
            }
        }
    }

    /// The character of a cell (blank braille is returned as a space).
    func character(_ column: Int, _ row: Int) -> Character? {
        let d = dots[row * columns + column]
        guard d != 0 else { return nil }
        return Character(Unicode.Scalar(0x2800 + UInt32(d))!)
    }

    func color(_ column: Int, _ row: Int) -> RGB? { colors[row * columns + column] }
}
