import Foundation
import WBTraining
import WBSupport

/// Runs a sweep as a Slurm job array: writes `runs/NAME/slurm/sweep.sbatch` (`SlurmBatchScript`) for the points that
/// are not finished, submits it with `sbatch`, and follows it with `squeue` and the run folders until its tasks have
/// left the queue. `sacct` is not needed (clusters without accounting storage are common).
public struct SlurmSweep {
    public let folder: SweepFolder
    public var client: SlurmClient

    public init(folder: SweepFolder, client: SlurmClient = SlurmClient()) {
        self.folder = folder; self.client = client
    }

    public var scriptURL: URL { folder.slurmURL.appendingPathComponent("sweep.sbatch") }

    /// Writes the batch script for the unfinished points; returns its text and the indices it covers (empty: all done).
    public func writeScript(options: SlurmOptions, parallel: Int?, executable: String) throws -> (text: String, indices: [Int]) {
        let manifest = try folder.readManifest()
        let indices = manifest.points.indices.filter { folder.inspect(manifest.points[$0].point).state != .finished }
        guard !indices.isEmpty else { return ("", []) }
        let text = SlurmBatchScript.render(folder: folder, manifest: manifest, indices: indices, parallel: parallel,
                                           options: options, executable: executable)
        try FileManager.default.createDirectory(at: folder.slurmURL, withIntermediateDirectories: true)
        try AtomicFile.write(text, to: scriptURL)
        return (text, indices)
    }

    /// Submits the script; records the job id in `sweep.json`.
    public func submit(options: SlurmOptions) throws -> String {
        let job = try client.submit(script: scriptURL)
        var manifest = try folder.readManifest()
        manifest.slurmJobID = job
        manifest.executor = .slurm
        manifest.slurm = options
        try folder.writeManifest(manifest)
        return job
    }

    /// Follows `job` until none of its tasks is queued or running, reporting from the run folders and `squeue` about
    /// once a second. Cancelling stops following (the job goes on; `sweep stop` cancels it). Returns true when the job
    /// left the queue.
    public func follow(job: String, cancel: CancellationToken, progress: (SweepProgress) -> Void) throws -> Bool {
        let clock = Date()
        while true {
            let tasks = try client.tasks(job: job)
            let status = try SweepStatus.read(folder, slurmRunning: Set(tasks.filter { $0.value == "RUNNING" }.keys))
            let running = status.rows.enumerated().filter { tasks[$0.offset] == "RUNNING" }.map { i, row in
                SweepProgress.Running(name: row.point, epoch: row.epoch ?? 0, target: row.target, testAccuracy: row.testAccuracy)
            }
            progress(SweepProgress(name: folder.name, total: status.rows.count,
                                   finished: status.rows.filter { $0.state == .finished }.count,
                                   failed: status.rows.filter { $0.state == .failed }.count,
                                   queued: tasks.values.filter { $0 == "PENDING" }.count, running: running,
                                   elapsedSeconds: Date().timeIntervalSince(clock), etaSeconds: nil, stopping: false))
            if tasks.isEmpty { return true }
            if cancel.isCancelled { return false }
            usleep(500_000)
        }
    }
}
