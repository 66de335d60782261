import IngestCore
import Synchronization

/// The receipt of one file handed to the pipeline. Its first call decides what happens to the file; any
/// later call is ignored, so a confused caller can never move a file twice.
final class FolderReceipt: Receipt {
    /// The file's name in the watched folder.
    let fileName: String
    private let core: FolderCore
    private let used = Atomic<Bool>(false)

    init(fileName: String, core: FolderCore) {
        self.fileName = fileName
        self.core = core
    }

    /// Moves the file to the done folder, or deletes it (`on_success`).
    func acknowledge(_ summary: IngestSummary) async {
        guard claim() else { return }
        core.complete(fileName, .acknowledged(summary))
    }

    /// Moves the file to the failed folder, with `NAME.error.json` beside it.
    func reject(_ failure: IngestFailure) async {
        guard claim() else { return }
        core.complete(fileName, .rejected(failure))
    }

    /// Leaves the file where it is; a rescan a few seconds later offers it again.
    func release() async {
        guard claim() else { return }
        core.complete(fileName, .released)
    }

    private func claim() -> Bool {
        used.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
