import Glibc

/// Memory for the C structures of one spawn, freed all at once with the arena.
///
/// A bump allocator over a few `malloc` blocks: building a typical plan costs one
/// allocation, and nothing is freed piecemeal.
final class CMemory {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private static let blockSize = 4096

    deinit { for block in blocks { free(block) } }

    /// Zeroed memory for `count` values of `T`.
    func allocate<T>(_ type: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        let size = MemoryLayout<T>.stride * max(count, 1)
        let raw = bytes(size, alignment: MemoryLayout<T>.alignment)
        memset(raw, 0, size)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A NUL-terminated copy of `string`.
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let copy = allocate(CChar.self, count: utf8.count + 1)
            UnsafeMutableRawPointer(copy).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
            return copy
        }
    }

    /// A copy of `string`, or NULL.
    func string(_ string: String?) -> UnsafePointer<CChar>? { string.map { UnsafePointer(self.string($0)) } }

    /// A NULL-terminated array of copies of `strings`, as `argv` and `envp` are.
    func strings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = self.string(string) }
        return array
    }

    private func bytes(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if let cursor {
            let padding = (alignment - Int(bitPattern: cursor) % alignment) % alignment
            if padding + size <= remaining {
                self.cursor = cursor + padding + size
                remaining -= padding + size
                return cursor + padding
            }
        }
        let capacity = max(Self.blockSize, size + alignment)
        guard let block = malloc(capacity) else { fatalError("out of memory") }
        blocks.append(block)
        cursor = block
        remaining = capacity
        return bytes(size, alignment: alignment)
    }
}
