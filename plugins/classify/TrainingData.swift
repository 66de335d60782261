import Foundation

/// Reads labelled examples for training and evaluation.
///
/// Two layouts:
/// - a JSON Lines file: one object per line with `text`, an optional `title` (put before the text, as the
///   stage does), and `label` (a string) or `labels` (an array of strings);
/// - a folder with one sub-folder per label (`sport/001.txt`, `politics/002.txt`…): every regular file in a
///   label folder is one example. Files directly in the folder (a README, checksums) are not examples.
public enum TrainingData {
    public static func load(_ path: String) throws(ClassifyError) -> [Example] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .io(path: path, reason: "no such file or folder")
        }
        return isDirectory.boolValue ? try loadFolder(path) : try loadJSONLines(path)
    }

    static func loadFolder(_ path: String) throws(ClassifyError) -> [Example] {
        let manager = FileManager.default
        let labels: [String]
        do {
            labels = try manager.contentsOfDirectory(atPath: path).filter { name in
                var isDirectory: ObjCBool = false
                return !name.hasPrefix(".") && manager.fileExists(atPath: "\(path)/\(name)", isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        } catch {
            throw .io(path: path, reason: "cannot list: \(error.localizedDescription)")
        }
        guard !labels.isEmpty else { throw .data(location: path, reason: "no label folders in it") }
        var examples: [Example] = []
        for label in labels {
            let folder = "\(path)/\(label)"
            let names = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
                .sorted()
            for name in names {
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                guard let data = manager.contents(atPath: "\(folder)/\(name)") else {
                    throw .io(path: "\(folder)/\(name)", reason: "cannot read")
                }
                // Invalid UTF-8 is repaired rather than refused: old corpora mix in Latin-1 bytes.
                let text = String(decoding: data, as: UTF8.self)
                examples.append(Example(text: Array(text.utf8), labels: [label]))
            }
        }
        return examples
    }

    private struct Line: Decodable {
        var text: String?
        var title: String?
        var label: String?
        var labels: [String]?
    }

    static func loadJSONLines(_ path: String) throws(ClassifyError) -> [Example] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot read")
        }
        var examples: [Example] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let location = "\(path):\(number + 1)"
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let item: Line
            do {
                item = try decoder.decode(Line.self, from: Data(line))
            } catch {
                throw .data(location: location, reason: "not a JSON object with text and label(s)")
            }
            let labels = (item.labels ?? []) + (item.label.map { [$0] } ?? [])
            guard let text = item.text, !text.isEmpty else { throw .data(location: location, reason: "no text") }
            guard !labels.isEmpty, labels.allSatisfy({ !$0.isEmpty }) else {
                throw .data(location: location, reason: "no label (give \"label\" or \"labels\")")
            }
            let full = item.title.map { "\($0)\n\n\(text)" } ?? text
            examples.append(Example(text: Array(full.utf8), labels: labels))
        }
        guard !examples.isEmpty else { throw .data(location: path, reason: "no examples") }
        return examples
    }

    /// The `text` of every line of a JSON Lines file (labels not needed): the benchmark's input.
    public static func loadTexts(_ path: String) throws(ClassifyError) -> [String] {
        try loadTitledTexts(path).map(\.text)
    }

    /// The `title` (optional) and `text` of every line of a JSON Lines file; empty lines are skipped.
    public static func loadTitledTexts(_ path: String) throws(ClassifyError) -> [(title: String?, text: String)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot read")
        }
        struct Item: Decodable {
            var title: String?
            var text: String
        }
        var texts: [(title: String?, text: String)] = []
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            guard let item = try? JSONDecoder().decode(Item.self, from: Data(line)) else {
                throw .data(location: "\(path):\(number + 1)", reason: "not a JSON object with a \"text\"")
            }
            texts.append((item.title, item.text))
        }
        return texts
    }

    /// Drops examples whose text is byte-identical to an earlier one, keeping the first: a copy in both the
    /// training and the test part of a fold would inflate the accuracy.
    public static func removingExactDuplicates(_ examples: [Example]) -> (examples: [Example], removed: Int) {
        var seen: Set<[UInt8]> = []
        let kept = examples.filter { seen.insert($0.text).inserted }
        return (kept, examples.count - kept.count)
    }
}
