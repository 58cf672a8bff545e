import ArgumentParser
import WBTraining

@main
struct WB: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wb", abstract: "wb — the Training Dynamics Workbench")
    func run() throws { print("wb") }
}
