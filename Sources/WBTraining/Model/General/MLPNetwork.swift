/// The MLP of `ModelArchitecture.mlp` on one-hot(a) ‖ one-hot(b), as `torch.nn.Linear` layers compute it:
/// x ← act(x·W_iᵀ + b_i) for each hidden layer, logits = x·W_outᵀ + b_out (p classes). The first layer's product with a
/// one-hot input is its two columns a and p + b added (what the dense product adds, without the zeros); its gradient is
/// scattered back into those columns.
///
/// Parallel work as `GeneralTransformer`: activations and their gradients per block of examples, each weight gradient a
/// sum over every example (in order) per block of its output rows.
public final class MLPNetwork: TrainableModel {
    public let layout: ParameterLayout
    public let split: WorkSplit
    let loss: LossFunction
    let p: Int
    let widths: [Int]
    let act: ActivationKind
    let hasBias: Bool
    /// Offsets of each linear layer's weight and bias (the output layer last); bias −1 without biases.
    let weights: [Int]
    let biases: [Int]
    private var buffers: Buffers?
    static let minimumBlock = 64
    static let evaluationChunk = 4096

    final class Buffers {
        let capacity: Int
        let a: AlignedBuffer<Int32>, b: AlignedBuffer<Int32>, labels: AlignedBuffer<Int32>
        let pre: [AlignedBuffer<Float>], post: [AlignedBuffer<Float>], dPre: [AlignedBuffer<Float>], slope: [AlignedBuffer<Float>]
        let logits: AlignedBuffer<Float>, dLogits: AlignedBuffer<Float>
        let losses: AlignedBuffer<Double>, correct: AlignedBuffer<UInt8>, collapsed: AlignedBuffer<UInt8>
        init(capacity: Int, widths: [Int], classes: Int, keepingSlopes: Bool) {
            self.capacity = capacity
            a = AlignedBuffer(capacity, zero: 0); b = AlignedBuffer(capacity, zero: 0); labels = AlignedBuffer(capacity, zero: 0)
            pre = widths.map { AlignedBuffer(capacity * $0, zero: 0) }
            post = widths.map { AlignedBuffer(capacity * $0, zero: 0) }
            dPre = widths.map { AlignedBuffer(capacity * $0, zero: 0) }
            slope = keepingSlopes ? widths.map { AlignedBuffer(capacity * $0, zero: 0) } : []
            logits = AlignedBuffer(capacity * classes, zero: 0); dLogits = AlignedBuffer(capacity * classes, zero: 0)
            losses = AlignedBuffer(capacity, zero: 0); correct = AlignedBuffer(capacity, zero: 0)
            collapsed = AlignedBuffer(capacity, zero: 0)
        }
        func load(_ batch: ExampleBatch, from start: Int, count: Int) {
            for e in 0..<count {
                a.pointer[e] = batch.a[start + e]; b.pointer[e] = batch.b[start + e]; labels.pointer[e] = batch.labels[start + e]
            }
        }
    }

    init(layout: ParameterLayout, loss: LossFunction, threads: Int) {
        guard case .mlp(let p, let hidden, let act, let bias) = layout.architecture else {
            preconditionFailure("MLPNetwork needs an MLP layout")
        }
        self.layout = layout
        self.loss = loss
        split = WorkSplit(workers: threads)
        self.p = p
        widths = hidden
        self.act = act
        hasBias = bias
        let names = hidden.indices.map { "hidden.\($0)" } + ["out"]
        weights = names.map { layout.offset($0 + ".weight") }
        biases = names.map { bias ? layout.offset($0 + ".bias") : -1 }
    }

    public func prepare(parameters: UnsafePointer<Float>) {}

    /// An MLP of `layout`'s architecture for reading activations (the analyses); its loss is cross-entropy.
    public convenience init(layout: ParameterLayout, threads: Int = 2) {
        guard case .mlp(let p, _, _, _) = layout.architecture else { preconditionFailure("MLPNetwork needs an MLP layout") }
        self.init(layout: layout, loss: LossFunction(kind: .ce, classes: p, p: p), threads: threads)
    }

