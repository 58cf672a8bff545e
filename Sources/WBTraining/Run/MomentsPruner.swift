import Foundation
import WBSupport

/// Keeps a `moments=latest` run's checkpoints as that policy asks: after training writes a checkpoint (with its AdamW
/// moments and Grokfast state, as every new checkpoint is), the checkpoints before it that still hold training state,
/// except epoch 0, are rewritten weights only (`Checkpoint.strippingTrainingState`).
///
/// Order makes it safe to kill at any moment: the new checkpoint is renamed into place and its folder flushed before any
/// older one is touched, and each older one is replaced atomically (temporary file, rename). So the run always has a
/// checkpoint with training state at its newest epoch, or, between the two steps, at the previous one as well; `resume`
/// continues from the newest that has it, and a later checkpoint cleans up what a kill left.
final class MomentsPruner {
    let run: RunFolder
    /// Epochs besides 0 whose checkpoint holds training state, as far as this pruner knows.
    private var holding: Set<Int>

    /// Reads which checkpoints of `run` hold training state now (headers only).
    init(run: RunFolder) {
        self.run = run
        holding = Set(run.checkpointEpochs().filter { $0 != 0 && run.holdsTrainingState(epoch: $0) })
    }

    /// Called after the checkpoint of `epoch` (with training state) is on disk: rewrites the earlier ones without it.
    func written(epoch: Int) throws {
        let older = holding.filter { $0 < epoch }.sorted()
        if epoch != 0 { holding.insert(epoch) }
        guard !older.isEmpty else { return }
        try AtomicFile.syncFolder(of: run.checkpointURL(epoch: epoch))
        for old in older {
            let url = run.checkpointURL(epoch: old)
            // A file that cannot be read is left as it is: it was written atomically, so it is not half-written.
            if let file = try? SafetensorsFile.read(from: url) {
                try Checkpoint.strippingTrainingState(file).write(to: url)
            }
            holding.remove(old)
        }
    }
}
