import Foundation
import HeraldCore

extension GlobalOptions {
  /// Takes the site's lock (`PublishLock`) for a run that writes the feeds, the build cache
  /// or the queue, or ends the command. Two such runs at once would each tidy away the other's
  /// half-written files and record outputs the other replaced; overlapping cron runs are
  /// normal, so the second one exits 75, silently with `--quiet`.
  func lockSite(_ configuration: HeraldConfiguration, console: Console) throws -> PublishLock {
    do {
      return try PublishLock(configuration)
    } catch let held as PublishLock.Held {
      if !quiet { console.write("\(held.path): error: another herald build or publish is running") }
      throw CommandOutcome.locked
    } catch let error as HeraldError {
      console.write(error.description)
      throw CommandOutcome.partialFailure
    } catch {
      console.write(
        "\(configuration.stateDisplayName): error: cannot take the publish lock: \(error.localizedDescription)"
      )
      throw CommandOutcome.usage
    }
  }
}
