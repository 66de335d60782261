/// Everything that can go wrong in the classify stage, its model files, its taxonomy and its training data.
public enum ClassifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The file is not a classify model at all (wrong magic line): perhaps a taxonomy or a config.
    case notAModel(path: String)
    /// The model was written by a newer ingestd, in a format this one does not read.
    case newerFormat(path: String, found: Int, supported: Int)
    /// The model file is damaged: truncated, checksum mismatch, inconsistent header.
    case corrupt(path: String, reason: String)
    /// The taxonomy (rules) has problems, each with its key path.
    case taxonomy(source: String, problems: [String])
    /// Training data that cannot be used, with where (file and line when known).
    case data(location: String, reason: String)
    /// Nothing to learn from.
    case training(String)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            "classify: \(path): \(reason)"
        case .notAModel(let path):
            "classify: \(path): not an ingestd classify model (train one with `ingestctl classify train`)"
        case .newerFormat(let path, let found, let supported):
            "classify: \(path): model format \(found) is newer than this ingestd reads (\(supported)); "
                + "upgrade ingestd or retrain the model with this version"
        case .corrupt(let path, let reason):
            "classify: \(path): corrupt model file: \(reason); retrain it or restore a good copy"
        case .taxonomy(let source, let problems):
            "classify: taxonomy \(source): " + problems.joined(separator: "; ")
        case .data(let location, let reason):
            "classify: \(location): \(reason)"
        case .training(let reason):
            "classify: cannot train: \(reason)"
        }
    }
}
