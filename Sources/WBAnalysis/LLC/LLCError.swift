/// Why an LLC estimate could not be made, in words that say what was wrong and what is allowed.
public enum LLCError: Error, Equatable, CustomStringConvertible {
    case unknownComponent(String)
    case unusable(String)

    public var description: String {
        switch self {
        case .unknownComponent(let why), .unusable(let why): return why
        }
    }
}
