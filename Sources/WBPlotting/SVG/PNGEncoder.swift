import CZlib
import Foundation

/// A minimal, deterministic PNG writer for palette images (used to embed large heatmaps in SVG).
///
/// Pixel rows use filter "none" and are compressed by zlib at a fixed level and strategy (so the same image always gives
/// the same bytes; runs and repeated rows compress well), so a heatmap can be stored upscaled by a whole factor (sharp
/// even where viewers smooth images) at little cost.
enum PNGEncoder {
    /// PNG bytes for an 8-bit palette image. `indices` is row-major, `width × height`;
    /// `transparentIndex` (if any) is fully transparent.
    static func indexed(width: Int, height: Int, indices: [UInt8], palette: [RGB], transparentIndex: UInt8? = nil,
                        compress: Bool = true) -> [UInt8] {
        precondition(indices.count == width * height && palette.count <= 256 && !palette.isEmpty)
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        ihdr.appendBE(UInt32(width))
        ihdr.appendBE(UInt32(height))
        ihdr += [8, 3, 0, 0, 0]  // bit depth 8, colour type 3 (palette), deflate, adaptive filters, no interlace
        chunk("IHDR", ihdr, into: &out)
        chunk("PLTE", palette.flatMap { [$0.r, $0.g, $0.b] }, into: &out)
        if let t = transparentIndex, Int(t) < palette.count {
            var alpha = [UInt8](repeating: 255, count: Int(t) + 1)
            alpha[Int(t)] = 0
            chunk("tRNS", alpha, into: &out)
        }
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        for r in 0..<height {
            raw.append(0)  // filter: none
            raw.append(contentsOf: indices[(r * width)..<((r + 1) * width)])
        }
        chunk("IDAT", compress ? zlibCompressed(raw) : zlibStored(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// A zlib stream holding `data` in stored deflate blocks (≤ 65,535 bytes each), with its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65_535, data.count - i)
            out.append(i + n == data.count ? 1 : 0)  // BFINAL, BTYPE = 00
            out.append(UInt8(n & 0xFF))
            out.append(UInt8(n >> 8))
            out.append(UInt8(~n & 0xFF))
            out.append(UInt8((~n >> 8) & 0xFF))
            out.append(contentsOf: data[i..<(i + n)])
            i += n
        } while i < data.count
        out.appendBE(adler32(data))
        return out
    }

    /// A zlib stream of `data`: level 9, the default strategy and window, through zlib's `compress2`.
    static func zlibCompressed(_ data: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { d in compress2(o.baseAddress, &size, d.baseAddress, uLong(data.count), 9) }
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        return Array(out.prefix(Int(size)))
    }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { UInt32(CZlib.adler32(1, $0.baseAddress, uInt($0.count))) }
    }

    static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        let data = Array(bytes)
        return data.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        out.appendBE(UInt32(data.count))
        let typed = Array(type.utf8) + data
        out.append(contentsOf: typed)
        out.appendBE(crc32(typed))
    }
}

extension Array where Element == UInt8 {
    mutating func appendBE(_ v: UInt32) {
        append(UInt8(v >> 24))
        append(UInt8((v >> 16) & 0xFF))
        append(UInt8((v >> 8) & 0xFF))
        append(UInt8(v & 0xFF))
    }
}
