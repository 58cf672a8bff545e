import Foundation
import WBTraining

/// Runs a sweep's points on this machine: a pool of `jobs` worker processes (`wb sweep-worker SWEEP_FOLDER INDEX`), each
/// training one point into its run folder, the next queued point started as soon as one ends. Finished points are skipped,
/// started ones resume from their latest checkpoint. Cancelling sends SIGINT to every worker: each saves a checkpoint of
/// the epoch it reached and exits; the states go to `sweep.json`.
public final class LocalSweepPool {
    public let folder: SweepFolder
    /// The `wb` executable the workers run.
    public let executable: URL
    public let jobs: Int
    /// The workers' environment (nil: this process's).
    public var environment: [String: String]?

    public init(folder: SweepFolder, executable: URL, jobs: Int) {
        self.folder = folder; self.executable = executable; self.jobs = max(1, jobs)
    }

    /// The default `jobs`: the cores divided by the threads one point uses (at least 1).
    public static func defaultJobs(threads: Int) -> Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, threads))
    }

    /// One worker process and what it reported. Its reader threads and the pool's loop share it: every `var` is read
    /// and written only under the pool's `guardLock`, hence `@unchecked Sendable`.
    private final class Worker: @unchecked Sendable {
        let index: Int
        let process = Process()
        let started = Date()
        var epoch: Int?
        var target: Int
        var testAccuracy: Double?
        var result: WorkerMessage?
        var errorText = ""
        var signalled = false
        let done = DispatchGroup()
        init(index: Int, target: Int) { self.index = index; self.target = target }
    }

    /// Trains every point that is not finished; returns when all are done, or, after `cancel`, when the workers have
    /// saved their checkpoints and exited.
    public func run(cancel: CancellationToken, progress: (SweepProgress) -> Void = { _ in }) throws -> SweepRunOutcome {
        let lock = try SweepLock(folder)
        defer { withExtendedLifetime(lock) {} }
        var manifest = try folder.readManifest()
        var epochs: [Int: Int] = [:]
        for i in manifest.points.indices {
            let (state, epoch) = folder.inspect(manifest.points[i].point)
            manifest.points[i].state = state
            if state != .failed { manifest.points[i].error = nil }
            epochs[i] = epoch ?? 0
        }
        manifest.coordinatorPID = getpid()
        try folder.writeManifest(manifest)

        let guardLock = NSLock()
        var queue = manifest.points.indices.filter { manifest.points[$0].state != .finished }
        var running: [Worker] = []
        var trainedNow = 0
        var overheads: [Double] = []
        var epochsTrained = 0
        let clock = Date()
        var lastReport = Date.distantPast
        var stopping = false

        func report(force: Bool) {
            guard force || Date().timeIntervalSince(lastReport) >= 0.25 else { return }
            lastReport = Date()
            // The workers' reports, read under the lock their reader threads write them under.
            let live = guardLock.withLock { running.map { (index: $0.index, epoch: $0.epoch, target: $0.target, accuracy: $0.testAccuracy) } }
            let rows = live.map { w in
                SweepProgress.Running(name: manifest.points[w.index].point.name, epoch: w.epoch ?? epochs[w.index] ?? 0,
                                      target: w.target, testAccuracy: w.accuracy)
            }
            var liveEpochs = 0
            for w in live { liveEpochs += max(0, (w.epoch ?? epochs[w.index] ?? 0) - (epochs[w.index] ?? 0)) }
            var remaining = 0
            for (i, record) in manifest.points.enumerated() where record.state != .finished {
                let current = live.first { $0.index == i }.flatMap(\.epoch) ?? epochs[i] ?? 0
                remaining += max(0, record.point.config.epochs - current)
            }
            let elapsed = Date().timeIntervalSince(clock)
            let done = epochsTrained + liveEpochs
            let eta = done > 0 && elapsed > 0 ? Double(remaining) / (Double(done) / elapsed) : nil
            progress(SweepProgress(name: manifest.name, total: manifest.points.count,
                                   finished: manifest.points.filter { $0.state == .finished }.count,
                                   failed: manifest.points.filter { $0.state == .failed }.count,
                                   queued: queue.count, running: rows, elapsedSeconds: elapsed, etaSeconds: eta,
                                   stopping: stopping))
        }

        func start(_ index: Int) throws {
            let config = manifest.points[index].point.config
            let worker = Worker(index: index, target: config.epochs)
            worker.process.executableURL = executable
            worker.process.arguments = ["sweep-worker", folder.url.path, String(index)]
            if let environment { worker.process.environment = environment }
            let out = Pipe(), err = Pipe()
            worker.process.standardOutput = out
            worker.process.standardError = err
            worker.process.standardInput = FileHandle.nullDevice
            try worker.process.run()
            for (pipe, isOut) in [(out, true), (err, false)] {
                worker.done.enter()
                Thread.detachNewThread {
                    let handle = pipe.fileHandleForReading
                    var buffer = Data()
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        if !isOut {
                            guardLock.withLock {
                                worker.errorText += String(decoding: chunk, as: UTF8.self)
                                if worker.errorText.count > 4000 { worker.errorText = String(worker.errorText.suffix(2000)) }
                            }
                            continue
                        }
                        buffer.append(chunk)
                        while let newline = buffer.firstIndex(of: 10) {
                            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                            buffer.removeSubrange(buffer.startIndex...newline)
                            guard let message = WorkerMessage(line: line) else { continue }
                            guardLock.withLock {
                                switch message {
                                case .progress(let epoch, let target, let accuracy, _):
                                    worker.epoch = epoch; worker.target = target; worker.testAccuracy = accuracy
                                case .result:
                                    worker.result = message
                                }
                            }
                        }
                    }
                    worker.done.leave()
                }
            }
            running.append(worker)
            manifest.points[index].state = .running
            manifest.points[index].error = nil
        }

        var stateChanged = false
        while !running.isEmpty || (!queue.isEmpty && !stopping) {
            if cancel.isCancelled && !stopping {
                stopping = true
                for worker in running where worker.process.isRunning {
                    kill(worker.process.processIdentifier, SIGINT)
                    worker.signalled = true
                }
                report(force: true)
            }
            while !stopping && running.count < jobs && !queue.isEmpty {
                let index = queue.removeFirst()
                do { try start(index) } catch {
                    manifest.points[index].state = .failed
                    manifest.points[index].error = "could not start \(executable.path): \(error)"
                }
                stateChanged = true
            }
            if stateChanged { try folder.writeManifest(manifest); stateChanged = false; report(force: true) }
            usleep(50_000)
            for worker in running where !worker.process.isRunning {
                worker.process.waitUntilExit()
                worker.done.wait()
                let i = worker.index
                let wall = Date().timeIntervalSince(worker.started)
                let (state, epoch) = folder.inspect(manifest.points[i].point)
                let (result, errorText) = guardLock.withLock { (worker.result, worker.errorText) }
                epochsTrained += max(0, (epoch ?? 0) - (epochs[i] ?? 0))
                epochs[i] = epoch ?? 0
                if worker.process.terminationReason == .exit, worker.process.terminationStatus == 0,
                   case .result(_, _, let seconds) = result {
                    manifest.points[i].state = state
                    manifest.points[i].seconds += seconds
                    overheads.append(max(0, wall - seconds))
                    trainedNow += 1
                } else if worker.signalled || cancel.isCancelled {
                    manifest.points[i].state = state == .finished ? .finished : .stopped
                } else {
                    manifest.points[i].state = .failed
                    let how = worker.process.terminationReason == .exit ? "exit status \(worker.process.terminationStatus)"
                        : "signal \(worker.process.terminationStatus)"
                    let lines = errorText.split(separator: "\n").suffix(3).joined(separator: " / ")
                    manifest.points[i].error = "worker ended with \(how)" + (lines.isEmpty ? "" : ": \(lines)")
                }
                running.removeAll { $0 === worker }
                stateChanged = true
            }
            if stateChanged { try folder.writeManifest(manifest); stateChanged = false; report(force: true) }
            report(force: false)
        }
        manifest.coordinatorPID = nil
        try folder.writeManifest(manifest)
        let states = manifest.points.map(\.state)
        return SweepRunOutcome(total: states.count, finished: states.filter { $0 == .finished }.count,
                               stopped: states.filter { $0 == .stopped }.count, failed: states.filter { $0 == .failed }.count,
                               queued: states.filter { $0 == .queued }.count, trainedNow: trainedNow,
                               cancelled: cancel.isCancelled, seconds: Date().timeIntervalSince(clock),
                               overheadSeconds: overheads,
                               failures: manifest.points.filter { $0.state == .failed }.map { ($0.point.name, $0.error ?? "") })
    }
}
