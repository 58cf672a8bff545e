import Dispatch
import Foundation
import WBTraining

/// Turns Ctrl-C into a cancellation request while long work runs: the first SIGINT asks the work to stop cleanly
/// (after the current epoch, saving a checkpoint); a second one exits at once.
final class InterruptHandler {
    let token = CancellationToken()
    private var source: DispatchSourceSignal?
    private var count = 0

    func install(onFirst: @escaping () -> Void) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            self.count += 1
            if self.count == 1 { self.token.cancel(); onFirst() } else { exit(130) }
        }
        source.resume()
        self.source = source
    }

    func uninstall() {
        source?.cancel()
        source = nil
        signal(SIGINT, SIG_DFL)
    }
}
