public import IngestCore

/// Every stage compiled into ingestd, in the order the default pipeline runs them.
/// Adding a stage: one folder under `plugins/`, one line here.
///
/// The built-in stages (clean, dedupe, extract, classify) arrive with their own issues; until then the
/// default pipeline is empty and articles go from decoding straight to the queue.
public let allStages: [any Stage.Type] = []

/// The registry the daemon and `ingestctl run` build pipelines from.
public let builtInStages = StageRegistry(allStages)
