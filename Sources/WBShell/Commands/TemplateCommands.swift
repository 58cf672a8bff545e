import Foundation
import WBSupport
import WBTraining

extension CommandExecutor {
    /// `template save [NAME] ["description"]`: the current run's config (or the loaded template's, or the defaults).
    func saveTemplate(name: String?, description: String?) throws -> CellOutput {
        var config = session.run?.record.config ?? session.template?.config ?? TrainingConfig()
        config.name = TrainingConfig().name
        let template = TrainingTemplate(name: name ?? TrainingTemplate.generatedName(config),
                                        description: description ?? TrainingTemplate.describe(config), config: config)
        try session.templates.save(template)
        session.template = template
        return .text("saved template \(template.name): \(template.description)")
    }

    /// `template load NAME`: later `train` commands start from it.
    func loadTemplate(_ name: String) throws -> CellOutput {
        let template = try session.templates.find(name)
        session.template = template
        return .text("template \(template.name) loaded: \(template.description). `train` now starts from it.")
    }

    /// `templates`.
    func listTemplates() -> CellOutput {
        let rows = [["template", "description"]] + session.templates.all().map { t in
            [(session.template?.name == t.name ? "* " : "") + t.name, t.description]
        }
        return .text(TextTable.render(rows))
    }
}
