import COpenBLAS

/// The number of threads OpenBLAS uses. Sums depend on it, so a run records it and bit-exact promises hold for a fixed count.
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    public static var current: Int { Int(openblas_get_num_threads()) }
}
