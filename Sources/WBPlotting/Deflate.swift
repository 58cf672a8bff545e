/// A small, deterministic DEFLATE compressor (RFC 1951): greedy LZ77 with fixed Huffman codes.
///
/// Tuned for the palette images of heatmaps: runs of one colour (distance 1), rows repeated from the row above
/// (distance = stride) and other repeats found through a hash of the next three bytes.
enum Deflate {
    /// A zlib stream (RFC 1950) holding `data` compressed; `stride` hints the row length for row repeats.
    static func zlib(_ data: [UInt8], stride: Int = 0) -> [UInt8] {
        var w = BitWriter()
        w.bytes.reserveCapacity(data.count / 4 + 64)
        w.bytes += [0x78, 0x01]
        w.write(1, bits: 1)  // BFINAL
        w.write(1, bits: 2)  // BTYPE = fixed Huffman
        let n = data.count
        let hashSize = 1 << 14
        var head = [Int32](repeating: -1, count: hashSize)
        data.withUnsafeBufferPointer { d in
            @inline(__always) func hash(_ i: Int) -> Int {
                (Int(d[i]) &* 0x9E37 ^ Int(d[i + 1]) &* 0x85EB ^ Int(d[i + 2]) &* 0xC2B3) & (hashSize - 1)
            }
            @inline(__always) func matchLength(_ i: Int, _ j: Int) -> Int {
                let limit = min(258, n - i)
                var l = 0
                while l < limit && d[i + l] == d[j + l] { l += 1 }
                return l
            }
            var i = 0
            while i < n {
                var bestLen = 0, bestDist = 0
                if i + 2 < n {
                    // Candidates: the previous byte (runs), the byte one row up, the last position with the same hash.
                    let hashed = Int(head[hash(i)])
                    for k in 0..<3 {
                        let cand = k == 0 ? i - 1 : k == 1 ? (stride > 0 ? i - stride : -1) : hashed
                        guard cand >= 0, cand < i, i - cand <= 32_768 else { continue }
                        let l = matchLength(i, cand)
                        if l > bestLen {
                            bestLen = l
                            bestDist = i - cand
                            if l == 258 { break }
                        }
                    }
                }
                if bestLen >= 3 {
                    w.writeLength(bestLen)
                    w.writeDistance(bestDist)
                    let end = i + bestLen
                    while i < end {
                        if i + 2 < n { head[hash(i)] = Int32(i) }
                        i += 1
                    }
                } else {
                    w.writeLiteral(Int(d[i]))
                    if i + 2 < n { head[hash(i)] = Int32(i) }
                    i += 1
                }
            }
        }
        w.writeLiteral(256)  // end of block
        w.flush()
        w.bytes.appendBE(PNGEncoder.adler32(data))
        return w.bytes
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                          4097, 6145, 8193, 12289, 16385, 24577]
    private static let distExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Packs bits least-significant first; Huffman codes are written most-significant bit first.
    struct BitWriter {
        var bytes: [UInt8] = []
        var acc: UInt64 = 0
        var count = 0

        @inline(__always) mutating func write(_ value: Int, bits: Int) {
            acc |= UInt64(value) << UInt64(count)
            count += bits
            while count >= 8 {
                bytes.append(UInt8(acc & 0xFF))
                acc >>= 8
                count -= 8
            }
        }

        @inline(__always) mutating func writeCode(_ code: Int, bits: Int) {
            // Reverse the low `bits` bits of `code` (codes are at most 9 bits).
            let rev = Int(UInt16(truncatingIfNeeded: code).bitReversedWithin16 >> UInt16(16 - bits))
            write(rev, bits: bits)
        }

        /// A literal/length symbol 0…287 in the fixed code.
        mutating func writeLiteral(_ sym: Int) {
            switch sym {
            case 0...143: writeCode(0x30 + sym, bits: 8)
            case 144...255: writeCode(0x190 + sym - 144, bits: 9)
            case 256...279: writeCode(sym - 256, bits: 7)
            default: writeCode(0xC0 + sym - 280, bits: 8)
            }
        }

        mutating func writeLength(_ len: Int) {
            var c = Deflate.lengthBase.count - 1
            while Deflate.lengthBase[c] > len { c -= 1 }
            if len == 258 { c = 28 } else if c == 28 { c = 27 }
            writeLiteral(257 + c)
            if Deflate.lengthExtra[c] > 0 { write(len - Deflate.lengthBase[c], bits: Deflate.lengthExtra[c]) }
        }

        mutating func writeDistance(_ dist: Int) {
            var c = Deflate.distBase.count - 1
            while Deflate.distBase[c] > dist { c -= 1 }
            writeCode(c, bits: 5)
            if Deflate.distExtra[c] > 0 { write(dist - Deflate.distBase[c], bits: Deflate.distExtra[c]) }
        }

        mutating func flush() {
            if count > 0 { bytes.append(UInt8(acc & 0xFF)) }
            acc = 0
            count = 0
        }
    }
}

extension UInt16 {
    /// The 16 bits in reverse order.
    var bitReversedWithin16: UInt16 {
        var v = self
        v = ((v >> 1) & 0x5555) | ((v & 0x5555) << 1)
        v = ((v >> 2) & 0x3333) | ((v & 0x3333) << 2)
        v = ((v >> 4) & 0x0F0F) | ((v & 0x0F0F) << 4)
        return (v >> 8) | (v << 8)
    }
}
