import Foundation

/// Locale-free, deterministic number formatting (String(format:) depends on the C locale and is slow).
enum NumberFormat {
    /// Powers of ten for 0…9 decimals.
    private static let scales: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]

    /// Appends `v` rounded to `decimals` places; trailing zeros (and a bare point) are dropped when `trim`.
    static func append(_ v: Double, decimals: Int, trim: Bool = true, to out: inout [UInt8]) {
        guard v.isFinite else {
            out.append(UInt8(ascii: "0"))
            return
        }
        let d = max(0, min(9, decimals))
        let scaled = (abs(v) * scales[d]).rounded()
        guard scaled < 9e15 else {  // beyond exact integers: fall back to Swift's shortest representation
            out.append(contentsOf: Array("\(v)".utf8))
            return
        }
        var n = UInt64(scaled)
        if v < 0 && n != 0 { out.append(UInt8(ascii: "-")) }
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(n % 10))
            n /= 10
        } while n > 0
        while digits.count <= d { digits.append(UInt8(ascii: "0")) }
        // digits are reversed: the first d are the fraction.
        var frac = Array(digits[0..<d].reversed())
        if trim { while let last = frac.last, last == UInt8(ascii: "0") { frac.removeLast() } }
        out.append(contentsOf: digits[d...].reversed())
        if !frac.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: frac)
        }
    }

    /// `v` with `decimals` places, trailing zeros trimmed when `trim`.
    static func fixed(_ v: Double, decimals: Int, trim: Bool = true) -> String {
        var out: [UInt8] = []
        append(v, decimals: decimals, trim: trim, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Three significant digits: `1.3`, `0.0123`, `1.23e-5`, `12.3k`.
    static func short(_ v: Double) -> String {
        if v == 0 || !v.isFinite { return "0" }
        let a = abs(v)
        if a >= 1e4 { return compact((v / pow(10, (log10(a)).rounded(.down) - 2)).rounded() * pow(10, (log10(a)).rounded(.down) - 2)) }
        if a < 1e-3 {
            let e = Int((log10(a)).rounded(.down))
            return fixed(v / pow(10, Double(e)), decimals: 2) + "e" + String(e)
        }
        let decimals = max(0, 2 - Int((log10(a)).rounded(.down)))
        return fixed(v, decimals: decimals)
    }

    /// A short human label: integers as is, large values with k/M suffixes, small ones in scientific form.
    static func compact(_ v: Double) -> String {
        if v == 0 || !v.isFinite { return "0" }
        let a = abs(v)
        if a >= 1e6, (a / 1e5).rounded() == a / 1e5 { return fixed(v / 1e6, decimals: 1) + "M" }
        if a >= 1e4, (a / 100).rounded() == a / 100 { return fixed(v / 1e3, decimals: 1) + "k" }
        if a >= 1e-3 { return fixed(v, decimals: 4) }
        let e = Int((log10(a)).rounded(.down))
        return fixed(v / pow(10, Double(e)), decimals: 2) + "e" + String(e)
    }
}
