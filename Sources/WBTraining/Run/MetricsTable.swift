import Foundation

/// `metrics.csv`: one row per evaluated epoch, with the header
/// `epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,steps,softmax_collapse,seconds` (the wall
/// time last, as it always was, so a tool that drops it keeps only what the run determines). Numbers are written in
/// Swift's shortest round-trip form, so reading the file gives back exactly the Doubles that were measured. Files written
/// before `steps` and `softmax_collapse` existed (nine columns) still read: steps are then the epochs and the collapse 0.
public enum MetricsTable {
    public static let header = "epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,steps,softmax_collapse,seconds"
    /// The header of files written before the last two columns.
    public static let nineColumnHeader = "epoch,train_loss,test_loss,train_acc,test_acc,lr,grad_norm,weight_norm,seconds"

    public static func render(_ rows: [EpochMetrics]) -> String {
        var text = header + "\n"
        text.reserveCapacity(rows.count * 120)
        for r in rows {
            text += "\(r.epoch),\(r.trainLoss),\(r.testLoss),\(r.trainAccuracy),\(r.testAccuracy),\(r.lr),\(r.gradNorm),\(r.weightNorm),\(r.steps),\(r.softmaxCollapse),\(r.seconds)\n"
        }
        return text
    }

    /// Parses the file; a row that is cut off (a crash mid-write of an older format) or malformed is reported with its line.
    public static func parse(_ text: String) throws -> [EpochMetrics] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first, first == header || first == nineColumnHeader else {
            throw RunFolderError.damaged(file: "metrics.csv", reason: "the first line must be '\(header)'")
        }
        let columns = first == header ? 11 : 9
        lines.removeFirst()
        var rows: [EpochMetrics] = []
        rows.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == columns, let epoch = Int(f[0]), let values = Optional(f[1...].map { Double($0) }),
                  !values.contains(nil), columns == 9 || Int(f[8]) != nil else {
                throw RunFolderError.damaged(file: "metrics.csv", reason: "line \(i + 2) is not \(columns) comma-separated numbers")
            }
            let v = values.map { $0! }
            let wide = columns == 11
            rows.append(EpochMetrics(epoch: epoch, trainLoss: v[0], testLoss: v[1], trainAccuracy: v[2], testAccuracy: v[3],
                                     lr: v[4], gradNorm: v[5], weightNorm: v[6], seconds: wide ? v[9] : v[7],
                                     steps: wide ? Int(f[8]) : nil, softmaxCollapse: wide ? v[8] : 0))
        }
        return rows
    }
}
