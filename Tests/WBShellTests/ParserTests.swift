import WBTestSupport
import XCTest
@testable import WBShell
@testable import WBTraining

final class ParserTests: XCTestCase {
    func parse(_ line: String) throws -> [ShellCommand] { try Parser.parse(line) }

    func testEveryCommand() throws {
        XCTAssertEqual(try parse("train p=113 frac=0.4 epochs=3k"), [.train(assignments: ["p=113", "frac=0.4", "epochs=3k"])])
        XCTAssertEqual(try parse("TRAIN checkpoints=\"0..100 step 10\" name=x"),
                       [.train(assignments: ["checkpoints=0..100 step 10", "name=x"])])
        XCTAssertEqual(try parse("resume"), [.resume(epochs: nil)])
        XCTAssertEqual(try parse("resume epochs=10k"), [.resume(epochs: 10_000)])
        XCTAssertEqual(try parse("load demo"), [.load(run: "demo")])
        XCTAssertEqual(try parse("load runs/Demo-1"), [.load(run: "runs/Demo-1")])
        XCTAssertEqual(try parse("runs"), [.runs])
        XCTAssertEqual(try parse("info"), [.info])
        XCTAssertEqual(try parse("at epoch 1500"), [.at(epoch: 1500)])
        XCTAssertEqual(try parse("at 1.5k"), [.at(epoch: 1500)])
        XCTAssertEqual(try parse("next; prev; first; last"), [.step(.next), .step(.prev), .step(.first), .step(.last)])
        XCTAssertEqual(try parse("range"), [.range(.show)])
        XCTAssertEqual(try parse("range clear"), [.range(.clear)])
        XCTAssertEqual(try parse("range 0..1000 step 100, 1000..3000 step 25"),
                       [.range(.set(try EpochSet.parse("0..1000 step 100, 1000..3000 step 25")))])
        XCTAssertEqual(try parse("analyze"), [.analyze(names: [])])
        XCTAssertEqual(try parse("analyse Freq clusters"), [.analyze(names: ["freq", "clusters"])])
        XCTAssertEqual(try parse("plot loss"), [.plot(PlotRequest(kind: .loss))])
        XCTAssertEqual(try parse("plot freq over time to f.svg"), [.plot(PlotRequest(kind: .freqOverTime, file: "f.svg"))])
        XCTAssertEqual(try parse("plot heatmap 3,17, 40"), [.plot(PlotRequest(kind: .heatmap, neurons: [3, 17, 40]))])
        XCTAssertEqual(try parse("plot neurons layer=0"), [.plot(PlotRequest(kind: .neurons, layer: 0))])
        XCTAssertEqual(try parse("plot heatmap layer=1 3,5"), [.plot(PlotRequest(kind: .heatmap, neurons: [3, 5], layer: 1))])
        XCTAssertEqual(try parse("plot freq over time layer=2 to f.svg"), [.plot(PlotRequest(kind: .freqOverTime, file: "f.svg", layer: 2))])
        XCTAssertEqual(try parse("plot progress 100..200 layer=0"),
                       [.plot(PlotRequest(kind: .progress, window: EpochWindow(lower: 100, upper: 200), layer: 0))])
        XCTAssertEqual(try parse("compare a b"), [.compare(runs: ["a", "b"])])
        XCTAssertEqual(try parse("template save"), [.templateSave(name: nil, description: nil)])
        XCTAssertEqual(try parse("template save mine \"my run\""), [.templateSave(name: "mine", description: "my run")])
        XCTAssertEqual(try parse("template load nanda2023"), [.templateLoad(name: "nanda2023")])
        XCTAssertEqual(try parse("templates"), [.templates])
        XCTAssertEqual(try parse("log"), [.log(lines: nil)])
        XCTAssertEqual(try parse("log 5"), [.log(lines: 5)])
        XCTAssertEqual(try parse("help"), [.help(topic: nil)])
        XCTAssertEqual(try parse("help Plot"), [.help(topic: "plot")])
        XCTAssertEqual(try parse("quit"), [.quit])
        XCTAssertEqual(try parse("  # The memorisation phase; ends ~1k"), [.note("The memorisation phase; ends ~1k")])
        XCTAssertEqual(try parse(""), [])
        XCTAssertEqual(try parse(" ; ;"), [])
    }

