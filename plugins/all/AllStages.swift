public import IngestCore
import StageClassify
import StageDedupe

/// Every stage compiled into ingestd, in the order the default pipeline runs them.
/// Adding a stage: one folder under `plugins/`, one line here.
///
/// The built-in stages clean and extract arrive with their own issues.
public let allStages: [any Stage.Type] = [DedupeStage.self, ClassifyStage.self]

/// The registry the daemon and `ingestctl run` build pipelines from.
public let builtInStages = StageRegistry(allStages)
