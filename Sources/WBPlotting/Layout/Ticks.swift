import Foundation

/// Tick placement and labels: 1-2-5 steps on linear axes, powers of ten on log axes.
public enum Ticks {
    /// The 1-2-5 step nearest to `span / target`.
    public static func niceStep(span: Double, target: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, target))
        let mag = pow(10, (log10(raw)).rounded(.down))
        let norm = raw / mag
        let f: Double = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10
        return f * mag
    }

    /// Multiples of a 1-2-5 step inside `lo…hi`, about `target` of them.
    public static func linear(_ lo: Double, _ hi: Double, target: Int) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return lo.isFinite ? [lo] : [] }
        let step = niceStep(span: hi - lo, target: target)
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        guard last >= first else { return [] }
        return stride(from: first, through: last, by: 1).map { i in
            let v = i * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Powers of ten inside `lo…hi` (positive values), thinned to about `target`; within one decade, 1-2-5 multiples.
    public static func log(_ lo: Double, _ hi: Double, target: Int) -> [Double] {
        guard lo > 0, hi > lo else { return lo > 0 ? [lo] : [] }
        let a = Int((log10(lo) - 1e-9).rounded(.up)), b = Int((log10(hi) + 1e-9).rounded(.down))
        if b - a + 1 >= 2 {
            let every = max(1, Int((Double(b - a + 1) / Double(max(1, target))).rounded(.up)))
            var out: [Double] = []
            var e = a
            // Anchor the thinned decades on multiples of `every` so labels stay regular (10⁻⁶, 10⁻⁴, …).
            while e <= b {
                if e % every == 0 { out.append(pow(10, Double(e))) }
                e += 1
            }
            if out.count >= 2 { return out }
            return (a...b).map { pow(10, Double($0)) }
        }
        var out: [Double] = []
        for e in (a - 1)...(b + 1) {
            for m in [1.0, 2, 5] {
                let v = m * pow(10, Double(e))
                if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { out.append(v) }
            }
        }
        return out.count >= 2 ? out : linear(lo, hi, target: target).filter { $0 > 0 }
    }

    /// Labels for linear ticks with a common number of decimals (from the step); thousands as `k`.
    public static func linearLabels(_ ticks: [Double]) -> [String] {
        guard ticks.count >= 2 else { return ticks.map { NumberFormat.compact($0) } }
        let step = abs(ticks[1] - ticks[0])
        let allThousands = ticks.allSatisfy { abs($0) >= 1000 || $0 == 0 }
            && ticks.allSatisfy { ($0 / 1000).rounded() == $0 / 1000 || step < 1000 } && step >= 1000
        if allThousands && ticks.contains(where: { abs($0) >= 10000 }) {
            let decimals = step.truncatingRemainder(dividingBy: 1000) == 0 ? 0 : 1
            return ticks.map { $0 == 0 ? "0" : NumberFormat.fixed($0 / 1000, decimals: decimals) + "k" }
        }
        if step < 1e-4 || ticks.contains(where: { abs($0) >= 1e7 }) { return ticks.map { NumberFormat.compact($0) } }
        // Enough decimals to show every tick exactly (0.25 needs two, 0.5 one).
        var decimals = 0
        while decimals < 6 {
            let scaled = ticks.map { $0 * pow(10, Double(decimals)) }
            if scaled.allSatisfy({ abs($0 - $0.rounded()) < 1e-6 * max(1, abs($0)) }) { break }
            decimals += 1
        }
        return ticks.map { NumberFormat.fixed($0, decimals: decimals, trim: false) }
    }

    /// `10⁻³`-style label for a power of ten; other values in compact form.
    public static func logLabel(_ v: Double) -> String {
        let e = log10(v)
        let r = e.rounded()
        guard abs(e - r) < 1e-9 else { return NumberFormat.compact(v) }
        return "10" + superscript(Int(r))
    }

    /// The integer written in superscript digits (`-3` → `⁻³`).
    static func superscript(_ n: Int) -> String {
        let sup: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var s = ""
        for ch in String(abs(n)) { s.append(sup[Int(String(ch))!]) }
        return (n < 0 ? "⁻" : "") + s
    }

    /// Ticks (value and label) for an axis over `lo…hi` in data units.
    static func ticks(for axis: Axis, lo: Double, hi: Double, target: Int) -> [AxisTick] {
        if let t = axis.ticks { return t.filter { $0.value >= min(lo, hi) - 1e-9 && $0.value <= max(lo, hi) + 1e-9 } }
        switch axis.scale {
        case .linear:
            let v = linear(lo, hi, target: target)
            return zip(v, linearLabels(v)).map { AxisTick($0, $1) }
        case .log:
            let v = log(lo, hi, target: target)
            let decades = v.allSatisfy { abs(log10($0) - log10($0).rounded()) < 1e-9 }
            return v.map { AxisTick($0, decades ? logLabel($0) : NumberFormat.compact($0)) }
        }
    }
}
