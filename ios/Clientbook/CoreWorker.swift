import Foundation
import Clientbook

/// One serial thread of work per screen. Every call into the core (they block on SQLite, the
/// network and the matching) and every phonebook read or write runs here, one after another,
/// never on the main thread and never on Swift's cooperative pool, whose few threads must not
/// block. Only the core's `cancel()` is called from elsewhere (it is safe from any thread).
final class CoreWorker: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `work` on the worker, then `done` with its result on the main thread. Results
    /// arrive in the order the work was queued (both queues are FIFO).
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T, then done: @escaping @MainActor @Sendable (T) -> Void) {
        queue.async {
            let result = work()
            DispatchQueue.main.async { done(result) }
        }
    }
}

/// The contacts authorization now, as the core's `ContactsPermission`.
typealias CurrentPermission = @Sendable () -> ContactsPermission
/// Reads the phonebook on the worker; `keepGoing(count)` is the core's `readingProgress` and
/// stops the read (nil) when false.
typealias ReadPhonebook = @Sendable (_ keepGoing: (UInt64) -> Bool) throws -> [PhonebookContact]?
/// Writes contacts on the worker in batches; `batchWritten` is the core's `written` and stops
/// the write when false.
typealias WritePhonebook = @Sendable (_ contacts: [ContactToWrite], _ batchWritten: ([WrittenContact]) -> Bool) throws -> Void
