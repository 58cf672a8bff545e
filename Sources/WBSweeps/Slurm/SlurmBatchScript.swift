import Foundation

/// The batch script of a sweep's Slurm job array: one task per point that is not finished, at most `parallel` at once,
/// each running `wb sweep-worker SWEEP_FOLDER slurm` (the point is `$SLURM_ARRAY_TASK_ID`), with the CPUs of the point's
/// `threads` and its output under `runs/NAME/slurm/`.
public enum SlurmBatchScript {
    public static func render(folder: SweepFolder, manifest: SweepManifest, indices: [Int], parallel: Int?,
                              options: SlurmOptions, executable: String) -> String {
        let threads = manifest.points.map(\.point.config.threads).max() ?? 1
        var lines = ["#!/bin/bash",
                     "# wb sweep \(manifest.name): \(manifest.points.count) points (\(manifest.grid)); written by wb, submitted with sbatch",
                     "#SBATCH --job-name=wb-\(manifest.name)",
                     "#SBATCH --array=\(arraySpec(indices))" + (parallel.map { "%\($0)" } ?? ""),
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=\(threads)",
                     "#SBATCH --output=\(folder.slurmURL.path)/%A_%a.out"]
        if let partition = options.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = options.account { lines.append("#SBATCH --account=\(account)") }
        if let time = options.time { lines.append("#SBATCH --time=\(time)") }
        for extra in options.extra { lines.append("#SBATCH \(extra)") }
        lines.append("# SIGINT or SIGTERM (scancel) stops the point after its current epoch with a checkpoint saved;")
        lines.append("# `wb sweep \(manifest.name)` (or resubmitting) continues it exactly.")
        lines.append("exec \(quote(executable)) sweep-worker \(quote(folder.url.path)) slurm")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `0-3,5,7-9`: the indices as ranges.
    public static func arraySpec(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start: Int?
        var previous = 0
        for i in indices.sorted() {
            if let s = start, i == previous + 1 { previous = i; _ = s; continue }
            if let s = start { parts.append(s == previous ? "\(s)" : "\(s)-\(previous)") }
            start = i
            previous = i
        }
        if let s = start { parts.append(s == previous ? "\(s)" : "\(s)-\(previous)") }
        return parts.joined(separator: ",")
    }

    /// Single quotes for the shell.
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
