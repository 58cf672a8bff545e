/// The binary operation mod p a run learns: the paper's addition and the other operations of Power et al. (2022).
///
/// Inputs are pairs (a, b) of tokens 0..<p, flat index a·p + b; the label is the operation's value mod p. Every task uses
/// all p² pairs except `div`, which leaves out b = 0 (no inverse). The list of pairs a split shuffles is a-major over the
/// pairs the task uses (`pairs(p:)`), as the reference code builds it.
public enum ModularTask: String, Sendable, Codable, CaseIterable, Equatable {
    case add, sub, mul, div, x2y2, x2xyy2, x3xy

    /// The formula, for help and titles.
    public var formula: String {
        switch self {
        case .add: return "a + b"
        case .sub: return "a − b"
        case .mul: return "a · b"
        case .div: return "a · b⁻¹"
        case .x2y2: return "a² + b²"
        case .x2xyy2: return "a² + ab + b²"
        case .x3xy: return "a³ + ab"
        }
    }

    /// Whether (a, b) is an input of this task (every pair but b = 0 for `div`).
    @inline(__always)
    public func includes(a: Int, b: Int) -> Bool { self != .div || b != 0 }

    /// The label of (a, b): the operation's value mod p. For `div`, a · b^(p−2) (Fermat's inverse); b must not be 0.
    @inline(__always)
    public func label(a: Int, b: Int, p: Int) -> Int {
        switch self {
        case .add: return (a + b) % p
        case .sub: return ((a - b) % p + p) % p
        case .mul: return (a * b) % p
        case .div: return (a * Self.power(b, p - 2, p)) % p
        case .x2y2: return (a * a + b * b) % p
        case .x2xyy2: return (a * a + a * b + b * b) % p
        case .x3xy: return ((a * a % p) * a + a * b) % p
        }
    }

    /// The flat indices a·p + b of the task's pairs, a-major.
    public func pairs(p: Int) -> [Int] {
        var list: [Int] = []
        list.reserveCapacity(p * p)
        for a in 0..<p { for b in 0..<p where includes(a: a, b: b) { list.append(a * p + b) } }
        return list
    }

    /// How many pairs the task has: p², or p(p − 1) for `div`.
    public func pairCount(p: Int) -> Int { self == .div ? p * (p - 1) : p * p }

    /// baseᵉ mod m by squaring (m ≤ 257, so products stay small).
    public static func power(_ base: Int, _ exponent: Int, _ m: Int) -> Int {
        var result = 1, b = base % m, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result * b % m }
            b = b * b % m
            e >>= 1
        }
        return result
    }

    /// The smallest primitive root mod the prime p: the g whose powers g⁰ … g^(p−2) are every non-zero residue.
    public static func primitiveRoot(_ p: Int) -> Int {
        guard p > 2 else { return 1 }
        let order = p - 1
        var factors: [Int] = []
        var n = order, d = 2
        while d * d <= n {
            if n % d == 0 { factors.append(d); while n % d == 0 { n /= d } }
            d += 1
        }
        if n > 1 { factors.append(n) }
        for g in 2..<p where factors.allSatisfy({ power(g, order / $0, p) != 1 }) { return g }
        return 1
    }
}
