import Foundation
import XCTest
@testable import WBNotebook

/// Mutates valid notebooks at random (seeded, so failures reproduce) and checks that the parser never crashes, that
/// every refusal carries a line inside the file and a message, and that whatever it accepts writes back stably.
final class FuzzTests: XCTestCase {
    private struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    private static let fragments = [
        "@end", "@cell c1", "@cell c2", "@cell", "@cell !", "@text", "@warning", "@error", "@figure", "@figure T",
        "@volatile", "@wbnb 1", "@wbnb 2", "@", "|", "| x", "|x", "#", "# x", "## h", "", " ", "\t", "\r", "plot loss",
        "c2 seconds=1", "c2 s", "x =", "é", "\u{301}", "🙂", "\u{FEFF}", "\u{0}", "<svg></svg>", "@end extra",
        "@dashboard", "@dashboard T", "| @shared", "| @epoch 5", "| @epoch 05", "| @epoch", "| @", "@wbnb 3",
        "@vegalite", "| {\"mark\":\"line\"}", "| {", "@wbnb 4",
    ]

    func testFuzzedNotebooksNeverCrashAndFailClearly() throws {
        let bases = [Samples.grokking.serialized(), Samples.tricky.serialized(),
                     "# # Plain\ntrain p=7\nplot loss\n", Notebook().serialized(), Samples.withDashboard.serialized(),
                     "@wbnb 3\n\nplot loss\n@figure L\n| <svg/>\n@end\n@vegalite\n| {\"mark\":\"line\"}\n@end\n"]
        var rng = SplitMix64(state: 0x5EED_0F_0B_0E)
        var accepted = 0
        var refused = 0
        let iterations = 12_000
        for iteration in 0..<iterations {
            let base = bases[iteration % bases.count]
            var lines = Bytes.lines(base)
            for _ in 0...rng.below(3) { mutate(&lines, &rng) }
            var text = lines.joined(separator: "\n")
            if rng.below(8) == 0 {  // cut anywhere (on a scalar boundary)
                let scalars = Array(text.unicodeScalars)
                text = String(String.UnicodeScalarView(scalars.prefix(rng.below(scalars.count + 1))))
            }
            let lineCount = max(Bytes.lines(text).count, 1)
            do {
                let notebook = try Notebook.parse(text)
                accepted += 1
                // Accepted input is valid, and its canonical form is a fixed point.
                XCTAssertNoThrow(try notebook.validate(), "iteration \(iteration)")
                let written = notebook.serialized()
                let again = try Notebook.parse(written)
                XCTAssertEqual(again, notebook, "iteration \(iteration)")
                XCTAssertEqual(again.serialized(), written, "iteration \(iteration)")
                _ = NotebookExport.html(notebook)
            } catch let error as NotebookError {
                refused += 1
                XCTAssertFalse(error.message.isEmpty)
                guard let line = error.line else { return XCTFail("no line number: \(error) (iteration \(iteration))") }
                XCTAssertTrue((1...lineCount).contains(line), "line \(line) outside 1...\(lineCount): \(error)")
            }
        }
        print("fuzz: \(iterations) mutated notebooks, \(accepted) accepted, \(refused) refused with a line number")
        XCTAssertGreaterThanOrEqual(accepted + refused, 10_000)
        XCTAssertGreaterThan(accepted, 500)
        XCTAssertGreaterThan(refused, 500)
    }

    private func mutate(_ lines: inout [String], _ rng: inout SplitMix64) {
        let at = rng.below(lines.count + 1)
        switch rng.below(8) {
        case 0 where !lines.isEmpty: lines.remove(at: min(at, lines.count - 1))
        case 1: lines.insert(Self.fragments[rng.below(Self.fragments.count)], at: at)
        case 2 where !lines.isEmpty:
            let from = rng.below(lines.count)
            lines.insert(lines[from], at: at)
        case 3 where lines.count > 1:
            lines.swapAt(rng.below(lines.count), rng.below(lines.count))
        case 4 where !lines.isEmpty:  // replace one character of a line
            let index = min(at, lines.count - 1)
            var scalars = Array(lines[index].unicodeScalars)
            let piece = Self.fragments[rng.below(Self.fragments.count)].unicodeScalars
            let position = rng.below(scalars.count + 1)
            if position < scalars.count, rng.below(2) == 0 { scalars.remove(at: position) }
            scalars.insert(contentsOf: piece.prefix(2), at: min(position, scalars.count))
            lines[index] = String(String.UnicodeScalarView(scalars))
        case 5 where !lines.isEmpty:  // prefix a line
            let index = min(at, lines.count - 1)
            lines[index] = ["@", "#", "|", "| ", " ", "\r"][rng.below(6)] + lines[index]
        case 6 where !lines.isEmpty:  // append CR or spaces
            let index = min(at, lines.count - 1)
            lines[index] += ["\r", " ", "  "][rng.below(3)]
        default:
            lines.insert(String(UnicodeScalar(UInt8(rng.below(128)))), at: at)
        }
    }
}
