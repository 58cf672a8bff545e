import Foundation
import WBTraining

/// Reads the weights of a checkpoint file (the optimizer state is left unread) and hashes its bytes in the same pass.
enum CheckpointLoader {
    struct Loaded {
        var parameters: [Float]
        var fingerprint: CheckpointFingerprint
    }

    static func load(_ url: URL, epoch: Int, layout: ParameterLayout) throws -> Loaded {
        guard var fingerprint = CheckpointFingerprint.current(url) else {
            throw AnalysisError.checkpointUnreadable(epoch: epoch, path: url.path, reason: "the file does not exist")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AnalysisError.checkpointUnreadable(epoch: epoch, path: url.path, reason: "\(error)")
        }
        fingerprint.sha256 = CheckpointFingerprint.sha256(data)
        do {
            let file = try SafetensorsFile.parse(data)
            var parameters = [Float](repeating: 0, count: layout.totalCount)
            for entry in layout.entries {
                let values = try file.floats(entry.name, shape: entry.shape)
                parameters.replaceSubrange(entry.range, with: values)
            }
            return Loaded(parameters: parameters, fingerprint: fingerprint)
        } catch {
            throw AnalysisError.checkpointUnreadable(epoch: epoch, path: url.path, reason: "\(error)")
        }
    }
}
