import Foundation

/// Numbers as people type them at the prompt: `1e-3`, `0.3`, `40k`, `2M`, `1_000`.
public enum NumberLiteral {
    /// A whole number; accepts `_` separators and a `k` (×1000) or `M` (×1,000,000) suffix, and exact floats such as `4e4`.
    public static func integer(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard !cleaned.isEmpty else { return nil }
        if let value = Int(cleaned) { return value }
        var multiplier = 1.0
        var body = Substring(cleaned)
        if let last = body.last, "kKmM".contains(last) {
            multiplier = (last == "k" || last == "K") ? 1e3 : 1e6
            body = body.dropLast()
        }
        guard let value = Double(body), value.isFinite else { return nil }
        let scaled = value * multiplier
        guard scaled == scaled.rounded(), abs(scaled) < 9e15 else { return nil }
        return Int(scaled)
    }

    /// A real number; accepts `_` separators and a `k`/`M` suffix.
    public static func real(_ text: String) -> Double? {
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard !cleaned.isEmpty else { return nil }
        if let value = Double(cleaned), value.isFinite { return value }
        if let last = cleaned.last, "kKmM".contains(last), let value = Double(cleaned.dropLast()), value.isFinite {
            return value * ((last == "k" || last == "K") ? 1e3 : 1e6)
        }
        return nil
    }

    /// A number as short as it reads: `2` for 2.0, `0.98` for 0.98, `1e-05` for 0.00001.
    public static func short(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
