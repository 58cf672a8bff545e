import Foundation

/// Plain-text tables with aligned columns, for the prompt and `summary.csv`'s text form: the first row sets the columns,
/// each cell is padded to its column's widest cell, columns are two spaces apart and trailing spaces trimmed. A row may
/// hold more cells than the header; those are written as they are.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in i < widths.count ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : cell }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
