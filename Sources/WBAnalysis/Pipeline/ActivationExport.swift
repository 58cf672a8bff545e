import Foundation
import WBTraining

/// Writes the full activation grid of a checkpoint, only when asked (it is p²·d_mlp floats, 26 MB at the paper's size):
/// `runs/<name>/analysis/activations/<epoch>.safetensors` with `mlp_post` [p, p, d_mlp] (axes a, b, neuron) and
/// `logits` [p, p, p] (axes a, b, class; the `=` class dropped), both float32. For sub, mul and div the axes are those of
/// the run's `CyclicView` (n = p − 1 for mul and div): index i, j, c, with the tokens of each index in the metadata
/// `tokens_a`, `tokens_b`, `classes` (comma-separated) and `task`. For a transformer of several layers, `mlp_post` is the
/// read layer's (`RunContext.layer`), named in the metadata `layer` and in the file name (`<epoch>.layer<N>.safetensors`).
public enum ActivationExport {
    public static func url(run: RunFolder, epoch: Int, layer: Int? = nil) -> URL {
        run.url.appendingPathComponent("analysis/activations/\(epoch)\(layer.map { ".layer\($0)" } ?? "").safetensors")
    }

    @discardableResult
    public static func write(_ state: CheckpointState, run: RunFolder) throws -> URL {
        let forward = state.forward, p = forward.n, view = state.run.view
        var logits = [Float](repeating: 0, count: p * p * p)
        for r in 0..<(p * p) { for c in 0..<p { logits[r * p + c] = forward.logits[r * forward.logitStride + c] } }
        var metadata = ["epoch": "\(state.epoch)", "format": "wb-activations/1"]
        let layer = state.run.layerCount > 1 ? state.run.layer : nil
        if let layer { metadata["layer"] = "\(layer)" }
        if !view.isTokenOrder {
            func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: ",") }
            metadata["task"] = view.task.rawValue
            metadata["tokens_a"] = list(view.tokensA)
            metadata["tokens_b"] = list(view.tokensB)
            metadata["classes"] = list(view.classes)
        }
        let file = SafetensorsFile(tensors: [
            "mlp_post": SafetensorsTensor(floats: forward.activations, shape: [p, p, forward.neurons]),
            "logits": SafetensorsTensor(floats: logits, shape: [p, p, p]),
        ], metadata: metadata)
        let target = url(run: run, epoch: state.epoch, layer: layer)
        try file.write(to: target)
        return target
    }
}
