import Foundation
import WBAnalysis
import WBTraining
import XCTest

/// Every analysis on the p = 23 golden model against an independent NumPy implementation
/// (`Scripts/analysis_reference.py`: float64, the plain position-by-position forward, full 2D transforms, explicit cubes).
final class NumPyCrossCheckTests: XCTestCase {
    var reference: [String: Any] = [:]
    var state: CheckpointState!

    override func setUpWithError() throws {
        reference = try GoldenP23.reference()
        state = try GoldenP23.state()
    }

    func doubles(_ key: String) -> [Double] { (reference[key] as! [Any]).map { ($0 as! NSNumber).doubleValue } }
    func number(_ key: String, in dict: [String: Any]? = nil) -> Double { ((dict ?? reference)[key] as! NSNumber).doubleValue }
    func ints(_ key: String, in dict: [String: Any]? = nil) -> [Int] { ((dict ?? reference)[key] as! [Any]).map { ($0 as! NSNumber).intValue } }

    func testFourierCheckValues() throws {
        let checks = reference["fourier_row_checks"] as! [String: Any]
        let basis = try FourierBasis(p: 23)
        XCTAssertEqual(basis.matrix[0], number("constant", in: checks), accuracy: 1e-15)
        XCTAssertEqual(basis.matrix[23], number("cos1_at_0", in: checks), accuracy: 1e-15)
    }

    func testEmbeddingFrequencies() throws {
        let result = try EmbeddingFrequencies().compute(AnalysisInput(checkpoint: state))
        assertClose(result.componentNorms, doubles("embedding_component_norms"), relative: 1e-5, "component norms")
        assertClose(result.frequencyNorms, doubles("embedding_frequency_norms"), relative: 1e-5, "frequency norms")
        XCTAssertEqual(result.dominant, ints("embedding_gap_keys"))
    }

    func testNeuronActivationsAndClusters() throws {
        let forward = state.forward
        let samples = reference["neuron_activation_samples"] as! [String: [Double]]
        for (row, values) in samples {
            let r = Int(row)!
            for (n, v) in values.enumerated() {
                XCTAssertEqual(Double(forward.activations[r * 128 + n]), v, accuracy: 1e-5 + 1e-5 * abs(v), "activation \(r),\(n)")
            }
        }
        let summary = try NeuronActivations().compute(AnalysisInput(checkpoint: state))
        assertClose(summary.mean, doubles("neuron_activation_mean"), relative: 1e-5, absolute: 1e-7, "activation means")

        let fractions = (reference["neuron_fractions"] as! [[Double]])
        let ours = state.neuronFractions
        for n in 0..<128 {
            for k in 1...11 {
                XCTAssertEqual(ours.fraction(neuron: n, frequency: k), fractions[n][k - 1], accuracy: 1e-5, "fraction n=\(n) k=\(k)")
            }
        }
        let clusters = try NeuronClusters().compute(AnalysisInput(checkpoint: state))
        // The untrained model has near-ties between frequencies (fractions ≈ 1/11): where the argmax differs, the two
        // fractions must agree to the tolerance.
        let numpyBest = ints("best_frequency")
        for n in 0..<128 where clusters.bestFrequency[n] != numpyBest[n] {
            XCTAssertEqual(fractions[n][clusters.bestFrequency[n] - 1], fractions[n][numpyBest[n] - 1], accuracy: 2e-5, "tie at \(n)")
        }
        XCTAssertGreaterThan(zip(clusters.bestFrequency, numpyBest).filter { $0 == $1 }.count, 120)
        assertClose(clusters.bestFraction, doubles("best_fraction"), relative: 0, absolute: 1e-5, "best fraction")
        XCTAssertEqual(clusters.cluster, ints("cluster"))
    }

    func testKeyFrequenciesAndProgressMeasures() throws {
        let keys = try KeyFrequencies().compute(AnalysisInput(checkpoint: state))
        assertClose(keys.logitMapNorms, doubles("logit_map_frequency_norms"), relative: 1e-5, "W_L norms")
        XCTAssertEqual(keys.keys, ints("keys"))                  // the gap rule on W_E (the default source)
        XCTAssertEqual(keys.embedding, ints("embedding_gap_keys"))
        XCTAssertEqual(keys.logitMap, ints("logit_map_keys"))
        let reference = ReferenceFrequencies(epoch: 40, frequencies: keys.keys, source: "test")
        let m = try ProgressMeasures().compute(AnalysisInput(checkpoint: state, reference: reference))
        for (ours, key) in [(m.restrictedLoss, "restricted_loss"), (m.restrictedLossAll, "restricted_loss_all"),
                            (m.excludedLoss, "excluded_loss"), (m.trainLoss, "train_loss"), (m.testLoss, "test_loss"),
                            (m.giniEmbedding, "gini_embedding"), (m.giniLogitMap, "gini_logit_map"),
                            (m.sumSquaredWeights, "sum_squared_weights"), (m.restrictedAccuracy, "restricted_accuracy"),
                            (m.trainAccuracy, "train_accuracy"), (m.testAccuracy, "test_accuracy")] {
            assertClose(ours, number(key), relative: 2e-6, key)
        }
        let each = try ExcludedLossPerFrequency().compute(AnalysisInput(checkpoint: state, reference: reference))
        assertClose(each.losses, doubles("excluded_loss_per_frequency"), relative: 2e-6, "excluded per frequency")
    }

    func testMeasuresWithSeveralGivenKeys() throws {
        let given = self.reference["given_keys"] as! [String: Any]
        let reference = ReferenceFrequencies(epoch: nil, frequencies: ints("keys", in: given), source: "given")
        let m = try ProgressMeasures().compute(AnalysisInput(checkpoint: state, reference: reference))
        assertClose(m.restrictedLoss, number("restricted_loss", in: given), relative: 2e-6, "restricted")
        assertClose(m.excludedLoss, number("excluded_loss", in: given), relative: 2e-6, "excluded")
        let each = try ExcludedLossPerFrequency().compute(AnalysisInput(checkpoint: state, reference: reference))
        assertClose(each.losses, (given["excluded_loss_per_frequency"] as! [Double]), relative: 2e-6, "excluded each")
    }

    func testLogitCosinesAndAttention() throws {
        let cos = try LogitCosines().compute(AnalysisInput(checkpoint: state))
        assertClose(cos.coefficients, doubles("logit_cosine_coefficients"), relative: 1e-4, absolute: 1e-4, "α_k")
        assertClose(cos.logitNorm, number("logit_norm"), relative: 1e-6, "‖L‖")
        assertClose(cos.explainedFraction, number("logit_explained_fraction"), relative: 1e-4, "explained")

        let attention = try AttentionPatterns().compute(AnalysisInput(checkpoint: state))
        let means = reference["attention_mean"] as! [[Double]]
        let fractions = reference["attention_pattern_fractions"] as! [[Double]]
        for (h, head) in attention.heads.enumerated() {
            assertClose(head.meanAttention, means[h], relative: 1e-6, "mean attention head \(h)")
            let best = fractions[h].indices.max { fractions[h][$0] < fractions[h][$1] }!
            XCTAssertEqual(head.patternFrequency, best + 1)
            XCTAssertEqual(head.patternFrequencyFraction, fractions[h][best], accuracy: 1e-5)
        }
    }
}
