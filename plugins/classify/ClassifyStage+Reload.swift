public import IngestCore

// SIGHUP reloads the model and the taxonomy (`reload()` in ClassifyStage.swift).
extension ClassifyStage: ReloadableStage {}
