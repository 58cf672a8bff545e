import Foundation
import WBTraining

/// Writes the full activation grid of a checkpoint, only when asked (it is p²·d_mlp floats, 26 MB at the paper's size):
/// `runs/<name>/analysis/activations/<epoch>.safetensors` with `mlp_post` [p, p, d_mlp] (axes a, b, neuron) and
/// `logits` [p, p, p] (axes a, b, class; the `=` class dropped), both float32.
public enum ActivationExport {
    public static func url(run: RunFolder, epoch: Int) -> URL {
        run.url.appendingPathComponent("analysis/activations/\(epoch).safetensors")
    }

    @discardableResult
    public static func write(_ state: CheckpointState, run: RunFolder) throws -> URL {
        let forward = state.forward, p = forward.p
        var logits = [Float](repeating: 0, count: p * p * p)
        for r in 0..<(p * p) { for c in 0..<p { logits[r * p + c] = forward.logits[r * forward.logitStride + c] } }
        let file = SafetensorsFile(tensors: [
            "mlp_post": SafetensorsTensor(floats: forward.activations, shape: [p, p, forward.neurons]),
            "logits": SafetensorsTensor(floats: logits, shape: [p, p, p]),
        ], metadata: ["epoch": "\(state.epoch)", "format": "wb-activations/1"])
        let target = url(run: run, epoch: state.epoch)
        try file.write(to: target)
        return target
    }
}
