/// Stages that are not compiled in (exec plugins): the pipeline asks for them by name when no built-in
/// stage has that name.
public protocol StageProvider {
    /// The stage names this provider can build, sorted.
    var names: [String] { get }
    /// Builds the stage `name` from its `stages.<name>` section; `nil` (with problems in the section's list)
    /// when it cannot.
    func makeStage(named name: String, section: ConfigSection, context: StageContext) -> (any Stage)?
}

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
    /// Problems (unknown stage, bad keys) are reported to `stagesSection`'s problem list. Names no built-in
    /// stage has are asked of `provider` (the exec plugins).
    public func buildPipeline(
        _ configuration: PipelineConfiguration,
        stagesSection: ConfigSection,
        context: StageContext,
        provider: (any StageProvider)? = nil
    ) -> Pipeline {
        var stages: [any Stage] = []
        var seen: Set<String> = []
        for (index, name) in configuration.stages.enumerated() {
            guard seen.insert(name).inserted else {
                stagesSection.problems.add("pipeline.stages[\(index)]", "stage '\(name)' is listed twice")
                continue
            }
            guard let type = type(named: name) else {
                if let provider, provider.names.contains(name) {
                    if let stage = provider.makeStage(named: name, section: stagesSection.section(name), context: context) {
                        stages.append(stage)
                    }
                    continue
                }
                let all = names + (provider?.names ?? [])
                let known = all.isEmpty ? "none are compiled in yet" : "known: \(all.joined(separator: ", "))"
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
                // A plugin's section is only read when the plugin is in the pipeline.
                if provider?.names.contains(key) == true { continue }
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
