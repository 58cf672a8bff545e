/// Escaping of text for XML/HTML, so titles and run names can never break out of the SVG.
public enum XMLEscape {
    /// `s` with `& < > " '` escaped and characters that XML 1.0 forbids (most control characters) replaced by U+FFFD.
    /// Safe both as element text and inside a double- or single-quoted attribute value.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = u.value
                let allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v < 0x7F) || (v >= 0xA0 && v <= 0xD7FF)
                    || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
                if allowed { out.unicodeScalars.append(u) } else { out += "\u{FFFD}" }
            }
        }
        return out
    }

    /// A string usable as an XML id / CSS identifier: `[A-Za-z0-9_-]`, starting with a letter.
    public static func identifier(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "-" || u == "_" {
                out.unicodeScalars.append(u)
            }
        }
        if out.isEmpty || !(out.unicodeScalars.first!.properties.isAlphabetic) { out = "f" + out }
        return String(out.prefix(64))
    }
}
