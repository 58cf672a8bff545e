import Foundation

/// MT19937, seeded the way CPython's `random.seed(int)` seeds it (`init_by_array` over the seed's 32-bit words),
/// with `getrandbits`, `randbelow` and `shuffle` exactly as CPython 3 implements them, so a split made by
/// `random.seed(s); random.shuffle(pairs)` in Python is reproduced bit for bit.
public struct MersenneTwister: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// Seeds like CPython: the absolute value of `seed` split into 32-bit words, least significant first.
    public init(seed: UInt64) {
        var key: [UInt32] = []
        var rest = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest != 0
        initByArray(key)
    }

    /// The generator's whole state: the 624 words, then the position of the next word (CPython's `getstate()` holds the
    /// same 625 numbers). For checkpoints of minibatch runs, so resume continues the batch order exactly.
    public var savedState: [UInt32] { state + [UInt32(index)] }

    /// A generator continuing from `savedState`; nil when the array is not 625 numbers with a position in 0...624.
    public init?(savedState: [UInt32]) {
        guard savedState.count == 625, savedState[624] <= 624 else { return nil }
        state = Array(savedState[0..<624])
        index = Int(savedState[624])
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32-bit output (genrand_uint32).
    public mutating func next32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            state[i] = v
        }
        index = 0
    }

    /// CPython `getrandbits(k)` for 1 ≤ k ≤ 32.
    public mutating func randomBits(_ k: Int) -> UInt32 {
        precondition(k >= 1 && k <= 32)
        return next32() >> UInt32(32 - k)
    }

    /// CPython `_randbelow_with_getrandbits(n)`: rejection sampling on `bit_length(n)` bits.
    public mutating func randomBelow(_ n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(randomBits(k))
        while r >= n { r = Int(randomBits(k)) }
        return r
    }

    /// CPython `random.shuffle(x)`: for i from n−1 down to 1, swap x[i] with x[randbelow(i+1)].
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, through: 1, by: -1) {
            items.swapAt(i, randomBelow(i + 1))
        }
    }

    /// CPython `random.random()`: a 53-bit float in [0, 1).
    public mutating func nextDouble() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal sample (Box–Muller on two `nextDouble()` draws; used for weight initialisation).
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()   // (0, 1], so log is finite
        let u2 = nextDouble()
        return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
    }
}
