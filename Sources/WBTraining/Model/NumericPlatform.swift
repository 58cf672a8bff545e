import CBLASLoader
import Foundation

/// What produced a run's numbers: the processor architecture, the GEMM kernels, the revision of wb's own arithmetic and the
/// worker-thread count.
///
/// wb owns its numerics. OpenBLAS is opened at run time with its kernel family chosen by wb (the Haswell kernels on any
/// x86-64 processor with AVX2 and FMA, whatever `OPENBLAS_CORETYPE` says) and its own thread pool off; every GEMM runs
/// single-threaded on a block that wb's workers chose by the config's `threads`. So two machines with the same `id`
/// produce the same bits for the same config. Where the pinned kernels cannot run (no AVX2/FMA, another architecture),
/// OpenBLAS picks its own and results may differ from other machines in the last bits: `isPinned` is false and
/// `warning` says so.
public struct NumericPlatform: Codable, Sendable, Equatable, CustomStringConvertible {
    /// "x86_64", "arm64", …
    public var architecture: String
    /// The GEMM kernel family and library version, e.g. "openblas-0.3.21/Haswell".
    public var kernel: String
    /// True when wb chose the kernel (x86-64 with AVX2 and FMA), false when the library picked it for this processor.
    public var pinned: Bool
    /// The worker threads that split the work (the config's `threads`).
    public var threads: Int
    /// The revision of wb's own arithmetic (`currentArithmetic`); nil in runs and notebooks recorded before it was named.
    public var arithmetic: String?

    /// The revision of the model's formulation and of the summation orders of wb's C kernels. It changes whenever a
    /// change to wb moves any bit of a trajectory, so that `wb run --check` reports older recordings as made on another
    /// platform (drift) instead of failing them. 2: the logits' direct path and the MLP input from per-token tables in
    /// the backward pass too, fused multiply-adds in the kernels, wb's own exponentials in the loss.
    public static let currentArithmetic = "wb-arith-2"

    public init(architecture: String, kernel: String, pinned: Bool, threads: Int,
                arithmetic: String? = NumericPlatform.currentArithmetic) {
        self.architecture = architecture; self.kernel = kernel; self.pinned = pinned; self.threads = threads
        self.arithmetic = arithmetic
    }

    /// The platform of this process for `threads` workers. Opens OpenBLAS on first use; stops the program with a clear
    /// message when the library is missing.
    public static func current(threads: Int) -> NumericPlatform {
        let info = loadedLibrary
        return NumericPlatform(architecture: info.architecture, kernel: info.kernel, pinned: info.pinned, threads: threads)
    }

    /// The machine's part of the platform: architecture, kernels and arithmetic, e.g.
    /// "x86_64/openblas-0.3.21/Haswell/wb-arith-2" (with "/unpinned" when OpenBLAS chose the kernels). A notebook records
    /// this per cell; each run records its threads too.
    public var kernels: String {
        "\(architecture)/\(kernel)" + (arithmetic.map { "/\($0)" } ?? "") + (pinned ? "" : "/unpinned")
    }

    /// What identifies a trajectory's numerics: equal ids, equal bits for equal configs.
    public var id: String { "\(kernels)/threads=\(threads)" }

    /// The kernels of this process (threads aside), e.g. for a notebook's volatile facts.
    public static var currentKernels: String { current(threads: 1).kernels }

