/// virsh's table layout (`list`, `snapshot-list`, `vcpupin`): every column as wide as its
/// widest cell or header; a row is a space, then the cells joined by three spaces, each
/// padded except the last; the rule under the header is `sum(widths) + 3 * columns` dashes.
struct Table {
    /// Column headers.
    var headers: [String]
    /// Rows of cells, one per column.
    var rows: [[String]] = []

    /// The formatted table; without the header and rule when `includeHeader` is false
    /// (quiet mode), in which case the headers do not widen the columns either.
    func render(includeHeader: Bool) -> String {
        var widths = includeHeader ? headers.map(\.count) : headers.map { _ in 0 }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var out = ""
        if includeHeader {
            out += line(headers, widths) + "\n"
            out += String(repeating: "-", count: widths.reduce(0, +) + 3 * widths.count) + "\n"
        }
        for row in rows { out += line(row, widths) + "\n" }
        return out
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var out = " "
        for (index, cell) in cells.enumerated() {
            if index > 0 { out += "   " }
            out += index == cells.count - 1 ? cell : cell.padded(to: widths[index])
        }
        return out
    }
}

extension String {
    /// Left-justified in `width` columns, like `%-Ns`.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