    func testErrorsSayWhatAndWhere() {
        let cases: [(String, String, Int?)] = [
            ("trian p=3", "unknown command 'trian'. Did you mean 'train'?", 0),
            ("train p", "expected key=value", 6),
            ("at epoch x", "expected an epoch, a whole number", 9),
            ("at", "expected `at epoch N`", nil),
            ("info now", "`info` takes no arguments", 5),
            ("plot los", "unknown plot 'los'. Did you mean 'loss'?", 5),
            ("plot heatmap", "needs neuron numbers", nil),
            ("plot loss to x.png", "the file must end in .svg", 13),
            ("range 10..5", "a range needs 0 ≤ A ≤ B", 6),
            ("range 0..100 step 0", "the step must be a whole number ≥ 1", 6),
            ("resume 100", "expected epochs=N", 7),
            ("template sav", "Did you mean 'save'?", 9),
            ("load", "`load` needs a run name", nil),
            ("train name=\"open", "unterminated string", 11),
            (", train", "expected a command", 0),
            ("log x", "a number of lines", 4),
            ("plot loss layer=1", "`plot loss` takes no layer=: it reads no layer's neurons. layer=N goes with freq, freq over time, neurons, heatmap, progress, clusters (e.g. plot neurons layer=0)", 10),
            ("plot neurons layer=-1", "expected layer=N with N a layer number (0 is the first), not 'layer=-1'", 13),
        ]
        for (line, message, column) in cases {
            XCTAssertThrowsError(try Parser.parse(line), line) { error in
                guard let e = error as? ParseError else { return XCTFail("\(line): \(error)") }
                XCTAssertTrue(e.message.contains(message), "\(line): \(e.message)")
                if let column { XCTAssertEqual(e.column, column, line) }
                XCTAssertTrue("\(e)".contains("^"), "a caret under the column: \(e)")
            }
        }
    }

    func testCaretPointsAtTheColumn() {
        XCTAssertThrowsError(try Parser.parse("info; plot lss")) { error in
            XCTAssertEqual("\(error)", "unknown plot 'lss'. Did you mean 'loss'? Kinds: loss, acc, lr, gradnorm, freq, freq over time, neurons, heatmap, progress, clusters, collapse, sweep, llc, llc traces\n  info; plot lss\n             ^")
        }
    }

    /// 120,000 random and mutated lines through the lexer and parser: each parses or throws a ParseError; nothing crashes
    /// or hangs.
    func testFuzzedLinesNeverCrash() {
        let seeds = ["train p=113 frac=0.4 epochs=3k name=demo", "range 0..1000 step 100, 1000..3000 step 25", "at epoch 1500",
                     "plot heatmap 3,17 to h.svg", "template save mine \"desc\"", "resume epochs=10k", "# note", "help plot",
                     "load runs/x; info; next", "plot freq over time", "range grokking; range fill", "range pick",
                     "dashboard over 0..3000 step 100", "dash neurons 3,17", "dashboard live", "export", "export to r.ipynb",
                     "analyze llc of=embed,head0 llc_eps=1e-3", "plot llc traces of=mlp to t.svg", "llc calibrate at epoch 9 eps=1e-4,1e-3 save"]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 =.,;\"'#_-/\\\t..kKe+\u{00e9}\u{1F600}")
        var rng = MersenneTwister(seed: 99)
        var parsed = 0, refused = 0
        for i in 0..<TestTier.fuzzInputs(120_000) {
            var chars: [Character]
            if i % 3 == 0 {
                chars = (0..<rng.randomBelow(40)).map { _ in alphabet[rng.randomBelow(alphabet.count)] }
            } else {
                chars = Array(seeds[rng.randomBelow(seeds.count)])
                for _ in 0..<(1 + rng.randomBelow(4)) {
                    let op = rng.randomBelow(3)
                    let position = chars.isEmpty ? 0 : rng.randomBelow(chars.count)
                    if op == 0 && !chars.isEmpty { chars.remove(at: position) }
                    else if op == 1 { chars.insert(alphabet[rng.randomBelow(alphabet.count)], at: position) }
                    else if !chars.isEmpty { chars[position] = alphabet[rng.randomBelow(alphabet.count)] }
                }
            }
            do { _ = try Parser.parse(String(chars)); parsed += 1 } catch is ParseError { refused += 1 } catch {
                XCTFail("unexpected error \(error) for \(String(chars))")
            }
        }
        XCTAssertEqual(parsed + refused, TestTier.fuzzInputs(120_000))
        XCTAssertGreaterThan(refused, 10_000)
        print("parser fuzz: 120000 lines tried, \(parsed) parsed, \(refused) refused with a message")
    }

    func testCompletion() {
        let completion = Completion(runNames: { ["demo", "demo2", "paper"] }, templateNames: { ["nanda2023", "tl-demo"] },
                                    analysisNames: { ["freq", "clusters"] })
        XCTAssertEqual(completion.complete(line: "tr", word: "tr"), ["train"])
        XCTAssertEqual(completion.complete(line: "load de", word: "de"), ["demo", "demo2"])
        XCTAssertEqual(completion.complete(line: "train ep", word: "ep"), ["epochs=", "eps="])
        XCTAssertEqual(completion.complete(line: "plot fr", word: "fr"), ["freq"])
        XCTAssertEqual(completion.complete(line: "template load n", word: "n"), ["nanda2023"])
        XCTAssertEqual(completion.complete(line: "info; ne", word: "ne"), ["next"])
        XCTAssertEqual(completion.complete(line: "analyze cl", word: "cl"), ["clusters"])
    }

    func testPastedPromptIsStripped() {
        XCTAssertEqual(ShellRunner.stripPrompt("wb> info"), "info")
        XCTAssertEqual(ShellRunner.stripPrompt("wb demo@1500> next"), "next")
        XCTAssertEqual(ShellRunner.stripPrompt("wbx> info"), "wbx> info")
    }
}
