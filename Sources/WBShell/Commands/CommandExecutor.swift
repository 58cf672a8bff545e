import Foundation
import WBSweeps
import WBTraining

/// Hooks for long work: the cancellation flag the loops poll (Ctrl-C sets it) and progress callbacks.
public struct ExecutionContext {
    public var cancel: CancellationToken
    public var onTraining: (TrainingProgress) -> Void
    public var onProgress: (String, Int, Int) -> Void
    /// Runs a full-screen view (`range pick`) on the terminal until it ends; nil when there is no interactive terminal
    /// (`wb -c`, scripts on standard input, notebook replays), where such commands refuse.
    public var fullScreen: ((FullScreenView) throws -> Void)?
    /// Where a running sweep stands (the prompt's live table).
    public var onSweep: (SweepProgress) -> Void
    /// Asks the person at the prompt a yes/no question; nil where nobody can answer (scripts, replays), where commands
    /// that need an answer refuse and say how to go on (`sweep … --yes`).
    public var confirm: ((String) -> Bool)?

    public init(cancel: CancellationToken = CancellationToken(), onTraining: @escaping (TrainingProgress) -> Void = { _ in },
                onProgress: @escaping (String, Int, Int) -> Void = { _, _, _ in },
                fullScreen: ((FullScreenView) throws -> Void)? = nil,
                onSweep: @escaping (SweepProgress) -> Void = { _ in }, confirm: ((String) -> Bool)? = nil) {
        self.cancel = cancel; self.onTraining = onTraining; self.onProgress = onProgress; self.fullScreen = fullScreen
        self.onSweep = onSweep; self.confirm = confirm
    }
}

/// Runs parsed commands against a session and returns their output. It never prints.
public final class CommandExecutor {
    public let session: Session

    public init(session: Session) { self.session = session }

    public func execute(_ command: ShellCommand, context: ExecutionContext = ExecutionContext()) throws -> CellOutput {
        switch command {
        case .at, .step, .dashboard: break
        default: session.dashboardShown = nil
        }
        switch command {
        case .train(let assignments): return try train(assignments, context: context)
        case .resume(let epochs): return try resume(epochs: epochs, context: context)
        case .load(let run): return try load(run)
        case .runs: return listRuns()
        case .info: return try info()
        case .at(let epoch):
            let before = session.epoch
            return try redrawingDashboard(moveCursor(to: epoch), moved: session.epoch != before, context: context)
        case .step(let move):
            let before = session.epoch
            return try redrawingDashboard(step(move), moved: session.epoch != before, context: context)
        case .range(let action): return try range(action, context: context)
        case .analyze(let names): return try analyze(names, context: context)
        case .plot(let request): return try plot(request, context: context)
        case .dashboard(let request): return try dashboard(request, context: context)
        case .compare(let runs, let window): return try compare(runs, window: window)
        case .templateSave(let name, let description): return try saveTemplate(name: name, description: description)
        case .templateLoad(let name): return try loadTemplate(name)
        case .templates: return listTemplates()
        case .log(let lines): return try log(lines ?? 20)
        case .help(let topic): return try help(topic)
        case .save(let path): return try save(path)
        case .export(let path): return try export(path)
        case .quit: return CellOutput()
        case .note: return CellOutput()
        case .sweep(let request): return try sweep(request, context: context)
        case .llc(let request): return try llc(request, context: context)
        }
    }

    /// The current run, or an error saying how to get one.
    func requireRun() throws -> LoadedRun {
        guard let run = session.run else { throw ShellError.noRun }
        return run
    }

    /// Re-reads the current run from disk (after training), keeping the cursor when its checkpoint still exists.
    func reloadRun(_ folder: RunFolder, epoch: Int? = nil) throws {
        let loaded = try LoadedRun.open(folder)
        let target = epoch ?? loaded.checkpoints.last
        session.setRun(loaded, epoch: target)
    }
}
