import WBTraining

/// A task presented as addition in a cyclic group of order n, the order in which the Fourier analyses read it.
///
/// Index arrays map view indices to tokens and classes: operand a at index i is `tokensA[i]`, operand b at index j is
/// `tokensB[j]`, and class c is `classes[c]`, such that for all i, j in 0..<n
///
///     task.label(tokensA[i], tokensB[j]) == classes[(i + j) mod n]
///
/// so the label of view pair (i, j) is the "sum" s = (i + j) mod n, as (a + b) mod p is for addition.
///
/// - `add`: n = p, every array the identity (the token order; every result is the same as without a view).
/// - `sub`: n = p, b read in the order −j: a − (−j) = a + j. `tokensB[j] = (−j) mod p`.
/// - `mul`: the discrete-log basis. The non-zero residues are g⁰, g¹, …, g^(p−2) for the smallest primitive root g, and
///   g^i·g^j = g^(i+j), so n = p − 1 and `tokensA[i] = tokensB[i] = classes[i] = g^i mod p`. The zero token, and every
///   pair with a 0, is outside the view.
/// - `div`: a·b⁻¹ with b = g^(−j): g^i·(g^(−j))⁻¹ = g^(i+j); `tokensB[j] = g^(−j mod n)`.
/// - `x2y2`, `x2xyy2`, `x3xy`: no view (`init` returns nil); `tokenOrder` gives the identity layout of size p, flagged
///   as not cyclic, for the analyses that do not need the basis.
public struct CyclicView: Sendable, Equatable {
    public let task: ModularTask
    public let p: Int
    /// The order of the group: p, or p − 1 for the discrete-log view.
    public let n: Int
    public let tokensA: [Int]
    public let tokensB: [Int]
    public let classes: [Int]
    /// The primitive root of the discrete-log view (mul, div), else nil.
    public let generator: Int?
    /// False for the token-order stand-in of a task without a view: its "sums" are not the labels.
    public let isCyclic: Bool

    /// The tasks with a view, the tasks the Fourier analyses apply to.
    public static let tasks: [ModularTask] = [.add, .sub, .mul, .div]

    /// The view of `task` mod the prime p, or nil for a task that is no group operation in any order of the tokens.
    public init?(task: ModularTask, p: Int) {
        let identity = Array(0..<p)
        switch task {
        case .add:
            self.init(task: task, p: p, n: p, tokensA: identity, tokensB: identity, classes: identity, generator: nil, cyclic: true)
        case .sub:
            self.init(task: task, p: p, n: p, tokensA: identity, tokensB: identity.map { (p - $0) % p }, classes: identity,
                      generator: nil, cyclic: true)
        case .mul, .div:
            let g = ModularTask.primitiveRoot(p), n = p - 1
            var powers = [Int](repeating: 1, count: n)
            for i in 1..<max(1, n) { powers[i] = powers[i - 1] * g % p }
            let b = task == .mul ? powers : (0..<n).map { powers[(n - $0) % n] }
            self.init(task: task, p: p, n: n, tokensA: powers, tokensB: b, classes: powers, generator: g, cyclic: true)
        case .x2y2, .x2xyy2, .x3xy:
            return nil
        }
    }

    /// The identity layout of size p, not cyclic: what the analyses that need no basis see for a task without a view.
    public static func tokenOrder(task: ModularTask, p: Int) -> CyclicView {
        let identity = Array(0..<p)
        return CyclicView(task: task, p: p, n: p, tokensA: identity, tokensB: identity, classes: identity, generator: nil,
                          cyclic: false)
    }

    /// The task's view, or its token order when it has none.
    public static func of(task: ModularTask, p: Int) -> CyclicView {
        CyclicView(task: task, p: p) ?? tokenOrder(task: task, p: p)
    }

    private init(task: ModularTask, p: Int, n: Int, tokensA: [Int], tokensB: [Int], classes: [Int], generator: Int?,
                 cyclic: Bool) {
        self.task = task; self.p = p; self.n = n
        self.tokensA = tokensA; self.tokensB = tokensB; self.classes = classes
        self.generator = generator; isCyclic = cyclic
    }

    /// True when every index is its token (n = p, all three maps the identity): add, and tasks without a view.
    public var isTokenOrder: Bool {
        n == p && tokensA.enumerated().allSatisfy { $0 == $1 } && tokensB.enumerated().allSatisfy { $0 == $1 }
            && classes.enumerated().allSatisfy { $0 == $1 }
    }

    /// For figure titles: "discrete-log basis, g = 3" for mul and div; "" for add and sub (the token order, up to the
    /// sign of b, which no figure shows) and for tasks without a view.
    public var label: String { generator.map { "discrete-log basis, g = \($0)" } ?? "" }

    /// What tells results in this order apart in the analysis cache: "" for the token order (add, tasks without a view,
    /// so their cached results stay valid), else for example "; order=mul g=3".
    public var orderTag: String {
        if isTokenOrder { return "" }
        return "; order=\(task.rawValue)" + (generator.map { " g=\($0)" } ?? "")
    }

    /// The flat token index a·p + b of every view pair, row i·n + j.
    public var flatIndices: [Int] {
        var out: [Int] = []
        out.reserveCapacity(n * n)
        for i in 0..<n { for j in 0..<n { out.append(tokensA[i] * p + tokensB[j]) } }
        return out
    }

    /// The row i·n + j of the view pair holding (a, b) = (flat / p, flat % p), or nil when a or b is outside the view
    /// (a 0 for mul and div).
    public func row(flatIndex flat: Int) -> Int? {
        guard let i = Self.inverse(tokensA, p)[flat / p], let j = Self.inverse(tokensB, p)[flat % p] else { return nil }
        return i * n + j
    }

    /// The split's pairs as rows of the view grid (i·n + j), in the same order; pairs outside the view are left out. The
    /// result's `p` is n, so that (row / n + row % n) mod n is each pair's label in view order.
    public func gridSplit(_ split: DataSplit) -> DataSplit {
        let a = Self.inverse(tokensA, p), b = Self.inverse(tokensB, p)
        func rows(_ flat: [Int]) -> [Int] {
            flat.compactMap { f in a[f / p].flatMap { i in b[f % p].map { i * n + $0 } } }
        }
        return DataSplit(p: n, task: task, trainIndices: rows(split.trainIndices), testIndices: rows(split.testIndices))
    }

    /// token → index, nil for tokens outside the view.
    private static func inverse(_ tokens: [Int], _ p: Int) -> [Int?] {
        var out = [Int?](repeating: nil, count: p)
        for (i, t) in tokens.enumerated() { out[t] = i }
        return out
    }
}
