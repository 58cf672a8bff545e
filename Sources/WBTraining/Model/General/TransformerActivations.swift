/// Every buffer `GeneralTransformer` needs for up to `capacity` examples (3 rows each, row 3e + position), allocated once
/// and reused each step. Per block l: `residual[l]` is the block's input (`residual[layers]` the last block's output),
/// `middle[l]` the residual after attention (the last block keeps one row per example from attention on: row e, not
/// 3e + 2, in `middle`, `z`, `normed2`, `pre`, `post` and `residual[layers]`, and their gradients), `normed1/2[l]` the LayerNorm outputs with their `hat` (x̂) and `inverse`
/// (1/scale), `qkv[l]` [rows, 3·d_model], `attention[l]` [examples, heads, 3, 3], `z[l]` [rows, d_model], `pre[l]` and
/// `post[l]` [rows, d_mlp]. The `d…` buffers hold the gradients of the same activations.
final class TransformerActivations {
    let capacity: Int
    let tokens: AlignedBuffer<Int32>
    let labels: AlignedBuffer<Int32>
    let residual: [AlignedBuffer<Float>]
    let middle: [AlignedBuffer<Float>]
    let normed1: [AlignedBuffer<Float>], hat1: [AlignedBuffer<Float>], inverse1: [AlignedBuffer<Float>]
    let normed2: [AlignedBuffer<Float>], hat2: [AlignedBuffer<Float>], inverse2: [AlignedBuffer<Float>]
    let qkv: [AlignedBuffer<Float>]
    let attention: [AlignedBuffer<Float>]
    let z: [AlignedBuffer<Float>]
    let pre: [AlignedBuffer<Float>]
    let post: [AlignedBuffer<Float>]
    let normedFinal: AlignedBuffer<Float>, hatFinal: AlignedBuffer<Float>
    let inverseFinal: AlignedBuffer<Float>
    let logits: AlignedBuffer<Float>
    let losses: AlignedBuffer<Double>
    let correct: AlignedBuffer<UInt8>
    let collapsed: AlignedBuffer<UInt8>
    private let shape: ModelShape
    private let layers: Int
    private let layerNorm: Bool
    // Gradients (allocated for training only).
    private(set) var dLogits: AlignedBuffer<Float>! = nil
    private(set) var dFinal: AlignedBuffer<Float>! = nil
    private(set) var dResidual: [AlignedBuffer<Float>] = []
    private(set) var dMiddle: [AlignedBuffer<Float>] = []
    private(set) var dNormed1: [AlignedBuffer<Float>] = []
    private(set) var dNormed2: [AlignedBuffer<Float>] = []
    private(set) var dQKV: [AlignedBuffer<Float>] = []
    private(set) var dPre: [AlignedBuffer<Float>] = []
    /// GELU's slope at each pre-activation, kept by a training forward (empty for other activations).
    private(set) var slope: [AlignedBuffer<Float>] = []
    /// Per block: each worker's examples own their rows (the last block's compact rows would overlap another block's).
    private(set) var dZ: [AlignedBuffer<Float>] = []

    init(capacity: Int, shape s: ModelShape, layers: Int, layerNorm: Bool) {
        self.capacity = capacity
        shape = s
        self.layers = layers
        self.layerNorm = layerNorm
        let rows = 3 * capacity, d = s.dModel, m = s.dMLP
        func many(_ count: Int, _ size: Int) -> [AlignedBuffer<Float>] { (0..<count).map { _ in AlignedBuffer(size, zero: 0) } }
        let normCount = layerNorm ? layers : 0
        tokens = AlignedBuffer(rows, zero: 0)
        labels = AlignedBuffer(capacity, zero: 0)
        residual = many(layers + 1, rows * d)
        middle = many(layers, rows * d)
        normed1 = many(normCount, rows * d); hat1 = many(normCount, rows * d); inverse1 = many(normCount, rows)
        normed2 = many(normCount, rows * d); hat2 = many(normCount, rows * d); inverse2 = many(normCount, rows)
        qkv = many(layers, rows * 3 * d)
        attention = many(layers, capacity * s.heads * 9)
        z = many(layers, rows * d)
        pre = many(layers, rows * m)
        post = many(layers, rows * m)
        normedFinal = AlignedBuffer(layerNorm ? capacity * d : 0, zero: 0)
        hatFinal = AlignedBuffer(layerNorm ? capacity * d : 0, zero: 0)
        inverseFinal = AlignedBuffer(layerNorm ? capacity : 0, zero: 0)
        logits = AlignedBuffer(capacity * s.classes, zero: 0)
        losses = AlignedBuffer(capacity, zero: 0)
        correct = AlignedBuffer(capacity, zero: 0)
        collapsed = AlignedBuffer(capacity, zero: 0)
    }

    func ensureGradientBuffers(keepingSlopes: Bool) {
        guard dLogits == nil else { return }
        if keepingSlopes { slope = (0..<layers).map { _ in AlignedBuffer(3 * capacity * shape.dMLP, zero: 0) } }
        let rows = 3 * capacity, d = shape.dModel, m = shape.dMLP
        func many(_ count: Int, _ size: Int) -> [AlignedBuffer<Float>] { (0..<count).map { _ in AlignedBuffer(size, zero: 0) } }
        dLogits = AlignedBuffer(capacity * shape.classes, zero: 0)
        dFinal = AlignedBuffer(capacity * d, zero: 0)
        dResidual = many(layers + 1, rows * d)
        dMiddle = many(layers, rows * d)
        dNormed1 = many(layers, rows * d)
        dNormed2 = many(layers, rows * d)
        dQKV = many(layers, rows * 3 * d)
        dPre = many(layers, rows * m)
        dZ = many(layers, rows * d)
    }

    /// Examples [start, start + count) of `batch` as token rows (a, b, =) and labels.
    func load(_ batch: ExampleBatch, from start: Int, count: Int, p: Int) {
        for e in 0..<count {
            tokens.pointer[3 * e] = batch.a[start + e]
            tokens.pointer[3 * e + 1] = batch.b[start + e]
            tokens.pointer[3 * e + 2] = Int32(p)
            labels.pointer[e] = batch.labels[start + e]
        }
    }
}
