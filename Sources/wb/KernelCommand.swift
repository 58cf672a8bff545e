import ArgumentParser
import Foundation
import WBKernel
import WBShell
import WBTraining

/// `wb kernel -f FILE`: wb as a Jupyter kernel; `wb kernel install` / `uninstall`: its kernelspec.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "wb as a Jupyter kernel (JupyterLab, VS Code, nbclient, jupyter console).",
        discussion: """
        Install the kernelspec once, then pick "wb" as the kernel in Jupyter. Cells hold the lines of the wb> prompt.
        Examples:
          wb kernel install                      for this user (jupyter kernelspec list shows it)
          wb kernel install --prefix "$VIRTUAL_ENV"
          wb kernel uninstall
          jupyter console --kernel wb
          wb export --ipynb Notebooks/quickstart.wbnb -o q.ipynb && jupyter nbconvert --to notebook --execute q.ipynb
        Jupyter itself starts `wb kernel -f CONNECTION_FILE`.
        """,
        subcommands: [KernelInstallCommand.self, KernelUninstallCommand.self]
    )

    @Option(name: .customShort("f"), help: "The connection file Jupyter wrote (ports, key).") var connectionFile: String?
    @OptionGroup var location: RunLocation

    func run() throws {
        guard let connectionFile else {
            throw ValidationError("give the connection file Jupyter wrote (`wb kernel -f FILE`), or `wb kernel install` to "
                + "make wb a kernel Jupyter can start")
        }
        let connection: ConnectionFile
        do { connection = try ConnectionFile.read(from: URL(fileURLWithPath: connectionFile)) } catch {
            throw ValidationError("\(error)")
        }
        let log: (String) -> Void = { FileHandle.standardError.write(Data("wb kernel: \($0)\n".utf8)) }
        InterruptSignal.install()
        let session = Session(runsRoot: RunFolder.runsRoot(location.runs))
        let server: KernelServer
        do { server = try KernelServer(connection: connection, session: session, log: log) } catch {
            throw ValidationError("\(error)")
        }
        _ = server.run()
    }
}

/// Where a kernelspec goes: `--user` (the default) or `--prefix DIR`.
struct KernelSpecLocation: ParsableArguments {
    @Flag(help: "The user's Jupyter data folder (the default: $JUPYTER_DATA_DIR, else ~/.local/share/jupyter).") var user = false
    @Option(help: "Under DIR/share/jupyter instead (a virtual environment, conda, or any folder on JUPYTER_PATH).") var prefix: String?
    @Option(help: "The kernel's name (default: wb).") var name = KernelSpec.defaultName

    func location() throws -> KernelSpec.Location {
        if user, prefix != nil { throw ValidationError("--user and --prefix exclude each other; give one") }
        return prefix.map { .prefix($0) } ?? .user
    }
}

struct KernelInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Write wb's kernelspec where Jupyter finds it.")

    @OptionGroup var where_: KernelSpecLocation
    @Option(help: "How Jupyter interrupts a cell: signal (SIGINT) or message (interrupt_request).")
    var interruptMode = "signal"

    func run() throws {
        guard KernelServer.interruptModes.contains(interruptMode) else {
            throw ValidationError("--interrupt-mode '\(interruptMode)' is not allowed; allowed: \(KernelServer.interruptModes.joined(separator: ", "))")
        }
        guard let executable = Session.defaultWorkerExecutable() else {
            throw ValidationError("cannot tell where this wb executable is; set WB_EXECUTABLE to its path")
        }
        let spec = KernelSpec(executable: executable, name: where_.name, interruptMode: interruptMode)
        do {
            let folder = try spec.install(name: where_.name, at: try where_.location())
            print("installed the wb kernel '\(where_.name)' in \(folder.path) (runs \(executable.path))")
        } catch let error as ValidationError { throw error } catch { throw ValidationError("\(error)") }
    }
}

struct KernelUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall", abstract: "Remove wb's kernelspec.")

    @OptionGroup var where_: KernelSpecLocation

    func run() throws {
        do {
            let folder = try KernelSpec.uninstall(name: where_.name, at: try where_.location())
            print("removed \(folder.path)")
        } catch let error as ValidationError { throw error } catch { throw ValidationError("\(error)") }
    }
}
