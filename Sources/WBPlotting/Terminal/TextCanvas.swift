/// A grid of styled character cells, serialised with or without ANSI escapes.
struct TextCanvas {
    let width: Int
    let height: Int
    private(set) var chars: [Character]
    private(set) var styles: [CellStyle]
    /// Cells covered by the right half of a wide character (emoji); they print nothing.
    private(set) var continuation: [Bool]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        chars = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: .plain, count: self.width * self.height)
        continuation = Array(repeating: false, count: self.width * self.height)
    }

    subscript(x: Int, y: Int) -> Character {
        guard x >= 0, y >= 0, x < width, y < height else { return " " }
        return chars[y * width + x]
    }

    func style(_ x: Int, _ y: Int) -> CellStyle {
        guard x >= 0, y >= 0, x < width, y < height else { return .plain }
        return styles[y * width + x]
    }

    mutating func set(_ x: Int, _ y: Int, _ ch: Character, _ style: CellStyle = .plain) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        chars[y * width + x] = ch
        styles[y * width + x] = style
        continuation[y * width + x] = false
    }

    mutating func setStyle(_ x: Int, _ y: Int, _ style: CellStyle) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        styles[y * width + x] = style
    }

    /// Writes `text` from column x, clipped at `maxX` (exclusive, default: the right edge). Control characters
    /// (which could carry escape sequences) become `?`; wide characters take two cells. Returns the end column.
    @discardableResult
    mutating func put(_ text: String, _ x: Int, _ y: Int, _ style: CellStyle = .plain, maxX: Int? = nil) -> Int {
        let limit = min(maxX ?? width, width)
        var cx = x
        for ch in TextCanvas.sanitize(text) {
            let w = ch.isWide ? 2 : 1
            if cx + w > limit { break }
            if cx >= 0 {
                set(cx, y, ch, style)
                if w == 2 {
                    set(cx + 1, y, " ", style)
                    continuation[y * width + cx + 1] = true
                }
            }
            cx += w
        }
        return cx
    }

    /// Display width of `text` in cells.
    static func displayWidth(_ text: String) -> Int { sanitize(text).reduce(0) { $0 + ($1.isWide ? 2 : 1) } }

    /// Replaces control characters (C0, DEL, C1, line and paragraph separators) with `?`.
    static func sanitize(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) || $0.value == 0x2028 || $0.value == 0x2029 }) {
                out.append("?")
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// Copies `other` into this canvas with its top-left corner at (x, y).
    mutating func blit(_ other: TextCanvas, _ x: Int, _ y: Int) {
        for r in 0..<other.height {
            for c in 0..<other.width {
                let tx = x + c, ty = y + r
                guard tx >= 0, ty >= 0, tx < width, ty < height else { continue }
                chars[ty * width + tx] = other.chars[r * other.width + c]
                styles[ty * width + tx] = other.styles[r * other.width + c]
                continuation[ty * width + tx] = other.continuation[r * other.width + c]
            }
        }
    }

    /// The lines, each ending with a reset when styled; trailing unstyled spaces are dropped.
    func lines(mode: TerminalColorMode) -> [String] {
        (0..<height).map { y in
            var end = width
            while end > 0 && chars[y * width + end - 1] == " " && (mode == .none || styles[y * width + end - 1].bg == nil) { end -= 1 }
            var line = ""
            var current = CellStyle.plain
            for x in 0..<end {
                let i = y * width + x
                if continuation[i] { continue }
                let s = mode == .none ? CellStyle.plain : styles[i]
                if s != current {
                    // Reset only when an attribute must be switched off; otherwise the new SGR overrides.
                    let needsReset = (current.bold && !s.bold) || (current.fg != nil && s.fg == nil) || (current.bg != nil && s.bg == nil)
                    if needsReset { line += ANSI.reset }
                    line += ANSI.sgr(s, mode: mode)
                    current = s
                }
                line.append(chars[i])
            }
            if !current.isPlain { line += ANSI.reset }
            return line
        }
    }
}
