import Foundation

/// Slurm's own commands: `sbatch` to submit, `squeue` to follow, `scancel` to stop. They find the cluster as they
/// always do (`SLURM_CONF`, `/etc/slurm/slurm.conf`).
public struct SlurmClient: Sendable {
    public var environment: [String: String]?

    public init(environment: [String: String]? = nil) { self.environment = environment }

    /// Runs a Slurm command; its standard output, or an error with its standard error.
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let environment { process.environment = environment }
        // Output through files, not pipes: a pipe's end inherited by a long-lived process would never close.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("wb-\(tool)-\(getpid())-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw SweepError.slurm("cannot run \(tool): \(error). Is Slurm installed (Scripts/setup installs slurm-wlm)?")
        }
        process.waitUntilExit()
        try? out.close(); try? err.close()
        let output = (try? Data(contentsOf: outURL)) ?? Data()
        let errors = (try? Data(contentsOf: errURL)) ?? Data()
        let text = String(decoding: output, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if process.terminationStatus == 127 {
                throw SweepError.slurm("\(tool) is not installed: Slurm's commands are needed for on=slurm (Scripts/setup installs slurm-wlm)")
            }
            throw SweepError.slurm("\(tool) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): \(message)")
        }
        return text
    }

    /// Submits a batch script; returns the job id.
    public func submit(script: URL) throws -> String {
        let text = try run("sbatch", ["--parsable", script.path]).trimmingCharacters(in: .whitespacesAndNewlines)
        let id = text.split(separator: ";").first.map(String.init) ?? text
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw SweepError.slurm("sbatch answered '\(text)', not a job id") }
        return id
    }

    /// The array tasks of `job` still in the queue: index → state (`PENDING`, `RUNNING`, …). Pending tasks that Slurm
    /// shows as one line (`12_[4-9%2]`) are expanded.
    public func tasks(job: String) throws -> [Int: String] {
        let text = try run("squeue", ["-h", "-r", "-j", job, "-o", "%i %T"])
        var tasks: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 2, let underscore = words[0].firstIndex(of: "_") else { continue }
            let index = words[0][words[0].index(after: underscore)...]
            if let i = Int(index) { tasks[i] = words[1]; continue }
            let inner = index.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: "%")[0]
            for part in inner.split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] { for i in bounds[0]...bounds[1] { tasks[i] = words[1] } }
                else if bounds.count == 1 { tasks[bounds[0]] = words[1] }
            }
        }
        return tasks
    }

    /// Stops `job`: pending tasks are cancelled, running ones get SIGINT (they save a checkpoint and end).
    public func stop(job: String) throws {
        let pending = Result { try run("scancel", ["--state=PENDING", job]) }
        let running = Result { try run("scancel", ["--full", "--signal=INT", job]) }
        if case .failure(let error) = pending, case .failure = running { throw error }
    }
}
