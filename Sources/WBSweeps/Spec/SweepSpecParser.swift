import Foundation
import WBTraining

/// Reads the words of `sweep NAME …` into a `SweepSpec`:
///
///     key=v1,v2,…            the values of a key (a single value fixes the key for every point)
///     key=A..B [step S]      A, A+S, … up to B (S defaults to 1 for whole numbers)
///     seeds=…  data_seeds=…  init_seed and data_seed
///     template=T  jobs=N  on=local|slurm  partition=P  account=A  time=T  sbatch="LINE"  --yes  --print
///
/// Quotes keep spaces in a value (`checkpoints="0..100 step 10"`). It checks forms, not configs: `SweepGrid` applies
/// every point to the config and reports the first that is not allowed.
enum SweepSpecParser {
    /// Keys that are options of the sweep, not config keys.
    static let optionKeys = ["template", "jobs", "on", "partition", "account", "time", "sbatch"]
    /// Keys of the sweep that stand for config keys, with their label in point names.
    static let aliases: [String: (key: String, label: String)] = [
        "seeds": ("init_seed", "seed"), "seed": ("init_seed", "seed"),
        "data_seeds": ("data_seed", "data_seed"),
    ]
    /// Most values one range may give.
    static let maximumRangeValues = 100_000

    static func parse(name: String, text: String) throws -> SweepSpec {
        try SweepSpec.validateName(name)
        var spec = SweepSpec(name: name)
        var words = try split(text)
        // `wd=0.1, 0.3` (a space after a comma) is one list.
        var merged: [String] = []
        for word in words {
            if let last = merged.last, last.hasSuffix(",") || (word.hasPrefix(",") && last.contains("=")) {
                merged[merged.count - 1] = last + word
            } else {
                merged.append(word)
            }
        }
        words = merged
        var seenKeys: Set<String> = []
        var axes: [SweepAxis] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            switch word.lowercased() {
            case "--yes", "yes": spec.confirmed = true; continue
            case "--print", "print": spec.printOnly = true; continue
            case "step": throw SweepError.spec(word: word, problem: "`step S` must follow key=A..B (e.g. frac=0.3..0.5 step 0.1)")
            default: break
            }
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw SweepError.spec(word: word, problem: "expected key=v1,v2,…, key=A..B step S, or an option "
                    + "(template=, jobs=, on=, partition=, account=, time=, sbatch=, --yes, --print)")
            }
            let typedKey = String(word[..<eq]).lowercased()
            let value = String(word[word.index(after: eq)...])
            guard !value.isEmpty else { throw SweepError.spec(word: word, problem: "'\(typedKey)' has no value") }
            if typedKey == "sbatch" { spec.slurm.extra.append(value); continue }
            let canonical = aliases[typedKey]?.key ?? typedKey
            guard !seenKeys.contains(canonical) else {
                throw SweepError.spec(word: word, problem: "'\(typedKey)' is given twice; give all its values at once (e.g. wd=0.1,0.3,1)")
            }
            seenKeys.insert(canonical)
            if optionKeys.contains(typedKey) {
                try setOption(typedKey, value, word: word, in: &spec)
                continue
            }
            if typedKey == "name" {
                throw SweepError.spec(word: word, problem: "points are named after their values (runs/\(name)/wd=0.3,seed=2); "
                    + "the sweep's name is the word after `sweep`")
            }
            guard canonical == "checkpoints" || TrainingConfig.keys.contains(canonical) else {
                throw SweepError.spec(word: word, problem: ConfigError.unknownKey(typedKey, known: TrainingConfig.keys + ["seeds", "data_seeds"]).description)
            }
            var values: [String]
            if canonical == "checkpoints" || canonical == "init" {
                values = [value]
            } else if let range = value.range(of: "..") {
                var step: String?
                if index < words.count, words[index].lowercased() == "step" {
                    guard index + 1 < words.count else {
                        throw SweepError.spec(word: word, problem: "`step` needs a size (e.g. \(typedKey)=\(value) step 0.1)")
                    }
                    step = words[index + 1]
                    index += 2
                }
                values = try expand(from: String(value[..<range.lowerBound]), to: String(value[range.upperBound...]),
                                    step: step, key: typedKey, word: word)
            } else {
                values = value.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                if values.contains(where: \.isEmpty) {
                    throw SweepError.spec(word: word, problem: "an empty value in the list; write key=v1,v2,… (e.g. wd=0.1,0.3,1)")
                }
            }
            if let duplicate = firstDuplicate(values) {
                throw SweepError.spec(word: word, problem: "'\(duplicate)' is given twice for \(typedKey); each point needs its own values")
            }
            for v in values where !isPlainValue(v) && values.count > 1 {
                throw SweepError.spec(word: word, problem: "a swept value names a folder, so it must be letters, digits, '.', '-', '_' or '+', not '\(v)'")
            }
            if values.count == 1 {
                spec.fixed.append("\(canonical)=\(values[0])")
            } else {
                axes.append(SweepAxis(key: canonical, typedKey: typedKey, label: aliases[typedKey]?.label ?? canonical, values: values))
            }
        }
        spec.axes = axes.filter { !$0.isSeed } + axes.filter(\.isSeed)
        var count = 1
        for axis in spec.axes {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= SweepSpec.maximumPoints else {
                throw SweepError.tooManyPoints(limit: SweepSpec.maximumPoints)
            }
            count = product
        }
        return spec
    }

    private static func setOption(_ key: String, _ value: String, word: String, in spec: inout SweepSpec) throws {
        switch key {
        case "template": spec.template = value
        case "jobs":
            guard let n = NumberLiteral.integer(value), n >= 1, n <= 256 else {
                throw SweepError.spec(word: word, problem: "jobs is a whole number of points at once in 1...256")
            }
            spec.jobs = n
        case "on":
            guard let kind = SweepExecutorKind(rawValue: value.lowercased()) else {
                throw SweepError.spec(word: word, problem: "on= takes local (a pool of processes here) or slurm (a Slurm job array)")
            }
            spec.executor = kind
        case "partition", "account":
            guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.,".contains($0)) }) else {
                throw SweepError.spec(word: word, problem: "\(key) is letters, digits, '-', '_', '.' or ','")
            }
            if key == "partition" { spec.slurm.partition = value } else { spec.slurm.account = value }
        case "time":
            guard value.allSatisfy({ $0.isNumber || ":-".contains($0) }) else {
                throw SweepError.spec(word: word, problem: "time is a Slurm time limit: minutes, H:MM:SS or D-HH:MM:SS")
            }
            spec.slurm.time = value
        default: break
        }
    }

    /// The values of `A..B step S`, as text: whole numbers when A, B and S are, else reals (`0.1` steps stay `0.3`, `0.4`).
    private static func expand(from: String, to: String, step: String?, key: String, word: String) throws -> [String] {
        if let a = NumberLiteral.integer(from), let b = NumberLiteral.integer(to),
           let s = step.map({ NumberLiteral.integer($0) }) ?? 1 {
            guard s > 0 else { throw SweepError.spec(word: word, problem: "the step must be > 0") }
            guard a <= b else { throw SweepError.spec(word: word, problem: "the range \(a)..\(b) is empty (A..B needs A ≤ B)") }
            let count = (b - a) / s + 1
            guard count <= maximumRangeValues else {
                throw SweepError.spec(word: word, problem: "the range gives \(count) values; at most \(maximumRangeValues)")
            }
            return stride(from: a, through: b, by: s).map(String.init)
        }
        guard let a = NumberLiteral.real(from), let b = NumberLiteral.real(to) else {
            throw SweepError.spec(word: word, problem: "a range is A..B with numbers (e.g. frac=0.3..0.5 step 0.1)")
        }
        guard let stepText = step else {
            throw SweepError.spec(word: word, problem: "a range of non-whole numbers needs `step S` (e.g. \(key)=\(from)..\(to) step 0.1)")
        }
        guard let s = NumberLiteral.real(stepText), s > 0 else {
            throw SweepError.spec(word: "step \(stepText)", problem: "the step is a number > 0 (e.g. step 0.1)")
        }
        guard a <= b else { throw SweepError.spec(word: word, problem: "the range \(from)..\(to) is empty (A..B needs A ≤ B)") }
        let steps = ((b - a) / s * (1 + 1e-12)).rounded(.down) + 1e-9
        guard steps < Double(maximumRangeValues) else {
            throw SweepError.spec(word: word, problem: "the range gives more than \(maximumRangeValues) values")
        }
        return (0...Int(steps)).map { format(a + Double($0) * s) }
    }

    /// A real as short as it reads, rounded to 12 significant digits (`0.30000000000000004` → `0.3`).
    static func format(_ value: Double) -> String {
        var text = String(format: "%.12g", value)
        if text.contains("e") {
            // 1e-05 → 1e-5
            let parts = text.split(separator: "e")
            let exponent = Int(parts[1]) ?? 0
            text = "\(parts[0])e\(exponent)"
        }
        return text
    }

    static func isPlainValue(_ value: String) -> Bool {
        !value.isEmpty && !value.hasPrefix(".") && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+".contains($0)) }
    }

    private static func firstDuplicate(_ values: [String]) -> String? {
        var seen: Set<String> = []
        for v in values { if !seen.insert(v).inserted { return v } }
        return nil
    }

    /// Splits at spaces; quotes keep spaces (`sbatch="--mem 2G"`, `checkpoints='0..100 step 10'`).
    static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = "", typed = ""
        var quote: Character?
        var inWord = false
        for c in text {
            if let q = quote {
                typed.append(c)
                if c == q { quote = nil } else { current.append(c) }
                continue
            }
            if c == "\"" || c == "'" { quote = c; inWord = true; typed.append(c); continue }
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                if inWord { words.append(current); current = ""; typed = ""; inWord = false }
                continue
            }
            current.append(c)
            typed.append(c)
            inWord = true
        }
        if let q = quote { throw SweepError.spec(word: typed, problem: "unterminated quote: add a closing \(q)") }
        if inWord { words.append(current) }
        return words
    }
}
