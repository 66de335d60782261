/// Looks up stage types by name. The daemon fills it from the compiled-in list (`plugins/all`).
public struct StageRegistry: Sendable {
    public let types: [any Stage.Type]

    public init(_ types: [any Stage.Type]) {
        self.types = types
    }

    public func type(named name: String) -> (any Stage.Type)? {
        types.first { $0.name == name }
    }

    public var names: [String] { types.map { $0.name } }

    /// Builds the pipeline named in `configuration`, reading each stage's `stages.<name>` section.
    /// Problems (unknown stage, bad keys) are reported to `stagesSection`'s problem list.
    public func buildPipeline(
        _ configuration: PipelineConfiguration,
        stagesSection: ConfigSection,
        context: StageContext
    ) -> Pipeline {
        var stages: [any Stage] = []
        var seen: Set<String> = []
        for (index, name) in configuration.stages.enumerated() {
            guard seen.insert(name).inserted else {
                stagesSection.problems.add("pipeline.stages[\(index)]", "stage '\(name)' is listed twice")
                continue
            }
            guard let type = type(named: name) else {
                let known = names.isEmpty ? "none are compiled in yet" : "known: \(names.joined(separator: ", "))"
                stagesSection.problems.add("pipeline.stages[\(index)]", "unknown stage '\(name)' (\(known))")
                continue
            }
            if let stage = type.make(from: stagesSection.section(name), context: context) {
                stages.append(stage)
            }
        }
        // A section for a stage that is not in the pipeline is most likely a typo.
        for key in stagesSection.keys where !seen.contains(key) {
            if type(named: key) == nil {
                stagesSection.problem(key, "section for unknown stage '\(key)'")
            } else {
                // Configured but not in the pipeline: still validate it, so enabling it later cannot fail.
                _ = type(named: key)?.make(from: stagesSection.section(key), context: context)
            }
        }
        stagesSection.markAllRead()
        return Pipeline(stages: stages)
    }
}
