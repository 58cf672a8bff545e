import Foundation
import WBSupport

/// The cells this kernel ran with `store_history`, for `history_request` (one session: this kernel's life).
struct CellHistory {
    struct Entry { var count: Int; var input: String; var output: String }
    private(set) var entries: [Entry] = []
    let session = 1

    mutating func append(count: Int, input: String, output: String) {
        entries.append(Entry(count: count, input: input, output: output))
    }

    /// The reply's content: `tail` (the last `n`), `range` (counts `start` ..< `stop`; 0 or missing stop: to the end),
    /// `search` (a glob `pattern` with `*` and `?`, optionally `unique`, the last `n`). Each entry is
    /// `[session, count, input]`, or `[session, count, [input, output]]` when `output` is asked for.
    func reply(_ request: JSONValue) -> JSONValue {
        let withOutput = request["output"]?.bool ?? false
        var chosen: [Entry]
        switch request["hist_access_type"]?.string ?? "tail" {
        case "range":
            let start = request["start"]?.int ?? 0
            let stop = request["stop"]?.int ?? 0
            chosen = entries.filter { $0.count >= start && (stop <= 0 || $0.count < stop) }
        case "search":
            let pattern = request["pattern"]?.string ?? "*"
            chosen = entries.filter { Self.glob(pattern, matches: $0.input) }
            if request["unique"]?.bool ?? false {
                var seen = Set<String>()
                chosen = chosen.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = request["n"]?.int, n >= 0 { chosen = Array(chosen.suffix(n)) }
        default:
            chosen = Array(entries.suffix(max(0, request["n"]?.int ?? 10)))
        }
        let history: [JSONValue] = chosen.map { entry in
            let item: JSONValue = withOutput ? [.string(entry.input), .string(entry.output)] : .string(entry.input)
            return [.int(session), .int(entry.count), item]
        }
        return ["status": "ok", "history": .array(history)]
    }

    /// Shell-style glob: `*` any run of characters, `?` one character, everything else itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
