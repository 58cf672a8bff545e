/// Breaking a one-line text (a subtitle, a dashboard's key numbers, a help summary) into lines that fit a width.
public enum TextWrap {
    /// `text` in lines whose `measure` is at most `width`, broken after " · " separators when it has them, else at spaces.
    /// A piece wider than `width` on its own gets a line of its own.
    public static func lines(_ text: String, width: Double, measure: (String) -> Double) -> [String] {
        let separator = text.contains(" · ") ? " · " : " "
        var lines: [String] = []
        var current = ""
        for piece in text.components(separatedBy: separator) {
            let candidate = current.isEmpty ? piece : current + separator + piece
            if !current.isEmpty, measure(candidate) > width {
                lines.append(current)
                current = piece
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
