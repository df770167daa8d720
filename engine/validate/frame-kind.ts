// Stage: validation (Core spec §7.3, the appendix's control frames). The kinds of control
// frames the validator keeps; `Function` is the outermost frame of every body. Its own file
// so that the validator and its fast path (fast-path.ts) share it without importing each
// other.

export const enum FrameKind {
  Block = 0,
  Loop = 1,
  If = 2,
  Else = 3,
  Function = 4,
}
