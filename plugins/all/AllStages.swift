public import IngestCore
import StageClassify
import StageClean
import StageDedupe
import StageExtract

/// Every stage compiled into ingestd, in the order the default pipeline runs them.
/// Adding a stage: one folder under `plugins/`, one line here.
public let allStages: [any Stage.Type] = [CleanStage.self, DedupeStage.self, ExtractStage.self, ClassifyStage.self]

/// The registry the daemon and `ingestctl run` build pipelines from.
public let builtInStages = StageRegistry(allStages)
