/// Reduces long series to what a pixel grid can show, without losing spikes.
public enum Downsample {
    /// Min–max ("M4") decimation: for each pixel column keep the first, lowest, highest and last point, in their
    /// original order. A line through the kept points lights exactly the pixels the full line would, so a
    /// one-epoch spike survives. Points are `(px, y)` with `px` already in pixels; `px` must be non-decreasing.
    /// Returns indices into the input.
    public static func minMaxIndices(px: [Double], y: [Double], pixelWidth: Double = 1) -> [Int] {
        let n = min(px.count, y.count)
        guard n > 4 else { return Array(0..<n) }
        var keep: [Int] = []
        keep.reserveCapacity(min(n, 4 * 2048))
        var i = 0
        while i < n {
            let bucket = (px[i] / pixelWidth).rounded(.down)
            var j = i, lo = i, hi = i
            while j < n && (px[j] / pixelWidth).rounded(.down) == bucket {
                if y[j] < y[lo] { lo = j }
                if y[j] > y[hi] { hi = j }
                j += 1
            }
            let last = j - 1
            // Emit first, min, max, last in index order, without duplicates.
            var picks = [i, lo, hi, last]
            picks.sort()
            var prev = -1
            for p in picks where p != prev {
                keep.append(p)
                prev = p
            }
            i = j
        }
        return keep
    }

    /// Convenience over data arrays: decimates `(x, y)` for a plot `pixels` wide spanning `xRange`.
    public static func minMax(x: [Double], y: [Double], xRange: ClosedRange<Double>, pixels: Int) -> (x: [Double], y: [Double]) {
        let span = xRange.upperBound - xRange.lowerBound
        guard span > 0, pixels > 0 else { return (x, y) }
        let scale = Double(pixels) / span
        let px = x.map { ($0 - xRange.lowerBound) * scale }
        let idx = minMaxIndices(px: px, y: y)
        return (idx.map { x[$0] }, idx.map { y[$0] })
    }
}