    public var description: String {
        "\(architecture), \(kernel) kernels (\(pinned ? "pinned by wb" : "chosen by OpenBLAS for this processor")), "
            + (arithmetic.map { "\($0), " } ?? "") + "\(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Said once when the pinned kernels cannot run here.
    public var warning: String? {
        pinned ? nil : "the pinned Haswell kernels cannot run here (this processor lacks AVX2/FMA or is not x86-64, or "
            + "WB_UNPIN_KERNELS=1): OpenBLAS chose its own kernels (\(kernel)), so results will differ in the last bits from "
            + "machines that run the pinned ones"
    }

    /// What the GEMMs of a timed stretch of work did: their time summed over threads, and their operations (2·m·n·k each),
    /// in all and by shape.
    public struct GEMMTally: Sendable {
        public var nanoseconds: UInt64
        public var flops: UInt64
        /// The GEMMs of each shape, in order of first call (the first 64 shapes; the totals count every GEMM).
        public var shapes: [GEMMShapeTally] = []
    }

    /// The GEMMs of one shape within a `GEMMTally`: row-major `m`×`k` times `k`×`n`, with their transposes.
    public struct GEMMShapeTally: Sendable, Hashable {
        /// A GEMM's precision, transposes and dimensions: what its rate depends on.
        public struct Shape: Sendable, Hashable {
            public var doublePrecision: Bool
            public var transposeA: Bool
            public var transposeB: Bool
            public var m: Int, n: Int, k: Int
            public init(doublePrecision: Bool = false, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) {
                (self.doublePrecision, self.transposeA, self.transposeB) = (doublePrecision, transposeA, transposeB)
                (self.m, self.n, self.k) = (m, n, k)
            }
            /// "4470×114×512", with "ᵀ" after a transposed operand's dimension and "(f64)" for a DGEMM.
            public var label: String {
                "\(m)\(transposeA ? "ᵀ" : "")×\(n)\(transposeB ? "ᵀ" : "")×\(k)" + (doublePrecision ? " (f64)" : "")
            }
            /// Operations of one call: 2·m·n·k.
            public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
        }
        public var shape: Shape
        public var calls: UInt64
        /// Wall time of those calls, summed over the threads that made them.
        public var nanoseconds: UInt64
    }

    /// Benchmarks: runs `body` and returns what its GEMMs took.
    public static func gemmTally(during body: () throws -> Void) rethrows -> GEMMTally {
        _ = loadedLibrary
        wb_blas_set_timing(1)
        defer { wb_blas_set_timing(0) }
        try body()
        let shapes = (0..<Int(wb_blas_timed_shape_count())).map { index -> GEMMShapeTally in
            let line = wb_blas_timed_shape(Int32(index))
            return GEMMShapeTally(shape: .init(doublePrecision: line.double_precision != 0, transposeA: line.trans_a != 0,
                                               transposeB: line.trans_b != 0, m: Int(line.m), n: Int(line.n), k: Int(line.k)),
                                  calls: UInt64(line.calls), nanoseconds: UInt64(line.nanoseconds))
        }
        return GEMMTally(nanoseconds: UInt64(wb_blas_timed_nanoseconds()), flops: UInt64(wb_blas_timed_flops()),
                         shapes: shapes)
    }

    /// Benchmarks: the GFLOP/s per thread of the pinned kernels when `threads` workers each multiply their own
    /// 1024×1024×1024 product at once (the best of five rounds of a `GEMMPeakProbe`): what this processor's GEMMs can
    /// reach with every worker busy, so that a model's GEMM time can be compared with its floor.
    public static func gemmPeakPerThread(threads: Int) -> Double {
        let probe = GEMMPeakProbe(threads: threads)
        return (0..<5).map { _ in probe.round() }.max()!
    }

    /// Called once, when OpenBLAS is first opened, with `warning` if the kernels could not be pinned here. The `wb`
    /// executable prints it to standard error; runs record the platform either way.
    nonisolated(unsafe) public static var warningHandler: ((String) -> Void)?

    private struct Library { var architecture: String; var kernel: String; var pinned: Bool }

    private static let loadedLibrary: Library = {
        var info = wb_blas_load()!.pointee
        func text<T>(_ tuple: inout T) -> String {
            withUnsafeBytes(of: &tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        guard info.loaded != 0 else {
            FileHandle.standardError.write(Data(("wb: " + text(&info.error) + "\n").utf8))
            exit(70)
        }
        let library = Library(architecture: text(&info.architecture), kernel: "openblas-\(text(&info.version))/\(text(&info.core))",
                              pinned: info.pinned != 0)
        if let warning = NumericPlatform(architecture: library.architecture, kernel: library.kernel, pinned: library.pinned,
                                         threads: 1).warning {
            warningHandler?(warning)
        }
        return library
    }()
}
