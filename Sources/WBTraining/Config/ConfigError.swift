/// A training config that cannot be used, with what was wrong and what is allowed.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unknownKey(String, known: [String])
    case malformed(String)
    case invalid(key: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case .unknownKey(let key, let known):
            let hint = known.min { editDistance($0, key) < editDistance($1, key) }.map { " Did you mean '\($0)'?" } ?? ""
            return "unknown config key '\(key)'.\(hint) Known keys: \(known.joined(separator: ", "))."
        case .malformed(let token):
            return "'\(token)' is not a key=value pair (for example: p=113 epochs=5000 frac=0.3)."
        case .invalid(let key, let value, let allowed):
            return "\(key)=\(value) is not allowed: \(allowed)."
        }
    }
}

/// Levenshtein distance between two words, for "did you mean" hints.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
