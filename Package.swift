// swift-tools-version:6.0
// wb — the Training Dynamics Workbench: C shims, training, analysis, plotting, notebooks, sweeps, the shell, the Jupyter
// kernel and the wb executable. The modules and how they depend on each other: docs/architecture.md.
import PackageDescription

let package = Package(
    name: "wb",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wb", targets: ["wb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // C shims: OpenBLAS, opened at run time with wb's own kernel choice (CBLASLoader), and libedit.
        .target(name: "CBLASLoader", linkerSettings: [.linkedLibrary("dl")]),
        // The model's per-example loops that are not GEMMs, vectorised in C with one result on every processor.
        .target(name: "CModelKernels", cSettings: [.unsafeFlags(["-ffp-contract=off"])]),
        // Ctrl-C: one SIGINT handler and flag for the whole program.
        .target(name: "CInterrupt"),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libzmq's pkg-config flags name include folders SwiftPM refuses (-isystem …/mit-krb5); zmq.h is in /usr/include.
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),

        // Support: what every module shares: atomic file writes, XML/HTML and JSON string escaping, text tables.
        .target(name: "WBSupport"),
        // Training: model, AdamW, split, trainer, checkpoints, safetensors, run folder.
        .target(
            name: "WBTraining",
            dependencies: ["WBSupport", "CBLASLoader", "CModelKernels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // Analysis: the Fourier basis, the analyses, the pipeline that runs them over checkpoints, its cache.
        .target(
            name: "WBAnalysis",
            dependencies: ["WBTraining", "CBLASLoader", "CModelKernels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // Plotting: the Figure model, plot builders, SVG and terminal renderers.
        .target(name: "WBPlotting", dependencies: ["WBSupport", "CZlib"]),

        // Sweeps: a grid of configs → run folders; the local process pool and the Slurm job array; the per-point summary.
        .target(name: "WBSweeps", dependencies: ["WBSupport", "WBTraining"]),

        // Shell: the command language (lexer, parser, commands, help), the session, the REPL on libedit.
        .target(name: "WBShell", dependencies: ["WBSupport", "WBTraining", "WBAnalysis", "WBPlotting", "WBNotebook", "WBSweeps", "CEditLine", "CInterrupt"]),

        // Notebook: the .wbnb format (parse, serialize, atomic write) and the HTML and .ipynb exports.
        .target(name: "WBNotebook", dependencies: ["WBSupport", .product(name: "Ink", package: "Ink")]),

        // Kernel: wb as a Jupyter kernel (messaging protocol 5.3 over ZeroMQ) and its kernelspec.
        .target(
            name: "WBKernel",
            dependencies: ["CZMQ", "WBSupport", "WBShell", "WBNotebook", "WBPlotting", "WBTraining", "WBSweeps", .product(name: "Crypto", package: "swift-crypto")]
        ),

        .executableTarget(
            name: "wb",
            dependencies: [
                "WBTraining", "WBAnalysis", "WBPlotting", "WBShell", "WBNotebook", "WBSweeps", "WBKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // What several test targets share (test cases with a temporary folder, a command executor, a shell runner); only
        // the tests build it.
        .target(name: "WBTestSupport", dependencies: ["WBShell"], path: "Tests/WBTestSupport"),
        .testTarget(
            name: "WBTrainingTests",
            dependencies: ["WBTraining", "WBTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "WBPlottingTests", dependencies: ["WBPlotting", "WBSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "WBAnalysisTests", dependencies: ["WBAnalysis"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WBShellTests", dependencies: ["WBShell", "WBPlotting", "WBSweeps", "WBTraining", "WBTestSupport"]),
        .testTarget(name: "WBNotebookTests", dependencies: ["WBNotebook"]),
        .testTarget(name: "WBSweepsTests", dependencies: ["WBSweeps", "WBTraining"]),
        .testTarget(name: "WBKernelTests", dependencies: ["WBKernel", "WBShell", "WBNotebook", "WBSupport", "WBTestSupport"]),
        // End to end: wb as a process (terminal under tmux, sweeps, Slurm, Jupyter clients, JupyterLab in Chromium,
        // determinism across processes, the grokking runs). `Scripts/test` runs them; `Scripts/test --quick` does not.
        .testTarget(
            name: "WBEndToEndTests",
            dependencies: ["WBShell", "WBPlotting", "WBSweeps", "WBTraining", "WBAnalysis", "WBNotebook", "WBKernel", "WBTestSupport"],
            exclude: ["Python"]
        ),
    ],
    // Swift 6 (strict concurrency checking) for every target. Where raw buffers and models are shared across
    // DispatchQueue.concurrentPerform workers on purpose, WorkSplit carries the closure (SharedAcrossWorkers) under its
    // documented rule; classes shared across threads behind a lock or confined to one thread say so and are marked
    // @unchecked Sendable.
    swiftLanguageModes: [.v6]
)
