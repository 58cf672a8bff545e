import WBTraining

extension CommandExecutor {
    /// `help`, `help COMMAND`, `help keys`.
    func help(_ topic: String?) throws -> CellOutput {
        guard let topic else {
            let width = CommandCatalog.commands.map(\.usage.count).max() ?? 0
            let lines = CommandCatalog.commands.map { "  \($0.usage.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.summary)" }
            return .text((["Commands (`help COMMAND` for an example, `help keys` for the config keys):"] + lines
                + ["", "`;` separates commands on one line; `# text` is a note. Ctrl-C stops training cleanly; Ctrl-D quits."])
                .joined(separator: "\n"))
        }
        if topic == "keys" || topic == "config" {
            return .text((["Config keys for `train` (default in parentheses):"]
                + TrainingConfig.keyHelpLines)
                .joined(separator: "\n"))
        }
        guard let info = CommandCatalog.info(topic == "dash" ? "dashboard" : topic) else {
            let hint = CommandCatalog.suggestion(for: topic, among: CommandCatalog.names + ["keys"]).map { " Did you mean '\($0)'?" } ?? ""
            throw ShellError("no help on '\(topic)'.\(hint) Type `help` for the commands.")
        }
        return .text(([info.usage, "  " + info.summary] + info.details.map { "  " + $0 } + ["  example: \(info.example)"])
            .joined(separator: "\n"))
    }
}
