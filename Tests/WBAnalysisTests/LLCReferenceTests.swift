import CModelKernels
import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// wb's SGLD chains against `Scripts/llc_reference.py`, a plain NumPy program written from the definitions in
/// docs/llc.md: the noise bit for bit, every draw's loss within 1e-5 relative, on the p = 23 golden checkpoint.
final class LLCReferenceTests: XCTestCase {
    /// Philox4x32-10's known answers (Random123's kat_vectors).
    func testPhiloxKnownAnswers() {
        func philox(_ counter: [UInt32], _ key: [UInt32]) -> [UInt32] {
            var out = [UInt32](repeating: 0, count: 4)
            wb_philox4x32(counter, key, &out)
            return out
        }
        XCTAssertEqual(philox([0, 0, 0, 0], [0, 0]), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        XCTAssertEqual(philox([UInt32.max, UInt32.max, UInt32.max, UInt32.max], [UInt32.max, UInt32.max]),
                       [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        XCTAssertEqual(philox([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0]),
                       [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    /// The noise is standard normal: mean, variance and fourth moment over 400,000 numbers; and a number does not depend
    /// on where a run of them starts (a component's weights draw the same numbers whatever the range split).
    func testGaussiansAreStandardNormalAndIndexable() {
        var z = [Float](repeating: 0, count: 400_000)
        wb_gaussians(3, 1, 5, 0, z.count, &z)
        let n = Double(z.count)
        let mean = z.reduce(0.0) { $0 + Double($1) } / n
        let variance = z.reduce(0.0) { $0 + Double($1) * Double($1) } / n - mean * mean
        let fourth = z.reduce(0.0) { $0 + pow(Double($1), 4) } / n
        XCTAssertEqual(mean, 0, accuracy: 0.005)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        XCTAssertEqual(fourth, 3, accuracy: 0.05)
        var part = [Float](repeating: 0, count: 7)
        wb_gaussians(3, 1, 5, 13, 7, &part)
        XCTAssertEqual(part, Array(z[13..<20]))
        var other = [Float](repeating: 0, count: 7)
        wb_gaussians(3, 2, 5, 13, 7, &other)
        XCTAssertNotEqual(part, other, "another chain draws other noise")
    }

    /// The AVX2 path (8 Philox blocks per lane group) and the plain path give the same bits, wherever a run starts.
    func testVectorAndPlainNoiseAreTheSameBits() {
        defer { wb_kernels_allow_vector(1) }
        for (first, count) in [(0, 10), (3, 1_000), (37, 70_001), (1 << 33, 333)] {
            var vector = [Float](repeating: 0, count: count), plain = vector
            wb_kernels_allow_vector(1)
            wb_gaussians(9, 2, 11, first, count, &vector)
            wb_kernels_allow_vector(0)
            wb_gaussians(9, 2, 11, first, count, &plain)
            XCTAssertEqual(vector.map(\.bitPattern), plain.map(\.bitPattern), "first \(first), count \(count)")
            var w1 = (0..<count).map { Float($0 % 17) * 0.01 }, w2 = w1
            let start = w1.map { $0 * 0.5 }, g = (0..<count).map { Float($0 % 5) - 2 }
            wb_kernels_allow_vector(1)
            wb_sgld_update(&w1, start, g, count, 9, 2, 11, first, 5e-4, 30, 100, 0.03)
            wb_kernels_allow_vector(0)
            wb_sgld_update(&w2, start, g, count, 9, 2, 11, first, 5e-4, 30, 100, 0.03)
            XCTAssertEqual(w1.map(\.bitPattern), w2.map(\.bitPattern), "update, first \(first)")
        }
    }

    func testFullBatchChainsMatchTheNumPyReference() throws {
        try compare(words: ["llc_batch=full", "llc_chains=2", "llc_draws=100", "llc_burnin=20", "llc_nbeta=30"], component: "all")
    }

    func testMinibatchChainsMatchTheNumPyReference() throws {
        try compare(words: ["llc_batch=32", "llc_chains=2", "llc_draws=120", "llc_seed=7"], component: "all")
    }

    func testRefinedChainsOfOneHeadMatchTheNumPyReference() throws {
        try compare(words: ["llc_batch=full", "llc_chains=1", "llc_draws=100", "llc_eps=3e-3"], component: "head2")
    }

    /// Runs wb's estimator and the NumPy reference with the same settings; compares L(w*), nβ, every loss and λ̂.
    private func compare(words: [String], component name: String) throws {
        let settings = try LLCSettings().applying(words)
        let state = try GoldenP23.state()
        var config = TrainingConfig()
        config.p = 23; config.dModel = 32; config.heads = 4; config.dMLP = 128; config.frac = 0.3; config.dataSeed = 0
        let split = DataSplit.shuffled(p: 23, frac: 0.3, seed: 0)
        let estimator = try LLCEstimator(config: config, split: split, settings: settings)
        let component = try ModelComponent.named(name, in: estimator.layout)
        let wb = try XCTUnwrap(estimator.estimate(state.parameters, epoch: state.epoch, component: component))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wb-llc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("reference.json")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/llc_reference.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", script.path,
                             GoldenP23.folder.appendingPathComponent("p23_final.safetensors").path, out.path,
                             "--p", "23", "--frac", "0.3", "--data-seed", "0", "--eps", "\(settings.eps)",
                             "--gamma", "\(settings.gamma)", "--chains", "\(settings.chains)", "--draws", "\(settings.draws)",
                             "--burnin", "\(settings.burnin)", "--batch", settings.batch == 0 ? "full" : "\(settings.batch)",
                             "--seed", "\(settings.seed)", "--component", name]
            + (settings.nbeta.map { ["--nbeta", "\($0)"] } ?? [])
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
        XCTAssertEqual(process.terminationStatus, 0, "Scripts/llc_reference.py failed (Scripts/setup installs numpy and safetensors): \(message)")
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any]

        var noise = [Float](repeating: 0, count: 10)
        wb_gaussians(UInt64(settings.seed), 1, 7, 0, 10, &noise)
        // Foundation's JSON reader may be off in the 17th digit; the float32 values are exact.
        XCTAssertEqual(noise, (reference["noise_check"] as! [Double]).map { Float($0) }, "the noise, bit for bit")
        XCTAssertEqual(wb.initialLoss, reference["initial_loss"] as! Double, accuracy: 1e-5 * abs(wb.initialLoss) + 1e-12)
        XCTAssertEqual(wb.nbeta, reference["nbeta"] as! Double, accuracy: 1e-12)
        let chains = reference["chains"] as! [[String: Any]]
        XCTAssertEqual(chains.count, wb.chains.count)
        var worst = 0.0
        for (mine, theirs) in zip(wb.chains, chains) {
            let losses = theirs["losses"] as! [Double]
            XCTAssertFalse(mine.diverged)
            XCTAssertEqual(mine.losses.count, losses.count)
            XCTAssertGreaterThanOrEqual(losses.count, 100)
            for (a, b) in zip(mine.losses, losses) { worst = max(worst, abs(a - b) / abs(b)) }
            XCTAssertEqual(try XCTUnwrap(mine.llc), theirs["llc"] as! Double, accuracy: 1e-3 * abs(theirs["llc"] as! Double))
        }
        XCTAssertLessThan(worst, 1e-5, "largest relative difference of a draw's loss")
        // The chains moved: the losses are not all L(w*).
        XCTAssertGreaterThan(wb.chains[0].losses.last!, wb.initialLoss * 1.001)
        print("LLC reference \(name) \(words): worst relative loss difference \(worst), λ̂ \(wb.llc!)")
    }
}
