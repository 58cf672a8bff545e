import Foundation

/// Benchmarks: where a stretch of timed epochs stands against its GEMM floor, and why.
///
/// Each epoch adds its wall and CPU time, what its GEMMs did (`NumericPlatform.GEMMTally`) and the rate per thread of
/// the `GEMMPeakProbe` round taken right after it. The floor of an epoch is its GEMM work at that rate on every thread.
/// With means over the epochs, the ratio of wall time to floor splits exactly into three parts, each CPU time over
/// `threads` × the floor:
///
///     wall / floor = GEMM time / (threads · floor)                 the GEMMs at their own rate on these shapes
///                  + (CPU − GEMM time) / (threads · floor)         our own loops and the rest
///                  + (threads · wall − CPU) / (threads · floor)    threads idle
///
/// The first part alone is 1 when the GEMMs run at the probe's rate; whatever a target such as "within 1.3× of the
/// floor" leaves after it is what the other two may take.
public struct FloorBreakdown: Sendable {
    public let threads: Int
    public private(set) var epochs = 0
    private var wallMilliseconds = 0.0, cpuMilliseconds = 0.0, floorMilliseconds = 0.0
    private var gemmNanoseconds: UInt64 = 0, gemmFlops: UInt64 = 0
    private var shapeOrder: [NumericPlatform.GEMMShapeTally.Shape] = []
    /// Per shape: calls, their time, and the time they would have taken at the probe's rate of their epochs (ns).
    private var shapeTotals: [NumericPlatform.GEMMShapeTally.Shape: (calls: UInt64, nanoseconds: UInt64, atProbe: Double)] = [:]

    public init(threads: Int) { self.threads = max(1, threads) }

    /// The floor of one epoch, in ms: its GEMM operations at `probeRate` GFLOP/s on each of `threads` threads.
    public static func floorMilliseconds(flops: UInt64, probeRate: Double, threads: Int) -> Double {
        Double(flops) / (probeRate * Double(max(1, threads))) / 1e6
    }

    /// Adds one epoch: its wall and CPU time (ms), its GEMMs, and the probe's rate per thread (GFLOP/s) right after it.
    /// Returns the epoch's floor (ms).
    @discardableResult
    public mutating func add(wallMilliseconds wall: Double, cpuMilliseconds cpu: Double, gemms: NumericPlatform.GEMMTally,
                             probeRate: Double) -> Double {
        let epochFloor = Self.floorMilliseconds(flops: gemms.flops, probeRate: probeRate, threads: threads)
        epochs += 1
        wallMilliseconds += wall
        cpuMilliseconds += cpu
        floorMilliseconds += epochFloor
        gemmNanoseconds += gemms.nanoseconds
        gemmFlops += gemms.flops
        for line in gemms.shapes {
            if shapeTotals[line.shape] == nil { shapeOrder.append(line.shape) }
            let total = shapeTotals[line.shape, default: (0, 0, 0)]
            shapeTotals[line.shape] = (total.calls + line.calls, total.nanoseconds + line.nanoseconds,
                                       total.atProbe + line.shape.flops * Double(line.calls) / probeRate)
        }
        return epochFloor
    }

    private func perEpoch(_ total: Double) -> Double { epochs == 0 ? 0 : total / Double(epochs) }

    /// Mean over the epochs: wall time, CPU time, GEMM time (CPU, summed over threads) and floor, in ms.
    public var meanWall: Double { perEpoch(wallMilliseconds) }
    public var meanCPU: Double { perEpoch(cpuMilliseconds) }
    public var meanGEMM: Double { perEpoch(Double(gemmNanoseconds) / 1e6) }
    public var meanFloor: Double { perEpoch(floorMilliseconds) }
    /// GEMM operations per epoch, in GFLOP.
    public var gigaflopsPerEpoch: Double { perEpoch(Double(gemmFlops) / 1e9) }

    private var cpuFloor: Double { Double(threads) * meanFloor }
    /// The three parts of mean wall / mean floor (see the type's comment); they add up to `ratio`.
    public var gemmPart: Double { cpuFloor > 0 ? meanGEMM / cpuFloor : 0 }
    public var ownLoopsPart: Double { cpuFloor > 0 ? (meanCPU - meanGEMM) / cpuFloor : 0 }
    public var idlePart: Double { cpuFloor > 0 ? (Double(threads) * meanWall - meanCPU) / cpuFloor : 0 }
    public var ratio: Double { meanFloor > 0 ? meanWall / meanFloor : 0 }

    /// One GEMM shape over the epochs: calls and CPU time per epoch, rate per thread, and that rate against the probe's
    /// (the time its GEMMs would have taken at the rate of the probe round after each epoch, over the time they took).
    public struct ShapeLine: Sendable, Equatable {
        public var shape: NumericPlatform.GEMMShapeTally.Shape
        public var callsPerEpoch: Double
        public var milliseconds: Double
        public var rate: Double
        public var ofProbe: Double
    }

    /// The shapes, most CPU time first.
    public var shapes: [ShapeLine] {
        shapeOrder.map { shape in
            let total = shapeTotals[shape]!
            let rate = total.nanoseconds == 0 ? 0 : shape.flops * Double(total.calls) / Double(total.nanoseconds)
            return ShapeLine(shape: shape, callsPerEpoch: perEpoch(Double(total.calls)),
                             milliseconds: perEpoch(Double(total.nanoseconds) / 1e6), rate: rate,
                             ofProbe: total.nanoseconds == 0 ? 0 : total.atProbe / Double(total.nanoseconds))
        }.sorted { $0.milliseconds > $1.milliseconds }
    }

    /// The report's lines: the `top` shapes with the most time (the rest summed), then the ratio split into its parts.
    public func lines(top: Int = 8) -> [String] {
        let all = shapes
        var lines = ["GEMMs by shape (row-major m×n×k, ᵀ after a transposed operand): calls and CPU time per epoch, rate per "
                     + "thread, and that rate against the probe's in the same epochs:"]
        let width = max(12, all.prefix(top).map { $0.shape.label.count }.max() ?? 0)
        for line in all.prefix(top) {
            lines.append("  " + line.shape.label.padding(toLength: width, withPad: " ", startingAt: 0)
                         + "  " + pad(format(line.callsPerEpoch, line.callsPerEpoch.rounded() == line.callsPerEpoch ? 0 : 1), 5)
                         + " call" + (line.callsPerEpoch == 1 ? " " : "s")
                         + "  " + pad(format(line.milliseconds, 2), 6) + " ms"
                         + "  " + pad(format(line.rate, 1), 6) + " GFLOP/s"
                         + "  " + pad(format(100 * line.ofProbe, 0), 3) + " %")
        }
        if all.count > top {
            let rest = all.dropFirst(top)
            lines.append("  \(rest.count) more shape\(rest.count == 1 ? "" : "s"): " + format(rest.map(\.milliseconds).reduce(0, +), 2) + " ms")
        }
        lines.append("against the floor (means over the epochs; CPU time over \(threads) threads × the floor): GEMMs "
                     + format(gemmPart, 2) + "× (1 if they ran at the probe's rate), our own loops and the rest +"
                     + format(ownLoopsPart, 2)
                     + ", threads idle +" + format(idlePart, 2) + " = " + format(ratio, 2) + "×")
        return lines
    }

    private func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