    /// The first hidden layer's activations ([N, h₀], after the activation) and the logits ([N, p]) of `examples`, for
    /// the analyses (the first layer's columns a and p + b play the embedding, its units the neurons).
    public func firstLayerAndLogits(_ examples: ExampleBatch, parameters: [Float]) -> (hidden: [Float], logits: [Float]) {
        let n = examples.count, h0 = widths[0]
        let ws = workspace(capacity: n)
        ws.load(examples, from: 0, count: n)
        parameters.withUnsafeBufferPointer { w in
            split.forEachBlock(n, minimum: Self.minimumBlock) { forward(ws, $0, parameters: w.baseAddress!, batchSize: n, gradient: false) }
        }
        return (Array(UnsafeBufferPointer(start: ws.post[0].pointer, count: n * h0)),
                Array(UnsafeBufferPointer(start: ws.logits.pointer, count: n * p)))
    }

    private func workspace(capacity: Int) -> Buffers {
        if let existing = buffers, existing.capacity >= capacity { return existing }
        let made = Buffers(capacity: capacity, widths: widths, classes: p, keepingSlopes: act == .gelu)
        buffers = made
        return made
    }

    public func evaluate(_ examples: ExampleBatch, parameters w: UnsafePointer<Float>) -> BatchResult {
        let ws = workspace(capacity: min(buffers?.capacity ?? Self.evaluationChunk, max(1, examples.count)))
        var tally = BatchTally()
        var start = 0
        while start < examples.count {
            let n = min(ws.capacity, examples.count - start)
            ws.load(examples, from: start, count: n)
            split.forEachBlock(n, minimum: Self.minimumBlock) { forward(ws, $0, parameters: w, batchSize: n, gradient: false) }
            tally.add(losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer, count: n)
            start += n
        }
        return tally.result
    }

    public func lossAndGradient(_ examples: ExampleBatch, parameters w: UnsafePointer<Float>,
                                gradients g: UnsafeMutablePointer<Float>) -> BatchResult {
        let n = examples.count
        let ws = workspace(capacity: n)
        ws.load(examples, from: 0, count: n)
        split.forEachBlock(n, minimum: Self.minimumBlock) { range in
            forward(ws, range, parameters: w, batchSize: n, gradient: true)
            backward(ws, range, parameters: w)
        }
        weightGradients(ws, examples: n, gradients: g)
        var tally = BatchTally()
        tally.add(losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer, count: n)
        return tally.result
    }

    private func forward(_ ws: Buffers, _ range: Range<Int>, parameters w: UnsafePointer<Float>, batchSize: Int,
                         gradient: Bool) {
        let lo = range.lowerBound, n = range.count
        // First layer: columns a and p + b of W₀ [h₀, 2p], plus the bias.
        let h0 = widths[0], w0 = w + weights[0], pre0 = ws.pre[0].pointer
        for e in range {
            let a = Int(ws.a.pointer[e]), b = p + Int(ws.b.pointer[e]), out = pre0 + e * h0
            for j in 0..<h0 {
                let row = w0 + j * 2 * p
                out[j] = row[a] + row[b]
                if hasBias { out[j] = out[j] + w[biases[0] + j] }
            }
        }
        Activation.forward(act, pre0 + lo * h0, ws.post[0].pointer + lo * h0,
                           slope: gradient && act == .gelu ? ws.slope[0].pointer + lo * h0 : nil, count: n * h0)
        var input = ws.post[0].pointer, fanIn = h0
        for l in 1..<(widths.count + 1) {
            let last = l == widths.count
            let width = last ? p : widths[l]
            let out = last ? ws.logits.pointer : ws.pre[l].pointer
            fill(out, rows: range, width: width, bias: hasBias ? w + biases[l] : nil)
            gemm(transB: true, m: n, n: width, k: fanIn, a: input + lo * fanIn, lda: fanIn, b: w + weights[l], ldb: fanIn,
                 beta: 1, c: out + lo * width, ldc: width)
            if !last {
                Activation.forward(act, out + lo * width, ws.post[l].pointer + lo * width,
                                   slope: gradient && act == .gelu ? ws.slope[l].pointer + lo * width : nil, count: n * width)
                input = ws.post[l].pointer
                fanIn = width
            }
        }
        loss.evaluate(logits: ws.logits.pointer, labels: ws.labels.pointer, rows: range, batchSize: batchSize,
                      losses: ws.losses.pointer, correct: ws.correct.pointer, collapsed: ws.collapsed.pointer,
                      gradient: gradient ? ws.dLogits.pointer : nil)
    }

