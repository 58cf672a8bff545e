/// JSON text written by hand where a whole encoder is not wanted (safetensors headers, notebook exports).
public enum JSONText {
    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped, and U+2028 and U+2029 too, so
    /// the literal is also valid inside a JavaScript `<script>` block.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
