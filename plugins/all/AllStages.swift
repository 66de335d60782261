public import IngestCore
import StageClassify
import StageClean
import StageDedupe

/// Every stage compiled into ingestd, in the order the default pipeline runs them.
/// Adding a stage: one folder under `plugins/`, one line here.
///
/// Extract (between dedupe and classify) arrives with its own issue.
public let allStages: [any Stage.Type] = [CleanStage.self, DedupeStage.self, ClassifyStage.self]

/// The registry the daemon and `ingestctl run` build pipelines from.
public let builtInStages = StageRegistry(allStages)
