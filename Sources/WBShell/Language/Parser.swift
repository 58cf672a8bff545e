import WBSweeps
import WBTraining

/// Reads command lines into `ShellCommand`s. One line may hold several commands separated by `;`; a line starting with `#`
/// is one note. Words are case-insensitive (names, paths and values keep their case); numbers accept `1e-3`, `40k`, `1_000`.
/// Errors say what was expected and point at the column.
public enum Parser {
    /// All commands of one line, in order.
    public static func parse(_ line: String) throws -> [ShellCommand] {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("#") {
            return [.note(String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces))]
        }
        let tokens = try Lexer.tokens(line)
        var commands: [ShellCommand] = []
        var statement: [Token] = []
        for token in tokens + [Token(kind: .semicolon, column: line.count, length: 0)] {
            if token.kind == .semicolon {
                if !statement.isEmpty { commands.append(try parseStatement(statement, line: line)) }
                statement = []
            } else {
                statement.append(token)
            }
        }
        return commands
    }

    /// The text of each command of a line (split at the `;` the lexer sees, so quoted text keeps its semicolons),
    /// trimmed, in the order `parse` returns the commands.
    public static func statementSources(_ line: String) throws -> [String] {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("#") { return [line.trimmingCharacters(in: .whitespaces)] }
        let chars = Array(line)
        var pieces: [String] = []
        var start = 0
        for token in try Lexer.tokens(line) + [Token(kind: .semicolon, column: chars.count, length: 0)] where token.kind == .semicolon {
            let piece = String(chars[start..<token.column]).trimmingCharacters(in: .whitespaces)
            if !piece.isEmpty { pieces.append(piece) }
            start = token.column + 1
        }
        return pieces
    }

    private static func parseStatement(_ tokens: [Token], line: String) throws -> ShellCommand {
        guard case .word(let raw) = tokens[0].kind else {
            throw ParseError("expected a command; try `help`", column: tokens[0].column, line: line)
        }
        let name = raw.lowercased()
        let args = Array(tokens.dropFirst())
        func fail(_ message: String, at token: Token? = nil) -> ParseError {
            ParseError(message, column: (token ?? tokens.last!).column + (token == nil ? tokens.last!.length : 0), line: line)
        }
        /// The arguments as words; a list after `key=` (`hidden=200,200`, `of=embed,head0`) is one word again.
        func words(_ only: [Token]? = nil) throws -> [String] {
            let tokens = only ?? args
            var list: [String] = []
            var index = 0
            while index < tokens.count {
                let token = tokens[index]
                if token.kind == .comma, let last = list.last, last.contains("="), index + 1 < tokens.count,
                   let next = tokens[index + 1].text, tokens[index + 1].column == token.column + 1, token.column == tokens[index - 1].column + tokens[index - 1].length {
                    list[list.count - 1] = last + "," + next
                    index += 2
                    continue
                }
                guard let text = token.text else { throw fail("unexpected '\(symbol(token))' in `\(name)`", at: token) }
                list.append(text)
                index += 1
            }
            return list
        }
        func noArguments() throws {
            if let extra = args.first { throw fail("`\(name)` takes no arguments", at: extra) }
        }
        /// The raw text of the arguments (for epoch-set specs, which have their own grammar).
        func rawArguments() -> String {
            guard let first = args.first, let last = args.last else { return "" }
            let chars = Array(line)
            return String(chars[first.column..<min(chars.count, last.column + last.length)])
        }
        func integer(_ token: Token, what: String) throws -> Int {
            guard let text = token.text, let value = NumberLiteral.integer(text) else {
                throw fail("expected \(what), a whole number (e.g. 1500, 40k)", at: token)
            }
            return value
        }

        switch name {
        case "train":
            let assignments = try words()
            for (token, word) in zip(args, assignments) where !word.contains("=") {
                throw fail("expected key=value (e.g. p=113 epochs=3000); `help keys` lists the keys", at: token)
            }
            return .train(assignments: assignments)
        case "resume":
            let list = try words()
            guard list.count <= 1 else { throw fail("`resume` takes at most epochs=N", at: args[1]) }
            guard let word = list.first else { return .resume(epochs: nil) }
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].lowercased() == "epochs", let n = NumberLiteral.integer(parts[1]) else {
                throw fail("expected epochs=N (e.g. resume epochs=10k)", at: args[0])
            }
            return .resume(epochs: n)
        case "load":
            let list = try words()
            guard list.count == 1 else { throw fail(list.isEmpty ? "`load` needs a run name or path (e.g. load demo)" : "`load` takes one run", at: args.dropFirst().first) }
            return .load(run: list[0])
        case "runs": try noArguments(); return .runs
        case "info": try noArguments(); return .info
        case "at":
            var rest = args
            if let first = rest.first, first.text?.lowercased() == "epoch" { rest.removeFirst() }
            guard rest.count == 1 else { throw fail("expected `at epoch N` (e.g. at epoch 1500)", at: rest.dropFirst().first) }
            return .at(epoch: try integer(rest[0], what: "an epoch"))
        case "next", "prev", "previous", "first", "last":
            try noArguments()
            return .step(name == "previous" ? .prev : ShellCommand.CursorMove(rawValue: name)!)
        case "range":
            if args.isEmpty { return .range(.show) }
            if args.count == 1, args[0].text?.lowercased() == "clear" { return .range(.clear) }
            if args.count == 1, args[0].text?.lowercased() == "fill" { return .range(.fill) }
            if args.count == 1, args[0].text?.lowercased() == "pick" { return .range(.pick) }
            if args.count == 1, let word = args[0].text, let preset = RangePreset(word: word) { return .range(.preset(preset)) }
            if let word = args[0].text, word.first?.isLetter == true {
                throw fail("`range \(word)` is not a range: expected A..B step S[, …], clear, pick, "
                    + RangePreset.allCases.map(\.rawValue).joined(separator: ", ") + ", fill (e.g. range 1000..3000 step 100)", at: args[0])
            }
            do { return .range(.set(try EpochSet.parse(rawArguments()))) } catch let error as EpochSetError {
                throw fail("\(error)", at: args[0])
            }
        case "analyze", "analyse":
            return .analyze(names: try words().map { $0.lowercased() })
        case "llc":
            let list = try words()
            guard let verb = list.first?.lowercased() else {
                throw fail("expected `llc calibrate`, `llc defaults` or `llc components` (the estimates: `analyze llc`)")
            }
            switch verb {
            case "calibrate": return .llc(.calibrate(words: Array(list.dropFirst())))
            case "defaults": return .llc(.defaults(words: Array(list.dropFirst())))
            case "components":
                guard list.count == 1 else { throw fail("`llc components` takes nothing more", at: args[1]) }
                return .llc(.components)
            default:
                let hint = CommandCatalog.suggestion(for: verb, among: ["calibrate", "defaults", "components"]).map { " Did you mean '\($0)'?" } ?? ""
                throw fail("`llc` takes calibrate, defaults or components, not '\(verb)'.\(hint) The estimates: `analyze llc`", at: args[0])
            }
        case "plot":
            return .plot(try parsePlot(args, line: line, fail: fail))
        case "dashboard", "dash":
            return .dashboard(try parseDashboard(args, line: line, fail: fail))
        case "compare":
            let (runs, window, _) = try splitWindow(args, command: "compare", fail: fail)
            let list = try words(runs)
            guard !list.isEmpty else { throw fail("`compare` needs runs (e.g. compare demo paper, compare demo paper 2000..4000)") }
            return .compare(runs: list, window: window)
        case "template":
            let list = try words()
            guard let verb = list.first?.lowercased() else { throw fail("expected `template save [NAME]` or `template load NAME`") }
            switch verb {
            case "save":
                guard list.count <= 3 else { throw fail("expected `template save [NAME] [\"description\"]`", at: args[3]) }
                return .templateSave(name: list.count > 1 ? list[1] : nil, description: list.count > 2 ? list[2] : nil)
            case "load":
                guard list.count == 2 else { throw fail("expected `template load NAME`", at: args.count > 2 ? args[2] : nil) }
                return .templateLoad(name: list[1])
            default:
                let hint = CommandCatalog.suggestion(for: verb, among: ["save", "load"]).map { " Did you mean '\($0)'?" } ?? ""
                throw fail("`template` takes save or load, not '\(verb)'.\(hint)", at: args[0])
            }
        case "templates": try noArguments(); return .templates
        case "log":
            guard args.count <= 1 else { throw fail("`log` takes at most one number", at: args[1]) }
            return .log(lines: try args.first.map { try integer($0, what: "a number of lines") })
        case "help", "?":
            let list = try words()
            if list.count == 2, list[0].lowercased() == "template" { return .help(topic: "template " + list[1]) }
            guard list.count <= 1 else { throw fail("`help` takes one topic (or `help template NAME`)", at: args[1]) }
            return .help(topic: list.first?.lowercased())
        case "quit", "exit": try noArguments(); return .quit
        case "save":
            let list = try words()
            guard list.count == 1 else { throw fail("expected `save PATH.wbnb` (e.g. save Notebooks/study.wbnb)", at: args.dropFirst().first) }
            guard list[0].lowercased().hasSuffix(".wbnb") else { throw fail("a notebook path ends in .wbnb", at: args[0]) }
            return .save(path: list[0])
        case "export":
            let list = try words()
            if list.isEmpty { return .export(path: nil) }
            guard list.count == 2, list[0].lowercased() == "to" else {
                throw fail("expected `export` or `export to FILE.html` / `export to FILE.ipynb` (e.g. export to report.html)", at: args[0])
            }
            let lower = list[1].lowercased()
            guard lower.hasSuffix(".html") || lower.hasSuffix(".ipynb") else {
                throw fail("the report is FILE.html (one self-contained page) or FILE.ipynb (Jupyter), not '\(list[1])'", at: args[1])
            }
            return .export(path: list[1])
        case "sweep":
            return .sweep(try parseSweep(args, line: line, fail: fail))
        default:
            let hint = CommandCatalog.suggestion(for: name, among: CommandCatalog.names).map { " Did you mean '\($0)'?" } ?? ""
            throw ParseError("unknown command '\(raw)'.\(hint) Type `help` for the list.", column: tokens[0].column, line: line)
        }
    }

    /// The words of `tokens` (after `skipping` leading words), a comma list after `key=` joined back into one word.
    private static func joinLists(_ tokens: [Token], line: String, skipping: Int,
                                  fail: (String, Token?) -> ParseError) throws -> [String] {
        var list: [String] = []
        var skipped = 0
        for token in tokens {
            if token.kind == .comma {
                guard let last = list.last, last.contains("=") else { throw fail("unexpected ','", token) }
                list[list.count - 1] = last + ","
                continue
            }
            guard let text = token.text else { throw fail("unexpected '\(symbol(token))'", token) }
            if skipped < skipping { skipped += 1; continue }
            if let last = list.last, last.hasSuffix(",") { list[list.count - 1] = last + text } else { list.append(text) }
        }
        return list
    }

    /// `plot KIND … [A..B] [to FILE.svg]`: the request, with its window when the kind's x axis is epochs.
    private static func parsePlot(_ args: [Token], line: String, fail: (String, Token?) -> ParseError) throws -> PlotRequest {
        let (rest, window, windowToken) = try splitWindow(args, command: "plot", fail: fail)
        var request = try parsePlotKind(rest, line: line, fail: fail)
        if let window {
            guard request.kind.takesWindow else {
                throw fail("`plot \(request.kind.rawValue)` takes no window: its x axis is not epochs. A window A..B follows "
                    + PlotRequest.Kind.allCases.filter(\.takesWindow).map(\.rawValue).joined(separator: ", ")
                    + " (e.g. plot loss 1000..3000)", windowToken)
            }
            request.window = window
        }
        return request
    }

    /// Takes the window `A..B` (`..B`, `A..`) out of a command's arguments: the other tokens, the window, and its first
    /// token (for errors). Errors name the bad end and the forms allowed.
    static func splitWindow(_ args: [Token], command: String,
                            fail: (String, Token?) -> ParseError) throws -> (rest: [Token], window: EpochWindow?, at: Token?) {
        let forms = "(e.g. 1000..3000, 5k..10k, ..3000, 1000..)"
        func epoch(_ token: Token) throws -> Int {
            guard let text = token.text, let value = NumberLiteral.integer(text) else {
                throw fail("expected a window of epochs A..B \(forms), not '\(token.text ?? symbol(token))'", token)
            }
            guard value >= 0 else { throw fail("a window's epochs are 0 or more, not \(value)", token) }
            return value
        }
        func adjacent(_ a: Token, _ b: Token) -> Bool { a.column + a.length == b.column }
        var rest: [Token] = []
        var window: EpochWindow?
        var at: Token?
        func found(_ w: EpochWindow, _ token: Token) throws {
            guard window == nil else { throw fail("`\(command)` takes one window A..B", token) }
            if let lo = w.lower, let hi = w.upper, lo >= hi {
                throw fail("the window \(w) is empty: its start must be below its end \(forms)", token)
            }
            window = w
            at = token
        }
        var index = 0
        while index < args.count {
            let token = args[index]
            if token.kind == .range {
                var lower: Int?, upper: Int?
                var first = token
                if let previous = rest.last, previous.text != nil, adjacent(previous, token) {
                    lower = try epoch(previous)
                    first = rest.removeLast()
                }
                if index + 1 < args.count, args[index + 1].text != nil, adjacent(token, args[index + 1]) {
                    upper = try epoch(args[index + 1])
                    index += 1
                }
                guard lower != nil || upper != nil else { throw fail("a window needs a start or an end \(forms)", token) }
                try found(EpochWindow(lower: lower, upper: upper), first)
            } else if case .word(let text) = token.kind, text.hasPrefix("..") {
                // `..3000`: the lexer keeps a `..` that follows no number in the word.
                let end = String(text.dropFirst(2))
                if end.isEmpty { throw fail("a window needs a start or an end \(forms)", token) }
                if NumberLiteral.integer(end) != nil || !end.contains("/") {
                    try found(EpochWindow(lower: nil, upper: try epoch(Token(kind: .word(end), column: token.column + 2,
                                                                               length: token.length - 2))), token)
                } else {
                    rest.append(token)
                }
            } else {
                rest.append(token)
            }
            index += 1
        }
        return (rest, window, at)
    }

    private static func parsePlotKind(_ args: [Token], line: String, fail: (String, Token?) -> ParseError) throws -> PlotRequest {
        var words: [(String, Token)] = []
        for token in args {
            guard let text = token.text else {
                if token.kind == .comma { continue }
                throw fail("unexpected '\(symbol(token))' in `plot`", token)
            }
            words.append((text, token))
        }
        var file: String?
        if let toIndex = words.firstIndex(where: { $0.0.lowercased() == "to" }) {
            guard toIndex == words.count - 2 else { throw fail("expected `to FILE.svg` at the end", words[toIndex].1) }
            file = words[toIndex + 1].0
            guard file!.lowercased().hasSuffix(".svg") else { throw fail("the file must end in .svg", words[toIndex + 1].1) }
            words.removeLast(2)
        }
        guard let first = words.first else {
            throw fail("`plot` needs a kind: \(PlotRequest.Kind.allCases.map(\.rawValue).joined(separator: ", "))", nil)
        }
        // `layer=N` (a deeper transformer's layer) may stand anywhere after the kind of a figure that reads neurons.
        var layer: Int?
        if first.0.lowercased() != "llc", let index = words.indices.dropFirst().first(where: { words[$0].0.lowercased().hasPrefix("layer=") }) {
            let (text, token) = words.remove(at: index)
            guard let value = layerNumber(text) else { throw fail(badLayer(text), token) }
            let kinds = PlotRequest.Kind.allCases.filter(\.takesLayer).map(\.rawValue)
            let kindWords = words.map { $0.0.lowercased() }.prefix(3).joined(separator: " ")
            guard let kind = PlotRequest.Kind(rawValue: kindWords) ?? PlotRequest.Kind(rawValue: first.0.lowercased()), kind.takesLayer else {
                throw fail("`plot \(first.0)` takes no layer=: it reads no layer's neurons. layer=N goes with "
                    + kinds.joined(separator: ", ") + " (e.g. plot neurons layer=0)", token)
            }
            layer = value
        }
        let kindText = words.map { $0.0.lowercased() }.prefix(3).joined(separator: " ")
        if kindText == "freq over time" {
            guard words.count == 3 else { throw fail("`plot freq over time` takes nothing more", words[3].1) }
            return PlotRequest(kind: .freqOverTime, file: file, layer: layer)
        }
        let word = first.0.lowercased()
        if word == "llc" {
            // The options may hold comma lists (of=embed,head0), which come back as one word.
            var tokens = Array(args.dropFirst())
            if file != nil { tokens.removeLast(2) }
            let traces = tokens.first?.text?.lowercased() == "traces"
            return PlotRequest(kind: traces ? .llcTraces : .llc, file: file,
                               options: try joinLists(tokens, line: line, skipping: traces ? 1 : 0, fail: fail))
        }
        if word == "sweep" {
            // λ̂'s options (of=…, llc_KEY=VALUE) may follow the `llc` measure.
            let isOption = { (w: String) in w.lowercased().hasPrefix("of=") || w.lowercased().hasPrefix("llc_") }
            var tokens = Array(args.dropFirst())
            if file != nil { tokens.removeLast(2) }
            // Comma lists (of=embed,mlp) come back as one word; the swept keys hold no commas.
            let joined = try joinLists(tokens, line: line, skipping: 0, fail: fail)
            let options = joined.filter(isOption)
            var rest = joined.filter { !isOption($0) }
            var measure: String?
            if let last = rest.last, let m = SweepMeasure(rawValue: last.lowercased()) {
                measure = m.rawValue; rest.removeLast()
            } else if let last = rest.last, last.lowercased() == "llc" || last.lowercased().hasPrefix("llc@") {
                let token = words.last { $0.0 == last }?.1
                if last.count > 4 {
                    guard let epoch = NumberLiteral.integer(String(last.dropFirst(4))), epoch >= 0 else {
                        throw fail("expected llc or llc@EPOCH (λ̂ at that checkpoint of every point, e.g. llc@3000), not '\(last)'", token)
                    }
                    measure = "llc@\(epoch)"
                } else {
                    measure = "llc"
                }
                rest.removeLast()
            }
            if let option = options.first, measure?.hasPrefix("llc") != true {
                throw fail("`\(option)` goes with the llc measure (e.g. plot sweep wd frac llc@3000 of=embed)",
                           words.first { $0.0 == option }?.1)
            }
            guard (1...2).contains(rest.count) else {
                throw fail("expected `plot sweep X [Y] [MEASURE]` (e.g. plot sweep wd frac, plot sweep frac test99); measures: "
                    + SweepMeasure.allCases.map(\.rawValue).joined(separator: ", ") + ", llc[@EPOCH]",
                           words.count > 4 ? words[4].1 : nil)
            }
            return PlotRequest(kind: .sweep, file: file, sweepKeys: rest, measure: measure, options: options)
        }
        guard let kind = PlotRequest.Kind(rawValue: word) ?? (word == "accuracy" ? .acc : nil) else {
            let kinds = PlotRequest.Kind.allCases.map(\.rawValue)
            let hint = CommandCatalog.suggestion(for: word, among: kinds).map { " Did you mean '\($0)'?" } ?? ""
            throw fail("unknown plot '\(first.0)'.\(hint) Kinds: \(kinds.joined(separator: ", "))", first.1)
        }
        var neurons: [Int] = []
        for (text, token) in words.dropFirst() {
            guard kind == .heatmap || kind == .neurons else { throw fail("`plot \(kind.rawValue)` takes nothing more", token) }
            for piece in text.split(separator: ",") {
                guard let n = NumberLiteral.integer(String(piece)), n >= 0 else { throw fail("expected neuron numbers (e.g. heatmap 3,17)", token) }
                neurons.append(n)
            }
        }
        if kind == .heatmap && neurons.isEmpty { throw fail("`plot heatmap` needs neuron numbers (e.g. plot heatmap 3,17)", nil) }
        return PlotRequest(kind: kind, neurons: neurons, file: file, layer: layer)
    }

    /// The N of a `layer=N` word (`plot`, `analyze`): a layer number, 0 the first; nil when it is not one.
    static func layerNumber(_ word: String) -> Int? {
        guard word.lowercased().hasPrefix("layer="), let value = NumberLiteral.integer(String(word.dropFirst(6))), value >= 0 else {
            return nil
        }
        return value
    }

    /// What is wrong with a `layer=` word that `layerNumber` refuses.
    static func badLayer(_ word: String) -> String { "expected layer=N with N a layer number (0 is the first), not '\(word)'" }

    /// `sweep NAME SPEC…`, `sweep status|stop|table NAME`, `sweep list`. The spec is checked here (its form; the configs
    /// are checked when it runs), so a typo is reported before anything starts.
    private static func parseSweep(_ args: [Token], line: String,
                                   fail: (String, Token?) -> ParseError) throws -> SweepRequest {
        guard let first = args.first else { return .list }
        guard case .word(let word) = first.kind else {
            throw fail("expected a sweep name (e.g. sweep wdfrac wd=0.3,1 seeds=0..2)", first)
        }
        let verb = word.lowercased()
        if verb == "list" {
            if let extra = args.dropFirst().first { throw fail("`sweep list` takes nothing more", extra) }
            return .list
        }
        if ["status", "stop", "table"].contains(verb) {
            guard args.count == 2, let name = args[1].text else {
                throw fail("expected `sweep \(verb) NAME` (e.g. sweep \(verb) wdfrac)", args.count > 2 ? args[2] : nil)
            }
            switch verb {
            case "status": return .status(name: name)
            case "stop": return .stop(name: name)
            default: return .table(name: name)
            }
        }
        let chars = Array(line)
        let rest = args.count > 1 ? String(chars[args[1].column..<min(chars.count, args.last!.column + args.last!.length)]) : ""
        do { _ = try SweepSpec.parse(name: word, text: rest) } catch let error as SweepError {
            throw fail("\(error)", args.count > 1 ? args[1] : first)
        }
        return .run(name: word, spec: rest)
    }

    /// `dashboard [at N | live | over range | over all | over SPEC] [neurons N,M …]`.
    private static func parseDashboard(_ args: [Token], line: String, fail: (String, Token?) -> ParseError) throws -> DashboardRequest {
        var request = DashboardRequest()
        var rest = args[...]
        // `neurons N,M` may come last, after any mode.
        if let at = rest.firstIndex(where: { $0.text?.lowercased() == "neurons" }) {
            let list = rest[(at + 1)...]
            guard !list.isEmpty else { throw fail("expected neuron numbers after `neurons` (e.g. dashboard neurons 3,17)", rest[at]) }
            for token in list {
                if token.kind == .comma { continue }
                guard let text = token.text else { throw fail("expected neuron numbers (e.g. neurons 3,17)", token) }
                for piece in text.split(separator: ",") {
                    guard let n = NumberLiteral.integer(String(piece)), n >= 0 else {
                        throw fail("expected neuron numbers (e.g. neurons 3,17), not '\(piece)'", token)
                    }
                    request.neurons.append(n)
                }
            }
            guard request.neurons.count <= DashboardRequest.maxNeurons else {
                throw fail("at most \(DashboardRequest.maxNeurons) neurons fit on the dashboard", list.first)
            }
            rest = rest[..<at]
        }
        guard let first = rest.first else { return request }
        switch first.text?.lowercased() {
        case "live":
            if let extra = rest.dropFirst().first { throw fail("`dashboard live` takes only `neurons N,M` after it", extra) }
            request.mode = .live
        case "at":
            var words = rest.dropFirst()
            if words.first?.text?.lowercased() == "epoch" { words = words.dropFirst() }
            guard words.count == 1, let text = words.first?.text, let epoch = NumberLiteral.integer(text), epoch >= 0 else {
                throw fail("expected `dashboard at N` with an epoch (e.g. dashboard at 1500)", words.first ?? first)
            }
            request.mode = .at(epoch)
        case "over":
            let spec = rest.dropFirst()
            guard let from = spec.first, let to = spec.last else {
                throw fail("expected what to go over: `dashboard over range` (the selection), `over all` or epochs (e.g. over 0..3000 step 100)", nil)
            }
            let word = spec.count == 1 ? from.text?.lowercased() : nil
            if word == "range" || word == "selection" {
                request.mode = .over(.selection)
            } else if word == "all" {
                request.mode = .over(.all)
            } else {
                let chars = Array(line)
                let text = String(chars[from.column..<min(chars.count, to.column + to.length)])
                do { request.mode = .over(.epochs(try EpochSet.parse(text))) } catch let error as EpochSetError {
                    throw fail("\(error)", from)
                }
            }
        default:
            let hint = CommandCatalog.suggestion(for: first.text?.lowercased() ?? "", among: ["at", "live", "over", "neurons"])
                .map { " Did you mean '\($0)'?" } ?? ""
            throw fail("`dashboard` takes at N, live, over SELECTION or neurons N,M, not '\(first.text ?? symbol(first))'.\(hint)", first)
        }
        return request
    }

    private static func symbol(_ token: Token) -> String {
        switch token.kind {
        case .comma: return ","
        case .semicolon: return ";"
        case .range: return ".."
        case .word(let s), .string(let s): return s
        }
    }
}
