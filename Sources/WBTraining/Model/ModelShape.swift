/// The sizes of the 1-layer transformer: modulus p, vocabulary p+1 (the `=` token is p), p+1 output classes
/// (the `=` class stays in the training softmax, as the paper's code), 3 positions `[a, b, =]`.
public struct ModelShape: Sendable, Equatable, Codable {
    public let p: Int
    public let dModel: Int
    public let heads: Int
    public let dMLP: Int

    public init(p: Int, dModel: Int, heads: Int, dMLP: Int) {
        self.p = p; self.dModel = dModel; self.heads = heads; self.dMLP = dMLP
    }

    public var dHead: Int { dModel / heads }
    public var vocab: Int { p + 1 }
    public var classes: Int { p + 1 }
    public var positions: Int { 3 }
    /// The `=` token.
    public var equalsToken: Int { p }
}