    /// Rows `rows` of out [·, width] set to the bias (or 0).
    private func fill(_ out: UnsafeMutablePointer<Float>, rows: Range<Int>, width: Int, bias: UnsafePointer<Float>?) {
        for r in rows {
            let row = out + r * width
            if let bias { for j in 0..<width { row[j] = bias[j] } } else { for j in 0..<width { row[j] = 0 } }
        }
    }

    /// The gradients of every layer's pre-activations for examples `range`.
    private func backward(_ ws: Buffers, _ range: Range<Int>, parameters w: UnsafePointer<Float>) {
        let lo = range.lowerBound, n = range.count
        var upstream = ws.dLogits.pointer, upWidth = p
        for l in stride(from: widths.count - 1, through: 0, by: -1) {
            let width = widths[l], dPre = ws.dPre[l].pointer
            // d post_l = d (next pre)·W_{l+1}, W_{l+1} [upWidth, width]
            gemm(m: n, n: width, k: upWidth, a: upstream + lo * upWidth, lda: upWidth, b: w + weights[l + 1], ldb: width,
                 c: dPre + lo * width, ldc: width)
            Activation.backward(act, preActivation: ws.pre[l].pointer + lo * width,
                                slope: act == .gelu ? ws.slope[l].pointer + lo * width : nil, dPre + lo * width, count: n * width)
            upstream = dPre
            upWidth = width
        }
    }

    private func weightGradients(_ ws: Buffers, examples n: Int, gradients g: UnsafeMutablePointer<Float>) {
        split.forEach(split.workers) { worker in
            func part(_ total: Int) -> Range<Int> { WorkSplit.block(worker, of: total, pieces: split.workers) }
            for l in 1..<(widths.count + 1) {
                let last = l == widths.count
                let width = last ? p : widths[l], fanIn = widths[l - 1]
                let dOut = last ? ws.dLogits.pointer : ws.dPre[l].pointer
                let rows = part(width)
                guard !rows.isEmpty else { continue }
                // dW_l [width, fanIn] = d preᵀ · post_{l−1}
                gemm(transA: true, m: rows.count, n: fanIn, k: n, a: dOut + rows.lowerBound, lda: width,
                     b: ws.post[l - 1].pointer, ldb: fanIn, c: g + weights[l] + rows.lowerBound * fanIn, ldc: fanIn)
                if hasBias { columnSums(dOut, rows: n, width: width, columns: rows, into: g + biases[l]) }
            }
            // First layer: scatter d pre₀ into columns a and p + b, examples in order.
            let h0 = widths[0], rows = part(h0), dPre = ws.dPre[0].pointer, g0 = g + weights[0]
            guard !rows.isEmpty else { return }
            for j in rows { let row = g0 + j * 2 * p; for i in 0..<(2 * p) { row[i] = 0 } }
            for e in 0..<n {
                let a = Int(ws.a.pointer[e]), b = p + Int(ws.b.pointer[e]), src = dPre + e * h0
                for j in rows { let row = g0 + j * 2 * p; row[a] += src[j]; row[b] += src[j] }
            }
            if hasBias { columnSums(dPre, rows: n, width: h0, columns: rows, into: g + biases[0]) }
        }
    }
}
