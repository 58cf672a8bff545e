/// A command that parsed but cannot run now; the message says what is missing and what to do.
public struct ShellError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static let noRun = ShellError("no run is loaded: `load RUN` (see `runs`) or `train …` first")
}
