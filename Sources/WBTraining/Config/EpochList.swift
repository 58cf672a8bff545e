/// Epoch lists in short form for messages and logs: `0, 100, 200, …, 3000`, or with `counted`, `0, 100, 200, …, 3000 (31)`.
public enum EpochList {
    public static func short(_ epochs: [Int], counted: Bool = false) -> String {
        guard let first = epochs.first, let last = epochs.last else { return "none" }
        if epochs.count <= 6 { return epochs.map(String.init).joined(separator: ", ") }
        return "\(first), \(epochs[1]), \(epochs[2]), …, \(last)" + (counted ? " (\(epochs.count))" : "")
    }
}
