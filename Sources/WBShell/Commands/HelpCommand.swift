import WBPlotting
import WBTraining

extension CommandExecutor {
    /// Width of the usage column of `help`, and of its lines.
    static let usageColumn = 40
    static let helpWidth = 120

    /// `help`, `help COMMAND`, `help keys`.
    func help(_ topic: String?) throws -> CellOutput {
        guard let topic else {
            // Usages longer than the column get a line of their own, so the summaries stay in one narrow column.
            let width = min(CommandCatalog.commands.map(\.usage.count).max() ?? 0, Self.usageColumn)
            let indent = String(repeating: " ", count: width + 4)
            let lines = CommandCatalog.commands.map { info -> String in
                let summary = TextWrap.lines(info.summary, width: Double(Self.helpWidth - indent.count)) { Double($0.count) }
                    .joined(separator: "\n" + indent)
                if info.usage.count > width { return "  \(info.usage)\n\(indent)\(summary)" }
                return "  \(info.usage.padding(toLength: width, withPad: " ", startingAt: 0))  \(summary)"
            }
            return .text((["Commands (`help COMMAND` for an example, `help keys` for the config keys):"] + lines
                + ["", "`;` separates commands on one line; `# text` is a note. Ctrl-C stops training cleanly; Ctrl-D quits."])
                .joined(separator: "\n"))
        }
        if topic == "keys" || topic == "config" {
            return .text((["Config keys for `train` (default in parentheses):"]
                + TrainingConfig.keyHelpLines)
                .joined(separator: "\n"))
        }
        if topic.hasPrefix("template ") {
            let template = try session.templates.find(String(topic.dropFirst("template ".count)))
            var lines = ["template \(template.name): \(template.description)"]
            if let notes = template.notes {
                lines += TextWrap.lines(notes, width: Double(Self.helpWidth - 2)) { Double($0.count) }.map { "  " + $0 }
            }
            lines.append("  train template=\(template.name) is: train \(template.config.nonDefaultAssignments.joined(separator: " "))")
            return .text(lines.joined(separator: "\n"))
        }
        guard let info = CommandCatalog.info(topic == "dash" ? "dashboard" : topic) else {
            let hint = CommandCatalog.suggestion(for: topic, among: CommandCatalog.names + ["keys"]).map { " Did you mean '\($0)'?" } ?? ""
            throw ShellError("no help on '\(topic)'.\(hint) Type `help` for the commands.")
        }
        return .text(([info.usage, "  " + info.summary] + info.details.map { "  " + $0 } + ["  example: \(info.example)"])
            .joined(separator: "\n"))
    }
}
