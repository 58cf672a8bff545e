import Foundation

/// `metrics.csv`: one row per evaluated epoch, with the header
/// `epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,seconds`. Numbers are written in Swift's
/// shortest round-trip form, so reading the file gives back exactly the Doubles that were measured.
public enum MetricsTable {
    public static let header = "epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,seconds"

    public static func render(_ rows: [EpochMetrics]) -> String {
        var text = header + "\n"
        text.reserveCapacity(rows.count * 120)
        for r in rows {
            text += "\(r.epoch),\(r.trainLoss),\(r.testLoss),\(r.trainAccuracy),\(r.testAccuracy),\(r.lr),\(r.gradNorm),\(r.weightNorm),\(r.seconds)\n"
        }
        return text
    }

    /// Parses the file; a row that is cut off (a crash mid-write of an older format) or malformed is reported with its line.
    public static func parse(_ text: String) throws -> [EpochMetrics] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first, first == header else {
            throw RunFolderError.damaged(file: "metrics.csv", reason: "the first line must be '\(header)'")
        }
        lines.removeFirst()
        var rows: [EpochMetrics] = []
        rows.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 9, let epoch = Int(f[0]), let values = Optional(f[1...].map { Double($0) }), !values.contains(nil) else {
                throw RunFolderError.damaged(file: "metrics.csv", reason: "line \(i + 2) is not 9 comma-separated numbers")
            }
            let v = values.map { $0! }
            rows.append(EpochMetrics(epoch: epoch, trainLoss: v[0], testLoss: v[1], trainAccuracy: v[2], testAccuracy: v[3],
                                     lr: v[4], gradNorm: v[5], weightNorm: v[6], seconds: v[7]))
        }
        return rows
    }
}
