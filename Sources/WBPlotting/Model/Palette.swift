/// An sRGB colour with 8-bit channels.
public struct RGB: Sendable, Equatable, Hashable, Codable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// `#rrggbb`, lower case.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "#")]
        for c in [r, g, b] {
            out.append(digits[Int(c >> 4)])
            out.append(digits[Int(c & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Colours shared by the renderers: a colour-blind-safe series palette and perceptual heatmap maps.
public enum Palette {
    /// Series colours (Okabe–Ito order, black left out so curves stay visible on dark pages).
    public static let series: [RGB] = [
        RGB(0x00, 0x72, 0xB2),  // blue
        RGB(0xD5, 0x5E, 0x00),  // vermillion
        RGB(0x00, 0x9E, 0x73),  // bluish green
        RGB(0xCC, 0x79, 0xA7),  // reddish purple
        RGB(0x56, 0xB4, 0xE9),  // sky blue
        RGB(0xE6, 0x9F, 0x00),  // orange
        RGB(0xF0, 0xE4, 0x42),  // yellow
    ]

    /// The colour of palette slot `i` (wraps around).
    public static func seriesColor(_ i: Int) -> RGB {
        series[((i % series.count) + series.count) % series.count]
    }

    /// Colour for marks (epoch indicator, selected checkpoints): vermillion.
    public static let accent = RGB(0xD5, 0x5E, 0x00)

    /// Ten evenly spaced stops of the viridis map; values in between are interpolated.
    static let viridisStops: [RGB] = [
        RGB(0x44, 0x01, 0x54), RGB(0x48, 0x28, 0x78), RGB(0x3E, 0x4A, 0x89), RGB(0x31, 0x68, 0x8E), RGB(0x26, 0x82, 0x8E),
        RGB(0x1F, 0x9E, 0x89), RGB(0x35, 0xB7, 0x79), RGB(0x6D, 0xCD, 0x59), RGB(0xB4, 0xDE, 0x2C), RGB(0xFD, 0xE7, 0x25),
    ]

    /// The colour of `t` ∈ [0, 1] (clamped) under `map`.
    public static func color(_ map: ColorMap, _ t: Double) -> RGB {
        let t = t.isFinite ? min(1, max(0, t)) : 0
        switch map {
        case .grays:
            let v = UInt8((t * 255).rounded())
            return RGB(v, v, v)
        case .viridis:
            let stops = viridisStops
            let pos = t * Double(stops.count - 1)
            let i = min(stops.count - 2, Int(pos))
            let f = pos - Double(i)
            let a = stops[i], b = stops[i + 1]
            func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * f).rounded()) }
            return RGB(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
        }
    }

    /// `levels` colours sampled evenly from `map` (level i has t = i / (levels − 1)).
    public static func lookupTable(_ map: ColorMap, levels: Int) -> [RGB] {
        (0..<levels).map { color(map, levels > 1 ? Double($0) / Double(levels - 1) : 0) }
    }
}
