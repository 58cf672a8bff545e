/// Which checkpoints of a run keep what training needs to continue exactly: the AdamW moments and step count, and the
/// Grokfast filter's state (`GradientFilterState`). The config key `moments`; storage only: it changes neither the
/// trajectory nor its hash, only which checkpoints `resume` and `range fill` can train forward from.
///
/// ```
/// train p=113 moments=latest        weights only, except epoch 0 and the newest checkpoint
/// sweep s wd=0.3,1 moments=every    every checkpoint with its moments (sweeps default to latest)
/// ```
public enum MomentsPolicy: String, Sendable, Codable, CaseIterable {
    /// Every checkpoint keeps them (the default for `train`): `range fill` trains forward from the nearest checkpoint.
    case every
    /// Only epoch 0 and the newest checkpoint keep them; every other checkpoint holds the weights alone (about a third of
    /// the size with AdamW). When a checkpoint is written, the one that was newest is rewritten without them, after the
    /// new one is on disk. `range fill` then trains forward from epoch 0 (or the newest), and stays bit-exact.
    case latest

    /// The values, for messages: `every or latest`.
    public static var allowedText: String { "every (every checkpoint keeps the AdamW moments) or latest (only epoch 0 and the newest)" }
}
