/// The nearest of some names to a mistyped one: the command line's verbs
/// (`rawnet sokets` → sockets) and a lab's nodes (`rawnet chat alcie` → alice).
public enum NameSuggestion {
    /// A name `word` begins (two letters at least), else the name with the fewest edits from it
    /// (at most a third of its length, at least 2; 1 for a word of three letters or fewer).
    /// Among several it begins, or several as
    /// near, the shortest, then the first in order
    /// (`--los` → `--loss`, not `--loss-burst`; `al` → alice, not r1).
    public static func nearest(to word: String, among names: [String]) -> String? {
        let lower = word.lowercased()
        if lower.count >= 2, let prefixed = names.filter({ $0.hasPrefix(lower) }).min(by: { ($0.count, $0) < ($1.count, $1) }) {
            return prefixed
        }
        let scored = names.map { ($0, distance(lower, $0)) }.min { ($0.1, $0.0.count, $0.0) < ($1.1, $1.0.count, $1.0) }
        // A word of three letters or fewer is near only one edit away ('cat' is not 'ra').
        guard let (name, edits) = scored, edits <= (word.count <= 3 ? 1 : max(2, word.count / 3)) else { return nil }
        return name
    }

    /// "; did you mean 'alice'?" when one of `names` is near `word` (`nearest`), else "": the
    /// words every mistyped name gets.
    public static func didYouMean(_ word: String, among names: [String]) -> String {
        nearest(to: word, among: names).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts one).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
