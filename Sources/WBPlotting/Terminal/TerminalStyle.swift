/// How the terminal renderer colours its output.
public enum TerminalColorMode: String, Sendable, Equatable, Codable {
    /// Plain characters, no escape sequences (`NO_COLOR`, pipes, files).
    case none
    /// xterm 256-colour palette (`ESC[38;5;Nm`).
    case ansi256
    /// 24-bit colour (`ESC[38;2;R;G;Bm`), when `COLORTERM` is `truecolor` or `24bit`.
    case trueColor
}

/// Colours and weight of one terminal cell. `nil` colours leave the terminal's own foreground/background.
struct CellStyle: Equatable, Sendable {
    var fg: RGB?
    var bg: RGB?
    var bold = false

    static let plain = CellStyle()
    var isPlain: Bool { fg == nil && bg == nil && !bold }
}

/// ANSI SGR escape sequences.
enum ANSI {
    static let reset = "\u{1B}[0m"

    /// The escape sequence that switches to `style` (from a reset state).
    static func sgr(_ style: CellStyle, mode: TerminalColorMode) -> String {
        guard mode != .none, !style.isPlain else { return "" }
        var parts: [String] = []
        if style.bold { parts.append("1") }
        if let f = style.fg { parts.append(color(f, mode: mode, base: 38)) }
        if let b = style.bg { parts.append(color(b, mode: mode, base: 48)) }
        return "\u{1B}[" + parts.joined(separator: ";") + "m"
    }

    private static func color(_ c: RGB, mode: TerminalColorMode, base: Int) -> String {
        switch mode {
        case .trueColor: return "\(base);2;\(c.r);\(c.g);\(c.b)"
        default: return "\(base);5;\(xterm256(c))"
        }
    }

    /// The nearest xterm-256 colour: the 6 × 6 × 6 cube or the 24-step grey ramp, whichever is closer.
    static func xterm256(_ c: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            var best = 0
            for i in 1..<6 where abs(levels[i] - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        let r = nearestLevel(c.r), g = nearestLevel(c.g), b = nearestLevel(c.b)
        func dist(_ x: Int, _ y: Int, _ z: Int) -> Int {
            let dr = x - Int(c.r), dg = y - Int(c.g), db = z - Int(c.b)
            return dr * dr + dg * dg + db * db
        }
        let cubeDist = dist(levels[r], levels[g], levels[b])
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let grey = min(23, max(0, (avg - 8 + 5) / 10))
        let gv = 8 + grey * 10
        return dist(gv, gv, gv) < cubeDist ? 232 + grey : 16 + 36 * r + 6 * g + b
    }
}
