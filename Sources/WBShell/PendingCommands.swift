extension CommandExecutor {
    func analyze(_ names: [String], context: ExecutionContext) throws -> CellOutput {
        throw ShellError("`analyze` needs the analysis engine, which is not in this build yet")
    }
    func plot(_ request: PlotRequest) throws -> CellOutput {
        throw ShellError("`plot` needs the figures module, which is not in this build yet")
    }
    func compare(_ runs: [String]) throws -> CellOutput {
        throw ShellError("`compare` needs the figures module, which is not in this build yet")
    }
}
